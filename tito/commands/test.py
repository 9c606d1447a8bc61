"""Run a module's inline notebook tests (nbval, a real kernel), then its package tests.

Each notebook of the module (the core, and an optional stretch notebook)
runs top to bottom in its own Jupyter kernel (nbval), while pytest runs the
package tests in tests/NN_name against the package files you exported. A
notebook of yours is used when it exists; otherwise the reference built
from src/, and tito says so. Failures name the TODO or test (its grade_id),
the function and the line in the cell.

Exit code 0 when every core phase ran tests and all of them passed. An
optional part never fails a finished core: its unwritten parts count as
"optional to do", and its failures are listed but do not change the exit
code, unless you test that part alone (--module 04_losses_stretch). Its
inline tests always run; its package tests run once one of its TODOs is
done (before that they could only test the code given around its stubs),
or when you test it alone.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito test --module 04_losses        # both notebooks, then tests/04_losses
  tito test --module 04_losses_stretch  # only the optional stretch part
  tito test --all                     # every module, one summary table
  tito test --module 04 --package-only
  tito test --module 04 --full        # every Hypothesis example, as CI runs
"""


def add_arguments(parser) -> None:
    add_module_args(parser)
    parser.add_argument("--package-only", action="store_true",
                        help="skip the notebooks; run only tests/NN_name")
    parser.add_argument("--full", action="store_true",
                        help="property tests try all their examples, as CI "
                        "does (default: a quarter of them, for a quick "
                        "check)")
    parser.add_argument("--timeout", type=float, default=300, metavar="S",
                        help="seconds one notebook cell may run (default "
                        "300)")


@dataclass
class PartRun:
    """The results of one part (notebook) of a module."""

    part: object
    label: str = "-"  # what the inline phase ran
    inline: object = None  # PhaseResult, or None with --package-only
    package: object = None  # PhaseResult
    todo: tuple[int, int] | None = None  # (done, total) TODOs
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.package.ok and (self.inline is None or self.inline.ok)


# ------------------------------------------------------------ notebooks

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "MKL_NUM_THREADS")


def one_thread() -> dict[str, str]:
    """One BLAS/OpenMP thread (NumPy's BLAS, PyTorch) for the package tests.

    tito test runs them beside the notebooks' kernel; on a small machine
    PyTorch's and BLAS's extra threads compete with that kernel and cost
    more than they give (measured on 2 cores: `tito test --module
    04_losses` 8.8 s -> 6.1 s median; limiting the kernel as well gained
    nothing). A value the user set is kept.
    """
    return {name: os.environ.get(name, "1") for name in THREAD_VARIABLES}

NBVAL_ARGS = ["--nbval-lax", "--nbval-current-env",
              # a notebook run needs neither Hypothesis nor anyio nor
              # pytest's log capture: not loading them saves time
              "-p", "no:anyio", "-p", "no:hypothesispytest", "-p",
              "no:logging"]


def _notebook_to_run(part):
    """(path, label, learner's or not) of the notebook the inline tests run.

    The learner's notebook when it exists; otherwise the reference built
    from src/ (written to .tito/build/).
    """
    from tito.core.notebooks import instructor_notebook, write_notebook

    if part.notebook.exists():
        label = part.rel(part.notebook)
        print(f"• {part.slug}: running your notebook {label} "
              "(a Jupyter kernel runs every cell)")
        return part.notebook, label, True
    write_notebook(instructor_notebook(part), part.reference_notebook)
    label = part.rel(part.source)
    print(f"• {part.slug}: no notebook of yours at "
          f"{part.rel(part.notebook)}; running the reference built from "
          f"{label}")
    return part.reference_notebook, label, False


def _start_notebooks(parts, timeout):
    """Start one nbval run (one kernel per notebook, in turn) for `parts`.

    Returns (run, {part slug: (path, label, learner's)}). The notebooks
    are read while it runs (_read_notebooks).
    """
    from tito.core.testing import PytestRun

    chosen = {part.slug: _notebook_to_run(part) for part in parts}
    run = PytestRun(parts[0].root, [str(c[0]) for c in chosen.values()],
                    "inline",
                    NBVAL_ARGS + [f"--nbval-cell-timeout={timeout:g}"])
    return run, chosen


def _read_notebooks(parts, chosen):
    """{part slug: (notebook, (done, total) TODOs or None)}."""
    from tito.core.notebooks import read_cells, todo_counts

    found = {}
    for part in parts:
        path, label, learners = chosen[part.slug]
        nb = read_cells(path, label)  # quick: nbval is running it now
        found[part.slug] = (nb, todo_counts(nb) if learners else None)
    return found


def _inline_results(run, parts, chosen, notebooks):
    """{part slug: PhaseResult} of the shared nbval run."""
    from tito.core.cells import cell_name, grade_id
    from tito.core.testing import PhaseResult, notebook_place, tally

    code, cases, problem = run.finish()
    results = {}
    for part in parts:
        path, label, _ = chosen[part.slug]
        nb = notebooks[part.slug][0]
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        mine = [c for c in cases if c.file == part.rel(path)]
        result = tally(mine, PhaseResult("inline"),
                       lambda case, nb=nb: notebook_place(nb, case.text))
        result.exit_code, result.problem = code, problem
        for failure in result.failures:
            if failure.name.startswith("Cell "):
                k = int(failure.name.split()[1])
                if k < len(code_cells):
                    failure.name = cell_name(code_cells[k])
        result.set_aside_optional()
        if not code_cells:
            result.problem = f"{label} has no code cells"
        elif not any(gid and "test" in gid
                     for gid in map(grade_id, code_cells)):
            result.problem = result.problem or \
                f"{label} has no graded test cells"
        elif not mine and result.problem is None:
            result.problem = f"nbval ran no cell of {label}"
        results[part.slug] = result
    return results


# -------------------------------------------------------------- package


def _package_problem(part):
    """Why the package tests would not test this part's notebook, or None."""
    from tito.core.exporter import provenance

    pkg = part.package_file
    if pkg is None:
        return f"{part.rel(part.source)} has no '#| default_exp' line"
    found = provenance(part)
    if found.state == "missing":
        return (f"{part.rel(pkg)} does not exist yet; run tito export "
                f"--module {part.slug}")
    if not part.notebook.exists():
        return None  # the reference, or whatever is there, is under test
    mine = part.rel(part.notebook)
    if not found.learner:
        source = found.source or "an unknown source"
        return (f"{part.rel(pkg)} was exported from {source}, not from your "
                f"notebook; run tito export --module {part.slug} first")
    if found.problem:
        return (f"{mine} no longer exports ({found.problem}); the package "
                f"tests would test its last export: fix it, then run tito "
                f"export --module {part.slug}")
    if not found.fresh:
        return (f"{mine} changed since its last export; the package tests "
                f"would test the old code: run tito export --module "
                f"{part.slug} first")
    return None


def _not_started(part, module) -> str | None:
    """Why an optional part's package tests need not run, or None.

    When the learner's notebook of an optional part still holds every
    stub, its package tests can only test the given code around the
    stubs; they run once a TODO is done, or when the part is tested alone.
    """
    from tito.core.errors import TitoError
    from tito.core.notebooks import read_cells, todo_counts

    if not part.optional or module.only is not None or \
            not part.notebook.exists():
        return None
    try:
        done, total = todo_counts(read_cells(part.notebook,
                                             part.rel(part.notebook)))
    except TitoError:
        return None
    if done or not total:
        return None
    return f"0 of {total} TODOs done"


def _start_package(module, parts, full=False):
    """Start one pytest run for the package tests of `parts`.

    Returns (job or None, {part slug: problem}, {part slug: why not run}).
    """
    from tito.core.testing import QUICK_PROFILE, PytestRun

    problems, skipped, files = {}, {}, []
    for part in parts:
        why = _not_started(part, module)
        if why:
            skipped[part.slug] = why
            continue
        if not module.tests_dir.is_dir() or not any(
                module.tests_dir.rglob("test_*.py")):
            problems[part.slug] = (
                f"{module.rel(module.tests_dir)} has no test files: a module "
                "without tests is an error")
            continue
        if not part.test_files:
            problems[part.slug] = (f"{module.rel(module.tests_dir)} has no "
                                   f"tests for {part.slug}")
            continue
        problem = _package_problem(part)
        if problem:
            problems[part.slug] = problem
            continue
        files += part.test_files
    if not files:
        return None, problems, skipped
    targets = ", ".join(part.rel(part.package_file) for part in parts
                        if part.slug not in problems
                        and part.slug not in skipped)
    print(f"• {module.slug}: running pytest {module.rel(module.tests_dir)} "
          f"against {targets}"
          + ("" if full else " (property tests: a quarter of their "
             "examples; --full runs all)"))
    # a test file that fails at import (e.g. it builds Tensors at the top)
    # must not hide the results of every other file. The package tests
    # need neither nbval nor anyio nor pytest's log capture: not loading
    # them saves about a second per run
    quick = [] if full else [f"--hypothesis-profile={QUICK_PROFILE}"]
    run = PytestRun(module.root, [str(p) for p in files], "package",
                    ["--continue-on-collection-errors",
                     "-p", "no:nbval", "-p", "no:anyio", "-p", "no:logging",
                     *quick],
                    env=one_thread())
    return run, problems, skipped


def _finish_package(run, parts, problems, skipped):
    """{part slug: PhaseResult} from the shared package run."""
    from tito.core.testing import PackageLocator, PhaseResult, tally

    results = {slug: PhaseResult("package", not_run=why)
               for slug, why in skipped.items()}
    if run is not None:
        code, cases, problem = run.finish()
        locate = PackageLocator(parts)
        for part in parts:
            if part.slug in problems or part.slug in skipped:
                continue
            mine = {part.rel(p) for p in part.test_files}
            result = tally([c for c in cases if c.file in mine],
                           PhaseResult("package"), locate)
            result.exit_code = code
            result.problem = problem
            results[part.slug] = result
    for slug, problem in problems.items():
        results[slug] = PhaseResult("package", problem=problem)
    for result in results.values():
        result.set_aside_optional()
    return results


# --------------------------------------------------------------- report


def _print_failures(result, limit=5, optional=False):
    mark = "·" if optional else "✗"
    for failure in result.failures[:limit]:
        print(f"    {mark} {failure}")
    if len(result.failures) > limit:
        print(f"    … and {len(result.failures) - limit} more")
    if result.problem:
        print(f"    {mark} {result.problem}")


def _verdict(run: PartRun, alone: bool) -> tuple[bool, str]:
    """(counts toward the exit code as passed, the word for the table)."""
    if not run.part.optional or alone:
        return run.passed, "PASS" if run.passed else "FAIL"
    if run.package.not_run:
        failing = run.inline is not None and (run.inline.failed
                                              or run.inline.problem)
        return True, "optional: failing" if failing else "optional: to do"
    if run.passed:
        done = run.inline.optional if run.inline else 0
        done += run.package.optional
        return True, "optional: to do" if done else "PASS"
    failing = run.package.failed + (run.inline.failed if run.inline else 0)
    if failing or run.package.problem or (run.inline and run.inline.problem):
        return True, "optional: failing"
    return True, "optional: to do"


def _save_status(root, rows) -> None:
    from tito.core.fsutil import atomic_write_text

    path = root / ".tito" / "status.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for slug, ok, word, source in rows:
        data[slug] = {"passed": ok, "result": word, "source": source,
                      "time": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    except Exception:
        pass  # status is a convenience; never fail a test run over it


def test_module(module, args) -> tuple[list[PartRun], float]:
    """Run every phase of a module's selected parts, side by side.

    Two subprocesses at once: nbval on the module's notebooks (one kernel
    each, in turn) and pytest on the package tests of all its parts. tito
    reads the notebooks while they run.
    """
    from tito.core.errors import TitoError

    started = time.monotonic()
    parts = list(module.parts)
    # the package tests take longest: they start first
    pkg_run, problems, skipped = _start_package(module, parts, args.full)
    nb_run = chosen = None
    try:
        if not args.package_only:
            nb_run, chosen = _start_notebooks(parts, args.timeout)
        notebooks = _read_notebooks(parts, chosen) if chosen else {}
    except (TitoError, KeyboardInterrupt):
        for run in (pkg_run, nb_run):
            if run is not None:
                run.stop()
        raise
    runs = []
    inline = (_inline_results(nb_run, parts, chosen, notebooks)
              if nb_run is not None else {})
    for part in parts:
        run = PartRun(part)
        if part.slug in inline:
            run.inline = inline[part.slug]
            run.label = chosen[part.slug][1]
            run.todo = notebooks[part.slug][1]
        runs.append(run)
    results = _finish_package(pkg_run, parts, problems, skipped)
    for run in runs:
        run.package = results[run.part.slug]
    return runs, time.monotonic() - started


def run(args) -> int:
    root, modules = modules_from(args)
    table = [("notebook", "inline (notebook)", "package (pytest)", "result")]
    failed, status = [], []
    for module in modules:
        runs, seconds = test_module(module, args)
        alone = module.only is not None
        for k, part_run in enumerate(runs):
            part = part_run.part
            ok, word = _verdict(part_run, alone)
            optional = part.optional and not alone
            inline = part_run.inline
            if len(runs) > 1 or part.optional:
                todo = (f" ({part_run.todo[0]} of {part_run.todo[1]} TODOs "
                        "done)" if part_run.todo else "")
                print(f"  {part.slug}{' (optional)' if part.optional else ''}"
                      f"{todo}:")
            if inline is not None:
                print(f"  inline tests:  {inline.counts()}")
                _print_failures(inline, optional=optional)
            print(f"  package tests: {part_run.package.counts()}")
            if part_run.package.not_run:
                print(f"    · they run once you write a TODO, or now with "
                      f"tito test --module {part.slug}")
            _print_failures(part_run.package, optional=optional)
            if not ok:
                failed.append(part.slug)
            last = k == len(runs) - 1
            table.append((part.slug, inline.counts() if inline else "skipped",
                          part_run.package.counts(),
                          word + (f"  ({seconds:.1f} s)" if last else "")))
            status.append((part.slug, ok and part_run.passed, word,
                           part_run.label))
    _save_status(root, status)
    print()
    widths = [max(len(row[i]) for row in table) + 2 for i in range(3)]
    for row in table:
        print("".join(cell.ljust(w) for cell, w in zip(row, widths))
              + row[3])
    total = len(table) - 1
    if failed:
        print(f"\n✗ {len(failed)} of {total} notebook(s) failed: "
              f"{', '.join(failed)}")
        return 1
    print(f"\n✓ all {total} notebook(s) passed"
          + (" (optional parts may still have work to do)"
             if any(r[3].startswith("optional") for r in table[1:]) else ""))
    return 0
