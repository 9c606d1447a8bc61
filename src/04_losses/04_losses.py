# %% [markdown]
# # Module 04: Losses
#
# **Foundation tier** · Difficulty 2/4 · Time 3-4 hours ·
# Prerequisites: Modules 01 (Tensor), 02 (Activations) and 03 (Layers)
#
# Your network can turn inputs into outputs, but it cannot yet tell
# whether those outputs are any good. A **loss function** compares the
# predictions with the right answers and returns one number: large when
# the model is wrong, small when it is right. Training changes the weights
# to push that number down, so the loss defines what "better" means.
#
# You will write the three losses behind most of deep learning (mean
# squared error, cross-entropy and binary cross-entropy) and the
# **log-sum-exp trick** that keeps cross-entropy from overflowing. At the
# end, your cross-entropy trains a small classifier.
#
# ## Learning objectives
#
# - **Implement** `log_softmax` with the log-sum-exp trick, and
#   `mse_loss`, `cross_entropy` and `binary_cross_entropy` with PyTorch's
#   three reductions.
# - **Explain** why the trick is exact, and why cross-entropy is maximum
#   likelihood.
# - **Tell** a loss from a metric, and the loss's scale from the learning
#   rate.
# - **Measure** what cross-entropy costs in memory as the number of classes
#   grows.
#
# ## What you'll build
#
# | Step | You write | Key idea | Points |
# |------|-----------|----------|--------|
# | 1 | `log_softmax(x, dim=-1)` | subtract the maximum first | 15 |
# | 2 | `reduce_losses(losses, reduction)` | `'mean'`, `'sum'` or `'none'` | 10 |
# | 3 | `mse_loss` | mean of squared differences | 20 |
# | 4 | `cross_entropy` | log-sum-exp minus the target's logit | 30 |
# | 5 | `binary_cross_entropy` | clamp before the log | 25 |
#
# The core is worth 100 points: each step's test grades that step alone,
# and the module test at the end (no points) checks that the pieces work
# together, so one bug never costs twice. Steps 3 to 5 end by calling your
# `reduce_losses`: write step 2 before them. Each step is a function, as in
# `torch.nn.functional`; the classes `MSELoss`, `CrossEntropyLoss` and
# `BinaryCrossEntropyLoss` are given, three lines each, and call your
# functions. An optional stretch notebook (`04_losses_stretch.ipynb`, its
# own assignment) adds class weights, label smoothing, more losses and
# gradients. Gradients (`loss.backward()`) arrive with autograd.

# %% [markdown]
# ## API reference
#
# ```python
# log_softmax(x, dim=-1)                              # Tensor -> Tensor, same shape
# mse_loss(predictions, targets, *, reduction="mean")
# cross_entropy(logits, targets, weight=None, *, ignore_index=-100,
#               reduction="mean", label_smoothing=0.0)
# binary_cross_entropy(predictions, targets, weight=None, *, reduction="mean")
# MSELoss(*, reduction="mean"), CrossEntropyLoss(...), BinaryCrossEntropyLoss(...)
# ```
#
# Every loss returns a `Tensor`: 0-d (one number) for `'mean'` and
# `'sum'`, one value per element or row for `'none'`. It is float32, or
# float64 when an input is float64. Names, argument order and defaults are
# PyTorch's; `weight`, `ignore_index` skipping and `label_smoothing` belong
# to the stretch notebook, and the core raises a one-line
# `NotImplementedError` that says so.
#
# | Loss | Predictions | Targets | `'none'` gives |
# |------|-------------|---------|----------------|
# | `mse_loss` | `(N,)` or `(N, D)` | same shape | same shape |
# | `cross_entropy` | `(N, C)` **logits** | `(N,)` class indices `0..C-1` | `(N,)` |
# | `binary_cross_entropy` | `(N,)` or `(N, K)` **probabilities** | same shape, labels in `[0, 1]` | same shape |
#
# **Logits** are raw scores straight out of a layer (`[2.3, -1.2, 5.1]`);
# never apply a softmax before `cross_entropy`. **Probabilities** for binary
# cross-entropy come out of a sigmoid. Shapes must match exactly: `(N, 1)`
# against `(N,)` is an error, not a broadcast.

# %% [markdown]
# ## Setup
#
# Your functions start from inputs that are already checked. Each one
# begins with a given line such as
#
# ```python
# p, t = checks.same_shape("mse_loss", predictions, targets)
# ```
#
# which returns the data of both Tensors as NumPy arrays of one float
# dtype, or raises one line that says what was wrong (a shape mismatch, a
# NaN, a label out of range) and how to fix it. The checks live in
# `tinytorch/core/checks/`; you never need to read them. Two rules for
# your code, and the tests check both:
#
# - The arrays share memory with the caller's Tensors, so never change
#   them in place (`z = z - m`, not `z -= m`): a loss must leave its inputs
#   as they were.
# - Return `from_numpy(result)`, a Tensor that keeps the array's dtype, so
#   float64 inputs give a float64 loss (`Tensor(result)` would copy it
#   and store float32).

# %% nbgrader={"grade": false, "grade_id": "losses-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.losses
#| export
import numpy as np

from tinytorch.core import checks, gradients
from tinytorch.core.layers import Module
from tinytorch.core.tensor import Tensor, from_numpy

# %% nbgrader={"grade": false, "grade_id": "losses-tools", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# The tests below call `check(fn, *args, want=...)`: it runs your function,
# compares the result with `want` and, when they differ, names the likely
# mistake (sum instead of mean, a missing max-shift, ...).
from tinytorch.testing import check

# %% [markdown]
# ## Core concepts
#
# ### A loss is a feedback signal
#
# "How good is my model?" is vague. A loss answers a sharper question:
# *for this batch, how far are the predictions from the targets?* The
# optimizer's only job is to push that number down, so it must change
# smoothly with the predictions: then its slope (the gradient) tells every
# weight which way to move. Counting mistakes would not work, because a
# tiny change to a weight rarely changes the count.
#
# That is also the difference between a **loss** and a **metric**.
# Accuracy, F1 or top-5 error are what you report; they jump in steps and
# have no useful slope. The loss is what you optimise. The last section
# shows the two moving apart during training.
#
# ### Mean squared error
#
# For regression the error of one prediction is $\hat y_i - y_i$, and MSE
# averages its square over all $n$ elements:
#
# $$\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2$$
#
# Squaring makes the loss smooth and symmetric, and hard on big errors: an
# error of 10 costs 100, an error of 20 costs 400. Predicting a house price
# \$5,000 off costs 25,000,000 squared dollars; \$50,000 off costs
# 2,500,000,000: ten times the error, a hundred times the loss. Large
# errors get fixed first, and a few wrong labels (outliers) pull hard.
#
# ### Cross-entropy is maximum likelihood
#
# A classifier outputs one logit per class; softmax turns a row of logits
# $z$ into probabilities $p_j = e^{z_j} / \sum_k e^{z_k}$. If the model
# were right about the world, the chance of seeing exactly the labels
# $t_1, \dots, t_N$ of a batch would be $\prod_i p_{i, t_i}$, the
# **likelihood**. Training should make it large. Its logarithm turns the
# product into a sum, and minus its mean is cross-entropy:
#
# $$\mathrm{CE} = -\frac{1}{N} \log \prod_i p_{i,t_i}
#   = \frac{1}{N}\sum_i -\log p_{i,t_i},
# \qquad -\log p_t = \log \sum_k e^{z_k} - z_t$$
#
# So minimising cross-entropy is maximum likelihood estimation. The
# penalty is uneven: probability 0.99 on the right class costs 0.01, 0.5
# costs 0.693, 0.01 costs 4.61. An untrained model that spreads its
# probability evenly over $C$ classes costs $\log C$ (2.303 for 10
# classes), a useful sanity check for the first step of training.
#
# ### Numerical stability
#
# The largest float32 is about $3.4 \times 10^{38}$, so `exp(x)` overflows
# to `inf` once $x$ passes 88.72 (709.78 in float64), and
# $e^{300} \approx 1.94 \times 10^{130}$. A softmax computed from the
# definition then divides `inf` by `inf` and returns `nan`:

# %% nbgrader={"grade": false, "grade_id": "losses-demo-overflow", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
scores = np.array([100.0, 200.0, 300.0], dtype=np.float32)
with np.errstate(over="ignore", invalid="ignore"):
    exps = np.exp(scores)
    print("float32 exp([100, 200, 300]):", exps)
    print("softmax from the definition: ", exps / exps.sum())
shifted = scores - scores.max()
print("shifted by the max:          ", shifted)
print("softmax of the shifted scores:", np.exp(shifted) / np.exp(shifted).sum())

# %% [markdown]
# Subtracting the same $m$ from every logit leaves softmax unchanged,
# because $e^{-m}$ appears above and below the fraction bar and cancels.
# With $m = \max_j z_j$ the largest exponent is $e^0 = 1$ and nothing can
# overflow. Taking logs gives the **log-sum-exp trick**, an exact identity:
#
# $$\log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}, \qquad
# \log\mathrm{softmax}(z)_i = (z_i - m) - \log \sum_j e^{z_j - m}$$
#
# Terms like $e^{-200}$ underflow to 0, which is harmless: they could not
# change a sum that already contains $e^0 = 1$.
#
# ## Step 1: `log_softmax`
#
# Cross-entropy needs log-probabilities, so start there. Everything
# happens along one dimension, `dim`: for logits of shape `(N, C)`,
# `dim=-1` means "within each row". NumPy calls it `axis`, and
# `keepdims=True` keeps the reduced axis with size 1, so that an `(N, 1)`
# column of row maxima subtracts from the `(N, C)` logits row by row.
#
# A logit of `-inf` masks a class: $e^{-\infty} = 0$, so it gets
# log-probability `-inf` and the others share all the probability. The
# check rejects a slice that is entirely `-inf`.

# %% nbgrader={"grade": false, "grade_id": "losses-log-softmax", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def log_softmax(x, dim=-1):
    """Log-probabilities along `dim`, with the log-sum-exp trick.

    log_softmax(x)_i = (x_i - m) - log(sum_j exp(x_j - m)),  m = max_j x_j

    Args:
        x: Tensor of logits, at least 1-D; entries finite or -inf.
        dim: the dimension that holds the classes (default -1, the last).

    Shape:
        output: the shape of `x`.

    Returns:
        Tensor of log-probabilities (exp of each slice sums to 1), with the
        dtype of `x` (float32, or float64).

    Example:
        >>> print(np.round(log_softmax(Tensor([1.0, 2.0, 3.0])).data, 4))
        [-2.4076 -1.4076 -0.4076]

    TODO: compute log-softmax of `data` along `axis` without overflowing.

    APPROACH:
        1. m = the maximum along `axis`, with keepdims=True.
        2. shifted = data - m: the largest entry of each slice becomes 0.
        3. Subtract log(sum(exp(shifted))) along `axis`, keepdims=True.
        4. Return the result wrapped with from_numpy(...), so it keeps
           the dtype of `data` (float32, or float64).

    EXAMPLE:
        x = [1, 2, 3]: m = 3, shifted = [-2, -1, 0],
        log(e**-2 + e**-1 + 1) = 0.4076 -> [-2.4076, -1.4076, -0.4076]

    HINTS:
        - Never compute np.exp(data) itself: exp(100) overflows float32.
        - A -inf entry needs no special case: exp(-inf) is exactly 0.
    """
    data, axis = checks.logits("log_softmax", x, dim)
    ### BEGIN SOLUTION
    m = np.max(data, axis=axis, keepdims=True)  # the largest of each slice
    shifted = data - m  # now the largest is 0: exp cannot overflow
    sum_exp = np.sum(np.exp(shifted), axis=axis, keepdims=True)
    log_probs = shifted - np.log(sum_exp)
    return from_numpy(log_probs)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-test-log-softmax", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_log_softmax():
    """🔬 Unit Test: log_softmax"""
    print("🔬 Unit Test: log_softmax...")
    check(log_softmax, Tensor([1.0, 2.0, 3.0]),
          want=[-2.40760596, -1.40760596, -0.40760596])
    print("✅ log_softmax([1, 2, 3]) = [-2.4076, -1.4076, -0.4076]")

    x = Tensor([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, 3.0, 3.0]])
    check(log_softmax, x, want=[
        [-1.84234958, -3.34234958, -0.34234958, -2.34234958],
        [-1.38629436] * 4])
    print("✅ each row of a (2, 4) batch is normalised on its own")

    check(log_softmax, Tensor([[100.0, 200.0, 300.0]]),
          want=[[-200.0, -100.0, 0.0]], atol=1e-4)
    print("✅ logits [100, 200, 300] give [-200, -100, 0]: no overflow")

    check(log_softmax, x, dim=0, want=np.log(np.exp(x.data) / np.exp(
        x.data).sum(axis=0)), atol=1e-5)
    print("✅ dim=0 normalises each column")

    check(log_softmax, Tensor([0.0, -np.inf, 0.0]),
          want=[-0.69314718, -np.inf, -0.69314718])
    print("✅ a -inf (masked) logit gets -inf; the others stay finite")

    check(log_softmax, Tensor([1.0, 2.0, 3.0], dtype=np.float64),
          want=[-2.40760596, -1.40760596, -0.40760596], atol=1e-8)
    print("✅ float64 logits give float64 log-probabilities")
    ### BEGIN HIDDEN TESTS
    check(log_softmax, Tensor([[1000.0, 0.0], [0.0, -1000.0]]),
          want=[[0.0, -1000.0], [0.0, -1000.0]], atol=1e-3)
    z = np.random.default_rng(7).normal(scale=5.0, size=(6, 5))
    ref = [[v - np.log(sum(np.exp(row))) for v in row] for row in z]
    check(log_softmax, Tensor(z, dtype=np.float64), want=ref,
          atol=1e-12, rtol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: log_softmax ✓")


test_unit_log_softmax()

# %% [markdown]
# ## Step 2: reductions
#
# A loss first computes one value per element (or per row) and then
# **reduces** them, as chosen by PyTorch's `reduction` setting:
#
# | `reduction` | result | use |
# |---|---|---|
# | `'mean'` (default) | the average, a 0-d Tensor | training: the scale does not depend on the batch size |
# | `'sum'` | the total, a 0-d Tensor | $N$ times the mean for $N$ values |
# | `'none'` | every value, unreduced | weighting or inspecting single examples |
#
# All three losses share this last step, so you write it once. The losses
# check `reduction` before they call you: here it is always one of the
# three.

# %% nbgrader={"grade": false, "grade_id": "losses-reduce", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def reduce_losses(losses, reduction="mean"):
    """Apply a reduction to an array of per-element losses.

    Args:
        losses: np.ndarray of losses (any shape, at least one element).
        reduction: 'mean' (every element), 'sum' (every element) or 'none'.

    Returns:
        Tensor with the dtype of `losses`: 0-d for 'mean' and 'sum', the
        shape of `losses` for 'none'.

    Example:
        >>> reduce_losses(np.array([1.0, 2.0, 6.0]), "mean").item()
        3.0

    TODO: return the mean, the sum, or all of `losses`, as a Tensor of
    the same dtype (float64 losses give a float64 result).

    HINTS:
        - losses.mean() and losses.sum() reduce over every element.
        - from_numpy(...) turns the result into a Tensor of the same dtype.
    """
    ### BEGIN SOLUTION
    if reduction == "mean":
        value = losses.mean()
    elif reduction == "sum":
        value = losses.sum()
    else:  # 'none'
        value = losses
    return from_numpy(value)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-test-reduce", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_reduce_losses():
    """🔬 Unit Test: reduce_losses"""
    print("🔬 Unit Test: reduce_losses...")
    losses = np.array([[1.0, 2.0], [3.0, 6.0]], dtype=np.float32)
    check(reduce_losses, losses, "mean", want=3.0)
    print("✅ 'mean' of [[1, 2], [3, 6]] is 3.0, a 0-d Tensor")
    check(reduce_losses, losses, "sum", want=12.0)
    print("✅ 'sum' is 12.0")
    check(reduce_losses, losses, "none", want=losses)
    print("✅ 'none' keeps all four values")
    check(reduce_losses, np.array([0.25, 0.5]), "mean", want=0.375)
    print("✅ float64 losses give a float64 result")
    print("📈 Progress: reduce_losses ✓")


test_unit_reduce_losses()

# %% [markdown]
# ## Step 3: `mse_loss`
#
# Subtract, square, reduce. The check has already made sure that both
# arrays have exactly the same shape, so nothing broadcasts behind your
# back. For house prices `[200, 250, 300]` against `[195, 260, 290]` (in
# thousands), the errors are `[5, -10, 10]`, the squares
# `[25, 100, 100]`, and the mean 75.0.

# %% nbgrader={"grade": false, "grade_id": "losses-mse", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def mse_loss(predictions, targets, *, reduction="mean"):
    """Mean squared error, for regression.

    loss_i = (predictions_i - targets_i) ** 2 for every element i,
    then reduced: 'mean' (default), 'sum' or 'none'.

    Args:
        predictions: Tensor of model outputs.
        targets: Tensor of true values, exactly the shape of predictions.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Shape:
        predictions, targets: (N,) or (N, D). Output: () or, with 'none',
        the shape of predictions.

    Example:
        >>> mse_loss(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item()
        2.0

    TODO: compute the squared error of every element and reduce it.

    APPROACH:
        1. diff = p - t
        2. Square it elementwise.
        3. Return reduce_losses(squares, reduction).

    NOTE: PyTorch broadcasts mismatched shapes (with a warning); here
    they raise. As in PyTorch, a float32 difference above about 1.8e19
    squares to inf; use float64 Tensors for values that large.
    """
    reduction = checks.reduction("mse_loss", reduction)
    p, t = checks.same_shape("mse_loss", predictions, targets)
    ### BEGIN SOLUTION
    diff = p - t
    squared = diff * diff
    return reduce_losses(squared, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-test-mse", "locked": true, "points": 20, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_mse_loss():
    """🔬 Unit Test: mse_loss"""
    print("🔬 Unit Test: mse_loss...")
    check(mse_loss, Tensor([200.0, 250.0, 300.0]),
          Tensor([195.0, 260.0, 290.0]), want=75.0)
    print("✅ house prices [200, 250, 300] vs [195, 260, 290]: 75.0")

    p = Tensor([[1.0, 2.0], [3.0, 4.0]])
    t = Tensor([[1.0, 0.0], [0.0, 4.0]])
    check(mse_loss, p, t, want=3.25)
    print("✅ (N, D) input averages all N * D squares: 13 / 4 = 3.25")
    check(mse_loss, p, t, reduction="sum", want=13.0)
    check(mse_loss, p, t, reduction="none", want=[[0.0, 4.0], [9.0, 0.0]])
    print("✅ reduction='sum' gives 13.0, 'none' every square")
    ### BEGIN HIDDEN TESTS
    a, b = np.random.default_rng(3).normal(size=(2, 8, 3))
    ref = sum((u - v) ** 2 for u, v in zip(a.ravel(), b.ravel())) / 24
    check(mse_loss, Tensor(a, dtype=np.float64), Tensor(b, dtype=np.float64),
          want=ref, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: mse_loss ✓")


test_unit_mse_loss()

# %% [markdown]
# ## Step 4: `cross_entropy`
#
# For one row of logits $z$ with target class $t$ and $m = \max_j z_j$:
#
# $$\ell = \log \sum_j e^{z_j} - z_t = \log \sum_j e^{z_j - m} - (z_t - m)$$
#
# The right-hand form never overflows. You may compute it through your
# `log_softmax` or directly from the shifted logits; the directly computed
# form needs only one number per row from the log-sum-exp and one logit
# per row, the target's. NumPy's integer array indexing picks one entry per
# row: `a[np.arange(N), targets]` is `[a[0, targets[0]], a[1, targets[1]],
# ...]`. The check has already turned `targets` into valid integer indices.
#
# Logits `[2.0, 1.0, 0.1]` have softmax about `[0.659, 0.242, 0.099]`, so
# with target 0 the loss is $-\log 0.659 \approx 0.4170$.

# %% nbgrader={"grade": false, "grade_id": "losses-cross-entropy", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def cross_entropy(logits, targets, weight=None, *, ignore_index=-100,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of raw logits against class indices.

    loss_i = -log softmax(logits_i)[t_i] = logsumexp(logits_i) - logits_i[t_i]
    then reduced: 'mean' (over the N rows, default), 'sum' or 'none'.

    Args:
        logits: Tensor (N, C) of raw scores, before any softmax. A -inf
            logit masks its class.
        targets: Tensor (N,) of class indices 0..C-1 (ints, or floats that
            are whole numbers).
        weight, ignore_index, label_smoothing: PyTorch's settings, built in
            the stretch notebook; the core accepts only their defaults.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Shape:
        output: () or, with 'none', (N,).

    Example:
        >>> round(cross_entropy(Tensor([[2.0, 1.0, 0.1]]), Tensor([0])).item(), 4)
        0.417

    TODO: compute each row's loss stably and reduce it.

    APPROACH:
        1. shifted = z minus the maximum of each row (keepdims=True).
        2. picked = shifted[np.arange(N), t], the target's shifted logit.
        3. losses = log(sum(exp(shifted), axis=1)) - picked.
        4. Return reduce_losses(losses, reduction).

    HINTS:
        - The result must be finite for logits [[0, -1000]] and target 1
          (the loss is 1000).
        - If a target's own logit is -inf, its loss is inf: that is right.
    """
    reduction = checks.reduction("cross_entropy", reduction)
    checks.core_settings("cross_entropy", weight=weight,
                         label_smoothing=label_smoothing)
    z, t = checks.class_targets("cross_entropy", logits, targets, ignore_index)
    ### BEGIN SOLUTION
    rows = np.arange(len(t))
    m = np.max(z, axis=1, keepdims=True)
    shifted = z - m  # a new array: z itself is the caller's
    picked = shifted[rows, t]  # each row's target logit, shifted
    np.exp(shifted, out=shifted)  # reuse the buffer: one (N, C) array
    log_sum_exp = np.log(np.sum(shifted, axis=1))
    losses = log_sum_exp - picked
    return reduce_losses(losses, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-test-cross-entropy", "locked": true, "points": 30, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_cross_entropy():
    """🔬 Unit Test: cross_entropy"""
    print("🔬 Unit Test: cross_entropy...")
    check(cross_entropy, Tensor([[2.0, 1.0, 0.1]]), Tensor([0]),
          want=0.41703002)
    print("✅ logits [2, 1, 0.1], target 0: 0.4170")

    check(cross_entropy, Tensor(np.zeros((3, 4))), Tensor([0, 1, 3]),
          want=np.log(4.0))
    print("✅ equal logits over 4 classes cost log(4) = 1.3863")

    z = Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2], [0.0, 0.0, 3.0]])
    t = Tensor([0, 2, 2])
    each = [0.31677871, 1.95419054, 0.09492296]
    check(cross_entropy, z, t, reduction="none", want=each)
    check(cross_entropy, z, t, want=np.mean(each))
    check(cross_entropy, z, t, reduction="sum", want=np.sum(each))
    print("✅ a batch of 3: 'none', 'mean' and 'sum' agree with each other")

    check(cross_entropy, Tensor([[1000.0, 0.0], [0.0, -1000.0]]),
          Tensor([0, 1]), reduction="none", want=[0.0, 1000.0], atol=1e-3)
    print("✅ logits of size 1000 give exact losses, no overflow")

    check(cross_entropy, Tensor([[1.0, -np.inf, 1.0]]), Tensor([0]),
          want=np.log(2.0))
    print("✅ a masked (-inf) class is left out")
    ### BEGIN HIDDEN TESTS
    z = np.random.default_rng(11).normal(scale=4.0, size=(16, 7))
    k = np.random.default_rng(12).integers(0, 7, size=16)
    ref = np.mean([np.log(np.sum(np.exp(r))) - r[c] for r, c in zip(z, k)])
    check(cross_entropy, Tensor(z, dtype=np.float64),
          Tensor(k, dtype=np.int64), want=ref, atol=1e-12)
    check(cross_entropy, Tensor(z), Tensor(k), want=ref, atol=1e-5)
    ### END HIDDEN TESTS
    print("📈 Progress: cross_entropy ✓")


test_unit_cross_entropy()

# %% [markdown]
# The likelihood view, checked with your code: the probability that the
# model gives the labels of the whole batch is the product of the picked
# probabilities, and minus its log over $N$ is your mean cross-entropy.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-likelihood", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
z = Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2], [0.0, 0.0, 3.0]])
t = Tensor([0, 2, 2])
p_right = np.exp(log_softmax(z).data[np.arange(3), [0, 2, 2]])
likelihood = np.prod(p_right)
print(f"p(right class) per row: {np.round(p_right, 4)}")
print(f"likelihood of the batch: {likelihood:.6f}")
print(f"-log(likelihood) / N:    {-np.log(likelihood) / 3:.6f}")
print(f"cross_entropy (mean):    {cross_entropy(z, t).item():.6f}")

# %% [markdown]
# ## Step 5: `binary_cross_entropy`
#
# For a yes/no question the model outputs a probability $p$ (a sigmoid of
# a logit) and the label $y$ is 1 or 0:
#
# $$\ell = -\big[y \log p + (1 - y) \log (1 - p)\big]$$
#
# For a hard label only one term is active; soft labels in between mix
# them. An `(N, K)` input is $N \cdot K$ independent questions (multi-label
# classification), and `'mean'` averages all of them.
#
# A prediction of exactly 0 or 1 on the wrong side would cost
# $-\log 0 = \infty$, so clamp **each** log term from below at
# $\varepsilon = 10^{-7}$: $\log \max(p, \varepsilon)$ and
# $\log \max(1 - p, \varepsilon)$. One element then costs at most
# $-\log 10^{-7} \approx 16.118$. Clipping $p$ into
# $[\varepsilon, 1 - \varepsilon]$ instead is not the same in float32,
# where $1 - 10^{-7}$ rounds to $0.99999988$ and the bound on that side
# becomes 15.942.

# %% nbgrader={"grade": false, "grade_id": "losses-bce", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
EPS = 1e-7  # the clamp of binary cross-entropy


def binary_cross_entropy(predictions, targets, weight=None, *,
                         reduction="mean"):
    """Binary cross-entropy of probabilities, for yes/no decisions.

    loss_i = -(t_i * log(max(p_i, EPS)) + (1 - t_i) * log(max(1 - p_i, EPS)))
    then reduced: 'mean' (default), 'sum' or 'none'.

    Args:
        predictions: Tensor of probabilities in [0, 1] (after a sigmoid).
        targets: Tensor of labels in [0, 1], the shape of predictions.
        weight: PyTorch's setting, built in the stretch notebook.
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Shape:
        predictions, targets: (N,) or (N, K). Output: () or, with 'none',
        the shape of predictions.

    Example:
        >>> p, t = Tensor([0.9, 0.2, 0.1]), Tensor([1.0, 0.0, 0.0])
        >>> round(binary_cross_entropy(p, t).item(), 4)
        0.1446

    TODO: compute every element's loss with both log terms clamped at EPS,
    and reduce it.

    HINTS:
        - np.maximum(a, EPS) is the elementwise maximum with a number.

    NOTE: PyTorch's BCELoss clamps each log at -100 instead (so one
    element costs at most 100); the two agree for p in [1e-7, 1 - 1e-7].
    """
    reduction = checks.reduction("binary_cross_entropy", reduction)
    checks.core_settings("binary_cross_entropy", weight=weight)
    p, t = checks.probabilities("binary_cross_entropy", predictions, targets)
    ### BEGIN SOLUTION
    log_p = np.log(np.maximum(p, EPS))  # clamp p ...
    log_not_p = np.log(np.maximum(1 - p, EPS))  # ... and 1 - p, separately
    losses = -(t * log_p + (1 - t) * log_not_p)
    return reduce_losses(losses, reduction)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-test-bce", "locked": true, "points": 25, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_unit_binary_cross_entropy():
    """🔬 Unit Test: binary_cross_entropy"""
    print("🔬 Unit Test: binary_cross_entropy...")
    check(binary_cross_entropy, Tensor([0.9, 0.2, 0.1]),
          Tensor([1.0, 0.0, 0.0]), want=0.14462153)
    print("✅ [0.9, 0.2, 0.1] vs [1, 0, 0]: 0.1446")

    check(binary_cross_entropy, Tensor([0.5, 0.5]), Tensor([1.0, 0.5]),
          want=np.log(2.0))
    print("✅ p = 0.5 costs log(2) = 0.6931, for a hard or a soft label")

    check(binary_cross_entropy, Tensor([0.0, 1.0, 1.0, 0.0]),
          Tensor([1.0, 0.0, 1.0, 0.0]), reduction="none",
          want=[16.11809565, 16.11809565, 0.0, 0.0], atol=1e-4)
    print("✅ p = 0 or 1 on the wrong side is clamped to 16.118, not inf")

    p = Tensor([[0.9, 0.1], [0.3, 0.6]])
    y = Tensor([[1.0, 0.0], [0.0, 1.0]])
    check(binary_cross_entropy, p, y, reduction="sum", want=1.0782216)
    print("✅ (N, K) multi-label input: reduction='sum' adds all 4 terms")
    ### BEGIN HIDDEN TESTS
    a = np.random.default_rng(5).uniform(0.01, 0.99, size=(9, 2))
    b = np.random.default_rng(6).uniform(0.0, 1.0, size=(9, 2))
    ref = np.mean(-(b * np.log(a) + (1 - b) * np.log(1 - a)))
    check(binary_cross_entropy, Tensor(a, dtype=np.float64),
          Tensor(b, dtype=np.float64), want=ref, atol=1e-12)
    ### END HIDDEN TESTS
    print("📈 Progress: binary_cross_entropy ✓")


test_unit_binary_cross_entropy()

# %% [markdown]
# ## The loss classes
#
# Training code usually builds a loss once, with its settings, and calls
# it on every batch: `loss_fn = CrossEntropyLoss()`, then
# `loss = loss_fn(logits, targets)`. The classes below are given: each
# keeps its settings and calls your function. Like PyTorch's, they are
# `Module`s (from Module 03), and settings are passed by name; a misspelt
# one is a one-line `TypeError` that suggests the right name.

# %% nbgrader={"grade": false, "grade_id": "losses-classes", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
class Loss(Module):
    """Base of the loss classes: holds the settings given by name."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        self._settings = checks.bind_settings(cls, args, kwargs)
        return self

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self._settings.items())


class MSELoss(Loss):
    """`MSELoss()(predictions, targets)`: see `mse_loss`."""

    def __init__(self, *, reduction="mean"):
        super().__init__()
        self.reduction = checks.reduction("MSELoss", reduction)

    def forward(self, predictions, targets):
        return mse_loss(predictions, targets, reduction=self.reduction)


class CrossEntropyLoss(Loss):
    """`CrossEntropyLoss()(logits, targets)`: see `cross_entropy`."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean",
                 label_smoothing=0.0):
        super().__init__()
        checks.core_settings("CrossEntropyLoss", weight=weight,
                             label_smoothing=label_smoothing)
        self.ignore_index = checks.integer(
            "CrossEntropyLoss", "ignore_index", ignore_index)
        self.reduction = checks.reduction("CrossEntropyLoss", reduction)

    def forward(self, logits, targets):
        return cross_entropy(logits, targets, ignore_index=self.ignore_index,
                             reduction=self.reduction)


class BinaryCrossEntropyLoss(Loss):
    """`BinaryCrossEntropyLoss()(predictions, targets)`: see
    `binary_cross_entropy`. `BCELoss` is another name for it."""

    def __init__(self, weight=None, *, reduction="mean"):
        super().__init__()
        checks.core_settings("BinaryCrossEntropyLoss", weight=weight)
        self.reduction = checks.reduction("BinaryCrossEntropyLoss", reduction)

    def forward(self, predictions, targets):
        return binary_cross_entropy(predictions, targets,
                                    reduction=self.reduction)


BCELoss = BinaryCrossEntropyLoss

# %% [markdown]
# ## Common errors
#
# Most loss bugs are in what goes in, not in the maths. The next cell makes
# the classic mistakes on purpose and prints the message each one gets:
# a label out of range (NumPy would raise an `IndexError` from deep inside,
# or silently pick the wrong class for a negative one), `(4, 1)` against
# `(4,)` (NumPy would broadcast to a `(4, 4)` table of wrong differences),
# targets with an extra dimension, logits given to binary cross-entropy,
# a NaN, and a misspelt setting.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-errors", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def show_error(call):
    """Run `call()`, which must fail, and print its one-line message."""
    try:
        call()
    except (ValueError, TypeError) as err:
        print(f"{type(err).__name__}: {err}\n")
    else:
        raise AssertionError("expected an error")


show_error(lambda: cross_entropy(Tensor([[1.0, 2.0, 3.0]]), Tensor([5])))
show_error(lambda: mse_loss(Tensor([[1.0], [2.0], [3.0], [4.0]]),
                            Tensor([1.0, 2.0, 3.0, 4.0])))
show_error(lambda: cross_entropy(Tensor([[1.0, 2.0], [0.5, 0.1]]),
                                 Tensor([[1], [0]])))
show_error(lambda: binary_cross_entropy(Tensor([2.3, -1.2]),
                                        Tensor([1.0, 0.0])))
show_error(lambda: cross_entropy(Tensor([[0.5, np.nan]]), Tensor([0])))
show_error(lambda: CrossEntropyLoss(reductoin="sum"))

# %% [markdown]
# One mistake raises nothing. `cross_entropy` applies log-softmax itself;
# if the model already ends in a softmax, the loss treats probabilities as
# logits. Even a perfect prediction $(1, 0, 0)$ then costs
# $\log(e + 2) - 1 \approx 0.551$ instead of about 0, and training keeps
# pushing on answers that are already right:

# %% nbgrader={"grade": false, "grade_id": "losses-demo-double-softmax", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
logits = Tensor([[10.0, 0.0, 0.0]])
probs = from_numpy(np.exp(log_softmax(logits).data))
print(f"loss on the logits:            {cross_entropy(logits, Tensor([0])).item():.5f}")
print(f"loss on softmax(logits):       {cross_entropy(probs, Tensor([0])).item():.5f}")
print(f"lowest possible after softmax: "
      f"{cross_entropy(Tensor([[1.0, 0.0, 0.0]]), Tensor([0])).item():.5f}")

# %% [markdown]
# ## Systems analysis: what cross-entropy stores
#
# Take a language model with a vocabulary of $C = 50{,}000$ tokens and a
# batch of $B = 128$ positions. One float32 matrix of shape $(B, C)$ is
# 6.4 million numbers, 25.6 MB. The textbook route keeps three of them:
# logits, softmax probabilities and log-probabilities, 76.8 MB. But the
# loss of a row needs only two numbers: its log-sum-exp and its target's
# logit. The next cell measures the extra memory (beyond the logits)
# that three ways of computing the same loss need, with Python's
# `tracemalloc`:
#
# - **textbook**: softmax, then log, then pick;
# - **yours**: your `cross_entropy` on the whole batch;
# - **blocked**: your `cross_entropy` with `reduction='sum'` on about 1 MB
#   of rows at a time, divided by $B$ at the end.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-memory", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import time
import tracemalloc


def textbook_cross_entropy(logits, targets):
    z, t = logits.data, targets.data.astype(int)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return from_numpy(-np.log(probs)[np.arange(len(t)), t].mean())


def blocked_cross_entropy(logits, targets, rows=None):
    n, c = logits.shape
    rows = rows or max(1, (1 << 20) // (4 * c))  # about 1 MB of float32
    total = sum(cross_entropy(logits[i:i + rows], targets[i:i + rows],
                              reduction="sum").item()
                for i in range(0, n, rows))
    return from_numpy(np.float32(total / n))


def measure(fn, *args):
    """(result, peak extra MB, milliseconds) of fn(*args)."""
    tracemalloc.start()
    start = time.perf_counter()
    out = fn(*args)
    ms = (time.perf_counter() - start) * 1e3
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out.item(), peak, ms


rng = np.random.default_rng(0)
big = Tensor(rng.normal(size=(128, 50_000)))
labels = Tensor(rng.integers(0, 50_000, size=128))
print(f"logits: {big.data.nbytes / 1e6:.1f} MB")
for name, fn in [("textbook", textbook_cross_entropy),
                 ("yours", cross_entropy), ("blocked", blocked_cross_entropy)]:
    value, mb, ms = measure(fn, big, labels)
    print(f"{name:9s} loss {value:.5f}   extra memory {mb:6.1f} MB   "
          f"{ms:6.1f} ms (traced)")

# %% [markdown]
# All three agree on the loss. The textbook form peaks at three full-size
# matrices beyond the logits (exponentials, probabilities and
# log-probabilities: 76.8 MB). Yours needs what its temporaries take: each
# `z - max` or `np.exp(...)` that makes a new array costs one full matrix,
# so a shifted copy exponentiated in place (`np.exp(a, out=a)`) costs one,
# 25.6 MB. The blocked form needs a block or two of rows, 1 or 2 MB,
# however large the batch, as fused GPU kernels do.
# (`tracemalloc` slows NumPy down; `tito bench --module 04_losses` times
# these forms properly, against PyTorch.) Making your own `cross_entropy`
# need under 2 MB is an exercise of the optional
# stretch notebook.
#
# ## See it learn
#
# A loss is a feedback signal, so let it drive something. Below, your
# `cross_entropy` trains Module 03's `Linear` on 300 points in three
# clusters, with plain gradient descent. Autograd comes later, so the
# gradient is given. For cross-entropy on logits it is famously simple,
#
# $$\frac{\partial \ell_i}{\partial z_{ij}} = \mathrm{softmax}(z_i)_j
#   - [j = t_i],$$
#
# the predicted probabilities minus the one-hot target: push up the right
# class by what it is missing, push down the others by what they took.
# With `'mean'` every row's gradient is also divided by $N$. The function
# below computes it, and `gradients.register` pairs it with your
# `cross_entropy`: that registry is where autograd will find it later.
# The training loop then gives the weights `X.T @ grad` and the bias the
# column sums of `grad`. The model starts from zero weights: every class
# equally likely, so the first loss is $\log 3 \approx 1.0986$, the sanity
# check from the concepts section.

# %% nbgrader={"grade": false, "grade_id": "losses-backward", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
def cross_entropy_backward(grad, logits, targets, weight=None, *,
                           ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    """Gradients of `cross_entropy` for its inputs: (d logits, None).

    d loss_i / d logits_i = softmax(logits_i) - one_hot(t_i), times `grad`
    (one number, or one per row for 'none'), divided by N for 'mean'.
    Targets are class indices: they have no gradient.
    """
    checks.core_settings("cross_entropy", weight=weight,
                         label_smoothing=label_smoothing)
    z, t = checks.class_targets("cross_entropy", logits, targets, ignore_index)
    d = np.exp(log_softmax(from_numpy(z), dim=1).data)
    d[np.arange(len(t)), t] -= 1
    g = np.asarray(grad, dtype=d.dtype)
    d *= g[:, None] if g.ndim else g
    return (d / len(t) if reduction == "mean" else d), None


gradients.register(cross_entropy, cross_entropy_backward)

# %% nbgrader={"grade": false, "grade_id": "losses-demo-train", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt

from tinytorch.core.layers import Linear

rng = np.random.default_rng(0)
y = rng.integers(0, 3, size=300)
centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
X = Tensor(centres[y] + rng.normal(scale=0.9, size=(300, 2)))


def train(reduction, lr=0.5, steps=300):
    """Gradient descent on `Linear(2, 3)`; per-step (loss, accuracy)."""
    model, history = Linear(2, 3), []
    model.weight.data[:] = 0  # an untrained guess: every class equally
    model.bias.data[:] = 0    # likely, so the first loss is log 3
    for _ in range(steps):
        logits = model(X)
        loss = cross_entropy(logits, Tensor(y), reduction=reduction)
        accuracy = np.mean(logits.data.argmax(axis=1) == y)
        history.append((loss.item(), accuracy))
        grad = gradients.grad(cross_entropy, logits, Tensor(y),
                              reduction=reduction).data
        model.weight.data -= lr * (X.data.T @ grad)
        model.bias.data -= lr * grad.sum(axis=0)
    return np.array(history)


mean_run, sum_run = train("mean"), train("sum")
for step in (0, 10, 50, 299):
    loss, acc = mean_run[step]
    print(f"step {step:3d}: loss {loss:.4f}   accuracy {acc:.1%}")
print(f"'sum', same lr: mean loss per point at the end "
      f"{sum_run[-1, 0] / len(y):.4f} (it oscillates)")

fig, ax = plt.subplots(1, 2, figsize=(9, 3))
ax[0].plot(mean_run[:, 0], label="reduction='mean'")
ax[0].plot(sum_run[:, 0] / len(y), label="'sum' (divided by N)", alpha=0.7)
ax[0].set(xlabel="step", ylabel="loss per point", yscale="log")
ax[0].legend()
ax[1].plot(mean_run[:, 1])
ax[1].set(xlabel="step", ylabel="accuracy", ylim=(0, 1.05))
plt.tight_layout()
plt.show()

# %% [markdown]
# Two lessons are in these curves.
#
# - **Loss vs metric.** Accuracy stops moving early: once each point is on
#   the right side, it has nothing left to say. The loss keeps falling,
#   because the model is still becoming more confident about points it
#   already gets right. The loss is what the optimiser feels; the metric is
#   what you report.
# - **Loss scale vs learning rate.** `'sum'` is $N$ times the mean, so its
#   gradient is $N = 300$ times larger, and the same `lr` takes steps 300
#   times too long: the run jumps around instead of settling. With `'sum'`
#   you would divide the learning rate by $N$. That is why `'mean'` is the
#   default: a learning rate tuned at batch size 32 still works at 128.
#
# ## Check your understanding
#
# **Q1.** A language model with a 50,000-token vocabulary uses
# cross-entropy with batch size 128. In float32, how much memory do the
# logits, the softmax probabilities and the log-probabilities take?
#
# <details><summary>Answer</summary>
#
# Each is $128 \times 50{,}000$ floats of 4 bytes, 25.6 MB; together
# **76.8 MB**, and the cost grows as $B \times C$. Computing log-sum-exp
# minus the target logit needs only the logits and one work buffer, and a
# blocked loop needs a block or two of rows (1 or 2 MB), as measured above.
# </details>
#
# **Q2.** A training profile shows: forward pass 80 ms, loss 120 ms,
# backward pass 150 ms, for 1,000 classes and batch size 64. Why might the
# loss be so slow?
#
# <details><summary>Answer</summary>
#
# The loss has $64 \times 1{,}000 = 64{,}000$ exponentials, far less work
# than 120 ms: vectorised, that takes well under a millisecond. The time
# goes into *how* it is computed: Python loops over samples, softmax
# computed twice, copies between dtypes or devices. Profile the loss and
# keep every step a whole-array operation.
# </details>
#
# **Q3.** A model outputs logits `[50, 100, 150]`. What does a naive
# softmax do in float32, and what does the trick compute?
#
# <details><summary>Answer</summary>
#
# $e^{100}$ and $e^{150}$ are beyond $e^{88.72}$, so both become `inf`; the
# softmax is `[0, nan, nan]` and the loss NaN. With the trick the shifted
# logits are `[-100, -50, 0]`, every exponential is at most 1, and the
# log-probabilities are `[-100, -50, 0]` (to float precision).
# </details>
#
# **Q4.** A medical system chooses between 5 diseases. Cross-entropy or
# binary cross-entropy? What if a patient can have several at once?
#
# <details><summary>Answer</summary>
#
# One disease per patient: `cross_entropy` on `(N, 5)` logits with one
# class index each; softmax makes the five compete. Several at once: five
# independent yes/no questions, a sigmoid per logit and
# `binary_cross_entropy` with `(N, 5)` 0/1 targets; a softmax would wrongly
# force the five probabilities to sum to 1.
# </details>
#
# **Q5.** Batch size 32 uses 4 GB of GPU memory. Will 128 need 16 GB? What
# happens to the loss and the gradient?
#
# <details><summary>Answer</summary>
#
# Less: only activations and loss buffers grow with the batch; weights,
# gradients and optimizer state do not. If 1 GB of the 4 is that fixed
# part, 128 needs $1 + 4 \times 3 = 13$ GB. With `'mean'` the loss stays on
# the same scale, and the gradient's noise shrinks as $1/\sqrt{B}$: four
# times the batch halves it.
# </details>
#
# ## Module test
#
# The unit tests checked and graded each function alone. The module test
# checks that they work together, through the classes, on a realistic
# batch. It carries no points: a bug in one function already cost its
# step's points, and should not cost them twice.

# %% nbgrader={"grade": false, "grade_id": "losses-test-module", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
from tinytorch.testing import check  # bound afresh for the tests


def test_module():
    """🧪 Module test: the losses together."""
    print("🧪 Running the Module 04 test...")
    rng = np.random.default_rng(42)
    z = rng.normal(scale=2.0, size=(32, 6)).astype(np.float32)
    k = rng.integers(0, 6, size=32)
    logits, targets = Tensor(z), Tensor(k)
    z64 = z.astype(np.float64)
    lse = np.log(np.exp(z64).sum(axis=1))
    want = np.mean(lse - z64[np.arange(32), k])
    check(CrossEntropyLoss(), logits, targets, want=want, atol=1e-5)
    check(log_softmax, logits, want=z64 - lse[:, None], atol=1e-5)
    print("✅ CrossEntropyLoss is the mean of -log_softmax at the targets")

    s = rng.normal(scale=2.0, size=20)
    y = (rng.uniform(size=20) < 0.5).astype(np.float32)
    two = Tensor(np.stack([np.zeros(20), s], axis=1))
    p = 1.0 / (1.0 + np.exp(-s))
    want = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    check(CrossEntropyLoss(), two, Tensor(y), want=want, atol=1e-5)
    check(BCELoss(), Tensor(p), Tensor(y), want=want, atol=1e-5)
    print("✅ 2-class cross-entropy equals binary cross-entropy on a sigmoid")

    before = z.copy()
    for reduction in ("mean", "sum", "none"):
        CrossEntropyLoss(reduction=reduction)(logits, targets)
    assert np.array_equal(logits.data, before), "a loss changed its logits"
    print("✅ no loss changes its inputs")

    loss_fn = MSELoss(reduction="sum")
    check(loss_fn, Tensor([1.0, 2.0]), Tensor([1.0, 4.0]), want=4.0)
    assert isinstance(loss_fn, Module) and repr(loss_fn) == \
        "MSELoss(reduction='sum')", repr(loss_fn)
    print("✅ the classes are Modules that keep their settings")
    print("\n🎉 Module 04 passed: your losses are ready for training.")
    print("📈 Progress: Losses ✓")


test_module()

# %% [markdown]
# ## Summary
#
# - `log_softmax` subtracts the maximum before exponentiating: exact, and
#   the largest exponential is $e^0 = 1$. Masked (`-inf`) classes drop out.
# - `mse_loss` averages squared errors: smooth, and hard on large mistakes.
# - `cross_entropy` is log-sum-exp minus the target logit: the negative
#   log-likelihood of the labels, cheap when confidently right and
#   expensive when confidently wrong.
# - `binary_cross_entropy` handles yes/no and multi-label targets, with a
#   clamp that keeps one element's loss at most 16.118.
# - `'mean'` keeps the loss's scale, and so the learning rate, independent
#   of the batch size; the loss is what you optimise, the metric what you
#   report.
# - Cross-entropy costs $O(B \times C)$ time; how much memory it needs is
#   your choice, from three full matrices down to a block of rows.
#
# Export and test your work with `tito export --module 04_losses` and
# `tito test --module 04_losses`; then `from tinytorch.nn import
# CrossEntropyLoss` (or `import tinytorch.nn.functional as F`) works in any
# script. **Next:** Module 05 (DataLoader) feeds batches to the model, and
# your losses return in every module after it: `loss.backward()` with
# autograd, `optimizer.step()` with the optimizers, and the full training
# loop. The optional stretch notebook, `04_losses_stretch.ipynb`, goes
# further: class weights, ignored targets, label smoothing, Huber, KL,
# focal and contrastive losses, gradients and calibration.
