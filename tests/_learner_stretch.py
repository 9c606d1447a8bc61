"""Learners' code for the TODOs of Module 04's stretch notebook.

The same idea as tests/_learner_losses.py (whose `Variant` and `run_tests`
these use, with part="stretch"): `CORRECT` holds implementations written
differently from the reference that must pass every graded test, `MISTAKES`
the common mistakes, each with the words its failure message must contain.
"""

from __future__ import annotations

from _learner_losses import NEXT_REGION as NEXT
from _learner_losses import Variant

L1 = "losses-stretch-l1"
HUBER = "losses-stretch-huber"
NLL = "losses-stretch-nll"
CE = "losses-stretch-cross-entropy"
BCE = "losses-stretch-bce"
KL = "losses-stretch-kl"
FOCAL = "losses-stretch-focal"
EMBED = "losses-stretch-contrastive"
GRAD = "losses-stretch-gradients"
WEIGHTS = "losses-stretch-class-weights"
CALIB = "losses-stretch-calibration"
MEMORY = "losses-stretch-memory"

# The TODO cells with more than one solution region (huber_loss and
# smooth_l1_loss, ...) take a body per region, joined by NEXT.

_SMOOTH_L1 = """
    size = np.abs(p - t)
    if beta == 0:
        return reduce_losses(size, reduction)
    losses = np.where(size < beta, 0.5 * size * size / beta,
                      size - 0.5 * beta)
    return reduce_losses(losses, reduction)
"""
_BCE_WEIGHT = """
    losses = core.binary_cross_entropy(from_numpy(p), from_numpy(t),
                                       reduction="none").data
    return reduce_losses(w * losses, reduction)
"""
_BCE_LOGITS = """
    tail = np.log1p(np.exp(-np.abs(x)))
    losses = w * (pw * y * (np.maximum(-x, 0) + tail)
                  + (1 - y) * (np.maximum(x, 0) + tail))
    return reduce_losses(losses, reduction)
"""
_TRIPLET = """
    def distance(u, v):
        return np.linalg.norm(u - v + eps, ord=p, axis=-1)

    d_pos, d_neg = distance(a, pos), distance(a, neg)
    if swap:
        d_neg = np.minimum(d_neg, distance(pos, neg))
    return reduce_losses(np.maximum(d_pos - d_neg + margin, 0), reduction)
"""
_INFO_NCE = """
    if normalize:
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        k = k / np.maximum(np.linalg.norm(k, axis=1, keepdims=True), 1e-12)
    scores = q @ k.T / temperature
    return core.cross_entropy(from_numpy(scores),
                              from_numpy(np.arange(len(q))),
                              reduction=reduction)
"""
_MSE_BACKWARD = """
    d = 2 * (p - t) * g
    if reduction == "mean":
        d = d / p.size
    return d, -d
"""
_BCE_BACKWARD = """
    inv_p = np.divide(1, p, out=np.zeros_like(p), where=p > EPS)
    not_p = 1 - p
    inv_not_p = np.divide(1, not_p, out=np.zeros_like(p), where=not_p > EPS)
    d = w * g * (-t * inv_p + (1 - t) * inv_not_p)
    if reduction == "mean":
        d = d / p.size
    return d, None
"""
_BCEL_BACKWARD = """
    sig = np.exp(-np.logaddexp(0, -x))
    d = w * g * (-pw * y * (1 - sig) + (1 - y) * sig)
    if reduction == "mean":
        d = d / x.size
    return d, None
"""
_BINS = """
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, confidences, side="left") - 1,
                    0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins).astype(np.float64)
    hits = np.bincount(which, weights=correct, minlength=n_bins)
    sure = np.bincount(which, weights=confidences, minlength=n_bins)
    accuracy = np.divide(hits, counts, out=np.zeros(n_bins),
                         where=counts > 0)
    confidence = np.divide(sure, counts, out=np.zeros(n_bins),
                           where=counts > 0)
    return counts, accuracy, confidence
"""
_ECE = """
    counts, accuracy, confidence = calibration_bins(confidences, correct,
                                                    n_bins)
    return float(np.sum(counts / len(t) * np.abs(accuracy - confidence)))
"""

CORRECT = [
    Variant("l1 with np.absolute and the mean by hand", L1, """
    errors = np.absolute(np.subtract(p, t))
    if reduction == "mean":
        return from_numpy(errors.sum() / errors.size)
    return reduce_losses(errors, reduction)
"""),
    Variant("huber as a clipped quadratic plus a linear rest", HUBER, """
    size = np.abs(p - t)
    q = np.minimum(size, delta)
    return reduce_losses(0.5 * q * q + delta * (size - q), reduction)
""" + NEXT + _SMOOTH_L1),
    Variant("nll with a loop over the rows", NLL, """
    total, weight_sum = 0.0, 0.0
    losses = np.zeros(len(y), dtype=lp.dtype)
    for i, k in enumerate(y):
        if k == ignore_index:
            continue
        losses[i] = -w[k] * lp[i, k]
        weight_sum += w[k]
    if reduction == "mean":
        return from_numpy(losses.sum() / lp.dtype.type(weight_sum))
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
"""),
    Variant("cross-entropy through nll_loss and a target matrix", CE, """
    lp = log_softmax(from_numpy(z), dim=1).data
    c = z.shape[1]
    if y.ndim == 1:
        keep = y != ignore_index
        target = np.zeros_like(z)
        target[np.flatnonzero(keep), y[keep]] = 1.0
        divisor = w[y[keep]].sum()
    else:
        target, keep, divisor = y, np.ones(len(y), bool), len(y)
    target = (1 - label_smoothing) * target + label_smoothing / c
    safe_lp = np.where(target > 0, lp, 0)
    losses = np.where(keep, -(target * safe_lp) @ w, 0)
    if reduction == "mean":
        return from_numpy(losses.sum() / divisor)
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
"""),
    Variant("bce with explicit clamps and logaddexp", BCE, """
    a = np.log(np.maximum(p, EPS))
    b = np.log(np.maximum(1 - p, EPS))
    return reduce_losses(-w * (t * a + (1 - t) * b), reduction)
""" + NEXT + """
    losses = w * (pw * y * np.logaddexp(0, -x)
                  + (1 - y) * np.logaddexp(0, x))
    return reduce_losses(losses, reduction)
"""),
    Variant("kl with np.where and errstate", KL, """
    p = np.exp(t) if log_target else t
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = t if log_target else np.log(t)
        terms = np.where(p > 0, p * (log_p - lq), 0)
    terms = terms.astype(lq.dtype)
    if reduction == "batchmean":
        return from_numpy(terms.sum() / len(lq))
    return reduce_losses(terms, reduction)
"""),
    Variant("focal from log-sigmoids", FOCAL, """
    log_p = -np.logaddexp(0, -x)
    log_not_p = -np.logaddexp(0, x)
    log_p_t = y * log_p + (1 - y) * log_not_p
    p_t = np.exp(log_p_t)
    bce = -(y * log_p + (1 - y) * log_not_p)
    losses = (1 - p_t) ** gamma * bce
    if alpha >= 0:
        losses = losses * (y * alpha + (1 - y) * (1 - alpha))
    return reduce_losses(losses, reduction)
"""),
    Variant("blocked cross-entropy with half-MB blocks", MEMORY, """
    n, c = z.shape
    rows = max(1, (1 << 19) // (z.itemsize * c))
    buffer = np.empty((rows, c), dtype=z.dtype)
    losses = np.empty(n, dtype=z.dtype)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        a = buffer[:stop - start]
        np.subtract(z[start:stop], z[start:stop].max(axis=1, keepdims=True),
                    out=a)
        picked = a[np.arange(stop - start), t[start:stop]].copy()
        np.exp(a, out=a)
        losses[start:stop] = np.log(a.sum(axis=1)) - picked
    return reduce_losses(losses, reduction)
"""),
]

MISTAKES = [
    Variant("l1 squares the errors", L1, """
    return reduce_losses((p - t) ** 2, reduction)
""", says="squared error (MSE)", test="losses-stretch-test-l1"),
    Variant("huber pieces swapped", HUBER, """
    size = np.abs(p - t)
    return reduce_losses(np.where(size < delta, delta * (size - 0.5 * delta),
                                  0.5 * size * size), reduction)
""" + NEXT + _SMOOTH_L1, says="pieces are swapped",
        test="losses-stretch-test-huber"),
    Variant("huber without the 0.5", HUBER, """
    size = np.abs(p - t)
    return reduce_losses(np.where(size < delta, size * size,
                                  delta * (size - 0.5 * delta)), reduction)
""" + NEXT + _SMOOTH_L1, says="0.5 * d**2", test="losses-stretch-test-huber"),
    Variant("nll 'mean' divides by N", NLL, """
    keep = y != ignore_index
    safe = np.where(keep, y, 0)
    w_row = np.where(keep, w[safe], 0)
    losses = w_row * np.where(keep, -lp[np.arange(len(y)), safe], 0)
    if reduction == "mean":
        return from_numpy(losses.mean())
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
""", says="total weight of the kept rows", test="losses-stretch-test-nll"),
    Variant("nll forgets the class weights", NLL, """
    keep = y != ignore_index
    safe = np.where(keep, y, 0)
    losses = np.where(keep, -lp[np.arange(len(y)), safe], 0)
    if reduction == "mean":
        return from_numpy(losses.sum() / int(keep.sum()))
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
""", says="class weights are missing", test="losses-stretch-test-nll"),
    Variant("label smoothing over the C - 1 wrong classes", CE, """
    lp = log_softmax(from_numpy(z), dim=1).data
    c, e = z.shape[1], label_smoothing
    if y.ndim == 2:
        y = (1 - e) * y + e / c
        losses = -(y * lp) @ w
        divisor = len(losses)
    else:
        keep = y != ignore_index
        safe = np.where(keep, y, 0)
        target = np.full(z.shape, e / (c - 1), dtype=z.dtype)
        target[np.arange(len(y)), safe] = 1 - e
        losses = np.where(keep, -(target * lp) @ w, 0)
        divisor = np.where(keep, w[safe], 0).sum()
    if reduction == "mean":
        return from_numpy(losses.sum() / divisor)
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
""", says="over all C classes", test="losses-stretch-test-cross-entropy"),
    Variant("weighted cross-entropy divides by N", CE, """
    lp = log_softmax(from_numpy(z), dim=1).data
    c, e = z.shape[1], label_smoothing
    if y.ndim == 2:
        losses = -(((1 - e) * y + e / c) * lp) @ w
    else:
        keep = y != ignore_index
        safe = np.where(keep, y, 0)
        w_row = np.where(keep, w[safe], 0)
        losses = w_row * np.where(keep, -lp[np.arange(len(y)), safe], 0)
        if e > 0:
            losses = (1 - e) * losses + e * np.where(keep, -(lp @ w) / c, 0)
    if reduction == "mean":
        return from_numpy(losses.mean())
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
""", says="not by the number of rows",
        test="losses-stretch-test-cross-entropy"),
    Variant("bce forgets the weight", BCE, """
    losses = core.binary_cross_entropy(from_numpy(p), from_numpy(t),
                                       reduction="none").data
    return reduce_losses(losses, reduction)
""" + NEXT + _BCE_LOGITS, says="weight is missing",
        test="losses-stretch-test-bce"),
    Variant("bce from logits through a sigmoid", BCE, _BCE_WEIGHT + NEXT + """
    p = 1 / (1 + np.exp(-x))
    losses = -(pw * y * np.log(np.maximum(p, EPS))
               + (1 - y) * np.log(np.maximum(1 - p, EPS)))
    return reduce_losses(w * losses, reduction)
""", says="softplus", test="losses-stretch-test-bce"),
    Variant("pos_weight on both terms", BCE, _BCE_WEIGHT + NEXT + """
    tail = np.log1p(np.exp(-np.abs(x)))
    losses = w * pw * (y * (np.maximum(-x, 0) + tail)
                       + (1 - y) * (np.maximum(x, 0) + tail))
    return reduce_losses(losses, reduction)
""", says="only the positive term", test="losses-stretch-test-bce"),
    Variant("kl 'batchmean' as the plain mean", KL, """
    p, log_p = (np.exp(t), t) if log_target else (t, np.log(np.where(
        t > 0, t, 1)))
    terms = np.zeros_like(lq)
    m = p > 0
    terms[m] = p[m] * (log_p[m] - lq[m])
    return reduce_losses(terms, "mean" if reduction == "batchmean"
                         else reduction)
""", says="divides the sum by the batch size", test="losses-stretch-test-kl"),
    Variant("kl reversed", KL, """
    p, log_p = (np.exp(t), t) if log_target else (t, np.log(np.where(
        t > 0, t, 1)))
    terms = np.exp(lq) * (lq - log_p)
    if reduction == "batchmean":
        return from_numpy(terms.sum() / lq.shape[0])
    return reduce_losses(terms, reduction)
""", says="reversed", test="losses-stretch-test-kl"),
    Variant("focal alpha swapped", FOCAL, """
    bce = binary_cross_entropy_with_logits(from_numpy(x), from_numpy(y),
                                           reduction="none").data
    p = np.exp(-np.logaddexp(0, -x))
    p_t = p * y + (1 - p) * (1 - y)
    losses = (1 - p_t) ** gamma * bce
    if alpha >= 0:
        losses = ((1 - alpha) * y + alpha * (1 - y)) * losses
    return reduce_losses(losses, reduction)
""", says="alpha_t is swapped", test="losses-stretch-test-focal"),
    Variant("focal factor from p, not p_t", FOCAL, """
    bce = binary_cross_entropy_with_logits(from_numpy(x), from_numpy(y),
                                           reduction="none").data
    p = np.exp(-np.logaddexp(0, -x))
    losses = (1 - p) ** gamma * bce
    if alpha >= 0:
        losses = (alpha * y + (1 - alpha) * (1 - y)) * losses
    return reduce_losses(losses, reduction)
""", says="p instead of p_t", test="losses-stretch-test-focal"),
    Variant("triplet with squared distances", EMBED, """
    def distance(u, v):
        return np.linalg.norm(u - v + eps, ord=p, axis=-1) ** 2

    d_pos, d_neg = distance(a, pos), distance(a, neg)
    if swap:
        d_neg = np.minimum(d_neg, distance(pos, neg))
    return reduce_losses(np.maximum(d_pos - d_neg + margin, 0), reduction)
""" + NEXT + _INFO_NCE, says="squared", test="losses-stretch-test-contrastive"),
    Variant("info_nce without normalising", EMBED, _TRIPLET + NEXT + """
    scores = q @ k.T / temperature
    return core.cross_entropy(from_numpy(scores),
                              from_numpy(np.arange(len(q))),
                              reduction=reduction)
""", says="not normalised", test="losses-stretch-test-contrastive"),
    Variant("info_nce multiplies by the temperature", EMBED, _TRIPLET + NEXT + """
    if normalize:
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        k = k / np.maximum(np.linalg.norm(k, axis=1, keepdims=True), 1e-12)
    scores = q @ k.T * temperature
    return core.cross_entropy(from_numpy(scores),
                              from_numpy(np.arange(len(q))),
                              reduction=reduction)
""", says="multiplied by the temperature",
        test="losses-stretch-test-contrastive"),
    Variant("mse backward without the factor 2", GRAD, """
    d = (p - t) * g
    if reduction == "mean":
        d = d / p.size
    return d, -d
""" + NEXT + _BCE_BACKWARD + NEXT + _BCEL_BACKWARD,
        says="finite differences give", test="losses-stretch-test-gradients"),
    Variant("bce backward that ignores the clamp", GRAD, _MSE_BACKWARD + NEXT + """
    d = w * g * (-t / np.maximum(p, EPS) + (1 - t) / np.maximum(1 - p, EPS))
    if reduction == "mean":
        d = d / p.size
    return d, None
""" + NEXT + _BCEL_BACKWARD, says="where the clamp is active",
        test="losses-stretch-test-gradients"),
    Variant("inverse class weights upside down", WEIGHTS, """
    total, num_classes = n.sum(), len(n)
    if method == "effective":
        raw = (1 - beta) / (1 - beta ** n)
        return Tensor(raw * num_classes / raw.sum())
    weights = n * num_classes / total
    if method == "inverse_sqrt":
        weights = np.sqrt(weights)
    return Tensor(weights)
""", says="inverse of the weight", test="losses-stretch-test-class-weights"),
    Variant("calibration bins closed on the left", CALIB, """
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, confidences, side="right") - 1,
                    0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins).astype(np.float64)
    hits = np.bincount(which, weights=correct, minlength=n_bins)
    sure = np.bincount(which, weights=confidences, minlength=n_bins)
    accuracy = np.divide(hits, counts, out=np.zeros(n_bins),
                         where=counts > 0)
    confidence = np.divide(sure, counts, out=np.zeros(n_bins),
                           where=counts > 0)
    return counts, accuracy, confidence
""" + NEXT + _ECE, says="lower bin", test="losses-stretch-test-calibration"),
    Variant("blocked loss with a new block each time", MEMORY, """
    n, c = z.shape
    rows = max(1, (1 << 20) // (z.itemsize * c))
    losses = np.empty(n, dtype=z.dtype)
    for i in range(0, n, rows):
        a = z[i:i + rows] - z[i:i + rows].max(axis=1, keepdims=True)
        picked = a[np.arange(len(a)), t[i:i + rows]]
        e = np.exp(a)
        losses[i:i + rows] = np.log(e.sum(axis=1)) - picked
    return reduce_losses(losses, reduction)
""", says="budget is 2 MB", test="losses-stretch-test-memory"),
]
