"""The book's notebooks follow the conventions (see CONTRIBUTING.md)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from tools.toc import ROOT, notebooks, pages

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
NOTEBOOKS = notebooks()
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_every_notebook_is_in_the_toc() -> None:
    on_disk = {p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    assert on_disk - set(NOTEBOOKS) == set(), "notebooks missing from _toc.yml"


def test_every_chapter_has_an_index_page() -> None:
    listed = set(pages())
    for folder in sorted(p for p in (ROOT / "chapters").iterdir() if p.is_dir()):
        if any(folder.glob("*.ipynb")) and folder.name != "00_start":
            assert folder / "index.md" in listed, f"{folder.name} needs an index.md in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path: Path) -> None:
    for number, cell in enumerate(read(path).cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {number} stores outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {number} stores an execution count"
        assert "execution" not in cell.metadata, f"cell {number} stores execution metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_is_python3(path: Path) -> None:
    assert read(path).metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_installs_helpers_in_colab_from_the_configured_repository(path: Path) -> None:
    first = read(path).cells[0]
    url = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"]["branch"]
    assert first.cell_type == "code" and "remove-cell" in first.metadata.get("tags", [])
    assert 'if "google.colab" in sys.modules:' in first.source
    installs = re.findall(r"git\+(\S+?)@([\w./-]+)\"", first.source)
    assert installs == [(url, branch)], (
        f"the Colab setup cell installs {installs}, but _config.yml says {url} @ {branch}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exercises_follow_the_conventions(path: Path) -> None:
    cells = read(path).cells
    code_solutions = 0
    for number, cell in enumerate(cells):
        source = cell.source
        begins, ends = source.count(BEGIN), source.count(END)
        assert begins == ends, f"cell {number}: {begins} BEGIN but {ends} END SOLUTION lines"
        if not begins:
            continue
        if cell.cell_type == "code":
            code_solutions += 1
            assert "hide-input" in cell.metadata.get("tags", []), (
                f"cell {number}: a code cell with a solution is tagged hide-input "
                "so the website shows it collapsed"
            )
            later = [c for c in cells[number + 1:] if c.cell_type == "code"]
            assert later and "check" in later[0].source, (
                f"cell {number}: the code cell after an exercise must be its check cell"
            )
        else:
            for line in source.splitlines():
                if BEGIN in line or END in line:
                    assert line.strip().startswith("%"), (
                        f"cell {number}: write solution markers in markdown as MyST comments "
                        f"('% {BEGIN}'), got {line!r}"
                    )
            assert ":class: dropdown" in source.split(BEGIN)[0], (
                f"cell {number}: written solutions sit in a collapsed admonition (:class: dropdown)"
            )
    assert code_solutions >= 1, "every notebook has at least one code exercise"
