"""helpers.parity.gradients: the autograd reference for the gradient of the population risk."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import numerical_gradient
from helpers.parity.gradients import risk_gradient_autograd
from helpers.parity.network import TwoLayerNet, all_inputs, parity_labels


def random_net(d: int, k: int, seed: int) -> TwoLayerNet:
    rng = np.random.default_rng(seed)
    return TwoLayerNet(rng.normal(size=(k, d)) / np.sqrt(d), rng.normal(size=k),
                       3 * rng.normal(size=k) / np.sqrt(k), 0.1 * rng.normal())


def risk(p: np.ndarray, d: int, k: int, v: np.ndarray) -> float:
    x = all_inputs(d)
    return float(np.mean(np.maximum(0, 1 - TwoLayerNet.from_vector(p, d, k)(x) * parity_labels(x, v))))


@pytest.mark.parametrize("d", [2, 4])
def test_risk_gradient_matches_finite_differences(d: int) -> None:
    net = random_net(d, 3, seed=d)
    margins = net(all_inputs(d))
    assert (np.abs(margins) > 1).any() and (np.abs(margins) < 1).any()  # both sides of the kink
    for v in all_inputs(d)[[1, -1]]:
        numeric = numerical_gradient(lambda p: risk(p, d, 3, v), net.to_vector())
        np.testing.assert_allclose(risk_gradient_autograd(net, v), numeric, atol=1e-7)


def test_risk_gradient_validates() -> None:
    net = random_net(3, 2, seed=0)
    with pytest.raises(ValueError, match="mask has 2 entries but the network has d = 3"):
        risk_gradient_autograd(net, [1, 0])
    with pytest.raises(TypeError, match="TwoLayerNet"):
        risk_gradient_autograd("net", [1, 0, 1])  # type: ignore[arg-type]
