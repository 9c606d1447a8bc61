"""What the grading sandbox costs: seconds per submission, with and without.

In a throwaway copy of the repository (src/, tito/, tinytorch/): a course,
each module released, N honest submissions (the reference solution) per
module. Then, in this process, nbgrader autograde of every submission in
both modes (sandboxed, and as `--no-sandbox`), back to back, the order
alternating from one submission to the next, timed with
`time.perf_counter()` around tito's `autograde_student` (kernel start,
every cell, gradebook writes). Prints the median and the best seconds per
submission of each mode, their ratios, and the median of the paired
ratios (same submission, back to back: the figure least moved by other
load on the machine); checks that both modes give the same scores. A
grading that fails (a kernel that did not start, say) is retried once.

    .venv/bin/python benchmarks/grading_sandbox.py                # 01_tensor
    .venv/bin/python benchmarks/grading_sandbox.py --all --rounds 5
    .venv/bin/python benchmarks/grading_sandbox.py --module 04 --json out.json

Not a test: figures on a shared machine move; the script prints them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _course import MARKERS, ROOT, copy_repo, src, tito







def _reference(source: dict, release: dict) -> dict:
    meta = lambda c: c.get("metadata", {}).get("nbgrader", {})  # noqa: E731
    solutions = {meta(c)["grade_id"]: src(c) for c in source["cells"]
                 if meta(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        gid = meta(cell).get("grade_id")
        if gid in solutions:
            cell["source"] = "\n".join(
                ln for ln in solutions[gid].split("\n")
                if ln.strip() not in MARKERS)
    return nb


def prepare(repo: Path, slugs: list[str], students: int) -> None:
    copy_repo(repo)
    tito(repo, "nbgrader", "init")
    course = repo / "assignments"
    for slug in slugs:
        tito(repo, "nbgrader", "generate", "--module", slug)
        tito(repo, "nbgrader", "release", "--module", slug)
        source = json.loads((course / "source" / slug / f"{slug}.ipynb")
                            .read_text(encoding="utf-8"))
        release = json.loads((course / "release" / slug / f"{slug}.ipynb")
                             .read_text(encoding="utf-8"))
        inbox = repo / "inbox" / slug
        inbox.mkdir(parents=True)
        honest = json.dumps(_reference(source, release))
        for k in range(students):
            (inbox / f"student{k:02d}.ipynb").write_text(honest,
                                                         encoding="utf-8")
        tito(repo, "nbgrader", "collect", "--module", slug, str(inbox))


def measure(repo: Path, slugs: list[str], rounds: int) -> list[dict]:
    sys.path.insert(0, str(repo))
    from tito.grading.run import autograde_student, nbgrader_session
    from tito.grading.course import course_from
    from tito.grading.gradebook import submission_score
    from tito.core.project import discover, resolve
    from tito.grading.sandbox import (Limits, Sandbox,
                                      hidden_package_files, require)

    course = course_from(repo, None)
    limits = Limits()
    bwrap = require(repo, limits)
    rows = []
    for slug in slugs:
        module = resolve(repo, slug)
        sandbox = Sandbox(bwrap, repo, limits, hidden=hidden_package_files(
            module, discover(repo)))
        modes = {"sandbox": sandbox, "no sandbox": None}
        times = {name: [] for name in modes}
        pairs = []  # sandbox / no sandbox, same student, back to back
        scores = {name: set() for name in modes}
        students = course.students(slug)
        with nbgrader_session(repo, course, f"bench-{slug}") as log:
            for r in range(rounds):
                for k, student in enumerate(students):
                    order = list(modes)
                    if (r + k) % 2:
                        order.reverse()
                    took = {}
                    for name in order:
                        for attempt in (1, 2):
                            started = time.perf_counter()
                            problem = autograde_student(
                                course, slug, student, log, None,
                                modes[name], limits.output_bytes)
                            took[name] = time.perf_counter() - started
                            if not problem:
                                break
                            then = "retried" if attempt == 1 else "gave up"
                            print(f"  ! {slug}/{student} ({name}): "
                                  f"{problem}; {then}")
                        if problem:
                            sys.exit(1)
                        scores[name].add(submission_score(course, slug,
                                                          student))
                    for name, seconds in took.items():
                        times[name].append(seconds)
                    pairs.append(took["sandbox"] / took["no sandbox"])
        row = {"module": slug, "submissions": len(students),
               "rounds": rounds, "scores_agree": len(
                   scores["sandbox"] | scores["no sandbox"]) == 1}
        for name, values in times.items():
            row[name] = {"median_s": statistics.median(values),
                         "best_s": min(values), "runs": len(values)}
        row["ratio_median"] = (row["sandbox"]["median_s"]
                               / row["no sandbox"]["median_s"])
        row["ratio_best"] = (row["sandbox"]["best_s"]
                             / row["no sandbox"]["best_s"])
        quartiles = statistics.quantiles(pairs, n=4) if len(pairs) > 1 \
            else [pairs[0]] * 3
        row["paired_ratio"] = {"median": statistics.median(pairs),
                               "q1": quartiles[0], "q3": quartiles[2],
                               "n": len(pairs)}
        rows.append(row)
        _print_row(row)
    return rows


def _print_row(row: dict) -> None:
    for name in ("no sandbox", "sandbox"):
        fig = row[name]
        print(f"{row['module']:<16}{name:<12}{fig['median_s']:>9.2f}"
              f"{fig['best_s']:>9.2f}{fig['runs']:>6}")
    paired = row["paired_ratio"]
    print(f"{row['module']:<16}{'ratio':<12}{row['ratio_median']:>9.3f}"
          f"{row['ratio_best']:>9.3f}      paired: {paired['median']:.3f} "
          f"(quartiles {paired['q1']:.3f}-{paired['q3']:.3f}, "
          f"n={paired['n']}); scores agree: "
          f"{'yes' if row['scores_agree'] else 'NO'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-m", "--module", action="append",
                        help="module(s) to grade (default: the first)")
    parser.add_argument("--all", action="store_true", help="every module")
    parser.add_argument("--students", type=int, default=3,
                        help="honest submissions per module (default 3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds per mode, alternating (default 3)")
    parser.add_argument("--json", metavar="FILE", help="also save as JSON")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from tito.core.project import discover, resolve

    if args.all:
        slugs = [m.slug for m in discover(ROOT)]
    elif args.module:
        slugs = [resolve(ROOT, m).slug for m in args.module]
    else:
        slugs = [discover(ROOT)[0].slug]
    sys.path.remove(str(ROOT))
    for name in [m for m in sys.modules if m == "tito" or
                 m.startswith("tito.")]:
        del sys.modules[name]  # the copy's tito is imported in measure()

    with tempfile.TemporaryDirectory(prefix="tito-bench-") as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        print(f"• preparing {', '.join(slugs)}: {args.students} honest "
              f"submission(s) each, in {repo}", flush=True)
        prepare(repo, slugs, args.students)
        print(f"{'module':<16}{'mode':<12}{'median s':>9}{'best s':>9}"
              f"{'runs':>6}   (seconds per submission)")
        rows = measure(repo, slugs, args.rounds)
    machine = {"python": platform.python_version(),
               "cpus": os.cpu_count(), "platform": platform.platform()}
    print(f"(Python {machine['python']}, {machine['cpus']} CPUs, "
          f"{machine['platform']}; ratio = sandbox / no sandbox)")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"machine": machine, "rows": rows}, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0 if all(r["scores_agree"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
