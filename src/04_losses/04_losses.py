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
#   batch. The optional **stretch notebook**, `04_losses_stretch.ipynb`,
#   adds all of these for extra points; the core path does not need it.
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
# `reduction='none'` too, and the optional stretch notebook uses them.

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


_STRETCH_NOTEBOOK = "modules/04_losses/04_losses_stretch.ipynb"


def _from_stretch(name, option):
    """`name` from the optional stretch notebook.

    Settings beyond the core steps (class weights, other reductions, ...)
    run code that the stretch notebook builds: the definition in the
    notebook being run, when it is the stretch notebook (so its tests, and
    nbgrader, check the code written there), else its package file,
    tinytorch.core.losses_stretch. `option` names the setting that needs
    it, for the one-line error when that file does not import.
    """
    import sys

    running = getattr(sys.modules.get("__main__"), name, None)
    if callable(running) and getattr(running, "__module__", "") == "__main__":
        return running
    try:
        from tinytorch.core import losses_stretch
    except ImportError as exc:
        raise NotImplementedError(
            f"{option} is part of the optional stretch notebook "
            f"{_STRETCH_NOTEBOOK}, and its package file "
            f"tinytorch.core.losses_stretch does not import ({exc}). Hint: "
            "use the default settings, or write that notebook and run "
            "tito export --module 04_losses") from None
    return getattr(losses_stretch, name)

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
        beyond = self._beyond_core(logits, targets)
        if beyond:
            class_loss = _from_stretch(
                "_class_loss", f"{type(self).__name__}: {beyond}")
            return class_loss(self, logits, targets, from_logits=True)
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

    def _beyond_core(self, logits, targets):
        """None when the core steps' path applies: default settings,
        (N, C) logits and class indices, none equal to ignore_index.
        Otherwise what goes beyond it, for `_class_loss`, which the
        optional stretch notebook builds."""
        if self.weight is not None:
            return "weight=..."
        if self.label_smoothing:
            return f"label_smoothing={self.label_smoothing!r}"
        if self.reduction != "mean":
            return f"reduction={self.reduction!r}"
        if not isinstance(logits, Tensor):
            return None  # the core checks explain the mistake
        if logits.ndim > 2:
            return "(N, C, d1, ...) logits"
        if not isinstance(targets, Tensor):
            return None
        if logits.ndim == 2 and targets.shape == logits.shape:
            return "class-probability targets"
        t = targets.data
        if (t.dtype.kind in "iuf" and t.ndim == 1
                and bool(np.any(t == self.ignore_index))):
            return f"targets equal to ignore_index={self.ignore_index!r}"
        return None

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
        if self.weight is not None:  # see the stretch notebook
            broadcast = _from_stretch("_broadcast_weight",
                                      f"{name}: weight=...")
            w = broadcast(name, "weight", self.weight, p)
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
# **Want more?** The optional stretch notebook,
# `modules/04_losses/04_losses_stretch.ipynb`, goes beyond the core: the
# losses and tools a practitioner reaches for next, for extra points. The
# core path (60 points) does not depend on it.
