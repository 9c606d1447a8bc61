"""The stretch notebook's functions: exact values against hand-computed
constants and slow float64 loops written with `math`, dtypes and shapes for
every reduction, the thin classes, and the design rules (default calls go
to the core; inputs are never changed; the blocked loss fits in 2 MB).

Tests of the learner's code skip (tests/conftest.py) while the stretch
stubs are unwritten; tests of given code run either way.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from _support import peak_extra_mb
from tinytorch.core import losses as core
from tinytorch.core.layers import Module
from tinytorch.core.tensor import Tensor

S = pytest.importorskip("tinytorch.core.losses_stretch")

F64 = dict(rtol=1e-12, atol=1e-12)
REDUCTIONS = ("mean", "sum", "none")


def T(a):
    a = np.asarray(a)
    return Tensor(a, dtype=a.dtype)


def sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else \
        math.exp(v) / (1 + math.exp(v))


def reduce(values, reduction, divisor=None):
    if reduction == "none":
        return values
    total = math.fsum(np.ravel(values))
    if reduction == "sum":
        return total
    return total / (len(np.ravel(values)) if divisor is None else divisor)


# ---------------------------------------------------- float64 loop references
def ref_huber(p, t, delta):
    out = []
    for a, b in zip(np.ravel(p), np.ravel(t)):
        d = abs(a - b)
        out.append(0.5 * d * d if d < delta else delta * (d - 0.5 * delta))
    return np.reshape(out, np.shape(p))


def ref_cross_entropy(z, k, w, ignore, e):
    """Per-row losses and the 'mean' divisor, one row at a time."""
    losses, divisor = [], 0.0
    for row, target in zip(z, k):
        if target == ignore:
            losses.append(0.0)
            continue
        m = max(row)
        lse = m + math.log(math.fsum(math.exp(v - m) for v in row))
        lp = [v - lse for v in row]
        c = len(row)
        loss = (1 - e) * w[target] * -lp[target] + e / c * math.fsum(
            w[j] * -lp[j] for j in range(c))
        losses.append(loss)
        divisor += w[target]
    return np.array(losses), divisor


def ref_soft_cross_entropy(z, y, w, e):
    out = []
    for row, probs in zip(z, y):
        m = max(row)
        lse = m + math.log(math.fsum(math.exp(v - m) for v in row))
        c = len(row)
        out.append(-math.fsum(w[j] * ((1 - e) * probs[j] + e / c)
                              * (row[j] - lse) for j in range(c)))
    return np.array(out)


def ref_bce_logits(x, y, w, pw):
    out = []
    for xi, yi, wi, pwi in np.broadcast(x, y, w, pw):
        sp = max(xi, 0) + math.log1p(math.exp(-abs(xi)))
        spn = max(-xi, 0) + math.log1p(math.exp(-abs(xi)))
        out.append(wi * (pwi * yi * spn + (1 - yi) * sp))
    return np.reshape(out, np.shape(x))


def ref_focal(x, y, alpha, gamma):
    out = []
    for xi, yi in zip(x, y):
        p = sigmoid(xi)
        ce = -(yi * math.log(p) + (1 - yi) * math.log(1 - p))
        p_t = p * yi + (1 - p) * (1 - yi)
        a_t = 1.0 if alpha < 0 else alpha * yi + (1 - alpha) * (1 - yi)
        out.append(a_t * (1 - p_t) ** gamma * ce)
    return np.array(out)


RNG = np.random.default_rng(2024)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_float64_loops(reduction):
    p, t = RNG.normal(scale=3.0, size=(2, 6, 4))
    np.testing.assert_allclose(
        S.l1_loss(T(p), T(t), reduction=reduction).data,
        reduce(np.abs(p - t), reduction), **F64)
    for delta in (0.3, 1.0, 4.0):
        np.testing.assert_allclose(
            S.huber_loss(T(p), T(t), reduction=reduction, delta=delta).data,
            reduce(ref_huber(p, t, delta), reduction), **F64)
        np.testing.assert_allclose(
            S.smooth_l1_loss(T(p), T(t), reduction=reduction,
                             beta=delta).data,
            reduce(ref_huber(p, t, delta) / delta, reduction), **F64)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted, ignore, e", [
    (False, -100, 0.0), (True, -100, 0.0), (True, 1, 0.0),
    (False, -100, 0.25), (True, 2, 0.4), (True, -100, 1.0)])
def test_cross_entropy_and_nll_match_float64_loops(weighted, ignore, e,
                                                   reduction):
    z = RNG.normal(scale=2.5, size=(9, 5))
    k = RNG.integers(0, 5, size=9)
    k[[2, 7]] = ignore if ignore != -100 else -100
    k[0] = 3
    w = RNG.uniform(0.2, 3.0, size=5) if weighted else np.ones(5)
    weight = T(w) if weighted else None
    items, divisor = ref_cross_entropy(z, k, w, ignore, e)
    got = S.cross_entropy(T(z), T(k), weight, ignore_index=ignore,
                          reduction=reduction, label_smoothing=e)
    np.testing.assert_allclose(got.data, reduce(items, reduction, divisor),
                               **F64)
    if e == 0:
        lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        got = S.nll_loss(T(lp), T(k), weight, ignore_index=ignore,
                         reduction=reduction)
        np.testing.assert_allclose(got.data,
                                   reduce(items, reduction, divisor),
                                   rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("e", [0.0, 0.3])
def test_probability_targets_match_a_float64_loop(e, reduction):
    z = RNG.normal(scale=2.0, size=(7, 4))
    y = RNG.uniform(size=(7, 4))
    y /= y.sum(axis=1, keepdims=True)
    w = RNG.uniform(0.5, 2.0, size=4)
    got = S.cross_entropy(T(z), T(y), T(w), reduction=reduction,
                          label_smoothing=e)
    np.testing.assert_allclose(
        got.data, reduce(ref_soft_cross_entropy(z, y, w, e), reduction),
        **F64)


def test_cross_entropy_over_extra_dimensions_is_per_position():
    """(N, C, H, W) scores: one loss per pixel, each the loss of that
    pixel's class scores."""
    z = RNG.normal(size=(2, 3, 4, 5))
    k = RNG.integers(0, 3, size=(2, 4, 5))
    k[0, 1, 2] = -100
    each = S.cross_entropy(T(z), T(k), reduction="none").data
    assert each.shape == (2, 4, 5)
    for n, h, v in np.ndindex(2, 4, 5):
        if k[n, h, v] == -100:
            assert each[n, h, v] == 0.0
            continue
        row = z[n, :, h, v]
        want = np.log(np.exp(row).sum()) - row[k[n, h, v]]
        assert each[n, h, v] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses_match_float64_loops(reduction):
    x = RNG.normal(scale=6.0, size=(5, 3))
    x[0] = [40.0, -40.0, 700.0]
    y = RNG.uniform(size=(5, 3))
    w = RNG.uniform(0.1, 2.0, size=(5, 1))
    pw = np.array([0.5, 3.0, 9.0])
    got = S.binary_cross_entropy_with_logits(
        T(x), T(y), T(w), reduction=reduction, pos_weight=T(pw))
    np.testing.assert_allclose(
        got.data, reduce(ref_bce_logits(x, y, w, pw), reduction), **F64)
    p = RNG.uniform(0.01, 0.99, size=(5, 3))
    want = [[-w[i, 0] * (y[i, j] * math.log(p[i, j]) + (1 - y[i, j])
                         * math.log(1 - p[i, j])) for j in range(3)]
            for i in range(5)]
    got = S.binary_cross_entropy(T(p), T(y), T(w), reduction=reduction)
    np.testing.assert_allclose(got.data, reduce(np.array(want), reduction),
                               **F64)


@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (-1, 2.0),
                                          (0.5, 0.0), (0.9, 3.5),
                                          (0.25, 0.5)])
def test_focal_against_a_float64_loop(alpha, gamma):
    x = RNG.normal(scale=4.0, size=20)
    y = (RNG.uniform(size=20) < 0.3).astype(np.float64)
    got = S.sigmoid_focal_loss(T(x), T(y), alpha, gamma).data
    np.testing.assert_allclose(got, ref_focal(x, y, alpha, gamma),
                               rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("reduction", REDUCTIONS + ("batchmean",))
def test_kl_div_matches_a_float64_loop(reduction):
    q = RNG.uniform(0.05, 1.0, size=(4, 3))
    q /= q.sum(axis=1, keepdims=True)
    p = RNG.uniform(0.05, 1.0, size=(4, 3))
    p[2, 1] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    terms = np.array([[p[i, j] * math.log(p[i, j] / q[i, j])
                       if p[i, j] else 0.0 for j in range(3)]
                      for i in range(4)])
    want = math.fsum(terms.ravel()) / 4 if reduction == "batchmean" \
        else reduce(terms, reduction)
    got = S.kl_div(T(np.log(q)), T(p), reduction=reduction)
    np.testing.assert_allclose(got.data, want, **F64)
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    got = S.kl_div(T(np.log(q)), T(log_p), reduction=reduction,
                   log_target=True)
    np.testing.assert_allclose(got.data, want, **F64)


def test_embedding_losses_match_float64_loops():
    a, p, n = RNG.normal(size=(3, 6, 4))
    for norm, swap in [(2.0, False), (1.0, True), (np.inf, False),
                       (3.0, True)]:
        want = []
        for x, y, v in zip(a, p, n):
            def dist(u, w):
                d = np.abs(u - w + 1e-6)
                return d.max() if norm == np.inf else \
                    math.fsum(d ** norm) ** (1 / norm)
            d_neg = min(dist(x, v), dist(y, v)) if swap else dist(x, v)
            want.append(max(dist(x, y) - d_neg + 1.0, 0.0))
        got = S.triplet_margin_loss(T(a), T(p), T(n), p=norm, swap=swap,
                                    reduction="none").data
        np.testing.assert_allclose(got, want, **F64)
    q, k = RNG.normal(size=(2, 5, 3))
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    kn = k / np.linalg.norm(k, axis=1, keepdims=True)
    want = []
    for i in range(5):
        scores = [float(qn[i] @ kn[j]) / 0.1 for j in range(5)]
        m = max(scores)
        want.append(m + math.log(math.fsum(math.exp(s - m) for s in scores))
                    - scores[i])
    got = S.info_nce(T(q), T(k), 0.1, reduction="none").data
    np.testing.assert_allclose(got, want, **F64)


# ------------------------------------------------------ hand-computed values
def test_hand_constants():
    zeros = Tensor([0.0, 0.0, 0.0])
    d = Tensor([0.5, -3.0, 10.0])
    assert S.l1_loss(d, zeros, reduction="none").data.tolist() == [0.5, 3.0,
                                                                    10.0]
    assert S.huber_loss(d, zeros, reduction="none").data.tolist() == [
        0.125, 2.5, 9.5]
    assert S.huber_loss(d, zeros, reduction="none",
                        delta=2.0).data.tolist() == [0.125, 4.0, 18.0]
    assert S.smooth_l1_loss(d, zeros, reduction="none",
                            beta=2.0).data.tolist() == [0.0625, 2.0, 9.0]
    assert S.smooth_l1_loss(d, zeros, reduction="sum", beta=0.0).item() \
        == 13.5
    lp = T(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
    each = S.nll_loss(lp, T([0, 1, -100]), T([1.0, 3.0]), reduction="none")
    np.testing.assert_allclose(each.data, [math.log(2), -3 * math.log(0.75),
                                           0.0], **F64)
    assert S.nll_loss(lp, T([0, 1, -100]), T([1.0, 3.0])).item() == \
        pytest.approx((math.log(2) - 3 * math.log(0.75)) / 4, rel=1e-12)
    # label smoothing 1: the target no longer matters
    z = T([[2.0, 1.0, 0.1], [2.0, 1.0, 0.1]])
    full = S.cross_entropy(z, T([0, 2]), reduction="none",
                           label_smoothing=1.0).data
    assert full[0] == pytest.approx(full[1], rel=1e-15)
    # p = [1/4, 3/4] against the target [0.5, 0.5]
    got = S.cross_entropy(T([[0.0, math.log(3.0)]]), T([[0.5, 0.5]])).item()
    assert got == pytest.approx(-(0.5 * math.log(0.25)
                                  + 0.5 * math.log(0.75)), rel=1e-12)
    got = S.binary_cross_entropy_with_logits(
        T(np.array([17.0, 40.0, 88.0, 1e4], dtype=np.float32)),
        T(np.zeros(4, np.float32)), reduction="none")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.data, [17.0, 40.0, 88.0, 1e4], rtol=2e-6)
    # q = 0 where p > 0: the divergence is infinite, and says so
    with np.errstate(divide="ignore"):
        lq0 = np.log(np.array([[0.0, 1.0]]))
    assert S.kl_div(T(lq0), T([[0.5, 0.5]]), reduction="sum").item() == \
        math.inf
    inf_norm = S.triplet_margin_loss(
        T([[0.0, 0.0], [1.0, 1.0]]), T([[3.0, 4.0], [1.0, 2.0]]),
        T([[1.0, 0.0], [1.0, 4.0]]), p=np.inf, eps=0.0, reduction="none")
    assert inf_norm.data.tolist() == [4.0, 0.0]
    # PyTorch's eps is added to the difference: d(a, a) = eps * sqrt(D)
    same = S.triplet_margin_loss(T([[0.0, 0.0]]), T([[0.0, 0.0]]),
                                 T([[1.0, 0.0]])).item()
    assert same == pytest.approx(1e-6 * math.sqrt(2)
                                 - math.hypot(-1 + 1e-6, 1e-6) + 1.0,
                                 rel=1e-9)


# -------------------------------------------------------- dtypes and shapes
CALLS = [
    ("l1_loss", lambda r, d: S.l1_loss(*d([[1.0, 2.0]], [[0.0, 0.0]]),
                                       reduction=r)),
    ("huber_loss", lambda r, d: S.huber_loss(*d([[1.0, 2.0]], [[0.0, 0.0]]),
                                             reduction=r)),
    ("smooth_l1_loss", lambda r, d: S.smooth_l1_loss(
        *d([[1.0, 2.0]], [[0.0, 0.0]]), reduction=r)),
    ("nll_loss", lambda r, d: S.nll_loss(d([[-0.5, -1.0]])[0], T([1]),
                                         reduction=r)),
    ("cross_entropy", lambda r, d: S.cross_entropy(
        d([[1.0, 2.0]])[0], T([1]), reduction=r, label_smoothing=0.1)),
    ("cross_entropy probs", lambda r, d: S.cross_entropy(
        *d([[1.0, 2.0]], [[0.3, 0.7]]), reduction=r)),
    ("binary_cross_entropy", lambda r, d: S.binary_cross_entropy(
        *d([[0.2, 0.7]], [[0.0, 1.0]], [2.0, 1.0]), reduction=r)),
    ("binary_cross_entropy_with_logits",
     lambda r, d: S.binary_cross_entropy_with_logits(
         *d([[1.0, 2.0]], [[0.0, 1.0]]), reduction=r)),
    ("kl_div", lambda r, d: S.kl_div(*d([[-0.5, -1.0]], [[0.5, 0.5]]),
                                     reduction=r)),
    ("sigmoid_focal_loss", lambda r, d: S.sigmoid_focal_loss(
        *d([[1.0, 2.0]], [[0.0, 1.0]]), reduction=r)),
    ("triplet_margin_loss", lambda r, d: S.triplet_margin_loss(
        *d([[1.0, 2.0]], [[0.0, 1.0]], [[1.0, 1.0]]), reduction=r)),
    ("info_nce", lambda r, d: S.info_nce(*d([[1.0, 2.0]], [[0.0, 1.0]]),
                                         reduction=r)),
    ("cross_entropy_blocked", lambda r, d: S.cross_entropy_blocked(
        d([[1.0, 2.0]])[0], T([1]), reduction=r)),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, call", CALLS, ids=[c[0] for c in CALLS])
def test_float32_by_default_float64_when_asked(name, call, reduction):
    out32 = call(reduction, lambda *a: [Tensor(v) for v in a])
    out64 = call(reduction, lambda *a: [Tensor(v, dtype=np.float64)
                                        for v in a])
    assert isinstance(out32, Tensor) and isinstance(out64, Tensor)
    assert out32.dtype == np.float32 and out64.dtype == np.float64
    np.testing.assert_allclose(out32.data, out64.data, rtol=1e-6, atol=1e-7)
    if reduction != "none":
        assert out32.shape == () and out64.shape == ()


def test_none_output_is_fresh_and_inputs_stay_unchanged():
    x = Tensor([[0.5, -1.0], [2.0, 0.0]])
    y = Tensor([[1.0, 0.0], [0.0, 1.0]])
    w = Tensor([1.0, 2.0])
    before = [v.data.copy() for v in (x, y, w)]
    for out in (S.l1_loss(x, y, reduction="none"),
                S.binary_cross_entropy_with_logits(x, y, w, reduction="none"),
                S.sigmoid_focal_loss(x, y),
                S.cross_entropy(x, y, w, reduction="none"),
                S.cross_entropy(x, Tensor([0, 1]), w, reduction="none"),
                S.kl_div(x, y, reduction="none")):
        for v in (x, y, w):
            assert not np.shares_memory(out.data, v.data)
        out.data[...] = 99.0
    for v, old in zip((x, y, w), before):
        np.testing.assert_array_equal(v.data, old)


# ----------------------------------------------------------- the classes
def test_classes_are_thin_modules_over_the_functions():
    x, y = Tensor([[0.5, -1.0], [2.0, 0.0]]), Tensor([[1.0, 0.0],
                                                      [0.0, 1.0]])
    k, w = Tensor([0, 1]), Tensor([1.0, 3.0])
    neg = Tensor([[1.0, 1.0], [0.0, 0.0]])
    pairs = [
        (S.L1Loss(reduction="sum"), S.l1_loss(x, y, reduction="sum"), (x, y)),
        (S.HuberLoss("none", 0.5), S.huber_loss(x, y, reduction="none",
                                                delta=0.5), (x, y)),
        (S.SmoothL1Loss(beta=2.0), S.smooth_l1_loss(x, y, beta=2.0), (x, y)),
        (S.NLLLoss(w, ignore_index=1), S.nll_loss(x, k, w, ignore_index=1),
         (x, k)),
        (S.CrossEntropyLoss(w, label_smoothing=0.2),
         S.cross_entropy(x, k, w, label_smoothing=0.2), (x, k)),
        (S.BCELoss(w), S.binary_cross_entropy(
            Tensor([[0.2, 0.9]]), Tensor([[0.0, 1.0]]), w),
         (Tensor([[0.2, 0.9]]), Tensor([[0.0, 1.0]]))),
        (S.BCEWithLogitsLoss(w, pos_weight=w),
         S.binary_cross_entropy_with_logits(x, y, w, pos_weight=w), (x, y)),
        (S.KLDivLoss(reduction="batchmean"),
         S.kl_div(x, y, reduction="batchmean"), (x, y)),
        (S.FocalLoss(0.5, 1.0), S.sigmoid_focal_loss(
            x, y, 0.5, 1.0, reduction="mean"), (x, y)),
        (S.TripletMarginLoss(0.5, 1.0), S.triplet_margin_loss(
            x, y, neg, 0.5, 1.0), (x, y, neg)),
        (S.InfoNCELoss(0.5), S.info_nce(x, y, 0.5), (x, y)),
    ]
    for loss_fn, want, args in pairs:
        assert isinstance(loss_fn, core.Loss) and isinstance(loss_fn, Module)
        assert loss_fn.parameters() == [], type(loss_fn).__name__
        np.testing.assert_array_equal(loss_fn(*args).data, want.data)


def test_repr_shows_the_given_settings_and_weights_are_private_copies():
    assert repr(S.HuberLoss("sum", 2.0)) == \
        "HuberLoss(reduction='sum', delta=2.0)"
    assert repr(S.KLDivLoss(reduction="batchmean")) == \
        "KLDivLoss(reduction='batchmean')"
    assert repr(S.CrossEntropyLoss(label_smoothing=0.1, ignore_index=0)) == \
        "CrossEntropyLoss(ignore_index=0, label_smoothing=0.1)"
    assert S.BCELoss is S.BinaryCrossEntropyLoss
    w = Tensor([1.0, 2.0])
    loss_fn = S.CrossEntropyLoss(w)
    w.data[0] = 100.0
    assert loss_fn.weight.tolist() == [1.0, 2.0]


# -------------------------------------------------------------- the design
def test_default_calls_go_to_the_core(monkeypatch):
    """With default settings the full cross_entropy and
    binary_cross_entropy call the core's (so they work before the stretch
    TODOs are written); any stretch setting does not."""
    calls = []
    for name in ("cross_entropy", "binary_cross_entropy",
                 "cross_entropy_backward"):
        original = getattr(core, name)
        monkeypatch.setattr(core, name, lambda *a, _o=original, _n=name,
                            **k: calls.append(_n) or _o(*a, **k))
    z, k = Tensor([[1.0, 2.0], [0.5, 0.0]]), Tensor([1, 0])
    S.cross_entropy(z, k)
    S.cross_entropy(z, k, reduction="sum", ignore_index=5)
    S.CrossEntropyLoss(reduction="none")(z, k)
    S.binary_cross_entropy(Tensor([0.5]), Tensor([1.0]), reduction="sum")
    S.BCELoss()(Tensor([0.5]), Tensor([1.0]))
    S.cross_entropy_backward(np.float32(1), z, k)
    assert calls == ["cross_entropy"] * 3 + ["binary_cross_entropy"] * 2 + \
        ["cross_entropy_backward"]
    calls.clear()
    for target, settings in [(k, dict(label_smoothing=0.1)),
                             (k, dict(weight=Tensor([1.0, 2.0]))),
                             (Tensor([1, -100]), {}),
                             (Tensor([1, 0]), dict(ignore_index=0)),
                             (Tensor([[0.0, 1.0], [1.0, 0.0]]), {})]:
        assert S.cross_entropy(z, target, **settings).shape == ()
    assert calls == []


def test_the_core_still_refuses_stretch_settings():
    with pytest.raises(NotImplementedError, match="04_losses_stretch"):
        core.cross_entropy(Tensor([[1.0, 2.0]]), Tensor([0]),
                           label_smoothing=0.1)


def test_blocked_cross_entropy_matches_the_core_and_fits_in_2_mb():
    rng = np.random.default_rng(0)
    big = Tensor(rng.normal(size=(128, 50_000)))
    labels = Tensor(rng.integers(0, 50_000, size=128))
    for reduction in REDUCTIONS:
        np.testing.assert_allclose(
            S.cross_entropy_blocked(big, labels, reduction=reduction).data,
            core.cross_entropy(big, labels, reduction=reduction).data,
            rtol=2e-6, atol=1e-5)
    assert peak_extra_mb(lambda: S.cross_entropy_blocked(big, labels)) < 2.0
    odd = Tensor(rng.normal(size=(7, 300_001)))  # more than 1 MB per row
    np.testing.assert_allclose(
        S.cross_entropy_blocked(odd, Tensor(np.arange(7))).item(),
        core.cross_entropy(odd, Tensor(np.arange(7))).item(), rtol=1e-5)
