"""The checks of ``02_loss_landscape``: per-layer gradients and critical points, tested
against finite differences of the training loss (never against a closed-form gradient),
and the recovery of ``G`` from one layer's gradient, tested on matrices the student never sees."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..checks import check_array, check_true, numerical_gradient, passed, relative_error
from ..validation import integer, matrix_chain
from .end_to_end import check_data, layer_loss, product


def _finite_differences(layers: list[np.ndarray], X: np.ndarray, Y: np.ndarray, i: int) -> np.ndarray:
    """Centred differences of the training loss with respect to ``layers[i]``."""
    def loss_of(w: np.ndarray) -> float:
        return layer_loss([*layers[:i], w, *layers[i + 1:]], X, Y)

    return numerical_gradient(loss_of, layers[i])


def check_layer_gradients(name: str, grads: Any, layers: Sequence[Any], X: Any, Y: Any, *,
                          tol: float = 1e-6, quiet: bool = False) -> None:
    """Assert ``grads`` is the list of gradients of the training loss with respect to every
    layer of ``layers``, each matching finite differences to a relative ``tol``."""
    mats = matrix_chain("layers", list(layers), nonempty=True)
    x, y = check_data(X, Y)
    check_true(isinstance(grads, (list, tuple)), f"{name} should be a list of {len(mats)} matrices, "
                                                 f"got {type(grads).__name__}")
    check_true(len(grads) == len(mats), f"{name} should hold one gradient per layer ({len(mats)}), "
                                        f"got {len(grads)}")
    for i, (g, w) in enumerate(zip(grads, mats)):
        got = np.asarray(g, dtype=float)
        check_true(got.shape == w.shape, f"{name}[{i}] (the gradient of layer {i + 1}) should have the "
                                         f"shape {w.shape} of the layer, got {got.shape}")
        numeric = _finite_differences(mats, x, y, i)
        error = relative_error(got, numeric)
        check_true(error <= tol, f"{name}[{i}] (the gradient of layer {i + 1} of the widths "
                                 f"{[mats[0].shape[1], *(m.shape[0] for m in mats)]}) does not match "
                                 f"finite differences: relative error {error:.1e}")
    if not quiet:
        passed(f"{name}: all {len(mats)} gradients match finite differences.")


def check_critical_point(name: str, layers: Sequence[Any], X: Any, Y: Any, *, tol: float = 1e-6,
                         quiet: bool = False) -> None:
    """Assert every gradient of the training loss at ``layers`` vanishes (by finite
    differences), relative to the size ``max|Y^T X|`` of the gradient at zero layers."""
    mats = matrix_chain("layers", list(layers), nonempty=True)
    x, y = check_data(X, Y)
    scale = max(float(np.abs(y.T @ x).max()), 1e-12)
    for i in range(len(mats)):
        largest = float(np.abs(_finite_differences(mats, x, y, i)).max())
        check_true(largest <= tol * scale, f"{name} is not a critical point: the gradient of layer {i + 1} "
                                           f"has an entry of size {largest:.2e}")
    if not quiet:
        passed(f"{name} is a critical point: every layer's gradient vanishes.")


def check_recovered_gradient(name: str, recover: Callable[[list[np.ndarray], np.ndarray, int], Any], *,
                             size: int = 3, depth: int = 4, seed: int = 0, quiet: bool = False) -> None:
    """Assert ``recover(layers, grad_i, i)`` gives back ``M`` from ``grad_i = A_i^T M B_i^T`` at
    every ``i``, for random invertible ``size x size`` layers and a fresh random ``M`` each time
    (``A_i``, ``B_i``: the products above and below ``layers[i]``). ``M`` stays inside this
    function, so only ``grad_i`` can tell it."""
    size = integer("size", size, minimum=1)
    depth = integer("depth", depth, minimum=1)
    rng = np.random.default_rng(seed)
    layers = [rng.standard_normal((size, size)) for _ in range(depth)]
    for i in range(depth):
        M = rng.standard_normal((size, size))
        above = product([np.eye(size), *layers[i + 1:]])
        below = product([np.eye(size), *layers[:i]])
        got = recover([w.copy() for w in layers], above.T @ M @ below.T, i)
        check_array(f"{name}(layers, grad_i, {i}) for {depth} random {size} x {size} layers", got, M,
                    rtol=1e-8, atol=1e-10, quiet=True)
    if not quiet:
        passed(f"{name} recovers G from the gradient of each of {depth} random invertible {size} x {size} layers.")
