"""Grading a class: seconds per submission, one at a time and in parallel.

In a throwaway copy of the repository (src/, tito/, tinytorch/): a course
with Module 04's core released (due date set, 10% off per started day
late), and N generated submissions (default 200), a mix like the crafted
ones of tests/grading:

  correct     the reference solution                              40%
  blank       the release as handed out                           10%
  partial     the first one to four of the five steps solved      15%
  cheater     locked test of MSE edited to pass, MSE hard-coded   10%
  loop        an infinite loop in MSE                              2%
  reshuffled  reference, a graded cell deleted, two cells added   10%
  wrong-ce    cross-entropy without the max shift (overflows)     12.5%
  corrupt     one file of broken JSON                             (1)

a tenth of them handed in late. Then `tito nbgrader autograde --module
04_losses --force --jobs J` for each J given (default 1, then 2), timed
around the whole command (wall clock: start-up, checks, every kernel,
gradebook writes), then once more with nothing changed (what a regrade
of an unchanged class costs). Prints seconds per submission and the
ratio to the first J, and checks that every run leaves the same grades
(per cell, and late penalties) in the gradebook.

    .venv/bin/python benchmarks/grading_class.py               # 200, J=1,2
    .venv/bin/python benchmarks/grading_class.py --students 40 --jobs 2
    .venv/bin/python benchmarks/grading_class.py --json out.json

Not a test: figures on a shared machine move; the script prints them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

from _course import MARKERS, copy_repo, src, tito

SLUG = "04_losses"
DUE = "2026-11-02 12:00 UTC"
DUE_EPOCH = 1793620800.0  # the same moment
MIX = [("correct", 0.40), ("blank", 0.10), ("partial", 0.15),
       ("cheater", 0.10), ("loop", 0.02), ("reshuffled", 0.10),
       ("wrong-ce", 0.125)]




def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})




def _plain(text: str) -> str:
    return "\n".join(ln for ln in text.split("\n")
                     if ln.strip() not in MARKERS)


def submissions(source: dict, release: dict, n: int) -> dict[str, str]:
    """student -> notebook text, the mix of the module docstring."""
    rng = random.Random(4)
    solutions = {_meta(c)["grade_id"]: _plain(src(c))
                 for c in source["cells"] if _meta(c).get("solution")}
    order = list(solutions)

    def fill(ids, change=None):
        nb = copy.deepcopy(release)
        for cell in nb["cells"]:
            gid = _meta(cell).get("grade_id")
            if gid in ids:
                cell["source"] = solutions[gid]
                if change:
                    change(cell, gid)
        return nb

    def edit(cell, old, new):
        if old not in cell["source"]:  # the reference changed: say so
            sys.exit(f"{_meta(cell)['grade_id']}: the reference solution "
                     f"no longer has {old!r}; update benchmarks/"
                     "grading_class.py")
        cell["source"] = cell["source"].replace(old, new, 1)

    def loop(cell, gid):
        if gid == "losses-mse":
            edit(cell, "    diff = ", "    while True:\n        pass\n"
                 "    diff = ")

    def no_shift(cell, gid):
        if gid == "losses-cross-entropy":
            edit(cell, "shifted = z - m", "shifted = z.copy()")

    def hard_code(cell, gid):
        if gid == "losses-mse":
            edit(cell, "    diff = ", "    return from_numpy(np.float32(2.0))"
                 "\n    diff = ")

    kinds = []
    for kind, share in MIX:
        kinds += [kind] * round(share * n)
    kinds = (kinds + ["correct"] * n)[:n - 1] + ["corrupt"]
    out = {}
    for k, kind in enumerate(kinds):
        student = f"s{k:03d}-{kind}"
        if kind == "corrupt":
            out[student] = '{"cells": [{"cell_type": '
            continue
        if kind == "correct":
            nb = fill(order)
        elif kind == "blank":
            nb = copy.deepcopy(release)
        elif kind == "partial":
            nb = fill(order[:rng.randint(1, len(order) - 1)])
        elif kind == "loop":
            nb = fill(order, loop)
        elif kind == "wrong-ce":
            nb = fill(order, no_shift)
        elif kind == "cheater":
            nb = fill(order, hard_code)
            for cell in nb["cells"]:
                if _meta(cell).get("grade_id") == "losses-test-mse":
                    cell["source"] = 'print("✅ all tests pass")\n'
        else:  # reshuffled
            nb = fill(order)
            graded = [c for c in nb["cells"] if _meta(c).get("grade")]
            nb["cells"].remove(rng.choice(graded))
            nb["cells"].insert(3, {"cell_type": "markdown", "id": f"m{k}",
                                   "metadata": {}, "source": "my notes"})
            nb["cells"].append({"cell_type": "code", "id": f"c{k}",
                                "metadata": {}, "outputs": [],
                                "execution_count": None,
                                "source": "print('scratch')"})
        out[student] = json.dumps(nb)
    return out


def prepare(repo: Path, n: int) -> int:
    """The course and its class; returns how many are gradable."""
    copy_repo(repo)
    tito(repo, "nbgrader", "init", "--late-penalty", "10")
    tito(repo, "nbgrader", "generate", "--module", SLUG)
    tito(repo, "nbgrader", "release", "--module", SLUG, "--due", DUE)
    course = repo / "assignments"
    read = lambda sub: json.loads((course / sub / SLUG / f"{SLUG}.ipynb")  # noqa
                                  .read_text(encoding="utf-8"))
    inbox = repo / "inbox"
    inbox.mkdir()
    subs = submissions(read("source"), read("release"), n)
    for k, (student, text) in enumerate(sorted(subs.items())):
        path = inbox / f"{student}.ipynb"
        path.write_text(text, encoding="utf-8")
        when = DUE_EPOCH - 3600 if k % 10 else DUE_EPOCH + 30 * 3600
        os.utime(path, (when, when))
    tito(repo, "nbgrader", "collect", "--module", SLUG, str(inbox))
    return len(subs) - 1


def gradebook(repo: Path) -> dict:
    sys.path.insert(0, str(repo))
    from nbgrader.api import Gradebook

    db = repo / "assignments" / "gradebook.db"
    with Gradebook(f"sqlite:///{db}", "tinytorch") as gb:
        out = {sub.student_id: (
            {g.name: g.score for g in sub.notebooks[0].grades},
            sub.notebooks[0].late_submission_penalty)
            for sub in gb.find_assignment(SLUG).submissions}
    sys.path.remove(str(repo))
    return out


# the graded cells each kind should lose (partial: those of the steps
# after the last one solved; later steps call reduce_losses, step 2)
ORDER = ["losses-test-log-softmax", "losses-test-reduce", "losses-test-mse",
         "losses-test-cross-entropy", "losses-test-bce"]  # notebook order
LOSES = {"correct": set(), "reshuffled": set(),
         "cheater": {"losses-test-mse"}, "loop": {"losses-test-mse"},
         "wrong-ce": {"losses-test-cross-entropy"}}


def unfair(grades: dict) -> list[str]:
    """Students whose grade is not what their kind of work earns."""
    out = []
    for student, (cells, _) in sorted(grades.items()):
        kind = student.split("-", 1)[1]
        lost = {name for name, score in cells.items() if not score}
        if kind == "blank":
            ok = lost == set(cells)
        elif kind == "partial":  # lost a tail of the steps, in order
            steps = [name for name in ORDER if name in cells]
            ok = any(lost == set(steps[k:]) for k in range(1, len(steps)))
        else:
            ok = lost == LOSES[kind]
        if not ok:
            out.append(f"{student} lost {sorted(lost)}")
    return out


def run(repo: Path, jobs: int, force: bool = True) -> tuple[float, str]:
    args = ["nbgrader", "autograde", "--module", SLUG, "--jobs", str(jobs)]
    started = time.perf_counter()
    r = tito(repo, *args, *(["--force"] if force else []), check=False)
    seconds = time.perf_counter() - started
    if r.returncode not in (0, 1):  # 1: the corrupt file, as it should
        sys.exit(f"autograde failed:\n{r.stdout}{r.stderr}")
    return seconds, r.stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200,
                        help="submissions (default 200)")
    parser.add_argument("--jobs", type=int, action="append",
                        help="--jobs of each run (default: 1, then 2)")
    parser.add_argument("--json", metavar="FILE", help="also save as JSON")
    args = parser.parse_args(argv)
    jobs = args.jobs or [1, 2]
    machine = {"python": platform.python_version(),
               "cpus": os.cpu_count(), "platform": platform.platform(),
               "load_before": os.getloadavg()}
    rows, grades = [], []
    with tempfile.TemporaryDirectory(prefix="tito-class-") as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        print(f"• preparing {args.students} submissions of {SLUG} in "
              f"{repo}", flush=True)
        gradable = prepare(repo, args.students)
        for j in jobs:
            print(f"• autograde --jobs {j} --force ...", flush=True)
            seconds, out = run(repo, j)
            graded = sum(1 for line in out.splitlines()
                         if line.startswith("  [") and "not graded"
                         not in line)
            grades.append(gradebook(repo))
            rows.append({"jobs": j, "seconds": seconds, "graded": graded,
                         "per_submission": seconds / max(1, graded)})
            print(f"  {seconds:.0f} s, {graded} graded", flush=True)
        seconds, out = run(repo, jobs[-1], force=False)
        unchanged = {"seconds": seconds, "graded": sum(
            1 for line in out.splitlines() if line.startswith("  ["))}
    base = rows[0]["seconds"]
    same = all(g == grades[0] for g in grades)
    wrong = unfair(grades[0])
    print(f"\n{'jobs':>4} {'graded':>7} {'total s':>8} {'s/submission':>13}"
          f" {'speed-up':>9}")
    for row in rows:
        print(f"{row['jobs']:>4} {row['graded']:>7} {row['seconds']:>8.0f} "
              f"{row['per_submission']:>13.2f} "
              f"{base / row['seconds']:>8.2f}x")
    print(f"unchanged class, --jobs {jobs[-1]} without --force: "
          f"{unchanged['seconds']:.1f} s, {unchanged['graded']} graded")
    print(f"same grades in every run (per cell, late penalties): "
          f"{'yes' if same else 'NO'}; {gradable} gradable of "
          f"{args.students}")
    print(f"every grade what its kind of work earns (correct and reshuffled "
          f"full marks, cheater, loop and wrong-ce lose exactly their cell, "
          f"blank nothing, partial the steps after its last): "
          f"{'yes' if not wrong else 'NO: ' + '; '.join(wrong[:5])}")
    print(f"(Python {machine['python']}, {machine['cpus']} CPUs, load "
          f"before {machine['load_before'][0]:.2f}, {machine['platform']})")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"machine": machine, "rows": rows, "unchanged": unchanged,
             "same_grades": same, "unfair": wrong}, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0 if same and not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
