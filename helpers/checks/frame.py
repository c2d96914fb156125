"""The frame of an exercise's check cell: ``with exercise("Exercise 2: ...", points=2):``."""

from __future__ import annotations

import warnings
from types import TracebackType

from .compare import passed


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
