"""Module 01 Tensor: Hypothesis properties with bounded strategies.

Shapes have at most 4 dimensions of at most 6 elements; values are finite
floats in [-100, 100] so that no property depends on overflow.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings

from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(60)

values = st.floats(-100, 100, allow_nan=False, allow_infinity=False,
                   width=32)
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=6)


def arrays(shape=shapes):
    return hnp.arrays(np.float32, shape, elements=values)


@st.composite
def broadcastable_pairs(draw):
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4,
                                                  max_side=5))
    a = draw(arrays(st.just(pair.input_shapes[0])))
    b = draw(arrays(st.just(pair.input_shapes[1])))
    return a, b, pair.result_shape


@st.composite
def array_and_axis(draw):
    a = draw(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=4,
                                                     min_side=1, max_side=6),
                        elements=values))
    axis = draw(st.one_of(
        st.none(),
        st.integers(-a.ndim, a.ndim - 1),
        st.lists(st.integers(0, a.ndim - 1), min_size=1, max_size=a.ndim,
                 unique=True).map(tuple)))
    return a, axis


@SETTINGS
@given(broadcastable_pairs())
def test_addition_and_multiplication_commute(pair):
    a, b, _ = pair
    x, y = Tensor(a), Tensor(b)
    np.testing.assert_array_equal((x + y).data, (y + x).data)
    np.testing.assert_array_equal((x * y).data, (y * x).data)


@SETTINGS
@given(broadcastable_pairs())
def test_broadcast_shape_and_values_match_numpy(pair):
    a, b, result_shape = pair
    out = Tensor(a) - Tensor(b)
    assert out.shape == result_shape
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, a - b)


@SETTINGS
@given(broadcastable_pairs())
def test_subtraction_is_negated_reverse(pair):
    a, b, _ = pair
    x, y = Tensor(a), Tensor(b)
    np.testing.assert_array_equal((x - y).data, (-(y - x)).data)


@SETTINGS
@given(arrays(), st.floats(-10, 10, allow_nan=False, width=32))
def test_scalar_on_either_side_keeps_float32(a, c):
    x = Tensor(a)
    for result, expected in ((x + c, a + c), (c + x, c + a),
                             (x * c, a * c), (c - x, c - a)):
        assert result.dtype == np.float32
        assert result.shape == a.shape
        np.testing.assert_array_equal(result.data, expected)


@SETTINGS
@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8),
       st.integers(0, 2 ** 16))
def test_matmul_shape_and_values(m, k, n, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (m, k))
    b = rng.uniform(-1, 1, (k, n))
    out = Tensor(a) @ Tensor(b)
    assert out.shape == (m, n)
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-5, atol=1e-5)


@SETTINGS
@given(array_and_axis(), st.booleans())
def test_sum_and_mean_match_numpy(case, keepdims):
    a, axis = case
    x = Tensor(a)
    ref = a.astype(np.float64)
    # float32 summation error is bounded relative to the sum of |a|, not
    # to the (possibly cancelled) sum itself.
    scale = np.abs(ref).sum(axis=axis, keepdims=keepdims)
    count = a.size / scale.size if scale.size else 1
    got_sum = x.sum(axis=axis, keepdims=keepdims)
    got_mean = x.mean(axis=axis, keepdims=keepdims)
    assert got_sum.shape == np.sum(a, axis=axis, keepdims=keepdims).shape
    assert got_mean.shape == got_sum.shape
    assert got_sum.dtype == got_mean.dtype == np.float32
    sum_err = np.abs(got_sum.data - ref.sum(axis=axis, keepdims=keepdims))
    mean_err = np.abs(got_mean.data - ref.mean(axis=axis,
                                               keepdims=keepdims))
    assert np.all(sum_err <= 1e-5 * scale + 1e-6)
    assert np.all(mean_err <= 1e-5 * scale / count + 1e-6)


@SETTINGS
@given(array_and_axis())
def test_max_is_an_upper_bound_that_is_attained(case):
    a, axis = case
    m = Tensor(a).max(axis=axis, keepdims=True)
    assert np.all(a <= m.data)
    assert np.all(np.any(a == m.data, axis=axis))


@SETTINGS
@given(arrays())
def test_reshape_round_trip_and_transpose_involution(a):
    x = Tensor(a)
    flat = x.reshape(-1)
    assert flat.shape == (a.size,)
    np.testing.assert_array_equal(flat.reshape(a.shape).data, a)
    np.testing.assert_array_equal(x.T.T.data, a)
    assert x.T.shape == a.shape[::-1]


@SETTINGS
@given(hnp.arrays(np.float32, shapes,  # 2**-10 is exact in float32
                  elements=st.floats(2.0 ** -10, 50, width=32)))
def test_log_inverts_exp(a):
    x = Tensor(a)
    np.testing.assert_allclose(x.log().exp().data, a, rtol=1e-5)


@SETTINGS
@given(st.lists(st.lists(st.integers(-1000, 1000), min_size=3, max_size=3),
                min_size=1, max_size=5))
def test_construction_from_lists_matches_numpy(rows):
    x = Tensor(rows)
    assert x.dtype == np.float32
    assert x.shape == (len(rows), 3)
    np.testing.assert_array_equal(x.data, np.array(rows, dtype=np.float32))
