"""What ``04_parity/03_gradients`` compares its exact gradients with: torch's autograd.

The notebook's exercises compute the gradient of the network, the split of the risk's
gradient and the Walsh-Hadamard transform; :func:`risk_gradient_autograd` is the
independent reference for the claims built on them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .network import TwoLayerNet, all_inputs, as_mask, parity_labels


def risk_gradient_autograd(net: TwoLayerNet, v: Any) -> np.ndarray:
    """Gradient of the population risk R(p) = mean over all x in {0,1}^d of max(0, 1 - f y),
    for mask v, by torch autograd; entries in the order of ``net.to_vector()``."""
    if not isinstance(net, TwoLayerNet):
        raise TypeError(f"net must be a TwoLayerNet, got {type(net).__name__}")
    mask = as_mask(v)
    if mask.size != net.d:
        raise ValueError(f"the mask has {mask.size} entries but the network has d = {net.d}")
    x = all_inputs(net.d)
    d, k = net.d, net.k
    p = torch.tensor(net.to_vector(), requires_grad=True)
    W, b, alpha, beta = p[: d * k].view(k, d), p[d * k: d * k + k], p[d * k + k: -1], p[-1]
    margins = (torch.relu(torch.as_tensor(x, dtype=torch.float64) @ W.T + b) @ alpha + beta) \
        * torch.as_tensor(parity_labels(x, mask), dtype=torch.float64)
    (grad,) = torch.autograd.grad((1 - margins).clamp(min=0).mean(), p)
    return grad.numpy()
