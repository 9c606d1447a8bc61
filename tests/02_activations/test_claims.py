"""Every number written in the prose of Module 02, recomputed.

Each test names the sentence it checks: `notebook` is
src/02_activations/02_activations.py (markdown, docstrings, hints) and
`ABOUT` is src/02_activations/ABOUT.md.
"""

import math
import warnings

import numpy as np
import pytest

from tinytorch.core.activations import GELU, Sigmoid, Softmax, Tanh
from tinytorch.core.tensor import Tensor


def exact_gelu(v):
    return 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))


def tanh_gelu(v):
    c = math.sqrt(2.0 / math.pi)
    return 0.5 * v * (1.0 + math.tanh(c * (v + 0.044715 * v ** 3)))


GRID = np.linspace(-20.0, 20.0, 400001)  # step 1e-4


@pytest.fixture(scope="module")
def gelu_curves():
    exact = np.array([exact_gelu(v) for v in GRID])
    approx = np.array([tanh_gelu(v) for v in GRID])
    return exact, approx


def test_float32_limits():
    # notebook + ABOUT: "For float32 it is about 3.4 x 10^38, so e^t becomes
    # inf as soon as t exceeds ln(3.4 x 10^38) ~ 88.72."
    largest = float(np.finfo(np.float32).max)
    assert largest == pytest.approx(3.4e38, rel=0.01)
    assert round(math.log(largest), 2) == 88.72
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(np.float32(88.72)))
        assert np.isinf(np.exp(np.float32(88.73)))


def test_naive_sigmoid_forms_fail_at_1000():
    # notebook: "Feed x = -1000 ... e^1000 overflows. The rewritten form
    # e^x / (1 + e^x) ... at x = 1000 it computes inf / inf, which is nan."
    # notebook (after the demo): "The first form happens to print the right
    # numbers, but only because an inf slipped through".
    x = np.float32(1000.0)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isinf(np.exp(-(-x)))
        assert 1.0 / (1.0 + np.exp(-(-x))) == 0.0
        assert np.isnan(np.exp(x) / (1.0 + np.exp(x)))


def test_stable_sigmoid_exact_at_1000():
    # notebook: "at x = +-1000 the result is exactly 1 or 0, with no
    # warning"; ABOUT: "the sigmoid of 1000 is exactly 1.0 in float32".
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = Sigmoid()(Tensor([-1000.0, 1000.0])).data
    assert y.dtype == np.float32
    assert y.tolist() == [0.0, 1.0]


def test_tanh_exactly_one_for_large_inputs():
    # notebook: "np.tanh ... returns exactly +-1 for large inputs".
    assert Tanh()(Tensor([-1000.0, 1000.0])).data.tolist() == [-1.0, 1.0]


def test_softmax_of_1_2_3():
    # notebook + ABOUT: "the logits [1, 2, 3] become about
    # [0.090, 0.245, 0.665]", and [1000, 1001, 1002] gives the same while
    # the naive formula returns nan.
    small = Softmax()(Tensor([1.0, 2.0, 3.0])).data
    assert [round(float(v), 3) for v in small] == [0.090, 0.245, 0.665]
    big = Softmax()(Tensor([1000.0, 1001.0, 1002.0])).data
    np.testing.assert_allclose(big, small, rtol=1e-6)
    z = np.array([1000.0, 1001.0, 1002.0], dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(np.exp(z) / np.exp(z).sum()).all()


def test_gelu_minimum(gelu_curves):
    # notebook: "its minimum is about -0.17, near x ~ -0.75"; ABOUT: "a
    # minimum of about -0.17 near x = -0.75"; summary table and ABOUT API
    # table: "about [-0.17, inf)".
    exact, approx = gelu_curves
    for curve in (exact, approx):
        i = int(curve.argmin())
        assert round(float(curve[i]), 2) == -0.17
        assert abs(GRID[i] - (-0.75)) < 0.005


def test_gelu_tanh_gap(gelu_curves):
    # notebook + GELU docstring: "differs from the exact form by less than
    # 5 x 10^-4 everywhere"; ABOUT: "the largest gap, about 4.7e-4, is near
    # |x| = 2.7".
    exact, approx = gelu_curves
    gap = np.abs(approx - exact)
    i = int(gap.argmax())
    assert gap[i] < 5e-4
    assert round(float(gap[i]), 5) == pytest.approx(4.7e-4, abs=0.05e-4)
    assert abs(abs(GRID[i]) - 2.7) < 0.05
    # Beyond |x| = 20 both curves equal max(x, 0) to far better than 5e-4.
    assert gap[np.abs(GRID) > 19].max() < 1e-12


def test_gelu_hint_values():
    # notebook hint: "GELU(1) is about 0.8412 and GELU(-1) about -0.1588".
    y = GELU()(Tensor([1.0, -1.0], dtype=np.float64)).data
    assert round(float(y[0]), 4) == 0.8412
    assert round(float(y[1]), 4) == -0.1588


def test_float16_limit():
    # notebook: "Half precision (float16) ... overflows beyond about 11";
    # ABOUT Q1: "the largest finite value is 65504 ... ln(65504) is about
    # 11.09".
    largest = float(np.finfo(np.float16).max)
    assert largest == 65504.0
    assert round(math.log(largest), 2) == 11.09


def test_float16_naive_softmax_answer():
    # ABOUT Q1: naive softmax of float16 [10, 20] returns [0, nan]; the
    # max-shifted form returns about [4.54e-05, 1.0] in float16; ABOUT
    # (Dtypes): float16 input becomes float32, where it is about
    # [4.54e-05, 0.99995].
    z = np.array([10.0, 20.0], dtype=np.float16)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert naive[0] == 0.0 and np.isnan(naive[1])
    e = np.exp(z - z.max())
    stable = e / e.sum()
    assert stable.dtype == np.float16
    assert float(stable[0]) == pytest.approx(4.54e-05, rel=1e-3)
    assert float(stable[1]) == 1.0
    ours = Softmax()(Tensor(z, dtype=np.float16)).data
    assert ours.dtype == np.float32
    assert float(ours[0]) == pytest.approx(4.54e-05, rel=1e-3)
    assert round(float(ours[1]), 5) == 0.99995


def test_systems_input_size():
    # notebook systems section: "a (1000, 1000) float32 input (4 MB)".
    assert Tensor(np.zeros((1000, 1000))).data.nbytes == 4_000_000


def test_stacked_linear_weights():
    # ABOUT (Why nonlinearity, Q5): "784 -> 128 -> 10 ... 101,632 weights
    # ... the 7,840 weights of one layer".
    assert 784 * 128 + 128 * 10 == 101_632
    assert 784 * 10 == 7_840
    rng = np.random.default_rng(0)
    w1, w2 = rng.normal(size=(784, 128)), rng.normal(size=(128, 10))
    x = rng.normal(size=(3, 784))
    np.testing.assert_allclose((x @ w1) @ w2, x @ (w1 @ w2), rtol=1e-10)


def test_transformer_activation_memory():
    # ABOUT: "batch 32, sequence length 512 and width 3072 ... 50,331,648
    # numbers, about 201.3 MB"; Q2: "201,326,592 bytes ... In float16 ...
    # about 100.7 MB"; "four times the model width" (3072 = 4 x 768).
    n = 32 * 512 * 3072
    assert n == 50_331_648
    assert n * np.dtype(np.float32).itemsize == 201_326_592
    assert round(n * 4 / 1e6, 1) == 201.3
    assert round(n * np.dtype(np.float16).itemsize / 1e6, 1) == 100.7
    assert 3072 == 4 * 768


def test_mean_shift_still_overflows():
    # ABOUT Q4: "for logits [0, 1000], the mean shift leaves 500, and
    # exp(500) overflows in float32".
    logits = np.array([0.0, 1000.0], dtype=np.float32)
    shifted = logits - logits.mean()
    assert shifted.max() == 500.0
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(shifted.max()))
