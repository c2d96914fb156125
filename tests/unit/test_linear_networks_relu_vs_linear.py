"""helpers.linear_networks.relu_vs_linear: bias-free ReLU networks and linear regression on nonnegative data."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.linear_networks import relu_vs_linear as rr


def nonnegative_data(n: int = 40, d: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, (n, d))


def test_forward_matches_a_hand_computation() -> None:
    net = rr.BiasFreeReLUNet.from_weights([[[1.0, -1.0], [-1.0, 1.0]], [[1.0, 1.0]]])
    np.testing.assert_allclose(net.predict([[3.0, 1.0], [0.5, 2.0]]), [2.0, 1.5])  # |x1 - x2|
    assert [w.shape for w in net.weights()] == [(2, 2), (1, 2)]


def test_nonnegative_weights_collapse_to_a_linear_model() -> None:
    X = nonnegative_data()
    net = rr.BiasFreeReLUNet(3, [5, 4], seed=1, nonnegative=True)
    weights = net.weights()
    assert all((w >= 0).all() for w in weights)
    w = weights[2] @ weights[1] @ weights[0]
    np.testing.assert_allclose(net.predict(X), X @ w.ravel(), rtol=1e-12)


def test_least_squares_fit_solves_the_normal_equations() -> None:
    X = nonnegative_data()
    y = np.random.default_rng(3).standard_normal(40)
    w, value = rr.least_squares_fit(X, y)
    np.testing.assert_allclose(X.T @ (X @ w - y), 0.0, atol=1e-10)
    assert value == pytest.approx(0.5 * np.sum((X @ w - y) ** 2))


def test_one_input_networks_are_linear_on_nonnegative_inputs() -> None:
    x = np.linspace(0.0, 2.0, 9)[:, None]
    net = rr.BiasFreeReLUNet(1, [6, 6], seed=4)
    np.testing.assert_allclose(net.predict(x), x[:, 0] * net.predict([[1.0]])[0], rtol=1e-12, atol=1e-14)


def test_bad_input_raises_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"widths\[1\] must be at least 1, got 0"):
        rr.BiasFreeReLUNet(3, [4, 0])
    with pytest.raises(ValueError, match="widths must be a non-empty list of ints, got an empty list"):
        rr.BiasFreeReLUNet(3, [])
    with pytest.raises(ValueError, match="n_inputs must be at least 1, got 0"):
        rr.BiasFreeReLUNet(0, [2])
    with pytest.raises(ValueError, match=r"weights\[1\] has 3 columns but weights\[0\] has 2 rows"):
        rr.BiasFreeReLUNet.from_weights([np.ones((2, 3)), np.ones((1, 3))])
    with pytest.raises(ValueError, match="one row"):
        rr.BiasFreeReLUNet.from_weights([np.ones((2, 3)), np.ones((2, 2))])
    with pytest.raises(ValueError, match=r"weights\[0\] must be a 2-D array"):
        rr.BiasFreeReLUNet.from_weights([np.ones(3), np.ones((1, 3))])
    net = rr.BiasFreeReLUNet(3, [2])
    with pytest.raises(ValueError, match=r"x must have shape \(n, 3\)"):
        net.predict(np.ones((4, 2)))
    with pytest.raises(ValueError, match="X has 4 rows but y has 3 entries"):
        rr.least_squares_fit(np.ones((4, 3)), np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        rr.least_squares_fit(np.full((2, 2), np.nan), np.ones(2))
    with pytest.raises(ValueError, match=r"predictions have shape \(3,\) but y has \(2,\)"):
        rr.squared_loss(np.ones(3), np.ones(2))
