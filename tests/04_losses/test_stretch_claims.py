"""Module 04 stretch part: every number written in its prose is recomputed.

Each test first checks that the sentence it guards is still in the docs
(`said`: the notebook source, markdown and docstrings, or the module page
src/04_losses/ABOUT.md), then recomputes the numbers with the package or
plain arithmetic, so a number cannot change in one place only.
"""
import json
import math
import re

import numpy as np
import pytest

from _support import Docs, rounds_to
from tinytorch.core import losses_stretch
from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
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

DOCS = Docs("04_losses_stretch")
SOURCE, NOTEBOOK, ABOUT, said = DOCS.source, DOCS.notebook, DOCS.about, \
    DOCS.said
CORE = Docs("04_losses")


def T(a, dtype=np.float64):
    return Tensor(np.asarray(a, dtype=dtype), dtype=dtype)


# ------------------------------------------------------------------ points
def _cells(source=SOURCE):
    """(grade_id, points, grade) of every code cell, from the # %% lines."""
    out = []
    for line in source.split("\n"):
        if line.startswith("# %% nbgrader="):
            meta = json.loads(line[len("# %% nbgrader="):])
            out.append((meta["grade_id"], meta["points"], meta["grade"]))
    return out


def test_points_core_60_stretch_40_and_the_table():
    # "The core notebook ... is the module: 60 points" / "worth **40 extra
    #  points**" and the section table
    said("The core notebook, `04_losses.ipynb`, is the module: 60 points",
         ["notebook"])
    said("worth **40 extra points**")
    cells, core_cells = _cells(), _cells(CORE.source)
    core = {g: p for g, p, graded in core_cells if graded}
    stretch = {g: p for g, p, graded in cells if graded}
    assert core == {"losses-test-log-softmax": 10, "losses-test-mse": 10,
                    "losses-test-cross-entropy": 15, "losses-test-bce": 10,
                    "losses-test-module": 15}
    assert sum(core.values()) == 60
    assert sum(stretch.values()) == 40
    table = {
        "reductions": ("S1 Reductions and `L1Loss`", 4),
        "huber": ("S2 `HuberLoss` and `SmoothL1Loss`", 4),
        "nll": ("S3 `NLLLoss`: class weights and `ignore_index`", 4),
        "cross-entropy": ("S4 `CrossEntropyLoss` in full", 5),
        "bce-logits": ("S5 `BCEWithLogitsLoss`", 5),
        "kl": ("S6 `KLDivLoss`", 3),
        "focal": ("S7 `FocalLoss`", 3),
        "contrastive": ("S8 `TripletMarginLoss` and `InfoNCELoss`", 4),
        "gradients": ("S9 Gradients, measured", 3),
        "class-weights": ("S10 Class-imbalance weights", 2),
        "calibration": ("S11 Calibration", 3),
    }
    for key, (label, points) in table.items():
        assert stretch[f"losses-stretch-test-{key}"] == points, key
        row = re.search(re.escape(f"| {label} |") + r"[^|]*\| (\d+) \|",
                        NOTEBOOK)
        assert row and int(row.group(1)) == points, label
        assert re.search(re.escape(f"| {label} |") + r"[^|]*\| "
                         + str(points) + r" \|", ABOUT), label
    # the stretch notebook holds only stretch cells, the core none
    assert all(g.startswith("losses-stretch-") for g, _, _ in cells)
    assert not any("-stretch-" in g for g, _, _ in core_cells)


def test_core_summary_promises():
    CORE.said("The core path (60 points) does not depend on it.",
              ["notebook"])


# ---------------------------------------------------------------------- S1
def test_l1_versus_mse_growth():
    said("an error of 10 costs 10 and an error of 20 costs 20, where MSE "
         "charges 100 and 400", ["notebook"])
    each = L1Loss(reduction="none")(T([10.0, 20.0]), T([0.0, 0.0])).data
    assert each.tolist() == [10.0, 20.0]
    assert [10.0 ** 2, 20.0 ** 2] == [100.0, 400.0]


def test_s1_brief_example():
    said("predictions [1.0, -2.0], targets [1.5, 0.0] -> [0.5, 2.0]",
         ["notebook"])
    assert losses_stretch._l1_forward(np.array([1.0, -2.0]),
                              np.array([1.5, 0.0])).tolist() == [0.5, 2.0]


# ---------------------------------------------------------------------- S2
def test_huber_numbers():
    said(r"the same value, $\delta^2 / 2$, and the same slope, $\delta$",
         ["notebook"])
    said(r"With $\delta = 1$, an error of 0.5 costs 0.125, and an error of "
         "10 costs 9.5, where MSE would charge 100", ["notebook"])
    each = HuberLoss(reduction="none")(T([0.5, 10.0]), T([0.0, 0.0])).data
    assert each.tolist() == [0.125, 9.5]
    assert 10.0 ** 2 == 100.0
    said("errors [0.5, 3.0] with delta 2.0 -> [0.125, 2 * (3 - 1)] = "
         "[0.125, 4.0]", ["notebook"])
    each = HuberLoss("none", 2.0)(T([0.5, 3.0]), T([0.0, 0.0])).data
    assert each.tolist() == [0.125, 4.0]
    # "`beta=0` is exactly L1"; "the two agree only when beta = delta = 1"
    said("`beta=0` is exactly L1", ["notebook"])
    said(r"the two agree only when $\beta = \delta = 1$", ["notebook"])
    said(r"the two agree only for {math}`\beta = \delta = 1`", ["about"])
    d = T([0.3, 2.0, -5.0])
    zero = T([0.0, 0.0, 0.0])
    for value in (0.5, 1.0, 2.0):
        h = HuberLoss("none", value)(d, zero).data
        s = SmoothL1Loss(reduction="none", beta=value)(d, zero).data
        assert np.array_equal(h, s) == (value == 1.0)


# ---------------------------------------------------------------------- S3
def test_nll_worked_example():
    said("The rows cost $-1 \\cdot \\log 0.5 \\approx 0.6931$, "
         "$-3 \\log 0.75 \\approx 0.8630$ and 0 (ignored); their sum is "
         "about 1.5562 and the kept weight is $1 + 3 = 4$, so `'mean'` "
         "gives about 0.3890", ["notebook"])
    lp = T(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
    each = NLLLoss(T([1.0, 3.0]), reduction="none")(lp, T([0, 1, -100]))
    assert [f"{v:.4f}" for v in each.data] == ["0.6931", "0.8630", "0.0000"]
    total = NLLLoss(T([1.0, 3.0]), reduction="sum")(lp, T([0, 1, -100]))
    assert rounds_to(total.item(), "1.5562")
    mean = NLLLoss(T([1.0, 3.0]))(lp, T([0, 1, -100])).item()
    assert rounds_to(mean, "0.3890")
    assert mean == pytest.approx(total.item() / 4, rel=1e-12)
    said("[2.0794 0. ]", ["notebook"])  # _nll_forward's doctest
    assert rounds_to(-3 * math.log(0.5), "2.0794")


def test_all_ignored_statements():
    said("PyTorch returns NaN there. Here `'mean'` raises a `ValueError` "
         "that says so, as for an empty batch; `'sum'` gives 0 and `'none'` "
         "gives zeros", ["notebook"])
    lp = T(np.log([[0.5, 0.5], [0.25, 0.75]]))
    with pytest.raises(ValueError, match="nothing to average"):
        NLLLoss()(lp, T([-100, -100]))
    assert NLLLoss(reduction="sum")(lp, T([-100, -100])).item() == 0.0
    assert NLLLoss(reduction="none")(lp, T([-100, -100])).data.tolist() == \
        [0.0, 0.0]


# ---------------------------------------------------------------------- S4
def test_label_smoothing_numbers():
    said("the target `[1, 0, 0, 0]` becomes `[0.925, 0.025, 0.025, 0.025]`",
         ["notebook"])
    said("the target becomes `[0.925, 0.025, 0.025, 0.025]`", ["about"])
    smoothed = 0.9 * np.eye(4)[0] + 0.1 / 4
    assert [f"{v:.3f}" for v in smoothed] == ["0.925", "0.025", "0.025",
                                               "0.025"]
    # the seed's other convention: 0.1 spread over the 3 wrong classes
    said("`[0.9, 0.033, 0.033, 0.033]`")
    assert f"{0.1 / 3:.3f}" == "0.033"
    # "Its minimum is the entropy of y', ... about 0.3488"
    said("reached when the softmax equals $y'$: about 0.3488", ["notebook"])
    entropy = float(-(smoothed * np.log(smoothed)).sum())
    assert rounds_to(entropy, "0.3488")
    at_min = CrossEntropyLoss(label_smoothing=0.1)(
        T([np.log(smoothed)]), T([0])).item()
    assert at_min == pytest.approx(entropy, rel=1e-12)
    for other in ([3.0, 0.0, 0.0, 0.0], [10.0, 0.0, 0.0, 0.0],
                  [1.0, 0.5, 0.0, -1.0]):
        assert CrossEntropyLoss(label_smoothing=0.1)(
            T([other]), T([0])).item() > at_min
    # "about 0.5137, up from 0.4170 without smoothing"
    said("the loss is about 0.5137, up from 0.4170 without smoothing",
         ["notebook"])
    z = T([[2.0, 1.0, 0.1]])
    assert rounds_to(CrossEntropyLoss(label_smoothing=0.1)(z, T([0])).item(),
                     "0.5137")
    assert rounds_to(CrossEntropyLoss()(z, T([0])).item(), "0.4170")
    said("lp = [-0.4170, -1.4170, -2.3170] -> 0.9 * 0.4170 + 0.1 * (0.4170 + "
         "1.4170 + 2.3170) / 3 = 0.5137", ["notebook"])
    lp = z.data[0] - np.log(np.exp(z.data[0]).sum())
    assert [f"{v:.4f}" for v in lp] == ["-0.4170", "-1.4170", "-2.3170"]
    assert rounds_to(0.9 * 0.4170 + 0.1 * (0.4170 + 1.4170 + 2.3170) / 3,
                     "0.5137")


def test_probability_targets_statements():
    said("For one-hot rows both forms give the same per-row losses, so "
         "`'none'` and `'sum'` agree; `'mean'` agrees too unless there are "
         "weights", ["notebook"])
    z = T([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2]])
    k = T([0, 2])
    one_hot = T(np.eye(3)[[0, 2]])
    w = T([1.0, 3.0, 0.5])
    for r in ("none", "sum"):
        np.testing.assert_allclose(CrossEntropyLoss(w, reduction=r)(z, k).data,
                                   CrossEntropyLoss(w, reduction=r)(
                                       z, one_hot).data, rtol=1e-12)
    assert CrossEntropyLoss()(z, k).item() == pytest.approx(
        CrossEntropyLoss()(z, one_hot).item(), rel=1e-12)
    assert CrossEntropyLoss(w)(z, k).item() != pytest.approx(
        CrossEntropyLoss(w)(z, one_hot).item(), rel=1e-3)
    said("logits [[0.0, 0.0]], probs [[1.0, 0.0]], weights 1, e = 0 -> -(1 * "
         "log 0.5 + 0 * log 0.5) = [0.6931]", ["notebook"])
    assert rounds_to(-math.log(0.5), "0.6931")


# ---------------------------------------------------------------------- S5
def test_sigmoid_rounds_to_one_from_17_up():
    said(r"In float32, $\sigma(x) = 1 / (1 + e^{-x})$ rounds to exactly 1.0 "
         r"for every $x$ from 17 up", ["notebook"])
    said("In float32 a sigmoid rounds to exactly 1.0 for every logit from 17 "
         "up", ["about"])
    x = np.concatenate([np.arange(17.0, 120.0, 0.25), [1e3, 1e4]])
    x = x.astype(np.float32)
    with np.errstate(over="ignore"):
        s = np.float32(1.0) / (np.float32(1.0) + np.exp(-x))
    assert np.all(s == np.float32(1.0))
    below = np.float32(16.0)
    assert np.float32(1.0) / (np.float32(1.0) + np.exp(-below)) < 1.0


def test_two_step_versus_logits_at_40():
    said("the loss is 16.118 whatever the logit (PyTorch's `BCELoss` gives "
         "100): for $x = 40$ the true loss is 40", ["notebook"])
    said("target 0 gives the clamped 16.118 for a logit of 40, where the "
         "true loss is 40", ["about"])
    x = np.float32(40.0)
    p = np.float32(1.0) / (np.float32(1.0) + np.exp(-x))
    two_step = BinaryCrossEntropyLoss()(Tensor([p]), Tensor([0.0])).item()
    assert rounds_to(two_step, "16.118")
    fused = BCEWithLogitsLoss()(Tensor([40.0]), Tensor([0.0])).item()
    assert fused == pytest.approx(40.0, rel=1e-7)
    assert 40.0 + math.log1p(math.exp(-40.0)) == pytest.approx(40.0)


@pytest.mark.torch
def test_pytorch_bceloss_gives_100_there():
    torch = pytest.importorskip("torch")
    p = torch.sigmoid(torch.tensor([40.0]))
    assert p.item() == 1.0
    value = torch.nn.functional.binary_cross_entropy(p, torch.tensor([0.0]))
    assert value.item() == 100.0


def test_clamp_gradient_is_zero_there():
    said("the clamp is flat, so its gradient is 0", ["notebook"])
    got = losses_stretch._binary_cross_entropy_backward(np.array([1.0]),
                                                np.array([0.0]), 1e-7)
    assert got.tolist() == [0.0]


def test_pos_weight_statement():
    said("for a label with 1 positive per 9 negatives, `pos_weight=9` makes "
         "the positives weigh as much as the negatives in total",
         ["notebook"])
    x = T(np.zeros(10))
    y = T([1.0] + [0.0] * 9)
    each = BCEWithLogitsLoss(reduction="none", pos_weight=T([9.0]))(x, y).data
    assert each[0] == pytest.approx(each[1:].sum(), rel=1e-12)


def test_bce_with_logits_examples():
    said("[ 0.6931 40. ]", ["notebook"])
    said("x = [0.0], y = [1.0], pos_weight 1.0 -> softplus(0) = log 2 -> "
         "[0.6931]", ["notebook"])
    assert rounds_to(math.log(2.0), "0.6931")


# ---------------------------------------------------------------------- S6
def test_kl_numbers():
    said(r"For $p = [0.5, 0.5]$ and $q = [0.9, 0.1]$ it is about 0.5108, and "
         r"$H(p, q) \approx 1.2040 = \log 2 + 0.5108$", ["notebook"])
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    kl = float((p * np.log(p / q)).sum())
    cross = float(-(p * np.log(q)).sum())
    assert rounds_to(kl, "0.5108") and rounds_to(cross, "1.2040")
    assert cross == pytest.approx(math.log(2) + kl, rel=1e-12)
    said("`'batchmean'` gives 0.5108 and `'mean'` gives about 0.2554",
         ["notebook"])
    lq, pt = T([np.log(q)]), T([p])
    assert rounds_to(KLDivLoss(reduction="batchmean")(lq, pt).item(),
                     "0.5108")
    assert rounds_to(KLDivLoss()(lq, pt).item(), "0.2554")
    said("[0.5 * log(0.5 / 0.9), 0.5 * log(0.5 / 0.1)] = [-0.2939, 0.8047]",
         ["notebook"])
    assert rounds_to(0.5 * math.log(0.5 / 0.9), "-0.2939")
    assert rounds_to(0.5 * math.log(0.5 / 0.1), "0.8047")


# ---------------------------------------------------------------------- S7
def test_focal_numbers():
    said(r"an easy element with $p_t = 0.9$ keeps a factor $0.1^2 = 0.01$ of "
         r"its loss, and a hard one with $p_t = 0.1$ keeps $0.9^2 = 0.81$",
         ["notebook"])
    assert 0.1 ** 2 == pytest.approx(0.01) and 0.9 ** 2 == pytest.approx(0.81)
    said("x = 2.0, y = 1, alpha 0.25, gamma 2: p_t = sigmoid(2) = 0.8808, "
         "bce = 0.1269 -> 0.25 * 0.1192 ** 2 * 0.1269 = 0.000451",
         ["notebook"])
    s = 1 / (1 + math.exp(-2.0))
    assert rounds_to(s, "0.8808") and rounds_to(-math.log(s), "0.1269")
    assert rounds_to(1 - s, "0.1192")
    assert rounds_to(0.25 * (1 - s) ** 2 * -math.log(s), "0.000451")
    out = FocalLoss(reduction="none")(T([2.0, -1.0]), T([1.0, 1.0])).data
    assert [f"{v:.6f}" for v in out] == ["0.000451", "0.175467"]
    # "With gamma = 0 and no alpha the focal loss is exactly
    #  BCEWithLogitsLoss"
    said(r"With $\gamma = 0$ and no $\alpha$ the focal loss is exactly "
         "`BCEWithLogitsLoss`", ["notebook"])
    x, y = T([0.3, -4.0, 7.0]), T([1.0, 0.0, 1.0])
    np.testing.assert_array_equal(
        FocalLoss(None, 0.0, "none")(x, y).data,
        BCEWithLogitsLoss(reduction="none")(x, y).data)


# ---------------------------------------------------------------------- S8
def test_triplet_and_info_nce_numbers():
    said("anchor [0, 0], positive [3, 4], negative [1, 0], margin 1, p 2, "
         "eps 0 -> d_pos 5, d_neg 1 -> max(5 - 1 + 1, 0) = [5.0]",
         ["notebook"])
    out = TripletMarginLoss(eps=0.0, reduction="none")(
        T([[0.0, 0.0]]), T([[3.0, 4.0]]), T([[1.0, 0.0]]))
    assert out.data.tolist() == [5.0]
    said("q = k = [[1, 0], [0, 1]], temperature 1 -> scores [[1, 0], [0, 1]] "
         "-> log(e + 1) - 1 = 0.3133 for both rows", ["notebook"])
    assert rounds_to(math.log(math.e + 1) - 1, "0.3133")
    out = InfoNCELoss(1.0, reduction="none")(T([[1.0, 0.0], [0.0, 1.0]]),
                                             T([[1.0, 0.0], [0.0, 1.0]]))
    assert [f"{v:.4f}" for v in out.data] == ["0.3133", "0.3133"]
    said("CLIP starts its learnable temperature at 0.07, which is the default "
         "of `InfoNCELoss`", ["notebook"])
    assert InfoNCELoss().temperature == 0.07


# ---------------------------------------------------------------------- S9
def test_gradient_numbers():
    said("The MSE gradient is $2 (0.05 - 1) = -1.9$, so its size is 1.9. The "
         "BCE gradient is $-1 / 0.05 = -20$: its size is 20, not \"about "
         "19\" as the chapter says, and it is about 10.5 times the MSE "
         "gradient", ["notebook"])
    mse = losses_stretch._mse_backward(np.array([0.05]), np.array([1.0]))[0]
    bce = losses_stretch._binary_cross_entropy_backward(np.array([0.05]),
                                                np.array([1.0]), 1e-7)[0]
    assert mse == pytest.approx(-1.9) and bce == pytest.approx(-20.0)
    assert rounds_to(bce / mse, "10.5")
    said(r"the sigmoid's slope $p (1 - p) = 0.0475$ and is only "
         r"$-1.9 \cdot 0.0475 = -0.09025$, while BCE with logits gives "
         r"$\sigma(x) - y = -0.95$, the same ratio of about 10.5",
         ["notebook"])
    assert 0.05 * 0.95 == pytest.approx(0.0475)
    assert -1.9 * 0.0475 == pytest.approx(-0.09025)
    assert rounds_to(-0.95 / -0.09025, "10.5")
    said("The true numbers are {math}`2 (0.05 - 1) = -1.9` and "
         "{math}`-1 / 0.05 = -20`: a ratio of about 10.5", ["about"])
    said("The MSE gradient never exceeds 2", ["notebook"])
    grid = np.linspace(0.0, 1.0, 1001)
    assert np.abs(losses_stretch._mse_backward(grid, np.ones_like(grid))).max() <= 2


# --------------------------------------------------------------------- S10
def test_class_weight_numbers():
    said("always answering 0 is 90% accurate", ["notebook"])
    assert 900 / (900 + 100) == 0.9
    said("inverse: about `[0.5556, 5.0]` (each class then weighs 500 in "
         "total)", ["notebook"])
    w = class_weights([900, 100]).data
    assert [f"{v:.4f}" for v in w] == ["0.5556", "5.0000"]
    assert w[0] * 900 == pytest.approx(500, rel=1e-6)
    assert w[1] * 100 == pytest.approx(500, rel=1e-6)
    said("inverse square root: about `[0.7454, 2.2361]`", ["notebook"])
    w = class_weights([900, 100], method="inverse_sqrt").data
    assert [f"{v:.4f}" for v in w] == ["0.7454", "2.2361"]
    said("effective counts of about 593.6 and 95.2, and weights of about "
         "`[0.2764, 1.7236]`", ["notebook"])
    counts = [(1 - 0.999 ** n) / (1 - 0.999) for n in (900, 100)]
    assert [f"{v:.1f}" for v in counts] == ["593.6", "95.2"]
    w = class_weights([900, 100], method="effective").data
    assert [f"{v:.4f}" for v in w] == ["0.2764", "1.7236"]
    said("`class_weights([900, 100])` gives about `[0.5556, 5.0]` "
         "(`'inverse'`), `[0.7454, 2.2361]` (`'inverse_sqrt'`) or "
         "`[0.2764, 1.7236]` (`'effective'`", ["about"])
    said("counts [900, 100], 'inverse' -> [1000 / 1800, 1000 / 200] = "
         "[0.5556, 5.0]", ["notebook"])
    assert rounds_to(1000 / 1800, "0.5556") and 1000 / 200 == 5.0


# --------------------------------------------------------------------- S11
def test_ece_worked_example():
    said("confidences `[0.9, 0.8, 0.4, 0.6]` with correctness `[1, 0, 1, 1]` "
         "and 2 bins: the bin $(0, 0.5]$ holds 0.4 (accuracy 1, an error of "
         "0.6) and the bin $(0.5, 1]$ holds the other three (mean confidence "
         "about 0.7667, accuracy about 0.6667), so ECE $= \\frac14 \\cdot 0.6 "
         "+ \\frac34 \\cdot 0.1 = 0.225$", ["notebook"])
    counts, acc, conf = losses_stretch._calibration_bins(
        np.array([0.9, 0.8, 0.4, 0.6]), np.array([1.0, 0.0, 1.0, 1.0]), 2)
    assert counts.tolist() == [1.0, 3.0]
    assert abs(acc[0] - conf[0]) == pytest.approx(0.6)
    assert rounds_to(conf[1], "0.7667") and rounds_to(acc[1], "0.6667")
    assert abs(acc[1] - conf[1]) == pytest.approx(0.1)
    assert 0.25 * 0.6 + 0.75 * 0.1 == pytest.approx(0.225)
    probs = Tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.4, 0.35, 0.25],
                    [0.2, 0.6, 0.2]])
    assert expected_calibration_error(probs, Tensor([0, 0, 0, 1]),
                                      n_bins=2) == pytest.approx(0.225)
    said("-> counts [1, 3], accuracy [1, 2/3], confidence [0.4, 2.3/3]",
         ["notebook"])
    said("`n_bins=15` is the default", ["notebook"])
    assert expected_calibration_error.__defaults__ == (15,)


def test_temperature_statements():
    said(r"searches over $\log T$ in $[\log 0.01, \log 100]$".replace(
        "searches", "search"), ["notebook"])
    said("2 / log(3)", ["notebook"])
    z = Tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    got = fit_temperature(z, Tensor([0, 1, 1, 0]))
    assert round(got, 4) == round(2 / math.log(3), 4) == 1.8205
    said("and the predicted class never changes, so the accuracy stays the "
         "same", ["notebook"])
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 4))
    for temperature in (0.1, 0.7, 3.0, 40.0):
        assert np.array_equal((logits / temperature).argmax(axis=1),
                              logits.argmax(axis=1))


def test_reliability_demo_setup():
    said("It draws true logits $z$ for 4,000 samples and 5 classes",
         ["notebook"])
    said("then reports $2.5 z$ as its logits, so the right temperature is "
         "2.5", ["notebook"])
    assert "true_logits = rng.normal(scale=1.5, size=(4000, 5))" in SOURCE
    assert "model_logits = 2.5 * true_logits" in SOURCE


# ---------------------------------------------------------------- summary
def test_stretch_answers():
    said("96 of the 160 positions are real tokens", ["notebook"])
    assert 8 * 20 == 160
    said("By 96, the number of kept targets (without weights)",
         ["notebook"])
    rng = np.random.default_rng(1)
    z = rng.normal(size=(160, 7))
    k = rng.integers(0, 7, size=160)
    k[rng.permutation(160)[:64]] = -100
    total = CrossEntropyLoss(reduction="sum")(T(z), T(k)).item()
    assert CrossEntropyLoss()(T(z), T(k)).item() == pytest.approx(total / 96)
    said("multiply every weight by 10. What changes?", ["notebook"])
    w = T(rng.uniform(0.5, 2.0, size=7))
    kept = k != -100
    a = CrossEntropyLoss(w)(T(z[kept]), T(k[kept])).item()
    b = CrossEntropyLoss(T(w.data * 10))(T(z[kept]), T(k[kept])).item()
    assert a == pytest.approx(b, rel=1e-12)
