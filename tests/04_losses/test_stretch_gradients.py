"""Module 04 stretch part: the analytic gradients (S9) against central
differences in float64, and against PyTorch's autograd when installed.

Central differences (f(v + h) - f(v - h)) / 2h with h = 1e-6 have an error
of order h^2 * f''' plus rounding of order eps * f / h; the tolerances
below (rtol 1e-6, atol 1e-8) leave room for both and still catch any wrong
formula (a wrong sign or factor is off by 100%)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings

from tinytorch.core import losses, losses_stretch
from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    MSELoss,
)
from tinytorch.core.losses_stretch import (
    BCEWithLogitsLoss,
)
from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(80)
H = 1e-6
GRAD_TOL = dict(rtol=1e-6, atol=1e-8)


def central(f, v, h=H):
    """Elementwise central differences of an elementwise function."""
    return (f(v + h) - f(v - h)) / (2 * h)


def loss_gradient(loss_fn, x, y, h=H):
    """Central differences of a reduced loss w.r.t. every entry of x."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (loss_fn(Tensor(up, dtype=np.float64),
                               Tensor(y, dtype=np.float64)).item()
                       - loss_fn(Tensor(down, dtype=np.float64),
                                 Tensor(y, dtype=np.float64)).item()) / (2 * h)
    return grad


probability = st.floats(0.01, 0.99, width=64)
label = st.floats(0.0, 1.0, width=64)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 10),
                  elements=st.floats(-100, 100, width=64)), st.data())
def test_mse_backward_matches_central_differences(p, data):
    y = data.draw(hnp.arrays(np.float64, p.shape,
                             elements=st.floats(-100, 100, width=64)))
    got = losses_stretch._mse_backward(p, y)
    want = central(lambda v: (v - y) ** 2, p)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 10), elements=probability),
       st.data())
def test_bce_backward_matches_central_differences(p, data):
    y = data.draw(hnp.arrays(np.float64, p.shape, elements=label))
    got = losses_stretch._binary_cross_entropy_backward(p, y, 1e-7)
    want = central(lambda v: losses._binary_cross_entropy_forward(v, y, 1e-7),
                   p)
    np.testing.assert_allclose(got, want, **GRAD_TOL)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 10),
                  elements=st.floats(-40, 40, width=64)), st.data(),
       st.floats(0.1, 10.0, width=64))
def test_bce_with_logits_backward_matches_central_differences(x, data, pw):
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=label))
    for pos_weight in (1.0, pw):
        got = losses_stretch._bce_with_logits_backward(x, y, pos_weight)
        want = central(
            lambda v: losses_stretch._bce_with_logits_forward(v, y, pos_weight), x)
        np.testing.assert_allclose(got, want, **GRAD_TOL)


def test_bce_with_logits_gradient_is_sigmoid_minus_target():
    x = np.linspace(-700.0, 700.0, 29)
    y = np.linspace(0.0, 1.0, 29)
    got = losses_stretch._bce_with_logits_backward(x, y, 1.0)
    with np.errstate(over="ignore"):
        sigmoid = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(got, sigmoid - y, rtol=1e-12, atol=1e-15)
    assert np.all(np.isfinite(got))


def test_clamped_bce_has_zero_gradient_where_the_clamp_is_active():
    p = np.array([0.0, 5e-8, 1.0, 1 - 5e-8])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    got = losses_stretch._binary_cross_entropy_backward(p, y, 1e-7)
    np.testing.assert_array_equal(got, np.zeros(4))
    flat = central(lambda v: losses._binary_cross_entropy_forward(v, y, 1e-7),
                   np.array([0.0 + 2e-8, 5e-8, 1.0 - 2e-8, 1 - 5e-8]),
                   h=1e-8)
    np.testing.assert_array_equal(flat, np.zeros(4))


def test_gradients_of_the_mean_are_the_kernel_gradients_over_n():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, size=(3, 4))
    y = rng.uniform(size=(3, 4))
    n = p.size
    got = loss_gradient(BinaryCrossEntropyLoss(), p, y)
    want = losses_stretch._binary_cross_entropy_backward(p, y, 1e-7) / n
    np.testing.assert_allclose(got, want, **GRAD_TOL)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    got = loss_gradient(MSELoss(), a, b)
    np.testing.assert_allclose(got, losses_stretch._mse_backward(a, b) / n,
                               **GRAD_TOL)
    got = loss_gradient(BCEWithLogitsLoss(reduction="sum"), a * 5, y)
    np.testing.assert_allclose(
        got, losses_stretch._bce_with_logits_backward(a * 5, y, 1.0), **GRAD_TOL)


def test_the_seed_comparison_with_real_numbers():
    """Target 1, prediction 0.05: MSE gradient -1.9, BCE gradient -20 (the
    seed says about 19), a ratio of about 10.5."""
    one, p = np.array([1.0]), np.array([0.05])
    mse = losses_stretch._mse_backward(p, one)[0]
    bce = losses_stretch._binary_cross_entropy_backward(p, one, 1e-7)[0]
    assert mse == pytest.approx(-1.9, abs=1e-12)
    assert bce == pytest.approx(-20.0, abs=1e-12)
    assert f"{bce / mse:.1f}" == "10.5"
    assert round(abs(bce)) != 19
    # through the sigmoid: slope p (1 - p) = 0.0475
    x = np.log(0.05 / 0.95)
    logit_bce = losses_stretch._bce_with_logits_backward(np.array([x]), one, 1.0)[0]
    assert logit_bce == pytest.approx(-0.95, abs=1e-12)
    assert mse * 0.05 * 0.95 == pytest.approx(-0.09025, abs=1e-12)
    np.testing.assert_allclose(
        central(lambda v: (1.0 / (1.0 + np.exp(-v)) - 1.0) ** 2,
                np.array([x])), [-0.09025], rtol=1e-6)


@pytest.mark.torch
def test_gradients_match_pytorch_autograd():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(1)
    p = rng.uniform(0.01, 0.99, size=(4, 3))
    y = rng.uniform(size=(4, 3))
    x = rng.normal(size=(4, 3)) * 6
    pw = np.array([0.5, 2.0, 5.0])

    tp = torch.tensor(p, requires_grad=True)
    F.binary_cross_entropy(tp, torch.tensor(y), reduction="sum").backward()
    np.testing.assert_allclose(
        losses_stretch._binary_cross_entropy_backward(p, y, 1e-7),
        tp.grad.numpy(), rtol=1e-10)

    tp = torch.tensor(p, requires_grad=True)
    F.mse_loss(tp, torch.tensor(y), reduction="sum").backward()
    np.testing.assert_allclose(losses_stretch._mse_backward(p, y), tp.grad.numpy(),
                               rtol=1e-12)

    tx = torch.tensor(x, requires_grad=True)
    F.binary_cross_entropy_with_logits(
        tx, torch.tensor(y), pos_weight=torch.tensor(pw),
        reduction="sum").backward()
    np.testing.assert_allclose(losses_stretch._bce_with_logits_backward(x, y, pw),
                               tx.grad.numpy(), rtol=1e-10, atol=1e-14)
