"""Reading grades back from nbgrader's gradebook; due dates.

Every function opens the gradebook for one short session (nbgrader's
Gradebook), so parallel graders and a PostgreSQL server see it closed
between calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tito.grading.course import COURSE_ID, Course
from tito.grading.notebooks import graded_cells, read_notebook


@dataclass
class Score:
    student: str
    assignment: str
    grade_id: str
    points: float | None
    max_points: float


def read_scores(course: Course, assignments: list[str] | None = None
                ) -> list[Score]:
    """Every grade in the gradebook, per student and graded cell.

    Cells come in notebook order (from the release when it exists).
    """
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(course.db_url, COURSE_ID) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            if assignments is not None and assignment.name not in \
                    assignments:
                continue
            order = _cell_order(course, assignment.name)
            for sub in sorted(assignment.submissions,
                              key=lambda s: s.student_id):
                for snb in sub.notebooks:
                    grades = sorted(snb.grades, key=lambda g: (
                        order.get(g.name, len(order)), g.name))
                    for grade in grades:
                        rows.append(Score(
                            sub.student_id, assignment.name, grade.name,
                            None if grade.score is None
                            else float(grade.score),
                            float(grade.max_score or 0.0)))
    return rows


def _cell_order(course: Course, slug: str) -> dict[str, int]:
    for path in (course.release(slug), course.source(slug)):
        nb, _ = read_notebook(path)
        if nb is not None:
            return {gid: i for i, (gid, _) in enumerate(graded_cells(nb))}
    return {}


def assignment_names(course: Course) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, COURSE_ID) as gb:
        return sorted(a.name for a in gb.assignments)


@dataclass(frozen=True)
class Result:
    """One submission as the gradebook has it."""

    score: float  # before any late penalty
    max_score: float
    penalty: float = 0.0  # points a late penalty takes off
    timestamp: datetime | None = None  # handed in (naive UTC)
    seconds_late: float = 0.0

    @property
    def final(self) -> float:
        return max(0.0, self.score - self.penalty)


def _result(sub) -> Result:
    return Result(float(sub.score or 0.0), float(sub.max_score or 0.0),
                  float(sub.late_submission_penalty or 0.0), sub.timestamp,
                  float(sub.total_seconds_late or 0.0))


def submission_result(course: Course, slug: str,
                      student: str) -> Result | None:
    """One submission, read back from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, COURSE_ID) as gb:
        try:
            return _result(gb.find_submission(slug, student))
        except MissingEntry:
            return None


def submission_results(course: Course, slug: str) -> dict[str, Result]:
    """student -> Result of every submission of `slug` in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, COURSE_ID) as gb:
        try:
            assignment = gb.find_assignment(slug)
        except MissingEntry:
            return {}
        return {sub.student_id: _result(sub)
                for sub in assignment.submissions}


def submission_score(course: Course, slug: str,
                     student: str) -> tuple[float, float] | None:
    """(score, max) of one submission, read back from the gradebook."""
    result = submission_result(course, slug, student)
    return None if result is None else (result.score, result.max_score)


def set_due_date(course: Course, slug: str, due: datetime | None) -> None:
    """The assignment's due date (naive UTC; None: no due date)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, COURSE_ID) as gb:
        gb.update_or_create_assignment(slug, duedate=due)


def due_date(course: Course, slug: str) -> datetime | None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, COURSE_ID) as gb:
        try:
            return gb.find_assignment(slug).duedate
        except MissingEntry:
            return None


def has_assignment(course: Course, slug: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, COURSE_ID) as gb:
        try:
            gb.find_assignment(slug)
        except MissingEntry:
            return False
    return True
