"""Binder and Colab: what a learner gets without installing anything.

- binder/requirements.txt pins every dependency of pyproject.toml (and of
  the dev and lab extras) to a version pyproject.toml allows;
- Binder, simulated: a fresh virtual environment, `pip install -r
  binder/requirements.txt`, then binder/postBuild at the repository root.
  Afterwards every learner notebook exists, carries no solution, and runs in
  that environment up to its first stub (so it imports the package);
- Colab: the learner notebook's first code cell installs tinytorch when it
  is not importable (run for real in the fresh environment, from the local
  checkout) and does nothing where it is.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from _support import ROOT
from bookkit import copy_repo

REQUIREMENTS = ROOT / "binder" / "requirements.txt"
EXTRAS = ("dev", "lab")  # what a Binder learner needs besides the package


def _pins() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
        assert match, f"binder/requirements.txt: {line!r} is not NAME==VERSION"
        pins[_canonical(match.group(1))] = match.group(2)
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_pin_what_pyproject_allows():
    from packaging.requirements import Requirement

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+, as in CI
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in EXTRAS:
        wanted += project["optional-dependencies"][extra]
    pins = _pins()
    problems = []
    for text in wanted:
        req = Requirement(text)
        name = _canonical(req.name)
        if name not in pins:
            problems.append(f"{req.name} is missing (pyproject: {text})")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req.name}=={pins[name]} is outside {text}")
    extra = set(pins) - {_canonical(Requirement(t).name) for t in wanted}
    problems += [f"{name} is pinned but pyproject.toml does not ask for it"
                 for name in sorted(extra)]
    assert not problems, "binder/requirements.txt:\n" + "\n".join(problems)
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK), \
        "binder/postBuild must be executable (git update-index --chmod=+x)"


# --------------------------------------------------------------- Colab


def _setup_cell(root: Path, slug: str = "04_losses") -> str:
    from tito.core.notebooks import learner_notebook
    from tito.core.project import Module

    nb = learner_notebook(Module(root, slug))
    return next(c.source for c in nb.cells if c.cell_type == "code")


def _repository() -> tuple[str, str]:
    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
    return (config["repository"]["url"].rstrip("/"),
            config["repository"]["branch"])


RECORD = """
import json, subprocess
calls = []
subprocess.run = lambda *a, **k: calls.append(a[0]) or \
    subprocess.CompletedProcess(a[0], 0)
subprocess.check_call = lambda *a, **k: calls.append(a[0]) or 0
"""


def _run_recorded(cell: str, hide_tinytorch: bool) -> list:
    hide = textwrap.dedent("""
        import importlib.util
        _find = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: (
            None if name.split(".")[0] == "tinytorch" else _find(name, *a))
    """) if hide_tinytorch else ""
    code = RECORD + hide + cell + "\nprint(json.dumps(calls))\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("slug", ["01_tensor", "04_losses"])
def test_first_code_cell_installs_tinytorch_only_when_missing(slug):
    cell = _setup_cell(ROOT, slug)
    assert _run_recorded(cell, hide_tinytorch=False) == [], (
        "the first code cell must do nothing where tinytorch is importable")
    calls = _run_recorded(cell, hide_tinytorch=True)
    assert len(calls) == 1, f"expected one pip install, got {calls}"
    url, branch = _repository()
    command = calls[0]
    assert command[:4] == [sys.executable, "-m", "pip", "install"], command
    assert f"tinytorch @ git+{url}@{branch}" in command, command


# -------------------------------------------------------------- Binder


VENV_CHECK = r"""
import json, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
probe = nbformat.v4.new_code_cell("import sys; print(sys.prefix)")
nb.cells.insert(0, probe)
client = NotebookClient(nb, timeout=300, kernel_name="python3",
                        resources={"metadata": {"path": str(path.parent)}})
try:
    client.execute()
except CellExecutionError:
    pass
failed = [(i - 1, o["ename"], o["evalue"]) for i, c in enumerate(nb.cells)
          if c.cell_type == "code" for o in c.get("outputs", [])
          if o.get("output_type") == "error"]
prefix = "".join(o.get("text", "") for o in probe.outputs).strip()
print(json.dumps({"prefix": prefix, "failed": failed}))
"""


def _venv_env(venv: Path, state: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               VIRTUAL_ENV=str(venv), PYTHONDONTWRITEBYTECODE="1",
               JUPYTER_DATA_DIR=str(state / "data"),
               JUPYTER_CONFIG_DIR=str(state / "config"),
               JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               IPYTHONDIR=str(state / "ipython"), MPLBACKEND="Agg")
    return env


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True,
                            **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


class FreshVenv:
    """A copy of the repository and a new venv with binder/requirements.txt
    installed (tinytorch itself not yet)."""

    def __init__(self, root: Path):
        self.repo = copy_repo(root / "repo")
        self.venv = root / "venv"
        self.outside = root / "elsewhere"  # a cwd where tinytorch isn't local
        self.outside.mkdir()
        self.env = _venv_env(self.venv, root / "jupyter")
        self.python = str(self.venv / "bin" / "python")

    def run(self, *args, cwd=None, timeout=600):
        return _run([self.python, *args], env=self.env,
                    cwd=cwd or self.outside, timeout=timeout)

    def has_tinytorch(self) -> bool:
        out = self.run("-c", "import importlib.util as u; "
                       "print(u.find_spec('tinytorch') is not None)")
        return out.stdout.strip() == "True"


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory):
    state = FreshVenv(tmp_path_factory.mktemp("binder"))
    _run([sys.executable, "-m", "venv", str(state.venv)], timeout=300)
    started = time.monotonic()
    state.run("-m", "pip", "install", "--quiet", "-r",
              str(state.repo / "binder" / "requirements.txt"), timeout=1200)
    print(f"\nbinder/requirements.txt installed in a fresh venv in "
          f"{time.monotonic() - started:.0f} s")
    assert not state.has_tinytorch(), "a fresh venv must not see tinytorch"
    return state


# The two tests below share one venv and run in this order: the Colab test
# removes what it installs, so the Binder test starts from a clean venv.


@pytest.mark.slow
def test_colab_cell_installs_tinytorch_in_a_fresh_venv(fresh_venv):
    """Colab's route, for real: the first code cell pip-installs tinytorch
    (from the local checkout instead of GitHub) and it then imports."""
    url, branch = _repository()
    cell = _setup_cell(fresh_venv.repo)
    assert f"git+{url}@{branch}" in cell, (
        "the learner notebook's first code cell does not install tinytorch "
        f"from {url}@{branch}:\n{cell[:300]}")
    cell = cell.replace(f"git+{url}@{branch}", fresh_venv.repo.as_uri())
    try:
        result = fresh_venv.run("-c", cell + "\nimport tinytorch\n"
                                "print('imported', tinytorch.__file__)")
        assert f"imported {fresh_venv.venv}" in result.stdout, result.stdout
    finally:
        fresh_venv.run("-m", "pip", "uninstall", "--quiet", "-y",
                       "tinytorch")
    assert not fresh_venv.has_tinytorch()


@pytest.mark.slow
def test_binder_postbuild_in_a_fresh_venv(fresh_venv, tmp_path):
    import nbformat

    from tito.commands.check import leaks
    from tito.core.notebooks import instructor_notebook
    from tito.core.project import discover

    repo, venv, env = fresh_venv.repo, fresh_venv.venv, fresh_venv.env
    python, outside = fresh_venv.python, fresh_venv.outside
    assert not fresh_venv.has_tinytorch(), "the venv is not fresh"

    # Binder's route: postBuild at the repository root.
    started = time.monotonic()
    result = _run(["bash", str(repo / "binder" / "postBuild")], env=env,
                  cwd=repo, timeout=900)
    print(f"binder/postBuild ran in {time.monotonic() - started:.0f} s")
    assert "installed; learner notebooks are in modules/" in result.stdout

    where = _run([python, "-c", "import tinytorch; print(tinytorch.__file__)"],
                 env=env, cwd=outside).stdout.strip()
    assert Path(where).is_relative_to(repo), (
        f"tinytorch should be the editable checkout, not {where}")

    modules = [part for m in discover(repo) for part in m.all_parts]
    assert "04_losses_stretch" in [m.slug for m in modules]
    for module in modules:  # every notebook: a core, an optional part
        path = module.notebook
        assert path.is_file(), f"postBuild did not create {path}"
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "HIDDEN TESTS"):
            assert marker not in text, f"{marker} in {path}"
        nb = nbformat.reads(text, as_version=4)
        assert leaks(instructor_notebook(module), nb, module.slug) == []

        script = tmp_path / "run_notebook.py"
        script.write_text(VENV_CHECK)
        run = _run([python, str(script), str(path)], env=env,
                   cwd=path.parent, timeout=900)
        report = json.loads(run.stdout.strip().splitlines()[-1])
        assert Path(report["prefix"]) == venv, report
        assert report["failed"], f"{module.slug} ran without reaching a stub"
        index, ename, evalue = report["failed"][0]
        first_stub = next(
            c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution"))
        assert ename == "NotImplementedError" and \
            evalue.startswith(f"{first_stub}:"), (
                f"{module.slug}: first failure is cell {index + 1} "
                f"{ename}: {evalue[:200]} (expected the stub {first_stub})")
