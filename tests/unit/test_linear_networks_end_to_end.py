"""helpers.linear_networks.end_to_end: the end-to-end matrix, the loss and least squares."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.linear_networks import end_to_end as ee


def random_layers(dims: list[int], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((dims[i + 1], dims[i])) for i in range(len(dims) - 1)]


def random_data(n: int, d: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, p))


def test_product_and_loss_match_the_sum_over_examples() -> None:
    layers = random_layers([4, 3, 2])
    X, Y = random_data(7, 4, 2)
    W = ee.product(layers)
    np.testing.assert_allclose(W, layers[1] @ layers[0])
    by_example = 0.5 * sum(float(np.sum((W @ x - y) ** 2)) for x, y in zip(X, Y))
    assert ee.loss(W, X, Y) == pytest.approx(by_example)
    assert ee.layer_loss(layers, X, Y) == pytest.approx(by_example)


def test_product_rejects_layers_that_do_not_chain() -> None:
    with pytest.raises(ValueError, match=r"layers\[1\] has 4 columns but layers\[0\] has 3 rows"):
        ee.product([np.ones((3, 2)), np.ones((2, 4))])
    with pytest.raises(ValueError, match=r"layers\[0\] must be a 2-D array"):
        ee.product([np.ones(3)])
    with pytest.raises(TypeError, match="non-empty list"):
        ee.product([])
    with pytest.raises(TypeError, match="non-empty list"):
        ee.product(np.ones((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        ee.product([np.full((2, 2), np.inf)])
    with pytest.raises(ValueError, match="must not be empty"):
        ee.product([np.ones((0, 2))])
    with pytest.raises(TypeError, match=r"layers\[0\] must be an array of numbers, got list"):
        ee.product([[["a", "b"]]])


def test_loss_rejects_mismatched_data() -> None:
    X, Y = random_data(5, 3, 2)
    with pytest.raises(ValueError, match=r"W must have shape \(p, d\) = \(2, 3\)"):
        ee.loss(np.ones((3, 2)), X, Y)
    with pytest.raises(ValueError, match="X has 5 rows, Y has 4"):
        ee.loss(np.ones((2, 3)), X, Y[:4])
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        ee.loss(np.ones((2, 3)), X[0], Y)


def test_check_widths_names_the_bad_width() -> None:
    assert ee.check_widths([3, 2]) == (3, 2)
    with pytest.raises(ValueError, match=r"widths\[1\] must be at least 1, got 0"):
        ee.check_widths([3, 0])
    with pytest.raises(ValueError, match=r"widths\[0\] must be an int, got float"):
        ee.check_widths([2.5])
    with pytest.raises(TypeError, match="widths must be a list"):
        ee.check_widths(3)  # type: ignore[arg-type]


def test_least_squares_solves_the_normal_equations() -> None:
    X, Y = random_data(10, 4, 3)
    W = ee.least_squares(X, Y)
    np.testing.assert_allclose(W @ X.T @ X, Y.T @ X, atol=1e-10)
    rng = np.random.default_rng(1)
    for _ in range(20):  # and no other matrix does better
        assert ee.loss(W + 0.1 * rng.standard_normal(W.shape), X, Y) > ee.loss(W, X, Y)
