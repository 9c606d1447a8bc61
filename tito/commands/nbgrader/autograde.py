"""`tito nbgrader autograde`: check, then grade a class (tito.grading
.batch: only what changed, in parallel, sharded)."""

from __future__ import annotations

from dataclasses import asdict

from tito.commands.nbgrader.common import (_check_prerequisites,
                                           _check_timeout, _has_work,
                                           _modules, _released, _run_checks,
                                           _setup, _students,
                                           tamper_summary)

NO_SANDBOX = ("no sandbox (--no-sandbox): student code ran with your "
              "rights, in your course folder")


def selection(root, args) -> str:
    """How the next command names what this one acted on."""
    from tito.core.project import resolve

    if getattr(args, "all", False) or not args.module:
        return "--all"
    return f"--module {resolve(root, args.module).label}"


def _jobs(args) -> int:
    from tito.commands.nbgrader import _cores
    from tito.core.errors import TitoError

    if args.jobs is None:
        return _cores()
    if args.jobs < 1:
        raise TitoError(f"--jobs must be at least 1, got {args.jobs}",
                        hint="e.g. --jobs 2 (default: the number of cores)")
    return args.jobs


def _line(k: int, n: int, outcome) -> str:
    """One line per graded student: score, time, what went wrong."""
    from tito.grading.late import late_text

    head = f"  [{k}/{n}] {outcome.student} … "
    if outcome.problem:
        return head + f"not graded: {outcome.problem}"
    if outcome.score is None:
        return head + f"graded ({outcome.seconds:.0f} s)"
    final = max(0.0, outcome.score - outcome.penalty)
    extra = list(outcome.incidents)
    if outcome.seconds_late > 0:
        late = late_text(outcome.seconds_late)
        extra.append(f"{late}, -{outcome.penalty:g} points"
                     if outcome.penalty else late)
    more = f"; {', '.join(extra)}" if extra else ""
    return head + (f"{final:g}/{outcome.max_score:g} "
                   f"({outcome.seconds:.0f} s{more})")


def _autograde(args) -> int:
    import time

    from tito.core.errors import TitoError
    from tito.core.project import discover
    from tito.grading.batch import (Job, Record, assignment_digest,
                                    fingerprint, grade_all,
                                    package_digest, parse_shard,
                                    read_record, submission_digest,
                                    write_record)
    from tito.grading.course import sqlite_wal
    from tito.grading.gradebook import due_date, submission_results
    from tito.grading.sandbox import (Sandbox, hidden_package_files,
                                      limits_from, require)

    root, course = _setup(args)
    _check_timeout(args.timeout)
    workers = _jobs(args)
    shard = parse_shard(args.shard)
    limits = limits_from(args)
    modules = _modules(root, args, course)
    if args.no_sandbox:
        bwrap = None
        print(f"! {NO_SANDBOX}")
    else:
        bwrap = require(root, limits)
        print(f"• sandbox: bubblewrap; per submission: {limits.describe()}")
    sqlite_wal(course)
    where = f"; shard {shard[0]}/{shard[1]}" if shard else ""
    print(f"• gradebook: {course.db_label}; up to {workers} at a "
          f"time{where}")
    explicit = not args.all
    failures, tampered, graded_now, stale = [], [], {}, []
    total = graded = skipped = 0
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
        everyone = _students(course, slug, args.student)
        students = _students(course, slug, args.student, shard)
        if shard:
            print(f"• {slug}: shard {shard[0]}/{shard[1]}: "
                  f"{len(students)} of {len(everyone)} student(s)")
        if not students:
            continue
        checks = _run_checks(course, slug, release, students, quiet=True)
        summary = tamper_summary(checks)
        if summary:
            tampered.append(f"{slug}: {summary}")
        total += len(checks)
        for check in checks:
            if not check.gradable:
                failures.append((slug, check.student, check.unreadable))
                write_record(course, slug, check.student, Record(
                    submission=submission_digest(course, slug,
                                                 check.student),
                    problem=check.unreadable, graded_at=time.time()))
        hidden = hidden_package_files(module, discover(root))
        sandbox = None if bwrap is None else Sandbox(bwrap, root, limits,
                                                     hidden=hidden)
        timeout = args.timeout or module.meta.get("grading_timeout")
        settings = {"timeout": timeout, "sandbox": bwrap is not None,
                    "limits": asdict(limits), "due": due_date(course, slug),
                    "package": package_digest(root, hidden)}
        in_gradebook = submission_results(course, slug)
        common = assignment_digest(course, slug, settings)
        todo, prints, digests = [], {}, {}
        for check in checks:
            if not check.gradable:
                continue
            student = check.student
            digests[student] = submission_digest(course, slug, student)
            prints[student] = fingerprint(common, digests[student])
            record = read_record(course, slug, student)
            if (not args.force and record is not None
                    and record.fingerprint == prints[student]
                    and not record.problem and student in in_gradebook
                    and course.autograded(student, slug).is_file()):
                skipped += 1
                continue
            todo.append(Job(slug, student, timeout, sandbox,
                            limits.output_bytes))
        unchanged = len(prints) - len(todo)
        if unchanged:
            print(f"• {slug}: {unchanged} submission(s) unchanged since "
                  "graded; not graded again (--force grades them)")
        if not todo:
            continue
        print(f"• {slug}: grading {len(todo)} submission(s), "
              f"{min(workers, len(todo))} at a time; a kernel runs every "
              "cell", flush=True)
        count = [0]

        def done(outcome, slug=slug, n=len(todo), prints=prints,
                 digests=digests):
            nonlocal graded
            count[0] += 1
            print(_line(count[0], n, outcome), flush=True)
            student = outcome.student
            write_record(course, slug, student, Record(
                fingerprint=prints[student], submission=digests[student],
                problem=outcome.problem, score=outcome.score,
                max_score=outcome.max_score, penalty=outcome.penalty,
                incidents=outcome.incidents, seconds=outcome.seconds,
                graded_at=time.time()))
            if outcome.problem:
                failures.append((slug, student, outcome.problem))
                return
            graded += 1
            graded_now.setdefault(slug, []).append(student)
            if course.feedback(student, slug).is_file():
                stale.append(student)

        log = grade_all(root, course, todo, workers, f"autograde-{slug}",
                        done)
        print(f"  log: {course.show(log)}")
    if total == 0:
        raise TitoError("nothing to grade: no released module has "
                        "submissions" + (" in this shard" if shard else ""),
                        hint="tito nbgrader collect --module M PATH")
    print(f"{'✓' if not failures else '!'} graded {graded} of {total} "
          f"submission(s)" + (f", {skipped} unchanged" if skipped else "")
          + f"; gradebook: {course.db_label}")
    for line in tampered:
        print(f"! {line}")
    if bwrap is None:
        print(f"! {NO_SANDBOX}")
    next_step = selection(root, args)
    unwritten = []
    if args.feedback and graded_now:
        from tito.commands.nbgrader.steps import write_feedback

        for slug, students in graded_now.items():
            unwritten += write_feedback(root, course, slug, students)
    elif stale:
        print(f"! feedback of {len(stale)} student(s) is older than the "
              f"grade just given ({', '.join(stale[:5])}"
              f"{', ...' if len(stale) > 5 else ''}): tito nbgrader "
              f"feedback {next_step}")
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
    if unwritten:
        slug, student, why = unwritten[0]
        raise TitoError(f"graded, but no feedback for {len(unwritten)} "
                        f"submission(s): {student} ({slug}): {why}",
                        hint=f"see the log in {course.show(course.logs)}")
    print("  next: " + ("" if args.feedback else
                        f"tito nbgrader feedback {next_step}, ")
          + "tito nbgrader report")
    return 0
