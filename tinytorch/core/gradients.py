"""Where gradients attach: each differentiable function paired with its backward.

Given code of the course (read if curious). A *forward* function computes a
result from Tensors, as `cross_entropy(logits, targets)` does; its *backward*
function says how that result changes with each input:

    backward(grad, *inputs, **settings) -> (gradient per input, ...)

`grad` is the gradient of whatever comes after with respect to the forward's
output (an array of the output's shape; 1.0 for a loss at the end of the
line). The backward returns one NumPy array per input, shaped like it, or
None for an input that has no gradient (class indices, for example). Every
setting the forward takes (such as `reduction`) is passed to the backward by
name, so the two always agree.

`register(forward, backward)` pairs them, next to where both are written;
`grad(forward, *inputs, wrt=0, **settings)` evaluates the gradient of a
forward whose output is one number. Autograd (a later module) records which
forwards ran and calls their backwards in reverse order; until then this
registry is how the course computes gradients (Module 04 trains a classifier
with it), and `tinytorch.testing.check_gradients` checks every registered pair
against finite differences.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from tinytorch.core.tensor import Tensor, from_numpy

__all__ = ["backward_of", "grad", "register", "registered"]

_REGISTRY: dict[str, tuple[Callable, Callable]] = {}


def _key(forward: Callable) -> str:
    return f"{forward.__module__}.{forward.__qualname__}"


def register(forward: Callable, backward: Callable) -> Callable:
    """Pair `forward` with `backward` (a later pair for the same function
    replaces the earlier one); returns `forward`."""
    for fn, what in ((forward, "forward"), (backward, "backward")):
        if not callable(fn):
            raise TypeError(f"register: {what} must be a function, got "
                            f"{type(fn).__name__}. Hint: pass the functions "
                            f"themselves, e.g. register(mse_loss, "
                            f"mse_loss_backward).")
    _REGISTRY[_key(forward)] = (forward, backward)
    return forward


def registered() -> dict[str, tuple[Callable, Callable]]:
    """Every registered pair, by the forward's qualified name."""
    return dict(_REGISTRY)


def backward_of(forward: Callable) -> Callable:
    """The backward registered for `forward`; LookupError if none is."""
    try:
        return _REGISTRY[_key(forward)][1]
    except KeyError:
        name = getattr(forward, "__name__", repr(forward))
        raise LookupError(
            f"gradients: no backward is registered for {name}. Hint: write "
            f"one and call register({name}, {name}_backward).") from None


def grad(forward: Callable, *inputs, wrt: int = 0, **settings) -> Tensor:
    """d forward(*inputs, **settings) / d inputs[wrt], as a Tensor shaped
    like that input. The forward's output must be one number (a loss with
    reduction 'mean' or 'sum')."""
    out = forward(*inputs, **settings)
    if out.shape != ():
        raise ValueError(
            f"gradients.grad: {forward.__name__} returned shape {out.shape}; "
            f"grad needs one number. Hint: use reduction='mean' or 'sum', "
            f"or call the backward with a gradient of that shape.")
    grads = backward_of(forward)(np.ones((), dtype=out.dtype), *inputs,
                                 **settings)
    g = grads[wrt]
    if g is None:
        raise ValueError(f"gradients.grad: input {wrt} of "
                         f"{forward.__name__} has no gradient (class indices "
                         f"or other discrete values). Hint: pick another wrt.")
    return from_numpy(np.asarray(g))
