"""The end-to-end matrix of a deep linear network and its training loss.

A deep linear network with layers ``W_1`` (``d_1 x d_0``), ..., ``W_L`` (``d_L x d_{L-1}``)
maps ``x`` to ``W_L ... W_1 x = Wbar x``. Data are stored with one example per row:
``X`` is ``n x d`` and ``Y`` is ``n x p``, and the training loss is

    Q(Wbar) = 1/2 || Wbar X^T - Y^T ||_F^2 .

- :func:`product`, :func:`loss`, :func:`layer_loss`: the forward direction;
- :func:`least_squares`: a minimiser of ``Q`` over all ``p x d`` matrices.

The gradients, the constructions (factorisations, truncated SVDs, critical points) and
gradient descent are the chapter's exercises; they are not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def as_matrix(name: str, value: Any) -> np.ndarray:
    """``value`` as a finite, non-empty 2-D float64 array; errors name ``name``."""
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


def as_layers(layers: Any) -> list[np.ndarray]:
    """``layers = [W_1, ..., W_L]`` as matrices that chain (``W_{i+1}`` has as many columns
    as ``W_i`` has rows)."""
    if isinstance(layers, np.ndarray) or not isinstance(layers, (list, tuple)) or not layers:
        raise TypeError(
            "layers must be a non-empty list [W_1, ..., W_L] of matrices, "
            f"got {type(layers).__name__}"
        )
    mats = [as_matrix(f"layers[{i}]", w) for i, w in enumerate(layers)]
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(
                f"layers[{i}] has {mats[i].shape[1]} columns but layers[{i - 1}] has "
                f"{mats[i - 1].shape[0]} rows: W_{i + 1} must have shape "
                f"(d_{i + 1}, {mats[i - 1].shape[0]})"
            )
    return mats


def check_widths(widths: Any, name: str = "widths") -> tuple[int, ...]:
    """A list of positive int widths, as a tuple."""
    if isinstance(widths, (str, bytes, np.ndarray)) or not isinstance(widths, (list, tuple)):
        raise TypeError(
            f"{name} must be a list of inner widths [d_1, ..., d_(L-1)], got {type(widths).__name__}"
        )
    checked = []
    for i, width in enumerate(widths):
        if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
            raise ValueError(f"{name}[{i}] must be a positive int, got {width!r}")
        checked.append(int(width))
    return tuple(checked)


def check_data(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (``n x d``) and ``Y`` (``n x p``) as matrices with the same number of rows."""
    x, y = as_matrix("X", X), as_matrix("Y", Y)
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and Y must have one row per example: X has {x.shape[0]} rows, Y has {y.shape[0]}"
        )
    return x, y


def product(layers: Sequence[Any]) -> np.ndarray:
    """The end-to-end matrix ``W_L ... W_1`` of ``layers = [W_1, ..., W_L]``."""
    mats = as_layers(layers)
    result = mats[0]
    for w in mats[1:]:
        result = w @ result
    return result


def loss(W: Any, X: Any, Y: Any) -> float:
    """``Q(W) = 1/2 ||W X^T - Y^T||_F^2`` for an end-to-end matrix ``W`` (``p x d``)."""
    x, y = check_data(X, Y)
    w = as_matrix("W", W)
    if w.shape != (y.shape[1], x.shape[1]):
        raise ValueError(
            f"W must have shape (p, d) = ({y.shape[1]}, {x.shape[1]}) for X of shape "
            f"{x.shape} and Y of shape {y.shape}, got {w.shape}"
        )
    return 0.5 * float(np.sum((x @ w.T - y) ** 2))


def layer_loss(layers: Sequence[Any], X: Any, Y: Any) -> float:
    """The training loss of the network with ``layers``: ``Q(W_L ... W_1)``."""
    return loss(product(layers), X, Y)


def least_squares(X: Any, Y: Any) -> np.ndarray:
    """A minimiser ``W_LS`` (``p x d``) of ``Q``: it solves ``W X^T X = Y^T X`` (minimum norm)."""
    x, y = check_data(X, Y)
    return np.linalg.lstsq(x, y, rcond=None)[0].T
