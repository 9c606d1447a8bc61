"""Module 04 losses: every bad input raises one clear ValueError/TypeError.

Each message names the loss, what was expected and what was given, and
ends with a hint. No raw NumPy IndexError, no silent NaN or wrong number.
"""
import re
import warnings

import numpy as np
import pytest

from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    MSELoss,
    log_softmax,
)
from tinytorch.core.tensor import Tensor


def raises(exc, match, call):
    """Assert `call()` raises `exc` with a one-line message matching `match`,
    containing a hint, and without any NumPy RuntimeWarning on the way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=match) as info:
            call()
    message = str(info.value)
    assert "\n" not in message, message
    assert "Hint: " in message, message
    return message


ce, mse, bce = CrossEntropyLoss(), MSELoss(), BinaryCrossEntropyLoss()
LOGITS = Tensor([[1.0, 2.0, 3.0], [0.5, 0.1, -1.0]])


# ------------------------------------------------------------- not a Tensor
@pytest.mark.parametrize("loss_fn, a, b, arg", [
    (mse, [1.0, 2.0], Tensor([1.0, 2.0]), "predictions"),
    (mse, Tensor([1.0, 2.0]), np.array([1.0, 2.0]), "targets"),
    (bce, 0.5, Tensor([1.0]), "predictions"),
    (ce, [[1.0, 2.0]], Tensor([0]), "logits"),
    (ce, Tensor([[1.0, 2.0]]), [0], "targets"),
])
def test_non_tensor_inputs(loss_fn, a, b, arg):
    name = type(loss_fn).__name__
    msg = raises(TypeError, rf"^{name}: {arg} must be a Tensor, got ",
                 lambda: loss_fn(a, b))
    assert "Tensor(values)" in msg


def test_log_softmax_non_tensor():
    raises(TypeError, r"^log_softmax: x must be a Tensor, got list\.",
           lambda: log_softmax([1.0, 2.0]))


@pytest.mark.parametrize("loss_fn, a, b", [
    (mse, Tensor([True, False], dtype=bool), Tensor([1.0, 0.0])),
    (bce, Tensor([0.5]), Tensor([True], dtype=bool)),
    (ce, LOGITS, Tensor([True, False], dtype=bool)),
])
def test_bool_dtype_rejected(loss_fn, a, b):
    raises(TypeError, r"must hold real numbers \(an integer or float dtype\),"
           r" got dtype bool\.", lambda: loss_fn(a, b))


def test_log_softmax_bool_rejected():
    raises(TypeError, "got dtype bool",
           lambda: log_softmax(Tensor([True, False], dtype=bool)))


# --------------------------------------------------------------- shapes
def test_mse_column_against_vector_is_not_broadcast():
    msg = raises(
        ValueError,
        re.escape("MSELoss: predictions and targets must have the same "
                  "shape, got (4, 1) and (4,). Hint: NumPy would silently "
                  "broadcast them to (4, 4)"),
        lambda: mse(Tensor(np.ones((4, 1))), Tensor(np.ones(4))))
    assert "targets.reshape(4, 1)" in msg


@pytest.mark.parametrize("loss_fn", [mse, bce])
@pytest.mark.parametrize("p_shape, t_shape", [
    ((3,), (4,)), ((2, 3), (3, 2)), ((4,), (4, 1)), ((2, 3), (3,)),
    ((1,), (1, 1))])
def test_shape_mismatch(loss_fn, p_shape, t_shape):
    name = type(loss_fn).__name__
    raises(ValueError,
           re.escape(f"{name}: predictions and targets must have the same "
                     f"shape, got {p_shape} and {t_shape}."),
           lambda: loss_fn(Tensor(np.full(p_shape, 0.5)),
                           Tensor(np.full(t_shape, 0.5))))


def test_shape_mismatch_different_sizes_hint():
    msg = raises(ValueError, "same shape",
                 lambda: mse(Tensor([1.0, 2.0, 3.0]), Tensor([1.0, 2.0])))
    assert "they hold 3 and 2 values" in msg


@pytest.mark.parametrize("loss_fn", [mse, bce])
def test_empty_batch(loss_fn):
    name = type(loss_fn).__name__
    raises(ValueError,
           re.escape(f"{name}: predictions is an empty batch (shape (0,))"),
           lambda: loss_fn(Tensor(np.zeros(0)), Tensor(np.zeros(0))))
    raises(ValueError, "empty batch",
           lambda: loss_fn(Tensor(np.zeros((3, 0))),
                           Tensor(np.zeros((3, 0)))))


@pytest.mark.parametrize("loss_fn", [mse, bce])
def test_scalar_inputs_need_a_batch_dimension(loss_fn):
    raises(ValueError, r"predictions must have a batch dimension, got a 0-d",
           lambda: loss_fn(Tensor(0.5), Tensor(0.5)))


@pytest.mark.parametrize("shape, hint", [
    ((3,), "logits.reshape(1, -1)"),
    ((), "one row of class scores per sample"),
])
def test_cross_entropy_logits_need_a_class_dimension(shape, hint):
    # (N, C, d1, ...) logits are accepted (the stretch part); fewer than 2
    # dimensions are not (PyTorch's unbatched (C,) form is not supported)
    msg = raises(ValueError,
                 re.escape(f"CrossEntropyLoss: logits must have shape "
                           f"(N, C) or (N, C, d1, ...), got shape {shape}."),
                 lambda: ce(Tensor(np.zeros(shape)), Tensor([0])))
    assert hint in msg


def test_cross_entropy_nd_logits_need_matching_targets():
    msg = raises(ValueError,
                 re.escape("CrossEntropyLoss: targets must have shape "
                           "(2, 4), one class index per position of logits "
                           "(2, 3, 4), got (1,)."),
                 lambda: ce(Tensor(np.zeros((2, 3, 4))), Tensor([0])))
    assert "without dim 1" in msg


def test_cross_entropy_empty_batch():
    raises(ValueError,
           re.escape("CrossEntropyLoss: logits is an empty batch "
                     "(shape (0, 3))"),
           lambda: ce(Tensor(np.zeros((0, 3))), Tensor(np.zeros(0))))


def test_cross_entropy_no_classes():
    raises(ValueError,
           re.escape("CrossEntropyLoss: logits has size 0 along dim 1 "
                     "(shape (2, 0))"),
           lambda: ce(Tensor(np.zeros((2, 0))), Tensor([0, 0])))


@pytest.mark.parametrize("t_shape, hint", [
    ((2, 1), "targets.reshape(-1)"),
    ((3,), "exactly one class index per row"),
    ((), "exactly one class index per row"),
    ((1, 2), "exactly one class index per row"),
])
def test_cross_entropy_target_shapes(t_shape, hint):
    msg = raises(ValueError,
                 re.escape(f"CrossEntropyLoss: targets must have shape (2,),"
                           f" one class index per row of logits (2, 3), got "
                           f"{t_shape}."),
                 lambda: ce(LOGITS, Tensor(np.zeros(t_shape))))
    assert hint in msg


# ---------------------------------------------------------- target values
@pytest.mark.parametrize("targets, shown", [
    (Tensor([0, 5]), "5"),
    (Tensor([3, 0]), "3"),
    (Tensor([0, 3], dtype=np.int64), "3"),
    (Tensor([0, 1000], dtype=np.uint16), "1000"),
])
def test_cross_entropy_target_too_large(targets, shown):
    msg = raises(
        ValueError,
        re.escape(f"CrossEntropyLoss: target {shown} is out of range for 3 "
                  f"classes (valid: 0..2). Hint: "),
        lambda: ce(LOGITS, targets))
    assert "one output per class" in msg


@pytest.mark.parametrize("targets, shown", [
    (Tensor([-1, 0]), "-1"),
    (Tensor([0, -99], dtype=np.int64), "-99"),
])
def test_cross_entropy_negative_target(targets, shown):
    msg = raises(
        ValueError,
        re.escape(f"CrossEntropyLoss: target {shown} is out of range for 3 "
                  f"classes (valid: 0..2)."),
        lambda: ce(LOGITS, targets))
    assert "only targets equal to ignore_index (-100) are skipped" in msg


def test_nll_one_hot_targets_are_not_class_indices():
    # CrossEntropyLoss reads targets shaped like the logits as class
    # probabilities (PyTorch's rule); NLLLoss takes class indices only
    from tinytorch.core.losses_stretch import NLLLoss
    msg = raises(ValueError,
                 re.escape("NLLLoss: targets must have shape (2,), one class "
                           "index per row of log_probs (2, 3), got (2, 3)."),
                 lambda: NLLLoss()(LOGITS, Tensor(np.zeros((2, 3)))))
    assert "not one-hot rows" in msg


def test_seeds_example_target_5_with_3_classes():
    """The seeds' IndexError example now gives a clear ValueError."""
    raises(ValueError,
           re.escape("CrossEntropyLoss: target 5 is out of range for 3 "
                     "classes (valid: 0..2). Hint: targets[0] must be "
                     "below 3"),
           lambda: ce(Tensor([[1.0, 2.0, 3.0]]), Tensor([5])))


@pytest.mark.parametrize("values, shown, at", [
    ([0.0, 1.5], "1.5", 1),
    ([0.5, 1.0], "0.5", 0),
    ([np.nan, 1.0], "nan", 0),
    ([0.0, np.inf], "inf", 1),
    ([0.0, -np.inf], "-inf", 1),
])
def test_cross_entropy_targets_must_be_whole_numbers(values, shown, at):
    raises(ValueError,
           re.escape(f"CrossEntropyLoss: targets must be whole class "
                     f"indices, got {shown} at targets[{at}]. Hint: "),
           lambda: ce(LOGITS, Tensor(values)))


def test_cross_entropy_float64_fractional_target():
    raises(ValueError, "whole class indices, got 2.25",
           lambda: ce(LOGITS, Tensor([0.0, 2.25], dtype=np.float64)))


# ---------------------------------------------------------- logit values
@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (np.inf, "inf")])
def test_cross_entropy_rejects_nan_and_plus_inf_logits(bad, shown):
    z = np.array([[1.0, 2.0, 3.0], [0.5, bad, -1.0]])
    raises(ValueError,
           re.escape(f"CrossEntropyLoss: logits must be finite (or -inf), "
                     f"got {shown} at logits[1, 1]. Hint: "),
           lambda: ce(Tensor(z), Tensor([0, 0])))


def test_cross_entropy_rejects_all_minus_inf_row():
    z = np.array([[1.0, 2.0, 3.0], [-np.inf, -np.inf, -np.inf]])
    raises(ValueError,
           re.escape("CrossEntropyLoss: every entry of logits[1, :] is "
                     "-inf, so it gives no probability distribution."),
           lambda: ce(Tensor(z), Tensor([0, 0])))


@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (np.inf, "inf")])
def test_log_softmax_rejects_nan_and_plus_inf(bad, shown):
    raises(ValueError,
           re.escape(f"log_softmax: x must be finite (or -inf), got {shown} "
                     f"at x[2]."),
           lambda: log_softmax(Tensor([0.0, 1.0, bad])))


@pytest.mark.parametrize("dim, where", [(-1, "x[0, :]"), (1, "x[0, :]"),
                                        (0, "x[:, 1]")])
def test_log_softmax_all_minus_inf_slice(dim, where):
    x = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    msg = raises(ValueError,
                 re.escape(f"log_softmax: every entry of {where} is -inf"),
                 lambda: log_softmax(Tensor(x), dim=dim))
    assert "PyTorch would return NaN" in msg


def test_log_softmax_all_minus_inf_vector():
    raises(ValueError, re.escape("every entry of x[:] is -inf"),
           lambda: log_softmax(Tensor([-np.inf, -np.inf])))


def test_log_softmax_all_minus_inf_only_in_other_direction_is_fine():
    x = np.array([[-np.inf, -np.inf], [0.0, 1.0]])
    out = log_softmax(Tensor(x), dim=0).data  # columns each have a finite
    assert np.isfinite(out[1]).all()


@pytest.mark.parametrize("dim", [2, -3, 5])
def test_log_softmax_dim_out_of_range(dim):
    raises(ValueError,
           re.escape(f"log_softmax: dim {dim} is out of range for a 2-D "
                     f"Tensor (valid: -2..1)."),
           lambda: log_softmax(Tensor(np.zeros((2, 3))), dim=dim))


@pytest.mark.parametrize("dim, shown", [(1.0, "float"), (True, "bool"),
                                        (None, "NoneType"), ("1", "str")])
def test_log_softmax_dim_must_be_int(dim, shown):
    raises(TypeError, rf"^log_softmax: dim must be an int, got {shown}\.",
           lambda: log_softmax(Tensor([1.0, 2.0]), dim=dim))


def test_log_softmax_scalar_input():
    raises(ValueError, r"^log_softmax: expected a Tensor with at least 1 "
           r"dimension, got a 0-d", lambda: log_softmax(Tensor(1.0)))


def test_log_softmax_empty_dim():
    raises(ValueError, re.escape("log_softmax: x has size 0 along dim 1"),
           lambda: log_softmax(Tensor(np.zeros((2, 0)))))


# ------------------------------------------------------ MSE / BCE values
@pytest.mark.parametrize("arg", ["predictions", "targets"])
@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (np.inf, "inf"),
                                        (-np.inf, "-inf")])
def test_mse_rejects_non_finite(arg, bad, shown):
    good = np.array([[1.0, 2.0], [3.0, 4.0]])
    broken = good.copy()
    broken[1, 0] = bad
    a, b = (broken, good) if arg == "predictions" else (good, broken)
    raises(ValueError,
           re.escape(f"MSELoss: {arg} must be finite, got {shown} at "
                     f"{arg}[1, 0]. Hint: "),
           lambda: mse(Tensor(a), Tensor(b)))


@pytest.mark.parametrize("arg", ["predictions", "targets"])
@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (np.inf, "inf")])
def test_bce_rejects_non_finite(arg, bad, shown):
    good = np.array([0.5, 0.5, 0.5])
    broken = good.copy()
    broken[2] = bad
    a, b = (broken, good) if arg == "predictions" else (good, broken)
    raises(ValueError,
           re.escape(f"BinaryCrossEntropyLoss: {arg} must be finite, got "
                     f"{shown} at {arg}[2]."),
           lambda: bce(Tensor(a), Tensor(b)))


@pytest.mark.parametrize("value, shown", [
    (1.5, "1.5"), (-0.25, "-0.25"), (2.3, "2.3"), (1.0000001, "1.0000001")])
def test_bce_predictions_outside_unit_interval(value, shown):
    p = np.array([0.5, value], dtype=np.float64)
    msg = raises(
        ValueError,
        re.escape(f"BinaryCrossEntropyLoss: predictions must lie in [0, 1], "
                  f"got {shown} at predictions[1]. Hint: "),
        lambda: bce(Tensor(p, dtype=np.float64), Tensor([1.0, 0.0])))
    assert "sigmoid" in msg


@pytest.mark.parametrize("value, shown", [(2.0, "2"), (-1.0, "-1")])
def test_bce_targets_outside_unit_interval(value, shown):
    msg = raises(
        ValueError,
        re.escape(f"BinaryCrossEntropyLoss: targets must lie in [0, 1], got "
                  f"{shown} at targets[0, 1]."),
        lambda: bce(Tensor([[0.5, 0.5]]), Tensor([[1.0, value]])))
    assert "(t + 1) / 2" in msg


def test_bce_boundaries_are_valid():
    loss = bce(Tensor([0.0, 1.0, 0.0, 1.0]), Tensor([0.0, 1.0, 1.0, 0.0]))
    assert np.isfinite(loss.item())


def test_errors_are_raised_before_any_arithmetic():
    """A bad batch must not reach NumPy: no IndexError, no NaN result."""
    with pytest.raises(ValueError):
        ce(Tensor([[1.0, 2.0]]), Tensor([2]))
    with pytest.raises(ValueError):
        ce(Tensor([[1.0, 2.0]]), Tensor([-2]))  # NumPy would wrap to 0
    with pytest.raises(ValueError):
        mse(Tensor([[1.0], [2.0]]), Tensor([1.0, 5.0]))
