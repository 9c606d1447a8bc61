"""The common mistakes of the optional stretch notebook (given code).

Its functions take more settings than the reduction, so their variants read
them from `r.kwargs` (the `_Setting` that `check` passes: a str, the
reduction, that also carries the call's keyword arguments) or from the
positional inputs, through `_arg`.
"""

from __future__ import annotations

import numpy as np

from tinytorch.core.tensor import Tensor
from tinytorch.testing.mistakes import (MEAN_HINT, MISTAKES, SUM_HINT,
                                        _bce_items, _ce_items, _log_softmax,
                                        _mean_to_sum, _reduce, _Setting,
                                        _sum_to_mean)

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
STRETCH_MISTAKES["cross_entropy"] = MISTAKES["cross_entropy"] + \
    STRETCH_MISTAKES["cross_entropy"]
STRETCH_MISTAKES["cross_entropy_blocked"] = MISTAKES["cross_entropy"]
STRETCH_MISTAKES["binary_cross_entropy"] = MISTAKES[
    "binary_cross_entropy"] + STRETCH_MISTAKES["binary_cross_entropy"]
