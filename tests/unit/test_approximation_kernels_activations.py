"""helpers.approximation.kernels_activations: the RBF kernel, its truncated series, the sigmoid."""

from __future__ import annotations

from math import comb, factorial

import numpy as np
import pytest

from helpers.approximation import kernels_activations as ka


def test_truncation_converges_to_the_kernel_within_the_taylor_bound() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, size=(8, 2)), rng.uniform(-1, 1, size=(8, 2))
    exact = ka.rbf_kernel(x, y, 1.0)
    s = 2 * np.abs(x @ y.T)
    prefactor = np.exp(-(x**2).sum(1))[:, None] * np.exp(-(y**2).sum(1))[None, :]
    errors = []
    for order in range(21):
        error = np.abs(ka.truncated_kernel(x, y, order) - exact)
        remainder = prefactor * s ** (order + 1) / factorial(order + 1) * np.exp(s)
        assert np.all(error <= remainder + 1e-14)
        errors.append(error.max())
    assert errors[-1] < 1e-8 and np.all(np.diff(errors) <= 0)


def test_kernel_values() -> None:
    x = np.array([[0.0, 0.0], [1.0, 2.0]])
    np.testing.assert_allclose(ka.rbf_kernel(x, x, 0.5), [[1.0, np.exp(-2.5)], [np.exp(-2.5), 1.0]])
    np.testing.assert_allclose(ka.rbf_kernel(np.array([0.0, 1.0]), np.array([3.0]), 1.0),
                               [[np.exp(-9.0)], [np.exp(-4.0)]])  # 1-D points as (n,)
    # k_0 is the prefactor alone; at x = y = 0 every k_N is 1
    np.testing.assert_allclose(ka.truncated_kernel(x, x, 0, 0.5), np.exp(-0.5 * (x**2).sum(1))[:, None]
                               * np.exp(-0.5 * (x**2).sum(1))[None, :])
    assert ka.truncated_kernel(np.zeros((1, 3)), np.zeros((1, 3)), 7)[0, 0] == 1.0


def test_gram_matrix_is_positive_semidefinite() -> None:
    x = np.random.default_rng(1).normal(size=(60, 2))
    assert np.linalg.eigvalsh(ka.rbf_kernel(x, x, 2.0)).min() > -1e-10


@pytest.mark.parametrize("dim, order", [(1, 0), (1, 5), (2, 3), (3, 4)])
def test_feature_dim(dim: int, order: int) -> None:
    assert ka.feature_dim(dim, order) == comb(order + dim, dim)


def test_sigmoid_is_stable_and_related_to_tanh() -> None:
    grid = np.linspace(-3, 3, 601)
    assert ka.sigmoid(np.array([-1000.0]))[0] == 0.0 and ka.sigmoid(np.array([1000.0]))[0] == 1.0
    np.testing.assert_allclose(ka.sigmoid(grid), 1 / (1 + np.exp(-grid)), rtol=1e-14)
    np.testing.assert_allclose(np.tanh(grid), 2 * ka.sigmoid(2 * grid) - 1, atol=1e-15)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="order must be at least 0, got -1"):
        ka.truncated_kernel(np.zeros((2, 1)), np.zeros((2, 1)), -1)
    with pytest.raises(ValueError, match="gamma must be positive, got 0.0"):
        ka.rbf_kernel(np.zeros((2, 1)), np.zeros((2, 1)), 0.0)
    with pytest.raises(ValueError, match="same dimension"):
        ka.truncated_kernel(np.zeros((2, 1)), np.zeros((2, 2)), 3)
    with pytest.raises(ValueError, match=r"x must have shape \(n, d\)"):
        ka.rbf_kernel(np.zeros((2, 2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="y must be finite"):
        ka.rbf_kernel(np.zeros((2, 1)), np.array([[np.nan]]))
    with pytest.raises(ValueError, match="dim must be at least 1, got 0"):
        ka.feature_dim(0, 2)


def test_check_multi_indices_passes_every_listing_by_degree(capsys: pytest.CaptureFixture[str]) -> None:
    by_degree = np.array([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]])
    ka.check_multi_indices("alphas", by_degree, 2, 2)
    ka.check_multi_indices("alphas", by_degree[[0, 2, 1, 5, 4, 3]], 2, 2)  # any order within a degree
    ka.check_multi_indices("alphas", np.zeros((1, 3), dtype=int), 3, 0)
    assert "all 6 multi-indices of degree <= 2 in dimension 2" in capsys.readouterr().out


@pytest.mark.parametrize("alphas, says", [
    ([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1]], "some are missing"),
    ([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 3]], "degree above 2"),
    ([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [1, 1]], "twice"),
    ([[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [0, 2]], "not by increasing degree"),
    ([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [-1, 3]], "negative entry"),
    ([[0, 0, 0], [1, 0, 0]], r"shape \(M, 2\)"),
    ([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [0.0, 2.0]], "should hold ints"),
])
def test_check_multi_indices_fails_wrong_listings(alphas: list[list[float]], says: str) -> None:
    with pytest.raises(AssertionError, match=says):
        ka.check_multi_indices("alphas", np.array(alphas), 2, 2)
