"""`tito nbgrader` without kernels: help, errors, init, collect, the checks.

The course config must hold only real nbgrader options, the gradebook must
be nbgrader's own, collect must find students in every layout it documents
and never overwrite a submission without a named backup, and the two checks
tito adds (release leaks, tampered submissions) must catch what they claim.
The full grading runs are in test_grading_e2e.py.
"""

from __future__ import annotations

import copy
import importlib
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from _support import ROOT, make_copy, one_clear_error, tito


def _one_clear_error(r, *needles: str) -> list[str]:
    return one_clear_error(r, *needles, command="tito nbgrader:")


STEPS = ["init", "generate", "release", "collect", "check", "autograde",
         "feedback", "report"]


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> Path:
    """A repository copy with `tito nbgrader init` done, to copy from."""
    dest = tmp_path_factory.mktemp("template") / "repo"
    dest.mkdir(parents=True, exist_ok=True)
    make_copy(dest)
    r = tito(dest, "nbgrader", "init")
    assert r.returncode == 0, r.stdout + r.stderr
    return dest


@pytest.fixture
def repo_with_course(initialised, tmp_path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(initialised, dest)
    return dest


@pytest.fixture
def course(repo_with_course) -> Path:
    return repo_with_course / "assignments"


# ------------------------------------------------------------ help, errors


@pytest.mark.slow
def test_help_lists_every_step_with_an_example(repo):
    r = tito(repo, "nbgrader", "--help")
    assert r.returncode == 0, r.stderr
    for step in STEPS:
        assert f"\n    {step}" in r.stdout, step
        h = tito(repo, "nbgrader", step, "--help")
        assert h.returncode == 0, h.stderr
        assert "examples:" in h.stdout and f"tito nbgrader {step}" in \
            h.stdout, (step, h.stdout)


@pytest.mark.slow
def test_no_step_is_a_one_line_error(repo):
    r = tito(repo, "nbgrader")
    assert r.returncode == 2
    _one_clear_error(r, "which step?")


@pytest.mark.slow
def test_steps_before_init_say_how_to_start(repo):
    r = tito(repo, "nbgrader", "release", "--module", "04")
    _one_clear_error(r, "no nbgrader course at assignments",
                     "tito nbgrader init")
    assert not (repo / "assignments").exists()


def test_default_course_folder_is_gitignored():
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "assignments/" in lines


# -------------------------------------------------------------------- init


def _config_options(path: Path) -> dict[str, dict]:
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    return {section: dict(config[section]) for section in config}


def _configurable(section: str):
    for module in ("nbgrader.coursedir", "nbgrader.preprocessors",
                   "nbgrader.converters", "nbgrader.apps",
                   "nbconvert.preprocessors",
                   "tito.grading.late"):  # the late-penalty plugin
        cls = getattr(importlib.import_module(module), section, None)
        if cls is not None:
            return cls
    raise AssertionError(f"{section} is not an nbgrader/nbconvert class")


@pytest.mark.slow
def test_init_writes_real_nbgrader_options_and_a_gradebook(repo):
    r = tito(repo, "nbgrader", "init", "--timeout", "42")
    assert r.returncode == 0, r.stdout + r.stderr
    course = repo / "assignments"
    options = _config_options(course / "nbgrader_config.py")
    assert options["ExecutePreprocessor"]["timeout"] == 42
    assert options["OverwriteCells"]["add_missing_cells"] is True
    count = 0
    for section, values in options.items():
        traits = _configurable(section).class_traits(config=True)
        for name in values:
            assert name in traits, f"{section}.{name} is not an option"
            count += 1
    assert count >= 8
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}",
                   "tinytorch") as gb:
        assert gb.assignments == [] and gb.students == []
    for sub in ("source", "release", "submitted"):
        assert (course / sub).is_dir()


@pytest.mark.slow
def test_init_keeps_an_edited_config_and_force_backs_it_up(course):
    repo = course.parent
    cfg = course / "nbgrader_config.py"
    mine = cfg.read_text(encoding="utf-8") + "# my own note\n"
    cfg.write_text(mine, encoding="utf-8")
    r = tito(repo, "nbgrader", "init", "--timeout", "5")
    assert r.returncode == 0, r.stderr
    assert "kept your" in r.stdout and "--force" in r.stdout
    assert cfg.read_text(encoding="utf-8") == mine
    r = tito(repo, "nbgrader", "init", "--force")
    assert r.returncode == 0, r.stderr
    (saved,) = (course / "backups").glob("nbgrader_config.*.py")
    assert saved.read_text(encoding="utf-8") == mine
    assert saved.name in r.stdout
    assert "# my own note" not in cfg.read_text(encoding="utf-8")


@pytest.mark.slow
def test_bad_timeouts_are_one_line_errors(course):
    repo = course.parent
    _one_clear_error(tito(repo, "nbgrader", "init", "--timeout", "0",
                          "--course", str(repo / "other")), "--timeout")
    _one_clear_error(tito(repo, "nbgrader", "autograde", "--module", "04",
                          "--timeout", "-1"), "--timeout")


@pytest.mark.slow
def test_unreleased_module_cannot_be_graded(course):
    repo = course.parent
    lines = _one_clear_error(
        tito(repo, "nbgrader", "autograde", "--module", "losses"),
        "04_losses has not been released")
    assert "tito nbgrader release --module 04_losses" in lines[1]
    _one_clear_error(tito(repo, "nbgrader", "release", "--module", "04"),
                     "tito nbgrader generate --module 04_losses")
    _one_clear_error(tito(repo, "nbgrader", "report"), "no grades and no "
                     "submissions")


@pytest.mark.slow
def test_generate_backs_up_an_edited_source_notebook(course):
    repo = course.parent
    r = tito(repo, "nbgrader", "generate", "--module", "04")
    assert r.returncode == 0, r.stderr
    source = course / "source" / "04_losses" / "04_losses.ipynb"
    fresh = source.read_text(encoding="utf-8")
    r = tito(repo, "nbgrader", "generate", "--module", "04")
    assert "up to date" in r.stdout
    source.write_text(fresh.replace("Module 04", "Module 4"),
                      encoding="utf-8")
    r = tito(repo, "nbgrader", "generate", "--module", "04")
    assert r.returncode == 0, r.stderr
    (saved,) = (course / "backups" / "source").glob("04_losses.*.ipynb")
    assert "Module 4" in saved.read_text(encoding="utf-8")
    assert saved.name in r.stdout
    assert source.read_text(encoding="utf-8") == fresh


# ----------------------------------------------------------------- collect


def _nb(tag: str) -> str:
    return json.dumps({"cells": [], "metadata": {"tag": tag},
                       "nbformat": 4, "nbformat_minor": 5})


def _submitted(course: Path, student: str) -> Path:
    return course / "submitted" / student / "04_losses" / "04_losses.ipynb"


@pytest.mark.slow
def test_collect_finds_students_in_every_documented_layout(course, tmp_path):
    repo = course.parent
    inbox = tmp_path / "inbox"
    (inbox / "ben").mkdir(parents=True)
    (inbox / "cat").mkdir()
    (inbox / "dan").mkdir()
    (inbox / ".ipynb_checkpoints").mkdir()
    (inbox / "ann.ipynb").write_text(_nb("ann"), encoding="utf-8")
    (inbox / "ben" / "my losses.ipynb").write_text(_nb("ben"),
                                                   encoding="utf-8")
    (inbox / "cat" / "scratch.ipynb").write_text(_nb("x"), encoding="utf-8")
    (inbox / "cat" / "04_losses.ipynb").write_text(_nb("cat"),
                                                   encoding="utf-8")
    (inbox / "dan" / "a.ipynb").write_text(_nb("x"), encoding="utf-8")
    (inbox / "dan" / "b.ipynb").write_text(_nb("x"), encoding="utf-8")
    (inbox / ".ipynb_checkpoints" / "ann-checkpoint.ipynb").write_text(
        _nb("old"), encoding="utf-8")
    (inbox / "no good.ipynb").write_text(_nb("x"), encoding="utf-8")
    archive = tmp_path / "more.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("eve/04_losses/04_losses.ipynb", _nb("eve"))
        zf.writestr("fay.ipynb", "not json at all")
        zf.writestr("../evil.ipynb", _nb("evil"))
        zf.writestr("__MACOSX/._fay.ipynb", "junk")
    r = tito(repo, "nbgrader", "collect", "--module", "04", str(inbox),
             str(archive))
    assert r.returncode == 0, r.stdout + r.stderr
    for student in ("ann", "ben", "cat", "eve"):
        data = json.loads(_submitted(course, student).read_text("utf-8"))
        assert data["metadata"]["tag"] == student
    assert _submitted(course, "fay").read_text("utf-8") == "not json at all"
    assert "fay" in r.stdout and "not valid notebook JSON" in r.stdout
    assert "dan: several notebooks" in r.stdout
    assert "'no good' is not a usable student id" in r.stdout
    students = sorted(p.name for p in (course / "submitted").iterdir())
    assert students == ["ann", "ben", "cat", "eve", "fay"]
    assert not list(repo.rglob("evil*"))


@pytest.mark.slow
def test_collect_backs_up_a_changed_submission(course, tmp_path):
    repo = course.parent
    path = tmp_path / "ann.ipynb"
    path.write_text(_nb("first"), encoding="utf-8")
    assert tito(repo, "nbgrader", "collect", "-m", "04",
                str(path)).returncode == 0
    r = tito(repo, "nbgrader", "collect", "-m", "04", str(path))
    assert "(unchanged)" in r.stdout
    path.write_text(_nb("second"), encoding="utf-8")
    r = tito(repo, "nbgrader", "collect", "-m", "04", str(path))
    assert r.returncode == 0, r.stderr
    (saved,) = (course / "backups" / "submitted" / "ann").glob("*.ipynb")
    assert json.loads(saved.read_text("utf-8"))["metadata"]["tag"] == "first"
    assert saved.name in r.stdout
    assert json.loads(_submitted(course, "ann").read_text("utf-8"))[
        "metadata"]["tag"] == "second"


@pytest.mark.slow
def test_collect_one_file_for_a_named_student(course, tmp_path):
    repo = course.parent
    path = tmp_path / "losses (1).ipynb"
    path.write_text(_nb("zoe"), encoding="utf-8")
    r = tito(repo, "nbgrader", "collect", "-m", "04", str(path),
             "--student", "zoe")
    assert r.returncode == 0, r.stderr
    assert json.loads(_submitted(course, "zoe").read_text("utf-8"))[
        "metadata"]["tag"] == "zoe"


@pytest.mark.slow
def test_collect_refuses_a_student_twice_and_copies_nothing(course, tmp_path):
    repo = course.parent
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "ann.ipynb").write_text(_nb("1"), encoding="utf-8")
    (tmp_path / "b" / "ann.ipynb").write_text(_nb("2"), encoding="utf-8")
    (tmp_path / "b" / "bea.ipynb").write_text(_nb("3"), encoding="utf-8")
    r = tito(repo, "nbgrader", "collect", "-m", "04", str(tmp_path / "a"),
             str(tmp_path / "b"))
    _one_clear_error(r, "student 'ann' appears twice")
    assert not list((course / "submitted").iterdir())
    r = tito(repo, "nbgrader", "collect", "-m", "04",
             str(tmp_path / "notes.txt"))
    _one_clear_error(r, "does not exist")


# ------------------------------------------------- checks, in-process units


def _cell(gid, source, *, grade=False, solution=False, locked=False,
          points=0):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": grade, "grade_id": gid, "locked": locked,
        "points": points, "schema_version": 3, "solution": solution,
        "task": False}
    return cell


def _release():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("imports", "import numpy as np", locked=True),
        _cell("answer", "def f():\n    # YOUR CODE HERE\n"
              "    raise NotImplementedError()", solution=True),
        _cell("test-f", "def test_unit_f():\n    assert f() == 42\n\n"
              "test_unit_f()", grade=True, locked=True, points=5),
        _cell("test-g", "assert f() + 1 == 43", grade=True, locked=True,
              points=3),
    ]
    return nb


def _write(nb, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


def test_submission_check_reports_what_was_tampered(tmp_path):
    from tito.grading.checks import check_submission, release_reference

    release = _release()
    reference = release_reference(release)

    honest = copy.deepcopy(release)
    honest.cells[1].source = "def f():\n    return 42"
    ok = check_submission("ann", _write(honest, tmp_path / "a.ipynb"),
                          reference)
    assert ok.gradable and ok.findings() == []

    bad = copy.deepcopy(honest)
    bad.cells[2].source = "print('all good')"  # edited test
    bad.cells[2].metadata["nbgrader"]["checksum"] = "forged"
    del bad.cells[3]  # deleted test
    del bad.cells[0]  # deleted read-only cell
    dup = copy.deepcopy(bad.cells[0])  # a duplicated solution cell
    dup.id = "a-copy"
    bad.cells.append(dup)
    bad.cells.append(_cell("mine", "x = 1", locked=True))  # unknown id
    bad.cells[0].metadata["nbgrader"]["points"] = 100  # solution: 100 pts
    bad.cells.append(nbformat.v4.new_code_cell("print('mine')"))  # added
    bad.cells.append(nbformat.v4.new_markdown_cell("my notes"))  # added
    found = check_submission("bob", _write(bad, tmp_path / "b.ipynb"),
                             reference)
    assert found.gradable
    assert found.edited == ["test-f"]
    assert found.deleted_locked == ["imports", "test-g"]
    assert found.duplicated == ["answer"] and found.unknown == ["mine"]
    text = "\n".join(found.findings())
    assert "locked cell test-f was edited" in text
    assert "locked cell test-g was deleted" in text
    assert found.metadata == ["answer (points)"]
    assert "nbgrader metadata changed: answer (points)" in text
    assert found.added == ["code", "markdown"]
    assert "cells added: 2 (1 code, 1 markdown)" in text

    # unlocking a read-only cell changes nbgrader's checksum too (a graded
    # cell counts as locked whatever its flag says)
    flipped = copy.deepcopy(honest)
    flipped.cells[0].metadata["nbgrader"]["locked"] = False
    flipped.cells[3].metadata["nbgrader"]["locked"] = False
    assert check_submission("cy", _write(flipped, tmp_path / "c.ipynb"),
                            reference).edited == ["imports"]

    broken = tmp_path / "d.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    result = check_submission("dee", broken, reference)
    assert not result.gradable
    assert "not valid notebook JSON" in result.findings()[0]


def test_release_check_catches_solutions_and_hidden_tests(tmp_path):
    from tito.grading.release import release_problems

    source = nbformat.v4.new_notebook()
    source.cells = [
        _cell("answer", "def f():\n    ### BEGIN SOLUTION\n"
              "    return the_answer_is(42)\n    ### END SOLUTION",
              solution=True),
        _cell("test-f", "def test_unit_f():\n    assert f() == 42\n"
              "    ### BEGIN HIDDEN TESTS\n    assert secret_check(f())\n"
              "    ### END HIDDEN TESTS\n\ntest_unit_f()", grade=True,
              locked=True, points=5),
    ]
    good = copy.deepcopy(source)
    good.cells[0].source = ("def f():\n    # YOUR CODE HERE\n"
                            "    raise NotImplementedError()")
    good.cells[1].source = ("def test_unit_f():\n    assert f() == 42\n\n"
                            "test_unit_f()")
    assert release_problems(source, good) == []

    leaky = copy.deepcopy(good)
    leaky.cells[0].source += "\n    return the_answer_is(42)"
    assert release_problems(source, leaky) == [
        "answer leaks a solution line: 'return the_answer_is(42)'"]
    hidden = copy.deepcopy(good)
    hidden.cells[1].source = source.cells[1].source.replace(
        "    ### BEGIN HIDDEN TESTS\n", "").replace(
        "    ### END HIDDEN TESTS\n", "")
    assert release_problems(source, hidden) == [
        "test-f leaks a hidden test line: 'assert secret_check(f())'"]
    marked = copy.deepcopy(good)
    marked.cells[0].source += "\n    ### BEGIN SOLUTION"
    assert "answer still holds '### BEGIN SOLUTION'" in \
        release_problems(source, marked)
    missing = copy.deepcopy(good)
    del missing.cells[1]
    assert release_problems(source, missing) == [
        "test-f is missing from the release"]


def test_report_csv_has_one_row_per_cell_and_a_total_per_student():
    from tito.grading.report import Row, to_csv

    text = to_csv([
        Row("ann", "04_losses", "losses-test-mse", 10.0, 10.0),
        Row("ann", "04_losses", "losses-test-bce", 0.0, 7.5),
        Row("ann", "04_losses", "total", 9.0, 17.5, "graded",
            "2026-12-02 09:30 UTC", 16.5, 1.0, "stale"),
        Row("bob", "04_losses", "total", None, 17.5,
            "not graded: not valid notebook JSON", "", None, None, "none"),
    ])
    assert text.splitlines() == [
        "student,assignment,grade_id,points,max_points,status,submitted,"
        "hours_late,penalty,feedback",
        "ann,04_losses,losses-test-mse,10,10,,,,,",
        "ann,04_losses,losses-test-bce,0,7.5,,,,,",
        "ann,04_losses,total,9,17.5,graded,2026-12-02 09:30 UTC,16.5,1,"
        "stale",
        "bob,04_losses,total,,17.5,not graded: not valid notebook JSON,,,,"
        "none",
    ]


def test_late_penalty_per_started_day_and_due_dates():
    from datetime import datetime, timezone

    from tito.grading.late import (late_text, parse_due, parse_stamp,
                                   penalty_percent, stamp)

    assert penalty_percent(0, 10) == 0 and penalty_percent(-5, 10) == 0
    assert penalty_percent(1, 10) == 10  # a second late: a started day
    assert penalty_percent(86400, 10) == 10
    assert penalty_percent(86401, 10) == 20
    assert penalty_percent(30 * 86400, 10) == 100  # never more than all
    assert penalty_percent(86400 * 3, 0) == 0  # recorded, not penalised
    assert parse_due("2026-12-01 17:00 UTC") == datetime(2026, 12, 1, 17)
    assert parse_due("2026-12-01T17:00+01:00") == datetime(2026, 12, 1, 16)
    end_of_day = datetime(2026, 12, 1, 23, 59, 59).astimezone()  # local
    assert parse_due("2026-12-01") == end_of_day.astimezone(
        timezone.utc).replace(tzinfo=None)
    assert parse_due("none") is None
    when = datetime(2026, 12, 1, 16, 59, 1)
    assert parse_stamp(stamp(when.replace(tzinfo=timezone.utc))) == when
    assert late_text(59) == "1 min late"
    assert late_text(2 * 3600 + 5 * 60) == "2 h 5 min late"
    assert late_text(3 * 86400 - 1) == "3 days late"
    from tito.core.errors import TitoError

    with pytest.raises(TitoError, match="--due must be a date"):
        parse_due("next tuesday-ish")


def test_shards_split_a_class_exactly_once():
    from tito.grading.batch import in_shard, parse_shard

    students = [f"s{k:03d}" for k in range(200)]
    shards = [[s for s in students if in_shard(s, (i, 3))]
              for i in (1, 2, 3)]
    assert sorted(sum(shards, [])) == students  # each exactly once
    assert all(40 < len(s) < 95 for s in shards), [len(s) for s in shards]
    assert parse_shard("2/3") == (2, 3) and parse_shard(None) is None
    from tito.core.errors import TitoError

    for bad in ("0/2", "3/2", "1", "a/b"):
        with pytest.raises(TitoError, match="--shard must be i/n"):
            parse_shard(bad)


@pytest.mark.slow
def test_check_then_a_missing_prerequisite_is_named(course, tmp_path,
                                                   autograde_flags):
    repo = course.parent
    for step in ("generate", "release"):
        r = tito(repo, "nbgrader", step, "--module", "02")
        assert r.returncode == 0, r.stdout + r.stderr
    path = tmp_path / "ann.ipynb"
    path.write_text(_nb("ann"), encoding="utf-8")
    assert tito(repo, "nbgrader", "collect", "-m", "02",
                str(path)).returncode == 0
    r = tito(repo, "nbgrader", "check", "--module", "02")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ann: locked cell activations-test-relu was deleted" in r.stdout
    (repo / "tinytorch" / "core" / "tensor.py").unlink()
    r = tito(repo, "nbgrader", "autograde", "--module", "02",
             *autograde_flags)
    lines = _one_clear_error(r, "tinytorch/core/tensor.py does not exist")
    assert "tito export --module 01_tensor --reference" in lines[1]
