"""Fingerprints: check an answer that is itself a value (a count, a constant) without showing it."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from .compare import passed


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
