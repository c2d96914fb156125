"""What ``01_capacity`` needs besides the shared modules: torch layers with given weights."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def linear_layer(weight: Any, bias: Any = None) -> torch.nn.Linear:
    """A float32 ``torch.nn.Linear`` computing ``x -> weight @ x + bias`` (no bias if None).

    ``weight`` has shape (outputs, inputs) and ``bias`` shape (outputs,).
    """
    try:
        w = np.array(weight, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise TypeError(f"weight must be a matrix of numbers, got {type(weight).__name__}") from error
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"weight must be a non-empty matrix (outputs, inputs), got shape {w.shape}")
    layer = torch.nn.Linear(w.shape[1], w.shape[0], bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        if bias is not None:
            b = np.array(bias, dtype=np.float32)
            if b.shape != (w.shape[0],):
                raise ValueError(f"bias must have shape ({w.shape[0]},) to match weight, got {b.shape}")
            layer.bias.copy_(torch.from_numpy(b))
    return layer
