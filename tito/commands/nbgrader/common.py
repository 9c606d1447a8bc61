"""What the steps of `tito nbgrader` share: the course, the assignments
the arguments name, their students, the checks against the release."""

from __future__ import annotations


def _setup(args, require=True):
    from tito.core.project import find_root
    from tito.grading.course import course_from, require_nbgrader

    root = find_root()
    require_nbgrader()
    course = course_from(root, args.course, getattr(args, "db", None))
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


def _has_work(course, slug, student) -> bool:
    """Whether there is anything to check or grade (for --all)."""
    if student:
        return course.submission(student, slug).parent.is_dir()
    return bool(course.students(slug))


def _students(course, slug, student, shard=None):
    """The students to act on: one, or everyone (in `shard`, if given)."""
    from tito.core.errors import TitoError
    from tito.grading.batch import in_shard

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
    return [s for s in students if in_shard(s, shard)]


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


def _run_checks(course, slug, release_path, students, quiet=False):
    """Check each submission against the release; print what is found
    (with `quiet`, nothing for a clean submission, and a count)."""
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
        if not findings and not quiet:
            print(f"  ✓ {student}: all {len(reference)} cells present, "
                  "locked cells untouched")
        for line in findings:
            mark = "✗" if not check.gradable else "!"
            print(f"  {mark} {student}: {line}")
    if quiet:
        clean = sum(1 for c in checks if not c.findings())
        print(f"  ✓ {clean} of {len(checks)} as released but for their "
              "solutions")
    return checks


def tamper_summary(checks) -> str | None:
    """One line naming who changed what they must not have, or None."""
    found = []
    for check in checks:
        what = []
        if check.edited or check.deleted_locked:
            what.append("locked cells edited or deleted")
        if check.added:
            what.append("cells added")
        if check.metadata:
            what.append("nbgrader metadata changed")
        if check.unknown or check.duplicated:
            what.append("cells unknown or duplicated")
        if what:
            found.append(f"{check.student} ({', '.join(what)})")
    if not found:
        return None
    return f"changed what they must not: {'; '.join(found)}"


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


