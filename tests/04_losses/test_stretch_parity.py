"""The stretch notebook against PyTorch: `torch.nn.functional` is the oracle.

Every loss, every reduction, float32 and float64, and a sweep of every
option (weights, ignore_index, label smoothing, probability targets,
(N, C, d1, ...) scores, pos_weight, log_target, the triplet settings).
Shape, then dtype, then values (float32 rtol 1e-5 / atol 1e-6, float64
1e-12); the message names the case. Names, argument order and defaults are
compared with PyTorch's signatures. Skipped without PyTorch (CI installs it);
skipped, not failed, while the stretch stubs are unwritten.
"""

from __future__ import annotations

import inspect
import itertools
import warnings

import numpy as np
import pytest

from tinytorch.core.tensor import Tensor

torch = pytest.importorskip("torch")
S = pytest.importorskip("tinytorch.core.losses_stretch")
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


def same(ours, theirs, dtype, case, tol=None):
    """Shape, then dtype, then values, with the tolerance of `dtype`."""
    theirs = theirs.detach().numpy()
    assert ours.shape == theirs.shape, (case, ours.shape, theirs.shape)
    assert ours.dtype == np.dtype(dtype), (case, ours.dtype)
    np.testing.assert_allclose(ours.data, theirs, err_msg=str(case),
                               **(tol or TOL[np.dtype(dtype)]))


# ---------------------------------------------------------------- signatures
FUNCTIONS = [(S.l1_loss, F.l1_loss), (S.huber_loss, F.huber_loss),
             (S.smooth_l1_loss, F.smooth_l1_loss), (S.nll_loss, F.nll_loss),
             (S.cross_entropy, F.cross_entropy),
             (S.binary_cross_entropy, F.binary_cross_entropy),
             (S.binary_cross_entropy_with_logits,
              F.binary_cross_entropy_with_logits),
             (S.kl_div, F.kl_div),
             (S.triplet_margin_loss, F.triplet_margin_loss)]
CLASSES = [(S.L1Loss, nn.L1Loss), (S.HuberLoss, nn.HuberLoss),
           (S.SmoothL1Loss, nn.SmoothL1Loss), (S.NLLLoss, nn.NLLLoss),
           (S.CrossEntropyLoss, nn.CrossEntropyLoss),
           (S.BinaryCrossEntropyLoss, nn.BCELoss),
           (S.BCEWithLogitsLoss, nn.BCEWithLogitsLoss),
           (S.KLDivLoss, nn.KLDivLoss),
           (S.TripletMarginLoss, nn.TripletMarginLoss)]
INPUT_NAMES = {"predictions", "targets", "logits", "log_probs", "anchor",
               "positive", "negative", "self"}
DEPRECATED = {"size_average", "reduce"}


def _params(fn):
    return [p for p in inspect.signature(fn).parameters.values()
            if p.name not in INPUT_NAMES]


@pytest.mark.parametrize("ours, theirs", FUNCTIONS + CLASSES,
                         ids=[o.__name__ for o, _ in FUNCTIONS + CLASSES])
def test_names_order_and_defaults_match_pytorch(ours, theirs):
    """Every setting exists in PyTorch with the same default; one that can
    be passed by position sits at PyTorch's position."""
    torch_params = inspect.signature(theirs).parameters
    torch_positional = [
        p.name for p in torch_params.values()
        if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self"]
    ours_positional = [
        p.name for p in inspect.signature(ours).parameters.values()
        if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self"]
    for param in _params(ours):
        assert param.name in torch_params, (ours.__name__, param.name)
        assert param.default == torch_params[param.name].default, \
            (ours.__name__, param.name)
        if param.kind == param.POSITIONAL_OR_KEYWORD:
            assert ours_positional.index(param.name) == \
                torch_positional.index(param.name), (ours.__name__,
                                                     param.name)
    # and we leave out only the deprecated settings and the newer
    # elementwise `weight` of l1_loss / huber_loss (noted in docstrings)
    left_out = {n for n in torch_params if n not in {p.name for p in
                                                     _params(ours)}}
    left_out -= DEPRECATED | INPUT_NAMES | {"input", "target"}
    assert left_out <= {"weight"}, (ours.__name__, left_out)


def test_focal_loss_has_torchvisions_signature():
    # torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=0.25,
    # gamma=2, reduction='none') (torchvision is not installed here)
    params = inspect.signature(S.sigmoid_focal_loss).parameters
    assert [(n, p.default) for n, p in params.items()][2:] == [
        ("alpha", 0.25), ("gamma", 2), ("reduction", "none")]


# ------------------------------------------------------------ cross-entropy
CE_SHAPES = [(6, 4), (3, 4, 5), (2, 4, 3, 2)]


def _index_targets(rng, shape, c, ignore_index):
    """Class indices for scores `shape`: some equal to ignore_index (when
    it is -100), at least one kept."""
    k = rng.integers(0, c, size=(shape[0],) + shape[2:])
    flat = k.reshape(-1)
    if ignore_index == -100:
        flat[rng.uniform(size=flat.size) < 0.3] = -100
    flat[0] = 1  # 1 is neither 0 nor C - 1: kept whatever ignore_index is
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
        case = (shape, dtype.__name__, weight is not None, ignore,
                smoothing, reduction)
        ours = S.cross_entropy(
            T(z), T(k), None if weight is None else T(weight),
            ignore_index=ignore, reduction=reduction,
            label_smoothing=smoothing)
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
        ours = S.cross_entropy(T(z), T(y),
                               None if weight is None else T(weight),
                               reduction=reduction,
                               label_smoothing=smoothing)
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
    mask[np.arange(8), np.where(k < 0, 1, k)] = False
    mask[3, 0] = True  # the ignored row's class 0 is masked too
    z[mask] = -np.inf
    w = rng.uniform(0.5, 2.0, size=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy warning on the way
        ours = S.cross_entropy(T(z), T(k), T(w), reduction=reduction)
    theirs = F.cross_entropy(t(z), t(k), weight=t(w), reduction=reduction)
    same(ours, theirs, np.float64, reduction)


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
        ours = S.nll_loss(T(lp), T(k), None if weight is None else T(weight),
                          ignore_index=ignore, reduction=reduction)
        theirs = F.nll_loss(t(lp), t(k),
                            weight=None if weight is None else t(weight),
                            ignore_index=ignore, reduction=reduction)
        same(ours, theirs, dtype, case)


def test_all_ignored_batch_pytorch_nan_ours_raises_or_zero():
    z = np.zeros((3, 4))
    k = np.full(3, -100)
    assert torch.isnan(F.cross_entropy(t(z), t(k)))
    assert torch.isnan(F.nll_loss(t(z), t(k)))
    for fn in (S.cross_entropy, S.nll_loss):
        with pytest.raises(ValueError, match="nothing to average"):
            fn(T(z), T(k))
    for reduction in ("sum", "none"):
        same(S.cross_entropy(T(z), T(k), reduction=reduction),
             F.cross_entropy(t(z), t(k), reduction=reduction), np.float64,
             reduction)
        same(S.nll_loss(T(z), T(k), reduction=reduction),
             F.nll_loss(t(z), t(k), reduction=reduction), np.float64,
             reduction)


def test_probability_targets_with_ignore_index_raise_as_in_pytorch():
    z, y = np.zeros((2, 3)), np.full((2, 3), 1 / 3)
    with pytest.raises(RuntimeError, match="ignore_index"):
        F.cross_entropy(t(z), t(y), ignore_index=0)
    with pytest.raises(ValueError, match="ignore_index=0 applies to "
                       "class-index targets"):
        S.cross_entropy(T(z), T(y), ignore_index=0)


# ------------------------------------------------------- regression losses
REGRESSION = [
    ("l1_loss", lambda a, b, r: S.l1_loss(a, b, reduction=r),
     lambda a, b, r: F.l1_loss(a, b, reduction=r)),
    ("L1Loss", lambda a, b, r: S.L1Loss(reduction=r)(a, b),
     lambda a, b, r: nn.L1Loss(reduction=r)(a, b)),
] + [
    (f"huber_loss delta={d}",
     lambda a, b, r, d=d: S.huber_loss(a, b, reduction=r, delta=d),
     lambda a, b, r, d=d: F.huber_loss(a, b, reduction=r, delta=d))
    for d in (0.5, 1.0, 2.0)
] + [
    ("HuberLoss", lambda a, b, r: S.HuberLoss(r, 2.0)(a, b),
     lambda a, b, r: nn.HuberLoss(r, 2.0)(a, b)),
] + [
    (f"smooth_l1_loss beta={beta}",
     lambda a, b, r, beta=beta: S.smooth_l1_loss(a, b, reduction=r,
                                                 beta=beta),
     lambda a, b, r, beta=beta: F.smooth_l1_loss(a, b, reduction=r,
                                                 beta=beta))
    for beta in (0.0, 0.5, 1.0, 2.0)
] + [
    ("SmoothL1Loss", lambda a, b, r: S.SmoothL1Loss(reduction=r,
                                                    beta=0.5)(a, b),
     lambda a, b, r: nn.SmoothL1Loss(reduction=r, beta=0.5)(a, b)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7,), (5, 3), (2, 3, 4)])
@pytest.mark.parametrize("name, ours, theirs", REGRESSION,
                         ids=[r[0] for r in REGRESSION])
def test_regression_losses_sweep(name, ours, theirs, shape, dtype):
    rng = np.random.default_rng(len(name) + sum(shape))
    a = (rng.normal(size=shape) * 2).astype(dtype)
    b = (rng.normal(size=shape) * 2).astype(dtype)
    for reduction in REDUCTIONS:
        same(ours(T(a), T(b), reduction), theirs(t(a), t(b), reduction),
             dtype, (name, reduction, shape))


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
        w = None if weight is None else weight.astype(dtype)
        ours = S.binary_cross_entropy(T(p), T(y),
                                      None if w is None else T(w),
                                      reduction=reduction)
        theirs = F.binary_cross_entropy(t(p), t(y), reduction=reduction,
                                        weight=None if w is None else t(w))
        same(ours, theirs, dtype, case)
        ours = S.BCELoss(None if w is None else T(w),
                         reduction=reduction)(T(p), T(y))
        same(ours, theirs, dtype, ("BCELoss",) + case)


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
        w = None if weight is None else weight.astype(dtype)
        pw = None if pos_weight is None else pos_weight.astype(dtype)
        theirs = F.binary_cross_entropy_with_logits(
            t(x), t(y), reduction=reduction,
            weight=None if w is None else t(w),
            pos_weight=None if pw is None else t(pw))
        same(S.binary_cross_entropy_with_logits(
            T(x), T(y), None if w is None else T(w), reduction=reduction,
            pos_weight=None if pw is None else T(pw)), theirs, dtype, case)
        same(S.BCEWithLogitsLoss(
            None if w is None else T(w), reduction=reduction,
            pos_weight=None if pw is None else T(pw))(T(x), T(y)),
            theirs, dtype, ("class",) + case)


# ------------------------------------------------------------------- KLDiv
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_sweep(log_target, dtype):
    rng = np.random.default_rng(40)
    z = rng.normal(size=(5, 4)) * 2
    log_q = (z - np.log(np.exp(z).sum(axis=1, keepdims=True))).astype(dtype)
    p = rng.uniform(size=(5, 4))
    if not log_target:
        p[1, 2] = 0.0  # a zero-probability term
    p = (p / p.sum(axis=1, keepdims=True)).astype(dtype)
    target = np.log(p) if log_target else p
    for reduction in REDUCTIONS + ("batchmean",):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch warns about 'mean'
            theirs = F.kl_div(t(log_q), t(target), reduction=reduction,
                              log_target=log_target)
        same(S.kl_div(T(log_q), T(target), reduction=reduction,
                      log_target=log_target), theirs, dtype,
             (log_target, reduction))
        same(S.KLDivLoss(reduction=reduction, log_target=log_target)(
            T(log_q), T(target)), theirs, dtype, ("class", reduction))


def test_kl_div_zero_probability_terms_are_zero_where_pytorch_gives_nan():
    """kl_div's NOTE: PyTorch gives NaN for a term with p = 0 where
    log q = -inf, and with log_target=True where p = 0; here it is 0."""
    with np.errstate(divide="ignore"):
        log_zero_one = np.log(np.array([[0.0, 1.0]]))
    p = np.array([[0.0, 1.0]])
    half = np.log(np.array([[0.5, 0.5]]))
    assert torch.isnan(F.kl_div(t(log_zero_one), t(p), reduction="sum"))
    assert torch.isnan(F.kl_div(t(half), t(log_zero_one), reduction="sum",
                                log_target=True))
    assert S.kl_div(T(log_zero_one), T(p), reduction="sum").item() == 0.0
    got = S.kl_div(T(half), T(log_zero_one), reduction="sum",
                   log_target=True).item()
    assert got == pytest.approx(np.log(2.0), rel=1e-12)


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
        theirs = F.triplet_margin_loss(t(a), t(p), t(n), margin=margin,
                                       p=norm, eps=eps, swap=swap,
                                       reduction=reduction)
        same(S.triplet_margin_loss(T(a), T(p), T(n), margin, norm, eps,
                                   swap, reduction=reduction), theirs,
             dtype, case)
        same(S.TripletMarginLoss(margin, norm, eps, swap,
                                 reduction=reduction)(T(a), T(p), T(n)),
             theirs, dtype, ("class",) + case)


def test_triplet_margin_single_unbatched_triplet():
    a, p, n = np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([0.5, 0.])
    for reduction in REDUCTIONS:
        same(S.triplet_margin_loss(T(a), T(p), T(n), reduction=reduction),
             F.triplet_margin_loss(t(a), t(p), t(n), reduction=reduction),
             np.float64, reduction)


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
        # float32: logits up to 1/0.07 = 14.3 (unnormalised about 200),
        # summed in another order than PyTorch's
        tol = None if dtype == np.float64 else dict(rtol=1e-5, atol=2e-5)
        case = (temperature, normalize, reduction)
        same(S.info_nce(T(q), T(k), temperature, normalize=normalize,
                        reduction=reduction), theirs, dtype, case, tol)
        same(S.InfoNCELoss(temperature, normalize, reduction=reduction)(
            T(q), T(k)), theirs, dtype, ("class",) + case, tol)


# ---------------------------------------------------------------- focal
def _torchvision_sigmoid_focal_loss(inputs, targets, alpha, gamma,
                                    reduction):
    """torchvision.ops.sigmoid_focal_loss, written in torch ops
    (torchvision is not installed)."""
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets,
                                            reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


@pytest.mark.parametrize("dtype", DTYPES)
def test_focal_matches_torchvision(dtype):
    rng = np.random.default_rng(70)
    x = (rng.normal(size=(6, 3)) * 4).astype(dtype)
    y = (rng.uniform(size=(6, 3)) < 0.3).astype(dtype)
    tol = None if dtype == np.float64 else dict(rtol=2e-5, atol=1e-6)
    for alpha, gamma, reduction in itertools.product(
            (-1, 0.25, 0.75), (0, 1.0, 2, 3.5), REDUCTIONS):
        case = (alpha, gamma, reduction)
        theirs = _torchvision_sigmoid_focal_loss(t(x), t(y), alpha, gamma,
                                                 reduction)
        same(S.sigmoid_focal_loss(T(x), T(y), alpha, gamma,
                                  reduction=reduction), theirs, dtype, case,
             tol)
        same(S.FocalLoss(alpha, gamma, reduction=reduction)(T(x), T(y)),
             theirs, dtype, ("class",) + case, tol)
    # torchvision's default reduction is 'none'; FocalLoss's is 'mean'
    same(S.sigmoid_focal_loss(T(x), T(y)),
         _torchvision_sigmoid_focal_loss(t(x), t(y), 0.25, 2, "none"),
         dtype, "defaults", tol)
    same(S.FocalLoss()(T(x), T(y)),
         _torchvision_sigmoid_focal_loss(t(x), t(y), 0.25, 2, "mean"),
         dtype, "class defaults", tol)


# -------------------------------------------------- gradients, autograd
def _autograd(fn, *arrays, wrt=0, upstream=None):
    """Gradient of sum(upstream * fn(*tensors)) w.r.t. input `wrt`."""
    tensors = [t(a).clone().requires_grad_(i == wrt)
               if isinstance(a, np.ndarray) else a
               for i, a in enumerate(arrays)]
    out = fn(*tensors)
    out.backward(torch.ones_like(out) if upstream is None else t(upstream))
    return tensors[wrt].grad.numpy()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_every_stretch_gradient_matches_autograd(reduction):
    from tinytorch.core import gradients
    from tinytorch.core.losses import mse_loss

    rng = np.random.default_rng(90)
    shape = (4, 3)
    up = None if reduction != "none" else rng.uniform(0.5, 1.5, size=shape)
    g = np.float64(1.0) if up is None else up
    a, b = rng.normal(size=(2,) + shape)
    p = rng.uniform(0.02, 0.98, size=shape)
    y = rng.uniform(size=shape)
    w = rng.uniform(0.2, 2.0, size=(3,))
    pw = np.array([0.5, 2.0, 9.0])
    cases = [
        (mse_loss, (a, b), {},
         lambda u, v: F.mse_loss(u, v, reduction=reduction), 0),
        (mse_loss, (a, b), {},
         lambda u, v: F.mse_loss(u, v, reduction=reduction), 1),
        (S.binary_cross_entropy, (p, y), {"weight": T(w)},
         lambda u, v: F.binary_cross_entropy(u, v, t(w), reduction=reduction),
         0),
        (S.binary_cross_entropy_with_logits, (a * 4, y),
         {"weight": T(w), "pos_weight": T(pw)},
         lambda u, v: F.binary_cross_entropy_with_logits(
             u, v, t(w), reduction=reduction, pos_weight=t(pw)), 0),
    ]
    for forward, arrays, settings, torch_fn, wrt in cases:
        grads = gradients.backward_of(forward)(
            g, *[T(x) for x in arrays], reduction=reduction, **settings)
        want = _autograd(torch_fn, *arrays, wrt=wrt, upstream=up)
        np.testing.assert_allclose(grads[wrt], want, rtol=1e-10,
                                   atol=1e-12,
                                   err_msg=f"{forward.__name__} {wrt}")


@pytest.mark.parametrize("shape", CE_SHAPES)
def test_full_cross_entropy_gradient_matches_autograd(shape):
    from tinytorch.core import gradients

    rng = np.random.default_rng(91 + sum(shape))
    c = shape[1]
    z = rng.normal(size=shape) * 2
    w = rng.uniform(0.2, 3.0, size=c)
    probs = rng.uniform(size=shape)
    probs /= probs.sum(axis=1, keepdims=True)
    backward = gradients.backward_of(S.cross_entropy)
    for weight, smoothing, reduction, soft in itertools.product(
            (None, w), (0.0, 0.3), REDUCTIONS, (False, True)):
        target = probs if soft else _index_targets(rng, shape, c, -100)
        up = rng.uniform(0.5, 1.5, size=(shape[0],) + shape[2:]) \
            if reduction == "none" else None
        g = np.float64(1.0) if up is None else up
        settings = dict(reduction=reduction, label_smoothing=smoothing)
        ours, none = backward(g, T(z), T(target),
                              None if weight is None else T(weight),
                              **settings)
        assert none is None
        want = _autograd(lambda u, v: F.cross_entropy(
            u, v, None if weight is None else t(weight), **settings),
            z, target, upstream=up)
        np.testing.assert_allclose(ours, want, rtol=1e-10, atol=1e-12,
                                   err_msg=str((weight is None, smoothing,
                                                reduction, soft)))
