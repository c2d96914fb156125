"""Gradient descent on deep linear networks, with torch's autograd.

- :func:`initial_layers`: small random layers (orthonormal rows or columns, scaled);
- :func:`train_together`: full-batch gradient descent on several networks of the same
  depth at once (one batched autograd computation), recording the loss and the singular
  values of each end-to-end matrix.

The gradients come from autograd, not from the closed-form per-layer formula (deriving
and implementing that formula is an exercise of ``02_loss_landscape``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..validation import integer, integers, number, sequence
from .end_to_end import check_data, check_widths


@dataclass(frozen=True)
class TrainingRun:
    """What training records at ``steps[k]``: ``losses[k]`` and ``singular_values[k]`` (of the
    end-to-end matrix, largest first); ``layers`` are the final layers."""

    steps: np.ndarray
    losses: np.ndarray
    singular_values: np.ndarray
    layers: list[np.ndarray]


def initial_layers(dims: Sequence[int], scale: float, *, seed: int = 0) -> list[np.ndarray]:
    """Random layers for sizes ``dims = (d_0, ..., d_L)``: ``scale`` times a matrix with
    orthonormal rows or columns. The product's singular values are at most ``scale**L``
    (all equal to it when the layers are square)."""
    sizes = integers("dims", list(dims), minimum=1, min_length=2)
    scale = number("scale", scale, minimum=0)
    rng = np.random.default_rng(seed)
    layers = []
    for rows, cols in zip(sizes[1:], sizes[:-1]):
        q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))
        layers.append(scale * (q if rows >= cols else q.T))
    return layers


def train_together(
    X: Any,
    Y: Any,
    widths: Sequence[Sequence[int]],
    *,
    steps: int,
    lr: float,
    init_scale: float,
    seed: int = 0,
    record_every: int = 1,
) -> list[TrainingRun]:
    """Full-batch gradient descent on the loss ``1/2 ||Wbar X^T - Y^T||_F^2`` of one network
    per entry of ``widths`` (lists of inner widths, all of the same length), each started
    from :func:`initial_layers` with ``init_scale`` and ``seed``.

    The networks are trained side by side as one batch, zero-padded to the widest layer
    sizes (padded entries get no gradient, so each network is trained exactly as on its
    own). Records every ``record_every`` steps and the last. Raises ``FloatingPointError``
    if a loss blows up (the learning rate is too large).
    """
    x, y = check_data(X, Y)
    inner = [check_widths(w, f"widths[{k}]")
             for k, w in enumerate(sequence("widths", widths, min_length=1, of="inner-width lists"))]
    if len({len(w) for w in inner}) != 1:
        raise ValueError(f"all networks must have the same depth, got inner widths {inner}")
    steps = integer("steps", steps, minimum=1)
    record_every = integer("record_every", record_every, minimum=1)
    lr = number("lr", lr, positive=True)
    shapes = [(x.shape[1], *w, y.shape[1]) for w in inner]
    padded = np.max(np.array(shapes), axis=0)
    starts = [initial_layers(dims, init_scale, seed=seed) for dims in shapes]
    layers, masks = [], []
    for i in range(len(padded) - 1):
        stack = np.zeros((len(shapes), padded[i + 1], padded[i]))
        mask = np.zeros_like(stack)
        for k, dims in enumerate(shapes):
            stack[k, :dims[i + 1], :dims[i]] = starts[k][i]
            mask[k, :dims[i + 1], :dims[i]] = 1.0
        layers.append(torch.tensor(stack, requires_grad=True))
        masks.append(torch.tensor(mask))
    xtx, ytx = torch.tensor(x.T @ x), torch.tensor(y.T @ x)
    yty = float(np.sum(y**2))
    recorded, losses, products = [], [], []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the matrices are tiny: one thread is several times faster
    try:
        for t in range(steps + 1):
            end_to_end = layers[0]
            for w in layers[1:]:
                end_to_end = w @ end_to_end
            # 1/2 ||W X^T - Y^T||^2 expanded, so a step costs O(d^2 p), not O(n d p)
            value = 0.5 * ((end_to_end @ xtx * end_to_end).sum((1, 2)) - 2 * (end_to_end * ytx).sum((1, 2)) + yty)
            if t % record_every == 0 or t == steps:
                current = value.detach().numpy()
                if not np.all(np.isfinite(current)) or current.max() > 1e12:
                    raise FloatingPointError(
                        f"gradient descent diverged at step {t} (loss {current.max():.3g}): lower lr (now {lr})"
                    )
                recorded.append(t)
                losses.append(np.maximum(current, 0.0))
                products.append(end_to_end.detach().numpy().copy())
            if t < steps:
                grads = torch.autograd.grad(value.sum(), layers)
                with torch.no_grad():
                    for w, g, m in zip(layers, grads, masks):
                        w -= lr * g * m
    finally:
        torch.set_num_threads(threads)
    singular = np.linalg.svd(np.array(products), compute_uv=False)  # (records, networks, min(p, d))
    runs = []
    for k, dims in enumerate(shapes):
        final = [w.detach().numpy()[k, :dims[i + 1], :dims[i]].copy() for i, w in enumerate(layers)]
        runs.append(TrainingRun(np.array(recorded), np.array(losses)[:, k], singular[:, k], final))
    return runs

