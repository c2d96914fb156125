"""helpers.parity.capacity: exhaustive evaluation of parity networks and the unit count.

The constructions are the notebook's exercises, so the networks here are built by the
tests themselves (the sawtooth of 01_capacity and a bump construction with a given
number of units that see the mask).
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers.parity import capacity as C
from helpers.parity.network import TwoLayerNet, all_inputs, parity_labels


def max_error(net: TwoLayerNet, v: np.ndarray) -> float:
    x = all_inputs(len(v))
    return float(np.abs(net(x) - parity_labels(x, v)).max())


def sawtooth(v: np.ndarray) -> TwoLayerNet:
    d = len(v)
    alpha = np.array([-2.0] + [4.0 * (-1) ** (j + 1) for j in range(1, d)])
    return TwoLayerNet(np.tile(v, (d, 1)), -np.arange(d, dtype=float), alpha, 1.0)


def bumps(v: np.ndarray, k: int, seeing: int) -> TwoLayerNet:
    """Triangular bumps at the even sums; only the first ``seeing`` units get w = v."""
    d = len(v)
    W, b, alpha = np.zeros((k, d)), np.zeros(k), np.zeros(k)
    for i in range(d // 2 + 1):
        for j, (shift, weight) in enumerate([(-0.5, 4.0), (0.0, -8.0), (0.5, 4.0)]):
            if 3 * i + j < k:
                b[3 * i + j], alpha[3 * i + j] = -(2 * i + shift), weight
    W[:seeing] = v
    return TwoLayerNet(W, b, alpha, -1.0)


@pytest.mark.parametrize("d", range(1, 11))
def test_check_parity_net_on_exact_and_broken_networks(d: int) -> None:
    ones = np.ones(d, dtype=int)
    C.check_parity_net("sawtooth", sawtooth(ones), ones, k=d)
    homework = bumps(ones, 10 * d, (3 * d) // 2)  # the homework's statement
    wrong = "5" if d % 2 else "-1"
    with pytest.raises(AssertionError, match=f"wrong on 1 of {2**d} inputs .*x = {'1' * d}: f = {wrong},"):
        C.check_parity_net("homework", homework, ones)


@pytest.mark.parametrize("d", range(1, 13))
def test_min_units_is_exactly_enough_for_the_bump_construction(d: int) -> None:
    ones = np.ones(d, dtype=int)
    k = C.min_units(d)
    assert max_error(bumps(ones, k, k), ones) == 0.0
    shortened = bumps(ones, k, k)
    shortened.alpha[-1] = 0.0
    assert max_error(shortened, ones) > 1.0


def test_min_units_values_and_validation() -> None:
    assert [C.min_units(d) for d in range(1, 9)] == [3, 4, 6, 7, 9, 10, 12, 13]
    with pytest.raises(ValueError, match="d must be at least 1, got 0"):
        C.min_units(0)


def test_along_sum_traces_the_network_between_the_integers() -> None:
    ones = np.ones(4, dtype=int)
    net = bumps(ones, 40, 9)
    s = np.array([0.0, 0.25, 1.0, 2.0, 3.0, 4.0])
    f = C.along_sum(net, ones, s).sum(1) + net.beta
    np.testing.assert_allclose(f, [1.0, 0.0, -1.0, 1.0, -1.0, 1.0], atol=1e-12)
    with pytest.raises(ValueError, match="at least one 1"):
        C.along_sum(net, np.zeros(4, int), s)
    with pytest.raises(ValueError, match="d = 4 inputs but the mask has 3"):
        C.along_sum(net, [1, 1, 1], s)


def test_check_parity_net_names_the_wrong_inputs() -> None:
    ones = np.ones(4, dtype=int)
    C.check_parity_net("sawtooth", sawtooth(ones), ones, k=4)
    with pytest.raises(AssertionError, match=r"wrong on 1 of 16 inputs.*x = 1111: f = -1, y = 1"):
        C.check_parity_net("homework", bumps(ones, 40, 6), ones)
    broken = sawtooth(ones)
    broken.beta = float("nan")
    with pytest.raises(AssertionError, match="wrong on 16 of 16 inputs"):
        C.check_parity_net("nan", broken, ones)
    with pytest.raises(AssertionError, match="should return a TwoLayerNet, got tuple"):
        C.check_parity_net("tuple", (1, 2), ones)
    with pytest.raises(AssertionError, match="should have k = 3 hidden units"):
        C.check_parity_net("sawtooth", sawtooth(ones), ones, k=3)
    with pytest.raises(AssertionError, match="has d = 4 inputs, but the mask has 3 bits"):
        C.check_parity_net("sawtooth", sawtooth(ones), [1, 1, 1])


def test_bits() -> None:
    assert C.bits([1, 0, 1, 1]) == "1011"
    assert C.bits(all_inputs(2)[3]) == "11"
