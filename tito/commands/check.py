"""Course authors: lint every source, build every notebook, check for leaks and drift.

For each module in src/, and each of its parts (the core, and an optional
stretch part): the source rules of CONTRIBUTING.md (nbdev and nbgrader
metadata, markers, graded cells that call their tests, an optional part's
grade_ids), module.yaml, ABOUT.md and each part's tests present; the
instructor and learner notebooks build and validate; no solution text
reaches a learner notebook; and each committed package file equals a fresh
export of its source.
"""

from __future__ import annotations

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito check                 # every module
  tito check --module 04     # one module
"""


def add_arguments(parser) -> None:
    add_module_args(parser, allow_all=False)


def _solution_lines(source: str) -> set[str]:
    """Telling lines of a solution that appear nowhere else in the cell."""
    from tito.core.markers import SOLUTION, region_lines

    inside, outside = region_lines(source, *SOLUTION)
    return set(inside) - set(outside)


def leaks(instructor, learner, label: str) -> list:
    """Solution markers or reference lines that reached the learner version."""
    from tito.core.cells import cell_name
    from tito.core.lint import Problem

    problems = []
    twins = {cell.get("id"): cell for cell in learner.cells}
    for index, ref in enumerate(instructor.cells):
        where = f"{label}: {cell_name(ref)}" if ref.cell_type == "code" \
            else f"{label} cell {index + 1}"
        mine = twins.get(ref.get("id"))
        if mine is None:
            problems.append(Problem(where,
                                    "missing from the learner notebook"))
            continue
        text = mine.source
        if "BEGIN SOLUTION" in text or "BEGIN HIDDEN TESTS" in text:
            problems.append(Problem(where,
                                    "learner notebook contains markers"))
            continue
        if ref.cell_type != "code":
            continue
        learner_lines = {line.strip() for line in text.split("\n")}
        leaked = sorted(_solution_lines(ref.source) & learner_lines)
        if leaked:
            problems.append(Problem(
                where,
                f"reference solution line reached the learner notebook: "
                f"{leaked[0]!r}"))
    return problems


def _grade_id_problems(part, nb, label: str) -> list:
    """An optional part's grade_ids carry its name; the core's never do.

    tito test and the test hooks tell optional work from core work by the
    `-stretch-` in a stub's grade_id (tito.core.markers.is_optional_part).
    """
    from tito.core.cells import grade_id
    from tito.core.lint import Problem
    from tito.core.markers import is_optional_part

    problems = []
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid is None:
            continue
        if part.optional and not gid.startswith(f"{part.name}-"):
            problems.append(Problem(
                f"{label}: {gid}", f"grade_ids of an optional part start "
                f"with '{part.name}-' (so its stubs count as optional)"))
        elif not part.optional and is_optional_part(gid):
            problems.append(Problem(
                f"{label}: {gid}", "'-stretch-' marks optional work, which "
                f"belongs in src/{part.module.slug}/"
                f"{part.module.slug}_stretch.py, not in the core"))
    return problems


def check_part(part, notes: list | None = None) -> list:
    """Lint, build, leaks and package sync of one part of a module.

    A package file that holds a learner's export is not compared with
    src/ (that is the course authors' check); `notes` gets a line saying so.
    """
    import difflib

    import nbformat

    from tito.core.errors import TitoError
    from tito.core.exporter import export, provenance, read_origin
    from tito.core.lint import Problem, lint_notebook
    from tito.core.notebooks import instructor_notebook, learner_notebook

    label = part.rel(part.source)
    problems = []
    try:
        nb = instructor_notebook(part)
    except TitoError as exc:
        return [Problem(label, exc.message)]
    problems += lint_notebook(nb, label)
    problems += _grade_id_problems(part, nb, label)
    if not part.test_files:
        problems.append(Problem(
            part.rel(part.module.tests_dir),
            f"no package tests for {part.slug} (a part needs tests: "
            + (f"test_{part.suffix}_*.py" if part.optional
               else "test_*.py") + ")"))
    learner = learner_notebook(part, nb)
    for kind, book in (("instructor", nb), ("learner", learner)):
        try:
            nbformat.validate(book)
        except nbformat.ValidationError as exc:
            problems.append(Problem(label, f"{kind} notebook is invalid: "
                                    f"{str(exc).splitlines()[0]}"))
    try:
        from nbgrader.nbgraderformat import MetadataValidator
    except ImportError:
        MetadataValidator = None
    if MetadataValidator is not None:
        try:
            MetadataValidator().validate_nb(nb)
        except Exception as exc:
            problems.append(Problem(label, f"nbgrader rejects it: {exc}"))
    problems += leaks(nb, learner, f"learner notebook of {part.slug}")
    if part.notebook.exists():
        text = part.notebook.read_text(encoding="utf-8", errors="replace")
        if "BEGIN SOLUTION" in text:
            problems.append(Problem(part.rel(part.notebook),
                                    "contains solution markers"))
    if problems:
        return problems
    try:
        fresh = export(part, nb, label, "reference", dry_run=True)
    except TitoError as exc:
        return [Problem(label, f"does not export: {exc.message}")]
    target = part.package_file
    if not target.exists():
        return [Problem(part.rel(target), "missing: run tito export "
                        f"--module {part.slug}")]
    found = provenance(part, check_fresh=False)
    if found.learner:
        if notes is not None:
            notes.append(f"{part.rel(target)} holds your export of "
                         f"{found.source}: not compared with "
                         f"{part.rel(part.source)} (a course author's check)")
        return problems
    current = target.read_text(encoding="utf-8")
    if current != fresh.text:
        origin = read_origin(target)
        source = f" (it was exported from {origin[0]})" if origin else ""
        changed = sum(1 for line in difflib.unified_diff(
            current.splitlines(), fresh.text.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        problems.append(Problem(
            part.rel(target),
            f"differs from a fresh export of {label} in {changed} line(s)"
            f"{source}; run tito export --module {part.slug} --reference"))
    return problems


def check_module(module, notes: list | None = None) -> list:
    """Every problem of a module: its files, then each of its parts."""
    from tito.core.lint import Problem
    from tito.core.project import stray_sources

    problems = []
    for name, kind in (("module.yaml", "title"), ("ABOUT.md", None)):
        path = module.src_dir / name
        if not path.is_file():
            problems.append(Problem(module.rel(path), "missing"))
        elif kind and kind not in module.meta:
            problems.append(Problem(module.rel(path), f"has no '{kind}'"))
    for path in stray_sources(module):
        problems.append(Problem(
            module.rel(path), f"is not a part tito knows: a module folder "
            f"holds {module.slug}.py and, optionally, "
            f"{module.slug}_stretch.py"))
    for part in module.parts:
        problems += check_part(part, notes)
    return problems


def run(args) -> int:
    from tito.core.project import discover

    root, modules = (modules_from(args) if args.module else (None, None))
    if modules is None:
        from tito.core.project import find_root

        root = find_root()
        modules = discover(root)
    total = 0
    skipped = 0
    for module in modules:
        notes = []
        problems = check_module(module, notes)
        skipped += len(notes)
        total += len(problems)
        mark = "✓" if not problems else "✗"
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        parts = ", ".join(p.slug for p in module.parts)
        print(f"{mark} {module.label}: {status}"
              + (f" ({parts})" if len(module.parts) > 1 else ""))
        for problem in problems:
            print(f"    {problem}")
        for note in notes:
            print(f"    • {note}")
    if not modules:
        print("✗ no modules under src/")
        return 1
    if total:
        print(f"\n✗ tito check found {total} problem(s)")
        return 1
    sync = ("package in sync" if not skipped else
            f"package in sync (except {skipped} file(s) holding your "
            "exports)")
    print(f"\n✓ {len(modules)} module(s): sources lint clean, notebooks "
          f"build, no solutions leak, {sync}")
    return 0
