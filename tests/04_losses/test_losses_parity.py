"""Module 04 losses: parity with PyTorch (torch.nn.functional) on random
batches. Skipped when PyTorch is not installed; CI installs it."""
import numpy as np
import pytest

from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    MSELoss,
    log_softmax,
)
from tinytorch.core.tensor import Tensor

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.torch

SEEDS = range(5)
# float32 results against PyTorch float32; float64 against float64
TOL = {np.float32: dict(rel=1e-5, abs=1e-6),
       np.float64: dict(rel=1e-12, abs=1e-12)}


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, c", [(1, 1), (1, 5), (8, 3), (64, 10),
                                  (16, 1000)])
def test_cross_entropy_parity(n, c, seed, dtype):
    rng = np.random.default_rng(seed)
    z = (rng.normal(size=(n, c)) * rng.uniform(0.1, 20.0)).astype(dtype)
    k = rng.integers(0, c, size=n)
    ours = CrossEntropyLoss()(Tensor(z, dtype=dtype), Tensor(k))
    theirs = F.cross_entropy(t(z), t(k))
    assert ours.dtype == dtype
    assert ours.item() == pytest.approx(theirs.item(), **TOL[dtype])


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_parity_with_masked_classes(seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(32, 12))
    k = rng.integers(0, 12, size=32)
    mask = rng.uniform(size=z.shape) < 0.4
    mask[np.arange(32), k] = False
    z[mask] = -np.inf
    ours = CrossEntropyLoss()(Tensor(z, dtype=np.float64), Tensor(k)).item()
    theirs = F.cross_entropy(t(z), t(k)).item()
    assert ours == pytest.approx(theirs, rel=1e-12)


@pytest.mark.parametrize("logits, target", [([[0.0, -1000.0]], 1),
                                            ([[1000.0, 0.0]], 0),
                                            ([[100.0, 200.0, 300.0]], 0)])
def test_cross_entropy_parity_extreme(logits, target):
    z = np.array(logits, dtype=np.float32)
    ours = CrossEntropyLoss()(Tensor(z), Tensor([target])).item()
    theirs = F.cross_entropy(t(z), torch.tensor([target])).item()
    assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(1,), (50,), (16, 4), (3, 2, 5)])
def test_mse_parity(shape, seed, dtype):
    rng = np.random.default_rng(seed)
    p = rng.normal(scale=10.0, size=shape).astype(dtype)
    y = rng.normal(scale=10.0, size=shape).astype(dtype)
    ours = MSELoss()(Tensor(p, dtype=dtype), Tensor(y, dtype=dtype))
    theirs = F.mse_loss(t(p), t(y))
    assert ours.dtype == dtype
    assert ours.item() == pytest.approx(theirs.item(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(1,), (64,), (32, 5)])
@pytest.mark.parametrize("soft", [False, True])
def test_bce_parity(shape, seed, dtype, soft):
    rng = np.random.default_rng(seed)
    # PyTorch clamps log(p) at -100, we clamp p at 1e-7: identical for
    # predictions inside [1e-7, 1 - 1e-7]
    p = rng.uniform(1e-4, 1 - 1e-4, size=shape).astype(dtype)
    if soft:
        y = rng.uniform(size=shape).astype(dtype)
    else:
        y = (rng.uniform(size=shape) < 0.5).astype(dtype)
    ours = BinaryCrossEntropyLoss()(Tensor(p, dtype=dtype),
                                    Tensor(y, dtype=dtype))
    theirs = F.binary_cross_entropy(t(p), t(y))
    assert ours.dtype == dtype
    assert ours.item() == pytest.approx(theirs.item(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_log_softmax_parity(dim, dtype):
    rng = np.random.default_rng(dim + 3)
    x = rng.normal(scale=8.0, size=(3, 4, 5)).astype(dtype)
    ours = log_softmax(Tensor(x, dtype=dtype), dim=dim).data
    theirs = F.log_softmax(t(x), dim=dim).numpy()
    assert ours.dtype == dtype
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else \
        dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours, theirs, **tol)


def test_log_softmax_parity_partial_minus_inf():
    x = np.array([[0.0, -np.inf, 2.0], [-np.inf, -np.inf, 1.0]])
    ours = log_softmax(Tensor(x, dtype=np.float64)).data
    theirs = F.log_softmax(t(x), dim=-1).numpy()
    np.testing.assert_array_equal(np.isneginf(ours), np.isneginf(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-12)
