"""helpers.approximation.kinks: the checks of the kinks notebook pass right answers and fail wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.approximation import kinks
from helpers.approximation.relu_net import make_net, random_net

# two hidden layers of width 2 with six kinks, and of width 3 with fifteen (02_kinks.ipynb)
SIX = make_net([[[1.0], [-1.0]], [[4.0, 1.0], [1.0, 4.0]], [[1.0, 1.0]]], [[0.0, 1.0], [-2.0, -2.0], [0.0]])
SIX_KINKS = np.array([-1.0, 0.0, 1 / 3, 2 / 3, 1.0, 2.0])
FIFTEEN = make_net([[[1.0], [1.0], [-1.0]], [[-5.0, 4.0, -3.0], [8.0, -6.0, 5.0], [-6.5, 6.0, -3.5]],
                    [[1.0, 1.0, 1.0]]], [[0.0, -1.0, 2.0], [7.0, -11.0, 9.0], [0.0]])
FIFTEEN_KINKS = np.array([-4 / 7, -1 / 3, -0.2, 0.0, 1 / 3, 0.5, 2 / 3, 1.0, 4 / 3, 1.5, 5 / 3, 2.0, 2.5, 3.0, 6.0])


def one_layer_kinks(net):  # kinks of a one-hidden-layer network in general position: -b_i / w_i
    return np.sort(-net.biases[0] / net.weights[0][:, 0])


@pytest.mark.parametrize("net, points", [(SIX, SIX_KINKS), (FIFTEEN, FIFTEEN_KINKS)])
def test_check_kinks_passes_the_exact_kinks(net, points) -> None:
    kinks.check_kinks("kinks", net, points)
    kinks.check_kinks("kinks", net, list(points))


def test_check_kinks_passes_random_one_layer_networks_and_a_line() -> None:
    for seed in range(20):
        net = random_net(1, [5], seed=seed)
        kinks.check_kinks("kinks", net, one_layer_kinks(net))
    identity = make_net([[[1.0], [-1.0]], [[1.0, -1.0]]], [[0.0, 0.0], [0.0]])  # relu(x) - relu(-x) = x
    kinks.check_kinks("kinks", identity, [])


def test_check_kinks_finds_a_tiny_kink_far_away() -> None:
    # slope change 1e-6 at x = 5000
    net = make_net([[[1.0], [1.0]], [[1.0, 1e-6]]], [[0.0, -5000.0], [0.0]])
    kinks.check_kinks("kinks", net, [0.0, 5000.0])
    with pytest.raises(AssertionError, match="misses a kink right of 0"):
        kinks.check_kinks("kinks", net, [0.0])


@pytest.mark.parametrize("wrong, says", [
    (np.delete(FIFTEEN_KINKS, 0), "misses a kink left of -0.333333"),
    (np.delete(FIFTEEN_KINKS, 14), "misses a kink right of 3"),
    (np.delete(FIFTEEN_KINKS, 5), "misses a kink between 0.333333 and 0.666667"),
    (np.append(FIFTEEN_KINKS, 7.0), "x = 7 is not a kink"),
    (FIFTEEN_KINKS + 1e-3, "is not a kink"),
    (FIFTEEN_KINKS[::-1], "should be sorted"),
    (np.sort(np.append(FIFTEEN_KINKS, 1e-13)), "nearly the same point twice"),
    (np.append(FIFTEEN_KINKS, np.inf), "finite"),
    (FIFTEEN_KINKS[None, :], "1-D array"),
    (None, "is None"),
    ("kinks", "array of numbers"),
])
def test_check_kinks_fails_wrong_answers(wrong, says) -> None:
    with pytest.raises(AssertionError, match=says):
        kinks.check_kinks("kinks", FIFTEEN, wrong)


def test_check_kinks_needs_a_one_input_network() -> None:
    with pytest.raises(TypeError, match="one input and one output"):
        kinks.check_kinks("kinks", random_net(2, [3], seed=0), [])


def test_one_sided_slopes() -> None:
    left, right = kinks.one_sided_slopes(SIX, SIX_KINKS, 1e-7)
    assert np.all(np.abs(right - left) > 0.1)
    np.testing.assert_allclose(kinks.one_sided_slopes(SIX, [10.0])[0], kinks.one_sided_slopes(SIX, [10.0])[1])


def test_check_kink_at_zero() -> None:
    absolute = make_net([[[1.0], [-1.0]], [[1.0, 1.0]]], [np.zeros(2), np.zeros(1)])
    kinks.check_kink_at_zero("|x|", absolute)
    identity = make_net([[[1.0], [-1.0]], [[1.0, -1.0]]], [np.zeros(2), np.zeros(1)])
    with pytest.raises(AssertionError, match="differentiable at 0"):
        kinks.check_kink_at_zero("x", identity)
    zero = make_net([[[1.0], [0.0]], [[0.0, 1.0]]], [np.zeros(2), np.zeros(1)])
    with pytest.raises(AssertionError, match="slope is 0 on both sides"):
        kinks.check_kink_at_zero("0", zero)
