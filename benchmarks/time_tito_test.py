"""Where the time of `tito test --module 04_losses` goes, measured.

Makes a throwaway copy of the repository in which a learner finished the
core notebook of Module 04 (the reference solutions written into the stub
cells) and exported it, leaving the optional stretch notebook untouched;
then times whole processes, each RUNS times after one warm-up run, and
prints the median (min-max) of each: the command itself, and the pieces it
is made of.

    python benchmarks/time_tito_test.py            # 7 runs each
    python benchmarks/time_tito_test.py --runs 3

benchmarks/README.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLUG = "04_losses"
PYTEST = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
          "import pytest; sys.exit(pytest.main(sys.argv[1:]))")
NBVAL = ["--nbval-lax", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
         "-p", "no:anyio", "-p", "no:hypothesispytest", "-p", "no:logging"]
PACKAGE = ["-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p",
           "no:anyio", "-p", "no:logging"]
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1"}


def finished_core(dest: Path) -> Path:
    """A repository copy with Module 04's core done and exported."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
    from _support import make_copy
    from tito.core.markers import SOLUTION
    from tito.core.notebooks import read_source
    from tito.core.project import Module

    repo = make_copy(dest)
    env = dict(os.environ, PYTHONPATH=str(repo))
    subprocess.run([sys.executable, "-m", "tito", "notebook", "--module",
                    SLUG], cwd=repo, env=env, check=True,
                   capture_output=True)
    core = Module(repo, SLUG).core
    twins = {c.id: c for c in read_source(core).cells}
    nb = json.loads(core.notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") in twins and cell["metadata"].get(
                "nbgrader", {}).get("solution"):
            cell["source"] = "\n".join(
                line for line in twins[cell["id"]].source.split("\n")
                if line.strip() not in SOLUTION)
    core.notebook.write_text(json.dumps(nb), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "tito", "export", "--module",
                    SLUG], cwd=repo, env=env, check=True,
                   capture_output=True)
    return repo


def timed(repo: Path, command: list[str], runs: int, extra=None):
    env = dict(os.environ, PYTHONPATH=str(repo), MPLBACKEND="Agg",
               **(extra or {}))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(command, cwd=repo, env=env, capture_output=True)  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=repo, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tito-timing-"))
    try:
        repo = finished_core(tmp / "repo")
        py = sys.executable
        tests = sorted((repo / "tests" / SLUG).glob("test_*.py"))
        core = [str(p) for p in tests if not p.name.startswith("test_stretch_")]
        empty = tmp / "test_empty.py"
        empty.write_text("def test_nothing():\n    pass\n", encoding="utf-8")
        quick = dict(ONE_THREAD)  # the quick profile goes in the arguments
        kernel = ("from jupyter_client.manager import start_new_kernel\n"
                  "km, kc = start_new_kernel(kernel_name='python3')\n"
                  "kc.stop_channels(); km.shutdown_kernel(now=True)\n")
        rows = [
            ("tito test --module 04_losses",
             [py, "-m", "tito", "test", "--module", SLUG], None),
            ("tito test --module 04_losses --package-only",
             [py, "-m", "tito", "test", "--module", SLUG, "--package-only"],
             None),
            ("python -c 'import tito.main'", [py, "-c", "import tito.main"],
             None),
            ("tito status", [py, "-m", "tito", "status"], None),
            ("a Jupyter kernel: start and shut down", [py, "-c", kernel],
             None),
            ("pytest start, one empty test", [py, "-c", PYTEST, str(empty),
                                              *PACKAGE], quick),
            ("nbval, both notebooks (what tito runs)",
             [py, "-c", PYTEST, f"modules/{SLUG}/{SLUG}.ipynb",
              f"modules/{SLUG}/{SLUG}_stretch.ipynb", *NBVAL], None),
            ("pytest --collect-only, core package tests",
             [py, "-c", PYTEST, *core, *PACKAGE, "--collect-only",
              "--hypothesis-profile=quick"], quick),
            ("pytest, core package tests (what tito runs)",
             [py, "-c", PYTEST, *core, *PACKAGE,
              "--hypothesis-profile=quick"], quick),
        ]
        print(f"{args.runs} runs each, load average "
              f"{os.getloadavg()[0]:.1f} at the start")
        for name, command, extra in rows:
            med, low, high = timed(repo, command, args.runs, extra)
            print(f"{name:<48} {med:6.2f} s  ({low:.2f}-{high:.2f})",
                  flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
