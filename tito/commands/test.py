"""Run a module's inline notebook tests (nbval, a real kernel), then its package tests.

With your notebook present, its cells run top to bottom in a Jupyter kernel
(nbval), then pytest runs tests/NN_name against the package you exported.
Without one, the reference notebook built from src/ is used, and tito says so.
Exit code 0 only when both phases ran tests and all of them passed.
"""

from __future__ import annotations

import json
import time

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito test --module 04_losses        # your notebook, then tests/04_losses
  tito test --all                     # every module, one summary table
  tito test --module 04 --package-only
  tito test --module 04 --full        # every Hypothesis example, as CI runs
"""


def add_arguments(parser) -> None:
    add_module_args(parser)
    parser.add_argument("--package-only", action="store_true",
                        help="skip the notebook; run only tests/NN_name")
    parser.add_argument("--full", action="store_true",
                        help="property tests try all their examples, as CI "
                        "does (default: a quarter of them, for a quick "
                        "check)")
    parser.add_argument("--timeout", type=float, default=300, metavar="S",
                        help="seconds one notebook cell may run (default "
                        "300)")


def _code_cells(nb):
    """nbval's `Cell k` (k-th code cell) → (notebook index, grade_id)."""
    out = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            out.append((index, gid))
    return out


def _start_notebook(module, timeout):
    """Start the nbval run of the module's notebook; return a job."""
    from tito.core.notebooks import (instructor_notebook, load_notebook,
                                     write_notebook)
    from tito.core.testing import PhaseResult, PytestRun

    if module.notebook.exists():
        path = module.notebook
        label = module.rel(path)
        nb = load_notebook(path, label)
        print(f"• {module.slug}: running your notebook {label} "
              "(a Jupyter kernel runs every cell)")
    else:
        nb = instructor_notebook(module)
        path = module.reference_notebook
        write_notebook(nb, path)
        label = module.rel(module.source)
        print(f"• {module.slug}: no notebook of yours at "
              f"{module.rel(module.notebook)}; running the reference built "
              f"from {label}")
    cells = _code_cells(nb)
    if not cells:
        return (PhaseResult("inline", problem=f"{label} has no code cells"),
                label, cells)
    run = PytestRun(module.root, [str(path)], "inline",
                    ["--nbval-lax", "--nbval-current-env",
                     f"--nbval-cell-timeout={timeout:g}"])
    return run, label, cells


def _finish_notebook(job):
    run, label, cells = job
    result = run.wait() if hasattr(run, "wait") else run
    for failure in result.failures:
        if failure.name.startswith("Cell "):
            k = int(failure.name.split()[1])
            if k < len(cells):
                index, gid = cells[k]
                failure.name = f"cell {index + 1}" + (f" [{gid}]" if gid
                                                     else "")
    result.set_aside_optional()
    graded = [gid for _, gid in cells if gid and "test" in gid]
    if not graded and result.problem is None:
        result.problem = f"{label} has no graded test cells"
    return result, label


def _start_package(module, full=False):
    """Start pytest on tests/NN_name; return a job (or a failed result)."""
    from tito.core.testing import (QUICK_PROPERTIES_ENV, PhaseResult,
                                   PytestRun)

    tests = module.tests_dir
    if not tests.is_dir() or not any(tests.rglob("test_*.py")):
        return PhaseResult("package", problem=(
            f"{module.rel(tests)} has no test files: a module without "
            "tests is an error"))
    problem = _origin_problem(module)
    if problem and problem[1] == "warning":
        print(f"  ! {problem[0]}")
    if problem and problem[1] == "error":
        return PhaseResult("package", problem=problem[0])
    print(f"• {module.slug}: running pytest {module.rel(tests)} against "
          f"{module.rel(module.package_file)}"
          + ("" if full else " (property tests: a quarter of their "
             "examples; --full runs all)"))
    # a test file that fails at import (e.g. it builds Tensors at the top)
    # must not hide the results of every other file
    # the package tests need neither nbval nor anyio: not loading those
    # plugins saves about a second per run
    return PytestRun(module.root, [str(tests)], "package",
                     ["--continue-on-collection-errors",
                      "-p", "no:nbval", "-p", "no:anyio"],
                     env={QUICK_PROPERTIES_ENV: "0" if full else "1"})


def _origin_problem(module):
    """Say when the package file is not built from the notebook under test."""
    from tito.core.exporter import notebook_digest, read_origin
    from tito.core.notebooks import load_notebook

    pkg = module.package_file
    if not pkg.exists():
        return (f"{module.rel(pkg)} does not exist yet", "error")
    origin = read_origin(pkg)
    if not module.notebook.exists():
        return None
    label = module.rel(module.notebook)
    if origin is None or origin[0] != label:
        source = origin[0] if origin else "an unknown source"
        return (f"{module.rel(pkg)} was exported from {source}, not from "
                f"your notebook; run tito export --module {module.slug} "
                "first", "error")
    try:
        digest = notebook_digest(load_notebook(module.notebook, label), label)
    except Exception:
        return None
    if digest != origin[1]:
        return (f"your notebook changed after its last export; the package "
                f"tests use the exported version (run tito export --module "
                f"{module.slug} to update it)", "warning")
    return None


def _print_failures(result, limit=5):
    for failure in result.failures[:limit]:
        print(f"    ✗ {failure.name}: {failure.message}")
    if len(result.failures) > limit:
        print(f"    … and {len(result.failures) - limit} more")
    if result.problem:
        print(f"    ✗ {result.problem}")


def _save_status(root, rows) -> None:
    from tito.core.fsutil import atomic_write_text

    path = root / ".tito" / "status.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for slug, ok, source in rows:
        data[slug] = {"passed": ok, "source": source,
                      "time": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    except Exception:
        pass  # status is a convenience; never fail a test run over it


def run(args) -> int:
    root, modules = modules_from(args)
    rows = []
    for module in modules:
        started = time.monotonic()
        # the two phases are independent: run them side by side
        job = None if args.package_only else \
            _start_notebook(module, args.timeout)
        pkg_job = _start_package(module, args.full)
        inline, label = (None, "-") if job is None else _finish_notebook(job)
        pkg = pkg_job.wait() if hasattr(pkg_job, "wait") else pkg_job
        pkg.set_aside_optional()
        if inline is not None:
            print(f"  inline tests:  {inline.counts()}")
            _print_failures(inline)
        print(f"  package tests: {pkg.counts()}")
        _print_failures(pkg)
        ok = pkg.ok and (inline is None or inline.ok)
        rows.append((module, inline, pkg, ok, time.monotonic() - started,
                     label))
    _save_status(root, [(m.slug, ok, label) for m, _, _, ok, _, label
                        in rows])
    print()
    table = [("module", "inline (notebook)", "package (pytest)", "result")]
    for module, inline, pkg, ok, seconds, _ in rows:
        table.append((module.slug, inline.counts() if inline else "skipped",
                      pkg.counts(),
                      f"{'PASS' if ok else 'FAIL'}  ({seconds:.1f} s)"))
    widths = [max(len(row[i]) for row in table) + 2 for i in range(3)]
    for row in table:
        print("".join(cell.ljust(w) for cell, w in zip(row, widths))
              + row[3])
    failed = [m.slug for m, _, _, ok, _, _ in rows if not ok]
    if failed:
        print(f"\n✗ {len(failed)} of {len(rows)} module(s) failed: "
              f"{', '.join(failed)}")
        return 1
    print(f"\n✓ all {len(rows)} module(s) passed")
    return 0
