"""Instructors: release, autograde and report modules with nbgrader.

Runs nbgrader on a real course folder (default assignments/, gitignored;
--course DIR or $TITO_COURSE to move it) with a real SQLite gradebook.
Steps: init, generate, release, collect, check, autograde, feedback,
report. A module's optional stretch part is its own assignment
(04_losses_stretch): --module 04_losses acts on both, --module
04_losses_stretch on that one. Every submission is checked against the
release before grading (grade_ids, edited or deleted locked cells, by
nbgrader's checksums); a broken submission is reported and the others are
still graded. Student code runs only in a sandboxed kernel
(tito.grading.sandbox).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXAMPLES = """\
the instructor's loop:
  tito nbgrader init                        # config + gradebook
  tito nbgrader generate --module 04        # source notebook from src/
  tito nbgrader release --module 04         # nbgrader generate_assignment
  tito nbgrader collect --module 04 inbox/  # STUDENT.ipynb, folders, .zip
  tito nbgrader autograde --module 04       # check, then grade each one
  tito nbgrader feedback --module 04        # HTML per student
  tito nbgrader report --output grades.csv  # per student, per test (CSV)

Run `tito nbgrader STEP --help` for each step.
"""

# step: (one-line summary, description, examples)
STEP_HELP = {
    "init": (
        "create the course folder: nbgrader_config.py and gradebook",
        """Create the course folder with an nbgrader_config.py (real nbgrader
options only) and nbgrader's SQLite gradebook, gradebook.db. An existing
config is kept unless --force; then it is backed up first.""",
        ["tito nbgrader init",
         "tito nbgrader init --course ~/ta/tinytorch --timeout 120"]),
    "generate": (
        "write source/NN_name/NN_name.ipynb from src/",
        """Write the instructor notebook nbgrader starts from,
source/NN_name/NN_name.ipynb, built from src/NN_name/NN_name.py: solutions,
hidden tests and nbgrader metadata on every code cell. A different notebook
already there (your edits) is backed up first, to backups/source/.""",
        ["tito nbgrader generate --module 04_losses",
         "tito nbgrader generate --all"]),
    "release": (
        "nbgrader generate_assignment: release/NN_name/ for students",
        """Run nbgrader generate_assignment: release/NN_name/NN_name.ipynb gets
a stub in place of each solution and no hidden tests, and the gradebook
learns the graded cells. tito then checks the release for solution and
hidden-test lines and deletes it if it finds any.""",
        ["tito nbgrader release --module 04_losses",
         "tito nbgrader release --all"]),
    "collect": (
        "put student notebooks into submitted/STUDENT/NN_name/",
        """Copy student notebooks to submitted/STUDENT/NN_name/NN_name.ipynb,
where nbgrader looks for them. A different submission already there is
backed up first, to backups/submitted/STUDENT/. Files are copied byte for
byte: a broken notebook is collected, and autograde reports it.

Layouts (the student id is the file's name, or the first folder below
PATH):
  alice.ipynb                  a file named after the student
  inbox/alice.ipynb ...        a folder of such files
  inbox/alice/anything.ipynb   a folder per student: one notebook, or
                               NN_name.ipynb among several
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
locked cell edited or deleted (by nbgrader's checksums), nbgrader metadata
unchanged, readable JSON. autograde runs this first.""",
        ["tito nbgrader check --module 04",
         "tito nbgrader check --all --student alice"]),
    "autograde": (
        "check, then grade every submission into the gradebook",
        """Check every submission (see `check`), then run nbgrader autograde on
each readable one, one student at a time: locked cells are restored from
the release, hidden tests run, scores go into the gradebook. A cell that
runs past the timeout is interrupted and scores zero; a cell that kills
the kernel scores zero and a fresh kernel carries on. Exit code 1 if any
submission could not be graded (the others still are).

Every kernel runs in a sandbox (bubblewrap, Linux) with the limits below;
where there is none, autograde refuses unless you pass --no-sandbox.""",
        ["tito nbgrader autograde --module 04",
         "tito nbgrader autograde --module 04 --student alice",
         "tito nbgrader autograde --all --timeout 30 --memory 4096"]),
    "feedback": (
        "HTML feedback per graded student (feedback/STUDENT/NN_name/)",
        """Write feedback/STUDENT/NN_name/NN_name.html for every graded
submission (nbgrader generate_feedback). Feedback shows the graded
notebook, hidden tests included.""",
        ["tito nbgrader feedback --module 04",
         "tito nbgrader feedback --all --student alice"]),
    "report": (
        "per-student, per-test points as CSV (from the gradebook)",
        """Read the gradebook and print CSV with the columns student,
assignment, grade_id, points, max_points: one row per graded cell, then a
'total' row per student and assignment. Default: every assignment in the
gradebook, to stdout.""",
        ["tito nbgrader report > grades.csv",
         "tito nbgrader report --module 04 --output grades.csv"]),
}


def add_arguments(parser) -> None:
    from tito.core.cli import add_module_args

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--course", metavar="DIR",
        help="the nbgrader course folder (default: $TITO_COURSE, else "
        "assignments/ in the repository)")
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
                   "(ExecutePreprocessor.timeout; default 60)")
    p.add_argument("--force", action="store_true",
                   help="rewrite an existing nbgrader_config.py (backed "
                   "up first)")
    for name in ("generate", "release", "check", "autograde", "feedback"):
        add_module_args(steps[name])
    for name in ("check", "autograde", "feedback"):
        steps[name].add_argument("--student", metavar="S",
                                 help="only this student")
    steps["autograde"].add_argument(
        "--timeout", type=int, default=None, metavar="S",
        help="seconds one cell may run (default: the course's "
        "ExecutePreprocessor.timeout)")
    _add_sandbox_arguments(steps["autograde"])

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
    p.add_argument("-o", "--output", metavar="FILE", type=Path,
                   help="write the CSV here (an existing, different file is "
                   "first saved beside it as STEM.TIMESTAMP.csv)")


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
        return int(_STEP_FUNCS[step](args) or 0)
    from tito.core.fsutil import exclusive_lock
    from tito.grading.course import course_from
    from tito.core.project import find_root

    course = course_from(find_root(), args.course)
    if not course.path.is_dir():
        return int(_STEP_FUNCS[step](args) or 0)  # it explains what is wrong
    with exclusive_lock(course.path / ".tito-nbgrader.lock",
                        "working on this course", wait=5.0):
        return int(_STEP_FUNCS[step](args) or 0)


# ------------------------------------------------------------------ steps


def _setup(args, require=True):
    from tito.grading.course import course_from, require_nbgrader
    from tito.core.project import find_root

    root = find_root()
    require_nbgrader()
    course = course_from(root, args.course)
    if require:
        course.require()
    return root, course


def _check_timeout(timeout) -> None:
    """--timeout, when given, is a positive number of seconds."""
    if timeout is not None and timeout <= 0:
        from tito.core.errors import TitoError

        raise TitoError(f"--timeout must be a positive number of seconds, "
                        f"got {timeout}", hint="e.g. --timeout 60")


def _modules(root, args, course=None):
    """The assignments (module parts) the arguments name.

    --module 04_losses names the core assignment 04_losses and the optional
    04_losses_stretch; with `course`, an optional part it did not name
    alone counts only once it is released and has submissions.
    """
    from tito.core.project import select

    found = []
    for module in select(root, args.module, getattr(args, "all", False)):
        for part in module.parts:
            if (course is not None and part.optional and module.only is None
                    and not (course.release(part.slug).is_file() and
                             _has_work(course, part.slug,
                                       getattr(args, "student", None)))):
                continue
            found.append(part)
    return found


def _init(args) -> int:
    from tito.grading.course import DEFAULT_TIMEOUT, init_course

    _, course = _setup(args, require=False)
    _check_timeout(args.timeout)
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    if args.timeout is not None and course.config_file.exists() and \
            not args.force:
        print(f"• --timeout is written only into a new config; add --force "
              f"to rewrite {course.show(course.config_file)}")
    for line in init_course(course, timeout, args.force):
        print(line)
    from tito.grading.sandbox import find_bwrap

    if sys.platform.startswith("linux") and find_bwrap() is None:
        print("! bubblewrap is not installed, so autograde will refuse to "
              "run student code: sudo apt-get install -y bubblewrap")
    print(f"  next: tito nbgrader generate --module M "
          f"(course folder: {course.show(course.path)})")
    return 0


def _generate(args) -> int:
    from tito.core.errors import TitoError
    from tito.core.fsutil import atomic_write_text, backup
    from tito.grading.notebooks import graded_cells
    from tito.core.notebooks import instructor_notebook, notebook_text

    root, course = _setup(args)
    for module in _modules(root, args):
        nb = instructor_notebook(module)
        cells = graded_cells(nb)
        if not cells:
            raise TitoError(f"{module.rel(module.source)} has no graded "
                            "cells, so there is nothing to grade",
                            hint="mark test cells with \"grade\": true and "
                            "points (see CONTRIBUTING.md)")
        text = notebook_text(nb)
        target = course.source(module.slug)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            print(f"• {course.show(target)} is up to date")
            continue
        if target.exists():
            saved = backup(target, course.backups / "source")
            print(f"✓ saved the previous source notebook as "
                  f"{course.show(saved)}")
        atomic_write_text(target, text)
        points = sum(p for _, p in cells)
        print(f"✓ {module.rel(module.source)} → {course.show(target)} "
              f"({len(cells)} graded cells, {points:g} points)")
    return 0


def _release(args) -> int:
    from tito.core.errors import TitoError
    from tito.grading.run import generate_assignment, nbgrader_session
    from tito.grading.notebooks import (graded_cells, parse_notebook,
                                        read_notebook, release_problems)
    from tito.core.notebooks import instructor_notebook, notebook_text

    root, course = _setup(args)
    for module in _modules(root, args):
        slug = module.slug
        source = course.source(slug)
        if not source.is_file():
            raise TitoError(f"{slug} has no source notebook at "
                            f"{course.show(source)}",
                            hint=f"tito nbgrader generate --module {slug}")
        data = source.read_bytes()
        if data.decode("utf-8") != notebook_text(
                instructor_notebook(module)):
            print(f"! {course.show(source)} differs from "
                  f"{module.rel(module.source)}; releasing it as it is "
                  f"(tito nbgrader generate --module {slug} refreshes it)")
        print(f"• {slug}: nbgrader generate_assignment …", flush=True)
        with nbgrader_session(root, course, f"release-{slug}") as log:
            generate_assignment(course, slug, log)
        source_nb, _ = parse_notebook(data)
        released = course.release(slug)
        release_nb, why = read_notebook(released)
        if release_nb is None:
            raise TitoError(f"nbgrader wrote no usable release for {slug} "
                            f"({why})", hint=f"see {course.show(log.path)}")
        problems = release_problems(source_nb, release_nb)
        if problems:
            released.unlink()
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 \
                else ""
            raise TitoError(
                f"the release of {slug} is unsafe: {problems[0]}{more}; it "
                "was deleted",
                hint=f"fix the markers in {module.rel(module.source)} (tito "
                "check lints them), then generate and release again")
        cells = graded_cells(release_nb)
        print(f"✓ released {course.show(released)}: {len(cells)} graded "
              f"cells, {sum(p for _, p in cells):g} points; checked: no "
              "solutions, no hidden tests")
    return 0


def _collect(args) -> int:
    from tito.core.errors import TitoError
    from tito.grading.collect import find_incoming, place_submission
    from tito.grading.notebooks import parse_notebook
    from tito.core.project import resolve

    root, course = _setup(args)
    module = resolve(root, args.module).parts[0]  # 04_losses: the core
    slug = module.slug
    found, skipped = find_incoming(args.paths, slug, args.student)
    for why in skipped:
        print(f"! {why}")
    if not found:
        raise TitoError("no student notebooks found in "
                        + ", ".join(str(p) for p in args.paths),
                        hint="name them STUDENT.ipynb, or put each in a "
                        "folder named after the student (see tito nbgrader "
                        "collect --help)")
    seen = {}
    for item in found:
        if item.student in seen:
            raise TitoError(f"student '{item.student}' appears twice: "
                            f"{seen[item.student]} and {item.origin}",
                            hint="collect one notebook per student; nothing "
                            "was copied")
        seen[item.student] = item.origin
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for item in sorted(found, key=lambda i: i.student):
        state, saved = place_submission(course, slug, item)
        counts[state] += 1
        target = course.submission(item.student, slug)
        note = ""
        nb, why = parse_notebook(item.data)
        if nb is None:
            note = f"  (! {why}: collected as is; autograde will report it)"
        if saved:
            print(f"✓ {item.student}: saved the previous submission as "
                  f"{course.show(saved)}")
        print(f"{'•' if state == 'unchanged' else '✓'} {item.student}: "
              f"{item.origin} → {course.show(target)} ({state}){note}")
    print(f"✓ {slug}: {len(found)} submission(s): {counts['new']} new, "
          f"{counts['updated']} updated, {counts['unchanged']} unchanged")
    print(f"  next: tito nbgrader autograde --module {slug}")
    return 0


def _has_work(course, slug, student) -> bool:
    """Whether there is anything to check or grade (for --all)."""
    if student:
        return course.submission(student, slug).parent.is_dir()
    return bool(course.students(slug))


def _students(course, slug, student):
    from tito.core.errors import TitoError

    if student:
        if not course.submission(student, slug).parent.is_dir():
            known = ", ".join(course.students(slug)[:8]) or "none"
            raise TitoError(f"no submission of {slug} by '{student}' in "
                            f"{course.show(course.submitted_dir())}",
                            hint=f"students with one: {known}")
        return [student]
    students = course.students(slug)
    if not students:
        raise TitoError(f"no submissions of {slug} in "
                        f"{course.show(course.submitted_dir())}",
                        hint=f"tito nbgrader collect --module {slug} PATH")
    return students


def _released(course, module, explicit: bool):
    """The release notebook, or an error (explicit) / None (--all)."""
    from tito.core.errors import TitoError
    from tito.grading.gradebook import has_assignment

    path = course.release(module.slug)
    if path.is_file() and has_assignment(course, module.slug):
        return path
    if not explicit:
        return None
    raise TitoError(f"{module.slug} has not been released in "
                    f"{course.show(course.path)}",
                    hint=f"tito nbgrader generate --module {module.slug} && "
                    f"tito nbgrader release --module {module.slug}")


def _run_checks(course, slug, release_path, students):
    from tito.grading.checks import check_submission, release_reference
    from tito.grading.notebooks import read_notebook

    release_nb, _ = read_notebook(release_path)
    reference = release_reference(release_nb)
    checks = []
    print(f"• {slug}: checking {len(students)} submission(s) against "
          f"{course.show(release_path)}")
    for student in students:
        check = check_submission(student, course.submission(student, slug),
                                 reference)
        checks.append(check)
        findings = check.findings()
        if not findings:
            print(f"  ✓ {student}: all {len(reference)} cells present, "
                  "locked cells untouched")
        for line in findings:
            mark = "✗" if not check.gradable else "!"
            print(f"  {mark} {student}: {line}")
    return checks


def _check(args) -> int:
    root, course = _setup(args)
    explicit = not args.all
    for module in _modules(root, args, course):
        release = _released(course, module, explicit)
        if release is None:
            continue
        if not explicit and not _has_work(course, module.slug, args.student):
            continue
        students = _students(course, module.slug, args.student)
        _run_checks(course, module.slug, release, students)
    return 0


def _check_prerequisites(root, module) -> None:
    from tito.core.errors import TitoError
    from tito.core.project import resolve

    for name in module.meta.get("prerequisites") or []:
        try:
            needed = resolve(root, str(name))
        except TitoError:
            continue
        pkg = needed.package_file
        if pkg is not None and not pkg.is_file():
            raise TitoError(
                f"{module.slug} builds on {needed.slug}, but "
                f"{module.rel(pkg)} does not exist, so every submission "
                "would fail to import it",
                hint=f"tito export --module {needed.slug} --reference")


def _autograde(args) -> int:
    from tito.core.errors import TitoError
    from tito.grading.run import autograde_student, nbgrader_session
    from tito.grading.checks import execution_incidents
    from tito.grading.gradebook import submission_score

    from tito.core.project import discover
    from tito.grading.sandbox import (Sandbox, hidden_package_files,
                                      limits_from, require)

    root, course = _setup(args)
    _check_timeout(args.timeout)
    limits = limits_from(args)
    modules = _modules(root, args, course)
    if args.no_sandbox:
        bwrap = None
        print(f"! {NO_SANDBOX}")
    else:
        bwrap = require(root, limits)
        print(f"• sandbox: bubblewrap; per submission: {limits.describe()}")
    explicit = not args.all
    failures = []
    total = graded = 0
    for module in modules:
        slug = module.slug
        release = _released(course, module, explicit)
        if release is None:
            print(f"• {slug}: not released; skipped")
            continue
        if not explicit and not _has_work(course, slug, args.student):
            print(f"• {slug}: no submissions"
                  f"{' by ' + args.student if args.student else ''}; "
                  "skipped")
            continue
        _check_prerequisites(root, module)
        students = _students(course, slug, args.student)
        checks = _run_checks(course, slug, release, students)
        total += len(checks)
        for check in checks:
            if not check.gradable:
                failures.append((slug, check.student, check.unreadable))
        todo = [c.student for c in checks if c.gradable]
        if not todo:
            continue
        print(f"• {slug}: grading {len(todo)} submission(s); a kernel runs "
              "every cell", flush=True)
        sandbox = None if bwrap is None else Sandbox(
            bwrap, root, limits,
            hidden=hidden_package_files(module, discover(root)))
        with nbgrader_session(root, course, f"autograde-{slug}") as log:
            for k, student in enumerate(todo, start=1):
                print(f"  [{k}/{len(todo)}] {student} … ", end="",
                      flush=True)
                started = time.monotonic()
                problem = autograde_student(course, slug, student, log,
                                            args.timeout, sandbox,
                                            limits.output_bytes)
                seconds = time.monotonic() - started
                if problem:
                    failures.append((slug, student, problem))
                    print(f"not graded: {problem}")
                    continue
                graded += 1
                score = submission_score(course, slug, student)
                text = (f"{score[0]:g}/{score[1]:g}" if score
                        else "graded")
                incidents = execution_incidents(course, student, slug)
                extra = f"; {', '.join(incidents)}" if incidents else ""
                print(f"{text} ({seconds:.0f} s{extra})")
        print(f"  log: {course.show(log.path)}")
    if total == 0:
        raise TitoError("nothing to grade: no released module has "
                        "submissions",
                        hint="tito nbgrader collect --module M PATH")
    print(f"{'✓' if not failures else '!'} graded {graded} of {total} "
          f"submission(s); gradebook: {course.show(course.gradebook)}")
    if bwrap is None:
        print(f"! {NO_SANDBOX}")
    if failures:
        slug, student, why = failures[0]
        more = f" (+{len(failures) - 1} more above)" if len(failures) > 1 \
            else ""
        raise TitoError(
            f"{len(failures)} submission(s) could not be graded: "
            f"{student} ({slug}): {why}{more}",
            hint=f"fix or re-collect it (tito nbgrader collect --module "
            f"{slug} FILE --student {student}), then tito nbgrader "
            f"autograde --module {slug} --student {student}")
    print("  next: tito nbgrader feedback --module M, tito nbgrader report")
    return 0


NO_SANDBOX = ("no sandbox (--no-sandbox): student code ran with your "
              "rights, in your course folder")


def _feedback(args) -> int:
    from tito.core.errors import TitoError
    from tito.grading.run import generate_feedback, nbgrader_session

    root, course = _setup(args)
    explicit = not args.all
    failures = []
    written = 0
    for module in _modules(root, args, course):
        slug = module.slug
        base = course.path / "autograded"
        graded = sorted(p.parent.parent.name for p in
                        base.glob(f"*/{slug}/{slug}.ipynb"))
        if args.student:
            if args.student not in graded:
                if explicit:
                    raise TitoError(f"{args.student} has no graded "
                                    f"submission of {slug}",
                                    hint=f"tito nbgrader autograde --module "
                                    f"{slug} --student {args.student}")
                continue
            graded = [args.student]
        if not graded:
            if explicit:
                raise TitoError(f"no graded submissions of {slug}",
                                hint=f"tito nbgrader autograde --module "
                                f"{slug}")
            continue
        with nbgrader_session(root, course, f"feedback-{slug}") as log:
            for student in graded:
                problem = generate_feedback(course, slug, student, log)
                target = course.feedback(student, slug)
                if problem or not target.is_file():
                    failures.append((slug, student, problem or "no HTML"))
                    print(f"  ✗ {student}: {problem or 'no HTML written'}")
                    continue
                written += 1
                print(f"✓ {student}: {course.show(target)}")
    if failures:
        slug, student, why = failures[0]
        raise TitoError(f"no feedback for {len(failures)} submission(s): "
                        f"{student} ({slug}): {why}",
                        hint=f"see the log in {course.show(course.logs)}")
    if not written:
        raise TitoError("no graded submissions to give feedback on",
                        hint="tito nbgrader autograde --module M")
    return 0


def _report(args) -> int:
    from tito.core.errors import TitoError
    from tito.core.fsutil import atomic_write_text, backup
    from tito.grading.gradebook import (assignment_names, read_scores,
                                        report_csv)
    from tito.core.project import resolve

    root, course = _setup(args)
    names = assignment_names(course)
    if args.module:
        wanted = [part.slug for part in resolve(root, args.module).parts]
        slug = wanted[0]
        if not set(wanted) & set(names):
            raise TitoError(f"{slug} is not in the gradebook",
                            hint=f"tito nbgrader release --module {slug}, "
                            "then autograde")
        names = [name for name in wanted if name in names]
    scores = read_scores(course, names)
    if not scores:
        raise TitoError("the gradebook holds no grades yet",
                        hint="tito nbgrader autograde --module M")
    graded = {(s.student, s.assignment) for s in scores}
    for slug in names:
        missing = [st for st in course.students(slug)
                   if (st, slug) not in graded]
        if missing:
            print(f"note: {slug}: submitted but not graded: "
                  f"{', '.join(missing)} (tito nbgrader autograde --module "
                  f"{slug})", file=sys.stderr)
        stale = sorted({s.student for s in scores if s.assignment == slug
                        and not course.autograded(s.student, slug).is_file()})
        if stale:
            print(f"note: {slug}: in the gradebook, but their last "
                  f"autograde failed: {', '.join(stale)} (see tito nbgrader "
                  f"autograde --module {slug})", file=sys.stderr)
    text = report_csv(scores)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    out = args.output
    if out.exists() and out.read_text(encoding="utf-8") != text:
        saved = backup(out, out.parent)
        print(f"✓ saved the previous report as {course.show(saved)}")
    atomic_write_text(out, text)
    students = len({s.student for s in scores})
    print(f"✓ wrote {len(scores)} grades of {students} student(s) in "
          f"{len(names)} assignment(s) to {course.show(out)}")
    return 0


_STEP_FUNCS = {
    "init": _init,
    "generate": _generate,
    "release": _release,
    "collect": _collect,
    "check": _check,
    "autograde": _autograde,
    "feedback": _feedback,
    "report": _report,
}
