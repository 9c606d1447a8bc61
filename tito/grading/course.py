"""The course folder: its layout, its nbgrader_config.py, its gradebook.

The course folder (default `assignments/`, gitignored) is a plain nbgrader
course directory:

    nbgrader_config.py            real nbgrader options (see config_text)
    gradebook.db                  nbgrader's gradebook (SQLite), unless
                                  the config's db_url (or --db) names a
                                  PostgreSQL one
    source/NN_name/NN_name.ipynb  instructor notebook, built from src/
    release/NN_name/NN_name.ipynb what students get
    submitted/STUDENT/NN_name/    what students handed in (tito collect)
    autograded/, feedback/        nbgrader's output
    backups/, logs/               tito's: replaced files, nbgrader's logs
    grades.csv                    tito nbgrader report (default output)
    .tito/graded/NN_name/S.json   tito's record of each grading (what was
                                  graded, the outcome), to skip unchanged
                                  submissions
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
DEFAULT_TIMEOUT = 15  # seconds a cell may run; a module.yaml may say more
SQLITE_BUSY_SECONDS = 120  # a writer waits this long for another's lock
STUDENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and the paths tito uses inside it."""

    path: Path
    db: str | None = None  # --db URL; None: the config's, else gradebook.db

    @property
    def config_file(self) -> Path:
        return self.path / "nbgrader_config.py"

    @property
    def gradebook(self) -> Path:
        return self.path / "gradebook.db"

    @property
    def db_url(self) -> str:
        """The gradebook's SQLAlchemy URL: --db, else the config's
        CourseDirectory.db_url, else gradebook.db here (SQLite, with a
        busy timeout so parallel graders wait for each other's writes)."""
        url = self.db or configured_db_url(self.config_file)
        if url:
            return database_url(url)
        return f"sqlite:///{self.gradebook}?timeout={SQLITE_BUSY_SECONDS}"

    @property
    def sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def db_label(self) -> str:
        """The gradebook as the instructor reads it (no password)."""
        if self.sqlite and not (self.db or configured_db_url(
                self.config_file)):
            return self.show(self.gradebook)
        return redact(self.db_url)

    @property
    def state(self) -> Path:
        """tito's records of each grading (see the module docstring)."""
        return self.path / ".tito" / "graded"

    @property
    def report(self) -> Path:
        return self.path / "grades.csv"

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
        if not self.config_file.is_file() or (
                not self.gradebook.is_file() and self.db_url.startswith(
                    f"sqlite:///{self.gradebook}")):
            raise TitoError(
                f"no nbgrader course at {self.show(self.path)} (expected "
                "nbgrader_config.py and gradebook.db there)",
                hint="create it with tito nbgrader init (or pass --course "
                "DIR)")
        return self


def course_from(root: Path, option: str | None,
                db: str | None = None) -> Course:
    """--course DIR, else $TITO_COURSE, else <root>/assignments."""
    chosen = option or os.environ.get(COURSE_ENV)
    path = Path(chosen).expanduser() if chosen else root / DEFAULT_COURSE
    return Course(path.resolve(), database_url(db) if db else None)


def database_url(url: str) -> str:
    """A gradebook URL SQLAlchemy takes; one clear error for anything else.

    postgresql:// means PostgreSQL through psycopg2 (the grading extra
    installs psycopg2-binary).
    """
    url = url.strip()
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg2://" + url.split("://", 1)[1]
    if not url.startswith(("sqlite:///", "postgresql+")):
        raise TitoError(f"--db must be a PostgreSQL or SQLite URL, got "
                        f"{redact(url)!r}",
                        hint="e.g. --db postgresql://grader@dbhost/course "
                        "(default: gradebook.db in the course folder)")
    return url


def redact(url: str) -> str:
    """`url` without its password."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def configured_db_url(config_file: Path) -> str | None:
    """CourseDirectory.db_url from nbgrader_config.py, if it sets one."""
    if not config_file.is_file():
        return None
    from traitlets.config.loader import PyFileConfigLoader

    try:
        config = PyFileConfigLoader(config_file.name, path=str(
            config_file.parent)).load_config()
    except Exception:  # load_config reports a broken config
        return None
    url = config.get("CourseDirectory", {}).get("db_url")
    return str(url) if url else None


def config_text(timeout: int, late_penalty: float = 0.0,
                db: str | None = None) -> str:
    """The course's nbgrader_config.py: only real nbgrader options."""
    db_line = "." if not db else (
        ", unless\n# this URL names another (several graders share it)."
        f"\nc.CourseDirectory.db_url = {db!r}")
    return f'''\
"""nbgrader options for the TinyTorch course (from `tito nbgrader init`).

Every name below is an nbgrader option; the full list is at
https://nbgrader.readthedocs.io/en/stable/configuration/config_options.html
`tito nbgrader ...` reads this file; so does nbgrader when you run it from
this folder. Edit freely: `tito nbgrader init --force` backs it up first.
"""

c = get_config()  # noqa: F821 (nbgrader defines get_config)

# The course; the gradebook is gradebook.db in this folder{db_line}
c.CourseDirectory.course_id = "{COURSE_ID}"

# Releases: `tito nbgrader release` writes tito's own stubs (each names its
# grade_id and function, as in the learner notebook); this stub is
# nbgrader's, for a solution cell without markers. Hidden tests are
# removed (they come back at autograde time).
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearSolutions.enforce_metadata = True
c.ClearSolutions.code_stub = {{
    "python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Autograding: a cell, graded or not, may run this many seconds. Then the
# kernel is interrupted and that cell scores zero; grading goes on with
# the next one. (A module.yaml's `grading_timeout` may allow its module
# more; `tito nbgrader autograde --timeout S` overrides both.)
c.ExecutePreprocessor.timeout = {int(timeout)}
c.ExecutePreprocessor.interrupt_on_timeout = True
c.Execute.execute_retries = 0

# A graded cell a student deleted is put back and graded, so deleting a
# test earns nothing. (Edited locked cells are always restored.)
c.OverwriteCells.add_missing_cells = True

# Late work: `tito nbgrader collect` records when each notebook was handed
# in (timestamp.txt), `tito nbgrader release --due` sets the due date.
# A late submission loses this percentage of its score per day (or part
# of a day) late, up to all of it; 0 records lateness without a penalty.
c.AssignLatePenalties.plugin_class = "tito.grading.late.PercentPerDayLate"
c.PercentPerDayLate.percent_per_day = {float(late_penalty):g}
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


def init_course(course: Course, timeout: int, force: bool,
                late_penalty: float = 0.0) -> list[str]:
    """Create the folders, config and gradebook; return what was done.

    With `course.db` (--db), the config names that gradebook and no
    gradebook.db is made.
    """
    from nbgrader.api import Gradebook

    scripts_on_path()

    done = []
    for sub in ("source", "release", "submitted"):
        (course.path / sub).mkdir(parents=True, exist_ok=True)
    text = config_text(timeout, late_penalty, course.db)
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
    if not course.sqlite:
        try:
            with Gradebook(course.db_url, COURSE_ID):
                pass
        except Exception as exc:
            raise gradebook_error(course, exc) from None
        done.append(f"✓ gradebook {course.db_label} (nbgrader's tables "
                    "are there)")
        return done
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
    sqlite_wal(course)
    done.append(f"{'•' if existed else '✓'} gradebook "
                f"{course.show(course.gradebook)}"
                f"{' (kept)' if existed else ' created'}")
    return done


def sqlite_wal(course: Course) -> None:
    """Put a SQLite gradebook in write-ahead-log mode (it stays so).

    Readers then never block a writer, and writers wait their turn (the
    URL's busy timeout) instead of failing with "database is locked":
    parallel graders each write their students' grades.
    """
    import sqlite3

    if not course.sqlite or not course.gradebook.is_file():
        return
    with sqlite3.connect(course.gradebook, timeout=SQLITE_BUSY_SECONDS) \
            as db:
        db.execute("PRAGMA journal_mode=WAL")


def gradebook_error(course: Course, exc: Exception) -> TitoError:
    """One line for a gradebook that cannot be opened."""
    text = " ".join(str(exc).split())
    if isinstance(exc, ModuleNotFoundError) and "psycopg2" in text:
        return TitoError("a PostgreSQL gradebook needs psycopg2, which is "
                         "not installed", hint='pip install -e ".[grading]"'
                         " (installs psycopg2-binary)")
    return TitoError(f"cannot open the gradebook {course.db_label}: "
                     f"{redact(text)[:200]}",
                     hint="check --db or CourseDirectory.db_url in "
                     f"{course.show(course.config_file)} (is the server up, "
                     "the database created?)")
