"""Module 04 stretch part: exact values (hand-computed constants and slow
float64 loops written with `math`), dtypes, shapes, memory, and the design
rules (the default path never touches stretch code; one reduction helper).
"""
import math

import numpy as np
import pytest

from _support import peak_extra_mb

from tinytorch.core import losses, losses_stretch
from tinytorch.core.losses import (
    BCELoss,
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    MSELoss,
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

F32 = dict(rtol=2e-6, atol=1e-6)
F64 = dict(rtol=1e-12, atol=1e-12)


def T(a):
    a = np.asarray(a)
    return Tensor(a, dtype=a.dtype)


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else \
        math.exp(v) / (1.0 + math.exp(v))


# ------------------------------------------------------ hand-computed values
def test_l1_huber_smooth_l1_constants():
    zeros = Tensor([0.0, 0.0, 0.0])
    d = Tensor([0.5, -3.0, 10.0])
    assert L1Loss(reduction="none")(d, zeros).data.tolist() == [0.5, 3.0,
                                                                  10.0]
    assert HuberLoss(reduction="none")(d, zeros).data.tolist() == [
        0.125, 2.5, 9.5]
    assert HuberLoss("none", 2.0)(d, zeros).data.tolist() == [0.125, 4.0,
                                                               18.0]
    assert SmoothL1Loss(reduction="none", beta=2.0)(d, zeros).data.tolist() \
        == [0.0625, 2.0, 9.0]
    assert SmoothL1Loss(reduction="sum", beta=0.0)(d, zeros).item() == 13.5


def test_huber_pieces_meet_at_delta():
    for delta in (0.5, 1.0, 3.0):
        at = HuberLoss("none", delta)(Tensor([delta], dtype=np.float64),
                                      Tensor([0.0], dtype=np.float64)).item()
        assert at == pytest.approx(delta ** 2 / 2, rel=1e-15)
        h = 1e-7
        vals = HuberLoss("none", delta)(
            Tensor([delta - h, delta + h], dtype=np.float64),
            Tensor([0.0, 0.0], dtype=np.float64)).data
        assert (vals[1] - vals[0]) / (2 * h) == pytest.approx(delta,
                                                              rel=1e-6)


def test_nll_worked_example():
    lp = np.log(np.array([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
    loss = NLLLoss(Tensor([1.0, 3.0]), reduction="none")(T(lp),
                                                        T([0, 1, -100]))
    np.testing.assert_allclose(loss.data, [math.log(2), -3 * math.log(0.75),
                                           0.0], **F64)
    mean = NLLLoss(Tensor([1.0, 3.0]))(T(lp), T([0, 1, -100])).item()
    assert mean == pytest.approx((math.log(2) - 3 * math.log(0.75)) / 4,
                                 rel=1e-12)


def test_label_smoothing_constants():
    z = [2.0, 1.0, 0.1]
    lse = math.log(sum(math.exp(v) for v in z))
    lp = [v - lse for v in z]
    want = 0.9 * -lp[0] + 0.1 * sum(-v for v in lp) / 3
    got = CrossEntropyLoss(label_smoothing=0.1)(
        Tensor([z], dtype=np.float64), Tensor([0])).item()
    assert got == pytest.approx(want, rel=1e-12)
    # label_smoothing=1: the target no longer matters
    full = CrossEntropyLoss(reduction="none", label_smoothing=1.0)(
        Tensor([z, z], dtype=np.float64), Tensor([0, 2])).data
    assert full[0] == pytest.approx(full[1], rel=1e-15)
    assert full[0] == pytest.approx(sum(-v for v in lp) / 3, rel=1e-12)


def test_probability_targets_constant():
    got = CrossEntropyLoss(reduction="none")(
        Tensor([[0.0, math.log(3.0)]], dtype=np.float64),
        Tensor([[0.5, 0.5]], dtype=np.float64)).item()
    # p = [1/4, 3/4]: -(0.5 log 0.25 + 0.5 log 0.75)
    assert got == pytest.approx(-(0.5 * math.log(0.25)
                                  + 0.5 * math.log(0.75)), rel=1e-12)


def test_bce_with_logits_constants_and_extremes():
    x = np.array([0.0, 2.0, -2.0, 40.0, -40.0, 700.0, -700.0])
    y = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0])
    got = BCEWithLogitsLoss(reduction="none")(T(x), T(y)).data
    want = [math.log(2), 2 + math.log1p(math.exp(-2)),
            math.log1p(math.exp(-2)), 40 + math.log1p(math.exp(-40)),
            40 + math.log1p(math.exp(-40)), 700.0, 700.0]
    np.testing.assert_allclose(got, want, **F64)
    # float32: finite and right far beyond where sigmoid rounds to 1
    x32 = np.array([17.0, 40.0, 88.0, 1e4], dtype=np.float32)
    zeros32 = np.zeros(4, np.float32)
    got32 = BCEWithLogitsLoss(reduction="none")(T(x32), T(zeros32))
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32.data, [17.0, 40.0, 88.0, 1e4], **F32)


def test_bce_with_logits_pos_weight_and_weight():
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    y = np.array([[1.0, 0.0], [0.3, 1.0]])
    pw = np.array([4.0, 0.5])
    w = np.array([[1.0, 2.0], [0.0, 3.0]])
    got = BCEWithLogitsLoss(T(w), reduction="none", pos_weight=T(pw))(
        T(x), T(y)).data
    for i in range(2):
        for j in range(2):
            sp_pos = math.log1p(math.exp(x[i, j]))
            sp_neg = math.log1p(math.exp(-x[i, j]))
            want = w[i, j] * (pw[j] * y[i, j] * sp_neg
                              + (1 - y[i, j]) * sp_pos)
            assert got[i, j] == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_kl_constants():
    lq = np.log(np.array([[0.9, 0.1]]))
    p = np.array([[0.5, 0.5]])
    kl = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    assert KLDivLoss(reduction="batchmean")(T(lq), T(p)).item() == \
        pytest.approx(kl, rel=1e-12)
    assert KLDivLoss()(T(lq), T(p)).item() == pytest.approx(kl / 2,
                                                            rel=1e-12)
    each = KLDivLoss(reduction="none")(T(lq), T(p)).data
    np.testing.assert_allclose(each, [[0.5 * math.log(0.5 / 0.9),
                                       0.5 * math.log(0.5 / 0.1)]], **F64)
    # q = 0 where p > 0: the divergence is infinite, and says so
    with np.errstate(divide="ignore"):
        lq0 = np.log(np.array([[0.0, 1.0]]))
    assert KLDivLoss(reduction="sum")(T(lq0), T(p)).item() == math.inf


def ref_focal(x, y, alpha, gamma):
    total = []
    for xi, yi in zip(x, y):
        p = sigmoid(xi)
        ce = -(yi * math.log(p) + (1 - yi) * math.log(1 - p))
        p_t = p * yi + (1 - p) * (1 - yi)
        a_t = 1.0 if alpha is None else alpha * yi + (1 - alpha) * (1 - yi)
        total.append(a_t * (1 - p_t) ** gamma * ce)
    return total


@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (None, 2.0),
                                          (0.5, 0.0), (0.9, 3.5),
                                          (0.25, 0.5)])
def test_focal_against_a_float64_loop(alpha, gamma):
    rng = np.random.default_rng(3)
    x = rng.normal(scale=4.0, size=20)
    y = (rng.uniform(size=20) < 0.3).astype(np.float64)
    got = FocalLoss(alpha, gamma, "none")(T(x), T(y)).data
    np.testing.assert_allclose(got, ref_focal(x, y, alpha, gamma),
                               rtol=1e-10, atol=1e-300)


def test_focal_hand_constants():
    """The notebook's example: logits [2, -1, 3], targets [1, 1, 0]."""
    got = FocalLoss(reduction="none")(Tensor([2.0, -1.0, 3.0],
                                             dtype=np.float64),
                                      Tensor([1.0, 1.0, 0.0],
                                             dtype=np.float64)).data
    s2, sm1, s3 = sigmoid(2.0), sigmoid(-1.0), sigmoid(3.0)
    want = [0.25 * (1 - s2) ** 2 * -math.log(s2),
            0.25 * (1 - sm1) ** 2 * -math.log(sm1),
            0.75 * s3 ** 2 * -math.log(1 - s3)]
    np.testing.assert_allclose(got, want, **F64)
    assert [f"{v:.6f}" for v in got[:2]] == ["0.000451", "0.175467"]


def test_triplet_constants():
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    p = np.array([[3.0, 4.0], [1.0, 2.0]])
    n = np.array([[1.0, 0.0], [1.0, 4.0]])
    got = TripletMarginLoss(eps=0.0, reduction="none")(T(a), T(p), T(n))
    np.testing.assert_allclose(got.data, [5.0, 0.0], **F64)
    inf_norm = TripletMarginLoss(p=np.inf, eps=0.0, reduction="none")(
        T(a), T(p), T(n))
    np.testing.assert_allclose(inf_norm.data, [4.0, 0.0], **F64)
    # PyTorch's eps is added to the difference: d(a, a) = eps * sqrt(D)
    same = TripletMarginLoss(margin=1.0, eps=1e-6, reduction="none")(
        T([[0.0, 0.0]]), T([[0.0, 0.0]]), T([[1.0, 0.0]])).item()
    want = 1e-6 * math.sqrt(2) - math.hypot(-1 + 1e-6, 1e-6) + 1.0
    assert same == pytest.approx(want, rel=1e-9)


def test_info_nce_constants():
    q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    got = InfoNCELoss(temperature=0.5, reduction="none")(T(q), T(q)).data
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    for i in range(3):
        scores = [float(qn[i] @ qn[j]) / 0.5 for j in range(3)]
        m = max(scores)
        lse = m + math.log(sum(math.exp(s - m) for s in scores))
        assert got[i] == pytest.approx(lse - scores[i], rel=1e-12)


# -------------------------------------------------------- dtypes and shapes
@pytest.mark.parametrize("make, args", [
    (lambda r: L1Loss(reduction=r), ([[1.0, 2.0]], [[0.0, 0.0]])),
    (lambda r: HuberLoss(reduction=r), ([[1.0, 2.0]], [[0.0, 0.0]])),
    (lambda r: SmoothL1Loss(reduction=r), ([[1.0, 2.0]], [[0.0, 0.0]])),
    (lambda r: CrossEntropyLoss(reduction=r, label_smoothing=0.1),
     ([[1.0, 2.0]], [1])),
    (lambda r: NLLLoss(reduction=r), ([[-0.5, -1.0]], [1])),
    (lambda r: BCEWithLogitsLoss(reduction=r), ([[1.0, 2.0]], [[0.0, 1.0]])),
    (lambda r: KLDivLoss(reduction=r), ([[-0.5, -1.0]], [[0.5, 0.5]])),
    (lambda r: FocalLoss(reduction=r), ([[1.0, 2.0]], [[0.0, 1.0]])),
    (lambda r: InfoNCELoss(reduction=r), ([[1.0, 2.0]], [[0.0, 1.0]])),
])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_float32_by_default_float64_when_asked(make, args, reduction):
    out32 = make(reduction)(*[Tensor(a) for a in args])
    assert out32.dtype == np.float32
    assert isinstance(out32.data, np.ndarray)
    out64 = make(reduction)(*[Tensor(a, dtype=np.float64) if isinstance(
        a[0], list) else Tensor(a) for a in args])
    assert out64.dtype == np.float64
    np.testing.assert_allclose(out32.data, out64.data, rtol=1e-6, atol=1e-7)
    if reduction != "none":
        assert out32.shape == () and out64.shape == ()


def test_none_output_is_a_fresh_array_and_inputs_stay_unchanged():
    x = Tensor([[0.5, -1.0], [2.0, 0.0]])
    y = Tensor([[1.0, 0.0], [0.0, 1.0]])
    before = (x.data.copy(), y.data.copy())
    for loss_fn in (L1Loss(reduction="none"),
                    BCEWithLogitsLoss(reduction="none"),
                    FocalLoss(reduction="none"),
                    CrossEntropyLoss(reduction="none")):
        out = loss_fn(x, y)
        assert not np.shares_memory(out.data, x.data)
        out.data[...] = 99.0
    np.testing.assert_array_equal(x.data, before[0])
    np.testing.assert_array_equal(y.data, before[1])


def test_perfect_predictions_give_plus_zero_under_none():
    out = BinaryCrossEntropyLoss(reduction="none")(Tensor([1.0, 0.0]),
                                                   Tensor([1.0, 0.0]))
    assert out.data.tolist() == [0.0, 0.0]
    assert not np.signbit(out.data).any()


def test_blocked_none_equals_one_call():
    """'none' over many ~1 MB blocks gives exactly the one-call values."""
    rng = np.random.default_rng(9)
    z = (rng.normal(size=(3001, 700)) * 3).astype(np.float32)
    k = rng.integers(0, 700, size=3001)
    assert len(losses._row_blocks(3001, z[:1].nbytes)) > 5
    each = CrossEntropyLoss(reduction="none")(T(z), T(k))
    direct = losses_stretch._smoothed_cross_entropy_forward(
        z, k, np.ones(700, np.float32), -100, 0.0)
    np.testing.assert_array_equal(each.data, direct)
    l1 = L1Loss(reduction="none")(T(z), T(z[::-1]))
    np.testing.assert_array_equal(l1.data, np.abs(z - z[::-1]))


def test_bceloss_is_binary_cross_entropy_loss():
    assert BCELoss is BinaryCrossEntropyLoss
    assert repr(BCELoss(reduction="sum")) == \
        "BinaryCrossEntropyLoss(reduction='sum')"


def test_repr_shows_the_given_settings():
    assert repr(CrossEntropyLoss(label_smoothing=0.1, ignore_index=0)) == \
        "CrossEntropyLoss(ignore_index=0, label_smoothing=0.1)"
    assert repr(HuberLoss("sum", 2.0)) == "HuberLoss(reduction='sum', " \
        "delta=2.0)"
    assert repr(KLDivLoss(reduction="batchmean")) == \
        "KLDivLoss(reduction='batchmean')"


def test_weight_is_a_private_copy():
    w = Tensor([1.0, 2.0])
    loss_fn = CrossEntropyLoss(w)
    w.data[0] = 100.0
    assert loss_fn.weight.data.tolist() == [1.0, 2.0]
    assert isinstance(loss_fn.weight, Tensor)


# -------------------------------------------------------------- the design
def test_default_path_never_touches_stretch_code(monkeypatch):
    """The core path runs without any stretch function: in the learner's
    notebook the core part must work before the stretch part exists."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the default path called stretch code")

    for name in ("_class_loss", "_broadcast_weight", "_nll_forward",
                 "_smoothed_cross_entropy_forward",
                 "_soft_cross_entropy_forward", "_elementwise_loss"):
        monkeypatch.setattr(losses_stretch, name, forbidden)
    CrossEntropyLoss()(Tensor([[1.0, 2.0], [0.5, 0.0]]), Tensor([1, 0]))
    MSELoss()(Tensor([1.0, 2.0]), Tensor([0.0, 2.0]))
    BinaryCrossEntropyLoss()(Tensor([0.5]), Tensor([1.0]))
    # reduction='sum' / 'none' of MSE and BCE need only the core helper
    MSELoss(reduction="none")(Tensor([1.0, 2.0]), Tensor([0.0, 2.0]))
    BinaryCrossEntropyLoss(reduction="sum")(Tensor([0.5]), Tensor([1.0]))
    with pytest.raises(AssertionError, match="stretch code"):
        CrossEntropyLoss()(Tensor([[1.0, 2.0]]), Tensor([-100]))


@pytest.mark.parametrize("make, targets", [
    (lambda: CrossEntropyLoss(reduction="sum"), [1, 0]),
    (lambda: CrossEntropyLoss(label_smoothing=0.1), [1, 0]),
    (lambda: CrossEntropyLoss(Tensor([1.0, 2.0])), [1, 0]),
    (lambda: CrossEntropyLoss(), [1, -100]),
    (lambda: CrossEntropyLoss(ignore_index=1), [1, 0]),
    (lambda: CrossEntropyLoss(), [[0.0, 1.0], [1.0, 0.0]]),
])
def test_anything_beyond_the_core_goes_to_the_stretch_path(make, targets,
                                                           monkeypatch):
    calls = []
    original = losses_stretch._class_loss
    monkeypatch.setattr(losses_stretch, "_class_loss",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    make()(Tensor([[1.0, 2.0], [0.5, 0.0]]), Tensor(targets))
    assert calls == [1]


def test_every_loss_reduces_with_the_one_helper(monkeypatch):
    calls = []
    original = losses._reduce

    def spy(kernel, *arrays, **kwargs):
        calls.append(kwargs.get("reduction", "mean"))
        return original(kernel, *arrays, **kwargs)

    # the stretch notebook imports the core's one helper
    monkeypatch.setattr(losses, "_reduce", spy)
    monkeypatch.setattr(losses_stretch, "_reduce", spy)
    x, y = Tensor([[0.5, 1.0]]), Tensor([[0.0, 1.0]])
    for make in (L1Loss, HuberLoss, SmoothL1Loss, BCEWithLogitsLoss,
                 FocalLoss, InfoNCELoss):
        make(reduction="sum")(x, y)
    CrossEntropyLoss(reduction="sum")(x, Tensor([1]))
    NLLLoss(reduction="sum")(x, Tensor([1]))
    KLDivLoss(reduction="sum")(Tensor([[-0.5, -1.0]]), y)
    TripletMarginLoss(reduction="sum")(x, y, x)
    assert calls == ["sum"] * 10


@pytest.fixture(scope="module")
def big_batch():
    rng = np.random.default_rng(7)
    return (Tensor(rng.normal(size=(128, 50_000)).astype(np.float32)),
            Tensor(rng.integers(0, 50_000, size=128)))


def test_default_cross_entropy_memory_is_unchanged(big_batch):
    logits, labels = big_batch
    assert peak_extra_mb(lambda: CrossEntropyLoss()(logits, labels)) < 2.0


@pytest.mark.parametrize("make", [
    lambda: CrossEntropyLoss(reduction="sum"),
    lambda: CrossEntropyLoss(label_smoothing=0.1),
    lambda: CrossEntropyLoss(Tensor(np.ones(50_000))),
])
def test_the_general_path_stays_blocked_for_mean_and_sum(make, big_batch):
    """Weights, smoothing and 'sum' keep the ~1 MB blocks: a few MB at
    most, far below one (128, 50000) float32 matrix (25.6 MB)."""
    logits, labels = big_batch
    loss_fn = make()
    assert peak_extra_mb(lambda: loss_fn(logits, labels)) < 8.0
