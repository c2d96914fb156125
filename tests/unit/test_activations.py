"""helpers.activations: values, derivatives, maxout."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import activations as act

X = np.linspace(-3, 3, 601)
AWAY = X[np.abs(X) > 1e-3]


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_derivatives_match_finite_differences(name: str) -> None:
    f, df = act.ACTIVATIONS[name], act.DERIVATIVES[name]
    h = 1e-6
    np.testing.assert_allclose(df(AWAY), (f(AWAY + h) - f(AWAY - h)) / (2 * h), atol=1e-6)


def test_derivatives_at_the_kink_are_the_left_slopes() -> None:
    zero = np.array([0.0])
    expected = {"ReLU": 0.0, "absolute value": -1.0, "leaky ReLU (0.01)": 0.01}
    for name, value in expected.items():
        assert act.DERIVATIVES[name](zero)[0] == value, name
        left = (act.ACTIVATIONS[name](zero) - act.ACTIVATIONS[name](zero - 1e-6))[0] / 1e-6
        assert abs(left - value) < 1e-8, name
    np.testing.assert_array_equal(act.prelu_derivative(np.array([-1.0, 0.0, 1.0]), 1.5), [1.5, 1.5, 1.0])


def test_prelu_special_cases() -> None:
    np.testing.assert_array_equal(act.prelu(X, 0.0), np.maximum(X, 0))
    np.testing.assert_array_equal(act.prelu(X, -1.0), np.abs(X))
    np.testing.assert_array_equal(act.prelu(X, 1.0), X)
    with pytest.raises(ValueError, match="alpha must be a finite number"):
        act.prelu(X, float("nan"))


def test_sigmoid_is_stable_and_related_to_tanh() -> None:
    assert act.sigmoid(np.array([-1000.0]))[0] == 0.0 and act.sigmoid(np.array([1000.0]))[0] == 1.0
    np.testing.assert_allclose(np.tanh(X), 2 * act.sigmoid(2 * X) - 1, atol=1e-15)


def test_maxout_represents_relu_abs_and_convex_functions() -> None:
    np.testing.assert_array_equal(act.maxout_1d(X, [0.0, 1.0], [0.0, 0.0]), np.maximum(X, 0))
    np.testing.assert_array_equal(act.maxout_1d(X, [1.0, -1.0], [0.0, 0.0]), np.abs(X))
    # |x - 1| + |x + 1| = max(-2x, 2, 2x)
    np.testing.assert_allclose(act.maxout_1d(X, [-2.0, 0.0, 2.0], [0.0, 2.0, 0.0]), np.abs(X - 1) + np.abs(X + 1))


def test_maxout_groups() -> None:
    z = np.array([[1.0, 5.0, 2.0, -1.0, 0.0, -3.0]])
    np.testing.assert_array_equal(act.maxout(z, 3), [[5.0, 0.0]])
    np.testing.assert_array_equal(act.maxout(z, 2), [[5.0, 2.0, 0.0]])
    with pytest.raises(ValueError, match="whole groups of 4"):
        act.maxout(z, 4)
    with pytest.raises(ValueError, match="group_size must be an int >= 1"):
        act.maxout(z, 0)
    with pytest.raises(ValueError, match="same non-zero length"):
        act.maxout_1d(X, [1.0, 2.0], [0.0])
