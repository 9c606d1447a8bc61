"""Module 04 properties, fuzzed with Hypothesis (bounded, derandomised).

Valid finite inputs always give finite losses that match float64 loop
references; log-softmax and cross-entropy do not change when a constant is
added to a row; the reductions agree with each other.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings
from tinytorch.core.losses import (binary_cross_entropy, cross_entropy,
                                   log_softmax, mse_loss)
from tinytorch.core.tensor import Tensor
from tinytorch.testing import check

finite = st.floats(-1e4, 1e4, allow_nan=False, width=32)
unit = st.floats(0, 1, width=32)
SETTINGS = property_settings(100)


def ce_ref(x, t):
    out = []
    for row, k in zip(np.asarray(x, dtype=np.float64), t):
        m = max(row)
        out.append(m + math.log(sum(math.exp(v - m) for v in row)) - row[k])
    return out


def logits_and_targets():
    return hnp.arrays(np.float32, st.tuples(st.integers(1, 6),
                                            st.integers(1, 6)),
                      elements=finite).flatmap(
        lambda x: st.tuples(st.just(x), hnp.arrays(
            np.int64, (x.shape[0],), elements=st.integers(0, x.shape[1] - 1))))


@SETTINGS
@given(logits_and_targets())
def test_cross_entropy_finite_and_matches_loop(case):
    x, t = case
    check(cross_entropy, Tensor(x), Tensor(t, dtype=np.int64),
          reduction="none", want=ce_ref(x, t), rtol=1e-5, atol=2e-3)


@SETTINGS
@given(logits_and_targets(), st.floats(-1e3, 1e3, allow_nan=False))
def test_cross_entropy_ignores_a_shift_of_the_row(case, c):
    x, t = case
    x64 = x.astype(np.float64)
    a = cross_entropy(Tensor(x64, dtype=np.float64), Tensor(t)).item()
    b = cross_entropy(Tensor(x64 + c, dtype=np.float64), Tensor(t)).item()
    assert b == pytest.approx(a, rel=1e-9, abs=1e-9)


@SETTINGS
@given(logits_and_targets())
def test_reductions_agree(case):
    x, t = case
    items = cross_entropy(Tensor(x), Tensor(t), reduction="none").data
    total = cross_entropy(Tensor(x), Tensor(t), reduction="sum").item()
    mean = cross_entropy(Tensor(x), Tensor(t)).item()
    assert total == pytest.approx(float(np.sum(items, dtype=np.float64)),
                                  rel=1e-5, abs=1e-3)
    assert mean == pytest.approx(total / len(t), rel=1e-5, abs=1e-3)


@SETTINGS
@given(hnp.arrays(np.float32, st.tuples(st.integers(1, 5), st.integers(1, 5)),
                  elements=finite), st.sampled_from([0, 1, -1]))
def test_log_softmax_finite_and_normalised(x, dim):
    out = log_softmax(Tensor(x), dim=dim).data
    assert np.isfinite(out).all() and (out <= 1e-6).all()
    lse = np.log(np.exp(out.astype(np.float64)).sum(axis=dim))
    np.testing.assert_allclose(lse, 0.0, atol=1e-5)


@SETTINGS
@given(hnp.arrays(np.float32, st.integers(1, 20), elements=finite),
       st.data())
def test_mse_finite_and_matches_loop(p, data):
    t = data.draw(hnp.arrays(np.float32, p.shape, elements=finite))
    ref = sum((float(a) - float(b)) ** 2 for a, b in zip(p, t)) / len(p)
    check(mse_loss, Tensor(p), Tensor(t), want=ref, rtol=1e-5, atol=1e-6)


@SETTINGS
@given(hnp.arrays(np.float32, st.integers(1, 20), elements=unit), st.data())
def test_bce_finite_bounded_and_matches_loop(p, data):
    t = data.draw(hnp.arrays(np.float32, p.shape, elements=unit))
    ref = [-(float(b) * math.log(max(float(a), 1e-7)) + (1 - float(b))
             * math.log(max(1 - float(a), 1e-7))) for a, b in zip(p, t)]
    items = check(binary_cross_entropy, Tensor(p), Tensor(t),
                  reduction="none", want=ref, rtol=1e-5, atol=1e-5).data
    assert items.max() <= -math.log(1e-7) + 1e-4
