"""Module 04 stretch part: metamorphic relations between losses and
settings (no reference implementation needed), with Hypothesis on bounded
inputs.

- 'sum' == 'none'.sum() and 'mean' == 'none'.mean() (no weights);
- class-index targets == one-hot probability targets;
- ignored rows == dropped rows; (N, C, d1, ...) == flattened (M, C);
- weighted 'mean' is invariant to scaling the weights;
- Huber == delta * SmoothL1(beta=delta); SmoothL1(0) == L1;
  Focal(gamma=0, alpha=None) == BCEWithLogits; CE == NLL(log_softmax);
  KL 'batchmean' == 'sum' / N; BCEWithLogits == BCE(sigmoid) where the
  sigmoid does not round.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings

from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    MSELoss,
    log_softmax,
)
from tinytorch.core.losses_stretch import (
    BCEWithLogitsLoss,
    FocalLoss,
    HuberLoss,
    InfoNCELoss,
    KLDivLoss,
    L1Loss,
    NLLLoss,
    SmoothL1Loss,
    TripletMarginLoss,
)
from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(60)
F64 = dict(rtol=1e-10, atol=1e-10)


def T(a):
    a = np.asarray(a)
    return Tensor(a, dtype=a.dtype)


logit = st.floats(-30.0, 30.0, allow_nan=False, width=64)


@st.composite
def class_problem(draw):
    """(N, C) float64 logits, (N,) targets, (C,) weights > 0."""
    n = draw(st.integers(1, 6))
    c = draw(st.integers(2, 6))
    z = draw(hnp.arrays(np.float64, (n, c), elements=logit))
    k = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    w = draw(hnp.arrays(np.float64, (c,),
                        elements=st.floats(0.1, 5.0, width=64)))
    return z, k, w


def _cases(rng):
    """(name, make(reduction), args) for every loss, float64 inputs."""
    z = rng.normal(size=(5, 4)) * 2
    k = rng.integers(0, 4, size=5)
    lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    p = rng.uniform(0.05, 0.95, size=(5, 3))
    y = (rng.uniform(size=(5, 3)) < 0.5).astype(np.float64)
    q = np.exp(lp)
    return [
        ("MSELoss", lambda r: MSELoss(reduction=r), (a, b)),
        ("L1Loss", lambda r: L1Loss(reduction=r), (a, b)),
        ("HuberLoss", lambda r: HuberLoss(reduction=r, delta=0.7), (a, b)),
        ("SmoothL1Loss", lambda r: SmoothL1Loss(reduction=r, beta=0.7),
         (a, b)),
        ("CrossEntropyLoss", lambda r: CrossEntropyLoss(reduction=r), (z, k)),
        ("CrossEntropyLoss smoothed",
         lambda r: CrossEntropyLoss(reduction=r, label_smoothing=0.2),
         (z, k)),
        ("CrossEntropyLoss probabilities",
         lambda r: CrossEntropyLoss(reduction=r), (z, q)),
        ("NLLLoss", lambda r: NLLLoss(reduction=r), (lp, k)),
        ("BinaryCrossEntropyLoss",
         lambda r: BinaryCrossEntropyLoss(reduction=r), (p, y)),
        ("BCEWithLogitsLoss", lambda r: BCEWithLogitsLoss(reduction=r),
         (a * 4, y)),
        ("KLDivLoss", lambda r: KLDivLoss(reduction=r), (lp, q[::-1])),
        ("FocalLoss", lambda r: FocalLoss(reduction=r), (a * 4, y)),
        ("TripletMarginLoss", lambda r: TripletMarginLoss(reduction=r),
         (a, b, a[::-1])),
        ("InfoNCELoss", lambda r: InfoNCELoss(0.5, reduction=r), (a, b)),
    ]


CASES = _cases(np.random.default_rng(0))


@pytest.mark.parametrize("name, make, args", CASES,
                         ids=[c[0] for c in CASES])
def test_sum_and_mean_agree_with_none(name, make, args):
    tensors = [T(x) for x in args]
    each = make("none")(*tensors)
    total = make("sum")(*tensors)
    mean = make("mean")(*tensors)
    assert total.shape == mean.shape == ()
    assert each.dtype == total.dtype == mean.dtype == np.float64
    np.testing.assert_allclose(total.item(), each.data.sum(), **F64)
    np.testing.assert_allclose(mean.item(), each.data.mean(), **F64)


@pytest.mark.parametrize("name, make, args", CASES,
                         ids=[c[0] for c in CASES])
def test_none_has_the_documented_shape(name, make, args):
    each = make("none")(*[T(x) for x in args])
    per_element = {"MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss",
                   "BinaryCrossEntropyLoss", "BCEWithLogitsLoss",
                   "KLDivLoss", "FocalLoss"}
    want = args[0].shape if name in per_element else args[0].shape[:1]
    assert each.shape == want, (name, each.shape)


@SETTINGS
@given(class_problem(), st.sampled_from([0.0, 0.3, 1.0]))
def test_class_indices_equal_one_hot_probabilities(problem, smoothing):
    z, k, w = problem
    one_hot = np.eye(z.shape[1])[k]
    for weight in (None, T(w)):
        index = CrossEntropyLoss(weight, reduction="none",
                                 label_smoothing=smoothing)(T(z), T(k))
        prob = CrossEntropyLoss(weight, reduction="none",
                                label_smoothing=smoothing)(T(z),
                                                           T(one_hot))
        np.testing.assert_allclose(index.data, prob.data, **F64)
    # 'mean' agrees without weights; with weights the index form divides
    # by the total target weight and the probability form by N
    a = CrossEntropyLoss(label_smoothing=smoothing)(T(z), T(k)).item()
    b = CrossEntropyLoss(label_smoothing=smoothing)(T(z), T(one_hot)).item()
    np.testing.assert_allclose(a, b, **F64)
    wa = CrossEntropyLoss(T(w), label_smoothing=smoothing)(T(z), T(k))
    wb = CrossEntropyLoss(T(w), label_smoothing=smoothing)(T(z), T(one_hot))
    np.testing.assert_allclose(wa.item() * w[k].sum(), wb.item() * len(k),
                               **F64)


@SETTINGS
@given(class_problem(), st.data())
def test_ignored_rows_equal_dropped_rows(problem, data):
    z, k, w = problem
    n, c = z.shape
    ignore = data.draw(st.sampled_from([-100, 0, c - 1]))
    drop = data.draw(hnp.arrays(np.bool_, (n,)))
    drop[0] = False  # keep at least one row
    k = np.where(drop, ignore, k)
    kept = k != ignore
    if not kept.any():
        return
    smoothing = data.draw(st.sampled_from([0.0, 0.3]))
    for weight in (None, T(w)):
        for reduction in ("mean", "sum"):
            full = CrossEntropyLoss(weight, ignore_index=ignore,
                                    reduction=reduction,
                                    label_smoothing=smoothing)(T(z), T(k))
            part = CrossEntropyLoss(weight, reduction=reduction,
                                    label_smoothing=smoothing)(
                T(z[kept]), T(k[kept]))
            np.testing.assert_allclose(full.item(), part.item(), **F64)
        each = CrossEntropyLoss(weight, ignore_index=ignore,
                                reduction="none",
                                label_smoothing=smoothing)(T(z), T(k))
        assert np.all(each.data[~kept] == 0.0)


@SETTINGS
@given(class_problem(), st.floats(0.01, 100.0))
def test_weighted_mean_does_not_depend_on_the_weights_scale(problem, scale):
    z, k, w = problem
    a = CrossEntropyLoss(T(w))(T(z), T(k)).item()
    b = CrossEntropyLoss(T(w * scale))(T(z), T(k)).item()
    np.testing.assert_allclose(a, b, rtol=1e-9)
    s1 = CrossEntropyLoss(T(w), reduction="sum")(T(z), T(k)).item()
    s2 = CrossEntropyLoss(T(w * scale), reduction="sum")(T(z), T(k)).item()
    np.testing.assert_allclose(s2, scale * s1, rtol=1e-9)


@pytest.mark.parametrize("extra", [(3,), (2, 4)])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_nd_inputs_equal_flattened_rows(extra, smoothing):
    rng = np.random.default_rng(len(extra))
    n, c = 3, 5
    z = rng.normal(size=(n, c) + extra) * 2
    k = rng.integers(0, c, size=(n,) + extra)
    k.reshape(-1)[1] = -100
    w = rng.uniform(0.5, 2.0, size=c)
    rows = np.moveaxis(z, 1, -1).reshape(-1, c)
    for reduction in ("mean", "sum", "none"):
        nd = CrossEntropyLoss(T(w), reduction=reduction,
                              label_smoothing=smoothing)(T(z), T(k))
        flat = CrossEntropyLoss(T(w), reduction=reduction,
                                label_smoothing=smoothing)(T(rows),
                                                           T(k.reshape(-1)))
        np.testing.assert_allclose(nd.data.reshape(-1), flat.data.reshape(-1),
                                   **F64)
        if reduction == "none":
            assert nd.shape == (n,) + extra


@SETTINGS
@given(class_problem())
def test_cross_entropy_is_nll_of_log_softmax(problem):
    z, k, w = problem
    lp = log_softmax(T(z), dim=1)
    for reduction in ("mean", "sum", "none"):
        ce = CrossEntropyLoss(T(w), reduction=reduction)(T(z), T(k))
        nll = NLLLoss(T(w), reduction=reduction)(lp, T(k))
        np.testing.assert_allclose(ce.data, nll.data, **F64)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 12),
                  elements=st.floats(-50, 50, width=64)),
       st.floats(0.05, 5.0, width=64))
def test_huber_smooth_l1_and_l1(diff, delta):
    zero = np.zeros_like(diff)
    huber = HuberLoss("none", delta)(T(diff), T(zero)).data
    smooth = SmoothL1Loss(reduction="none", beta=delta)(T(diff), T(zero)).data
    np.testing.assert_allclose(huber, delta * smooth, rtol=1e-12, atol=1e-12)
    l1 = L1Loss(reduction="none")(T(diff), T(zero)).data
    beta0 = SmoothL1Loss(reduction="none", beta=0.0)(T(diff), T(zero)).data
    np.testing.assert_array_equal(beta0, l1)
    # Huber lies between 0 and both MSE / 2 and delta * L1
    mse = MSELoss(reduction="none")(T(diff), T(zero)).data
    assert np.all(huber <= mse / 2 + 1e-12)
    assert np.all(huber <= delta * l1 + 1e-12)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 12), elements=logit),
       st.data())
def test_focal_and_bce_with_logits(x, data):
    y = data.draw(hnp.arrays(np.float64, x.shape,
                             elements=st.sampled_from([0.0, 1.0])))
    plain = BCEWithLogitsLoss(reduction="none")(T(x), T(y)).data
    focal0 = FocalLoss(None, 0.0, "none")(T(x), T(y)).data
    np.testing.assert_allclose(focal0, plain, rtol=1e-12, atol=1e-300)
    half = FocalLoss(0.5, 0.0, "none")(T(x), T(y)).data
    np.testing.assert_allclose(half, plain / 2, rtol=1e-12, atol=1e-300)
    focal = FocalLoss(None, 2.0, "none")(T(x), T(y)).data
    assert np.all(focal <= plain)  # the factor (1 - p_t)^2 is at most 1


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 12),
                  elements=st.floats(-15, 15, width=64)), st.data())
def test_bce_with_logits_equals_bce_of_sigmoid(x, data):
    y = data.draw(hnp.arrays(np.float64, x.shape,
                             elements=st.floats(0, 1, width=64)))
    probs = 1.0 / (1.0 + np.exp(-x))
    a = BCEWithLogitsLoss(reduction="none")(T(x), T(y)).data
    b = BinaryCrossEntropyLoss(reduction="none")(T(probs), T(y)).data
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(class_problem())
def test_kl_batchmean_is_sum_over_n_and_cross_entropy_minus_entropy(problem):
    z, k, _ = problem
    n, c = z.shape
    q_logits = z[::-1]
    p = np.exp(log_softmax(T(q_logits), dim=1).data)
    lq = log_softmax(T(z), dim=1)
    total = KLDivLoss(reduction="sum")(lq, T(p)).item()
    batch = KLDivLoss(reduction="batchmean")(lq, T(p)).item()
    mean = KLDivLoss()(lq, T(p)).item()
    np.testing.assert_allclose(batch, total / n, **F64)
    np.testing.assert_allclose(mean, total / (n * c), **F64)
    assert total >= -1e-9  # a divergence is never negative
    ce = CrossEntropyLoss(reduction="sum")(T(z), T(p)).item()
    entropy = float(-(p * np.log(p)).sum())
    np.testing.assert_allclose(ce, entropy + total, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)),
                  elements=st.floats(-5, 5, width=64)), st.data())
def test_triplet_is_zero_when_the_negative_is_far(a, data):
    p = a + data.draw(hnp.arrays(np.float64, a.shape,
                                 elements=st.floats(-0.1, 0.1, width=64)))
    far = a + 100.0
    loss = TripletMarginLoss(reduction="none")(T(a), T(p), T(far)).data
    assert np.all(loss == 0.0)
    near = TripletMarginLoss(reduction="none")(T(a), T(far), T(p)).data
    assert np.all(near > 0.0)


def test_info_nce_ignores_the_scale_of_normalised_embeddings():
    rng = np.random.default_rng(5)
    q, k = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    scales = rng.uniform(0.1, 10.0, size=(6, 1))
    a = InfoNCELoss(0.1, reduction="none")(T(q), T(k)).data
    b = InfoNCELoss(0.1, reduction="none")(T(q * scales), T(k)).data
    np.testing.assert_allclose(a, b, **F64)
