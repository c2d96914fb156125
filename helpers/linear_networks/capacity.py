"""What ``01_capacity`` needs besides the shared modules: torch layers with given weights."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..validation import float_array


def linear_layer(weight: Any, bias: Any = None) -> torch.nn.Linear:
    """A float32 ``torch.nn.Linear`` computing ``x -> weight @ x + bias`` (no bias if None).

    ``weight`` has shape (outputs, inputs) and ``bias`` shape (outputs,).
    """
    w = float_array("weight", weight, ndim=2, nonempty=True).astype(np.float32)
    layer = torch.nn.Linear(w.shape[1], w.shape[0], bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        if bias is not None:
            b = float_array("bias", bias).astype(np.float32)
            if b.shape != (w.shape[0],):
                raise ValueError(f"bias must have shape ({w.shape[0]},) to match weight, got {b.shape}")
            layer.bias.copy_(torch.from_numpy(b))
    return layer
