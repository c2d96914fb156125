"""The instructors' path, with nbgrader: the student release and autograding.

The book's notebooks are nbgrader *source* notebooks (``python -m tools.exercises stamp``
writes their metadata). Each chapter folder is one nbgrader assignment.

``python -m tools.grading release [OUT]``
    copies the chapters into a course folder (``_build/nbgrader/source/<chapter>/``) and
    runs ``nbgrader generate_assignment`` on each: solutions become stubs, hidden tests
    and outputs go, check cells are locked. The release is written to OUT (default
    ``_build/student``): the student edition.

``python -m tools.grading autograde``
    submits, for each chapter, the reference solutions (student ``reference``) and the
    unchanged release (student ``untouched``), runs ``nbgrader autograde`` on both and
    prints the points per exercise (``_build/nbgrader/report.md``). The reference gets
    every autograded point, the untouched release none; written answers wait for a
    person (nbgrader marks them "needs manual grade"; unchanged ones score 0).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from traitlets.config import Config

from tools.toc import ROOT, notebooks

COURSE = ROOT / "_build" / "nbgrader"
STUDENT = ROOT / "_build" / "student"
CELL_TIMEOUT = 240
STUDENTS = {"reference": "the reference solutions", "untouched": "the unchanged release"}
WEBSITE_TAGS = {"hide-input", "hide-cell", "hide-output"}

README = """# Student edition

The notebooks of the book with the reference solutions removed, made by
`nbgrader generate_assignment` (one folder per chapter = one assignment). Exercises contain
`raise NotImplementedError()` (code) or `YOUR ANSWER HERE` (written answers): replace them
with your own answer and run the check cell that follows, which says at once whether the
answer is right. Check cells are locked: the grader runs them as they are, with a few
hidden tests added.

Set up as for the book (see its README): `pip install -r requirements.txt` in a clone of
the repository, then open these notebooks in JupyterLab, or upload them to Colab, whose
first cell installs the helpers package.
"""


def chapters() -> dict[str, list[Path]]:
    """The book's notebooks grouped by chapter folder (= nbgrader assignment)."""
    grouped: dict[str, list[Path]] = {}
    for path in notebooks():
        grouped.setdefault(path.parent.name, []).append(path)
    return grouped


CONFIG_FILE = f"""# nbgrader's settings for this course folder (written by tools/grading.py): run nbgrader
# from here, e.g. `nbgrader autograde 04_parity`, with the book's virtual environment active.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "dlbook"
c.Execute.timeout = {CELL_TIMEOUT}
c.Execute.raise_on_iopub_timeout = False
"""


def _config(course: Path) -> Config:
    """The settings of :data:`CONFIG_FILE`, with the course folder as root."""
    config = Config()
    exec(CONFIG_FILE, {"get_config": lambda: config})  # noqa: S102 - our own constant
    config.CourseDirectory.root = str(course)
    return config


def _api(course: Path):  # noqa: ANN202 - nbgrader has no type hints
    from nbgrader.apps import NbGraderAPI

    # nbgrader runs `alembic` (its database migrations) from PATH: this environment's copy.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")

    return NbGraderAPI(config=_config(course))


def _copy_chapter(paths: list[Path], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copy2(path, target / path.name)


def _checked(result: dict, what: str) -> None:
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('log', '')}\n{result.get('error', '')}")


def release(out: Path = STUDENT, course: Path = COURSE) -> list[Path]:
    """Generate the student release of every chapter; copy it to ``out``. The notebooks written."""
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(CONFIG_FILE, encoding="utf-8")
    api = _api(course)
    for chapter, paths in chapters().items():
        _copy_chapter(paths, course / "source" / chapter)
        _checked(api.generate_assignment(chapter, force=True, create=True),
                 f"generate_assignment {chapter}")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(course / "release", out)
    written = sorted(out.rglob("*.ipynb"))
    for path in written:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            tags = [t for t in cell.metadata.get("tags", []) if t not in WEBSITE_TAGS]
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
        nbformat.write(notebook, path)
    (out / "README.md").write_text(README, encoding="utf-8")
    return written


@dataclass(frozen=True)
class Grade:
    chapter: str
    notebook: str
    grade_id: str
    max_score: float
    auto: dict[str, float | None]  # student -> autograded score (None: needs a person)


def autograde(course: Path = COURSE, only: list[str] | None = None) -> list[Grade]:
    """Autograde the reference solutions and the unchanged release of every chapter
    (or of the chapter folders in ``only``)."""
    from nbgrader.api import Gradebook

    selected = {c: p for c, p in chapters().items() if not only or c in only}
    unknown = set(only or ()) - set(selected)
    if unknown:
        raise ValueError(f"autograde(): no chapter folders {sorted(unknown)}; "
                         f"the chapters are {sorted(chapters())}")
    if not (course / "release").is_dir():
        release(course=course)
    api = _api(course)
    for chapter, paths in selected.items():
        for student in STUDENTS:
            target = course / "submitted" / student / chapter
            if target.exists():
                shutil.rmtree(target)
            if student == "reference":
                _copy_chapter(paths, target)
            else:
                shutil.copytree(course / "release" / chapter, target)
            _checked(api.autograde(chapter, student, force=True, create=True),
                     f"autograde {chapter} for {student}")
    grades: list[Grade] = []
    with Gradebook(api.coursedir.db_url) as book:
        for chapter, paths in selected.items():
            for path in paths:
                cells = {}
                for student in STUDENTS:
                    submission = book.find_submission_notebook(path.stem, chapter, student)
                    for grade in submission.grades:
                        cells.setdefault(grade.name, (grade.max_score, {}))[1][student] = (
                            None if grade.needs_manual_grade and grade.auto_score is None
                            else grade.score)
                grades += [Grade(chapter, path.stem, name, max_score, scores)
                           for name, (max_score, scores) in cells.items()]
    return grades


def report(grades: list[Grade]) -> str:
    """A markdown table of the points each submission got, per exercise and in total."""
    lines = ["| notebook | exercise | points | " + " | ".join(STUDENTS) + " |",
             "| --- | --- | ---: | " + " | ".join("---:" for _ in STUDENTS) + " |"]

    def shown(score: float | None) -> str:
        return "manual" if score is None else f"{score:g}"

    for g in grades:
        lines.append(f"| {g.chapter}/{g.notebook} | {g.grade_id} | {g.max_score:g} | "
                     + " | ".join(shown(g.auto[s]) for s in STUDENTS) + " |")
    for student, what in STUDENTS.items():
        got = sum(g.auto[student] or 0 for g in grades if g.auto[student] is not None)
        graded = sum(g.max_score for g in grades if g.auto[student] is not None)
        manual = sum(g.max_score for g in grades if g.auto[student] is None)
        lines.append(f"\n{student} ({what}): {got:g} of {graded:g} points graded automatically"
                     + (f"; {manual:g} points of written answers wait for a person" if manual else ""))
    return "\n".join(lines)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.grading", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("release", help="the student release (student edition)")
    make.add_argument("out", nargs="?", type=Path, default=STUDENT)
    grade = sub.add_parser("autograde", help="autograde the reference solutions and the unchanged release")
    grade.add_argument("chapters", nargs="*", help="chapter folders (default: all)")
    args = parser.parse_args(argv)
    if args.command == "release":
        written = release(args.out)
        print(f"Student edition: {len(written)} notebooks in {args.out}")
        return 0
    text = report(autograde(only=args.chapters))
    (COURSE / "report.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
