"""Build the student edition: the book's notebooks with every solution replaced by a stub.

``python -m tools.student_edition [OUT]`` (default ``_build/student``) writes each notebook
of ``_toc.yml`` under the same relative path. The stubbing is nbgrader's
``ClearSolutions`` (code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
``raise NotImplementedError()``, text becomes ``YOUR ANSWER HERE``); outputs, execution
counts and all metadata but the kernel and the cell tags are cleared with nbconvert.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor
from nbgrader.preprocessors import ClearSolutions

from tools.toc import ROOT, notebooks

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
HIDDEN_ON_WEBSITE = {"hide-input", "hide-cell", "hide-output"}

README = """# Student edition

These are the notebooks of the book with the reference solutions removed. Exercises
contain `raise NotImplementedError()` (code) or `YOUR ANSWER HERE` (written answers):
replace them with your own answer and run the check cell that follows.

Set up as for the book (see its README): `pip install -r requirements.txt` in a clone of
the repository, then open these notebooks in JupyterLab, or upload them to Colab, whose
first cell installs the helpers package.
"""


def student_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with solutions stubbed and outputs and metadata cleared."""
    notebook = nbformat.from_dict(notebook)
    notebook, _ = ClearSolutions(
        enforce_metadata=False,
        begin_solution_delimeter=BEGIN,
        end_solution_delimeter=END,
    ).preprocess(notebook, {})
    notebook, _ = ClearOutputPreprocessor().preprocess(notebook, {})
    notebook, _ = ClearMetadataPreprocessor(
        preserve_cell_metadata_mask={"tags"},
        preserve_nb_metadata_mask={"kernelspec", ("language_info", "name")},
    ).preprocess(notebook, {})
    for cell in notebook.cells:
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t not in HIDDEN_ON_WEBSITE]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return notebook


def build(out: Path) -> list[Path]:
    """Write the student edition into ``out`` (emptied first); returns the notebooks written."""
    if out.exists():
        shutil.rmtree(out)
    written = []
    for source in notebooks():
        target = out / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = student_notebook(nbformat.read(source, as_version=4))
        nbformat.validate(notebook)
        nbformat.write(notebook, target)
        written.append(target)
    (out / "README.md").write_text(README, encoding="utf-8")
    return written


if __name__ == "__main__":
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "student"
    paths = build(destination)
    print(f"Student edition: {len(paths)} notebooks in {destination}")
