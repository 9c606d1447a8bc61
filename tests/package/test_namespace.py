"""The hand-written package namespace: fast, lazy, and loud when incomplete."""

from __future__ import annotations

import subprocess
import sys

import pytest

from _support import make_copy


def _python(code: str, cwd, pythonpath=None):
    import os

    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_installed_package_imports_from_anywhere(tmp_path):
    r = _python("import tinytorch, tinytorch.core.losses as L; "
                "from tinytorch import Tensor; from tinytorch.nn import "
                "CrossEntropyLoss; print(tinytorch.__file__)", tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("tinytorch/__init__.py")


def test_import_tinytorch_loads_no_module_until_asked(tmp_path):
    r = _python("import sys, tinytorch; "
                "print(sorted(m for m in sys.modules "
                "if m.startswith('tinytorch.core.')))", tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_names_resolve_to_the_package_files():
    import tinytorch
    import tinytorch.nn as nn
    from tinytorch.core import activations, layers, losses, tensor

    assert tinytorch.Tensor is tensor.Tensor
    assert nn.Linear is layers.Linear and nn.ReLU is activations.ReLU
    try:  # the stretch notebook's full version, once it is exported
        from tinytorch.core import losses_stretch as full
    except ImportError:
        full = losses
    assert nn.CrossEntropyLoss is full.CrossEntropyLoss
    assert nn.MSELoss is losses.MSELoss
    assert set(tinytorch.__all__) <= set(dir(tinytorch))
    with pytest.raises(AttributeError):
        tinytorch.NoSuchThing


def test_unexported_module_is_a_clear_import_error(tmp_path):
    repo = make_copy(tmp_path / "repo")
    (repo / "tinytorch" / "core" / "losses.py").unlink()
    r = _python("import tinytorch; from tinytorch import Tensor; "
                "from tinytorch.nn import Linear; "
                "from tinytorch.nn import MSELoss", tmp_path, repo)
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: tinytorch.nn.MSELoss comes from "
                           "Module 04_losses, which has not been exported "
                           "yet"), last
    assert "Hint: run tito export --module 04_losses" in last
