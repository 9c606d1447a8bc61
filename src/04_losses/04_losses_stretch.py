# %% [markdown]
# # Module 04: Losses, optional stretch notebook
#
# This notebook is optional and worth **40 extra points** on top of the
# core notebook, `04_losses.ipynb`. It builds on the core: finish and
# export that first (`tito export --module 04_losses`), because the next
# cell imports your core losses and their helpers from
# `tinytorch.core.losses`. What you write here exports to
# `tinytorch/core/losses_stretch.py` with the same command.
#
# `tito test --module 04_losses` runs this notebook's tests too. Until you
# write a section, its tests count as "optional to do" and never fail a
# finished core.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.losses_stretch
#| export
import numpy as np

from tinytorch.core.losses import *  # noqa: F403 (your core losses)
from tinytorch.core.losses import (  # the core's helpers, used here too
    _at, _binary_cross_entropy_forward, _check_bool_setting,
    _check_class_settings, _check_class_targets, _check_class_values,
    _check_cross_entropy_inputs, _check_finite, _check_int_setting,
    _check_logits, _check_nonempty, _check_number_setting, _check_pair,
    _check_same_shape, _check_tensor, _check_unit_interval,
    _check_weight_setting, _compute_dtype, _cross_entropy_forward,
    _finite_or_raise, _first, _fmt, _log_softmax_forward, _reduce, _tensor)
from tinytorch.core.tensor import Tensor

# %% [markdown]
# ---
#
# # Stretch: beyond the core (optional, extra points)
#
# The core notebook, `04_losses.ipynb`, is the module: 60 points, and
# all that later modules need. This part is optional and worth **40 extra
# points**. It builds what a practitioner reaches for as soon as a project
# leaves the textbook: the module page lists advanced losses and other
# reductions under "what you're not building", and the textbook
# chapter explains them. Wherever PyTorch has the same loss, the names,
# argument order and defaults are PyTorch's, so the package tests use
# PyTorch as the oracle and you can move to `torch.nn` without relearning.
#
# | Section | You write | Points |
# |---|---|---|
# | S1 Reductions and `L1Loss` | `_l1_forward` | 4 |
# | S2 `HuberLoss` and `SmoothL1Loss` | `_huber_forward` | 4 |
# | S3 `NLLLoss`: class weights and `ignore_index` | `_nll_forward` | 4 |
# | S4 `CrossEntropyLoss` in full | `_smoothed_cross_entropy_forward`, `_soft_cross_entropy_forward` | 5 |
# | S5 `BCEWithLogitsLoss` | `_bce_with_logits_forward` | 5 |
# | S6 `KLDivLoss` | `_kl_div_forward` | 3 |
# | S7 `FocalLoss` | `_focal_forward` | 3 |
# | S8 `TripletMarginLoss` and `InfoNCELoss` | `_triplet_margin_forward`, `_info_nce_forward` | 4 |
# | S9 Gradients, measured | `_mse_backward`, `_binary_cross_entropy_backward`, `_bce_with_logits_backward` | 3 |
# | S10 Class-imbalance weights | `class_weights` | 2 |
# | S11 Calibration | `_calibration_bins` | 3 |
#
# Every loss here has the shape of the core ones: the constructor holds the
# settings, `forward` checks the inputs with the shared helpers, a kernel
# (which you write) computes one loss per element, and `_reduce` applies
# the reduction. The core classes already accept every PyTorch setting.
# Their `forward` takes the core path whenever it can; when a call needs
# more (class weights, ignored targets, label smoothing, probability
# targets, extra dimensions), `CrossEntropyLoss` hands it to `_class_loss`
# from S3, and `BinaryCrossEntropyLoss` hands a `weight` to
# `_broadcast_weight` from S5. Until you have written a section, calls that
# need it stop at its `NotImplementedError`; the core part never needs it.

# %% [markdown]
# ## S1: Reductions and `L1Loss`
#
# **Reductions.** Every loss takes a `reduction` setting:
#
# | `reduction` | result | typical use |
# |---|---|---|
# | `'mean'` (default) | one number: the average loss per element | training; the scale does not depend on the batch size |
# | `'sum'` | one number: the total | dividing by a count of your own, such as the tokens of a whole epoch |
# | `'none'` | one loss per element, shaped like the input | weighting samples yourself, finding the hardest examples |
#
# `_check_reduction` is the one place that checks the setting, so a typo
# fails when the loss is built, and the message suggests the nearest valid
# name. `_reduce` does the work. For `'mean'` and `'sum'` it still runs the
# kernel on about 1 MB of rows at a time, so memory stays small; only
# `'none'` has to keep every per-element value. Without weights,
# `'sum'` equals `'none'` added up, and `'mean'` equals `'none'` averaged;
# the package tests check this for every loss.
#
# **L1 loss** (mean absolute error) is the first new loss:
#
# $$\ell_i = |\hat y_i - y_i|$$
#
# It grows linearly: an error of 10 costs 10 and an error of 20 costs 20,
# where MSE charges 100 and 400. A few badly wrong labels can no longer
# dominate the batch. The price is a kink at 0: the slope jumps from -1 to
# +1, so it does not shrink as a prediction gets close to its target.
#
# You write `_l1_forward`. `_elementwise_loss`, the recipe of `MSELoss`
# (check, kernel, reduce, explain a non-finite result), is given; the
# regression losses of S1 and S2 share it.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-l1", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _l1_forward(predictions, targets):
    """Absolute error of every element (no reduction).

    out_i = |predictions_i - targets_i|

    Args:
        predictions: float array of any shape.
        targets: float array with the same shape and dtype.

    Returns:
        np.ndarray with the same shape: one absolute error per element.

    Example:
        >>> _l1_forward(np.array([1.0, 2.0]), np.array([1.5, 4.0]))
        array([0.5, 2. ])

    TODO: return the absolute difference of every pair of elements.

    APPROACH:
        1. Subtract the targets from the predictions.
        2. Return the absolute value, elementwise. No mean here.

    EXAMPLE:
        predictions [1.0, -2.0], targets [1.5, 0.0] -> [0.5, 2.0]

    HINTS:
        - np.abs works elementwise on whole arrays.
    """
    ### BEGIN SOLUTION
    return np.abs(predictions - targets)
    ### END SOLUTION


def _elementwise_loss(loss_fn, kernel, predictions, targets):
    """Check, compute and reduce a loss that compares two Tensors of the
    same shape element by element, `kernel(p, t)` (MSELoss's recipe)."""
    name = type(loss_fn).__name__
    p, t = _check_pair(name, predictions, targets, loss_fn.reduction)
    loss = _reduce(kernel, p, t, reduction=loss_fn.reduction)
    if not np.isfinite(loss.data).all():  # explain, or recompute wider
        _check_finite(name, "predictions", p)
        _check_finite(name, "targets", t)
    return _finite_or_raise(name, loss, kernel, p, t,
                            reduction=loss_fn.reduction)


class L1Loss(Loss):
    """Mean absolute error, for regression that shrugs off outliers.

    loss_i = |predictions_i - targets_i|, for every element i
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i

    Args (of the constructor):
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Args (of a call, `loss_fn(predictions, targets)`):
        predictions: Tensor of model outputs (real numbers).
        targets: Tensor of the true values.

    Shape:
        predictions: any shape with a batch dimension, such as (N, D).
        targets: exactly the same shape as predictions.
        output: () -- a 0-d Tensor; with 'none', the shape of predictions.

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: the shapes differ, the batch is empty, or a value is
            NaN or inf.
        NOTE: PyTorch's L1Loss broadcasts mismatched shapes (with a
        warning); this one raises instead.

    Example:
        >>> L1Loss()(Tensor([1.0, -2.0, 4.0]), Tensor([1.5, 0.0, 1.0])).item()
        1.8333333730697632
        >>> L1Loss(reduction="sum")(Tensor([1.0, -2.0, 4.0]),
        ...                         Tensor([1.5, 0.0, 1.0])).item()
        5.5
    """

    def forward(self, predictions, targets):
        return _elementwise_loss(self, _l1_forward, predictions, targets)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-reductions", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_reductions_and_l1():
    """🔬 Unit Test: reductions and L1Loss"""
    print("🔬 Unit Test: reductions and L1Loss...")
    p, t = Tensor([1.0, -2.0, 4.0]), Tensor([1.5, 0.0, 1.0])

    loss = L1Loss()(p, t)
    assert isinstance(loss, Tensor), f"expected a Tensor, got {type(loss)}"
    assert loss.shape == () and loss.dtype == np.float32, (
        f"expected a 0-d float32 Tensor, got {loss.shape} {loss.dtype}")
    assert abs(loss.item() - 5.5 / 3) < 1e-6, (
        f"errors [0.5, 2, 3] should average to 1.8333, got {loss.item()}")
    print(f"✅ L1 of [1, -2, 4] vs [1.5, 0, 1] is 5.5 / 3 = "
          f"{loss.item():.4f}")

    total = L1Loss(reduction="sum")(p, t)
    each = L1Loss(reduction="none")(p, t)
    assert total.shape == () and abs(total.item() - 5.5) < 1e-6, (
        f"'sum' should give 5.5, got {total}")
    assert each.shape == (3,) and each.dtype == np.float32, (
        f"'none' should give a (3,) float32 Tensor, got {each}")
    assert np.allclose(each.data, [0.5, 2.0, 3.0]), (
        f"'none' should give [0.5, 2, 3], got {each.data}")
    print(f"✅ 'sum' gives {total.item():g} and 'none' gives "
          f"{each.data.tolist()}")

    probs, labels = Tensor([[0.9, 0.2], [0.6, 0.5]]), Tensor([[1.0, 0.0],
                                                                [0.0, 1.0]])
    per_elem = BinaryCrossEntropyLoss(reduction="none")(probs, labels)
    summed = BinaryCrossEntropyLoss(reduction="sum")(probs, labels)
    mean = BinaryCrossEntropyLoss()(probs, labels)
    assert per_elem.shape == (2, 2), (
        f"'none' keeps the input's shape (2, 2), got {per_elem.shape}")
    assert abs(summed.item() - per_elem.data.sum()) < 1e-5, (
        f"'sum' {summed.item()} should equal 'none' added up "
        f"{per_elem.data.sum()}")
    assert abs(mean.item() - per_elem.data.mean()) < 1e-6, (
        f"'mean' {mean.item()} should equal 'none' averaged")
    print("✅ 'sum' and 'mean' agree with 'none' (BinaryCrossEntropyLoss)")

    for bad in ("avg", "Mean", None):
        try:
            L1Loss(reduction=bad)
        except ValueError as err:
            assert "'mean', 'sum', 'none'" in str(err), str(err)
        else:
            raise AssertionError(f"reduction={bad!r} should raise")
    print("✅ reduction='avg' raises a ValueError naming the valid choices")
    ### BEGIN HIDDEN TESTS
    big = L1Loss(reduction="none")(Tensor([[0.0, 100.0]]),
                                   Tensor([[0.0, 0.0]]))
    assert big.shape == (1, 2) and big.data.tolist() == [[0.0, 100.0]]
    x = Tensor(np.array([0.25, -1.5]), dtype=np.float64)
    y = Tensor(np.array([1.0, 1.0]), dtype=np.float64)
    got = L1Loss(reduction="none")(x, y)
    assert got.dtype == np.float64 and got.data.tolist() == [0.75, 2.5]
    assert L1Loss(reduction="sum")(x, y).item() == 3.25
    try:
        L1Loss()(Tensor([[1.0], [2.0]]), Tensor([1.0, 2.0]))
    except ValueError:
        pass
    else:
        raise AssertionError("(2, 1) vs (2,) must raise ValueError")
    ### END HIDDEN TESTS
    print("📈 Progress: reductions and L1Loss ✓")


test_unit_reductions_and_l1()

# %% [markdown]
# ## S2: `HuberLoss` and `SmoothL1Loss`
#
# Huber's loss is quadratic for small errors and linear for large ones,
# with the switch at a threshold $\delta$ (with $d_i = \hat y_i - y_i$):
#
# $$\ell_i = \begin{cases} \tfrac12 d_i^2 & \text{if } |d_i| < \delta \\
# \delta \left(|d_i| - \tfrac12 \delta\right) & \text{otherwise} \end{cases}$$
#
# The two pieces meet at $|d| = \delta$ with the same value,
# $\delta^2 / 2$, and the same slope, $\delta$. So the loss is smooth near
# 0 like MSE and grows only linearly for outliers like L1. With
# $\delta = 1$, an error of 0.5 costs 0.125, and an error of 10 costs 9.5,
# where MSE would charge 100.
#
# PyTorch has two versions of this idea. `HuberLoss(delta=1.0)` is the
# formula above. `SmoothL1Loss(beta=1.0)` divides it by its threshold,
# $\ell^{\mathrm{SmoothL1}}_\beta = \ell^{\mathrm{Huber}}_{\delta = \beta}
# / \beta$, so its linear part always has slope 1; `beta=0` is exactly L1.
# The textbook chapter's summary table lists `nn.SmoothL1Loss()` for Huber: the
# two agree only when $\beta = \delta = 1$.
#
# You write `_huber_forward`; both classes use it.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-huber", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _huber_forward(predictions, targets, delta):
    """Huber loss of every element (no reduction).

    d_i = predictions_i - targets_i
    out_i = 0.5 * d_i ** 2                  if |d_i| < delta
            delta * (|d_i| - 0.5 * delta)   otherwise

    Args:
        predictions: float array of any shape.
        targets: float array with the same shape and dtype.
        delta: the threshold, a positive float.

    Returns:
        np.ndarray with the same shape: one loss per element.

    Example:
        >>> _huber_forward(np.array([0.5, 10.0]), np.array([0.0, 0.0]), 1.0)
        array([0.125, 9.5  ])

    TODO: return the Huber loss of every element.

    APPROACH:
        1. size = the absolute error |predictions - targets|.
        2. quadratic = 0.5 * size ** 2; linear = delta * (size - 0.5 * delta).
        3. Choose quadratic where size < delta, linear elsewhere.

    EXAMPLE:
        errors [0.5, 3.0] with delta 2.0 -> [0.125, 2 * (3 - 1)] = [0.125, 4.0]

    HINTS:
        - np.where(condition, a, b) picks from a where the condition holds
          and from b elsewhere, elementwise.
    """
    ### BEGIN SOLUTION
    size = np.abs(predictions - targets)
    quadratic = 0.5 * size * size
    linear = delta * (size - 0.5 * delta)
    return np.where(size < delta, quadratic, linear)
    ### END SOLUTION


class HuberLoss(Loss):
    """Huber loss: squared error for small errors, linear for large ones.

    loss_i = 0.5 * d_i ** 2 if |d_i| < delta,
             delta * (|d_i| - 0.5 * delta) otherwise,
    with d_i = predictions_i - targets_i.
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i

    Args (of the constructor, PyTorch's order and defaults):
        reduction: 'mean', 'sum' or 'none'.
        delta: the threshold, finite and > 0 (default 1.0).

    Shape:
        predictions: any shape with a batch dimension.
        targets: exactly the same shape as predictions.
        output: () -- a 0-d Tensor; with 'none', the shape of predictions.

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: the shapes differ, the batch is empty, a value is NaN
            or inf, or delta is not > 0.

    Example:
        >>> HuberLoss(reduction="none")(Tensor([0.5, 10.0]),
        ...                             Tensor([0.0, 0.0])).data.tolist()
        [0.125, 9.5]
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = _check_number_setting(
            type(self).__name__, "delta", delta, 0.0, low_open=True,
            hint="errors smaller than delta are squared; 1.0 is the default")

    def forward(self, predictions, targets):
        return _elementwise_loss(self, self._kernel, predictions, targets)

    def _kernel(self, predictions, targets):
        return _huber_forward(predictions, targets, self.delta)


class SmoothL1Loss(Loss):
    """Smooth L1 loss: Huber's loss divided by its threshold beta.

    loss_i = 0.5 * d_i ** 2 / beta if |d_i| < beta,
             |d_i| - 0.5 * beta otherwise,
    with d_i = predictions_i - targets_i; beta = 0 gives L1Loss.
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i

    Args (of the constructor):
        reduction: 'mean', 'sum' or 'none' (keyword only).
        beta: the threshold, finite and >= 0 (keyword only; default 1.0).

    Shape:
        predictions: any shape with a batch dimension.
        targets: exactly the same shape as predictions.
        output: () -- a 0-d Tensor; with 'none', the shape of predictions.

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: the shapes differ, the batch is empty, a value is NaN
            or inf, or beta is negative.
        NOTE: PyTorch's first positional arguments are the deprecated
        size_average and reduce, so here the settings go by name.

    Example:
        >>> SmoothL1Loss(reduction="none", beta=0.5)(
        ...     Tensor([0.25, 2.0]), Tensor([0.0, 0.0])).data.tolist()
        [0.0625, 1.75]
    """

    def __init__(self, *, reduction="mean", beta=1.0):
        super().__init__(reduction=reduction)
        self.beta = _check_number_setting(
            type(self).__name__, "beta", beta, 0.0,
            hint="beta=0 is L1; 1.0 is the default")

    def forward(self, predictions, targets):
        return _elementwise_loss(self, self._kernel, predictions, targets)

    def _kernel(self, predictions, targets):
        if self.beta == 0:
            return _l1_forward(predictions, targets)
        return _huber_forward(predictions, targets, self.beta) / self.beta

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-huber", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_huber():
    """🔬 Unit Test: HuberLoss and SmoothL1Loss"""
    print("🔬 Unit Test: HuberLoss and SmoothL1Loss...")
    zeros = Tensor([0.0, 0.0])

    each = HuberLoss(reduction="none")(Tensor([0.5, 10.0]), zeros)
    assert each.shape == (2,) and each.dtype == np.float32, (
        f"expected a (2,) float32 Tensor, got {each}")
    assert np.allclose(each.data, [0.125, 9.5]), (
        f"errors 0.5 and 10 with delta 1 should cost [0.125, 9.5], "
        f"got {each.data}")
    print(f"✅ delta = 1: error 0.5 costs {each.data[0]:g}, error 10 costs "
          f"{each.data[1]:g}")

    each = HuberLoss(reduction="none", delta=2.0)(Tensor([1.0, -3.0]), zeros)
    assert np.allclose(each.data, [0.5, 4.0]), (
        f"errors 1 and -3 with delta 2 should cost [0.5, 4.0], "
        f"got {each.data}")
    mean = HuberLoss(delta=2.0)(Tensor([1.0, -3.0]), zeros).item()
    assert abs(mean - 2.25) < 1e-6, f"the mean should be 2.25, got {mean}"
    print(f"✅ delta = 2: errors [1, -3] cost {each.data.tolist()}, mean "
          f"{mean:g}")

    each = SmoothL1Loss(reduction="none", beta=0.5)(Tensor([0.25, 2.0]),
                                                    zeros)
    assert np.allclose(each.data, [0.0625, 1.75]), (
        f"SmoothL1 with beta 0.5 should give [0.0625, 1.75], got {each.data}")
    l1 = L1Loss()(Tensor([0.25, -2.0]), zeros).item()
    beta0 = SmoothL1Loss(beta=0.0)(Tensor([0.25, -2.0]), zeros).item()
    assert abs(beta0 - l1) < 1e-7, (
        f"SmoothL1Loss(beta=0) should equal L1Loss ({l1}), got {beta0}")
    print(f"✅ SmoothL1 (beta 0.5) gives {each.data.tolist()}; beta = 0 is "
          f"L1")

    for make in (lambda: HuberLoss(delta=0.0),
                 lambda: SmoothL1Loss(beta=-1.0)):
        try:
            make()
        except ValueError:
            pass
        else:
            raise AssertionError("delta <= 0 and beta < 0 must raise")
    print("✅ delta = 0 and beta = -1 raise a ValueError")
    ### BEGIN HIDDEN TESTS
    d = np.array([-2.0, -1.0, 0.999, 1.0, 1.001, 3.0])
    got = HuberLoss(reduction="none", delta=1.0)(
        Tensor(d, dtype=np.float64), Tensor(np.zeros(6), dtype=np.float64))
    want = [0.5 * v * v if abs(v) < 1 else abs(v) - 0.5 for v in d]
    assert got.dtype == np.float64
    assert np.allclose(got.data, want, rtol=1e-12, atol=1e-12)
    h = HuberLoss(reduction="none", delta=1.5)(Tensor(d), Tensor(np.zeros(6)))
    s = SmoothL1Loss(reduction="none", beta=1.5)(Tensor(d),
                                                 Tensor(np.zeros(6)))
    assert np.allclose(h.data, 1.5 * s.data, atol=1e-6)
    ### END HIDDEN TESTS
    print("📈 Progress: HuberLoss and SmoothL1Loss ✓")


test_unit_huber()

# %% [markdown]
# ## S3: `NLLLoss`, class weights and `ignore_index`
#
# `NLLLoss` is the second half of cross-entropy. It takes
# **log-probabilities** (the output of `log_softmax`) and charges the
# negative log-probability of each row's target, times a class weight:
#
# $$\ell_i = -w_{t_i} \log p_{i, t_i}$$
#
# `CrossEntropyLoss` is `log_softmax` followed by `NLLLoss`. PyTorch keeps
# both because some models end in a `log_softmax` layer of their own.
#
# Two settings make these losses practical:
#
# - **`weight`**, one number per class, scales each row's loss by the
#   weight of its target class, so that a rare class cannot be ignored (S10
#   computes such weights). With weights, `'mean'` divides by the **total
#   weight of the rows**, $\sum_i w_{t_i}$, not by $N$: the result is a
#   weighted average, and multiplying every weight by the same number does
#   not change it.
# - **`ignore_index`** (default -100) marks targets to skip, such as the
#   padding at the end of short sentences or unlabelled pixels. An ignored
#   row adds 0 to the sum and 0 to the divisor, so `'mean'` is the mean of
#   the rows that count, exactly as if the others had been dropped.
#
# For example, take the probabilities `[[0.5, 0.5], [0.25, 0.75],
# [0.9, 0.1]]`, targets `[0, 1, -100]` and `weight=[1, 3]`. The rows cost
# $-1 \cdot \log 0.5 \approx 0.6931$, $-3 \log 0.75 \approx 0.8630$ and 0
# (ignored); their sum is about 1.5562 and the kept weight is $1 + 3 = 4$,
# so `'mean'` gives about 0.3890.
#
# **An all-ignored batch.** If every target equals `ignore_index`, or every
# kept target has weight 0, there is nothing to average. PyTorch returns
# NaN there. Here `'mean'` raises a `ValueError` that says so, as for an
# empty batch; `'sum'` gives 0 and `'none'` gives zeros.
#
# **More dimensions.** Both losses also take `(N, C, d1, ...)` scores with
# `(N, d1, ...)` targets, for example one class per pixel: `(N, C, H, W)`
# scores and `(N, H, W)` targets. `_class_loss`, given below, moves the
# class dimension last and flattens the rest into rows, so your kernel only
# ever sees `(rows, C)`. It also checks every input and applies the
# reduction, for `NLLLoss` and for `CrossEntropyLoss` beyond its core path.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-nll", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _nll_forward(log_probs, targets, weight, ignore_index):
    """Weighted negative log-likelihood of every row (no reduction).

    out_i = -weight[t_i] * log_probs[i, t_i], and 0 where t_i == ignore_index

    Args:
        log_probs: float array (rows, C) of log-probabilities (or -inf).
        targets: integer array (rows,): class indices in 0..C-1, or
            ignore_index.
        weight: float array (C,), one weight per class.
        ignore_index: int; rows whose target equals it cost 0.

    Returns:
        np.ndarray (rows,) with the dtype of `log_probs`.

    Example:
        >>> lp = np.log(np.array([[0.5, 0.5], [0.25, 0.75]]))
        >>> out = _nll_forward(lp, np.array([1, -100]),
        ...                    np.array([1.0, 3.0]), -100)
        >>> print(np.round(out, 4))
        [2.0794 0.    ]

    TODO: pick each row's target log-probability, scale it by the target's
    class weight, negate, and put 0 in the ignored rows.

    APPROACH:
        1. keep = targets != ignore_index
        2. safe = targets where kept, 0 elsewhere (a valid index to read).
        3. picked = log_probs[np.arange(rows), safe]
        4. Return -weight[safe] * picked where kept, and 0 elsewhere.

    EXAMPLE:
        log_probs log([[0.5, 0.5], [0.25, 0.75]]), targets [0, 1],
        weight [1, 3] -> [-1 * log 0.5, -3 * log 0.75] = [0.6931, 0.8630]

    HINTS:
        - np.where(keep, a, 0.0) keeps a in the kept rows and 0 elsewhere.
        - Never index with an ignored target: -100 would silently read
          the 100th class from the end, or fail.
    """
    ### BEGIN SOLUTION
    keep = targets != ignore_index
    safe = np.where(keep, targets, 0)
    picked = log_probs[np.arange(log_probs.shape[0]), safe]
    return np.where(keep, -weight[safe] * picked, 0.0)
    ### END SOLUTION


def _class_loss(loss_fn, scores, targets, from_logits):
    """CrossEntropyLoss (from_logits=True) and NLLLoss in full: the checks,
    (N, C, d1, ...) inputs, weight, ignore_index, label smoothing,
    probability targets and every reduction, around the row kernels."""
    name = type(loss_fn).__name__
    arg = "logits" if from_logits else "log_probs"
    x = _check_tensor(name, arg, scores)
    if x.ndim < 2:
        raise ValueError(
            f"{name}: {arg} must have shape (N, C) or (N, C, d1, ...), got "
            f"shape {x.shape}. Hint: for a single sample use "
            f"{arg}.reshape(1, -1).")
    n, c = x.shape[:2]
    if n == 0 or x.size == 0 and c > 0:
        _check_nonempty(name, arg, x, loss_fn.reduction)
    if c == 0:
        _check_logits(name, arg, x, axis=1)
    dtype = _compute_dtype(x)
    rows = np.moveaxis(x, 1, -1).reshape(-1, c).astype(dtype, copy=False)
    weight = np.ones(c, dtype=dtype)
    if loss_fn.weight is not None:
        if loss_fn.weight.shape != (c,):
            raise ValueError(
                f"{name}: weight must have one value per class, shape "
                f"({c},), got {loss_fn.weight.shape}. Hint: the logits "
                f"have {c} classes in dim 1.")
        weight = loss_fn.weight.data.astype(dtype)
    ignore = loss_fn.ignore_index
    smoothing = getattr(loss_fn, "label_smoothing", 0.0)
    soft = from_logits and isinstance(targets, Tensor) \
        and targets.shape == x.shape
    if soft:
        y = _check_tensor(name, "targets", targets)
        if ignore != -100:
            raise ValueError(
                f"{name}: ignore_index={ignore} applies to class-index "
                f"targets, but these targets are class probabilities "
                f"(shape {y.shape}, like the logits). Hint: give zero "
                f"probability rows a weight yourself, or leave "
                f"ignore_index at -100 (PyTorch raises here too).")
        _check_unit_interval(
            name, "targets", y,
            "targets shaped like the logits are class probabilities")
        y_rows = np.moveaxis(y, 1, -1).reshape(-1, c).astype(dtype)
        arrays, divisor = (rows, y_rows), None

        def kernel(z, p):
            return _soft_cross_entropy_forward(z, p, weight, smoothing)
    else:
        wanted = (n,) + x.shape[2:]
        t = _check_tensor(name, "targets", targets)
        if t.shape != wanted:
            if x.ndim == 2:
                _check_class_targets(name, targets, n, c, ignore,
                                     scores=arg)
            raise ValueError(
                f"{name}: targets must have shape {wanted}, one class index "
                f"per position of {arg} {x.shape}, got {t.shape}. Hint: "
                f"it is the shape of {arg} without dim 1, which holds the "
                f"classes.")
        t_rows = _check_class_values(name, t, c, ignore).reshape(-1)
        kept = t_rows != ignore
        divisor = float(np.sum(weight[t_rows[kept]], dtype=np.float64))
        if loss_fn.reduction == "mean" and divisor == 0:
            what = ("every target equals ignore_index" if not kept.any()
                    else "every kept target has weight 0")
            raise ValueError(
                f"{name}: {what} ({ignore}), so reduction='mean' has "
                f"nothing to average (PyTorch returns nan). Hint: skip "
                f"this batch, or use reduction='sum', which gives 0.")
        arrays = (rows, t_rows)
        if from_logits:
            def kernel(z, k):
                return _smoothed_cross_entropy_forward(z, k, weight, ignore,
                                                       smoothing)
        else:
            def kernel(z, k):
                return _nll_forward(z, k, weight, ignore)
    loss = _reduce(kernel, *arrays, reduction=loss_fn.reduction,
                   divisor=divisor)
    if not np.isfinite(loss.data).all():
        loss = _explain_class_loss(name, arg, x, loss, kernel, arrays,
                                   loss_fn.reduction, divisor, from_logits)
    if loss_fn.reduction == "none":
        loss = _tensor(loss.data.reshape((n,) + x.shape[2:]))
    return loss


def _explain_class_loss(name, arg, x, loss, kernel, arrays, reduction,
                        divisor, from_logits):
    """A non-finite class loss: raise for bad inputs or 0 * inf, keep a
    true +inf (a class the targets need has probability 0), and
    recompute float32 overflow in float64."""
    if from_logits:
        _check_logits(name, arg, x, axis=1)
    else:
        _check_finite(name, arg, x, allow_neg_inf=True)
    if not np.isneginf(x).any():
        return _finite_or_raise(name, loss, kernel, *arrays,
                                reduction=reduction, divisor=divisor)
    if np.isnan(loss.data).any():
        raise ValueError(
            f"{name}: the loss is 0 * inf (undefined): a -inf {arg} entry "
            f"meets a zero weight, a zero target probability or "
            f"label_smoothing=1. Hint: mask classes with a large negative "
            f"finite value such as -1e9 instead of -inf.")
    return loss  # +inf: the targets need a class of probability 0


class NLLLoss(Loss):
    """Negative log-likelihood of class indices, from log-probabilities.

    loss_i = -w[t_i] * log_probs_i[t_i], and 0 where t_i == ignore_index,
    with w = weight (all 1 by default). reduction 'mean' (default):
    sum_i loss_i / sum_i w[t_i] over the targets that are not ignored
    (the plain mean without weights); 'sum': sum_i loss_i; 'none': every
    loss_i. CrossEntropyLoss(logits) equals NLLLoss(log_softmax(logits)).

    Args (of the constructor, PyTorch's order and defaults):
        weight: None, or a Tensor (C,) of class weights >= 0.
        ignore_index: targets equal to it are skipped (keyword only;
            default -100).
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Args (of a call, `loss_fn(log_probs, targets)`):
        log_probs: Tensor of log-probabilities, e.g. from log_softmax
            (finite or -inf; not checked to be <= 0).
        targets: Tensor of class indices.

    Shape:
        log_probs: (N, C) or (N, C, d1, ...), the classes in dim 1.
        targets: (N,) or (N, d1, ...): whole numbers in 0..C-1, or
            ignore_index.
        output: () -- a 0-d Tensor; with 'none', the shape of targets.

    Returns:
        Tensor: float32, or float64 when log_probs is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or a setting
            has the wrong type.
        ValueError: wrong shapes, an empty batch, NaN or +inf scores, an
            out-of-range target, a weight that is not (C,), or
            reduction='mean' with nothing to average.
        NOTE: with reduction='mean', a batch whose targets all equal
        ignore_index (or whose kept targets all have weight 0) raises a
        ValueError; PyTorch returns NaN. PyTorch also takes (C,) input.

    Example:
        >>> lp = Tensor(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
        >>> loss_fn = NLLLoss(weight=Tensor([1.0, 3.0]))
        >>> round(loss_fn(lp, Tensor([0, 1, -100])).item(), 4)
        0.389
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        super().__init__(reduction=reduction)
        name = type(self).__name__
        self.weight, self.ignore_index = _check_class_settings(
            name, weight, ignore_index)

    def forward(self, log_probs, targets):
        return _class_loss(self, log_probs, targets, from_logits=False)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-nll", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_nll():
    """🔬 Unit Test: NLLLoss"""
    print("🔬 Unit Test: NLLLoss...")
    lp = Tensor(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))

    loss = NLLLoss()(lp, Tensor([0, 1, 0]))
    want = -(np.log(0.5) + np.log(0.75) + np.log(0.9)) / 3
    assert loss.shape == () and loss.dtype == np.float32, (
        f"expected a 0-d float32 Tensor, got {loss.shape} {loss.dtype}")
    assert abs(loss.item() - want) < 1e-6, (
        f"NLL should be {want:.4f}, got {loss.item()}")
    print(f"✅ picks -log p of each target and averages: "
          f"{loss.item():.4f}")

    weighted = NLLLoss(weight=Tensor([1.0, 3.0]))
    loss = weighted(lp, Tensor([0, 1, -100])).item()
    assert abs(loss - 0.389048) < 1e-5, (
        f"weights [1, 3] with the last row ignored should give "
        f"1.5562 / 4 = 0.3890, got {loss}")
    each = NLLLoss(weight=Tensor([1.0, 3.0]), reduction="none")(
        lp, Tensor([0, 1, -100]))
    assert each.shape == (3,) and np.allclose(
        each.data, [0.693147, 0.863046, 0.0], atol=1e-5), (
        f"'none' should give [0.6931, 0.8630, 0], got {each.data}")
    print(f"✅ weight [1, 3], last target ignored: mean {loss:.4f} "
          f"(= {each.data.sum():.4f} / 4)")

    dropped = NLLLoss()(Tensor(lp.data[:2]), Tensor([0, 1])).item()
    ignored = NLLLoss()(lp, Tensor([0, 1, -100])).item()
    assert abs(dropped - ignored) < 1e-6, (
        f"an ignored row should count as dropped: {ignored} vs {dropped}")
    print("✅ an ignored row gives the same mean as a dropped row")

    try:
        NLLLoss()(lp, Tensor([-100, -100, -100]))
    except ValueError as err:
        assert "ignore_index" in str(err), str(err)
    else:
        raise AssertionError("an all-ignored batch with 'mean' must raise")
    total = NLLLoss(reduction="sum")(lp, Tensor([-100, -100, -100]))
    assert total.item() == 0.0, f"'sum' should give 0, got {total}"
    print("✅ an all-ignored batch: 'mean' raises, 'sum' gives 0")

    grid = Tensor(np.log(np.full((2, 2, 3), 0.5)))  # (N, C, d1)
    each = NLLLoss(reduction="none")(grid, Tensor([[0, 1, 1], [1, 0, 0]]))
    assert each.shape == (2, 3) and np.allclose(each.data, np.log(2.0)), (
        f"(N, C, d1) input should give (N, d1) losses of log 2, got {each}")
    print("✅ (N, C, d1) scores with (N, d1) targets give (N, d1) losses")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(21)
    z = rng.normal(size=(7, 4))
    lpz = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    t = rng.integers(0, 4, size=7)
    w = np.array([0.5, 2.0, 1.0, 3.0])
    got = NLLLoss(weight=Tensor(w, dtype=np.float64))(
        Tensor(lpz, dtype=np.float64), Tensor(t))
    ref = sum(-w[k] * lpz[i, k] for i, k in enumerate(t)) / w[t].sum()
    assert got.dtype == np.float64 and abs(got.item() - ref) < 1e-12
    ignored = NLLLoss(ignore_index=2)(Tensor(lpz), Tensor(t)).item()
    keep = t != 2
    ref = -lpz[np.arange(7)[keep], t[keep]].mean()
    assert abs(ignored - ref) < 1e-5, (ignored, ref)
    try:
        NLLLoss()(lp, Tensor([0, 2, 1]))
    except ValueError:
        pass
    else:
        raise AssertionError("target 2 with 2 classes must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: NLLLoss ✓")


test_unit_nll()

# %% [markdown]
# ## S4: `CrossEntropyLoss` in full: label smoothing and probability targets
#
# **Label smoothing** trains against a mix of the one-hot target and the
# uniform distribution over the $C$ classes:
# $y' = (1 - \varepsilon)\,\mathrm{onehot}(t) + \varepsilon / C$. With
# $C = 4$ and $\varepsilon = 0.1$ the target `[1, 0, 0, 0]` becomes
# `[0.925, 0.025, 0.025, 0.025]`. The textbook chapter writes
# `[0.9, 0.033, 0.033, 0.033]` for this: it spreads $\varepsilon$ over the
# $C - 1$ wrong classes only. That is another convention; PyTorch's
# `label_smoothing`, used here, spreads it over all $C$ classes.
#
# A smoothed loss can no longer reach 0. Its minimum is the entropy of
# $y'$, reached when the softmax equals $y'$: about 0.3488 for the example
# above. So the model gains nothing by pushing its logits ever further
# apart, which tends to make it less overconfident (S11 measures
# confidence). Per row, with class weights $w$ as in S3:
#
# $$\ell_i = (1 - \varepsilon)\, w_{t_i} \left(-\log p_{i, t_i}\right)
#   + \frac{\varepsilon}{C} \sum_c w_c \left(-\log p_{i, c}\right)$$
#
# and 0 for an ignored row. `'mean'` divides by $\sum_i w_{t_i}$ over the
# kept rows, as in S3 (PyTorch's rule). For logits `[2.0, 1.0, 0.1]`,
# target 0 and $\varepsilon = 0.1$ the loss is about 0.5137, up from
# 0.4170 without smoothing.
#
# **Probability targets.** Instead of one class index per row, a target can
# be a whole distribution $y_i$ with the shape of the logits: soft labels
# from several annotators, mixup, or a teacher model's predictions in
# knowledge distillation. Then
# $\ell_i = -\sum_c w_c\, y'_{ic} \log p_{ic}$, with $y'$ smoothed as
# above. `'mean'` divides by the number of rows here, not by a weight total
# (PyTorch's rule again), and `ignore_index` does not apply: a non-default
# one raises, as in PyTorch. For one-hot rows both forms give the same
# per-row losses, so `'none'` and `'sum'` agree; `'mean'` agrees too unless
# there are weights.
#
# You write both row kernels. `_class_loss` from S3 calls them.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-cross-entropy", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _smoothed_cross_entropy_forward(logits, targets, weight, ignore_index,
                                    label_smoothing):
    """Cross-entropy of every row with class weights, ignored targets and
    label smoothing (no reduction).

    lp = log_softmax(logits) along the classes, C classes, e = smoothing
    out_i = (1 - e) * weight[t_i] * (-lp[i, t_i])
            + (e / C) * sum_c weight[c] * (-lp[i, c]),
    and 0 where t_i == ignore_index.

    Args:
        logits: float array (rows, C); finite or -inf, no row all -inf.
        targets: integer array (rows,): class indices, or ignore_index.
        weight: float array (C,).
        ignore_index: int.
        label_smoothing: float e in [0, 1].

    Returns:
        np.ndarray (rows,) with the dtype of `logits`.

    Example:
        >>> out = _smoothed_cross_entropy_forward(
        ...     np.array([[2.0, 1.0, 0.1]]), np.array([0]), np.ones(3),
        ...     -100, 0.1)
        >>> print(np.round(out, 4))
        [0.5137]

    TODO: combine the weighted NLL of the target with the smoothing term.

    APPROACH:
        1. log_probs = _log_softmax_forward(logits, 1) (your Step 1).
        2. nll = _nll_forward(log_probs, targets, weight, ignore_index)
           (your S3 kernel); with label_smoothing 0, return it.
        3. smooth = -(log_probs @ weight) / C: the weighted sum over all
           classes, one number per row. Set it to 0 in ignored rows.
        4. Return (1 - e) * nll + e * smooth.

    EXAMPLE:
        logits [[2.0, 1.0, 0.1]], target 0, e = 0.1, weights 1:
        lp = [-0.4170, -1.4170, -2.3170] -> 0.9 * 0.4170
        + 0.1 * (0.4170 + 1.4170 + 2.3170) / 3 = 0.5137

    HINTS:
        - `a @ w` with a of shape (rows, C) and w of shape (C,) gives
          the weighted row sums, shape (rows,).
        - Boolean indexing sets the ignored rows: smooth[mask] = 0.0.
    """
    ### BEGIN SOLUTION
    log_probs = _log_softmax_forward(logits, 1)
    nll = _nll_forward(log_probs, targets, weight, ignore_index)
    if label_smoothing == 0:
        return nll
    smooth = -(log_probs @ weight) / logits.shape[1]
    smooth[targets == ignore_index] = 0.0
    return (1 - label_smoothing) * nll + label_smoothing * smooth
    ### END SOLUTION


def _soft_cross_entropy_forward(logits, probs, weight, label_smoothing):
    """Cross-entropy of every row against class-probability targets (no
    reduction).

    lp = log_softmax(logits) along the classes, C classes, e = smoothing
    y' = (1 - e) * probs + e / C
    out_i = -sum_c weight[c] * y'[i, c] * lp[i, c]

    Args:
        logits: float array (rows, C); finite or -inf, no row all -inf.
        probs: float array (rows, C) of target probabilities in [0, 1].
        weight: float array (C,).
        label_smoothing: float e in [0, 1].

    Returns:
        np.ndarray (rows,) with the dtype of `logits`.

    Example:
        >>> out = _soft_cross_entropy_forward(
        ...     np.array([[0.0, 0.0]]), np.array([[0.5, 0.5]]),
        ...     np.ones(2), 0.0)
        >>> print(np.round(out, 4))
        [0.6931]

    TODO: smooth the target probabilities, then take the weighted
    cross-entropy of every row.

    APPROACH:
        1. log_probs = _log_softmax_forward(logits, 1).
        2. If label_smoothing > 0: probs = (1 - e) * probs + e / C.
        3. Return -(probs * log_probs) @ weight.

    EXAMPLE:
        logits [[0.0, 0.0]], probs [[1.0, 0.0]], weights 1, e = 0
        -> -(1 * log 0.5 + 0 * log 0.5) = [0.6931]

    HINTS:
        - The same weighted row sum as above: (rows, C) @ (C,).
    """
    ### BEGIN SOLUTION
    log_probs = _log_softmax_forward(logits, 1)
    if label_smoothing:
        probs = (1 - label_smoothing) * probs \
            + label_smoothing / logits.shape[1]
    return -((probs * log_probs) @ weight)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-cross-entropy", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_cross_entropy_full():
    """🔬 Unit Test: CrossEntropyLoss with every setting"""
    print("🔬 Unit Test: CrossEntropyLoss in full...")
    z = Tensor([[2.0, 1.0, 0.1]])

    smooth = CrossEntropyLoss(label_smoothing=0.1)(z, Tensor([0]))
    assert smooth.shape == () and smooth.dtype == np.float32, (
        f"expected a 0-d float32 Tensor, got {smooth}")
    assert abs(smooth.item() - 0.5136967) < 1e-6, (
        f"label_smoothing 0.1 should give 0.5137, got {smooth.item()}")
    print(f"✅ logits [2, 1, 0.1], target 0, label_smoothing 0.1: "
          f"{smooth.item():.4f}")

    logits = Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2], [1.0, 1.0, 1.0]])
    w = Tensor([1.0, 2.0, 0.5])
    each = CrossEntropyLoss(reduction="none")(logits, Tensor([0, 1, 2]))
    weighted = CrossEntropyLoss(weight=w)(logits, Tensor([0, 1, 2])).item()
    want = (each.data[0] * 1.0 + each.data[1] * 2.0 + each.data[2] * 0.5) \
        / 3.5
    assert each.shape == (3,), f"'none' should give (3,), got {each.shape}"
    assert abs(weighted - want) < 1e-6, (
        f"weighted 'mean' divides by the total weight 3.5: expected "
        f"{want:.4f}, got {weighted}")
    print("✅ with weight [1, 2, 0.5], 'mean' divides by the weight total")

    ignored = CrossEntropyLoss(ignore_index=2)(logits, Tensor([0, 1, 2]))
    dropped = CrossEntropyLoss()(Tensor(logits.data[:2]), Tensor([0, 1]))
    assert abs(ignored.item() - dropped.item()) < 1e-6, (
        f"ignore_index=2 should equal dropping that row: "
        f"{ignored.item()} vs {dropped.item()}")
    print("✅ ignore_index=2 gives the same loss as dropping that row")

    one_hot = Tensor(np.eye(3)[[0, 1, 2]])
    for e in (0.0, 0.3):
        a = CrossEntropyLoss(reduction="none", label_smoothing=e)(
            logits, Tensor([0, 1, 2]))
        b = CrossEntropyLoss(reduction="none", label_smoothing=e)(
            logits, one_hot)
        assert np.allclose(a.data, b.data, atol=1e-6), (
            f"class indices and one-hot probabilities should agree "
            f"(label_smoothing {e}): {a.data} vs {b.data}")
    soft = CrossEntropyLoss()(Tensor([[0.0, 0.0]]), Tensor([[0.3, 0.7]]))
    assert abs(soft.item() - np.log(2.0)) < 1e-6, (
        f"equal logits cost log 2 for any target distribution, got {soft}")
    print("✅ probability targets: one-hot rows match class indices")

    image = Tensor(np.zeros((2, 3, 4, 5)))  # (N, C, H, W)
    pixels = Tensor(np.zeros((2, 4, 5)))
    each = CrossEntropyLoss(reduction="none")(image, pixels)
    assert each.shape == (2, 4, 5) and np.allclose(each.data, np.log(3.0)), (
        f"(N, C, H, W) logits should give (N, H, W) losses of log 3, "
        f"got {each.shape}")
    print("✅ (N, C, H, W) logits give one loss per pixel")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(31)
    x = rng.normal(scale=2.0, size=(6, 4))
    t = rng.integers(0, 4, size=6)
    t[2] = -100
    wv = np.array([0.5, 1.0, 2.0, 1.5])
    e = 0.2
    got = CrossEntropyLoss(weight=Tensor(wv, dtype=np.float64),
                           label_smoothing=e)(Tensor(x, dtype=np.float64),
                                              Tensor(t))
    lp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    total, norm = 0.0, 0.0
    for i in range(6):
        if t[i] == -100:
            continue
        total += (1 - e) * wv[t[i]] * -lp[i, t[i]]
        total += e / 4 * sum(wv[c] * -lp[i, c] for c in range(4))
        norm += wv[t[i]]
    assert got.dtype == np.float64
    assert abs(got.item() - total / norm) < 1e-12, (got.item(), total / norm)
    try:
        CrossEntropyLoss(ignore_index=0)(Tensor([[0.0, 0.0]]),
                                         Tensor([[0.5, 0.5]]))
    except ValueError:
        pass
    else:
        raise AssertionError("ignore_index with probability targets raises")
    ### END HIDDEN TESTS
    print("📈 Progress: CrossEntropyLoss in full ✓")


test_unit_cross_entropy_full()

# %% [markdown]
# ## S5: `BCEWithLogitsLoss`: binary cross-entropy from logits
#
# `BinaryCrossEntropyLoss` takes probabilities, so the model applies a
# sigmoid first, and that step throws information away at extreme logits.
# In float32, $\sigma(x) = 1 / (1 + e^{-x})$ rounds to exactly 1.0 for every
# $x$ from 17 up. With target 0, $1 - \sigma(x)$ is then 0, the clamp
# takes over, and the loss is 16.118 whatever the logit (PyTorch's
# `BCELoss` gives 100): for $x = 40$ the true loss is 40. Worse, the clamp
# is flat, so its gradient is 0 and the model gets no signal to fix its
# most confident mistakes.
#
# Working with the logit $x$ directly avoids the rounding, because
#
# $$-\log \sigma(x) = \mathrm{softplus}(-x), \qquad
#   -\log\big(1 - \sigma(x)\big) = \mathrm{softplus}(x), \qquad
#   \mathrm{softplus}(x) = \max(x, 0) + \log\left(1 + e^{-|x|}\right)$$
#
# The right-hand form never overflows (the exponent is at most 0), and
# `np.log1p(u)`, which computes $\log(1 + u)$ accurately for tiny $u$,
# keeps its precision. The loss of one element is
#
# $$\ell_i = w_i \left[ p_w\, y_i\, \mathrm{softplus}(-x_i)
#   + (1 - y_i)\, \mathrm{softplus}(x_i) \right]$$
#
# which for $p_w = 1$ simplifies to the form often quoted,
# $\max(x, 0) - x y + \log(1 + e^{-|x|})$. `pos_weight` ($p_w$) scales the
# positive term only, and broadcasts along the last dimension (one value
# per label): for a label with 1 positive per 9 negatives, `pos_weight=9`
# makes the positives weigh as much as the negatives in total. `weight`
# ($w$) scales whole elements, as in `BinaryCrossEntropyLoss`; S5 also
# gives that class its `weight` support, through `_broadcast_weight`.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-bce-logits", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _bce_with_logits_forward(logits, targets, pos_weight):
    """Binary cross-entropy of every element, from logits (no reduction).

    softplus(x) = max(x, 0) + log(1 + exp(-|x|))
    out_i = pos_weight_i * y_i * softplus(-x_i) + (1 - y_i) * softplus(x_i)

    Args:
        logits: float array of any shape (finite).
        targets: float array with the same shape, labels in [0, 1].
        pos_weight: a float, or a float array that broadcasts to the
            shape of `logits`; 1.0 for the plain loss.

    Returns:
        np.ndarray with the shape of `logits`: one loss per element.

    Example:
        >>> out = _bce_with_logits_forward(
        ...     np.array([0.0, 40.0]), np.array([1.0, 0.0]), 1.0)
        >>> print(np.round(out, 4))
        [ 0.6931 40.    ]

    TODO: compute the loss with softplus, never with sigmoid or exp(x).

    APPROACH:
        1. tail = log1p(exp(-|x|)), the part both softplus terms share.
        2. softplus(x) = max(x, 0) + tail; softplus(-x) = max(-x, 0) + tail.
        3. Return pos_weight * y * softplus(-x) + (1 - y) * softplus(x).

    EXAMPLE:
        x = [0.0], y = [1.0], pos_weight 1.0 -> softplus(0) = log 2
        -> [0.6931]

    HINTS:
        - np.log1p(u) is log(1 + u), accurate even when u is tiny.
        - exp(-|x|) is at most 1, so it can never overflow.
    """
    ### BEGIN SOLUTION
    tail = np.log1p(np.exp(-np.abs(logits)))
    softplus_pos = np.maximum(logits, 0) + tail
    softplus_neg = np.maximum(-logits, 0) + tail
    return pos_weight * targets * softplus_neg + (1 - targets) * softplus_pos
    ### END SOLUTION


def _broadcast_weight(name, arg, weight, like):
    """`weight` (a Tensor) as a read-only view with the shape of the
    array `like`, in its dtype; ValueError if it does not broadcast."""
    w = weight.data.astype(like.dtype, copy=False)
    try:
        shape = np.broadcast_shapes(w.shape, like.shape)
    except ValueError:
        shape = None
    if shape != like.shape:
        raise ValueError(
            f"{name}: {arg} of shape {w.shape} must broadcast to the "
            f"input's shape {like.shape} without changing it. Hint: use "
            f"one value per element, or per label along the last "
            f"dimension, e.g. shape ({like.shape[-1]},).")
    return np.broadcast_to(w, like.shape)


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy from logits: a sigmoid and BCE, fused and stable.

    softplus(x) = max(x, 0) + log(1 + exp(-|x|))
    loss_i = w_i * (p_i * y_i * softplus(-x_i) + (1 - y_i) * softplus(x_i))
    with w = weight and p = pos_weight (both 1 by default, both broadcast
    to the shape of the logits). reduction 'mean' (default): the mean of
    all loss_i; 'sum': their sum; 'none': every loss_i.

    Args (of the constructor, PyTorch's order and defaults):
        weight: None, or a Tensor of weights >= 0 that broadcasts to the
            shape of the logits.
        reduction: 'mean', 'sum' or 'none' (keyword only).
        pos_weight: None, or a Tensor of weights >= 0 for the positive
            term, e.g. (K,): one per label (keyword only).

    Args (of a call, `loss_fn(logits, targets)`):
        logits: Tensor of raw scores (before any sigmoid).
        targets: Tensor of labels: 1 for yes, 0 for no (or soft labels).

    Shape:
        logits: (N,) or (N, K); any shape with a batch dimension.
        targets: the same shape, labels in [0, 1].
        output: () -- a 0-d Tensor; with 'none', the shape of the logits.

    Returns:
        Tensor: float32, or float64 when an input is float64. Finite for
        every finite logit: no clamp is needed.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: the shapes differ, the batch is empty, a logit is NaN
            or inf, a target is outside [0, 1], or weight / pos_weight
            does not broadcast.

    Example:
        >>> loss_fn = BCEWithLogitsLoss(reduction="none")
        >>> loss_fn(Tensor([40.0, -40.0]), Tensor([0.0, 1.0])).data.tolist()
        [40.0, 40.0]
    """

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__(reduction=reduction)
        name = type(self).__name__
        self.weight = _check_weight_setting(name, "weight", weight)
        self.pos_weight = _check_weight_setting(name, "pos_weight",
                                                pos_weight)

    def forward(self, logits, targets):
        name = type(self).__name__
        x = _check_tensor(name, "logits", logits)
        y = _check_tensor(name, "targets", targets)
        _check_same_shape(name, "logits", x, "targets", y)
        _check_nonempty(name, "logits", x, self.reduction)
        dtype = _compute_dtype(x, y)
        x, y = x.astype(dtype, copy=False), y.astype(dtype, copy=False)
        _check_unit_interval(
            name, "targets", y,
            "use 0/1 labels or soft labels between them; map -1/+1 labels "
            "to 0/1 with (t + 1) / 2")
        ones = np.ones((), dtype=dtype)
        w = ones if self.weight is None else _broadcast_weight(
            name, "weight", self.weight, x)
        pw = ones if self.pos_weight is None else _broadcast_weight(
            name, "pos_weight", self.pos_weight, x)
        arrays = (x, y, np.broadcast_to(w, x.shape),
                  np.broadcast_to(pw, x.shape))
        loss = _reduce(_weighted_bce_with_logits, *arrays,
                       reduction=self.reduction)
        if not np.isfinite(loss.data).all():
            _check_finite(name, "logits", x)
        return _finite_or_raise(name, loss, _weighted_bce_with_logits,
                                *arrays, reduction=self.reduction)


def _weighted_bce_with_logits(logits, targets, weight, pos_weight):
    return _bce_with_logits_forward(logits, targets, pos_weight) * weight

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-bce-logits", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_bce_with_logits():
    """🔬 Unit Test: BCEWithLogitsLoss"""
    print("🔬 Unit Test: BCEWithLogitsLoss...")
    loss = BCEWithLogitsLoss()(Tensor([0.0, 0.0]), Tensor([1.0, 0.0]))
    assert loss.shape == () and loss.dtype == np.float32, (
        f"expected a 0-d float32 Tensor, got {loss}")
    assert abs(loss.item() - np.log(2.0)) < 1e-6, (
        f"logit 0 means p = 0.5, which costs log 2, got {loss.item()}")
    print(f"✅ logit 0 costs log 2 = {loss.item():.4f} for either label")

    x = np.array([-3.0, -0.5, 0.2, 2.5], dtype=np.float32)
    y = np.array([1.0, 0.0, 1.0, 0.25], dtype=np.float32)
    probs = (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(np.float32)
    ours = BCEWithLogitsLoss()(Tensor(x), Tensor(y)).item()
    plain = BinaryCrossEntropyLoss()(Tensor(probs), Tensor(y)).item()
    assert abs(ours - plain) < 1e-5, (
        f"for moderate logits it should match BCE on the sigmoid: "
        f"{ours} vs {plain}")
    print("✅ for moderate logits it equals sigmoid + BinaryCrossEntropyLoss")

    each = BCEWithLogitsLoss(reduction="none")(Tensor([40.0, -40.0, 100.0]),
                                               Tensor([0.0, 1.0, 1.0]))
    assert np.all(np.isfinite(each.data)), f"must stay finite: {each.data}"
    assert np.allclose(each.data, [40.0, 40.0, 0.0], atol=1e-5), (
        f"extreme logits should cost [40, 40, 0], got {each.data}")
    print(f"✅ logits ±40 on the wrong side cost {each.data[0]:g} and "
          f"{each.data[1]:g}, not a clamped 16.118")

    pw = BCEWithLogitsLoss(reduction="none", pos_weight=Tensor([3.0, 1.0]))
    each = pw(Tensor([[0.0, 0.0]]), Tensor([[1.0, 1.0]]))
    assert np.allclose(each.data, [[3 * np.log(2.0), np.log(2.0)]]), (
        f"pos_weight [3, 1] should triple the first positive term, "
        f"got {each.data}")
    neg = pw(Tensor([[0.0, 0.0]]), Tensor([[0.0, 0.0]]))
    assert np.allclose(neg.data, np.log(2.0)), (
        f"pos_weight must not change negative labels, got {neg.data}")
    print("✅ pos_weight scales the positive term only, one value per label")

    wl = BCEWithLogitsLoss(weight=Tensor([2.0, 0.0]), reduction="sum")
    total = wl(Tensor([[0.0, 5.0]]), Tensor([[1.0, 0.0]])).item()
    assert abs(total - 2 * np.log(2.0)) < 1e-6, (
        f"weight [2, 0] should keep only twice the first term, got {total}")
    wb = BinaryCrossEntropyLoss(weight=Tensor([2.0, 0.0]), reduction="sum")
    total = wb(Tensor([[0.5, 0.9]]), Tensor([[1.0, 0.0]])).item()
    assert abs(total - 2 * np.log(2.0)) < 1e-6, (
        f"BinaryCrossEntropyLoss(weight=...) should scale elements too, "
        f"got {total}")
    print("✅ weight scales whole elements, here and in BinaryCrossEntropyLoss")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(41)
    xs = rng.normal(scale=5.0, size=(5, 3))
    ys = (rng.uniform(size=(5, 3)) < 0.5).astype(np.float64)
    pws = np.array([0.5, 2.0, 4.0])
    got = BCEWithLogitsLoss(pos_weight=Tensor(pws, dtype=np.float64))(
        Tensor(xs, dtype=np.float64), Tensor(ys, dtype=np.float64))
    sp = np.logaddexp(0.0, xs)
    spn = np.logaddexp(0.0, -xs)
    ref = np.mean(pws * ys * spn + (1 - ys) * sp)
    assert got.dtype == np.float64 and abs(got.item() - ref) < 1e-12
    try:
        BCEWithLogitsLoss(pos_weight=Tensor([1.0, 2.0]))(
            Tensor(np.zeros((2, 3))), Tensor(np.zeros((2, 3))))
    except ValueError:
        pass
    else:
        raise AssertionError("pos_weight (2,) for 3 labels must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: BCEWithLogitsLoss ✓")


test_unit_bce_with_logits()

# %% [markdown]
# The next cell compares the two routes for target 0 and growing logits, in
# float32: a sigmoid followed by `BinaryCrossEntropyLoss`, and
# `BCEWithLogitsLoss`, against the exact value $\mathrm{softplus}(x)$
# computed in float64.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-demo-extreme-logits", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
extreme = np.array([5.0, 10.0, 17.0, 20.0, 40.0, 100.0], dtype=np.float32)
labels0 = np.zeros_like(extreme)
with np.errstate(over="ignore"):
    sig32 = np.float32(1.0) / (np.float32(1.0) + np.exp(-extreme))
two_step = BinaryCrossEntropyLoss(reduction="none")(Tensor(sig32),
                                                    Tensor(labels0))
fused = BCEWithLogitsLoss(reduction="none")(Tensor(extreme),
                                            Tensor(labels0))
print(f"{'x':>6} {'sigmoid(x), f32':>16} {'sigmoid + BCE':>14} "
      f"{'with logits':>12} {'exact':>10}")
for x, s, a, b in zip(extreme, sig32, two_step.data, fused.data):
    exact = float(x) + np.log1p(np.exp(-float(x)))
    print(f"{x:6.0f} {s:16.9f} {a:14.4f} {b:12.4f} {exact:10.4f}")

# %% [markdown]
# ## S6: `KLDivLoss`
#
# The Kullback-Leibler divergence measures how far a predicted
# distribution $q$ is from a target distribution $p$:
#
# $$D_{\mathrm{KL}}(p \,\|\, q) = \sum_c p_c \log \frac{p_c}{q_c}
#   = \sum_c p_c \left(\log p_c - \log q_c\right)$$
#
# It is 0 when $q = p$ and positive otherwise. It explains cross-entropy:
# $H(p, q) = H(p) + D_{\mathrm{KL}}(p \,\|\, q)$, and the entropy $H(p)$ of
# the targets does not depend on the model, so minimising cross-entropy
# and minimising KL move the model the same way. KL is what variational
# autoencoders and knowledge distillation use when the target is itself a
# distribution. For $p = [0.5, 0.5]$ and $q = [0.9, 0.1]$ it is about
# 0.5108, and $H(p, q) \approx 1.2040 = \log 2 + 0.5108$.
#
# PyTorch's conventions, which `KLDivLoss` follows:
#
# - the **input is $\log q$** (log-probabilities, e.g. from `log_softmax`),
#   and the target is $p$, or $\log p$ with `log_target=True`;
# - a term with $p_c = 0$ is 0, whatever $q_c$ is ($0 \log 0 = 0$);
# - `reduction='batchmean'` divides the sum by the batch size $N$: that is
#   the KL per sample, the number the formula means. The default `'mean'`
#   divides by every element, $N \cdot C$, which is the KL per sample
#   divided by $C$ (PyTorch keeps it as the default and warns about it).
#   For the example above as a batch of one, `'batchmean'` gives 0.5108 and
#   `'mean'` gives about 0.2554.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-kl", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _kl_div_forward(log_q, target, log_target):
    """KL divergence terms of every element (no reduction).

    log_target False: out = target * (log(target) - log_q), 0 where
                      target == 0
    log_target True:  out = exp(target) * (target - log_q), 0 where
                      exp(target) == 0

    Args:
        log_q: float array of log-probabilities (finite or -inf).
        target: float array with the same shape: probabilities in [0, 1]
            (or log-probabilities when log_target is True).
        log_target: bool.

    Returns:
        np.ndarray with the same shape: one term per element.

    Example:
        >>> out = _kl_div_forward(np.log(np.array([0.9, 0.1])),
        ...                       np.array([0.5, 0.5]), False)
        >>> print(np.round(out, 4), round(float(out.sum()), 4))
        [-0.2939  0.8047] 0.5108

    TODO: compute p * (log p - log q) elementwise, with 0 where p is 0.

    APPROACH:
        1. p = target, or exp(target) when log_target; log_p = log of p
           (the target itself when log_target).
        2. Where p > 0: p * (log_p - log_q). Elsewhere: 0.

    EXAMPLE:
        log_q = log [0.9, 0.1], p = [0.5, 0.5]
        -> [0.5 * log(0.5 / 0.9), 0.5 * log(0.5 / 0.1)] = [-0.2939, 0.8047]

    HINTS:
        - Take the log of np.where(p > 0, p, 1.0) so that log(0) never
          runs, then pick 0 with np.where(p > 0, ..., 0.0).
        - A term can be negative; only the sum over a distribution is
          always >= 0.
    """
    ### BEGIN SOLUTION
    if log_target:
        p, log_p = np.exp(target), target
    else:
        p = target
        log_p = np.log(np.where(target > 0, target, 1.0))
    return np.where(p > 0, p * (log_p - log_q), 0.0)
    ### END SOLUTION


class KLDivLoss(Loss):
    """Kullback-Leibler divergence of a predicted distribution q from a
    target distribution p; the input is log q.

    loss_i = p_i * (log p_i - log q_i), and 0 where p_i == 0
    (log_target=True: the target holds log p). reduction 'mean' (default):
    the sum over all elements / their number; 'batchmean': the sum / N,
    the true KL per sample; 'sum': the sum; 'none': every loss_i.

    Args (of the constructor):
        reduction: 'mean', 'batchmean', 'sum' or 'none' (keyword only).
        log_target: bool, whether the target holds log p (keyword only).

    Args (of a call, `loss_fn(log_q, target)`):
        log_q: Tensor of log-probabilities (finite or -inf).
        target: Tensor of probabilities in [0, 1] (or of log-probabilities
            <= 0, finite or -inf, with log_target=True).

    Shape:
        log_q: (N, C) or any shape with a batch dimension.
        target: exactly the same shape.
        output: () -- a 0-d Tensor; with 'none', the shape of log_q.

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or
            log_target is not a bool.
        ValueError: the shapes differ, the batch is empty, log_q holds
            NaN or +inf, or a target is outside its range.
        NOTE: PyTorch gives NaN for a term with p = 0 when log q = -inf,
        and with log_target=True whenever p = 0 (a target of -inf); here
        such a term is 0. PyTorch's 'mean' also prints a warning; here
        the docstring is the warning: use 'batchmean' for the KL.

    Example:
        >>> log_q = Tensor(np.log([[0.9, 0.1]]))
        >>> p = Tensor([[0.5, 0.5]])
        >>> round(KLDivLoss(reduction="batchmean")(log_q, p).item(), 4)
        0.5108
        >>> round(KLDivLoss()(log_q, p).item(), 4)
        0.2554
    """

    _reductions = ("mean", "batchmean", "sum", "none")

    def __init__(self, *, reduction="mean", log_target=False):
        super().__init__(reduction=reduction)
        self.log_target = _check_bool_setting(
            type(self).__name__, "log_target", log_target,
            "True when the target holds log-probabilities")

    def forward(self, log_q, target):
        name = type(self).__name__
        lq = _check_tensor(name, "log_q", log_q)
        p = _check_tensor(name, "target", target)
        _check_same_shape(name, "log_q", lq, "target", p)
        reduction = self.reduction
        _check_nonempty(name, "log_q", lq,
                        "mean" if reduction == "batchmean" else reduction)
        dtype = _compute_dtype(lq, p)
        lq, p = lq.astype(dtype, copy=False), p.astype(dtype, copy=False)
        if self.log_target:
            _check_finite(name, "target", p, allow_neg_inf=True)
            if p.max() > 0:
                index = _first(p > 0)
                raise ValueError(
                    f"{name}: target must be <= 0 with log_target=True (a "
                    f"log-probability), got {_fmt(p[index])} at "
                    f"target[{_at(index)}]. Hint: pass probabilities with "
                    f"log_target=False instead.")
        else:
            _check_unit_interval(
                name, "target", p,
                "the target is a probability distribution; pass "
                "log-probabilities with log_target=True")
        divisor = lq.shape[0] if reduction == "batchmean" else None
        loss = _reduce(self._kernel, lq, p, divisor=divisor,
                       reduction="mean" if divisor else reduction)
        if not np.isfinite(loss.data).all():
            _check_finite(name, "log_q", lq, allow_neg_inf=True)
            if np.isneginf(lq).any():
                return loss  # q = 0 where p > 0: the divergence is inf
        return _finite_or_raise(
            name, loss, self._kernel, lq, p, divisor=divisor,
            reduction="mean" if divisor else reduction)

    def _kernel(self, log_q, target):
        return _kl_div_forward(log_q, target, self.log_target)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-kl", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_kl_div():
    """🔬 Unit Test: KLDivLoss"""
    print("🔬 Unit Test: KLDivLoss...")
    log_q = Tensor(np.log([[0.9, 0.1]]))
    p = Tensor([[0.5, 0.5]])

    kl = KLDivLoss(reduction="batchmean")(log_q, p)
    assert kl.shape == () and kl.dtype == np.float32, (
        f"expected a 0-d float32 Tensor, got {kl}")
    assert abs(kl.item() - 0.5108256) < 1e-6, (
        f"KL([0.5, 0.5] || [0.9, 0.1]) is 0.5108, got {kl.item()}")
    mean = KLDivLoss()(log_q, p).item()
    assert abs(mean - 0.5108256 / 2) < 1e-6, (
        f"'mean' divides by both elements: 0.2554, got {mean}")
    print(f"✅ KL([0.5, 0.5] || [0.9, 0.1]): 'batchmean' {kl.item():.4f}, "
          f"'mean' {mean:.4f}")

    same = KLDivLoss(reduction="sum")(Tensor(np.log([[0.2, 0.8]])),
                                      Tensor([[0.2, 0.8]])).item()
    assert abs(same) < 1e-6, f"KL of a distribution from itself is 0: {same}"
    zero = KLDivLoss(reduction="none")(Tensor(np.log([[0.5, 0.5]])),
                                       Tensor([[1.0, 0.0]]))
    assert zero.data[0, 1] == 0.0, (
        f"a term with target 0 must be 0, got {zero.data[0, 1]}")
    print("✅ KL(p || p) = 0, and a term with p = 0 is 0")

    as_log = KLDivLoss(reduction="batchmean", log_target=True)(
        log_q, Tensor(np.log([[0.5, 0.5]]))).item()
    assert abs(as_log - 0.5108256) < 1e-6, (
        f"log_target=True with log p should agree, got {as_log}")
    z = np.array([[2.0, 0.5, -1.0], [0.0, 0.3, 0.1]])
    q = np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    lp = log_softmax(Tensor(z)).data
    kl = KLDivLoss(reduction="batchmean")(Tensor(lp), Tensor(q)).item()
    ce = CrossEntropyLoss()(Tensor(z), Tensor(q)).item()
    entropy = -(q * np.log(q)).sum() / 2
    assert abs(ce - (entropy + kl)) < 1e-5, (
        f"cross-entropy {ce} should equal entropy {entropy} + KL {kl}")
    print("✅ log_target=True agrees; cross-entropy = entropy + KL")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(51)
    a = rng.uniform(0.05, 1.0, size=(4, 3))
    a /= a.sum(axis=1, keepdims=True)
    b = rng.uniform(0.05, 1.0, size=(4, 3))
    b /= b.sum(axis=1, keepdims=True)
    got = KLDivLoss(reduction="sum")(Tensor(np.log(b), dtype=np.float64),
                                     Tensor(a, dtype=np.float64))
    ref = sum(a[i, j] * np.log(a[i, j] / b[i, j])
              for i in range(4) for j in range(3))
    assert got.dtype == np.float64 and abs(got.item() - ref) < 1e-12
    try:
        KLDivLoss()(Tensor([[0.0, 0.0]]), Tensor([[1.5, 0.0]]))
    except ValueError:
        pass
    else:
        raise AssertionError("a target of 1.5 must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: KLDivLoss ✓")


test_unit_kl_div()

# %% [markdown]
# ## S7: `FocalLoss`
#
# In object detection almost every candidate box is background, and most
# of those are easy: the model already gives them a tiny probability of
# being an object. Each easy box costs little, but there are so many that
# together they drown out the rare hard ones. The **focal loss** of
# RetinaNet (Lin et al., 2017) multiplies the binary cross-entropy of each
# element by $(1 - p_t)^\gamma$, where $p_t$ is the probability the model
# gives to the right answer:
#
# $$p = \sigma(x), \quad p_t = p\,y + (1 - p)(1 - y), \quad
#   \alpha_t = \alpha\,y + (1 - \alpha)(1 - y), \quad
#   \ell = \alpha_t\,(1 - p_t)^\gamma\,\mathrm{BCE}(x, y)$$
#
# With the paper's $\gamma = 2$, an easy element with $p_t = 0.9$ keeps a
# factor $0.1^2 = 0.01$ of its loss, and a hard one with $p_t = 0.1$ keeps
# $0.9^2 = 0.81$ (the textbook chapter's numbers, which are right). $\alpha$
# (0.25 in the paper) balances positives against negatives; `alpha=None`
# turns it off. With $\gamma = 0$ and no $\alpha$ the focal loss is exactly
# `BCEWithLogitsLoss`.
#
# This is the sigmoid form that RetinaNet and torchvision's
# `sigmoid_focal_loss` use: logits and 0/1 targets of the same shape, one
# yes/no question per element. (The textbook chapter's code sketch applies the
# same factor to softmax cross-entropy, a multi-class variant.) PyTorch's
# `torch.nn` has no focal loss; torchvision's function defaults to
# `reduction='none'`, while `FocalLoss` here defaults to `'mean'`, like
# every other loss in this module.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-focal", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _focal_forward(logits, targets, alpha, gamma):
    """Focal loss (RetinaNet, sigmoid form) of every element.

    p = sigmoid(x), p_t = p * y + (1 - p) * (1 - y)
    out = alpha_t * (1 - p_t) ** gamma * BCE-with-logits(x, y),
    alpha_t = alpha * y + (1 - alpha) * (1 - y)  (1 when alpha is None)

    Args:
        logits: float array of any shape (finite).
        targets: float array with the same shape, labels in [0, 1].
        alpha: None, or a float in [0, 1].
        gamma: float >= 0.

    Returns:
        np.ndarray with the shape of `logits`: one loss per element.

    Example:
        >>> out = _focal_forward(np.array([2.0, -1.0]), np.array([1.0, 1.0]),
        ...                      0.25, 2.0)
        >>> print(np.round(out, 6))
        [0.000451 0.175467]

    TODO: scale each element's binary cross-entropy by alpha_t and the
    focusing factor (1 - p_t) ** gamma.

    APPROACH:
        1. bce = _bce_with_logits_forward(logits, targets, 1.0) (S5).
        2. p = sigmoid(logits), computed stably as exp(-softplus(-x)),
           i.e. np.exp(-np.logaddexp(0.0, -logits)).
        3. p_t = p * y + (1 - p) * (1 - y); out = (1 - p_t) ** gamma * bce.
        4. Unless alpha is None, multiply by alpha * y + (1 - alpha) * (1 - y).

    EXAMPLE:
        x = 2.0, y = 1, alpha 0.25, gamma 2: p_t = sigmoid(2) = 0.8808,
        bce = 0.1269 -> 0.25 * 0.1192 ** 2 * 0.1269 = 0.000451

    HINTS:
        - np.logaddexp(0.0, v) is log(1 + exp(v)) without overflow.
        - 0.0 ** 0 is 1 in NumPy, so gamma = 0 needs no special case.
    """
    ### BEGIN SOLUTION
    bce = _bce_with_logits_forward(logits, targets, 1.0)
    p = np.exp(-np.logaddexp(0.0, -logits))
    p_t = p * targets + (1 - p) * (1 - targets)
    out = (1 - p_t) ** gamma * bce
    if alpha is not None:
        out = out * (alpha * targets + (1 - alpha) * (1 - targets))
    return out
    ### END SOLUTION


class FocalLoss(Loss):
    """Focal loss (RetinaNet, sigmoid form): BCE that fades on easy elements.

    p = sigmoid(x), p_t = p * y + (1 - p) * (1 - y),
    alpha_t = alpha * y + (1 - alpha) * (1 - y) (1 when alpha is None)
    loss_i = alpha_t * (1 - p_t) ** gamma * BCE-with-logits(x_i, y_i)
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i.

    Args (of the constructor, torchvision's names and defaults):
        alpha: None, or the weight of positives in [0, 1] (default 0.25).
        gamma: the focusing exponent, >= 0 (default 2.0).
        reduction: 'mean', 'sum' or 'none'.

    Args (of a call, `loss_fn(logits, targets)`):
        logits: Tensor of raw scores (before any sigmoid).
        targets: Tensor of labels in [0, 1], usually 0/1.

    Shape:
        logits: any shape with a batch dimension, such as (N, K).
        targets: the same shape.
        output: () -- a 0-d Tensor; with 'none', the shape of the logits.

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or a setting
            is not a number.
        ValueError: the shapes differ, the batch is empty, a logit is NaN
            or inf, a target is outside [0, 1], or a setting is out of
            range.
        NOTE: torch.nn has no focal loss; torchvision's
        sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2,
        reduction='none') computes the same values, but defaults to
        'none' and turns alpha off with alpha=-1 (here: alpha=None).

    Example:
        >>> loss_fn = FocalLoss(reduction="none")
        >>> out = loss_fn(Tensor([2.0, -1.0]), Tensor([1.0, 1.0]))
        >>> print(np.round(out.data, 6))
        [0.000451 0.175467]
    """

    def __init__(self, alpha=0.25, gamma=2.0, reduction="mean"):
        super().__init__(reduction=reduction)
        name = type(self).__name__
        self.alpha = None if alpha is None else _check_number_setting(
            name, "alpha", alpha, 0.0, 1.0,
            hint="the weight of the positive class; None turns it off")
        self.gamma = _check_number_setting(
            name, "gamma", gamma, 0.0,
            hint="0 gives plain (alpha-weighted) BCE; 2 is the default")

    def forward(self, logits, targets):
        name = type(self).__name__
        x = _check_tensor(name, "logits", logits)
        y = _check_tensor(name, "targets", targets)
        _check_same_shape(name, "logits", x, "targets", y)
        _check_nonempty(name, "logits", x, self.reduction)
        dtype = _compute_dtype(x, y)
        x, y = x.astype(dtype, copy=False), y.astype(dtype, copy=False)
        _check_unit_interval(name, "targets", y,
                             "use 0/1 labels, one per element of the logits")
        loss = _reduce(self._kernel, x, y, reduction=self.reduction)
        if not np.isfinite(loss.data).all():
            _check_finite(name, "logits", x)
        return _finite_or_raise(name, loss, self._kernel, x, y,
                                reduction=self.reduction)

    def _kernel(self, logits, targets):
        return _focal_forward(logits, targets, self.alpha, self.gamma)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-focal", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_focal():
    """🔬 Unit Test: FocalLoss"""
    print("🔬 Unit Test: FocalLoss...")
    each = FocalLoss(reduction="none")(Tensor([2.0, -1.0, 3.0]),
                                       Tensor([1.0, 1.0, 0.0]))
    want = [0.000450891, 0.175467076, 2.074710331]
    assert each.shape == (3,) and each.dtype == np.float32, (
        f"expected a (3,) float32 Tensor, got {each}")
    assert np.allclose(each.data, want, rtol=1e-5), (
        f"alpha 0.25, gamma 2 should give {want}, got {each.data}")
    mean = FocalLoss()(Tensor([2.0, -1.0, 3.0]), Tensor([1.0, 1.0, 0.0]))
    assert abs(mean.item() - sum(want) / 3) < 1e-6, (
        f"'mean' should average the three, got {mean.item()}")
    print("✅ hand-computed values for logits [2, -1, 3], targets [1, 1, 0]")

    x, y = Tensor([0.3, -2.0, 4.0, 1.0]), Tensor([1.0, 0.0, 0.0, 1.0])
    plain = BCEWithLogitsLoss(reduction="none")(x, y).data
    focal0 = FocalLoss(alpha=None, gamma=0.0, reduction="none")(x, y).data
    assert np.allclose(focal0, plain, atol=1e-7), (
        f"gamma 0 and no alpha should be plain BCE, got {focal0} vs {plain}")
    print("✅ gamma = 0 with alpha = None is BCEWithLogitsLoss")

    easy = FocalLoss(alpha=None, reduction="none")(Tensor([np.log(9.0)]),
                                                    Tensor([1.0])).data[0]
    hard = FocalLoss(alpha=None, reduction="none")(Tensor([-np.log(9.0)]),
                                                    Tensor([1.0])).data[0]
    easy_bce = -np.log(0.9)
    hard_bce = -np.log(0.1)
    assert abs(easy / easy_bce - 0.01) < 1e-5, (
        f"p_t = 0.9 should keep 1% of its loss, kept {easy / easy_bce}")
    assert abs(hard / hard_bce - 0.81) < 1e-5, (
        f"p_t = 0.1 should keep 81% of its loss, kept {hard / hard_bce}")
    print(f"✅ p_t = 0.9 keeps {easy / easy_bce:.2f} of its loss, p_t = 0.1 "
          f"keeps {hard / hard_bce:.2f}")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(61)
    xs = rng.normal(scale=4.0, size=12)
    ys = (rng.uniform(size=12) < 0.3).astype(np.float64)
    got = FocalLoss(alpha=0.4, gamma=1.5, reduction="sum")(
        Tensor(xs, dtype=np.float64), Tensor(ys, dtype=np.float64))
    ref = 0.0
    for xi, yi in zip(xs, ys):
        pi = 1.0 / (1.0 + np.exp(-xi))
        ce = -(yi * np.log(pi) + (1 - yi) * np.log(1 - pi))
        pt = pi * yi + (1 - pi) * (1 - yi)
        ref += (0.4 * yi + 0.6 * (1 - yi)) * (1 - pt) ** 1.5 * ce
    assert got.dtype == np.float64 and abs(got.item() - ref) < 1e-10
    for bad in (dict(alpha=1.5), dict(gamma=-1.0)):
        try:
            FocalLoss(**bad)
        except ValueError:
            pass
        else:
            raise AssertionError(f"{bad} must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: FocalLoss ✓")


test_unit_focal()

# %% [markdown]
# ## S8: `TripletMarginLoss` and `InfoNCELoss`: losses on embeddings
#
# Contrastive losses train a model to produce **embeddings**, vectors in
# which similar things are close and different things are far apart. They
# need no class labels, only pairs known to belong together.
#
# **Triplet loss** (FaceNet) takes an anchor $a$, a positive $p$ (same
# person) and a negative $n$ (someone else), and asks the positive to be
# closer than the negative by a margin $m$:
#
# $$\ell = \max\big(0,\; d(a, p) - d(a, n) + m\big), \qquad
#   d(x, y) = \lVert x - y + \epsilon \rVert_p$$
#
# This follows PyTorch's `TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6,
# swap=False)`: the distance is the plain $p$-norm (the textbook chapter's
# formula squares it, as the FaceNet paper does; PyTorch does not), and
# $\epsilon$ is added to the difference so that the norm never sits exactly
# at its non-differentiable point 0. With `swap=True` the negative's
# distance is the smaller of $d(a, n)$ and $d(p, n)$. A triplet that
# already satisfies the margin costs 0.
#
# **InfoNCE** (the loss of CLIP and SimCLR) treats a batch of $N$ pairs
# $(q_i, k_i)$ as a classification problem: query $i$ must pick its own
# key out of all $N$ keys. With cosine similarities and a temperature
# $\tau$:
#
# $$z_{ij} = \frac{\hat q_i \cdot \hat k_j}{\tau}, \quad
#   \hat v = \frac{v}{\max(\lVert v \rVert, 10^{-12})}, \qquad
#   \ell_i = \log \sum_j e^{z_{ij}} - z_{ii}$$
#
# which is `CrossEntropyLoss` on the $(N, N)$ similarity matrix with
# targets $0, 1, \dots, N - 1$, so your `_cross_entropy_forward` does the
# work. A small $\tau$ sharpens the softmax: the model is punished hard for
# every negative that comes close. CLIP starts its learnable temperature at
# 0.07, which is the default of `InfoNCELoss`. PyTorch has no InfoNCE
# class; CLIP uses it in both directions and averages,
# `(loss(q, k) + loss(k, q)) / 2`. `normalize=False` uses the raw dot
# products instead of cosines.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-contrastive", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _triplet_margin_forward(anchor, positive, negative, margin, p, eps,
                            swap):
    """Triplet margin loss of every row (no reduction).

    d(x, y) = ||x - y + eps||_p along the last axis
    out_i = max(d(a_i, p_i) - d(a_i, n_i) + margin, 0)
    (swap: d(a_i, n_i) is replaced by min(d(a_i, n_i), d(p_i, n_i)))

    Args:
        anchor, positive, negative: float arrays (rows, D).
        margin: float > 0.
        p: the norm's degree, > 0 (np.inf for the largest entry).
        eps: float >= 0, added to every difference.
        swap: bool.

    Returns:
        np.ndarray (rows,): one loss per triplet.

    Example:
        >>> out = _triplet_margin_forward(
        ...     np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]),
        ...     np.array([[6.0, 8.0]]), 1.0, 2.0, 0.0, False)
        >>> out.tolist()
        [0.0]

    TODO: compute both distances with the p-norm, then the hinge.

    APPROACH:
        1. distance(x, y) = np.linalg.norm(x - y + eps, ord=p, axis=-1).
        2. d_pos = distance(anchor, positive); d_neg = distance(anchor,
           negative); with swap, d_neg = the minimum of d_neg and
           distance(positive, negative).
        3. Return max(d_pos - d_neg + margin, 0), elementwise.

    EXAMPLE:
        anchor [0, 0], positive [3, 4], negative [1, 0], margin 1, p 2,
        eps 0 -> d_pos 5, d_neg 1 -> max(5 - 1 + 1, 0) = [5.0]

    HINTS:
        - np.maximum(v, 0.0) is the elementwise hinge.
        - np.minimum picks the elementwise smaller of two arrays.
    """
    ### BEGIN SOLUTION
    def distance(x, y):
        return np.linalg.norm(x - y + eps, ord=p, axis=-1)

    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = np.minimum(d_neg, distance(positive, negative))
    return np.maximum(d_pos - d_neg + margin, 0.0)
    ### END SOLUTION


def _info_nce_forward(queries, rows, keys, temperature):
    """InfoNCE loss of every query row (no reduction).

    z = queries @ keys.T / temperature  (one row of scores per query)
    out_i = logsumexp(z_i) - z_i[rows_i]

    Args:
        queries: float array (B, D), a block of query rows (already
            normalised if the loss normalises).
        rows: integer array (B,): the index of each query's own key.
        keys: float array (N, D), all the keys.
        temperature: float > 0.

    Returns:
        np.ndarray (B,): one loss per query.

    Example:
        >>> q = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> out = _info_nce_forward(q, np.array([0, 1]), q, 1.0)
        >>> print(np.round(out, 4))
        [0.3133 0.3133]

    TODO: score every query against every key, then reuse your
    cross-entropy kernel with each query's own key as its target.

    APPROACH:
        1. scores = queries @ keys.T / temperature, shape (B, N).
        2. Return _cross_entropy_forward(scores, rows) (your Step 3).

    EXAMPLE:
        q = k = [[1, 0], [0, 1]], temperature 1 -> scores [[1, 0], [0, 1]]
        -> log(e + 1) - 1 = 0.3133 for both rows

    HINTS:
        - keys.T is the transpose: (D, N).
    """
    ### BEGIN SOLUTION
    scores = queries @ keys.T / temperature
    return _cross_entropy_forward(scores, rows)
    ### END SOLUTION


def _check_embeddings(name, pairs):
    """Checked float arrays (rows, D) from (arg, Tensor) pairs that share
    one shape: (N, D), or (D,) for a single row."""
    arrays = [(arg, _check_tensor(name, arg, x)) for arg, x in pairs]
    first_arg, first = arrays[0]
    for arg, data in arrays[1:]:
        _check_same_shape(name, first_arg, first, arg, data)
    if first.ndim not in (1, 2):
        raise ValueError(
            f"{name}: {first_arg} must have shape (N, D) or (D,), got "
            f"{first.shape}. Hint: flatten each embedding to one vector, "
            f"e.g. x.reshape(N, -1).")
    if first.size == 0:
        raise ValueError(
            f"{name}: {first_arg} is empty (shape {first.shape}), so there "
            f"is nothing to compare. Hint: pass at least one embedding, "
            f"with at least one value.")
    dtype = _compute_dtype(*(data for _, data in arrays))
    return [data.astype(dtype, copy=False).reshape(-1, first.shape[-1])
            for _, data in arrays]


class TripletMarginLoss(Loss):
    """Triplet margin loss on embeddings: anchor closer to positive than
    to negative, by a margin.

    d(x, y) = ||x - y + eps||_p (along the last dimension)
    loss_i = max(d(a_i, p_i) - d(a_i, n_i) + margin, 0)
    (swap=True: d(a_i, n_i) becomes min(d(a_i, n_i), d(p_i, n_i)))
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i.

    Args (of the constructor, PyTorch's order and defaults):
        margin: finite and > 0 (default 1.0).
        p: the norm's degree, > 0; inf allowed (default 2.0).
        eps: finite and >= 0 (default 1e-6).
        swap: bool (default False).
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Args (of a call, `loss_fn(anchor, positive, negative)`):
        anchor, positive, negative: Tensors of embeddings.

    Shape:
        anchor, positive, negative: (N, D), or (D,) for one triplet.
        output: () -- a 0-d Tensor; with 'none', (N,), or () for (D,).

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or a setting
            has the wrong type.
        ValueError: the shapes differ or are not (N, D) / (D,), an empty
            batch, a value is NaN or inf, or a setting is out of range.
        NOTE: the distance is not squared (PyTorch's choice); FaceNet and
        the textbook chapter square it.

    Example:
        >>> loss_fn = TripletMarginLoss(reduction="none", eps=0.0)
        >>> loss_fn(Tensor([[0.0, 0.0]]), Tensor([[3.0, 4.0]]),
        ...         Tensor([[1.0, 0.0]])).data.tolist()
        [5.0]
    """

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, *,
                 reduction="mean"):
        super().__init__(reduction=reduction)
        name = type(self).__name__
        self.margin = _check_number_setting(
            name, "margin", margin, 0.0, low_open=True,
            hint="the gap wanted between the two distances; 1.0 is the "
                 "default")
        self.p = _check_number_setting(
            name, "p", p, 0.0, low_open=True, allow_inf=True,
            hint="2.0 is the Euclidean distance, 1.0 the Manhattan one")
        self.eps = _check_number_setting(
            name, "eps", eps, 0.0, hint="a tiny number such as 1e-6")
        self.swap = _check_bool_setting(
            name, "swap", swap,
            "True also compares the positive with the negative")

    def forward(self, anchor, positive, negative):
        name = type(self).__name__
        a, pos, neg = _check_embeddings(
            name, [("anchor", anchor), ("positive", positive),
                   ("negative", negative)])
        loss = _reduce(self._kernel, a, pos, neg, reduction=self.reduction)
        if not np.isfinite(loss.data).all():
            for arg, data in (("anchor", a), ("positive", pos),
                              ("negative", neg)):
                _check_finite(name, arg, data)
        loss = _finite_or_raise(name, loss, self._kernel, a, pos, neg,
                                reduction=self.reduction)
        if self.reduction == "none" and anchor.ndim == 1:
            loss = _tensor(loss.data.reshape(()))
        return loss

    def _kernel(self, anchor, positive, negative):
        return _triplet_margin_forward(anchor, positive, negative,
                                       self.margin, self.p, self.eps,
                                       self.swap)


class InfoNCELoss(Loss):
    """InfoNCE: each query must pick its own key among all keys in the
    batch, by cosine similarity over a temperature.

    q^ = q / max(||q||, 1e-12), k^ likewise (unless normalize=False)
    z_ij = q^_i . k^_j / temperature
    loss_i = logsumexp_j(z_ij) - z_ii
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i. Equal to torch.nn.functional.cross_entropy(z,
    arange(N)).

    Args (of the constructor):
        temperature: finite and > 0 (default 0.07, CLIP's initial value).
        normalize: bool; L2-normalise the embeddings first (default True).
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Args (of a call, `loss_fn(queries, keys)`):
        queries: Tensor (N, D); row i belongs with keys row i.
        keys: Tensor (N, D); every other row is a negative for query i.

    Shape:
        queries, keys: (N, D), N >= 1, D >= 1.
        output: () -- a 0-d Tensor; with 'none', (N,).

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or a setting
            has the wrong type.
        ValueError: the shapes differ or are not (N, D), an empty batch, a
            value is NaN or inf, or temperature is not > 0.
        NOTE: PyTorch has no InfoNCE class; this is one direction of CLIP's
        loss, which averages loss(q, k) and loss(k, q).

    Example:
        >>> loss_fn = InfoNCELoss(temperature=1.0, reduction="none")
        >>> out = loss_fn(Tensor([[2.0, 0.0], [0.0, 3.0]]),
        ...               Tensor([[1.0, 0.0], [0.0, 1.0]]))
        >>> print(np.round(out.data, 4))
        [0.3133 0.3133]
    """

    def __init__(self, temperature=0.07, normalize=True, *,
                 reduction="mean"):
        super().__init__(reduction=reduction)
        name = type(self).__name__
        self.temperature = _check_number_setting(
            name, "temperature", temperature, 0.0, low_open=True,
            hint="CLIP starts at 0.07; larger values soften the softmax")
        self.normalize = _check_bool_setting(
            name, "normalize", normalize,
            "True compares cosine similarities")

    def forward(self, queries, keys):
        name = type(self).__name__
        for arg, x in (("queries", queries), ("keys", keys)):
            if isinstance(x, Tensor) and x.ndim != 2:
                raise ValueError(
                    f"{name}: {arg} must have shape (N, D), got {x.shape}. "
                    f"Hint: one embedding per row; N >= 1 pairs.")
        q, k = _check_embeddings(name, [("queries", queries),
                                        ("keys", keys)])
        for arg, data in (("queries", q), ("keys", k)):
            _check_finite(name, arg, data)
        if self.normalize:
            q, k = _l2_normalize(q), _l2_normalize(k)
        rows = np.arange(q.shape[0])
        loss = _reduce(self._kernel(k), q, rows, reduction=self.reduction)
        return _finite_or_raise(name, loss, self._kernel(k), q, rows,
                                reduction=self.reduction)

    def _kernel(self, keys):
        def kernel(queries, rows):
            return _info_nce_forward(queries, rows, keys, self.temperature)
        return kernel


def _l2_normalize(x, eps=1e-12):
    """Rows of `x` divided by their Euclidean norm (at least `eps`)."""
    norms = np.sqrt(np.sum(x * x, axis=1, keepdims=True))
    return x / np.maximum(norms, eps)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-contrastive", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_contrastive():
    """🔬 Unit Test: TripletMarginLoss and InfoNCELoss"""
    print("🔬 Unit Test: TripletMarginLoss and InfoNCELoss...")
    a = Tensor([[0.0, 0.0], [0.0, 0.0]])
    p = Tensor([[3.0, 4.0], [1.0, 0.0]])
    n = Tensor([[1.0, 0.0], [6.0, 8.0]])
    each = TripletMarginLoss(eps=0.0, reduction="none")(a, p, n)
    assert each.shape == (2,) and each.dtype == np.float32, (
        f"expected a (2,) float32 Tensor, got {each}")
    assert np.allclose(each.data, [5.0, 0.0]), (
        f"distances 5 vs 1 cost 5 - 1 + 1 = 5; 1 vs 10 costs 0; got "
        f"{each.data}")
    print(f"✅ d(a,p)=5, d(a,n)=1 costs {each.data[0]:g}; d(a,p)=1, "
          f"d(a,n)=10 costs {each.data[1]:g}")

    l1 = TripletMarginLoss(p=1.0, eps=0.0, reduction="none")(a, p, n)
    assert np.allclose(l1.data, [7.0 - 1.0 + 1.0, 0.0]), (
        f"with p=1 the distances are 7 and 1, got {l1.data}")
    swapped = TripletMarginLoss(eps=0.0, swap=True, reduction="none")(
        Tensor([[0.0, 0.0]]), Tensor([[3.0, 0.0]]), Tensor([[4.0, 0.0]]))
    assert np.allclose(swapped.data, [3.0]), (
        f"swap: d(p, n) = 1 < d(a, n) = 4, so 3 - 1 + 1 = 3; got "
        f"{swapped.data}")
    print("✅ p=1 uses the Manhattan distance; swap uses d(p, n) if smaller")

    q = Tensor([[2.0, 0.0], [0.0, 3.0]])
    k = Tensor([[1.0, 0.0], [0.0, 1.0]])
    each = InfoNCELoss(temperature=1.0, reduction="none")(q, k)
    want = np.log(np.e + 1.0) - 1.0
    assert each.shape == (2,) and np.allclose(each.data, want), (
        f"cosines [[1, 0], [0, 1]] at temperature 1 cost "
        f"{want:.4f} each, got {each.data}")
    sharp = InfoNCELoss(temperature=0.1)(q, k).item()
    assert sharp < 1e-4, f"temperature 0.1 should make this easy: {sharp}"
    print(f"✅ InfoNCE: {each.data[0]:.4f} per query at temperature 1, "
          f"{sharp:.1e} at 0.1")

    z = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])
    raw = InfoNCELoss(temperature=0.5, normalize=False)(
        Tensor(z), Tensor(z)).item()
    ce = CrossEntropyLoss()(Tensor(z @ z.T / 0.5), Tensor([0, 1])).item()
    assert abs(raw - ce) < 1e-5, (
        f"InfoNCE is cross-entropy on the similarity matrix: {raw} vs {ce}")
    print("✅ InfoNCE equals CrossEntropyLoss on q @ k.T / temperature")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(71)
    an, po, ne = (rng.normal(size=(5, 3)) for _ in range(3))
    got = TripletMarginLoss(margin=0.5, p=3.0, eps=1e-6, swap=True,
                            reduction="sum")(
        Tensor(an, dtype=np.float64), Tensor(po, dtype=np.float64),
        Tensor(ne, dtype=np.float64))
    ref = 0.0
    for x, y, w in zip(an, po, ne):
        d_p = np.sum(np.abs(x - y + 1e-6) ** 3) ** (1 / 3)
        d_n = min(np.sum(np.abs(x - w + 1e-6) ** 3) ** (1 / 3),
                  np.sum(np.abs(y - w + 1e-6) ** 3) ** (1 / 3))
        ref += max(d_p - d_n + 0.5, 0.0)
    assert got.dtype == np.float64 and abs(got.item() - ref) < 1e-12
    for make in (lambda: TripletMarginLoss(margin=0.0),
                 lambda: InfoNCELoss(temperature=0.0)):
        try:
            make()
        except ValueError:
            pass
        else:
            raise AssertionError("margin 0 and temperature 0 must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: TripletMarginLoss and InfoNCELoss ✓")


test_unit_contrastive()

# %% [markdown]
# ## S9: Gradients, measured
#
# Autograd (Module 06) will need the derivative of each loss with respect
# to its input. Three are worth knowing by heart, because they explain why
# classifiers train with cross-entropy rather than MSE. For one element
# with target $y$:
#
# | loss of one element | its derivative |
# |---|---|
# | MSE: $(p - y)^2$ | $\partial \ell / \partial p = 2 (p - y)$ |
# | BCE: $-[y \log p + (1 - y) \log(1 - p)]$ | $\partial \ell / \partial p = -y / p + (1 - y) / (1 - p)$ |
# | BCE with logits, $p = \sigma(x)$ | $\partial \ell / \partial x = -p_w\, y\, \sigma(-x) + (1 - y)\, \sigma(x)$, which is $\sigma(x) - y$ when $p_w = 1$ |
#
# With `reduction='mean'` over $n$ elements each derivative is divided by
# $n$: the textbook chapter's $\frac{2}{n}(\hat y_i - y_i)$. The clamp of
# `BinaryCrossEntropyLoss` is part of the function, so it is part of the
# derivative: where $p \le \varepsilon$ the term $\log \max(p,
# \varepsilon)$ is constant and contributes 0 (likewise for $1 - p$).
#
# **The textbook chapter's comparison, measured.** Take target 1 and
# prediction 0.05, a confident mistake. The MSE gradient is
# $2 (0.05 - 1) = -1.9$, so its size is 1.9. The BCE gradient is
# $-1 / 0.05 = -20$: its size is 20, not "about 19" as the chapter says, and
# it is about 10.5 times the MSE gradient. Cross-entropy pushes hardest
# exactly when the model is confidently wrong. Through a sigmoid the
# picture is the same: the gradient of MSE with respect to the logit picks
# up the sigmoid's slope $p (1 - p) = 0.0475$ and is only
# $-1.9 \cdot 0.0475 = -0.09025$, while BCE with logits gives
# $\sigma(x) - y = -0.95$, the same ratio of about 10.5.
#
# A derivative written by hand must be checked. The **central difference**
# $\big(f(v + h) - f(v - h)\big) / 2h$ approximates the derivative with an
# error that shrinks like $h^2$, so in float64 with $h = 10^{-6}$ it agrees
# with a correct formula to many digits, and a wrong formula shows at once.
# The tests below compare your kernels with it.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-gradients", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _mse_backward(predictions, targets):
    """Derivative of each element's squared error w.r.t. its prediction.

    d/dp (p - t) ** 2 = 2 * (p - t); divide by n for reduction='mean'.

    Args:
        predictions: float array of any shape.
        targets: float array with the same shape and dtype.

    Returns:
        np.ndarray with the same shape.

    Example:
        >>> _mse_backward(np.array([0.05]), np.array([1.0]))
        array([-1.9])

    TODO: return the elementwise derivative 2 * (predictions - targets).

    APPROACH:
        1. One line: the derivative of diff ** 2 is 2 * diff.

    HINTS:
        - No reduction here: one derivative per element.
    """
    ### BEGIN SOLUTION
    return 2 * (predictions - targets)
    ### END SOLUTION


def _binary_cross_entropy_backward(predictions, targets, eps):
    """Derivative of each element's clamped BCE w.r.t. its probability.

    d/dp = -t / p        (0 where p <= eps: the clamp is flat there)
           + (1 - t) / (1 - p)   (0 where 1 - p <= eps)

    Args:
        predictions: float array of probabilities in [0, 1].
        targets: float array with the same shape, labels in [0, 1].
        eps: the clamp of _binary_cross_entropy_forward (1e-7).

    Returns:
        np.ndarray with the same shape.

    Example:
        >>> _binary_cross_entropy_backward(np.array([0.05, 0.0]),
        ...                                np.array([1.0, 1.0]), 1e-7)
        array([-20.,   0.])

    TODO: return the derivative of the clamped loss, elementwise.

    APPROACH:
        1. d_log_p = 1 / p where p > eps, else 0.
        2. d_log_not_p = 1 / (1 - p) where 1 - p > eps, else 0.
        3. Return -targets * d_log_p + (1 - targets) * d_log_not_p.

    EXAMPLE:
        p = [0.05], t = [1.0] -> -1 / 0.05 = [-20.0]

    HINTS:
        - np.divide(1.0, p, out=np.zeros_like(p), where=p > eps) divides
          only where the condition holds and never divides by 0.
    """
    ### BEGIN SOLUTION
    not_p = 1 - predictions
    d_log_p = np.divide(1.0, predictions, out=np.zeros_like(predictions),
                        where=predictions > eps)
    d_log_not_p = np.divide(1.0, not_p, out=np.zeros_like(not_p),
                            where=not_p > eps)
    return -targets * d_log_p + (1 - targets) * d_log_not_p
    ### END SOLUTION


def _bce_with_logits_backward(logits, targets, pos_weight):
    """Derivative of each element's BCE-with-logits w.r.t. its logit.

    d/dx = -pos_weight * y * sigmoid(-x) + (1 - y) * sigmoid(x)
         = sigmoid(x) - y            when pos_weight is 1

    Args:
        logits: float array of any shape.
        targets: float array with the same shape, labels in [0, 1].
        pos_weight: a float, or an array that broadcasts to the shape.

    Returns:
        np.ndarray with the shape of `logits`.

    Example:
        >>> out = _bce_with_logits_backward(np.array([0.0, 40.0]),
        ...                                 np.array([1.0, 0.0]), 1.0)
        >>> out.tolist()
        [-0.5, 1.0]

    TODO: return the derivative with respect to the logit, elementwise.

    APPROACH:
        1. sig = sigmoid(x) and sig_neg = sigmoid(-x) = 1 - sig, each
           computed stably, e.g. sig = np.exp(-np.logaddexp(0.0, -x)).
        2. Return -pos_weight * y * sig_neg + (1 - y) * sig.

    EXAMPLE:
        x = [0.0], y = [1.0] -> -1 * 0.5 + 0 = [-0.5]

    HINTS:
        - The gradient stays between -pos_weight and 1: nothing vanishes
          or explodes at extreme logits.
    """
    ### BEGIN SOLUTION
    sig = np.exp(-np.logaddexp(0.0, -logits))
    sig_neg = np.exp(-np.logaddexp(0.0, logits))
    return -pos_weight * targets * sig_neg + (1 - targets) * sig
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-gradients", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_gradients():
    """🔬 Unit Test: the three backward kernels"""
    print("🔬 Unit Test: gradients...")

    def central(f, v, h=1e-6):
        """Elementwise central differences of an elementwise f at v."""
        return (f(v + h) - f(v - h)) / (2 * h)

    p = np.array([0.05, 0.3, 0.5, 0.9, 0.99])
    y = np.array([1.0, 0.0, 1.0, 0.25, 1.0])
    got = _mse_backward(p, y)
    want = central(lambda v: (v - y) ** 2, p)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-8), (
        f"MSE gradient {got} differs from central differences {want}")
    assert abs(_mse_backward(np.array([0.05]), np.array([1.0]))[0]
               + 1.9) < 1e-12, "target 1, prediction 0.05: expected -1.9"
    mse_005 = _mse_backward(np.array([0.05]), np.array([1.0]))[0]
    print(f"✅ MSE: 2 (p - y) matches central differences; {mse_005:g} at "
          f"p = 0.05")

    got = _binary_cross_entropy_backward(p, y, 1e-7)
    want = central(lambda v: _binary_cross_entropy_forward(v, y, 1e-7), p)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-8), (
        f"BCE gradient {got} differs from central differences {want}")
    bce_005 = _binary_cross_entropy_backward(np.array([0.05]), np.array([1.0]),
                                             1e-7)[0]
    assert abs(bce_005 + 20.0) < 1e-9, f"-1 / 0.05 = -20 expected, got {bce_005}"
    clamped = _binary_cross_entropy_backward(np.array([0.0, 1.0]),
                                             np.array([1.0, 0.0]), 1e-7)
    assert np.all(clamped == 0.0), (
        f"where the clamp is active the gradient is 0, got {clamped}")
    print(f"✅ BCE: matches central differences; {bce_005:g} at p = 0.05 "
          f"(not -19)")

    x = np.array([-30.0, -2.0, 0.0, 0.7, 25.0])
    for pw in (1.0, 3.0):
        got = _bce_with_logits_backward(x, y, pw)
        want = central(lambda v: _bce_with_logits_forward(v, y, pw), x)
        assert np.allclose(got, want, rtol=1e-6, atol=1e-8), (
            f"BCE-with-logits gradient (pos_weight {pw}) {got} differs "
            f"from central differences {want}")
    sig = 1.0 / (1.0 + np.exp(-x))
    assert np.allclose(_bce_with_logits_backward(x, y, 1.0), sig - y,
                       atol=1e-12), "with pos_weight 1 it is sigmoid(x) - y"
    print("✅ BCE with logits: sigmoid(x) - y, matches central differences")
    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(81)
    pp = rng.uniform(0.02, 0.98, size=(4, 3))
    yy = rng.uniform(size=(4, 3))
    i, j, h = 2, 1, 1e-6
    up, down = pp.copy(), pp.copy()
    up[i, j] += h
    down[i, j] -= h
    loss = BinaryCrossEntropyLoss()
    numeric = (loss(Tensor(up, dtype=np.float64),
                    Tensor(yy, dtype=np.float64)).item()
               - loss(Tensor(down, dtype=np.float64),
                      Tensor(yy, dtype=np.float64)).item()) / (2 * h)
    analytic = _binary_cross_entropy_backward(pp, yy, 1e-7)[i, j] / pp.size
    assert abs(numeric - analytic) < 1e-6 * max(1.0, abs(analytic))
    pw = np.array([0.5, 2.0, 4.0])
    got = _bce_with_logits_backward(pp * 10 - 5, yy, pw)
    want = central(lambda v: _bce_with_logits_forward(v, yy, pw), pp * 10 - 5)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-8)
    ### END HIDDEN TESTS
    print("📈 Progress: gradients ✓")


test_unit_gradients()

# %% [markdown]
# The next cell computes the chapter's comparison with your kernels and plots
# both gradients (their size, on a log scale) for target 1 as the
# prediction moves from 0.01 to 0.99. The MSE gradient never exceeds 2;
# the BCE gradient grows without bound as the prediction approaches 0.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-demo-gradients", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt

one, p05 = np.array([1.0]), np.array([0.05])
mse_grad = _mse_backward(p05, one)[0]
bce_grad = _binary_cross_entropy_backward(p05, one, 1e-7)[0]
print(f"target 1, prediction 0.05: MSE gradient {mse_grad:.4f}, "
      f"BCE gradient {bce_grad:.4f}, ratio {bce_grad / mse_grad:.2f}")
x05 = np.log(0.05 / 0.95)  # the logit whose sigmoid is 0.05
slope = 0.05 * 0.95  # the sigmoid's slope there
logit_grad = _bce_with_logits_backward(np.array([x05]), one, 1.0)[0]
print(f"w.r.t. the logit {x05:.4f}: MSE {mse_grad * slope:.5f}, "
      f"BCE with logits {logit_grad:.5f}")

grid = np.linspace(0.01, 0.99, 99)
ones = np.ones_like(grid)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(grid, np.abs(_mse_backward(grid, ones)), label="MSE: |2 (p - 1)|")
ax.semilogy(grid, np.abs(_binary_cross_entropy_backward(grid, ones, 1e-7)),
            label="BCE: |-1 / p|")
ax.axvline(0.05, color="gray", linestyle=":", linewidth=1)
ax.set_xlabel("prediction p (target 1)")
ax.set_ylabel("size of the gradient")
ax.set_title("A confident mistake: BCE pushes much harder")
ax.legend()
plt.show()

# %% [markdown]
# ## S10: Class-imbalance weights
#
# When one class is rare, a classifier can score well by never predicting
# it: with 900 examples of class 0 and 100 of class 1, always answering 0
# is 90% accurate and useless. Class weights (the `weight` of S3 and S4)
# make each rare example count more. Three common recipes, for $C$ classes
# with $n_c$ examples each and $n = \sum_c n_c$ in total:
#
# | `method` | weight of class $c$ | how it is scaled |
# |---|---|---|
# | `'inverse'` | $w_c = n / (C\, n_c)$ | every class gets the same total weight, $n / C$; the average weight per example is 1 |
# | `'inverse_sqrt'` | $w_c = \sqrt{n / (C\, n_c)}$ | a gentler version of the above |
# | `'effective'` | $w_c \propto (1 - \beta) / (1 - \beta^{n_c})$ | scaled so the $C$ weights add up to $C$ |
#
# The first two are the textbook chapter's formulas. The third is the "effective
# number of samples" of Cui et al. (2019): $(1 - \beta^{n_c}) / (1 - \beta)$
# counts examples with diminishing returns, since near-duplicates add
# little, and the weight is its inverse, scaled as in that paper. For the
# chapter's 900/100 split:
#
# - inverse: about `[0.5556, 5.0]` (each class then weighs 500 in total);
# - inverse square root: about `[0.7454, 2.2361]`;
# - effective number with $\beta = 0.999$: effective counts of about
#   593.6 and 95.2, and weights of about `[0.2764, 1.7236]`.
#
# With `reduction='mean'`, cross-entropy divides by the total weight of the
# batch (S3), so multiplying all weights by one number changes nothing;
# only their ratios matter. The scale matters for `'sum'` and `'none'`.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-class-weights", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def class_weights(counts, method="inverse", beta=0.999):
    """Class weights for an imbalanced dataset, from per-class counts.

    n = sum(counts), C = number of classes
    'inverse':      w_c = n / (C * n_c)  (each class weighs n / C in total)
    'inverse_sqrt': w_c = sqrt(n / (C * n_c))
    'effective':    w_c proportional to (1 - beta) / (1 - beta ** n_c),
                    scaled so that the C weights sum to C (Cui et al.)

    Args:
        counts: the number of examples of each class: a Tensor, NumPy
            array, list or tuple of C >= 1 whole numbers >= 1.
        method: 'inverse' (default), 'inverse_sqrt' or 'effective'.
        beta: for 'effective', a number in [0, 1) (default 0.999).

    Returns:
        Tensor (C,) of float32 weights, ready for
        CrossEntropyLoss(weight=...).

    Raises:
        TypeError: counts are not numbers.
        ValueError: counts are not 1-D, empty, not whole, or below 1; an
            unknown method; beta outside [0, 1).

    Example:
        >>> print(np.round(class_weights([900, 100]).data, 4))
        [0.5556 5.    ]
        >>> w = class_weights([900, 100], method="effective")
        >>> print(np.round(w.data, 4))
        [0.2764 1.7236]

    TODO: compute the weights of the chosen method from `n` (the counts as
    a float64 array, already checked).

    APPROACH:
        1. total = n.sum(), C = len(n).
        2. 'inverse': total / (C * n); 'inverse_sqrt': its square root.
        3. 'effective': raw = (1 - beta) / (1 - beta ** n), then
           raw * C / raw.sum().

    EXAMPLE:
        counts [900, 100], 'inverse' -> [1000 / 1800, 1000 / 200]
        = [0.5556, 5.0]

    HINTS:
        - With beta = 0 every raw 'effective' weight is 1.
    """
    name = "class_weights"
    if isinstance(counts, Tensor):
        counts = counts.data
    try:
        n = np.array(counts, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name}: counts must be numbers, one per class, got "
            f"{type(counts).__name__}. Hint: e.g. class_weights([900, 100])."
        ) from None
    if n.ndim != 1 or n.size == 0:
        raise ValueError(
            f"{name}: counts must be 1-D with one count per class, got "
            f"shape {n.shape}. Hint: count the examples of each class, "
            f"e.g. np.bincount(labels).")
    if not (np.all(np.isfinite(n)) and np.all(n == np.floor(n))
            and n.min() >= 1):
        index = _first(~(np.isfinite(n) & (n == np.floor(n)) & (n >= 1)))
        raise ValueError(
            f"{name}: every count must be a whole number >= 1, got "
            f"{_fmt(n[index])} at counts[{_at(index)}]. Hint: a class "
            f"with no examples cannot be weighted; drop it or merge it.")
    methods = ("inverse", "inverse_sqrt", "effective")
    if method not in methods:
        raise ValueError(
            f"{name}: method={method!r} must be one of "
            f"{', '.join(repr(m) for m in methods)}. Hint: 'inverse' is "
            f"the usual choice.")
    beta = _check_number_setting(name, "beta", beta, 0.0,
                                 hint="e.g. 0.99 or 0.999")
    if beta >= 1:
        raise ValueError(
            f"{name}: beta must be in [0, 1), got {_fmt(beta)}. Hint: "
            f"values close to 1, such as 0.999, count more examples.")
    ### BEGIN SOLUTION
    total, num_classes = n.sum(), len(n)
    if method == "effective":
        raw = (1 - beta) / (1 - beta ** n)
        weights = raw * num_classes / raw.sum()
    else:
        weights = total / (num_classes * n)
        if method == "inverse_sqrt":
            weights = np.sqrt(weights)
    ### END SOLUTION
    return Tensor(weights)

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-class-weights", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
def test_unit_class_weights():
    """🔬 Unit Test: class_weights"""
    print("🔬 Unit Test: class_weights...")
    w = class_weights([900, 100])
    assert isinstance(w, Tensor) and w.shape == (2,), (
        f"expected a (2,) Tensor, got {w}")
    assert np.allclose(w.data, [1000 / 1800, 5.0]), (
        f"900/100 should give [0.5556, 5.0], got {w.data}")
    print(f"✅ inverse, 900/100: {np.round(w.data, 4).tolist()}")

    w = class_weights(Tensor([900, 100]), method="inverse_sqrt")
    assert np.allclose(w.data, [np.sqrt(1000 / 1800), np.sqrt(5.0)]), (
        f"inverse_sqrt should give [0.7454, 2.2361], got {w.data}")
    print(f"✅ inverse_sqrt, 900/100: {np.round(w.data, 4).tolist()}")

    w = class_weights([900, 100], method="effective", beta=0.999)
    raw = (1 - 0.999) / (1 - 0.999 ** np.array([900.0, 100.0]))
    assert np.allclose(w.data, 2 * raw / raw.sum(), rtol=1e-6), (
        f"effective should give [0.2764, 1.7236], got {w.data}")
    assert abs(w.data.sum() - 2.0) < 1e-6, "effective weights sum to C"
    same = class_weights([5, 5, 5], method="effective", beta=0.0)
    assert np.allclose(same.data, 1.0), f"beta 0 gives equal weights: {same}"
    print(f"✅ effective (beta 0.999), 900/100: "
          f"{np.round(w.data, 4).tolist()}; sums to {w.data.sum():.4g}")
    ### BEGIN HIDDEN TESTS
    w = class_weights(np.array([10, 30, 60]))
    assert np.allclose(w.data * np.array([10, 30, 60]), 100 / 3)
    for bad in ([0, 10], [1.5, 2], []):
        try:
            class_weights(bad)
        except ValueError:
            pass
        else:
            raise AssertionError(f"counts {bad} must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: class_weights ✓")


test_unit_class_weights()

# %% [markdown]
# ## S11: Calibration: expected calibration error and temperature scaling
#
# A classifier is **calibrated** when its confidence means what it says:
# of all the predictions made with confidence 0.8, about 80% are right.
# Modern networks trained with cross-entropy are often **overconfident**
# (Guo et al., 2017): their confidence is higher than their accuracy, as
# in a model that says 0.95 on predictions of which only 80% are right.
# For a doctor or a self-driving car reading those numbers, that matters
# as much as the accuracy itself.
#
# **Expected calibration error.** Sort the predictions into $B$ bins by
# confidence (the largest softmax probability of each row). Bin $b$ holds
# $n_b$ predictions with mean confidence $\mathrm{conf}(b)$ and accuracy
# $\mathrm{acc}(b)$ (the fraction whose top class is the label). Then
#
# $$\mathrm{ECE} = \sum_{b=1}^{B} \frac{n_b}{n}
#   \left| \mathrm{acc}(b) - \mathrm{conf}(b) \right|$$
#
# Here the bins are equal-width, $(k/B, (k+1)/B]$ for $k = 0, \dots, B - 1$
# with the edges from `np.linspace(0, 1, B + 1)`: a confidence exactly on
# an edge goes to the lower bin, and 0 goes to the first. `n_bins=15` is
# the default, as in Guo et al. (2017). Empty bins count 0. For example,
# confidences `[0.9, 0.8, 0.4, 0.6]` with correctness `[1, 0, 1, 1]` and
# 2 bins: the bin $(0, 0.5]$ holds 0.4 (accuracy 1, an error of 0.6) and
# the bin $(0.5, 1]$ holds the other three (mean confidence about 0.7667,
# accuracy about 0.6667), so ECE $= \frac14 \cdot 0.6 + \frac34 \cdot 0.1
# = 0.225$.
#
# **Temperature scaling** (Guo et al., 2017) fixes overconfidence after
# training: divide every logit by one number $T > 0$, fitted on held-out
# data by minimising the cross-entropy (the negative log-likelihood, NLL)
# of the scaled logits. $T > 1$ softens the probabilities, $T < 1$
# sharpens them, and the predicted class never changes, so the accuracy
# stays the same. Since the NLL of $z / T$ is a convex function of $1 / T$,
# it has one minimum, and `fit_temperature` finds it with a golden-section
# search over $\log T$ in $[\log 0.01, \log 100]$.
#
# You write `_calibration_bins`; `expected_calibration_error` and
# `fit_temperature` are given.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-calibration", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _calibration_bins(confidences, correct, n_bins):
    """Count, accuracy and mean confidence of each confidence bin.

    Bin k (k = 0 .. n_bins - 1) holds the confidences c with
    edges[k] < c <= edges[k + 1], edges = np.linspace(0, 1, n_bins + 1);
    a confidence of 0 goes to bin 0.

    Args:
        confidences: float64 array (n,) of values in [0, 1].
        correct: float64 array (n,): 1.0 where the prediction was right,
            0.0 where it was wrong.
        n_bins: int >= 1.

    Returns:
        (counts, accuracy, confidence): three float64 arrays (n_bins,);
        accuracy and confidence are 0 in empty bins.

    Example:
        >>> counts, acc, conf = _calibration_bins(
        ...     np.array([0.9, 0.8, 0.4, 0.6]),
        ...     np.array([1.0, 0.0, 1.0, 1.0]), 2)
        >>> counts.tolist(), np.round(acc, 4).tolist()
        ([1.0, 3.0], [1.0, 0.6667])

    TODO: put every confidence in its bin, then count and average per bin.

    APPROACH:
        1. edges = np.linspace(0, 1, n_bins + 1).
        2. which = np.searchsorted(edges, confidences, side="left") - 1,
           clipped to 0 .. n_bins - 1 (that maps 0 to bin 0).
        3. counts = np.bincount(which, minlength=n_bins); the per-bin sums
           of correct and of confidences come from the `weights=`
           argument of np.bincount.
        4. Divide the sums by the counts where counts > 0, 0 elsewhere.

    EXAMPLE:
        confidences [0.9, 0.8, 0.4, 0.6], correct [1, 0, 1, 1], 2 bins
        -> counts [1, 3], accuracy [1, 2/3], confidence [0.4, 2.3/3]

    HINTS:
        - searchsorted with side="left" returns i with
          edges[i - 1] < c <= edges[i].
        - np.divide(a, b, out=np.zeros_like(a), where=b > 0) skips empty
          bins.
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


def _check_probs_and_labels(name, probs, labels):
    """(N, C) probabilities whose rows sum to 1, and (N,) class indices."""
    p = _check_tensor(name, "probs", probs)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError(
            f"{name}: probs must have shape (N, C) with N, C >= 1, got "
            f"{p.shape}. Hint: one row of class probabilities per sample.")
    p = p.astype(np.float64)
    _check_unit_interval(name, "probs", p,
                         "these are probabilities; apply a softmax to "
                         "logits first")
    sums = p.sum(axis=1)
    if np.abs(sums - 1).max() > 1e-3:
        (i,) = _first(np.abs(sums - 1) > 1e-3)
        raise ValueError(
            f"{name}: every row of probs must sum to 1, got "
            f"{sums[i]:.4g} in row {i}. Hint: use a softmax over the "
            f"classes (sigmoid outputs of separate labels do not sum to 1).")
    t = _check_class_targets(name, labels, p.shape[0], p.shape[1],
                             arg="labels", scores="probs")
    return p, t


def expected_calibration_error(probs, labels, n_bins=15):
    """Expected calibration error of class-probability predictions.

    conf_i = max_c probs[i, c], correct_i = [argmax_c probs[i, c] == t_i]
    ECE = sum_b (n_b / n) * |acc(b) - conf(b)|
    over equal-width bins (k/B, (k+1)/B] (edges np.linspace(0, 1, B + 1),
    an edge value goes to the lower bin; 0 to the first); empty bins
    count 0; ties in argmax go to the first class.

    Args:
        probs: Tensor (N, C) of probabilities, each row summing to 1
            (within 1e-3), e.g. a softmax of logits.
        labels: Tensor (N,) of class indices.
        n_bins: int >= 1 (default 15).

    Returns:
        float in [0, 1]; 0 means perfectly calibrated on these bins.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or n_bins is
            not an int.
        ValueError: wrong shapes, values outside [0, 1], rows that do not
            sum to 1, bad labels, or n_bins < 1.

    Example:
        >>> probs = Tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1],
        ...                 [0.4, 0.35, 0.25], [0.2, 0.6, 0.2]])
        >>> round(expected_calibration_error(probs, Tensor([0, 0, 0, 1]),
        ...                                  n_bins=2), 4)
        0.225
    """
    name = "expected_calibration_error"
    n_bins = _check_int_setting(name, "n_bins", n_bins,
                                "15 equal-width bins is the usual choice")
    if n_bins < 1:
        raise ValueError(
            f"{name}: n_bins must be >= 1, got {n_bins}. Hint: 15 is the "
            f"usual choice.")
    p, t = _check_probs_and_labels(name, probs, labels)
    confidences = p.max(axis=1)
    correct = (p.argmax(axis=1) == t).astype(np.float64)
    counts, accuracy, confidence = _calibration_bins(confidences, correct,
                                                     n_bins)
    return float(np.sum(counts / len(t) * np.abs(accuracy - confidence)))


def _temperature_nll(logits, labels, temperature):
    """Mean cross-entropy of logits / temperature (float64 arrays)."""
    return float(np.mean(_cross_entropy_forward(logits / temperature,
                                                labels)))


def fit_temperature(logits, labels):
    """The temperature T > 0 that minimises the NLL of logits / T.

    NLL(T) = mean_i [logsumexp(z_i / T) - z_i[t_i] / T]
    A golden-section search over log T in [log 0.01, log 100] (100 steps,
    deterministic); NLL is convex in 1 / T, so it has one minimum. The
    result never has a higher NLL than T = 1 (no scaling).

    Args:
        logits: Tensor (N, C) of held-out logits (finite).
        labels: Tensor (N,) of their class indices.

    Returns:
        float: the temperature. Divide logits by it before the softmax.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: bad shapes, non-finite logits, bad labels.

    Example:
        >>> z = Tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
        >>> T = fit_temperature(z, Tensor([0, 1, 1, 0]))  # 2 / log(3)
        >>> round(T, 4)
        1.8205
    """
    name = "fit_temperature"
    x, t = _check_cross_entropy_inputs(name, logits, labels,
                                       labels_arg="labels")
    _check_finite(name, "logits", x)
    z = x.astype(np.float64)
    golden = (np.sqrt(5.0) - 1) / 2
    lo, hi = np.log(0.01), np.log(100.0)
    a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
    fa = _temperature_nll(z, t, np.exp(a))
    fb = _temperature_nll(z, t, np.exp(b))
    for _ in range(100):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - golden * (hi - lo)
            fa = _temperature_nll(z, t, np.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + golden * (hi - lo)
            fb = _temperature_nll(z, t, np.exp(b))
    best = float(np.exp((lo + hi) / 2))
    if _temperature_nll(z, t, best) > _temperature_nll(z, t, 1.0):
        return 1.0
    return best

# %% nbgrader={"grade": true, "grade_id": "losses-stretch-test-calibration", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_calibration():
    """🔬 Unit Test: calibration"""
    print("🔬 Unit Test: calibration...")
    counts, acc, conf = _calibration_bins(np.array([0.9, 0.8, 0.4, 0.6]),
                                          np.array([1.0, 0.0, 1.0, 1.0]), 2)
    assert counts.tolist() == [1.0, 3.0], f"bin counts: {counts}"
    assert np.allclose(acc, [1.0, 2 / 3]) and np.allclose(
        conf, [0.4, 2.3 / 3]), f"accuracy {acc}, confidence {conf}"
    print(f"✅ bins of [0.9, 0.8, 0.4, 0.6]: counts {counts.tolist()}, "
          f"accuracy {np.round(acc, 3).tolist()}")

    edge, _, _ = _calibration_bins(np.array([0.0, 0.5, 1.0]),
                                   np.array([1.0, 1.0, 1.0]), 2)
    assert edge.tolist() == [2.0, 1.0], (
        f"0 and the edge 0.5 go to the lower bin, 1.0 to the top: {edge}")
    empty, acc, _ = _calibration_bins(np.array([0.95]), np.array([1.0]), 4)
    assert empty.tolist() == [0, 0, 0, 1] and acc[0] == 0.0, (
        f"empty bins count 0 with accuracy 0: {empty}, {acc}")
    print("✅ an edge value goes to the lower bin; empty bins hold 0")

    probs = Tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1],
                    [0.4, 0.35, 0.25], [0.2, 0.6, 0.2]])
    ece = expected_calibration_error(probs, Tensor([0, 0, 0, 1]), n_bins=2)
    assert abs(ece - 0.225) < 1e-6, f"the worked example gives 0.225: {ece}"
    print(f"✅ ECE of the worked example: {ece:.4f}")

    rng = np.random.default_rng(3)
    z = rng.normal(scale=1.5, size=(3000, 4))
    p_true = np.exp(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))
    draws = rng.uniform(size=(3000, 1))
    y = np.minimum((draws > p_true.cumsum(axis=1)).sum(axis=1), 3)
    T = fit_temperature(Tensor(3.0 * z), Tensor(y))
    assert 2.7 < T < 3.3, f"logits 3x too large should give T near 3: {T}"
    print(f"✅ logits scaled up 3x: fitted temperature {T:.3f} (near 3)")
    ### BEGIN HIDDEN TESTS
    zz = Tensor(3.0 * z)
    nll = [_temperature_nll(zz.data.astype(np.float64), y, s)
           for s in (1.0, T)]
    assert nll[1] <= nll[0]
    for s in (T * 0.9, T * 1.1):
        assert _temperature_nll(zz.data.astype(np.float64), y, s) >= nll[1]
    try:
        expected_calibration_error(Tensor([[0.5, 0.6]]), Tensor([0]))
    except ValueError:
        pass
    else:
        raise AssertionError("rows that do not sum to 1 must raise")
    ### END HIDDEN TESTS
    print("📈 Progress: calibration ✓")


test_unit_calibration()

# %% [markdown]
# ### A reliability diagram
#
# The next cell makes an overconfident model on purpose. It draws true
# logits $z$ for 4,000 samples and 5 classes, samples each label from
# $\mathrm{softmax}(z)$, and then reports $2.5 z$ as its logits, so the
# right temperature is 2.5. It fits the temperature on the first half (the
# held-out set) and measures on the second half. A **reliability diagram**
# plots each bin's accuracy against its confidence: a calibrated model
# follows the diagonal, an overconfident one sags below it.

# %% nbgrader={"grade": false, "grade_id": "losses-stretch-demo-calibration", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt

rng = np.random.default_rng(7)
true_logits = rng.normal(scale=1.5, size=(4000, 5))
true_probs = np.exp(log_softmax(Tensor(true_logits, dtype=np.float64)).data)
draws = rng.uniform(size=(4000, 1))
labels_all = np.minimum((draws > true_probs.cumsum(axis=1)).sum(axis=1), 4)
model_logits = 2.5 * true_logits
fit_part, test_part = slice(0, 2000), slice(2000, 4000)

T = fit_temperature(Tensor(model_logits[fit_part]),
                    Tensor(labels_all[fit_part]))
print(f"fitted temperature on the held-out half: {T:.3f} (true 2.5)")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True)
for ax, scale, title in [(axes[0], 1.0, "before (T = 1)"),
                         (axes[1], T, f"after (T = {T:.2f})")]:
    probs = np.exp(log_softmax(Tensor(model_logits[test_part] / scale)).data)
    probs = probs / probs.sum(axis=1, keepdims=True)
    labels = Tensor(labels_all[test_part])
    ece = expected_calibration_error(Tensor(probs), labels)
    correct = (probs.argmax(axis=1) == labels.data).astype(np.float64)
    counts, acc, conf = _calibration_bins(probs.max(axis=1).astype(
        np.float64), correct, 15)
    centers = (np.arange(15) + 0.5) / 15
    ax.bar(centers, acc, width=1 / 15, edgecolor="black", alpha=0.7,
           label="accuracy per bin")
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
    ax.set_title(f"{title}: ECE {ece:.3f}")
    ax.set_xlabel("confidence")
    print(f"{title:<16} ECE {ece:.4f}, accuracy {correct.mean():.4f}")
axes[0].set_ylabel("accuracy")
axes[0].legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Stretch summary
#
# You extended the module to what a practitioner needs:
#
# - every loss takes `reduction='mean' | 'sum' | 'none'`, checked in one
#   place and computed by one helper that stays blocked for `'mean'` and
#   `'sum'`;
# - `L1Loss`, `HuberLoss` and `SmoothL1Loss` for regression with
#   outliers, and `KLDivLoss` for matching distributions;
# - `NLLLoss` and the full `CrossEntropyLoss`: class weights (with the
#   weighted mean), `ignore_index` (ignored rows count as dropped), label
#   smoothing, probability targets and `(N, C, d1, ...)` inputs;
# - `BCEWithLogitsLoss`, exact where sigmoid + BCE rounds, and the RetinaNet
#   `FocalLoss` built on it;
# - `TripletMarginLoss` and `InfoNCELoss` for embeddings;
# - the gradients of MSE, BCE and BCE with logits, checked against central
#   differences, and the chapter's 1.9 versus 20 comparison measured;
# - `class_weights` for imbalanced data, and calibration: ECE, temperature
#   scaling and a reliability diagram.
#
# Everything here matches PyTorch where PyTorch has the same loss; the
# docstrings' `NOTE:` lines list the few places where it deliberately does
# not (no silent NaN, no silent broadcasting).
#
# **Check your understanding.**
#
# 1. A batch of 8 sentences is padded to 20 tokens with `ignore_index`
#    targets; 96 of the 160 positions are real tokens. What does
#    `reduction='mean'` divide by, and why is that better than 160?
# 2. You train with `weight=class_weights(counts)` and `'mean'`, then
#    multiply every weight by 10. What changes?
# 3. Why does temperature scaling leave the accuracy unchanged?
#
# <details><summary>Answers</summary>
#
# 1. By 96, the number of kept targets (without weights). Dividing by 160
#    would make the loss, and the gradient, depend on how much padding
#    the batch happened to need.
# 2. Nothing: the weighted mean divides by the total weight, which is also
#    10 times larger. Only the ratios between the weights matter.
# 3. Dividing a row of logits by the same $T > 0$ keeps their order, so
#    the largest logit, the predicted class, stays the same; only the
#    confidence changes.
# </details>
