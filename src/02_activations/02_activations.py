# %% [markdown]
# # Module 02: Activations
#
# **Foundation tier** | Difficulty: 1/4 | Time: 2-3 hours |
# Prerequisites: 01 Tensor
#
# A layer that only multiplies and adds is a linear map, and a stack of
# linear maps is still one linear map: two matrices $W_1 W_2$ collapse into
# a single matrix. However many such layers you stack, the model can only
# draw straight decision boundaries.
#
# Activation functions break that collapse. Placed between layers, a small
# elementwise nonlinearity lets the network bend its output, and that is
# what turns a stack of matrices into a model that can fit curves, images
# and text.
#
# In this module you build the five activations you will meet in almost
# every modern network, on top of the `Tensor` you wrote in Module 01.

# %% [markdown]
# ## Learning objectives
#
# By the end of this module you will be able to:
#
# - **Implement** `relu`, `sigmoid`, `tanh`, `softmax` and `gelu` as
#   functions, the way `torch.nn.functional` does; the classes `ReLU`,
#   `Sigmoid`, `Tanh`, `Softmax` and `GELU` are given and call them.
# - **Explain** why the textbook formulas for sigmoid and softmax overflow
#   in floating point, and **write** forms that do not.
# - **Check** your code against hand-computed values and mathematical
#   identities such as $\sigma(-x) = 1 - \sigma(x)$.
# - **Measure** how much memory and time each activation costs.
#
# ## Roadmap
#
# | Step | You implement | Key idea |
# |------|---------------|----------|
# | 1 | `relu(x)` | keep positives, zero the rest |
# | 2 | `sigmoid(x)` | squash to (0, 1) without overflow |
# | 3 | `tanh(x)` | zero-centred squashing to (-1, 1) |
# | 4 | `softmax(x, dim=-1)` | turn scores into probabilities (max shift) |
# | 5 | `gelu(x)` | the smooth ReLU of transformers |
#
# After the five steps come a stability demonstration, a systems analysis
# (overflow limits, memory, time) and a module test.
#
# **What you are not building yet:** gradients. You write each
# activation's output; its derivative is given next to it, for autograd
# later in the course.
#
# **The pattern you enable:**
#
# ```python
# h = relu(x @ W)          # a hidden layer, bent by a nonlinearity
# probs = Softmax(dim=-1)(logits)   # or softmax(logits, dim=-1)
# ```

# %% [markdown]
# ## Setup
#
# The first cell names the package file this notebook builds
# (`tinytorch/core/activations.py`) and imports what that file needs. Your
# `Tensor` from Module 01 is imported from the package, exactly as a user of
# the library would import it.
#
# Each function starts from an input that is already checked. Its first
# line is given, for example
#
# ```python
# z = checks.floats("relu", "x", x)
# ```
#
# which returns the data of the `Tensor` `x` as a NumPy array: `float64`
# stays `float64`, every other dtype becomes `float32`. Anything that is
# not a `Tensor` of real numbers (a list, `None`, complex numbers) gets a
# one-line `TypeError` with a hint. Your code works on `z` and returns
# `from_numpy(out)`, a Tensor that keeps the array's dtype.
#
# Below each function, its derivative is given as `<name>_backward`, and
# `gradients.register` pairs the two so that autograd can find them later.
# You do not write these here.

# %% nbgrader={"grade": false, "grade_id": "activations-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.activations
#| export
import math

import numpy as np

from tinytorch.core import checks, gradients
from tinytorch.core.tensor import Tensor, from_numpy

# %% nbgrader={"grade": false, "grade_id": "activations-tools", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# The tests below call `check(fn, *args, want=...)`: it runs your function
# and checks that it returned a Tensor of the expected shape, dtype and
# values, and names a likely mistake when it can.
from tinytorch.testing import check

# %% [markdown]
# ## Step 1: ReLU
#
# The rectified linear unit keeps positive numbers and replaces negative
# ones by zero:
#
# $$\mathrm{ReLU}(x) = \max(0, x)$$
#
# It is the default hidden-layer activation because it is cheap (one
# comparison per element), and because for positive inputs its slope is
# exactly 1, so signals and gradients pass through many layers without
# shrinking. Its weakness is the other half: a unit whose input is always
# negative outputs zero for every example and stops learning (a "dead"
# ReLU).
#
# Like every activation in this module, you write `relu` as a function,
# as in `torch.nn.functional`. The class `ReLU`, which models such as
# `Sequential` in Module 03 use, is given later: `ReLU()(x)` calls your
# `relu(x)`.

# %% nbgrader={"grade": false, "grade_id": "activations-relu", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def relu(x):
    """Rectified linear unit, applied elementwise.

    relu(x) = max(0, x)

    Args:
        x: Tensor of real numbers.

    Shape:
        Input: any shape. Output: the same shape.

    Returns:
        A new Tensor: float64 for float64 input, float32 for any other.

    NOTE: PyTorch keeps integer dtypes in `relu`; here every activation
    returns floating-point data.

    Example:
        >>> relu(Tensor([-2.0, 0.0, 3.0])).numpy()
        array([0., 0., 3.], dtype=float32)

    TODO: return a new Tensor holding max(0, z) for every element.

    APPROACH:
        1. `z` (given) is a float NumPy array with the input's values.
        2. Take the elementwise maximum of `z` and 0.
        3. Return it wrapped: `from_numpy(out)` keeps its dtype.

    HINTS:
        - `np.maximum` compares elementwise; `np.max` reduces instead.
        - Do not modify `z` in place: it may be the input's own data.
    """
    z = checks.floats("relu", "x", x)
    ### BEGIN SOLUTION
    out = np.maximum(z, 0)
    return from_numpy(out)
    ### END SOLUTION


def relu_backward(grad, x):
    """d relu(x) / dx is 1 where x > 0 and 0 elsewhere."""
    z = checks.floats("relu", "x", x)
    return (np.where(z > 0, grad, 0.0),)


gradients.register(relu, relu_backward)

# %% nbgrader={"grade": true, "grade_id": "activations-test-relu", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_relu():
    """🔬 Unit Test: relu"""
    print("🔬 Unit Test: relu...")
    check(relu, Tensor([-2.0, -0.5, 0.0, 0.5, 2.0]),
          want=[0.0, 0.0, 0.0, 0.5, 2.0])
    print("✅ relu([-2, -0.5, 0, 0.5, 2]) = [0, 0, 0, 0.5, 2], float32")

    m = Tensor([[-1.0, 3.0], [4.0, -5.0]])
    check(relu, m, want=[[0.0, 3.0], [4.0, 0.0]])
    assert np.array_equal(m.data, [[-1.0, 3.0], [4.0, -5.0]]), (
        "relu must not change its input; build a new array instead")
    print("✅ works on a (2, 2) matrix and leaves its input unchanged")
    ### BEGIN HIDDEN TESTS
    check(relu, Tensor([-1.5, 2.5], dtype=np.float64), want=[0.0, 2.5])
    check(relu, relu(m), want=[[0.0, 3.0], [4.0, 0.0]])
    check(relu, Tensor(-3.0), want=0.0)
    ### END HIDDEN TESTS
    print("📈 Progress: relu ✓")


test_unit_relu()

# %% [markdown]
# ## Step 2: Sigmoid
#
# The logistic sigmoid squashes any real number into the interval (0, 1),
# which is why it turns a score into a probability for yes/no questions:
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}$$
#
# Useful facts you will test: $\sigma(0) = 0.5$, the curve is symmetric in
# the sense $\sigma(-x) = 1 - \sigma(x)$, and it saturates: far from zero it
# is flat, which is why deep stacks of sigmoids learn slowly.
#
# ### The overflow trap
#
# Floating-point numbers have a largest value. For `float32` it is about
# $3.4 \times 10^{38}$, so $e^{t}$ becomes `inf` as soon as $t$ exceeds
# $\ln(3.4 \times 10^{38}) \approx 88.72$. Feed $x = -1000$ to the formula
# above and $e^{-x} = e^{1000}$ overflows. The rewritten form
# $e^{x} / (1 + e^{x})$ has the same problem on the other side: at
# $x = 1000$ it computes $\infty / \infty$, which is `nan`.
#
# The fix is to only ever exponentiate a number that is not positive. Let
# $t = e^{-|x|}$, which always lies in $(0, 1]$. Then
#
# $$\sigma(x) = \begin{cases} \dfrac{1}{1 + t} & x \ge 0 \\[6pt]
# \dfrac{t}{1 + t} & x < 0 \end{cases}$$
#
# Both branches are exact (the second is the first with numerator and
# denominator multiplied by $e^{x}$), and neither can overflow: at
# $x = \pm 1000$ the result is exactly 1 or 0, with no warning.

# %% nbgrader={"grade": false, "grade_id": "activations-sigmoid", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def sigmoid(x):
    """Logistic sigmoid, applied elementwise, stable for any input size.

    sigmoid(x) = 1 / (1 + exp(-x)), computed with t = exp(-|x|) as
    1 / (1 + t) where x >= 0 and t / (1 + t) where x < 0, so no
    exponential can overflow (no warning even at x = -1000 or 1000).

    Args:
        x: Tensor of real numbers.

    Shape:
        Input: any shape. Output: the same shape.

    Returns:
        A new Tensor with values in [0, 1] (exactly 0 or 1 only where the
        true value is closer to them than the dtype can resolve).

    Example:
        >>> print(np.round(sigmoid(Tensor([-1.0, 0.0, 1.0])).numpy(), 4))
        [0.2689 0.5    0.7311]

    TODO: compute sigmoid without ever calling exp on a positive number.

    APPROACH:
        1. t = exp(-|z|): always in (0, 1], so it cannot overflow.
        2. Where z >= 0 the answer is 1 / (1 + t);
           where z < 0 it is t / (1 + t).
        3. Pick per element with `np.where(z >= 0, ..., ...)` and
           return `from_numpy(out)`.

    HINTS:
        - `np.where` evaluates both branches; that is fine here because
          neither branch can overflow.
        - Check: sigmoid(0) = 0.5 and sigmoid(-1000) = 0 with no warning.
    """
    z = checks.floats("sigmoid", "x", x)
    ### BEGIN SOLUTION
    t = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1.0 / (1.0 + t), t / (1.0 + t))
    return from_numpy(out)
    ### END SOLUTION


def sigmoid_backward(grad, x):
    """d sigmoid(x) / dx = sigmoid(x) * (1 - sigmoid(x))."""
    s = sigmoid(x).data
    return (grad * s * (1.0 - s),)


gradients.register(sigmoid, sigmoid_backward)

# %% nbgrader={"grade": true, "grade_id": "activations-test-sigmoid", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid():
    """🔬 Unit Test: sigmoid"""
    import warnings

    print("🔬 Unit Test: sigmoid...")
    check(sigmoid, Tensor([0.0]), want=[0.5], atol=0, rtol=0)
    print("✅ sigmoid(0) = 0.5")

    x = np.array([-3.0, -1.0, 0.5, 2.0])
    ref = 1.0 / (1.0 + np.exp(-x))  # float64, moderate inputs: safe
    y = check(sigmoid, Tensor(x), want=ref, rtol=1e-6, atol=1e-7)
    print("✅ matches 1 / (1 + e^-x) on moderate inputs (float32)")

    check(sigmoid, Tensor(-x), want=1.0 - y.data, atol=1e-6)
    print("✅ sigmoid(-x) = 1 - sigmoid(x)")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow warning fails
        big = sigmoid(Tensor([-1000.0, 1000.0]))
    assert np.array_equal(big.data, [0.0, 1.0]), (
        f"sigmoid([-1000, 1000]) should be [0, 1], got {big.data}")
    print("✅ sigmoid([-1000, 1000]) = [0, 1] with no overflow warning")
    ### BEGIN HIDDEN TESTS
    x64 = np.linspace(-30.0, 30.0, 61)
    ref64 = np.array([1.0 / (1.0 + math.exp(-v)) for v in x64])
    check(sigmoid, Tensor(x64, dtype=np.float64), want=ref64, rtol=1e-12,
          atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = sigmoid(Tensor([-1e30, 1e30], dtype=np.float64))
    assert np.array_equal(huge.data, [0.0, 1.0])
    m = Tensor([[-2.0, 2.0]])
    assert sigmoid(m).shape == (1, 2)
    assert np.array_equal(m.data, [[-2.0, 2.0]]), "input was modified"
    ### END HIDDEN TESTS
    print("📈 Progress: sigmoid ✓")


test_unit_sigmoid()

# %% [markdown]
# ### Stability, demonstrated
#
# Claims about overflow are easy to nod along to. The next cell runs the
# two textbook forms of the sigmoid on `float32` inputs of -1000, 0 and
# 1000, records the warnings NumPy raises (so the notebook output stays
# tidy), and prints each result next to your stable `sigmoid`.

# %% nbgrader={"grade": false, "grade_id": "activations-demo-sigmoid", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import warnings


def run_recording_warnings(fn, *args):
    """Call `fn(*args)`; return its result and the warning messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args)
    return result, sorted({str(w.message) for w in caught})


big = np.array([-1000.0, 0.0, 1000.0], dtype=np.float32)
form_a, warn_a = run_recording_warnings(
    lambda z: 1.0 / (1.0 + np.exp(-z)), big)
form_b, warn_b = run_recording_warnings(
    lambda z: np.exp(z) / (1.0 + np.exp(z)), big)

print(f"input                 : {big}")
print(f"1 / (1 + exp(-x))     : {form_a}   warnings: {warn_a}")
print(f"exp(x) / (1 + exp(x)) : {form_b}   warnings: {warn_b}")
assert warn_a and warn_b and np.isnan(form_b[2])

with warnings.catch_warnings():
    warnings.simplefilter("error")
    stable = sigmoid(Tensor(big)).numpy()
print(f"your stable sigmoid   : {stable}   warnings: []")
assert np.array_equal(stable, [0.0, 0.5, 1.0])

# %% [markdown]
# The first form happens to print the right numbers, but only because an
# `inf` slipped through and `1 / inf` is 0; the overflow warning is the
# sign that it was luck. The second form returns `nan` at 1000, and a
# single `nan` spreads through every later computation. Your version never
# creates an `inf` in the first place.

# %% [markdown]
# ## Step 3: Tanh
#
# The hyperbolic tangent is a sigmoid stretched to the interval (-1, 1):
#
# $$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\,\sigma(2x) - 1$$
#
# Because it is centred on zero (an odd function: $\tanh(-x) = -\tanh(x)$),
# its outputs average closer to zero than a sigmoid's, which makes the
# next layer's job easier. Recurrent networks (LSTM, GRU) use it for their
# state.
#
# The fraction above has the same overflow problem as the naive sigmoid,
# but here NumPy already ships a careful implementation: `np.tanh` is
# accurate near 0 and returns exactly $\pm 1$ for large inputs. Using a
# well-tested library routine is the right engineering call; the test
# checks the identity with your `sigmoid` so you can see they agree.

# %% nbgrader={"grade": false, "grade_id": "activations-tanh", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def tanh(x):
    """Hyperbolic tangent, applied elementwise.

    tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) = 2 sigmoid(2x) - 1

    Args:
        x: Tensor of real numbers.

    Shape:
        Input: any shape. Output: the same shape.

    Returns:
        A new Tensor with values in [-1, 1].

    Example:
        >>> print(np.round(tanh(Tensor([-1.0, 0.0, 1.0])).numpy(), 4))
        [-0.7616  0.      0.7616]

    TODO: return the elementwise hyperbolic tangent of `z`.

    APPROACH:
        1. Use NumPy's stable `np.tanh` on `z`.
        2. Return `from_numpy(out)`.

    HINTS:
        - Writing out the exp fraction yourself gives nan at x = 1000.
    """
    z = checks.floats("tanh", "x", x)
    ### BEGIN SOLUTION
    out = np.tanh(z)
    return from_numpy(out)
    ### END SOLUTION


def tanh_backward(grad, x):
    """d tanh(x) / dx = 1 - tanh(x) ** 2."""
    t = tanh(x).data
    return (grad * (1.0 - t * t),)


gradients.register(tanh, tanh_backward)

# %% nbgrader={"grade": true, "grade_id": "activations-test-tanh", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_tanh():
    """🔬 Unit Test: tanh"""
    import warnings

    print("🔬 Unit Test: tanh...")
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    y = check(tanh, Tensor(x), want=[math.tanh(v) for v in x], rtol=1e-6,
              atol=1e-7)
    print("✅ matches math.tanh at -2, -0.5, 0, 0.5, 2")

    check(tanh, Tensor(-x), want=-y.data, atol=0, rtol=0)
    print("✅ tanh(-x) = -tanh(x)")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = tanh(Tensor([-1000.0, 1000.0]))
    assert np.array_equal(big.data, [-1.0, 1.0]), (
        f"tanh([-1000, 1000]) should be [-1, 1], got {big.data}")
    print("✅ tanh([-1000, 1000]) = [-1, 1] with no warning")
    ### BEGIN HIDDEN TESTS
    x64 = Tensor(np.linspace(-5.0, 5.0, 41), dtype=np.float64)
    ident = 2.0 * sigmoid(x64 * 2.0).data - 1.0
    check(tanh, x64, want=ident, atol=1e-12)
    assert tanh(Tensor([[0.0, 1.0], [2.0, 3.0]])).shape == (2, 2)
    ### END HIDDEN TESTS
    print("📈 Progress: tanh ✓")


test_unit_tanh()

# %% [markdown]
# ## Step 4: Softmax
#
# A classifier's last layer produces one raw score (a *logit*) per class.
# Softmax turns a vector of logits into a probability distribution:
#
# $$\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}$$
#
# Every output is positive and they sum to 1. Larger logits get larger
# probabilities, and the exponential exaggerates gaps: the logits
# $[1, 2, 3]$ become about $[0.090, 0.245, 0.665]$.
#
# ### Shift invariance, and why it saves you
#
# Subtract the same constant $c$ from every logit and nothing changes,
# because $e^{x_i - c} = e^{x_i} e^{-c}$ and the factor $e^{-c}$ cancels
# between numerator and denominator. Choose $c = \max_j x_j$: now the
# largest exponent is $e^{0} = 1$, every other term lies in $(0, 1]$, and
# the denominator is at least 1. Nothing can overflow, and you never
# divide by zero. The logits $[1000, 1001, 1002]$ give exactly the same
# probabilities as $[1, 2, 3]$, where the naive formula returns `nan`.
#
# ### Which dimension?
#
# Softmax normalises along one dimension, `dim`. For a batch of logits of
# shape `(batch, classes)` you want each row to sum to 1, which is the
# last dimension: `dim=-1`, the default (as in `torch.softmax(x, dim=-1)`).
# Pass `keepdims=True` to the reductions so the row maxima and sums keep a
# dimension of size 1 and broadcast back over the row.

# %% nbgrader={"grade": false, "grade_id": "activations-softmax", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def softmax(x, dim=-1):
    """Softmax along one dimension, max-shifted so it cannot overflow.

    softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),  m = max_j x_j

    Subtracting the maximum m leaves the result unchanged (the factor
    exp(-m) cancels) and keeps every exponent <= 0.

    Args:
        x: Tensor of scores (logits), at least 1-D; entries finite or
            -inf (a masked entry gets probability 0).
        dim: the dimension that sums to 1 (default -1, the last one).

    Shape:
        Input: any shape with at least one dimension. Output: the same
        shape; every slice along `dim` is positive and sums to 1.

    NOTE: PyTorch also accepts a 0-d input (and returns 1.0), and returns
    NaN for a NaN or for a slice that is all -inf; here each of those is
    a one-line ValueError, as in `log_softmax` of Module 04.

    Example:
        >>> y = softmax(Tensor([[1.0, 2.0, 3.0]]), dim=-1)
        >>> print(np.round(y.numpy(), 4))
        [[0.09   0.2447 0.6652]]
        >>> float(y.numpy().sum())
        1.0

    TODO: compute a max-shifted softmax of `z` along `axis`.

    APPROACH:
        1. Subtract the maximum along `axis` (keepdims=True).
        2. Exponentiate: every value is now in (0, 1].
        3. Divide by the sum along `axis` (keepdims=True).
        4. Return `from_numpy(out)`.

    HINTS:
        - `z.max(axis=axis, keepdims=True)` has a size-1 dimension at
          `axis`, so `z - ...` broadcasts over it.
        - Check: a row of [1000, 1001, 1002] must not give nan.
    """
    z, axis = checks.logits("softmax", x, dim)
    ### BEGIN SOLUTION
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    out = e / e.sum(axis=axis, keepdims=True)
    return from_numpy(out)
    ### END SOLUTION


def softmax_backward(grad, x, dim=-1):
    """With s = softmax(x), the gradient along `dim` is
    s * (grad - sum(grad * s))."""
    s = softmax(x, dim).data
    axis = checks.dim("softmax", dim, s.ndim)
    return (s * (grad - np.sum(grad * s, axis=axis, keepdims=True)),)


gradients.register(softmax, softmax_backward)

# %% nbgrader={"grade": true, "grade_id": "activations-test-softmax", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax():
    """🔬 Unit Test: softmax"""
    import warnings

    print("🔬 Unit Test: softmax...")
    e = np.exp([1.0, 2.0, 3.0])
    y = check(softmax, Tensor([1.0, 2.0, 3.0]), want=e / e.sum(),
              rtol=1e-6, atol=1e-7)
    print(f"✅ softmax([1, 2, 3]) = {np.round(y.data, 4)}")

    logits = Tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0]])
    ex = np.exp(logits.data - logits.data.max(axis=1, keepdims=True))
    probs = check(softmax, logits, want=ex / ex.sum(axis=1, keepdims=True))
    assert np.allclose(probs.data.sum(axis=-1), 1.0, atol=1e-6)
    print("✅ each row of a (3, 3) batch sums to 1")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shifted = softmax(Tensor([1000.0, 1001.0, 1002.0]))
    assert np.allclose(shifted.data, y.data, atol=1e-6), (
        f"softmax([1000, 1001, 1002]) should equal softmax([1, 2, 3]), "
        f"got {shifted.data}")
    print("✅ softmax([1000, 1001, 1002]) = softmax([1, 2, 3]), no warning")

    cols = softmax(logits, dim=0)
    assert np.allclose(cols.data.sum(axis=0), 1.0, atol=1e-6), (
        "softmax(x, dim=0) should make every column sum to 1")
    print("✅ dim=0 normalises columns")
    ### BEGIN HIDDEN TESTS
    x3 = np.random.default_rng(0).normal(size=(2, 3, 4)) * 10
    for dim in (0, 1, 2, -1, -2):
        ex = np.exp(x3 - x3.max(axis=dim, keepdims=True))
        check(softmax, Tensor(x3, dtype=np.float64), dim=dim,
              want=ex / ex.sum(axis=dim, keepdims=True), rtol=1e-12,
              atol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        neg = softmax(Tensor([-1000.0, -1000.0]))
    assert np.allclose(neg.data, 0.5)
    assert np.array_equal(logits.data[0], [1.0, 2.0, 3.0]), "input modified"
    ### END HIDDEN TESTS
    print("📈 Progress: softmax ✓")


test_unit_softmax()

# %% [markdown]
# ### Softmax stability, demonstrated
#
# The naive formula `exp(x) / exp(x).sum()` on logits near 1000 overflows
# to `inf / inf`. The cell below shows the intermediate `exp` values, the
# `nan` result, and your shifted version next to it.

# %% nbgrader={"grade": false, "grade_id": "activations-demo-softmax", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
logits = np.array([1000.0, 1001.0, 1002.0], dtype=np.float32)
exps, warn_exp = run_recording_warnings(np.exp, logits)
naive, warn_naive = run_recording_warnings(
    lambda z: np.exp(z) / np.exp(z).sum(), logits)

print(f"logits               : {logits}")
print(f"exp(logits)          : {exps}   warnings: {warn_exp}")
print(f"naive softmax        : {naive}   warnings: {warn_naive}")
assert np.isinf(exps).all() and np.isnan(naive).all()

with warnings.catch_warnings():
    warnings.simplefilter("error")
    stable = softmax(Tensor(logits)).numpy()
small = softmax(Tensor([1.0, 2.0, 3.0])).numpy()
print(f"your softmax         : {np.round(stable, 4)}   warnings: []")
print(f"softmax of [1, 2, 3] : {np.round(small, 4)}")
assert np.allclose(stable, small, atol=1e-6)

# %% [markdown]
# ## Step 5: GELU
#
# The Gaussian Error Linear Unit is the activation inside BERT, GPT and
# most transformers. Instead of ReLU's hard gate ("pass if positive"), it
# weights each input by how likely a standard normal variable is to be
# smaller than it:
#
# $$\mathrm{GELU}(x) = x\,\Phi(x) = \tfrac{1}{2}\,x\,\bigl(1 +
# \mathrm{erf}(x / \sqrt{2})\bigr)$$
#
# where $\Phi$ is the standard normal CDF. Large positive inputs pass almost
# unchanged, large negative ones go to zero, and in between the curve is
# smooth and dips slightly below zero (its minimum is about $-0.17$, near
# $x \approx -0.75$).
#
# NumPy has no vectorised `erf`, and the original GELU paper gives a cheap
# approximation that GPT-2 and BERT adopted:
#
# $$\mathrm{GELU}(x) \approx \tfrac{1}{2}\,x\,\Bigl(1 +
# \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715\,x^{3})\bigr)\Bigr)$$
#
# **This course implements the tanh approximation.** It differs from the
# exact form by less than $5 \times 10^{-4}$ everywhere (the systems
# section measures the gap), and it equals PyTorch's
# `nn.GELU(approximate='tanh')`. Note that PyTorch's default,
# `nn.GELU()`, is the exact erf form.

# %% nbgrader={"grade": false, "grade_id": "activations-gelu", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def gelu(x):
    """Gaussian Error Linear Unit, tanh approximation, elementwise.

    gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))

    This approximates the exact GELU(x) = x Phi(x) (Phi: the standard
    normal CDF) to within 5e-4 for every x.

    Args:
        x: Tensor of real numbers.

    Shape:
        Input: any shape. Output: the same shape.

    NOTE: this equals PyTorch's `gelu(x, approximate='tanh')`; PyTorch's
    default, `approximate='none'`, is the exact erf form.

    Example:
        >>> print(np.round(gelu(Tensor([-1.0, 0.0, 1.0])).numpy(), 4))
        [-0.1588  0.      0.8412]

    TODO: implement the tanh approximation of GELU.

    APPROACH:
        1. c = sqrt(2 / pi), a Python float (`math.sqrt`, `math.pi`).
        2. inner = c * (z + 0.044715 * z**3)
        3. out = 0.5 * z * (1 + tanh(inner)); return `from_numpy(out)`.

    HINTS:
        - Python floats do not change a float32 array's dtype, but a
          float64 NumPy array would; keep the constants as floats.
        - Check: gelu(1) is about 0.8412 and gelu(-1) about -0.1588.
    """
    z = checks.floats("gelu", "x", x)
    ### BEGIN SOLUTION
    c = math.sqrt(2.0 / math.pi)
    inner = c * (z + 0.044715 * z ** 3)
    out = 0.5 * z * (1.0 + np.tanh(inner))
    return from_numpy(out)
    ### END SOLUTION


def gelu_backward(grad, x):
    """The derivative of the tanh form, with u = c (x + a x^3):
    0.5 (1 + tanh u) + 0.5 x (1 - tanh(u)^2) c (1 + 3 a x^2)."""
    z = checks.floats("gelu", "x", x)
    c, a = math.sqrt(2.0 / math.pi), 0.044715
    t = np.tanh(c * (z + a * z ** 3))
    d = 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * c * (1.0 + 3 * a * z * z)
    return (grad * d,)


gradients.register(gelu, gelu_backward)

# %% nbgrader={"grade": true, "grade_id": "activations-test-gelu", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_gelu():
    """🔬 Unit Test: gelu"""
    print("🔬 Unit Test: gelu...")

    def reference(v):  # the tanh form, in float64
        c = math.sqrt(2.0 / math.pi)
        return 0.5 * v * (1.0 + math.tanh(c * (v + 0.044715 * v ** 3)))

    x = [-3.0, -1.0, 0.0, 0.5, 1.0, 3.0]
    y = check(gelu, Tensor(x), want=[reference(v) for v in x], rtol=1e-6,
              atol=1e-7)
    print(f"✅ gelu(1) = {y.data[4]:.4f}, gelu(-1) = {y.data[1]:.4f}")

    exact = np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))
                      for v in x])
    gap = np.abs(y.data - exact).max()
    assert gap < 5e-4, f"should be within 5e-4 of the exact GELU, gap {gap}"
    print(f"✅ within 5e-4 of the exact erf form (gap here {gap:.1e})")

    check(gelu, Tensor([-1000.0, 1000.0]), want=[0.0, 1000.0])
    print("✅ gelu(-1000) = 0 and gelu(1000) = 1000")
    ### BEGIN HIDDEN TESTS
    x64 = np.linspace(-6.0, 6.0, 49)
    check(gelu, Tensor(x64, dtype=np.float64),
          want=[reference(v) for v in x64], rtol=1e-12, atol=1e-15)
    assert gelu(Tensor([[1.0], [2.0]])).shape == (2, 1)
    ### END HIDDEN TESTS
    print("📈 Progress: gelu ✓")


test_unit_gelu()

# %% [markdown]
# ## The activation classes
#
# Models hold their activations as objects: `Sequential(Linear(...),
# ReLU(), ...)` in Module 03. The classes below are given, as in
# `torch.nn`: each is a thin wrapper whose `forward` calls your function,
# and calling the object calls `forward`. `Softmax` keeps its `dim`.

# %% nbgrader={"grade": false, "grade_id": "activations-classes", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
class Activation:
    """Base of the activation classes: `act(x)` runs `act.forward(x)`."""

    def __call__(self, x):
        return self.forward(x)

    def __repr__(self):
        return f"{type(self).__name__}()"


class ReLU(Activation):
    """`ReLU()(x)`: see `relu`."""

    def forward(self, x):
        return relu(x)


class Sigmoid(Activation):
    """`Sigmoid()(x)`: see `sigmoid`."""

    def forward(self, x):
        return sigmoid(x)


class Tanh(Activation):
    """`Tanh()(x)`: see `tanh`."""

    def forward(self, x):
        return tanh(x)


class Softmax(Activation):
    """`Softmax(dim=-1)(x)`: see `softmax`."""

    def __init__(self, dim=-1):
        self.dim = checks.integer("Softmax", "dim", dim,
                                  hint="use dim=-1 for the last dimension")

    def forward(self, x):
        return softmax(x, dim=self.dim)

    def __repr__(self):
        return f"Softmax(dim={self.dim})"


class GELU(Activation):
    """`GELU()(x)`: see `gelu` (the tanh approximation).

    NOTE: PyTorch's `nn.GELU()` is the exact erf form; ours equals
    `nn.GELU(approximate='tanh')`.
    """

    def forward(self, x):
        return gelu(x)

# %% [markdown]
# ## Systems analysis
#
# ### Where the numbers run out
#
# The overflow threshold for `exp` depends on the dtype. The cell below
# computes it as $\ln(\text{largest finite value})$ for the three common
# floating-point types. Half precision (`float16`), which GPUs use to save
# memory and time, overflows beyond about 11, so stable formulas matter
# even more there.

# %% nbgrader={"grade": false, "grade_id": "activations-systems-limits", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
print(f"{'dtype':>8} | {'largest finite value':>22} | "
      "exp(x) overflows for x >")
for dtype in (np.float16, np.float32, np.float64):
    largest = np.finfo(dtype).max
    limit = float(np.log(np.float64(largest)))
    print(f"{np.dtype(dtype).name:>8} | {float(largest):22.4e} | {limit:.2f}")
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(dtype(limit - 0.01)))
        assert np.isinf(np.exp(dtype(limit + 0.01)))

# %% [markdown]
# ### How good is the tanh approximation?
#
# The next cell compares your `gelu` (in `float64`) with the exact
# $x\,\Phi(x)$, computed one value at a time with `math.erf`, on a fine
# grid. It also finds the curve's minimum.

# %% nbgrader={"grade": false, "grade_id": "activations-systems-gelu", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
grid = np.linspace(-8.0, 8.0, 16001)
approx = gelu(Tensor(grid, dtype=np.float64)).numpy()
exact = np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))
                  for v in grid])
gap = np.abs(approx - exact)
worst = int(gap.argmax())
lowest = int(exact.argmin())
print(f"largest |tanh form - exact| on [-8, 8]: {gap[worst]:.2e} "
      f"at x = {grid[worst]:+.2f}")
print(f"minimum of the exact GELU: {exact[lowest]:.4f} "
      f"at x = {grid[lowest]:+.3f}")
assert gap.max() < 5e-4

# %% [markdown]
# ### What each activation costs
#
# Every activation here returns a new array the size of its input, so the
# output alone costs as much memory as the input. The stable formulas also
# build temporary arrays along the way (`|x|`, `exp(-|x|)`, the two
# branches of `np.where`, ...). The cell below measures, for a
# `(1000, 1000)` `float32` input (4 MB), the peak memory NumPy allocates
# during one call (with `tracemalloc`) and the best time of five calls.

# %% nbgrader={"grade": false, "grade_id": "activations-systems-cost", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import time
import tracemalloc

x_big = Tensor(np.random.default_rng(0).normal(size=(1000, 1000)))
input_bytes = x_big.data.nbytes
peaks = {}
print(f"input: shape {x_big.shape}, {input_bytes / 1e6:.1f} MB of float32")
print(f"{'activation':>10} | {'peak / input size':>17} | best time (ms)")
for fn in (relu, sigmoid, tanh, softmax, gelu):
    tracemalloc.start()
    fn(x_big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        fn(x_big)
        times.append(time.perf_counter() - start)
    peaks[fn.__name__] = peak / input_bytes
    print(f"{fn.__name__:>10} | {peak / input_bytes:17.1f} | "
          f"{min(times) * 1e3:.1f}")
assert peaks["relu"] >= 1.0  # at least the output itself
assert peaks["sigmoid"] > peaks["relu"]
assert peaks["gelu"] > peaks["relu"]

# %% [markdown]
# Read the table as a systems engineer would. Every row is at least 1.0,
# because the output is a new array. The stable sigmoid pays for its
# safety with temporaries, and GELU for its cube and tanh: both need more
# memory than ReLU (the cell asserts this).
#
# Each NumPy step is a separate pass over memory. On a GPU the same maths
# is *fused* into a single kernel that reads each input once and writes
# each output once, which is why frameworks ship fused activation
# kernels. The timings depend on your machine, so the cell prints them
# rather than this text quoting them.

# %% [markdown]
# ## Module test
#
# The final test checks the five activations together: the identities that
# tie them to each other, stability at $\pm 1000$, dtypes, the given
# classes, and a tiny hidden layer built from your `Tensor` and the
# activations. It carries no points: a bug in one activation already cost
# its step's points, and should not cost them twice.

# %% nbgrader={"grade": false, "grade_id": "activations-test-module", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def test_module():
    """🔬 Module Test: Activations"""
    import warnings

    print("🔬 Module Test: Activations...")
    fns = [relu, sigmoid, tanh, softmax, gelu]
    classes = [ReLU(), Sigmoid(), Tanh(), Softmax(), GELU()]
    x = Tensor(np.random.default_rng(42).normal(size=(4, 6)) * 3.0)

    for fn, act in zip(fns, classes):
        y = fn(x)
        assert isinstance(y, Tensor) and y.shape == (4, 6), fn.__name__
        assert y.dtype == np.float32, f"{fn.__name__} changed float32"
        assert act(x).data.tobytes() == y.data.tobytes(), (
            f"{act!r} and {fn.__name__} disagree")
    print("✅ all five return float32 Tensors of the input's shape, "
          "and the classes give the same")

    assert np.allclose(relu(x).data - relu(-x).data, x.data, atol=1e-6)
    assert np.allclose(tanh(x).data, 2 * sigmoid(x * 2.0).data - 1,
                       atol=1e-6)
    pair = softmax(Tensor([[2.0, -1.0]])).data[0]
    assert np.allclose(pair, sigmoid(Tensor([3.0, -3.0])).data, atol=1e-6)
    print("✅ relu(x) - relu(-x) = x, tanh(x) = 2 sigmoid(2x) - 1, "
          "softmax([a, b]) = [sigmoid(a - b), sigmoid(b - a)]")

    extremes = Tensor([[-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fn in fns:
            assert np.isfinite(fn(extremes).data).all(), fn.__name__
    print("✅ finite outputs at -1000 and 1000 with no warnings")

    w = Tensor(np.random.default_rng(7).normal(size=(6, 3)))
    hidden = ReLU()(x @ w)
    probs = Softmax(dim=-1)(hidden)
    assert probs.shape == (4, 3)
    assert np.allclose(probs.data.sum(axis=1), 1.0, atol=1e-6)
    print("✅ Softmax(dim=-1)(ReLU()(x @ W)) gives a (4, 3) batch of "
          "distributions")
    print("📈 Progress: Module 02 Activations ✓")


test_module()

# %% [markdown]
# ## Summary
#
# You built the five activations that most networks use:
#
# | Function (class) | Range | Where you will meet it |
# |------------------|-------|------------------------|
# | `relu` (`ReLU`) | $[0, \infty)$ | hidden layers of MLPs and CNNs |
# | `sigmoid` (`Sigmoid`) | $(0, 1)$ | binary classification, gates |
# | `tanh` (`Tanh`) | $(-1, 1)$ | recurrent networks, bounded outputs |
# | `softmax` (`Softmax`) | $(0, 1)$, sums to 1 | multi-class outputs, attention |
# | `gelu` (`GELU`) | about $[-0.17, \infty)$ | transformers |
#
# Along the way you met the main numerical lesson of this course: a formula
# that is correct on paper can still overflow in floating point, and the
# fix is an exact rewrite (the $e^{-|x|}$ sigmoid, the max-shifted
# softmax) that keeps every exponent at or below zero.
#
# ## What's next
#
# In **Module 03: Layers** you wrap matrix multiplication into a `Linear`
# layer with learnable weights, chain layers and activations with
# `Sequential`, and add `Dropout`. Together with these activations, that is
# everything a multi-layer perceptron needs.
#
# Export your work and run the package tests (`import
# tinytorch.nn.functional as F` then gives you `F.relu`, `F.softmax`, ...):
#
# ```bash
# tito export --module 02_activations
# tito test --module 02_activations
# ```
