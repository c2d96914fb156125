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

from ..validation import float_array, integers, matrix_chain


def check_widths(widths: Any, name: str = "widths") -> tuple[int, ...]:
    """The inner widths ``[d_1, ..., d_(L-1)]`` of a network: a list of positive ints, as a tuple."""
    return integers(name, widths, minimum=1)


def check_data(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (``n x d``) and ``Y`` (``n x p``) as matrices with the same number of rows."""
    x = float_array("X", X, ndim=2, nonempty=True)
    y = float_array("Y", Y, ndim=2, nonempty=True)
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and Y must have one row per example: X has {x.shape[0]} rows, Y has {y.shape[0]}"
        )
    return x, y


def product(layers: Sequence[Any]) -> np.ndarray:
    """The end-to-end matrix ``W_L ... W_1`` of ``layers = [W_1, ..., W_L]``."""
    mats = matrix_chain("layers", layers, nonempty=True)
    result = mats[0]
    for w in mats[1:]:
        result = w @ result
    return result


def loss(W: Any, X: Any, Y: Any) -> float:
    """``Q(W) = 1/2 ||W X^T - Y^T||_F^2`` for an end-to-end matrix ``W`` (``p x d``)."""
    x, y = check_data(X, Y)
    w = float_array("W", W, ndim=2, nonempty=True)
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
