"""The homework mechanism: nbgrader metadata, check cells, wrong answers, no answer in helpers.

The slow half (every exercise tried both ways in a kernel, nbgrader autograding) is in
``tests/homework``; this file checks what can be read without running a notebook.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from tools import both_ways
from tools.exercises import (BEGIN, END, HIDDEN_BEGIN, HIDDEN_END, exercises, solution_line_count,
                             solution_regions, stamp)
from tools.toc import ROOT, notebooks

NOTEBOOKS = notebooks()
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
CHECK_CALL = re.compile(r"\bcheck_\w+\(|\bwith\s+exercise\(")
HELPERS = sorted((ROOT / "helpers").rglob("*.py"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


# ----------------------------------------------------------------- the notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbgrader_metadata_is_stamped(path: Path) -> None:
    notebook = read(path)
    stamped = stamp(notebook)
    for number, (cell, want) in enumerate(zip(notebook.cells, stamped.cells)):
        assert cell.metadata.get("nbgrader") == want.metadata.get("nbgrader"), (
            f"cell {number}: nbgrader metadata out of date: run `python -m tools.exercises stamp {path.relative_to(ROOT)}`"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_check_cells_frame_their_exercise(path: Path) -> None:
    notebook = read(path)
    for ex in exercises(notebook):
        if ex.kind != "code":
            continue
        source = notebook.cells[ex.check].source
        assert re.search(r"with\s+exercise\(\s*['\"]Exercise", source), (
            f"cell {ex.check} checks {ex.grade_id}: wrap its checks in "
            '`with exercise("Exercise N: ...", points=P):` (helpers.checks.exercise)'
        )
        assert BEGIN not in source, f"cell {ex.check}: a check cell holds no solution"
        assert source.count(HIDDEN_BEGIN) == source.count(HIDDEN_END)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_checks_are_collapsed_on_the_website(path: Path) -> None:
    """Claim checks and exercise checks show their one-line results, not their code."""
    for number, cell in enumerate(read(path).cells):
        if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            tags = cell.metadata.get("tags", [])
            assert {"hide-input", "hide-cell", "remove-input", "remove-cell"} & set(tags), (
                f"cell {number} checks something: tag it hide-input so the page shows its result, "
                "not its code (and keep lesson code out of check cells)"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_exercise_has_wrong_answers(path: Path) -> None:
    code_ids = {ex.grade_id for ex in exercises(read(path)) if ex.kind == "code"}
    wrong = both_ways.load_wrong_answers(path)
    missing = sorted(code_ids - set(wrong))
    assert not missing, (
        f"no wrong answers for {missing} in {both_ways.wrong_answer_file(path).relative_to(ROOT)}"
    )
    assert not set(wrong) - code_ids, f"wrong answers for unknown exercises {sorted(set(wrong) - code_ids)}"


# ----------------------------------------------------------------- no answer in helpers
def _solutions() -> list[tuple[str, str]]:
    """(notebook, solution region) for every code solution of the book."""
    found = []
    for path in NOTEBOOKS:
        for cell in read(path).cells:
            if cell.cell_type == "code":
                found += [(str(path.relative_to(ROOT)), region) for region in solution_regions(cell.source)]
    return found


PROTOCOL = {"forward"}
"""Method names every torch module has: not answers."""


def _defined_names(source: str, *, top_level: bool) -> set[str]:
    """Functions and classes ``source`` defines (only at its top level if ``top_level``),
    without dunders."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    nodes = tree.body if top_level else list(ast.walk(tree))
    return {node.name for node in nodes if isinstance(node, (ast.FunctionDef, ast.ClassDef))
            and not node.name.startswith("__") and node.name not in PROTOCOL}


def test_helpers_define_nothing_a_solution_defines() -> None:
    helper_names: dict[str, str] = {}
    for module in HELPERS:
        for name in _defined_names(module.read_text(encoding="utf-8"), top_level=False):
            helper_names[name] = str(module.relative_to(ROOT))
    leaks = []
    for notebook, region in _solutions():
        import textwrap

        for name in _defined_names(textwrap.dedent(region), top_level=True) & set(helper_names):
            leaks.append(f"{notebook} asks for `{name}`, which {helper_names[name]} defines")
    assert not leaks, "answers importable from helpers:\n" + "\n".join(leaks)


def _squeezed(line: str) -> str:
    return re.sub(r"\s+", "", line.split("#")[0])


def test_helpers_contain_no_line_of_a_solution() -> None:
    helper_lines: dict[str, str] = {}
    for module in HELPERS:
        for line in module.read_text(encoding="utf-8").splitlines():
            helper_lines.setdefault(_squeezed(line), str(module.relative_to(ROOT)))
    leaks = [f"{notebook}: `{line.strip()}` is in {helper_lines[_squeezed(line)]}"
             for notebook, region in _solutions() for line in region.splitlines()
             if len(_squeezed(line)) >= 24 and _squeezed(line) in helper_lines]
    assert not leaks, "solution lines found in helpers:\n" + "\n".join(leaks)


# ----------------------------------------------------------------- the tools themselves
def _notebook(*sources: str) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell(s[3:]) if s.startswith("md:") else nbformat.v4.new_code_cell(s)
             for s in sources]
    return nbformat.v4.new_notebook(cells=cells)


def _run_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notebook: nbformat.NotebookNode,
                   wrong_answers: str) -> both_ways.NotebookReport:
    """Run tools.both_ways on ``notebook`` as chapters/07_test/01_t.ipynb of a book in ``tmp_path``."""
    chapter = tmp_path / "chapters" / "07_test"
    chapter.mkdir(parents=True)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, chapter / "01_t.ipynb")
    (tmp_path / "wrong" / "07_test").mkdir(parents=True)
    (tmp_path / "wrong" / "07_test" / "01_t.yml").write_text(wrong_answers, encoding="utf-8")
    monkeypatch.setattr(both_ways, "ROOT", tmp_path)
    monkeypatch.setattr(both_ways, "WRONG_ANSWERS", tmp_path / "wrong")
    return both_ways.run_notebook(chapter / "01_t.ipynb")


def test_exercises_finds_code_and_written_answers_with_points() -> None:
    notebook = _notebook(
        "import numpy as np",
        f"def area(r):\n    {BEGIN}\n    return np.pi * r ** 2\n    {END}",
        'with exercise("Exercise 1: area", points=3):\n    check_scalar("area(1)", area(1), 3.14159, rtol=1e-5)',
        f"md::::{{admonition}} Solution\n:class: dropdown\n% points: 2\n% {BEGIN}\nbecause\n% {END}\n:::",
        f"{BEGIN}\nn = 3\n{END}",
        "with exercise('Exercise 2: n'):\n    check_fingerprint('n', n, '0')",
    )
    found = exercises(notebook)
    assert [(e.kind, e.cell, e.check, e.grade_id, e.points) for e in found] == [
        ("code", 1, 2, "area", 3), ("written", 3, None, "written-1", 2), ("code", 4, 5, "n", 1)]
    assert found[0].title == "Exercise 1: area" and found[0].check_id == "area-check"
    meta = [c.metadata.get("nbgrader") for c in stamp(notebook).cells]
    assert meta[0] is None
    assert meta[1]["solution"] and not meta[1]["grade"]
    assert meta[2]["grade"] and meta[2]["locked"] and meta[2]["points"] == 3
    assert meta[3]["grade"] and meta[3]["solution"] and meta[3]["points"] == 2
    assert solution_line_count(notebook.cells[1].source) == 1


def test_grade_ids_stay_and_repeated_names_get_numbers() -> None:
    notebook = _notebook(f"{BEGIN}\nx = 1\n{END}", "with exercise('Exercise 1'):\n    pass",
                         f"{BEGIN}\nx = 2\n{END}", "with exercise('Exercise 2'):\n    pass")
    assert [e.grade_id for e in exercises(notebook)] == ["x", "x-2"]
    notebook.cells[0].metadata["nbgrader"] = {"grade_id": "first"}
    assert [e.grade_id for e in exercises(notebook)] == ["first", "x"]


def test_stub_visible_and_with_answer() -> None:
    cell = f"def f(x):\n    \"\"\"Doc.\"\"\"\n    {BEGIN}\n    return x + 1\n    {END}"
    assert both_ways.stub(cell) == 'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    assert both_ways.with_answer(cell, "y = x\nreturn y - 1\n") == (
        'def f(x):\n    """Doc."""\n    y = x\n    return y - 1')
    check = f"with exercise('E'):\n    a()\n    {HIDDEN_BEGIN}\n    b()\n    {HIDDEN_END}"
    assert "b()" not in both_ways.visible(check) and "a()" in both_ways.visible(check)


def test_wrong_answer_files_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(both_ways, "WRONG_ANSWERS", tmp_path)
    notebook = ROOT / "chapters" / "02_approximation" / "01_xor.ipynb"
    target = tmp_path / "02_approximation" / "01_xor.yml"
    target.parent.mkdir()
    target.write_text("and_net:\n  - code: return 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs 'why' and 'code'"):
        both_ways.load_wrong_answers(notebook)
    target.write_text("and_net: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty list"):
        both_ways.load_wrong_answers(notebook)


def test_both_ways_catches_a_check_that_cannot_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = _notebook(
        "from helpers.checks import check_scalar, exercise",
        f"def double(x):\n    {BEGIN}\n    return 2 * x\n    {END}",
        'with exercise("Exercise 1: double"):\n    check_scalar("double(3)", double(3), 6)',
        f"def half(x):\n    {BEGIN}\n    return x / 2\n    {END}",
        'with exercise("Exercise 2: half"):\n    half(3)  # checks nothing',
    )
    report = _run_both_ways(tmp_path, monkeypatch, notebook,
                            "double:\n  - {why: adds, code: return x + 2, says: wrong}\n"
                            "half:\n  - {why: doubles, code: return 2 * x}\n")
    double, half = report.exercises
    assert double.reference_passed and not double.problems
    assert [a.caught for a in double.attempts] == [True, True]
    assert "is not done yet" in double.attempts[0].message
    assert half.reference_passed
    assert any("PASSED a wrong answer" in p for p in half.problems)
    assert any("PASSED a wrong answer" in p for p in report.problems)


def test_the_book_is_homework() -> None:
    """Issue 15: students write the lesson's mechanism (`python -m tools.exercises count`)."""
    from tools.exercises import MIN_CODE_EXERCISES, count, is_chapter_notebook

    rows = [count(path) for path in NOTEBOOKS]
    thin = [str(r.path.relative_to(ROOT)) for r in rows
            if is_chapter_notebook(r.path) and r.code < MIN_CODE_EXERCISES]
    assert not thin, f"chapter notebooks with fewer than {MIN_CODE_EXERCISES} code exercises: {thin}"
    assert sum(r.code for r in rows) >= 55, "the book needs at least 55 code exercises"
    assert sum(r.lines for r in rows) >= 450, "the book needs at least 450 lines of reference solution"


def test_both_ways_flags_a_check_that_writes_to_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nbgrader gives no points to a check cell with standard-error output."""
    notebook = _notebook(
        "import sys\nfrom helpers.checks import check_scalar, exercise",
        f"def double(x):\n    {BEGIN}\n    return 2 * x\n    {END}",
        'sys.stderr.write("careful\\n")\nwith exercise("Exercise 1: double"):\n    check_scalar("double(3)", double(3), 6)',
    )
    report = _run_both_ways(tmp_path, monkeypatch, notebook, "double:\n  - {why: adds, code: return x + 2}\n")
    assert any("standard error" in p and "careful" in p for p in report.problems)
