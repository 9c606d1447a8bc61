"""The grade report: one CSV row per graded cell, one total per student.

Every student with a submission (collected here, or graded into the
gradebook by another grader) gets a total row, and its `status` says
whether the grade stands: `graded`; `graded; submission changed since
(regrade)`; `not graded: WHY` (a broken notebook, a failed grading);
`not graded yet`. `submitted` is when it was handed in (UTC),
`hours_late` how late (empty without a due date or when on time),
`penalty` the points a late penalty took off (`points` is after it), and
`feedback` whether the student's feedback page is `current`, `stale`
(graded again since) or `none`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from tito.grading.course import Course

COLUMNS = ["student", "assignment", "grade_id", "points", "max_points",
           "status", "submitted", "hours_late", "penalty", "feedback"]


@dataclass
class Row:
    student: str
    assignment: str
    grade_id: str
    points: float | None
    max_points: float | None
    status: str = ""
    submitted: str = ""
    hours_late: float | None = None
    penalty: float | None = None
    feedback: str = ""


def _fmt(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def to_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_fmt(getattr(row, name)) for name in COLUMNS])
    return buf.getvalue()


def build(course: Course, slugs: list[str]) -> tuple[list[Row], list[str]]:
    """Rows for `slugs`, and one note per problem for the instructor."""
    from tito.grading.batch import read_record, submission_digest
    from tito.grading.checks import check_submission, release_reference
    from tito.grading.feedback import feedback_state
    from tito.grading.gradebook import read_scores, submission_results
    from tito.grading.late import show_utc
    from tito.grading.notebooks import graded_cells, read_notebook

    scores = read_scores(course, slugs)
    rows: list[Row] = []
    notes: list[str] = []
    for slug in slugs:
        results = submission_results(course, slug)
        release_nb, _ = read_notebook(course.release(slug))
        maximum = sum(p for _, p in graded_cells(release_nb)) \
            if release_nb is not None else None
        reference = release_reference(release_nb) \
            if release_nb is not None else None
        students = sorted(set(course.students(slug)) | set(results))
        by_student: dict[str, list] = {}
        for s in scores:
            if s.assignment == slug:
                by_student.setdefault(s.student, []).append(s)
        ungraded, changed, stale = [], [], []
        for student in students:
            result = results.get(student)
            record = read_record(course, slug, student)
            submitted = course.submission(student, slug)
            status = "graded"
            if result is None or not by_student.get(student):
                why = record.problem if record and record.problem else None
                if why is None and submitted.is_file() and reference:
                    check = check_submission(student, submitted, reference)
                    why = check.unreadable
                status = f"not graded: {why}" if why else "not graded yet"
                ungraded.append(student)
            elif record is not None and record.problem:
                status = (f"not graded: {record.problem} (the grade shown "
                          "is from an earlier grading)")
                ungraded.append(student)
            elif (record is not None and submitted.is_file() and
                    record.submission != submission_digest(
                        course, slug, student)):
                status = "graded; submission changed since (regrade)"
                changed.append(student)
            feedback = feedback_state(course, slug, student)
            if feedback == "stale":
                stale.append(student)
            if result is not None and by_student.get(student):
                for s in by_student[student]:
                    rows.append(Row(student, slug, s.grade_id, s.points,
                                    s.max_points))
            late = result.seconds_late if result else 0.0
            rows.append(Row(
                student, slug, "total",
                result.final if result else None,
                result.max_score if result else maximum, status,
                show_utc(result.timestamp) if result else "",
                round(late / 3600, 2) if late > 0 else None,
                result.penalty if result and late > 0 else None,
                feedback))
        hint = f"tito nbgrader autograde --module {slug}"
        if ungraded:
            notes.append(f"{slug}: not graded: {', '.join(ungraded)} "
                         f"({hint})")
        if changed:
            notes.append(f"{slug}: submission changed since it was graded: "
                         f"{', '.join(changed)} ({hint})")
        if stale:
            notes.append(f"{slug}: feedback is older than the grade: "
                         f"{', '.join(stale)} (tito nbgrader feedback "
                         f"--module {slug})")
    return rows, notes
