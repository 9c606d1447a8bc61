"""Course authors: lint every source, build every notebook, check for leaks and drift.

For each module in src/: the source rules of CONTRIBUTING.md (nbdev and
nbgrader metadata, markers, graded cells that call their tests), module.yaml,
ABOUT.md and tests present; the instructor and learner notebooks build and
validate; no solution text reaches a learner notebook; and the committed
package file equals a fresh export of the source.
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
    from tito.core.notebooks import BEGIN_SOLUTION, END_SOLUTION

    inside, lines, outside = False, set(), set()
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            inside = True
        elif stripped == END_SOLUTION:
            inside = False
        elif inside and len(stripped) >= 10 and not stripped.startswith("#"):
            lines.add(stripped)
        else:
            outside.add(stripped)
    return lines - outside


def leaks(instructor, learner, label: str) -> list:
    """Solution markers or reference lines that reached the learner version."""
    from tito.core.lint import Problem

    problems = []
    twins = {cell.get("id"): cell for cell in learner.cells}
    for index, ref in enumerate(instructor.cells):
        mine = twins.get(ref.get("id"))
        if mine is None:
            problems.append(Problem(f"{label} cell {index + 1}",
                                    "missing from the learner notebook"))
            continue
        text = mine.source
        if "BEGIN SOLUTION" in text or "BEGIN HIDDEN TESTS" in text:
            problems.append(Problem(f"{label} cell {index + 1}",
                                    "learner notebook contains markers"))
            continue
        if ref.cell_type != "code":
            continue
        learner_lines = {line.strip() for line in text.split("\n")}
        leaked = sorted(_solution_lines(ref.source) & learner_lines)
        if leaked:
            problems.append(Problem(
                f"{label} cell {index + 1}",
                f"reference solution line reached the learner notebook: "
                f"{leaked[0]!r}"))
    return problems


def check_module(module) -> list:
    import difflib

    import nbformat

    from tito.core.errors import TitoError
    from tito.core.exporter import export, read_origin
    from tito.core.lint import Problem, lint_notebook
    from tito.core.notebooks import instructor_notebook, learner_notebook

    label = module.rel(module.source)
    problems = []
    try:
        nb = instructor_notebook(module)
    except TitoError as exc:
        return [Problem(label, exc.message)]
    problems += lint_notebook(nb, label)
    for name, kind in (("module.yaml", "title"), ("ABOUT.md", None)):
        path = module.src_dir / name
        if not path.is_file():
            problems.append(Problem(module.rel(path), "missing"))
        elif kind and kind not in module.meta:
            problems.append(Problem(module.rel(path), f"has no '{kind}'"))
    if not module.tests_dir.is_dir() or not any(
            module.tests_dir.rglob("test_*.py")):
        problems.append(Problem(module.rel(module.tests_dir),
                                "no test_*.py files (a module needs tests)"))
    learner = learner_notebook(module, nb)
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
    problems += leaks(nb, learner, f"learner notebook of {module.slug}")
    if module.notebook.exists():
        text = module.notebook.read_text(encoding="utf-8", errors="replace")
        if "BEGIN SOLUTION" in text:
            problems.append(Problem(module.rel(module.notebook),
                                    "contains solution markers"))
    if problems:
        return problems
    try:
        fresh = export(module, nb, label, "reference", dry_run=True)
    except TitoError as exc:
        return [Problem(label, f"does not export: {exc.message}")]
    target = module.package_file
    if not target.exists():
        return [Problem(module.rel(target), "missing: run tito export "
                        f"--module {module.slug} --reference")]
    current = target.read_text(encoding="utf-8")
    if current != fresh.text:
        origin = read_origin(target)
        source = f" (it was exported from {origin[0]})" if origin else ""
        changed = sum(1 for line in difflib.unified_diff(
            current.splitlines(), fresh.text.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        problems.append(Problem(
            module.rel(target),
            f"differs from a fresh export of {label} in {changed} line(s)"
            f"{source}; run tito export --module {module.slug} --reference"))
    return problems


def run(args) -> int:
    from tito.core.project import discover

    root, modules = (modules_from(args) if args.module else (None, None))
    if modules is None:
        from tito.core.project import find_root

        root = find_root()
        modules = discover(root)
    total = 0
    for module in modules:
        problems = check_module(module)
        total += len(problems)
        mark = "✓" if not problems else "✗"
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        print(f"{mark} {module.slug}: {status}")
        for problem in problems:
            print(f"    {problem}")
    if not modules:
        print("✗ no modules under src/")
        return 1
    if total:
        print(f"\n✗ tito check found {total} problem(s)")
        return 1
    print(f"\n✓ {len(modules)} module(s): sources lint clean, notebooks "
          "build, no solutions leak, package in sync")
    return 0
