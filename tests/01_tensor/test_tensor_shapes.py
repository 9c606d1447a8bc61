"""Module 01 Tensor: reshape, transpose, indexing and matmul.

References: hand-computed constants, NumPy, and a float64 triple loop for
the matrix product. Every bad shape or index is checked for its type, its
message and for being one line.
"""

import numpy as np
import pytest

from tinytorch.core.tensor import Tensor


def one_line(exc_info):
    message = str(exc_info.value)
    assert "\n" not in message, f"message spans lines: {message!r}"
    assert "Hint:" in message, f"message has no hint: {message!r}"
    return message


def arange(*shape):
    return Tensor(np.arange(int(np.prod(shape))).reshape(shape))


# ----- reshape ----------------------------------------------------------

@pytest.mark.parametrize("args, shape", [
    ((2, 3), (2, 3)),
    (((3, 2),), (3, 2)),
    (([6],), (6,)),
    ((-1,), (6,)),
    ((3, -1), (3, 2)),
    ((-1, 1, 2), (3, 1, 2)),
    ((1, 6), (1, 6)),
    ((np.int64(2), 3), (2, 3)),
])
def test_reshape(args, shape):
    x = arange(6)
    y = x.reshape(*args)
    assert y.shape == shape and y.dtype == np.float32
    np.testing.assert_array_equal(y.data, np.arange(6.0).reshape(shape))


def test_reshape_is_row_major_and_round_trips():
    x = arange(2, 3)
    assert x.reshape(3, 2).data.tolist() == [[0, 1], [2, 3], [4, 5]]
    assert x.reshape(-1).reshape(2, 3).data.tolist() == x.data.tolist()


def test_reshape_returns_a_view():
    x = arange(2, 3)
    assert np.shares_memory(x.reshape(-1).data, x.data)


def test_reshape_to_scalar_and_empty():
    assert Tensor([5.0]).reshape().shape == ()
    assert Tensor([[5.0]]).reshape(()).item() == 5.0
    assert Tensor([]).reshape(0, 3).shape == (0, 3)


@pytest.mark.parametrize("shape, match", [
    ((4, 2), r"cannot reshape 6 elements \(shape \(6,\)\) into shape "
             r"\(4, 2\) \(8 elements\)"),
    ((4, -1), r"cannot infer the -1 in \(4, -1\) for 6 elements"),
    ((-1, -1), r"at most one -1"),
    ((-2, 3), r"dimensions must be >= 0"),
    ((0, -1), r"cannot infer the -1"),
    ((), r"cannot reshape 6 elements"),
])
def test_reshape_bad_shape_raises(shape, match):
    with pytest.raises(ValueError, match=match) as info:
        arange(6).reshape(*shape)
    one_line(info)


@pytest.mark.parametrize("shape", [(2.0, 3), ("2", 3), (True, 6),
                                   ((2, None),)])
def test_reshape_non_int_raises(shape):
    with pytest.raises(TypeError, match="dimensions must be ints") as info:
        arange(6).reshape(*shape)
    one_line(info)


# ----- transpose --------------------------------------------------------

def test_transpose_2d():
    x = arange(2, 3)
    for t in (x.T, x.transpose(), x.transpose(1, 0), x.transpose((1, 0))):
        assert t.shape == (3, 2)
        assert t.data.tolist() == [[0, 3], [1, 4], [2, 5]]
    assert x.transpose(0, 1).data.tolist() == x.data.tolist()  # NumPy's


@pytest.mark.parametrize("axes", [(), (0, 2, 1), (2, 0, 1), (1, 0, 2),
                                  (-1, 0, 1), ((2, 1, 0),), ([0, 2, 1],)])
def test_transpose_matches_numpy(axes):
    data = np.arange(24.0).reshape(2, 3, 4)
    flat = axes[0] if len(axes) == 1 else axes
    expected = data.transpose(*flat) if flat else data.transpose()
    result = Tensor(data).transpose(*axes)
    assert result.shape == expected.shape
    np.testing.assert_array_equal(result.data, expected)


def test_transpose_of_1d_and_0d():
    assert Tensor([1.0, 2.0]).T.shape == (2,)
    assert Tensor(3.0).T.shape == ()
    assert Tensor(3.0).transpose().item() == 3.0


def test_transpose_is_a_view():
    x = arange(2, 3)
    assert np.shares_memory(x.T.data, x.data)


@pytest.mark.parametrize("shape, axes", [
    ((2, 3, 4), (0, 1)),        # PyTorch-style swap: not every axis
    ((2, 3, 4), (0, 1, 1)),
    ((2, 3, 4), (0, 1, 3)),
    ((2, 3), (0, 1, 2)),
    ((2, 3), (0, -3)),
    ((), (0,)),
])
def test_transpose_bad_axes_raise(shape, axes):
    with pytest.raises(ValueError, match=r"transpose: expected an order of "
                       r"all \d dimensions") as info:
        Tensor(np.zeros(shape)).transpose(*axes)
    one_line(info)


def test_transpose_non_int_axes_raise():
    with pytest.raises(ValueError, match="expected an order"):
        arange(2, 3).transpose(1.0, 0)


# ----- indexing ---------------------------------------------------------

M = np.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize("index", [
    0, -1, 2, (1, 2), (-1, -1), slice(1, 3), (slice(None), 1),
    (slice(None), slice(None, None, 2)), (Ellipsis, 0), None, (None, 1),
    [0, 2], np.array([2, 0]), (np.array([0, 1]), np.array([3, 2])),
    M > 5, np.array([True, False, True]),
])
def test_indexing_matches_numpy(index):
    result = Tensor(M)[index]
    expected = M[index]
    assert isinstance(result, Tensor)
    assert type(result.data) is np.ndarray
    assert result.shape == np.shape(expected)
    np.testing.assert_array_equal(result.data, expected)


def test_single_element_is_0d_tensor():
    e = Tensor(M)[1, 2]
    assert e.shape == () and e.item() == 6.0 and e.dtype == np.float32


@pytest.mark.parametrize("index, expected", [
    (Tensor([0, 2]), [[0, 1, 2, 3], [8, 9, 10, 11]]),
    (Tensor([2.0, 0.0]), [[8, 9, 10, 11], [0, 1, 2, 3]]),
    (Tensor([1, 0], dtype=np.int64), [[4, 5, 6, 7], [0, 1, 2, 3]]),
    (Tensor(1.0), [4, 5, 6, 7]),
    ((Tensor([0, 1, 2]), Tensor([3, 2, 1])), [3, 6, 9]),
    ((slice(None), Tensor([0])), [[0], [4], [8]]),
    (Tensor([True, False, True], dtype=bool), [[0, 1, 2, 3],
                                               [8, 9, 10, 11]]),
])
def test_tensor_indices(index, expected):
    result = Tensor(M)[index]
    assert result.data.tolist() == expected


def test_basic_slicing_is_a_view():
    x = Tensor(M)
    assert np.shares_memory(x[1:].data, x.data)


@pytest.mark.parametrize("index, match", [
    (3, r"index 3 is out of bounds for axis 0 with size 3"),
    (-4, r"index -4 is out of bounds"),
    ((0, 4), r"index 4 is out of bounds for axis 1 with size 4"),
    ((0, 0, 0), r"too many indices"),
    (1.5, r"only integers, slices"),
    ("a", r"only integers, slices"),
    (Tensor([0.5]), r"must hold whole numbers, got 0.5"),
    (Tensor([np.nan]), r"must hold whole numbers, got nan"),
    (Tensor([5]), r"index 5 is out of bounds"),
    (np.array([True, False]), r"boolean index did not match"),
])
def test_bad_index_raises_index_and_value_error(index, match):
    with pytest.raises(IndexError, match=match) as info:
        Tensor(M)[index]
    assert isinstance(info.value, ValueError)
    message = one_line(info)
    assert message.startswith("Tensor index: ")
    if "whole numbers" not in message:
        assert "(tensor shape (3, 4))" in message


def test_indexing_0d_tensor_raises():
    with pytest.raises(ValueError, match="too many indices"):
        Tensor(1.0)[0]


def test_no_item_assignment():
    with pytest.raises(TypeError):
        Tensor(M)[0] = 1.0


# ----- matmul -----------------------------------------------------------

def test_matmul_hand_computed():
    a = Tensor([[1, 2], [3, 4]])
    b = Tensor([[5, 6], [7, 8]])
    for c in (a @ b, a.matmul(b)):
        assert c.shape == (2, 2) and c.dtype == np.float32
        assert c.data.tolist() == [[19.0, 22.0], [43.0, 50.0]]


def matmul_loop(a, b):
    """A float64 triple-loop reference for 2-D operands."""
    m, k = a.shape
    k2, n = b.shape
    assert k == k2
    out = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            out[i, j] = sum(float(a[i, t]) * float(b[t, j]) for t in range(k))
    return out


@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (2, 3, 4), (5, 1, 3),
                                     (4, 7, 2)])
def test_matmul_matches_float64_loop(m, k, n):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    ref = matmul_loop(a, b)
    got64 = Tensor(a, dtype=np.float64) @ Tensor(b, dtype=np.float64)
    np.testing.assert_allclose(got64.data, ref, rtol=1e-12, atol=1e-12)
    got32 = Tensor(a) @ Tensor(b)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32.data, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("left, right, out", [
    ((4, 3), (3, 5), (4, 5)),
    ((3,), (3, 5), (5,)),
    ((4, 3), (3,), (4,)),
    ((3,), (3,), ()),
    ((2, 4, 3), (3, 5), (2, 4, 5)),
    ((2, 4, 3), (2, 3, 5), (2, 4, 5)),
    ((1, 4, 3), (6, 3, 5), (6, 4, 5)),
    ((64, 784), (784, 128), (64, 128)),
])
def test_matmul_shapes_match_numpy(left, right, out):
    rng = np.random.default_rng(11)
    a, b = rng.standard_normal(left), rng.standard_normal(right)
    result = Tensor(a) @ Tensor(b)
    assert result.shape == out
    assert type(result.data) is np.ndarray
    np.testing.assert_allclose(result.data, np.matmul(a, b), rtol=1e-4,
                               atol=1e-4)


def test_matmul_with_ndarray_operands():
    a = Tensor([[1.0, 2.0]])
    right = a @ np.array([[1.0], [1.0]], dtype=np.float32)
    assert isinstance(right, Tensor) and right.data.tolist() == [[3.0]]
    left = np.eye(2, dtype=np.float32) @ Tensor([[1.0], [2.0]])
    assert isinstance(left, Tensor) and left.data.tolist() == [[1.0], [2.0]]


@pytest.mark.parametrize("left, right, match", [
    ((2, 3), (4, 5), r"cannot multiply shapes \(2, 3\) and \(4, 5\): the "
                     r"inner dimensions 3 and 4 differ"),
    ((2, 3), (2, 3), r"inner dimensions 3 and 2 differ"),
    ((3,), (4,), r"inner dimensions 3 and 4 differ"),
    ((2, 3), (4,), r"inner dimensions 3 and 4 differ"),
    ((2, 2, 3), (3, 3, 4), r"batch dimensions .* cannot be broadcast"),
    ((2, 3), (), r"need at least 1 dimension"),
    ((), (2, 3), r"need at least 1 dimension"),
])
def test_matmul_bad_shapes_raise(left, right, match):
    with pytest.raises(ValueError, match=match) as info:
        Tensor(np.ones(left)) @ Tensor(np.ones(right))
    one_line(info)


@pytest.mark.parametrize("bad", [2.0, 3])
def test_matmul_with_a_number_raises(bad):
    with pytest.raises(ValueError, match=r"Hint: use \* to multiply"):
        Tensor(np.ones((2, 2))) @ bad
    with pytest.raises(ValueError, match="at least 1 dimension"):
        bad @ Tensor(np.ones((2, 2)))


@pytest.mark.parametrize("bad", [[[1.0], [2.0]], "x", None])
def test_matmul_bad_operand_type_raises(bad):
    with pytest.raises(TypeError, match=r"Tensor @: expected a Tensor"):
        Tensor(np.ones((2, 2))) @ bad
