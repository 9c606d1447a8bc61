"""Instructors: release, autograde and report modules with nbgrader.

Runs nbgrader on a real course folder (default assignments/, gitignored;
--course DIR or $TITO_COURSE to move it) with a real gradebook: SQLite
(gradebook.db) or PostgreSQL (--db URL, or the config's db_url). Steps:
init, generate, release, collect, check, autograde, feedback, report. A
module's optional stretch part is its own assignment (04_losses_stretch):
--module 04_losses acts on both, --module 04_losses_stretch on that one.
Every submission is checked against the release before grading
(grade_ids, edited or deleted locked cells, added cells); a broken
submission is reported and the others are still graded. Student code
runs only in a sandboxed kernel (tito.grading.sandbox). The steps live in
steps.py and autograde.py beside this file; the work in tito/grading/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = """\
the instructor's loop:
  tito nbgrader init                        # config + gradebook
  tito nbgrader generate --module 04        # source notebook from src/
  tito nbgrader release --module 04 --due "2026-12-01 17:00"
  tito nbgrader collect --module 04 inbox/  # STUDENT.ipynb, folders, .zip
  tito nbgrader autograde --module 04       # check, then grade (parallel)
  tito nbgrader feedback --module 04        # HTML per student
  tito nbgrader report                      # assignments/grades.csv

Run `tito nbgrader STEP --help` for each step.
"""

# step: (one-line summary, description, examples)
STEP_HELP = {
    "init": (
        "create the course folder: nbgrader_config.py and gradebook",
        """Create the course folder with an nbgrader_config.py (real nbgrader
options only) and nbgrader's gradebook: gradebook.db (SQLite, in WAL mode
so parallel graders can write), or the PostgreSQL database --db names
(written into the config as CourseDirectory.db_url). An existing config is
kept unless --force; then it is backed up first.""",
        ["tito nbgrader init",
         "tito nbgrader init --course ~/ta/tinytorch --timeout 30 "
         "--late-penalty 10",
         "tito nbgrader init --db postgresql://grader@dbhost/tinytorch"]),
    "generate": (
        "write source/NN_name/NN_name.ipynb from src/",
        """Write the instructor notebook nbgrader starts from,
source/NN_name/NN_name.ipynb, built from src/NN_name/NN_name.py: solutions,
hidden tests and nbgrader metadata on every code cell, and the learner
notebook's setup cell. A different notebook already there (your edits) is
backed up first, to backups/source/.""",
        ["tito nbgrader generate --module 04_losses",
         "tito nbgrader generate --all"]),
    "release": (
        "release/NN_name/: the learner notebook, known to the gradebook",
        """Run nbgrader generate_assignment with tito's stubs:
release/NN_name/NN_name.ipynb is the notebook `tito notebook` gives a
learner (each solution a stub naming its grade_id and function, no hidden
tests), plus nbgrader's metadata; the gradebook learns the graded cells.
tito then checks the release for solution and hidden-test lines and
deletes it if it finds any. --due sets the due date (kept by later
releases until you give another; `--due none` clears it).""",
        ["tito nbgrader release --module 04_losses",
         "tito nbgrader release --module 04 --due \"2026-12-01 17:00\"",
         "tito nbgrader release --all --due \"2026-12-01T17:00+01:00\""]),
    "collect": (
        "put student notebooks into submitted/STUDENT/NN_name/",
        """Copy student notebooks to submitted/STUDENT/NN_name/NN_name.ipynb,
where nbgrader looks for them, with the time each was handed in in
timestamp.txt beside it: from a timestamp.txt in the student's folder
(nbgrader's exchange writes one), else the file's modification time. A
different submission already there is backed up first, to
backups/submitted/STUDENT/. Files are copied byte for byte: a broken
notebook is collected, and autograde reports it.

Layouts (the student id is the file's name, or the first folder below
PATH):
  alice.ipynb                  a file named after the student
  inbox/alice.ipynb ...        a folder of such files
  inbox/alice/anything.ipynb   a folder per student: one notebook, or
                               NN_name.ipynb among several
  inbound/alice+04_losses+TIME/04_losses.ipynb   nbgrader's exchange
  inbox.zip                    a .zip holding either layout""",
        ["tito nbgrader collect --module 04 ~/inbox",
         "tito nbgrader collect --module 04_losses_stretch ~/inbox  "
         "# the optional assignment",
         "tito nbgrader collect --module 04 lms-export.zip",
         "tito nbgrader collect --module 04 mail/losses.ipynb "
         "--student alice"]),
    "check": (
        "check submissions against the release (no grading)",
        """Check each submission against the release: the same grade_ids, no
locked cell edited or deleted (by nbgrader's checksums), no cells added,
nbgrader metadata unchanged, readable JSON. autograde runs this first.""",
        ["tito nbgrader check --module 04",
         "tito nbgrader check --all --student alice"]),
    "autograde": (
        "check, then grade every new or changed submission",
        """Check every submission (see `check`), then grade each readable one
that is new or changed since it was last graded (the submission, its
release, the config, the due date, the package, the timeout and limits:
--force grades them all). --jobs N grades N at a time, each in its own
worker and sandboxed kernel; a line per student says its score as it
finishes. Locked cells are restored from the release, hidden tests run,
scores and lateness go into the gradebook. A cell, graded or not, that
runs past the timeout is interrupted and scores zero; a cell that kills
the kernel scores zero and a fresh kernel carries on. Exit code 1 if any
submission could not be graded (the others still are).

--shard i/n grades only the students of shard i of n (a stable hash of
the student id), so n machines sharing one PostgreSQL gradebook (--db)
grade a class between them.

Every kernel runs in a sandbox (bubblewrap, Linux) with the limits below;
where there is none, autograde refuses unless you pass --no-sandbox.""",
        ["tito nbgrader autograde --module 04",
         "tito nbgrader autograde --module 04 --student alice --force",
         "tito nbgrader autograde --all --jobs 4 --feedback",
         "tito nbgrader autograde --module 04 --shard 1/2 "
         "--db postgresql://grader@dbhost/tinytorch",
         "tito nbgrader autograde --all --timeout 30 --memory 4096"]),
    "feedback": (
        "HTML feedback per graded student (feedback/STUDENT/NN_name/)",
        """Write feedback/STUDENT/NN_name/NN_name.html for every graded
submission whose feedback is missing or older than its grade (nbgrader
generate_feedback; --force writes them all). Feedback shows the graded
notebook, hidden tests included; its formulas render offline (MathJax is
copied beside each page, no CDN).""",
        ["tito nbgrader feedback --module 04",
         "tito nbgrader feedback --all --student alice --force"]),
    "report": (
        "per-student, per-test points as CSV (from the gradebook)",
        """Read the gradebook and write CSV with the columns student,
assignment, grade_id, points, max_points, status, submitted, hours_late,
penalty, feedback: one row per graded cell, then a 'total' row for every
student with a submission, graded or not (status says why not). Default:
every assignment in the gradebook, to grades.csv in the course folder (an
existing, different file is first saved beside it); -o - prints it.""",
        ["tito nbgrader report",
         "tito nbgrader report --module 04 --output ~/grades-04.csv",
         "tito nbgrader report -o - > grades.csv"]),
}


def add_arguments(parser) -> None:
    from tito.core.cli import add_module_args

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--course", metavar="DIR",
        help="the nbgrader course folder (default: $TITO_COURSE, else "
        "assignments/ in the repository)")
    common.add_argument(
        "--db", metavar="URL",
        help="the gradebook, e.g. postgresql://user@host/db (default: the "
        "config's CourseDirectory.db_url, else gradebook.db in the course "
        "folder)")
    sub = parser.add_subparsers(dest="step", metavar="STEP")
    steps = {}
    for name, (summary, description, examples) in STEP_HELP.items():
        steps[name] = sub.add_parser(
            name, parents=[common], help=summary, description=description,
            epilog="examples:\n" + "".join(f"  {e}\n" for e in examples),
            formatter_class=argparse.RawDescriptionHelpFormatter)

    p = steps["init"]
    p.add_argument("--timeout", type=int, default=None, metavar="S",
                   help="seconds one cell may run when autograding "
                   "(ExecutePreprocessor.timeout; default 15)")
    p.add_argument("--late-penalty", type=float, default=None,
                   metavar="PCT",
                   help="percent of the score a late submission loses per "
                   "day (or part of a day) late (default 0: lateness is "
                   "recorded and reported, nothing is taken off)")
    p.add_argument("--force", action="store_true",
                   help="rewrite an existing nbgrader_config.py (backed "
                   "up first)")
    for name in ("generate", "release", "check", "autograde", "feedback"):
        add_module_args(steps[name])
    for name in ("check", "autograde", "feedback"):
        steps[name].add_argument("--student", metavar="S",
                                 help="only this student")
    steps["release"].add_argument(
        "--due", metavar="WHEN",
        help="the due date: \"2026-12-01 17:00\" (local time), with a "
        "zone (\"... UTC\", \"...+01:00\"), a date alone (its end), or "
        "none to clear it")
    steps["check"].add_argument(
        "--shard", metavar="I/N", help="only the students of shard I of N")
    p = steps["autograde"]
    p.add_argument(
        "--timeout", type=int, default=None, metavar="S",
        help="seconds one cell, graded or not, may run (default: the "
        "module.yaml's grading_timeout, else the course's "
        "ExecutePreprocessor.timeout, 15 from tito nbgrader init)")
    p.add_argument(
        "-j", "--jobs", type=int, default=None, metavar="N",
        help="submissions graded at a time, each in its own worker "
        "(default: the number of cores, "
        f"{_cores()} here)")
    p.add_argument(
        "--force", action="store_true",
        help="grade every submission, also those unchanged since graded")
    p.add_argument(
        "--shard", metavar="I/N",
        help="grade only the students of shard I of N (for N graders "
        "sharing a PostgreSQL gradebook)")
    p.add_argument(
        "--feedback", action="store_true",
        help="then write the feedback of every student graded now")
    _add_sandbox_arguments(p)
    steps["feedback"].add_argument(
        "--force", action="store_true",
        help="write every feedback page, also those already up to date")

    p = steps["collect"]
    p.add_argument("-m", "--module", metavar="M", required=True,
                   help="the module these notebooks are for")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path,
                   help="notebooks, folders or .zip archives")
    p.add_argument("--student", metavar="S",
                   help="student id for a single notebook file")

    p = steps["report"]
    p.add_argument("-m", "--module", metavar="M",
                   help="only this module (default: all in the gradebook)")
    p.add_argument("--all", action="store_true",
                   help="every module (the default)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the CSV here, - for stdout (default: "
                   "grades.csv in the course folder; an existing, "
                   "different file is first saved beside it as "
                   "STEM.TIMESTAMP.csv)")


def _cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _add_sandbox_arguments(parser) -> None:
    from tito.grading.sandbox import LIMITS

    group = parser.add_argument_group(
        "sandbox", "Student code runs in a bubblewrap sandbox (Linux):\n"
        "it sees only its own working folder, holds no rights, has no\n"
        "network, and nothing it starts outlives its kernel. Its limits:")
    for limit in LIMITS:
        unit = f" {limit.unit}" if limit.unit else ""
        group.add_argument(
            limit.flag, dest=limit.name, type=int, default=None,
            metavar=limit.unit.upper() or "N",
            help=f"{limit.what} (default {limit.default}{unit})")
    group.add_argument(
        "--no-sandbox", action="store_true",
        help="run student code with your own rights, in your course "
        "folder (only for submissions you trust; without it, autograde "
        "refuses where there is no sandbox)")


def run(args) -> int:
    from tito.core.errors import TitoError

    step = getattr(args, "step", None)
    if not step:
        raise TitoError("which step? none was given",
                        hint="tito nbgrader init | generate | release | "
                        "collect | check | autograde | feedback | report "
                        "(see tito nbgrader --help)", code=2)
    if step in ("init", "report"):
        return int(_step(step)(args) or 0)
    from tito.core.fsutil import exclusive_lock
    from tito.grading.course import course_from
    from tito.core.project import find_root

    course = course_from(find_root(), args.course)
    if not course.path.is_dir():
        return int(_step(step)(args) or 0)  # it explains what is wrong
    with exclusive_lock(course.path / ".tito-nbgrader.lock",
                        "working on this course", wait=5.0):
        return int(_step(step)(args) or 0)


# ------------------------------------------------------------------ steps


def _step(name):
    """The function of a step (imported only when it runs)."""
    if name == "autograde":
        from tito.commands.nbgrader.autograde import _autograde

        return _autograde
    from tito.commands.nbgrader import steps

    return getattr(steps, f"_{name}")
