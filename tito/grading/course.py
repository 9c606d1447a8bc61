"""The course folder: its layout, its nbgrader_config.py, its gradebook.

The course folder (default `assignments/`, gitignored) is a plain nbgrader
course directory:

    nbgrader_config.py            real nbgrader options (see config_text)
    gradebook.db                  nbgrader's gradebook (SQLite)
    source/NN_name/NN_name.ipynb  instructor notebook, built from src/
    release/NN_name/NN_name.ipynb what students get
    submitted/STUDENT/NN_name/    what students handed in (tito collect)
    autograded/, feedback/        nbgrader's output
    backups/, logs/               tito's: replaced files, nbgrader's logs
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tito.core.errors import TitoError
from tito.core.fsutil import atomic_write_text, backup

COURSE_ID = "tinytorch"
DEFAULT_COURSE = "assignments"
COURSE_ENV = "TITO_COURSE"
DEFAULT_TIMEOUT = 60
STUDENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and the paths tito uses inside it."""

    path: Path

    @property
    def config_file(self) -> Path:
        return self.path / "nbgrader_config.py"

    @property
    def gradebook(self) -> Path:
        return self.path / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"

    def source(self, slug: str) -> Path:
        return self.path / "source" / slug / f"{slug}.ipynb"

    def release(self, slug: str) -> Path:
        return self.path / "release" / slug / f"{slug}.ipynb"

    def submitted_dir(self) -> Path:
        return self.path / "submitted"

    def submission(self, student: str, slug: str) -> Path:
        return self.submitted_dir() / student / slug / f"{slug}.ipynb"

    def autograded(self, student: str, slug: str) -> Path:
        return self.path / "autograded" / student / slug / f"{slug}.ipynb"

    def feedback(self, student: str, slug: str) -> Path:
        return self.path / "feedback" / student / slug / f"{slug}.html"

    @property
    def backups(self) -> Path:
        return self.path / "backups"

    @property
    def logs(self) -> Path:
        return self.path / "logs"

    def show(self, path: Path) -> str:
        """A path as an instructor reads it: relative to the cwd if inside."""
        path = Path(path)
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def students(self, slug: str) -> list[str]:
        """Every folder submitted/STUDENT/slug/, sorted."""
        base = self.submitted_dir()
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir()
                      if (p / slug).is_dir())

    def require(self) -> "Course":
        if not self.config_file.is_file() or not self.gradebook.is_file():
            raise TitoError(
                f"no nbgrader course at {self.show(self.path)} (expected "
                "nbgrader_config.py and gradebook.db there)",
                hint="create it with tito nbgrader init (or pass --course "
                "DIR)")
        return self


def course_from(root: Path, option: str | None) -> Course:
    """--course DIR, else $TITO_COURSE, else <root>/assignments."""
    chosen = option or os.environ.get(COURSE_ENV)
    path = Path(chosen).expanduser() if chosen else root / DEFAULT_COURSE
    return Course(path.resolve())


def config_text(timeout: int) -> str:
    """The course's nbgrader_config.py: only real nbgrader options."""
    return f'''\
"""nbgrader options for the TinyTorch course (from `tito nbgrader init`).

Every name below is an nbgrader option; the full list is at
https://nbgrader.readthedocs.io/en/stable/configuration/config_options.html
`tito nbgrader ...` reads this file; so does nbgrader when you run it from
this folder. Edit freely: `tito nbgrader init --force` backs it up first.
"""

c = get_config()  # noqa: F821 (nbgrader defines get_config)

# The course; the gradebook is gradebook.db in this folder.
c.CourseDirectory.course_id = "{COURSE_ID}"

# Releases: the code between the solution markers becomes a stub, and the
# hidden tests are removed (they come back at autograde time).
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearSolutions.enforce_metadata = True
c.ClearSolutions.code_stub = {{
    "python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Autograding: a cell may run this many seconds. Then the kernel is
# interrupted and that cell scores zero; grading goes on with the next one.
c.ExecutePreprocessor.timeout = {int(timeout)}
c.ExecutePreprocessor.interrupt_on_timeout = True
c.Execute.execute_retries = 0

# A graded cell a student deleted is put back and graded, so deleting a
# test earns nothing. (Edited locked cells are always restored.)
c.OverwriteCells.add_missing_cells = True
'''


def require_nbgrader() -> None:
    """A clear error instead of an ImportError when nbgrader is missing."""
    import importlib.util

    if importlib.util.find_spec("nbgrader") is None:
        raise TitoError(
            "nbgrader is not installed in this Python environment "
            f"({sys.executable}); tito nbgrader needs it",
            hint='pip install -e ".[grading]" (installs nbgrader 0.9.6)')


def scripts_on_path() -> None:
    """Put this Python's scripts folder on PATH (for this process).

    nbgrader runs the `alembic` script by name when it creates a gradebook;
    with `.venv/bin/tito` run from an unactivated shell, that folder would
    not be on PATH.
    """
    scripts = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if scripts not in parts:
        os.environ["PATH"] = os.pathsep.join([scripts] + parts)


def init_course(course: Course, timeout: int, force: bool) -> list[str]:
    """Create the folders, config and gradebook; return what was done."""
    from nbgrader.api import Gradebook

    scripts_on_path()

    done = []
    for sub in ("source", "release", "submitted"):
        (course.path / sub).mkdir(parents=True, exist_ok=True)
    text = config_text(timeout)
    cfg = course.config_file
    if not cfg.exists():
        atomic_write_text(cfg, text)
        done.append(f"✓ wrote {course.show(cfg)}")
    elif cfg.read_text(encoding="utf-8") == text:
        done.append(f"• {course.show(cfg)} is already up to date")
    elif force:
        saved = backup(cfg, course.backups)
        atomic_write_text(cfg, text)
        done.append(f"✓ saved the previous config as {course.show(saved)}")
        done.append(f"✓ rewrote {course.show(cfg)}")
    else:
        done.append(f"• kept your {course.show(cfg)} (it differs from "
                    "tito's; --force rewrites it after a backup)")
    existed = course.gradebook.exists()
    if not existed:  # build it aside, so a failure leaves no half a database
        tmp = course.path / f".{course.gradebook.name}.tmp"
        tmp.unlink(missing_ok=True)
        try:
            with Gradebook(f"sqlite:///{tmp}", COURSE_ID):
                pass
            tmp.replace(course.gradebook)
        finally:
            tmp.unlink(missing_ok=True)
    with Gradebook(course.db_url, COURSE_ID):
        pass
    done.append(f"{'•' if existed else '✓'} gradebook "
                f"{course.show(course.gradebook)}"
                f"{' (kept)' if existed else ' created'}")
    return done
