"""Module 04 stretch part: every bad setting and bad input raises one clear
ValueError/TypeError: one line, the loss's name first, what was expected,
what was given, a hint. No raw NumPy error, no RuntimeWarning, no NaN."""
import re
import warnings

import numpy as np
import pytest

from tinytorch.core import losses
from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    Loss,
    MSELoss,
)
from tinytorch.core.losses_stretch import (
    BCEWithLogitsLoss,
    FocalLoss,
    HuberLoss,
    InfoNCELoss,
    KLDivLoss,
    L1Loss,
    NLLLoss,
    SmoothL1Loss,
    TripletMarginLoss,
    class_weights,
    expected_calibration_error,
    fit_temperature,
)
from tinytorch.core.tensor import Tensor


def raises(exc, match, call, name=None):
    """`call()` raises `exc` whose one-line message matches `match`, starts
    with `name: ` (when given) and has a hint; no RuntimeWarning on the
    way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=match) as info:
            call()
    message = str(info.value)
    assert type(info.value) is exc, type(info.value)
    assert "\n" not in message, message
    assert "Hint: " in message, message
    if name is not None:
        assert message.startswith(f"{name}: "), message
    return message


ALL_LOSSES = [MSELoss, L1Loss, HuberLoss, SmoothL1Loss, CrossEntropyLoss,
              NLLLoss, BinaryCrossEntropyLoss, BCEWithLogitsLoss, KLDivLoss,
              FocalLoss, TripletMarginLoss, InfoNCELoss]
IDS = [c.__name__ for c in ALL_LOSSES]


# ------------------------------------------------------------- reduction
@pytest.mark.parametrize("cls", ALL_LOSSES, ids=IDS)
def test_typo_reduction_raises_at_construction(cls):
    choices = "'mean', 'batchmean', 'sum', 'none'" if cls is KLDivLoss \
        else "'mean', 'sum', 'none'"
    msg = raises(ValueError,
                 re.escape(f"{cls.__name__}: reduction='typo' must be one "
                           f"of {choices}. Hint: "),
                 lambda: cls(reduction="typo"), cls.__name__)
    assert "'mean' averages" in msg


@pytest.mark.parametrize("cls", ALL_LOSSES, ids=IDS)
@pytest.mark.parametrize("bad, hint", [("avg", "'mean' averages"),
                                       ("mena", "did you mean 'mean'?"),
                                       ("Sum", "did you mean 'sum'?"),
                                       (None, "'mean' averages"),
                                       (1, "'mean' averages")])
def test_bad_reductions(cls, bad, hint):
    msg = raises(ValueError, re.escape(f"reduction={bad!r} must be one of"),
                 lambda: cls(reduction=bad), cls.__name__)
    assert hint in msg


def test_reduction_is_checked_in_one_place(monkeypatch):
    """Every loss's reduction goes through `_check_reduction`."""
    seen = []
    original = losses._check_reduction

    def spy(name, reduction, allowed=("mean", "sum", "none")):
        seen.append(name)
        return original(name, reduction, allowed)

    monkeypatch.setattr(losses, "_check_reduction", spy)
    for cls in ALL_LOSSES:
        cls()
    assert seen == IDS


def test_batchmean_only_for_kl():
    KLDivLoss(reduction="batchmean")
    raises(ValueError, "reduction='batchmean' must be one of 'mean', 'sum', "
           "'none'", lambda: CrossEntropyLoss(reduction="batchmean"),
           "CrossEntropyLoss")


# ------------------------------------------------- constructor arguments
@pytest.mark.parametrize("cls, args, kwargs, wanted", [
    (MSELoss, ("sum",), {}, "too many positional arguments"),
    (L1Loss, ("mean",), {}, "too many positional arguments"),
    (SmoothL1Loss, ("mean", 1.0), {}, "too many positional arguments"),
    (KLDivLoss, ("batchmean",), {}, "too many positional arguments"),
    (CrossEntropyLoss, (None, -100), {}, "too many positional arguments"),
    (NLLLoss, (None, 0), {}, "too many positional arguments"),
    (BinaryCrossEntropyLoss, (None, "sum"), {},
     "too many positional arguments"),
    (BCEWithLogitsLoss, (None, "mean"), {}, "too many positional arguments"),
    (TripletMarginLoss, (1.0, 2.0, 1e-6, False, "mean"), {},
     "too many positional arguments"),
    (HuberLoss, ("mean", 1.0, 2.0), {}, "too many positional arguments"),
    (CrossEntropyLoss, (), {"smoothing": 0.1},
     "got an unexpected keyword argument 'smoothing'"),
])
def test_arguments_that_do_not_fit_the_settings(cls, args, kwargs, wanted):
    msg = raises(TypeError, re.escape(f"{cls.__name__}: {wanted}; its "
                                      f"settings are ("),
                 lambda: cls(*args, **kwargs), cls.__name__)
    assert "pass settings by name" in msg


def test_misspelt_setting_suggests_the_right_name():
    msg = raises(TypeError, "unexpected keyword argument 'label_smothing'",
                 lambda: CrossEntropyLoss(label_smothing=0.1),
                 "CrossEntropyLoss")
    assert "did you mean label_smoothing=...?" in msg
    msg = raises(TypeError, "unexpected keyword argument 'delt'",
                 lambda: HuberLoss(delt=2.0), "HuberLoss")
    assert "did you mean delta=...?" in msg


def test_settings_in_pytorch_positions_work():
    assert CrossEntropyLoss(Tensor([1.0, 2.0])).weight.shape == (2,)
    assert HuberLoss("sum", 2.0).delta == 2.0
    loss = TripletMarginLoss(0.5, 1.0, 0.0, True)
    assert (loss.margin, loss.p, loss.eps, loss.swap) == (0.5, 1.0, 0.0,
                                                          True)
    focal = FocalLoss(0.5, 1.0, "sum")
    assert (focal.alpha, focal.gamma, focal.reduction) == (0.5, 1.0, "sum")
    assert InfoNCELoss(0.2, False).temperature == 0.2


@pytest.mark.parametrize("make, exc, wanted", [
    (lambda: CrossEntropyLoss(label_smoothing=1.5), ValueError,
     "label_smoothing must be in [0, 1], got 1.5"),
    (lambda: CrossEntropyLoss(label_smoothing=-0.1), ValueError,
     "label_smoothing must be in [0, 1], got -0.1"),
    (lambda: CrossEntropyLoss(label_smoothing="0.1"), TypeError,
     "label_smoothing must be a number, got str '0.1'"),
    (lambda: CrossEntropyLoss(label_smoothing=float("nan")), ValueError,
     "label_smoothing must be in [0, 1], got nan"),
    (lambda: CrossEntropyLoss(ignore_index=1.5), TypeError,
     "ignore_index must be an int, got float 1.5"),
    (lambda: CrossEntropyLoss(ignore_index=True), TypeError,
     "ignore_index must be an int, got bool True"),
    (lambda: NLLLoss(ignore_index="pad"), TypeError,
     "ignore_index must be an int, got str 'pad'"),
    (lambda: CrossEntropyLoss(weight=[1.0, 2.0]), TypeError,
     "weight must be a Tensor, got list"),
    (lambda: CrossEntropyLoss(weight=Tensor([[1.0, 2.0]])), ValueError,
     "weight must be 1-D with one value per class, got shape (1, 2)"),
    (lambda: CrossEntropyLoss(weight=Tensor([1.0, -2.0])), ValueError,
     "weight must be >= 0, got -2 at weight[1]"),
    (lambda: NLLLoss(weight=Tensor([1.0, np.nan])), ValueError,
     "weight must be finite, got nan at weight[1]"),
    (lambda: BinaryCrossEntropyLoss(weight=Tensor([np.inf])), ValueError,
     "weight must be finite, got inf at weight[0]"),
    (lambda: BCEWithLogitsLoss(pos_weight=Tensor([-1.0])), ValueError,
     "pos_weight must be >= 0, got -1 at pos_weight[0]"),
    (lambda: HuberLoss(delta=0.0), ValueError,
     "delta must be finite and > 0, got 0"),
    (lambda: HuberLoss(delta=float("inf")), ValueError,
     "delta must be finite and > 0, got inf"),
    (lambda: SmoothL1Loss(beta=-1.0), ValueError,
     "beta must be finite and >= 0, got -1"),
    (lambda: KLDivLoss(log_target=1), TypeError,
     "log_target must be True or False, got 1"),
    (lambda: FocalLoss(alpha=1.5), ValueError,
     "alpha must be in [0, 1], got 1.5"),
    (lambda: FocalLoss(gamma=-2.0), ValueError,
     "gamma must be finite and >= 0, got -2"),
    (lambda: TripletMarginLoss(margin=0.0), ValueError,
     "margin must be finite and > 0, got 0"),
    (lambda: TripletMarginLoss(p=0.0), ValueError, "p must be > 0, got 0"),
    (lambda: TripletMarginLoss(eps=-1e-6), ValueError,
     "eps must be finite and >= 0, got -0.000001"),
    (lambda: TripletMarginLoss(swap="yes"), TypeError,
     "swap must be True or False, got 'yes'"),
    (lambda: InfoNCELoss(temperature=0.0), ValueError,
     "temperature must be finite and > 0, got 0"),
    (lambda: InfoNCELoss(normalize=None), TypeError,
     "normalize must be True or False, got None"),
])
def test_bad_settings(make, exc, wanted):
    raises(exc, re.escape(wanted), make)


# ------------------------------------------------------ cross-entropy/NLL
LOGITS = Tensor([[1.0, 2.0, 3.0], [0.5, 0.1, -1.0]])


@pytest.mark.parametrize("loss_fn, targets, wanted", [
    (CrossEntropyLoss(reduction="sum"), Tensor([0, 3]),
     "target 3 is out of range for 3 classes (valid: 0..2)"),
    (CrossEntropyLoss(ignore_index=0, reduction="none"), Tensor([-100, 1]),
     "target -100 is out of range for 3 classes"),
    (CrossEntropyLoss(label_smoothing=0.1), Tensor([0.5, 1.0]),
     "targets must be whole class indices, got 0.5 at targets[0]"),
    (NLLLoss(), Tensor([1, np.nan]),
     "targets must be whole class indices, got nan at targets[1]"),
])
def test_bad_class_targets_on_the_general_path(loss_fn, targets, wanted):
    name = type(loss_fn).__name__
    raises(ValueError, re.escape(f"{name}: {wanted}"),
           lambda: loss_fn(LOGITS, targets), name)


def test_negative_target_hint_names_the_ignore_index():
    msg = raises(ValueError, "target -1 is out of range",
                 lambda: CrossEntropyLoss(ignore_index=7)(LOGITS,
                                                          Tensor([-1, 0])),
                 "CrossEntropyLoss")
    assert "only targets equal to ignore_index (7) are skipped" in msg


def test_nd_targets_report_their_position():
    z = Tensor(np.zeros((2, 3, 2)))
    raises(ValueError, re.escape("target 3 is out of range for 3 classes "
                                 "(valid: 0..2). Hint: targets[1, 0] must be "
                                 "below 3"),
           lambda: CrossEntropyLoss()(z, Tensor([[0, 1], [3, 0]])),
           "CrossEntropyLoss")
    raises(ValueError, re.escape("targets must have shape (2, 2), one class "
                                 "index per position of log_probs (2, 3, 2),"
                                 " got (2, 3)."),
           lambda: NLLLoss()(z, Tensor(np.zeros((2, 3)))), "NLLLoss")


def test_nd_logits_with_a_non_tensor_target_name_the_target():
    raises(TypeError, "targets must be a Tensor, got list",
           lambda: CrossEntropyLoss()(Tensor(np.zeros((2, 3, 4))), [0, 1]),
           "CrossEntropyLoss")


def test_weight_must_match_the_classes():
    raises(ValueError, re.escape("CrossEntropyLoss: weight must have one "
                                 "value per class, shape (3,), got (2,)."),
           lambda: CrossEntropyLoss(Tensor([1.0, 2.0]))(LOGITS,
                                                        Tensor([0, 1])),
           "CrossEntropyLoss")
    raises(ValueError, "weight must have one value per class",
           lambda: NLLLoss(Tensor([1.0] * 4))(LOGITS, Tensor([0, 1])),
           "NLLLoss")


@pytest.mark.parametrize("make, targets, what", [
    (lambda: CrossEntropyLoss(), [-100, -100],
     "every target equals ignore_index (-100)"),
    (lambda: NLLLoss(ignore_index=2), [2, 2],
     "every target equals ignore_index (2)"),
    (lambda: CrossEntropyLoss(weight=Tensor([0.0, 0.0, 1.0])), [0, 1],
     "every kept target has weight 0"),
    (lambda: CrossEntropyLoss(weight=Tensor([0.0, 1.0, 1.0]),
                              label_smoothing=0.2), [0, -100],
     "every kept target has weight 0"),
])
def test_nothing_to_average_raises_under_mean(make, targets, what):
    msg = raises(ValueError, re.escape(what),
                 lambda: make()(LOGITS, Tensor(targets)))
    assert "reduction='mean' has nothing to average (PyTorch returns nan)" \
        in msg
    assert "reduction='sum', which gives 0" in msg


def test_probability_targets_checks():
    raises(ValueError, re.escape("CrossEntropyLoss: ignore_index=0 applies "
                                 "to class-index targets, but these targets "
                                 "are class probabilities (shape (2, 3)"),
           lambda: CrossEntropyLoss(ignore_index=0)(
               LOGITS, Tensor(np.full((2, 3), 1 / 3))), "CrossEntropyLoss")
    raises(ValueError, re.escape("CrossEntropyLoss: targets must lie in "
                                 "[0, 1], got 1.5 at targets[0, 1]."),
           lambda: CrossEntropyLoss()(LOGITS, Tensor([[0.0, 1.5, 0.0],
                                                      [1.0, 0.0, 0.0]])),
           "CrossEntropyLoss")
    raises(ValueError, "targets must be finite, got nan at targets",
           lambda: CrossEntropyLoss()(LOGITS, Tensor([[0.0, np.nan, 0.0],
                                                      [1.0, 0.0, 0.0]])),
           "CrossEntropyLoss")


@pytest.mark.parametrize("kw, targets", [
    # smoothing reaches the masked class, whose weight is 0
    (dict(weight=Tensor([0.0, 1.0, 1.0]), label_smoothing=0.1),
     Tensor([1, 2])),
    # label_smoothing=1 gives the masked target class a factor 1 - 1 = 0
    (dict(label_smoothing=1.0), Tensor([0, 1])),
    # a probability target of 0 on the masked class
    (dict(), Tensor([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])),
])
def test_zero_times_inf_is_an_error_not_nan(kw, targets):
    z = Tensor([[-np.inf, 1.0, 2.0], [-np.inf, 0.0, 0.0]])
    msg = raises(ValueError, re.escape("the loss is 0 * inf (undefined)"),
                 lambda: CrossEntropyLoss(**kw)(z, targets),
                 "CrossEntropyLoss")
    assert "-1e9" in msg


def test_masked_target_class_still_gives_inf_on_the_general_path():
    z = Tensor([[-np.inf, 1.0], [0.0, 0.0]])
    for kw in (dict(reduction="sum"), dict(label_smoothing=0.1),
               dict(weight=Tensor([1.0, 2.0]))):
        assert CrossEntropyLoss(**kw)(z, Tensor([0, 1])).item() == np.inf


@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (np.inf, "inf")])
def test_general_path_rejects_nan_and_plus_inf(bad, shown):
    z = Tensor([[0.0, bad], [1.0, 2.0]])
    raises(ValueError, re.escape(f"logits must be finite (or -inf), got "
                                 f"{shown} at logits[0, 1]"),
           lambda: CrossEntropyLoss(reduction="sum")(z, Tensor([0, 1])),
           "CrossEntropyLoss")
    # NLLLoss reads only the target entries (as PyTorch does): a bad value
    # elsewhere cannot change the loss, a bad target entry is explained
    raises(ValueError, re.escape(f"log_probs must be finite (or -inf), got "
                                 f"{shown} at log_probs[0, 1]"),
           lambda: NLLLoss()(z, Tensor([1, 1])), "NLLLoss")
    assert NLLLoss()(z, Tensor([0, 1])).item() == -1.0


def test_general_path_empty_and_classless():
    raises(ValueError, "logits is an empty batch",
           lambda: CrossEntropyLoss(reduction="sum")(
               Tensor(np.zeros((0, 3, 2))), Tensor(np.zeros((0, 2)))),
           "CrossEntropyLoss")
    raises(ValueError, "there are no losses to add up or return",
           lambda: NLLLoss(reduction="none")(Tensor(np.zeros((2, 3, 0))),
                                             Tensor(np.zeros((2, 0)))),
           "NLLLoss")
    raises(ValueError, "size 0 along dim 1",
           lambda: CrossEntropyLoss(label_smoothing=0.1)(
               Tensor(np.zeros((2, 0, 3))), Tensor(np.zeros((2, 3)))),
           "CrossEntropyLoss")


def test_float32_overflow_on_the_general_path_is_explained():
    big = np.float32(3e38)
    z = Tensor(np.array([[big, -big], [0.0, 0.0]], dtype=np.float32))
    raises(ValueError, r"the loss is 6e\+38, too large for float32",
           lambda: CrossEntropyLoss(reduction="sum")(z, Tensor([1, 0])),
           "CrossEntropyLoss")
    per_row = CrossEntropyLoss(reduction="none")
    raises(ValueError, r"the loss at \[0\] is 6e\+38, too large for float32",
           lambda: per_row(z, Tensor([1, 0])), "CrossEntropyLoss")


# ------------------------------------------------- elementwise losses
PAIR_LOSSES = [L1Loss(), HuberLoss(), SmoothL1Loss(), MSELoss(
    reduction="none")]


@pytest.mark.parametrize("loss_fn", PAIR_LOSSES,
                         ids=[type(f).__name__ for f in PAIR_LOSSES])
def test_regression_losses_check_like_mse(loss_fn):
    name = type(loss_fn).__name__
    raises(ValueError, re.escape(f"{name}: predictions and targets must have "
                                 f"the same shape, got (4, 1) and (4,)"),
           lambda: loss_fn(Tensor(np.ones((4, 1))), Tensor(np.ones(4))),
           name)
    raises(ValueError, "predictions must be finite, got nan",
           lambda: loss_fn(Tensor([np.nan, 1.0]), Tensor([0.0, 1.0])), name)
    raises(TypeError, "targets must be a Tensor, got list",
           lambda: loss_fn(Tensor([1.0]), [1.0]), name)


@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_empty_batch_raises_under_every_reduction(reduction):
    for cls in (MSELoss, L1Loss, BinaryCrossEntropyLoss, BCEWithLogitsLoss,
                FocalLoss, KLDivLoss):
        raises(ValueError, "is an empty batch \\(shape \\(0,\\)\\), and there "
               "are no losses to add up or return",
               lambda: cls(reduction=reduction)(Tensor(np.zeros(0)),
                                                Tensor(np.zeros(0))),
               cls.__name__)


def test_bce_weight_must_broadcast_without_changing_the_shape():
    raises(ValueError, re.escape("BinaryCrossEntropyLoss: weight of shape "
                                 "(3,) must broadcast to the input's shape "
                                 "(2, 2) without changing it."),
           lambda: BinaryCrossEntropyLoss(weight=Tensor([1.0, 2.0, 3.0]))(
               Tensor(np.full((2, 2), 0.5)), Tensor(np.ones((2, 2)))),
           "BinaryCrossEntropyLoss")
    raises(ValueError, "weight of shape \\(2, 2, 1\\) must broadcast",
           lambda: BCEWithLogitsLoss(weight=Tensor(np.ones((2, 2, 1))))(
               Tensor(np.zeros((2, 2))), Tensor(np.ones((2, 2)))),
           "BCEWithLogitsLoss")


@pytest.mark.parametrize("cls", [BCEWithLogitsLoss, FocalLoss])
def test_logit_losses_check_their_inputs(cls):
    name = cls.__name__
    raises(ValueError, "logits must be finite, got inf at logits\\[1\\]",
           lambda: cls()(Tensor([0.0, np.inf]), Tensor([0.0, 1.0])), name)
    raises(ValueError, "targets must lie in \\[0, 1\\], got -1 at targets",
           lambda: cls()(Tensor([0.0, 1.0]), Tensor([-1.0, 1.0])), name)
    raises(ValueError, "logits and targets must have the same shape",
           lambda: cls()(Tensor([0.0, 1.0]), Tensor([[0.0, 1.0]])), name)


def test_kl_checks_its_inputs():
    name = "KLDivLoss"
    raises(ValueError, "target must lie in \\[0, 1\\], got 1.5",
           lambda: KLDivLoss()(Tensor([[0.0, 0.0]]), Tensor([[1.5, 0.0]])),
           name)
    raises(ValueError, "target must be <= 0 with log_target=True",
           lambda: KLDivLoss(log_target=True)(Tensor([[0.0, 0.0]]),
                                              Tensor([[0.5, -1.0]])), name)
    raises(ValueError, "log_q must be finite \\(or -inf\\), got nan",
           lambda: KLDivLoss()(Tensor([[np.nan, 0.0]]), Tensor([[0.5, 0.5]])),
           name)
    raises(ValueError, "log_q and target must have the same shape",
           lambda: KLDivLoss()(Tensor([[0.0, 0.0]]), Tensor([0.5, 0.5])),
           name)


def test_embedding_losses_check_their_inputs():
    a = Tensor(np.zeros((3, 2)))
    raises(ValueError, "anchor and negative must have the same shape",
           lambda: TripletMarginLoss()(a, a, Tensor(np.zeros((3, 3)))),
           "TripletMarginLoss")
    raises(ValueError, re.escape("anchor must have shape (N, D) or (D,), "
                                 "got (2, 2, 2)"),
           lambda: TripletMarginLoss()(*[Tensor(np.zeros((2, 2, 2)))] * 3),
           "TripletMarginLoss")
    raises(ValueError, "anchor is empty",
           lambda: TripletMarginLoss()(*[Tensor(np.zeros((0, 2)))] * 3),
           "TripletMarginLoss")
    raises(ValueError, "positive must be finite, got nan",
           lambda: TripletMarginLoss()(a, Tensor([[0.0, np.nan]] * 3), a),
           "TripletMarginLoss")
    raises(ValueError, re.escape("queries must have shape (N, D), got (2,)"),
           lambda: InfoNCELoss()(Tensor([1.0, 0.0]), Tensor([1.0, 0.0])),
           "InfoNCELoss")
    raises(ValueError, "queries and keys must have the same shape",
           lambda: InfoNCELoss()(a, Tensor(np.zeros((2, 2)))), "InfoNCELoss")
    raises(ValueError, "keys must be finite, got inf",
           lambda: InfoNCELoss()(a, Tensor([[np.inf, 0.0]] * 3)),
           "InfoNCELoss")


# ------------------------------------------------ helpers and metrics
@pytest.mark.parametrize("call, exc, wanted", [
    (lambda: class_weights([900, 0]), ValueError,
     "every count must be a whole number >= 1, got 0 at counts[1]"),
    (lambda: class_weights([2.5, 3]), ValueError,
     "every count must be a whole number >= 1, got 2.5 at counts[0]"),
    (lambda: class_weights([[1, 2]]), ValueError,
     "counts must be 1-D with one count per class, got shape (1, 2)"),
    (lambda: class_weights([]), ValueError,
     "counts must be 1-D with one count per class, got shape (0,)"),
    (lambda: class_weights(["a", "b"]), TypeError,
     "counts must be numbers, one per class, got list"),
    (lambda: class_weights([1, 2], method="inv"), ValueError,
     "method='inv' must be one of 'inverse', 'inverse_sqrt', 'effective'"),
    (lambda: class_weights([1, 2], method="effective", beta=1.0),
     ValueError, "beta must be in [0, 1), got 1"),
    (lambda: class_weights([1, 2], method="effective", beta=-0.5),
     ValueError, "beta must be finite and >= 0, got -0.5"),
    (lambda: expected_calibration_error(Tensor([[0.5, 0.6]]), Tensor([0])),
     ValueError, "every row of probs must sum to 1, got 1.1 in row 0"),
    (lambda: expected_calibration_error(Tensor([[2.0, -1.0]]), Tensor([0])),
     ValueError, "probs must lie in [0, 1], got 2 at probs[0, 0]"),
    (lambda: expected_calibration_error(Tensor([0.5, 0.5]), Tensor([0])),
     ValueError, "probs must have shape (N, C) with N, C >= 1, got (2,)"),
    (lambda: expected_calibration_error(Tensor([[0.5, 0.5]]),
                                        Tensor([0, 1])),
     ValueError, "labels must have shape (1,), one class index per row of "
     "probs (1, 2), got (2,)"),
    (lambda: expected_calibration_error(Tensor([[0.5, 0.5]]), Tensor([2])),
     ValueError, "target 2 is out of range for 2 classes"),
    (lambda: expected_calibration_error(Tensor([[0.5, 0.5]]), Tensor([0]),
                                        n_bins=0),
     ValueError, "n_bins must be >= 1, got 0"),
    (lambda: expected_calibration_error(Tensor([[0.5, 0.5]]), Tensor([0]),
                                        n_bins=2.5),
     TypeError, "n_bins must be an int, got float 2.5"),
    (lambda: fit_temperature(Tensor([[0.0, np.inf]]), Tensor([0])),
     ValueError, "logits must be finite, got inf at logits[0, 1]"),
    (lambda: fit_temperature(Tensor([[0.0, -np.inf]]), Tensor([0])),
     ValueError, "logits must be finite, got -inf at logits[0, 1]"),
    (lambda: fit_temperature(Tensor([[0.0, 1.0]]), Tensor([[0]])),
     ValueError, "labels must have shape (1,)"),
    # it takes (N, C) only, and says so (not CrossEntropyLoss's wider set)
    (lambda: fit_temperature(Tensor(np.zeros((2, 3, 4))),
                             Tensor(np.zeros((2, 4)))),
     ValueError, "fit_temperature: logits must have shape (N, C), got "
     "shape (2, 3, 4)."),
])
def test_helper_and_metric_errors(call, exc, wanted):
    raises(exc, re.escape(wanted), call)


def test_base_class_keeps_reduction_keyword_only():
    class Zero(Loss):
        def forward(self, a, b):
            return Tensor(0.0)

    assert Zero(reduction="none").reduction == "none"
    raises(TypeError, "too many positional arguments", lambda: Zero("sum"),
           "Zero")
