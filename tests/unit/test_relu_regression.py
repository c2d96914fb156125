"""helpers.relu_regression: bias-free ReLU networks vs linear regression on nonnegative data."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import relu_regression as rr


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


def test_clamp_sets_negative_weights_to_zero() -> None:
    net = rr.BiasFreeReLUNet(3, [4], seed=2)
    before = net.weights()
    net.clamp_nonnegative_()
    for old, new in zip(before, net.weights()):
        np.testing.assert_array_equal(new, np.maximum(old, 0.0))


def test_least_squares_fit_solves_the_normal_equations() -> None:
    X = nonnegative_data()
    y = np.random.default_rng(3).standard_normal(40)
    w, value = rr.least_squares_fit(X, y)
    np.testing.assert_allclose(X.T @ (X @ w - y), 0.0, atol=1e-10)
    assert value == pytest.approx(0.5 * np.sum((X @ w - y) ** 2))


def test_fit_beats_least_squares_on_a_nonlinear_target_and_not_with_nonnegative_weights() -> None:
    torch.manual_seed(0)
    X = nonnegative_data(60, 2)
    y = np.abs(X[:, 0] - X[:, 1])
    _, ls = rr.least_squares_fit(X, y)
    free = rr.fit(rr.BiasFreeReLUNet(2, [8], seed=0), X, y, steps=400, lr=0.02)
    assert free[-1] < 0.2 * ls
    tied = rr.fit(rr.BiasFreeReLUNet(2, [8], seed=0, nonnegative=True), X, y, steps=400, lr=0.02,
                  nonnegative=True)
    assert tied.min() >= ls * (1 - 1e-9)
    assert len(tied) == 401


def test_one_input_networks_are_linear_on_nonnegative_inputs() -> None:
    x = np.linspace(0.0, 2.0, 9)[:, None]
    net = rr.BiasFreeReLUNet(1, [6, 6], seed=4)
    np.testing.assert_allclose(net.predict(x), x[:, 0] * net.predict([[1.0]])[0], rtol=1e-12, atol=1e-14)


def test_bad_input_raises_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"widths\[1\] must be a positive int, got 0"):
        rr.BiasFreeReLUNet(3, [4, 0])
    with pytest.raises(ValueError, match="non-empty list of hidden widths"):
        rr.BiasFreeReLUNet(3, [])
    with pytest.raises(ValueError, match="n_inputs must be a positive int"):
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
    with pytest.raises(ValueError, match="X has 2 columns but net expects 3"):
        rr.fit(net, np.ones((4, 2)), np.ones(4), steps=1, lr=0.1)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        rr.fit(net, np.ones((4, 3)), np.ones(4), steps=0, lr=0.1)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        rr.fit(net, np.ones((4, 3)), np.ones(4), steps=1, lr=0.0)
    with pytest.raises(ValueError, match="finite"):
        rr.least_squares_fit(np.full((2, 2), np.nan), np.ones(2))
    with pytest.raises(TypeError, match="BiasFreeReLUNet"):
        rr.fit(torch.nn.Linear(3, 1), np.ones((4, 3)), np.ones(4), steps=1, lr=0.1)
