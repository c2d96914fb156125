"""The student edition (nbgrader's release) keeps the exercises and leaks nothing of any answer."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tools import grading
from tools.exercises import BEGIN, END, HIDDEN_BEGIN, HIDDEN_END, marked_lines
from tools.toc import ROOT, notebooks


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("student")
    grading.release(out, course=tmp_path_factory.mktemp("course"))
    return out


@pytest.mark.parametrize("source", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_answer_leaks(edition: Path, source: Path) -> None:
    original = nbformat.read(source, as_version=4)
    target = edition / source.parent.name / source.name
    text = target.read_text(encoding="utf-8")
    student = nbformat.read(target, as_version=4)
    secret = marked_lines(original) + marked_lines(original, HIDDEN_BEGIN, HIDDEN_END)
    assert marked_lines(original), "a notebook of the book without any solution region"
    leaked = [line for line in secret if line in text or json.dumps(line)[1:-1] in text]
    assert not leaked, f"solution or hidden-test lines found in the student edition: {leaked[:3]}"
    assert BEGIN not in text and END not in text and HIDDEN_BEGIN not in text
    stubs = sum(c.source.count("raise NotImplementedError()") for c in student.cells
                if c.cell_type == "code")
    regions = sum(c.source.count(BEGIN) for c in original.cells if c.cell_type == "code")
    assert stubs >= regions
    for cell in student.cells:
        assert set(cell.metadata) <= {"tags", "nbgrader", "deletable", "editable"}, cell.metadata
        assert not {"hide-input", "hide-cell"} & set(cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            assert cell.metadata.get("editable") is False, "check cells are locked"


def test_release_stubs_code_and_text(tmp_path: Path) -> None:
    """One tiny chapter through nbgrader: what a solution becomes."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f":::{{admonition}} Solution\n:class: dropdown\n% {BEGIN}\nsecret proof\n% {END}\n:::"),
        nbformat.v4.new_code_cell(f"def f():\n    {BEGIN}\n    return 42\n    {END}"),
        nbformat.v4.new_code_cell(f'with exercise("Exercise 1", points=3):\n    check(f())\n    {HIDDEN_BEGIN}\n    hidden()\n    {HIDDEN_END}'),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="42")]
    notebook.cells[1].metadata["tags"] = ["hide-input"]
    from tools.exercises import stamp

    chapter = tmp_path / "book" / "chapters" / "07_test"
    chapter.mkdir(parents=True)
    nbformat.write(stamp(notebook), chapter / "01_one.ipynb")
    course = tmp_path / "course"
    api = grading._api(course)
    grading._copy_chapter([chapter / "01_one.ipynb"], course / "source" / "07_test")
    grading._checked(api.generate_assignment("07_test", force=True, create=True), "generate")
    student = nbformat.read(course / "release" / "07_test" / "01_one.ipynb", as_version=4)
    assert student.cells[0].source == ":::{admonition} Solution\n:class: dropdown\nYOUR ANSWER HERE\n:::"
    assert student.cells[1].source == "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert student.cells[1].outputs == []
    assert "hidden()" not in student.cells[2].source and "check(f())" in student.cells[2].source
    assert student.cells[2].metadata["nbgrader"]["points"] == 3
