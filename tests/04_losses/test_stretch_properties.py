"""The stretch notebook's losses, fuzzed with Hypothesis (bounded,
derandomised): valid finite inputs give finite losses that match float64
references, and the relations the notebook states hold for every input:
an ignored row counts as dropped, the weighted mean does not change when
every weight is scaled, one-hot probabilities equal class indices,
cross-entropy is NLL of log-softmax, KL is >= 0 and H(p, q) = H(p) + KL,
the focal loss never exceeds BCE, swapping never lowers a triplet loss,
InfoNCE is cross-entropy on similarities, and 'sum' is 'none' added up.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings
from tinytorch.core import losses as core
from tinytorch.core.tensor import Tensor

S = pytest.importorskip("tinytorch.core.losses_stretch")

SETTINGS = property_settings(60)
finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)


def T(a):
    a = np.asarray(a)
    return Tensor(a, dtype=a.dtype)


def scores_and_targets(max_c=6):
    """(N, C) float64 logits and (N,) class indices."""
    return hnp.arrays(np.float64, st.tuples(st.integers(1, 6),
                                            st.integers(2, max_c)),
                      elements=st.floats(-30, 30)).flatmap(
        lambda z: st.tuples(st.just(z), hnp.arrays(
            np.int64, (z.shape[0],), elements=st.integers(0, z.shape[1] - 1))))


def lsm(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5),
                                        st.integers(1, 4)), elements=finite),
       st.data(), st.floats(0.01, 100))
def test_regression_losses_finite_and_related(p, data, delta):
    t = data.draw(hnp.arrays(np.float64, p.shape, elements=finite))
    d = np.abs(p - t)
    l1 = S.l1_loss(T(p), T(t), reduction="none").data
    huber = S.huber_loss(T(p), T(t), reduction="none", delta=delta).data
    smooth = S.smooth_l1_loss(T(p), T(t), reduction="none", beta=delta).data
    assert np.isfinite(huber).all() and np.isfinite(smooth).all()
    np.testing.assert_allclose(l1, d, rtol=1e-12)
    # Huber is below both of the losses it joins, and is delta * smooth L1
    assert np.all(huber <= 0.5 * d * d + 1e-9 * (1 + d * d))
    assert np.all(huber <= delta * d + 1e-9 * (1 + d))
    np.testing.assert_allclose(huber, delta * smooth, rtol=1e-9, atol=1e-12)
    total = S.huber_loss(T(p), T(t), reduction="sum", delta=delta).item()
    assert total == pytest.approx(float(np.sum(huber)), rel=1e-9, abs=1e-9)


@SETTINGS
@given(scores_and_targets(), st.data())
def test_ignored_rows_count_as_dropped(case, data):
    z, k = case
    drop = data.draw(hnp.arrays(np.bool_, k.shape))
    assume(not drop.all())
    ignored = np.where(drop, -100, k)
    e = data.draw(st.sampled_from([0.0, 0.2]))
    w = data.draw(hnp.arrays(np.float64, (z.shape[1],),
                             elements=st.floats(0.1, 5)))
    for weight in (None, T(w)):
        a = S.cross_entropy(T(z), T(ignored), weight, label_smoothing=e)
        b = S.cross_entropy(T(z[~drop]), T(k[~drop]), weight,
                            label_smoothing=e)
        assert a.item() == pytest.approx(b.item(), rel=1e-10, abs=1e-12)
        each = S.cross_entropy(T(z), T(ignored), weight, label_smoothing=e,
                               reduction="none").data
        assert np.all(each[drop] == 0)
        total = S.cross_entropy(T(z), T(ignored), weight, label_smoothing=e,
                                reduction="sum").item()
        assert total == pytest.approx(float(each.sum()), rel=1e-10,
                                      abs=1e-12)


@SETTINGS
@given(scores_and_targets(), st.floats(1e-3, 1e3), st.data())
def test_the_weighted_mean_ignores_the_scale_of_the_weights(case, scale,
                                                           data):
    z, k = case
    w = data.draw(hnp.arrays(np.float64, (z.shape[1],),
                             elements=st.floats(0.1, 5)))
    a = S.cross_entropy(T(z), T(k), T(w)).item()
    b = S.cross_entropy(T(z), T(k), T(w * scale)).item()
    assert b == pytest.approx(a, rel=1e-9)
    c = S.nll_loss(T(lsm(z)), T(k), T(w * scale)).item()
    assert c == pytest.approx(a, rel=1e-9, abs=1e-12)


@SETTINGS
@given(scores_and_targets(), st.sampled_from([0.0, 0.1, 0.5, 1.0]),
       st.floats(-100, 100))
def test_cross_entropy_is_nll_of_log_softmax_for_either_target(case, e,
                                                               shift):
    z, k = case
    by_index = S.cross_entropy(T(z), T(k), reduction="none",
                               label_smoothing=e).data
    one_hot = np.eye(z.shape[1])[k]
    by_probs = S.cross_entropy(T(z), T(one_hot), reduction="none",
                               label_smoothing=e).data
    np.testing.assert_allclose(by_probs, by_index, rtol=1e-9, atol=1e-10)
    shifted = S.cross_entropy(T(z + shift), T(k), reduction="none",
                              label_smoothing=e).data
    np.testing.assert_allclose(shifted, by_index, rtol=1e-8, atol=1e-8)
    if e == 0:
        nll = S.nll_loss(T(lsm(z)), T(k), reduction="none").data
        np.testing.assert_allclose(nll, by_index, rtol=1e-9, atol=1e-10)
    # smoothing mixes the plain loss with the mean over all classes
    plain = S.cross_entropy(T(z), T(k), reduction="none",
                            ignore_index=-1).data
    mixed = (1 - e) * plain - e * lsm(z).mean(axis=1)
    np.testing.assert_allclose(by_index, mixed, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4),
                                        st.integers(2, 5)),
                  elements=st.floats(0.01, 1.0)), st.data())
def test_kl_is_non_negative_and_splits_cross_entropy(raw_p, data):
    p = raw_p / raw_p.sum(axis=1, keepdims=True)
    z = data.draw(hnp.arrays(np.float64, p.shape, elements=st.floats(-8, 8)))
    kl_rows = S.kl_div(T(lsm(z)), T(p), reduction="none").data.sum(axis=1)
    assert np.all(kl_rows >= -1e-12)
    batchmean = S.kl_div(T(lsm(z)), T(p), reduction="batchmean").item()
    entropy = -(p * np.log(p)).sum() / len(p)
    ce = S.cross_entropy(T(z), T(p)).item()
    assert ce == pytest.approx(entropy + batchmean, rel=1e-9, abs=1e-9)
    assert S.kl_div(T(np.log(p)), T(p), reduction="sum").item() == \
        pytest.approx(0.0, abs=1e-12)


@SETTINGS
@given(hnp.arrays(np.float32, st.tuples(st.integers(1, 4),
                                        st.integers(1, 4)),
                  elements=st.floats(-1e4, 1e4, width=32)), st.data())
def test_bce_with_logits_finite_and_matches_float64(x, data):
    y = data.draw(hnp.arrays(np.float32, x.shape,
                             elements=st.floats(0, 1, width=32)))
    got = S.binary_cross_entropy_with_logits(T(x), T(y),
                                             reduction="none").data
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    ref = y64 * np.logaddexp(0, -x64) + (1 - y64) * np.logaddexp(0, x64)
    assert got.dtype == np.float32 and np.isfinite(got).all()
    np.testing.assert_allclose(got, ref, rtol=2e-6, atol=2e-6)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-20, 20)),
       st.data(), st.floats(0, 5), st.sampled_from([-1, 0.25, 0.8]))
def test_focal_never_exceeds_bce_and_is_bce_at_gamma_0(x, data, gamma,
                                                      alpha):
    y = data.draw(hnp.arrays(np.float64, x.shape,
                             elements=st.sampled_from([0.0, 1.0])))
    bce = S.binary_cross_entropy_with_logits(T(x), T(y),
                                             reduction="none").data
    focal = S.sigmoid_focal_loss(T(x), T(y), -1, gamma).data
    assert np.all(focal <= bce * (1 + 1e-12) + 1e-300)
    np.testing.assert_allclose(S.sigmoid_focal_loss(T(x), T(y), -1, 0).data,
                               bce, rtol=1e-12)
    weighted = S.sigmoid_focal_loss(T(x), T(y), alpha, gamma).data
    assert np.all(weighted <= bce * (1 + 1e-12) + 1e-300)


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)),
                  elements=st.floats(-10, 10)), st.data(),
       st.sampled_from([1.0, 2.0, 3.0, np.inf]))
def test_triplet_is_a_hinge_and_swap_never_lowers_it(a, data, norm):
    p = data.draw(hnp.arrays(np.float64, a.shape, elements=st.floats(-10, 10)))
    n = data.draw(hnp.arrays(np.float64, a.shape, elements=st.floats(-10, 10)))
    plain = S.triplet_margin_loss(T(a), T(p), T(n), p=norm,
                                  reduction="none").data
    swapped = S.triplet_margin_loss(T(a), T(p), T(n), p=norm, swap=True,
                                    reduction="none").data
    assert np.all(plain >= 0) and np.all(swapped >= plain)


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 4)),
                  elements=st.floats(0.1, 10)), st.data(),
       st.floats(0.05, 5), st.floats(0.1, 10))
def test_info_nce_is_cross_entropy_and_ignores_row_scale(q, data,
                                                         temperature, scale):
    k = data.draw(hnp.arrays(np.float64, q.shape, elements=st.floats(0.1, 10)))
    got = S.info_nce(T(q), T(k), temperature, reduction="none").data
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    kn = k / np.linalg.norm(k, axis=1, keepdims=True)
    want = core.cross_entropy(T(qn @ kn.T / temperature),
                              T(np.arange(len(q))), reduction="none").data
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    scaled = S.info_nce(T(q * scale), T(k), temperature,
                        reduction="none").data
    np.testing.assert_allclose(scaled, got, rtol=1e-8, atol=1e-9)


@SETTINGS
@given(scores_and_targets(max_c=300))
def test_blocked_cross_entropy_equals_the_core(case):
    z, k = case
    for reduction in ("mean", "sum", "none"):
        np.testing.assert_allclose(
            S.cross_entropy_blocked(T(z), T(k), reduction=reduction).data,
            core.cross_entropy(T(z), T(k), reduction=reduction).data,
            rtol=1e-12, atol=1e-12)
