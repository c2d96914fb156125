"""nbgrader grades the book: the reference solutions get every autograded point, the
unchanged student release none (tools/grading.py; the table is _build/nbgrader/report.md)."""

from __future__ import annotations

import nbformat

from tools import grading
from tools.exercises import exercises
from tools.toc import notebooks


def test_autograde_gives_full_marks_to_the_reference_and_none_to_the_release() -> None:
    grades = grading.autograde()
    text = grading.report(grades)
    (grading.COURSE / "report.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    by_id = {(g.notebook, g.grade_id): g for g in grades}
    for path in notebooks():
        for ex in exercises(nbformat.read(path, as_version=4)):
            key = (path.stem, ex.check_id if ex.kind == "code" else ex.grade_id)
            assert key in by_id, f"{path.name}: nbgrader did not grade {key[1]}"
            assert by_id[key].max_score == ex.points
    wrong = [f"{g.chapter}/{g.notebook} {g.grade_id}: reference {g.auto['reference']} of {g.max_score}"
             for g in grades if g.auto["reference"] is not None and g.auto["reference"] != g.max_score]
    assert not wrong, "the reference solutions lost points:\n" + "\n".join(wrong)
    free = [f"{g.chapter}/{g.notebook} {g.grade_id}: the unchanged release got {g.auto['untouched']}"
            for g in grades if g.auto["untouched"] != 0]
    assert not free, "points for doing nothing:\n" + "\n".join(free)
    assert any(g.auto["reference"] for g in grades)
