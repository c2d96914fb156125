"""The slow homework tests (``make test-homework``): they execute every notebook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.toc import ROOT

REPORTS = ROOT / "_build" / "homework"


@pytest.fixture(scope="session")
def report_lines() -> Iterator[list[str]]:
    """Lines for ``_build/homework/both-ways.txt``, written when the session ends."""
    lines: list[str] = []
    yield lines
    if lines:
        REPORTS.mkdir(parents=True, exist_ok=True)
        Path(REPORTS / "both-ways.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
