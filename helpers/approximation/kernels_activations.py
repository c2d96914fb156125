"""What ``02_approximation/05_kernels_activations`` needs besides the student's code: the RBF
kernel and its truncated series in closed form (to test a feature map against), the
number of features, a check of a list of multi-indices, and an overflow-free sigmoid.

The RBF kernel ``exp(-gamma |x - y|^2)`` equals ``exp(-gamma|x|^2) exp(-gamma|y|^2)
exp(2 gamma x.y)``; keeping the terms ``j <= order`` of the Taylor series of the last
factor gives the truncated kernel ``k_N``. The feature map whose inner products give
``k_N``, and the list of its multi-indices, are exercises of the notebook, so they are not here.
"""

from __future__ import annotations

from math import comb, factorial
from typing import Any

import numpy as np

from ..checks import check_true, passed
from ..validation import float_array, integer, number


def _points(name: str, x: Any) -> np.ndarray:
    array = float_array(name, x)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, d) (or (n,) for d = 1), got {np.shape(x)}")
    return array


def _pair(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    a, b = _points("x", x), _points("y", y)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x and y need the same dimension, got {a.shape[1]} and {b.shape[1]}")
    return a, b


def rbf_kernel(x: Any, y: Any, gamma: float = 1.0) -> np.ndarray:
    """The matrix ``exp(-gamma |x_i - y_j|^2)`` for points ``x`` (n, d) and ``y`` (m, d)."""
    a, b = _pair(x, y)
    gamma = number("gamma", gamma, positive=True)
    sq = (a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T
    return np.exp(-gamma * np.maximum(sq, 0.0))


def truncated_kernel(x: Any, y: Any, order: int, gamma: float = 1.0) -> np.ndarray:
    """``exp(-gamma|x|^2) exp(-gamma|y|^2) sum_{j=0}^{order} (2 gamma x.y)^j / j!`` (closed form)."""
    a, b = _pair(x, y)
    order, gamma = integer("order", order, minimum=0), number("gamma", gamma, positive=True)
    s = 2 * gamma * a @ b.T
    series = sum(s**j / factorial(j) for j in range(order + 1))
    return np.exp(-gamma * (a**2).sum(1))[:, None] * np.exp(-gamma * (b**2).sum(1))[None, :] * series


def feature_dim(dim: int, order: int) -> int:
    """Number of multi-indices ``alpha`` in N^dim with ``|alpha| <= order``: ``C(order + dim, dim)``."""
    dim, order = integer("dim", dim, minimum=1), integer("order", order, minimum=0)
    return comb(order + dim, dim)


def check_multi_indices(name: str, alphas: Any, dim: int, order: int) -> None:
    """Assert ``alphas`` lists every multi-index of N^dim with ``|alpha| <= order`` once, by
    increasing degree: integer rows of length ``dim``, none negative, none of degree above
    ``order``, no two alike, and ``C(order + dim, dim)`` of them (so none is missing)."""
    count = feature_dim(dim, order)
    array = np.asarray(alphas)
    if array.ndim != 2 or array.shape[1] != dim:
        raise AssertionError(
            f"{name} should have shape (M, {dim}), one multi-index per row, got shape {array.shape}"
        )
    check_true(bool(np.issubdtype(array.dtype, np.integer)), f"{name} should hold ints, got {array.dtype}")
    degree = array.sum(axis=1)
    for bad, why in ((np.any(array < 0, axis=1), "a negative entry"), (degree > order, f"degree above {order}")):
        if bad.any():
            raise AssertionError(f"{name} has {array[bad][0].tolist()}, with {why}")
    distinct = len({tuple(row) for row in array.tolist()})
    check_true(distinct == len(array), f"{name} lists {len(array) - distinct} multi-index(es) twice")
    check_true(len(array) == count,
               f"{name} has {len(array)} rows, but there are C({order} + {dim}, {dim}) = {count} "
               f"multi-indices of degree at most {order}: some are missing")
    if np.any(np.diff(degree) < 0):
        raise AssertionError(f"{name} is not by increasing degree: the degrees run {degree[:12].tolist()}"
                             + (" ..." if len(degree) > 12 else ""))
    passed(f"{name}: all {count} multi-indices of degree <= {order} in dimension {dim}, by degree.")


def sigmoid(x: Any) -> np.ndarray:
    """``1 / (1 + exp(-x))`` elementwise, written as ``(1 + tanh(x/2)) / 2`` so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))
