"""Reading grades back from nbgrader's gradebook, and the CSV report."""

from __future__ import annotations

from dataclasses import dataclass

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


def report_csv(scores: list[Score]) -> str:
    """student, assignment, grade_id, points, max_points; a total per
    student and assignment (grade_id `total`)."""
    import csv
    import io

    def fmt(x):
        if x is None:
            return ""
        return f"{x:g}"

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "assignment", "grade_id", "points",
                     "max_points"])
    key = None
    total = maximum = 0.0
    for s in scores + [None]:
        current = None if s is None else (s.student, s.assignment)
        if key is not None and current != key:
            writer.writerow([key[0], key[1], "total", fmt(total),
                             fmt(maximum)])
            total = maximum = 0.0
        if s is None:
            break
        key = current
        writer.writerow([s.student, s.assignment, s.grade_id,
                         fmt(s.points), fmt(s.max_points)])
        total += s.points or 0.0
        maximum += s.max_points
    return buf.getvalue()


def submission_score(course: Course, slug: str,
                     student: str) -> tuple[float, float] | None:
    """(score, max) of one submission, read back from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, COURSE_ID) as gb:
        try:
            sub = gb.find_submission(slug, student)
        except MissingEntry:
            return None
        return float(sub.score or 0.0), float(sub.max_score or 0.0)


def has_assignment(course: Course, slug: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, COURSE_ID) as gb:
        try:
            gb.find_assignment(slug)
        except MissingEntry:
            return False
    return True
