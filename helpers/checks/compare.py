"""Comparisons of a student's answer with stored values: arrays, numbers, shapes, conditions,
gradients (against finite differences). Each prints a short confirmation or raises an
``AssertionError`` that says what differs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def _as_array(name: str, value: Any) -> np.ndarray:
    """numpy view of a student's answer (numpy, torch, list or number)."""
    if value is None:
        raise AssertionError(f"{name} is None: the exercise has not set it yet.")
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise AssertionError(f"{name} is not an array of numbers: {error}") from error
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise AssertionError(
            f"{name} must hold numbers, got an array of {array.dtype} "
            f"(from {type(value).__name__})"
        )
    return array


def _check_tolerances(rtol: float, atol: float) -> None:
    for label, tol in (("rtol", rtol), ("atol", atol)):
        if not isinstance(tol, (int, float)) or tol < 0:
            raise ValueError(f"{label} must be a non-negative number, got {tol!r}")


def passed(message: str) -> None:
    """Tell the student a check passed."""
    print(f"✓ {message}")


def check_shape(name: str, answer: Any, shape: Sequence[int | None]) -> None:
    """Assert ``answer`` has ``shape`` (``None`` matches any length on that axis)."""
    array = _as_array(name, answer)
    expected = tuple(shape)
    ok = array.ndim == len(expected) and all(
        e is None or e == g for e, g in zip(expected, array.shape)
    )
    if not ok:
        shown = "(" + ", ".join("any" if e is None else str(e) for e in expected) + \
            ("," if len(expected) == 1 else "") + ")"
        hint = ""
        if array.ndim == 2 and len(expected) == 2 and array.shape[::-1] == tuple(expected):
            hint = " It looks transposed."
        raise AssertionError(
            f"{name} should have shape {shown}, but has shape {array.shape}.{hint}"
        )


def check_array(
    name: str,
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    check_dtype: bool = False,
    quiet: bool = False,
) -> None:
    """Assert ``answer`` equals ``expected`` elementwise within ``atol + rtol*|expected|``.

    Shapes must match exactly (no broadcasting); with ``check_dtype`` the dtypes too.
    """
    _check_tolerances(rtol, atol)
    got = _as_array(name, answer)
    want = _as_array("the reference", expected)
    if got.shape != want.shape:
        check_shape(name, got, want.shape)
    if check_dtype and got.dtype != want.dtype:
        raise AssertionError(f"{name} should have dtype {want.dtype}, but has dtype {got.dtype}.")
    if got.dtype == np.bool_ or want.dtype == np.bool_:
        bad = got != want
    else:
        got_f, want_f = got.astype(np.float64), want.astype(np.float64)
        with np.errstate(invalid="ignore"):
            bad = ~np.isclose(got_f, want_f, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {first}" if got.ndim else ""
        message = (
            f"{name} is wrong{where}: expected {want[first].item()!r}, got {got[first].item()!r}. "
            f"{int(bad.sum())} of {bad.size} entries differ"
        )
        if got.dtype != np.bool_ and want.dtype != np.bool_:
            difference = np.abs(got.astype(np.float64) - want.astype(np.float64))[bad]
            if np.isfinite(difference).any():
                message += f" (largest difference {np.nanmax(difference):.3g})"
        raise AssertionError(message + ".")
    if not quiet:
        passed(f"{name} is correct.")


def check_scalar(
    name: str, answer: Any, expected: float, *, rtol: float = 1e-6, atol: float = 1e-9,
    quiet: bool = False,
) -> None:
    """Assert a single number is close to the reference."""
    array = _as_array(name, answer)
    if array.size != 1:
        raise AssertionError(f"{name} should be a single number, got shape {array.shape}.")
    check_array(name, array.reshape(()), np.asarray(expected), rtol=rtol, atol=atol, quiet=quiet)


def check_true(condition: bool, message: str, *, success: str | None = None) -> None:
    """Assert ``condition``; ``message`` explains what is wrong when it fails."""
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(f"check_true(): condition must be a bool, got {type(condition).__name__}")
    if not condition:
        raise AssertionError(message)
    if success:
        passed(success)


def numerical_gradient(f: Callable[[np.ndarray], float], x: Any, *, eps: float = 1e-6) -> np.ndarray:
    """Centred differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry."""
    if not callable(f):
        raise TypeError(f"numerical_gradient(): f must be callable, got {type(f).__name__}")
    if not eps > 0:
        raise ValueError(f"numerical_gradient(): eps must be positive, got {eps!r}")
    point = np.array(_as_array("x", x), dtype=np.float64)
    grad = np.zeros_like(point)
    flat, flat_grad = point.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = float(f(point))
        flat[i] = saved - eps
        minus = float(f(point))
        flat[i] = saved
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: Any, b: Any) -> float:
    """``max|a - b| / max(max|a|, max|b|, 1e-12)``: a scale-free distance between arrays."""
    x = _as_array("a", a).astype(np.float64)
    y = _as_array("b", b).astype(np.float64)
    if x.shape != y.shape:
        raise ValueError(f"relative_error(): shapes differ, {x.shape} vs {y.shape}")
    scale = max(float(np.max(np.abs(x), initial=0)), float(np.max(np.abs(y), initial=0)), 1e-12)
    return float(np.max(np.abs(x - y), initial=0)) / scale


def check_gradient(
    name: str,
    f: Callable[[np.ndarray], float],
    x: Any,
    grad: Any,
    *,
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> float:
    """Assert ``grad`` is the gradient of ``f`` at ``x`` (centred differences, float64).

    Passes when the relative error (see :func:`relative_error`) is at most ``tol``;
    returns that error. The failure message names the first wrong entry.
    """
    if not tol > 0:
        raise ValueError(f"check_gradient(): tol must be positive, got {tol!r}")
    analytic = _as_array(name, grad).astype(np.float64)
    point = _as_array("x", x)
    if analytic.shape != point.shape:
        check_shape(name, analytic, point.shape)
    numeric = numerical_gradient(f, point, eps=eps)
    error = relative_error(analytic, numeric)
    if error > tol:
        scale = max(np.abs(numeric).max(initial=0), np.abs(analytic).max(initial=0), 1e-12)
        bad = np.abs(analytic - numeric) > tol * scale
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{name} does not match finite differences: relative error {error:.2e} > {tol:.0e}. "
            f"First wrong entry {first}: finite differences give {numeric[first]:.6g}, "
            f"{name} gives {analytic[first]:.6g} ({int(bad.sum())} of {bad.size} entries off)."
        )
    passed(f"{name} matches finite differences (relative error {error:.1e}).")
    return error
