"""Module 04 against PyTorch: `torch.nn.functional` is the oracle.

Random batches, every reduction, float32 and float64, extreme and masked
logits. Skipped when PyTorch is not installed (CI installs it).
"""

from __future__ import annotations

import numpy as np
import pytest

import tinytorch.nn as nn
import tinytorch.nn.functional as TF
from tinytorch.core.tensor import Tensor
from tinytorch.testing import check

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.torch

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-5, atol=1e-6),
       np.float64: dict(rtol=1e-12, atol=1e-12)}
REDUCTIONS = ["mean", "sum", "none"]


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def same(fn, args, kwargs, theirs, dtype):
    """`fn(*args, **kwargs)` equals PyTorch's result; through `check`, so a
    difference names the likely mistake."""
    check(fn, *args, want=theirs.numpy(), dtype=dtype,
          atol=TOL[dtype]["atol"], rtol=TOL[dtype]["rtol"], **kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("n, c", [(1, 1), (1, 5), (8, 3), (64, 10),
                                  (16, 1000)])
def test_cross_entropy(n, c, reduction, dtype):
    rng = np.random.default_rng(n + c)
    z = (rng.normal(size=(n, c)) * rng.uniform(0.1, 20.0)).astype(dtype)
    k = rng.integers(0, c, size=n)
    theirs = F.cross_entropy(t(z), t(k), reduction=reduction)
    args = (Tensor(z, dtype=dtype), Tensor(k))
    same(TF.cross_entropy, args, dict(reduction=reduction), theirs, dtype)
    same(nn.CrossEntropyLoss(reduction=reduction), args, {}, theirs, dtype)


@pytest.mark.parametrize("seed", range(3))
def test_cross_entropy_with_masked_classes(seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(32, 12))
    k = rng.integers(0, 12, size=32)
    mask = rng.uniform(size=z.shape) < 0.4
    mask[np.arange(32), k] = False
    z[mask] = -np.inf
    same(TF.cross_entropy, (Tensor(z, dtype=np.float64), Tensor(k)), {},
         F.cross_entropy(t(z), t(k)), np.float64)


@pytest.mark.parametrize("logits, target", [([[0.0, -1000.0]], 1),
                                            ([[1000.0, 0.0]], 0),
                                            ([[100.0, 200.0, 300.0]], 0)])
def test_cross_entropy_extreme(logits, target):
    z = np.array(logits, dtype=np.float32)
    ours = TF.cross_entropy(Tensor(z), Tensor([target])).item()
    theirs = F.cross_entropy(t(z), torch.tensor([target])).item()
    assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (50,), (16, 4), (3, 2, 5)])
def test_mse(shape, reduction, dtype):
    rng = np.random.default_rng(len(shape))
    p, y = rng.normal(scale=10.0, size=(2,) + shape).astype(dtype)
    theirs = F.mse_loss(t(p), t(y), reduction=reduction)
    args = (Tensor(p, dtype=dtype), Tensor(y, dtype=dtype))
    same(TF.mse_loss, args, dict(reduction=reduction), theirs, dtype)
    same(nn.MSELoss(reduction=reduction), args, {}, theirs, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (64,), (32, 5)])
@pytest.mark.parametrize("soft", [False, True])
def test_bce(shape, reduction, soft, dtype):
    # PyTorch clamps each log at -100, we clamp p and 1 - p at 1e-7: the
    # same for predictions in [1e-7, 1 - 1e-7]
    rng = np.random.default_rng(len(shape) + soft)
    p = rng.uniform(1e-4, 1 - 1e-4, size=shape).astype(dtype)
    y = (rng.uniform(size=shape) if soft else
         rng.uniform(size=shape) < 0.5).astype(dtype)
    theirs = F.binary_cross_entropy(t(p), t(y), reduction=reduction)
    args = (Tensor(p, dtype=dtype), Tensor(y, dtype=dtype))
    same(TF.binary_cross_entropy, args, dict(reduction=reduction), theirs,
         dtype)
    same(nn.BCELoss(reduction=reduction), args, {}, theirs, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_log_softmax(dim, dtype):
    rng = np.random.default_rng(dim + 3)
    x = rng.normal(scale=8.0, size=(3, 4, 5)).astype(dtype)
    same(TF.log_softmax, (Tensor(x, dtype=dtype),), dict(dim=dim),
         F.log_softmax(t(x), dim=dim), dtype)


def test_log_softmax_partial_minus_inf():
    x = np.array([[0.0, -np.inf, 2.0], [-np.inf, -np.inf, 1.0]])
    ours = TF.log_softmax(Tensor(x, dtype=np.float64)).data
    theirs = F.log_softmax(t(x), dim=-1).numpy()
    np.testing.assert_array_equal(np.isneginf(ours), np.isneginf(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-12)


def test_same_names_and_defaults_as_torch():
    import inspect

    for ours, theirs in [(TF.cross_entropy, F.cross_entropy),
                         (TF.mse_loss, F.mse_loss),
                         (TF.binary_cross_entropy, F.binary_cross_entropy),
                         (nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss),
                         (nn.MSELoss, torch.nn.MSELoss),
                         (nn.BCELoss, torch.nn.BCELoss)]:
        mine = inspect.signature(ours).parameters
        torch_params = inspect.signature(theirs).parameters
        for name, param in mine.items():
            if name in ("predictions", "targets", "logits", "self"):
                continue
            assert name in torch_params, (ours, name)
            assert param.default == torch_params[name].default, (ours, name)
