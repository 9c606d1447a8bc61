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
    import importlib
    import importlib.util

    # the stretch notebook's full version, once it is exported
    stretch = "tinytorch.core.losses_stretch"
    full = importlib.import_module(stretch) \
        if importlib.util.find_spec(stretch) is not None else losses
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


STRETCH_CLASSES = ["L1Loss", "HuberLoss", "SmoothL1Loss", "NLLLoss",
                   "BCEWithLogitsLoss", "KLDivLoss", "FocalLoss",
                   "TripletMarginLoss", "InfoNCELoss"]
STRETCH_FUNCTIONS = ["l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss",
                     "binary_cross_entropy_with_logits", "kl_div",
                     "sigmoid_focal_loss", "triplet_margin_loss", "info_nce"]


def test_stretch_names_resolve_the_torch_way():
    """Every loss of the stretch notebook, by PyTorch's name, in
    tinytorch.nn (classes), tinytorch.nn.functional (functions) and
    tinytorch (classes, like MSELoss)."""
    import tinytorch
    import tinytorch.nn as nn
    import tinytorch.nn.functional as F

    stretch = pytest.importorskip("tinytorch.core.losses_stretch")
    for name in STRETCH_CLASSES + ["CrossEntropyLoss", "BCELoss",
                                   "BinaryCrossEntropyLoss"]:
        assert getattr(nn, name) is getattr(stretch, name), name
        assert getattr(tinytorch, name) is getattr(stretch, name), name
        assert name in dir(nn)
    for name in STRETCH_FUNCTIONS + ["cross_entropy", "binary_cross_entropy"]:
        assert getattr(F, name) is getattr(stretch, name), name
        assert name in dir(F)


def test_unexported_stretch_notebook_is_a_clear_import_error(tmp_path):
    repo = make_copy(tmp_path / "repo")
    (repo / "tinytorch" / "core" / "losses_stretch.py").unlink()
    code = ("import tinytorch.nn as nn, tinytorch.nn.functional as F; "
            "assert nn.CrossEntropyLoss.__module__ == "
            "'tinytorch.core.losses'; "
            "assert F.cross_entropy.__module__ == 'tinytorch.core.losses'; "
            "from tinytorch.nn import HuberLoss")
    r = _python(code, tmp_path, repo)
    assert r.returncode == 1, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last == (
        "ImportError: tinytorch.nn.HuberLoss comes from the stretch notebook "
        "of Module 04_losses, which has not been exported yet "
        "(tinytorch.core.losses_stretch is missing). Hint: write and export "
        "modules/04_losses/04_losses_stretch.ipynb"), last
    r = _python("import tinytorch.nn.functional as F; F.kl_div", tmp_path,
                repo)
    assert "tinytorch.nn.functional.kl_div comes from the stretch notebook" \
        in r.stderr
