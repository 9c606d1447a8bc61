"""Grading with nbgrader, end to end, for every module, in a real gradebook.

In a throwaway copy of the repository: `tito nbgrader init`, then per module
generate → release → collect eight submissions → autograde → feedback →
report. The scores are read back from nbgrader's SQLite gradebook with
nbgrader's own API and compared with what each submission deserves:

  alice    the instructor's solution             full marks
  ulrich   the release, untouched                zero on every graded test
  olga     only the first part solved            exactly that part's points
  sam      a float64 → float32 bug that only     loses the cells whose hidden
           the hidden tests catch                tests catch it
  leo      an infinite loop in one function      the cells that call it score
                                                 zero after the timeout
  carl     the kernel killed (SIGKILL) in one    the cells that call it score
           function                              zero; grading goes on
  mallory  one test cell edited to pass, two    all reported; the edit is
           test cells deleted                    undone, the deleted tests
                                                 are put back and graded
  bob      invalid JSON                          reported, not graded; the
                                                 batch goes on; in the CSV
                                                 with a status saying why

The release is due at DUE; olga hands in 26 hours late (by her file's
modification time) and loses 10% per started day (--late-penalty 10);
mallory's folder carries an nbgrader exchange timestamp.txt, on time.
Autograde runs two submissions at a time (--jobs 2) in a SQLite gradebook.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from _support import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_SOLUTION, make_copy,
                      module_slugs, regions, tito)

pytestmark = pytest.mark.slow

TIMEOUT = 8  # seconds per cell while autograding (the loops cost this)
DUE = datetime(2026, 11, 2, 12, 0)  # UTC
ON_TIME = DUE.replace(day=1)  # every file's time, but for olga's
OLGA_LATE_HOURS = 26  # two started days: 20% off at 10% a day
MALLORY_STAMP = "2026-11-02 11:59:00.000000 UTC"  # her timestamp.txt
COURSE = "assignments"
NBGRADER_KEYS = {"grade", "grade_id", "locked", "points", "schema_version",
                 "solution", "task"}


@dataclass(frozen=True)
class Target:
    """The function a module's faulty submissions break."""

    solution: str  # its solution cell
    calls: tuple[str, ...]  # graded cells that run it: unit test first
    bug: tuple[str, str]  # a float32 bug: old text -> new text
    caught_by: tuple[str, ...]  # graded cells whose hidden tests catch it
    module_test: str = ""  # its module test, when that is not in `calls`


TARGETS = {
    "01_tensor": Target(
        "tensor-matmul", ("tensor-test-matmul",),
        ("    return _wrap(np.matmul(a, b))",
         "    return _wrap(np.matmul(a, b).astype(np.float32))"),
        ("tensor-test-matmul",), module_test="tensor-test-module"),
    "02_activations": Target(
        "activations-relu", ("activations-test-relu",),
        ("    return from_numpy(out)",
         "    return from_numpy(out.astype(np.float32))"),
        ("activations-test-relu",), module_test="activations-test-module"),
    "03_layers": Target(
        "layers-dropout", ("layers-test-dropout",),
        ("    return from_numpy(out)",
         "    return from_numpy(out.astype(np.float32))"),
        ("layers-test-dropout",), module_test="layers-test-module"),
    "04_losses": Target(
        "losses-mse", ("losses-test-mse",),
        ("    return reduce_losses(squared, reduction)",
         "    return reduce_losses(squared.astype(np.float32), reduction)"),
        ("losses-test-mse",), module_test="losses-test-module"),
}
STUDENTS = ["alice", "bob", "carl", "leo", "mallory", "olga", "sam",
            "ulrich"]


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _gid(cell) -> str | None:
    return _meta(cell).get("grade_id")


def _src(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def _without_markers(source: str) -> str:
    return "\n".join(line for line in source.split("\n")
                     if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION))


def _insert_after_marker(source: str, lines: list[str]) -> str:
    """Put `lines` first in the solution region, at its indentation."""
    out, done = [], False
    for line in source.split("\n"):
        out.append(line)
        if not done and line.strip() == BEGIN_SOLUTION:
            pad = line[:len(line) - len(line.lstrip())]
            out.extend(pad + extra for extra in lines)
            done = True
    assert done, "no solution region"
    return "\n".join(out)


# ----------------------------------------------------------- submissions


def _submissions(source: dict, release: dict, slug: str) -> dict:
    """The eight submissions of the module docstring, as notebook dicts."""
    target = TARGETS[slug].solution
    old, new = TARGETS[slug].bug
    by_id = {_gid(c): c for c in source["cells"] if _gid(c)}
    solutions = {gid: _src(c) for gid, c in by_id.items()
                 if _meta(c).get("solution")}
    assert target in solutions, f"{slug}: no solution cell {target}"
    first = next(gid for gid in (_gid(c) for c in source["cells"])
                 if gid in solutions)

    def fill(ids, change=None):
        nb = copy.deepcopy(release)
        for cell in nb["cells"]:
            gid = _gid(cell)
            if gid in ids:
                text = solutions[gid]
                if change and gid == target:
                    text = change(text)
                cell["source"] = _without_markers(text)
        return nb

    def float32_bug(text):
        assert old in text, (f"{slug}: the float32 bug needs {old!r} in "
                             f"{target}; the module changed, update TARGETS")
        return text.replace(old, new, 1)

    def infinite_loop(text):
        return _insert_after_marker(text, ["while True:", "    pass"])

    def kill_kernel(text):
        return _insert_after_marker(text, [
            "import os, signal", "os.kill(os.getpid(), signal.SIGKILL)"])

    subs = {
        "alice": fill(solutions),
        "ulrich": copy.deepcopy(release),
        "olga": fill({first}),
        "sam": fill(solutions, float32_bug),
        "leo": fill(solutions, infinite_loop),
        "carl": fill(solutions, kill_kernel),
    }
    # mallory: leaves the target unsolved but edits its test to pass, and
    # deletes the test cell of a part she solved, and the module test (the
    # cell before it is read-only: plain nbgrader 0.9.6 fails on that)
    mallory = fill(set(solutions) - {target})
    target_test = _target_test(source, slug)
    deleted = {_deleted_by_mallory(source, slug), _module_test(slug)}
    for cell in mallory["cells"]:
        if _gid(cell) == target_test:
            cell["source"] = 'print("all tests pass")\n'
    mallory["cells"] = [c for c in mallory["cells"]
                        if _gid(c) not in deleted]
    subs["mallory"] = mallory
    return subs


def _part_tests(source: dict, solution_id: str) -> list[str]:
    """Graded cells between a solution cell and the next solution cell."""
    found, inside = [], False
    for cell in source["cells"]:
        meta = _meta(cell)
        if meta.get("solution"):
            if inside:
                break
            inside = _gid(cell) == solution_id
        elif inside and meta.get("grade"):
            found.append(_gid(cell))
    assert found, f"no graded cell follows {solution_id}"
    return found


def _target_test(source: dict, slug: str) -> str:
    return TARGETS[slug].calls[0]


def _module_test(slug: str) -> str:
    """The module test: in `calls` (graded), or locked with no points."""
    return TARGETS[slug].module_test or TARGETS[slug].calls[-1]


def _calls(slug: str) -> set[str]:
    return set(TARGETS[slug].calls)


def _deleted_by_mallory(source: dict, slug: str) -> str:
    """The first graded cell that does not run the target."""
    return next(_gid(c) for c in source["cells"] if _meta(c).get("grade")
                and _gid(c) not in _calls(slug))


# --------------------------------------------------------------- fixtures


@dataclass
class Graded:
    slug: str
    repo: Path
    course: Path
    source: dict
    release: dict
    points: dict  # grade_id -> max points, from the release
    scores: dict  # student -> {grade_id: score}, from the gradebook
    autograde: object  # CompletedProcess of tito nbgrader autograde
    inbox: Path
    handed_in: dict  # student -> (timestamp, seconds late, penalty)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """One repository copy and course for the whole module of tests."""
    dest = tmp_path_factory.mktemp("grading") / "repo"
    dest.mkdir(parents=True, exist_ok=True)
    make_copy(dest)
    r = tito(dest, "export", "--all", "--reference")
    assert r.returncode == 0, r.stdout + r.stderr
    r = tito(dest, "nbgrader", "init", "--timeout", str(TIMEOUT),
             "--late-penalty", "10")
    assert r.returncode == 0, r.stdout + r.stderr
    return dest


def _epoch(moment: datetime) -> float:
    """A naive UTC time as seconds since the epoch."""
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _gradebook(course: Path, slug: str, per_submission) -> dict:
    """{student: per_submission(submission, its one notebook)}, read from
    nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}",
                   "tinytorch") as gb:
        return {sub.student_id: per_submission(sub, *sub.notebooks)
                for sub in gb.find_assignment(slug).submissions}


def _gradebook_scores(course: Path, slug: str) -> dict:
    return _gradebook(course, slug, lambda sub, snb: {
        g.name: g.score for g in snb.grades})


def _gradebook_lateness(course: Path, slug: str) -> dict:
    return _gradebook(course, slug, lambda sub, snb: (
        sub.timestamp, sub.total_seconds_late, snb.late_submission_penalty))


@pytest.fixture(scope="module", params=module_slugs())
def graded(request, repo, tmp_path_factory, autograde_flags) -> Graded:
    slug = request.param
    assert slug in TARGETS, f"add {slug} to TARGETS in {__file__}"
    course = repo / COURSE
    r = tito(repo, "nbgrader", "generate", "--module", slug)
    assert r.returncode == 0, r.stdout + r.stderr
    r = tito(repo, "nbgrader", "release", "--module", slug, "--due",
             f"{DUE:%Y-%m-%d %H:%M} UTC")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "due 2026-11-02 12:00 UTC" in r.stdout, r.stdout
    source = _read(course / "source" / slug / f"{slug}.ipynb")
    release = _read(course / "release" / slug / f"{slug}.ipynb")

    # three layouts an instructor gets: a folder of STUDENT.ipynb files,
    # a folder per student, a zip
    inbox = tmp_path_factory.mktemp(f"inbox-{slug}")
    subs = _submissions(source, release, slug)
    for student, nb in subs.items():
        if student == "mallory":
            path = inbox / "by-folder" / "mallory" / "my work.ipynb"
        else:
            path = inbox / "flat" / f"{student}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        when = _epoch(ON_TIME) if student != "olga" else (
            _epoch(DUE) + OLGA_LATE_HOURS * 3600)
        os.utime(path, (when, when))
    (inbox / "by-folder" / "mallory" / "timestamp.txt").write_text(
        MALLORY_STAMP + "\n", encoding="utf-8")
    with zipfile.ZipFile(inbox / "late.zip", "w") as zf:
        zf.writestr("bob.ipynb", '{"cells": [')  # broken JSON
        zf.writestr("../escape.ipynb", "{}")  # never extracted
    r = tito(repo, "nbgrader", "collect", "--module", slug,
             str(inbox / "flat"), str(inbox / "by-folder"),
             str(inbox / "late.zip"))
    assert r.returncode == 0, r.stdout + r.stderr
    for student in STUDENTS:
        assert (course / "submitted" / student / slug
                / f"{slug}.ipynb").is_file(), (student, r.stdout)
    assert not (course / "submitted" / "escape").exists()

    autograde = tito(repo, "nbgrader", "autograde", "--module", slug,
                     "--jobs", "2", *autograde_flags, timeout=900)
    points = {_gid(c): float(_meta(c)["points"]) for c in release["cells"]
              if _meta(c).get("grade")}
    return Graded(slug, repo, course, source, release, points,
                  _gradebook_scores(course, slug), autograde, inbox,
                  _gradebook_lateness(course, slug))


def _expect(g: Graded, student: str, zero: set[str]) -> None:
    """The student scores zero on `zero` and full points elsewhere."""
    assert student in g.scores, (
        f"{student} is not in the gradebook\n{g.autograde.stdout}")
    want = {gid: 0.0 if gid in zero else pts
            for gid, pts in g.points.items()}
    assert g.scores[student] == want, (
        f"{g.slug}/{student}: gradebook {g.scores[student]} != {want}\n"
        f"{g.autograde.stdout}")


# -------------------------------------------------- generate and release


def test_source_notebook_has_full_v3_metadata(graded):
    code = [c for c in graded.source["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        meta = _meta(cell)
        assert set(meta) >= NBGRADER_KEYS, (cell.get("id"), meta)
        assert meta["schema_version"] == 3
    assert any(BEGIN_SOLUTION in _src(c) for c in code)
    assert any(BEGIN_HIDDEN in _src(c) for c in code)


def test_release_has_no_solutions_and_no_hidden_tests(graded):
    text = json.dumps(graded.release)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS",
                   "END HIDDEN TESTS"):
        assert marker not in text, marker
    released = {_gid(c): {line.strip() for line in _src(c).split("\n")}
                for c in graded.release["cells"] if _gid(c)}
    checked = 0
    for cell in graded.source["cells"]:
        gid = _gid(cell)
        inside, outside = regions(_src(cell))
        for line in inside - outside:
            if len(line) >= 10 and not line.startswith("#"):
                checked += 1
                assert line not in released[gid], f"{gid} leaks {line!r}"
    assert checked > 20
    assert set(released) == {_gid(c) for c in graded.source["cells"]
                             if _gid(c)}


# ------------------------------------------------------------ autograde


def test_autograde_finishes_and_reports_the_broken_submission(graded):
    r = graded.autograde
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("tito nbgrader: error: 1 submission(s) "
                               "could not be graded: bob"), lines
    assert lines[1].lstrip().startswith("hint: "), lines
    assert "bob: " in r.stdout and "not valid notebook JSON" in r.stdout
    assert "bob" not in graded.scores
    graded_students = set(STUDENTS) - {"bob"}
    assert set(graded.scores) == graded_students, graded.scores
    assert "graded 7 of 8 submission(s)" in r.stdout


def test_solution_gets_full_marks(graded):
    _expect(graded, "alice", set())
    assert sum(graded.scores["alice"].values()) == sum(
        graded.points.values()) > 0


def test_untouched_release_scores_zero_everywhere(graded):
    _expect(graded, "ulrich", set(graded.points))


def test_one_part_solved_gets_exactly_that_part(graded):
    first = next(_gid(c) for c in graded.source["cells"]
                 if _meta(c).get("solution"))
    part = set(_part_tests(graded.source, first))
    _expect(graded, "olga", set(graded.points) - part)
    assert 0 < sum(graded.scores["olga"].values()) < sum(
        graded.points.values())


def test_hidden_tests_catch_what_the_visible_tests_miss(graded):
    _expect(graded, "sam", set(TARGETS[graded.slug].caught_by))
    # the same notebook passes every visible test: run it as a student does
    from nbclient import NotebookClient
    import nbformat

    nb = nbformat.reads(json.dumps(_read(
        graded.course / "submitted" / "sam" / graded.slug
        / f"{graded.slug}.ipynb")), as_version=4)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(graded.repo)
    NotebookClient(nb, timeout=120, allow_errors=True,
                   kernel_name="python3").execute(env=env,
                                                  cwd=str(graded.inbox))
    failed = [_gid(c) for c in nb.cells if _meta(c).get("grade") and any(
        o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert failed == [], f"visible tests already catch it: {failed}"


def test_infinite_loop_scores_zero_there_and_grading_goes_on(graded):
    calls = _calls(graded.slug)
    _expect(graded, "leo", calls)
    nb = _read(graded.course / "autograded" / "leo" / graded.slug
               / f"{graded.slug}.ipynb")
    timed_out = {_gid(c) for c in nb["cells"] if any(
        o.get("ename") == "CellTimeoutError" for o in c.get("outputs", []))}
    assert calls <= timed_out, timed_out
    line = next(l for l in graded.autograde.stdout.splitlines()
                if "] leo " in l)
    assert "timed out" in line, line


def test_kernel_crash_scores_zero_there_and_grading_goes_on(graded):
    calls = _calls(graded.slug)
    _expect(graded, "carl", calls)
    target_test = _target_test(graded.source, graded.slug)
    nb = _read(graded.course / "autograded" / "carl" / graded.slug
               / f"{graded.slug}.ipynb")
    died = {_gid(c) for c in nb["cells"] if any(
        o.get("ename") == "DeadKernelError" for o in c.get("outputs", []))}
    assert target_test in died, died
    line = next(l for l in graded.autograde.stdout.splitlines()
                if "] carl " in l)
    assert "crashed the kernel" in line, line


def test_tampered_locked_cells_are_reported_and_undone(graded):
    calls = _calls(graded.slug)
    deleted = _deleted_by_mallory(graded.source, graded.slug)
    target_test = _target_test(graded.source, graded.slug)
    out = graded.autograde.stdout
    assert (f"mallory: locked cell {target_test} was edited" in out), out
    assert (f"mallory: locked cell {deleted} was deleted" in out), out
    module_test = _module_test(graded.slug)
    assert (f"mallory: locked cell {module_test} was deleted" in out), out
    # the edit is undone (the real test fails on the unsolved part), the
    # deleted test is put back and graded (the part is solved: full marks)
    _expect(graded, "mallory", calls)
    assert graded.scores["mallory"][deleted] == graded.points[deleted] > 0
    findings = [line for line in out.splitlines()
                if line.startswith(("  ! ", "  ✗ "))]
    assert {line.split()[1] for line in findings} == {"mallory:", "bob:"}
    summary = [line for line in out.splitlines()
               if "changed what they must not" in line]
    assert summary == [f"! {graded.slug}: changed what they must not: "
                       "mallory (locked cells edited or deleted)"], out
    # nbgrader's per-cell checksum warnings stay out of the log
    logs = "".join(p.read_text(encoding="utf-8") for p in
                   (graded.course / "logs").glob(
                       f"autograde-{graded.slug}-*.log"))
    assert "Missing grade cell" in logs  # the log is there
    assert "Attribute 'checksum'" not in logs


# ------------------------------------------------- feedback and report


def test_feedback_is_written_for_graded_students(graded):
    r = tito(graded.repo, "nbgrader", "feedback", "--module", graded.slug,
             "--student", "alice")
    assert r.returncode == 0, r.stdout + r.stderr
    html = graded.course / "feedback" / "alice" / graded.slug / \
        f"{graded.slug}.html"
    text = html.read_text(encoding="utf-8")
    assert _target_test(graded.source, graded.slug) in text
    # formulas render offline: MathJax beside the page, no CDN at all
    assert "cdnjs" not in text and "mathjax" in text.lower()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', text)
    assert scripts == ["mathjax.js"], scripts
    local = html.parent / "mathjax.js"
    assert local.stat().st_size > 1_000_000
    assert b"MathJax" in local.read_bytes()[:200_000]
    r = tito(graded.repo, "nbgrader", "feedback", "--module", graded.slug,
             "--student", "bob")
    assert r.returncode == 1
    assert "bob has no graded submission" in r.stderr


def test_report_csv_matches_the_gradebook(graded):
    out = graded.repo / f"grades-{graded.slug}.csv"
    r = tito(graded.repo, "nbgrader", "report", "--module", graded.slug,
             "--output", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{graded.slug}: not graded: bob" in r.stderr
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["student", "assignment", "grade_id", "points",
                             "max_points", "status", "submitted",
                             "hours_late", "penalty", "feedback"]
    cells = [r for r in rows if r["grade_id"] != "total"]
    totals = {r["student"]: r for r in rows if r["grade_id"] == "total"}
    got = {}
    for row in cells:
        assert row["assignment"] == graded.slug
        assert float(row["max_points"]) == graded.points[row["grade_id"]]
        got.setdefault(row["student"], {})[row["grade_id"]] = \
            float(row["points"])
    assert got == graded.scores
    # every collected student has a total row; bob's says why he has none
    assert set(totals) == set(STUDENTS)
    maximum = sum(graded.points.values())
    assert totals["bob"]["points"] == ""
    assert float(totals["bob"]["max_points"]) == maximum
    assert totals["bob"]["status"].startswith(
        "not graded: 04_losses.ipynb: not valid notebook JSON".replace(
            "04_losses", graded.slug)), totals["bob"]
    for student, scores in graded.scores.items():
        row = totals[student]
        assert row["status"] == "graded", row
        penalty = float(row["penalty"] or 0)
        assert float(row["points"]) == sum(scores.values()) - penalty
        assert float(row["max_points"]) == maximum
    # olga: 26 h late, two started days at 10%: 20% of her score off
    olga = totals["olga"]
    assert float(olga["hours_late"]) == OLGA_LATE_HOURS
    assert float(olga["penalty"]) == pytest.approx(
        0.2 * sum(graded.scores["olga"].values()))
    assert olga["submitted"] == "2026-11-03 14:00 UTC"
    assert totals["mallory"]["submitted"] == "2026-11-02 11:59 UTC"
    assert totals["alice"]["hours_late"] == "" and \
        totals["alice"]["penalty"] == ""
    # the release order of the cells
    alice = [r["grade_id"] for r in cells if r["student"] == "alice"]
    assert alice == list(graded.points)
    # a second report of different content keeps the first as a backup
    out.write_text("my notes\n", encoding="utf-8")
    r = tito(graded.repo, "nbgrader", "report", "--module", graded.slug,
             "--output", str(out))
    assert r.returncode == 0, r.stderr
    backups = list(out.parent.glob(f"{out.stem}.*.csv"))
    assert any(b.read_text(encoding="utf-8") == "my notes\n"
               for b in backups), backups
    assert str(backups[0].name) in r.stdout
    # by default the report goes into the course folder
    r = tito(graded.repo, "nbgrader", "report", "--module", graded.slug)
    assert r.returncode == 0, r.stderr
    assert (graded.course / "grades.csv").read_text(encoding="utf-8") == \
        out.read_text(encoding="utf-8")


def test_grades_csv_is_ignored_by_git():
    from _support import ROOT

    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "grades*.csv" in lines and "assignments/" in lines


def test_lateness_is_recorded_and_penalised(graded):
    """timestamp.txt from collect reaches nbgrader's gradebook; the
    late-penalty plugin takes 10% per started day off the late one."""
    stamp, late, penalty = graded.handed_in["olga"]
    assert stamp == DUE.replace(day=3, hour=14)
    assert late == OLGA_LATE_HOURS * 3600
    assert penalty == pytest.approx(0.2 * sum(
        graded.scores["olga"].values()))
    assert graded.handed_in["alice"] == (ON_TIME, 0, None)
    assert graded.handed_in["mallory"][:2] == (
        datetime(2026, 11, 2, 11, 59), 0)  # from her timestamp.txt
    line = next(l for l in graded.autograde.stdout.splitlines()
                if "] olga " in l)
    assert "26 h late" in line, line
    for student in ("bob", "olga"):
        folder = graded.course / "submitted" / student / graded.slug
        assert (folder / "timestamp.txt").is_file()


def test_release_is_the_learner_notebook_but_for_nbgrader_metadata(graded):
    """`tito nbgrader release` gives students what `tito notebook` gives
    a learner: same cells, ids, stubs, setup cell; only nbgrader's own
    metadata (checksums, cell types, the lock) is added."""
    import nbformat

    from _support import part
    from tito.core.notebooks import learner_notebook

    learner = json.loads(nbformat.writes(learner_notebook(
        part(graded.slug))))
    release = graded.release
    assert release["metadata"] == learner["metadata"]
    assert len(release["cells"]) == len(learner["cells"])
    added = {"checksum", "cell_type"}
    for mine, theirs in zip(release["cells"], learner["cells"]):
        assert mine["id"] == theirs["id"]
        assert _src(mine) == _src(theirs), mine["id"]
        assert mine["cell_type"] == theirs["cell_type"]
        meta, want = dict(mine["metadata"]), dict(theirs["metadata"])
        lock = {k: meta.pop(k) for k in ("editable", "deletable")
                if k in meta}
        assert set(lock.values()) <= {False}, lock
        got_nb, want_nb = meta.pop("nbgrader", {}), want.pop("nbgrader", {})
        assert meta == want, mine["id"]
        assert set(got_nb) - set(want_nb) <= added, mine["id"]
        assert {k: got_nb[k] for k in want_nb} == want_nb, mine["id"]
    stubs = [c for c in release["cells"] if _meta(c).get("solution")]
    assert stubs
    for cell in stubs:
        assert f'raise NotImplementedError("{_gid(cell)}: ' in _src(cell) \
            or f"raise NotImplementedError('{_gid(cell)}: " in _src(cell)
        assert "# YOUR CODE HERE" in _src(cell)


@pytest.mark.parametrize("graded", module_slugs()[:1], indirect=True)
def test_only_new_or_changed_submissions_are_graded_again(graded,
                                                          autograde_flags):
    """Run again: nothing is graded (every fingerprint matches); alice
    hands in a changed notebook: only she is graded, her feedback is
    flagged stale, and `feedback` rewrites only hers. (One module: the
    machinery is the same for all.)"""
    repo, slug = graded.repo, graded.slug
    r = tito(repo, "nbgrader", "feedback", "--module", slug)
    assert r.returncode == 0, r.stdout + r.stderr
    r = tito(repo, "nbgrader", "feedback", "--module", slug)
    assert "7 feedback page(s) already up to date" in r.stdout, r.stdout
    r = tito(repo, "nbgrader", "autograde", "--module", slug, "--jobs",
             "2", *autograde_flags, timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr  # bob is still broken
    assert "7 submission(s) unchanged since graded" in r.stdout, r.stdout
    assert "graded 0 of 8 submission(s), 7 unchanged" in r.stdout
    # alice changes a comment in a solution, on time
    path = graded.inbox / "flat" / "alice.ipynb"
    nb = _read(path)
    first = next(c for c in nb["cells"] if _meta(c).get("solution"))
    first["source"] = _src(first) + "\n# checked again\n"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    os.utime(path, (_epoch(ON_TIME) + 60, _epoch(ON_TIME) + 60))
    r = tito(repo, "nbgrader", "collect", "--module", slug, str(path))
    assert r.returncode == 0 and "(updated" in r.stdout, r.stdout
    before = _report_totals(repo, slug)
    assert before["alice"]["status"] == \
        "graded; submission changed since (regrade)"
    r = tito(repo, "nbgrader", "autograde", "--module", slug, "--jobs",
             "2", *autograde_flags, timeout=600)
    graded_lines = [l for l in r.stdout.splitlines() if l.startswith("  [")]
    assert len(graded_lines) == 1 and "] alice … " in graded_lines[0], \
        r.stdout
    assert "feedback of 1 student(s) is older than the grade just given " \
        f"(alice): tito nbgrader feedback --module {slug}" in r.stdout
    after = _report_totals(repo, slug)
    assert after["alice"]["status"] == "graded"
    assert after["alice"]["feedback"] == "stale"
    assert after["olga"]["feedback"] == "current"
    r = tito(repo, "nbgrader", "feedback", "--module", slug)
    assert "6 feedback page(s) already up to date" in r.stdout, r.stdout
    assert "✓ alice: " in r.stdout and "✓ olga" not in r.stdout
    assert _report_totals(repo, slug)["alice"]["feedback"] == "current"
    # --force grades everyone again: the same grades
    r = tito(repo, "nbgrader", "autograde", "--module", slug, "--force",
             "--student", "sam", *autograde_flags, timeout=600)
    assert r.returncode == 0 and "[1/1] sam … " in r.stdout, r.stdout
    assert _gradebook_scores(graded.course, slug)["sam"] == \
        graded.scores["sam"]


def _report_totals(repo: Path, slug: str) -> dict:
    r = tito(repo, "nbgrader", "report", "--module", slug, "-o", "-")
    assert r.returncode == 0, r.stderr
    import io

    return {row["student"]: row for row in csv.DictReader(
        io.StringIO(r.stdout)) if row["grade_id"] == "total"}
