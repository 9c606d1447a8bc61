"""The stretch notebook's gradients, through the registry.

tests/04_losses/test_gradients.py checks every registered pair against
finite differences (its INPUTS table covers the stretch pairs), and
test_stretch_parity.py against PyTorch's autograd. Here: the numbers of the
lesson (1.9 against 20 at p = 0.05), the clamp, the upstream gradient, and
that every stretch backward is registered for the function the torch-style
namespace hands out.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tinytorch.core import gradients
from tinytorch.core.losses import mse_loss
from tinytorch.core.tensor import Tensor
from tinytorch.testing import check_gradients

S = pytest.importorskip("tinytorch.core.losses_stretch")


def T(values):
    return Tensor(values, dtype=np.float64)


def test_every_stretch_backward_is_registered():
    import tinytorch.nn.functional as F

    pairs = {(forward, backward) for forward, backward in
             gradients.registered().values()}
    assert (mse_loss, S.mse_loss_backward) in pairs
    assert (S.binary_cross_entropy, S.binary_cross_entropy_backward) in pairs
    assert (S.binary_cross_entropy_with_logits,
            S.binary_cross_entropy_with_logits_backward) in pairs
    assert (S.cross_entropy, S.cross_entropy_backward) in pairs
    for name in ("mse_loss", "cross_entropy", "binary_cross_entropy",
                 "binary_cross_entropy_with_logits"):
        gradients.backward_of(getattr(F, name))  # no LookupError


def test_a_confident_mistake_mse_1_9_against_bce_20():
    one = T([1.0])
    mse = gradients.grad(mse_loss, T([0.05]), one).item()
    bce = gradients.grad(S.binary_cross_entropy, T([0.05]), one).item()
    assert mse == pytest.approx(-1.9, rel=1e-12)
    assert bce == pytest.approx(-20.0, rel=1e-12)
    assert bce / mse == pytest.approx(10.526, rel=1e-4)
    # through the sigmoid: the logit whose sigmoid is 0.05
    x = T([math.log(0.05 / 0.95)])
    logit = gradients.grad(S.binary_cross_entropy_with_logits, x, one).item()
    assert logit == pytest.approx(-0.95, rel=1e-12)
    assert mse * 0.05 * 0.95 == pytest.approx(-0.09025, rel=1e-12)
    assert logit / (mse * 0.05 * 0.95) == pytest.approx(bce / mse, rel=1e-12)


def test_mse_gradient_is_bounded_bce_gradient_is_not():
    one = T([1.0])
    for p in np.linspace(0.001, 0.999, 50):
        assert abs(gradients.grad(mse_loss, T([p]), one).item()) <= 2
    assert abs(gradients.grad(S.binary_cross_entropy, T([1e-6]),
                              one).item()) == pytest.approx(1e6, rel=1e-9)


def test_the_clamp_is_flat():
    d, none = S.binary_cross_entropy_backward(
        np.ones(3), T([0.0, 1.0, 1e-9]), T([1.0, 0.0, 1.0]),
        reduction="none")
    assert none is None and d.tolist() == [0.0, 0.0, 0.0]
    # the two-step route at a logit of 40 gets no signal; from logits it
    # gets the full one
    p40 = Tensor(np.float32(1) / (np.float32(1) + np.exp(np.float32(-40))))
    assert gradients.grad(S.binary_cross_entropy, p40.reshape(1),
                          Tensor([0.0])).item() == 0.0
    assert gradients.grad(S.binary_cross_entropy_with_logits,
                          Tensor([40.0]), Tensor([0.0])).item() == 1.0


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_upstream_gradient_multiplies_and_targets_of_mse_get_one(reduction):
    p, t = T([[0.5, 2.0], [1.0, -1.0]]), T([[0.0, 1.0], [1.0, 1.0]])
    g = np.array([[1.0, 2.0], [3.0, 4.0]]) if reduction == "none" else 3.0
    dp, dt = S.mse_loss_backward(g, p, t, reduction=reduction)
    want = 2 * (p.data - t.data) * g / (4 if reduction == "mean" else 1)
    np.testing.assert_allclose(dp, want, rtol=1e-12)
    np.testing.assert_allclose(dt, -want, rtol=1e-12)
    assert check_gradients(mse_loss, p, t, reduction=reduction) == 8


def test_gradient_dtypes_follow_the_inputs():
    for dtype in (np.float32, np.float64):
        p = Tensor([0.3, 0.6], dtype=dtype)
        y = Tensor([1.0, 0.0], dtype=dtype)
        for forward in (mse_loss, S.binary_cross_entropy,
                        S.binary_cross_entropy_with_logits):
            assert gradients.grad(forward, p, y).dtype == dtype
        z = Tensor([[0.3, 0.6]], dtype=dtype)
        assert gradients.grad(S.cross_entropy, z, Tensor([1]),
                              label_smoothing=0.1).dtype == dtype
