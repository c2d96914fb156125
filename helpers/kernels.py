"""The RBF kernel and its feature map, truncated: ``exp(-gamma |x - y|^2)`` as an inner product.

With ``exp(-gamma|x-y|^2) = exp(-gamma|x|^2) exp(-gamma|y|^2) exp(2 gamma x.y)`` and the
Taylor series of ``exp(2 gamma x.y)``, the kernel is ``<phi(x), phi(y)>`` for the
infinite feature map with one coordinate per multi-index ``alpha`` (``x^alpha =
prod_i x_i^alpha_i``):

    phi_alpha(x) = exp(-gamma |x|^2) sqrt((2 gamma)^|alpha| / alpha!) x^alpha.

:func:`rbf_features` keeps the multi-indices with ``|alpha| <= order``, including the
constant term ``alpha = 0``.
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from math import comb, factorial
from typing import Any

import numpy as np


def _points(name: str, x: Any) -> np.ndarray:
    array = np.asarray(x, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, d) (or (n,) for d = 1), got {np.shape(x)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    return array


def _check(order: Any, gamma: Any) -> None:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"order must be an int >= 0, got {order!r}")
    if not (isinstance(gamma, (int, float, np.floating)) and gamma > 0):
        raise ValueError(f"gamma must be a positive number, got {gamma!r}")


def rbf_kernel(x: Any, y: Any, gamma: float = 1.0) -> np.ndarray:
    """The matrix ``exp(-gamma |x_i - y_j|^2)`` for points ``x`` (n, d) and ``y`` (m, d)."""
    a, b = _points("x", x), _points("y", y)
    _check(0, gamma)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x and y need the same dimension, got {a.shape[1]} and {b.shape[1]}")
    sq = (a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T
    return np.exp(-gamma * np.maximum(sq, 0.0))


def multi_indices(dim: int, order: int) -> np.ndarray:
    """All ``alpha`` in N^dim with ``|alpha| <= order``, by increasing degree: shape (M, dim)."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise ValueError(f"dim must be an int >= 1, got {dim!r}")
    _check(order, 1.0)
    rows = []
    for degree in range(order + 1):
        for combo in combinations_with_replacement(range(dim), degree):
            rows.append(np.bincount(np.array(combo, dtype=int), minlength=dim))
    return np.array(rows, dtype=int).reshape(-1, dim)


def feature_dim(dim: int, order: int) -> int:
    """Number of features with ``|alpha| <= order`` in ``dim`` variables: ``C(order + dim, dim)``."""
    return comb(order + dim, dim)


def rbf_features(x: Any, order: int, gamma: float = 1.0) -> np.ndarray:
    """The truncated feature map: shape ``(n, C(order + d, d))``, constant term first."""
    points = _points("x", x)
    _check(order, gamma)
    alphas = multi_indices(points.shape[1], order)
    degree = alphas.sum(1)
    fact = np.array([np.prod([factorial(int(a)) for a in row]) for row in alphas], dtype=np.float64)
    coef = np.sqrt((2 * gamma) ** degree / fact)
    monomials = np.prod(points[:, None, :] ** alphas[None, :, :], axis=2)
    return np.exp(-gamma * (points**2).sum(1))[:, None] * coef[None, :] * monomials


def truncated_kernel(x: Any, y: Any, order: int, gamma: float = 1.0) -> np.ndarray:
    """``exp(-gamma|x|^2) exp(-gamma|y|^2) sum_{j=0}^{order} (2 gamma x.y)^j / j!`` (closed form)."""
    a, b = _points("x", x), _points("y", y)
    _check(order, gamma)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x and y need the same dimension, got {a.shape[1]} and {b.shape[1]}")
    s = 2 * gamma * a @ b.T
    series = sum(s**j / factorial(j) for j in range(order + 1))
    return np.exp(-gamma * (a**2).sum(1))[:, None] * np.exp(-gamma * (b**2).sum(1))[None, :] * series
