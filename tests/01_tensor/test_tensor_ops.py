"""Module 01 Tensor: elementwise arithmetic, exp/log and reductions.

Values are compared with float64 NumPy references (float32 results get
`rtol=1e-6`), shapes and dtypes are compared exactly, and every bad
input is checked for its type, message and single line.
"""

import operator
import warnings

import numpy as np
import pytest

from tinytorch.core.tensor import Tensor

F32_RTOL = 1e-6
F32_ATOL = 1e-6

A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.5]])
B = np.array([[0.5, 2.0, -1.0], [3.0, -4.0, 2.5]])

OPS = [
    ("+", operator.add),
    ("-", operator.sub),
    ("*", operator.mul),
    ("/", operator.truediv),
]


def one_line(exc_info):
    message = str(exc_info.value)
    assert "\n" not in message, f"message spans lines: {message!r}"
    assert "Hint:" in message, f"message has no hint: {message!r}"
    return message


def check(result, expected, dtype=np.float32, rtol=F32_RTOL, atol=F32_ATOL):
    """Shape, then dtype, then values (as tinygrad's tests do)."""
    expected = np.asarray(expected)
    assert isinstance(result, Tensor), type(result)
    assert type(result.data) is np.ndarray
    assert result.shape == expected.shape, (result.shape, expected.shape)
    assert result.dtype == dtype, (result.dtype, dtype)
    np.testing.assert_allclose(result.data, expected, rtol=rtol, atol=atol)


# ----- arithmetic -------------------------------------------------------

@pytest.mark.parametrize("symbol, op", OPS)
def test_tensor_op_tensor_matches_numpy(symbol, op):
    check(op(Tensor(A), Tensor(B)), op(A, B))


def test_hand_computed_values():
    a, b = Tensor([1.0, 2.0, 3.0]), Tensor([4.0, 5.0, 6.0])
    assert (a + b).data.tolist() == [5.0, 7.0, 9.0]
    assert (b - a).data.tolist() == [3.0, 3.0, 3.0]
    assert (a * b).data.tolist() == [4.0, 10.0, 18.0]
    assert (b / a).data.tolist() == [4.0, 2.5, 2.0]
    assert (a ** 2).data.tolist() == [1.0, 4.0, 9.0]
    assert (2 ** a).data.tolist() == [2.0, 4.0, 8.0]
    assert (-a).data.tolist() == [-1.0, -2.0, -3.0]


def test_power_matches_numpy():
    base = np.abs(A) + 0.5
    check(Tensor(base) ** Tensor(B), base ** B)
    check(Tensor(base) ** 0.5, np.sqrt(base))
    check(2.0 ** Tensor(B), 2.0 ** B)


@pytest.mark.parametrize("left_shape, right_shape, out_shape", [
    ((2, 3), (), (2, 3)),
    ((4, 3), (3,), (4, 3)),
    ((3, 1), (1, 4), (3, 4)),
    ((2, 1, 3), (4, 1), (2, 4, 3)),
    ((32, 1, 5), (4, 1), (32, 4, 5)),
    ((1,), (5,), (5,)),
    ((0, 3), (3,), (0, 3)),
])
@pytest.mark.parametrize("symbol, op", OPS)
def test_broadcasting_matches_numpy(left_shape, right_shape, out_shape,
                                    symbol, op):
    rng = np.random.default_rng(0)
    left = rng.uniform(1.0, 2.0, left_shape)
    right = rng.uniform(1.0, 2.0, right_shape)
    result = op(Tensor(left), Tensor(right))
    assert result.shape == out_shape
    check(result, op(left.astype(np.float32), right.astype(np.float32)))


@pytest.mark.parametrize("left_shape, right_shape", [
    ((2, 3), (2,)),
    ((3,), (4,)),
    ((2, 3, 4), (3, 1, 5)),
])
def test_shapes_that_do_not_broadcast_raise(left_shape, right_shape):
    with pytest.raises(ValueError, match="cannot be broadcast") as info:
        Tensor(np.ones(left_shape)) + Tensor(np.ones(right_shape))
    message = one_line(info)
    assert str(left_shape) in message and str(right_shape) in message


@pytest.mark.parametrize("symbol, op", OPS + [("**", operator.pow)])
def test_reflected_python_scalar(symbol, op):
    x = np.array([1.0, 2.0, 4.0])
    check(op(3.0, Tensor(x)), op(3.0, x))
    check(op(Tensor(x), 3.0), op(x, 3.0))
    check(op(2, Tensor(x)), op(2, x))


@pytest.mark.parametrize("symbol, op", OPS + [("**", operator.pow)])
def test_reflected_ndarray_on_the_left(symbol, op):
    left = np.array([[1.0], [2.0]], dtype=np.float32)
    right = np.array([1.0, 2.0, 4.0])
    result = op(left, Tensor(right))
    assert isinstance(result, Tensor), f"ndarray {symbol} Tensor"
    check(result, op(left, right.astype(np.float32)))


def test_matmul_with_ndarray_on_the_left():
    left = np.array([[1.0, 2.0]], dtype=np.float32)
    result = left @ Tensor([[3.0], [4.0]])
    assert isinstance(result, Tensor)
    check(result, [[11.0]])


def test_numpy_scalar_on_the_left():
    check(np.float32(2.0) - Tensor([1.0, 3.0]), [1.0, -1.0])
    result = np.float64(2.0) * Tensor([1.0, 3.0])
    check(result, [2.0, 6.0], dtype=np.float64)  # NumPy's result dtype


@pytest.mark.parametrize("other, dtype", [
    (2, np.float32),
    (0.5, np.float32),
    (True, np.float32),
    (np.float32(2.0), np.float32),
    (np.float64(2.0), np.float64),
    (np.ones(3, dtype=np.float32), np.float32),
    (np.ones(3, dtype=np.float64), np.float64),
    (np.ones(3, dtype=np.int64), np.float64),
])
def test_result_dtype_is_numpys(other, dtype):
    x = Tensor([1.0, 2.0, 3.0])
    expected = np.result_type(x.data, other)
    assert expected == dtype
    assert (x + other).dtype == dtype
    assert (other + x).dtype == dtype


def test_integer_tensors_keep_integer_dtype_with_python_ints():
    i = Tensor([1, 2, 3], dtype=np.int64)
    check(i + 2, [3, 4, 5], dtype=np.int64)
    check(i * 3, [3, 6, 9], dtype=np.int64)
    check(i / 2, [0.5, 1.0, 1.5], dtype=np.float64)  # true division


def test_operations_do_not_mutate_their_inputs():
    a_np, b_np = A.copy(), B.copy()
    a, b = Tensor(a_np), Tensor(b_np)
    before_a, before_b = a.data.copy(), b.data.copy()
    results = [op(a, b) for _, op in OPS]
    results += [a ** 2, -a, a.exp(), a.max(),
                a.sum(axis=0), a.mean(), a.reshape(-1), a.T, a @ b.T, a[0]]
    assert all(isinstance(r, Tensor) for r in results)
    np.testing.assert_array_equal(a.data, before_a)
    np.testing.assert_array_equal(b.data, before_b)


def test_arithmetic_returns_new_arrays():
    a = Tensor([1.0, 2.0])
    assert not np.shares_memory((a + 0).data, a.data)
    assert not np.shares_memory((-a).data, a.data)


def test_zero_dimensional_results_are_arrays():
    s = Tensor(2.0) * Tensor(3.0)
    assert s.shape == () and type(s.data) is np.ndarray and s.item() == 6.0
    t = Tensor(2.0) + 1
    assert type(t.data) is np.ndarray


@pytest.mark.parametrize("bad", [[1.0, 2.0, 3.0], (1.0,), "x", None, 1j,
                                 {"a": 1}, np.array([1j, 2, 3]),
                                 np.array(["a", "b", "c"])])
@pytest.mark.parametrize("symbol, op", OPS)
def test_bad_operands_raise_type_error(bad, symbol, op):
    x = Tensor([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=rf"Tensor \{symbol}: expected a "
                       r"Tensor, a real number") as info:
        op(x, bad)
    one_line(info)
    with pytest.raises(TypeError, match="expected a Tensor"):
        op(bad, x)


def test_division_by_zero_follows_ieee():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = Tensor([1.0, -1.0]) / 0.0
    assert result.data.tolist() == [np.inf, -np.inf]


@pytest.mark.parametrize("make", [
    lambda: Tensor([0.0]) / Tensor([0.0]),
    lambda: Tensor([np.inf]) - Tensor([np.inf]),
    lambda: Tensor([0.0]) * np.inf,
    lambda: Tensor([-8.0]) ** (1 / 3),
    lambda: 0.0 / Tensor([0.0, 1.0]),
])
def test_new_nan_raises(make):
    with pytest.raises(ValueError, match="would contain NaN") as info:
        make()
    one_line(info)


def test_existing_nan_propagates():
    result = Tensor([np.nan, 1.0]) + 1.0
    assert np.isnan(result.data[0]) and result.data[1] == 2.0


def test_numpy_dtype_refusals_become_one_line_errors():
    with pytest.raises(ValueError, match=r"Tensor \*\*: NumPy cannot") as i:
        Tensor([2], dtype=np.int64) ** -1
    one_line(i)
    with pytest.raises(TypeError, match=r"-x: NumPy cannot") as info:
        -Tensor([True], dtype=bool)
    one_line(info)


# ----- exp and log ------------------------------------------------------

def test_exp_and_log_match_numpy():
    x = np.array([-3.0, -0.5, 0.0, 0.25, 2.0, 10.0])
    check(Tensor(x).exp(), np.exp(x), rtol=1e-6, atol=0)
    pos = np.array([1e-6, 0.5, 1.0, 2.0, 1e6])
    check(Tensor(pos).log(), np.log(pos), rtol=1e-6, atol=1e-6)


def test_exp_hand_values():
    out = Tensor([0.0, 1.0]).exp().data
    assert out[0] == 1.0
    assert abs(out[1] - 2.718281828459045) < 3e-7


def test_log_of_zero_is_minus_inf_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = Tensor([0.0, 1.0]).log()
    assert out.data.tolist() == [-np.inf, 0.0]


@pytest.mark.parametrize("values, shown", [([1.0, -0.5], "-0.5"),
                                           ([-3.0, -1.0], "-3"),
                                           ([-np.inf], "-inf")])
def test_log_of_negative_raises(values, shown):
    with pytest.raises(ValueError, match=r"log: expected values >= 0") as i:
        Tensor(values).log()
    assert f"got {shown}." in one_line(i)


def test_log_keeps_existing_nan():
    out = Tensor([np.nan, 1.0]).log()
    assert np.isnan(out.data[0]) and out.data[1] == 0.0


def test_exp_overflow_is_inf_like_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = Tensor([88.0, 89.0]).exp()
    assert np.isfinite(out.data[0]) and out.data[1] == np.inf


# ----- reductions -------------------------------------------------------

X23 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_reductions_hand_computed():
    x = Tensor(X23)
    assert x.sum().item() == 21.0
    assert x.sum(axis=0).data.tolist() == [5.0, 7.0, 9.0]
    assert x.sum(axis=1).data.tolist() == [6.0, 15.0]
    assert x.mean().item() == 3.5
    assert x.mean(axis=1, keepdims=True).data.tolist() == [[2.0], [5.0]]
    assert x.max(axis=0).data.tolist() == [4.0, 5.0, 6.0]
    assert x.max().item() == 6.0


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, 2, -3, (0, 2), (1, -1),
                                  (0, 1, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, axis, keepdims):
    data = np.random.default_rng(3).standard_normal((2, 3, 4))
    expected = getattr(np, name)(data, axis=axis, keepdims=keepdims)
    result = getattr(Tensor(data), name)(axis=axis, keepdims=keepdims)
    check(result, expected, rtol=1e-5, atol=1e-6)


def test_reductions_by_float64_loop():
    data = np.random.default_rng(5).standard_normal((3, 4))
    x = Tensor(data, dtype=np.float64)
    rows = [sum(data[i, j] for j in range(4)) for i in range(3)]
    cols = [max(data[i, j] for i in range(3)) for j in range(4)]
    np.testing.assert_allclose(x.sum(axis=1).data, rows, rtol=1e-12)
    np.testing.assert_allclose(x.mean(axis=1).data, np.array(rows) / 4,
                               rtol=1e-12)
    assert x.max(axis=0).data.tolist() == cols


def test_reduction_of_0d_tensor():
    s = Tensor(3.0)
    for name in ("sum", "mean", "max"):
        out = getattr(s, name)()
        assert out.shape == () and out.item() == 3.0
    assert s.sum(keepdims=True).shape == ()


def test_reduction_dtypes_follow_numpy():
    i = Tensor([1, 2, 3], dtype=np.int64)
    assert i.sum().dtype == np.int64
    assert i.max().dtype == np.int64
    assert i.mean().dtype == np.float64
    assert Tensor([1.0, 2.0]).mean().dtype == np.float32


def test_keepdims_result_broadcasts_back():
    x = Tensor(X23)
    centred = x - x.mean(axis=1, keepdims=True)
    assert centred.data.tolist() == [[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match="cannot be broadcast"):
        x - x.mean(axis=1)  # (2, 3) - (2,)


def test_empty_reductions():
    e = Tensor(np.zeros((0, 3)))
    assert e.sum().item() == 0.0
    check(e.sum(axis=0), np.zeros(3))
    check(e.max(axis=1), np.zeros((0,)))
    check(e.mean(axis=1), np.zeros((0,)))


@pytest.mark.parametrize("name", ["mean", "max"])
@pytest.mark.parametrize("axis", [None, 0, (0, 1)])
def test_mean_and_max_of_nothing_raise(name, axis):
    e = Tensor(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=rf"{name}: cannot reduce zero "
                       r"elements") as info:
        getattr(e, name)(axis=axis)
    one_line(info)


@pytest.mark.parametrize("axis, error, match", [
    (2, ValueError, r"axis 2 is out of range for a tensor of shape \(2, 3\)"),
    (-3, ValueError, r"axis -3 is out of range"),
    ((0, 0), ValueError, r"names dimension 0 twice"),
    ((1, -1), ValueError, r"names dimension 1 twice"),
    (1.5, TypeError, r"axis must be None, an int or a tuple of ints"),
    (True, TypeError, r"axis must be None"),
    ("0", TypeError, r"axis must be None"),
    ((0, 1.0), TypeError, r"axis must be None"),
])
@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_bad_axis_raises(axis, error, match, name):
    with pytest.raises(error, match=match) as info:
        getattr(Tensor(X23), name)(axis=axis)
    assert one_line(info).startswith(f"{name}: ")


def test_axis_on_0d_tensor_raises():
    with pytest.raises(ValueError, match="0-d tensor has no axes"):
        Tensor(1.0).sum(axis=0)


def test_sum_creating_nan_raises():
    with pytest.raises(ValueError, match=r"sum: the result would contain "
                       r"NaN") as info:
        Tensor([np.inf, -np.inf]).sum()
    one_line(info)


def test_numpy_integer_axis_is_accepted():
    assert Tensor(X23).sum(axis=np.int64(1)).data.tolist() == [6.0, 15.0]
