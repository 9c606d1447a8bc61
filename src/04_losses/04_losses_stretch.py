# %% [markdown]
# # Module 04, stretch: more losses, their gradients, and calibration
#
# **Optional** · its own assignment, 100 points · Time 4-6 hours ·
# Prerequisite: the finished core notebook, `04_losses.ipynb`
#
# The core built three losses with their defaults. This notebook builds
# what a project reaches for next: more of `torch.nn`'s losses, the
# settings that make cross-entropy practical (class weights, ignored
# targets, label smoothing, probability targets), gradients, weights for
# imbalanced classes, and calibration. Every function has PyTorch's name,
# argument order and defaults, so PyTorch is the tests' oracle and
# nothing needs relearning later.
#
# | Section | You write | Points |
# |---|---|---|
# | S1 L1 loss | `l1_loss` | 5 |
# | S2 Huber and smooth L1 | `huber_loss`, `smooth_l1_loss` | 8 |
# | S3 NLL: class weights and `ignore_index` | `nll_loss` | 10 |
# | S4 Cross-entropy in full | `cross_entropy` | 12 |
# | S5 BCE with weights, and from logits | `binary_cross_entropy`, `binary_cross_entropy_with_logits` | 10 |
# | S6 KL divergence | `kl_div` | 7 |
# | S7 Focal loss | `sigmoid_focal_loss` | 7 |
# | S8 Losses on embeddings | `triplet_margin_loss`, `info_nce` | 9 |
# | S9 Gradients, measured | three backward functions | 12 |
# | S10 Class-imbalance weights | `class_weights` | 5 |
# | S11 Calibration | `calibration_bins`, `expected_calibration_error` | 8 |
# | S12 Cross-entropy in under 2 MB | `cross_entropy_blocked` | 7 |
#
# Sections stand alone (S7 and S9 use S5's functions): stop after any.
# As in the core, each function starts with given check lines that hand
# you checked NumPy arrays, and you write the computation below them; the
# classes (`L1Loss`, `HuberLoss`, ...) are given. Once exported,
# `tinytorch.nn` and `tinytorch.nn.functional` serve the versions from
# here, e.g. `from tinytorch.nn import HuberLoss`.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.losses_stretch
#| export
import numpy as np

from tinytorch.core import checks, gradients
from tinytorch.core import losses as core
from tinytorch.core.losses import EPS, Loss, log_softmax, reduce_losses
from tinytorch.core.tensor import Tensor, from_numpy

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-tools", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# `check(fn, *args, want=...)` runs your function and compares the result
# with `want`, naming the likely mistake when they differ (see the core).
from tinytorch.testing import check

# %% [markdown]
# ## S1: `l1_loss`
#
# Mean absolute error charges each error by its size,
# $\ell_i = |\hat y_i - y_i|$. An error of 10 costs 10 and an error of 20
# costs 20, where MSE charges 100 and 400, so a few badly wrong labels
# (outliers) cannot dominate a batch. The price is a kink at 0: the slope
# jumps from -1 to +1 and does not shrink as a prediction closes in on its
# target. It is your `mse_loss` with `np.abs` in place of the square.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-l1", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def l1_loss(predictions, targets, *, reduction="mean"):
    """Mean absolute error, for regression that shrugs off outliers.

    loss_i = |predictions_i - targets_i| for every element i, then
    reduced: 'mean' (default), 'sum' or 'none'.

    Args:
        predictions: Tensor of model outputs.
        targets: Tensor of true values, exactly the shape of predictions.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Shape:
        output: () or, with 'none', the shape of predictions.

    Example:
        >>> l1_loss(Tensor([1.0, -2.0, 4.0]), Tensor([1.5, 0.0, 1.0]),
        ...         reduction="sum").item()
        5.5

    TODO: compute the absolute error of every element and reduce it.

    HINTS:
        - np.abs works elementwise; reduce_losses (core) reduces.

    NOTE: PyTorch broadcasts mismatched shapes (with a warning) and takes
    an elementwise `weight`; here shapes must match, and there is no weight.
    """
    reduction = checks.reduction("l1_loss", reduction)
    p, t = checks.same_shape("l1_loss", predictions, targets)
    ### BEGIN SOLUTION
    return reduce_losses(np.abs(p - t), reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-l1", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_l1_loss():
    """🔬 Unit Test: l1_loss"""
    print("🔬 Unit Test: l1_loss...")
    p, t = Tensor([1.0, -2.0, 4.0]), Tensor([1.5, 0.0, 1.0])
    check(l1_loss, p, t, want=5.5 / 3)
    print("✅ errors [0.5, 2, 3] average to 1.8333")
    check(l1_loss, p, t, reduction="sum", want=5.5)
    check(l1_loss, p, t, reduction="none", want=[0.5, 2.0, 3.0])
    print("✅ 'sum' gives 5.5 and 'none' [0.5, 2, 3]")
    check(l1_loss, Tensor([10.0, 20.0]), Tensor([0.0, 0.0]),
          reduction="none", want=[10.0, 20.0])
    print("✅ errors 10 and 20 cost 10 and 20 (MSE: 100 and 400)")
    ### BEGIN HIDDEN TESTS
    a, b = np.random.default_rng(1).normal(size=(2, 5, 3))
    ref = sum(abs(u - v) for u, v in zip(a.ravel(), b.ravel())) / 15
    check(l1_loss, Tensor(a, dtype=np.float64), Tensor(b, dtype=np.float64),
          want=ref, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: l1_loss ✓")


test_unit_l1_loss()

# %% [markdown]
# ## S2: `huber_loss` and `smooth_l1_loss`
#
# Huber's loss is quadratic for small errors and linear for large ones,
# switching at a threshold $\delta$ (with $d_i = \hat y_i - y_i$):
#
# $$\ell_i = \begin{cases} \tfrac12 d_i^2 & \text{if } |d_i| < \delta \\
# \delta \left(|d_i| - \tfrac12 \delta\right) & \text{otherwise} \end{cases}$$
#
# The pieces meet at $|d| = \delta$ with the same value, $\delta^2 / 2$,
# and the same slope, $\delta$: smooth near 0 like MSE, linear for
# outliers like L1. With $\delta = 1$ an error of 0.5 costs 0.125 and an
# error of 10 costs 9.5, where MSE would charge 100.
#
# `smooth_l1_loss(beta=1.0)` is Huber's loss divided by its threshold,
# $\ell_i = \tfrac12 d_i^2 / \beta$ if $|d_i| < \beta$, else
# $|d_i| - \tfrac12 \beta$, so its linear part always has slope 1, and
# `beta=0` is exactly L1. The textbook chapter lists `nn.SmoothL1Loss` as
# Huber's loss: the two agree only when $\beta = \delta = 1$.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-huber", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def huber_loss(predictions, targets, *, reduction="mean", delta=1.0):
    """Huber loss: squared error for small errors, linear for large ones.

    d_i = predictions_i - targets_i
    loss_i = 0.5 * d_i ** 2 if |d_i| < delta,
             delta * (|d_i| - 0.5 * delta) otherwise; then reduced.

    Args:
        predictions, targets: Tensors of the same shape.
        reduction: 'mean', 'sum' or 'none' (keyword only).
        delta: the threshold, > 0 (keyword only; default 1.0).

    Shape:
        output: () or, with 'none', the shape of predictions.

    Example:
        >>> huber_loss(Tensor([0.5, 10.0]), Tensor([0.0, 0.0]),
        ...            reduction="none").data.tolist()
        [0.125, 9.5]

    TODO: compute both pieces for every element, pick one by |d| < delta,
    and reduce.

    EXAMPLE:
        errors [0.5, 3.0], delta 2 -> [0.125, 2 * (3 - 1)] = [0.125, 4.0]

    HINTS:
        - np.where(condition, a, b) picks from a where the condition
          holds and from b elsewhere.

    NOTE: PyTorch's huber_loss also takes an elementwise `weight`.
    """
    reduction = checks.reduction("huber_loss", reduction)
    delta = checks.number("huber_loss", "delta", delta, 0.0, low_open=True,
                          hint="errors smaller than delta are squared; 1.0 "
                               "is the default")
    p, t = checks.same_shape("huber_loss", predictions, targets)
    ### BEGIN SOLUTION
    size = np.abs(p - t)
    quadratic = 0.5 * size * size
    linear = delta * (size - 0.5 * delta)
    return reduce_losses(np.where(size < delta, quadratic, linear),
                         reduction)
    ### END SOLUTION


def smooth_l1_loss(predictions, targets, *, reduction="mean", beta=1.0):
    """Smooth L1 loss: Huber's loss divided by its threshold beta.

    loss_i = 0.5 * d_i ** 2 / beta if |d_i| < beta,
             |d_i| - 0.5 * beta otherwise; beta = 0 gives l1_loss.

    Args:
        predictions, targets: Tensors of the same shape.
        reduction: 'mean', 'sum' or 'none' (keyword only).
        beta: the threshold, >= 0 (keyword only; default 1.0).

    Example:
        >>> smooth_l1_loss(Tensor([0.25, 2.0]), Tensor([0.0, 0.0]),
        ...                reduction="none", beta=0.5).data.tolist()
        [0.0625, 1.75]

    TODO: the same as huber_loss, divided by beta; with beta = 0, the L1
    loss (return early: never divide by 0).
    """
    reduction = checks.reduction("smooth_l1_loss", reduction)
    beta = checks.number("smooth_l1_loss", "beta", beta, 0.0,
                         hint="beta=0 is the L1 loss; 1.0 is the default")
    p, t = checks.same_shape("smooth_l1_loss", predictions, targets)
    ### BEGIN SOLUTION
    size = np.abs(p - t)
    if beta == 0:
        return reduce_losses(size, reduction)
    losses = np.where(size < beta, 0.5 * size * size / beta,
                      size - 0.5 * beta)
    return reduce_losses(losses, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-huber", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_huber():
    """🔬 Unit Test: huber_loss and smooth_l1_loss"""
    print("🔬 Unit Test: huber_loss and smooth_l1_loss...")
    zeros = Tensor([0.0, 0.0])
    check(huber_loss, Tensor([0.5, 10.0]), zeros, reduction="none",
          want=[0.125, 9.5])
    print("✅ delta = 1: error 0.5 costs 0.125, error 10 costs 9.5")
    check(huber_loss, Tensor([1.0, -3.0]), zeros, reduction="none",
          delta=2.0, want=[0.5, 4.0])
    check(huber_loss, Tensor([1.0, -3.0]), zeros, delta=2.0, want=2.25)
    print("✅ delta = 2: errors [1, -3] cost [0.5, 4], mean 2.25")
    check(smooth_l1_loss, Tensor([0.25, 2.0]), zeros, reduction="none",
          beta=0.5, want=[0.0625, 1.75])
    print("✅ smooth L1 with beta 0.5: [0.0625, 1.75]")
    check(smooth_l1_loss, Tensor([0.25, -2.0]), zeros, beta=0.0,
          want=1.125)
    print("✅ beta = 0 is the L1 loss")
    ### BEGIN HIDDEN TESTS
    d = np.array([-2.0, -1.0, 0.999, 1.0, 1.001, 3.0])
    zero64 = Tensor(np.zeros(6), dtype=np.float64)
    want = [0.5 * v * v if abs(v) < 1 else abs(v) - 0.5 for v in d]
    check(huber_loss, Tensor(d, dtype=np.float64), zero64,
          reduction="none", want=want, atol=1e-12)
    want = [0.5 * v * v / 1.5 if abs(v) < 1.5 else abs(v) - 0.75 for v in d]
    check(smooth_l1_loss, Tensor(d, dtype=np.float64), zero64,
          reduction="none", beta=1.5, want=want, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: huber_loss and smooth_l1_loss ✓")


test_unit_huber()

# %% [markdown]
# ## S3: `nll_loss`, class weights and `ignore_index`
#
# `nll_loss` is the second half of cross-entropy (`log_softmax`, then
# `nll_loss`): it takes **log-probabilities** and charges each row minus
# its target's log-probability, times a class weight,
# $\ell_i = -w_{t_i} \log p_{i, t_i}$.
#
# - **`weight`**, one number per class, scales each row by its target
#   class's weight, so a rare class cannot be ignored (S10 computes such
#   weights). `'mean'` then divides by the **total weight of the rows**,
#   $\sum_i w_{t_i}$, not by $N$: a weighted average.
# - **`ignore_index`** (default -100) marks targets to skip, such as the
#   padding after a short sentence: an ignored row adds 0 to the sum and
#   0 to the divisor, as if it had been dropped.
#
# For the probabilities `[[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]`, targets
# `[0, 1, -100]` and `weight=[1, 3]`, the rows cost
# $-1 \cdot \log 0.5 \approx 0.6931$, $-3 \log 0.75 \approx 0.8630$ and 0;
# the sum is about 1.5562 and the kept weight $1 + 3 = 4$, so `'mean'`
# gives about 0.3890.
#
# If every target is ignored, `'mean'` has nothing to divide by: PyTorch
# returns NaN; here the given check raises a `ValueError`. The check also
# takes scores `(N, C, d1, ...)` (one class per pixel, say) and hands you
# rows: `lp` `(M, C)`, targets `y` `(M,)`, and `shape = (N, d1, ...)` for
# the `'none'` output.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-nll", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def nll_loss(log_probs, targets, weight=None, *, ignore_index=-100,
             reduction="mean"):
    """Negative log-likelihood of class indices, from log-probabilities.

    loss_i = -weight[t_i] * log_probs[i, t_i], and 0 where t_i equals
    ignore_index. 'mean': sum_i loss_i / sum_i weight[t_i] over the kept
    rows (the plain mean without weights); 'sum'; 'none'.

    Args:
        log_probs: Tensor of log-probabilities (finite or -inf), classes in
            dim 1.
        targets: Tensor of class indices 0..C-1, or ignore_index.
        weight: None, or a Tensor (C,) of class weights >= 0.
        ignore_index: targets equal to it are skipped (default -100).
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Shape:
        log_probs (N, C) or (N, C, d1, ...); targets (N,) or (N, d1, ...);
        output () or, with 'none', the shape of targets.

    Example:
        >>> lp = Tensor(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
        >>> loss = nll_loss(lp, Tensor([0, 1, -100]), Tensor([1.0, 3.0]))
        >>> round(loss.item(), 4)
        0.389

    TODO: pick each kept row's target log-probability, weight it, and
    reduce; 'mean' divides by the total weight of the kept rows.

    APPROACH:
        1. keep = y != ignore_index; safe = np.where(keep, y, 0), an index
           that is valid in every row.
        2. w_row = np.where(keep, w[safe], 0): each row's weight.
        3. losses = w_row * np.where(keep, -lp[np.arange(M), safe], 0).
        4. 'mean': losses.sum() / w_row.sum(); 'sum': losses.sum();
           'none': losses.reshape(shape). Wrap each with from_numpy.

    HINTS:
        - Never index with an ignored target: -100 would read the 100th
          class from the end, or fail.

    NOTE: PyTorch returns NaN for 'mean' with nothing to average; here
    the check raises a ValueError. PyTorch also takes (C,) input.
    """
    reduction = checks.reduction("nll_loss", reduction)
    lp, y, shape = checks.class_scores("nll_loss", log_probs, targets,
                                       ignore_index, arg="log_probs")
    w = checks.class_weight("nll_loss", weight, lp.shape[1], lp.dtype)
    checks.kept_targets("nll_loss", lp, y, w, ignore_index, reduction,
                        arg="log_probs")
    ### BEGIN SOLUTION
    keep = y != ignore_index
    safe = np.where(keep, y, 0)
    w_row = np.where(keep, w[safe], 0)
    losses = w_row * np.where(keep, -lp[np.arange(len(y)), safe], 0)
    if reduction == "mean":
        return from_numpy(losses.sum() / w_row.sum())
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-nll", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_nll_loss():
    """🔬 Unit Test: nll_loss"""
    print("🔬 Unit Test: nll_loss...")
    lp = Tensor(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
    want = -(np.log(0.5) + np.log(0.75) + np.log(0.9)) / 3
    check(nll_loss, lp, Tensor([0, 1, 0]), want=want)
    print("✅ picks -log p of each target and averages: 0.3621")

    w = Tensor([1.0, 3.0])
    check(nll_loss, lp, Tensor([0, 1, -100]), w, reduction="none",
          want=[0.69314718, 0.86304622, 0.0])
    check(nll_loss, lp, Tensor([0, 1, -100]), w, want=0.38904835)
    print("✅ weight [1, 3], last target ignored: 1.5562 / 4 = 0.3890")

    check(nll_loss, lp, Tensor([0, 1, -100]),
          want=-(np.log(0.5) + np.log(0.75)) / 2)
    print("✅ an ignored row counts as dropped")
    check(nll_loss, lp, Tensor([-100, -100, -100]), reduction="sum",
          want=0.0)
    print("✅ an all-ignored batch: 'sum' gives 0")

    grid = Tensor(np.log(np.full((2, 2, 3), 0.5)))
    check(nll_loss, grid, Tensor([[0, 1, 1], [1, 0, -100]]),
          reduction="none", want=[[np.log(2)] * 3, [np.log(2)] * 2 + [0]])
    print("✅ (N, C, d1) scores with (N, d1) targets give (N, d1) losses")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(21)
    z = rng.normal(size=(7, 4))
    lpz = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    t = rng.integers(0, 4, size=7)
    t[3] = 2
    wv = np.array([0.5, 2.0, 1.0, 3.0])
    keep = t != 2
    ref = sum(-wv[k] * lpz[i, k] for i, k in enumerate(t) if k != 2) \
        / wv[t[keep]].sum()
    check(nll_loss, Tensor(lpz, dtype=np.float64), Tensor(t),
          Tensor(wv, dtype=np.float64), ignore_index=2, want=ref,
          atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: nll_loss ✓")


test_unit_nll_loss()

# %% [markdown]
# ## S4: `cross_entropy` in full
#
# The core's `cross_entropy` accepts only its defaults. This one accepts
# everything PyTorch's does, and for a default call it simply calls the
# core (the first given line), so it works before you write anything.
# Beyond `weight` and `ignore_index` from S3 there are two settings.
#
# **Label smoothing** trains against a mix of the one-hot target and the
# uniform distribution: $y' = (1 - \varepsilon)\,\mathrm{onehot}(t) +
# \varepsilon / C$. PyTorch (and this function) spreads $\varepsilon$ over
# all $C$ classes: with $C = 3$ and $\varepsilon = 0.1$, `[1, 0, 0]`
# becomes `[0.9333, 0.0333, 0.0333]`. The textbook chapter's
# `[0.9, 0.05, 0.05]` spreads it over the $C - 1$ wrong classes only, another
# convention. The smoothed loss cannot reach 0, so pushing the logits ever
# further apart gains nothing. Per row, with class weights:
#
# $$\ell_i = (1 - \varepsilon)\, w_{t_i} \left(-\log p_{i, t_i}\right)
#   + \frac{\varepsilon}{C} \sum_c w_c \left(-\log p_{i, c}\right)$$
#
# and `'mean'` divides by $\sum_i w_{t_i}$ over the kept rows, as in S3.
# For logits `[2.0, 1.0, 0.1]`, target 0 and $\varepsilon = 0.1$ the loss
# is about 0.5137, up from 0.4170 without smoothing.
#
# **Probability targets.** A target can also be a whole distribution per
# row, shaped like the logits: soft labels, mixup, a teacher model's
# predictions. Then $\ell_i = -\sum_c w_c\, y'_{ic} \log p_{ic}$ (with $y'$
# smoothed as above), and `'mean'` divides by the number of rows, not by a
# weight total (PyTorch's rule). `ignore_index` does not apply to them.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-cross-entropy", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def cross_entropy(logits, targets, weight=None, *, ignore_index=-100,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of raw logits, with every setting of PyTorch's.

    lp = log_softmax(logits) over the classes (dim 1), C classes,
    e = label_smoothing.
    Class indices: loss_i = (1 - e) * w[t_i] * (-lp[i, t_i])
                            + (e / C) * sum_c w[c] * (-lp[i, c]),
    0 where t_i equals ignore_index; 'mean' divides the sum by
    sum_i w[t_i] over the kept rows.
    Class probabilities y (shaped like the logits): y' = (1 - e) y + e / C,
    loss_i = -sum_c w[c] * y'[i, c] * lp[i, c]; 'mean' divides by the
    number of rows.

    Args:
        logits: Tensor of raw scores, classes in dim 1 (a -inf logit masks
            its class).
        targets: Tensor of class indices, or of class probabilities shaped
            like the logits.
        weight: None, or a Tensor (C,) of class weights >= 0.
        ignore_index: class-index targets equal to it are skipped.
        reduction: 'mean', 'sum' or 'none' (keyword only).
        label_smoothing: e in [0, 1] (keyword only).

    Shape:
        logits (N, C) or (N, C, d1, ...); targets (N,) or (N, d1, ...), or
        the shape of the logits; output () or, with 'none', (N, d1, ...).

    Example:
        >>> z = Tensor([[2.0, 1.0, 0.1]])
        >>> round(cross_entropy(z, Tensor([0]),
        ...                     label_smoothing=0.1).item(), 4)
        0.5137

    TODO: compute every row's loss for both kinds of targets, with class
    weights and label smoothing, and reduce it; 'mean' divides by the
    kept weight (class indices) or by the number of rows (probabilities).

    APPROACH:
        lp = log_softmax(from_numpy(z), dim=1).data; C = z.shape[1];
        e = label_smoothing.
        Class indices (y.ndim == 1):
        1. keep, safe, w_row and nll = w_row * (-lp at the targets), 0 in
           ignored rows: exactly as in nll_loss.
        2. If e > 0: smooth = -(lp @ w) / C, 0 in ignored rows, and
           losses = (1 - e) * nll + e * smooth. Divisor: w_row.sum().
        Class probabilities (y.ndim == 2):
        3. y = (1 - e) * y + e / C; losses = -(y * lp) @ w.
           Divisor: the number of rows.
        4. Reduce: 'mean', 'sum', or 'none' as losses.reshape(shape).

    HINTS:
        - (M, C) @ (C,) gives the weighted sum of every row, shape (M,).
        - Only add the smoothing term when e > 0: a masked (-inf) logit
          times a weight would give NaN otherwise.

    NOTE: PyTorch returns NaN for 'mean' with nothing to average, and inf
    or NaN for a -inf logit that every class's term needs (probability
    targets, smoothing); here the checks raise a ValueError.
    """
    if checks.core_handles_cross_entropy(logits, targets, weight,
                                         ignore_index, label_smoothing):
        return core.cross_entropy(logits, targets, ignore_index=ignore_index,
                                  reduction=reduction)
    reduction = checks.reduction("cross_entropy", reduction)
    label_smoothing = checks.number(
        "cross_entropy", "label_smoothing", label_smoothing, 0.0, 1.0,
        hint="0 means no smoothing; 0.1 is common")
    z, y, shape = checks.class_scores(
        "cross_entropy", logits, targets, ignore_index, probabilities=True,
        label_smoothing=label_smoothing)
    w = checks.class_weight("cross_entropy", weight, z.shape[1], z.dtype)
    checks.kept_targets("cross_entropy", z, y, w, ignore_index, reduction)
    ### BEGIN SOLUTION
    lp = log_softmax(from_numpy(z), dim=1).data
    c, e = z.shape[1], label_smoothing
    if y.ndim == 2:
        y = (1 - e) * y + e / c
        losses = -(y * lp) @ w
        divisor = len(losses)
    else:
        keep = y != ignore_index
        safe = np.where(keep, y, 0)
        w_row = np.where(keep, w[safe], 0)
        losses = w_row * np.where(keep, -lp[np.arange(len(y)), safe], 0)
        if e > 0:
            smooth = np.where(keep, -(lp @ w) / c, 0)
            losses = (1 - e) * losses + e * smooth
        divisor = w_row.sum()
    if reduction == "mean":
        return from_numpy(losses.sum() / divisor)
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses.reshape(shape))
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-cross-entropy", "locked": true, "points": 12, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_cross_entropy():
    """🔬 Unit Test: cross_entropy in full"""
    print("🔬 Unit Test: cross_entropy in full...")
    z = Tensor([[2.0, 1.0, 0.1]])
    check(cross_entropy, z, Tensor([0]), label_smoothing=0.1,
          want=0.51369674)
    print("✅ logits [2, 1, 0.1], target 0, label_smoothing 0.1: 0.5137")

    logits = Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2], [1.0, 1.0, 1.0]])
    each = core.cross_entropy(logits, Tensor([0, 1, 2]),
                              reduction="none").data
    w = Tensor([1.0, 2.0, 0.5])
    check(cross_entropy, logits, Tensor([0, 1, 2]), w,
          want=(each[0] + 2 * each[1] + 0.5 * each[2]) / 3.5)
    check(cross_entropy, logits, Tensor([0, 1, 2]), w, reduction="sum",
          want=each[0] + 2 * each[1] + 0.5 * each[2])
    print("✅ weight [1, 2, 0.5]: 'mean' divides by the weight total 3.5")

    check(cross_entropy, logits, Tensor([0, 1, 2]), ignore_index=2,
          want=(each[0] + each[1]) / 2)
    print("✅ ignore_index=2 gives the loss without that row")

    one_hot = Tensor(np.eye(3))
    check(cross_entropy, logits, one_hot, reduction="none", want=each)
    check(cross_entropy, Tensor([[0.0, 0.0]]), Tensor([[0.3, 0.7]]),
          want=np.log(2.0))
    print("✅ one-hot probability targets match class indices; equal "
          "logits cost log 2")

    check(cross_entropy, Tensor(np.zeros((2, 3, 4, 5))),
          Tensor(np.zeros((2, 4, 5))), reduction="none",
          want=np.full((2, 4, 5), np.log(3.0)))
    print("✅ (N, C, H, W) logits give one loss per pixel, (N, H, W)")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(31)
    x = rng.normal(scale=2.0, size=(6, 4))
    t = rng.integers(0, 4, size=6)
    t[2] = -100
    wv = np.array([0.5, 1.0, 2.0, 1.5])
    e = 0.2
    lp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    total, norm = 0.0, 0.0
    for i in range(6):
        if t[i] == -100:
            continue
        total += (1 - e) * wv[t[i]] * -lp[i, t[i]]
        total += e / 4 * sum(wv[k] * -lp[i, k] for k in range(4))
        norm += wv[t[i]]
    check(cross_entropy, Tensor(x, dtype=np.float64), Tensor(t),
          Tensor(wv, dtype=np.float64), label_smoothing=e,
          want=total / norm, atol=1e-12)
    y = rng.uniform(size=(6, 4))
    y /= y.sum(axis=1, keepdims=True)
    ref = np.mean([-sum(wv[k] * ((1 - e) * y[i, k] + e / 4) * lp[i, k]
                        for k in range(4)) for i in range(6)])
    check(cross_entropy, Tensor(x, dtype=np.float64),
          Tensor(y, dtype=np.float64), Tensor(wv, dtype=np.float64),
          label_smoothing=e, want=ref, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: cross_entropy in full ✓")


test_unit_cross_entropy()

# %% [markdown]
# ## S5: binary cross-entropy with weights, and from logits
#
# `binary_cross_entropy(..., weight)` scales each element's loss by its
# weight (an array that broadcasts to the input, e.g. one value per
# label). Unlike the class weights of S3, `'mean'` still divides by the
# number of elements: that is PyTorch's rule for this loss.
#
# A sigmoid followed by `binary_cross_entropy` throws information away at
# extreme logits. In float32, $\sigma(x) = 1 / (1 + e^{-x})$ rounds to
# exactly 1.0 for every $x$ from 17 up. With target 0, $1 - \sigma(x)$ is
# then 0, the clamp takes over, and the loss is 16.118 whatever the logit
# (PyTorch's `BCELoss` gives 100): for $x = 40$ the true loss is 40. And
# the clamp is flat, so its gradient is 0: no signal to fix the most
# confident mistakes. Working from the logit $x$ avoids the rounding:
#
# $$-\log \sigma(x) = \mathrm{softplus}(-x), \quad
#   -\log\big(1 - \sigma(x)\big) = \mathrm{softplus}(x), \quad
#   \mathrm{softplus}(x) = \max(x, 0) + \log\left(1 + e^{-|x|}\right)$$
#
# The right-hand form never overflows ($e^{-|x|} \le 1$), and
# `np.log1p(u)` computes $\log(1 + u)$ accurately even for tiny $u$. With
# element weights $w$ and a weight $p_w$ for the positive term:
#
# $$\ell_i = w_i \left[ p_w\, y_i\, \mathrm{softplus}(-x_i)
#   + (1 - y_i)\, \mathrm{softplus}(x_i) \right]$$
#
# `pos_weight` broadcasts along the last dimension, one value per label:
# for a label with 1 positive per 9 negatives, `pos_weight=9` makes the
# positives weigh as much as the negatives in total.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-bce", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def binary_cross_entropy(predictions, targets, weight=None, *,
                         reduction="mean"):
    """Binary cross-entropy of probabilities, with element weights.

    loss_i = -weight_i * (t_i * log(max(p_i, EPS))
                          + (1 - t_i) * log(max(1 - p_i, EPS)))
    then reduced: 'mean' (over every element, weights or not), 'sum' or
    'none'.

    Args:
        predictions: Tensor of probabilities in [0, 1].
        targets: Tensor of labels in [0, 1], the shape of predictions.
        weight: None, or a Tensor of weights >= 0 that broadcasts to the
            shape of predictions.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Example:
        >>> p, t = Tensor([[0.5, 0.9]]), Tensor([[1.0, 0.0]])
        >>> round(binary_cross_entropy(p, t, Tensor([2.0, 0.0]),
        ...                            reduction="sum").item(), 4)
        1.3863

    TODO: multiply every element's loss by its weight, then reduce.

    HINTS:
        - The core's binary_cross_entropy(..., reduction="none") gives
          the unweighted losses as a Tensor; w broadcasts against them.
    """
    if weight is None:
        return core.binary_cross_entropy(predictions, targets,
                                         reduction=reduction)
    reduction = checks.reduction("binary_cross_entropy", reduction)
    p, t = checks.probabilities("binary_cross_entropy", predictions, targets)
    w = checks.elementwise_weight("binary_cross_entropy", "weight", weight,
                                  p.shape, p.dtype)
    ### BEGIN SOLUTION
    losses = core.binary_cross_entropy(from_numpy(p), from_numpy(t),
                                       reduction="none").data
    return reduce_losses(w * losses, reduction)
    ### END SOLUTION


def binary_cross_entropy_with_logits(logits, targets, weight=None, *,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy from logits: a sigmoid and BCE, fused and stable.

    softplus(x) = max(x, 0) + log(1 + exp(-|x|))
    loss_i = w_i * (pw_i * y_i * softplus(-x_i) + (1 - y_i) * softplus(x_i))
    with w = weight and pw = pos_weight (1 when None, both broadcast to
    the logits), then reduced: 'mean', 'sum' or 'none'.

    Args:
        logits: Tensor of raw scores (before any sigmoid).
        targets: Tensor of labels in [0, 1], the shape of the logits.
        weight: None, or a Tensor of weights >= 0 (broadcasts).
        reduction: 'mean', 'sum' or 'none' (keyword only).
        pos_weight: None, or a Tensor of weights >= 0 for the positive
            term, e.g. (K,): one per label (keyword only).

    Example:
        >>> binary_cross_entropy_with_logits(
        ...     Tensor([40.0, -40.0]), Tensor([0.0, 1.0]),
        ...     reduction="none").data.tolist()
        [40.0, 40.0]

    TODO: compute the loss with softplus, never with a sigmoid or exp(x).

    APPROACH:
        1. tail = np.log1p(np.exp(-np.abs(x))), shared by both terms.
        2. softplus(x) = np.maximum(x, 0) + tail; softplus(-x) likewise.
        3. w * (pw * y * softplus(-x) + (1 - y) * softplus(x)); reduce.

    EXAMPLE:
        x = 0, y = 1 -> softplus(0) = log 2 = 0.6931
    """
    name = "binary_cross_entropy_with_logits"
    reduction = checks.reduction(name, reduction)
    x, y = checks.logits_and_labels(name, logits, targets)
    w = checks.elementwise_weight(name, "weight", weight, x.shape, x.dtype)
    pw = checks.elementwise_weight(name, "pos_weight", pos_weight, x.shape,
                                   x.dtype)
    ### BEGIN SOLUTION
    tail = np.log1p(np.exp(-np.abs(x)))
    softplus = np.maximum(x, 0) + tail
    softplus_neg = np.maximum(-x, 0) + tail
    losses = w * (pw * y * softplus_neg + (1 - y) * softplus)
    return reduce_losses(losses, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-bce", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_bce():
    """🔬 Unit Test: binary_cross_entropy(weight) and ..._with_logits"""
    print("🔬 Unit Test: BCE with weights, and from logits...")
    p, t = Tensor([[0.5, 0.9], [0.2, 0.6]]), Tensor([[1.0, 0.0],
                                                     [0.0, 1.0]])
    each = core.binary_cross_entropy(p, t, reduction="none").data
    w = Tensor([2.0, 0.0])
    check(binary_cross_entropy, p, t, w, reduction="none",
          want=each * [2.0, 0.0])
    check(binary_cross_entropy, p, t, w, want=(each * [2.0, 0.0]).mean())
    print("✅ weight [2, 0] per label; 'mean' still divides by 4 elements")

    check(binary_cross_entropy_with_logits, Tensor([0.0, 0.0]),
          Tensor([1.0, 0.0]), want=np.log(2.0))
    print("✅ logit 0 costs log 2 = 0.6931 for either label")
    x = np.array([-3.0, -0.5, 0.2, 2.5])
    y = Tensor([1.0, 0.0, 1.0, 0.25])
    probs = Tensor(1.0 / (1.0 + np.exp(-x)))
    check(binary_cross_entropy_with_logits, Tensor(x), y, reduction="sum",
          want=core.binary_cross_entropy(probs, y, reduction="sum").item(),
          atol=1e-5)
    print("✅ for moderate logits it equals sigmoid + binary_cross_entropy")
    check(binary_cross_entropy_with_logits, Tensor([40.0, -40.0, 100.0]),
          Tensor([0.0, 1.0, 1.0]), reduction="none", want=[40.0, 40.0, 0.0])
    print("✅ logits ±40 on the wrong side cost 40, not a clamped 16.118")
    check(binary_cross_entropy_with_logits, Tensor([[0.0, 0.0]]),
          Tensor([[1.0, 1.0]]), reduction="none",
          pos_weight=Tensor([3.0, 1.0]),
          want=[[3 * np.log(2.0), np.log(2.0)]])
    check(binary_cross_entropy_with_logits, Tensor([[0.0, 0.0]]),
          Tensor([[0.0, 0.0]]), reduction="none",
          pos_weight=Tensor([3.0, 1.0]), want=[[np.log(2.0)] * 2])
    print("✅ pos_weight [3, 1] scales the positive term only")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(41)
    xs = rng.normal(scale=5.0, size=(5, 3))
    ys = (rng.uniform(size=(5, 3)) < 0.5).astype(np.float64)
    pws, ws = np.array([0.5, 2.0, 4.0]), rng.uniform(0.1, 2, size=(5, 1))
    ref = np.mean(ws * (pws * ys * np.logaddexp(0.0, -xs)
                        + (1 - ys) * np.logaddexp(0.0, xs)))
    check(binary_cross_entropy_with_logits, Tensor(xs, dtype=np.float64),
          Tensor(ys, dtype=np.float64), Tensor(ws, dtype=np.float64),
          pos_weight=Tensor(pws, dtype=np.float64), want=ref, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: BCE with weights, and from logits ✓")


test_unit_bce()

# %% [markdown]
# The two routes for target 0 and growing logits, in float32: a sigmoid
# followed by `binary_cross_entropy`, and `binary_cross_entropy_with_logits`,
# against the exact $\mathrm{softplus}(x)$ in float64.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-demo-extreme-logits", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
extreme = np.array([5.0, 10.0, 17.0, 40.0, 100.0], dtype=np.float32)
zeros = Tensor(np.zeros(5))
with np.errstate(over="ignore"):
    sig32 = np.float32(1.0) / (np.float32(1.0) + np.exp(-extreme))
two_step = binary_cross_entropy(Tensor(sig32), zeros, reduction="none")
fused = binary_cross_entropy_with_logits(Tensor(extreme), zeros,
                                         reduction="none")
print(f"{'x':>5} {'sigmoid(x), f32':>16} {'sigmoid + BCE':>14} "
      f"{'from logits':>12} {'exact':>9}")
for x, s, a, b in zip(extreme, sig32, two_step.data, fused.data):
    exact = float(x) + np.log1p(np.exp(-float(x)))
    print(f"{x:5.0f} {s:16.9f} {a:14.4f} {b:12.4f} {exact:9.4f}")

# %% [markdown]
# ## S6: `kl_div`
#
# The Kullback-Leibler divergence measures how far a predicted
# distribution $q$ is from a target distribution $p$:
#
# $$D_{\mathrm{KL}}(p \,\|\, q) = \sum_c p_c \left(\log p_c - \log q_c\right)$$
#
# It is 0 when $q = p$ and positive otherwise, and it explains
# cross-entropy: $H(p, q) = H(p) + D_{\mathrm{KL}}(p \,\|\, q)$, where the
# entropy $H(p)$ of the targets does not depend on the model. For
# $p = [0.5, 0.5]$ and $q = [0.9, 0.1]$ it is about 0.5108, and
# $H(p, q) \approx 1.2040 = \log 2 + 0.5108$. Distillation and variational
# autoencoders use it. PyTorch's conventions, followed here:
#
# - the input is $\log q$ (log-probabilities, e.g. from `log_softmax`);
#   the target is $p$, or $\log p$ with `log_target=True`;
# - a term with $p_c = 0$ is 0 ($0 \log 0 = 0$);
# - `reduction='batchmean'` divides the sum by the batch size $N$: the KL
#   per sample, what the formula means. The default `'mean'` divides by
#   every element, $N \cdot C$. For the example above as a batch of one,
#   `'batchmean'` gives 0.5108 and `'mean'` about 0.2554.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-kl", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def kl_div(log_probs, targets, *, reduction="mean", log_target=False):
    """KL divergence of predicted log-probabilities from target ones.

    p = targets (exp(targets) with log_target), log_p = log p
    loss_i = p_i * (log_p_i - log_probs_i), and 0 where p_i == 0.
    'mean': the sum / the number of elements; 'batchmean': the sum / N,
    the KL per sample; 'sum'; 'none'.

    Args:
        log_probs: Tensor of log-probabilities log q (finite or -inf).
        targets: Tensor of probabilities in [0, 1] (or log-probabilities
            <= 0 with log_target=True), the shape of log_probs.
        reduction: 'mean', 'batchmean', 'sum' or 'none' (keyword only).
        log_target: whether targets hold log p (keyword only).

    Example:
        >>> lq, p = Tensor(np.log([[0.9, 0.1]])), Tensor([[0.5, 0.5]])
        >>> round(kl_div(lq, p, reduction="batchmean").item(), 4)
        0.5108

    TODO: compute p * (log p - log q) where p > 0, 0 elsewhere, and
    reduce; 'batchmean' divides the sum by lq.shape[0].

    APPROACH:
        1. p and log_p: (exp(t), t) with log_target, else (t, log t).
        2. terms = zeros; on the mask p > 0, terms = p * (log_p - lq).
        3. 'batchmean': from_numpy(terms.sum() / lq.shape[0]); otherwise
           reduce_losses(terms, reduction).

    HINTS:
        - Work on the mask only (terms[m] = p[m] * ...): log(0) and
          0 * inf never run then.

    NOTE: PyTorch gives NaN for a term with p = 0 where log q = -inf, or
    with log_target=True where p = 0; here such a term is 0.
    """
    reduction = checks.reduction("kl_div", reduction,
                                 ("mean", "batchmean", "sum", "none"))
    log_target = checks.boolean("kl_div", "log_target", log_target,
                                "True when the targets hold log-probabilities")
    lq, t = checks.kl_inputs("kl_div", log_probs, targets, log_target)
    ### BEGIN SOLUTION
    if log_target:
        p, log_p = np.exp(t), t
    else:
        p = t
        log_p = np.log(np.where(t > 0, t, 1))
    terms = np.zeros_like(lq)
    m = p > 0
    terms[m] = p[m] * (log_p[m] - lq[m])
    if reduction == "batchmean":
        return from_numpy(terms.sum() / lq.shape[0])
    return reduce_losses(terms, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-kl", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_kl_div():
    """🔬 Unit Test: kl_div"""
    print("🔬 Unit Test: kl_div...")
    lq, p = Tensor(np.log([[0.9, 0.1]])), Tensor([[0.5, 0.5]])
    check(kl_div, lq, p, reduction="batchmean", want=0.51082562)
    check(kl_div, lq, p, want=0.51082562 / 2)
    print("✅ KL([0.5, 0.5] || [0.9, 0.1]): 'batchmean' 0.5108, "
          "'mean' 0.2554")
    check(kl_div, Tensor(np.log([[0.2, 0.8]])), Tensor([[0.2, 0.8]]),
          reduction="sum", want=0.0)
    check(kl_div, Tensor(np.log([[0.5, 0.5]])), Tensor([[1.0, 0.0]]),
          reduction="none", want=[[np.log(2.0), 0.0]])
    print("✅ KL(p || p) = 0, and a term with p = 0 is 0")
    check(kl_div, lq, Tensor(np.log([[0.5, 0.5]])), reduction="batchmean",
          log_target=True, want=0.51082562)
    print("✅ log_target=True with log p gives the same")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(51)
    a = rng.uniform(0.05, 1.0, size=(4, 3))
    a /= a.sum(axis=1, keepdims=True)
    b = rng.uniform(0.05, 1.0, size=(4, 3))
    b /= b.sum(axis=1, keepdims=True)
    ref = sum(a[i, j] * np.log(a[i, j] / b[i, j])
              for i in range(4) for j in range(3))
    check(kl_div, Tensor(np.log(b), dtype=np.float64),
          Tensor(a, dtype=np.float64), reduction="batchmean", want=ref / 4,
          atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: kl_div ✓")


test_unit_kl_div()

# %% [markdown]
# ## S7: `sigmoid_focal_loss`
#
# In object detection almost every candidate box is background, and most
# are easy: each costs little, but together they drown out the rare hard
# ones. The **focal loss** of RetinaNet (Lin et al., 2017) multiplies each
# element's binary cross-entropy by $(1 - p_t)^\gamma$, where $p_t$ is the
# probability the model gives to the right answer:
#
# $$p = \sigma(x), \quad p_t = p\,y + (1 - p)(1 - y), \quad
#   \alpha_t = \alpha\,y + (1 - \alpha)(1 - y), \quad
#   \ell = \alpha_t\,(1 - p_t)^\gamma\,\mathrm{BCE}(x, y)$$
#
# With $\gamma = 2$, an easy element with $p_t = 0.9$ keeps a factor
# $0.1^2 = 0.01$ of its loss, and a hard one with $p_t = 0.1$ keeps
# $0.9^2 = 0.81$. $\alpha$ (0.25 by default) weighs positives against
# negatives. `torch.nn` has no focal loss; this is torchvision's
# `sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2,
# reduction='none')`: note the default `'none'`, and a negative `alpha`
# (torchvision uses -1) turns the $\alpha_t$ factor off. With
# $\gamma = 0$ and no $\alpha$ it is exactly
# `binary_cross_entropy_with_logits`, which you use for the BCE term.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-focal", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, *,
                       reduction="none"):
    """Focal loss (RetinaNet, torchvision): BCE that fades on easy elements.

    p = sigmoid(x), p_t = p * y + (1 - p) * (1 - y),
    alpha_t = alpha * y + (1 - alpha) * (1 - y) (1 when alpha < 0)
    loss_i = alpha_t * (1 - p_t) ** gamma * BCE-with-logits(x_i, y_i)
    then reduced: 'none' (default, as torchvision), 'mean' or 'sum'.

    Args:
        logits: Tensor of raw scores.
        targets: Tensor of labels in [0, 1], the shape of the logits.
        alpha: in [0, 1], or negative (-1) for no weighting (default 0.25).
        gamma: the focusing exponent, >= 0 (default 2).
        reduction: 'none', 'mean' or 'sum' (keyword only).

    Example:
        >>> out = sigmoid_focal_loss(Tensor([2.0, -1.0]), Tensor([1.0, 1.0]))
        >>> print(np.round(out.data, 6))
        [0.000451 0.175467]

    TODO: scale each element's BCE-with-logits by alpha_t and by the
    focusing factor (1 - p_t) ** gamma, then reduce.

    APPROACH:
        1. bce = binary_cross_entropy_with_logits(from_numpy(x),
           from_numpy(y), reduction="none").data (your S5).
        2. p = np.exp(-np.logaddexp(0, -x)): a sigmoid that cannot
           overflow. p_t = p * y + (1 - p) * (1 - y).
        3. losses = (1 - p_t) ** gamma * bce; if alpha >= 0, times
           alpha * y + (1 - alpha) * (1 - y). Reduce.

    EXAMPLE:
        x = 2, y = 1: p_t = sigmoid(2) = 0.8808, bce = 0.1269
        -> 0.25 * 0.1192 ** 2 * 0.1269 = 0.000451
    """
    name = "sigmoid_focal_loss"
    reduction = checks.reduction(name, reduction)
    alpha = checks.number(name, "alpha", alpha, -1.0, 1.0,
                          hint="the weight of the positives, 0.25 by "
                               "default; -1 turns the weighting off")
    gamma = checks.number(name, "gamma", gamma, 0.0,
                          hint="0 gives plain BCE; 2 is the default")
    x, y = checks.logits_and_labels(name, logits, targets)
    ### BEGIN SOLUTION
    bce = binary_cross_entropy_with_logits(from_numpy(x), from_numpy(y),
                                           reduction="none").data
    p = np.exp(-np.logaddexp(0, -x))
    p_t = p * y + (1 - p) * (1 - y)
    losses = (1 - p_t) ** gamma * bce
    if alpha >= 0:
        losses = (alpha * y + (1 - alpha) * (1 - y)) * losses
    return reduce_losses(losses, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-focal", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_focal():
    """🔬 Unit Test: sigmoid_focal_loss"""
    print("🔬 Unit Test: sigmoid_focal_loss...")
    x, y = Tensor([2.0, -1.0, 3.0]), Tensor([1.0, 1.0, 0.0])
    want = [0.000450891, 0.175467076, 2.074710331]
    check(sigmoid_focal_loss, x, y, want=want, rtol=1e-5)
    check(sigmoid_focal_loss, x, y, reduction="mean", want=np.mean(want),
          rtol=1e-5)
    print("✅ logits [2, -1, 3], targets [1, 1, 0]: "
          "[0.000451, 0.175467, 2.074710]")
    x, y = Tensor([0.3, -2.0, 4.0, 1.0]), Tensor([1.0, 0.0, 0.0, 1.0])
    plain = binary_cross_entropy_with_logits(x, y, reduction="none").data
    check(sigmoid_focal_loss, x, y, -1, 0.0, want=plain)
    print("✅ gamma = 0 with alpha = -1 is binary_cross_entropy_with_logits")
    easy = sigmoid_focal_loss(Tensor([np.log(9.0)]), Tensor([1.0]),
                              alpha=-1).item()
    hard = sigmoid_focal_loss(Tensor([-np.log(9.0)]), Tensor([1.0]),
                              alpha=-1).item()
    assert abs(easy / -np.log(0.9) - 0.01) < 1e-5, (
        f"p_t = 0.9 should keep 1% of its loss, kept {easy / -np.log(0.9)}")
    assert abs(hard / -np.log(0.1) - 0.81) < 1e-5, (
        f"p_t = 0.1 should keep 81% of its loss, kept {hard / -np.log(0.1)}")
    print("✅ p_t = 0.9 keeps 0.01 of its loss, p_t = 0.1 keeps 0.81")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(61)
    xs = rng.normal(scale=4.0, size=12)
    ys = (rng.uniform(size=12) < 0.3).astype(np.float64)
    ref = 0.0
    for xi, yi in zip(xs, ys):
        pi = 1.0 / (1.0 + np.exp(-xi))
        ce = -(yi * np.log(pi) + (1 - yi) * np.log(1 - pi))
        pt = pi * yi + (1 - pi) * (1 - yi)
        ref += (0.4 * yi + 0.6 * (1 - yi)) * (1 - pt) ** 1.5 * ce
    check(sigmoid_focal_loss, Tensor(xs, dtype=np.float64),
          Tensor(ys, dtype=np.float64), 0.4, 1.5, reduction="sum", want=ref,
          atol=1e-10)
    ### END HIDDEN TESTS
    print("📈 Progress: sigmoid_focal_loss ✓")


test_unit_focal()

# %% [markdown]
# ## S8: losses on embeddings: `triplet_margin_loss` and `info_nce`
#
# Contrastive losses train a model to produce **embeddings**, vectors in
# which similar things are close and different things far apart; they
# need pairs known to belong together, not class labels.
#
# **Triplet loss** (FaceNet) takes an anchor $a$, a positive $p$ (same
# person) and a negative $n$, and asks the positive to be closer by a
# margin $m$: $\ell = \max\big(0,\; d(a, p) - d(a, n) + m\big)$ with
# $d(x, y) = \lVert x - y + \epsilon \rVert_p$, PyTorch's distance: the
# plain $p$-norm (the textbook chapter's formula squares it, as FaceNet
# does), with $\epsilon$ added to the difference. With `swap=True` the
# negative's distance is the smaller of $d(a, n)$ and $d(p, n)$.
#
# **InfoNCE** (CLIP, SimCLR) treats a batch of $N$ pairs $(q_i, k_i)$ as
# classification: query $i$ must pick its own key among all $N$ keys, by
# cosine similarity over a temperature $\tau$:
#
# $$z_{ij} = \frac{\hat q_i \cdot \hat k_j}{\tau}, \quad
#   \hat v = \frac{v}{\max(\lVert v \rVert, 10^{-12})}, \qquad
#   \ell_i = \log \sum_j e^{z_{ij}} - z_{ii}$$
#
# That is cross-entropy on the $(N, N)$ similarity matrix with targets
# $0, 1, \dots, N - 1$, so the core's `cross_entropy` does the work. A
# small $\tau$ sharpens the softmax; CLIP starts its learnable temperature
# at 0.07, the default here. PyTorch has no InfoNCE function.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-contrastive", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0,
                        eps=1e-6, swap=False, *, reduction="mean"):
    """Triplet margin loss: the anchor closer to the positive than to the
    negative, by a margin.

    d(x, y) = ||x - y + eps||_p along the last dimension
    loss_i = max(d(a_i, p_i) - d(a_i, n_i) + margin, 0)
    (swap: d(a_i, n_i) becomes min(d(a_i, n_i), d(p_i, n_i))); reduced.

    Args:
        anchor, positive, negative: Tensors (N, D), or (D,) for one triplet.
        margin: > 0 (default 1.0). p: the norm's degree, > 0, inf allowed
            (default 2). eps: >= 0 (default 1e-6). swap: bool.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Example:
        >>> triplet_margin_loss(Tensor([[0.0, 0.0]]), Tensor([[3.0, 4.0]]),
        ...                     Tensor([[1.0, 0.0]]), eps=0.0).item()
        5.0

    TODO: compute both distances with the p-norm, then the hinge.

    EXAMPLE:
        anchor [0, 0], positive [3, 4], negative [1, 0], margin 1, p 2,
        eps 0 -> d_pos 5, d_neg 1 -> max(5 - 1 + 1, 0) = 5

    HINTS:
        - np.linalg.norm(x - y + eps, ord=p, axis=-1) is the distance.
        - np.maximum(v, 0) is the hinge; np.minimum picks the smaller.
    """
    name = "triplet_margin_loss"
    reduction = checks.reduction(name, reduction)
    margin = checks.number(name, "margin", margin, 0.0, low_open=True,
                           hint="the gap wanted between the distances; "
                                "1.0 is the default")
    p = checks.number(name, "p", p, 0.0, low_open=True, allow_inf=True,
                      hint="2 is the Euclidean distance, 1 the Manhattan one")
    eps = checks.number(name, "eps", eps, 0.0, hint="a tiny number, 1e-6")
    swap = checks.boolean(name, "swap", swap,
                          "True also compares the positive with the negative")
    a, pos, neg = checks.embeddings(name, anchor=anchor, positive=positive,
                                    negative=negative)
    ### BEGIN SOLUTION
    def distance(u, v):
        return np.linalg.norm(u - v + eps, ord=p, axis=-1)

    d_pos, d_neg = distance(a, pos), distance(a, neg)
    if swap:
        d_neg = np.minimum(d_neg, distance(pos, neg))
    return reduce_losses(np.maximum(d_pos - d_neg + margin, 0), reduction)
    ### END SOLUTION


def info_nce(queries, keys, temperature=0.07, *, normalize=True,
             reduction="mean"):
    """InfoNCE: each query must pick its own key among all the keys.

    q^ = q / max(||q||, 1e-12), k^ likewise (unless normalize=False)
    z_ij = q^_i . k^_j / temperature
    loss_i = logsumexp_j(z_ij) - z_ii, i.e. cross_entropy(z, [0..N-1]).

    Args:
        queries, keys: Tensors (N, D); row i of each belongs together.
        temperature: > 0 (default 0.07, CLIP's initial value).
        normalize: compare cosines (default True), or raw dot products.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Example:
        >>> q = Tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> print(np.round(info_nce(q, q, 1.0, reduction="none").data, 4))
        [0.3133 0.3133]

    TODO: normalise the rows (if asked), score every query against every
    key, and let the core's cross_entropy do the rest.

    APPROACH:
        1. With normalize: q = q / np.maximum(norm of each row, 1e-12),
           the same for k (np.linalg.norm(q, axis=1, keepdims=True)).
        2. scores = q @ k.T / temperature, shape (N, N).
        3. core.cross_entropy(from_numpy(scores),
           from_numpy(np.arange(N)), reduction=reduction).

    EXAMPLE:
        q = k = [[1, 0], [0, 1]], temperature 1 -> scores [[1, 0], [0, 1]]
        -> log(e + 1) - 1 = 0.3133 for both rows
    """
    name = "info_nce"
    reduction = checks.reduction(name, reduction)
    temperature = checks.number(name, "temperature", temperature, 0.0,
                                low_open=True,
                                hint="CLIP starts at 0.07; larger values "
                                     "soften the softmax")
    normalize = checks.boolean(name, "normalize", normalize,
                               "True compares cosine similarities")
    q, k = checks.embeddings(name, matrix=True, queries=queries, keys=keys)
    ### BEGIN SOLUTION
    if normalize:
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        k = k / np.maximum(np.linalg.norm(k, axis=1, keepdims=True), 1e-12)
    scores = q @ k.T / temperature
    return core.cross_entropy(from_numpy(scores),
                              from_numpy(np.arange(len(q))),
                              reduction=reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-contrastive", "locked": true, "points": 9, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_contrastive():
    """🔬 Unit Test: triplet_margin_loss and info_nce"""
    print("🔬 Unit Test: triplet_margin_loss and info_nce...")
    a = Tensor([[0.0, 0.0], [0.0, 0.0]])
    p = Tensor([[3.0, 4.0], [1.0, 0.0]])
    n = Tensor([[1.0, 0.0], [6.0, 8.0]])
    check(triplet_margin_loss, a, p, n, eps=0.0, reduction="none",
          want=[5.0, 0.0])
    print("✅ d(a,p)=5, d(a,n)=1 costs 5; d(a,p)=1, d(a,n)=10 costs 0")
    check(triplet_margin_loss, a, p, n, p=1.0, eps=0.0, reduction="none",
          want=[7.0, 0.0])
    check(triplet_margin_loss, Tensor([[0.0, 0.0]]), Tensor([[3.0, 0.0]]),
          Tensor([[4.0, 0.0]]), eps=0.0, swap=True, want=3.0)
    print("✅ p=1 is the Manhattan distance; swap uses d(p, n) if smaller")

    q = Tensor([[2.0, 0.0], [0.0, 3.0]])
    k = Tensor([[1.0, 0.0], [0.0, 1.0]])
    check(info_nce, q, k, 1.0, reduction="none",
          want=[np.log(np.e + 1.0) - 1.0] * 2)
    print("✅ cosines [[1, 0], [0, 1]] at temperature 1: 0.3133 per query")
    z = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])
    want = core.cross_entropy(Tensor(z @ z.T / 0.5), Tensor([0, 1])).item()
    check(info_nce, Tensor(z), Tensor(z), 0.5, normalize=False, want=want,
          atol=1e-5)
    print("✅ normalize=False: cross-entropy of q @ k.T / temperature")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(71)
    an, po, ne = (rng.normal(size=(5, 3)) for _ in range(3))
    ref = 0.0
    for x, y, w in zip(an, po, ne):
        d_p = np.sum(np.abs(x - y + 1e-6) ** 3) ** (1 / 3)
        d_n = min(np.sum(np.abs(x - w + 1e-6) ** 3) ** (1 / 3),
                  np.sum(np.abs(y - w + 1e-6) ** 3) ** (1 / 3))
        ref += max(d_p - d_n + 0.5, 0.0)
    check(triplet_margin_loss, Tensor(an, dtype=np.float64),
          Tensor(po, dtype=np.float64), Tensor(ne, dtype=np.float64), 0.5,
          3.0, 1e-6, True, reduction="sum", want=ref, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: triplet_margin_loss and info_nce ✓")


test_unit_contrastive()

# %% [markdown]
# ## The loss classes
#
# As in the core, the classes are given: each keeps its settings and
# calls your function, and `CrossEntropyLoss`, `BinaryCrossEntropyLoss`
# (`BCELoss`) replace the core's versions once this notebook is exported.
# Tensor settings (`weight`, `pos_weight`) are kept as NumPy copies, so
# `parameters()` leaves them out: a loss has nothing to train.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-classes", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
def _kept(name, arg, value):
    """A Tensor setting as a private NumPy copy (None stays None)."""
    value = checks.optional_tensor(name, arg, value)
    return None if value is None else np.array(value.data)


def _tensor(array):
    return None if array is None else from_numpy(array)


class L1Loss(Loss):
    """`L1Loss()(predictions, targets)`: see `l1_loss`."""

    def __init__(self, *, reduction="mean"):
        super().__init__()
        self.reduction = checks.reduction("L1Loss", reduction)

    def forward(self, predictions, targets):
        return l1_loss(predictions, targets, reduction=self.reduction)


class HuberLoss(Loss):
    """`HuberLoss()(predictions, targets)`: see `huber_loss`."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__()
        self.reduction = checks.reduction("HuberLoss", reduction)
        self.delta = checks.number("HuberLoss", "delta", delta, 0.0,
                                   low_open=True, hint="1.0 is the default")

    def forward(self, predictions, targets):
        return huber_loss(predictions, targets, reduction=self.reduction,
                          delta=self.delta)


class SmoothL1Loss(Loss):
    """`SmoothL1Loss()(predictions, targets)`: see `smooth_l1_loss`."""

    def __init__(self, *, reduction="mean", beta=1.0):
        super().__init__()
        self.reduction = checks.reduction("SmoothL1Loss", reduction)
        self.beta = checks.number("SmoothL1Loss", "beta", beta, 0.0,
                                  hint="beta=0 is the L1 loss")

    def forward(self, predictions, targets):
        return smooth_l1_loss(predictions, targets, reduction=self.reduction,
                              beta=self.beta)


class NLLLoss(Loss):
    """`NLLLoss()(log_probs, targets)`: see `nll_loss`."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.weight = _kept("NLLLoss", "weight", weight)
        self.ignore_index = checks.integer("NLLLoss", "ignore_index",
                                           ignore_index)
        self.reduction = checks.reduction("NLLLoss", reduction)

    def forward(self, log_probs, targets):
        return nll_loss(log_probs, targets, _tensor(self.weight),
                        ignore_index=self.ignore_index,
                        reduction=self.reduction)


class CrossEntropyLoss(Loss):
    """`CrossEntropyLoss()(logits, targets)`: see `cross_entropy`."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean",
                 label_smoothing=0.0):
        super().__init__()
        name = "CrossEntropyLoss"
        self.weight = _kept(name, "weight", weight)
        self.ignore_index = checks.integer(name, "ignore_index", ignore_index)
        self.reduction = checks.reduction(name, reduction)
        self.label_smoothing = checks.number(
            name, "label_smoothing", label_smoothing, 0.0, 1.0,
            hint="0 means no smoothing; 0.1 is common")

    def forward(self, logits, targets):
        return cross_entropy(logits, targets, _tensor(self.weight),
                             ignore_index=self.ignore_index,
                             reduction=self.reduction,
                             label_smoothing=self.label_smoothing)


class BinaryCrossEntropyLoss(Loss):
    """`BinaryCrossEntropyLoss()(predictions, targets)`: see
    `binary_cross_entropy`. `BCELoss` is another name for it."""

    def __init__(self, weight=None, *, reduction="mean"):
        super().__init__()
        self.weight = _kept("BinaryCrossEntropyLoss", "weight", weight)
        self.reduction = checks.reduction("BinaryCrossEntropyLoss", reduction)

    def forward(self, predictions, targets):
        return binary_cross_entropy(predictions, targets,
                                    _tensor(self.weight),
                                    reduction=self.reduction)


BCELoss = BinaryCrossEntropyLoss


class BCEWithLogitsLoss(Loss):
    """`BCEWithLogitsLoss()(logits, targets)`: see
    `binary_cross_entropy_with_logits`."""

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__()
        self.weight = _kept("BCEWithLogitsLoss", "weight", weight)
        self.reduction = checks.reduction("BCEWithLogitsLoss", reduction)
        self.pos_weight = _kept("BCEWithLogitsLoss", "pos_weight",
                                pos_weight)

    def forward(self, logits, targets):
        return binary_cross_entropy_with_logits(
            logits, targets, _tensor(self.weight), reduction=self.reduction,
            pos_weight=_tensor(self.pos_weight))


class KLDivLoss(Loss):
    """`KLDivLoss()(log_probs, targets)`: see `kl_div`."""

    def __init__(self, *, reduction="mean", log_target=False):
        super().__init__()
        self.reduction = checks.reduction(
            "KLDivLoss", reduction, ("mean", "batchmean", "sum", "none"))
        self.log_target = checks.boolean(
            "KLDivLoss", "log_target", log_target,
            "True when the targets hold log-probabilities")

    def forward(self, log_probs, targets):
        return kl_div(log_probs, targets, reduction=self.reduction,
                      log_target=self.log_target)


class FocalLoss(Loss):
    """`FocalLoss()(logits, targets)`: see `sigmoid_focal_loss`.

    NOTE: like every loss class here (and unlike torchvision's function)
    it reduces with 'mean' by default.
    """

    def __init__(self, alpha=0.25, gamma=2.0, *, reduction="mean"):
        super().__init__()
        self.alpha = checks.number("FocalLoss", "alpha", alpha, -1.0, 1.0,
                                   hint="-1 turns the weighting off")
        self.gamma = checks.number("FocalLoss", "gamma", gamma, 0.0,
                                   hint="2 is the default")
        self.reduction = checks.reduction("FocalLoss", reduction)

    def forward(self, logits, targets):
        return sigmoid_focal_loss(logits, targets, self.alpha, self.gamma,
                                  reduction=self.reduction)


class TripletMarginLoss(Loss):
    """`TripletMarginLoss()(anchor, positive, negative)`: see
    `triplet_margin_loss`."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, *,
                 reduction="mean"):
        super().__init__()
        name = "TripletMarginLoss"
        self.margin = checks.number(name, "margin", margin, 0.0,
                                    low_open=True, hint="1.0 is the default")
        self.p = checks.number(name, "p", p, 0.0, low_open=True,
                               allow_inf=True, hint="2.0 is the default")
        self.eps = checks.number(name, "eps", eps, 0.0, hint="1e-6")
        self.swap = checks.boolean(name, "swap", swap, "False by default")
        self.reduction = checks.reduction(name, reduction)

    def forward(self, anchor, positive, negative):
        return triplet_margin_loss(anchor, positive, negative, self.margin,
                                   self.p, self.eps, self.swap,
                                   reduction=self.reduction)


class InfoNCELoss(Loss):
    """`InfoNCELoss()(queries, keys)`: see `info_nce`."""

    def __init__(self, temperature=0.07, normalize=True, *,
                 reduction="mean"):
        super().__init__()
        self.temperature = checks.number(
            "InfoNCELoss", "temperature", temperature, 0.0, low_open=True,
            hint="CLIP starts at 0.07")
        self.normalize = checks.boolean("InfoNCELoss", "normalize",
                                        normalize, "True by default")
        self.reduction = checks.reduction("InfoNCELoss", reduction)

    def forward(self, queries, keys):
        return info_nce(queries, keys, self.temperature,
                        normalize=self.normalize, reduction=self.reduction)

# %% [markdown]
# ## S9: gradients, measured
#
# Autograd will need each loss's derivative with respect to its input.
# Three are worth knowing by heart, because they explain why classifiers
# train with cross-entropy rather than MSE. For one element with target
# $y$:
#
# | loss of one element | its derivative |
# |---|---|
# | MSE: $(p - y)^2$ | $\partial \ell / \partial p = 2 (p - y)$ |
# | BCE: $-[y \log p + (1 - y) \log(1 - p)]$ | $\partial \ell / \partial p = -y / p + (1 - y) / (1 - p)$ |
# | BCE from the logit, $p = \sigma(x)$ | $\partial \ell / \partial x = -p_w\, y\, \sigma(-x) + (1 - y)\, \sigma(x)$, which is $\sigma(x) - y$ when $p_w = 1$ |
#
# With `'mean'` over $n$ elements each is divided by $n$, and element
# weights multiply it. The clamp of `binary_cross_entropy` is part of the
# function, so it is part of the derivative: where $p \le \varepsilon$
# the term $\log \max(p, \varepsilon)$ is flat and contributes 0
# (likewise for $1 - p$).
#
# A backward follows the registry's rule (see the core):
# `backward(grad, *inputs, **settings)` returns one gradient per input,
# shaped like it, or None; settings such as `weight` come by name, and
# `grad` (one number, or one per element for `'none'`) is the gradient
# arriving from after the loss, which multiplies yours. Given lines
# register your functions; the test compares them with finite
# differences (`tinytorch.testing.check_gradients`).

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-gradients", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def mse_loss_backward(grad, predictions, targets, *, reduction="mean"):
    """Gradients of the core's `mse_loss`: (d predictions, d targets).

    d loss_i / d p_i = 2 * (p_i - t_i) = -d loss_i / d t_i, times `grad`,
    divided by the number of elements for 'mean'.

    Example:
        >>> d, _ = mse_loss_backward(np.float32(1), Tensor([0.05]),
        ...                          Tensor([1.0]))
        >>> print(np.round(d, 4))
        [-1.9]

    TODO: return (d_p, -d_p) with d_p = 2 * (p - t) * g, divided by p.size
    for 'mean'.
    """
    reduction = checks.reduction("mse_loss_backward", reduction)
    p, t = checks.same_shape("mse_loss", predictions, targets)
    g = checks.upstream("mse_loss_backward", grad, reduction, p.shape,
                        p.dtype)
    ### BEGIN SOLUTION
    d = 2 * (p - t) * g
    if reduction == "mean":
        d = d / p.size
    return d, -d
    ### END SOLUTION


def binary_cross_entropy_backward(grad, predictions, targets, weight=None,
                                  *, reduction="mean"):
    """Gradient of `binary_cross_entropy` for the predictions: (d p, None).

    d loss_i / d p_i = w_i * (-t_i / p_i        (0 where p_i <= EPS)
                              + (1 - t_i) / (1 - p_i))  (0 where
                              1 - p_i <= EPS), times `grad`, divided by
    the number of elements for 'mean'. Targets get no gradient here.

    Example:
        >>> d, _ = binary_cross_entropy_backward(
        ...     np.float32(1), Tensor([0.05, 0.0]), Tensor([1.0, 1.0]),
        ...     reduction="sum")
        >>> print(np.round(d, 4))
        [-20.   0.]

    TODO: return (d_p, None), the derivative of the clamped loss.

    APPROACH:
        1. inv_p = 1 / p where p > EPS, else 0;
           inv_not_p = 1 / (1 - p) where 1 - p > EPS, else 0.
        2. d_p = w * g * (-t * inv_p + (1 - t) * inv_not_p);
           divide by p.size for 'mean'.

    HINTS:
        - np.divide(1, p, out=np.zeros_like(p), where=p > EPS) divides
          only where the condition holds, and never by 0.
    """
    name = "binary_cross_entropy_backward"
    reduction = checks.reduction(name, reduction)
    p, t = checks.probabilities("binary_cross_entropy", predictions, targets)
    w = checks.elementwise_weight(name, "weight", weight, p.shape, p.dtype)
    g = checks.upstream(name, grad, reduction, p.shape, p.dtype)
    ### BEGIN SOLUTION
    inv_p = np.divide(1, p, out=np.zeros_like(p), where=p > EPS)
    not_p = 1 - p
    inv_not_p = np.divide(1, not_p, out=np.zeros_like(p), where=not_p > EPS)
    d = w * g * (-t * inv_p + (1 - t) * inv_not_p)
    if reduction == "mean":
        d = d / p.size
    return d, None
    ### END SOLUTION


def binary_cross_entropy_with_logits_backward(
        grad, logits, targets, weight=None, *, reduction="mean",
        pos_weight=None):
    """Gradient of `binary_cross_entropy_with_logits` for the logits:
    (d x, None).

    d loss_i / d x_i = w_i * (-pw_i * y_i * sigmoid(-x_i)
                              + (1 - y_i) * sigmoid(x_i)),
    times `grad`, divided by the number of elements for 'mean'.

    Example:
        >>> d, _ = binary_cross_entropy_with_logits_backward(
        ...     np.float32(1), Tensor([0.0, 40.0]), Tensor([1.0, 0.0]),
        ...     reduction="sum")
        >>> d.tolist()
        [-0.5, 1.0]

    TODO: return (d_x, None).

    HINTS:
        - sigmoid(x) = np.exp(-np.logaddexp(0, -x)) never overflows;
          sigmoid(-x) = np.exp(-np.logaddexp(0, x)).
    """
    name = "binary_cross_entropy_with_logits_backward"
    reduction = checks.reduction(name, reduction)
    x, y = checks.logits_and_labels("binary_cross_entropy_with_logits",
                                    logits, targets)
    w = checks.elementwise_weight(name, "weight", weight, x.shape, x.dtype)
    pw = checks.elementwise_weight(name, "pos_weight", pos_weight, x.shape,
                                   x.dtype)
    g = checks.upstream(name, grad, reduction, x.shape, x.dtype)
    ### BEGIN SOLUTION
    sig = np.exp(-np.logaddexp(0, -x))
    sig_neg = np.exp(-np.logaddexp(0, x))
    d = w * g * (-pw * y * sig_neg + (1 - y) * sig)
    if reduction == "mean":
        d = d / x.size
    return d, None
    ### END SOLUTION


gradients.register(core.mse_loss, mse_loss_backward)
gradients.register(binary_cross_entropy, binary_cross_entropy_backward)
gradients.register(binary_cross_entropy_with_logits,
                   binary_cross_entropy_with_logits_backward)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-gradients", "locked": true, "points": 12, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check_gradients


from tinytorch.testing import check  # bound afresh for the tests


def test_unit_gradients():
    """🔬 Unit Test: the three backward functions"""
    print("🔬 Unit Test: gradients...")
    p = Tensor([0.05, 0.3, 0.5, 0.9, 0.99], dtype=np.float64)
    y = Tensor([1.0, 0.0, 1.0, 0.25, 1.0], dtype=np.float64)
    for reduction in ("mean", "sum", "none"):
        check_gradients(core.mse_loss, p, y, reduction=reduction)
    d, _ = mse_loss_backward(1.0, Tensor([0.05]), Tensor([1.0]))
    assert abs(d[0] + 1.9) < 1e-6, f"target 1, p = 0.05: expected -1.9, {d}"
    print("✅ MSE: 2 (p - y) matches finite differences; -1.9 at p = 0.05")

    w = Tensor([0.5, 2.0, 1.0, 1.0, 3.0], dtype=np.float64)
    for reduction in ("mean", "sum", "none"):
        check_gradients(binary_cross_entropy, p, y, reduction=reduction)
        check_gradients(binary_cross_entropy, p, y, weight=w,
                        reduction=reduction)
    d, _ = binary_cross_entropy_backward(1.0, Tensor([0.05]), Tensor([1.0]))
    assert abs(d[0] + 20.0) < 1e-4, f"-1 / 0.05 = -20 expected, got {d}"
    d, _ = binary_cross_entropy_backward(1.0, Tensor([0.0, 1.0]),
                                         Tensor([1.0, 0.0]), reduction="sum")
    assert np.all(d == 0.0), f"where the clamp is active it is 0, got {d}"
    print("✅ BCE: matches finite differences; -20 at p = 0.05; 0 where "
          "the clamp is flat")

    x = Tensor([-30.0, -2.0, 0.0, 0.7, 25.0], dtype=np.float64)
    pw = Tensor([3.0], dtype=np.float64)
    for reduction in ("mean", "sum", "none"):
        check_gradients(binary_cross_entropy_with_logits, x, y,
                        reduction=reduction)
        check_gradients(binary_cross_entropy_with_logits, x, y, weight=w,
                        reduction=reduction, pos_weight=pw)
    d, _ = binary_cross_entropy_with_logits_backward(
        1.0, x, y, reduction="sum")
    sig = 1 / (1 + np.exp(-x.data))
    assert np.allclose(d, sig - y.data, atol=1e-12), (
        f"with pos_weight 1 it is sigmoid(x) - y: {d} vs {sig - y.data}")
    print("✅ BCE from logits: sigmoid(x) - y, matches finite differences")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(81)
    pp = Tensor(rng.uniform(0.02, 0.98, size=(4, 3)), dtype=np.float64)
    yy = Tensor(rng.uniform(size=(4, 3)), dtype=np.float64)
    check_gradients(binary_cross_entropy, pp, yy,
                    weight=Tensor([0.5, 1.0, 2.0], dtype=np.float64))
    check_gradients(binary_cross_entropy_with_logits,
                    Tensor(rng.normal(scale=4, size=(4, 3)),
                           dtype=np.float64), yy,
                    pos_weight=Tensor([0.5, 2.0, 4.0], dtype=np.float64))
    check_gradients(core.mse_loss, pp, yy)
    ### END HIDDEN TESTS
    print("📈 Progress: gradients ✓")


test_unit_gradients()

# %% [markdown]
# The gradient of the full `cross_entropy` is given: the core's
# "softmax minus one-hot", generalised. For row $i$ let $a_i$ be the
# target mass per class (for class indices
# $(1 - \varepsilon) w_{t_i}\,\mathrm{onehot}(t_i) + \varepsilon w / C$;
# for probabilities $w \odot y'_i$; zero in ignored rows); then
# $\partial \ell_i / \partial z_i = \mathrm{softmax}(z_i) \sum_c a_{ic} - a_i$.
# Registering it keeps `gradients.grad` working for
# `tinytorch.nn.functional.cross_entropy` once it is this version.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-ce-backward", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
def cross_entropy_backward(grad, logits, targets, weight=None, *,
                           ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    """Gradients of the full `cross_entropy`: (d logits, None).

    d loss_i / d z_i = softmax(z_i) * sum_c a_ic - a_i, with a_i the
    (weighted, smoothed) target mass of row i; times `grad`, divided by
    the 'mean' divisor of the loss.
    """
    if checks.core_handles_cross_entropy(logits, targets, weight,
                                         ignore_index, label_smoothing):
        return core.cross_entropy_backward(grad, logits, targets,
                                           ignore_index=ignore_index,
                                           reduction=reduction)
    name = "cross_entropy"
    reduction = checks.reduction(name, reduction)
    e = checks.number(name, "label_smoothing", label_smoothing, 0.0, 1.0)
    z, y, shape = checks.class_scores(name, logits, targets, ignore_index,
                                      probabilities=True, label_smoothing=e)
    c = z.shape[1]
    w = checks.class_weight(name, weight, c, z.dtype)
    checks.kept_targets(name, z, y, w, ignore_index, reduction)
    g = checks.upstream("cross_entropy_backward", grad, reduction, shape,
                        z.dtype)
    if y.ndim == 2:
        a = w * ((1 - e) * y + e / c)
        divisor = len(y)
    else:
        keep = y != ignore_index
        safe = np.where(keep, y, 0)
        a = np.zeros_like(z)
        a += e / c * w
        a[np.arange(len(y)), safe] += (1 - e) * w[safe]
        a[~keep] = 0
        divisor = w[safe][keep].sum()
    d = np.exp(log_softmax(from_numpy(z), dim=1).data)
    d = d * a.sum(axis=1, keepdims=True) - a
    d *= g.reshape(-1, 1) if g.ndim else g
    if reduction == "mean":
        d /= divisor
    return np.moveaxis(d.reshape(shape + (c,)), -1, 1), None


gradients.register(cross_entropy, cross_entropy_backward)

# %% [markdown]
# **The textbook chapter's comparison, measured.** Target 1, prediction
# 0.05: a confident mistake. The next cell asks the registry, so these
# are your functions' numbers. MSE's gradient is $2 (0.05 - 1) = -1.9$;
# BCE's is $-1 / 0.05 = -20$ (the chapter says about 19), about 10.5 times
# larger: cross-entropy pushes hardest exactly when the model is
# confidently wrong. Through the sigmoid the ratio stays: MSE's gradient
# for the logit picks up the sigmoid's slope $p (1 - p) = 0.0475$ and is
# $-1.9 \cdot 0.0475 = -0.09025$, while BCE from the logit gives
# $\sigma(x) - y = -0.95$.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-demo-gradients", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
p05, one = Tensor([0.05], dtype=np.float64), Tensor([1.0], dtype=np.float64)
mse_grad = gradients.grad(core.mse_loss, p05, one).item()
bce_grad = gradients.grad(binary_cross_entropy, p05, one).item()
print(f"target 1, p = 0.05: MSE gradient {mse_grad:.4f}, "
      f"BCE gradient {bce_grad:.4f}, ratio {bce_grad / mse_grad:.2f}")
x05 = Tensor([np.log(0.05 / 0.95)], dtype=np.float64)  # sigmoid(x05) = 0.05
logit_grad = gradients.grad(binary_cross_entropy_with_logits, x05, one)
print(f"for the logit {x05.item():.4f}: MSE through the sigmoid "
      f"{mse_grad * 0.05 * 0.95:.5f}, BCE from logits "
      f"{logit_grad.item():.5f}")
for p in (0.01, 0.05, 0.2, 0.5, 0.9):
    pt = Tensor([p], dtype=np.float64)
    print(f"p = {p:4.2f}: |MSE gradient| "
          f"{abs(gradients.grad(core.mse_loss, pt, one).item()):6.3f}, "
          f"|BCE gradient| "
          f"{abs(gradients.grad(binary_cross_entropy, pt, one).item()):7.3f}")

# %% [markdown]
# MSE's gradient never exceeds 2 in size; BCE's grows without bound as
# the prediction approaches 0.
#
# ## S10: class-imbalance weights
#
# With 900 examples of class 0 and 100 of class 1, always answering 0 is
# 90% accurate and useless. Class weights (the `weight` of S3 and S4) make
# each rare example count more. Three recipes, for $C$ classes with $n_c$
# examples each and $n = \sum_c n_c$ (the first two are the textbook
# chapter's, the third is Cui et al., 2019):
#
# | `method` | weight of class $c$ | scaled so that |
# |---|---|---|
# | `'inverse'` | $n / (C\, n_c)$ | every class weighs $n / C$ in total |
# | `'inverse_sqrt'` | $\sqrt{n / (C\, n_c)}$ | (a gentler version) |
# | `'effective'` | $\propto (1 - \beta) / (1 - \beta^{n_c})$ | the $C$ weights add up to $C$ |
#
# The "effective number" $(1 - \beta^{n_c}) / (1 - \beta)$ counts examples
# with diminishing returns. For 900/100: inverse about `[0.5556, 5.0]`
# (each class then weighs 500), inverse square root about
# `[0.7454, 2.2361]`, and with $\beta = 0.999$ effective counts of about
# 593.6 and 95.2 and weights of about `[0.2764, 1.7236]`. With `'mean'`,
# cross-entropy divides by the total weight, so only the ratios matter.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-class-weights", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def class_weights(counts, method="inverse", beta=0.999):
    """Class weights for an imbalanced dataset, from per-class counts.

    n = sum(counts), C = the number of classes
    'inverse':      w_c = n / (C * n_c)
    'inverse_sqrt': w_c = sqrt(n / (C * n_c))
    'effective':    w_c proportional to (1 - beta) / (1 - beta ** n_c),
                    scaled so that the C weights add up to C

    Args:
        counts: examples per class: a Tensor, array, list or tuple of
            whole numbers >= 1.
        method: 'inverse' (default), 'inverse_sqrt' or 'effective'.
        beta: for 'effective', in [0, 1) (default 0.999).

    Returns:
        Tensor (C,) of float32 weights, for cross_entropy(weight=...).

    Example:
        >>> print(np.round(class_weights([900, 100]).data, 4))
        [0.5556 5.    ]

    TODO: compute the weights of `method` from `n` (the counts as a
    float64 array) and return them as Tensor(weights).

    EXAMPLE:
        counts [900, 100], 'inverse' -> [1000 / 1800, 1000 / 200]
        = [0.5556, 5.0]

    HINTS:
        - 'effective': raw = (1 - beta) / (1 - beta ** n), then
          raw * C / raw.sum(). With beta = 0 every raw weight is 1.
    """
    n = checks.counts("class_weights", counts)
    method = checks.choice("class_weights", "method", method,
                           ("inverse", "inverse_sqrt", "effective"),
                           "'inverse' is the usual choice")
    beta = checks.number("class_weights", "beta", beta, 0.0, 1.0,
                         high_open=True, hint="values close to 1, such as "
                                              "0.999, count more examples")
    ### BEGIN SOLUTION
    total, num_classes = n.sum(), len(n)
    if method == "effective":
        raw = (1 - beta) / (1 - beta ** n)
        weights = raw * num_classes / raw.sum()
    else:
        weights = total / (num_classes * n)
        if method == "inverse_sqrt":
            weights = np.sqrt(weights)
    return Tensor(weights)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-class-weights", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_class_weights():
    """🔬 Unit Test: class_weights"""
    print("🔬 Unit Test: class_weights...")
    check(class_weights, [900, 100], want=[1000 / 1800, 5.0])
    print("✅ inverse, 900/100: [0.5556, 5.0]")
    check(class_weights, Tensor([900, 100]), "inverse_sqrt",
          want=[np.sqrt(1000 / 1800), np.sqrt(5.0)])
    print("✅ inverse_sqrt, 900/100: [0.7454, 2.2361]")
    raw = (1 - 0.999) / (1 - 0.999 ** np.array([900.0, 100.0]))
    check(class_weights, [900, 100], "effective", 0.999,
          want=2 * raw / raw.sum())
    check(class_weights, [5, 5, 5], "effective", 0.0, want=[1.0] * 3)
    print("✅ effective (beta 0.999), 900/100: [0.2764, 1.7236]; beta = 0 "
          "gives equal weights")
    ### BEGIN HIDDEN TESTS
    check(class_weights, np.array([10, 30, 60]),
          want=100 / 3 / np.array([10.0, 30.0, 60.0]))
    ### END HIDDEN TESTS
    print("📈 Progress: class_weights ✓")


test_unit_class_weights()

# %% [markdown]
# ## S11: calibration
#
# A classifier is **calibrated** when its confidence means what it says:
# of its predictions made with confidence 0.8, about 80% are right.
# Networks trained with cross-entropy are often overconfident (Guo et
# al., 2017).
#
# **Expected calibration error.** Sort the predictions into $B$ bins by
# confidence (the largest probability of each row). Bin $b$ holds $n_b$
# predictions with mean confidence $\mathrm{conf}(b)$ and accuracy
# $\mathrm{acc}(b)$; then
# $\mathrm{ECE} = \sum_b \frac{n_b}{n} |\mathrm{acc}(b) - \mathrm{conf}(b)|$.
# The bins are $(k/B, (k+1)/B]$, edges from `np.linspace(0, 1, B + 1)`: a
# confidence on an edge goes to the lower bin, and 0 to the first.
# `n_bins=15` is the default, as in Guo et al. Example: confidences
# `[0.9, 0.8, 0.4, 0.6]`, correctness `[1, 0, 1, 1]`, 2 bins. The bin
# $(0, 0.5]$ holds 0.4 (accuracy 1, error 0.6); $(0.5, 1]$ holds the other
# three (confidence about 0.7667, accuracy about 0.6667, error 0.1), so
# ECE $= \frac14 \cdot 0.6 + \frac34 \cdot 0.1 = 0.225$.
#
# **Temperature scaling** fixes overconfidence after training: divide
# every logit by one number $T > 0$, fitted on held-out data by minimising
# the cross-entropy of the scaled logits. $T > 1$ softens the
# probabilities; the predicted class never changes, so accuracy stays the
# same. `fit_temperature` (given) finds $T$ by a golden-section search over
# $\log T$ in $[\log 0.01, \log 100]$.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-calibration", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def calibration_bins(confidences, correct, n_bins):
    """Count, accuracy and mean confidence of each confidence bin.

    Bin k holds the confidences c with edges[k] < c <= edges[k + 1],
    edges = np.linspace(0, 1, n_bins + 1); a confidence of 0 goes to bin 0.

    Args:
        confidences: float64 array (n,) of values in [0, 1].
        correct: float64 array (n,): 1.0 where the prediction was right.
        n_bins: int >= 1.

    Returns:
        (counts, accuracy, confidence): float64 arrays (n_bins,);
        accuracy and confidence are 0 in empty bins.

    Example:
        >>> counts, acc, conf = calibration_bins(
        ...     np.array([0.9, 0.8, 0.4, 0.6]),
        ...     np.array([1.0, 0.0, 1.0, 1.0]), 2)
        >>> counts.tolist(), np.round(acc, 4).tolist()
        ([1.0, 3.0], [1.0, 0.6667])

    TODO: put every confidence in its bin, then count and average per bin.

    APPROACH:
        1. which = np.searchsorted(edges, confidences, side="left") - 1,
           clipped to 0..n_bins - 1 (that puts 0 in bin 0).
        2. counts = np.bincount(which, minlength=n_bins); the per-bin
           sums of `correct` and `confidences` come from its `weights=`.
        3. Divide the sums by the counts where counts > 0, 0 elsewhere.

    HINTS:
        - np.divide(a, b, out=np.zeros(n_bins), where=b > 0).
    """
    ### BEGIN SOLUTION
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
    ### END SOLUTION


def expected_calibration_error(probs, targets, n_bins=15):
    """Expected calibration error of class-probability predictions.

    conf_i = max_c probs[i, c], correct_i = [argmax_c probs[i, c] == t_i]
    ECE = sum_b (n_b / n) * |acc(b) - conf(b)| over calibration_bins.

    Args:
        probs: Tensor (N, C) of probabilities, rows summing to 1.
        targets: Tensor (N,) of class indices.
        n_bins: int >= 1 (default 15).

    Returns:
        float in [0, 1]; 0 means calibrated on these bins.

    Example:
        >>> probs = Tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1],
        ...                 [0.4, 0.35, 0.25], [0.2, 0.6, 0.2]])
        >>> round(expected_calibration_error(probs, Tensor([0, 0, 0, 1]),
        ...                                  n_bins=2), 4)
        0.225

    TODO: bin the confidences with calibration_bins and return the ECE
    as a Python float.
    """
    name = "expected_calibration_error"
    n_bins = checks.positive_int(name, "n_bins", n_bins,
                                 "15 equal-width bins is the usual choice")
    p, t = checks.probs_and_targets(name, probs, targets)
    confidences = p.max(axis=1)
    correct = (p.argmax(axis=1) == t).astype(np.float64)
    ### BEGIN SOLUTION
    counts, accuracy, confidence = calibration_bins(confidences, correct,
                                                    n_bins)
    return float(np.sum(counts / len(t) * np.abs(accuracy - confidence)))
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-calibration", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_calibration():
    """🔬 Unit Test: calibration_bins and expected_calibration_error"""
    print("🔬 Unit Test: calibration...")
    counts, acc, conf = calibration_bins(np.array([0.9, 0.8, 0.4, 0.6]),
                                         np.array([1.0, 0.0, 1.0, 1.0]), 2)
    assert counts.tolist() == [1.0, 3.0], f"bin counts: {counts}"
    assert np.allclose(acc, [1.0, 2 / 3]) and np.allclose(
        conf, [0.4, 2.3 / 3]), f"accuracy {acc}, confidence {conf}"
    print("✅ bins of [0.9, 0.8, 0.4, 0.6]: counts [1, 3], accuracy "
          "[1, 0.667]")
    edge, _, _ = calibration_bins(np.array([0.0, 0.5, 1.0]), np.ones(3), 2)
    assert edge.tolist() == [2.0, 1.0], (
        f"0 and the edge 0.5 go to the lower bin, 1.0 to the top: {edge}")
    empty, acc, _ = calibration_bins(np.array([0.95]), np.array([1.0]), 4)
    assert empty.tolist() == [0, 0, 0, 1] and acc[0] == 0.0, (
        f"empty bins count 0 with accuracy 0: {empty}, {acc}")
    print("✅ an edge value goes to the lower bin; empty bins hold 0")
    probs = Tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.4, 0.35, 0.25],
                    [0.2, 0.6, 0.2]])
    ece = expected_calibration_error(probs, Tensor([0, 0, 0, 1]), n_bins=2)
    assert isinstance(ece, float) and abs(ece - 0.225) < 1e-6, (
        f"the worked example gives the float 0.225, got {ece!r}")
    print("✅ ECE of the worked example: 0.225")
    ### BEGIN HIDDEN TESTS
    sure = Tensor(np.eye(3)[[0, 1, 2, 0]])
    assert expected_calibration_error(sure, Tensor([0, 1, 2, 0])) == 0.0
    assert expected_calibration_error(sure, Tensor([1, 2, 0, 1])) == 1.0
    ### END HIDDEN TESTS
    print("📈 Progress: calibration ✓")


test_unit_calibration()

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-temperature", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
def fit_temperature(logits, targets):
    """The temperature T > 0 that minimises the cross-entropy of logits / T.

    A golden-section search over log T in [log 0.01, log 100] (100 steps,
    deterministic). The cross-entropy of z / T is convex in 1 / T, so it
    has one minimum; the result never does worse than T = 1.

    Args:
        logits: Tensor (N, C) of held-out logits (finite).
        targets: Tensor (N,) of their class indices.

    Returns:
        float: divide logits by it before the softmax.

    Example:
        >>> z = Tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
        >>> round(fit_temperature(z, Tensor([0, 1, 1, 0])), 4)  # 2 / log 3
        1.8205
    """
    z, t, _ = checks.class_scores("fit_temperature", logits, targets, None,
                                  batch_dims=False)
    checks.finite("fit_temperature", "logits", z)
    z, t = from_numpy(z.astype(np.float64)), from_numpy(t)

    def nll(log_t):
        return core.cross_entropy(from_numpy(z.data / np.exp(log_t)),
                                  t).item()

    golden = (np.sqrt(5.0) - 1) / 2
    lo, hi = np.log(0.01), np.log(100.0)
    a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(100):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - golden * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + golden * (hi - lo)
            fb = nll(b)
    best = (lo + hi) / 2
    return float(np.exp(best)) if nll(best) <= nll(0.0) else 1.0

# %% [markdown]
# ### A reliability diagram
#
# The next cell makes an overconfident model on purpose: it draws true
# logits $z$ for 4,000 samples and 5 classes, samples each label from
# $\mathrm{softmax}(z)$, and reports $2.5 z$ as its logits, so the right
# temperature is 2.5. It fits $T$ on the first half and measures on the
# second. A reliability diagram plots each bin's accuracy against its
# confidence: a calibrated model follows the diagonal, an overconfident
# one sags below it.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-demo-calibration", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt

rng = np.random.default_rng(7)
true_logits = rng.normal(scale=1.5, size=(4000, 5))
true_probs = np.exp(log_softmax(Tensor(true_logits, dtype=np.float64)).data)
draws = rng.uniform(size=(4000, 1))
labels = np.minimum((draws > true_probs.cumsum(axis=1)).sum(axis=1), 4)
model_logits = 2.5 * true_logits
fit, held_out = slice(0, 2000), slice(2000, 4000)
T = fit_temperature(Tensor(model_logits[fit], dtype=np.float64),
                    Tensor(labels[fit]))
print(f"fitted temperature on the first half: {T:.3f} (true 2.5)")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
for ax, scale, title in [(axes[0], 1.0, "before (T = 1)"),
                         (axes[1], T, f"after (T = {T:.2f})")]:
    probs = np.exp(log_softmax(Tensor(model_logits[held_out] / scale,
                                      dtype=np.float64)).data)
    ece = expected_calibration_error(Tensor(probs, dtype=np.float64),
                                     Tensor(labels[held_out]))
    correct = (probs.argmax(axis=1) == labels[held_out]).astype(float)
    counts, acc, conf = calibration_bins(probs.max(axis=1), correct, 15)
    ax.bar((np.arange(15) + 0.5) / 15, acc, width=1 / 15,
           edgecolor="black", alpha=0.7, label="accuracy per bin")
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="calibrated")
    ax.set(title=f"{title}: ECE {ece:.3f}", xlabel="confidence")
    print(f"{title:<16} ECE {ece:.4f}, accuracy {correct.mean():.4f}")
axes[0].set_ylabel("accuracy")
axes[0].legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## S12: cross-entropy in under 2 MB
#
# The core measured it: for logits of shape $(128, 50{,}000)$ in float32
# (25.6 MB), the textbook route needs 76.8 MB beyond the logits and a
# one-shot `cross_entropy` at least one full-size temporary, 25.6 MB. A
# loss needs only two numbers per row (its log-sum-exp and its target's
# logit), so it can work through the rows in blocks, as fused GPU kernels
# do, and need about one block of memory.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-memory", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def cross_entropy_blocked(logits, targets, *, reduction="mean"):
    """`cross_entropy` of (N, C) logits, computed a block of rows at a time.

    The same values as the core's cross_entropy, with about 1 MB of
    temporary arrays however large the logits are.

    Args:
        logits: Tensor (N, C) of raw scores. targets: Tensor (N,) of class
            indices. reduction: 'mean', 'sum' or 'none' (keyword only).

    Example:
        >>> round(cross_entropy_blocked(Tensor([[2.0, 1.0, 0.1]]),
        ...                             Tensor([0])).item(), 4)
        0.417

    TODO: make your cross-entropy need under 2 MB of extra memory. The
    test runs it on float32 logits of shape (128, 50000), 25.6 MB, and
    requires that tracemalloc sees a peak under 2 MB beyond the inputs,
    and the core's values (within 1e-5).

    APPROACH:
        1. rows = max(1, (1 << 20) // (z.itemsize * C)): about 1 MB of
           rows per block. buffer = np.empty((rows, C), z.dtype) and
           losses = np.empty(N, z.dtype), both before the loop.
        2. For each block = z[i:i + rows], with a = buffer[:len(block)]:
           np.subtract(block, its row maxima, out=a); pick the targets'
           shifted logits; np.exp(a, out=a); store log(sum) - picked in
           losses[i:i + rows].
        3. Return reduce_losses(losses, reduction).

    HINTS:
        - `a = block - m` inside the loop would hold two blocks for a
          moment (the old one is freed only once the new one exists),
          and np.exp(a) a third: that is 2 to 3 MB. Reuse one buffer.
    """
    name = "cross_entropy_blocked"
    reduction = checks.reduction(name, reduction)
    z, t, _ = checks.class_scores(name, logits, targets, None,
                                  batch_dims=False)
    ### BEGIN SOLUTION
    n, c = z.shape
    rows = max(1, (1 << 20) // (z.itemsize * c))
    buffer = np.empty((rows, c), dtype=z.dtype)
    losses = np.empty(n, dtype=z.dtype)
    for i in range(0, n, rows):
        block = z[i:i + rows]
        a = buffer[:len(block)]
        np.subtract(block, block.max(axis=1, keepdims=True), out=a)
        picked = a[np.arange(len(a)), t[i:i + rows]]
        np.exp(a, out=a)
        losses[i:i + rows] = np.log(a.sum(axis=1)) - picked
    return reduce_losses(losses, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-memory", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
import gc
import tracemalloc


def peak_extra_mb(call):
    """Peak memory (MB) that tracemalloc sees while `call()` runs."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


from tinytorch.testing import check  # bound afresh for the tests


def test_unit_cross_entropy_blocked():
    """🔬 Unit Test: cross_entropy_blocked"""
    print("🔬 Unit Test: cross_entropy_blocked...")
    z = Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2], [0.0, 0.0, 3.0]])
    t = Tensor([0, 2, 2])
    for reduction in ("mean", "sum", "none"):
        want = core.cross_entropy(z, t, reduction=reduction).data
        check(cross_entropy_blocked, z, t, reduction=reduction, want=want)
    print("✅ the core's values for 'mean', 'sum' and 'none'")
    rng = np.random.default_rng(0)
    big = Tensor(rng.normal(size=(128, 50_000)))
    labels = Tensor(rng.integers(0, 50_000, size=128))
    want = core.cross_entropy(big, labels).item()
    check(cross_entropy_blocked, big, labels, want=want, atol=1e-5)
    mb = peak_extra_mb(lambda: cross_entropy_blocked(big, labels))
    assert mb < 2.0, (
        f"the blocked loss needed {mb:.1f} MB beyond the logits; the "
        f"budget is 2 MB. Hint: blocks of about 1 MB, computed in one "
        f"buffer allocated before the loop (out=...)")
    print(f"✅ (128, 50000) float32 logits: {mb:.2f} MB extra (budget 2 MB)")
    print("📈 Progress: cross_entropy_blocked ✓")


test_unit_cross_entropy_blocked()

# %% [markdown]
# ## Summary
#
# You built `l1_loss`, `huber_loss`, `smooth_l1_loss`, `nll_loss`,
# `kl_div`, the focal, triplet and InfoNCE losses, the full
# `cross_entropy` (weighted mean, ignored targets, label smoothing,
# probability targets, `(N, C, d1, ...)`), a binary cross-entropy from
# logits that stays exact where a float32 sigmoid rounds, the gradients
# behind "1.9 against 20", class weights, calibration, and a cross-entropy
# that needs a block of memory instead of a matrix.
#
# **Check your understanding.**
#
# 1. A batch of 8 sentences is padded to 20 tokens with `ignore_index`
#    targets; 96 of the 160 positions are real tokens. What does `'mean'`
#    divide by, and why is that better than 160?
# 2. You train with `weight=class_weights(counts)` and `'mean'`, then
#    multiply every weight by 10. What changes?
# 3. Why does temperature scaling leave the accuracy unchanged?
#
# <details><summary>Answers</summary>
#
# 1. By 96, the number of kept targets (without weights). Dividing by 160
#    would make the loss, and its gradient, depend on how much padding the
#    batch happened to need.
# 2. Nothing: the weighted mean divides by the total weight, which is 10
#    times larger too. Only the ratios between the weights matter.
# 3. Dividing a row of logits by the same $T > 0$ keeps their order, so
#    the predicted class stays the same; only the confidence changes.
# </details>
