"""Hypothesis properties of tinytorch.core.activations (bounded inputs)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from _support import property_settings

from tinytorch.core.activations import GELU, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(100)

finite64 = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
arrays64 = arrays(np.float64, array_shapes(min_dims=1, max_dims=3,
                                           max_side=6), elements=finite64)
matrices64 = arrays(
    np.float64,
    st.tuples(st.integers(1, 5), st.integers(1, 8)),
    elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False))


def T(a):
    return Tensor(a, dtype=np.float64)


@SETTINGS
@given(arrays64)
def test_sigmoid_symmetry(x):
    # sigmoid(-x) = 1 - sigmoid(x): exact maths, equal to rounding here.
    s, s_neg = Sigmoid()(T(x)).data, Sigmoid()(T(-x)).data
    np.testing.assert_allclose(s_neg, 1.0 - s, rtol=0, atol=1e-15)


@SETTINGS
@given(arrays64)
def test_sigmoid_range_and_order(x):
    s = Sigmoid()(T(x)).data
    assert ((s >= 0.0) & (s <= 1.0)).all()
    order = np.argsort(x.ravel(), kind="stable")
    assert (np.diff(s.ravel()[order]) >= 0).all()  # monotone


@SETTINGS
@given(arrays64)
def test_relu_idempotent_and_splits_x(x):
    r = ReLU()(T(x)).data
    np.testing.assert_array_equal(ReLU()(T(r)).data, r)
    assert (r >= 0).all()
    np.testing.assert_array_equal(r - ReLU()(T(-x)).data, x)


@SETTINGS
@given(arrays64)
def test_tanh_is_odd_and_a_scaled_sigmoid(x):
    t = Tanh()(T(x)).data
    np.testing.assert_array_equal(Tanh()(T(-x)).data, -t)
    scaled = 2.0 * Sigmoid()(T(2.0 * x)).data - 1.0
    np.testing.assert_allclose(t, scaled, rtol=0, atol=1e-14)


@SETTINGS
@given(arrays64)
def test_gelu_odd_part_is_x(x):
    # Both the exact and the tanh GELU satisfy gelu(x) - gelu(-x) = x.
    g, g_neg = GELU()(T(x)).data, GELU()(T(-x)).data
    np.testing.assert_allclose(g - g_neg, x, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(arrays64)
def test_gelu_bounds(x):
    g = GELU()(T(x)).data
    assert (g >= -0.1701).all()  # the curve's minimum is about -0.17004
    assert (g <= np.maximum(x, 0.0) + 1e-12).all()


@SETTINGS
@given(matrices64)
def test_softmax_rows_are_distributions(x):
    p = Softmax(dim=-1)(T(x)).data
    assert ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    # The largest logit gets the largest probability.
    rows = np.arange(x.shape[0])
    assert (p[rows, x.argmax(axis=-1)] == p.max(axis=-1)).all()


@SETTINGS
@given(matrices64, st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=5))
def test_softmax_invariant_to_row_shift(x, shifts):
    c = np.array(shifts[: x.shape[0]])[:, None]
    p = Softmax(dim=-1)(T(x)).data
    q = Softmax(dim=-1)(T(x + c)).data
    np.testing.assert_allclose(q, p, rtol=0, atol=1e-9)


@SETTINGS
@given(matrices64)
def test_softmax_float32_rows_sum_to_one(x):
    p = Softmax()(Tensor(x)).data
    assert p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-5)


@SETTINGS
@given(arrays64, st.sampled_from([ReLU, Sigmoid, Tanh, GELU]))
def test_elementwise_preserves_shape_and_dtype(x, cls):
    y = cls()(T(x))
    assert y.shape == x.shape and y.dtype == np.float64
    y32 = cls()(Tensor(x))
    assert y32.shape == x.shape and y32.dtype == np.float32
