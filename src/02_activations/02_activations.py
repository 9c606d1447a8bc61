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
# - **Implement** `ReLU`, `Sigmoid`, `Tanh`, `Softmax` and `GELU` as small
#   classes with `forward` and `__call__`, the way `torch.nn` does.
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
# | 1 | `ReLU.forward` | keep positives, zero the rest |
# | 2 | `Sigmoid.forward` | squash to (0, 1) without overflow |
# | 3 | `Tanh.forward` | zero-centred squashing to (-1, 1) |
# | 4 | `Softmax.forward` | turn scores into probabilities (max shift) |
# | 5 | `GELU.forward` | the smooth ReLU of transformers |
#
# After the five steps come a stability demonstration, a systems analysis
# (overflow limits, memory, time) and a module test.
#
# **What you are not building yet:** gradients. Each activation here only
# computes its output; the backward pass arrives with autograd later in the
# course.
#
# **The pattern you enable:**
#
# ```python
# relu = ReLU()
# h = relu(x @ W)          # a hidden layer, bent by a nonlinearity
# probs = Softmax(dim=-1)(logits)
# ```

# %% [markdown]
# ## Setup
#
# The first cell names the package file this notebook builds
# (`tinytorch/core/activations.py`) and imports what that file needs. Your
# `Tensor` from Module 01 is imported from the package, exactly as a user of
# the library would import it.

# %% nbgrader={"grade": false, "grade_id": "activations-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.activations
#| export
import math

import numpy as np

from tinytorch.core.tensor import Tensor

# %% [markdown]
# ## Two small helpers (provided)
#
# Every activation starts the same way: accept a `Tensor` (or anything
# `Tensor(...)` accepts, such as a list), and get a floating-point NumPy
# array to compute with. Integer and boolean data become `float32`, the
# course's default; `float32` stays `float32` and `float64` stays `float64`.
# Anything else (a string, `None`, complex numbers) is rejected with a
# one-line `TypeError` that names the activation.
#
# `_resolve_dim` turns Softmax's `dim` argument into a valid NumPy axis, or
# explains in one line why it cannot.
#
# These helpers are written for you; the `forward` methods below call them
# on their first line, so you can focus on the maths.

# %% nbgrader={"grade": false, "grade_id": "activations-helpers", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
def _float_data(x, name: str) -> np.ndarray:
    """The data of `x` as a floating-point ndarray, or a one-line TypeError.

    Tensors are used as they are; other input goes through `Tensor(x)`.
    Integer and boolean data become float32 (the course default).
    """
    if not isinstance(x, Tensor):
        try:
            x = Tensor(x)
        except (TypeError, ValueError) as err:
            reason = " ".join(str(err).split()).split(" Hint:")[0]
            reason = reason.rstrip(".")
            raise TypeError(
                f"{name} expects a Tensor of real numbers, got "
                f"{type(x).__name__} ({reason}). Hint: build the input with "
                f"Tensor(...) from numbers, lists or NumPy arrays"
            ) from None
    data = x.data
    if data.dtype.kind == "f":
        return data
    if data.dtype.kind in "biu":
        return data.astype(np.float32)
    raise TypeError(
        f"{name} expects real numbers, got a Tensor of dtype {data.dtype}. "
        f"Hint: activations are defined for int, bool and float data"
    )


def _resolve_dim(dim: int, ndim: int, name: str) -> int:
    """`dim` as a non-negative axis of an `ndim`-dimensional array."""
    if ndim == 0:
        raise ValueError(
            f"{name} needs at least one dimension, got a 0-d Tensor (a single "
            f"number). Hint: reshape it to (1,), or to (batch, classes)"
        )
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"{name}: dim={dim} is out of range for a Tensor with {ndim} "
            f"dimension(s) (valid: {-ndim}..{ndim - 1}). Hint: dim=-1 "
            f"means the last dimension"
        )
    return dim % ndim

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
# Like every activation in this module, `ReLU` is a class with a `forward`
# method that does the work and a `__call__` that delegates to it, so
# `ReLU()(x)` and `ReLU().forward(x)` give the same result. That is the
# shape `torch.nn` uses, and the one your layers will use in Module 03.

# %% nbgrader={"grade": false, "grade_id": "activations-relu", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class ReLU:
    """Rectified linear unit, applied elementwise.

    ReLU(x) = max(0, x)

    Shape:
        Input: any shape. Output: the same shape.

    Returns:
        A new Tensor; float32 input gives float32 output, float64 gives
        float64, and integer or boolean input gives float32.

    NOTE: PyTorch keeps integer dtypes in `relu`; here every activation
    returns floating-point data.

    Example:
        >>> relu = ReLU()
        >>> relu(Tensor([-2.0, 0.0, 3.0])).numpy()
        array([0., 0., 3.], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        """Apply ReLU to every element of `x`.

        Args:
            x: a Tensor (or array-like) of real numbers.

        Returns:
            A Tensor of the same shape with negative entries set to 0.

        TODO: return a new Tensor holding max(0, z) for every element.

        APPROACH:
            1. `z` (given) is a float NumPy array with the input's values.
            2. Take the elementwise maximum of `z` and 0.
            3. Wrap the result: `Tensor(out, dtype=z.dtype)`.

        HINTS:
            - `np.maximum` compares elementwise; `np.max` reduces instead.
            - Do not modify `z` in place: it may be the input's own data.
        """
        z = _float_data(x, "ReLU")
        ### BEGIN SOLUTION
        out = np.maximum(z, 0)
        return Tensor(out, dtype=z.dtype)
        ### END SOLUTION

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)

    def __repr__(self) -> str:
        return "ReLU()"

# %% nbgrader={"grade": true, "grade_id": "activations-test-relu", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_relu():
    """🔬 Unit Test: ReLU"""
    print("🔬 Unit Test: ReLU...")
    relu = ReLU()
    x = Tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
    y = relu(x)
    assert isinstance(y, Tensor), (
        f"ReLU should return a Tensor, got {type(y).__name__}")
    expected = [0.0, 0.0, 0.0, 0.5, 2.0]
    assert np.array_equal(y.data, expected), (
        f"ReLU([-2, -0.5, 0, 0.5, 2]) should be {expected}, got {y.data}")
    print("✅ ReLU([-2, -0.5, 0, 0.5, 2]) = [0, 0, 0, 0.5, 2]")

    assert y.shape == x.shape and y.dtype == np.float32, (
        f"expected shape (5,) and float32, got {y.shape} and {y.dtype}")
    print("✅ keeps the shape and the float32 dtype")

    m = Tensor([[-1.0, 3.0], [4.0, -5.0]])
    assert np.array_equal(relu.forward(m).data, [[0.0, 3.0], [4.0, 0.0]])
    assert np.array_equal(m.data, [[-1.0, 3.0], [4.0, -5.0]]), (
        "ReLU must not change its input; build a new array instead")
    print("✅ works on a (2, 2) matrix and leaves its input unchanged")
    ### BEGIN HIDDEN TESTS
    x64 = Tensor([-1.5, 2.5], dtype=np.float64)
    y64 = relu(x64)
    assert y64.dtype == np.float64, "float64 input should stay float64"
    assert np.array_equal(y64.data, [0.0, 2.5])
    assert np.array_equal(relu(relu(m)).data, relu(m).data), "not idempotent"
    assert relu(Tensor(-3.0)).shape == (), "a 0-d input should stay 0-d"
    ### END HIDDEN TESTS
    print("📈 Progress: ReLU ✓")


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
class Sigmoid:
    """Logistic sigmoid, applied elementwise, stable for any input size.

    sigmoid(x) = 1 / (1 + exp(-x)), computed with t = exp(-|x|) as
    1 / (1 + t) where x >= 0 and t / (1 + t) where x < 0, so no
    exponential can overflow (no warning even at x = -1000 or 1000).

    Shape:
        Input: any shape. Output: the same shape.

    Returns:
        A new Tensor with values in [0, 1] (exactly 0 or 1 only where the
        true value is closer to them than the dtype can resolve).

    Example:
        >>> y = Sigmoid()(Tensor([-1.0, 0.0, 1.0]))
        >>> print(np.round(y.numpy(), 4))
        [0.2689 0.5    0.7311]
    """

    def forward(self, x: Tensor) -> Tensor:
        """Apply the logistic sigmoid to every element of `x`.

        Args:
            x: a Tensor (or array-like) of real numbers.

        Returns:
            A Tensor of the same shape and floating dtype as `z`.

        TODO: compute sigmoid without ever calling exp on a positive number.

        APPROACH:
            1. t = exp(-|z|): always in (0, 1], so it cannot overflow.
            2. Where z >= 0 the answer is 1 / (1 + t);
               where z < 0 it is t / (1 + t).
            3. Pick per element with `np.where(z >= 0, ..., ...)` and
               return `Tensor(out, dtype=z.dtype)`.

        HINTS:
            - `np.where` evaluates both branches; that is fine here because
              neither branch can overflow.
            - Check: sigmoid(0) = 0.5 and sigmoid(-1000) = 0 with no warning.
        """
        z = _float_data(x, "Sigmoid")
        ### BEGIN SOLUTION
        t = np.exp(-np.abs(z))
        out = np.where(z >= 0, 1.0 / (1.0 + t), t / (1.0 + t))
        return Tensor(out, dtype=z.dtype)
        ### END SOLUTION

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)

    def __repr__(self) -> str:
        return "Sigmoid()"

# %% nbgrader={"grade": true, "grade_id": "activations-test-sigmoid", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid():
    """🔬 Unit Test: Sigmoid"""
    import warnings

    print("🔬 Unit Test: Sigmoid...")
    sigmoid = Sigmoid()
    y = sigmoid(Tensor([0.0]))
    assert isinstance(y, Tensor) and y.data[0] == 0.5, (
        f"sigmoid(0) should be exactly 0.5, got {y.data}")
    print("✅ sigmoid(0) = 0.5")

    x = np.array([-3.0, -1.0, 0.5, 2.0])
    ref = 1.0 / (1.0 + np.exp(-x))  # float64, moderate inputs: safe
    y = sigmoid(Tensor(x))
    assert y.dtype == np.float32, (
        f"float32 in should give float32, got {y.dtype}")
    assert np.allclose(y.data, ref, rtol=1e-6, atol=1e-7), (
        f"expected {ref}, got {y.data}")
    print("✅ matches 1 / (1 + e^-x) on moderate inputs (float32)")

    y_neg = sigmoid(Tensor(-x))
    assert np.allclose(y_neg.data, 1.0 - y.data, atol=1e-6), (
        "sigmoid(-x) should equal 1 - sigmoid(x)")
    print("✅ sigmoid(-x) = 1 - sigmoid(x)")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow warning fails
        big = sigmoid(Tensor([-1000.0, 1000.0]))
    assert np.array_equal(big.data, [0.0, 1.0]), (
        f"sigmoid([-1000, 1000]) should be [0, 1], got {big.data}")
    print("✅ sigmoid([-1000, 1000]) = [0, 1] with no overflow warning")
    ### BEGIN HIDDEN TESTS
    x64 = np.linspace(-30.0, 30.0, 61)
    y64 = sigmoid(Tensor(x64, dtype=np.float64))
    assert y64.dtype == np.float64
    ref64 = np.array([1.0 / (1.0 + math.exp(-v)) for v in x64])
    assert np.allclose(y64.data, ref64, rtol=1e-12, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = sigmoid(Tensor([-1e30, 1e30], dtype=np.float64))
    assert np.array_equal(huge.data, [0.0, 1.0])
    m = Tensor([[-2.0, 2.0]])
    assert sigmoid(m).shape == (1, 2)
    assert np.array_equal(m.data, [[-2.0, 2.0]]), "input was modified"
    ### END HIDDEN TESTS
    print("📈 Progress: Sigmoid ✓")


test_unit_sigmoid()

# %% [markdown]
# ### Stability, demonstrated
#
# Claims about overflow are easy to nod along to. The next cell runs the
# two textbook forms of the sigmoid on `float32` inputs of -1000, 0 and
# 1000, records the warnings NumPy raises (so the notebook output stays
# tidy), and prints each result next to your stable `Sigmoid`.

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
    stable = Sigmoid()(Tensor(big)).numpy()
print(f"your stable Sigmoid   : {stable}   warnings: []")
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
# checks the identity with your `Sigmoid` so you can see they agree.

# %% nbgrader={"grade": false, "grade_id": "activations-tanh", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class Tanh:
    """Hyperbolic tangent, applied elementwise.

    tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) = 2 sigmoid(2x) - 1

    Shape:
        Input: any shape. Output: the same shape.

    Returns:
        A new Tensor with values in [-1, 1].

    Example:
        >>> y = Tanh()(Tensor([-1.0, 0.0, 1.0]))
        >>> print(np.round(y.numpy(), 4))
        [-0.7616  0.      0.7616]
    """

    def forward(self, x: Tensor) -> Tensor:
        """Apply tanh to every element of `x`.

        Args:
            x: a Tensor (or array-like) of real numbers.

        Returns:
            A Tensor of the same shape and floating dtype as `z`.

        TODO: return the elementwise hyperbolic tangent of `z`.

        APPROACH:
            1. Use NumPy's stable `np.tanh` on `z`.
            2. Return `Tensor(out, dtype=z.dtype)`.

        HINTS:
            - Writing out the exp fraction yourself gives nan at x = 1000.
        """
        z = _float_data(x, "Tanh")
        ### BEGIN SOLUTION
        out = np.tanh(z)
        return Tensor(out, dtype=z.dtype)
        ### END SOLUTION

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)

    def __repr__(self) -> str:
        return "Tanh()"

# %% nbgrader={"grade": true, "grade_id": "activations-test-tanh", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_tanh():
    """🔬 Unit Test: Tanh"""
    import warnings

    print("🔬 Unit Test: Tanh...")
    tanh = Tanh()
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    y = tanh(Tensor(x))
    ref = np.array([math.tanh(v) for v in x])
    assert isinstance(y, Tensor) and y.dtype == np.float32
    assert np.allclose(y.data, ref, rtol=1e-6, atol=1e-7), (
        f"expected {ref}, got {y.data}")
    print("✅ matches math.tanh at -2, -0.5, 0, 0.5, 2")

    assert np.allclose(tanh(Tensor(-x)).data, -y.data, atol=0), (
        "tanh should be odd: tanh(-x) = -tanh(x)")
    print("✅ tanh(-x) = -tanh(x)")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = tanh(Tensor([-1000.0, 1000.0]))
    assert np.array_equal(big.data, [-1.0, 1.0]), (
        f"tanh([-1000, 1000]) should be [-1, 1], got {big.data}")
    print("✅ tanh([-1000, 1000]) = [-1, 1] with no warning")
    ### BEGIN HIDDEN TESTS
    x64 = Tensor(np.linspace(-5.0, 5.0, 41), dtype=np.float64)
    y64 = tanh(x64)
    assert y64.dtype == np.float64
    ident = 2.0 * Sigmoid()(x64 * 2.0).data - 1.0
    assert np.allclose(y64.data, ident, atol=1e-12)
    assert tanh(Tensor([[0.0, 1.0], [2.0, 3.0]])).shape == (2, 2)
    ### END HIDDEN TESTS
    print("📈 Progress: Tanh ✓")


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
# last dimension: `dim=-1`, the default (as in `torch.nn.Softmax(dim=-1)`).
# Pass `keepdims=True` to the reductions so the row maxima and sums keep a
# dimension of size 1 and broadcast back over the row.

# %% nbgrader={"grade": false, "grade_id": "activations-softmax", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class Softmax:
    """Softmax along one dimension, max-shifted so it cannot overflow.

    softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),  m = max_j x_j

    Subtracting the maximum m leaves the result unchanged (the factor
    exp(-m) cancels) and keeps every exponent <= 0.

    Args:
        dim: the dimension that sums to 1 (default -1, the last one).

    Shape:
        Input: any shape with at least one dimension. Output: the same
        shape; every slice along `dim` is positive and sums to 1.

    NOTE: PyTorch also accepts a 0-d input (and returns 1.0); this
    implementation asks for at least one dimension.

    Example:
        >>> y = Softmax(dim=-1)(Tensor([[1.0, 2.0, 3.0]]))
        >>> print(np.round(y.numpy(), 4))
        [[0.09   0.2447 0.6652]]
        >>> float(y.numpy().sum())
        1.0
    """

    def __init__(self, dim: int = -1):
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(
                f"Softmax: dim must be an int, got {type(dim).__name__} "
                f"({dim!r}). Hint: use dim=-1 for the last dimension"
            )
        self.dim = int(dim)

    def forward(self, x: Tensor) -> Tensor:
        """Apply softmax along `self.dim`.

        Args:
            x: a Tensor (or array-like) of real numbers (logits).

        Returns:
            A Tensor of the same shape and floating dtype as `z`.

        TODO: compute a max-shifted softmax of `z` along `axis`.

        APPROACH:
            1. Subtract the maximum along `axis` (keepdims=True).
            2. Exponentiate: every value is now in (0, 1].
            3. Divide by the sum along `axis` (keepdims=True).
            4. Return `Tensor(out, dtype=z.dtype)`.

        HINTS:
            - `z.max(axis=axis, keepdims=True)` has a size-1 dimension at
              `axis`, so `z - ...` broadcasts over it.
            - Check: a row of [1000, 1001, 1002] must not give nan.
        """
        z = _float_data(x, "Softmax")
        axis = _resolve_dim(self.dim, z.ndim, "Softmax")
        if z.shape[axis] == 0:
            raise ValueError(
                f"Softmax: dim={self.dim} has size 0 in input shape "
                f"{z.shape}, so there is nothing to normalise. Hint: check "
                f"the shape of the logits"
            )
        ### BEGIN SOLUTION
        shifted = z - z.max(axis=axis, keepdims=True)
        e = np.exp(shifted)
        out = e / e.sum(axis=axis, keepdims=True)
        return Tensor(out, dtype=z.dtype)
        ### END SOLUTION

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)

    def __repr__(self) -> str:
        return f"Softmax(dim={self.dim})"

# %% nbgrader={"grade": true, "grade_id": "activations-test-softmax", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax():
    """🔬 Unit Test: Softmax"""
    import warnings

    print("🔬 Unit Test: Softmax...")
    softmax = Softmax()
    y = softmax(Tensor([1.0, 2.0, 3.0]))
    e = np.exp([1.0, 2.0, 3.0])
    ref = e / e.sum()
    assert isinstance(y, Tensor) and y.dtype == np.float32
    assert np.allclose(y.data, ref, rtol=1e-6, atol=1e-7), (
        f"softmax([1, 2, 3]) should be {ref}, got {y.data}")
    print(f"✅ softmax([1, 2, 3]) = {np.round(y.data, 4)}")

    logits = Tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0]])
    probs = softmax(logits)
    sums = probs.data.sum(axis=-1)
    assert probs.shape == (3, 3) and np.allclose(sums, 1.0, atol=1e-6), (
        f"each row should sum to 1, got sums {sums}")
    assert np.allclose(probs.data[1], 1.0 / 3.0, atol=1e-7), (
        "equal logits should give equal probabilities")
    print("✅ each row of a (3, 3) batch sums to 1")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shifted = softmax(Tensor([1000.0, 1001.0, 1002.0]))
    assert np.allclose(shifted.data, y.data, atol=1e-6), (
        f"softmax([1000, 1001, 1002]) should equal softmax([1, 2, 3]), "
        f"got {shifted.data}")
    print("✅ softmax([1000, 1001, 1002]) = softmax([1, 2, 3]), no warning")

    cols = Softmax(dim=0)(logits)
    assert np.allclose(cols.data.sum(axis=0), 1.0, atol=1e-6), (
        "Softmax(dim=0) should make every column sum to 1")
    print("✅ Softmax(dim=0) normalises columns")
    ### BEGIN HIDDEN TESTS
    x3 = np.random.default_rng(0).normal(size=(2, 3, 4)) * 10
    for dim in (0, 1, 2, -1, -2):
        out = Softmax(dim=dim)(Tensor(x3, dtype=np.float64))
        ex = np.exp(x3 - x3.max(axis=dim, keepdims=True))
        ref3 = ex / ex.sum(axis=dim, keepdims=True)
        assert out.dtype == np.float64
        assert np.allclose(out.data, ref3, rtol=1e-12, atol=1e-15), dim
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        neg = softmax(Tensor([-1000.0, -1000.0]))
    assert np.allclose(neg.data, 0.5)
    assert np.array_equal(logits.data[0], [1.0, 2.0, 3.0]), "input modified"
    ### END HIDDEN TESTS
    print("📈 Progress: Softmax ✓")


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
    stable = Softmax()(Tensor(logits)).numpy()
small = Softmax()(Tensor([1.0, 2.0, 3.0])).numpy()
print(f"your Softmax         : {np.round(stable, 4)}   warnings: []")
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
class GELU:
    """Gaussian Error Linear Unit, tanh approximation, elementwise.

    GELU(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))

    This approximates the exact GELU(x) = x Phi(x) (Phi: the standard
    normal CDF) to within 5e-4 for every x.

    NOTE: this equals PyTorch's `nn.GELU(approximate='tanh')`; PyTorch's
    default `nn.GELU()` uses the exact erf form.

    Shape:
        Input: any shape. Output: the same shape.

    Example:
        >>> y = GELU()(Tensor([-1.0, 0.0, 1.0]))
        >>> print(np.round(y.numpy(), 4))
        [-0.1588  0.      0.8412]
    """

    def forward(self, x: Tensor) -> Tensor:
        """Apply the tanh approximation of GELU to every element of `x`.

        Args:
            x: a Tensor (or array-like) of real numbers.

        Returns:
            A Tensor of the same shape and floating dtype as `z`.

        TODO: implement the tanh approximation of GELU.

        APPROACH:
            1. c = sqrt(2 / pi), a Python float (`math.sqrt`, `math.pi`).
            2. inner = c * (z + 0.044715 * z**3)
            3. out = 0.5 * z * (1 + tanh(inner)); return
               `Tensor(out, dtype=z.dtype)`.

        HINTS:
            - Python floats do not change a float32 array's dtype, but a
              float64 NumPy array would; keep the constants as floats.
            - Check: GELU(1) is about 0.8412 and GELU(-1) about -0.1588.
        """
        z = _float_data(x, "GELU")
        ### BEGIN SOLUTION
        c = math.sqrt(2.0 / math.pi)
        inner = c * (z + 0.044715 * z ** 3)
        out = 0.5 * z * (1.0 + np.tanh(inner))
        return Tensor(out, dtype=z.dtype)
        ### END SOLUTION

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)

    def __repr__(self) -> str:
        return "GELU()"

# %% nbgrader={"grade": true, "grade_id": "activations-test-gelu", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_gelu():
    """🔬 Unit Test: GELU"""
    print("🔬 Unit Test: GELU...")
    gelu = GELU()

    def reference(v):  # the tanh form, in float64
        c = math.sqrt(2.0 / math.pi)
        return 0.5 * v * (1.0 + math.tanh(c * (v + 0.044715 * v ** 3)))

    x = [-3.0, -1.0, 0.0, 0.5, 1.0, 3.0]
    y = gelu(Tensor(x))
    ref = np.array([reference(v) for v in x])
    assert isinstance(y, Tensor) and y.dtype == np.float32
    assert np.allclose(y.data, ref, rtol=1e-6, atol=1e-7), (
        f"expected {ref}, got {y.data}")
    print(f"✅ GELU(1) = {y.data[4]:.4f}, GELU(-1) = {y.data[1]:.4f}")

    exact = np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))
                      for v in x])
    gap = np.abs(y.data - exact).max()
    assert gap < 5e-4, f"should be within 5e-4 of the exact GELU, gap {gap}"
    print(f"✅ within 5e-4 of the exact erf form (gap here {gap:.1e})")

    big = gelu(Tensor([-1000.0, 1000.0]))
    assert np.allclose(big.data, [0.0, 1000.0]), (
        f"GELU should be about 0 at -1000 and 1000 at 1000, got {big.data}")
    print("✅ GELU(-1000) = 0 and GELU(1000) = 1000")
    ### BEGIN HIDDEN TESTS
    x64 = np.linspace(-6.0, 6.0, 49)
    y64 = gelu(Tensor(x64, dtype=np.float64))
    assert y64.dtype == np.float64
    assert np.allclose(y64.data, [reference(v) for v in x64],
                       rtol=1e-12, atol=1e-15)
    assert gelu(Tensor([[1.0], [2.0]])).shape == (2, 1)
    ### END HIDDEN TESTS
    print("📈 Progress: GELU ✓")


test_unit_gelu()

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
# The next cell compares your `GELU` (in `float64`) with the exact
# $x\,\Phi(x)$, computed one value at a time with `math.erf`, on a fine
# grid. It also finds the curve's minimum.

# %% nbgrader={"grade": false, "grade_id": "activations-systems-gelu", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
grid = np.linspace(-8.0, 8.0, 16001)
approx = GELU()(Tensor(grid, dtype=np.float64)).numpy()
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
print(f"{'activation':>15} | {'peak / input size':>17} | best time (ms)")
for act in (ReLU(), Sigmoid(), Tanh(), Softmax(), GELU()):
    tracemalloc.start()
    act(x_big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        act(x_big)
        times.append(time.perf_counter() - start)
    peaks[repr(act)] = peak / input_bytes
    print(f"{act!r:>15} | {peak / input_bytes:17.1f} | "
          f"{min(times) * 1e3:.1f}")
assert peaks["ReLU()"] >= 1.0  # at least the output itself
assert peaks["Sigmoid()"] > peaks["ReLU()"]
assert peaks["GELU()"] > peaks["ReLU()"]

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
# tie them to each other, stability at $\pm 1000$, dtypes, and a tiny
# hidden layer built from your `Tensor` and the activations.

# %% nbgrader={"grade": true, "grade_id": "activations-test-module", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_module():
    """🔬 Module Test: Activations"""
    import warnings

    print("🔬 Module Test: Activations...")
    acts = [ReLU(), Sigmoid(), Tanh(), Softmax(), GELU()]
    x = Tensor(np.random.default_rng(42).normal(size=(4, 6)) * 3.0)

    for act in acts:
        y = act(x)
        assert isinstance(y, Tensor) and y.shape == (4, 6), repr(act)
        assert y.dtype == np.float32, f"{act!r} changed float32"
        assert act.forward(x).data.tobytes() == y.data.tobytes(), (
            f"{act!r}: __call__ and forward disagree")
    print("✅ all five return float32 Tensors of the input's shape")

    relu, sigmoid, tanh = ReLU(), Sigmoid(), Tanh()
    assert np.allclose(relu(x).data - relu(-x).data, x.data, atol=1e-6)
    assert np.allclose(tanh(x).data, 2 * sigmoid(x * 2.0).data - 1,
                       atol=1e-6)
    pair = Softmax()(Tensor([[2.0, -1.0]])).data[0]
    assert np.allclose(pair, sigmoid(Tensor([3.0, -3.0])).data, atol=1e-6)
    print("✅ relu(x) - relu(-x) = x, tanh(x) = 2 sigmoid(2x) - 1, "
          "softmax([a, b]) = [sigmoid(a - b), sigmoid(b - a)]")

    extremes = Tensor([[-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in acts:
            assert np.isfinite(act(extremes).data).all(), repr(act)
    print("✅ finite outputs at -1000 and 1000 with no warnings")

    w = Tensor(np.random.default_rng(7).normal(size=(6, 3)))
    hidden = relu(x @ w)
    probs = Softmax(dim=-1)(hidden)
    assert probs.shape == (4, 3)
    assert np.allclose(probs.data.sum(axis=1), 1.0, atol=1e-6)
    print("✅ softmax(relu(x @ W)) gives a (4, 3) batch of distributions")
    print("📈 Progress: Module 02 Activations ✓")


test_module()

# %% [markdown]
# ## Summary
#
# You built the five activations that most networks use:
#
# | Activation | Range | Where you will meet it |
# |------------|-------|------------------------|
# | `ReLU` | $[0, \infty)$ | hidden layers of MLPs and CNNs |
# | `Sigmoid` | $(0, 1)$ | binary classification, gates |
# | `Tanh` | $(-1, 1)$ | recurrent networks, bounded outputs |
# | `Softmax` | $(0, 1)$, sums to 1 | multi-class outputs, attention |
# | `GELU` | about $[-0.17, \infty)$ | transformers |
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
# Export your work and run the package tests:
#
# ```bash
# tito export --module 02_activations
# tito test --module 02_activations
# ```
