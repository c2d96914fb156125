"""What the check cells call: compare a student's answer with stored values or properties.

An exercise's check cell wraps its checks in :class:`exercise`::

    with exercise("Exercise 2: an AND-like network", points=2):
        check_array("and_net(x)", and_net(x), [0.0, 0.5, 0.0])

Every check prints a short confirmation when the answer is right and raises an
``AssertionError`` that says what was expected, what came, and where the first
difference is when it is wrong; :class:`exercise` adds the exercise's title and turns
"not written yet" (a ``NameError`` or ``NotImplementedError``) into a plain sentence.
Checks never compute the answer: they compare with values stored in the check cell,
with a :func:`fingerprint` where the value itself is the answer, or with properties
(:func:`check_source` enforces what an exercise forbids, such as loops). Arguments the
notebook itself gets wrong (a negative tolerance, say) raise ``ValueError`` or
``TypeError`` instead.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
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


class ExerciseNotDone(AssertionError):
    """The exercise's cell has not been written, or not run, yet."""


class exercise:  # noqa: N801 - used as ``with exercise(...)``, like a statement
    """The frame of an exercise's check cell: names the exercise in every message.

    On success it prints one line. A ``NameError`` raised in the check cell itself (the
    answer is not defined) or a ``NotImplementedError`` (the stub is still there)
    becomes :class:`ExerciseNotDone` with a sentence that says what to do; a failed
    check keeps its message, prefixed by the title; any other error raised by the
    student's code becomes an ``AssertionError`` that names it, with the original
    traceback chained. Warnings raised inside are printed as notes on standard output:
    nbgrader gives no points to a check cell that writes to standard error. ``points`` is
    what the exercise is worth when graded (nbgrader reads it from here, see
    ``tools/exercises.py``).
    """

    def __init__(self, title: str, *, points: int = 1) -> None:
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"exercise(): title must be a non-empty string, got {title!r}")
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise ValueError(f"exercise(): points must be a positive int, got {points!r}")
        self.title = title.strip()
        self.points = points
        self._warnings = warnings.catch_warnings(record=True)
        self._caught: list[warnings.WarningMessage] | None = None

    def __enter__(self) -> exercise:
        self._caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        self._warnings.__exit__(None, None, None)
        for caught in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in self._caught or []):
            print(f"note: {caught}")
        if kind is None:
            unit = "point" if self.points == 1 else "points"
            passed(f"{self.title}: every check passed ({self.points} {unit}).")
            return False
        if error is None or not issubclass(kind, Exception):
            return False  # KeyboardInterrupt and the like pass through untouched
        raised_here = traceback is not None and traceback.tb_next is None
        if issubclass(kind, NotImplementedError):
            raise ExerciseNotDone(
                f"{self.title} is not done yet: the exercise cell still raises "
                "NotImplementedError. Replace `raise NotImplementedError()` with your code, "
                "run that cell, then run this check again."
            ) from None
        if issubclass(kind, NameError) and raised_here:
            name = getattr(error, "name", None) or str(error)
            raise ExerciseNotDone(
                f"{self.title} is not done yet: `{name}` is not defined. Write it in the "
                "exercise cell above and run that cell, then run this check again."
            ) from None
        if issubclass(kind, AssertionError):
            raise AssertionError(f"{self.title}: {error}") from None
        raise AssertionError(
            f"{self.title}: your code raised {kind.__name__}: {error}"
        ) from error


def _canonical(value: Any, digits: int) -> str:
    """The text a fingerprint hashes: numbers rounded to ``digits`` significant digits."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.{digits - 1}e}"
    if isinstance(value, (list, tuple)):
        return "(" + ",".join(_canonical(v, digits) for v in value) + ")"
    raise TypeError(
        "fingerprint(): value must be a number, string, bool, array or a list/tuple of them, "
        f"got {type(value).__name__}"
    )


def fingerprint(value: Any, *, digits: int = 6) -> str:
    """A 16-hex-digit hash of ``value`` with numbers rounded to ``digits`` significant digits.

    Check cells store the fingerprint of an answer that is itself a value (a count, a
    constant), so the check can tell right from wrong without showing the answer.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 15:
        raise ValueError(f"fingerprint(): digits must be an int from 1 to 15, got {digits!r}")
    text = "dlbook:" + _canonical(value, digits)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_fingerprint(name: str, answer: Any, digest: str, *, digits: int = 6) -> None:
    """Assert ``fingerprint(answer, digits=digits) == digest``.

    A number within rounding noise of a digit boundary also passes (it is tried nudged
    by a relative 1e-(digits+2) either way).
    """
    if not isinstance(digest, str) or len(digest) != 16:
        raise ValueError(f"check_fingerprint(): digest must be a 16-character string, got {digest!r}")
    if answer is None:
        raise AssertionError(f"{name} is None: the exercise has not set it yet.")
    candidates = [answer]
    scalar = np.asarray(answer) if not isinstance(answer, (list, tuple, str)) else None
    if scalar is not None and scalar.ndim == 0 and np.issubdtype(scalar.dtype, np.floating):
        nudge = 10.0 ** -(digits + 2)
        candidates += [float(scalar) * (1 + nudge), float(scalar) * (1 - nudge)]
    if any(fingerprint(c, digits=digits) == digest for c in candidates):
        passed(f"{name} is correct.")
        return
    raise AssertionError(
        f"{name} = {_canonical(answer, digits)} is not the right answer. (The check compares a "
        "fingerprint of the answer, so it cannot show the expected value.)"
    )


_LOOPS = {
    ast.For: "for loop", ast.AsyncFor: "for loop", ast.While: "while loop",
    ast.ListComp: "list comprehension", ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension", ast.GeneratorExp: "generator expression",
}


def _function_tree(name: str, function: Callable[..., Any]) -> ast.AST:
    if not callable(function):
        raise AssertionError(f"{name} should be a function, got {type(function).__name__}.")
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError) as error:
        raise AssertionError(
            f"the source of {name} cannot be read ({error}): define it with `def` in a cell."
        ) from None
    return ast.parse(textwrap.dedent(source))


def check_source(
    name: str,
    function: Callable[..., Any],
    *,
    forbid_loops: bool = False,
    forbid_names: Iterable[str] = (),
) -> None:
    """Assert the source of ``function`` keeps an exercise's constraints.

    ``forbid_loops`` rejects ``for``/``while`` loops and comprehensions; ``forbid_names``
    rejects any use of those names, as a variable or an attribute (``"lstsq"`` catches
    ``np.linalg.lstsq``).
    """
    forbidden = set(forbid_names)
    tree = _function_tree(name, function)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if forbid_loops and type(node) in _LOOPS:
            raise AssertionError(
                f"{name} uses a {_LOOPS[type(node)]} (line {line} of the function): this "
                "exercise asks for it without loops, with array operations on whole arrays."
            )
        used = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if used in forbidden:
            raise AssertionError(
                f"{name} uses `{used}` (line {line} of the function), which this exercise rules out."
            )
