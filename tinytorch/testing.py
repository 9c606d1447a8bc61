"""Checks for the tests in the course notebooks (given code), like `torch.testing`.

`check(fn, *args, want=..., **kwargs)` calls your function, checks that it
returned a `Tensor` of the right shape and dtype, and compares its values with
`want`. When they differ it does not stop at "expected 0.417, got 1.251": it
recomputes what the usual mistakes would have returned for the same inputs
(sum instead of mean, a missing minus sign, `np.log2`, softmax applied twice,
the wrong target picked, ...) and, when one of them matches your result,
names it in the message. A result that is inf or NaN for finite inputs gets
the hint about the max-shift; a NumPy broadcasting error gets the hint about
`keepdims=True`.

The comparison itself is done with plain Python floats (`float(...)`), so
only real numbers can pass.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch.core.tensor import Tensor

__all__ = ["check", "check_gradients", "mistakes_for"]

EPS = 1e-7  # the clamp of binary cross-entropy

MAX_SHIFT_HINT = (
    "the result is not finite although every input is: subtract the "
    "maximum along the class dimension before np.exp (the log-sum-exp "
    "trick; use keepdims=True so it broadcasts)")
NON_FINITE_HINTS = {
    "sigmoid": "the result is not finite although every input is: "
               "exponentiate only -|z| (t = np.exp(-np.abs(z))), never z "
               "or -z",
    "tanh": "the result is not finite although every input is: use "
            "np.tanh; the exp fraction gives inf / inf = nan for large "
            "inputs",
    "softmax": "the result is not finite although every input is: "
               "subtract the maximum along `axis` before np.exp (use "
               "keepdims=True so it broadcasts)",
}
KEEPDIMS_HINT = (
    "NumPy could not broadcast two arrays: when you reduce along an axis "
    "and then combine the result with the full array, keep the reduced "
    "axis with keepdims=True")


# ------------------------------------------------ float64 references
def _lse(z, axis):
    m = np.max(z, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def _log_softmax(z, axis=-1):
    return z - _lse(z, axis)


def _reduce(values, reduction):
    if reduction == "mean":
        return np.mean(values)
    if reduction == "sum":
        return np.sum(values)
    return values


def _rows(z):
    return np.arange(z.shape[0])


# ------------------------------------------------- mistakes, by function
# Each mistake is (hint, variant). A variant gets the call's inputs as float64
# arrays `a`, the call's setting `r` (the reduction, or log_softmax's dim)
# and the inputs in their own dtype `raw`, and returns what that mistake
# computes; None where the mistake cannot be told apart here.
SUM_HINT = ("that is the sum of the losses, not their mean: with "
            "reduction='mean' divide by the number of values (losses.mean())")
MEAN_HINT = "that is the mean, but reduction='sum' asks for the sum"


def _mean_to_sum(values, reduction):
    return np.sum(values) if reduction == "mean" else None


def _sum_to_mean(values, reduction):
    return np.mean(values) if reduction == "sum" else None


def _common(per_item):
    """Mistakes every loss can make, given its per-item reference."""
    return [
        (SUM_HINT, lambda a, r, raw: _mean_to_sum(per_item(*a), r)),
        (MEAN_HINT, lambda a, r, raw: _sum_to_mean(per_item(*a), r)),
        ("the sign is flipped: a loss is minus the log-probability (a "
         "missing minus sign?)",
         lambda a, r, raw: -_reduce(per_item(*a), r)),
    ]


def _log_base(per_item, base, name):
    return (f"that is the loss in log base {base}: use np.log (the natural "
            f"log), not {name}",
            lambda a, r, raw: _reduce(per_item(*a) / math.log(base), r))


def _ce_items(z, t):
    return -_log_softmax(z, 1)[_rows(z), t.astype(int)]


def _ce_lse_base(z, t, base):
    """log-sum-exp in another base, minus the natural shifted logit."""
    shifted = z - np.max(z, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(shifted), axis=1)) / math.log(base)
    return lse - shifted[_rows(z), t.astype(int)]


def _ce_softmax_twice(z, t):
    return _ce_items(np.exp(_log_softmax(z, 1)), t)


def _ce_shift_not_picked(z, t):
    # log-sum-exp of the shifted logits minus the *unshifted* target logit
    return _ce_items(z, t) - np.max(z, axis=1)


def _ce_pick(z, t, offset):
    return _ce_items(z, (t.astype(int) + offset) % z.shape[1])


def _ce_transposed(z, t):
    ti = t.astype(int)
    if ti.max() >= z.shape[0]:
        return None
    return _lse(z, 1)[:, 0] - z[ti, _rows(z)]


def _ce_axis0(z, t):
    """The max and the sum over axis 0 (the batch) instead of the classes."""
    shifted = z - np.max(z, axis=0, keepdims=True)
    lse = np.log(np.sum(np.exp(shifted), axis=0))
    return lse - shifted[_rows(z), t.astype(int)]


def _bce_items(p, t, eps=EPS):
    return -(t * np.log(np.maximum(p, eps))
             + (1 - t) * np.log(np.maximum(1 - p, eps)))


def _bce_clip(p, t, dtype):
    eps = dtype.type(EPS)
    q = np.clip(p.astype(dtype), eps, dtype.type(1) - eps).astype(np.float64)
    return -(t * np.log(q) + (1 - t) * np.log(1 - q))


def _mse_items(p, t):
    return (p - t) ** 2


def _log_softmax_base(x, dim, base):
    shifted = x - np.max(x, axis=dim, keepdims=True)
    lse = np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
    return shifted - lse / math.log(base)


def _no_keepdims(x, dim):
    if x.ndim != 2 or x.shape[0] != x.shape[1] or dim % 2 != 1:
        return None
    shifted = x - np.max(x, axis=1)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1))


def _softmax(x, dim):
    return np.exp(_log_softmax(x, dim))


def _softmax_no_keepdims(x, dim):
    if x.ndim != 2 or x.shape[0] != x.shape[1] or dim % 2 != 1:
        return None
    e = np.exp(x - np.max(x, axis=1))
    return e / np.sum(e, axis=1)


def _gelu(x, cube=0.044715, half=0.5):
    c = math.sqrt(2.0 / math.pi)
    return half * x * (1.0 + np.tanh(c * (x + cube * x ** 3)))


def _gelu_erf(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


WRONG_AXIS_HINT = ("the maximum and the sum run over the wrong axis: for "
                   "(N, C) logits the classes are axis=1, the class "
                   "dimension")

_MISTAKES = {
    "log_softmax": [
        ("that is softmax (probabilities), not its log: return "
         "shifted - log(sum(exp(shifted)))",
         lambda a, d, raw: np.exp(_log_softmax(a[0], d))),
        ("you normalised along the wrong dimension: reduce along `axis`, "
         "the dimension that holds the classes",
         lambda a, d, raw: _log_softmax(a[0], 0 if d % a[0].ndim else -1)
         if a[0].ndim > 1 else None),
        ("the maximum (or the log-sum-exp) lost its axis: use "
         "keepdims=True so each row is combined with its own value",
         lambda a, d, raw: _no_keepdims(a[0], d)),
        ("that uses np.log2: use np.log, the natural log",
         lambda a, d, raw: _log_softmax_base(a[0], d, 2)),
        ("that uses np.log10: use np.log, the natural log",
         lambda a, d, raw: _log_softmax_base(a[0], d, 10)),
    ],
    "relu": [
        ("that is min(0, x): use np.maximum(z, 0), not np.minimum",
         lambda a, r, raw: np.minimum(a[0], 0)),
        ("that is |x|: relu zeroes negative entries, np.maximum(z, 0)",
         lambda a, r, raw: np.abs(a[0])),
    ],
    "sigmoid": [
        ("that is sigmoid(-x): the sign is flipped, or the two branches "
         "of np.where are swapped (1 / (1 + t) belongs to z >= 0)",
         lambda a, r, raw: 1.0 / (1.0 + np.exp(a[0]))),
        ("that is t / (1 + t) everywhere: use it only where z < 0, and "
         "1 / (1 + t) where z >= 0",
         lambda a, r, raw: np.exp(-np.abs(a[0]))
         / (1.0 + np.exp(-np.abs(a[0])))),
    ],
    "softmax": [
        ("that is log-softmax, not softmax: exponentiate the shifted "
         "scores and divide by their sum",
         lambda a, d, raw: _log_softmax(a[0], d)),
        ("you normalised along the wrong dimension: reduce along `axis`",
         lambda a, d, raw: _softmax(a[0], 0 if d % a[0].ndim else -1)
         if a[0].ndim > 1 else None),
        ("the maximum (or the sum) lost its axis: use keepdims=True so "
         "each row is combined with its own value",
         lambda a, d, raw: _softmax_no_keepdims(a[0], d)),
    ],
    "gelu": [
        ("that is the exact erf GELU: this course uses the tanh "
         "approximation, 0.5 z (1 + tanh(c (z + 0.044715 z**3)))",
         lambda a, r, raw: _gelu_erf(a[0])),
        ("that is twice the GELU: the formula starts with 0.5 * z",
         lambda a, r, raw: _gelu(a[0], half=1.0)),
        ("the cubic term is missing: inner = c * (z + 0.044715 * z**3)",
         lambda a, r, raw: _gelu(a[0], cube=0.0)),
    ],
    "linear": [
        ("the bias is missing: add b when it is not None",
         lambda a, r, raw: a[0] @ a[1] if a[2] is not None else None),
    ],
    "reduce_losses": [
        (SUM_HINT, lambda a, r, raw: _mean_to_sum(a[0], r)),
        (MEAN_HINT, lambda a, r, raw: _sum_to_mean(a[0], r)),
    ],
    "mse_loss": _common(_mse_items) + [
        ("that is the mean error without squaring: square each difference "
         "(diff * diff) before averaging",
         lambda a, r, raw: _reduce(a[0] - a[1], r)),
        ("that is the mean absolute error: square each difference, do not "
         "take abs()", lambda a, r, raw: _reduce(np.abs(a[0] - a[1]), r)),
        ("that squares the mean difference: square each difference first, "
         "then average", lambda a, r, raw: np.mean(a[0] - a[1]) ** 2
         if r == "mean" else None),
        ("that is the root of the mean squared error (RMSE): do not take "
         "np.sqrt", lambda a, r, raw: np.sqrt(np.mean(_mse_items(*a)))
         if r == "mean" else None),
        ("that divides by the number of rows only: 'mean' averages over "
         "every element (N * D of them)",
         lambda a, r, raw: np.sum(_mse_items(*a)) / a[0].shape[0]
         if r == "mean" and a[0].ndim > 1 else None),
    ],
    "cross_entropy": _common(_ce_items) + [
        _log_base(_ce_items, 2, "np.log2"),
        _log_base(_ce_items, 10, "np.log10"),
        ("the log-sum-exp uses np.log2: use np.log, the natural log",
         lambda a, r, raw: _reduce(_ce_lse_base(*a, 2), r)),
        ("the log-sum-exp uses np.log10: use np.log, the natural log",
         lambda a, r, raw: _reduce(_ce_lse_base(*a, 10), r)),
        ("that is the loss of softmax(logits) treated as logits: softmax "
         "was applied twice; cross_entropy takes raw logits",
         lambda a, r, raw: _reduce(_ce_softmax_twice(*a), r)),
        ("you picked the target from the unshifted logits but took the "
         "log-sum-exp of the shifted ones: pick from the same shifted "
         "array (or add the maximum back)",
         lambda a, r, raw: _reduce(_ce_shift_not_picked(*a), r)),
        ("the wrong entry was picked (off by one): pick "
         "shifted[np.arange(N), targets]",
         lambda a, r, raw: _reduce(_ce_pick(*a, 1), r)),
        ("the wrong entry was picked (off by one): pick "
         "shifted[np.arange(N), targets]",
         lambda a, r, raw: _reduce(_ce_pick(*a, -1), r)),
        ("rows and columns are swapped in the pick: use "
         "a[np.arange(N), targets], row first",
         lambda a, r, raw: None if _ce_transposed(*a) is None
         else _reduce(_ce_transposed(*a), r)),
        (WRONG_AXIS_HINT, lambda a, r, raw: _reduce(_ce_axis0(*a), r)),
    ],
    "binary_cross_entropy": _common(_bce_items) + [
        _log_base(_bce_items, 2, "np.log2"),
        _log_base(_bce_items, 10, "np.log10"),
        ("that clips p into [eps, 1 - eps] with np.clip; in float32 "
         "1 - 1e-7 rounds, so clamp each log term from below instead: "
         "np.maximum(p, eps) and np.maximum(1 - p, eps)",
         lambda a, r, raw: _reduce(_bce_clip(*a, raw[0].dtype), r)),
    ],
}


# ------------------------------------- mistakes of the stretch notebook
# Its functions take more settings than the reduction, so their variants
# read them from `r.kwargs` (the `_Setting` that `check` passes: a str, the
# reduction, that also carries the call's keyword arguments) or from the
# positional inputs, through `_arg`.
class _Setting(str):
    """The reduction, as the core's variants expect it (a str), with the
    call's keyword arguments attached for the stretch variants."""

    def __new__(cls, reduction, kwargs):
        self = super().__new__(cls, reduction)
        self.kwargs = dict(kwargs)
        return self


def _arg(a, r, index, name, default=None):
    """Input `index` of the call if it was given by position, else the
    keyword `name` (or `default`); Tensors as float64 arrays."""
    value = a[index] if len(a) > index else \
        getattr(r, "kwargs", {}).get(name, default)
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        value = value.astype(np.float64)
    return value


def _sum_mean(items):
    """The two reduction mix-ups, for a variant `items(a, r)`."""
    return [
        (SUM_HINT, lambda a, r, raw: _mean_to_sum(items(a, r), r)),
        (MEAN_HINT, lambda a, r, raw: _sum_to_mean(items(a, r), r)),
    ]


def _huber_items(d, delta):
    size = np.abs(d)
    return np.where(size < delta, 0.5 * size * size,
                    delta * (size - 0.5 * delta))


def _delta(r, name):
    return float(getattr(r, "kwargs", {}).get(name, 1.0))


def _class_rows(a, r):
    """(rows (M, C), targets (M,), kept (M,), weight (C,)) of a class
    loss call, or None for probability targets."""
    z, t = np.asarray(a[0], dtype=np.float64), np.asarray(a[1])
    if t.shape == z.shape:
        return None
    c = z.shape[1]
    rows = np.moveaxis(z, 1, -1).reshape(-1, c)
    t = t.reshape(-1).astype(int)
    kept = t != getattr(r, "kwargs", {}).get("ignore_index", -100)
    w = _arg(a, r, 2, "weight")
    w = np.ones(c) if w is None else w
    return rows, t, kept, w


def _nll_terms(rows, t, kept, w):
    safe = np.where(kept, t, 0)
    return np.where(kept, -rows[np.arange(len(t)), safe], 0.0), \
        np.where(kept, w[safe], 0.0)


def _nll_variant(a, r, how):
    parts = _class_rows(a, r)
    if parts is None:
        return None
    nll, w_row = _nll_terms(*parts)
    weighted = not np.allclose(w_row[parts[2]], 1)
    if how == "unweighted" and weighted:
        if r == "mean":
            return np.sum(nll) / np.sum(parts[2])
        return np.sum(nll) if r == "sum" else nll.reshape(np.shape(a[1]))
    if r != "mean":
        return None
    if how == "by N":
        return np.sum(w_row * nll) / len(nll)
    if how == "by count" and weighted:
        return np.sum(w_row * nll) / np.sum(parts[2])
    return None


def _nll_negated(a, r):
    parts = _class_rows(a, r)
    if parts is None:
        return None
    nll, w_row = _nll_terms(*parts)
    items = -w_row * nll
    if r == "mean":
        return np.sum(items) / np.sum(w_row)
    return np.sum(items) if r == "sum" else items.reshape(np.shape(a[1]))


def _ce_rows(a, r, smoothing_to_wrong=False):
    """Per-row cross-entropy with weight, ignore_index and label
    smoothing; with smoothing_to_wrong, e spread over the C - 1 wrong
    classes (the other convention)."""
    parts = _class_rows(a, r)
    if parts is None:
        return None
    rows, t, kept, w = parts
    lp = _log_softmax(rows, 1)
    nll, w_row = _nll_terms(lp, t, kept, w)
    e = float(getattr(r, "kwargs", {}).get("label_smoothing", 0.0))
    c = rows.shape[1]
    if e == 0 or c < 2:
        return None if smoothing_to_wrong else (w_row * nll, w_row)
    safe = np.where(kept, t, 0)
    if smoothing_to_wrong:
        target = np.full(rows.shape, e / (c - 1))
        target[np.arange(len(t)), safe] = 1 - e
        items = -np.sum(target * lp * w, axis=1)
    else:
        items = (1 - e) * w_row * nll - e / c * (lp @ w)
    return np.where(kept, items, 0.0), w_row


def _ce_full_variant(a, r, how):
    out = _ce_rows(a, r, smoothing_to_wrong=how == "to wrong")
    if out is None:
        return None
    items, w_row = out
    if how == "by N":
        if r != "mean" or np.allclose(np.sum(w_row), len(items)):
            return None
        return np.sum(items) / len(items)
    if r == "mean":
        return np.sum(items) / np.sum(w_row)
    return np.sum(items) if r == "sum" else items.reshape(np.shape(a[1]))


def _softplus(x):
    return np.logaddexp(0.0, x)


def _bcel_items(a, r, pos_weight_everywhere=False):
    x, y = a[0], a[1]
    w = _arg(a, r, 2, "weight")
    pw = _arg(a, r, 99, "pos_weight")
    w = 1.0 if w is None else w
    pw = 1.0 if pw is None else pw
    if pos_weight_everywhere:
        return w * pw * (y * _softplus(-x) + (1 - y) * _softplus(x))
    return w * (pw * y * _softplus(-x) + (1 - y) * _softplus(x))


def _bcel_clamped(a, r, raw):
    """A sigmoid in the input's dtype, then the clamped BCE."""
    x = raw[0]
    with np.errstate(over="ignore"):
        p = (1 / (1 + np.exp(-x))).astype(np.float64)
    return _reduce(_bce_items(p, a[1]), r)


def _kl_terms(a, r):
    lq, t = a[0], a[1]
    if getattr(r, "kwargs", {}).get("log_target", False):
        p, log_p = np.exp(t), t
    else:
        p, log_p = t, np.log(np.where(t > 0, t, 1.0))
    return np.where(p > 0, p * (log_p - lq), 0.0)


def _kl_reduce(terms, a, r):
    if r == "batchmean":
        return np.sum(terms) / np.shape(a[0])[0]
    return _reduce(terms, r)


def _focal_items(a, r, how=""):
    x, y = a[0], a[1]
    alpha = _arg(a, r, 2, "alpha", 0.25)
    gamma = _arg(a, r, 3, "gamma", 2.0)
    p = 1 / (1 + np.exp(-x))
    p_t = p * y + (1 - p) * (1 - y)
    bce = y * _softplus(-x) + (1 - y) * _softplus(x)
    factor = {"p": (1 - p) ** gamma, "p_t": p_t ** gamma}.get(
        how, (1 - p_t) ** gamma)
    out = factor * bce
    if alpha >= 0:
        a_t = (1 - alpha) * y + alpha * (1 - y) if how == "alpha" \
            else alpha * y + (1 - alpha) * (1 - y)
        out = a_t * out
    return out


def _triplet_items(a, r, squared=False, hinge=True):
    anchor, pos, neg = a[0], a[1], a[2]
    margin = _arg(a, r, 3, "margin", 1.0)
    p = _arg(a, r, 4, "p", 2.0)
    eps = _arg(a, r, 5, "eps", 1e-6)
    swap = _arg(a, r, 6, "swap", False)

    def dist(u, v):
        d = np.linalg.norm(u - v + eps, ord=p, axis=-1)
        return d * d if squared else d

    d_neg = dist(anchor, neg)
    if swap:
        d_neg = np.minimum(d_neg, dist(pos, neg))
    out = dist(anchor, pos) - d_neg + margin
    return np.maximum(out, 0.0) if hinge else out


def _info_nce_items(a, r, normalize=None, times_t=False):
    q, k = a[0], a[1]
    temperature = _arg(a, r, 2, "temperature", 0.07)
    if normalize is None:
        normalize = getattr(r, "kwargs", {}).get("normalize", True)
    if normalize:
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        k = k / np.maximum(np.linalg.norm(k, axis=1, keepdims=True), 1e-12)
    z = q @ k.T * temperature if times_t else q @ k.T / temperature
    return _ce_items(z, np.arange(len(q)))


def _counts(a):
    return np.asarray(a[0], dtype=np.float64)


STRETCH_MISTAKES = {
    "l1_loss": _sum_mean(lambda a, r: np.abs(a[0] - a[1])) + [
        ("that is the squared error (MSE): take np.abs of each "
         "difference, do not square it",
         lambda a, r, raw: _reduce((a[0] - a[1]) ** 2, r)),
        ("that is the mean signed error: take np.abs of each difference "
         "before reducing",
         lambda a, r, raw: _reduce(a[0] - a[1], r)),
    ],
    "huber_loss": _sum_mean(lambda a, r: _huber_items(
        a[0] - a[1], _delta(r, "delta"))) + [
        ("the two pieces are swapped: 0.5 * d**2 is for |d| < delta, "
         "the linear piece for larger errors",
         lambda a, r, raw: _reduce(np.where(
             np.abs(a[0] - a[1]) < _delta(r, "delta"),
             _delta(r, "delta") * (np.abs(a[0] - a[1])
                                   - 0.5 * _delta(r, "delta")),
             0.5 * (a[0] - a[1]) ** 2), r)),
        ("the quadratic piece is 0.5 * d**2: with the 0.5 both pieces "
         "meet at |d| = delta",
         lambda a, r, raw: _reduce(np.where(
             np.abs(a[0] - a[1]) < _delta(r, "delta"), (a[0] - a[1]) ** 2,
             _huber_items(a[0] - a[1], _delta(r, "delta"))), r)),
        ("the linear piece is delta * (|d| - 0.5 * delta): without the "
         "- 0.5 * delta it jumps at |d| = delta",
         lambda a, r, raw: _reduce(np.where(
             np.abs(a[0] - a[1]) < _delta(r, "delta"),
             0.5 * (a[0] - a[1]) ** 2,
             _delta(r, "delta") * np.abs(a[0] - a[1])), r)),
        ("that is smooth_l1_loss, Huber's loss divided by delta: "
         "huber_loss does not divide",
         lambda a, r, raw: _reduce(_huber_items(
             a[0] - a[1], _delta(r, "delta")) / _delta(r, "delta"), r)),
    ],
    "smooth_l1_loss": _sum_mean(lambda a, r: _huber_items(
        a[0] - a[1], _delta(r, "beta")) / _delta(r, "beta")
        if _delta(r, "beta") else np.abs(a[0] - a[1])) + [
        ("that is huber_loss with delta = beta: smooth_l1_loss divides "
         "it by beta",
         lambda a, r, raw: _reduce(_huber_items(
             a[0] - a[1], _delta(r, "beta")), r)
         if _delta(r, "beta") else None),
    ],
    "nll_loss": [
        ("'mean' with class weights or ignored targets divides by the "
         "total weight of the kept rows (w_row.sum()), not by the number "
         "of rows", lambda a, r, raw: _nll_variant(a, r, "by N")),
        ("with class weights 'mean' divides by the total weight of the "
         "kept rows, not by their number",
         lambda a, r, raw: _nll_variant(a, r, "by count")),
        ("the class weights are missing: multiply each row's loss by the "
         "weight of its target class",
         lambda a, r, raw: _nll_variant(a, r, "unweighted")),
        ("the sign is flipped: the loss is minus the target's "
         "log-probability", lambda a, r, raw: _nll_negated(a, r)),
    ],
    "cross_entropy": [
        ("'mean' with class weights or ignored targets divides by the "
         "total weight of the kept rows, not by the number of rows",
         lambda a, r, raw: _ce_full_variant(a, r, "by N")),
        ("label smoothing spreads e over all C classes (PyTorch's rule: "
         "y' = (1 - e) * onehot + e / C), not over the C - 1 wrong ones",
         lambda a, r, raw: _ce_full_variant(a, r, "to wrong")),
    ],
    "binary_cross_entropy": [
        ("the weight is missing: multiply each element's loss by its "
         "weight", lambda a, r, raw: None if _arg(a, r, 2, "weight") is None
         else _reduce(_bce_items(a[0], a[1]), r)),
        ("'mean' divides by the number of elements even with a weight "
         "(these weights rescale elements; they are not class weights)",
         lambda a, r, raw: None
         if _arg(a, r, 2, "weight") is None or r != "mean"
         else np.sum(_arg(a, r, 2, "weight") * _bce_items(a[0], a[1]))
         / np.sum(np.broadcast_to(_arg(a, r, 2, "weight"),
                                  np.shape(a[0])))),
    ],
    "binary_cross_entropy_with_logits": _sum_mean(_bcel_items) + [
        ("pos_weight multiplies only the positive term, "
         "pos_weight * y * softplus(-x), not the whole loss",
         lambda a, r, raw: _reduce(_bcel_items(a, r, True), r)),
        ("that is a sigmoid followed by the clamped log, which rounds for "
         "large logits: compute from the logits with softplus, "
         "max(x, 0) + log1p(exp(-|x|))", _bcel_clamped),
    ],
    "kl_div": [
        ("that is 'mean' (the sum divided by every element): 'batchmean' "
         "divides the sum by the batch size, log_probs.shape[0]",
         lambda a, r, raw: np.mean(_kl_terms(a, r))
         if r == "batchmean" else None),
        ("that is 'batchmean' (the sum divided by the batch size): "
         "'mean' divides by every element",
         lambda a, r, raw: _kl_reduce(_kl_terms(a, r), a,
                                      _Setting("batchmean", {}))
         if r == "mean" else None),
        ("the divergence is reversed: kl_div(log q, p) sums "
         "p * (log p - log q), not q * (log q - log p)",
         lambda a, r, raw: None
         if getattr(r, "kwargs", {}).get("log_target", False)
         else _kl_reduce(np.exp(a[0]) * (a[0] - np.log(np.where(
             a[1] > 0, a[1], 1e-300))), a, r)),
    ],
    "sigmoid_focal_loss": _sum_mean(_focal_items) + [
        ("alpha_t is swapped: alpha weighs the positives (y = 1), "
         "1 - alpha the negatives",
         lambda a, r, raw: _reduce(_focal_items(a, r, "alpha"), r)),
        ("the focusing factor uses p instead of p_t: p_t is p where "
         "y = 1 and 1 - p where y = 0",
         lambda a, r, raw: _reduce(_focal_items(a, r, "p"), r)),
        ("the focusing factor is (1 - p_t) ** gamma, small for easy "
         "elements, not p_t ** gamma",
         lambda a, r, raw: _reduce(_focal_items(a, r, "p_t"), r)),
    ],
    "triplet_margin_loss": _sum_mean(_triplet_items) + [
        ("the distances are squared: PyTorch uses the plain p-norm "
         "(FaceNet squares it)",
         lambda a, r, raw: _reduce(_triplet_items(a, r, squared=True), r)),
        ("the hinge is missing: the loss is max(d_pos - d_neg + margin, "
         "0)", lambda a, r, raw: _reduce(_triplet_items(a, r, hinge=False),
                                         r)),
    ],
    "info_nce": _sum_mean(_info_nce_items) + [
        ("the embeddings were not normalised: with normalize=True divide "
         "each row by its norm first",
         lambda a, r, raw: _reduce(_info_nce_items(a, r, False), r)),
        ("the scores were multiplied by the temperature: divide "
         "q @ k.T by it", lambda a, r, raw: _reduce(
             _info_nce_items(a, r, times_t=True), r)),
    ],
    "class_weights": [
        ("that is n_c / (n / C), the inverse of the weight: the rare class "
         "needs the larger weight",
         lambda a, r, raw: _counts(a) * len(_counts(a)) / _counts(a).sum()),
        ("'effective' weights are scaled so that they add up to C: "
         "raw * C / raw.sum()",
         lambda a, r, raw: None
         if _arg(a, r, 1, "method", "inverse") != "effective" else
         (1 - _arg(a, r, 2, "beta", 0.999))
         / (1 - _arg(a, r, 2, "beta", 0.999) ** _counts(a))),
    ],
}
STRETCH_MISTAKES["cross_entropy"] = _MISTAKES["cross_entropy"] + \
    STRETCH_MISTAKES["cross_entropy"]
STRETCH_MISTAKES["cross_entropy_blocked"] = _MISTAKES["cross_entropy"]
STRETCH_MISTAKES["binary_cross_entropy"] = _MISTAKES[
    "binary_cross_entropy"] + STRETCH_MISTAKES["binary_cross_entropy"]
_MISTAKES.update(STRETCH_MISTAKES)
_DEFAULT_REDUCTION = {"sigmoid_focal_loss": "none"}


def mistakes_for(name: str) -> list[str]:
    """The hints `check` can give for function `name` (for the tests)."""
    return [hint for hint, _ in _MISTAKES.get(name, [])]


# ---------------------------------------------------------------- check
def _raw(value):
    """The data of a Tensor argument (its own dtype); others as given."""
    return value.data if isinstance(value, Tensor) else value


def _f64(arrays):
    return [np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray)
            else a for a in arrays]


def _short(value) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    text = np.array2string(arr, precision=4, threshold=8, separator=", ")
    return " ".join(text.split())


def _fail(name: str, message: str, cause=None):
    __tracebackhide__ = True  # pytest and IPython show the caller instead
    raise AssertionError(f"{name}: {message}") from cause


# a loss class's mistakes are its function's
_CLASSES = {"MSELoss": "mse_loss", "CrossEntropyLoss": "cross_entropy",
            "BinaryCrossEntropyLoss": "binary_cross_entropy",
            "BCELoss": "binary_cross_entropy"}


def _name(fn) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def _kind(value) -> str:
    """What a returned value is, in words."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array (dtype {value.dtype})"
    if isinstance(value, np.generic):
        return f"a NumPy number (np.{type(value).__name__})"
    return f"a Python {type(value).__name__}"


def _call(fn, args, kwargs):
    __tracebackhide__ = True
    name = _name(fn)
    with np.errstate(all="ignore"):
        try:
            return fn(*args, **kwargs)
        except ValueError as err:
            if str(err).startswith("operands could not be broadcast"):
                _fail(name, f"{KEEPDIMS_HINT} (NumPy said: {err})", err)
            raise
        except IndexError as err:
            _fail(name, "an index is out of range inside your code "
                  f"({err}). Hint: pick one entry per row with "
                  "a[np.arange(N), targets]: row numbers first, then the "
                  "target classes", err)


def _setting(fn_name, args, kwargs):
    """The call's setting that the mistakes depend on: (log_)softmax's dim,
    or the reduction (reduce_losses takes it second, by position), with
    the call's keyword arguments attached for the stretch variants."""
    if fn_name in ("log_softmax", "softmax"):
        return args[1] if len(args) > 1 else kwargs.get("dim", -1)
    if fn_name == "reduce_losses" and len(args) > 1:
        return args[1]
    return _Setting(kwargs.get("reduction",
                               _DEFAULT_REDUCTION.get(fn_name, "mean")),
                    kwargs)


def check(fn, *args, want, shape=None, dtype=None, atol=1e-6, rtol=1e-6,
          **kwargs):
    """Call `fn(*args, **kwargs)` and check the result against `want`.

    Args:
        fn: the function under test (its `__name__` picks the mistakes).
        *args, **kwargs: what to call it with.
        want: the expected value(s): a number or an array-like.
        shape: the expected shape (default: the shape of `want`).
        dtype: the expected dtype (default: float64 if a Tensor argument
            is float64, else float32).
        atol, rtol: the tolerance, |got - want| <= atol + rtol * |want|.

    Returns:
        The Tensor `fn` returned.

    Raises:
        AssertionError: one line naming what is wrong and, when it can be
        told, the likely mistake.
    """
    __tracebackhide__ = True
    name = _name(fn)
    before = [np.array(a.data, copy=True) if isinstance(a, Tensor) else
              np.array(a, copy=True) if isinstance(a, np.ndarray) else None
              for a in args]
    got = _call(fn, args, kwargs)
    for i, (a, old) in enumerate(zip(args, before)):
        now = a.data if isinstance(a, Tensor) else a
        if old is not None and not np.array_equal(now, old, equal_nan=True):
            _fail(name, f"argument {i + 1} was changed by the call. Hint: "
                  f"the arrays the checks return share memory with the "
                  f"input Tensors; write `z = z - m`, not `z -= m` (or "
                  f"np.exp(z, out=z)) on them")
    want = np.asarray(want, dtype=np.float64)
    shape = want.shape if shape is None else tuple(shape)
    if dtype is None:
        wide = any(isinstance(a, (Tensor, np.ndarray))
                   and a.dtype == np.float64 for a in args)
        dtype = np.float64 if wide else np.float32
    if not isinstance(got, Tensor):
        _fail(name, f"returned {_kind(got)}, expected a Tensor. Hint: wrap "
              f"the NumPy result with from_numpy(result) (a Python float "
              f"from float() or .item() cannot carry a dtype or a shape)")
    if got.shape != shape:
        hint = ("'mean' and 'sum' reduce over every element, not along "
                "one axis (call .mean() or .sum() without axis=)"
                if shape == () else
                "keep one value per element (reduction='none' returns "
                "the unreduced losses; a reduced axis needs keepdims=True "
                "to broadcast back)")
        _fail(name, f"returned shape {got.shape}, expected {shape}. "
              f"Hint: {hint}")
    if got.dtype != dtype:
        _fail(name, f"returned dtype {got.dtype}, expected "
              f"{np.dtype(dtype).name} (the dtype of the inputs). Hint: "
              f"compute with the arrays the checks return and wrap the "
              f"result with from_numpy(result); Tensor(result) always "
              f"stores float32. A new array without dtype= (np.full, "
              f"np.zeros) or a NumPy integer in a division (x / "
              f"mask.sum()) makes float64 too")
    values = np.asarray(got.data, dtype=np.float64)
    inputs = [_raw(a) for a in args]
    finite_inputs = all(np.isfinite(a).all() for a in inputs
                        if isinstance(a, np.ndarray))
    expected_finite = np.isfinite(want).all()
    if expected_finite and not np.isfinite(values).all():
        hint = MAX_SHIFT_HINT if finite_inputs else "check the inputs"
        if name == "binary_cross_entropy":
            hint = ("a log of 0 appeared: clamp both log terms from below, "
                    "np.log(np.maximum(p, eps)) and "
                    "np.log(np.maximum(1 - p, eps))")
        elif finite_inputs and name in NON_FINITE_HINTS:
            hint = NON_FINITE_HINTS[name]
        _fail(name, f"returned {_short(values)}, expected {_short(want)}. "
              f"Hint: {hint}")
    if _close(values, want, atol, rtol):
        return got
    setting = _setting(name, args, kwargs)
    if name in _CLASSES:
        setting = getattr(fn, "reduction", setting)
    for hint, variant in _MISTAKES.get(_CLASSES.get(name, name), []):
        try:
            with np.errstate(all="ignore"):
                wrong = variant(_f64(inputs), setting, inputs)
        except Exception:
            continue
        if wrong is not None and np.shape(wrong) == values.shape and \
                _close(values, np.asarray(wrong, dtype=np.float64),
                       atol, rtol):
            _fail(name, f"returned {_short(values)}, expected "
                  f"{_short(want)}. Likely mistake: {hint}")
    _fail(name, f"returned {_short(values)}, expected {_short(want)} "
          f"(tolerance {atol:g} + {rtol:g} * |expected|). Hint: work the "
          f"example in the docstring by hand and print your intermediate "
          f"arrays")


def _close(got: np.ndarray, want: np.ndarray, atol: float, rtol: float
           ) -> bool:
    """|got - want| <= atol + rtol * |want| everywhere, in Python floats;
    -inf matches -inf (a masked class)."""
    if got.shape != want.shape:
        return False
    for g, w in zip(got.ravel().tolist(), want.ravel().tolist()):
        g, w = float(g), float(w)
        if math.isinf(w) or math.isinf(g):
            if g != w:
                return False
            continue
        if not abs(g - w) <= atol + rtol * abs(w):
            return False
    return True


# ------------------------------------------------------------ gradients
def _numeric(fn, arrays, index, upstream, h):
    """Central differences of sum(upstream * fn(arrays)) w.r.t. arrays[index]."""
    x = arrays[index]
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = float(np.sum(upstream * fn(arrays)))
        x[i] = old - h
        minus = float(np.sum(upstream * fn(arrays)))
        x[i] = old
        out[i] = (plus - minus) / (2 * h)
    return out


def check_gradients(forward, *inputs, h=1e-6, atol=1e-6, rtol=1e-5,
                    seed=0, **settings):
    """Check the registered backward of `forward` against finite differences.

    Every float Tensor input is perturbed in float64 (central differences,
    step `h`); the forward's output is weighted by a random upstream
    gradient, so every element of a reduction='none' output counts.
    Inputs whose backward returns None (class indices) are skipped.

    Returns:
        The number of input elements checked.

    Raises:
        AssertionError: one line naming the input and the largest error.
    """
    __tracebackhide__ = True
    from tinytorch.core.gradients import backward_of

    name = _name(forward)
    arrays = [np.array(a.data, dtype=np.float64) if isinstance(a, Tensor)
              and a.dtype.kind == "f" else a for a in inputs]

    def run(values):
        args = [Tensor(v, dtype=np.float64) if isinstance(v, np.ndarray)
                else v for v in values]
        return np.asarray(forward(*args, **settings).data, dtype=np.float64)

    out = run(arrays)
    upstream = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape)
    args = [Tensor(v, dtype=np.float64) if isinstance(v, np.ndarray) else v
            for v in arrays]
    grads = backward_of(forward)(upstream, *args, **settings)
    if len(grads) != len(inputs):
        _fail(name, f"backward returned {len(grads)} gradients for "
              f"{len(inputs)} inputs. Hint: return one per input, None for "
              f"an input without a gradient")
    checked = 0
    for index, g in enumerate(grads):
        if g is None or not isinstance(arrays[index], np.ndarray):
            continue
        g = np.asarray(g, dtype=np.float64)
        if g.shape != arrays[index].shape:
            _fail(name, f"the gradient of input {index} has shape {g.shape}, "
                  f"the input {arrays[index].shape}. Hint: a gradient is "
                  f"shaped like its input")
        numeric = _numeric(run, arrays, index, upstream, h)
        err = np.abs(g - numeric)
        bound = atol + rtol * np.abs(numeric)
        if np.any(err > bound):
            worst = np.unravel_index(np.argmax(err - bound), err.shape)
            _fail(name, f"the gradient of input {index} at {worst} is "
                  f"{g[worst]:.6g}; finite differences give "
                  f"{numeric[worst]:.6g}. Hint: differentiate the "
                  f"per-element loss first, then apply the reduction "
                  f"(divide by the count for 'mean')")
        checked += g.size
    return checked
