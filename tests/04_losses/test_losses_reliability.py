"""Every public loss × every class of bad input: a right answer or a clear error.

A table, not a sample: each row is (bad-input class, inputs, expectation).
The expectation is either a ValueError/TypeError whose one-line message
starts with the loss's name and names the problem, or a documented value
checked against a float64 reference. Nothing may come back as a silent
NaN, a silent wrong number, or a raw NumPy error.

Then Hypothesis fuzzes valid inputs (bounded, derandomised): every finite
valid input gives a finite loss that matches a float64 loop reference.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings

from tinytorch.core.losses import (BinaryCrossEntropyLoss,
                                   CrossEntropyLoss, MSELoss, log_softmax)
from tinytorch.core.tensor import Tensor

RAISE = "raise"


def _raw(array):
    """A Tensor whose storage bypasses the constructor's checks.

    Simulates data that reached a loss some other way (a subclass, a
    deserialised object): the loss must still refuse it.
    """
    t = Tensor.__new__(Tensor)
    t.data = np.asarray(array)
    return t


def _ce_ref(x, t):
    x = np.asarray(x, dtype=np.float64)
    out = []
    for row, k in zip(x, np.asarray(t, dtype=np.int64)):
        m = max(row)
        out.append(m + math.log(sum(math.exp(v - m) for v in row)) - row[k])
    return sum(out) / len(out)


def _mse_ref(p, t):
    p = np.asarray(p, dtype=np.float64).ravel()
    t = np.asarray(t, dtype=np.float64).ravel()
    return sum((a - b) ** 2 for a, b in zip(p, t)) / len(p)


def _bce_ref(p, t, eps=1e-7):
    p = np.asarray(p, dtype=np.float64).ravel()
    t = np.asarray(t, dtype=np.float64).ravel()
    total = 0.0
    for a, b in zip(p, t):
        total -= b * math.log(max(a, eps)) + (1 - b) * math.log(
            max(1 - a, eps))
    return total / len(p)


# (loss name, callable, bad-input class, args, expected regex or a value)
F = np.float32
N = 4
X = [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [3.0, 1.0, -2.0]]
Y = [2, 0, 1, 0]
P = [0.9, 0.2, 0.6, 0.4]
T = [1.0, 0.0, 1.0, 0.0]
V = [1.0, -2.0, 3.5, 0.0]
W = [0.5, -2.0, 1.0, 2.0]

CE, MSE, BCE = CrossEntropyLoss(), MSELoss(), BinaryCrossEntropyLoss()


def ls(x, dim=-1):
    return log_softmax(x, dim=dim)


CASES = [
    # ---------------------------------------------------------- wrong type
    ("CrossEntropyLoss", CE, "list logits", (X, Tensor(Y)),
     r"logits must be a Tensor, got list"),
    ("CrossEntropyLoss", CE, "None targets", (Tensor(X), None),
     r"targets must be a Tensor, got NoneType"),
    ("CrossEntropyLoss", CE, "string targets", (Tensor(X), "cat"),
     r"targets must be a Tensor, got str"),
    ("MSELoss", MSE, "list predictions", (V, Tensor(W)),
     r"predictions must be a Tensor, got list"),
    ("MSELoss", MSE, "None targets", (Tensor(V), None),
     r"targets must be a Tensor, got NoneType"),
    ("MSELoss", MSE, "string predictions", ("1.0", Tensor(W)),
     r"predictions must be a Tensor, got str"),
    ("BinaryCrossEntropyLoss", BCE, "list predictions", (P, Tensor(T)),
     r"predictions must be a Tensor, got list"),
    ("BinaryCrossEntropyLoss", BCE, "None targets", (Tensor(P), None),
     r"targets must be a Tensor, got NoneType"),
    ("log_softmax", ls, "list input", (X,), r"x must be a Tensor, got list"),
    ("log_softmax", ls, "None input", (None,),
     r"x must be a Tensor, got NoneType"),
    ("log_softmax", ls, "string dim", (Tensor(X), "last"),
     r"dim must be an int, got str"),
    ("log_softmax", ls, "float dim", (Tensor(X), 1.0),
     r"dim must be an int, got float"),
    # --------------------------------------------------------- wrong dtype
    ("CrossEntropyLoss", CE, "complex logits",
     (_raw(np.ones((2, 3), complex)), Tensor([0, 1])),
     r"logits must hold real numbers.*complex128"),
    ("CrossEntropyLoss", CE, "object targets",
     (Tensor(X), _raw(np.array([0, 1, 2, 0], dtype=object))),
     r"targets must hold real numbers.*object"),
    ("CrossEntropyLoss", CE, "bool targets",
     (Tensor([[1.0, 2.0]] * 2), Tensor([True, False], dtype=bool)),
     r"targets must hold real numbers.*bool"),
    ("MSELoss", MSE, "complex predictions",
     (_raw(np.ones(4, complex)), Tensor(W)),
     r"predictions must hold real numbers.*complex"),
    ("MSELoss", MSE, "object targets",
     (Tensor(V), _raw(np.array([1, 2, 3, 4], dtype=object))),
     r"targets must hold real numbers.*object"),
    ("BinaryCrossEntropyLoss", BCE, "bool targets",
     (Tensor([0.5, 0.5]), Tensor([True, False], dtype=bool)),
     r"targets must hold real numbers.*bool"),
    ("log_softmax", ls, "complex input", (_raw(np.ones(3, complex)),),
     r"x must hold real numbers.*complex"),
    # ----------------------------------------- mismatched / broadcastable
    ("CrossEntropyLoss", CE, "(N,1) targets",
     (Tensor(X), Tensor([[2], [0], [1], [0]])),
     r"targets must have shape \(4,\).*got \(4, 1\).*reshape\(-1\)"),
    ("CrossEntropyLoss", CE, "too few targets", (Tensor(X), Tensor([0, 1])),
     r"targets must have shape \(4,\).*got \(2,\)"),
    # targets shaped like the logits are class probabilities (PyTorch's
    # rule, the stretch part): one-hot rows give the class-index value
    ("CrossEntropyLoss", CE, "one-hot targets",
     (Tensor(X), Tensor(np.eye(3)[[2, 0, 1, 0]])), _ce_ref(X, Y)),
    ("CrossEntropyLoss", CE, "one-hot rows, one short",
     (Tensor(X), Tensor(np.eye(3)[[2, 0, 1]])),
     r"targets must have shape \(4,\).*got \(3, 3\)"),
    ("CrossEntropyLoss", CE, "1-D logits", (Tensor([1.0, 2.0]), Tensor([0])),
     r"logits must have shape \(N, C\) or \(N, C, d1, \.\.\.\), got "
     r"shape \(2,\)"),
    ("CrossEntropyLoss", CE, "3-D logits, (N,) targets",
     (Tensor(np.zeros((2, 3, 4))), Tensor([0, 1])),
     r"targets must have shape \(2, 4\).*logits \(2, 3, 4\), got \(2,\)"),
    ("MSELoss", MSE, "(N,1) vs (N,)",
     (Tensor([[1.0], [2.0], [3.0], [4.0]]), Tensor(W)),
     r"must have the same shape, got \(4, 1\) and \(4,\).*broadcast"),
    ("MSELoss", MSE, "different lengths", (Tensor(V), Tensor([1.0, 2.0])),
     r"must have the same shape, got \(4,\) and \(2,\)"),
    ("BinaryCrossEntropyLoss", BCE, "(N,) vs (1,N)",
     (Tensor(P), Tensor([T])),
     r"must have the same shape, got \(4,\) and \(1, 4\)"),
    # --------------------------------------------------------------- empty
    ("CrossEntropyLoss", CE, "no rows",
     (Tensor(np.zeros((0, 3))), Tensor(np.zeros(0))), r"empty batch"),
    ("CrossEntropyLoss", CE, "no classes",
     (Tensor(np.zeros((2, 0))), Tensor([0, 0])), r"size 0 along dim 1"),
    ("MSELoss", MSE, "empty", (Tensor([]), Tensor([])), r"empty batch"),
    ("BinaryCrossEntropyLoss", BCE, "empty", (Tensor([]), Tensor([])),
     r"empty batch"),
    ("log_softmax", ls, "no classes", (Tensor(np.zeros((2, 0))),),
     r"size 0 along dim 1"),
    # ---------------------------------------------------------------- 0-d
    ("CrossEntropyLoss", CE, "0-d logits", (Tensor(1.0), Tensor(0)),
     r"logits must have shape \(N, C\).*got shape \(\)"),
    ("MSELoss", MSE, "0-d", (Tensor(1.0), Tensor(2.0)),
     r"batch dimension, got a 0-d"),
    ("BinaryCrossEntropyLoss", BCE, "0-d", (Tensor(0.5), Tensor(1.0)),
     r"batch dimension, got a 0-d"),
    ("log_softmax", ls, "0-d", (Tensor(1.0),), r"0-d \(scalar\) Tensor"),
    # ------------------------------------------------------- NaN and ±inf
    ("CrossEntropyLoss", CE, "NaN logit",
     (Tensor([[1.0, np.nan], [0.0, 1.0]]), Tensor([0, 1])),
     r"logits must be finite \(or -inf\), got nan at logits\[0, 1\]"),
    ("CrossEntropyLoss", CE, "+inf logit",
     (Tensor([[1.0, 2.0], [np.inf, 1.0]]), Tensor([0, 1])),
     r"got inf at logits\[1, 0\]"),
    ("CrossEntropyLoss", CE, "all -inf row",
     (Tensor([[1.0, 2.0], [-np.inf, -np.inf]]), Tensor([0, 1])),
     r"every entry of logits\[1, :\] is -inf"),
    ("CrossEntropyLoss", CE, "NaN target",
     (Tensor(X), Tensor([0.0, np.nan, 1.0, 2.0])),
     r"whole class indices, got nan at targets\[1\]"),
    ("CrossEntropyLoss", CE, "inf target",
     (Tensor(X), Tensor([0.0, np.inf, 1.0, 2.0])),
     r"whole class indices, got inf at targets\[1\]"),
    ("MSELoss", MSE, "NaN prediction",
     (Tensor([1.0, np.nan, 2.0, 3.0]), Tensor(W)),
     r"predictions must be finite, got nan at predictions\[1\]"),
    ("MSELoss", MSE, "-inf target",
     (Tensor(V), Tensor([0.0, 1.0, -np.inf, 2.0])),
     r"targets must be finite, got -inf at targets\[2\]"),
    ("MSELoss", MSE, "inf vs inf",
     (Tensor([np.inf, 1.0]), Tensor([np.inf, 1.0])),
     r"predictions must be finite, got inf at predictions\[0\]"),
    ("BinaryCrossEntropyLoss", BCE, "NaN prediction",
     (Tensor([0.5, np.nan]), Tensor([1.0, 0.0])),
     r"predictions must be finite, got nan at predictions\[1\]"),
    ("BinaryCrossEntropyLoss", BCE, "inf target",
     (Tensor([0.5, 0.5]), Tensor([1.0, np.inf])),
     r"targets must be finite, got inf at targets\[1\]"),
    ("log_softmax", ls, "NaN", (Tensor([1.0, np.nan]),),
     r"x must be finite \(or -inf\), got nan at x\[1\]"),
    ("log_softmax", ls, "+inf", (Tensor([[1.0, np.inf]]),),
     r"got inf at x\[0, 1\]"),
    ("log_softmax", ls, "all -inf slice",
     (Tensor([[-np.inf, -np.inf], [0.0, 1.0]]),),
     r"every entry of x\[0, :\] is -inf"),
    # ----------------------------------- class indices out of range/fraction
    ("CrossEntropyLoss", CE, "negative class",
     (Tensor(X), Tensor([0, -1, 1, 2])),
     r"target -1 is out of range for 3 classes \(valid: 0..2\)"),
    ("CrossEntropyLoss", CE, "class == C",
     (Tensor(X), Tensor([0, 3, 1, 2])),
     r"target 3 is out of range for 3 classes"),
    ("CrossEntropyLoss", CE, "huge class",
     (Tensor(X), Tensor([0, 1, 10**9, 2], dtype=np.int64)),
     r"target 1000000000 is out of range for 3 classes"),
    ("CrossEntropyLoss", CE, "fractional class",
     (Tensor(X), Tensor([0.0, 1.5, 1.0, 2.0])),
     r"whole class indices, got 1.5 at targets\[1\]"),
    # ------------------------------------------ probabilities outside [0, 1]
    ("BinaryCrossEntropyLoss", BCE, "p > 1",
     (Tensor([0.5, 1.2]), Tensor([1.0, 0.0])),
     r"predictions must lie in \[0, 1\], got 1.2 at predictions\[1\]"),
    ("BinaryCrossEntropyLoss", BCE, "p < 0 (a logit)",
     (Tensor([-3.0, 0.5]), Tensor([1.0, 0.0])),
     r"predictions must lie in \[0, 1\], got -3 at predictions\[0\].*sigmoid"),
    ("BinaryCrossEntropyLoss", BCE, "-1/+1 labels",
     (Tensor([0.5, 0.5]), Tensor([1.0, -1.0])),
     r"targets must lie in \[0, 1\], got -1 at targets\[1\]"),
    # ---------------------------------------------------- documented values
    ("CrossEntropyLoss", CE, "integer-valued float targets",
     (Tensor(X), Tensor([2.0, 0.0, 1.0, 0.0])), _ce_ref(X, Y)),
    ("CrossEntropyLoss", CE, "int64 targets",
     (Tensor(X), Tensor(Y, dtype=np.int64)), _ce_ref(X, Y)),
    ("CrossEntropyLoss", CE, "masked (-inf) non-target class",
     (Tensor([[0.0, -np.inf, 0.0]]), Tensor([0])), math.log(2)),
    ("CrossEntropyLoss", CE, "masked target class gives inf",
     (Tensor([[0.0, -np.inf]]), Tensor([1])), math.inf),
    ("CrossEntropyLoss", CE, "extreme logits [[0, -1000]]",
     (Tensor([[0.0, -1000.0]]), Tensor([1])), 1000.0),
    ("CrossEntropyLoss", CE, "extreme logits [[1000, 0]]",
     (Tensor([[1000.0, 0.0]]), Tensor([0])), 0.0),
    ("CrossEntropyLoss", CE, "one class", (Tensor([[5.0], [-2.0]]),
                                          Tensor([0, 0])), 0.0),
    ("MSELoss", MSE, "(N, D) matrix", (Tensor([V, W]), Tensor([W, V])),
     _mse_ref([V, W], [W, V])),
    ("MSELoss", MSE, "float32 overflow recomputed",
     (Tensor([2e19, 0.0, 0.0, 0.0]), Tensor([0.0] * 4)),
     float(F(2e19)) ** 2 / 4),
    ("MSELoss", MSE, "mean too large for float32",
     (Tensor([1e30] * 3), Tensor([0.0] * 3)),
     r"the loss is 1e\+60, too large for float32"),
    ("BinaryCrossEntropyLoss", BCE, "p exactly 0 and 1 (clamped)",
     (Tensor([0.0, 1.0]), Tensor([1.0, 0.0])), -math.log(1e-7)),
    ("BinaryCrossEntropyLoss", BCE, "soft labels",
     (Tensor(P), Tensor([0.3, 0.7, 0.5, 0.0])),
     _bce_ref(P, [0.3, 0.7, 0.5, 0.0])),
]


def _clear_error(name, fn, *args):
    """`fn(*args)` raises ValueError/TypeError in one line naming `name`,
    with a hint; return the error."""
    with pytest.raises((ValueError, TypeError)) as info:
        fn(*args)
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(f"{name}: "), message
    assert "Hint: " in message, message
    return info.value


@pytest.mark.parametrize(
    "name, fn, what, args, expected", CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_bad_input_table(name, fn, what, args, expected):
    if isinstance(expected, str):
        error = _clear_error(name, fn, *args)
        message = str(error)
        assert re.search(expected, message), (expected, message)
        # never a raw NumPy error disguised as ours
        assert type(error) in (ValueError, TypeError)
    else:
        with warnings.catch_warnings():  # no RuntimeWarning leaks out
            warnings.simplefilter("error", RuntimeWarning)
            out = fn(*args)
        value = out.item()
        if math.isinf(expected):
            assert value == expected
        else:
            assert math.isfinite(value), (what, value)
            assert value == pytest.approx(expected, rel=1e-6, abs=1e-6)
        assert out.shape == () and out.dtype == np.float32


def test_table_covers_every_public_loss_and_input_class():
    names = {c[0] for c in CASES}
    assert names == {"CrossEntropyLoss", "MSELoss",
                     "BinaryCrossEntropyLoss", "log_softmax"}
    classes = ["list", "None", "string", "complex", "object", "bool",
               "(N,1)", "empty", "0-d", "NaN", "inf", "negative",
               "fractional", "p > 1", "labels", "extreme"]
    text = " ".join(c[2] for c in CASES)
    for word in classes:
        assert word in text, word


def test_huge_batch_of_extreme_values():
    rng = np.random.default_rng(3)
    n = 200_000
    logits = rng.choice([-1e30, 0.0, 1e30], size=(n, 3)).astype(F)
    labels = rng.integers(0, 3, size=n)
    got = CE(Tensor(logits), Tensor(labels)).item()
    x = logits.astype(np.float64)
    m = x.max(axis=1)
    ref = np.mean(m + np.log(np.exp(x - m[:, None]).sum(axis=1))
                  - x[np.arange(n), labels])
    assert math.isfinite(got) and got == pytest.approx(ref, rel=1e-6)
    probs = rng.choice([0.0, 1.0], size=n).astype(F)
    bits = rng.integers(0, 2, size=n).astype(F)
    got = BCE(Tensor(probs), Tensor(bits)).item()
    assert got == pytest.approx(_bce_ref(probs, bits), rel=1e-6)


# --------------------------------------------------------------- fuzzing
finite = st.floats(-1e4, 1e4, allow_nan=False, width=32)
SETTINGS = property_settings(100)


@SETTINGS
@given(hnp.arrays(np.float32, st.tuples(st.integers(1, 6),
                                        st.integers(1, 6)), elements=finite),
       st.data())
def test_fuzz_cross_entropy_finite_and_matches_loop(x, data):
    t = data.draw(hnp.arrays(np.int64, (x.shape[0],),
                             elements=st.integers(0, x.shape[1] - 1)))
    got = CE(Tensor(x), Tensor(t, dtype=np.int64)).item()
    assert math.isfinite(got)
    assert got == pytest.approx(_ce_ref(x, t), rel=1e-5, abs=1e-4)


@SETTINGS
@given(hnp.arrays(np.float32, st.integers(1, 20), elements=finite),
       st.data())
def test_fuzz_mse_finite_and_matches_loop(p, data):
    t = data.draw(hnp.arrays(np.float32, p.shape, elements=finite))
    got = MSE(Tensor(p), Tensor(t)).item()
    assert math.isfinite(got)
    assert got == pytest.approx(_mse_ref(p, t), rel=1e-5, abs=1e-6)


@SETTINGS
@given(hnp.arrays(np.float32, st.integers(1, 20),
                  elements=st.floats(0, 1, width=32)), st.data())
def test_fuzz_bce_finite_and_matches_loop(p, data):
    t = data.draw(hnp.arrays(np.float32, p.shape,
                             elements=st.floats(0, 1, width=32)))
    got = BCE(Tensor(p), Tensor(t)).item()
    assert math.isfinite(got)
    assert got == pytest.approx(_bce_ref(p, t), rel=1e-5, abs=1e-5)


@SETTINGS
@given(hnp.arrays(np.float32, st.tuples(st.integers(1, 5),
                                        st.integers(1, 5)), elements=finite),
       st.sampled_from([0, 1, -1]))
def test_fuzz_log_softmax_finite_and_normalised(x, dim):
    out = log_softmax(Tensor(x), dim=dim).data
    assert np.isfinite(out).all()
    lse = np.log(np.exp(out.astype(np.float64)).sum(axis=dim))
    np.testing.assert_allclose(lse, 0.0, atol=1e-5)


# ------------------------------------------- the stretch losses, same classes
def _stretch_losses():
    from tinytorch.core import losses_stretch as L

    n, c = 4, 3
    rng = np.random.default_rng(5)
    x = rng.normal(size=(n, c)).astype(F)
    logp = np.log(np.full((n, c), 1 / c, dtype=F))
    p = np.full((n, c), 1 / c, dtype=F)
    bits = rng.integers(0, 2, size=(n,)).astype(F)
    idx = np.array([0, 2, 1, 0])
    v = rng.normal(size=(n,)).astype(F)
    return {
        # name: (loss, valid args, index of the argument to corrupt)
        "L1Loss": (L.L1Loss(), (v, v + 1)),
        "HuberLoss": (L.HuberLoss(), (v, v + 1)),
        "SmoothL1Loss": (L.SmoothL1Loss(), (v, v + 1)),
        "BCEWithLogitsLoss": (L.BCEWithLogitsLoss(), (v, bits)),
        "FocalLoss": (L.FocalLoss(), (v, bits)),
        "KLDivLoss": (L.KLDivLoss(reduction="batchmean"), (logp, p)),
        "NLLLoss": (L.NLLLoss(), (logp, idx)),
        "TripletMarginLoss": (L.TripletMarginLoss(), (x, x + 1, x - 1)),
        "InfoNCELoss": (L.InfoNCELoss(), (x, x + 0.5)),
    }


def _corruptions(arr):
    """(bad-input class, replacement, words the message must contain)."""
    a = np.asarray(arr)
    nan = a.astype(np.float32).copy()
    nan.flat[0] = np.nan
    return [
        ("list", a.tolist(), "must be a Tensor, got list"),
        ("None", None, "must be a Tensor, got NoneType"),
        ("string", "oops", "must be a Tensor, got str"),
        ("complex", _raw(a.astype(complex)), "real numbers"),
        ("(N,1) shape", Tensor(a.reshape(a.shape[0], -1)[:, :1]), "shape"),
        ("empty", Tensor(np.zeros((0,) + a.shape[1:], a.dtype)), ""),
        ("0-d", Tensor(a.reshape(-1)[0]), ""),
        ("NaN", Tensor(nan), "nan"),
    ]


STRETCH = _stretch_losses()
STRETCH_CASES = [
    (name, arg, what, bad, words)
    for name, (fn, args) in STRETCH.items()
    for arg in range(len(args))
    for what, bad, words in _corruptions(args[arg])
]


@pytest.mark.parametrize(
    "name, arg, what, bad, words", STRETCH_CASES,
    ids=[f"{c[0]}-arg{c[1]}-{c[2]}" for c in STRETCH_CASES])
def test_stretch_bad_input_table(name, arg, what, bad, words):
    fn, args = STRETCH[name]
    args = [Tensor(a) if not isinstance(a, Tensor) else a for a in args]
    if what == "NaN" and name == "NLLLoss" and arg == 1:
        bad = Tensor(np.array([0.0, np.nan, 1.0, 0.0]))
    args[arg] = bad
    if (name, arg, what) == ("NLLLoss", 0, "(N,1) shape"):
        words = "out of range for 1 classes"  # (N, 1) is one class: valid
    message = str(_clear_error(name, fn, *args))
    assert words.lower() in message.lower(), (words, message)


@pytest.mark.torch
@SETTINGS
@given(hnp.arrays(np.float32, st.integers(1, 20), elements=finite),
       st.data(),
       st.sampled_from(["L1Loss", "HuberLoss", "SmoothL1Loss",
                        "BCEWithLogitsLoss"]))
def test_fuzz_stretch_pair_losses_finite_and_match_float64(x, data, name):
    torch = pytest.importorskip("torch")
    from tinytorch.core import losses_stretch as L

    if name == "BCEWithLogitsLoss":
        y = data.draw(hnp.arrays(np.float32, x.shape,
                                 elements=st.floats(0, 1, width=32)))
        ref = torch.nn.functional.binary_cross_entropy_with_logits
    else:
        y = data.draw(hnp.arrays(np.float32, x.shape, elements=finite))
        ref = {"L1Loss": torch.nn.functional.l1_loss,
               "HuberLoss": torch.nn.functional.huber_loss,
               "SmoothL1Loss": torch.nn.functional.smooth_l1_loss}[name]
    got = getattr(L, name)()(Tensor(x), Tensor(y)).item()
    want = ref(torch.from_numpy(x.astype(np.float64)),
               torch.from_numpy(y.astype(np.float64))).item()
    assert math.isfinite(got)
    assert got == pytest.approx(want, rel=1e-5, abs=1e-5)
