"""Module 04's optional stretch notebook is its own nbgrader assignment.

`tito nbgrader generate/release --module 04` makes two assignments,
04_losses (the core, 100 points) and 04_losses_stretch (its own 100
points). A perfect core is 100/100 of 04_losses whether or not the
stretch was handed in: in nbgrader's gradebook, in tito's report, in
`nbgrader export`, and in its feedback, which shows no failure at all
(nothing of the optional work is in it). The stretch is graded on its
own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _support import make_copy, tito

pytestmark = pytest.mark.slow

CORE, STRETCH = "04_losses", "04_losses_stretch"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _solved(source: Path) -> dict:
    """The instructor notebook as a student who solved everything."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = cell["source"]
        text = "".join(text) if isinstance(text, list) else text
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell["source"] = "\n".join(
                line for line in text.split("\n")
                if line.strip() not in MARKERS)
    return nb


def _totals(csv_text: str) -> dict[tuple[str, str], tuple[float, float]]:
    rows = csv.DictReader(io.StringIO(csv_text))
    return {(r["student"], r["assignment"]):
            (float(r["points"]), float(r["max_points"]))
            for r in rows if r["grade_id"] == "total"}


def test_core_and_stretch_are_graded_as_two_assignments(tmp_path,
                                                       autograde_flags):
    repo = make_copy(tmp_path / "repo")
    for args in (["export", "--all", "--reference"],
                 ["nbgrader", "init", "--timeout", "15"],
                 ["nbgrader", "generate", "--module", "04"],
                 ["nbgrader", "release", "--module", "04"]):
        r = tito(repo, *args)
        assert r.returncode == 0, (args, r.stdout + r.stderr)
    course = repo / "assignments"
    assert sorted(p.name for p in (course / "release").iterdir()) == \
        [CORE, STRETCH]

    inbox = tmp_path / "inbox"
    for slug in (CORE, STRETCH):
        folder = inbox / slug
        folder.mkdir(parents=True)
        source = course / "source" / slug / f"{slug}.ipynb"
        release = course / "release" / slug / f"{slug}.ipynb"
        (folder / "alice.ipynb").write_text(json.dumps(_solved(source)),
                                            encoding="utf-8")
        if slug == CORE:  # bob: a perfect core, no stretch handed in
            (folder / "bob.ipynb").write_text(json.dumps(_solved(source)),
                                              encoding="utf-8")
        else:  # carol: the stretch as released, nothing written
            (folder / "carol.ipynb").write_bytes(release.read_bytes())
    r = tito(repo, "nbgrader", "collect", "--module", CORE,
             str(inbox / CORE))
    assert r.returncode == 0, r.stdout + r.stderr
    r = tito(repo, "nbgrader", "collect", "--module", STRETCH,
             str(inbox / STRETCH))
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(p.name for p in (course / "submitted").iterdir()) == \
        ["alice", "bob", "carol"]
    assert not (course / "submitted" / "bob" / STRETCH).exists()

    r = tito(repo, "nbgrader", "autograde", "--module", "04", "--jobs", "2",
             *autograde_flags, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[2/2] " in r.stdout and "100/100" in r.stdout, r.stdout
    want = {
        ("alice", CORE): (100.0, 100.0),
        ("bob", CORE): (100.0, 100.0),  # 100% of the core assignment
        ("alice", STRETCH): (100.0, 100.0),
        ("carol", STRETCH): (0.0, 100.0),
    }
    # nbgrader's gradebook
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}",
                   "tinytorch") as gb:
        got = {(s.student_id, a.name): (s.score, s.max_score)
               for a in gb.assignments for s in a.submissions}
    assert got == want
    # tito's report
    r = tito(repo, "nbgrader", "report", "--module", "04", "-o", "-")
    assert r.returncode == 0, r.stdout + r.stderr
    assert _totals(r.stdout) == want
    # the stretch alone
    r = tito(repo, "nbgrader", "report", "--module", STRETCH, "-o", "-")
    assert set(_totals(r.stdout)) == {("alice", STRETCH), ("carol", STRETCH)}
    # nbgrader's own export, run in the course folder
    export = tmp_path / "export.csv"
    env = dict(os.environ, PYTHONPATH=str(repo))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export",
                           "--to", str(export)], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = list(csv.DictReader(io.StringIO(export.read_text("utf-8"))))
    exported = {(r["student_id"], r["assignment"]):
                (float(r["score"]), float(r["max_score"])) for r in rows}
    # nbgrader exports every student x assignment; what was not handed
    # in is 0 with no timestamp
    unsubmitted = {("bob", STRETCH), ("carol", CORE)}
    assert exported == {**want, **{k: (0.0, 100.0) for k in unsubmitted}}
    assert {(r["student_id"], r["assignment"]) for r in rows
            if not r["timestamp"]} == unsubmitted
    # bob's feedback: 100/100, no failure shown, nothing optional in it
    r = tito(repo, "nbgrader", "feedback", "--module", CORE)
    assert r.returncode == 0, r.stdout + r.stderr
    html = (course / "feedback" / "bob" / CORE / f"{CORE}.html").read_text(
        encoding="utf-8")
    assert "Score: 100.0 / 100.0" in html
    # an error output is a div of class "... output_error" (ulrich-like
    # feedback has one per failing cell); bob's has none
    assert 'output_text output_error"' not in html
    assert "NotImplementedError:" not in html
    assert "-stretch-" not in html
    graded = json.loads((course / "autograded" / "bob" / CORE /
                         f"{CORE}.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in graded["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "error" or o.get("name") ==
              "stderr"]
    assert errors == []
