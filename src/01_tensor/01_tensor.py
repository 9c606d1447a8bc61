# %% [markdown]
# # Module 01: Tensor
#
# **FOUNDATION TIER** | Difficulty: 1/4 | Time: 3-4 hours |
# Prerequisites: none
#
# ## Overview
#
# A tensor is a grid of numbers with a shape and a data type. Everything a
# neural network handles is stored in one: the input images, the weights,
# the activations between layers and the loss at the end.
#
# In this module you build TinyTorch's `Tensor` class on top of NumPy. You
# decide how a tensor is created and what it refuses to hold, how it does
# arithmetic between operands of different shapes (broadcasting), how it
# summarises values along an axis (reductions), how it changes shape, and
# how it multiplies matrices. Modules 02 to 04 (activations, layers,
# losses) are written with exactly this API, so every piece you write here
# is used again soon.
#
# The module ends with systems questions that you answer by measuring:
# how many bytes a tensor takes, why the course stores float32 by default,
# and how much faster one NumPy call is than a Python loop.

# %% [markdown]
# ## Learning objectives
#
# By the end of this module you will be able to:
#
# - **Implement** a `Tensor` that wraps a NumPy array, stores float32 by
#   default, and rejects bad input with a one-line error.
# - **Implement** elementwise arithmetic with NumPy broadcasting, including
#   the reflected forms (`2 - x`, `array + x`).
# - **Implement** `exp`, `log` and the reductions `sum`, `mean` and `max`
#   with `axis` and `keepdims`.
# - **Implement** `reshape`, `transpose`, indexing and matrix multiplication
#   with clear shape errors.
# - **Measure** the memory of float32 and float64 tensors and the speed of
#   vectorised code against a Python loop.
#
# ## Prerequisites
#
# None from this course. You need Python (classes and special methods such
# as `__add__`) and a first look at NumPy arrays.

# %% [markdown]
# ## What you'll build
#
# | Step | What you implement | Key concept |
# |------|--------------------|-------------|
# | 1 | `__init__`, `item`, `__repr__`, `__len__` | float32 default |
# | 2 | `_operand`, `_elementwise` (`+ - * / **`) | broadcasting |
# | 3 | `_exp`, `_log`, `_reduce` (`sum`, `mean`, `max`) | `axis`, `keepdims` |
# | 4 | `_reshape`, `_transpose`, `_getitem` | views: same data, new shape |
# | 5 | `_matmul` (`@`) | inner dimensions must agree |
#
# The class itself is given to you with every method in place. Most
# methods hand their work to a private helper function (`__add__` calls
# `_elementwise`, `sum` calls `_reduce`), and those helpers are what you
# write, one step at a time. Each step ends with a test cell; run it right
# after your code.
#
# **The pattern you'll enable:**
#
# ```python
# x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
# W = Tensor([[0.1], [0.2], [0.3]])               # shape (3, 1)
# y = (x @ W + 1.0).sum()                          # a 0-d Tensor
# ```
#
# ### What you are not building (yet)
#
# - Gradients: `Tensor` only computes forward values; autograd comes in a
#   later module.
# - In-place operations (`x.add_(1)`) and item assignment (`x[0] = 1`):
#   every operation returns a new Tensor.
# - GPU support or a dtype promotion scheme of our own: NumPy's rules
#   apply.

# %% nbgrader={"grade": false, "grade_id": "tensor-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.tensor
#| export
import math

import numpy as np

# %% [markdown]
# ## Step 1: Creating a tensor
#
# Four attributes describe every tensor. For
# `x = Tensor([[1, 2, 3], [4, 5, 6]])`:
#
# | Attribute | Meaning | Value for `x` |
# |-----------|---------|---------------|
# | `x.shape` | size of each dimension | `(2, 3)` |
# | `x.ndim` | number of dimensions | `2` |
# | `x.size` | number of elements (the product of the shape) | `6` |
# | `x.dtype` | how each element is stored | `float32` |
#
# A single number is a 0-dimensional tensor: `Tensor(3.0)` has shape `()`,
# `ndim` 0 and `size` 1. Its `.data` is still an `np.ndarray` (a 0-d
# one), so code that works on arrays never meets a bare NumPy scalar.
#
# ### Why float32 by default?
#
# NumPy's default float is float64, which takes 8 bytes per number. Deep
# learning trains in float32 (or in even narrower formats), which takes
# 4: half the memory, half the data to move, and much faster arithmetic
# on GPUs.
# Its 24-bit significand carries about 7 significant decimal digits, which
# is plenty for weights that are nudged by noisy gradient steps anyway.
#
# So `Tensor` stores float32 unless you ask for something else:
# `Tensor([1, 2])` holds `[1. 2.]` as float32 even though the input was
# integers. An explicit `dtype` is honoured: `Tensor([1, 2],
# dtype=np.int64)` stays int64.
#
# NOTE: `torch.tensor([1, 2])` gives int64, and `torch.tensor` keeps a
# float64 NumPy array as float64. TinyTorch has one default (float32) so
# that the whole course computes in one precision unless you opt out.
#
# ### Checking the input once, at the door
#
# NumPy happily builds arrays of text, of arbitrary Python objects or of
# complex numbers. Such a tensor would fail much later, far from the
# mistake. The constructor therefore checks its input:
#
# | Input | Result |
# |-------|--------|
# | `3`, `True`, `[[1, 2], [3, 4]]`, an ndarray, a Tensor | float32 tensor |
# | `[[1, 2], [3]]` (rows of different lengths) | `ValueError` |
# | `"1.5"`, `None`, `[1, None]` | `TypeError` |
# | `[1 + 2j]` | `TypeError` |
#
# Each message is one line: what was expected, what was given, and a
# hint. The helpers below hold the wording, so your constructor only has
# to decide *when* to raise.
#
# The constructor also **copies** its input. A Tensor owns its data:
# changing the list or array you passed in afterwards does not change the
# tensor.

# %% nbgrader={"grade": false, "grade_id": "tensor-input-rules", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
# NumPy dtype kinds a Tensor may hold: bool, signed int, unsigned int, float.
_REAL_KINDS = "biuf"

_RAGGED_MESSAGE = (
    "Tensor: expected a rectangular nested list (every row the same "
    "length), got a ragged one. Hint: pad the short rows, or make one "
    "Tensor per row.")

_KIND_HINTS = {
    "c": "keep the real part (x.real) or the magnitude (abs(x)) first",
    "U": "convert text to numbers first, e.g. float('1.5')",
    "S": "convert text to numbers first, e.g. float('1.5')",
    "O": "every element must be a number; look for None, text or "
         "nested objects",
}


def _bad_data_message(data, dtype):
    """The one-line TypeError message for data that is not real numbers."""
    hint = _KIND_HINTS.get(dtype.kind, "convert it to plain numbers first")
    return (f"Tensor: expected real numbers (bool, int or float), got "
            f"{type(data).__name__} data of NumPy dtype {dtype}. "
            f"Hint: {hint}.")


def _real_dtype(dtype):
    """`dtype` as an `np.dtype`, checked to be bool, int or float."""
    try:
        resolved = np.dtype(dtype)
    except (TypeError, ValueError):
        resolved = None
    if resolved is None or resolved.kind not in _REAL_KINDS:
        raise TypeError(
            f"Tensor: dtype must be a real NumPy dtype such as np.float32, "
            f"np.float64 or np.int64, got {dtype!r}. Hint: leave "
            f"dtype=None to get float32.")
    return resolved


# %% [markdown]
# ### The `Tensor` class
#
# Here is the whole class. Your part in Step 1 is the four methods whose
# bodies are marked as solutions: `__init__`, `item`, `__repr__` and
# `__len__`. The properties `shape`, `size`, `ndim` and `dtype` simply
# read the NumPy array, and the remaining methods call helpers that you
# write in Steps 2 to 5.
#
# Two lines deserve a word:
#
# - `__array_ufunc__ = None` tells NumPy to step back when one operand is
#   a Tensor. Without it, `np.array([1.0]) + x` would be computed by NumPy
#   and return a plain ndarray; with it, Python calls `x.__radd__` and you
#   get a Tensor.
# - `__array__` lets NumPy read a Tensor when asked, so `np.asarray(x)`
#   returns `x.data` and a list of tensors can become one tensor.

# %% nbgrader={"grade": false, "grade_id": "tensor-class", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class Tensor:
    """An n-dimensional array of real numbers: TinyTorch's data type.

    A Tensor wraps a NumPy array (`.data`) and adds the operations neural
    networks need. Operations never change their inputs: each returns a
    new Tensor. `reshape`, `transpose` and basic slicing return views that
    share memory with their input, as they do in NumPy and PyTorch.

    Args:
        data: a Tensor, an `np.ndarray`, a (nested) list or tuple of
            numbers, or a single int, float, bool or NumPy number.
        dtype: the NumPy dtype to store. `None` (the default) stores
            float32 whatever the input; pass e.g. `np.int64` or
            `np.float64` to keep another real dtype.

    Attributes:
        data: the `np.ndarray` holding the values (0-d for a scalar).

    Example:
        >>> x = Tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.shape, x.size, x.ndim, x.dtype
        ((2, 3), 6, 2, dtype('float32'))
        >>> x
        Tensor([[1. 2. 3.]
                [4. 5. 6.]], shape=(2, 3), dtype=float32)

    NOTE: `torch.tensor` keeps the dtype of its input (int64 for Python
    ints, float64 for float64 arrays); TinyTorch stores float32 unless
    `dtype` is given.
    """

    # NumPy defers to Tensor in mixed operations: `array + tensor` calls
    # `Tensor.__radd__` instead of returning a plain ndarray.
    __array_ufunc__ = None

    def __init__(self, data, dtype=None):
        """Store `data` as a NumPy array of a real dtype (float32 default).

        Raises:
            TypeError: for text, None, other objects, complex numbers, or
                a `dtype` that is not bool, int or float.
            ValueError: for ragged nested lists.

        Example:
            >>> Tensor([1, 2, 3]).data
            array([1., 2., 3.], dtype=float32)
            >>> Tensor([1, 2, 3], dtype=np.int64).dtype
            dtype('int64')

        TODO: Convert `data` to a NumPy array, check that it holds real
        numbers, and store a copy of it in `self.data` with the right dtype.

        APPROACH:
            1. If `data` is a Tensor, start from its `.data`.
            2. Call `np.asarray` on it. For a ragged list NumPy raises
               ValueError: raise `ValueError(_RAGGED_MESSAGE)` instead
               (add `from None` to hide NumPy's long message).
            3. If the array's `dtype.kind` is not in `_REAL_KINDS`, raise
               `TypeError(_bad_data_message(data, array.dtype))`.
            4. Pick the dtype to store: float32 when `dtype` is None,
               otherwise `_real_dtype(dtype)` (it checks the argument).
            5. Store `np.array(array, dtype=...)`: a new array, never a
               view of the caller's data.

        HINTS:
            - `np.asarray("abc").dtype.kind` is `'U'` (text) and
              `np.asarray(None).dtype.kind` is `'O'` (object).
            - `np.array` copies by default; `np.asarray` does not.
        """
        ### BEGIN SOLUTION
        source = data.data if isinstance(data, Tensor) else data
        try:
            array = np.asarray(source)
        except ValueError:
            raise ValueError(_RAGGED_MESSAGE) from None
        if array.dtype.kind not in _REAL_KINDS:
            raise TypeError(_bad_data_message(data, array.dtype))
        target = np.float32 if dtype is None else _real_dtype(dtype)
        self.data = np.array(array, dtype=target)
        ### END SOLUTION

    # ----- attributes -------------------------------------------------
    @property
    def shape(self):
        """The size of each dimension, as a tuple (`()` for a scalar)."""
        return self.data.shape

    @property
    def size(self):
        """The number of elements: the product of the shape."""
        return int(self.data.size)

    @property
    def ndim(self):
        """The number of dimensions (0 for a scalar)."""
        return self.data.ndim

    @property
    def dtype(self):
        """The `np.dtype` of the elements."""
        return self.data.dtype

    def numpy(self):
        """The underlying `np.ndarray` itself (no copy).

        Changing the returned array changes the tensor.

        Example:
            >>> x = Tensor([1, 2])
            >>> x.numpy() is x.data
            True
        """
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number.

        Returns:
            A Python float (an int or bool for those dtypes).

        Raises:
            ValueError: if the tensor does not have exactly one element.

        Example:
            >>> Tensor([[2.5]]).item()
            2.5

        TODO: Return the single element as a Python number, and raise a
        one-line ValueError when the tensor does not have exactly one.

        APPROACH:
            1. Check `self.size`.
            2. `self.data.item()` turns a one-element array into a Python
               number.

        HINTS:
            - Put `self.shape` and `self.size` in the message, and suggest
              indexing one element (`x[0]`) or reducing first (`x.sum()`).
        """
        ### BEGIN SOLUTION
        if self.size != 1:
            raise ValueError(
                f"item(): expected a tensor with exactly one element, got "
                f"shape {self.shape} ({self.size} elements). Hint: pick one "
                f"element first (x[0]) or reduce the tensor (x.sum()).")
        return self.data.item()
        ### END SOLUTION

    def __repr__(self):
        """Values, shape and dtype, e.g. `Tensor([1. 2.], shape=(2,), ...)`.

        Example:
            >>> Tensor([1, 2, 3])
            Tensor([1. 2. 3.], shape=(3,), dtype=float32)
            >>> Tensor(7)
            Tensor(7., shape=(), dtype=float32)

        TODO: Return `Tensor(<values>, shape=<shape>, dtype=<dtype>)`.

        APPROACH:
            1. Format the values with `np.array2string(self.data,
               separator=" ", prefix="Tensor(")`; the prefix makes NumPy
               indent the rows of a matrix under the first one.
            2. Put the pieces together in an f-string.

        HINTS:
            - `str(np.dtype("float32"))` is `'float32'`.
        """
        ### BEGIN SOLUTION
        values = np.array2string(self.data, separator=" ", prefix="Tensor(")
        return f"Tensor({values}, shape={self.shape}, dtype={self.dtype})"
        ### END SOLUTION

    def __len__(self):
        """The size of the first dimension, like `len` of a nested list.

        Raises:
            TypeError: for a 0-d tensor, which has no first dimension.

        Example:
            >>> len(Tensor([[1, 2, 3], [4, 5, 6]]))
            2

        TODO: Return the length of the first dimension; raise a one-line
        TypeError for a 0-d tensor.

        APPROACH:
            1. A 0-d tensor has `ndim == 0`: raise.
            2. Otherwise return `self.shape[0]`.

        HINTS:
            - Suggest `.item()` (its value) or `.size` (element count).
        """
        ### BEGIN SOLUTION
        if self.ndim == 0:
            raise TypeError(
                "len() of a 0-d tensor is undefined (its shape is ()). "
                "Hint: use .item() for its value or .size for the number "
                "of elements.")
        return self.shape[0]
        ### END SOLUTION

    def __iter__(self):
        """Iterate over the first dimension, like a nested list."""
        if self.ndim == 0:
            raise TypeError(
                "iteration over a 0-d tensor is undefined (its shape is ()). "
                "Hint: use .item() for its value.")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self):
        """Truth value of a one-element tensor (ambiguous otherwise)."""
        if self.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.size} elements is "
                f"ambiguous (shape {self.shape}). Hint: reduce it first, "
                f"e.g. x.max().item() > 0.")
        return bool(self.data.item())

    def __array__(self, dtype=None, copy=None):
        """Let NumPy read the values: `np.asarray(x)` gives `x.data`."""
        if copy is None:
            return np.asarray(self.data, dtype=dtype)
        return np.array(self.data, dtype=dtype, copy=copy)

    # ----- elementwise arithmetic (Step 2) ----------------------------
    def __add__(self, other):
        """`self + other`, elementwise with broadcasting.

        Example:
            >>> Tensor([[1, 2], [3, 4]]) + Tensor([10, 20])
            Tensor([[11. 22.]
                    [13. 24.]], shape=(2, 2), dtype=float32)
        """
        return _elementwise(np.add, self, other, "+")

    def __radd__(self, other):
        """`other + self`, for a number or an array on the left."""
        return _elementwise(np.add, other, self, "+")

    def __sub__(self, other):
        """`self - other`, elementwise with broadcasting."""
        return _elementwise(np.subtract, self, other, "-")

    def __rsub__(self, other):
        """`other - self`, e.g. `1 - x`.

        Example:
            >>> 1 - Tensor([0.25, 1.0])
            Tensor([0.75 0.  ], shape=(2,), dtype=float32)
        """
        return _elementwise(np.subtract, other, self, "-")

    def __mul__(self, other):
        """`self * other`, elementwise with broadcasting."""
        return _elementwise(np.multiply, self, other, "*")

    def __rmul__(self, other):
        """`other * self`, e.g. `2 * x`."""
        return _elementwise(np.multiply, other, self, "*")

    def __truediv__(self, other):
        """`self / other`, elementwise with broadcasting."""
        return _elementwise(np.true_divide, self, other, "/")

    def __rtruediv__(self, other):
        """`other / self`, e.g. `1 / x`."""
        return _elementwise(np.true_divide, other, self, "/")

    def __pow__(self, other):
        """`self ** other`, elementwise with broadcasting.

        Example:
            >>> Tensor([1, 2, 3]) ** 2
            Tensor([1. 4. 9.], shape=(3,), dtype=float32)
        """
        return _elementwise(np.power, self, other, "**")

    def __rpow__(self, other):
        """`other ** self`, e.g. `2 ** x`."""
        return _elementwise(np.power, other, self, "**")

    def __neg__(self):
        """`-self`: every element with its sign flipped."""
        return _wrap(_checked("-x", np.negative, self.data))

    # ----- elementwise math and reductions (Step 3) -------------------
    def exp(self):
        """Elementwise exponential, e**x.

        Example:
            >>> Tensor([0.0, 1.0]).exp()
            Tensor([1.       2.718282], shape=(2,), dtype=float32)
        """
        return _exp(self)

    def log(self):
        """Elementwise natural logarithm; log(0) is -inf.

        Raises:
            ValueError: if any element is negative.

        Example:
            >>> Tensor([1.0, 100.0]).log()
            Tensor([0.        4.6051702], shape=(2,), dtype=float32)
        """
        return _log(self)

    def sum(self, axis=None, keepdims=False):
        """Sum of the elements, of all of them or along `axis`.

        Args:
            axis: None (all elements), an int, or a tuple of ints;
                negative values count from the last dimension.
            keepdims: keep each reduced dimension with size 1, so the
                result broadcasts against `self`.

        Returns:
            A Tensor; 0-d when every dimension is reduced without keepdims.

        Example:
            >>> x = Tensor([[1, 2, 3], [4, 5, 6]])
            >>> x.sum()
            Tensor(21., shape=(), dtype=float32)
            >>> x.sum(axis=0)
            Tensor([5. 7. 9.], shape=(3,), dtype=float32)
            >>> x.sum(axis=1, keepdims=True).shape
            (2, 1)
        """
        return _reduce(self, np.sum, "sum", axis, keepdims, allow_empty=True)

    def mean(self, axis=None, keepdims=False):
        """Arithmetic mean, of all elements or along `axis`.

        Arguments as for `sum`. The mean of zero elements is undefined
        and raises ValueError.

        Example:
            >>> Tensor([[1, 2, 3], [4, 5, 6]]).mean(axis=1)
            Tensor([2. 5.], shape=(2,), dtype=float32)
        """
        return _reduce(self, np.mean, "mean", axis, keepdims)

    def max(self, axis=None, keepdims=False):
        """Largest element, of all elements or along `axis`.

        Arguments as for `sum`. The max of zero elements is undefined
        and raises ValueError.

        Example:
            >>> Tensor([[1, 5, 3], [4, 2, 6]]).max(axis=0)
            Tensor([4. 5. 6.], shape=(3,), dtype=float32)
        """
        return _reduce(self, np.max, "max", axis, keepdims)

    # ----- shape operations (Step 4) ----------------------------------
    def reshape(self, *shape):
        """The same elements in a new shape (a view, no copy).

        Args:
            *shape: the new dimensions, as ints or as one tuple; one of
                them may be -1, meaning "whatever makes the count match".

        Example:
            >>> Tensor([1, 2, 3, 4, 5, 6]).reshape(2, -1).shape
            (2, 3)
        """
        return _reshape(self, shape)

    def transpose(self, *axes):
        """The tensor with its dimensions reordered (a view, no copy).

        Args:
            *axes: a new order of all dimensions, as ints or one tuple
                (NumPy's meaning). No arguments reverses the order.

        NOTE: PyTorch's `x.transpose(0, 1)` swaps two dimensions; here the
        arguments list *every* dimension, as in NumPy. On a 3-D tensor,
        swap the last two with `x.transpose(0, 2, 1)`.

        Example:
            >>> Tensor([[1, 2, 3], [4, 5, 6]]).transpose().shape
            (3, 2)
        """
        return _transpose(self, axes)

    @property
    def T(self):
        """The tensor with its dimensions reversed: `x.transpose()`."""
        return _transpose(self, ())

    def __getitem__(self, index):
        """`x[index]` with ints, slices, `None`, `...`, arrays or Tensors.

        Example:
            >>> x = Tensor([[1, 2, 3], [4, 5, 6]])
            >>> x[1]
            Tensor([4. 5. 6.], shape=(3,), dtype=float32)
            >>> x[:, Tensor([0, 2])]
            Tensor([[1. 3.]
                    [4. 6.]], shape=(2, 2), dtype=float32)
        """
        return _getitem(self, index)

    # ----- matrix multiplication (Step 5) -----------------------------
    def matmul(self, other):
        """Matrix product `self @ other` (NumPy's `matmul` rules).

        Shape:
            (M, K) @ (K, N) -> (M, N); leading batch dimensions broadcast.

        Example:
            >>> Tensor([[1, 2], [3, 4]]).matmul(Tensor([[5, 6], [7, 8]]))
            Tensor([[19. 22.]
                    [43. 50.]], shape=(2, 2), dtype=float32)
        """
        return _matmul(self, other)

    def __matmul__(self, other):
        """`self @ other`; see `matmul`."""
        return _matmul(self, other)

    def __rmatmul__(self, other):
        """`other @ self`, for an ndarray on the left."""
        return _matmul(other, self)


# %% nbgrader={"grade": true, "grade_id": "tensor-test-creation", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_creation():
    """🔬 Unit Test: creating tensors, attributes, item, repr and len."""
    print("🔬 Unit Test: Tensor creation...")

    x = Tensor([[1, 2, 3], [4, 5, 6]])
    assert isinstance(x.data, np.ndarray), "x.data should be an np.ndarray"
    assert x.shape == (2, 3), f"shape should be (2, 3), got {x.shape}"
    assert (x.size, x.ndim) == (6, 2), f"got size {x.size}, ndim {x.ndim}"
    assert x.dtype == np.float32, f"default dtype is float32, got {x.dtype}"
    assert x.data.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    print("✅ a nested list becomes a (2, 3) float32 tensor")

    s = Tensor(5)
    assert s.shape == () and s.ndim == 0 and s.size == 1
    assert isinstance(s.data, np.ndarray), "a scalar's .data is a 0-d array"
    assert s.item() == 5.0 and isinstance(s.item(), float)
    print("✅ a number becomes a 0-d tensor; item() gives 5.0")

    ints = Tensor([1, 2], dtype=np.int64)
    assert ints.dtype == np.int64, f"explicit dtype ignored: {ints.dtype}"
    source = np.array([1.5, 2.5])  # float64
    y = Tensor(source)
    assert y.dtype == np.float32, "float64 arrays are stored as float32"
    source[0] = 100.0
    assert y.data[0] == 1.5, "the tensor must copy its input"
    z = Tensor(y)
    assert z.data is not y.data and z.data.tolist() == [1.5, 2.5]
    print("✅ explicit dtype kept; arrays and tensors are copied")

    for bad in ([1 + 2j], "1.5", None):
        try:
            Tensor(bad)
        except TypeError:
            pass
        else:
            raise AssertionError(f"Tensor({bad!r}) should raise TypeError")
    try:
        Tensor([[1, 2], [3]])
    except ValueError:
        pass
    else:
        raise AssertionError("a ragged list should raise ValueError")
    print("✅ complex, text, None -> TypeError; ragged list -> ValueError")

    expected = "Tensor([1. 2. 3.], shape=(3,), dtype=float32)"
    assert repr(Tensor([1, 2, 3])) == expected, repr(Tensor([1, 2, 3]))
    assert len(x) == 2, f"len of a (2, 3) tensor is 2, got {len(x)}"
    try:
        x.item()
    except ValueError:
        pass
    else:
        raise AssertionError("item() on 6 elements should raise ValueError")
    print("✅ repr, len and item() behave")

    ### BEGIN HIDDEN TESTS
    b = Tensor([True, False])
    assert b.dtype == np.float32 and b.data.tolist() == [1.0, 0.0]
    n = Tensor(np.float64(2.5))
    assert type(n.data) is np.ndarray and n.shape == ()
    assert n.dtype == np.float32 and n.item() == 2.5
    e = Tensor([])
    assert e.shape == (0,) and e.size == 0 and e.dtype == np.float32
    assert Tensor([1.5], dtype=np.float64).dtype == np.float64
    for bad_dtype in (np.complex64, object, "not-a-dtype"):
        try:
            Tensor([1.0], dtype=bad_dtype)
        except TypeError:
            pass
        else:
            raise AssertionError(f"dtype={bad_dtype!r} should be refused")
    try:
        Tensor([1, None])
    except TypeError:
        pass
    else:
        raise AssertionError("[1, None] should raise TypeError")
    try:
        len(s)
    except TypeError:
        pass
    else:
        raise AssertionError("len() of a 0-d tensor should raise TypeError")
    assert x.numpy() is x.data, "numpy() returns the array without a copy"
    assert repr(Tensor(7)) == "Tensor(7., shape=(), dtype=float32)"
    ### END HIDDEN TESTS

    print("📈 Progress: Tensor creation ✓")


test_unit_creation()

# %% [markdown]
# With the constructor done, try a few tensors yourself. Notice how the
# repr lines up the rows of a matrix, and how every input turns into
# float32 unless a dtype is given.

# %% nbgrader={"grade": false, "grade_id": "tensor-demo-creation", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
for value in (3, [1.5, -2.0], [[1, 2], [3, 4]], np.arange(3)):
    print(repr(Tensor(value)))
print(repr(Tensor([1, 2], dtype=np.int64)))

# %% [markdown]
# ## Two helpers every operation uses
#
# Every operation in the steps below ends the same way: NumPy computes a
# new array, and the array goes back into a Tensor. Two small helpers
# (given, nothing to write) make that uniform:
#
# - `_wrap(array)` puts a freshly computed array into a Tensor **without**
#   the checks and the copy of `__init__`. A result computed from valid
#   tensors is already valid, and copying it would double the memory
#   traffic of every operation. Its public twin, `from_numpy(array)`,
#   does the same for code outside this module (it checks that the array
#   holds real numbers): later modules use it to return their results.
# - `_checked(what, fn, *args)` runs a NumPy function and turns a *newly
#   created* NaN into a one-line ValueError. NumPy produces NaN for
#   invalid operations such as 0/0, inf - inf or 0 * inf, and by default
#   it only prints a warning; the NaN then spreads silently through every
#   later result. `np.errstate(invalid="raise")` makes NumPy raise
#   instead, and we translate that into a clear message. A NaN that was
#   already in the input passes through unchanged, as in NumPy. The few
#   operations NumPy refuses for a dtype (an int tensor to a negative int
#   power, `-` on a bool tensor) also get a one-line message.
#
# A third helper, `_is_int`, tells apart the ints that may be used as
# axes and dimensions from bools and floats.

# %% nbgrader={"grade": false, "grade_id": "tensor-plumbing", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
def _wrap(array):
    """Put a freshly computed NumPy result in a Tensor (no check, no copy).

    Some NumPy operations return a NumPy scalar for 0-d input;
    `np.asarray` turns it back into a 0-d array, so `.data` is always an
    ndarray.
    """
    tensor = Tensor.__new__(Tensor)
    tensor.data = np.asarray(array)
    return tensor


def from_numpy(array):
    """A Tensor that holds `array` itself: no copy, and its dtype kept.

    `Tensor(values)` copies what it is given and stores float32, the safe
    choice for values a user passes in. For an array your own code has
    just computed, `from_numpy(result)` is the way to make a Tensor: it
    keeps the array (and so its dtype: float64 stays float64), as
    `torch.from_numpy` does. A NumPy number such as `arr.mean()` becomes
    a 0-d Tensor.

    Raises:
        TypeError: `array` is not a NumPy array or NumPy number of real
            values (a list or a Python float goes through `Tensor(...)`).

    Example:
        >>> from_numpy(np.zeros((2, 3), dtype=np.float64)).dtype
        dtype('float64')
        >>> from_numpy(np.float32(0.5)).shape
        ()
    """
    if not isinstance(array, (np.ndarray, np.generic)) or \
            np.asarray(array).dtype.kind not in _REAL_KINDS:
        raise TypeError(
            f"from_numpy: expected a NumPy array or NumPy number of real "
            f"values, got {type(array).__name__}. Hint: use Tensor(values) "
            f"for lists and Python numbers.")
    return _wrap(array)


def _checked(what, fn, *args, **kwargs):
    """Return `fn(*args, **kwargs)`; raise ValueError if it creates a NaN.

    NumPy's own refusals for a dtype (e.g. an int to a negative int
    power, or `-` on bools) become one-line errors of the same type.
    """
    try:
        with np.errstate(invalid="raise"):
            return fn(*args, **kwargs)
    except FloatingPointError:
        raise ValueError(
            f"{what}: the result would contain NaN from an invalid "
            f"operation such as 0/0, inf - inf, 0 * inf or a negative "
            f"number to a fractional power. Hint: look for zeros, "
            f"infinities or negative values in the inputs.") from None
    except (TypeError, ValueError) as exc:
        kind = TypeError if isinstance(exc, TypeError) else ValueError
        reason = str(exc).strip().rstrip(".")
        raise kind(
            f"{what}: NumPy cannot do this for these dtypes ({reason}). "
            f"Hint: convert to float32 first, e.g. Tensor(x).") from None


def _is_int(value):
    """True for Python and NumPy integers, False for bools and the rest."""
    return (isinstance(value, (int, np.integer))
            and not isinstance(value, (bool, np.bool_)))


# %% [markdown]
# ## Step 2: Elementwise arithmetic and broadcasting
#
# `x + y`, `x - y`, `x * y`, `x / y` and `x ** y` all work element by
# element: for two tensors of the same shape, $z_{ij} = x_{ij} + y_{ij}$.
# The interesting case is when the shapes differ.
#
# ### Broadcasting
#
# Adding a bias vector to every row of a batch, or scaling a matrix by a
# number, combines operands of different shapes. NumPy's **broadcasting**
# rule decides when that is allowed:
#
# 1. Line the two shapes up at their right ends; a missing dimension
#    counts as 1.
# 2. In each position the two sizes must be equal, or one of them must
#    be 1.
# 3. The result takes the larger size in each position; an operand of
#    size 1 is reused along that dimension.
#
# | Left | Right | Result |
# |------|-------|--------|
# | `(2, 3)` | `()` (a number) | `(2, 3)` |
# | `(4, 3)` | `(3,)` | `(4, 3)`: the vector is added to every row |
# | `(3, 1)` | `(1, 4)` | `(3, 4)`: an "outer" combination |
# | `(2, 3)` | `(2,)` | error: 3 and 2 differ and neither is 1 |
#
# For `(3, 1) * (1, 4)` the rule gives $z_{ij} = x_{i0} \, y_{0j}$: every
# row of `x` meets every column of `y`. NumPy never copies the smaller
# operand to do this; it reads the same values again.
#
# When shapes do not broadcast, NumPy says "operands could not be
# broadcast together with shapes (2,3) (2,)" and stops there. Yours names
# both shapes too, states the rule, and suggests a fix.
#
# ### Reflected operators
#
# For `2 - x`, Python first asks the int `2` to subtract a Tensor. It
# cannot, so Python calls `x.__rsub__(2)`: the Tensor handles the
# operation with itself on the **right**. Order matters for `-`, `/` and
# `**`, which is why each method passes its operands to `_elementwise` in
# the order they appear in the expression. The same happens with an
# ndarray on the left, thanks to `__array_ufunc__ = None`.
#
# ### Result dtypes
#
# Results keep NumPy's result dtype. A Python number does not change a
# tensor's dtype (float32 `+ 0.5` stays float32; int64 `+ 2` stays
# int64), but an array operand of a wider type does (float32 plus a
# float64 ndarray gives float64).
#
# Division by zero follows IEEE arithmetic: `1 / 0` is `inf` (NumPy also
# prints a warning). Only operations that would create NaN raise, through
# `_checked`.

# %% nbgrader={"grade": false, "grade_id": "tensor-elementwise", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _operand(value, symbol):
    """One operand of an arithmetic operator, as NumPy will use it.

    Tensors give their array; real Python and NumPy numbers and real
    ndarrays are used as they are (a Python number keeps the tensor's
    dtype); anything else raises a one-line TypeError.

    Args:
        value: the operand.
        symbol: the operator as written (`"+"`), for the error message.

    Returns:
        An `np.ndarray` or a real number.

    Example:
        >>> _operand(Tensor([1, 2]), "+")
        array([1., 2.], dtype=float32)
        >>> _operand(0.5, "+")
        0.5

    TODO: Return an array or number NumPy can use; raise TypeError for
    anything else (lists, text, None, complex numbers, object arrays).

    APPROACH:
        1. Tensor -> its `.data`.
        2. bool/int/float or a NumPy number (`np.bool_`, `np.integer`,
           `np.floating`) -> the value unchanged.
        3. An ndarray whose `dtype.kind` is in `_REAL_KINDS` -> unchanged.
        4. Anything else -> TypeError naming `symbol` and the type given.

    HINTS:
        - Python's `complex` is not a subclass of `float`, so
          `isinstance(1j, float)` is False, as it should be here.
        - Suggest wrapping lists: `Tensor([...])`.
    """
    ### BEGIN SOLUTION
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (bool, int, float, np.bool_, np.integer,
                          np.floating)):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in _REAL_KINDS:
        return value
    got = (f"an ndarray of dtype {value.dtype}"
           if isinstance(value, np.ndarray) else type(value).__name__)
    raise TypeError(
        f"Tensor {symbol}: expected a Tensor, a real number or a real NumPy "
        f"array as the other operand, got {got}. Hint: wrap lists as "
        f"Tensor([...]); complex numbers are not supported.")
    ### END SOLUTION


def _elementwise(op, left, right, symbol):
    """Apply a NumPy elementwise function to two operands, broadcasting.

    Args:
        op: a NumPy function of two arrays, e.g. `np.add`.
        left, right: the operands in the order of the expression (one of
            them is a Tensor; see `_operand` for the other).
        symbol: the operator as written, for error messages.

    Shape:
        The broadcast shape of the two operands.

    Returns:
        A new Tensor with NumPy's result dtype.

    Raises:
        ValueError: if the shapes do not broadcast, or the result would
            contain a new NaN.

    Example:
        >>> _elementwise(np.subtract, 10, Tensor([1, 2]), "-")
        Tensor([9. 8.], shape=(2,), dtype=float32)

    TODO: Convert both operands, check that their shapes broadcast, and
    compute `op(a, b)` so that a newly created NaN raises.

    APPROACH:
        1. `a = _operand(left, symbol)`, `b = _operand(right, symbol)`.
        2. `np.broadcast_shapes(np.shape(a), np.shape(b))` raises
           ValueError when the shapes do not fit: catch it and raise a
           one-line ValueError that names both shapes and gives a hint.
        3. `result = _checked(f"Tensor {symbol}", op, a, b)`.
        4. Return `_wrap(result)`.

    HINTS:
        - `np.shape(3.0)` is `()`, so numbers need no special case.
        - A good hint: "reshape one operand, e.g. x.reshape(-1, 1)".
    """
    ### BEGIN SOLUTION
    a = _operand(left, symbol)
    b = _operand(right, symbol)
    shape_a, shape_b = np.shape(a), np.shape(b)
    try:
        np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        raise ValueError(
            f"Tensor {symbol}: shapes {shape_a} and {shape_b} cannot be "
            f"broadcast (matching from the right, sizes must be equal or "
            f"1). Hint: reshape one operand, e.g. x.reshape(-1, 1) for a "
            f"column.") from None
    result = _checked(f"Tensor {symbol}", op, a, b)
    return _wrap(result)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "tensor-test-arithmetic", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_arithmetic():
    """🔬 Unit Test: + - * / ** and unary -, with broadcasting."""
    print("🔬 Unit Test: Elementwise arithmetic...")

    a = Tensor([1.0, 2.0, 3.0])
    b = Tensor([4.0, 5.0, 6.0])
    assert (a + b).data.tolist() == [5.0, 7.0, 9.0]
    assert (b - a).data.tolist() == [3.0, 3.0, 3.0]
    assert (a * b).data.tolist() == [4.0, 10.0, 18.0]
    assert (b / a).data.tolist() == [4.0, 2.5, 2.0]
    assert (a ** 2).data.tolist() == [1.0, 4.0, 9.0]
    assert (-a).data.tolist() == [-1.0, -2.0, -3.0]
    print("✅ + - * / ** and -x on equal shapes")

    m = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    row = m + Tensor([10.0, 20.0, 30.0])
    assert row.shape == (2, 3)
    assert row.data.tolist() == [[11.0, 22.0, 33.0], [14.0, 25.0, 36.0]]
    outer = Tensor([[1.0], [2.0], [3.0]]) * Tensor([[1.0, 10.0]])
    assert outer.shape == (3, 2), f"(3, 1) * (1, 2) gives {outer.shape}"
    assert outer.data.tolist() == [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]
    print("✅ broadcasting: (2, 3) + (3,) and (3, 1) * (1, 2)")

    assert (1 + a).data.tolist() == [2.0, 3.0, 4.0]
    assert (10 - a).data.tolist() == [9.0, 8.0, 7.0]
    assert (3 * a).data.tolist() == [3.0, 6.0, 9.0]
    assert (6 / a).data.tolist() == [6.0, 3.0, 2.0]
    assert (2 ** a).data.tolist() == [2.0, 4.0, 8.0]
    left = np.array([1.0, 1.0, 1.0]) - a
    assert isinstance(left, Tensor), "ndarray - Tensor should give a Tensor"
    assert left.data.tolist() == [0.0, -1.0, -2.0]
    print("✅ reflected forms: 10 - x, 6 / x, 2 ** x, ndarray - x")

    assert (a + 0.5).dtype == np.float32, "a Python float keeps float32"
    assert (a * 2).dtype == np.float32
    assert a.data.tolist() == [1.0, 2.0, 3.0], "operations must not mutate"
    print("✅ results stay float32; inputs are untouched")

    try:
        Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) + Tensor([1.0, 2.0])
    except ValueError as exc:
        assert "(2, 3)" in str(exc) and "(2,)" in str(exc), str(exc)
    else:
        raise AssertionError("(2, 3) + (2,) should raise ValueError")
    print("✅ incompatible shapes raise a ValueError naming both shapes")

    ### BEGIN HIDDEN TESTS
    i = Tensor([1, 2], dtype=np.int64)
    assert (i + 2).dtype == np.int64, "int64 + Python int stays int64"
    assert (a + np.array([1.0, 1.0, 1.0])).dtype == np.float64
    try:
        Tensor([0.0]) / Tensor([0.0])
    except ValueError:
        pass
    else:
        raise AssertionError("0 / 0 creates NaN and should raise")
    for bad in ([1.0, 2.0, 3.0], "x", None, 1j):
        try:
            a + bad
        except TypeError:
            pass
        else:
            raise AssertionError(f"Tensor + {bad!r} should raise TypeError")
    with np.errstate(divide="ignore"):
        assert (Tensor([1.0]) / 0).data[0] == np.inf
    s = Tensor(2.0) * Tensor(3.0)
    assert s.shape == () and type(s.data) is np.ndarray and s.item() == 6.0
    assert (np.float64(1.0) + a).data.tolist() == [2.0, 3.0, 4.0]
    ### END HIDDEN TESTS

    print("📈 Progress: Elementwise arithmetic ✓")


test_unit_arithmetic()

# %% [markdown]
# ## Step 3: Elementwise math and reductions
#
# ### `exp` and `log`
#
# `x.exp()` computes $e^{x}$ for every element and `x.log()` the natural
# logarithm $\ln x$. They are the building blocks of softmax (Module 02)
# and of cross-entropy (Module 04).
#
# The logarithm is only defined for $x \ge 0$ (with $\ln 0 = -\infty$).
# For a negative input NumPy returns NaN with a warning; yours raises a
# ValueError that shows the offending value. `log(0)` gives `-inf`
# quietly, as PyTorch does.
#
# ### Reductions: `sum`, `mean`, `max`
#
# A reduction turns many numbers into fewer. Without `axis` it uses every
# element and returns a 0-d tensor. With `axis` it collapses only that
# dimension. For
#
# $$x = \begin{bmatrix} 1 & 2 & 3 \\ 4 & 5 & 6 \end{bmatrix}$$
#
# | Call | Result | Shape |
# |------|--------|-------|
# | `x.sum()` | `21` | `()` |
# | `x.sum(axis=0)` | `[5, 7, 9]` (down each column) | `(3,)` |
# | `x.sum(axis=1)` | `[6, 15]` (along each row) | `(2,)` |
# | `x.mean(axis=1, keepdims=True)` | `[[2], [5]]` | `(2, 1)` |
# | `x.max(axis=0)` | `[4, 5, 6]` | `(3,)` |
#
# In symbols, reducing axis 1 of a matrix gives
# $s_i = \sum_j x_{ij}$ and $\bar{x}_i = \frac{1}{n}\sum_j x_{ij}$, where
# $n$ is the size of axis 1. `axis=-1` always means the last dimension,
# and a tuple such as `axis=(0, 1)` reduces several at once.
#
# **`keepdims=True`** keeps each reduced dimension with size 1. The result
# then broadcasts against the input, which is exactly what you need to
# centre each row: `x - x.mean(axis=1, keepdims=True)` has shape `(2, 3)`.
# Without keepdims the mean has shape `(2,)`, which does not broadcast
# against `(2, 3)`. The same pattern, `x - x.max(axis=1, keepdims=True)`,
# keeps softmax from overflowing in Modules 02 and 04.
#
# ### Empty input and bad axes
#
# The sum of no numbers is 0, but the mean and the max of no numbers are
# undefined: NumPy returns NaN with a warning for the mean and raises a
# cryptic error for the max. Yours raises one clear ValueError for both.
# An axis outside the tensor's dimensions, or one named twice, is a
# ValueError; an axis that is not an int is a TypeError. The axis checks
# are given (`_check_axis`); you write `_exp`, `_log` and `_reduce`.

# %% nbgrader={"grade": false, "grade_id": "tensor-math", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _check_axis(x, axis, name):
    """The dimensions that `axis` names, as a tuple of ints >= 0.

    `None` means every dimension. Raises TypeError for a non-int axis and
    ValueError for one that is out of range or repeated.
    """
    if axis is None:
        return tuple(range(x.ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not all(_is_int(a) for a in axes):
        raise TypeError(
            f"{name}: axis must be None, an int or a tuple of ints, got "
            f"{axis!r}. Hint: e.g. axis=0, axis=-1 or axis=(0, 1).")
    found = []
    for a in axes:
        if not -x.ndim <= a < x.ndim:
            valid = (f"{-x.ndim} to {x.ndim - 1}" if x.ndim
                     else "none, a 0-d tensor has no axes")
            raise ValueError(
                f"{name}: axis {a} is out of range for a tensor of shape "
                f"{x.shape} (valid axes: {valid}). Hint: axis=-1 always "
                f"means the last dimension; axis=None reduces everything.")
        a = int(a) % x.ndim
        if a in found:
            raise ValueError(
                f"{name}: axis {axis!r} names dimension {a} twice. Hint: "
                f"list each dimension once.")
        found.append(a)
    return tuple(found)


def _exp(x):
    """Elementwise e**x of a Tensor.

    Example:
        >>> _exp(Tensor([0.0])).data
        array([1.], dtype=float32)

    TODO: Return a new Tensor holding `np.exp` of the data.

    APPROACH:
        1. `np.exp(x.data)`, then `_wrap` it.

    HINTS:
        - exp never creates NaN (exp of a huge number is inf, with a
          NumPy overflow warning), so `_checked` is not needed.
    """
    ### BEGIN SOLUTION
    return _wrap(np.exp(x.data))
    ### END SOLUTION


def _log(x):
    """Elementwise natural logarithm of a Tensor, refusing negatives.

    Formula:
        log(x) for x > 0, log(0) = -inf; negative x raises ValueError.

    Example:
        >>> _log(Tensor([1.0])).data
        array([0.], dtype=float32)

    TODO: Raise a one-line ValueError if any element is negative;
    otherwise return `np.log` of the data, with log(0) = -inf and no
    warning.

    APPROACH:
        1. `negative = x.data < 0`; if `negative.any()`, raise a ValueError
           showing the smallest value (`x.data[negative].min()`).
        2. Compute `np.log(x.data)` inside `np.errstate(divide="ignore")`
           so that log(0) is -inf without a warning.
        3. `_wrap` the result.

    HINTS:
        - Format the value with `:g` so -0.5 prints as "-0.5".
        - NaN < 0 is False, so a NaN input passes through as NaN.
    """
    ### BEGIN SOLUTION
    negative = x.data < 0
    if negative.any():
        smallest = x.data[negative].min()
        raise ValueError(
            f"log: expected values >= 0, got {smallest:g}. Hint: log is "
            f"undefined for negative numbers; clip or shift the input first "
            f"(log(0) is -inf).")
    with np.errstate(divide="ignore"):
        return _wrap(np.log(x.data))
    ### END SOLUTION


def _reduce(x, fn, name, axis=None, keepdims=False, allow_empty=False):
    """Reduce a Tensor with a NumPy reduction (`np.sum`, `np.mean`, ...).

    Formula (reducing axis 1 of a matrix):
        sum: s_i = sum_j x_ij;  mean: s_i / n;  max: max_j x_ij

    Args:
        x: the Tensor.
        fn: the NumPy reduction, called as `fn(array, axis=...,
            keepdims=...)`.
        name: "sum", "mean" or "max", for error messages.
        axis: None, an int or a tuple of ints.
        keepdims: keep reduced dimensions with size 1.
        allow_empty: True when reducing zero elements is defined (sum).

    Returns:
        A new Tensor with NumPy's result dtype.

    Example:
        >>> _reduce(Tensor([[1, 2], [3, 4]]), np.sum, "sum", axis=1)
        Tensor([3. 7.], shape=(2,), dtype=float32)

    TODO: Check the axis, refuse empty reductions unless `allow_empty`,
    and compute `fn` so that a newly created NaN raises.

    APPROACH:
        1. `axes = _check_axis(x, axis, name)`.
        2. The number of values reduced into each result is the product
           of `x.shape[a]` over `axes` (`math.prod`). If it is 0 and not
           `allow_empty`, raise a one-line ValueError.
        3. `result = _checked(name, fn, x.data, axis=axes,
           keepdims=keepdims)` (a tuple of all axes means "everything").
        4. Return `_wrap(result)`.

    HINTS:
        - `math.prod(())` is 1: a 0-d tensor reduces one value.
        - sum([inf, -inf]) is NaN; `_checked` turns that into an error.
    """
    ### BEGIN SOLUTION
    axes = _check_axis(x, axis, name)
    count = math.prod(x.shape[a] for a in axes)
    if count == 0 and not allow_empty:
        raise ValueError(
            f"{name}: cannot reduce zero elements (shape {x.shape}, "
            f"axis={axis!r}). Hint: the {name} of nothing is undefined; "
            f"check that the tensor is not empty.")
    result = _checked(name, fn, x.data, axis=axes, keepdims=keepdims)
    return _wrap(result)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "tensor-test-reductions", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_reductions():
    """🔬 Unit Test: exp, log, sum, mean and max."""
    print("🔬 Unit Test: Math and reductions...")

    v = [0.0, 1.0, -2.0]
    np.testing.assert_allclose(Tensor(v).exp().data, np.exp(v), rtol=1e-6)
    w = [1.0, 2.0, 10.0]
    np.testing.assert_allclose(Tensor(w).log().data, np.log(w), rtol=1e-6)
    assert Tensor(v).exp().dtype == np.float32
    assert Tensor([0.0]).log().data[0] == -np.inf, "log(0) is -inf"
    try:
        Tensor([1.0, -0.5]).log()
    except ValueError as exc:
        assert "-0.5" in str(exc), f"show the bad value: {exc}"
    else:
        raise AssertionError("log of a negative number should raise")
    print("✅ exp and log match NumPy; log(-0.5) raises")

    x = Tensor([[1, 2, 3], [4, 5, 6]])
    assert x.sum().shape == () and x.sum().item() == 21.0
    assert x.sum(axis=0).data.tolist() == [5.0, 7.0, 9.0]
    assert x.sum(axis=1).data.tolist() == [6.0, 15.0]
    assert x.sum(axis=-1).data.tolist() == [6.0, 15.0]
    print("✅ sum over all, axis 0, axis 1 and axis -1")

    m = x.mean(axis=1, keepdims=True)
    assert m.shape == (2, 1), f"keepdims keeps (2, 1), got {m.shape}"
    assert m.data.tolist() == [[2.0], [5.0]]
    assert x.mean().item() == 3.5
    assert x.max(axis=0).data.tolist() == [4.0, 5.0, 6.0]
    assert x.max().item() == 6.0
    centred = x - x.mean(axis=1, keepdims=True)
    assert centred.data.tolist() == [[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]
    print("✅ mean and max; keepdims lets x - x.mean(1, keepdims) broadcast")

    try:
        x.sum(axis=2)
    except ValueError:
        pass
    else:
        raise AssertionError("axis 2 of a 2-D tensor should raise")
    print("✅ an out-of-range axis raises ValueError")

    ### BEGIN HIDDEN TESTS
    assert x.sum(axis=(0, 1)).item() == 21.0
    assert x.max(axis=1, keepdims=True).shape == (2, 1)
    assert x.sum(keepdims=True).shape == (1, 1)
    e = Tensor(np.zeros((0, 3)))
    assert e.sum().item() == 0.0 and e.sum(axis=0).shape == (3,)
    assert e.max(axis=1).shape == (0,)
    for call in (lambda: e.mean(), lambda: e.max(), lambda: e.max(axis=0)):
        try:
            call()
        except ValueError:
            pass
        else:
            raise AssertionError("reducing zero elements should raise")
    for bad_axis, error in ((1.5, TypeError), (True, TypeError),
                            ((0, 0), ValueError), (-3, ValueError)):
        try:
            x.sum(axis=bad_axis)
        except error:
            pass
        else:
            raise AssertionError(f"axis={bad_axis!r} should raise {error}")
    try:
        Tensor([np.inf, -np.inf]).sum()
    except ValueError:
        pass
    else:
        raise AssertionError("inf + -inf creates NaN and should raise")
    assert Tensor(3.0).sum().item() == 3.0
    assert Tensor([1, 2], dtype=np.int64).sum().dtype == np.int64
    ### END HIDDEN TESTS

    print("📈 Progress: Math and reductions ✓")


test_unit_reductions()

# %% [markdown]
# ## Step 4: Shape operations
#
# ### `reshape`: same data, new shape
#
# NumPy stores a tensor's elements in one flat block of memory, row after
# row ("row-major" or C order). The shape is only a way of reading that
# block. `reshape` changes the reading, not the data: a `(2, 3)` tensor
# reshaped to `(3, 2)` or `(6,)` shows the same six numbers in the same
# order. That is why the element count must stay the same, and why
# `reshape` is cheap: it returns a **view** that shares memory with its
# input.
#
# One dimension may be `-1`, meaning "whatever makes the count work":
# a tensor of 12 elements reshaped to `(-1, 4)` becomes `(3, 4)`. Flattening
# a batch of images for a dense layer is `images.reshape(batch, -1)`.
#
# ### `transpose` and `.T`
#
# `transpose` reorders dimensions. With no arguments it reverses them, so
# a `(2, 3)` matrix becomes `(3, 2)`; `.T` is a shortcut for that. With
# arguments it takes a new order of **all** dimensions, as in NumPy:
# `x.transpose(0, 2, 1)` swaps the last two dimensions of a 3-D tensor.
# Transposing is also a view: NumPy only changes the order in which it
# walks the memory.
#
# NOTE: PyTorch's `x.transpose(0, 1)` swaps two dimensions. In TinyTorch
# the arguments list every dimension, so on a 2-D tensor write
# `x.transpose(1, 0)` or `x.T`; `x.transpose(0, 1)` leaves it unchanged.
#
# ### Indexing
#
# `x[i]` picks along the first dimension and drops it; a slice such as
# `x[1:3]` keeps it; `x[:, 0]` takes the first column. Indexing returns a
# Tensor (0-d for a single element), and basic slicing is a view too.
# An index may also be a Tensor or an ndarray of positions, such as the
# class labels of a batch. Because a Tensor of labels is float32 by
# default, a float index Tensor is accepted when its values are whole
# numbers; `0.5` is refused.
#
# An index that does not fit (for example `5` on an axis of size 3)
# raises an error that is both an `IndexError`, Python's convention for
# indexing which `for` loops and PyTorch habits expect, and a
# `ValueError`, the course's type for bad input.

# %% nbgrader={"grade": false, "grade_id": "tensor-shape-ops", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class _TensorIndexError(IndexError, ValueError):
    """A bad tensor index: an IndexError that is also a ValueError."""


def _index_part(part):
    """One part of an index as NumPy uses it; Tensors become int arrays."""
    if not isinstance(part, Tensor):
        return part
    values = part.data
    if values.dtype.kind == "f":
        whole = np.isfinite(values) & (values == np.round(values))
        if not whole.all():
            bad = values[~whole].flat[0]
            raise _TensorIndexError(
                f"Tensor index: a Tensor used as an index must hold whole "
                f"numbers, got {bad:g}. Hint: round it first, or build it "
                f"with dtype=np.int64.")
        values = values.astype(np.int64)
    return values


def _reshape(x, shape):
    """The elements of `x` in a new shape (a view, no copy).

    Args:
        x: the Tensor.
        shape: the new dimensions as a tuple of ints (one may be -1), or a
            1-tuple holding such a tuple or list (from `reshape((2, 3))`).

    Returns:
        A Tensor with the same elements in row-major order.

    Raises:
        TypeError: if a dimension is not an int.
        ValueError: for negative sizes other than one -1, or a shape whose
            element count differs from `x.size`.

    Example:
        >>> _reshape(Tensor([1, 2, 3, 4]), (2, 2)).shape
        (2, 2)
        >>> _reshape(Tensor([1, 2, 3, 4]), ((-1,),)).shape
        (4,)

    TODO: Normalise `shape`, validate it, resolve a -1, and return a view
    of the data in the new shape.

    APPROACH:
        1. If `shape` is one tuple or list, unpack it.
        2. Every entry must pass `_is_int`; otherwise TypeError.
        3. At most one -1 and no other negative entry; otherwise
           ValueError.
        4. `known` = product of the entries other than -1. With a -1,
           `x.size` must be a multiple of a non-zero `known`; replace the
           -1 by `x.size // known`. Without one, `known` must equal
           `x.size`. Each failure is a one-line ValueError naming the
           element counts and both shapes.
        5. Return `_wrap(x.data.reshape(shape))`.

    HINTS:
        - `math.prod([])` is 1, so `reshape()` means shape `()` and works
          for one-element tensors.
    """
    ### BEGIN SOLUTION
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(_is_int(d) for d in shape):
        raise TypeError(
            f"reshape: dimensions must be ints, got {shape!r}. Hint: e.g. "
            f"x.reshape(2, 3) or x.reshape((2, 3)).")
    shape = tuple(int(d) for d in shape)
    if shape.count(-1) > 1 or any(d < -1 for d in shape):
        raise ValueError(
            f"reshape: dimensions must be >= 0, with at most one -1 (to be "
            f"inferred), got {shape}. Hint: e.g. x.reshape(-1, 3).")
    known = math.prod(d for d in shape if d != -1)
    if -1 in shape:
        if known == 0 or x.size % known:
            raise ValueError(
                f"reshape: cannot infer the -1 in {shape} for {x.size} "
                f"elements (shape {x.shape}): the other dimensions multiply "
                f"to {known}, which does not divide {x.size}. Hint: choose "
                f"dimensions whose product divides the element count.")
        shape = tuple(x.size // known if d == -1 else d for d in shape)
    elif known != x.size:
        raise ValueError(
            f"reshape: cannot reshape {x.size} elements (shape {x.shape}) "
            f"into shape {shape} ({known} elements). Hint: the element "
            f"count must stay the same; use -1 to infer one dimension.")
    return _wrap(x.data.reshape(shape))
    ### END SOLUTION


def _transpose(x, axes):
    """`x` with its dimensions reordered (a view, no copy).

    Args:
        x: the Tensor.
        axes: `()` to reverse all dimensions, or a new order of every
            dimension (negative entries count from the end), possibly as
            one tuple or list inside the tuple.

    Returns:
        A Tensor whose dimension `i` is dimension `axes[i]` of `x`.

    Raises:
        ValueError: if `axes` is not an order of all dimensions.

    Example:
        >>> _transpose(Tensor(np.zeros((2, 3, 4))), (0, 2, 1)).shape
        (2, 4, 3)

    TODO: Reverse the dimensions when `axes` is empty; otherwise check
    that `axes` lists every dimension exactly once, then transpose.

    APPROACH:
        1. Unpack a single tuple or list, as in `_reshape`.
        2. `()` -> `_wrap(x.data.transpose())`.
        3. Valid means: all ints, one per dimension, each in range, and
           (mapping negatives with `% x.ndim`) every dimension once.
        4. If not valid, raise a one-line ValueError with an example of a
           valid call; otherwise `_wrap(x.data.transpose(axes))`.

    HINTS:
        - `sorted(a % n for a in axes) == list(range(n))` checks "every
          dimension once" (after checking the range).
    """
    ### BEGIN SOLUTION
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        return _wrap(x.data.transpose())
    n = x.ndim
    valid = (all(_is_int(a) for a in axes) and len(axes) == n
             and all(-n <= a < n for a in axes)
             and sorted(int(a) % n for a in axes) == list(range(n)))
    if not valid:
        example = ", ".join(str(a) for a in reversed(range(n)))
        hint = (f"e.g. x.transpose({example}) for shape {x.shape}; to swap "
                f"two axes of a 3-D tensor use x.transpose(0, 2, 1)"
                if n else "call x.transpose() with no arguments")
        raise ValueError(
            f"transpose: expected an order of all {n} dimensions (each "
            f"once), got {tuple(axes)!r}. Hint: {hint}.")
    return _wrap(x.data.transpose(tuple(int(a) for a in axes)))
    ### END SOLUTION


def _getitem(x, index):
    """`x[index]` as a Tensor, with one-line errors for bad indices.

    Args:
        x: the Tensor.
        index: anything NumPy accepts (ints, slices, `None`, `...`, int or
            bool arrays, tuples of these), and Tensors (see `_index_part`).

    Returns:
        A Tensor (0-d for a single element; a view for basic slicing).

    Raises:
        _TensorIndexError: an IndexError that is also a ValueError.

    Example:
        >>> _getitem(Tensor([[1, 2], [3, 4]]), (1, 0))
        Tensor(3., shape=(), dtype=float32)

    TODO: Convert Tensor parts of the index, index the data, and turn
    NumPy's IndexError into a one-line `_TensorIndexError`.

    APPROACH:
        1. A tuple index: convert each part with `_index_part`; otherwise
           convert the index itself.
        2. `result = x.data[index]`; catch IndexError and raise
           `_TensorIndexError` with NumPy's reason, `x.shape` and a hint
           (`from None`).
        3. Return `_wrap(result)`.

    HINTS:
        - NumPy's reason is already one line ("index 5 is out of bounds
          for axis 0 with size 3"); add the shape and a hint to it.
    """
    ### BEGIN SOLUTION
    if isinstance(index, tuple):
        index = tuple(_index_part(part) for part in index)
    else:
        index = _index_part(index)
    try:
        result = x.data[index]
    except IndexError as exc:
        raise _TensorIndexError(
            f"Tensor index: {exc} (tensor shape {x.shape}). Hint: an axis "
            f"of size n takes indices -n to n-1; index with ints, slices "
            f"or integer Tensors.") from None
    return _wrap(result)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "tensor-test-shape-ops", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
def test_unit_shape_ops():
    """🔬 Unit Test: reshape, transpose, .T and indexing."""
    print("🔬 Unit Test: Shape operations...")

    x = Tensor([1, 2, 3, 4, 5, 6])
    assert x.reshape(2, 3).shape == (2, 3)
    assert x.reshape((3, 2)).data.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert x.reshape(3, -1).shape == (3, 2), "-1 is inferred as 2"
    assert x.reshape(2, 3).reshape(-1).data.tolist() == [1, 2, 3, 4, 5, 6]
    for bad in ((4, 2), (-1, -1), (4, -1)):
        try:
            x.reshape(*bad)
        except ValueError:
            pass
        else:
            raise AssertionError(f"reshape{bad} of 6 elements should raise")
    print("✅ reshape with ints, a tuple and -1; bad shapes raise")

    m = x.reshape(2, 3)
    assert m.T.shape == (3, 2) and m.transpose().shape == (3, 2)
    assert m.T.data.tolist() == [[1, 4], [2, 5], [3, 6]]
    c = Tensor(np.arange(24).reshape(2, 3, 4))
    assert c.transpose(0, 2, 1).shape == (2, 4, 3)
    assert c.transpose().shape == (4, 3, 2)
    try:
        c.transpose(0, 1)
    except ValueError:
        pass
    else:
        raise AssertionError("transpose(0, 1) on 3-D should raise")
    print("✅ transpose(), .T and transpose(0, 2, 1)")

    assert isinstance(m[0], Tensor) and m[0].data.tolist() == [1, 2, 3]
    assert m[1, 2].shape == () and m[1, 2].item() == 6.0
    assert m[:, 1].data.tolist() == [2, 5]
    assert m[-1].data.tolist() == [4, 5, 6]
    assert x[Tensor([0, 2, 5])].data.tolist() == [1, 3, 6]
    try:
        m[5]
    except IndexError:
        pass
    else:
        raise AssertionError("m[5] on a (2, 3) tensor should raise")
    print("✅ indexing with ints, slices and a Tensor; bad index raises")

    ### BEGIN HIDDEN TESTS
    assert np.shares_memory(x.data, x.reshape(2, 3).data), "reshape is a view"
    assert np.shares_memory(m.data, m.T.data), "transpose is a view"
    assert Tensor([5.0]).reshape().shape == ()
    try:
        m[0, 0, 0]
    except ValueError:
        pass
    else:
        raise AssertionError("too many indices should raise ValueError too")
    try:
        x[Tensor([0.5])]
    except IndexError:
        pass
    else:
        raise AssertionError("a fractional index Tensor should raise")
    try:
        x.reshape(2.0, 3)
    except TypeError:
        pass
    else:
        raise AssertionError("reshape(2.0, 3) should raise TypeError")
    assert [row.data.tolist() for row in m] == [[1, 2, 3], [4, 5, 6]]
    assert c.transpose((2, 0, 1)).shape == (4, 2, 3)
    assert c.transpose(-1, 0, 1).shape == (4, 2, 3)
    assert m[Tensor([1, 0]), Tensor([0, 2])].data.tolist() == [4, 3]
    ### END HIDDEN TESTS

    print("📈 Progress: Shape operations ✓")


test_unit_shape_ops()

# %% [markdown]
# ## Step 5: Matrix multiplication
#
# A dense layer multiplies a batch of inputs by a weight matrix. For
# $A$ of shape $(M, K)$ and $B$ of shape $(K, N)$, the product
# $C = AB$ has shape $(M, N)$ and
#
# $$C_{ij} = \sum_{k=1}^{K} A_{ik} \, B_{kj}.$$
#
# Each output element is a dot product of a row of $A$ with a column of
# $B$, so the **inner** dimensions must agree: $K$ is the last dimension
# of the left operand and the second-to-last of the right one. For
# example
#
# $$\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}
# \begin{bmatrix} 5 & 6 \\ 7 & 8 \end{bmatrix} =
# \begin{bmatrix} 19 & 22 \\ 43 & 50 \end{bmatrix}.$$
#
# | Left | Right | Result |
# |------|-------|--------|
# | `(M, K)` | `(K, N)` | `(M, N)` |
# | `(K,)` | `(K, N)` | `(N,)` (a vector times a matrix) |
# | `(M, K)` | `(K,)` | `(M,)` |
# | `(B, M, K)` | `(K, N)` | `(B, M, N)` (batch dimensions broadcast) |
# | `(2, 3)` | `(4, 5)` | error: inner dimensions 3 and 4 differ |
#
# In a network of dense layers, matrix products do most of the
# arithmetic. Each of the $M N$ outputs needs $K$ multiplications and $K - 1$ additions,
# about $2MNK$ floating-point operations in all. A batch of 64 flattened
# 28×28 images through a layer of 128 units, `(64, 784) @ (784, 128)`,
# costs $2 \cdot 64 \cdot 784 \cdot 128 = 12{,}845{,}056$ operations,
# about 12.8 million.
#
# `x @ y` calls `x.__matmul__(y)`; an ndarray on the left reaches
# `__rmatmul__`. Both end in `_matmul`, which you write now. Its job is
# mostly the shape check: NumPy would say "mismatch in its core dimension
# 0, with gufunc signature (n?,k),(k,m?)->(n?,m?)", and yours should say
# which dimensions differ and how to fix it.

# %% nbgrader={"grade": false, "grade_id": "tensor-matmul", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def _matmul(left, right):
    """Matrix product of two operands with NumPy's `matmul` rules.

    Formula:
        C_ij = sum_k A_ik B_kj

    Args:
        left, right: Tensors or real ndarrays, each at least 1-D.

    Shape:
        (M, K) @ (K, N) -> (M, N); a 1-D operand is a vector (its
        dimension is dropped from the result); leading batch dimensions
        broadcast.

    Returns:
        A new Tensor with NumPy's result dtype.

    Raises:
        ValueError: for a 0-d operand, inner dimensions that differ, or
            batch dimensions that do not broadcast.

    Example:
        >>> _matmul(Tensor([[1, 2], [3, 4]]), Tensor([1, 1]))
        Tensor([3. 7.], shape=(2,), dtype=float32)

    TODO: Convert both operands, check their shapes with one-line
    ValueErrors, and return the product.

    APPROACH:
        1. `a = np.asarray(_operand(left, "@"))`, the same for `b`.
        2. Either one 0-d -> ValueError (suggest `*` for scaling).
        3. Inner sizes: `a.shape[-1]` against `b.shape[0]` when `b` is
           1-D, else `b.shape[-2]`. If they differ, raise a ValueError
           naming both shapes and both sizes.
        4. Batch dimensions `a.shape[:-2]` and `b.shape[:-2]` must
           broadcast (`np.broadcast_shapes`); if not, raise.
        5. Return `_wrap(np.matmul(a, b))`.

    HINTS:
        - Swapped operands are the usual mistake: suggest `x.T`.
    """
    ### BEGIN SOLUTION
    a = np.asarray(_operand(left, "@"))
    b = np.asarray(_operand(right, "@"))
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"Tensor @: both operands need at least 1 dimension, got shapes "
            f"{a.shape} and {b.shape}. Hint: use * to multiply by a number.")
    inner_a = a.shape[-1]
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"Tensor @: cannot multiply shapes {a.shape} and {b.shape}: "
            f"the inner dimensions {inner_a} and {inner_b} differ. Hint: "
            f"(M, K) @ (K, N) needs the same K; transpose an operand (x.T) "
            f"if it is the wrong way round.")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"Tensor @: the batch dimensions of shapes {a.shape} and "
            f"{b.shape} cannot be broadcast. Hint: leading dimensions must "
            f"be equal or 1, as in elementwise broadcasting.") from None
    return _wrap(np.matmul(a, b))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "tensor-test-matmul", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
def test_unit_matmul():
    """🔬 Unit Test: matmul and @."""
    print("🔬 Unit Test: Matrix multiplication...")

    A = Tensor([[1, 2], [3, 4]])
    B = Tensor([[5, 6], [7, 8]])
    C = A @ B
    assert isinstance(C, Tensor) and C.dtype == np.float32
    assert C.data.tolist() == [[19.0, 22.0], [43.0, 50.0]], C.data
    assert A.matmul(B).data.tolist() == C.data.tolist()
    print("✅ [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]")

    X = Tensor(np.ones((4, 3)))
    W = Tensor(np.ones((3, 5)))
    assert (X @ W).shape == (4, 5), "(4, 3) @ (3, 5) is (4, 5)"
    assert (Tensor([1, 2]) @ A).data.tolist() == [7.0, 10.0]
    assert (A @ Tensor([1, 1])).data.tolist() == [3.0, 7.0]
    left = np.eye(2) @ A
    assert isinstance(left, Tensor), "ndarray @ Tensor should be a Tensor"
    print("✅ shapes: (4, 3) @ (3, 5), vector @ matrix, ndarray @ Tensor")

    try:
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))
    except ValueError as exc:
        assert "(2, 3)" in str(exc) and "(4, 5)" in str(exc), str(exc)
    else:
        raise AssertionError("(2, 3) @ (4, 5) should raise ValueError")
    print("✅ misaligned shapes raise a ValueError naming both shapes")

    ### BEGIN HIDDEN TESTS
    rng = np.random.default_rng(7)
    a64 = rng.standard_normal((3, 4))
    b64 = rng.standard_normal((4, 2))
    ref = np.zeros((3, 2))
    for i in range(3):
        for j in range(2):
            ref[i, j] = sum(a64[i, k] * b64[k, j] for k in range(4))
    got = Tensor(a64, dtype=np.float64) @ Tensor(b64, dtype=np.float64)
    np.testing.assert_allclose(got.data, ref, rtol=1e-12, atol=1e-12)
    batch = Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((4, 5)))
    assert batch.shape == (2, 3, 5)
    for bad in (Tensor(2.0), 2.0):
        try:
            A @ bad
        except ValueError:
            pass
        else:
            raise AssertionError("@ with a 0-d operand should raise")
    try:
        Tensor(np.ones((2, 2, 3))) @ Tensor(np.ones((3, 3, 4)))
    except ValueError:
        pass
    else:
        raise AssertionError("batch dims 2 and 3 do not broadcast")
    ### END HIDDEN TESTS

    print("📈 Progress: Matrix multiplication ✓")


test_unit_matmul()

# %% [markdown]
# ## Systems analysis: memory and speed
#
# Your Tensor works. Now measure what it costs. The cells below print
# numbers measured on your machine; run them again and the timings will
# move a little, which is normal.
#
# ### Memory: bytes per element
#
# A tensor's memory is its element count times the bytes per element:
# 4 for float32, 8 for float64. A 1000×1000 float32 tensor therefore
# needs 4,000,000 bytes (4 MB) and the same tensor in float64 needs 8 MB.
# The cell below checks this two ways: `nbytes` (what NumPy reports) and
# `tracemalloc` (what Python actually allocated while the Tensor was
# built). It also shows which operations allocate at all: a `reshape` is
# a view and costs next to nothing, while `x + 1` allocates a whole new
# array.

# %% nbgrader={"grade": false, "grade_id": "tensor-systems-memory", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import tracemalloc


def traced_bytes(make):
    """Bytes still allocated after `make()` runs, and its result."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    result = make()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return after - before, result


source = np.random.default_rng(0).standard_normal((1000, 1000))  # float64
for dtype in (np.float32, np.float64):
    used, t = traced_bytes(lambda: Tensor(source, dtype=dtype))
    print(f"{np.dtype(dtype).name}: nbytes = {t.data.nbytes:>9,} B, "
          f"traced while building = {used:>9,} B")

x32 = Tensor(source)
used_view, flat = traced_bytes(lambda: x32.reshape(-1))
used_add, plus = traced_bytes(lambda: x32 + 1)
print(f"reshape(-1): {used_view:>9,} B allocated, shares memory: "
      f"{np.shares_memory(flat.data, x32.data)}")
print(f"x + 1      : {used_add:>9,} B allocated, shares memory: "
      f"{np.shares_memory(plus.data, x32.data)}")
print(f"float32 machine epsilon: {np.finfo(np.float32).eps:.3g}, "
      f"largest float32: {np.finfo(np.float32).max:.4g}")

# %% [markdown]
# float32 halves the memory, and it also limits precision and range. Its
# machine epsilon, the gap between 1 and the next float32, is
# $2^{-23} \approx 1.19 \times 10^{-7}$, so `1 + 1e-8` is stored as
# exactly `1`. Values above about $3.40 \times 10^{38}$ overflow to `inf`:
# `exp(x)` overflows float32 for $x$ above about 88.7, one reason Module
# 04 shifts logits by their maximum before exponentiating.
#
# ### Speed: one NumPy call against a Python loop
#
# A Python loop handles one number per step, and every step pays for the
# interpreter: fetching a Python float object, dispatching `+`, creating
# a new object for the result. A NumPy call runs one compiled loop over a
# block of raw floats. The cell below sums the same 100,000 numbers both
# ways, and multiplies two such vectors elementwise both ways, then
# prints the measured times and their ratio. The loops read from Python
# lists, which is the fastest a plain Python loop can be.

# %% nbgrader={"grade": false, "grade_id": "tensor-systems-speed", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import timeit

rng = np.random.default_rng(1)
n = 100_000
u = Tensor(rng.random(n))
v = Tensor(rng.random(n))
u_list, v_list = u.data.tolist(), v.data.tolist()


def loop_sum(values):
    total = 0.0
    for value in values:
        total += value
    return total


def loop_mul(xs, ys):
    return [a * b for a, b in zip(xs, ys)]


def best_time(fn, number):
    """Best time of one call, in seconds, over five runs of `number`."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


checks = [
    ("sum", lambda: loop_sum(u_list), lambda: u.sum()),
    ("multiply", lambda: loop_mul(u_list, v_list), lambda: u * v),
]
for name, loop, vectorised in checks:
    t_loop = best_time(loop, number=3)
    t_vec = best_time(vectorised, number=50)
    print(f"{name:>8}: Python loop {t_loop * 1e3:7.3f} ms, Tensor "
          f"{t_vec * 1e3:7.3f} ms, ratio {t_loop / t_vec:6.1f}x")

loop_total = loop_sum(u_list)
tensor_total = u.sum().item()
print(f"sums agree to {abs(loop_total - tensor_total) / loop_total:.1e} "
      f"relative difference (float64 loop vs float32 tensor)")

# %% [markdown]
# The two sums differ a little: the loop adds in float64, the tensor in
# float32 (NumPy sums float32 pairwise, which keeps the error small). The
# speed ratio is the point. It is why every operation in TinyTorch hands
# whole arrays to NumPy, and why the later modules never loop over the
# elements of a batch in Python.

# %% [markdown]
# ## Module integration test
#
# The final test uses the pieces together, the way Modules 02 to 04 will:
# a dense layer `X @ W + b`, a softmax built from `max`, `exp` and `sum`
# with `keepdims`, and a mean squared error. Each result is compared with
# a float64 NumPy reference. It carries no points: a bug in one operation
# already cost its step's points, and should not cost them twice.

# %% nbgrader={"grade": false, "grade_id": "tensor-test-module", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def test_module():
    """🧪 Module test: the pieces together."""
    print("🔬 Integration Test: dense layer, softmax and MSE...")
    rng = np.random.default_rng(42)
    X_np = rng.standard_normal((4, 3))
    W_np = rng.standard_normal((3, 2))
    b_np = rng.standard_normal(2)
    y_np = rng.standard_normal((4, 2))
    X, W, b, y = Tensor(X_np), Tensor(W_np), Tensor(b_np), Tensor(y_np)

    logits = X @ W + b
    ref_logits = X_np @ W_np + b_np
    assert logits.shape == (4, 2) and logits.dtype == np.float32
    np.testing.assert_allclose(logits.data, ref_logits, rtol=1e-5,
                               atol=1e-5)
    print("✅ X @ W + b matches NumPy (float32 vs float64, tol 1e-5)")

    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = shifted.exp() / shifted.exp().sum(axis=1, keepdims=True)
    ref_exp = np.exp(ref_logits - ref_logits.max(axis=1, keepdims=True))
    ref_probs = ref_exp / ref_exp.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probs.data, ref_probs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probs.sum(axis=1).data, np.ones(4),
                               rtol=0, atol=1e-6)
    print("✅ softmax rows sum to 1 and match NumPy")

    mse = ((logits - y) ** 2).mean()
    ref_mse = np.mean((ref_logits - y_np) ** 2)
    assert mse.shape == ()
    np.testing.assert_allclose(mse.item(), ref_mse, rtol=1e-5)
    print(f"✅ MSE = {mse.item():.6f} matches NumPy ({ref_mse:.6f})")

    big = Tensor(np.arange(12)).reshape(3, -1).T
    assert big.shape == (4, 3) and big[1].data.tolist() == [1.0, 5.0, 9.0]
    print("✅ reshape, .T and indexing compose")

    print("🎉 Module 01 complete: your Tensor is ready for Module 02.")


test_module()

# %% [markdown]
# ## Summary
#
# You built the data type the rest of the course stands on:
#
# - a `Tensor` that stores float32 by default, copies its input, and
#   refuses text, objects, complex numbers and ragged lists with one-line
#   errors;
# - elementwise arithmetic with broadcasting and reflected operators, in
#   which a newly created NaN raises instead of spreading;
# - `exp`, `log` and the reductions `sum`, `mean` and `max` with `axis`
#   and `keepdims`;
# - `reshape`, `transpose` and indexing, which return views, and matrix
#   multiplication with a shape check that says what went wrong.
#
# You also measured the two costs that shape every later design choice:
# memory, which is element count times bytes per element, and Python
# overhead, which vectorised NumPy calls avoid.
#
# ### Questions to think about
#
# 1. A batch of 32 RGB images of 224×224 pixels: how many bytes in
#    float32, and in float64? (32 · 3 · 224 · 224 = 4,816,896 elements;
#    19,267,584 bytes in float32, twice that in float64.)
# 2. Which shape does `(32, 1, 5) + (4, 1)` give, and why? (`(32, 4, 5)`:
#    lined up from the right, 5 meets 1, 1 meets 4, and 32 meets a
#    missing dimension.)
# 3. Why does centring rows need `keepdims=True`?
# 4. In float32, `16777216 + 1` gives `16777216`. Why? ($2^{24} =
#    16{,}777{,}216$, and from there up to $2^{25}$ consecutive float32
#    values are 2 apart, so the sum rounds back down.)
#
# ## What's next
#
# **Module 02: Activations.** You will use `Tensor` to build the
# nonlinear functions that sit between layers, such as ReLU, sigmoid and
# softmax. Softmax is the `max`, `exp`, `sum(keepdims=True)` pattern from
# the integration test above.
#
# Export your work and run the package tests:
#
# ```bash
# tito export --module 01_tensor
# tito test --module 01_tensor
# ```
