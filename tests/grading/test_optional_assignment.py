"""Module 04's optional stretch notebook is its own nbgrader assignment.

`tito nbgrader generate/release --module 04` makes two assignments,
04_losses (the core, 100 points) and 04_losses_stretch (its own 100). A
perfect core is 100% of 04_losses whether or not the stretch was handed
in; the stretch is graded on its own. Scores are read back from
nbgrader's gradebook.
"""

from __future__ import annotations

import csv
import io
import json
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


def test_core_and_stretch_are_graded_as_two_assignments(tmp_path):
    repo = make_copy(tmp_path / "repo")
    for args in (["export", "--all", "--reference"],
                 ["nbgrader", "init", "--timeout", "60"],
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

    r = tito(repo, "nbgrader", "autograde", "--module", "04", timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    r = tito(repo, "nbgrader", "report", "--module", "04")
    assert r.returncode == 0, r.stdout + r.stderr
    assert _totals(r.stdout) == {
        ("alice", CORE): (100.0, 100.0),
        ("bob", CORE): (100.0, 100.0),  # 100% of the core assignment
        ("alice", STRETCH): (100.0, 100.0),
        ("carol", STRETCH): (0.0, 100.0),
    }
    # the stretch alone
    r = tito(repo, "nbgrader", "report", "--module", STRETCH)
    assert set(_totals(r.stdout)) == {("alice", STRETCH), ("carol", STRETCH)}
