"""Running nbgrader's converters in-process: quiet, logged, one at a time.

nbgrader itself is imported inside functions only, so `tito --help` never
pays for it. tito runs nbgrader's converters in-process, one student at a
time, so one broken submission cannot stop the others.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

from tito.core.errors import TitoError
from tito.grading.course import COURSE_ID, Course, scripts_on_path
from tito.grading.execute import (overwrite_cells_class,
                                  resilient_execute_class)


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


def _quiet_checksums(record) -> bool:
    """Drop nbgrader's "Attribute 'checksum' for cell ... has changed!".

    nbgrader logs it for every locked cell of every submission whose
    notebook metadata differs in any way from the source's; tito's check
    (tito.grading.checks) says which cells were really edited, and who.
    """
    try:
        return "Attribute 'checksum' for cell" not in record.getMessage()
    except Exception:
        return True


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
        handler.addFilter(_quiet_checksums)
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
    kernel gets only PYTHONPATH=root; see tito.grading.sandbox).
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

    from tito.grading.release import release_preprocessors

    config = load_config(course)
    config.GenerateAssignment.preprocessors = release_preprocessors()
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

    `sandbox` (a tito.grading.sandbox.Sandbox) runs every kernel in
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
