"""The exercises of the book's notebooks: find them, stamp their nbgrader metadata, count them.

An exercise is a solution cell (code between ``### BEGIN SOLUTION`` and ``### END
SOLUTION``, or a written answer whose markers are MyST comments in a collapsed
admonition). A code exercise's check cell is the next code cell; it wraps its checks in
``with exercise("Exercise N: ...", points=P):`` (``helpers.checks.exercise``).

nbgrader reads the metadata this module writes (``python -m tools.exercises stamp``):

- code solution cell: an autograded answer (``solution``), grade id from the first name
  the solution defines;
- its check cell: autograder tests (``grade``, ``locked``) worth the ``points`` of its
  ``exercise(...)`` call; ``### BEGIN HIDDEN TESTS`` regions in it are removed from the
  student release and restored when grading;
- written solution: a manually graded answer, worth 1 point or the ``% points: P`` line
  in the cell.

Grade ids, once written, stay (wrong answers in ``tests/homework`` are keyed by them).
``python -m tools.exercises count`` prints the book's totals.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from tools.toc import ROOT, notebooks

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
SCHEMA = 3

_POINTS_CALL = re.compile(r"with\s+exercise\((?P<args>[^\n]*)\)\s*:")
_POINTS_ARG = re.compile(r"points\s*=\s*(\d+)")
_WRITTEN_POINTS = re.compile(r"^%\s*points:\s*(\d+)\s*$", re.M)

# Chapter notebooks with fewer code exercises than this fail the counts (issue 15);
# the getting-started page is not a chapter.
MIN_CODE_EXERCISES = 2
NOT_CHAPTERS = {"00_start"}


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook."""

    kind: str  # "code" or "written"
    cell: int  # index of the solution cell
    check: int | None  # index of the check cell (code exercises)
    grade_id: str  # of the solution cell; the check cell's is grade_id + "-check"
    points: int
    title: str  # the check's title (code) or "written answer N"

    @property
    def check_id(self) -> str:
        return f"{self.grade_id}-check"


def solution_regions(source: str) -> list[str]:
    """The text between each pair of solution markers (marker lines excluded)."""
    regions, inside, lines = [], False, []
    for line in source.splitlines():
        if BEGIN in line:
            inside, lines = True, []
        elif END in line:
            inside = False
            regions.append("\n".join(lines))
        elif inside:
            lines.append(line)
    return regions


def marked_lines(notebook: nbformat.NotebookNode, begin: str = BEGIN, end: str = END) -> list[str]:
    """The distinctive lines inside every ``begin``/``end`` region of a notebook: what must
    not appear in the student edition, or outside a collapsed block on the website.

    Code lines of 12 characters or more and prose lines of 30 or more: shorter ones
    ("return x", "in one step.") can legitimately appear elsewhere.
    """
    lines, inside = [], False
    for cell in notebook.cells:
        shortest = 12 if cell.cell_type == "code" else 30
        for line in cell.source.splitlines():
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif inside and len(line.strip()) >= shortest:
                lines.append(line.strip())
    return lines


def solution_line_count(source: str) -> int:
    """Non-blank, non-comment lines inside the solution regions of a code cell."""
    return sum(
        1
        for region in solution_regions(source)
        for line in region.splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def _defined_name(source: str) -> str | None:
    """The first function, class or variable a solution defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                return node.name
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [
                getattr(node, "target", None)
            ]
            for target in targets:
                for sub in ast.walk(target) if target is not None else []:
                    if isinstance(sub, ast.Name):
                        return sub.id
    region = " ".join(solution_regions(source))
    match = re.search(r"\b([A-Za-z_]\w*)\s*=", region)
    return match.group(1) if match else None


def check_points(source: str) -> int | None:
    """The ``points=`` of the check cell's ``with exercise(...)`` (1 if not given)."""
    match = _POINTS_CALL.search(source)
    if not match:
        return None
    points = _POINTS_ARG.search(match.group("args"))
    return int(points.group(1)) if points else 1


def check_title(source: str) -> str:
    match = re.search(r"with\s+exercise\(\s*(['\"])(?P<title>.+?)\1", source)
    return match.group("title") if match else ""


def exercises(notebook: nbformat.NotebookNode) -> list[Exercise]:
    """Every exercise of ``notebook``, in order, with the grade ids it has or will get."""
    found: list[Exercise] = []
    used: set[str] = set()
    cells = notebook.cells
    written = 0
    for index, cell in enumerate(cells):
        if BEGIN not in cell.source:
            continue
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            check = next((i for i in range(index + 1, len(cells)) if cells[i].cell_type == "code"), None)
            check_source = cells[check].source if check is not None else ""
            base = meta.get("grade_id") or _defined_name(cell.source) or f"exercise-{len(found) + 1}"
            points = check_points(check_source) or 1
            title = check_title(check_source)
            kind = "code"
        else:
            written += 1
            check = None
            base = meta.get("grade_id") or f"written-{written}"
            match = _WRITTEN_POINTS.search(cell.source)
            points = int(match.group(1)) if match else 1
            title = f"written answer {written}"
            kind = "written"
        grade_id, n = base, 2
        while grade_id in used or f"{grade_id}-check" in used:
            grade_id, n = f"{base}-{n}", n + 1
        used |= {grade_id, f"{grade_id}-check"}
        found.append(Exercise(kind, index, check, grade_id, points, title))
    return found


def _meta(*, grade: bool, solution: bool, locked: bool, grade_id: str, points: int | None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def stamp(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` with nbgrader metadata on every solution and check cell, and none elsewhere."""
    notebook = nbformat.from_dict(notebook)
    wanted: dict[int, dict] = {}
    for ex in exercises(notebook):
        if ex.kind == "code":
            wanted[ex.cell] = _meta(grade=False, solution=True, locked=False,
                                    grade_id=ex.grade_id, points=None)
            if ex.check is not None:
                wanted[ex.check] = _meta(grade=True, solution=False, locked=True,
                                         grade_id=ex.check_id, points=ex.points)
        else:
            wanted[ex.cell] = _meta(grade=True, solution=True, locked=False,
                                    grade_id=ex.grade_id, points=ex.points)
    for index, cell in enumerate(notebook.cells):
        if index in wanted:
            cell.metadata["nbgrader"] = wanted[index]
        else:
            cell.metadata.pop("nbgrader", None)
    return notebook


@dataclass(frozen=True)
class Counts:
    path: Path
    code: int
    written: int
    lines: int
    points: int


def count(path: Path) -> Counts:
    notebook = nbformat.read(path, as_version=4)
    found = exercises(notebook)
    code = [e for e in found if e.kind == "code"]
    lines = sum(solution_line_count(notebook.cells[e.cell].source) for e in code)
    return Counts(path, len(code), len(found) - len(code), lines, sum(e.points for e in found))


def is_chapter_notebook(path: Path) -> bool:
    return path.parent.name not in NOT_CHAPTERS


def _main(argv: list[str]) -> int:
    command, *rest = argv or ["count"]
    paths = [Path(p).resolve() for p in rest] or notebooks()
    if command == "stamp":
        for path in paths:
            before = path.read_text(encoding="utf-8")
            notebook = stamp(nbformat.read(path, as_version=4))
            after = nbformat.writes(notebook) + "\n"
            if after != before:
                path.write_text(after, encoding="utf-8")
                print(f"stamped {path.relative_to(ROOT)}")
        return 0
    if command == "count":
        rows = [count(p) for p in paths]
        width = max(len(str(r.path.relative_to(ROOT))) for r in rows)
        print(f"{'notebook':{width}}  code  written  solution lines  points")
        for r in rows:
            print(f"{str(r.path.relative_to(ROOT)):{width}}  {r.code:4d}  {r.written:7d}  {r.lines:14d}  {r.points:6d}")
        print(f"{'total':{width}}  {sum(r.code for r in rows):4d}  {sum(r.written for r in rows):7d}  "
              f"{sum(r.lines for r in rows):14d}  {sum(r.points for r in rows):6d}")
        return 0
    print("usage: python -m tools.exercises [count|stamp] [NOTEBOOK ...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
