"""Tooling for "why cross-entropy": a toy data set and gradient descent on one sigmoid unit.

:func:`train_sigmoid_unit` runs full-batch gradient descent on a logistic model
``p = sigmoid(X w + b)`` with either the cross-entropy or the squared error, using torch
autograd (so the notebook's hand-derived gradients are checked against it, not used by it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

Loss = Literal["cross_entropy", "squared_error"]
LOSSES: tuple[str, ...] = ("cross_entropy", "squared_error")


def two_blobs(n: int = 200, *, distance: float = 3.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in the plane from two unit Gaussians ``distance`` apart, labels 0 and 1.

    Class 1 is centred at ``(distance/2, 0)`` and class 0 at ``(-distance/2, 0)``; half the
    points belong to each class. Returns ``x`` of shape ``(n, 2)`` and ``y`` of shape ``(n,)``
    (float64, values 0.0 and 1.0).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"two_blobs(): n must be an int of at least 2, got {n!r}")
    if not distance >= 0:
        raise ValueError(f"two_blobs(): distance must be non-negative, got {distance!r}")
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.float64)
    x = rng.normal(size=(n, 2))
    x[:, 0] += np.where(y == 1, distance / 2, -distance / 2)
    return x, y


@dataclass(frozen=True)
class Trajectory:
    """What gradient descent did, one entry per step (the initial point included)."""

    loss: np.ndarray
    accuracy: np.ndarray
    grad_norm: np.ndarray
    weights: np.ndarray
    """Shape ``(steps + 1, d + 1)``: the weights, then the bias."""


def sigmoid_unit_loss(logits: torch.Tensor, y: torch.Tensor, loss: Loss) -> torch.Tensor:
    """Mean cross-entropy (computed stably from the logits) or mean ``(sigmoid - y)^2 / 2``."""
    if loss == "cross_entropy":
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
    if loss == "squared_error":
        return 0.5 * ((torch.sigmoid(logits) - y) ** 2).mean()
    raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def train_sigmoid_unit(x: np.ndarray, y: np.ndarray, w0: np.ndarray, *, loss: Loss,
                       lr: float = 1.0, steps: int = 200) -> Trajectory:
    """Full-batch gradient descent on ``p = sigmoid(x @ w + b)`` from ``w0 = (w, b)``."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w0 = np.asarray(w0, dtype=np.float64)
    if x.ndim != 2 or y.shape != (len(x),):
        raise ValueError(f"x must be (n, d) and y (n,), got {x.shape} and {y.shape}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"y must hold the labels 0 and 1 only, got values {np.unique(y)[:5]}")
    if w0.shape != (x.shape[1] + 1,):
        raise ValueError(f"w0 must have shape ({x.shape[1] + 1},) (weights then bias), got {w0.shape}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if not lr > 0 or isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"lr must be positive and steps a positive int, got {lr!r} and {steps!r}")
    features = torch.from_numpy(np.hstack([x, np.ones((len(x), 1))]))
    target = torch.from_numpy(y)
    w = torch.tensor(w0, requires_grad=True)
    losses, accuracies, norms, weights = [], [], [], []
    for step in range(steps + 1):
        logits = features @ w
        value = sigmoid_unit_loss(logits, target, loss)
        (grad,) = torch.autograd.grad(value, w)
        losses.append(value.item())
        accuracies.append(((logits > 0).double() == target).double().mean().item())
        norms.append(grad.norm().item())
        weights.append(w.detach().numpy().copy())
        if step < steps:
            with torch.no_grad():
                w -= lr * grad
    return Trajectory(np.array(losses), np.array(accuracies), np.array(norms), np.array(weights))
