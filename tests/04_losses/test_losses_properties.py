"""Module 04 losses: Hypothesis properties on bounded inputs."""
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings

from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    MSELoss,
    log_softmax,
)
from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(100)
BCE_MAX = -math.log(1e-7)  # 16.118..., the clamp's bound per element

shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8)
# Values on a grid of 1/8 in [-1000, 1000]: exact in float32, and two
# different values differ by at least 1/8, so their squared error is > 0.
grid = st.integers(-8000, 8000).map(lambda i: i / 8)
logit = st.floats(-60.0, 60.0, allow_nan=False, width=64)


@st.composite
def same_shape_pairs(draw, elements):
    shape = draw(shapes)
    a = draw(hnp.arrays(np.float64, shape, elements=elements))
    b = draw(hnp.arrays(np.float64, shape, elements=elements))
    return a, b


@st.composite
def logits_and_targets(draw, masked=False):
    n = draw(st.integers(1, 6))
    c = draw(st.integers(1, 8))
    z = draw(hnp.arrays(np.float64, (n, c), elements=logit))
    t = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    if masked and c > 1:
        mask = draw(hnp.arrays(np.bool_, (n, c)))
        mask[np.arange(n), t] = False  # never mask the target
        z = np.where(mask, -np.inf, z)
    return z, t


@SETTINGS
@given(same_shape_pairs(grid))
def test_mse_nonnegative_and_zero_iff_equal(pair):
    p, t = pair
    for dtype in (np.float32, np.float64):
        loss = MSELoss()(Tensor(p, dtype=dtype), Tensor(t, dtype=dtype))
        value = loss.item()
        assert value >= 0.0
        assert (value == 0.0) == bool(np.array_equal(p, t))
    same = MSELoss()(Tensor(p), Tensor(p)).item()
    assert same == 0.0


@SETTINGS
@given(same_shape_pairs(grid))
def test_mse_symmetric(pair):
    p, t = pair
    a = MSELoss()(Tensor(p, dtype=np.float64), Tensor(t, dtype=np.float64))
    b = MSELoss()(Tensor(t, dtype=np.float64), Tensor(p, dtype=np.float64))
    assert a.item() == b.item()


@SETTINGS
@given(logits_and_targets(),
       st.lists(st.floats(-500.0, 500.0, allow_nan=False), min_size=6,
                max_size=6))
def test_cross_entropy_invariant_to_constant_per_row(zt, shifts):
    z, t = zt
    shift = np.array(shifts[:len(z)])[:, None]
    ce = CrossEntropyLoss()
    base = ce(Tensor(z, dtype=np.float64), Tensor(t)).item()
    moved = ce(Tensor(z + shift, dtype=np.float64), Tensor(t)).item()
    assert math.isclose(base, moved, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(logits_and_targets(masked=True))
def test_cross_entropy_nonnegative_and_finite_when_target_unmasked(zt):
    z, t = zt
    for dtype in (np.float32, np.float64):
        value = CrossEntropyLoss()(Tensor(z, dtype=dtype), Tensor(t)).item()
        assert math.isfinite(value)
        assert value >= 0.0


@SETTINGS
@given(logits_and_targets(masked=True))
def test_log_softmax_rows_logsumexp_to_zero(zt):
    z, _ = zt
    for dim in (1, -1):
        out = log_softmax(Tensor(z, dtype=np.float64), dim=dim).data
        m = out.max(axis=1, keepdims=True)
        lse = (m + np.log(np.exp(out - m).sum(axis=1, keepdims=True)))
        np.testing.assert_allclose(lse, 0.0, atol=1e-12)
        assert np.all(out <= 0.0)
        assert np.array_equal(np.isneginf(out), np.isneginf(z))


@SETTINGS
@given(logits_and_targets())
def test_log_softmax_columns_with_dim0(zt):
    z, _ = zt
    out = log_softmax(Tensor(z, dtype=np.float64), dim=0).data
    np.testing.assert_allclose(np.exp(out).sum(axis=0), 1.0, atol=1e-12)


@SETTINGS
@given(logits_and_targets(), st.floats(-500.0, 500.0, allow_nan=False))
def test_log_softmax_invariant_to_constant(zt, shift):
    z, _ = zt
    a = log_softmax(Tensor(z, dtype=np.float64)).data
    b = log_softmax(Tensor(z + shift, dtype=np.float64)).data
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


unit = st.floats(0.0, 1.0, allow_nan=False)


@SETTINGS
@given(same_shape_pairs(unit))
def test_bce_bounded(pair):
    p, t = pair
    for dtype in (np.float32, np.float64):
        value = BinaryCrossEntropyLoss()(Tensor(p, dtype=dtype),
                                         Tensor(t, dtype=dtype)).item()
        assert 0.0 <= value <= BCE_MAX * (1 + 1e-6)


@SETTINGS
@given(hnp.arrays(np.float64, shapes, elements=st.sampled_from([0.0, 1.0])))
def test_bce_zero_for_perfect_hard_predictions(labels):
    value = BinaryCrossEntropyLoss()(Tensor(labels), Tensor(labels)).item()
    assert value == 0.0


@SETTINGS
@given(st.lists(st.floats(-8.0, 8.0, allow_nan=False), min_size=1,
                max_size=10),
       st.data())
def test_two_class_cross_entropy_equals_bce_on_sigmoid(scores, data):
    s = np.array(scores)
    y = np.array(data.draw(st.lists(st.sampled_from([0, 1]),
                                    min_size=len(s), max_size=len(s))))
    z = np.stack([np.zeros_like(s), s], axis=1)
    ce = CrossEntropyLoss()(Tensor(z, dtype=np.float64), Tensor(y)).item()
    sig = 1.0 / (1.0 + np.exp(-s))
    bce = BinaryCrossEntropyLoss()(Tensor(sig, dtype=np.float64),
                                   Tensor(y, dtype=np.float64)).item()
    assert math.isclose(ce, bce, rel_tol=1e-9, abs_tol=1e-12)
