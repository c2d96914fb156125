"""Activation functions with their derivatives, and maxout units.

Every activation in :data:`ACTIVATIONS` maps an array elementwise; its derivative is in
:data:`DERIVATIVES`. At the kink ``x = 0`` of a piecewise-linear activation the derivative
does not exist; we return the left slope there (for ReLU that is 0, as PyTorch does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _array(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def prelu(x: Any, alpha: float) -> np.ndarray:
    """``max(x, 0) + alpha min(x, 0)``: ReLU (alpha = 0), leaky ReLU (0.01), |x| (-1), identity (1)."""
    if not isinstance(alpha, (int, float, np.floating)) or not np.isfinite(alpha):
        raise ValueError(f"alpha must be a finite number, got {alpha!r}")
    x = _array(x)
    return np.maximum(x, 0.0) + alpha * np.minimum(x, 0.0)


def prelu_derivative(x: Any, alpha: float) -> np.ndarray:
    """1 for x > 0 and alpha for x <= 0 (the left derivative at the kink x = 0)."""
    x = _array(x)
    return np.where(x > 0, 1.0, float(alpha))


def sigmoid(x: Any) -> np.ndarray:
    x = _array(x)
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow


ACTIVATIONS: dict[str, Callable[[Any], np.ndarray]] = {
    "ReLU": lambda x: prelu(x, 0.0),
    "absolute value": np.abs,
    "leaky ReLU (0.01)": lambda x: prelu(x, 0.01),
    "sigmoid": sigmoid,
    "tanh": np.tanh,
}
"""The gallery: name -> elementwise function."""

DERIVATIVES: dict[str, Callable[[Any], np.ndarray]] = {
    "ReLU": lambda x: prelu_derivative(x, 0.0),
    "absolute value": lambda x: np.where(_array(x) > 0, 1.0, -1.0),  # -1 at 0 (not sign(0) = 0)
    "leaky ReLU (0.01)": lambda x: prelu_derivative(x, 0.01),
    "sigmoid": lambda x: sigmoid(x) * (1.0 - sigmoid(x)),
    "tanh": lambda x: 1.0 - np.tanh(_array(x)) ** 2,
}
"""The derivatives. At the kink 0 the piecewise-linear ones take the left slope: ReLU 0, |x| -1,
leaky ReLU 0.01."""


def maxout(z: Any, group_size: int) -> np.ndarray:
    """Maxout over consecutive groups: ``z`` of shape (n, m*k) -> (n, m), unit i = max of group i."""
    z = _array(z)
    if isinstance(group_size, bool) or not isinstance(group_size, (int, np.integer)) or group_size < 1:
        raise ValueError(f"group_size must be an int >= 1, got {group_size!r}")
    if z.ndim != 2 or z.shape[1] % group_size:
        raise ValueError(
            f"z must have shape (n, m * {group_size}) (whole groups of {group_size}), got {z.shape}"
        )
    return z.reshape(z.shape[0], -1, group_size).max(axis=2)


def maxout_1d(x: Any, slopes: Any, intercepts: Any) -> np.ndarray:
    """One maxout unit of a scalar input: ``max_j (slopes[j] x + intercepts[j])``."""
    x = _array(x)
    a, c = _array(slopes), _array(intercepts)
    if a.ndim != 1 or a.shape != c.shape or a.size == 0:
        raise ValueError(
            f"slopes and intercepts must be 1-D of the same non-zero length, got {a.shape} and {c.shape}"
        )
    z = np.multiply.outer(x.reshape(-1), a) + c
    return maxout(z, a.size).reshape(x.shape)
