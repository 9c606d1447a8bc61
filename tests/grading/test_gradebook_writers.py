"""Parallel graders writing one SQLite gradebook.

`tito nbgrader autograde --jobs N` runs N worker processes, and each
writes its students' grades itself (nbgrader opens the gradebook many
times per submission). SQLite allows one writer at a time: without care,
the others fail with "database is locked" and a submission is lost.
tito's gradebook is in WAL mode (readers never block the writer) and its
URL carries a busy timeout (a writer waits its turn). Here four
processes hammer a fresh course's gradebook through that URL at once;
every write lands.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tito.grading.course import SQLITE_BUSY_SECONDS, Course, init_course

WRITER = """\
import sys
from nbgrader.api import Gradebook
url, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for k in range(n):
    with Gradebook(url, "tinytorch") as gb:
        gb.update_or_create_student(f"{who}-{k}", first_name=who)
        sub = gb.update_or_create_submission("a1", f"{who}-{k}")
    with Gradebook(url, "tinytorch") as gb:  # read, as nbgrader does
        assert gb.find_submission("a1", f"{who}-{k}").student_id
print("done", who)
"""


@pytest.fixture
def course(tmp_path) -> Course:
    pytest.importorskip("nbgrader")
    course = Course(tmp_path / "course")
    init_course(course, timeout=15, force=False)
    return course


def test_the_gradebook_is_in_wal_mode_with_a_busy_timeout(course):
    assert course.db_url.endswith(f"?timeout={SQLITE_BUSY_SECONDS}")
    with sqlite3.connect(course.gradebook) as db:
        mode, = db.execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_four_writers_at_once_lose_nothing(course):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "tinytorch") as gb:
        gb.update_or_create_assignment("a1")
    per_writer = 25
    procs = [subprocess.Popen(
        [sys.executable, "-c", WRITER, course.db_url, f"w{i}",
         str(per_writer)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for i in range(4)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0 and "done" in out, err[-2000:]
        assert "database is locked" not in err
    with Gradebook(course.db_url, "tinytorch") as gb:
        subs = gb.find_assignment("a1").submissions
        assert len(subs) == 4 * per_writer
        assert len(gb.students) == 4 * per_writer
