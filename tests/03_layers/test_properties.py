"""Hypothesis properties of tinytorch.core.layers (bounded inputs)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from _support import property_settings

from tinytorch.core.activations import ReLU
from tinytorch.core.layers import Dropout, Linear, Sequential
from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(60)

sizes = st.integers(1, 12)
leading = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
values = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(sizes, sizes, leading, st.booleans(), st.integers(0, 2**32 - 1))
def test_linear_output_shape(n_in, n_out, lead, bias, seed):
    layer = Linear(n_in, n_out, bias=bias, rng=seed)
    y = layer(Tensor(np.ones(lead + (n_in,))))
    assert y.shape == lead + (n_out,)
    assert y.dtype == np.float32


@SETTINGS
@given(sizes, sizes, st.booleans())
def test_linear_parameter_count(n_in, n_out, bias):
    layer = Linear(n_in, n_out, bias=bias, rng=0)
    count = sum(p.size for p in layer.parameters())
    assert count == n_in * n_out + (n_out if bias else 0)


@SETTINGS
@given(sizes, sizes, st.data())
def test_linear_is_affine(n_in, n_out, data):
    # f(x1) - f(x2) = (x1 - x2) @ W: the bias cancels.
    layer = Linear(n_in, n_out, rng=0)
    x1 = data.draw(arrays(np.float64, (3, n_in), elements=values))
    x2 = data.draw(arrays(np.float64, (3, n_in), elements=values))
    f1 = layer(Tensor(x1, dtype=np.float64)).data
    f2 = layer(Tensor(x2, dtype=np.float64)).data
    w = layer.weight.data.astype(np.float64)
    np.testing.assert_allclose(f1 - f2, (x1 - x2) @ w, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(sizes, sizes, sizes, st.integers(0, 1000))
def test_sequential_equals_composition(a, b, c, seed):
    l1, l2 = Linear(a, b, rng=seed), Linear(b, c, rng=seed + 1)
    relu = ReLU()
    x = Tensor(np.random.default_rng(seed).normal(size=(2, a)))
    np.testing.assert_array_equal(Sequential(l1, relu, l2)(x).data,
                                  l2(relu(l1(x))).data)
    assert len(Sequential(l1, relu, l2).parameters()) == 4


@SETTINGS
@given(st.floats(0.0, 0.95), arrays(np.float64, (5, 4), elements=values),
       st.integers(0, 2**32 - 1))
def test_dropout_outputs_are_zero_or_rescaled_input(p, x, seed):
    y = Dropout(p, rng=seed)(Tensor(x, dtype=np.float64)).data
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1.0 - p), rtol=1e-12)
    assert y.shape == x.shape


@SETTINGS
@given(st.floats(0.0, 0.95), arrays(np.float64, (3, 7), elements=values))
def test_dropout_eval_is_identity(p, x):
    y = Dropout(p, rng=0).eval()(Tensor(x, dtype=np.float64)).data
    np.testing.assert_array_equal(y, x)
