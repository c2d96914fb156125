"""Progress bars for long loops: the one way the book shows that work is under way."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from typing import Any

from tqdm.std import tqdm as _std_tqdm

STATIC_ENV = "DLBOOK_STATIC"
"""Set to ``1`` while the notebooks are executed for the static website."""


def static_mode() -> bool:
    """True while the book is executed for the static website."""
    return os.environ.get(STATIC_ENV, "") == "1"


def progress(iterable: Iterable[Any] | None = None, *, total: int | None = None,
             desc: str = "") -> Any:
    """A progress bar for long loops (``tqdm``).

    Live notebooks get tqdm's notebook bar; website builds print one final summary
    line instead of an animated bar.
    """
    if static_mode():
        return _SummaryBar(iterable, total=total, desc=desc)
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc)


class _SummaryBar(_std_tqdm):
    """tqdm that stays silent while running and prints its final state once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)

    def close(self) -> None:
        if self.disable:
            return
        line = str(self)
        super().close()
        print(line, file=sys.stdout)
