"""Two graders, one PostgreSQL gradebook: `autograde --shard i/n`.

A real PostgreSQL server, started by this test in a temporary folder
(Debian's `postgresql` package: initdb, pg_ctl), holds the gradebook. Two
"machines" (two copies of the course folder, config naming the same
database) grade shard 1/2 and shard 2/2 of a class at the same time.
Every student is graded exactly once, and the grades equal those of one
grader on a SQLite gradebook. Without PostgreSQL the test is skipped with
the install command; in CI (`CI` set) it fails instead (.ci/run installs
it).
"""

from __future__ import annotations

import copy
import glob
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from _support import make_copy, module_slugs, tito

pytestmark = pytest.mark.slow

SLUG = module_slugs()[0]  # the quickest module
INSTALL = ("needs PostgreSQL: apt-get install -y postgresql (.ci/run "
           "installs it); and psycopg2-binary (the grading extra)")
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
TIMEOUT = 8


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _missing() -> str | None:
    if _bin("initdb") is None or _bin("pg_ctl") is None:
        return "initdb/pg_ctl not found"
    if importlib.util.find_spec("psycopg2") is None:
        return "psycopg2 not installed"
    return None


@pytest.fixture(scope="module")
def postgres():
    """postgresql://postgres@127.0.0.1:PORT/tinytorch, on a server of
    its own; stopped at the end."""
    why = _missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"{why}: {INSTALL}")
        pytest.skip(f"{why}: {INSTALL}")
    # not under pytest's temporary folder: the postgres user cannot
    # reach into root's (mode 0700)
    data = Path(tempfile.mkdtemp(prefix="tito-pg-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    as_user = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(data, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]

    def run(*argv, check=True):
        r = subprocess.run([*as_user, *argv], capture_output=True,
                           text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"{argv[0]}: {r.stdout}{r.stderr}")
        return r

    run(_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    run(_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"),
        "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start")
    try:
        run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
            "postgres", "tinytorch")
        yield f"postgresql://postgres@127.0.0.1:{port}/tinytorch"
    finally:
        run(_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop",
            check=False)
        shutil.rmtree(data, ignore_errors=True)


def _src(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def _class(source: dict, release: dict) -> dict:
    """Submissions: full, blank, partial (one, two parts), broken."""
    meta = lambda c: c.get("metadata", {}).get("nbgrader", {})  # noqa
    solutions = [meta(c)["grade_id"] for c in source["cells"]
                 if meta(c).get("solution")]
    text = {meta(c)["grade_id"]: _src(c) for c in source["cells"]
            if meta(c).get("solution")}

    def fill(ids):
        nb = copy.deepcopy(release)
        for cell in nb["cells"]:
            if meta(cell).get("grade_id") in ids:
                cell["source"] = "\n".join(
                    ln for ln in text[meta(cell)["grade_id"]].split("\n")
                    if ln.strip() not in MARKERS)
        return json.dumps(nb)

    return {"alice": fill(solutions), "dan": fill(solutions),
            "ulrich": json.dumps(release), "olga": fill(solutions[:1]),
            "pia": fill(solutions[:2]), "quinn": fill(solutions[1:]),
            "bob": '{"cells": ['}


def _course(repo: Path, name: str, inbox: Path, *db: str) -> Path:
    course = repo / name
    for args in (["init", "--timeout", str(TIMEOUT), *db],
                 ["generate", "--module", SLUG],
                 ["release", "--module", SLUG],
                 ["collect", "--module", SLUG, str(inbox)]):
        r = tito(repo, "nbgrader", *args, "--course", str(course))
        assert r.returncode == 0, (args, r.stdout + r.stderr)
    return course


def _scores(db_url: str, slug: str) -> dict:
    from nbgrader.api import Gradebook

    from tito.grading.course import database_url

    with Gradebook(database_url(db_url), "tinytorch") as gb:
        return {sub.student_id: {g.name: g.score for g in
                                 sub.notebooks[0].grades}
                for sub in gb.find_assignment(slug).submissions}


def test_two_shards_on_postgresql_grade_like_one_sqlite_grader(
        postgres, tmp_path, autograde_flags):
    repo = make_copy(tmp_path / "repo")
    r = tito(repo, "export", "--all", "--reference")
    assert r.returncode == 0, r.stdout + r.stderr
    # the class, from a release built once
    staging = repo / "staging"
    r = tito(repo, "nbgrader", "init", "--course", str(staging))
    assert r.returncode == 0, r.stderr
    for step in ("generate", "release"):
        r = tito(repo, "nbgrader", step, "--module", SLUG, "--course",
                 str(staging))
        assert r.returncode == 0, r.stdout + r.stderr
    read = lambda sub: json.loads((staging / sub / SLUG /  # noqa
                                   f"{SLUG}.ipynb").read_text("utf-8"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    students = _class(read("source"), read("release"))
    for student, text in students.items():
        (inbox / f"{student}.ipynb").write_text(text, encoding="utf-8")

    # one grader, SQLite
    single = _course(repo, "single", inbox)
    r = tito(repo, "nbgrader", "autograde", "--module", SLUG, "--course",
             str(single), *autograde_flags, timeout=900)
    assert r.returncode == 1, r.stdout + r.stderr  # bob's notebook
    want = _scores(f"sqlite:///{single / 'gradebook.db'}", SLUG)
    assert set(want) == set(students) - {"bob"}

    # two machines, one PostgreSQL gradebook: each its own course folder
    one = _course(repo, "machine1", inbox, "--db", postgres)
    assert not (one / "gradebook.db").exists()
    assert postgres.split("://")[1] in (one / "nbgrader_config.py"
                                        ).read_text("utf-8")
    two = repo / "machine2"
    shutil.copytree(one, two)
    env = dict(os.environ, PYTHONPATH=str(repo),
               PYTHONDONTWRITEBYTECODE="1")
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tito", "nbgrader", "autograde", "--module",
         SLUG, "--course", str(course), "--shard", f"{i}/2", "--jobs", "1",
         *autograde_flags], cwd=repo, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
        for i, course in ((1, one), (2, two))]
    started = time.monotonic()
    outputs = [p.communicate(timeout=900)[0] for p in procs]
    assert time.monotonic() - started < 900
    graded = []
    for i, (proc, out) in enumerate(zip(procs, outputs), start=1):
        assert f"shard {i}/2" in out, out
        graded += [line.split("] ")[1].split(" … ")[0]
                   for line in out.splitlines() if line.startswith("  [")]
        assert proc.returncode in (0, 1), out  # 1: bob, in one shard
    assert sorted(graded) == sorted(set(students) - {"bob"}), outputs
    assert _scores(postgres, SLUG) == want

    # either machine reports the whole class from the shared gradebook
    r = tito(repo, "nbgrader", "report", "--module", SLUG, "--course",
             str(one), "-o", "-")
    assert r.returncode == 0, r.stderr
    totals = [line.split(",")[0] for line in r.stdout.splitlines()
              if ",total," in line]
    assert sorted(totals) == sorted(students)
