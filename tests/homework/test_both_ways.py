"""Every exercise's check is tested both ways (tools/both_ways.py): the reference solution
passes; the student edition's stub fails saying the exercise is not done; every plausible
wrong answer in tests/homework/wrong_answers fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import both_ways
from tools.toc import ROOT, notebooks


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_check_is_tested_both_ways(path: Path, report_lines: list[str]) -> None:
    report = both_ways.run_notebook(path)
    report_lines.extend(report.lines())
    assert not report.problems, "\n".join(report.lines() + ["", "Problems:"] + report.problems)
