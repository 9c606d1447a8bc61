"""Faults injected into the tooling: nothing is lost, every error is clear.

Each case breaks something a learner or the machine can break, runs tito, and
asserts: a one-line error plus a hint, a non-zero exit code, the previous
package file intact, the learner notebook untouched, and no partial files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _support import one_clear_error, tito

MODULE = "01_tensor"
PACKAGE = Path("tinytorch/core/tensor.py")
NOTEBOOK = Path(f"modules/{MODULE}/{MODULE}.ipynb")

pytestmark = pytest.mark.slow


def _snapshot(repo: Path) -> dict[Path, bytes]:
    files = {}
    for base in (repo / "tinytorch", repo / "modules"):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(repo)] = path.read_bytes()
    return files


def _one_clear_error(r: subprocess.CompletedProcess, *needles: str) -> None:
    lines = one_clear_error(r)
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def _learner(repo: Path) -> dict:
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    return json.loads((repo / NOTEBOOK).read_text(encoding="utf-8"))


def _write(repo: Path, nb: dict) -> None:
    (repo / NOTEBOOK).write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) \
        else cell["source"]


def _break_invalid_json(repo):
    _learner(repo)
    (repo / NOTEBOOK).write_text('{"cells": [', encoding="utf-8")
    return "is not valid notebook JSON"


def _break_syntax(repo):
    nb = _learner(repo)
    cell = next(c for c in nb["cells"][2:] if "#| export" in _src(c))
    cell["source"] = _src(cell) + "\nclass (:\n"
    _write(repo, nb)
    line = len(cell["source"].split("\n")) - 1
    gid = cell["metadata"]["nbgrader"]["grade_id"]
    return f"{NOTEBOOK}: {gid}, line {line} of the cell: SyntaxError: "


def _break_import(repo):
    nb = _learner(repo)
    cell = next(c for c in nb["cells"] if "#| export" in _src(c))
    cell["source"] = _src(cell) + "\nraise RuntimeError('boom at import')\n"
    _write(repo, nb)
    line = len(cell["source"].split("\n")) - 1
    gid = cell["metadata"]["nbgrader"]["grade_id"]
    return (f"{NOTEBOOK}: {gid}, line {line} of the cell: RuntimeError: "
            "boom at import")


def _break_default_exp(repo):
    nb = _learner(repo)
    for cell in nb["cells"]:
        if "#| default_exp" in _src(cell):
            cell["source"] = "\n".join(
                line for line in _src(cell).split("\n")
                if "default_exp" not in line)
    _write(repo, nb)
    return "has no '#| default_exp' cell"


def _break_default_exp_cell_deleted(repo):
    nb = _learner(repo)
    nb["cells"] = [c for c in nb["cells"] if "#| default_exp" not in _src(c)]
    _write(repo, nb)
    return "has no '#| default_exp' cell"


def _break_not_a_notebook(repo):
    _learner(repo)
    (repo / NOTEBOOK).write_text('{"hello": 1}', encoding="utf-8")
    return "is not a valid notebook"


@pytest.mark.parametrize("breaker", [
    _break_invalid_json, _break_syntax, _break_import, _break_default_exp,
    _break_default_exp_cell_deleted, _break_not_a_notebook,
], ids=lambda f: f.__name__[7:])
def test_broken_notebook_never_replaces_the_package(repo, breaker):
    expected = breaker(repo)
    before = _snapshot(repo)
    r = tito(repo, "export", "--module", MODULE)
    _one_clear_error(r, expected)
    assert _snapshot(repo) == before  # package and notebook untouched


def test_killed_export_leaves_old_or_new_file_never_half(repo):
    """SIGKILL tito export at many moments; the package is always whole."""
    old = (repo / PACKAGE).read_bytes()
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    env = dict(os.environ, PYTHONPATH=str(repo))
    outcomes = set()
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.5):
        proc = subprocess.Popen([sys.executable, "-m", "tito", "export",
                                 "--module", MODULE], cwd=repo, env=env,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        text = (repo / PACKAGE).read_bytes()
        compile(text, str(PACKAGE), "exec")  # a whole, valid Python file
        outcomes.add("old" if text == old else "new")
    # a later export cleans up whatever a killed one left behind
    r = tito(repo, "export", "--module", MODULE)
    assert r.returncode == 0, r.stderr
    leftovers = [p.name for p in (repo / PACKAGE).parent.iterdir()
                 if p.name.endswith(".tmp")]
    assert leftovers == []
    assert b"File to edit: " + str(NOTEBOOK).encode() in \
        (repo / PACKAGE).read_bytes()


def test_two_exports_at_once_both_finish_cleanly(repo):
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    env = dict(os.environ, PYTHONPATH=str(repo))
    procs = [subprocess.Popen([sys.executable, "-m", "tito", "export",
                               "--module", MODULE], cwd=repo, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    text = (repo / PACKAGE).read_text(encoding="utf-8")
    compile(text, str(PACKAGE), "exec")
    assert f"File to edit: {NOTEBOOK}" in text
    assert not [p for p in (repo / PACKAGE).parent.iterdir()
                if p.name.endswith(".tmp")]


def _make_read_only(folder: Path):
    """Make `folder` unwritable, even for root; return the undo function."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        return lambda: os.chmod(folder, 0o755)
    # root ignores permission bits; the immutable flag stops root too
    r = subprocess.run(["chattr", "+i", str(folder)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.fail(f"cannot make {folder} read-only as root: {r.stderr}")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_package_folder(repo):
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    before = _snapshot(repo)
    undo = _make_read_only(repo / PACKAGE.parent)
    try:
        r = tito(repo, "export", "--module", MODULE)
    finally:
        undo()
    _one_clear_error(r, "cannot write to", "permission denied")
    assert _snapshot(repo) == before


def test_missing_and_renamed_modules(repo):
    shutil.move(repo / "src" / MODULE, repo / "src" / "01_tensr")
    r = tito(repo, "export", "--module", MODULE)
    _one_clear_error(r, f"unknown module '{MODULE}'")
    assert "src/01_tensr/ should hold 01_tensr.py but has 01_tensor.py" \
        in r.stderr
    r = tito(repo, "test", "--module", "99")
    _one_clear_error(r, "unknown module '99'")


def test_module_folder_without_source(repo):
    (repo / "src" / MODULE / f"{MODULE}.py").unlink()
    r = tito(repo, "notebook", "--module", MODULE)
    _one_clear_error(r, f"unknown module '{MODULE}'")


def test_missing_tests_folder_is_an_error_not_a_pass(repo):
    shutil.rmtree(repo / "tests" / MODULE)
    r = tito(repo, "test", "--module", MODULE, "--package-only")
    assert r.returncode == 1
    assert "has no test files: a module without tests is an error" in r.stdout
