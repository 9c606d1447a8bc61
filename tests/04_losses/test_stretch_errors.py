"""The stretch notebook: every public function and class × every class of
bad input and bad setting, in one table.

Each row is (name the message starts with, call, what, pattern, type).
Every error is one ValueError/TypeError line that starts with the name,
says what was expected and what was given, and has a hint; nothing comes
back as a silent NaN, a NumPy warning or a raw NumPy error. The given
checks run before the learner's code, so this table holds with the stretch
stubs unwritten too. No message advises a reduction the function lacks.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from tinytorch.core.tensor import Tensor

S = pytest.importorskip("tinytorch.core.losses_stretch")

V = Tensor([1.0, -2.0, 3.5, 0.0])
W = Tensor([0.5, -2.0, 1.0, 2.0])
P = Tensor([0.9, 0.2, 0.6, 0.4])
Y = Tensor([1.0, 0.0, 1.0, 0.0])
Z = Tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
K = Tensor([2, 0, 1])
LP = Tensor(np.log([[0.5, 0.25, 0.25], [0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]))
E2 = Tensor([[0.0, 1.0], [1.0, 0.0]])


def raw(array):
    """A Tensor whose storage bypasses the constructor's checks."""
    x = Tensor.__new__(Tensor)
    x.data = np.asarray(array)
    return x


REG = [("l1_loss", S.l1_loss), ("huber_loss", S.huber_loss),
       ("smooth_l1_loss", S.smooth_l1_loss)]

CASES = []
for name, fn in REG:  # the three regression losses, the same rows
    CASES += [
        (name, lambda fn=fn: fn([1.0, 2.0], W), "list predictions",
         r"predictions must be a Tensor, got list", TypeError),
        (name, lambda fn=fn: fn(V, None), "None targets",
         r"targets must be a Tensor, got NoneType", TypeError),
        (name, lambda fn=fn: fn(raw(np.ones(4, complex)), W),
         "complex predictions", r"must hold real numbers", TypeError),
        (name, lambda fn=fn: fn(Tensor([[1.0], [2.0], [3.0], [4.0]]), W),
         "(N,1) vs (N,)", r"same shape, got \(4, 1\) and \(4,\).*broadcast",
         ValueError),
        (name, lambda fn=fn: fn(Tensor([]), Tensor([])), "empty",
         r"empty batch", ValueError),
        (name, lambda fn=fn: fn(Tensor(1.0), Tensor(2.0)), "0-d",
         r"batch dimension", ValueError),
        (name, lambda fn=fn: fn(Tensor([1.0, np.nan, 0, 0]), W), "NaN",
         r"predictions must be finite, got nan at predictions\[1\]",
         ValueError),
        (name, lambda fn=fn: fn(V, W, reduction="avg"), "unknown reduction",
         r"reduction='avg' must be one of 'mean', 'sum', 'none'",
         ValueError),
        (name, lambda fn=fn: fn(V, W, reduction="batchmean"),
         "batchmean outside kl_div", r"reduction='batchmean' must be one "
         r"of 'mean', 'sum', 'none'", ValueError),
    ]

CASES += [
    # ------------------------------------------------ regression settings
    ("huber_loss", lambda: S.huber_loss(V, W, delta=0.0), "delta 0",
     r"delta must be finite and > 0, got 0", ValueError),
    ("huber_loss", lambda: S.huber_loss(V, W, delta="1"), "string delta",
     r"delta must be a number, got str", TypeError),
    ("smooth_l1_loss", lambda: S.smooth_l1_loss(V, W, beta=-1.0),
     "negative beta", r"beta must be finite and >= 0, got -1", ValueError),
    # ------------------------------------------------------------- nll_loss
    ("nll_loss", lambda: S.nll_loss(LP.data, K), "array log_probs",
     r"log_probs must be a Tensor, got ndarray", TypeError),
    ("nll_loss", lambda: S.nll_loss(Tensor([0.1, 0.2]), Tensor([0])),
     "1-D log_probs", r"log_probs must have shape \(N, C\) or \(N, C, d1, "
     r"\.\.\.\), got shape \(2,\).*reshape\(1, -1\)", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor([0, 1])), "too few targets",
     r"targets must have shape \(3,\), one class index per row", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor(np.eye(3))), "one-hot",
     r"got \(3, 3\).*argmax", ValueError),
    ("nll_loss", lambda: S.nll_loss(Tensor(np.zeros((2, 3, 4))),
                                    Tensor(np.zeros((2, 3)))),
     "(N, C, d1) with wrong targets", r"targets must have shape \(2, 4\), "
     r"one class index per position.*without dim 1", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor([0, 3, 1])), "class == C",
     r"target 3 is out of range for 3 classes \(valid: 0..2\)", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor([0, -1, 1])),
     "negative class", r"target -1 is out of range.*start at 0 \(targets "
     r"equal to ignore_index=-100 are skipped\)", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor([0.0, 1.5, 1.0])),
     "fractional class", r"whole class indices, got 1.5", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, K, ignore_index=1.0),
     "float ignore_index", r"ignore_index must be an int, got float",
     TypeError),
    ("nll_loss", lambda: S.nll_loss(LP, K, [1.0, 2.0, 3.0]), "list weight",
     r"weight must be a Tensor, got list", TypeError),
    ("nll_loss", lambda: S.nll_loss(LP, K, Tensor([1.0, 2.0])),
     "weight of the wrong shape", r"weight must have one value per class, "
     r"shape \(3,\), got \(2,\)", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, K, Tensor([1.0, -2.0, 1.0])),
     "negative weight", r"weight must be >= 0, got -2 at weight\[1\]",
     ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, K, Tensor([1.0, np.nan, 1.0])),
     "NaN weight", r"weight must be finite, got nan", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor([-100, -100, -100])),
     "all ignored, 'mean'", r"every target equals ignore_index \(-100\), so "
     r"reduction='mean' has nothing to average \(PyTorch returns nan\)\. "
     r"Hint: skip this batch, or use reduction='sum'", ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, Tensor([2, 2, 2]),
                                    Tensor([1.0, 1.0, 0.0])),
     "kept targets all weight 0", r"every kept target has class weight 0",
     ValueError),
    ("nll_loss", lambda: S.nll_loss(Tensor([[0.0, -np.inf]]), Tensor([1]),
                                    Tensor([1.0, 0.0])),
     "-inf at a target of weight 0", r"0 \* inf \(undefined", ValueError),
    ("nll_loss", lambda: S.nll_loss(Tensor([[0.0, np.inf]]), Tensor([0])),
     "+inf log-probability", r"must be finite \(or -inf\), got inf",
     ValueError),
    ("nll_loss", lambda: S.nll_loss(LP, K, reduction="batchmean"),
     "batchmean", r"reduction='batchmean' must be one of 'mean', 'sum', "
     r"'none'", ValueError),
    # -------------------------------------------------------- cross_entropy
    ("cross_entropy", lambda: S.cross_entropy(Z, K, Tensor([1.0, 1.0])),
     "weight of the wrong shape", r"weight must have one value per class",
     ValueError),
    ("cross_entropy", lambda: S.cross_entropy(Z, K, label_smoothing=1.5),
     "label_smoothing above 1", r"label_smoothing must be in \[0, 1\], got "
     r"1.5", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(Z, K, label_smoothing=True),
     "bool label_smoothing", r"label_smoothing must be a number, got bool",
     TypeError),
    ("cross_entropy", lambda: S.cross_entropy(Z, Tensor([0, -100, -100]),
                                              ignore_index=0),
     "ignore_index set, -100 left", r"target -100 is out of range for 3 "
     r"classes", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(Z, Tensor([1, 1, 1]),
                                              ignore_index=1),
     "all ignored, 'mean'", r"every target equals ignore_index \(1\).*use "
     r"reduction='sum', which gives 0", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(
        Z, Tensor(np.full((3, 3), 1 / 3)), ignore_index=0),
     "probability targets with ignore_index", r"ignore_index=0 applies to "
     r"class-index targets.*PyTorch raises here too", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(
        Z, Tensor([[0.5, 0.5, 0.0], [1.2, -0.2, 0.0], [0.0, 0.0, 1.0]])),
     "probabilities outside [0, 1]", r"targets must lie in \[0, 1\], got "
     r"1.2 at targets\[1, 0\]", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(
        Tensor([[0.0, -np.inf]]), Tensor([[1.0, 0.0]])),
     "-inf logit with probability targets", r"logits\[0, 1\] is -inf, but "
     r"with probability targets.*-1e9", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(
        Tensor([[0.0, -np.inf]]), Tensor([0]), label_smoothing=0.1),
     "-inf logit with label smoothing", r"with label_smoothing > 0 every "
     r"class", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(
        Tensor(np.zeros((2, 3, 4))), Tensor(np.zeros((2, 5))),
        label_smoothing=0.1), "(N, C, d1) with wrong targets",
     r"targets must have shape \(2, 4\).*or class probabilities shaped "
     r"like the logits", ValueError),
    ("cross_entropy", lambda: S.cross_entropy(Tensor([1.0, 2.0]), Tensor([0]),
                                              label_smoothing=0.1),
     "1-D logits", r"logits must have shape \(N, C\) or \(N, C, d1, "
     r"\.\.\.\)", ValueError),
    ("cross_entropy", lambda: S.cross_entropy([[1.0]], Tensor([0])),
     "list logits (core path)", r"logits must be a Tensor, got list",
     TypeError),
    # ---------------------------------------------------------------- BCE
    ("binary_cross_entropy", lambda: S.binary_cross_entropy(
        P, Y, Tensor([1.0, 2.0])), "weight that does not broadcast",
     r"weight of shape \(2,\) must broadcast to the input's shape \(4,\)",
     ValueError),
    ("binary_cross_entropy", lambda: S.binary_cross_entropy(
        P, Y, Tensor(np.ones((2, 4)))), "weight that widens the input",
     r"without changing it", ValueError),
    ("binary_cross_entropy", lambda: S.binary_cross_entropy(
        P, Y, Tensor([-1.0])), "negative weight", r"weight must be >= 0",
     ValueError),
    ("binary_cross_entropy", lambda: S.binary_cross_entropy(
        Tensor([2.3, -1.2, 0.5, 0.5]), Y, Tensor([1.0])),
     "logits given with a weight", r"predictions must lie in \[0, 1\], got "
     r"2.3.*sigmoid", ValueError),
    ("binary_cross_entropy", lambda: S.binary_cross_entropy(
        P, Y, "heavy"), "string weight", r"weight must be a Tensor, got str",
     TypeError),
    ("binary_cross_entropy_with_logits",
     lambda: S.binary_cross_entropy_with_logits(V, Tensor([1.0, 0.0])),
     "mismatched shapes", r"logits and targets must have the same shape",
     ValueError),
    ("binary_cross_entropy_with_logits",
     lambda: S.binary_cross_entropy_with_logits(V, Tensor([1, -1, 1, 0])),
     "-1/+1 labels", r"targets must lie in \[0, 1\], got -1.*\(t \+ 1\) / 2",
     ValueError),
    ("binary_cross_entropy_with_logits",
     lambda: S.binary_cross_entropy_with_logits(Tensor([np.inf, 0, 0, 0]),
                                                Y),
     "inf logit", r"logits must be finite, got inf at logits\[0\]",
     ValueError),
    ("binary_cross_entropy_with_logits",
     lambda: S.binary_cross_entropy_with_logits(
         Tensor(np.zeros((2, 3))), Tensor(np.zeros((2, 3))),
         pos_weight=Tensor([1.0, 2.0])), "pos_weight per label, wrong count",
     r"pos_weight of shape \(2,\) must broadcast.*shape \(3,\)", ValueError),
    ("binary_cross_entropy_with_logits",
     lambda: S.binary_cross_entropy_with_logits(Tensor([]), Tensor([])),
     "empty", r"logits is an empty batch", ValueError),
    # ------------------------------------------------------------- kl_div
    ("kl_div", lambda: S.kl_div(LP, Tensor([[0.5, 0.5, 0.0]])),
     "mismatched shapes", r"log_probs and targets must have the same shape",
     ValueError),
    ("kl_div", lambda: S.kl_div(Tensor([[0.0, np.nan]]), Tensor([[1.0, 0]])),
     "NaN log_probs", r"log_probs must be finite \(or -inf\), got nan",
     ValueError),
    ("kl_div", lambda: S.kl_div(Tensor([[0.0, 0.0]]), Tensor([[1.5, 0.0]])),
     "target above 1", r"targets must lie in \[0, 1\], got 1.5.*"
     r"log_target=True", ValueError),
    ("kl_div", lambda: S.kl_div(Tensor([[0.0, 0.0]]), Tensor([[0.5, 0.5]]),
                                log_target=True),
     "positive log target", r"targets must be <= 0 with log_target=True",
     ValueError),
    ("kl_div", lambda: S.kl_div(LP, LP, log_target=1), "int log_target",
     r"log_target must be True or False, got int", TypeError),
    ("kl_div", lambda: S.kl_div(LP, LP, reduction="batchmaen"),
     "misspelt batchmean", r"did you mean 'batchmean'\?", ValueError),
    ("kl_div", lambda: S.kl_div(LP, LP, reduction="avg"),
     "unknown reduction", r"must be one of 'mean', 'batchmean', 'sum', "
     r"'none'.*'batchmean' divides the sum by the batch size", ValueError),
    # ------------------------------------------------------------- focal
    ("sigmoid_focal_loss", lambda: S.sigmoid_focal_loss(V, Y, alpha=1.5),
     "alpha above 1", r"alpha must be in \[-1, 1\], got 1.5.*-1 turns",
     ValueError),
    ("sigmoid_focal_loss", lambda: S.sigmoid_focal_loss(V, Y, gamma=-1.0),
     "negative gamma", r"gamma must be finite and >= 0, got -1", ValueError),
    ("sigmoid_focal_loss", lambda: S.sigmoid_focal_loss(P.data, Y),
     "array logits", r"logits must be a Tensor, got ndarray", TypeError),
    ("sigmoid_focal_loss", lambda: S.sigmoid_focal_loss(
        V, Tensor([2.0, 0.0, 1.0, 0.0])), "label 2",
     r"targets must lie in \[0, 1\], got 2", ValueError),
    # ---------------------------------------------------------- triplet
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(E2, E2, E2,
                                                          margin=0.0),
     "margin 0", r"margin must be finite and > 0, got 0", ValueError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(E2, E2, E2, p=0),
     "p 0", r"p must be > 0, got 0", ValueError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(E2, E2, E2,
                                                          eps=-1e-6),
     "negative eps", r"eps must be finite and >= 0", ValueError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(E2, E2, E2,
                                                          swap="yes"),
     "string swap", r"swap must be True or False, got str", TypeError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(
        E2, E2, Tensor([[0.0, 1.0]])), "negative of another shape",
     r"anchor and negative must have the same shape, got \(2, 2\) and "
     r"\(1, 2\)", ValueError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(
        *[Tensor(np.zeros((2, 2, 2)))] * 3), "3-D embeddings",
     r"anchor must have shape \(N, D\) or \(D,\), got \(2, 2, 2\)",
     ValueError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(
        *[Tensor(np.zeros((0, 2)))] * 3), "no triplets",
     r"anchor is empty", ValueError),
    ("triplet_margin_loss", lambda: S.triplet_margin_loss(
        E2, Tensor([[0.0, np.nan], [1.0, 0.0]]), E2), "NaN positive",
     r"positive must be finite, got nan at positive\[0, 1\]", ValueError),
    # ---------------------------------------------------------- info_nce
    ("info_nce", lambda: S.info_nce(Tensor([1.0, 0.0]), Tensor([1.0, 0.0])),
     "1-D queries", r"queries must have shape \(N, D\), got \(2,\)",
     ValueError),
    ("info_nce", lambda: S.info_nce(E2, Tensor([[1.0, 0.0]])),
     "fewer keys", r"queries and keys must have the same shape", ValueError),
    ("info_nce", lambda: S.info_nce(E2, E2, temperature=0.0),
     "temperature 0", r"temperature must be finite and > 0, got 0",
     ValueError),
    ("info_nce", lambda: S.info_nce(E2, E2, normalize=None),
     "None normalize", r"normalize must be True or False, got NoneType",
     TypeError),
    # ------------------------------------------------------- backwards
    ("mse_loss_backward", lambda: S.mse_loss_backward(np.ones(2), V, W),
     "grad of the wrong shape", r"grad must have the shape of the loss, "
     r"\(\), got \(2,\).*one number", ValueError),
    ("binary_cross_entropy_backward",
     lambda: S.binary_cross_entropy_backward(np.ones(3), P, Y,
                                             reduction="none"),
     "grad for 'none' of the wrong shape", r"grad must have the shape of "
     r"the loss, \(4,\), got \(3,\)", ValueError),
    ("binary_cross_entropy_with_logits_backward",
     lambda: S.binary_cross_entropy_with_logits_backward(
         np.array(["a"]), V, Y), "text grad", r"grad must hold real numbers",
     TypeError),
    ("cross_entropy_backward", lambda: S.cross_entropy_backward(
        np.ones(2), Z, K, label_smoothing=0.1, reduction="none"),
     "grad of the wrong shape", r"grad must have the shape of the loss, "
     r"\(3,\), got \(2,\)", ValueError),
    # ------------------------------------------------ class weights etc.
    ("class_weights", lambda: S.class_weights([900, 0]), "a count of 0",
     r"every count must be a whole number >= 1, got 0 at counts\[1\]",
     ValueError),
    ("class_weights", lambda: S.class_weights([1.5, 2]), "a fractional count",
     r"got 1.5 at counts\[0\]", ValueError),
    ("class_weights", lambda: S.class_weights([]), "no classes",
     r"counts must be 1-D with one count per class, got shape \(0,\)",
     ValueError),
    ("class_weights", lambda: S.class_weights("900/100"), "text counts",
     r"counts must be numbers, one per class, got str", TypeError),
    ("class_weights", lambda: S.class_weights([9, 1], method="inverse-sqrt"),
     "misspelt method", r"method='inverse-sqrt' must be one of 'inverse', "
     r"'inverse_sqrt', 'effective'\. Hint: did you mean 'inverse_sqrt'\?",
     ValueError),
    ("class_weights", lambda: S.class_weights([9, 1], "effective", 1.0),
     "beta 1", r"beta must be in \[0, 1\), got 1", ValueError),
    ("expected_calibration_error", lambda: S.expected_calibration_error(
        Tensor([[0.5, 0.6]]), Tensor([0])), "rows not summing to 1",
     r"every row of probs must sum to 1, got 1.1 in row 0.*softmax",
     ValueError),
    ("expected_calibration_error", lambda: S.expected_calibration_error(
        Tensor([[0.5, 0.5]]), Tensor([0]), n_bins=0), "n_bins 0",
     r"n_bins must be >= 1, got 0", ValueError),
    ("expected_calibration_error", lambda: S.expected_calibration_error(
        Tensor([[0.5, 0.5]]), Tensor([0]), n_bins=2.5), "float n_bins",
     r"n_bins must be an int, got float", TypeError),
    ("expected_calibration_error", lambda: S.expected_calibration_error(
        Tensor([[0.5, 0.5]]), Tensor([-100])), "a label of -100",
     r"target -100 is out of range for 2 classes", ValueError),
    ("expected_calibration_error", lambda: S.expected_calibration_error(
        Tensor([0.5, 0.5]), Tensor([0])), "1-D probs",
     r"probs must have shape \(N, C\)", ValueError),
    ("fit_temperature", lambda: S.fit_temperature(
        Tensor([[0.0, -np.inf]]), Tensor([0])), "masked logit",
     r"logits must be finite, got -inf", ValueError),
    ("fit_temperature", lambda: S.fit_temperature(
        Tensor(np.zeros((2, 3, 4))), Tensor(np.zeros((2, 4)))),
     "(N, C, d1) logits", r"logits must have shape \(N, C\), got shape "
     r"\(2, 3, 4\)", ValueError),
    ("cross_entropy_blocked", lambda: S.cross_entropy_blocked(
        Z, Tensor([0, 1, 5])), "class 5 of 3", r"target 5 is out of range",
     ValueError),
    ("cross_entropy_blocked", lambda: S.cross_entropy_blocked(
        Z, K, reduction="mena"), "misspelt reduction",
     r"did you mean 'mean'\?", ValueError),
    # ----------------------------------------------------------- classes
    ("L1Loss", lambda: S.L1Loss("sum"), "setting by position",
     r"too many positional arguments.*pass settings by name", TypeError),
    ("HuberLoss", lambda: S.HuberLoss(delta=-1.0), "negative delta",
     r"delta must be finite and > 0, got -1", ValueError),
    ("HuberLoss", lambda: S.HuberLoss(reductoin="sum"), "misspelt setting",
     r"did you mean reduction=\.\.\.\?", TypeError),
    ("SmoothL1Loss", lambda: S.SmoothL1Loss(beta=-0.5), "negative beta",
     r"beta must be finite and >= 0", ValueError),
    ("NLLLoss", lambda: S.NLLLoss([1.0, 2.0]), "list weight",
     r"weight must be a Tensor or None, got list", TypeError),
    ("NLLLoss", lambda: S.NLLLoss(ignore_index="pad"), "text ignore_index",
     r"ignore_index must be an int, got str", TypeError),
    ("CrossEntropyLoss", lambda: S.CrossEntropyLoss(label_smoothing=-0.1),
     "negative smoothing", r"label_smoothing must be in \[0, 1\]",
     ValueError),
    ("CrossEntropyLoss", lambda: S.CrossEntropyLoss(smoothing=0.1),
     "unknown setting", r"unexpected keyword argument 'smoothing'",
     TypeError),
    ("BinaryCrossEntropyLoss", lambda: S.BCELoss(reduction="avg"),
     "bad reduction", r"reduction='avg' must be one of", ValueError),
    ("BCEWithLogitsLoss", lambda: S.BCEWithLogitsLoss(pos_weight=3.0),
     "number pos_weight", r"pos_weight must be a Tensor or None, got float",
     TypeError),
    ("KLDivLoss", lambda: S.KLDivLoss("batchmean"), "setting by position",
     r"too many positional arguments", TypeError),
    ("KLDivLoss", lambda: S.KLDivLoss(log_target="yes"), "text log_target",
     r"log_target must be True or False", TypeError),
    ("FocalLoss", lambda: S.FocalLoss(gamma=-2.0), "negative gamma",
     r"gamma must be finite and >= 0", ValueError),
    ("TripletMarginLoss", lambda: S.TripletMarginLoss(margin=-1.0),
     "negative margin", r"margin must be finite and > 0", ValueError),
    ("TripletMarginLoss", lambda: S.TripletMarginLoss(1.0, 2.0, 1e-6, False,
                                                      "mean"),
     "reduction by position", r"too many positional arguments", TypeError),
    ("InfoNCELoss", lambda: S.InfoNCELoss(temperature=-0.07),
     "negative temperature", r"temperature must be finite and > 0",
     ValueError),
]

# the reductions each function offers, for the advice in its messages
ALLOWED = {"kl_div": {"mean", "batchmean", "sum", "none"},
           "KLDivLoss": {"mean", "batchmean", "sum", "none"}}
NO_REDUCTION = {"class_weights", "expected_calibration_error",
                "fit_temperature"}


def _call(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way
        call()


@pytest.mark.parametrize("name, call, what, pattern, kind", CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_bad_input_table(name, call, what, pattern, kind):
    with pytest.raises((ValueError, TypeError)) as info:
        _call(call)
    assert type(info.value) is kind, (type(info.value), info.value)
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(f"{name}: "), message
    assert "Hint: " in message, message
    assert re.search(pattern, message), (pattern, message)
    # advice never names a reduction the function does not have
    allowed = set() if name in NO_REDUCTION else \
        ALLOWED.get(name, {"mean", "sum", "none"})
    advised = set(re.findall(r"use reduction='(\w+)'", message))
    assert advised <= allowed, (advised, message)


def test_the_table_covers_every_public_name_and_input_class():
    names = {c[0] for c in CASES}
    public = {"l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss",
              "cross_entropy", "binary_cross_entropy",
              "binary_cross_entropy_with_logits", "kl_div",
              "sigmoid_focal_loss", "triplet_margin_loss", "info_nce",
              "mse_loss_backward", "binary_cross_entropy_backward",
              "binary_cross_entropy_with_logits_backward",
              "cross_entropy_backward", "class_weights",
              "expected_calibration_error", "fit_temperature",
              "cross_entropy_blocked", "L1Loss", "HuberLoss", "SmoothL1Loss",
              "NLLLoss", "CrossEntropyLoss", "BinaryCrossEntropyLoss",
              "BCEWithLogitsLoss", "KLDivLoss", "FocalLoss",
              "TripletMarginLoss", "InfoNCELoss"}
    assert public <= names, public - names
    text = " ".join(c[2] for c in CASES)
    for word in ("list", "None", "complex", "(N,1)", "empty", "0-d", "NaN",
                 "inf", "negative", "fractional", "one-hot", "weight",
                 "ignore_index", "all ignored", "probabilities", "-1/+1",
                 "reduction", "by position", "misspelt", "grad"):
        assert word in text, word


def test_every_message_of_the_table_is_distinct_per_function():
    seen = {}
    for name, call, what, _, _ in CASES:
        try:
            _call(call)
        except (ValueError, TypeError) as err:
            key = (name, str(err))
            assert key not in seen, (what, seen.get(key))
            seen[key] = what


@pytest.mark.parametrize("name, call", [
    ("cross_entropy", lambda r: S.cross_entropy(Z, Tensor([1, 1, 1]),
                                                ignore_index=1,
                                                reduction=r)),
    ("nll_loss", lambda r: S.nll_loss(LP, Tensor([-100] * 3),
                                      reduction=r)),
])
def test_all_ignored_batch_raises_only_for_mean(name, call):
    with pytest.raises(ValueError, match="nothing to average"):
        call("mean")
    assert call("sum").item() == 0.0
    assert call("none").data.tolist() == [0.0, 0.0, 0.0]
