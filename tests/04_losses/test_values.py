"""Module 04 losses: exact values, shapes and dtypes against float64 loops.

Every check goes through `tinytorch.testing.check`, so a failure here names
the likely mistake, as the notebook's tests do. References are written as
plain Python loops in float64, independent of NumPy's vectorised forms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tinytorch.core import losses as L
from tinytorch.core.layers import Module
from tinytorch.core.losses import (BCELoss, BinaryCrossEntropyLoss,
                                   CrossEntropyLoss, MSELoss,
                                   binary_cross_entropy, cross_entropy,
                                   log_softmax, mse_loss, reduce_losses)
from tinytorch.core.tensor import Tensor
from tinytorch.testing import check

REDUCTIONS = ("mean", "sum", "none")


# ------------------------------------------------------------ references
def ref_log_softmax(row):
    m = max(row)
    lse = m + math.log(sum(math.exp(v - m) for v in row))
    return [v - lse for v in row]


def ref_ce_items(z, t):
    return [-ref_log_softmax(list(row))[int(k)] for row, k in zip(z, t)]


def ref_mse_items(p, t):
    return [(a - b) ** 2 for a, b in zip(np.ravel(p), np.ravel(t))]


def ref_bce_items(p, t, eps=1e-7):
    return [-(b * math.log(max(a, eps)) + (1 - b) * math.log(max(1 - a, eps)))
            for a, b in zip(np.ravel(p), np.ravel(t))]


def reduced(items, reduction, shape):
    if reduction == "mean":
        return sum(items) / len(items)
    if reduction == "sum":
        return sum(items)
    return np.reshape(items, shape)


def tensor(a, dtype):
    return Tensor(a, dtype=dtype)


DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(atol=1e-5, rtol=1e-5),
       np.float64: dict(atol=1e-12, rtol=1e-12)}


# ---------------------------------------------------------- log_softmax
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, dim", [((5,), -1), ((4, 6), -1),
                                        ((4, 6), 0), ((2, 3, 4), 1),
                                        ((2, 3, 4), -1), ((1, 1), 1)])
def test_log_softmax_matches_loop(shape, dim, dtype):
    x = np.random.default_rng(len(shape) + dim).normal(scale=6, size=shape)
    moved = np.moveaxis(x, dim, -1)
    want = np.moveaxis(np.array([ref_log_softmax(list(r)) for r in
                                 moved.reshape(-1, shape[dim])]
                                ).reshape(moved.shape), -1, dim)
    check(log_softmax, tensor(x, dtype), dim=dim, want=want, **TOL[dtype])


def test_log_softmax_of_integers_is_float32():
    check(log_softmax, Tensor([1, 2, 3], dtype=np.int64),
          want=ref_log_softmax([1, 2, 3]))


@pytest.mark.parametrize("scale", [100.0, 1e4, 1e30])
def test_log_softmax_never_overflows(scale):
    x = np.array([[1.0, 2.0, 3.0]]) * scale
    check(log_softmax, Tensor(x), want=x - x.max(), atol=1e-3 * scale,
          rtol=1e-6)


def test_log_softmax_masked_entries():
    out = check(log_softmax, Tensor([[0.0, -np.inf, 0.0], [1.0, 2.0, 3.0]]),
                want=[[-math.log(2), -np.inf, -math.log(2)],
                      ref_log_softmax([1.0, 2.0, 3.0])])
    assert np.isneginf(out.data[0, 1])


# --------------------------------------------------------- reduce_losses
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_reduce_losses(reduction, dtype):
    losses = np.arange(1.0, 7.0).reshape(2, 3).astype(dtype)
    want = {"mean": 3.5, "sum": 21.0, "none": losses}[reduction]
    check(reduce_losses, losses, reduction, want=want)


# --------------------------------------------------------------- losses
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (7,), (4, 3), (2, 3, 2)])
def test_mse_matches_loop(shape, reduction, dtype):
    rng = np.random.default_rng(sum(shape))
    p, t = rng.normal(scale=3, size=(2,) + shape)
    want = reduced(ref_mse_items(p, t), reduction, shape)
    check(mse_loss, tensor(p, dtype), tensor(t, dtype), reduction=reduction,
          want=want, **TOL[dtype])
    check(MSELoss(reduction=reduction), tensor(p, dtype), tensor(t, dtype),
          want=want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("n, c", [(1, 1), (1, 4), (6, 3), (16, 10)])
def test_cross_entropy_matches_loop(n, c, reduction, dtype):
    rng = np.random.default_rng(n * c)
    z = rng.normal(scale=5, size=(n, c))
    t = rng.integers(0, c, size=n)
    want = reduced(ref_ce_items(z, t), reduction, (n,))
    check(cross_entropy, tensor(z, dtype), Tensor(t, dtype=np.int64),
          reduction=reduction, want=want, **TOL[dtype])
    check(CrossEntropyLoss(reduction=reduction), tensor(z, dtype),
          Tensor(t), want=want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (9,), (5, 4)])
def test_bce_matches_loop(shape, reduction, dtype):
    rng = np.random.default_rng(sum(shape) + 1)
    p = rng.uniform(0.001, 0.999, size=shape)
    t = rng.uniform(size=shape)
    want = reduced(ref_bce_items(p, t), reduction, shape)
    check(binary_cross_entropy, tensor(p, dtype), tensor(t, dtype),
          reduction=reduction, want=want, **TOL[dtype])
    check(BinaryCrossEntropyLoss(reduction=reduction), tensor(p, dtype),
          tensor(t, dtype), want=want, **TOL[dtype])


def test_documented_examples():
    check(cross_entropy, Tensor([[2.0, 1.0, 0.1]]), Tensor([0]),
          want=ref_ce_items([[2.0, 1.0, 0.1]], [0])[0])
    check(mse_loss, Tensor([200.0, 250.0, 300.0]),
          Tensor([195.0, 260.0, 290.0]), want=75.0)
    check(binary_cross_entropy, Tensor([0.9, 0.2, 0.1]),
          Tensor([1.0, 0.0, 0.0]),
          want=sum(ref_bce_items([0.9, 0.2, 0.1], [1, 0, 0])) / 3)


def test_cross_entropy_edge_values():
    # one class: always certain; extreme logits exact; masked classes
    check(cross_entropy, Tensor([[5.0], [-2.0]]), Tensor([0, 0]), want=0.0)
    check(cross_entropy, Tensor([[0.0, -1000.0], [1000.0, 0.0]]),
          Tensor([1, 0]), reduction="none", want=[1000.0, 0.0], atol=1e-3)
    check(cross_entropy, Tensor([[0.0, -np.inf, 0.0]]), Tensor([0]),
          want=math.log(2))
    # the right class masked: probability 0, loss inf (as in PyTorch)
    assert cross_entropy(Tensor([[0.0, -np.inf]]), Tensor([1])).item() \
        == math.inf
    # float targets holding whole numbers, and int64 targets, agree
    z = Tensor([[1.0, 2.0, 3.0], [3.0, 1.0, -2.0]])
    a = cross_entropy(z, Tensor([2.0, 0.0])).item()
    b = cross_entropy(z, Tensor([2, 0], dtype=np.int64)).item()
    assert a == b


def test_bce_clamp_bounds_one_element_by_16_118():
    out = check(binary_cross_entropy, Tensor([0.0, 1.0, 1.0, 0.0]),
                Tensor([1.0, 0.0, 1.0, 0.0]), reduction="none",
                want=[-math.log(1e-7)] * 2 + [0.0, 0.0], atol=1e-4)
    assert out.data.max() == pytest.approx(16.118095, abs=1e-5)
    out64 = binary_cross_entropy(Tensor([0.0], dtype=np.float64),
                                 Tensor([1.0], dtype=np.float64))
    assert out64.item() == pytest.approx(-math.log(1e-7), rel=1e-12)


def test_huge_batch_of_extreme_values():
    rng = np.random.default_rng(3)
    n = 100_000
    z = rng.choice([-1e30, 0.0, 1e30], size=(n, 3)).astype(np.float32)
    k = rng.integers(0, 3, size=n)
    x = z.astype(np.float64)
    m = x.max(axis=1)
    ref = np.mean(m + np.log(np.exp(x - m[:, None]).sum(axis=1))
                  - x[np.arange(n), k])
    check(cross_entropy, Tensor(z), Tensor(k), want=ref, rtol=1e-6)


def test_losses_do_not_change_their_inputs():
    z = np.random.default_rng(0).normal(size=(8, 5)).astype(np.float32)
    logits, before = Tensor(z), z.copy()
    for reduction in REDUCTIONS:
        cross_entropy(logits, Tensor(np.arange(8) % 5), reduction=reduction)
        log_softmax(logits)
    assert np.array_equal(logits.data, before)
    p = Tensor([0.0, 0.3, 1.0])
    binary_cross_entropy(p, Tensor([1.0, 0.0, 1.0]))
    assert p.data.tolist() == pytest.approx([0.0, 0.3, 1.0])


def test_none_returns_one_loss_per_row_or_element():
    assert cross_entropy(Tensor(np.zeros((4, 3))), Tensor([0, 1, 2, 0]),
                         reduction="none").shape == (4,)
    assert mse_loss(Tensor(np.ones((4, 3))), Tensor(np.zeros((4, 3))),
                    reduction="none").shape == (4, 3)


# --------------------------------------------------------------- classes
def test_classes_are_modules_with_torch_names_and_settings():
    for cls in (MSELoss, CrossEntropyLoss, BinaryCrossEntropyLoss):
        assert issubclass(cls, Module) and issubclass(cls, L.Loss)
        assert cls().reduction == "mean"
        assert repr(cls(reduction="none")) == f"{cls.__name__}(reduction='none')"
    assert BCELoss is BinaryCrossEntropyLoss
    assert CrossEntropyLoss(ignore_index=3).ignore_index == 3


def test_a_subclass_forward_is_used():
    class Doubled(MSELoss):
        def forward(self, predictions, targets):
            return super().forward(predictions, targets) * 2

    assert Doubled()(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item() == 4.0
