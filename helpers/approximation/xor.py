"""The checks of ``02_approximation/01_xor``: XOR on four inputs, sign patterns on a grid,
and whether a function can be a ReLU network at all (continuous, piecewise linear, and
written without a minimum or a case distinction).

None of them computes an exercise's answer: each tests a property the text states.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..checks import check_source, check_true, passed

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([0, 1, 1, 0], dtype=float)


NOT_RELU = ("minimum", "min", "amin", "fmin", "nanmin", "where", "select", "clip", "sort", "piecewise")
"""Names that compute a minimum or choose by cases, which a ReLU network written with ``relu``,
sums and constant multiples does not use."""


def _values(name: str, values: Any, shape: tuple[int, ...]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    check_true(array.shape == shape, f"{name} should have shape {shape}, got {array.shape}")
    return array


def check_xor(outputs: Any) -> None:
    """Assert a network's ``outputs`` on the four inputs (0,0), (0,1), (1,0), (1,1) are XOR."""
    out = _values("the outputs on the four inputs", outputs, (4,))
    failing = [f"x = ({int(a)}, {int(b)}): f(x) = {o:.4g}, XOR = {int(y)}"
               for (a, b), o, y in zip(XOR_INPUTS, out, XOR_TARGETS) if not abs(o - y) < 1e-9]
    check_true(not failing, "these inputs fail:\n  " + "\n  ".join(failing),
               success="your network computes XOR on all four inputs.")


def check_zero_on_diagonal(name: str, values: Any, points: Any) -> None:
    """Assert ``values`` (a function on ``points``) is 0 where x1 = x2 and positive elsewhere:
    the function tells whether the two inputs differ, and nothing else about them."""
    grid = np.asarray(points, dtype=float)
    out = _values(f"{name} on the points", values, (len(grid),))
    same = grid[:, 0] == grid[:, 1]
    off = np.flatnonzero(same & ~(np.abs(out) <= 1e-9))
    examples = ", ".join(f"({grid[i, 0]:.3g}, {grid[i, 1]:.3g}) -> {out[i]:.3g}" for i in off[:5])
    check_true(off.size == 0, f"{name} should be 0 wherever x1 = x2, but is not at {off.size} of the "
                              f"{int(same.sum())} such points, e.g. {examples}")
    low = np.flatnonzero(~same & ~(out > 0))
    examples = ", ".join(f"({grid[i, 0]:.3g}, {grid[i, 1]:.3g}) -> {out[i]:.3g}" for i in low[:5])
    check_true(low.size == 0, f"{name} should be positive wherever x1 != x2, but is not at {low.size} "
                              f"of the {int((~same).sum())} such points, e.g. {examples}",
               success=f"{name} is 0 where x1 = x2 and positive elsewhere, at all {len(grid)} points.")


def check_sign_pattern(name: str, values: Any, wanted: Any, points: Any) -> None:
    """Assert ``values > 0`` exactly where ``wanted`` is true; lists the first wrong ``points``."""
    target = np.asarray(wanted, dtype=bool)
    out = _values(f"{name} on the grid", values, target.shape)
    grid = np.asarray(points, dtype=float)
    wrong = np.flatnonzero((out > 0) != target)
    examples = ", ".join(f"({grid[i, 0]:.3g}, {grid[i, 1]:.3g}) -> {out[i]:.3g}" for i in wrong[:5])
    check_true(wrong.size == 0, f"{name} has the wrong sign at {wrong.size} grid points, e.g. {examples}",
               success=f"{name} is positive exactly where it should be, on all {len(grid)} grid points.")


def check_only_relu(name: str, function: Callable[..., Any]) -> None:
    """Assert the source of ``function`` uses none of :data:`NOT_RELU`: a minimum is what the
    exercises ask to build from ReLUs, so ``np.minimum`` and the like are ruled out."""
    check_source(name, function, forbid_names=NOT_RELU)
    passed(f"{name} uses no minimum and no case distinction.")


def check_continuous(name: str, fun: Callable[[np.ndarray], Any], points: Any, *,
                     step: float = 1e-7, jump: float = 1e-4) -> None:
    """Assert ``fun`` does not jump: moving any of ``points`` by ``step`` along either axis
    changes the output by less than ``jump``. Include the places where a jump would hide
    (for sign patterns: the axes)."""
    grid = np.asarray(points, dtype=float)
    middle = _values(name, fun(grid), (len(grid),))
    for axis in range(grid.shape[1]):
        shift = np.zeros(grid.shape[1])
        shift[axis] = step
        for sign in (1, -1):
            moved = _values(name, fun(grid + sign * shift), (len(grid),))
            jumps = np.flatnonzero(np.abs(moved - middle) > jump)
            if jumps.size:
                i = jumps[0]
                raise AssertionError(
                    f"{name} is not continuous: at ({grid[i, 0]:.3g}, {grid[i, 1]:.3g}) it is "
                    f"{middle[i]:.4g}, but {sign * step:+.0e} away along x{axis + 1} it is "
                    f"{moved[i]:.4g}. A ReLU network is continuous; an indicator such as "
                    "(x1 > 0) & (x2 > 0) is not."
                )
    passed(f"{name} is continuous at all {len(grid)} grid points.")


def check_piecewise_linear(name: str, fun: Callable[[np.ndarray], Any], *, n_segments: int = 4000,
                           h: float = 1e-3, allowed: float = 0.05, seed: int = 7) -> None:
    """Assert ``fun`` is linear along most short random segments of [-2, 2]^2, as a ReLU
    network is (its second difference f(p+hd) - 2f(p) + f(p-hd) vanishes off its kinks)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-2, 2, size=(n_segments, 2))
    angle = rng.uniform(0, 2 * np.pi, n_segments)
    steps = h * np.column_stack([np.cos(angle), np.sin(angle)])
    middle = _values(name, fun(centres), (n_segments,))
    second = _values(name, fun(centres + steps), (n_segments,)) - 2 * middle \
        + _values(name, fun(centres - steps), (n_segments,))
    bent = np.flatnonzero(np.abs(second) > 1e-9 * max(1.0, float(np.abs(middle).max())))
    examples = ", ".join(f"({centres[i, 0]:.2f}, {centres[i, 1]:.2f})" for i in bent[:3])
    check_true(bent.size <= allowed * n_segments,
               f"{name} is not piecewise linear: on {bent.size} of {n_segments} short segments it bends "
               f"(e.g. around {examples}), so it is not a ReLU network. Products of inputs, such as "
               "relu(x1) * relu(x2), are not allowed: only relu, sums and multiples by constants.",
               success=f"{name} is linear on {n_segments - bent.size} of {n_segments} short random segments "
                       "(the rest cross a kink): piecewise linear, as a ReLU network must be.")
