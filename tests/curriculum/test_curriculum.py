"""The curriculum layer: sources lint, notebooks build and run, nothing leaks.

For every notebook of every module (a module's core, and its optional
stretch notebook when it has one):

- `tito check` passes on the repository (lint, leaks, package in sync);
- every instructor notebook passes `pytest --nbval-lax --nbval-current-env`;
- every learner notebook runs top to bottom and fails only at its stubs
  (`NotImplementedError`), and at least once;
- the package's doctests (the Example sections) are true;
- generated package files carry no solution markers or TODO briefs.

The checks of the reference export (`tito check`, doctests, package text)
are for maintainers: in a learner's checkout, where package files hold the
learner's exports, they skip and say so (@pytest.mark.maintainer).
"""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import nbformat
import pytest

from _support import ROOT, module_slugs, part, part_slugs, tito
from tito.core.notebooks import (instructor_notebook, learner_notebook,
                                 notebook_text, write_notebook)

SLUGS = module_slugs()
PARTS = part_slugs()


def _maintainer(slug):
    """A parameter checked only against the reference export of `slug`."""
    return pytest.param(slug, marks=pytest.mark.maintainer(slug), id=slug)
KERNEL_ENV = {"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
              "MPLBACKEND": "Agg"}


def _env():
    import os

    env = dict(os.environ)
    env.update(KERNEL_ENV)
    return env


@pytest.mark.maintainer
def test_tito_check_passes():
    r = tito(ROOT, "check")
    assert r.returncode == 0, r.stdout + r.stderr
    for slug in SLUGS:
        assert f"✓ {slug}: ok" in r.stdout


def test_every_module_has_its_parts():
    assert "04_losses_stretch" in PARTS
    assert all(any(p == s or p.startswith(f"{s}_") for p in PARTS)
               for s in SLUGS)


@pytest.mark.parametrize("slug", PARTS)
def test_notebooks_build_deterministically(slug):
    module = part(slug)
    first = notebook_text(instructor_notebook(module))
    assert first == notebook_text(instructor_notebook(module))
    nb = nbformat.reads(first, as_version=4)
    nbformat.validate(nb)
    assert "jupytext" not in first
    assert all(cell.get("id") for cell in nb.cells)


@pytest.mark.slow
@pytest.mark.parametrize("slug", PARTS)
def test_instructor_notebook_passes_nbval(slug, tmp_path):
    path = tmp_path / f"{slug}.ipynb"
    write_notebook(instructor_notebook(part(slug)), path)
    r = subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "--nbval-lax",
         "--nbval-current-env", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-o", "addopts="],
        cwd=tmp_path, env=_env(), capture_output=True, text=True,
        timeout=900)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert " passed" in r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("slug", PARTS)
def test_learner_notebook_fails_only_at_its_stubs(slug, tmp_path):
    from nbclient import NotebookClient

    nb = learner_notebook(part(slug))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    import os

    saved = {k: os.environ.get(k) for k in KERNEL_ENV}
    os.environ.update(KERNEL_ENV)
    try:
        client.execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    errors = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append((index, out["ename"], out["evalue"]))
    assert errors, "the learner notebook ran without hitting a stub"
    wrong = [e for e in errors if e[1] != "NotImplementedError"]
    assert not wrong, f"cells failing for another reason: {wrong[:3]}"
    first_solution = min(
        i for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    assert errors[0][0] > first_solution
    # each stub names its part, so the learner knows where to work
    assert all(":" in evalue for _, _, evalue in errors)


@pytest.mark.parametrize("slug", [_maintainer(s) for s in PARTS])
def test_package_doctests_are_true(slug):
    module = part(slug)
    mod = importlib.import_module(module.import_name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE
                             | doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {slug}"
    assert result.attempted > 0, f"{module.import_name} has no Example"


@pytest.mark.parametrize("slug", [_maintainer(s) for s in PARTS])
def test_package_file_has_no_solutions_or_briefs(slug):
    module = part(slug)
    text = module.package_file.read_text(encoding="utf-8")
    assert text.startswith("# AUTOGENERATED! DO NOT EDIT! File to edit: ")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS",
                   "TODO:", "APPROACH:", "HINTS:", "# YOUR CODE HERE"):
        assert marker not in text, f"{marker!r} in {module.package_file}"
