"""The steps of `tito nbgrader` but autograde (see autograde.py)."""

from __future__ import annotations

import sys

from tito.commands.nbgrader.common import (_check_timeout, _has_work,
                                           _modules, _released, _run_checks,
                                           _setup, _students)

def _init(args) -> int:
    from tito.core.errors import TitoError
    from tito.grading.course import DEFAULT_TIMEOUT, init_course

    _, course = _setup(args, require=False)
    _check_timeout(args.timeout)
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    late = 0.0 if args.late_penalty is None else args.late_penalty
    if not 0 <= late <= 100:
        raise TitoError(f"--late-penalty must be a percentage from 0 to "
                        f"100, got {late:g}",
                        hint="e.g. --late-penalty 10 (10% off per day "
                        "late); 0 only records lateness")
    given = [flag for flag, value in (("--timeout", args.timeout),
                                      ("--late-penalty", args.late_penalty),
                                      ("--db", args.db))
             if value is not None]
    if given and course.config_file.exists() and not args.force:
        print(f"• {', '.join(given)} is written only into a new config; "
              f"add --force to rewrite {course.show(course.config_file)}")
    for line in init_course(course, timeout, args.force, late):
        print(line)
    from tito.grading.sandbox import find_bwrap

    if sys.platform.startswith("linux") and find_bwrap() is None:
        print("! bubblewrap is not installed, so autograde will refuse to "
              "run student code: sudo apt-get install -y bubblewrap")
    print(f"  next: tito nbgrader generate --all "
          f"(course folder: {course.show(course.path)})")
    return 0


def _generate(args) -> int:
    from tito.core.errors import TitoError
    from tito.core.fsutil import atomic_write_text, backup
    from tito.core.notebooks import assignment_notebook, notebook_text
    from tito.grading.notebooks import graded_cells

    root, course = _setup(args)
    for module in _modules(root, args):
        nb = assignment_notebook(module)
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
    from tito.core.notebooks import assignment_notebook, notebook_text
    from tito.grading.notebooks import (graded_cells, parse_notebook,
                                        read_notebook)
    from tito.grading.release import release_problems

    from tito.grading.gradebook import due_date, set_due_date
    from tito.grading.late import parse_due, show_utc

    root, course = _setup(args)
    due = False if args.due is None else parse_due(args.due)
    for module in _modules(root, args):
        slug = module.slug
        source = course.source(slug)
        if not source.is_file():
            raise TitoError(f"{slug} has no source notebook at "
                            f"{course.show(source)}",
                            hint=f"tito nbgrader generate --module {slug}")
        data = source.read_bytes()
        if data.decode("utf-8") != notebook_text(
                assignment_notebook(module)):
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
        if due is not False:
            set_due_date(course, slug, due)
        when = due_date(course, slug)
        print(f"✓ released {course.show(released)}: {len(cells)} graded "
              f"cells, {sum(p for _, p in cells):g} points; checked: no "
              "solutions, no hidden tests; "
              + (f"due {show_utc(when)}" if when else "no due date"))
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
        when = "" if state == "unchanged" else (
            f", handed in {item.timestamp[:16]} UTC"
            + (" by its mtime" if item.stamp_from == "mtime" else ""))
        print(f"{'•' if state == 'unchanged' else '✓'} {item.student}: "
              f"{item.origin} → {course.show(target)} ({state}{when})"
              f"{note}")
    print(f"✓ {slug}: {len(found)} submission(s): {counts['new']} new, "
          f"{counts['updated']} updated, {counts['unchanged']} unchanged")
    print(f"  next: tito nbgrader autograde --module {slug}")
    return 0


def _check(args) -> int:
    from tito.grading.batch import parse_shard

    root, course = _setup(args)
    shard = parse_shard(args.shard)
    explicit = not args.all
    for module in _modules(root, args, course):
        release = _released(course, module, explicit)
        if release is None:
            continue
        if not explicit and not _has_work(course, module.slug, args.student):
            continue
        students = _students(course, module.slug, args.student, shard)
        _run_checks(course, module.slug, release, students)
    return 0


def write_feedback(root, course, slug: str, students: list[str]) -> list:
    """Feedback pages for `students`, math rendered offline; returns
    (slug, student, why) for each that could not be written."""
    from tito.grading.feedback import offline_math
    from tito.grading.run import generate_feedback, nbgrader_session

    failures = []
    with nbgrader_session(root, course, f"feedback-{slug}") as log:
        for student in students:
            problem = generate_feedback(course, slug, student, log)
            target = course.feedback(student, slug)
            if problem or not target.is_file():
                failures.append((slug, student, problem or "no HTML"))
                print(f"  ✗ {student}: {problem or 'no HTML written'}")
                continue
            local = offline_math(course, target)
            print(f"✓ {student}: {course.show(target)}"
                  + ("" if local else " (! MathJax from a CDN: pip install"
                     " sphinx-mathjax-offline for offline formulas)"))
    return failures


def _feedback(args) -> int:
    from tito.core.errors import TitoError
    from tito.grading.feedback import feedback_state

    root, course = _setup(args)
    explicit = not args.all
    failures = []
    written = current = 0
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
        todo = [s for s in graded if args.force or
                feedback_state(course, slug, s) != "current"]
        current += len(graded) - len(todo)
        if len(todo) < len(graded):
            print(f"• {slug}: {len(graded) - len(todo)} feedback page(s) "
                  "already up to date (--force writes them again)")
        lost = write_feedback(root, course, slug, todo)
        failures += lost
        written += len(todo) - len(lost)
    if failures:
        slug, student, why = failures[0]
        raise TitoError(f"no feedback for {len(failures)} submission(s): "
                        f"{student} ({slug}): {why}",
                        hint=f"see the log in {course.show(course.logs)}")
    if not written and not current:
        raise TitoError("no graded submissions to give feedback on",
                        hint="tito nbgrader autograde --module M")
    return 0


def _report(args) -> int:
    from pathlib import Path

    from tito.core.errors import TitoError
    from tito.core.fsutil import atomic_write_text, backup
    from tito.core.project import resolve
    from tito.grading.gradebook import assignment_names
    from tito.grading.report import build, to_csv

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
    rows, notes = build(course, names)
    if not rows:
        raise TitoError("the gradebook holds no grades and no submissions "
                        "were collected", hint="tito nbgrader collect "
                        "--module M PATH, then tito nbgrader autograde")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    text = to_csv(rows)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output).expanduser() if args.output else course.report
    if out.exists() and out.read_text(encoding="utf-8") != text:
        saved = backup(out, out.parent)
        print(f"✓ saved the previous report as {course.show(saved)}")
    atomic_write_text(out, text)
    totals = [r for r in rows if r.grade_id == "total"]
    graded = sum(1 for r in totals if r.status.startswith("graded"))
    print(f"✓ wrote {len(totals)} submission(s) in {len(names)} "
          f"assignment(s), {graded} graded, to {course.show(out)}")
    return 0
