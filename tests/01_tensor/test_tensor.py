"""Module 01 Tensor: creation, attributes, repr, item, len and bad input.

References are hand-computed constants and NumPy (float64) arrays; every
bad input is checked for its exception type, its message and for being
a single line.
"""

import numpy as np
import pytest

import tinytorch.core.tensor as tensor_module
from tinytorch.core.tensor import Tensor


def one_line(exc_info):
    """The message of a caught exception, asserted to be one line."""
    message = str(exc_info.value)
    assert "\n" not in message, f"message spans lines: {message!r}"
    assert "Hint:" in message, f"message has no hint: {message!r}"
    return message


# ----- the package surface ----------------------------------------------

def test_all_exports_tensor_and_from_numpy():
    assert tensor_module.__all__ == ["Tensor", "from_numpy"]


def test_from_numpy_keeps_the_array_and_its_dtype():
    from tinytorch.core.tensor import from_numpy

    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = from_numpy(a)
    assert t.data is a and t.dtype == np.float64
    s = from_numpy(np.float32(0.5))
    assert s.shape == () and s.dtype == np.float32 and s.item() == 0.5
    for bad in ([1.0, 2.0], 0.5, np.array(["a"]), None):
        with pytest.raises(TypeError, match="from_numpy: expected a NumPy "
                           "array or NumPy number of real values"):
            from_numpy(bad)


def test_api_names_exist():
    names = ["data", "shape", "size", "ndim", "dtype", "item", "numpy",
             "exp", "log", "sum", "mean", "max", "matmul", "reshape",
             "transpose", "T"]
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    for name in names:
        assert hasattr(x, name), name
    for dunder in ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__",
                   "__rmul__", "__truediv__", "__rtruediv__", "__pow__",
                   "__rpow__", "__neg__", "__matmul__", "__rmatmul__",
                   "__getitem__", "__len__", "__repr__"]:
        assert callable(getattr(Tensor, dunder)), dunder


# ----- creation and dtype policy ----------------------------------------

@pytest.mark.parametrize("data, shape", [
    (3, ()),
    (2.5, ()),
    (True, ()),
    (np.float64(1.5), ()),
    (np.int32(7), ()),
    ([1, 2, 3], (3,)),
    ((1, 2), (2,)),
    ([[1, 2, 3], [4, 5, 6]], (2, 3)),
    ([[[1], [2]], [[3], [4]]], (2, 2, 1)),
    ([], (0,)),
    ([[], []], (2, 0)),
    (np.arange(6, dtype=np.int64).reshape(3, 2), (3, 2)),
    (np.ones((2, 3), dtype=np.float64), (2, 3)),
    (np.array([1, 2], dtype=np.uint8), (2,)),
    (np.array([0.5], dtype=np.float16), (1,)),
    (np.array([True, False]), (2,)),
])
def test_default_dtype_is_float32(data, shape):
    x = Tensor(data)
    assert type(x.data) is np.ndarray
    assert x.dtype == np.float32
    assert x.shape == shape
    np.testing.assert_array_equal(x.data, np.asarray(data, dtype=np.float64))


def test_scalar_data_is_a_0d_array_not_a_numpy_scalar():
    for value in (3, 2.5, np.float64(2.5), np.float32(1.0)):
        x = Tensor(value)
        assert type(x.data) is np.ndarray and x.data.ndim == 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16,
                                   np.int64, np.int32, np.uint8, np.bool_,
                                   "float64", float, int])
def test_explicit_dtype_is_honoured(dtype):
    x = Tensor([1, 0, 1], dtype=dtype)
    assert x.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(x.data, np.array([1, 0, 1]))


def test_float64_values_keep_their_precision_when_asked():
    value = 0.1
    assert Tensor(value, dtype=np.float64).item() == value
    assert Tensor(value).item() == float(np.float32(value))
    assert Tensor(value).item() != value  # float32 rounds 0.1


def test_tensor_from_tensor_converts_and_copies():
    ints = Tensor([1, 2], dtype=np.int64)
    y = Tensor(ints)
    assert y.dtype == np.float32  # dtype=None means float32, always
    assert y.data is not ints.data
    z = Tensor(ints, dtype=np.int64)
    assert z.dtype == np.int64 and not np.shares_memory(z.data, ints.data)


def test_constructor_copies_arrays_and_lists():
    source = np.array([1.0, 2.0], dtype=np.float32)
    x = Tensor(source)
    source[0] = 99.0
    assert x.data.tolist() == [1.0, 2.0]
    rows = [[1.0, 2.0]]
    y = Tensor(rows)
    rows[0][0] = 99.0
    assert y.data.tolist() == [[1.0, 2.0]]


def test_list_of_tensors_becomes_one_tensor():
    x = Tensor([Tensor([1, 2]), Tensor([3, 4])])
    assert x.shape == (2, 2)
    assert x.data.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_nan_and_inf_are_valid_data():
    x = Tensor([np.nan, np.inf, -np.inf])
    assert np.isnan(x.data[0]) and x.data[1] == np.inf


# ----- bad input --------------------------------------------------------

@pytest.mark.parametrize("data, match", [
    ([1 + 2j], r"expected real numbers .* complex128.*real part"),
    (np.array([1j]), r"dtype complex128"),
    (1j, r"complex"),
    ("1.5", r"got str data .*convert text"),
    (["1", "2"], r"dtype <U1.*convert text"),
    (b"12", r"got bytes data"),
    (None, r"got NoneType data of NumPy dtype object"),
    ([1, None], r"got list data of NumPy dtype object.*None"),
    ({"a": 1}, r"got dict data"),
    (np.array([1, "a"], dtype=object), r"dtype object"),
    (object(), r"got object data"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), r"datetime64"),
])
def test_non_real_data_raises_type_error(data, match):
    with pytest.raises(TypeError, match=match) as info:
        Tensor(data)
    one_line(info)


@pytest.mark.parametrize("data", [
    [[1, 2], [3]],
    [1, [2, 3]],
    [[[1, 2], [3, 4]], [[5, 6]]],
])
def test_ragged_lists_raise_value_error(data):
    with pytest.raises(ValueError, match="rectangular nested list") as info:
        Tensor(data)
    message = one_line(info)
    assert "inhomogeneous" not in message  # NumPy's wording is hidden


@pytest.mark.parametrize("dtype", [np.complex64, object, "U3",
                                   "not-a-dtype", np.dtype("datetime64[s]"),
                                   [("a", np.int32)]])
def test_non_real_dtype_raises_type_error(dtype):
    with pytest.raises(TypeError, match="dtype must be a real NumPy dtype"
                       ) as info:
        Tensor([1.0], dtype=dtype)
    one_line(info)


# ----- attributes, item, numpy, len, repr -------------------------------

def test_attributes():
    x = Tensor(np.zeros((2, 3, 4)))
    assert x.shape == (2, 3, 4) and isinstance(x.shape, tuple)
    assert x.size == 24 and type(x.size) is int
    assert x.ndim == 3
    assert x.dtype == np.dtype("float32") and isinstance(x.dtype, np.dtype)
    s = Tensor(1.0)
    assert (s.shape, s.size, s.ndim) == ((), 1, 0)


def test_item_returns_python_numbers():
    assert Tensor([[2.5]]).item() == 2.5
    assert type(Tensor(2.5).item()) is float
    assert type(Tensor([3], dtype=np.int64).item()) is int
    assert type(Tensor(True, dtype=bool).item()) is bool


@pytest.mark.parametrize("shape", [(2,), (2, 3), (0,), (1, 0)])
def test_item_of_not_one_element_raises(shape):
    with pytest.raises(ValueError, match=r"exactly one element, got shape"
                       ) as info:
        Tensor(np.zeros(shape)).item()
    assert str(shape) in one_line(info)


def test_numpy_returns_the_same_array():
    x = Tensor([1.0, 2.0])
    arr = x.numpy()
    assert arr is x.data
    arr[0] = 5.0
    assert x.data[0] == 5.0


def test_np_asarray_reads_a_tensor():
    x = Tensor([1.0, 2.0])
    assert np.asarray(x) is x.data
    assert np.array(x) is not x.data and np.array(x).tolist() == [1.0, 2.0]
    copied = np.array(x, dtype=np.float64)
    assert copied.dtype == np.float64 and copied.tolist() == [1.0, 2.0]


def test_len():
    assert len(Tensor([[1, 2, 3], [4, 5, 6]])) == 2
    assert len(Tensor([])) == 0
    with pytest.raises(TypeError, match=r"len\(\) of a 0-d tensor") as info:
        len(Tensor(3.0))
    one_line(info)


def test_iteration_over_first_dimension():
    rows = list(Tensor([[1, 2], [3, 4]]))
    assert len(rows) == 2 and all(isinstance(r, Tensor) for r in rows)
    assert rows[1].data.tolist() == [3.0, 4.0]
    assert [v.item() for v in Tensor([5, 6])] == [5.0, 6.0]
    with pytest.raises(TypeError, match="iteration over a 0-d") as info:
        iter(Tensor(1.0))
    one_line(info)


def test_truth_value():
    assert bool(Tensor(2.0)) is True
    assert bool(Tensor([[0.0]])) is False
    with pytest.raises(ValueError, match="ambiguous") as info:
        bool(Tensor([1.0, 2.0]))
    one_line(info)


@pytest.mark.parametrize("data, dtype, expected", [
    ([1, 2, 3], None, "Tensor([1. 2. 3.], shape=(3,), dtype=float32)"),
    (7, None, "Tensor(7., shape=(), dtype=float32)"),
    ([0.5, -2.0], None, "Tensor([ 0.5 -2. ], shape=(2,), dtype=float32)"),
    ([1, 2], np.int64, "Tensor([1 2], shape=(2,), dtype=int64)"),
    ([], None, "Tensor([], shape=(0,), dtype=float32)"),
    ([[1, 2], [3, 4]], None,
     "Tensor([[1. 2.]\n        [3. 4.]], shape=(2, 2), dtype=float32)"),
])
def test_repr(data, dtype, expected):
    assert repr(Tensor(data, dtype=dtype)) == expected


def test_repr_of_large_tensor_is_summarised():
    text = repr(Tensor(np.arange(10_000)))
    assert "..." in text and text.endswith("shape=(10000,), dtype=float32)")
