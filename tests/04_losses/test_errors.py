"""Every public core function and class × every class of bad input.

One table: each row is (name the message starts with, call, bad-input class,
expected message pattern, exception type). Every error is one line that
starts with the function's name and carries a hint; nothing comes back as a
silent NaN, a silent wrong number or a raw NumPy error. Options built in the
optional stretch notebook raise NotImplementedError naming that notebook.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tinytorch.core.losses import (BinaryCrossEntropyLoss, CrossEntropyLoss,
                                   MSELoss, binary_cross_entropy,
                                   cross_entropy, log_softmax, mse_loss)
from tinytorch.core.tensor import Tensor


def raw(array):
    """A Tensor whose storage bypasses the constructor's checks (data that
    reached a loss some other way): the loss must still refuse it."""
    t = Tensor.__new__(Tensor)
    t.data = np.asarray(array)
    return t


X = [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [3.0, 1.0, -2.0]]
Y = [2, 0, 1, 0]
P = [0.9, 0.2, 0.6, 0.4]
T = [1.0, 0.0, 1.0, 0.0]
V = [1.0, -2.0, 3.5, 0.0]
W = [0.5, -2.0, 1.0, 2.0]
CE, MSE, BCE, LS = ("cross_entropy", "mse_loss", "binary_cross_entropy",
                    "log_softmax")
STRETCH = "04_losses_stretch.ipynb"

CASES = [
    # ------------------------------------------------------- wrong type
    (CE, lambda: cross_entropy(X, Tensor(Y)), "list logits",
     r"logits must be a Tensor, got list"),
    (CE, lambda: cross_entropy(Tensor(X), None), "None targets",
     r"targets must be a Tensor, got NoneType"),
    (CE, lambda: cross_entropy(Tensor(X), "cat"), "string targets",
     r"targets must be a Tensor, got str"),
    (MSE, lambda: mse_loss(V, Tensor(W)), "list predictions",
     r"predictions must be a Tensor, got list"),
    (MSE, lambda: mse_loss(Tensor(V), None), "None targets",
     r"targets must be a Tensor, got NoneType"),
    (BCE, lambda: binary_cross_entropy(P, Tensor(T)), "list predictions",
     r"predictions must be a Tensor, got list"),
    (LS, lambda: log_softmax(X), "list input", r"x must be a Tensor, got list"),
    (LS, lambda: log_softmax(Tensor(X), "last"), "string dim",
     r"dim must be an int, got str"),
    (LS, lambda: log_softmax(Tensor(X), 1.0), "float dim",
     r"dim must be an int, got float"),
    # ------------------------------------------------------ wrong dtype
    (CE, lambda: cross_entropy(raw(np.ones((2, 3), complex)), Tensor([0, 1])),
     "complex logits", r"logits must hold real numbers.*complex128"),
    (CE, lambda: cross_entropy(Tensor(X), raw(np.array(Y, dtype=object))),
     "object targets", r"targets must hold real numbers.*object"),
    (CE, lambda: cross_entropy(Tensor([[1.0, 2.0]] * 2),
                               Tensor([True, False], dtype=bool)),
     "bool targets", r"targets must hold real numbers.*bool"),
    (MSE, lambda: mse_loss(raw(np.ones(4, complex)), Tensor(W)),
     "complex predictions", r"predictions must hold real numbers"),
    (BCE, lambda: binary_cross_entropy(Tensor([0.5, 0.5]),
                                       Tensor([True, False], dtype=bool)),
     "bool targets", r"targets must hold real numbers.*bool"),
    (LS, lambda: log_softmax(raw(np.ones(3, complex))), "complex input",
     r"x must hold real numbers.*complex"),
    # ---------------------------------------- mismatched / broadcastable
    (CE, lambda: cross_entropy(Tensor(X), Tensor([[2], [0], [1], [0]])),
     "(N,1) targets", r"targets must have shape \(4,\).*got \(4, 1\).*"
     r"reshape\(-1\)"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0, 1])), "too few targets",
     r"targets must have shape \(4,\).*got \(2,\)"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor(np.eye(3)[Y])),
     "one-hot targets", r"got \(4, 3\).*argmax.*stretch notebook"),
    (CE, lambda: cross_entropy(Tensor([1.0, 2.0]), Tensor([0])), "1-D logits",
     r"logits must have shape \(N, C\), got shape \(2,\).*reshape\(1, -1\)"),
    (CE, lambda: cross_entropy(Tensor(np.zeros((2, 3, 4))), Tensor([0, 1])),
     "3-D logits", r"logits must have shape \(N, C\), got shape \(2, 3, 4\)"),
    (MSE, lambda: mse_loss(Tensor([[1.0], [2.0], [3.0], [4.0]]), Tensor(W)),
     "(N,1) vs (N,)", r"same shape, got \(4, 1\) and \(4,\).*broadcast"),
    (MSE, lambda: mse_loss(Tensor(V), Tensor([1.0, 2.0])),
     "different lengths", r"same shape, got \(4,\) and \(2,\).*4 and 2"),
    (BCE, lambda: binary_cross_entropy(Tensor(P), Tensor([T])),
     "(N,) vs (1,N)", r"same shape, got \(4,\) and \(1, 4\)"),
    # ------------------------------------------------------------ empty
    (CE, lambda: cross_entropy(Tensor(np.zeros((0, 3))), Tensor([])),
     "no rows", r"empty batch"),
    (CE, lambda: cross_entropy(Tensor(np.zeros((2, 0))), Tensor([0, 0])),
     "no classes", r"size 0 along dim 1"),
    (MSE, lambda: mse_loss(Tensor([]), Tensor([])), "empty", r"empty batch"),
    (BCE, lambda: binary_cross_entropy(Tensor([]), Tensor([])), "empty",
     r"empty batch"),
    (LS, lambda: log_softmax(Tensor(np.zeros((2, 0)))), "no classes",
     r"size 0 along dim 1"),
    # -------------------------------------------------------------- 0-d
    (CE, lambda: cross_entropy(Tensor(1.0), Tensor(0)), "0-d logits",
     r"logits must have shape \(N, C\), got shape \(\)"),
    (MSE, lambda: mse_loss(Tensor(1.0), Tensor(2.0)), "0-d",
     r"batch dimension, got a 0-d"),
    (BCE, lambda: binary_cross_entropy(Tensor(0.5), Tensor(1.0)), "0-d",
     r"batch dimension, got a 0-d"),
    (LS, lambda: log_softmax(Tensor(1.0)), "0-d", r"0-d \(scalar\) Tensor"),
    (LS, lambda: log_softmax(Tensor(X), 2), "dim out of range",
     r"dim 2 is out of range for a 2-D Tensor \(valid: -2..1\)"),
    # ----------------------------------------------------- NaN and ±inf
    (CE, lambda: cross_entropy(Tensor([[1.0, np.nan], [0.0, 1.0]]),
                               Tensor([0, 1])),
     "NaN logit", r"logits must be finite \(or -inf\), got nan at "
     r"logits\[0, 1\]"),
    (CE, lambda: cross_entropy(Tensor([[1.0, 2.0], [np.inf, 1.0]]),
                               Tensor([0, 1])),
     "+inf logit", r"got inf at logits\[1, 0\]"),
    (CE, lambda: cross_entropy(Tensor([[1.0, 2.0], [-np.inf, -np.inf]]),
                               Tensor([0, 1])),
     "all -inf row", r"every entry of logits\[1, :\] is -inf"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0.0, np.nan, 1.0, 2.0])),
     "NaN target", r"whole class indices, got nan at targets\[1\]"),
    (MSE, lambda: mse_loss(Tensor([1.0, np.nan, 2.0, 3.0]), Tensor(W)),
     "NaN prediction", r"predictions must be finite, got nan at "
     r"predictions\[1\]"),
    (MSE, lambda: mse_loss(Tensor(V), Tensor([0.0, 1.0, -np.inf, 2.0])),
     "-inf target", r"targets must be finite, got -inf at targets\[2\]"),
    (MSE, lambda: mse_loss(Tensor([np.inf, 1.0]), Tensor([np.inf, 1.0])),
     "inf vs inf", r"predictions must be finite, got inf"),
    (BCE, lambda: binary_cross_entropy(Tensor([0.5, np.nan]),
                                       Tensor([1.0, 0.0])),
     "NaN prediction", r"predictions must be finite, got nan"),
    (BCE, lambda: binary_cross_entropy(Tensor([0.5, 0.5]),
                                       Tensor([1.0, np.inf])),
     "inf target", r"targets must be finite, got inf at targets\[1\]"),
    (LS, lambda: log_softmax(Tensor([1.0, np.nan])), "NaN",
     r"x must be finite \(or -inf\), got nan at x\[1\]"),
    (LS, lambda: log_softmax(Tensor([[-np.inf, -np.inf], [0.0, 1.0]])),
     "all -inf slice", r"every entry of x\[0, :\] is -inf"),
    # ----------------------------------- class indices out of range, fractional
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0, -1, 1, 2])),
     "negative class", r"target -1 is out of range for 3 classes "
     r"\(valid: 0..2\).*start at 0"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0, 3, 1, 2])),
     "class == C", r"target 3 is out of range for 3 classes.*one output "
     r"per class"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0, 1, 10**9, 2],
                                                 dtype=np.int64)),
     "huge class", r"target 1000000000 is out of range"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0.0, 1.5, 1.0, 2.0])),
     "fractional class", r"whole class indices, got 1.5 at targets\[1\]"),
    # ------------------------------------ probabilities outside [0, 1]
    (BCE, lambda: binary_cross_entropy(Tensor([0.5, 1.2]), Tensor([1.0, 0.0])),
     "p > 1", r"predictions must lie in \[0, 1\], got 1.2 at "
     r"predictions\[1\]"),
    (BCE, lambda: binary_cross_entropy(Tensor([-3.0, 0.5]),
                                       Tensor([1.0, 0.0])),
     "p < 0 (a logit)", r"got -3 at predictions\[0\].*sigmoid"),
    (BCE, lambda: binary_cross_entropy(Tensor([0.5, 0.5]),
                                       Tensor([1.0, -1.0])),
     "-1/+1 labels", r"targets must lie in \[0, 1\], got -1.*\(t \+ 1\) / 2"),
    # ------------------------------------------------------- settings
    (CE, lambda: cross_entropy(Tensor(X), Tensor(Y), reduction="avg"),
     "unknown reduction", r"reduction='avg' must be one of 'mean', 'sum', "
     r"'none'"),
    (MSE, lambda: mse_loss(Tensor(V), Tensor(W), reduction="summ"),
     "misspelt reduction", r"did you mean 'sum'\?"),
    (BCE, lambda: binary_cross_entropy(Tensor(P), Tensor(T), reduction=None),
     "None reduction", r"reduction=None must be one of"),
    ("MSELoss", lambda: MSELoss("sum"), "setting by position",
     r"too many positional arguments.*pass settings by name"),
    ("CrossEntropyLoss", lambda: CrossEntropyLoss(reductoin="sum"),
     "misspelt setting", r"unexpected keyword argument 'reductoin'.*did you "
     r"mean reduction=\.\.\.\?"),
    ("CrossEntropyLoss", lambda: CrossEntropyLoss("sum"),
     "reduction by position", r"weight must be None or a Tensor of weights, "
     r"got the string 'sum'.*CrossEntropyLoss\(reduction='sum'\)"),
    ("CrossEntropyLoss", lambda: CrossEntropyLoss(ignore_index=1.5),
     "float ignore_index", r"ignore_index must be an int, got float"),
    ("BinaryCrossEntropyLoss", lambda: BinaryCrossEntropyLoss(reduction="x"),
     "bad reduction in a class", r"reduction='x' must be one of"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor(Y), label_smoothing=2.0),
     "label_smoothing out of range", r"label_smoothing must be in \[0, 1\], "
     r"got 2"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor(Y), label_smoothing="a"),
     "label_smoothing not a number", r"label_smoothing must be a number"),
]

# options of the optional stretch notebook: a clear NotImplementedError
STRETCH_CASES = [
    (CE, lambda: cross_entropy(Tensor(X), Tensor(Y), weight=Tensor([1.0] * 3)),
     "weight", r"weight= is built in the optional stretch notebook"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor(Y), label_smoothing=0.1),
     "label smoothing", r"label_smoothing= is built in the optional stretch"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0, -100, 1, 2])),
     "an ignored target", r"targets\[1\] equals ignore_index \(-100\); "
     r"skipping targets is built in the optional stretch notebook"),
    (CE, lambda: cross_entropy(Tensor(X), Tensor([0, 2, 1, 2]),
                               ignore_index=2),
     "ignore_index set", r"targets\[1\] equals ignore_index \(2\)"),
    (BCE, lambda: binary_cross_entropy(Tensor(P), Tensor(T),
                                       weight=Tensor(P)),
     "bce weight", r"weight= is built in the optional stretch notebook"),
    ("CrossEntropyLoss", lambda: CrossEntropyLoss(weight=Tensor([1.0, 2.0])),
     "class weight", r"Hint: write and export that notebook, then use "
     r"tinytorch.nn.CrossEntropyLoss"),
    ("BinaryCrossEntropyLoss",
     lambda: BinaryCrossEntropyLoss(weight=Tensor([1.0])),
     "bce class weight", r"tinytorch.nn.BinaryCrossEntropyLoss"),
]


def _one_line(name, error):
    message = str(error)
    assert "\n" not in message, message
    assert message.startswith(f"{name}: "), message
    assert "Hint: " in message, message
    return message


@pytest.mark.parametrize("name, call, what, pattern", CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_bad_input_table(name, call, what, pattern):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert type(info.value) in (ValueError, TypeError)  # never a NumPy one
    message = _one_line(name, info.value)
    assert re.search(pattern, message), (pattern, message)


@pytest.mark.parametrize("name, call, what, pattern", STRETCH_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in STRETCH_CASES])
def test_stretch_options_name_the_stretch_notebook(name, call, what, pattern):
    with pytest.raises(NotImplementedError) as info:
        call()
    message = _one_line(name, info.value)
    assert STRETCH in message, message
    assert re.search(pattern, message), (pattern, message)


def test_table_covers_every_public_function_and_input_class():
    names = {c[0] for c in CASES}
    assert {CE, MSE, BCE, LS, "MSELoss", "CrossEntropyLoss",
            "BinaryCrossEntropyLoss"} <= names
    text = " ".join(c[2] for c in CASES)
    for word in ("list", "None", "string", "complex", "object", "bool",
                 "(N,1)", "empty", "0-d", "NaN", "inf", "negative",
                 "fractional", "p > 1", "labels", "reduction", "setting"):
        assert word in text, word


def test_float32_overflow_of_a_square_is_inf_as_in_pytorch():
    # documented: a difference above ~1.8e19 squares past float32's range
    with pytest.warns(RuntimeWarning, match="overflow"):
        out = mse_loss(Tensor([2e19, 0.0]), Tensor([0.0, 0.0]))
    assert out.item() == np.inf
    wide = mse_loss(Tensor([2e19, 0.0], dtype=np.float64),
                    Tensor([0.0, 0.0], dtype=np.float64))
    assert wide.item() == pytest.approx(2e38)
