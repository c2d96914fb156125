"""Test every exercise's check both ways, in one kernel per notebook.

The notebook runs top to bottom. Before each code exercise's reference solution runs,
the exercise cell is run as the student would write it, each time followed by the check
cell as the student edition shows it (hidden tests removed):

1. the student edition's stub (``raise NotImplementedError()``): the check must fail
   with :class:`helpers.checks.ExerciseNotDone` ("... is not done yet");
2. each plausible wrong answer of ``tests/homework/wrong_answers/<chapter>/<notebook>.yml``:
   the exercise cell must run, and the check must fail (with the phrase ``says``, when
   given); a wrong answer marked ``hidden: true`` only has to fail the full check with its
   hidden tests;
3. then the reference solution and the full check cell, which must pass.

The wrong-answer file maps the solution cell's grade id (``python -m tools.exercises``)
to a list of ``{why, code, says?, hidden?}``; ``code`` replaces the lines between the
solution markers, indented like them.

``python -m tools.both_ways NOTEBOOK ...`` prints a report; ``tests/homework`` asserts it.
"""

from __future__ import annotations

import os
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from tools.exercises import BEGIN, END, Exercise, exercises
from tools.toc import ROOT

WRONG_ANSWERS = ROOT / "tests" / "homework" / "wrong_answers"
CELL_TIMEOUT = 240
NOT_DONE = "is not done yet"


def wrong_answer_file(notebook: Path) -> Path:
    relative = notebook.resolve().relative_to(ROOT / "chapters")
    return WRONG_ANSWERS / relative.parent / f"{relative.stem}.yml"


def load_wrong_answers(notebook: Path) -> dict[str, list[dict[str, Any]]]:
    path = wrong_answer_file(notebook)
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping from grade id to a list of wrong answers")
    for grade_id, answers in data.items():
        if not isinstance(answers, list) or not answers:
            raise ValueError(f"{path}: {grade_id}: expected a non-empty list of wrong answers")
        for answer in answers:
            unknown = set(answer) - {"why", "code", "says", "hidden"}
            if not isinstance(answer, dict) or not {"why", "code"} <= set(answer) or unknown:
                raise ValueError(
                    f"{path}: {grade_id}: each wrong answer needs 'why' and 'code' "
                    f"(optional 'says', 'hidden'), got {answer!r}"
                )
    return data


def _one_cell(source: str, *, check: bool = False) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"solution": not check, "grade": check, "locked": check, "points": 1,
                                 "grade_id": "x", "schema_version": 3, "task": False}
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return notebook


def stub(source: str) -> str:
    """The exercise cell as the student edition has it (nbgrader's ClearSolutions)."""
    notebook, _ = ClearSolutions(enforce_metadata=False).preprocess(_one_cell(source), {})
    return notebook.cells[0].source


def visible(source: str) -> str:
    """The check cell as the student edition has it (hidden tests removed)."""
    notebook, _ = ClearHiddenTests().preprocess(_one_cell(source, check=True), {})
    return notebook.cells[0].source


def with_answer(source: str, code: str) -> str:
    """The exercise cell with ``code`` between the solution markers' places."""
    out, inside = [], False
    for line in source.splitlines():
        if BEGIN in line:
            if inside:
                raise ValueError("nested solution markers")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(textwrap.indent(textwrap.dedent(code).rstrip("\n"), indent,
                                       lambda _line: True).splitlines())
        elif END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


@dataclass
class Attempt:
    label: str  # "stub" or the wrong answer's "why"
    caught: bool
    message: str
    problem: str = ""  # why this attempt does not count as tested both ways


@dataclass
class ExerciseReport:
    exercise: Exercise
    attempts: list[Attempt] = field(default_factory=list)
    reference_passed: bool = False
    stderr: str = ""  # what the check wrote to standard error with the reference solution

    @property
    def problems(self) -> list[str]:
        found = [f"{self.exercise.grade_id}: {a.label}: {a.problem}" for a in self.attempts if a.problem]
        wrong = [a for a in self.attempts if a.label != "stub"]
        if not wrong:
            found.append(f"{self.exercise.grade_id}: no wrong answer is tested "
                         f"(add one to {WRONG_ANSWERS.name}/)")
        if not self.reference_passed:
            found.append(f"{self.exercise.grade_id}: the reference solution did not pass its check")
        if self.stderr:
            found.append(f"{self.exercise.grade_id}: the check writes to standard error, so nbgrader "
                         f"gives it no points: {self.stderr.strip()[:200]}")
        return found


@dataclass
class NotebookReport:
    path: Path
    exercises: list[ExerciseReport]
    seconds: float
    unknown_ids: list[str]

    @property
    def problems(self) -> list[str]:
        found = [p for e in self.exercises for p in e.problems]
        found += [f"{grade_id}: wrong answers for an exercise this notebook does not have"
                  for grade_id in self.unknown_ids]
        return found

    def lines(self) -> list[str]:
        out = [f"{self.path.relative_to(ROOT)} ({self.seconds:.0f} s)"]
        for report in self.exercises:
            ex = report.exercise
            out.append(f"  {ex.grade_id} ({ex.points} pt): reference "
                       f"{'passes' if report.reference_passed else 'FAILS'}")
            for attempt in report.attempts:
                mark = "caught" if attempt.caught and not attempt.problem else "NOT OK"
                first = attempt.message.splitlines()[0] if attempt.message else ""
                out.append(f"    {mark}: {attempt.label}: {first[:160]}")
                if attempt.problem:
                    out.append(f"      problem: {attempt.problem}")
        return out


class _Kernel:
    def __init__(self, notebook: nbformat.NotebookNode, folder: Path, timeout: int) -> None:
        self.stderr = ""
        self.client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})

    def run(self, source: str, index: int) -> str | None:
        """Run ``source``; the error as 'Name: message', or None when it ran cleanly.
        What it wrote to standard error is left in ``self.stderr``."""
        cell = nbformat.v4.new_code_cell(source)
        try:
            self.client.execute_cell(cell, index)
        except CellExecutionError as error:
            return f"{error.ename}: {error.evalue}"
        finally:
            self.stderr = "".join(o.get("text", "") for o in cell.outputs
                                  if o.get("output_type") == "stream" and o.get("name") == "stderr")
        return None


def _attempt(kernel: _Kernel, ex: Exercise, cell_source: str, check_source: str,
             label: str, says: str | None) -> Attempt:
    own_error = kernel.run(cell_source, ex.cell)
    if own_error and label != "stub":
        return Attempt(label, False, own_error,
                       "the wrong answer itself raised, so the check was never reached; "
                       "write wrong answers that run")
    error = kernel.run(check_source, ex.check)
    if error is None:
        return Attempt(label, False, "", "the check PASSED a wrong answer")
    if not error.startswith(("AssertionError", "ExerciseNotDone")):
        return Attempt(label, True, error,
                       "the check failed with an error instead of an AssertionError "
                       "(wrap it in `with exercise(...)`)")
    if says and says.lower() not in error.lower():
        return Attempt(label, True, error, f"the message does not say {says!r}")
    return Attempt(label, True, error)


def run_notebook(path: Path, *, timeout: int = CELL_TIMEOUT) -> NotebookReport:
    """Execute ``path`` with every exercise tried both ways (see the module docstring)."""
    path = path.resolve()
    notebook = nbformat.read(path, as_version=4)
    wrong = load_wrong_answers(path)
    found = [e for e in exercises(notebook) if e.kind == "code"]
    by_cell = {e.cell: e for e in found}
    by_check = {e.check: e for e in found}
    reports: dict[str, ExerciseReport] = {e.grade_id: ExerciseReport(e) for e in found}
    start = time.perf_counter()
    kernel = _Kernel(nbformat.from_dict(notebook), path.parent, timeout)
    with kernel.client.setup_kernel(env={**os.environ, "PYTHONHASHSEED": "0"}):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if index in by_cell:
                ex = by_cell[index]
                report = reports[ex.grade_id]
                check_full = notebook.cells[ex.check].source
                check_student = visible(check_full)
                report.attempts.append(
                    _attempt(kernel, ex, stub(cell.source), check_student, "stub", NOT_DONE))
                for answer in wrong.get(ex.grade_id, []):
                    check = check_full if answer.get("hidden") else check_student
                    report.attempts.append(_attempt(
                        kernel, ex, with_answer(cell.source, answer["code"]), check,
                        str(answer["why"]), answer.get("says")))
            error = kernel.run(cell.source, index)
            if index in by_check:
                reports[by_check[index].grade_id].reference_passed = error is None
                reports[by_check[index].grade_id].stderr = kernel.stderr
            if error is not None:
                raise RuntimeError(f"{path.relative_to(ROOT)}, cell {index} failed with the "
                                   f"reference solutions: {error}")
    return NotebookReport(path, list(reports.values()), time.perf_counter() - start,
                          sorted(set(wrong) - set(reports)))


if __name__ == "__main__":
    failed = False
    for name in sys.argv[1:]:
        result = run_notebook(Path(name))
        print("\n".join(result.lines()))
        for problem in result.problems:
            print("PROBLEM:", problem)
            failed = True
    sys.exit(1 if failed else 0)
