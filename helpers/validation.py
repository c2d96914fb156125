"""Argument checks for the helpers: bad input raises an error that names the argument and
says what was expected. One place for the pattern every module needs.

``TypeError`` when the kind is wrong (a string for a width, a number for a list), as
:class:`KindError`, which is also a ``ValueError``: the modules raised either before they
shared these checks, and callers that catch either still do. ``ValueError`` when the kind
is right but the value is not (a width of 0, an array of the wrong shape, NaN).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


class KindError(TypeError, ValueError):
    """The argument is of the wrong kind: a ``TypeError`` that is also a ``ValueError``."""


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _within(name: str, value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")


def integer(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` (numpy integers too, bools not) within [minimum, maximum]."""
    if not _is_int(value):
        raise KindError(f"{name} must be an int, got {type(value).__name__}")
    _within(name, int(value), minimum, maximum)
    return int(value)


def optional_integer(name: str, value: Any, *, minimum: int | None = None,
                     maximum: int | None = None) -> int | None:
    """``None``, or ``value`` as an ``int`` within [minimum, maximum] as :func:`integer` checks it."""
    if value is None:
        return None
    if not _is_int(value):
        raise KindError(f"{name} must be an int or None, got {type(value).__name__}")
    return integer(name, value, minimum=minimum, maximum=maximum)


def number(name: str, value: Any, *, minimum: float | None = None, maximum: float | None = None,
           positive: bool = False) -> float:
    """``value`` as a finite ``float`` within [minimum, maximum] (and > 0 if ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise KindError(f"{name} must be a number, got {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {result!r}")
    if positive and result <= 0:
        raise ValueError(f"{name} must be positive, got {result!r}")
    _within(name, result, minimum, maximum)
    return result


def float_array(name: str, value: Any, *, ndim: int | None = None, nonempty: bool = False) -> np.ndarray:
    """``value`` as a finite float64 array (numpy, torch, lists), of ``ndim`` dimensions if given."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise KindError(f"{name} must be an array of numbers, got {type(value).__name__}") from error
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}")
    if nonempty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or infinity")
    return array


def one_of(name: str, value: Any, options: Iterable[Any]) -> Any:
    """``value`` if it is one of ``options``."""
    choices = list(options)
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def sequence(name: str, value: Any, *, min_length: int = 0, of: str = "items") -> list[Any]:
    """``value`` as a list, if it is a list, tuple or other sequence (not a string or an array)
    of at least ``min_length`` items, else a :class:`KindError`; ``of`` names the items."""
    wanted = (f"a list of {of}" if min_length == 0 else f"a non-empty list of {of}" if min_length == 1
              else f"a list of at least {min_length} {of}")
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise KindError(f"{name} must be {wanted}, got {type(value).__name__}")
    if len(value) < min_length:
        raise KindError(f"{name} must be {wanted}, got " + (f"a list of {len(value)}" if value else "an empty list"))
    return list(value)


def integers(name: str, value: Any, *, minimum: int | None = None, min_length: int = 0) -> tuple[int, ...]:
    """A list of ints (see :func:`sequence`), each checked by :func:`integer`, as a tuple."""
    items = sequence(name, value, min_length=min_length, of="ints")
    return tuple(integer(f"{name}[{i}]", item, minimum=minimum) for i, item in enumerate(items))


def matrix_chain(name: str, value: Any, *, min_length: int = 1, nonempty: bool = False) -> list[np.ndarray]:
    """A list of matrices (:func:`float_array`, none empty if ``nonempty``) that chain like the
    layers of a network applied in order: each has as many columns as the one before has rows."""
    items = sequence(name, value, min_length=min_length, of="matrices")
    mats = [float_array(f"{name}[{i}]", item, ndim=2, nonempty=nonempty) for i, item in enumerate(items)]
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(f"{name}[{i}] has {mats[i].shape[1]} columns but {name}[{i - 1}] has "
                             f"{mats[i - 1].shape[0]} rows: expected shape ({mats[i].shape[0]}, "
                             f"{mats[i - 1].shape[0]})")
    return mats


def tensor(name: str, value: Any, *, ndim: int | None = None, axes: str = "") -> torch.Tensor:
    """``value`` if it is a ``torch.Tensor`` with ``ndim`` dimensions (if given); ``axes``
    names them for the message, e.g. ``"(N, C, H, W)"``."""
    import torch  # here, so that modules without tensors do not load torch

    if not isinstance(value, torch.Tensor):
        raise KindError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D tensor{' ' + axes if axes else ''}, "
                         f"got shape {tuple(value.shape)}")
    return value
