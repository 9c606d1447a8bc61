"""nbgrader, the way this course uses it: course folder, checks, gradebook.

The course folder (default `assignments/`, gitignored) is a plain nbgrader
course directory:

    nbgrader_config.py            real nbgrader options (see config_text)
    gradebook.db                  nbgrader's gradebook (SQLite)
    source/NN_name/NN_name.ipynb  instructor notebook, built from src/
    release/NN_name/NN_name.ipynb what students get (nbgrader)
    submitted/STUDENT/NN_name/    what students handed in (tito collect)
    autograded/, feedback/        nbgrader's output
    backups/, logs/               tito's: replaced files, nbgrader's logs

nbgrader itself is imported inside functions only, so `tito --help` never
pays for it. tito runs nbgrader's converters in-process, one student at a
time, so one broken submission cannot stop the others.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tito.core.errors import TitoError
from tito.core.fsutil import atomic_write_text, backup
from tito.core.markers import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN,
                               END_SOLUTION, MARKERS, region_lines)

COURSE_ID = "tinytorch"
DEFAULT_COURSE = "assignments"
COURSE_ENV = "TITO_COURSE"
DEFAULT_TIMEOUT = 60
STUDENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")

# Errors nbgrader records in a cell that a kernel could not finish.
TIMEOUT_ERRORS = ("CellTimeoutError",)
DEAD_KERNEL_ERROR = "DeadKernelError"


# ---------------------------------------------------------------- course


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


# ------------------------------------------------------- running nbgrader


def load_config(course: Course, timeout: int | None = None):
    """nbgrader_config.py of the course, plus what tito always sets."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    try:
        loaded = PyFileConfigLoader(course.config_file.name,
                                    path=str(course.path)).load_config()
    except Exception as exc:  # a syntax error in a hand-edited config
        raise TitoError(
            f"{course.show(course.config_file)} could not be read: {exc}",
            hint="fix it, or rewrite it with tito nbgrader init --force "
            "(your version is backed up first)") from None
    config = Config()
    config.merge(loaded)
    config.CourseDirectory.root = str(course.path)
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.db_url = course.db_url
    if timeout is not None:
        config.ExecutePreprocessor.timeout = int(timeout)
    return config


class RunLog:
    """One log file per tito command: nbgrader's messages and kernels'."""

    def __init__(self, course: Course, name: str):
        course.logs.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = course.logs / f"{name}-{stamp}.log"
        self._handle = open(self.path, "a", encoding="utf-8")
        import logging

        self.logger = logging.getLogger(f"tito.nbgrader.{id(self)}")
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        handler = logging.StreamHandler(self._handle)
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s %(asctime)s] %(message)s", "%H:%M:%S"))
        self.logger.addHandler(handler)
        self._handler = handler

    def write(self, text: str) -> None:
        self._handle.write(text.rstrip("\n") + "\n")
        self._handle.flush()

    def stream(self):
        """A file object for kernel stdout/stderr."""
        return self._handle

    def close(self) -> None:
        self.logger.removeHandler(self._handler)
        self._handle.close()


@contextmanager
def nbgrader_session(root: Path, course: Course, name: str):
    """Quiet, logged, with the project's `tinytorch` first on the path.

    Kernels inherit PYTHONPATH, so the prerequisites a notebook imports
    (tinytorch.core.tensor, ...) come from this repository (a sandboxed
    kernel gets only PYTHONPATH=root; see tito.core.sandbox).
    """
    import logging

    scripts_on_path()
    log = RunLog(course, name)
    quiet = ["traitlets", "nbgrader", "jupyter_client", "nbclient",
             "nbconvert", "alembic", "sqlalchemy", "py.warnings"]
    saved = {}
    for name_ in quiet:
        lg = logging.getLogger(name_)
        saved[name_] = (lg.propagate, list(lg.handlers))
        lg.propagate = False
        lg.handlers = [log._handler]
    old_path = os.environ.get("PYTHONPATH")
    parts = [str(root)] + [p for p in (old_path or "").split(os.pathsep)
                           if p and p != str(root)]
    os.environ["PYTHONPATH"] = os.pathsep.join(parts)
    cwd = os.getcwd()
    logging.captureWarnings(True)  # nbgrader's SQLAlchemy warnings: to log
    try:
        yield log
    finally:
        logging.captureWarnings(False)
        os.chdir(cwd)
        if old_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_path
        for name_, (propagate, handlers) in saved.items():
            lg = logging.getLogger(name_)
            lg.propagate = propagate
            lg.handlers = handlers
        log.close()


def _run_converter(app, log: RunLog) -> str | None:
    """Start an nbgrader converter; None on success, else the reason."""
    import logging
    import traceback

    errors: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            errors.append(record.getMessage())

    collect = Collect(logging.ERROR)
    log.logger.addHandler(collect)
    try:
        app.start()
    except Exception as exc:
        log.write(traceback.format_exc())
        return _nbgrader_reason(exc, errors)
    finally:
        log.logger.removeHandler(collect)
    return None


def _nbgrader_reason(exc: Exception, errors: list[str]) -> str:
    """The telling line: the exception nbgrader logged, else its message.

    nbgrader catches a submission's error, logs its traceback and raises a
    generic "see the above traceback"; the logged one names the problem.
    """
    for message in reversed(errors):
        if "Traceback (most recent call last)" in message:
            lines = [ln.strip() for ln in message.strip().splitlines()
                     if ln.strip()]
            last = lines[-1]
            name, sep, rest = last.partition(": ")
            return (name.rsplit(".", 1)[-1] + sep + rest)[:300]
    text = [ln.strip() for ln in str(exc).strip().splitlines()]
    reason = text[0] if text else type(exc).__name__
    return reason[:300]


def generate_assignment(course: Course, slug: str, log: RunLog) -> None:
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course)
    coursedir = CourseDirectory(config=config, log=log.logger)
    coursedir.assignment_id = slug
    app = GenerateAssignment(coursedir=coursedir, config=config,
                             log=log.logger)
    app.force = True
    app.create_assignment = True
    problem = _run_converter(app, log)
    if problem:
        raise TitoError(f"nbgrader could not release {slug}: {problem}",
                        hint=f"details in {course.show(log.path)}")


def autograde_student(course: Course, slug: str, student: str,
                      log: RunLog, timeout: int | None,
                      sandbox=None, output_limit: int | None = None
                      ) -> str | None:
    """Autograde one submission; None on success, else the reason.

    `sandbox` (a tito.core.sandbox.Sandbox) runs every kernel in
    bubblewrap with its limits; None runs them with tito's own rights.
    `output_limit` bounds the bytes of output each cell keeps.
    """
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course, timeout)
    config.Autograde.autograde_preprocessors = autograde_preprocessors()
    config.Autograde.sanitize_preprocessors = sanitize_preprocessors()
    coursedir = CourseDirectory(config=config, log=log.logger)
    coursedir.assignment_id = slug
    coursedir.student_id = student
    app = Autograde(coursedir=coursedir, config=config, log=log.logger)
    app.force = True
    app.create_student = True
    resilient = resilient_execute_class()
    resilient.kernel_stream = log.stream()
    resilient.sandbox = sandbox
    resilient.output_limit = output_limit
    log.write(f"===== autograde {slug} for {student}"
              f"{'' if sandbox else ' (no sandbox)'}")
    try:
        problem = _run_converter(app, log)
    finally:
        resilient.kernel_stream = None
        resilient.sandbox = None
        resilient.output_limit = None
    if problem is None and not course.autograded(student, slug).is_file():
        problem = "nbgrader produced no graded notebook (details in the log)"
    return problem


def generate_feedback(course: Course, slug: str, student: str,
                      log: RunLog) -> str | None:
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course)
    coursedir = CourseDirectory(config=config, log=log.logger)
    coursedir.assignment_id = slug
    coursedir.student_id = student
    app = GenerateFeedback(coursedir=coursedir, config=config,
                           log=log.logger)
    app.force = True
    log.write(f"===== feedback {slug} for {student}")
    return _run_converter(app, log)


def autograde_preprocessors() -> list:
    """nbgrader's autograde steps, with Execute made crash-resilient."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    default = Autograde.class_traits()["autograde_preprocessors"].default()
    resilient = resilient_execute_class()
    return [resilient if pp is Execute else pp for pp in default]


def sanitize_preprocessors() -> list:
    """nbgrader's sanitize steps, with OverwriteCells fixed (see below)."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import OverwriteCells

    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    fixed = overwrite_cells_class()
    return [fixed if pp is OverwriteCells else pp for pp in default]


def _grade_id_positions(nb) -> dict[str, int]:
    """grade_id -> index of its first cell in `nb`."""
    present: dict[str, int] = {}
    for position, cell in enumerate(nb.cells):
        gid = nbgrader_meta(cell).get("grade_id")
        if gid and gid not in present:
            present[gid] = position
    return present


@functools.cache
def overwrite_cells_class():
    """nbgrader's OverwriteCells, putting deleted graded cells back safely.

    nbgrader 0.9.6 (with add_missing_cells) inserts a deleted graded cell
    after the source cell just before it, and raises KeyError when that
    cell is missing too or is a read-only cell; the submission is then not
    graded at all. Here it goes after the nearest earlier source cell that
    the submission still has (or first), and is graded like any other.
    """
    from nbgrader.preprocessors import OverwriteCells

    class SafeOverwriteCells(OverwriteCells):
        def add_missing_grade_cells(self, nb, resources):
            source_nb = self.gradebook.find_notebook(self.notebook_id,
                                                     self.assignment_id)
            source_cells = list(source_nb.source_cells)
            order = [cell.name for cell in source_cells]
            grade_cells = {c.name: c for c in source_nb.grade_cells}
            solutions = {c.name for c in source_nb.solution_cells}
            present = _grade_id_positions(nb)
            for index, name in enumerate(order):
                if name not in grade_cells or name in present:
                    continue
                self.log.warning("Missing grade cell %s: putting it back",
                                 name)
                at = next((present[prev] + 1
                           for prev in reversed(order[:index])
                           if prev in present), 0)
                cell = self.missing_cell_transform(
                    source_cells[index], grade_cells[name].max_score,
                    is_solution=name in solutions)
                cell["id"] = f"restored-{name}"[:64]
                nb.cells.insert(at, cell)
                present = _grade_id_positions(nb)
            return nb, resources

    SafeOverwriteCells.__module__ = __name__
    return SafeOverwriteCells


# Messages that add output to a cell (status, execute_input and
# clear_output only change state).
OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "error",
                   "update_display_data", "comm_open", "comm_msg",
                   "comm_close"}
# Kept whatever the budget: nbgrader scores a graded cell zero when its
# output holds an error or any stderr, and reads partial credit from an
# execute_result; dropping one of these could change a grade.
GRADE_BEARING = 8  # how many of them a cell keeps beyond its budget
GRADE_BEARING_TEXT = 2048  # characters kept of each of them


@dataclass
class OutputBudget:
    """How much output one cell has sent back so far."""

    limit: int
    used: int = 0
    over: bool = False
    kept_beyond: int = 0


def _text_size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(k)) + _text_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_text_size(v) for v in value)
    return 8


def _cut(value, size: int):
    """Strings in `value` cut to `size` characters each."""
    if isinstance(value, str):
        return value if len(value) <= size else \
            value[:size] + " [... cut by tito]"
    if isinstance(value, dict):
        return {k: _cut(v, size) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut(v, size) for v in value[:64]]
    return value


def _within_output_limit(msg, budget: OutputBudget) -> list:
    """The messages to record for `msg`: it, shortened, a note, or none.

    Up to the budget every message is kept whole. Beyond it, plain output
    is dropped (after one note saying so, on stdout so it never costs
    points); errors, stderr and execute_results are still kept, cut short,
    so the cell scores exactly what it would have scored.
    """
    content = msg.get("content") or {}
    size = _text_size(content)
    if not budget.over and budget.used + size <= budget.limit:
        budget.used += size
        return [msg]
    out = []
    kind = msg.get("msg_type")
    room = budget.limit - budget.used
    crossing = not budget.over and kind == "stream" and room > 0
    if crossing:  # the stream that crosses the limit: keep what fits
        budget.used = budget.limit
        out.append({**msg, "content": {
            **content, "text": str(content.get("text", ""))[:room]}})
    if not budget.over:
        budget.over = True
        note = (f"[tito: this cell's output passed the limit of "
                f"{budget.limit // 1024} KB; the rest of it was dropped]\n")
        out.append({**msg, "msg_type": "stream",
                    "header": {**msg.get("header", {}),
                               "msg_type": "stream"},
                    "content": {"name": "stdout", "text": note}})
    bearing = kind in ("error", "execute_result") or (
        kind == "stream" and content.get("name") == "stderr")
    if bearing and not crossing and budget.kept_beyond < GRADE_BEARING:
        budget.kept_beyond += 1
        cut = _cut(content, GRADE_BEARING_TEXT)
        if kind == "error":
            cut["traceback"] = list(cut.get("traceback") or [])[-20:]
        out.append({**msg, "content": cut})
    return out


@functools.cache
def resilient_execute_class():
    """nbgrader's Execute preprocessor, but a kernel crash costs one cell.

    Plain nbgrader fails the whole submission when the kernel dies, and
    also when it stays stuck after a timeout (a loop that swallows
    KeyboardInterrupt). Here the cell that was running gets an error
    output, so it scores zero; a fresh kernel re-runs the cells above it
    (quietly; their outputs are kept) and grading goes on with the next
    cell. Timeouts themselves are nbgrader's: interrupt, record a
    CellTimeoutError, go on.
    """
    from queue import Empty
    from time import monotonic

    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async, run_sync
    from nbformat import NotebookNode
    from nbgrader.preprocessors import Execute

    class ResilientExecute(Execute):
        max_restarts = 5
        stuck_grace = 10.0  # seconds a kernel may take to answer again
        kernel_stream = None  # where kernel stdout/stderr go (a log)
        sandbox = None  # tito.core.sandbox.Sandbox: kernels run in it
        output_limit = None  # bytes of output a cell may send back

        def preprocess(self, nb, resources=None, retry=None):
            self._tito_replay = []
            self._tito_restarts = 0
            self._tito_output = {}
            return super().preprocess(nb, resources, retry)

        def create_kernel_manager(self):
            if self.sandbox is None:
                return super().create_kernel_manager()
            from tito.core.sandbox import sandbox_kernel_manager_class

            self.kernel_manager_class = sandbox_kernel_manager_class()
            km = super().create_kernel_manager()
            km.sandbox = self.sandbox
            return km

        def process_message(self, msg, cell, cell_index):
            if self.output_limit is None or \
                    msg.get("msg_type") not in OUTPUT_MESSAGES:
                return super().process_message(msg, cell, cell_index)
            budget = self._tito_output.setdefault(
                cell_index, OutputBudget(self.output_limit))
            out = None
            for kept in _within_output_limit(msg, budget):
                out = super().process_message(kept, cell, cell_index)
            return out

        async def async_start_new_kernel(self, **kwargs):
            if self.kernel_stream is not None:
                kwargs.setdefault("stdout", self.kernel_stream)
                kwargs.setdefault("stderr", self.kernel_stream)
            return await super().async_start_new_kernel(**kwargs)

        start_new_kernel = run_sync(async_start_new_kernel)

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code":
                return super().preprocess_cell(cell, resources, index)
            try:
                cell, resources = super().preprocess_cell(cell, resources,
                                                          index)
            except DeadKernelError:
                self._tito_fail(cell, DEAD_KERNEL_ERROR, self._tito_death())
                self._tito_recover(index)
                return cell, self.resources
            except CellTimeoutError:
                self._tito_fail(cell, "CellTimeoutError",
                                "the kernel did not answer after a timeout")
                self._tito_recover(index)
                return cell, self.resources
            names = {out.get("ename") for out in cell.get("outputs", [])
                     if out.get("output_type") == "error"}
            if names & set(TIMEOUT_ERRORS):
                if not self._tito_responsive():
                    self._tito_recover(index)
            else:
                self._tito_replay.append(index)
            return cell, resources

        def _tito_death(self):
            why = "the kernel died while this cell ran"
            stopped = getattr(self.km, "stopped_for_memory", None)
            if stopped is not None and stopped():
                why = ("the sandbox was stopped while this cell ran: its "
                       "processes together used more than "
                       f"{self.sandbox.limits.memory} MB of memory")
            return why

        def _tito_fail(self, cell, ename, why):
            message = (f"{why}; it counts as failed (a graded cell "
                       "scores zero). A fresh kernel re-ran the cells "
                       "above it and grading went on.")
            self.log.warning("cell %s: %s", cell.get("id", "?"), message)
            cell.outputs = list(cell.get("outputs", [])) + [NotebookNode(
                output_type="error", ename=ename, evalue=message,
                traceback=[f"{ename}: {message}"])]

        def _tito_recover(self, index):
            self._tito_restarts += 1
            if self._tito_restarts > self.max_restarts:
                raise DeadKernelError(
                    f"the kernel died or hung {self._tito_restarts} times; "
                    "giving up on this submission")
            run_sync(self._tito_restart)()
            for j in self._tito_replay:
                if j < index:
                    run_sync(self._tito_run_quietly)(
                        self.nb.cells[j].source)

        async def _tito_restart(self):
            if self.kc is not None:
                try:
                    self.kc.stop_channels()
                except Exception:
                    pass
            await ensure_async(self.km.restart_kernel(now=True))
            self.kc = self.km.client()
            await ensure_async(self.kc.start_channels())
            await ensure_async(self.kc.wait_for_ready(
                timeout=self.startup_timeout))
            self.kc.allow_stdin = False

        async def _tito_run_quietly(self, source, wait=None):
            msg_id = await ensure_async(self.kc.execute(
                source, silent=False, store_history=False,
                allow_stdin=False, stop_on_error=False))
            wait = wait or self._get_timeout(None) or 60
            deadline = monotonic() + wait
            while True:
                remaining = deadline - monotonic()
                if remaining <= 0:
                    await ensure_async(self.km.interrupt_kernel())
                    return False
                try:
                    msg = await ensure_async(
                        self.kc.shell_channel.get_msg(timeout=remaining))
                except Empty:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True

        def _tito_responsive(self):
            try:
                return run_sync(self._tito_run_quietly)(
                    "", wait=self.stuck_grace)
            except DeadKernelError:
                return False

    ResilientExecute.__module__ = __name__
    return ResilientExecute


# ----------------------------------------------------------- notebooks


def read_notebook(path: Path):
    """(notebook, None) or (None, why it cannot be graded)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, f"{Path(path).name} is missing"
    return parse_notebook(data)


def parse_notebook(data: bytes):
    """(notebook, None) or (None, why it cannot be graded)."""
    import nbformat

    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, (f"not valid notebook JSON (line {exc.lineno}, "
                      f"column {exc.colno}: {exc.msg})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "not a notebook (no list of cells)"
    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:
        return None, f"not a valid notebook ({str(exc)[:120]})"
    return nb, None


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def graded_cells(nb) -> list[tuple[str, float]]:
    """(grade_id, points) of every graded cell, in notebook order."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("grade_id"):
            out.append((meta["grade_id"], float(meta.get("points", 0))))
    return out


def release_problems(source_nb, release_nb) -> list[str]:
    """What a release must not contain, and what it must keep.

    A solution or hidden-test line leaks when the release cell holds it
    more often than the source cell holds it outside the regions.
    """
    problems = []
    by_id = {}
    for cell in release_nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid:
            by_id[gid] = cell
        for marker in MARKERS:
            if marker in cell.source:
                problems.append(f"{gid or 'a cell'} still holds "
                                f"'{marker}'")
    for cell in source_nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        if gid not in by_id:
            problems.append(f"{gid} is missing from the release")
            continue
        released = [s.strip() for s in by_id[gid].source.split("\n")]
        for begin, end, what in ((BEGIN_SOLUTION, END_SOLUTION, "solution"),
                                 (BEGIN_HIDDEN, END_HIDDEN, "hidden test")):
            inside, outside = region_lines(cell.source, begin, end)
            for line in set(inside):
                if released.count(line) > outside.count(line):
                    problems.append(f"{gid} leaks a {what} line: {line!r}")
                    break
    return problems


# ------------------------------------------------------ submission check


@dataclass
class SubmissionCheck:
    """What a submission changed that it must not have."""

    student: str
    path: Path
    unreadable: str | None = None
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    deleted_locked: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)

    @property
    def gradable(self) -> bool:
        return self.unreadable is None

    def findings(self) -> list[str]:
        """One line per finding, for the instructor."""
        lines = []
        if self.unreadable:
            lines.append(f"{self.unreadable}; not graded")
        for gid in self.edited:
            lines.append(f"locked cell {gid} was edited (nbgrader grades "
                         "the released version instead)")
        for gid in self.deleted_locked:
            lines.append(f"locked cell {gid} was deleted (nbgrader puts "
                         "graded cells back and grades them)")
        other = [g for g in self.missing if g not in self.deleted_locked]
        if other:
            lines.append("cells deleted: " + ", ".join(other))
        if self.duplicated:
            lines.append("cells duplicated (the first copy counts): "
                         + ", ".join(self.duplicated))
        if self.unknown:
            lines.append("cells with grade_ids not in the release: "
                         + ", ".join(self.unknown))
        if self.metadata:
            lines.append("nbgrader metadata changed: "
                         + ", ".join(self.metadata)
                         + " (nbgrader may refuse to grade it)")
        return lines


FLAGS = ("grade", "solution", "locked", "task", "points", "schema_version")


def _flags(meta: dict) -> dict:
    return {key: meta.get(key) for key in FLAGS}


def release_reference(release_nb) -> dict[str, dict]:
    """grade_id -> what the release says about that cell."""
    from nbgrader.utils import compute_checksum, is_locked

    ref = {}
    for cell in release_nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if not gid:
            continue
        ref[gid] = {"locked": bool(is_locked(cell)),
                    "checksum": compute_checksum(cell),
                    "cell_type": cell.cell_type,
                    "flags": _flags(meta)}
    return ref


def check_submission(student: str, path: Path,
                     reference: dict[str, dict]) -> SubmissionCheck:
    """Compare a submission with the release, using nbgrader's checksums."""
    from nbgrader.utils import compute_checksum

    result = SubmissionCheck(student, path)
    if not STUDENT_RE.match(student):
        result.unreadable = (f"'{student}' is not a usable student id "
                             "(letters, digits, _ . @ -)")
        return result
    nb, why = read_notebook(path)
    if nb is None:
        result.unreadable = f"{path.name}: {why}"
        return result
    seen: dict[str, int] = {}
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        seen[gid] = seen.get(gid, 0) + 1
        if gid not in reference:
            result.unknown.append(gid)
            continue
        if seen[gid] > 1:
            continue
        ref = reference[gid]
        changed = sorted(k for k, v in _flags(nbgrader_meta(cell)).items()
                         if v != ref["flags"][k])
        if changed:
            result.metadata.append(f"{gid} ({', '.join(changed)})")
        if not ref["locked"]:
            continue
        try:
            changed = compute_checksum(cell) != ref["checksum"]
        except Exception:  # metadata mangled beyond nbgrader's reading
            changed = True
        if changed or cell.cell_type != ref["cell_type"]:
            result.edited.append(gid)
    result.duplicated = sorted(g for g, n in seen.items()
                               if n > 1 and g in reference)
    result.missing = [g for g in reference if g not in seen]
    result.deleted_locked = [g for g in result.missing
                             if reference[g]["locked"]]
    return result


def execution_incidents(course: Course, student: str,
                        slug: str) -> list[str]:
    """Cells of a graded notebook that timed out or killed the kernel."""
    nb, _ = read_notebook(course.autograded(student, slug))
    if nb is None:
        return []
    found = []
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id") or cell.get("id", "?")
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            if out.get("ename") in TIMEOUT_ERRORS:
                found.append(f"{gid} timed out")
                break
            if out.get("ename") == DEAD_KERNEL_ERROR:
                found.append(f"{gid} crashed the kernel")
                break
    return found


# ------------------------------------------------------------ gradebook


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


# ---------------------------------------------------------------- collect


@dataclass
class Incoming:
    """One student notebook found by `collect`."""

    student: str
    data: bytes
    origin: str


def find_incoming(paths: list[Path], slug: str,
                  student: str | None) -> tuple[list[Incoming], list[str]]:
    """Student notebooks in files, folders and zip archives.

    Layouts: STUDENT.ipynb; a folder of STUDENT.ipynb files; a folder of
    STUDENT/ folders holding one notebook each (or NN_name.ipynb among
    several); a .zip holding either layout. Returns (found, skipped).
    """
    found: list[Incoming] = []
    skipped: list[str] = []
    if student and (len(paths) != 1 or paths[0].suffix != ".ipynb"):
        raise TitoError("--student names the student of one .ipynb file",
                        hint="give exactly one notebook with --student, or "
                        "name files STUDENT.ipynb")
    for path in paths:
        if not path.exists():
            raise TitoError(f"{path} does not exist",
                            hint="give notebooks, folders or .zip files")
        if path.is_dir():
            entries = _dir_entries(path)
        elif path.suffix == ".zip":
            entries = _zip_entries(path)
        elif path.suffix == ".ipynb":
            entries = [((path.name,), path.read_bytes(), str(path))]
        else:
            raise TitoError(f"{path} is not a notebook, folder or .zip",
                            hint="give STUDENT.ipynb files, folders of "
                            "them, or .zip archives")
        for item, why in _assign_students(entries, slug, student):
            (found.append(item) if why is None else skipped.append(why))
    return found, skipped


def _dir_entries(folder: Path):
    out = []
    for p in sorted(folder.rglob("*.ipynb")):
        rel = p.relative_to(folder).parts
        if any(part.startswith(".") for part in rel):
            continue  # .ipynb_checkpoints and hidden folders
        out.append((rel, p.read_bytes(), str(p)))
    return out


def _zip_entries(path: Path):
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise TitoError(f"{path} is not a readable .zip archive",
                        hint="re-download it, or unpack it and give the "
                        "folder") from None
    out = []
    with archive:
        for info in archive.infolist():
            name = info.filename
            parts = tuple(p for p in name.replace("\\", "/").split("/")
                          if p)
            if (info.is_dir() or not name.endswith(".ipynb")
                    or name.startswith("/") or ".." in parts
                    or any(p.startswith(".") or p == "__MACOSX"
                           for p in parts)):
                continue
            out.append((parts, archive.read(info), f"{path}:{name}"))
    return out


def _assign_students(entries, slug: str, student: str | None):
    """Map (parts, data, origin) entries to students."""
    by_folder: dict[str, list] = {}
    for parts, data, origin in entries:
        if student:
            yield Incoming(student, data, origin), None
        elif len(parts) == 1:
            yield _incoming(Path(parts[0]).stem, data, origin)
        else:
            by_folder.setdefault(parts[0], []).append((parts, data, origin))
    for folder, items in sorted(by_folder.items()):
        if len(items) > 1:
            named = [it for it in items if it[0][-1] == f"{slug}.ipynb"]
            if len(named) != 1:
                names = ", ".join("/".join(it[0]) for it in items)
                yield None, (f"{folder}: several notebooks ({names}) and "
                             f"none is {slug}.ipynb; skipped")
                continue
            items = named
        _, data, origin = items[0]
        yield _incoming(folder, data, origin)


def _incoming(student: str, data: bytes, origin: str):
    if not STUDENT_RE.match(student):
        return None, (f"{origin}: '{student}' is not a usable student id "
                      "(letters, digits, _ . @ -); skipped")
    return Incoming(student, data, origin), None


def place_submission(course: Course, slug: str,
                     item: Incoming) -> tuple[str, Path | None]:
    """Write a submission; back up a different one that was there.

    Returns (state, backup path): state is 'new', 'updated' or
    'unchanged'.
    """
    target = course.submission(item.student, slug)
    saved = None
    if target.exists():
        if target.read_bytes() == item.data:
            return "unchanged", None
        saved = backup(target, course.backups / "submitted" / item.student)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(item.data)
    tmp.replace(target)
    return ("updated" if saved else "new"), saved


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
