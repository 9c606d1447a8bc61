"""Every registered backward agrees with finite differences of its forward.

The registry (tinytorch.core.gradients) pairs each differentiable function
with its backward, in every module that registers one (the activations of
Module 02, `linear` of Module 03, `cross_entropy` of Module 04). This test
walks the whole registry, so a pair that is registered without inputs to
test it with fails here.
"""

from __future__ import annotations

import importlib
import importlib.util

import numpy as np
import pytest

import tinytorch.core.activations  # noqa: F401  (each module registers
import tinytorch.core.layers  # noqa: F401     its pairs on import)
import tinytorch.core.losses  # noqa: F401
from tinytorch.core import gradients
from tinytorch.core.tensor import Tensor
from tinytorch.testing import check_gradients

# the optional stretch notebook registers more pairs once exported
if importlib.util.find_spec("tinytorch.core.losses_stretch") is not None:
    importlib.import_module("tinytorch.core.losses_stretch")

RNG = np.random.default_rng(0)


def _logits(n=4, c=3):
    return Tensor(RNG.normal(scale=2.0, size=(n, c)), dtype=np.float64)


def _t(*shape, scale=2.0):
    return Tensor(RNG.normal(scale=scale, size=shape), dtype=np.float64)


def _off_zero(*shape):
    """Values at least 0.1 away from relu's kink at 0."""
    v = RNG.normal(size=shape)
    return Tensor(v + 0.1 * np.sign(v), dtype=np.float64)


def _f64(values):
    return Tensor(values, dtype=np.float64)


def _probs(shape, low=0.02, high=0.98):
    return _f64(RNG.uniform(low, high, size=shape))


REDUCTIONS = ("mean", "sum", "none")
W, B = _t(3, 2), _t(2)
STRETCH = "tinytorch.core.losses_stretch."

# inputs for each forward: a list of (args, settings), by the forward's
# qualified name (module.function) or, for every forward of that name, by
# its name; settings such as weight go by name, as the backward takes them.
# Losses are checked under every reduction (see LOSSES).
INPUTS = {
    "relu": [((_off_zero(3, 4),), {}), ((_off_zero(5),), {})],
    "sigmoid": [((_t(3, 4, scale=4.0),), {})],
    "tanh": [((_t(3, 4),), {})],
    "gelu": [((_t(3, 4),), {})],
    "softmax": [((_t(3, 4),), {"dim": dim}) for dim in (-1, 0)]
    + [((_t(2, 3, 4),), {"dim": 1})],
    "linear": [((_t(4, 3), W, B), {}), ((_t(3), W, None), {}),
               ((_t(2, 5, 3), W, B), {})],
    "cross_entropy": [((_logits(), Tensor([0, 2, 1, 2])), {})],
    # the stretch notebook's pairs
    "mse_loss": [((_f64(RNG.normal(size=(3, 2))),
                   _f64(RNG.normal(size=(3, 2)))), {})],
    STRETCH + "cross_entropy": [
        ((_logits(), Tensor([0, 2, 1, 2])), {}),
        ((_logits(), Tensor([0, 2, -100, 2])),
         {"weight": _f64([0.5, 2.0, 1.0]), "label_smoothing": 0.2}),
        ((_logits(), Tensor([0, 2, 1, 1])), {"ignore_index": 1}),
        ((_logits(), _f64(np.eye(3)[[0, 2, 1, 1]] * 0.8 + 0.2 / 3)),
         {"weight": _f64([1.0, 0.5, 3.0]), "label_smoothing": 0.1}),
        ((_f64(RNG.normal(size=(2, 3, 2, 2))),
          Tensor([[[0, 1], [2, -100]], [[1, 1], [0, 2]]])), {}),
    ],
    "binary_cross_entropy": [
        ((_probs((4, 3)), _f64(RNG.uniform(size=(4, 3)))), {}),
        ((_probs((4, 3)), _f64(RNG.uniform(size=(4, 3)))),
         {"weight": _f64([0.5, 2.0, 1.0])}),
    ],
    "binary_cross_entropy_with_logits": [
        ((_f64(RNG.normal(scale=4.0, size=(4, 3))),
          _f64(RNG.uniform(size=(4, 3)))), {}),
        ((_f64(RNG.normal(scale=4.0, size=(4, 3))),
          _f64(RNG.uniform(size=(4, 3)))),
         {"weight": _f64(RNG.uniform(0.2, 2.0, size=(4, 1))),
          "pos_weight": _f64([0.5, 3.0, 9.0])}),
    ],
}
# forwards that take a reduction: their gradients are checked under each
LOSSES = {"cross_entropy", "mse_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits"}
# what the core modules register; the stretch notebook adds more
REGISTERED = {"relu", "sigmoid", "tanh", "softmax", "gelu", "linear",
              "cross_entropy"}


def _inputs_for(key, forward):
    return INPUTS.get(key, INPUTS.get(forward.__name__))


def cases():
    for key, (forward, _) in sorted(gradients.registered().items()):
        for args, settings in _inputs_for(key, forward) or []:
            if forward.__name__ in LOSSES:
                for reduction in REDUCTIONS:
                    yield (key, forward, args,
                           dict(settings, reduction=reduction))
            else:
                yield key, forward, args, settings


def test_every_registered_forward_has_inputs_here():
    pairs = gradients.registered().items()
    names = {f.__name__ for _, (f, _) in pairs}
    assert REGISTERED <= names, REGISTERED - names
    missing = [key for key, (f, _) in pairs if not _inputs_for(key, f)]
    assert not missing, missing


def test_each_backward_sits_next_to_its_forward():
    # registered from the package file that defines the forward, or from
    # the optional part of the same module (the stretch notebook writes the
    # backwards of the core's mse_loss and binary_cross_entropy)
    for key, (forward, backward) in gradients.registered().items():
        assert backward.__module__ in (forward.__module__,
                                       forward.__module__ + "_stretch"), key
        assert backward.__name__ == f"{forward.__name__}_backward", key


@pytest.mark.parametrize("key, forward, args, settings", list(cases()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_backward_matches_finite_differences(key, forward, args, settings):
    assert check_gradients(forward, *args, **settings) > 0


def test_grad_of_cross_entropy_is_softmax_minus_one_hot():
    from tinytorch.core.losses import cross_entropy

    z = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]])
    g = gradients.grad(cross_entropy, Tensor(z, dtype=np.float64),
                       Tensor([0, 2]))
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[[0, 1], [0, 2]] -= 1
    np.testing.assert_allclose(g.data, p / 2, rtol=1e-12)


def test_a_wrong_backward_is_caught():
    from tinytorch.core.losses import mse_loss

    def wrong(grad, predictions, targets, *, reduction="mean"):
        d = predictions.data - targets.data  # forgot the factor 2
        return (d * grad / (d.size if reduction == "mean" else 1), None)

    saved = gradients.registered()
    try:
        gradients.register(mse_loss, wrong)
        with pytest.raises(AssertionError, match="finite differences give"):
            check_gradients(mse_loss, Tensor([1.0, 2.0], dtype=np.float64),
                            Tensor([0.0, 0.5], dtype=np.float64))
    finally:
        gradients._REGISTRY.clear()
        gradients._REGISTRY.update(saved)


def test_grad_needs_a_registered_scalar_forward():
    from tinytorch.core.losses import cross_entropy, mse_loss

    with pytest.raises(ValueError, match="grad needs one number"):
        gradients.grad(cross_entropy, _logits(), Tensor([0, 1, 2, 0]),
                       reduction="none")
    if "mse_loss" not in {f.__name__ for f, _ in
                          gradients.registered().values()}:
        with pytest.raises(LookupError, match="no backward is registered "
                           "for mse_loss"):
            gradients.grad(mse_loss, Tensor([1.0]), Tensor([0.0]))
    with pytest.raises(ValueError, match="has no gradient"):
        gradients.grad(cross_entropy, _logits(), Tensor([0, 1, 2, 0]), wrt=1)
