"""helpers.kernels: the truncated RBF feature map reproduces the kernel."""

from __future__ import annotations

from math import comb, factorial

import numpy as np
import pytest

from helpers import kernels as kn


@pytest.mark.parametrize("dim", [1, 2, 3])
@pytest.mark.parametrize("order", [0, 1, 4, 7])
def test_features_give_the_truncated_kernel(dim: int, order: int) -> None:
    rng = np.random.default_rng(dim * 10 + order)
    x, y = rng.normal(size=(6, dim)), rng.normal(size=(5, dim))
    phi_x, phi_y = kn.rbf_features(x, order, 0.7), kn.rbf_features(y, order, 0.7)
    assert phi_x.shape == (6, comb(order + dim, dim)) == (6, kn.feature_dim(dim, order))
    np.testing.assert_allclose(phi_x @ phi_y.T, kn.truncated_kernel(x, y, order, 0.7), rtol=1e-10, atol=1e-14)


def test_truncation_converges_to_the_kernel_within_the_taylor_bound() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, size=(8, 2)), rng.uniform(-1, 1, size=(8, 2))
    exact = kn.rbf_kernel(x, y, 1.0)
    s = 2 * np.abs(x @ y.T)
    prefactor = np.exp(-(x**2).sum(1))[:, None] * np.exp(-(y**2).sum(1))[None, :]
    errors = []
    for order in range(21):
        error = np.abs(kn.truncated_kernel(x, y, order) - exact)
        remainder = prefactor * s ** (order + 1) / factorial(order + 1) * np.exp(s)
        assert np.all(error <= remainder + 1e-14)
        errors.append(error.max())
    assert errors[-1] < 1e-8 and np.all(np.diff(errors) <= 0)


def test_constant_feature_is_needed() -> None:
    phi = kn.rbf_features(np.zeros((1, 3)), 5)
    assert phi[0, 0] == 1.0 and np.all(phi[0, 1:] == 0)  # k(0, 0) = 1 comes from alpha = 0 only
    np.testing.assert_allclose(kn.rbf_kernel(np.zeros((1, 3)), np.zeros((1, 3))), [[1.0]])


def test_multi_indices() -> None:
    alphas = kn.multi_indices(2, 2)
    assert sorted(map(tuple, alphas.tolist())) == sorted([(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2)])
    assert np.all(np.diff(alphas.sum(1)) >= 0)


def test_gram_matrix_is_positive_semidefinite() -> None:
    x = np.random.default_rng(1).normal(size=(60, 2))
    assert np.linalg.eigvalsh(kn.rbf_kernel(x, x, 2.0)).min() > -1e-10


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="order must be an int >= 0"):
        kn.rbf_features(np.zeros((2, 1)), -1)
    with pytest.raises(ValueError, match="gamma must be a positive number"):
        kn.rbf_kernel(np.zeros((2, 1)), np.zeros((2, 1)), 0.0)
    with pytest.raises(ValueError, match="same dimension"):
        kn.truncated_kernel(np.zeros((2, 1)), np.zeros((2, 2)), 3)
    with pytest.raises(ValueError, match=r"x must have shape \(n, d\)"):
        kn.rbf_features(np.zeros((2, 2, 2)), 3)
    with pytest.raises(ValueError, match="dim must be an int >= 1"):
        kn.multi_indices(0, 2)
