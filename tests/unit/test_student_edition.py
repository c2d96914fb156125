"""The student edition keeps the exercises and leaks nothing of any solution."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tools import student_edition
from tools.toc import ROOT, notebooks

BEGIN, END = student_edition.BEGIN, student_edition.END


def solution_lines(notebook: nbformat.NotebookNode) -> list[str]:
    """The distinctive lines inside every solution region of a notebook.

    Code lines of 12 characters or more and prose lines of 30 or more: shorter ones
    ("return x", "in one step.") can legitimately appear elsewhere.
    """
    lines, inside = [], False
    for cell in notebook.cells:
        shortest = 12 if cell.cell_type == "code" else 30
        for line in cell.source.splitlines():
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif inside and len(line.strip()) >= shortest:
                lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("student")
    student_edition.build(out)
    return out


@pytest.mark.parametrize("source", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_solution_leaks(edition: Path, source: Path) -> None:
    original = nbformat.read(source, as_version=4)
    target = edition / source.relative_to(ROOT)
    text = target.read_text(encoding="utf-8")
    student = nbformat.read(target, as_version=4)
    secret = solution_lines(original)
    assert secret, "a notebook of the book without any solution region"
    leaked = [line for line in secret if line in text or json.dumps(line)[1:-1] in text]
    assert not leaked, f"solution lines found in the student edition: {leaked[:3]}"
    assert BEGIN not in text and END not in text
    stubs = sum(c.source.count("raise NotImplementedError()") for c in student.cells
                if c.cell_type == "code")
    regions = sum(c.source.count(BEGIN) for c in original.cells if c.cell_type == "code")
    assert stubs >= regions
    for cell in student.cells:
        assert set(cell.metadata) <= {"tags"}, cell.metadata
        assert not {"hide-input", "hide-cell"} & set(cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert set(student.metadata) <= {"kernelspec", "language_info"}


def test_solution_text_is_replaced_by_a_prompt() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f":::{{admonition}} Solution\n:class: dropdown\n% {BEGIN}\nsecret proof\n% {END}\n:::"),
        nbformat.v4.new_code_cell(f"def f():\n    {BEGIN}\n    return 42\n    {END}"),
    ])
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="42")]
    notebook.cells[1].metadata["tags"] = ["hide-input"]
    student = student_edition.student_notebook(notebook)
    assert student.cells[0].source == ":::{admonition} Solution\n:class: dropdown\nYOUR ANSWER HERE\n:::"
    assert student.cells[1].source == "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert student.cells[1].outputs == [] and "tags" not in student.cells[1].metadata
