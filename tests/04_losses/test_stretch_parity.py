"""Module 04 stretch part: parity with PyTorch for every loss, every
reduction and every option sweep the issue lists.

Each check compares shape, then dtype, then values (float32 results against
PyTorch in float32: rtol 1e-5 / atol 1e-6; float64 against float64: 1e-12),
and the failure message names the case. Skipped without PyTorch; CI
installs it. FocalLoss has no torch.nn counterpart (torchvision is not
installed): it is compared with torchvision's formula written in torch ops
here, and with a float64 loop in test_stretch_values.py.
"""
import inspect
import itertools
import warnings

import numpy as np
import pytest

from tinytorch.core.losses import (
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

torch = pytest.importorskip("torch")
F = torch.nn.functional
nn = torch.nn

pytestmark = pytest.mark.torch

REDUCTIONS = ("mean", "sum", "none")
DTYPES = (np.float32, np.float64)
TOL = {np.dtype(np.float32): dict(rtol=1e-5, atol=1e-6),
       np.dtype(np.float64): dict(rtol=1e-12, atol=1e-12)}


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def T(a, dtype=None):
    """A TinyTorch Tensor that keeps the array's dtype."""
    a = np.asarray(a)
    return Tensor(a, dtype=dtype or a.dtype)


def same(ours, theirs, dtype, case):
    """Shape, then dtype, then values, with the tolerance of `dtype`."""
    theirs = theirs.detach().numpy()
    assert ours.shape == theirs.shape, (case, ours.shape, theirs.shape)
    assert ours.dtype == np.dtype(dtype), (case, ours.dtype)
    np.testing.assert_allclose(ours.data, theirs, err_msg=str(case),
                               **TOL[np.dtype(dtype)])


# ---------------------------------------------------------------- signatures
PAIRS = [
    (MSELoss, nn.MSELoss), (L1Loss, nn.L1Loss),
    (CrossEntropyLoss, nn.CrossEntropyLoss), (NLLLoss, nn.NLLLoss),
    (BinaryCrossEntropyLoss, nn.BCELoss),
    (BCEWithLogitsLoss, nn.BCEWithLogitsLoss), (HuberLoss, nn.HuberLoss),
    (SmoothL1Loss, nn.SmoothL1Loss), (KLDivLoss, nn.KLDivLoss),
    (TripletMarginLoss, nn.TripletMarginLoss),
]


def _settings(cls):
    """[(name, default, positional?)] of cls.__init__, without self."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return [(p.name, p.default, p.kind == p.POSITIONAL_OR_KEYWORD)
            for p in params]


@pytest.mark.parametrize("ours, theirs", PAIRS,
                         ids=[p[0].__name__ for p in PAIRS])
def test_constructor_names_order_and_defaults_match_pytorch(ours, theirs):
    deprecated = {"size_average", "reduce"}
    mine = _settings(ours)
    torch_params = [(n, d, pos) for n, d, pos in _settings(theirs)
                    if n not in deprecated]
    assert [(n, d) for n, d, _ in mine] == [(n, d)
                                          for n, d, _ in torch_params]
    # a setting may be passed by position here only where PyTorch has it
    # at the same position (PyTorch puts the deprecated ones in between)
    torch_names = [n for n, _, _ in _settings(theirs)]
    for index, (name, _, positional) in enumerate(mine):
        if positional:
            assert torch_names[index] == name, (ours.__name__, name)


# ------------------------------------------------------------ cross-entropy
CE_SHAPES = [(6, 4), (3, 4, 5), (2, 4, 3, 2)]


def _index_targets(rng, shape, c, ignore_index):
    """Class indices for logits `shape`, some equal to ignore_index, at
    least one kept."""
    target_shape = (shape[0],) + shape[2:]
    k = rng.integers(0, c, size=target_shape)
    flat = k.reshape(-1)
    if ignore_index == -100:
        flat[rng.uniform(size=flat.size) < 0.3] = -100
    flat[0] = 1  # one kept target whatever ignore_index is (1 < C - 1)
    return k


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", CE_SHAPES)
def test_cross_entropy_index_targets_sweep(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    c = shape[1]
    z = (rng.normal(size=shape) * 3).astype(dtype)
    w = rng.uniform(0.2, 3.0, size=c).astype(dtype)
    checked = 0
    for weight, ignore, smoothing, reduction in itertools.product(
            (None, w), (-100, 0, c - 1), (0.0, 0.3, 1.0), REDUCTIONS):
        k = _index_targets(rng, shape, c, ignore)
        case = (shape, dtype.__name__, weight is not None, ignore, smoothing,
                reduction)
        ours = CrossEntropyLoss(
            None if weight is None else T(weight), ignore_index=ignore,
            reduction=reduction, label_smoothing=smoothing)(T(z), T(k))
        theirs = F.cross_entropy(
            t(z), t(k), weight=None if weight is None else t(weight),
            ignore_index=ignore, reduction=reduction,
            label_smoothing=smoothing)
        same(ours, theirs, dtype, case)
        checked += 1
    assert checked == 2 * 3 * 3 * 3


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", CE_SHAPES)
def test_cross_entropy_probability_targets_sweep(shape, dtype):
    rng = np.random.default_rng(10 + sum(shape))
    c = shape[1]
    z = (rng.normal(size=shape) * 3).astype(dtype)
    y = rng.uniform(size=shape)
    y = (y / y.sum(axis=1, keepdims=True)).astype(dtype)
    w = rng.uniform(0.2, 3.0, size=c).astype(dtype)
    for weight, smoothing, reduction in itertools.product(
            (None, w), (0.0, 0.3, 1.0), REDUCTIONS):
        case = (shape, dtype.__name__, weight is not None, smoothing,
                reduction)
        ours = CrossEntropyLoss(
            None if weight is None else T(weight), reduction=reduction,
            label_smoothing=smoothing)(T(z), T(y))
        theirs = F.cross_entropy(
            t(z), t(y), weight=None if weight is None else t(weight),
            reduction=reduction, label_smoothing=smoothing)
        same(ours, theirs, dtype, case)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_masked_classes(reduction):
    """-inf logits (masked classes) with weights and ignored rows."""
    rng = np.random.default_rng(4)
    z = rng.normal(size=(8, 5)) * 2
    k = rng.integers(0, 5, size=8)
    k[3] = -100
    mask = rng.uniform(size=z.shape) < 0.3
    mask[np.arange(8), np.where(k < 0, 0, k)] = False
    z[mask] = -np.inf
    w = rng.uniform(0.5, 2.0, size=5)
    ours = CrossEntropyLoss(T(w), reduction=reduction)(T(z), T(k))
    theirs = F.cross_entropy(t(z), t(k), weight=t(w), reduction=reduction)
    same(ours, theirs, np.float64, reduction)


# ------------------------------------------------------------------ NLLLoss
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", CE_SHAPES)
def test_nll_sweep(shape, dtype):
    rng = np.random.default_rng(20 + sum(shape))
    c = shape[1]
    z = rng.normal(size=shape) * 2
    lp = (z - np.log(np.exp(z).sum(axis=1, keepdims=True))).astype(dtype)
    w = rng.uniform(0.2, 3.0, size=c).astype(dtype)
    for weight, ignore, reduction in itertools.product(
            (None, w), (-100, 0, c - 1), REDUCTIONS):
        k = _index_targets(rng, shape, c, ignore)
        case = (shape, dtype.__name__, weight is not None, ignore, reduction)
        ours = NLLLoss(None if weight is None else T(weight),
                       ignore_index=ignore, reduction=reduction)(T(lp), T(k))
        theirs = F.nll_loss(t(lp), t(k),
                            weight=None if weight is None else t(weight),
                            ignore_index=ignore, reduction=reduction)
        same(ours, theirs, dtype, case)


# ------------------------------------------------------- regression losses
REGRESSION = [
    ("MSELoss", lambda r, **kw: MSELoss(reduction=r),
     lambda a, b, r, **kw: F.mse_loss(a, b, reduction=r), [{}]),
    ("L1Loss", lambda r, **kw: L1Loss(reduction=r),
     lambda a, b, r, **kw: F.l1_loss(a, b, reduction=r), [{}]),
    ("HuberLoss", lambda r, delta: HuberLoss(reduction=r, delta=delta),
     lambda a, b, r, delta: F.huber_loss(a, b, reduction=r, delta=delta),
     [dict(delta=d) for d in (0.5, 1.0, 2.0)]),
    ("SmoothL1Loss", lambda r, beta: SmoothL1Loss(reduction=r, beta=beta),
     lambda a, b, r, beta: F.smooth_l1_loss(a, b, reduction=r, beta=beta),
     [dict(beta=b) for b in (0.0, 0.5, 1.0, 2.0)]),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7,), (5, 3), (2, 3, 4)])
@pytest.mark.parametrize("name, ours_fn, theirs_fn, options", REGRESSION,
                         ids=[r[0] for r in REGRESSION])
def test_regression_losses_sweep(name, ours_fn, theirs_fn, options, shape,
                                 dtype):
    rng = np.random.default_rng(len(name) + sum(shape))
    a = (rng.normal(size=shape) * 2).astype(dtype)
    b = (rng.normal(size=shape) * 2).astype(dtype)
    for kw, reduction in itertools.product(options, REDUCTIONS):
        ours = ours_fn(reduction, **kw)(T(a), T(b))
        theirs = theirs_fn(t(a), t(b), reduction, **kw)
        same(ours, theirs, dtype, (name, kw, reduction, shape))


# ------------------------------------------------------- binary losses
@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_weight_and_reduction_sweep(dtype):
    rng = np.random.default_rng(30)
    n, k = 6, 3
    p = rng.uniform(1e-4, 1 - 1e-4, size=(n, k)).astype(dtype)
    y = rng.uniform(size=(n, k)).astype(dtype)
    weights = [None, rng.uniform(0.1, 2.0, size=k),
               rng.uniform(0.1, 2.0, size=(n, 1)),
               rng.uniform(0.1, 2.0, size=(n, k))]
    for weight, reduction in itertools.product(weights, REDUCTIONS):
        case = (None if weight is None else weight.shape, reduction)
        ours = BinaryCrossEntropyLoss(
            None if weight is None else T(weight.astype(dtype)),
            reduction=reduction)(T(p), T(y))
        theirs = F.binary_cross_entropy(
            t(p), t(y), reduction=reduction,
            weight=None if weight is None else t(weight.astype(dtype)))
        same(ours, theirs, dtype, case)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_with_logits_sweep(dtype):
    rng = np.random.default_rng(31)
    n, k = 6, 3
    x = (rng.normal(size=(n, k)) * 8).astype(dtype)
    x[0] = [60.0, -60.0, 95.0]  # far beyond where a float32 sigmoid rounds
    y = (rng.uniform(size=(n, k)) < 0.5).astype(dtype)
    y[1] = [0.2, 0.5, 0.9]  # soft labels too
    weights = [None, rng.uniform(0.1, 2.0, size=k),
               rng.uniform(0.1, 2.0, size=(n, k))]
    pos_weights = [None, np.array([0.5, 3.0, 9.0])]
    for weight, pos_weight, reduction in itertools.product(
            weights, pos_weights, REDUCTIONS):
        case = (None if weight is None else weight.shape,
                pos_weight is not None, reduction)
        ours = BCEWithLogitsLoss(
            None if weight is None else T(weight.astype(dtype)),
            reduction=reduction,
            pos_weight=None if pos_weight is None
            else T(pos_weight.astype(dtype)))(T(x), T(y))
        theirs = F.binary_cross_entropy_with_logits(
            t(x), t(y), reduction=reduction,
            weight=None if weight is None else t(weight.astype(dtype)),
            pos_weight=None if pos_weight is None
            else t(pos_weight.astype(dtype)))
        same(ours, theirs, dtype, case)


# ------------------------------------------------------------------- KLDiv
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_sweep(log_target, dtype):
    rng = np.random.default_rng(40)
    z = rng.normal(size=(5, 4)) * 2
    log_q = (z - np.log(np.exp(z).sum(axis=1, keepdims=True))).astype(dtype)
    p = rng.uniform(size=(5, 4))
    if not log_target:
        p[1, 2] = 0.0  # a zero-probability term (log p = -inf: see below)
    p = (p / p.sum(axis=1, keepdims=True)).astype(dtype)
    target = np.log(p) if log_target else p
    for reduction in REDUCTIONS + ("batchmean",):
        ours = KLDivLoss(reduction=reduction, log_target=log_target)(
            T(log_q), T(target.astype(dtype)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch warns about 'mean'
            theirs = F.kl_div(t(log_q), t(target.astype(dtype)),
                              reduction=reduction, log_target=log_target)
        same(ours, theirs, dtype, (log_target, reduction))


# ------------------------------------------------------------ embeddings
@pytest.mark.parametrize("dtype", DTYPES)
def test_triplet_margin_sweep(dtype):
    rng = np.random.default_rng(50)
    a, p, n = ((rng.normal(size=(6, 4)) * s).astype(dtype)
               for s in (1.0, 1.0, 1.5))
    for margin, norm, eps, swap, reduction in itertools.product(
            (0.5, 1.0, 2.0), (1.0, 2.0, 3.0, np.inf), (0.0, 1e-6),
            (False, True), REDUCTIONS):
        case = (margin, norm, eps, swap, reduction)
        ours = TripletMarginLoss(margin, norm, eps, swap,
                                 reduction=reduction)(T(a), T(p), T(n))
        theirs = F.triplet_margin_loss(t(a), t(p), t(n), margin=margin,
                                       p=norm, eps=eps, swap=swap,
                                       reduction=reduction)
        same(ours, theirs, dtype, case)


def test_triplet_margin_single_unbatched_triplet():
    a, p, n = np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([0.5, 0.])
    for reduction in REDUCTIONS:
        ours = TripletMarginLoss(reduction=reduction)(T(a), T(p), T(n))
        theirs = F.triplet_margin_loss(t(a), t(p), t(n), reduction=reduction)
        same(ours, theirs, np.float64, reduction)


@pytest.mark.parametrize("dtype", DTYPES)
def test_info_nce_is_cross_entropy_on_cosine_similarities(dtype):
    rng = np.random.default_rng(60)
    q = rng.normal(size=(8, 5)).astype(dtype)
    k = (q + 0.5 * rng.normal(size=(8, 5))).astype(dtype)
    rows = torch.arange(8)
    for temperature, normalize, reduction in itertools.product(
            (0.07, 0.5, 1.0), (True, False), REDUCTIONS):
        tq, tk = t(q), t(k)
        if normalize:
            tq, tk = F.normalize(tq, dim=1), F.normalize(tk, dim=1)
        theirs = F.cross_entropy(tq @ tk.T / temperature, rows,
                                 reduction=reduction)
        ours = InfoNCELoss(temperature, normalize, reduction=reduction)(
            T(q), T(k))
        # float32: the (8, 8) logits reach 1/0.07 = 14.3 or, unnormalised,
        # about 200; the sums are ordered differently from PyTorch's
        tol = TOL[np.dtype(dtype)] if dtype == np.float64 else dict(
            rtol=1e-5, atol=2e-5)
        theirs = theirs.detach().numpy()
        assert ours.shape == theirs.shape and ours.dtype == dtype
        np.testing.assert_allclose(ours.data, theirs, **tol,
                                   err_msg=str((temperature, normalize,
                                                reduction)))


# ---------------------------------------------------------------- focal
def _torchvision_sigmoid_focal_loss(inputs, targets, alpha, gamma,
                                    reduction):
    """torchvision.ops.sigmoid_focal_loss, written with torch ops (alpha
    None stands for torchvision's alpha=-1: no alpha weighting)."""
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets,
                                            reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


@pytest.mark.parametrize("dtype", DTYPES)
def test_focal_matches_torchvision_formula(dtype):
    rng = np.random.default_rng(70)
    x = (rng.normal(size=(6, 3)) * 4).astype(dtype)
    y = (rng.uniform(size=(6, 3)) < 0.3).astype(dtype)
    for alpha, gamma, reduction in itertools.product(
            (None, 0.25, 0.75), (0.0, 1.0, 2.0, 3.5), REDUCTIONS):
        ours = FocalLoss(alpha, gamma, reduction)(T(x), T(y))
        theirs = _torchvision_sigmoid_focal_loss(t(x), t(y), alpha, gamma,
                                                 reduction)
        tol = TOL[np.dtype(dtype)] if dtype == np.float64 else dict(
            rtol=2e-5, atol=1e-6)
        theirs = theirs.detach().numpy()
        assert ours.shape == theirs.shape and ours.dtype == dtype
        np.testing.assert_allclose(ours.data, theirs, **tol,
                                   err_msg=str((alpha, gamma, reduction)))


# ------------------------------------------ the all-ignored decision
def test_all_ignored_batch_pytorch_nan_ours_raises_or_zero():
    z = np.zeros((3, 4))
    k = np.full(3, -100)
    assert torch.isnan(F.cross_entropy(t(z), t(k)))
    with pytest.raises(ValueError, match="nothing to average"):
        CrossEntropyLoss()(T(z), T(k))
    for reduction in ("sum", "none"):
        ours = CrossEntropyLoss(reduction=reduction)(T(z), T(k))
        theirs = F.cross_entropy(t(z), t(k), reduction=reduction)
        same(ours, theirs, np.float64, reduction)


def test_kl_div_zero_probability_terms_are_zero_where_pytorch_gives_nan():
    """The KLDivLoss NOTE: PyTorch gives NaN for a term with p = 0 when
    log q = -inf, and with log_target=True whenever p = 0; here it is 0."""
    with np.errstate(divide="ignore"):
        log_q = np.log(np.array([[0.0, 1.0]]))
        log_p_zero = np.log(np.array([[0.0, 1.0]]))
    p = np.array([[0.0, 1.0]])
    assert torch.isnan(F.kl_div(t(log_q), t(p), reduction="sum"))
    assert torch.isnan(F.kl_div(t(np.log(np.array([[0.5, 0.5]]))),
                                t(log_p_zero), reduction="sum",
                                log_target=True))
    assert KLDivLoss(reduction="sum")(T(log_q), T(p)).item() == 0.0
    ours = KLDivLoss(reduction="sum", log_target=True)(
        T(np.log(np.array([[0.5, 0.5]]))), T(log_p_zero)).item()
    assert ours == pytest.approx(np.log(2.0), rel=1e-12)
