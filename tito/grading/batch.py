"""Grading a class: which submissions need grading, in parallel, sharded.

- **What to grade.** After each grading tito records, per submission,
  a fingerprint of everything the grade depends on (the submission and
  its timestamp.txt, the release and source notebooks, the course config,
  the due date, the package files the kernel sees, the timeout and the
  sandbox's limits) and the outcome, in the course's .tito/graded/. A
  submission whose fingerprint is unchanged and whose grade is still in
  the gradebook is not graded again (`--force` grades it anyway).
- **In parallel.** `--jobs N` grades N submissions at a time, each in
  its own worker process and its own sandboxed kernel (nbgrader's
  converters are not safe to run in threads of one process). Workers
  write to the gradebook themselves: a SQLite gradebook is in WAL mode
  with a busy timeout (tito.grading.course), so writers wait their turn.
- **Across machines.** `--shard i/n` grades the students whose id hashes
  to shard i of n; n graders sharing one PostgreSQL gradebook grade the
  whole class between them, each student exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tito.core.errors import TitoError
from tito.core.fsutil import atomic_write_text
from tito.grading.course import Course
from tito.grading.late import TIMESTAMP_FILE

FORMAT = 1  # bump when tito grades differently: every record is then old
THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# ------------------------------------------------------------- shards


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """--shard i/n -> (i, n), 1 <= i <= n."""
    if text is None:
        return None
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        i = n = 0
    if not 1 <= i <= n:
        raise TitoError(f"--shard must be i/n with 1 <= i <= n, got "
                        f"{text!r}", hint="e.g. --shard 1/2 on one "
                        "machine and --shard 2/2 on another")
    return i, n


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Whether `student` is graded by shard i of n (a stable hash)."""
    if shard is None:
        return True
    i, n = shard
    digest = hashlib.sha256(student.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n == i - 1


# ------------------------------------------------------- fingerprints


def _digest(h, label: str, path: Path) -> None:
    h.update(label.encode() + b"\0")
    try:
        h.update(path.read_bytes())
    except OSError:
        h.update(b"<missing>")
    h.update(b"\0")


def package_digest(root: Path, hidden: tuple[Path, ...]) -> str:
    """The package files a grading kernel imports (tinytorch/, minus the
    hidden ones): a re-export changes every fingerprint."""
    h = hashlib.sha256()
    skip = {Path(p).resolve() for p in hidden}
    for path in sorted((root / "tinytorch").rglob("*.py")):
        if "__pycache__" in path.parts or path.resolve() in skip:
            continue
        _digest(h, path.relative_to(root).as_posix(), path)
    return h.hexdigest()


def submission_digest(course: Course, slug: str, student: str) -> str:
    h = hashlib.sha256()
    folder = course.submission(student, slug).parent
    _digest(h, "submission", course.submission(student, slug))
    _digest(h, "timestamp", folder / TIMESTAMP_FILE)
    return h.hexdigest()


def assignment_digest(course: Course, slug: str, settings: dict) -> str:
    """What the grade of every submission of `slug` depends on besides
    the submission itself: the release and source notebooks, the course
    config and the settings. Read once per assignment, not per student."""
    h = hashlib.sha256(f"tito-grading-{FORMAT}".encode())
    _digest(h, "release", course.release(slug))
    _digest(h, "source", course.source(slug))
    _digest(h, "config", course.config_file)
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return h.hexdigest()


def fingerprint(assignment: str, submission: str) -> str:
    """Everything the grade of one submission depends on (module doc):
    its assignment_digest and its submission_digest."""
    return hashlib.sha256(f"{assignment}\0{submission}".encode()).hexdigest()


@dataclass
class Record:
    """tito's record of the last grading of one submission."""

    fingerprint: str = ""
    submission: str = ""  # submission_digest at the time
    problem: str | None = None  # why it could not be graded, if so
    score: float | None = None
    max_score: float | None = None
    penalty: float = 0.0
    incidents: list[str] = field(default_factory=list)
    seconds: float = 0.0
    graded_at: float = 0.0  # time.time()


def record_path(course: Course, slug: str, student: str) -> Path:
    return course.state / slug / f"{student}.json"


def read_record(course: Course, slug: str, student: str) -> Record | None:
    try:
        data = json.loads(record_path(course, slug, student).read_text(
            encoding="utf-8"))
        return Record(**data)
    except (OSError, ValueError, TypeError):
        return None


def write_record(course: Course, slug: str, student: str,
                 record: Record) -> None:
    atomic_write_text(record_path(course, slug, student),
                      json.dumps(asdict(record), indent=1) + "\n")


# ------------------------------------------------------------ grading


@dataclass(frozen=True)
class Job:
    """One submission to grade (picklable: it crosses to a worker)."""

    slug: str
    student: str
    timeout: int | None
    sandbox: object  # tito.grading.sandbox.Sandbox, or None
    output_limit: int | None


@dataclass
class Outcome:
    student: str
    problem: str | None
    seconds: float
    score: float | None = None
    max_score: float | None = None
    penalty: float = 0.0
    seconds_late: float = 0.0
    incidents: list[str] = field(default_factory=list)


def grade(course: Course, job: Job, log) -> Outcome:
    """Grade one submission in this process (log: a RunLog); whatever
    goes wrong is that submission's problem, never the batch's."""
    try:
        return _grade(course, job, log)
    except Exception as exc:
        import traceback

        log.write(traceback.format_exc())
        return Outcome(job.student, f"{type(exc).__name__}: {exc}"[:300],
                       0.0)


def _grade(course: Course, job: Job, log) -> Outcome:
    from tito.grading.checks import execution_incidents
    from tito.grading.gradebook import submission_result
    from tito.grading.run import autograde_student

    started = time.monotonic()
    problem = autograde_student(course, job.slug, job.student, log,
                                job.timeout, job.sandbox, job.output_limit)
    outcome = Outcome(job.student, problem, time.monotonic() - started)
    if problem:
        return outcome
    result = submission_result(course, job.slug, job.student)
    if result is not None:
        outcome.score, outcome.max_score = result.score, result.max_score
        outcome.penalty = result.penalty
        outcome.seconds_late = result.seconds_late
    outcome.incidents = execution_incidents(course, job.student, job.slug)
    return outcome


_WORKER: dict = {}


def _worker_start(root: str, course_path: str, db: str | None,
                  log_name: str, counter) -> None:
    """In each worker: one logged nbgrader session for all its jobs, and
    a number of its own (its kernels' uid, see sandbox.WORKER_UID_BASE)."""
    from contextlib import ExitStack

    from tito.grading.run import nbgrader_session

    with counter.get_lock():
        counter.value += 1
        index = counter.value
    course = Course(Path(course_path), db)
    stack = ExitStack()
    log = stack.enter_context(nbgrader_session(
        Path(root), course, f"{log_name}-{index}"))
    _WORKER.update(course=course, log=log, stack=stack, index=index)


def _worker_grade(job: Job) -> Outcome:
    from dataclasses import replace

    from tito.grading.sandbox import WORKER_UID_BASE

    if job.sandbox is not None:
        job = replace(job, sandbox=replace(
            job.sandbox, uid=WORKER_UID_BASE + _WORKER["index"]))
    return grade(_WORKER["course"], job, _WORKER["log"])


def grade_all(root: Path, course: Course, jobs: list[Job], workers: int,
              log_name: str, done) -> Path:
    """Grade `jobs`, `workers` at a time; call done(outcome) as each one
    finishes (in this process). Returns the log file (or its pattern)."""
    from tito.grading.run import nbgrader_session

    if workers <= 1 or len(jobs) <= 1:
        with nbgrader_session(root, course, log_name) as log:
            for job in jobs:
                done(grade(course, job, log))
        return log.path
    import concurrent.futures as cf
    import multiprocessing

    saved = {name: os.environ.get(name) for name in THREADS}
    for name in THREADS:  # N kernels share the cores: one thread each
        os.environ.setdefault(name, "1")
    context = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=context,
        initializer=_worker_start,
        initargs=(str(root), str(course.path), course.db, log_name,
                  context.Value("i", 0)))
    try:
        futures = {pool.submit(_worker_grade, job): job for job in jobs}
        for future in cf.as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # the worker itself died
                outcome = Outcome(futures[future].student,
                                  f"its grading worker died ({exc})"[:300],
                                  0.0)
            done(outcome)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return course.logs / f"{log_name}-*.log"
