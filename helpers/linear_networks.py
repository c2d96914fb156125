"""Deep linear networks: the end-to-end matrix, its loss, gradients, critical points, training.

A deep linear network with layers ``W_1`` (``d_1 x d_0``), ..., ``W_L`` (``d_L x d_{L-1}``)
maps ``x`` to ``W_L ... W_1 x = Wbar x``. Data are stored with one example per row:
``X`` is ``n x d`` and ``Y`` is ``n x p``, and the training loss is

    Q(Wbar) = 1/2 || Wbar X^T - Y^T ||_F^2 .

Gradients follow the convention "same shape as the variable": ``dQ/dWbar[j, k]`` is
the partial derivative with respect to ``Wbar[j, k]``.

- :func:`product`, :func:`loss`, :func:`layer_loss`: the forward direction;
- :func:`end_to_end_gradient`, :func:`layer_gradients`: the gradients in closed form;
- :func:`factorise`: layers of given inner widths whose product is a given matrix;
- :func:`best_low_rank`, :func:`least_squares`, :func:`reduced_rank_regression`:
  the best reachable end-to-end matrices;
- :func:`critical_point`: layers at a critical point that keeps chosen directions;
- :func:`train`: plain gradient descent on the layers, recording the loss and the
  singular values of the product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


# ----------------------------------------------------------------- validation
def _as_matrix(name: str, value: Any) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a 2-D array of numbers, got {type(value).__name__}") from error
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (a matrix), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or infinity")
    return array


def _as_layers(layers: Any) -> list[np.ndarray]:
    if isinstance(layers, np.ndarray) or not isinstance(layers, (list, tuple)) or not layers:
        raise TypeError(
            "layers must be a non-empty list [W_1, ..., W_L] of matrices, "
            f"got {type(layers).__name__}"
        )
    mats = [_as_matrix(f"layers[{i}]", w) for i, w in enumerate(layers)]
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(
                f"layers[{i}] has {mats[i].shape[1]} columns but layers[{i - 1}] has "
                f"{mats[i - 1].shape[0]} rows: W_{i + 1} must have shape "
                f"(d_{i + 1}, {mats[i - 1].shape[0]})"
            )
    return mats


def _check_widths(widths: Any) -> tuple[int, ...]:
    if isinstance(widths, (str, bytes, np.ndarray)) or not isinstance(widths, (list, tuple)):
        raise TypeError(
            f"widths must be a list of inner widths [d_1, ..., d_(L-1)], got {type(widths).__name__}"
        )
    checked = []
    for i, width in enumerate(widths):
        if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
            raise ValueError(f"widths[{i}] must be a positive int, got {width!r}")
        checked.append(int(width))
    return tuple(checked)


def _check_data(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = _as_matrix("X", X), _as_matrix("Y", Y)
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and Y must have one row per example: X has {x.shape[0]} rows, Y has {y.shape[0]}"
        )
    return x, y


def _check_fits(W: np.ndarray, X: np.ndarray, Y: np.ndarray, name: str) -> None:
    if W.shape != (Y.shape[1], X.shape[1]):
        raise ValueError(
            f"{name} must have shape (p, d) = ({Y.shape[1]}, {X.shape[1]}) for X of shape "
            f"{X.shape} and Y of shape {Y.shape}, got {W.shape}"
        )


def _check_rank(name: str, rank: Any) -> int:
    if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or rank < 0:
        raise ValueError(f"{name} must be a non-negative int, got {rank!r}")
    return int(rank)


# ----------------------------------------------------------------- forward
def product(layers: Sequence[Any]) -> np.ndarray:
    """The end-to-end matrix ``W_L ... W_1`` of ``layers = [W_1, ..., W_L]``."""
    mats = _as_layers(layers)
    result = mats[0]
    for w in mats[1:]:
        result = w @ result
    return result


def loss(W: Any, X: Any, Y: Any) -> float:
    """``Q(W) = 1/2 ||W X^T - Y^T||_F^2`` for an end-to-end matrix ``W`` (``p x d``)."""
    x, y = _check_data(X, Y)
    w = _as_matrix("W", W)
    _check_fits(w, x, y, "W")
    return 0.5 * float(np.sum((x @ w.T - y) ** 2))


def layer_loss(layers: Sequence[Any], X: Any, Y: Any) -> float:
    """The training loss of the network with ``layers``: ``Q(W_L ... W_1)``."""
    return loss(product(layers), X, Y)


# ----------------------------------------------------------------- gradients
def end_to_end_gradient(W: Any, X: Any, Y: Any) -> np.ndarray:
    """``dQ/dW = (W X^T - Y^T) X = W X^T X - Y^T X``, a ``p x d`` matrix like ``W``."""
    x, y = _check_data(X, Y)
    w = _as_matrix("W", W)
    _check_fits(w, x, y, "W")
    return (w @ x.T - y.T) @ x


def layer_gradients(layers: Sequence[Any], X: Any, Y: Any) -> list[np.ndarray]:
    """``[dR/dW_1, ..., dR/dW_L]`` with ``dR/dW_i = (W_L..W_{i+1})^T G (W_{i-1}..W_1)^T``.

    ``G`` is :func:`end_to_end_gradient` at the product; an empty product is the identity.
    """
    mats = _as_layers(layers)
    x, y = _check_data(X, Y)
    if mats[0].shape[1] != x.shape[1] or mats[-1].shape[0] != y.shape[1]:
        raise ValueError(
            f"the layers map R^{mats[0].shape[1]} to R^{mats[-1].shape[0]}, but X has "
            f"{x.shape[1]} columns and Y has {y.shape[1]}"
        )
    return _gradients(mats, x.T @ x, y.T @ x)[2]


def _gradients(mats: list[np.ndarray], xtx: np.ndarray,
               ytx: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Product, ``dQ/dWbar`` and per-layer gradients from ``X^T X`` and ``Y^T X`` (no checks)."""
    below = [np.eye(xtx.shape[0])]  # below[i] = W_i ... W_1 (below[0] = I)
    for w in mats:
        below.append(w @ below[-1])
    G = below[-1] @ xtx - ytx
    grads: list[np.ndarray] = [np.empty(0)] * len(mats)
    above = np.eye(ytx.shape[0])  # W_L ... W_{i+1}
    for i in range(len(mats) - 1, -1, -1):
        grads[i] = above.T @ G @ below[i].T
        above = above @ mats[i]
    return below[-1], G, grads


# ----------------------------------------------------------------- constructions
def factorise(W0: Any, widths: Sequence[int], *, tol: float | None = None) -> list[np.ndarray]:
    """Layers ``[W_1, ..., W_L]`` with inner widths ``widths`` whose product is ``W0``.

    ``L = len(widths) + 1``. With ``W0 = U S V^T`` of rank ``r``: ``W_1 = [S_r V_r^T; 0]``,
    the middle layers are ``[I_r 0; 0 0]`` and ``W_L = [U_r 0]``. Raises ``ValueError``
    when ``r`` exceeds the narrowest inner width (no factorisation exists then).
    ``tol`` is the singular-value threshold of the rank (numpy's default if None).
    """
    w0 = _as_matrix("W0", W0)
    inner = _check_widths(widths)
    p, d = w0.shape
    if not inner:
        return [w0.copy()]
    U, s, Vt = np.linalg.svd(w0, full_matrices=False)
    r = int(np.linalg.matrix_rank(w0, tol=tol))
    if r > min(inner):
        narrow = inner.index(min(inner))
        raise ValueError(
            f"W0 has rank {r} but the narrowest inner width is widths[{narrow}] = {min(inner)}: "
            f"a product through a layer of width {min(inner)} has rank at most {min(inner)}, "
            "so no factorisation exists"
        )
    dims = (d, *inner, p)
    layers = []
    for i in range(1, len(dims)):
        layer = np.zeros((dims[i], dims[i - 1]))
        if i == 1:
            layer[:r, :] = s[:r, None] * Vt[:r]
        elif i == len(dims) - 1:
            layer[:, :r] = U[:, :r]
        else:
            layer[:r, :r] = np.eye(r)
        layers.append(layer)
    return layers


def best_low_rank(W0: Any, rank: int) -> np.ndarray:
    """The closest matrix of rank at most ``rank`` to ``W0`` in Frobenius norm (truncated SVD)."""
    w0 = _as_matrix("W0", W0)
    r = _check_rank("rank", rank)
    U, s, Vt = np.linalg.svd(w0, full_matrices=False)
    return (U[:, :r] * s[:r]) @ Vt[:r]


def least_squares(X: Any, Y: Any) -> np.ndarray:
    """A minimiser ``W_LS`` (``p x d``) of ``Q``: it solves ``W X^T X = Y^T X`` (minimum norm)."""
    x, y = _check_data(X, Y)
    return np.linalg.lstsq(x, y, rcond=None)[0].T


def _directions(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``W_LS`` and the left singular vectors / values of its fitted targets ``W_LS X^T``."""
    w_ls = least_squares(X, Y)
    U, s, _ = np.linalg.svd(w_ls @ X.T, full_matrices=True)
    return w_ls, U, s


def reduced_rank_regression(X: Any, Y: Any, rank: int) -> np.ndarray:
    """The minimiser of ``Q`` over matrices of rank at most ``rank``: ``U_r U_r^T W_LS``.

    ``U_r`` holds the top ``rank`` left singular vectors of ``W_LS X^T``.
    """
    x, y = _check_data(X, Y)
    r = _check_rank("rank", rank)
    w_ls, U, _ = _directions(x, y)
    return U[:, :r] @ (U[:, :r].T @ w_ls)


def critical_point(X: Any, Y: Any, keep: Sequence[int], widths: Sequence[int]) -> list[np.ndarray]:
    """Layers at a critical point of the training loss whose product is ``U_S U_S^T W_LS``.

    ``U_S`` are the left singular vectors of ``W_LS X^T`` numbered ``keep`` (0 = largest
    singular value). Every per-layer gradient vanishes there; unless ``keep`` is
    ``0, ..., k-1`` the point is not a minimum of the rank-``k`` problem.
    """
    x, y = _check_data(X, Y)
    inner = _check_widths(widths)
    p = y.shape[1]
    if isinstance(keep, (str, bytes)) or not isinstance(keep, (list, tuple, range)):
        raise TypeError(f"keep must be a list of direction indices, got {type(keep).__name__}")
    chosen = list(keep)
    for i, k in enumerate(chosen):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < p:
            raise ValueError(f"keep[{i}] must be an int in [0, {p}), got {k!r}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"keep must not repeat a direction, got {chosen}")
    w_ls, U, _ = _directions(x, y)
    target = U[:, chosen] @ (U[:, chosen].T @ w_ls)
    return factorise(target, inner)


# ----------------------------------------------------------------- training
@dataclass(frozen=True)
class TrainingRun:
    """What :func:`train` records at ``steps[k]``: ``losses[k]``, ``singular_values[k]`` (of the
    product, largest first) and ``gradient_norms[k]`` (Frobenius norm of ``dQ/dWbar``, zero
    exactly when the product solves the normal equations); ``layers`` are the final layers."""

    steps: np.ndarray
    losses: np.ndarray
    singular_values: np.ndarray
    gradient_norms: np.ndarray
    layers: list[np.ndarray]


def initial_layers(dims: Sequence[int], scale: float, *, seed: int = 0) -> list[np.ndarray]:
    """Random layers for sizes ``dims = (d_0, ..., d_L)``: ``scale`` times a matrix with
    orthonormal rows or columns. The product's singular values are at most ``scale**L``
    (all equal to it when the layers are square)."""
    sizes = _check_widths(list(dims))
    if len(sizes) < 2:
        raise ValueError(f"dims must hold at least (d_0, d_1), got {list(dims)}")
    if not np.isfinite(scale) or scale < 0:
        raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
    rng = np.random.default_rng(seed)
    layers = []
    for rows, cols in zip(sizes[1:], sizes[:-1]):
        q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))
        layers.append(scale * (q if rows >= cols else q.T))
    return layers


def train(
    X: Any,
    Y: Any,
    widths: Sequence[int],
    *,
    steps: int,
    lr: float,
    init_scale: float,
    seed: int = 0,
    record_every: int = 1,
) -> TrainingRun:
    """Full-batch gradient descent on the layers from :func:`initial_layers` (``init_scale``).

    Uses :func:`layer_gradients`. Raises ``FloatingPointError`` if the loss blows up
    (the learning rate is too large).
    """
    x, y = _check_data(X, Y)
    inner = _check_widths(widths)
    for name, value in (("steps", steps), ("record_every", record_every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    layers = initial_layers((x.shape[1], *inner, y.shape[1]), init_scale, seed=seed)
    xtx, ytx, yty = x.T @ x, y.T @ x, float(np.sum(y**2))
    recorded_steps, losses, singular, norms = [], [], [], []
    for t in range(steps + 1):
        end_to_end, G, grads = _gradients(layers, xtx, ytx)
        if t % record_every == 0 or t == steps:
            # 1/2 ||W X^T - Y^T||^2 expanded, so one step costs O(d^2 p), not O(n d p)
            value = max(0.5 * (float(np.sum((end_to_end @ xtx) * end_to_end))
                               - 2 * float(np.sum(end_to_end * ytx)) + yty), 0.0)
            if not np.isfinite(value) or value > 1e12:
                raise FloatingPointError(
                    f"gradient descent diverged at step {t} (loss {value:.3g}): lower lr (now {lr})"
                )
            recorded_steps.append(t)
            losses.append(value)
            singular.append(np.linalg.svd(end_to_end, compute_uv=False))
            norms.append(float(np.linalg.norm(G)))
        if t < steps:
            layers = [w - lr * g for w, g in zip(layers, grads)]
    return TrainingRun(np.array(recorded_steps), np.array(losses), np.array(singular),
                       np.array(norms), layers)
