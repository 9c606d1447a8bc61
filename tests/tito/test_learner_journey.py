"""The learner's journey through tito, end to end, in a copy of the repository.

create the notebook → export its stubs → tito test fails and names the stub →
fill in the solutions → export → tito test passes; plus the no-data-loss
cases: reset keeps a named backup, restore brings it back, a broken notebook
never replaces a working package file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _support import tito

MODULE = "01_tensor"
PACKAGE = Path("tinytorch/core/tensor.py")
NOTEBOOK = Path(f"modules/{MODULE}/{MODULE}.ipynb")

pytestmark = pytest.mark.slow


def _notebook(repo: Path) -> dict:
    return json.loads((repo / NOTEBOOK).read_text(encoding="utf-8"))


def _save(repo: Path, nb: dict) -> None:
    (repo / NOTEBOOK).write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _fill_in_solutions(repo: Path) -> int:
    """Do what a learner does: write the solutions into the stubbed cells."""
    from tito.core.markers import BEGIN_SOLUTION, END_SOLUTION
    from tito.core.notebooks import read_source
    from tito.core.project import Module

    reference = read_source(Module(repo, MODULE).core)
    nb = _notebook(repo)
    filled = 0
    twins = {cell.id: cell for cell in reference.cells}
    for mine in nb["cells"]:
        ref = twins.get(mine.get("id"))
        if ref is None:  # the Colab setup cell has no instructor twin
            continue
        meta = mine.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and "NotImplementedError" in _source(mine):
            lines = [line for line in ref.source.split("\n")
                     if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
            mine["source"] = "\n".join(lines)
            filled += 1
    _save(repo, nb)
    return filled


def _first_exported_cell(nb: dict) -> int:
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and "#| export" in _source(cell):
            return index
    raise AssertionError("no exported cell")


def test_full_learner_journey(repo):
    # 1. create the notebook; creating it again leaves it alone
    r = tito(repo, "notebook", "--module", MODULE)
    assert r.returncode == 0, r.stderr
    assert (repo / NOTEBOOK).is_file()
    first_bytes = (repo / NOTEBOOK).read_bytes()
    assert b"BEGIN SOLUTION" not in first_bytes
    r = tito(repo, "notebook", "--module", "tensor")
    assert r.returncode == 0 and "left untouched" in r.stdout
    assert (repo / NOTEBOOK).read_bytes() == first_bytes

    # 2. export the stubs: the package now holds the learner's (empty) code
    r = tito(repo, "export", "--module", "01")
    assert r.returncode == 0, r.stderr
    exported = (repo / PACKAGE).read_text(encoding="utf-8")
    assert f"File to edit: {NOTEBOOK}" in exported
    assert "NotImplementedError" in exported
    assert "BEGIN SOLUTION" not in exported and "TODO:" not in exported

    # 3. tito test fails, and names the graded test cell (its grade_id, as
    # Jupyter shows no cell numbers) and the stub it reached, in its cell
    r = tito(repo, "test", "--module", MODULE)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAIL" in r.stdout
    assert re.search(r"✗ tensor-test-[\w-]+: NotImplementedError: "
                     r"tensor-[\w-]+: .* \(at tensor-[\w-]+ \(def [\w.]+\), "
                     r"line \d+ of the cell\)", r.stdout), r.stdout
    assert not re.search(r"✗ (cell|Cell) \d+", r.stdout), r.stdout
    assert re.search(r"✗ test_\w+.*NotImplementedError", r.stdout), r.stdout

    # 4. fill in the solutions, export, test: everything passes
    assert _fill_in_solutions(repo) > 0
    r = tito(repo, "export", "--module", MODULE)
    assert r.returncode == 0, r.stderr
    assert "NotImplementedError(" not in (repo / PACKAGE).read_text()
    r = tito(repo, "test", "--module", MODULE)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS" in r.stdout and "0 failed" in r.stdout

    # 5. status: every TODO done, the learner's export, the passing test
    r = tito(repo, "status")
    assert r.returncode == 0
    line = next(l for l in r.stdout.splitlines() if l.startswith(MODULE))
    assert line.split()[:5] == [MODULE, "yes", "5/5", "yours", "pass"], line


def test_reset_keeps_a_named_backup_and_restore_brings_it_back(repo):
    """Replaced by test_notebook_backups.py's stronger checks; kept as the
    short story: reset saves a named copy, restore brings it back."""
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    nb = _notebook(repo)
    nb["cells"].append({"cell_type": "markdown", "id": "my-notes",
                        "metadata": {}, "source": "my precious notes"})
    _save(repo, nb)
    edited = (repo / NOTEBOOK).read_bytes()

    r = tito(repo, "notebook", "--module", MODULE, "--reset")
    assert r.returncode == 0, r.stderr
    m = re.search(r"saved your notebook as (\S+)", r.stdout)
    assert m, r.stdout
    backup = repo / m.group(1)
    assert backup.read_bytes() == edited
    assert b"my precious notes" not in (repo / NOTEBOOK).read_bytes()

    r = tito(repo, "notebook", "--module", MODULE, "--restore")
    assert r.returncode == 0, r.stderr
    assert (repo / NOTEBOOK).read_bytes() == edited
    # the notebook restore replaced was a fresh copy: nothing to back up
    assert [p.name for p in (repo / NOTEBOOK).parent.joinpath(
        "backups").iterdir()] == [backup.name]


def test_syntax_error_fails_clearly_and_keeps_the_package(repo):
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    before = (repo / PACKAGE).read_bytes()
    nb = _notebook(repo)
    index = _first_exported_cell(nb) + 1
    while "#| export" not in _source(nb["cells"][index]):
        index += 1
    nb["cells"][index]["source"] = _source(nb["cells"][index]) + "\ndef (:\n"
    _save(repo, nb)

    r = tito(repo, "export", "--module", MODULE)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[1].lstrip().startswith("hint:"), lines
    # named as Jupyter shows it: the cell's grade_id, the line in the cell
    gid = nb["cells"][index]["metadata"]["nbgrader"]["grade_id"]
    line = len(_source(nb["cells"][index]).split("\n")) - 1
    assert lines[0].startswith(
        f"tito export: error: {NOTEBOOK}: {gid}, line {line} of the cell: "
        "SyntaxError: "), lines[0]
    assert (repo / PACKAGE).read_bytes() == before
    leftovers = [p.name for p in (repo / PACKAGE).parent.iterdir()
                 if p.name.endswith(".tmp")]
    assert leftovers == []


def test_import_error_names_the_cell_and_keeps_the_package(repo):
    assert tito(repo, "notebook", "--module", MODULE).returncode == 0
    before = (repo / PACKAGE).read_bytes()
    nb = _notebook(repo)
    index = _first_exported_cell(nb)
    nb["cells"][index]["source"] = (_source(nb["cells"][index])
                                    + "\nundefined_name_here + 1\n")
    _save(repo, nb)

    r = tito(repo, "export", "--module", MODULE)
    assert r.returncode == 1
    gid = nb["cells"][index]["metadata"]["nbgrader"]["grade_id"]
    line = len(_source(nb["cells"][index]).split("\n")) - 1
    assert f"{NOTEBOOK}: {gid}, line {line} of the cell: NameError: " in \
        r.stderr, r.stderr
    assert "left unchanged" in r.stderr
    assert (repo / PACKAGE).read_bytes() == before


def test_module_names_and_suggestions(repo):
    for name in ("01", "1", "tensor", "01_tensor"):
        r = tito(repo, "status", "--module", name)
        assert r.returncode == 0, (name, r.stderr)
    r = tito(repo, "export", "--module", "tensr")
    assert r.returncode == 2
    assert "unknown module 'tensr'" in r.stderr
    assert "did you mean --module 01_tensor" in r.stderr


def test_runs_from_a_subfolder(repo):
    r = tito(repo, "status", cwd=repo / "src" / MODULE)
    assert r.returncode == 0 and MODULE in r.stdout


def test_outside_a_checkout_is_one_clear_error(tmp_path, repo):
    r = tito(repo, "status", cwd=tmp_path)
    assert r.returncode == 1
    assert "no TinyTorch project found" in r.stderr and "hint:" in r.stderr


def test_help_lists_every_command(repo):
    from tito.main import COMMANDS

    r = tito(repo, "--help")
    assert r.returncode == 0
    for name, _, _ in COMMANDS:
        assert re.search(rf"^\s+{name}\s", r.stdout, re.MULTILINE), name
        sub = tito(repo, name, "--help")
        assert sub.returncode == 0, name
        # every command's help ends with examples of itself
        assert re.search(rf"^\s+tito {name}\b", sub.stdout, re.MULTILINE), \
            name
