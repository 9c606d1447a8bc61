# %% [markdown]
# # Module 04: Losses
#
# **Foundation tier** · Difficulty 2/4 · Time 4-6 hours ·
# Prerequisites: Modules 01 (Tensor), 02 (Activations) and 03 (Layers)
#
# You can already build a network that turns inputs into outputs. What it
# cannot do yet is tell whether those outputs are any good. A **loss
# function** compares the model's predictions with the right answers and
# returns a single number: large when the model is wrong, small when it is
# right. Training means changing the weights so that this number goes down,
# so the loss decides what "better" means for your model.
#
# In this module you build the three losses that cover most of deep
# learning: mean squared error for regression, cross-entropy for choosing
# one class out of many, and binary cross-entropy for yes/no decisions. On
# the way you meet one of the most important numerical tricks in machine
# learning, the **log-sum-exp trick**, and you measure what cross-entropy costs in memory
# and time when the number of classes gets large.
#
# ## Learning objectives
#
# By the end of this module you will be able to:
#
# - **Implement** `MSELoss`, `CrossEntropyLoss` and `BinaryCrossEntropyLoss`
#   on top of your `Tensor`.
# - **Use** the log-sum-exp trick to compute log-probabilities that never
#   overflow, and explain why it is exact rather than an approximation.
# - **Measure** the memory and time of cross-entropy as the number of
#   classes grows (it is $O(B \times C)$ for a batch of $B$ rows and $C$
#   classes).
# - **Recognise** the common mistakes (logits versus probabilities, wrong
#   target shapes, out-of-range labels) from the error messages they cause.
# - **Connect** your implementation to PyTorch's `torch.nn` losses and check
#   that both give the same numbers.

# %% [markdown]
# ## What you'll build
#
# | Step | What you implement | Key idea |
# |------|--------------------|----------|
# | 1 | `log_softmax()` | log-sum-exp trick: subtract the maximum first |
# | 2 | `MSELoss` | mean of squared differences, for regression |
# | 3 | `CrossEntropyLoss` | negative log-probability of the right class |
# | 4 | `BinaryCrossEntropyLoss` | cross-entropy for one yes/no decision |
#
# `CrossEntropyLoss` builds on the idea of step 1. In each step you write
# the maths as a small NumPy function (a *kernel* such as `_mse_forward`);
# the class around it, which checks the inputs and averages the result, is
# already written for you to read.
#
# The pattern you enable is the one every training loop uses:
#
# ```python
# loss = criterion(predictions, targets)   # one number: how wrong we are
# ```
#
# ### What you're not building yet
#
# - Gradients. `loss.backward()` arrives with autograd in Module 06; the
#   design below leaves room for it.
# - In the core steps: other reductions (`reduction='sum'` or `'none'`),
#   class weights, label smoothing and more losses (Huber, focal loss, KL
#   divergence). The core steps use the defaults, which average over the
#   batch. The optional **stretch part** at the end of the notebook adds
#   all of these for extra points; the core path does not need it.
# - The tricks used for huge vocabularies (sampled or hierarchical
#   softmax).

# %% [markdown]
# ## API reference
#
# ```python
# log_softmax(x: Tensor, dim: int = -1) -> Tensor
# ```
#
# Log-probabilities along `dim`, computed with the log-sum-exp trick. The
# input holds **logits**: raw, unbounded scores straight out of a layer,
# before any softmax or sigmoid. The output has the same shape, and along
# `dim` the exponentials of the output sum to 1.
#
# | Loss | Constructor | Call | Use it for |
# |------|-------------|------|------------|
# | `MSELoss` | `MSELoss()` | `loss_fn(predictions, targets)` | regression |
# | `CrossEntropyLoss` | `CrossEntropyLoss()` | `loss_fn(logits, targets)` | one class out of C |
# | `BinaryCrossEntropyLoss` | `BinaryCrossEntropyLoss()` | `loss_fn(predictions, targets)` | yes/no, multi-label |
#
# Calling a loss object runs its `forward` method, and every loss returns a
# 0-d `Tensor` (a scalar): float32, or float64 when an input is float64.
# The constructors take PyTorch's settings with PyTorch's names and
# defaults (`reduction='mean'`, and for cross-entropy `weight`,
# `ignore_index` and `label_smoothing`); the core steps only use the
# defaults, and the stretch part explains the rest.
#
# ### Input and output shapes
#
# | Loss | Predictions | Targets | Output |
# |------|-------------|---------|--------|
# | MSE | `(N,)` or `(N, D)` | same shape as predictions | `()` |
# | CrossEntropy | `(N, C)` logits | `(N,)` class indices `0..C-1` | `()` |
# | BinaryCrossEntropy | `(N,)` or `(N, K)` probabilities in `[0, 1]` | same shape, labels in `[0, 1]` | `()` |
#
# $N$ is the batch size, $D$ the number of regression outputs, $C$ the
# number of classes and $K$ the number of independent yes/no labels.
#
# - **Logits** are raw scores such as `[2.3, -1.2, 5.1]`. Give them to
#   `CrossEntropyLoss` directly; do not apply a softmax first.
# - **Class indices** are whole numbers, one per sample: `[0, 2, 1]` for
#   three samples. A float32 `Tensor([0, 2, 1])` is fine as long as the
#   values are whole numbers.
# - **Probabilities** for `BinaryCrossEntropyLoss` come out of a sigmoid and
#   must lie between 0 and 1. Targets are 0/1 labels, or "soft" labels in
#   between.
#
# Shapes must match exactly: no loss here broadcasts `(N, 1)` against
# `(N,)`. After export you can import everything with
# `from tinytorch.core.losses import MSELoss, CrossEntropyLoss,
# BinaryCrossEntropyLoss, log_softmax`.

# %% [markdown]
# ## Setup
#
# The package code starts here. The losses need NumPy and your `Tensor`,
# nothing else (plus two modules of Python's standard library that the
# settings checks use).

# %% nbgrader={"grade": false, "grade_id": "losses-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.losses
#| export
import difflib
import inspect

import numpy as np

from tinytorch.core.tensor import Tensor

# %% [markdown]
# ## Core concepts
#
# ### Loss as a feedback signal
#
# "How good is my model?" is a vague question. A loss answers a sharper
# one: *for this batch, how far are the predictions from the targets?* The
# answer is a single number, and the optimizer's only job is to push it
# down.
#
# For that to work the loss must change smoothly when the predictions
# change. Then its slope (the gradient) tells every weight which way to
# move. Counting mistakes would not do: moving a weight a tiny bit usually
# leaves the count unchanged, so it gives no direction at all. Each
# training step is therefore: forward pass, loss, backward pass (Module
# 06), update (Module 07).
#
# ### Mean squared error
#
# For regression the model predicts numbers, and the natural error is the
# difference $\hat y_i - y_i$. MSE averages its square over all $n$
# elements:
#
# $$\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2$$
#
# Squaring does three things: errors of either sign count the same, big
# errors count much more than small ones, and the result is smooth (unlike
# $|\hat y - y|$, which has a kink at 0). The growth is quadratic: an error
# of 10 contributes 100, an error of 20 contributes 400. If a model
# predicts house prices, a \$5,000 miss costs 25,000,000 squared dollars
# and a \$50,000 miss costs 2,500,000,000: ten times the error, a hundred
# times the loss. This makes MSE quick to correct large errors, and also
# sensitive to a few badly wrong labels (outliers).
#
# ### Cross-entropy
#
# For classification the model outputs one logit per class. Softmax turns
# a row of logits $z$ into probabilities,
# $p_j = e^{z_j} / \sum_k e^{z_k}$, and cross-entropy asks: *how much
# probability did the model give to the right class $t$?*
#
# $$\mathrm{CE} = -\log p_t = \log \sum_k e^{z_k} - z_t$$
#
# The right-hand form is the one to compute: one log-sum-exp per row, minus
# the target's logit. The penalty is very uneven. Giving the right class
# probability 0.99 costs $-\log 0.99 \approx 0.01$; giving it 0.5 costs
# about 0.693; giving it 0.01 costs about 4.61. Confident mistakes are
# expensive, which is exactly the pressure a classifier needs. A useful
# sanity check: a model that spreads its probability evenly over $C$
# classes has loss $\log C$, so an untrained 10-class model (small random
# weights, nearly equal logits) should start near
# $\log 10 \approx 2.303$.
#
# ### Numerical stability
#
# Computers store floats with a limited range. The largest float32 is about
# $3.4 \times 10^{38}$, so `exp(x)` overflows to `inf` as soon as $x$ is
# above about 88.72 (about 709.78 in float64). Logits in the hundreds do
# happen (a badly scaled layer or a too-large learning rate is enough), and
# $e^{300} \approx 1.94 \times 10^{130}$. A softmax computed naively then
# divides `inf` by `inf`, which gives `nan`, and the training run is
# ruined. The next cell runs exactly that.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-overflow", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def naive_softmax(x):
    """Softmax straight from the definition (unsafe for large inputs)."""
    exps = np.exp(x)
    return exps / exps.sum()


scores = np.array([100.0, 200.0, 300.0], dtype=np.float32)
with np.errstate(over="ignore", invalid="ignore"):
    exps = np.exp(scores)
    probs = naive_softmax(scores)
print("float32 exp([100, 200, 300]):", exps)
print("naive softmax:               ", probs)
print(f"largest x with a finite float32 exp(x): "
      f"{np.log(np.finfo(np.float32).max):.2f}")

# Softmax does not change when the same number is subtracted from every
# entry, because the factor e^(-m) cancels between top and bottom.
small = np.array([1.0, 2.0, 3.0])
print("softmax([1, 2, 3])        :", np.round(naive_softmax(small), 4))
print("softmax([1, 2, 3] - max)  :", np.round(naive_softmax(small - 3), 4))

# %% [markdown]
# The last two lines show the way out. Subtracting a constant $m$ from every
# logit leaves softmax unchanged, because $e^{-m}$ appears in the numerator
# and the denominator and cancels. Choose $m = \max_j z_j$: then the largest
# exponent is $e^0 = 1$ and nothing can overflow. Taking logs gives the
# **log-sum-exp trick**:
#
# $$\log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}, \qquad
# \log\mathrm{softmax}(z)_i = (z_i - m) - \log \sum_j e^{z_j - m}$$
#
# This is an exact identity, not an approximation. For `[100, 200, 300]`
# the shifted logits are `[-200, -100, 0]`; the small exponentials
# underflow towards 0, which is harmless because they hardly add anything
# to a sum that already contains $e^0 = 1$. The log-probabilities come out
# as `[-200, -100, 0]` (to float precision).
#
# ### Reduction strategies
#
# A loss first produces one value per sample (or per element) and then
# reduces them to one number. Every loss in this module takes the **mean**,
# which is also PyTorch's default (`reduction='mean'`). The mean keeps the
# loss on the same scale whatever the batch size, so a learning rate tuned
# with 32 samples still makes sense with 128. The alternatives are the sum
# (which is $N$ times the mean for a batch of $N$, so with plain gradient
# descent the step size grows with the batch unless you shrink the
# learning rate to match) and no reduction at all (one loss per sample,
# useful for weighting or inspecting individual examples). Our code keeps
# the per-sample values and the reduction apart, so the other two modes
# cost almost nothing: every loss accepts PyTorch's `reduction='sum'` and
# `reduction='none'` too, and the stretch part at the end uses them.

# %% [markdown]
# ## The shared plumbing: `Loss`, input checks and kernels
#
# Every loss in this module follows the same recipe in its `forward`
# method:
#
# 1. **Check** the inputs: right type, right shapes, finite values, labels
#    in range. A failed check raises a one-line `ValueError` or `TypeError`
#    that names the loss, what was expected, what was given, and a hint.
#    NumPy would otherwise *broadcast* mismatched shapes silently (an
#    `(N, 1)` against an `(N,)` becomes an `(N, N)` table of wrong
#    differences) or fail deep inside with an `IndexError`.
# 2. **Compute** one loss per sample with a *kernel*: a plain NumPy
#    function that takes checked arrays and returns an array. You write the
#    four kernels.
# 3. **Reduce** the per-sample losses to their mean with
#    `_reduce(kernel, *arrays)`, which returns a 0-d `Tensor`. It calls the
#    kernel on about 1 MB of rows at a time and adds up the pieces, so the
#    kernel's temporary arrays stay small however large the batch (the
#    systems section measures what that saves). The same helper also does
#    `reduction='sum'` and `reduction='none'`; `_check_reduction` is the
#    one place that checks the `reduction` setting of every loss.
#
# Checks that need a pass over every value (is anything NaN or inf?) run
# only when the result comes out non-finite: a NaN or inf in the inputs
# always shows up in the loss, and then the check explains where it was.
#
# Keeping the maths in array-level kernels pays off with autograd (Module
# 06): a matching `_mse_backward` can sit next to `_mse_forward` (and so
# on) without copying the formulas or rewriting `forward`. The base class
# `Loss` gives every loss its `__call__`, which simply calls
# `self.forward(...)`; the method is looked up on each call, so a subclass
# that overrides `forward` is used automatically. `Loss` also checks the
# constructor's arguments against the loss's settings (PyTorch's names and
# defaults), so a misspelt or misplaced setting is a one-line error.
#
# **Dtypes.** Kernels compute in float32, the course default. If an input
# is float64, they compute and return float64 instead, which is what
# numerical gradient checks need. The mean is always
# accumulated in float64 (it is one value per sample, so this is cheap) and
# then rounded to the result dtype.
#
# Read the next cell; you do not need to change it.

# %% nbgrader={"grade": false, "grade_id": "losses-plumbing", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
class Loss:
    """Base class of every loss in this module.

    Build a loss once with its settings, then call it on every batch:
    `loss_fn(a, b)` calls `loss_fn.forward(a, b)`. The method is looked up
    at call time, so an override in a subclass is always used.

    Settings have PyTorch's names, order and defaults. Every loss has
    `reduction` ('mean', the default, 'sum' or 'none'), checked by
    `_check_reduction`. Arguments that do not fit a loss's settings (too
    many positional ones, a misspelt name) raise a one-line TypeError.

    A subclass's `forward` checks its inputs with the shared `_check_*`
    helpers and reduces the per-sample losses of an array-level kernel
    such as `_mse_forward` with `_reduce(kernel, *arrays)`. A later
    autograd module can pair each kernel with its gradient without
    changing `forward`.

    Example:
        >>> class Zero(Loss):
        ...     def forward(self, predictions, targets):
        ...         return Tensor(0.0)
        >>> Zero()(Tensor([1.0]), Tensor([2.0])).item()
        0.0
        >>> Zero(reduction="sum")
        Zero(reduction='sum')
    """

    _reductions = ("mean", "sum", "none")

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        self._given = _bind_settings(cls, args, kwargs)
        return self

    def __init__(self, *, reduction="mean"):
        self.reduction = _check_reduction(type(self).__name__, reduction,
                                          self._reductions)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} must define forward(...)")

    def __repr__(self):
        given = getattr(self, "_given", {})
        shown = ", ".join(f"{k}={v!r}" for k, v in given.items())
        return f"{type(self).__name__}({shown})"


def _bind_settings(cls, args, kwargs):
    """The settings given to `cls(...)`, by name; TypeError if they do not
    fit the signature of `cls.__init__`."""
    signature = inspect.signature(cls.__init__)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError as err:
        names = list(signature.parameters)[1:]
        settings = ", ".join(str(p) for p in
                             list(signature.parameters.values())[1:])
        hint = (f"pass settings by name, e.g. {cls.__name__}"
                f"(reduction='sum')")
        unknown = [k for k in kwargs if k not in names]
        close = difflib.get_close_matches(unknown[0], names, n=1) \
            if unknown else []
        if close:
            hint = f"did you mean {close[0]}=...? ({hint})"
        raise TypeError(
            f"{cls.__name__}: {err}; its settings are ({settings}). "
            f"Hint: {hint}.") from None
    return dict(list(bound.arguments.items())[1:])


def _check_reduction(name, reduction, allowed=("mean", "sum", "none")):
    """Return `reduction` if it is one of `allowed`; ValueError otherwise.

    The one place where every loss checks its `reduction` setting.
    """
    if isinstance(reduction, str) and reduction in allowed:
        return reduction
    choices = ", ".join(repr(r) for r in allowed)
    close = difflib.get_close_matches(reduction, allowed, n=1) \
        if isinstance(reduction, str) else []
    if close:
        hint = f"did you mean {close[0]!r}?"
    else:
        hint = ("'mean' averages the losses (the default), 'sum' adds them "
                "up, 'none' returns one loss per element.")
    raise ValueError(
        f"{name}: reduction={reduction!r} must be one of {choices}. "
        f"Hint: {hint}")


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) \
        and not isinstance(value, (bool, np.bool_))


def _check_number_setting(name, arg, value, low, high=None, low_open=False,
                          allow_inf=False, hint="see the docstring"):
    """Return the setting `value` as a float; TypeError/ValueError if it is
    not a number in the interval [low, high] (or (low, high])."""
    if not _is_number(value):
        raise TypeError(
            f"{name}: {arg} must be a number, got {type(value).__name__} "
            f"{value!r}. Hint: {hint}.")
    v = float(value)
    ok = (v > low if low_open else v >= low) and (
        high is None or v <= high) and (allow_inf or np.isfinite(v))
    if not ok:
        left = "(" if low_open else "["
        right = f"{_fmt(high)}]" if high is not None else "inf)"
        if high is None:
            wanted = f"{'>' if low_open else '>='} {_fmt(low)}"
            if not allow_inf:
                wanted = f"finite and {wanted}"
        else:
            wanted = f"in {left}{_fmt(low)}, {right}"
        raise ValueError(
            f"{name}: {arg} must be {wanted}, got {_fmt(v)}. Hint: {hint}.")
    return v


def _check_int_setting(name, arg, value, hint):
    """Return the setting `value` as an int; TypeError if it is not one."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer)):
        raise TypeError(
            f"{name}: {arg} must be an int, got {type(value).__name__} "
            f"{value!r}. Hint: {hint}.")
    return int(value)


def _check_bool_setting(name, arg, value, hint):
    """Return the setting `value` as a bool; TypeError if it is not one."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: {arg} must be True or False, got "
                        f"{value!r}. Hint: {hint}.")
    return bool(value)


def _check_weight_setting(name, arg, weight, one_per_class=False):
    """None, or a private copy of `weight` (a Tensor of finite numbers
    >= 0) as a Tensor; TypeError/ValueError otherwise."""
    if weight is None:
        return None
    data = _check_tensor(name, arg, weight)
    if one_per_class and data.ndim != 1:
        raise ValueError(
            f"{name}: {arg} must be 1-D with one value per class, got shape "
            f"{data.shape}. Hint: build it as Tensor([w_0, w_1, ...]).")
    _check_finite(name, arg, data)
    if data.size and data.min() < 0:
        index = _first(data < 0)
        raise ValueError(
            f"{name}: {arg} must be >= 0, got {_fmt(data[index])} at "
            f"{arg}[{_at(index)}]. Hint: a weight scales a loss term; use 0 "
            f"to leave a term out.")
    return _tensor(np.array(data, copy=True))


def _check_class_settings(name, weight, ignore_index):
    """(weight, ignore_index) of a class-index loss (CrossEntropy, NLL)."""
    return (_check_weight_setting(name, "weight", weight, one_per_class=True),
            _check_int_setting(name, "ignore_index", ignore_index,
                               "it is the class index whose targets are "
                               "skipped, -100 by default"))


def _fmt(value):
    """Shortest text for a number: 5.0 -> '5', float32 0.3 -> '0.3'."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) \
            and abs(value) < 1e16:
        return np.format_float_positional(value, trim="-")
    return str(value)


def _first(mask):
    """Index (a tuple) of the first True entry of a boolean array."""
    return tuple(int(i) for i in np.unravel_index(np.argmax(mask),
                                                  mask.shape))


def _at(index):
    """Format an index tuple for a message: (3,) -> '3', (1, 2) -> '1, 2'."""
    return ", ".join(str(i) for i in index)


def _check_tensor(name, arg, x):
    """Return `x.data`; TypeError unless `x` is a Tensor of real numbers."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{name}: {arg} must be a Tensor, got {type(x).__name__}. "
            f"Hint: wrap the values first, e.g. Tensor(values).")
    data = x.data
    if data.dtype.kind not in "iuf":
        raise TypeError(
            f"{name}: {arg} must hold real numbers (an integer or float "
            f"dtype), got dtype {data.dtype}. Hint: build it with "
            f"Tensor(values), which stores float32.")
    return data


def _compute_dtype(*arrays):
    """float64 if any input is float64 (or wider), otherwise float32."""
    wide = any(a.dtype.kind == "f" and a.dtype.itemsize >= 8
               for a in arrays)
    return np.dtype(np.float64 if wide else np.float32)


def _check_nonempty(name, arg, data, reduction="mean"):
    """ValueError for a 0-d input or an empty batch."""
    if data.ndim == 0:
        raise ValueError(
            f"{name}: {arg} must have a batch dimension, got a 0-d "
            f"(scalar) Tensor. Hint: for one value use {arg}.reshape(1).")
    if data.size == 0:
        why = ("the mean of no losses is undefined" if reduction == "mean"
               else "there are no losses to add up or return")
        raise ValueError(
            f"{name}: {arg} is an empty batch (shape {data.shape}), and "
            f"{why}. Hint: check how the batch was sliced, or skip empty "
            f"batches.")


def _check_same_shape(name, a_name, a, b_name, b):
    """ValueError unless `a` and `b` have exactly the same shape."""
    if a.shape == b.shape:
        return
    if a.size == b.size:
        hint = (f"reshape one to match the other, e.g. "
                f"{b_name}.reshape{a.shape}")
        try:
            wide = np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            wide = None
        if wide is not None:
            hint = (f"NumPy would silently broadcast them to {wide} and "
                    f"compare the wrong pairs; {hint}")
    else:
        hint = (f"they hold {a.size} and {b.size} values; check that both "
                f"come from the same batch")
    raise ValueError(
        f"{name}: {a_name} and {b_name} must have the same shape, got "
        f"{a.shape} and {b.shape}. Hint: {hint}.")


def _check_finite(name, arg, data, allow_neg_inf=False):
    """ValueError if `data` holds NaN or inf (-inf allowed if asked)."""
    if data.dtype.kind in "iu" or data.size == 0 or (
            np.isfinite(data.min()) and np.isfinite(data.max())):
        return  # min and max are finite, so everything is (NaN spreads)
    bad = ~np.isfinite(data)
    if allow_neg_inf:
        bad &= ~np.isneginf(data)
        if not bad.any():
            return
    index = _first(bad)
    value = data[index]
    if np.isnan(value):
        hint = ("a NaN usually comes from an earlier overflow or 0/0; "
                "check the model's outputs and the learning rate")
    elif allow_neg_inf:
        hint = ("-inf is allowed (it masks a class) but +inf is not a "
                "score; check the model's outputs")
    else:
        hint = "an inf usually comes from an overflow earlier on"
    allowed = "finite (or -inf)" if allow_neg_inf else "finite"
    raise ValueError(
        f"{name}: {arg} must be {allowed}, got {_fmt(value)} at "
        f"{arg}[{_at(index)}]. Hint: {hint}.")


def _check_dim(name, dim, ndim):
    """Return `dim` as a non-negative axis; TypeError/ValueError if bad."""
    if isinstance(dim, (bool, np.bool_)) or not isinstance(
            dim, (int, np.integer)):
        raise TypeError(
            f"{name}: dim must be an int, got {type(dim).__name__}. "
            f"Hint: use dim=-1 for the last dimension.")
    if ndim == 0:
        raise ValueError(
            f"{name}: expected a Tensor with at least 1 dimension, got a "
            f"0-d (scalar) Tensor. Hint: use x.reshape(1) for one score.")
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"{name}: dim {dim} is out of range for a {ndim}-D Tensor "
            f"(valid: {-ndim}..{ndim - 1}). Hint: dim=-1 means the last "
            f"dimension.")
    return int(dim) % ndim


def _check_logits(name, arg, data, axis):
    """Scores along `axis` must be finite or -inf, never all -inf."""
    if data.shape[axis] == 0:
        raise ValueError(
            f"{name}: {arg} has size 0 along dim {axis} (shape "
            f"{data.shape}), so there is nothing to normalise. Hint: "
            f"there must be at least one class.")
    if data.size == 0 or np.isfinite(np.max(data, axis=axis)).all():
        return  # every slice has a finite maximum: no NaN, +inf, all -inf
    _check_finite(name, arg, data, allow_neg_inf=True)
    dead = np.isneginf(data).all(axis=axis)
    if dead.any():
        where = [str(i) for i in _first(dead)]
        where.insert(axis, ":")
        raise ValueError(
            f"{name}: every entry of {arg}[{', '.join(where)}] is -inf, "
            f"so it gives no probability distribution. Hint: leave at "
            f"least one class unmasked (PyTorch would return NaN here).")


def _check_pair(name, predictions, targets, reduction="mean"):
    """Shared checks of MSE and BCE; returns both arrays, same dtype."""
    p = _check_tensor(name, "predictions", predictions)
    t = _check_tensor(name, "targets", targets)
    _check_same_shape(name, "predictions", p, "targets", t)
    _check_nonempty(name, "predictions", p, reduction)
    dtype = _compute_dtype(p, t)
    return p.astype(dtype, copy=False), t.astype(dtype, copy=False)


def _check_unit_interval(name, arg, data, hint):
    """ValueError unless every value lies in [0, 1]."""
    if data.size == 0 or (data.min() >= 0 and data.max() <= 1):
        return  # (a NaN fails both comparisons and is reported below)
    _check_finite(name, arg, data)
    bad = (data < 0) | (data > 1)
    if bad.any():
        index = _first(bad)
        raise ValueError(
            f"{name}: {arg} must lie in [0, 1], got {_fmt(data[index])} "
            f"at {arg}[{_at(index)}]. Hint: {hint}.")


def _check_class_targets(name, targets, num_rows, num_classes,
                         ignore_index=None, arg="targets", scores="logits"):
    """Return targets as an (N,) integer index array, or raise."""
    t = _check_tensor(name, arg, targets)
    if t.shape != (num_rows,):
        if t.shape == (num_rows, 1):
            hint = f"flatten them with {arg}.reshape(-1)"
        elif t.shape == (num_rows, num_classes):
            hint = (f"{arg} are class indices here, not one-hot rows or "
                    f"probabilities; convert them with "
                    f"Tensor({arg}.data.argmax(axis=1))")
        else:
            hint = f"pass exactly one class index per row of {scores}"
        raise ValueError(
            f"{name}: {arg} must have shape ({num_rows},), one class "
            f"index per row of {scores} {(num_rows, num_classes)}, got "
            f"{t.shape}. Hint: {hint}.")
    return _check_class_values(name, t, num_classes, ignore_index, arg)


def _check_class_values(name, t, num_classes, ignore_index=None,
                        arg="targets"):
    """Return `t` as integer class indices: whole numbers in 0..C-1, or
    equal to `ignore_index`; ValueError otherwise."""
    if t.dtype.kind == "f":
        bad = ~np.isfinite(t)
        bad[~bad] = t[~bad] != np.floor(t[~bad])
        if bad.any():
            index = _first(bad)
            raise ValueError(
                f"{name}: {arg} must be whole class indices, got "
                f"{_fmt(t[index])} at {arg}[{_at(index)}]. Hint: pass "
                f"class numbers 0..{num_classes - 1}, not probabilities "
                f"or scores.")
    bad = (t < 0) | (t >= num_classes)
    if ignore_index is not None:
        bad &= t != ignore_index
    if bad.any():
        index = _first(bad)
        where = f"{arg}[{_at(index)}]"
        if t[index] < 0:
            skipped = ("" if ignore_index is None else
                       f", and only targets equal to ignore_index "
                       f"({ignore_index}) are skipped")
            hint = (f"{where} is negative; class indices start at "
                    f"0{skipped}; drop or remap that sample")
        else:
            hint = (f"{where} must be below {num_classes}; check that "
                    f"the model has one output per class")
        raise ValueError(
            f"{name}: target {_fmt(t[index])} is out of range for "
            f"{num_classes} classes (valid: 0..{num_classes - 1}). "
            f"Hint: {hint}.")
    return t.astype(np.intp)


def _check_cross_entropy_inputs(name, logits, targets, ignore_index=None,
                                labels_arg="targets", shapes="(N, C)"):
    """Shared checks of cross-entropy; returns (float logits, indices).

    `shapes` is what the caller accepts, for the message when logits are
    not 2-D (CrossEntropyLoss also takes (N, C, d1, ...) elsewhere)."""
    x = _check_tensor(name, "logits", logits)
    if x.ndim != 2:
        if x.ndim == 1:
            hint = "for a single sample use logits.reshape(1, -1)"
        else:
            hint = "pass one row of class scores per sample"
        raise ValueError(
            f"{name}: logits must have shape {shapes}, got shape "
            f"{x.shape}. Hint: {hint}.")
    if x.shape[0] == 0:
        raise ValueError(
            f"{name}: logits is an empty batch (shape {x.shape}), and the "
            f"mean of no losses is undefined. Hint: check how the batch "
            f"was sliced, or skip empty batches.")
    if x.shape[1] == 0:
        _check_logits(name, "logits", x, axis=1)
    t = _check_class_targets(name, targets, x.shape[0], x.shape[1],
                             ignore_index, labels_arg)
    return x.astype(_compute_dtype(x), copy=False), t


# Each kernel call sees about this many bytes of input rows (see below).
_BLOCK_BYTES = 1 << 20


def _row_blocks(n_rows, row_bytes):
    """Slices that cut `n_rows` rows into blocks of about 1 MB each."""
    step = max(1, _BLOCK_BYTES // max(1, row_bytes))
    return [slice(i, i + step) for i in range(0, n_rows, step)]


def _reduce(kernel, *arrays, reduction="mean", divisor=None):
    """Reduce `kernel(*arrays)`, one block of rows at a time.

    'mean': the mean of the kernel's values as a 0-d Tensor (the sum
    divided by their number, or by `divisor` when it is given: weighted
    losses divide by their total weight). 'sum': their sum. 'none': all
    of them, in a Tensor shaped like the kernel's output.

    Each kernel call gets a block of about 1 MB of rows of every array,
    so each temporary array the kernel makes is about 1 MB too (and stays
    in the CPU cache), however large the batch; only 'none' builds an
    output of full size. Block sums are accumulated in float64 and the
    result is rounded to the dtype of `arrays[0]`; adding 0.0 turns a
    -0.0 into 0.0. Overflow and invalid-value warnings are silenced here:
    the caller checks that the result is finite and explains it if not.
    """
    first = arrays[0]
    blocks = _row_blocks(first.shape[0], first[:1].nbytes)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if reduction == "none":
            if len(blocks) <= 1:
                out = kernel(*arrays)
            else:
                out = None
                for rows in blocks:
                    part = kernel(*(a[rows] for a in arrays))
                    if out is None:
                        out = np.empty((first.shape[0],) + part.shape[1:],
                                       dtype=part.dtype)
                    out[rows] = part
            return _tensor(np.asarray(out, dtype=first.dtype) + 0.0)
        total, count = 0.0, 0
        for rows in blocks:
            part = kernel(*(a[rows] for a in arrays))
            total += float(np.sum(part, dtype=np.float64))
            count += part.size
        if reduction == "mean":
            total = total / (count if divisor is None else divisor)
        return _tensor(np.asarray(total + 0.0, dtype=first.dtype))


def _tensor(array):
    """Wrap a freshly computed result array in a Tensor without copying.

    (`Tensor(array)` copies its input, which is the safe default for
    data a user passes in, but a waste for an array nobody else holds.)
    """
    out = Tensor.__new__(Tensor)
    out.data = array
    return out


def _map_row_blocks(kernel, x, axis):
    """`kernel(x, axis)`, a block of rows at a time when `axis` is last.

    Same result as one call; the kernel's temporaries stay about 1 MB, and
    the only full-size array is the output.
    """
    if x.ndim < 2 or axis != x.ndim - 1:
        return kernel(x, axis)
    rows = x.reshape(-1, x.shape[-1])
    out = np.empty(rows.shape, dtype=x.dtype)
    for block in _row_blocks(rows.shape[0], rows[:1].nbytes):
        out[block] = kernel(rows[block], 1)
    return out.reshape(x.shape)


def _finite_or_raise(name, loss, kernel, *arrays, reduction="mean",
                     divisor=None):
    """Return `loss` if finite; otherwise recompute wider or raise.

    Runs only when the fast path produced inf or NaN. The caller has
    already re-checked its inputs (which raises for NaN and inf); what is
    left is float32 overflow of finite inputs, so the kernel runs again in
    float64. A value that still does not fit the result dtype raises.
    """
    if np.isfinite(loss.data).all():
        return loss
    dtype = loss.dtype
    wide = [a.astype(np.float64) if a.dtype.kind == "f" else a
            for a in arrays]
    value = _reduce(kernel, *wide, reduction=reduction,
                    divisor=divisor).data
    with np.errstate(over="ignore"):
        result = value.astype(dtype)
    if not np.isfinite(result).all():
        bad = ~np.isfinite(result)
        index = _first(bad) if value.ndim else ()
        where = f" at [{_at(index)}]" if index else ""
        raise ValueError(
            f"{name}: the loss{where} is {value[index]:.4g}, too large for "
            f"{dtype} (largest {np.finfo(dtype).max:.4g}). Hint: scale the "
            f"inputs down, or use float64 Tensors.")
    return _tensor(result)

# %% [markdown]
# ## Step 1: `log_softmax`
#
# Cross-entropy needs the log-probability of one class. `log_softmax`
# gives the log-probabilities of all classes at once, computed safely with
# the trick from the concepts section:
#
# $$\log\mathrm{softmax}(x)_i = (x_i - m) - \log \sum_j e^{x_j - m},
# \qquad m = \max_j x_j$$
#
# Everything happens along one dimension, `dim`: for a batch of logits of
# shape `(N, C)` that is `dim=-1`, the classes of each row. NumPy calls the
# same thing `axis`, and `keepdims=True` keeps the reduced dimension with
# size 1 so the result still broadcasts against `x`.
#
# **Masked classes.** A logit of `-inf` means "this class is impossible".
# Its exponential is exactly 0, so it gets log-probability `-inf` and the
# other classes share all the probability. As long as one entry is finite,
# the maximum is finite and nothing else changes. A slice that is entirely
# `-inf` has no distribution at all; the public `log_softmax` rejects it
# with a `ValueError` before your kernel runs (PyTorch returns NaN there).
#
# You implement the kernel `_log_softmax_forward`. The public
# `log_softmax` below it checks the input, calls your kernel and wraps the
# result in a `Tensor`.

# %% nbgrader={"grade": false, "grade_id": "losses-log-softmax", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _log_softmax_forward(x, axis):
    """Log-softmax of a checked float array along `axis`.

    out = (x - m) - log(sum(exp(x - m), axis)),  m = max(x, axis)

    Args:
        x: float array (float32 or float64), at least 1-D; entries are
            finite or -inf, and no slice along `axis` is all -inf.
        axis: non-negative int, the axis that holds the classes.

    Returns:
        np.ndarray of the same shape and dtype as `x`.

    Example:
        >>> out = _log_softmax_forward(np.array([[0.0, 0.0]]), axis=1)
        >>> print(np.round(out, 4))
        [[-0.6931 -0.6931]]

    TODO: compute log-softmax along `axis` without ever overflowing.

    APPROACH:
        1. m = the maximum along `axis`, with keepdims=True.
        2. shifted = x - m (the largest entry of each slice becomes 0).
        3. log_sum = log of the sum of exp(shifted) along `axis`
           (keepdims=True again).
        4. Return shifted - log_sum.

    EXAMPLE:
        x = [[1.0, 2.0, 3.0]], axis=1 -> m = 3, shifted = [-2, -1, 0],
        log_sum = log(e**-2 + e**-1 + 1) = 0.4076
        -> [[-2.4076, -1.4076, -0.4076]]

    HINTS:
        - np.max, np.sum, np.exp and np.log all work on whole arrays.
        - Never compute np.exp(x) itself: exp(100) overflows float32.
        - A -inf entry needs no special case: exp(-inf) is exactly 0.
    """
    ### BEGIN SOLUTION
    m = np.max(x, axis=axis, keepdims=True)
    shifted = x - m
    log_sum = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return shifted - log_sum
    ### END SOLUTION


def log_softmax(x, dim=-1):
    """Log-probabilities along `dim`, computed with the log-sum-exp trick.

    log_softmax(x)_i = x_i - log(sum_j exp(x_j))
                     = (x_i - m) - log(sum_j exp(x_j - m)),  m = max_j x_j

    Args:
        x: Tensor of logits (raw scores) with at least one dimension.
            An entry of -inf masks that class: it gets log-probability
            -inf and the other entries stay finite.
        dim: the dimension that holds the classes (default -1, the last).

    Shape:
        x: any shape with at least one dimension; output: the same shape.

    Returns:
        Tensor of log-probabilities; exp(output) sums to 1 along `dim`.
        float32, or float64 when `x` is float64.

    Raises:
        TypeError: `x` is not a Tensor of real numbers, or `dim` is not
            an int.
        ValueError: `dim` is out of range, `x` holds NaN or +inf, or a
            slice along `dim` is empty or entirely -inf (it has no
            distribution).
        NOTE: PyTorch returns NaN for an all -inf slice instead of
        raising, and also accepts 0-d input.

    Example:
        >>> out = log_softmax(Tensor([1.0, 2.0, 3.0]))
        >>> print(np.round(out.data, 4))
        [-2.4076 -1.4076 -0.4076]
        >>> log_softmax(Tensor([[100.0, 200.0, 300.0]])).data.tolist()
        [[-200.0, -100.0, 0.0]]
    """
    data = _check_tensor("log_softmax", "x", x)
    axis = _check_dim("log_softmax", dim, data.ndim)
    _check_logits("log_softmax", "x", data, axis)
    data = data.astype(_compute_dtype(data), copy=False)
    return _tensor(_map_row_blocks(_log_softmax_forward, data, axis))

# %% nbgrader={"grade": true, "grade_id": "losses-test-log-softmax", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_log_softmax():
    """🔬 Unit Test: log_softmax"""
    print("🔬 Unit Test: log_softmax...")

    out = log_softmax(Tensor([1.0, 2.0, 3.0]))
    assert isinstance(out, Tensor), f"expected a Tensor, got {type(out)}"
    assert out.shape == (3,), f"expected shape (3,), got {out.shape}"
    assert out.dtype == np.float32, f"expected float32, got {out.dtype}"
    want = np.array([-2.40760596, -1.40760596, -0.40760596])
    assert np.allclose(out.data, want, atol=1e-6), (
        f"log_softmax([1, 2, 3]) should be {want}, got {out.data}")
    print("✅ log_softmax([1, 2, 3]) = [-2.4076, -1.4076, -0.4076]")

    x = Tensor([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, 3.0, 3.0]])
    out = log_softmax(x, dim=-1)
    sums = np.exp(out.data).sum(axis=1)
    assert out.shape == (2, 4), f"expected shape (2, 4), got {out.shape}"
    assert np.allclose(sums, 1.0, atol=1e-6), (
        f"exp(log_softmax) should sum to 1 in every row, got {sums}")
    assert np.allclose(out.data[1], -np.log(4.0), atol=1e-6), (
        f"four equal logits should give log(1/4) each, got {out.data[1]}")
    print("✅ every row of exp(log_softmax(x)) sums to 1")

    out = log_softmax(Tensor([[100.0, 200.0, 300.0]]))
    assert np.all(np.isfinite(out.data)), (
        f"large logits must not overflow, got {out.data}")
    assert np.allclose(out.data, [[-200.0, -100.0, 0.0]], atol=1e-4), (
        f"log_softmax([100, 200, 300]) should be [-200, -100, 0], "
        f"got {out.data}")
    print("✅ logits [100, 200, 300] give [-200, -100, 0], no overflow")

    cols = log_softmax(x, dim=0).data
    rows = log_softmax(Tensor(x.data.T), dim=1).data.T
    assert np.allclose(cols, rows, atol=1e-6), (
        f"dim=0 should normalise each column, got {cols}")
    print("✅ dim=0 normalises columns")

    out = log_softmax(Tensor([0.0, -np.inf, 0.0]))
    want = [-np.log(2.0), -np.inf, -np.log(2.0)]
    assert np.allclose(out.data, want, atol=1e-6), (
        f"a -inf logit should get -inf and the others log(1/2), "
        f"got {out.data}")
    print("✅ a -inf (masked) logit gets -inf; the rest stay finite")
    ### BEGIN HIDDEN TESTS
    out = log_softmax(Tensor([[0.0, -1000.0]])).data
    assert np.allclose(out, [[0.0, -1000.0]], atol=1e-3), out
    out = log_softmax(Tensor([[1000.0, 0.0]])).data
    assert np.allclose(out, [[0.0, -1000.0]], atol=1e-3), out
    rng = np.random.default_rng(7)
    z = rng.normal(scale=5.0, size=(6, 5))
    got = log_softmax(Tensor(z, dtype=np.float64), dim=1)
    assert got.dtype == np.float64, got.dtype
    ref = np.array([[v - np.log(np.sum(np.exp(row))) for v in row]
                    for row in z])
    assert np.allclose(got.data, ref, rtol=1e-12, atol=1e-12)
    got = log_softmax(Tensor(z), dim=0).data
    ref0 = z - np.log(np.sum(np.exp(z), axis=0, keepdims=True))
    assert np.allclose(got, ref0, atol=1e-5)
    ### END HIDDEN TESTS
    print("📈 Progress: log_softmax ✓")


test_unit_log_softmax()

# %% [markdown]
# ## Step 2: `MSELoss`
#
# Mean squared error compares predictions and targets element by element:
#
# $$\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2$$
#
# where $n$ counts every element: $N$ for shape `(N,)`, $N \cdot D$ for
# shape `(N, D)`. The checks have already made sure both arrays have the
# same shape, so your kernel never has to worry about broadcasting. It
# returns the squared error of **every element**; `_reduce` then
# averages them.
#
# For the house-price example in the production section, predictions
# `[200, 250, 300]` against targets `[195, 260, 290]` (in thousands) give
# errors `[5, -10, 10]`, squares `[25, 100, 100]` and a mean of 75.0.

# %% nbgrader={"grade": false, "grade_id": "losses-mse", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _mse_forward(predictions, targets):
    """Squared error of every element (no reduction).

    out_i = (predictions_i - targets_i) ** 2

    Args:
        predictions: float array of any shape.
        targets: float array with the same shape and dtype.

    Returns:
        np.ndarray with the same shape: one squared error per element.

    Example:
        >>> _mse_forward(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
        array([0., 4.])

    TODO: return the squared difference of every pair of elements.

    APPROACH:
        1. diff = predictions - targets
        2. Return diff squared, elementwise. Do not take the mean here.

    EXAMPLE:
        predictions [3.0, 1.0], targets [1.0, 1.0] -> [4.0, 0.0]

    HINTS:
        - diff * diff and diff ** 2 both work elementwise on arrays.
    """
    ### BEGIN SOLUTION
    diff = predictions - targets
    return diff * diff
    ### END SOLUTION


class MSELoss(Loss):
    """Mean squared error, for regression.

    loss_i = (predictions_i - targets_i) ** 2, for every element i
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i

    Args (of the constructor):
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Args (of a call, `loss_fn(predictions, targets)`):
        predictions: Tensor of model outputs (real numbers).
        targets: Tensor of the true values.

    Shape:
        predictions: (N,) or (N, D); any shape with a batch dimension.
        targets: exactly the same shape as predictions.
        output: () -- a 0-d Tensor; with 'none', the shape of predictions.

    Returns:
        Tensor: float32, or float64 when an input is float64.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: the shapes differ, the batch is empty, or a value is
            NaN or inf.
        NOTE: PyTorch's MSELoss broadcasts mismatched shapes (with a
        warning); this one raises instead. PyTorch's first positional
        arguments are the deprecated size_average and reduce, so here
        reduction must be passed by name, and an empty batch raises under
        every reduction (PyTorch gives 0 for 'sum').

    Example:
        >>> loss_fn = MSELoss()
        >>> loss_fn(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item()
        2.0
        >>> MSELoss(reduction="none")(Tensor([1.0, 2.0]),
        ...                           Tensor([1.0, 4.0])).data.tolist()
        [0.0, 4.0]
    """

    def forward(self, predictions, targets):
        name = type(self).__name__
        p, t = _check_pair(name, predictions, targets, self.reduction)
        loss = _reduce(_mse_forward, p, t, reduction=self.reduction)
        if not np.isfinite(loss.data).all():  # explain, or recompute wider
            _check_finite(name, "predictions", p)
            _check_finite(name, "targets", t)
        return _finite_or_raise(name, loss, _mse_forward, p, t,
                                reduction=self.reduction)

# %% nbgrader={"grade": true, "grade_id": "losses-test-mse", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_mse():
    """🔬 Unit Test: MSELoss"""
    print("🔬 Unit Test: MSE Loss...")
    loss_fn = MSELoss()

    loss = loss_fn(Tensor([1.0, 2.0]), Tensor([1.0, 4.0]))
    assert isinstance(loss, Tensor), f"expected a Tensor, got {type(loss)}"
    assert loss.shape == (), f"expected a 0-d Tensor, got shape {loss.shape}"
    assert loss.dtype == np.float32, f"expected float32, got {loss.dtype}"
    assert abs(loss.item() - 2.0) < 1e-6, (
        f"MSE of [1, 2] vs [1, 4] should be 2.0, got {loss.item()}")
    print("✅ MSE of [1, 2] vs [1, 4] is 2.0 (a 0-d float32 Tensor)")

    loss = loss_fn(Tensor([200.0, 250.0, 300.0]),
                   Tensor([195.0, 260.0, 290.0]))
    assert abs(loss.item() - 75.0) < 1e-4, (
        f"errors [5, -10, 10] should give 75.0, got {loss.item()}")
    print("✅ house prices [200, 250, 300] vs [195, 260, 290]: 75.0")

    same = Tensor([[0.5, -1.5], [2.0, 3.0]])
    loss = loss_fn(same, same)
    assert loss.item() == 0.0, f"identical inputs should give 0, got {loss}"
    print("✅ identical predictions and targets give 0")

    loss = loss_fn(Tensor([[1.0, 2.0], [3.0, 4.0]]),
                   Tensor([[1.0, 0.0], [0.0, 4.0]]))
    assert abs(loss.item() - 13.0 / 4.0) < 1e-6, (
        f"(0 + 4 + 9 + 0) / 4 = 3.25 expected, got {loss.item()}")
    print("✅ (N, D) inputs average over all N*D elements: 3.25")
    ### BEGIN HIDDEN TESTS
    loss = loss_fn(Tensor([2.0, -4.0]), Tensor([0.0, 0.0]))
    assert abs(loss.item() - 10.0) < 1e-6, loss
    rng = np.random.default_rng(3)
    p = rng.normal(size=(8, 3))
    t = rng.normal(size=(8, 3))
    got = loss_fn(Tensor(p, dtype=np.float64), Tensor(t, dtype=np.float64))
    assert got.dtype == np.float64, got.dtype
    ref = sum((a - b) ** 2 for a, b in zip(p.ravel(), t.ravel())) / 24
    assert abs(got.item() - ref) < 1e-12, (got.item(), ref)
    try:
        loss_fn(Tensor([[1.0], [2.0]]), Tensor([1.0, 2.0]))
    except ValueError:
        pass
    else:
        raise AssertionError("(2, 1) vs (2,) must raise ValueError")
    ### END HIDDEN TESTS
    print("📈 Progress: MSE Loss ✓")


test_unit_mse()

# %% [markdown]
# ## Step 3: `CrossEntropyLoss`
#
# For one row of logits $z$ with target class $t$:
#
# $$\ell = -\log\mathrm{softmax}(z)_t = \log \sum_j e^{z_j} - z_t
#        = \log \sum_j e^{z_j - m} - (z_t - m), \qquad m = \max_j z_j$$
#
# and the loss is the mean of $\ell$ over the $N$ rows.
#
# There are two ways to write the kernel, and both are fine for this step:
#
# - **Via step 1:** compute the whole `(N, C)` matrix of log-probabilities
#   with `_log_softmax_forward(logits, axis=1)`, pick each row's target
#   column, and negate.
# - **Directly:** the loss needs only *one number per row* from the
#   log-sum-exp and *one logit per row*, the target's. So compute the
#   shifted logits, remember the shifted target logit of each row, then
#   exponentiate, sum and log. This never stores a full matrix of
#   probabilities or log-probabilities; the systems section measures how
#   much memory that saves.
#
# NumPy's *integer array indexing* picks one entry per row:
# `a[np.arange(N), targets]` returns `a[0, targets[0]], a[1, targets[1]],
# ...`. The checks have already turned `targets` into valid integer
# indices.
#
# Two consequences of the formula are worth knowing. The loss is at least
# 0, and it is close to 0 only when the target's logit is well above the
# others. If the target's own logit is `-inf` (the class was masked), the
# model gave the truth probability 0 and the loss is `inf`.
#
# For example, logits `[2.0, 1.0, 0.1]` have softmax about
# `[0.659, 0.242, 0.099]`, so with target 0 the loss is
# $-\log 0.659 \approx 0.4170$.

# %% nbgrader={"grade": false, "grade_id": "losses-cross-entropy", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _cross_entropy_forward(logits, targets):
    """Cross-entropy of every row (no reduction).

    out_i = log(sum_j exp(logits[i, j])) - logits[i, targets[i]]

    Args:
        logits: float array (N, C); entries finite or -inf, and no row
            entirely -inf.
        targets: integer array (N,) of valid class indices.

    Returns:
        np.ndarray (N,) with the dtype of `logits`: one loss per row.

    Example:
        >>> out = _cross_entropy_forward(np.array([[0.0, 0.0]]),
        ...                              np.array([1]))
        >>> print(np.round(out, 4))
        [0.6931]

    TODO: return each row's log-sum-exp minus its target logit, computed
    stably (shift every row by its maximum first).

    APPROACH:
        1. rows = np.arange(N), the row numbers.
        2. shifted = logits - (maximum of each row, keepdims=True).
        3. picked = shifted[rows, targets], the target's shifted logit.
        4. Return log(sum of exp(shifted) over axis 1) - picked.
        (Alternatively: -_log_softmax_forward(logits, 1)[rows, targets].)

    EXAMPLE:
        logits [[2.0, 1.0, 0.1]], targets [0] -> shifted [0, -1, -1.9],
        picked 0, log(1 + e**-1 + e**-1.9) = 0.4170 -> [0.4170]

    HINTS:
        - The maximum of each row is np.max(logits, axis=1, keepdims=True).
        - np.exp(a, out=a) reuses the memory of `a` instead of allocating
          a new array (pick the target entries before you do that).
        - The result must be finite for logits [[0, -1000]] and target 1
          (loss 1000), where exp(-1000) underflows to 0.
    """
    ### BEGIN SOLUTION
    rows = np.arange(logits.shape[0])
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    picked = shifted[rows, targets]
    np.exp(shifted, out=shifted)
    return np.log(np.sum(shifted, axis=1)) - picked
    ### END SOLUTION


class CrossEntropyLoss(Loss):
    """Cross-entropy for multi-class classification, from raw logits.

    With the default settings, for row i with target class t_i:
        loss_i = -log(softmax(logits_i)[t_i])
               = logsumexp(logits_i) - logits_i[t_i]
    and the loss is the mean over the N rows. The settings (PyTorch's)
    generalise this; the stretch part of Module 04 builds them:
        loss_i = (1 - e) * w[t_i] * (-lp_i[t_i])
                 + (e / C) * sum_c w[c] * (-lp_i[c])
    with lp_i = log_softmax(logits_i), w = weight (all 1 by default),
    e = label_smoothing, C classes, and loss_i = 0 where t_i equals
    ignore_index. reduction 'mean': sum_i loss_i / sum_i w[t_i], over the
    targets that are not ignored (the plain mean without weights); 'sum':
    sum_i loss_i; 'none': every loss_i. For class-probability targets y
    (shaped like logits), loss_i = -sum_c w[c] * y'_ic * lp_i[c] with
    y' = (1 - e) * y + e / C, and 'mean' divides by the number of rows.

    Args (of the constructor, PyTorch's order and defaults):
        weight: None, or a Tensor (C,) of class weights >= 0.
        ignore_index: class-index targets equal to it are skipped
            (keyword only; default -100).
        reduction: 'mean', 'sum' or 'none' (keyword only).
        label_smoothing: e in [0, 1] (keyword only; default 0.0).

    Args (of a call, `loss_fn(logits, targets)`):
        logits: Tensor of raw class scores, before any softmax.
        targets: Tensor of class indices, one per row of logits (or class
            probabilities shaped like logits).

    Shape:
        logits: (N, C) raw scores, N >= 1 samples, C >= 1 classes; or
            (N, C, d1, ...) with the classes in dim 1.
        targets: (N,) class indices in 0..C-1: an integer dtype, or
            floats holding whole numbers (the float32 Tensor([0, 2, 1]));
            (N, d1, ...) for (N, C, d1, ...) logits; or probabilities in
            [0, 1] with exactly the shape of logits.
        output: () -- a 0-d Tensor; with 'none', (N,) or (N, d1, ...).

    Returns:
        Tensor: float32, or float64 when the logits are float64.
        A logit of -inf masks its class. If a target's own logit is
        -inf, that sample's loss (and so the mean) is inf.

    Raises:
        TypeError: an input is not a Tensor of real numbers, or a
            setting has the wrong type.
        ValueError: logits with fewer than 2 dimensions, an empty batch or
            no classes, NaN or +inf logits, a row entirely -inf, targets
            of the wrong shape, a target that is NaN, fractional, negative
            or >= C (and not ignore_index), a weight that is not (C,), or
            a setting out of range.
        NOTE: with reduction='mean', a batch whose targets all equal
        ignore_index (or whose kept targets all have weight 0) raises a
        ValueError, because there is nothing to average; PyTorch returns
        NaN. PyTorch also accepts (C,) logits for one unbatched sample and
        returns NaN for an all -inf row; here use logits.reshape(1, -1).

    Example:
        >>> loss_fn = CrossEntropyLoss()
        >>> loss = loss_fn(Tensor([[2.0, 1.0, 0.1]]), Tensor([0]))
        >>> round(loss.item(), 4)
        0.417
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(reduction=reduction)
        name = type(self).__name__
        self.weight, self.ignore_index = _check_class_settings(
            name, weight, ignore_index)
        self.label_smoothing = _check_number_setting(
            name, "label_smoothing", label_smoothing, 0.0, 1.0,
            hint="0 means no smoothing; 0.1 is a common choice")

    def forward(self, logits, targets):
        if not self._core_case(logits, targets):
            return _class_loss(self, logits, targets, from_logits=True)
        name = type(self).__name__
        x, t = _check_cross_entropy_inputs(
            name, logits, targets, self.ignore_index,
            shapes="(N, C) or (N, C, d1, ...)")
        loss = _reduce(_cross_entropy_forward, x, t)
        if np.isfinite(loss.data):
            return loss
        # NaN or +inf logits, or a row that is all -inf: explain. What
        # passes is a target whose own logit is -inf: the loss is inf.
        _check_logits(name, "logits", x, axis=1)
        if np.isposinf(loss.data) and np.isneginf(
                x[np.arange(len(t)), t]).any():
            return loss
        return _finite_or_raise(name, loss, _cross_entropy_forward, x, t)

    def _core_case(self, logits, targets):
        """True when the core steps' path applies: default settings, (N, C)
        logits and class indices, none equal to ignore_index. Anything
        else goes to `_class_loss`, which the stretch part defines."""
        if (self.weight is not None or self.label_smoothing
                or self.reduction != "mean"):
            return False
        if not isinstance(logits, Tensor):
            return True  # the core checks explain the mistake
        if logits.ndim > 2:
            return False  # (N, C, d1, ...) logits
        if not isinstance(targets, Tensor):
            return True
        if logits.ndim == 2 and targets.shape == logits.shape:
            return False  # class-probability targets
        t = targets.data
        return not (t.dtype.kind in "iuf" and t.ndim == 1
                    and bool(np.any(t == self.ignore_index)))

# %% nbgrader={"grade": true, "grade_id": "losses-test-cross-entropy", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
def test_unit_cross_entropy():
    """🔬 Unit Test: CrossEntropyLoss"""
    print("🔬 Unit Test: CrossEntropy Loss...")
    loss_fn = CrossEntropyLoss()

    loss = loss_fn(Tensor([[2.0, 1.0, 0.1]]), Tensor([0]))
    assert isinstance(loss, Tensor), f"expected a Tensor, got {type(loss)}"
    assert loss.shape == (), f"expected a 0-d Tensor, got shape {loss.shape}"
    assert loss.dtype == np.float32, f"expected float32, got {loss.dtype}"
    assert abs(loss.item() - 0.41703002) < 1e-6, (
        f"logits [2, 1, 0.1] with target 0 should give 0.4170, "
        f"got {loss.item()}")
    print("✅ logits [2, 1, 0.1], target 0: loss 0.4170")

    loss = loss_fn(Tensor([[0.0, 0.0, 0.0, 0.0]] * 3), Tensor([0, 1, 3]))
    assert abs(loss.item() - np.log(4.0)) < 1e-6, (
        f"equal logits over 4 classes should give log(4) = 1.3863, "
        f"got {loss.item()}")
    print("✅ a uniform guess over 4 classes costs log(4) = 1.3863")

    right = loss_fn(Tensor([[5.0, 0.0, 0.0]]), Tensor([0])).item()
    wrong = loss_fn(Tensor([[5.0, 0.0, 0.0]]), Tensor([1])).item()
    assert right < 0.02 and wrong > 5.0, (
        f"confidently right should cost little and confidently wrong a "
        f"lot, got {right} and {wrong}")
    print("✅ confident and right costs little, confident and wrong a lot")

    logits = Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2]])
    targets = Tensor([0, 1])
    want = -log_softmax(logits).data[[0, 1], [0, 1]].mean()
    loss = loss_fn(logits, targets).item()
    assert abs(loss - want) < 1e-6, (
        f"should equal the mean of -log_softmax at the targets ({want}), "
        f"got {loss}")
    as_int = loss_fn(logits, Tensor([0, 1], dtype=np.int64)).item()
    assert as_int == loss, f"int64 and float32 targets differ: {as_int}"
    print("✅ equals the mean of -log_softmax at the targets")

    loss = loss_fn(Tensor([[100.0, 200.0, 300.0]]), Tensor([2])).item()
    assert np.isfinite(loss) and abs(loss) < 1e-6, (
        f"logits [100, 200, 300] with target 2 should give about 0, "
        f"got {loss}")
    print("✅ logits [100, 200, 300], target 2: about 0, no overflow")

    masked = loss_fn(Tensor([[1.0, -np.inf, 1.0]]), Tensor([0])).item()
    assert abs(masked - np.log(2.0)) < 1e-6, (
        f"with class 1 masked, two equal logits should give log(2), "
        f"got {masked}")
    print("✅ a masked (-inf) class is simply left out")
    ### BEGIN HIDDEN TESTS
    loss = loss_fn(Tensor([[0.0, -1000.0]]), Tensor([1])).item()
    assert abs(loss - 1000.0) < 1e-3, loss
    loss = loss_fn(Tensor([[1000.0, 0.0]]), Tensor([0])).item()
    assert abs(loss) < 1e-6, loss
    rng = np.random.default_rng(11)
    z = rng.normal(scale=4.0, size=(16, 7))
    t = rng.integers(0, 7, size=16)
    got = loss_fn(Tensor(z, dtype=np.float64), Tensor(t, dtype=np.int64))
    assert got.dtype == np.float64, got.dtype
    ref = np.mean([np.log(np.sum(np.exp(row))) - row[k]
                   for row, k in zip(z, t)])
    assert abs(got.item() - ref) < 1e-12, (got.item(), ref)
    got = loss_fn(Tensor(z), Tensor(t)).item()
    assert abs(got - ref) < 1e-5 * max(1.0, ref), (got, ref)
    ### END HIDDEN TESTS
    print("📈 Progress: CrossEntropy Loss ✓")


test_unit_cross_entropy()

# %% [markdown]
# ## Step 4: `BinaryCrossEntropyLoss`
#
# For a yes/no question the model outputs one probability $p$ (usually a
# sigmoid of a logit) and the target $y$ is 1 for "yes" and 0 for "no":
#
# $$\ell = -\big[y \log p + (1 - y) \log (1 - p)\big]$$
#
# Only one of the two terms is active for a hard label: $-\log p$ when
# $y = 1$, $-\log(1 - p)$ when $y = 0$. Soft labels between 0 and 1 mix
# the two. Several labels per sample (shape `(N, K)`, the *multi-label*
# case) are just $N \cdot K$ independent yes/no questions, and the loss
# averages all of them.
#
# **Clamping.** A prediction of exactly 0 or 1 on the wrong side would give
# $\log 0 = -\infty$. The loss therefore clamps each probability term from
# below at $\varepsilon = 10^{-7}$ before the log: it uses
# $\log \max(p, \varepsilon)$ and $\log \max(1 - p, \varepsilon)$. One
# element can then cost at most $-\log 10^{-7} \approx 16.118$.
#
# Clamp $p$ and $1 - p$ *separately*, as above. Clipping $p$ into
# $[\varepsilon, 1 - \varepsilon]$ looks equivalent, but in float32 the
# number $1 - 10^{-7}$ rounds to $1 - 2^{-23} \approx 0.99999988$, so a
# prediction of 1 with target 0 would cost about 15.942 instead, and the
# bound would differ between the two sides.
#
# Example: predictions `[0.9, 0.2, 0.1]` with targets `[1, 0, 0]` cost
# $-\log 0.9$, $-\log 0.8$ and $-\log 0.9$, a mean of about 0.1446.

# %% nbgrader={"grade": false, "grade_id": "losses-bce", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _binary_cross_entropy_forward(predictions, targets, eps):
    """Binary cross-entropy of every element (no reduction).

    out_i = -(t_i * log(max(p_i, eps)) + (1 - t_i) * log(max(1 - p_i, eps)))

    Args:
        predictions: float array of probabilities in [0, 1].
        targets: float array of labels in [0, 1], same shape and dtype.
        eps: the clamp, a small positive float (the loss uses 1e-7).

    Returns:
        np.ndarray with the same shape: one loss per element, each at
        most -log(eps).

    Example:
        >>> out = _binary_cross_entropy_forward(
        ...     np.array([0.5, 0.9]), np.array([1.0, 0.0]), eps=1e-7)
        >>> print(np.round(out, 4))
        [0.6931 2.3026]

    TODO: return the binary cross-entropy of every element, with both
    probability terms clamped from below at `eps`.

    APPROACH:
        1. log_p = log of max(predictions, eps), elementwise.
        2. log_not_p = log of max(1 - predictions, eps), elementwise.
        3. Return -(targets * log_p + (1 - targets) * log_not_p).

    EXAMPLE:
        predictions [0.9, 0.2], targets [1.0, 0.0]
        -> [-log(0.9), -log(0.8)] = [0.1054, 0.2231]

    HINTS:
        - np.maximum(a, eps) is the elementwise max with a number.
        - Do not use np.clip(p, eps, 1 - eps): in float32, 1 - 1e-7
          rounds, and the largest loss would depend on the side.
    """
    ### BEGIN SOLUTION
    log_p = np.log(np.maximum(predictions, eps))
    log_not_p = np.log(np.maximum(1 - predictions, eps))
    return -(targets * log_p + (1 - targets) * log_not_p)
    ### END SOLUTION


class BinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy on probabilities, for yes/no decisions.

    loss_i = -w_i * (t_i * log(max(p_i, eps))
                     + (1 - t_i) * log(max(1 - p_i, eps))),  eps = 1e-7
    with w = weight (1 by default, broadcast to the shape of p).
    reduction 'mean' (default): the mean of all loss_i; 'sum': their sum;
    'none': every loss_i.

    Args (of the constructor, PyTorch's order and defaults):
        weight: None, or a Tensor of weights >= 0 that broadcasts to the
            shape of the predictions (for example (K,): one per label).
        reduction: 'mean', 'sum' or 'none' (keyword only).

    Args (of a call, `loss_fn(predictions, targets)`):
        predictions: Tensor of probabilities (after a sigmoid).
        targets: Tensor of labels: 1 for yes, 0 for no.

    Shape:
        predictions: (N,) or (N, K) probabilities in [0, 1] (for example
            the output of a sigmoid); any shape with a batch dimension.
        targets: the same shape, labels in [0, 1]: 0/1, or soft labels.
        output: () -- a 0-d Tensor; with 'none', the shape of predictions.

    Returns:
        Tensor: float32, or float64 when an input is float64.
        The clamp bounds one element's loss by -log(1e-7) ~ 16.118 (in
        float32 and float64 alike), so a prediction of exactly 0 or 1 on
        the wrong side gives a large finite loss, never inf.

    Raises:
        TypeError: an input is not a Tensor of real numbers.
        ValueError: the shapes differ, the batch is empty, a value is
            NaN, inf or outside [0, 1], or weight does not broadcast.
        NOTE: PyTorch's BCELoss clamps each log at -100 instead (so its
        maximum is 100); the two agree whenever every prediction lies in
        [1e-7, 1 - 1e-7]. BCEWithLogitsLoss (stretch part), which takes
        logits, is the more stable choice in practice. `BCELoss` is
        another name for this class.

    Example:
        >>> loss_fn = BinaryCrossEntropyLoss()
        >>> loss = loss_fn(Tensor([0.9, 0.2, 0.1]), Tensor([1.0, 0.0, 0.0]))
        >>> round(loss.item(), 4)
        0.1446
    """

    eps = 1e-7

    def __init__(self, weight=None, *, reduction="mean"):
        super().__init__(reduction=reduction)
        self.weight = _check_weight_setting(type(self).__name__, "weight",
                                            weight)

    def forward(self, predictions, targets):
        name = type(self).__name__
        p, t = _check_pair(name, predictions, targets, self.reduction)
        _check_unit_interval(
            name, "predictions", p,
            "these are probabilities; apply a sigmoid to raw scores "
            "(logits) first")
        _check_unit_interval(
            name, "targets", t,
            "use 0/1 labels or soft labels between them; map -1/+1 labels "
            "to 0/1 with (t + 1) / 2")
        if self.weight is not None:  # see the stretch part
            w = _broadcast_weight(name, "weight", self.weight, p)
            return _reduce(self._weighted_kernel, p, t, w,
                           reduction=self.reduction)
        return _reduce(self._kernel, p, t, reduction=self.reduction)

    def _kernel(self, predictions, targets):
        return _binary_cross_entropy_forward(predictions, targets, self.eps)

    def _weighted_kernel(self, predictions, targets, weight):
        return self._kernel(predictions, targets) * weight


BCELoss = BinaryCrossEntropyLoss

# %% nbgrader={"grade": true, "grade_id": "losses-test-bce", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_bce():
    """🔬 Unit Test: BinaryCrossEntropyLoss"""
    print("🔬 Unit Test: Binary CrossEntropy Loss...")
    loss_fn = BinaryCrossEntropyLoss()

    loss = loss_fn(Tensor([0.9, 0.2, 0.1]), Tensor([1.0, 0.0, 0.0]))
    assert isinstance(loss, Tensor), f"expected a Tensor, got {type(loss)}"
    assert loss.shape == (), f"expected a 0-d Tensor, got shape {loss.shape}"
    assert loss.dtype == np.float32, f"expected float32, got {loss.dtype}"
    want = -(np.log(0.9) + np.log(0.8) + np.log(0.9)) / 3
    assert abs(loss.item() - want) < 1e-6, (
        f"[0.9, 0.2, 0.1] vs [1, 0, 0] should give {want:.4f}, "
        f"got {loss.item()}")
    print("✅ [0.9, 0.2, 0.1] vs [1, 0, 0]: loss 0.1446")

    loss = loss_fn(Tensor([0.5, 0.5]), Tensor([1.0, 0.0])).item()
    assert abs(loss - np.log(2.0)) < 1e-6, (
        f"p = 0.5 should cost log(2) = 0.6931, got {loss}")
    soft = loss_fn(Tensor([0.5]), Tensor([0.5])).item()
    assert abs(soft - np.log(2.0)) < 1e-6, (
        f"p = 0.5 with a soft label 0.5 should cost log(2), got {soft}")
    print("✅ a 50/50 guess costs log(2) = 0.6931, for hard or soft labels")

    loss = loss_fn(Tensor([1.0, 0.0]), Tensor([1.0, 0.0])).item()
    assert loss == 0.0, f"perfect predictions should cost 0, got {loss}"
    print("✅ perfect predictions cost 0")

    loss = loss_fn(Tensor([0.0]), Tensor([1.0])).item()
    assert np.isfinite(loss) and abs(loss - 16.118095) < 1e-4, (
        f"p = 0 with target 1 should be clamped to -log(1e-7) = 16.118, "
        f"got {loss}")
    print("✅ p = 0 with target 1 is clamped: 16.118, not inf")

    grid = Tensor([[0.9, 0.1], [0.3, 0.6]])
    labels = Tensor([[1.0, 0.0], [0.0, 1.0]])
    want = -(np.log(0.9) * 2 + np.log(0.7) + np.log(0.6)) / 4
    loss = loss_fn(grid, labels).item()
    assert abs(loss - want) < 1e-6, (
        f"(N, K) multi-label input should average all 4 terms to "
        f"{want:.4f}, got {loss}")
    print("✅ (N, K) multi-label input averages every element")
    ### BEGIN HIDDEN TESTS
    loss = loss_fn(Tensor([1.0]), Tensor([0.0])).item()
    assert abs(loss - 16.118095) < 1e-4, loss
    rng = np.random.default_rng(5)
    p = rng.uniform(0.01, 0.99, size=(9, 2))
    t = rng.uniform(0.0, 1.0, size=(9, 2))
    got = loss_fn(Tensor(p, dtype=np.float64), Tensor(t, dtype=np.float64))
    assert got.dtype == np.float64, got.dtype
    ref = np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
    assert abs(got.item() - ref) < 1e-12, (got.item(), ref)
    try:
        loss_fn(Tensor([1.5]), Tensor([1.0]))
    except ValueError:
        pass
    else:
        raise AssertionError("a prediction of 1.5 must raise ValueError")
    ### END HIDDEN TESTS
    print("📈 Progress: Binary CrossEntropy Loss ✓")


test_unit_bce()

# %% [markdown]
# ## Common errors
#
# Most loss bugs are not in the maths but in what goes in. The checks turn
# the classic mistakes into one-line errors that say what was expected,
# what was given and what to try. The next cell triggers each one on
# purpose and prints the message.
#
# - **Target out of range.** Three classes have indices 0, 1 and 2. A
#   target of 5 would make NumPy raise an `IndexError` deep inside the
#   indexing, or (with a negative index) silently pick the wrong class.
# - **Shape mismatch.** Predictions of shape `(4, 1)` against targets of
#   shape `(4,)` broadcast to a `(4, 4)` table in NumPy, and the "loss"
#   averages 16 differences that mostly compare the wrong samples.
# - **Targets with an extra dimension.** Shape `(N, 1)` instead of the
#   `(N,)` class indices. (Targets with exactly the shape of the logits
#   are a different thing: class probabilities, which the stretch part
#   supports.)
# - **Logits where probabilities belong.** `BinaryCrossEntropyLoss` needs
#   numbers in `[0, 1]`; raw scores such as 2.3 mean a sigmoid is missing.
# - **NaN in the input.** A NaN has to come from somewhere earlier (an
#   overflow, a division by zero); the loss refuses it instead of passing
#   it on.
# - **A misspelt or misplaced setting.** `reduction='avg'` is not a
#   reduction, and PyTorch's first positional arguments are not
#   `reduction`, so settings go by name.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-errors", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def show_error(label, call):
    """Run `call()`, which must fail, and print the error it raises."""
    try:
        call()
    except (ValueError, TypeError) as err:
        print(f"{label}\n    {type(err).__name__}: {err}\n")
    else:
        raise AssertionError(f"{label}: expected an error")


ce, mse, bce = CrossEntropyLoss(), MSELoss(), BinaryCrossEntropyLoss()
show_error("Target 5 with 3 classes:",
           lambda: ce(Tensor([[1.0, 2.0, 3.0]]), Tensor([5])))
show_error("Predictions (4, 1) against targets (4,):",
           lambda: mse(Tensor([[1.0], [2.0], [3.0], [4.0]]),
                       Tensor([1.0, 2.0, 3.0, 4.0])))
show_error("Targets (2, 1) instead of (2,):",
           lambda: ce(Tensor([[1.0, 2.0], [0.5, 0.1]]), Tensor([[1], [0]])))
show_error("Logits passed to BinaryCrossEntropyLoss:",
           lambda: bce(Tensor([2.3, -1.2]), Tensor([1.0, 0.0])))
show_error("A NaN in the logits:",
           lambda: ce(Tensor([[0.5, np.nan]]), Tensor([0])))
show_error("A plain list instead of a Tensor:",
           lambda: mse([1.0, 2.0], Tensor([1.0, 2.0])))
show_error("A misspelt reduction:",
           lambda: CrossEntropyLoss(reduction="avg"))
show_error("A setting passed by position:",
           lambda: MSELoss("sum"))

# %% [markdown]
# **Softmax applied twice.** `CrossEntropyLoss` applies log-softmax
# itself. If the model already ends in a softmax, the loss sees
# probabilities in `[0, 1]` and treats them as logits. That does not raise
# an error (probabilities are valid logits), but it quietly puts a floor
# under the loss: with $C$ classes, even a perfect prediction
# $(1, 0, \dots, 0)$ costs $\log(e + C - 1) - 1$, which is about 0.551 for
# $C = 3$. The loss can never approach 0, so training keeps pushing even
# when every prediction is already right. The next cell shows it.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-double-softmax", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
logits = Tensor([[10.0, 0.0, 0.0]])
probs = np.exp(log_softmax(logits).data)
print(f"softmax of the logits: {np.round(probs, 5)}")
print(f"loss on the logits (correct):         "
      f"{ce(logits, Tensor([0])).item():.5f}")
print(f"loss on the probabilities (softmax twice): "
      f"{ce(Tensor(probs), Tensor([0])).item():.5f}")
print(f"lowest possible double-softmax loss for 3 classes: "
      f"{ce(Tensor([[1.0, 0.0, 0.0]]), Tensor([0])).item():.5f}")

# %% [markdown]
# ## Systems analysis
#
# ### Stability: naive against stable, for real
#
# The next cell computes the log-probabilities of `[100, 200, 300]` the
# naive way (exponentiate, normalise, take the log) and with your
# `log_softmax`, in float32 and float64. In float32 the naive way fails
# completely. In float64 it survives these logits but fails for logits ten
# times larger, while the stable form is fine everywhere.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-stability", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def naive_log_softmax(x):
    """log(softmax(x)) straight from the definition."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        exps = np.exp(x)
        return np.log(exps / exps.sum())


for values, dtype in [([100.0, 200.0, 300.0], np.float32),
                      ([100.0, 200.0, 300.0], np.float64),
                      ([1000.0, 2000.0, 3000.0], np.float64)]:
    x = np.array(values, dtype=dtype)
    stable = log_softmax(Tensor(x, dtype=dtype)).data
    print(f"{np.dtype(dtype).name} {values}")
    print(f"    naive : {naive_log_softmax(x)}")
    print(f"    stable: {stable}")

# %% [markdown]
# ### Memory: what cross-entropy really needs to store
#
# Take a language model with a vocabulary of $C = 50{,}000$ tokens and a
# batch of $B = 128$ positions. One float32 matrix of shape $(B, C)$ holds
# 6.4 million numbers, 25.6 MB. The textbook route to the loss keeps three
# of them alive at once: the logits, the softmax probabilities and the
# log-probabilities, 76.8 MB in total (38.4 MB in float16).
#
# The loss does not need most of that. Per row it needs one log-sum-exp
# (a single number) and the target's logit (another single number):
# $\ell_i = \log\sum_j e^{z_{ij}} - z_{i t_i}$. The log-probabilities of the
# other $C - 1$ classes are never used, so there is no reason to store
# them. That gives three ways to compute the same number:
#
# | form | what it stores besides the logits | total at $B=128$, $C=50{,}000$ |
# |---|---|---|
# | **naive**: softmax, then log, then pick | probabilities and log-probabilities | 76.8 MB |
# | **fused**: your kernel on the whole batch | one work buffer of shifted exponentials | 51.2 MB |
# | **blocked**: your kernel on about 1 MB of rows at a time | one small work buffer, reused | about 26.6 MB |
#
# The blocked form is what `CrossEntropyLoss` runs: `_reduce` hands
# your kernel a block of rows (about 1 MB of logits, 5 rows here), adds up
# the block's losses, and moves on. The arithmetic is identical, and the
# work buffer is now so small that it stays in the CPU cache, so the
# blocked form is usually the *fastest* of the three as well. PyTorch goes
# one step further with a fused C++ kernel that never writes the buffer to
# memory at all.
#
# The next cell measures all three with Python's `tracemalloc`, which sees
# every NumPy allocation, and times them. The logits are created after
# tracing starts, so the totals include them, as in the table. The fused
# and blocked rows run *your* `_cross_entropy_forward`; if it goes through
# `_log_softmax_forward`, its fused row will show three matrices, not two.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-memory", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import time
import tracemalloc

B, C = 128, 50_000
rng = np.random.default_rng(0)
source = rng.normal(size=(B, C)).astype(np.float32)
labels = rng.integers(0, C, size=B)


def cross_entropy_three_matrices(logits, targets):
    """Naive: softmax, then log, then pick; three (B, C) matrices."""
    shifted_exps = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = shifted_exps / shifted_exps.sum(axis=1, keepdims=True)
    del shifted_exps
    log_probs = np.log(probs)
    return -log_probs[np.arange(len(targets)), targets].mean()


def cross_entropy_fused(logits, targets):
    """Fused: your kernel on the whole batch at once."""
    return _cross_entropy_forward(logits, targets).mean()


def cross_entropy_blocked(logits, targets):
    """Blocked: your kernel on about 1 MB of rows at a time."""
    return _reduce(_cross_entropy_forward, logits, targets).item()


def peak_megabytes(form, dtype):
    """Peak traced memory (MB) of copying the logits and running `form`."""
    tracemalloc.start()
    try:
        logits = source.astype(dtype)
        value = form(logits, labels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return float(value), peak / 1e6


def best_milliseconds(call, repeats=3):
    """Fastest of `repeats` runs of `call()`, in milliseconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


one_matrix = B * C * 4 / 1e6
rows_per_block = len(range(B)[_row_blocks(B, source[:1].nbytes)[0]])
print(f"one float32 ({B}, {C}) matrix: {one_matrix:.1f} MB; a block is "
      f"{rows_per_block} rows, {rows_per_block * C * 4 / 1e6:.1f} MB")
forms = [("naive", cross_entropy_three_matrices),
         ("fused", cross_entropy_fused),
         ("blocked", cross_entropy_blocked)]
for label, form in forms:
    value, peak = peak_megabytes(form, np.float32)
    ms = best_milliseconds(lambda: form(source, labels))
    print(f"{label:>8}: peak {peak:5.1f} MB = {peak / one_matrix:4.2f} "
          f"matrices, {ms:6.2f} ms (loss {value:.4f})")
value, peak = peak_megabytes(cross_entropy_three_matrices, np.float16)
print(f"   naive in float16: peak {peak:.1f} MB (loss {value:.4f})")

# %% [markdown]
# ### Time: cross-entropy is $O(B \times C)$
#
# Every logit is shifted, exponentiated and added once, so the work grows
# in proportion to $B \times C$. The sweep below times your
# `CrossEntropyLoss` (checks included) for $B = 128$ and a growing number
# of classes, taking the best of a few runs. For small $C$ the fixed cost
# of the checks and of calling NumPy dominates; for large $C$ the time per
# logit levels off, which is what linear growth looks like. The exact
# times depend on your machine.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-timing", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
for classes in (10, 100, 1_000, 10_000, 50_000):
    batch_logits = Tensor(source[:, :classes])
    batch_labels = Tensor(labels % classes)
    seconds = best_milliseconds(
        lambda: ce(batch_logits, batch_labels), repeats=5) / 1e3
    per_logit = seconds / (B * classes) * 1e9
    print(f"C = {classes:>6,}: {seconds * 1e3:8.3f} ms, "
          f"{per_logit:7.2f} ns per logit")

# %% [markdown]
# ## Production context
#
# ### Your implementation and PyTorch
#
# | | Your TinyTorch losses | PyTorch `torch.nn` |
# |---|---|---|
# | Backend | NumPy on the CPU | C++ kernels on CPU and GPU |
# | Stability | max-shifted log-sum-exp | the same trick, in fused kernels |
# | Reductions | `'mean'` in the core steps; `'sum'`, `'none'` too | `'mean'`, `'sum'`, `'none'` |
# | Extras | class weights, `ignore_index`, label smoothing (stretch part) | the same |
# | Bad input | one-line `ValueError` / `TypeError` | errors for many, but broadcasts mismatched MSE shapes (with a warning) and gives NaN for an all `-inf` row |
# | Gradients | Module 06 | autograd built in |
#
# The everyday API is the same: build the loss once, then call it on
# predictions and targets.
#
# ```python
# # TinyTorch                                # PyTorch
# from tinytorch import Tensor                # import torch
# from tinytorch.core.losses import (         # import torch.nn as nn
#     MSELoss, CrossEntropyLoss)
#
# mse_loss = MSELoss()                        # mse_loss = nn.MSELoss()
# predictions = Tensor([200.0, 250.0, 300.0]) # torch.tensor([...])
# targets = Tensor([195.0, 260.0, 290.0])     # torch.tensor([...])
# loss = mse_loss(predictions, targets)       # same call: 75.0
#
# ce_loss = CrossEntropyLoss()                # ce_loss = nn.CrossEntropyLoss()
# logits = Tensor([[2.0, 0.5, 0.1],           # torch.tensor([[...]])
#                  [0.3, 1.8, 0.2]])
# labels = Tensor([0, 1])                     # torch.tensor([0, 1]) (int64)
# loss = ce_loss(logits, labels)              # same call: 0.3355
# ```
#
# Both take raw logits for cross-entropy and apply log-softmax inside.
# One visible difference: PyTorch wants its class labels as an integer
# tensor, while ours accepts the float32 that `Tensor` makes by default, as
# long as the values are whole numbers.
#
# The next cell checks the claim "same numbers" live on random batches,
# using `torch.nn.functional`, if PyTorch is installed.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-parity", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import importlib.util

if importlib.util.find_spec("torch") is None:
    print("PyTorch is not installed: skipping the live parity check.")
else:
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(2024)
    z = rng.normal(scale=3.0, size=(64, 10)).astype(np.float32)
    k = rng.integers(0, 10, size=64)
    y_hat = rng.normal(size=(64, 3)).astype(np.float32)
    y = rng.normal(size=(64, 3)).astype(np.float32)
    p = rng.uniform(0.001, 0.999, size=(64, 5)).astype(np.float32)
    q = (rng.uniform(size=(64, 5)) < 0.5).astype(np.float32)
    checks = [
        ("MSELoss", mse(Tensor(y_hat), Tensor(y)).item(),
         F.mse_loss(torch.from_numpy(y_hat), torch.from_numpy(y)).item()),
        ("CrossEntropyLoss", ce(Tensor(z), Tensor(k)).item(),
         F.cross_entropy(torch.from_numpy(z), torch.from_numpy(k)).item()),
        ("BinaryCrossEntropyLoss", bce(Tensor(p), Tensor(q)).item(),
         F.binary_cross_entropy(torch.from_numpy(p),
                                torch.from_numpy(q)).item()),
        ("log_softmax (max |diff|)", 0.0, float(np.max(np.abs(
            log_softmax(Tensor(z)).data
            - F.log_softmax(torch.from_numpy(z), dim=1).numpy())))),
    ]
    for label, ours, theirs in checks:
        diff = abs(ours - theirs)
        print(f"{label:<25} ours {ours:10.6f}   torch {theirs:10.6f}   "
              f"|diff| {diff:.1e}")
        assert diff <= 1e-5 * max(1.0, abs(theirs)), label
    print(f"✅ TinyTorch and PyTorch {torch.__version__} agree "
          f"(float32 tolerance)")

# %% [markdown]
# ### Why losses matter at scale
#
# The loss is the last layer of every training step, and for
# classification its cost is $B \times C$: one exponential per logit, and
# float32 memory of $4 B C$ bytes per full-size matrix.
#
# - A language model with a 50,000-token vocabulary and 128 positions per
#   batch computes 6.4 million exponentials per step, and the textbook
#   form holds 76.8 MB of loss matrices. Sampling 1,000 candidate classes
#   per step (sampled softmax) would cut this to 128,000 exponentials, 50
#   times fewer; hierarchical softmax replaces the $C$ by roughly
#   $\log_2 C$ per row.
# - An ImageNet classifier with 1,000 classes and batches of 256 images
#   computes 256,000 exponentials per step, small next to its
#   convolutions.
# - Recommendation systems that score very large item catalogues usually
#   train with sampled losses instead of a full softmax.
#
# Production frameworks therefore fuse the log-softmax and the pick into
# one kernel, use lower precision where it is safe, and avoid materialising
# the full probability matrix. The cell below tabulates these counts.

# %% nbgrader={"grade": false, "grade_id": "losses-demo-scale", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
print(f"{'workload':<34}{'B':>6}{'C':>9}{'exps/step':>13}"
      f"{'3 matrices':>13}")
for workload, batch, classes in [("MNIST digits", 64, 10),
                                 ("ImageNet", 256, 1_000),
                                 ("language model, sampled softmax",
                                  128, 1_000),
                                 ("language model, full softmax",
                                  128, 50_000)]:
    exps = batch * classes
    megabytes = 3 * 4 * exps / 1e6
    print(f"{workload:<34}{batch:>6}{classes:>9,}{exps:>13,}"
          f"{megabytes:>10.2f} MB")

# %% [markdown]
# ## Check your understanding
#
# **Q1. Memory of a large-vocabulary loss.** A language model with a
# 50,000-token vocabulary uses `CrossEntropyLoss` with batch size 128. In
# float32, how much memory do the logits, the softmax probabilities and
# the log-probabilities take together?
#
# <details><summary>Answer</summary>
#
# Each is a $128 \times 50{,}000$ matrix of 4-byte floats: 25.6 MB. All
# three together take **76.8 MB**, before any of the model's own
# activations. The cost grows as $B \times C$: double the vocabulary and it
# doubles. In float16 the three take 38.4 MB. Computing the loss as
# log-sum-exp minus the target logit needs only the logits and one work
# buffer, 51.2 MB, and running that on about 1 MB of rows at a time, as
# `CrossEntropyLoss` does, needs about 26.6 MB (the memory section
# measures all three forms with your kernel). Production systems go
# further with fused kernels or sampled softmax.
# </details>
#
# **Q2. Where does the time go?** A training profile shows: forward pass
# 80 ms, loss 120 ms, backward pass 150 ms, for 1,000 classes and batch
# size 64. Why might the loss be so expensive, and what would you check?
#
# <details><summary>Answer</summary>
#
# The loss takes 120 of the 350 ms, about 34% of the step. Its arithmetic
# is small: $64 \times 1{,}000 = 64{,}000$ exponentials and logs. The
# timing sweep above measures a vectorised loss of a larger size (batch
# 128) on your own machine, far below 120 ms. So the cost is in *how* it is
# computed: Python loops over samples or classes, softmax recomputed
# several times, copies between devices or dtypes. Profile inside the
# loss, make sure every step is a whole-array NumPy (or fused framework)
# operation, and only for very large $C$ reach for sampled or hierarchical
# softmax, which reduce the work per row from $C$ to the size of the
# sample, or to about $\log_2 C$.
# </details>
#
# **Q3. Why log-sum-exp?** A model outputs logits `[50, 100, 150]`. What
# happens with a naive softmax, and what does the trick compute instead?
#
# <details><summary>Answer</summary>
#
# Naively: $e^{50} \approx 5.18 \times 10^{21}$,
# $e^{100} \approx 2.69 \times 10^{43}$ and
# $e^{150} \approx 1.39 \times 10^{65}$. In float32 anything above
# $e^{88.72}$ overflows, so **both** $e^{100}$ and $e^{150}$ become `inf`;
# the softmax is `[0, nan, nan]` and the loss is NaN. (In float64 all three
# fit, since the limit there is about $e^{709.78}$; logits ten times larger
# would break float64 too.)
#
# With the trick: subtract the maximum 150 to get `[-100, -50, 0]`. The
# exponentials are about $3.72 \times 10^{-44}$, $1.93 \times 10^{-22}$ and
# exactly 1, all at most 1. Their sum is 1 to machine precision, its log
# is 0, and the log-probabilities are `[-100, -50, 0]`. Nothing overflows,
# and the tiny terms that underflow could not have changed the sum anyway.
# </details>
#
# **Q4. Which loss?** A medical system chooses between 5 diseases. Should
# it use `BinaryCrossEntropyLoss` or `CrossEntropyLoss`? What if a patient
# can have several diseases at once?
#
# <details><summary>Answer</summary>
#
# Exactly one disease per patient: `CrossEntropyLoss` on logits of shape
# `(N, 5)` with one class index per patient. Softmax makes the five
# probabilities compete and sum to 1, which is right for mutually exclusive
# classes.
#
# Several diseases possible: five independent yes/no questions. Apply a
# sigmoid to each of the 5 logits and use `BinaryCrossEntropyLoss` with
# targets of shape `(N, 5)` holding 0/1 per disease, for example
# `[1, 0, 1, 0, 0]`. A softmax here would wrongly force the five
# probabilities to sum to 1, so a patient could never be likely to have
# two diseases.
# </details>
#
# **Q5. Bigger batches.** Training with batch size 32 uses 4 GB of GPU
# memory. Will batch size 128 need 16 GB? What happens to the loss value
# and to the gradient?
#
# <details><summary>Answer</summary>
#
# Less than 16 GB. Only the per-sample part of memory grows with the
# batch: activations and loss buffers. The weights, their gradients and
# the optimizer state stay the same. If, say, 1 GB of the 4 GB is that
# fixed part, batch 128 needs $1 + 4 \times 3 = 13$ GB.
#
# With the mean reduction the loss stays on the same scale: it is still an
# average per sample, just over more samples. The gradient is an average
# too, so its noise shrinks: for independent samples the standard
# deviation falls as $1/\sqrt{B}$, so four times the batch halves it.
#
# If the memory is not there, accumulate gradients over 4 micro-batches of
# 32 and step once. With the mean reduction, divide each micro-batch loss
# by 4 before `backward()`, otherwise the summed gradient is four times
# the gradient of the batch-128 mean.
# </details>

# %% [markdown]
# ## Module test
#
# The last graded cell runs every unit test again and then checks that the
# pieces fit together: cross-entropy agrees with log-softmax, two-class
# cross-entropy agrees with binary cross-entropy on a sigmoid, losses fall
# as predictions improve, and no loss changes its inputs.

# %% nbgrader={"grade": true, "grade_id": "losses-test-module", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
def test_module():
    """🧪 Module test: all unit tests, then the pieces together."""
    print("🧪 Running the Module 04 test...\n")
    test_unit_log_softmax()
    test_unit_mse()
    test_unit_cross_entropy()
    test_unit_bce()

    print("\n🔬 Integration Test: losses together...")
    rng = np.random.default_rng(42)
    z = rng.normal(scale=2.0, size=(32, 6)).astype(np.float32)
    k = rng.integers(0, 6, size=32)
    logits, targets = Tensor(z), Tensor(k)
    ce_value = CrossEntropyLoss()(logits, targets).item()
    picked = -log_softmax(logits).data[np.arange(32), k].mean()
    assert abs(ce_value - picked) < 1e-5, (
        f"cross-entropy {ce_value} should equal the mean of "
        f"-log_softmax at the targets {picked}")
    print("✅ cross-entropy is the mean of -log_softmax at the targets")

    s = rng.normal(scale=2.0, size=20)
    y = (rng.uniform(size=20) < 0.5).astype(np.float32)
    two_class = np.stack([np.zeros(20), s], axis=1).astype(np.float32)
    ce_2 = CrossEntropyLoss()(Tensor(two_class), Tensor(y)).item()
    sigmoid = (1.0 / (1.0 + np.exp(-s))).astype(np.float32)
    bce_2 = BinaryCrossEntropyLoss()(Tensor(sigmoid), Tensor(y)).item()
    assert abs(ce_2 - bce_2) < 1e-5, (
        f"2-class cross-entropy {ce_2} should equal BCE on the sigmoid "
        f"{bce_2}")
    print("✅ 2-class cross-entropy equals binary cross-entropy on a sigmoid")

    target = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    mse_values = [MSELoss()(Tensor(target + d), Tensor(target)).item()
                  for d in (3.0, 1.0, 0.1, 0.0)]
    assert all(a > b for a, b in zip(mse_values, mse_values[1:])), (
        f"MSE should fall as predictions approach targets: {mse_values}")
    ce_values = [CrossEntropyLoss()(Tensor([[0.0, m, 0.0]]),
                                    Tensor([1])).item()
                 for m in (-2.0, 0.0, 2.0, 6.0)]
    assert all(a > b for a, b in zip(ce_values, ce_values[1:])), (
        f"CE should fall as the target logit grows: {ce_values}")
    print("✅ every loss falls as the predictions improve")

    before = z.copy()
    CrossEntropyLoss()(logits, targets)
    log_softmax(logits)
    assert np.array_equal(logits.data, before), "the logits were modified"
    probs = Tensor([0.0, 0.3, 1.0])
    probs_before = probs.data.copy()
    BinaryCrossEntropyLoss()(probs, Tensor([1.0, 0.0, 1.0]))
    assert np.array_equal(probs.data, probs_before), (
        "BinaryCrossEntropyLoss modified its predictions")
    print("✅ no loss modifies its inputs")

    class Doubled(MSELoss):
        def forward(self, predictions, targets):
            return super().forward(predictions, targets) * 2

    doubled = Doubled()(Tensor([1.0, 2.0]), Tensor([1.0, 4.0]))
    assert abs(doubled.item() - 4.0) < 1e-6, (
        f"__call__ should use the subclass's forward, got {doubled}")
    print("✅ calling a loss runs its (overridden) forward")
    ### BEGIN HIDDEN TESTS
    for value in (MSELoss()(Tensor([1.0]), Tensor([0.5])),
                  CrossEntropyLoss()(Tensor([[1.0, 2.0]]), Tensor([1])),
                  BinaryCrossEntropyLoss()(Tensor([0.4]), Tensor([1.0]))):
        assert value.shape == () and value.dtype == np.float32, value
    ### END HIDDEN TESTS
    print("\n🎉 All tests passed: your losses are ready for training.")
    print("📈 Progress: Losses ✓")


test_module()

# %% [markdown]
# ## Summary
#
# You built the three losses that drive most of deep learning, and the
# stable log-softmax underneath them:
#
# - `log_softmax` subtracts the maximum before exponentiating. The identity
#   is exact, the largest exponential is $e^0 = 1$, and masked (`-inf`)
#   classes simply drop out.
# - `MSELoss` averages squared errors: smooth, and hard on large mistakes.
# - `CrossEntropyLoss` is log-sum-exp minus the target logit: cheap on
#   confident right answers, expensive on confident wrong ones.
# - `BinaryCrossEntropyLoss` handles yes/no and multi-label targets, with a
#   clamp that keeps one element's loss at most about 16.118.
# - Every loss checks its inputs first, computes per-sample values with a
#   NumPy kernel, and averages them. Shapes never broadcast silently.
# - Cross-entropy costs $O(B \times C)$ time, and the textbook form keeps
#   three $(B, C)$ matrices alive; computing only what the loss needs keeps
#   two.
#
# Export your work with `tito export --module 04_losses` and check it with
# `tito test --module 04_losses`. Afterwards
# `from tinytorch.core.losses import CrossEntropyLoss` (or
# `from tinytorch.nn import CrossEntropyLoss`) works in any script.
#
# ## What's next
#
# **Module 05: DataLoader** builds the pipeline that feeds batches into the
# model: batching, shuffling and iterating over a dataset. Your losses come
# back in every module after that:
#
# | Module | What it does | Your loss in action |
# |--------|--------------|---------------------|
# | 06 Autograd | automatic differentiation | `loss.backward()` computes gradients |
# | 07 Optimizers | parameter updates | `optimizer.step()` follows the loss gradient |
# | 08 Training | the full training loop | `loss = criterion(outputs, targets)` measures progress |
#
# **Want more?** The optional stretch part below goes beyond the seeds: the
# losses and tools a practitioner reaches for next, for extra points. The
# core path (60 points) does not depend on it.

# %% [markdown]
# ---
#
# # Stretch: beyond the seeds (optional, extra points)
#
# Everything above is the core module: 60 points, and all that later
# modules need. This part is optional and worth **40 extra points**. It
# builds what a practitioner reaches for as soon as a project leaves the
# textbook: the seed module page lists advanced losses and other
# reductions under "what you're not building", and the seed textbook
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
# The seed chapter's summary table lists `nn.SmoothL1Loss()` for Huber: the
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
# `[0.925, 0.025, 0.025, 0.025]`. The seed chapter writes
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
# $0.9^2 = 0.81$ (the seed chapter's numbers, which are right). $\alpha$
# (0.25 in the paper) balances positives against negatives; `alpha=None`
# turns it off. With $\gamma = 0$ and no $\alpha$ the focal loss is exactly
# `BCEWithLogitsLoss`.
#
# This is the sigmoid form that RetinaNet and torchvision's
# `sigmoid_focal_loss` use: logits and 0/1 targets of the same shape, one
# yes/no question per element. (The seed chapter's code sketch applies the
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
# swap=False)`: the distance is the plain $p$-norm (the seed chapter's
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
        the seed chapter square it.

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
# $n$: the seed chapter's $\frac{2}{n}(\hat y_i - y_i)$. The clamp of
# `BinaryCrossEntropyLoss` is part of the function, so it is part of the
# derivative: where $p \le \varepsilon$ the term $\log \max(p,
# \varepsilon)$ is constant and contributes 0 (likewise for $1 - p$).
#
# **The seed chapter's comparison, measured.** Take target 1 and
# prediction 0.05, a confident mistake. The MSE gradient is
# $2 (0.05 - 1) = -1.9$, so its size is 1.9. The BCE gradient is
# $-1 / 0.05 = -20$: its size is 20, not "about 19" as the seed says, and
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
    seed_mse = _mse_backward(np.array([0.05]), np.array([1.0]))[0]
    print(f"✅ MSE: 2 (p - y) matches central differences; {seed_mse:g} at "
          f"p = 0.05")

    got = _binary_cross_entropy_backward(p, y, 1e-7)
    want = central(lambda v: _binary_cross_entropy_forward(v, y, 1e-7), p)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-8), (
        f"BCE gradient {got} differs from central differences {want}")
    seed = _binary_cross_entropy_backward(np.array([0.05]), np.array([1.0]),
                                          1e-7)[0]
    assert abs(seed + 20.0) < 1e-9, f"-1 / 0.05 = -20 expected, got {seed}"
    clamped = _binary_cross_entropy_backward(np.array([0.0, 1.0]),
                                             np.array([1.0, 0.0]), 1e-7)
    assert np.all(clamped == 0.0), (
        f"where the clamp is active the gradient is 0, got {clamped}")
    print(f"✅ BCE: matches central differences; {seed:g} at p = 0.05 "
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
# The next cell computes the seed's comparison with your kernels and plots
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
# The first two are the seed chapter's formulas. The third is the "effective
# number of samples" of Cui et al. (2019): $(1 - \beta^{n_c}) / (1 - \beta)$
# counts examples with diminishing returns, since near-duplicates add
# little, and the weight is its inverse, scaled as in that paper. For the
# seed's 900/100 split:
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
#   differences, and the seed's 1.9 versus 20 comparison measured;
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
