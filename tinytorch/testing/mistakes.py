"""The common mistakes of the core notebooks, as computations (given code).

Each entry of `MISTAKES` is (hint, variant): the variant recomputes, from
the inputs of a call, what that mistake would have returned, so `check` can
name the mistake whose result matches a learner's. Variants get the inputs
as float64 arrays `a`, the call's setting `r` (the reduction, or
(log_)softmax's dim) and the inputs in their own dtype `raw`.
"""

from __future__ import annotations

import math

import numpy as np

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

MISTAKES = {
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




class _Setting(str):
    """The reduction, as the core's variants expect it (a str), with the
    call's keyword arguments attached for the stretch variants."""

    def __new__(cls, reduction, kwargs):
        self = super().__new__(cls, reduction)
        self.kwargs = dict(kwargs)
        return self



DEFAULT_REDUCTION = {"sigmoid_focal_loss": "none"}
