"""The learner's path works where POSIX-only modules do not exist (Windows).

A `sitecustomize` on PYTHONPATH makes fcntl, pwd, grp, resource and termios
unimportable in tito and in everything it starts (pytest, Jupyter kernels),
and records any attempt that came from tito's or tinytorch's own code. The
learner's journey must work and tito/tinytorch must never have asked.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

POSIX_ONLY = ("fcntl", "pwd", "grp", "resource", "termios")

SITECUSTOMIZE = '''
import importlib.abc, os, sys

BLOCKED = {blocked!r}
OURS = {ours!r}
LOG = os.environ["TITO_POSIX_LOG"]
IMPORTLIB = os.path.dirname(importlib.abc.__file__)


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in BLOCKED:
            return None
        # the code that asked: the first frame outside the import system
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if not (filename.startswith("<frozen") or
                    os.path.dirname(filename) == IMPORTLIB):
                if os.path.abspath(filename).startswith(OURS):
                    with open(LOG, "a", encoding="utf-8") as handle:
                        handle.write(f"{{name}} from {{filename}}\\n")
                break
            frame = frame.f_back
        raise ModuleNotFoundError(f"No module named {{name!r}} (POSIX-only "
                                  "modules are blocked)", name=name)


sys.meta_path.insert(0, Block())
for loaded in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
    del sys.modules[loaded]
'''


def _run(repo, env, *args):
    r = subprocess.run([sys.executable, "-m", "tito", *args], cwd=repo,
                       env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, (args, r.stdout[-3000:], r.stderr[-3000:])
    return r


def test_learner_journey_without_posix_only_modules(repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    ours = (str(repo / "tito"), str(repo / "tinytorch"))
    (site / "sitecustomize.py").write_text(
        SITECUSTOMIZE.format(blocked=set(POSIX_ONLY), ours=ours),
        encoding="utf-8")
    log = tmp_path / "attempts.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(repo)]),
               PYTHONDONTWRITEBYTECODE="1", TITO_POSIX_LOG=str(log))

    # the blocker works: these modules really are gone, and an attempt
    # from tito's own code is recorded
    probe = subprocess.run(
        [sys.executable, "-c", "import fcntl"], env=env,
        capture_output=True, text=True)
    assert probe.returncode == 1 and "POSIX-only" in probe.stderr
    (repo / "tito" / "_probe.py").write_text(
        "try:\n    import termios\nexcept ImportError:\n    pass\n",
        encoding="utf-8")
    subprocess.run([sys.executable, "-c", "import tito._probe"], env=env,
                   cwd=repo, check=True)
    assert log.read_text(encoding="utf-8").startswith("termios from ")
    log.unlink()
    (repo / "tito" / "_probe.py").unlink()

    _run(repo, env, "notebook", "--module", "04")
    _run(repo, env, "export", "--module", "04")  # takes the export lock
    for part in ("losses", "losses_stretch"):
        header = (repo / "tinytorch" / "core" / f"{part}.py").read_text(
            encoding="utf-8").split("\n")[0]
        assert header.endswith(f"modules/04_losses/04_{part}.ipynb"), header
    status = _run(repo, env, "status").stdout
    assert "0/12" in status  # the stretch notebook's TODOs, read
    _run(repo, env, "notebook", "--module", "04_losses_stretch", "--reset")
    # a whole test run: a Jupyter kernel (nbval) and pytest, both blocked
    r = _run(repo, env, "test", "--module", "03_layers")
    assert "PASS" in r.stdout, r.stdout
    # importing the whole package, with every module
    code = ("import tinytorch, tinytorch.nn as nn; "
            "from tinytorch.core import tensor, activations, layers, losses,"
            " losses_stretch; print(nn.CrossEntropyLoss.__name__)")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=repo,
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "CrossEntropyLoss", \
        out.stderr
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == "", f"tito or tinytorch asked for:\n{attempts}"
    assert "UserWarning" not in r.stderr
