"""Every notebook runs as in Colab (tools/colab.py): Python 3.13 with Colab's package
versions, google.colab present, the first cell installing the helpers package from a local
clone; every live slider figure answers a move; the first cell changes no package Colab has."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import colab
from tools.toc import ROOT, notebooks

NOTEBOOKS = notebooks()


@pytest.fixture(scope="module")
def runtime() -> tuple[Path, str, Path]:
    return colab.prepare()


@pytest.mark.parametrize("number", range(len(NOTEBOOKS)), ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_runs_as_in_colab(number: int, runtime: tuple[Path, str, Path]) -> None:
    clone, commit, work = runtime
    run = colab.run_notebook(NOTEBOOKS[number], clone, commit, work / f"home-{number}")
    print(f"{run.seconds:.0f} s, {len(run.figures)} slider figures moved, first cell added {sorted(run.added)}")
    assert not run.problems, "\n".join(run.problems)
    if number == 0:
        # the runtime started without the helpers: the first cell installs them, and only
        # what Colab lacks besides
        assert "dlbook-helpers" in colab._names(run.added)
