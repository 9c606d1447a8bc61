"""Every number the stretch notebook states is true, and appears where it says.

(A course test: it checks the text of src/04_losses/04_losses_stretch.py
against the reference solution in that source, run in-process; `tito test`
leaves it out, since it judges no learner's code.)

Each row pins a number as written, with just enough context to place it, in
the notebook source (markdown, docstrings and the strings its tests print),
and recomputes it. Rewording a sentence around a number never breaks a test;
changing the number, or making it wrong, does.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from _learner_losses import run_cells
from _support import Docs, peak_extra_mb, rounds_to
from tinytorch.core.tensor import Tensor

pytestmark = pytest.mark.course

DOCS = Docs("04_losses", "stretch")
NB = ("notebook",)
DEMOS = ["losses-stretch-demo-extreme-logits", "losses-stretch-demo-gradients",
         "losses-stretch-demo-calibration"]


@pytest.fixture(scope="module")
def ref():
    """The reference solution's namespace (package cells and demos)."""
    import matplotlib

    matplotlib.use("Agg")
    return run_cells(DEMOS, part="stretch")


def T(values, dtype=np.float64):
    return Tensor(values, dtype=dtype)


def fmt(values, decimals):
    return [f"{v:.{decimals}f}" for v in np.ravel(values)]


def test_points_add_up_to_100_and_match_the_table():
    cells = [json.loads(m) for m in re.findall(
        r"^# %% nbgrader=(\{.*\})$", DOCS.source, re.M)]
    graded = {c["grade_id"]: c["points"] for c in cells if c["grade"]}
    assert sum(graded.values()) == 100
    assert all(c["grade_id"].startswith("losses-stretch-") for c in cells)
    table = re.findall(r"^# \| (S\d+) [^|]*\|[^|]*\| (\d+) \|$", DOCS.source,
                       re.M)
    assert [int(points) for _, points in table] == list(graded.values())
    assert [s for s, _ in table] == [f"S{i}" for i in range(1, 13)]
    DOCS.has("its own assignment, 100 points", NB)


def test_no_learner_facing_text_says_seed():
    assert "seed" not in DOCS.source.lower()


def claims(ref):
    """(text as written, true?) for the numbers of the prose."""
    L, S1 = ref, math.log
    huber = L["huber_loss"]
    nll = L["nll_loss"]
    ce = L["cross_entropy"]
    kl = L["kl_div"]
    focal = L["sigmoid_focal_loss"]
    weights = L["class_weights"]
    lp3 = T(np.log([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))
    rows = nll(lp3, T([0, 1, -100]), T([1.0, 3.0]), reduction="none").data
    sig2 = 1 / (1 + math.exp(-2.0))
    smoothed = 0.9 * np.eye(3)[0] + 0.1 / 3
    return [
        # S1
        ("An error of 10 costs 10 and an error of 20 costs 20, where MSE "
         "charges 100 and 400", L["l1_loss"](T([10.0, 20.0]), T([0.0, 0.0]),
                                             reduction="none").data.tolist()
         == [10.0, 20.0] and [10 ** 2, 20 ** 2] == [100, 400]),
        ("errors [0.5, 2, 3] average to 1.8333", rounds_to(
            L["l1_loss"](T([1.0, -2.0, 4.0]), T([1.5, 0.0, 1.0])).item(),
            "1.8333")),
        # S2
        ("With $\\delta = 1$ an error of 0.5 costs 0.125 and an error of 10 "
         "costs 9.5, where MSE would charge 100",
         huber(T([0.5, 10.0]), T([0.0, 0.0]), reduction="none").data.tolist()
         == [0.125, 9.5]),
        ("errors [0.5, 3.0], delta 2 -> [0.125, 2 * (3 - 1)] = [0.125, 4.0]",
         huber(T([0.5, 3.0]), T([0.0, 0.0]), reduction="none",
               delta=2.0).data.tolist() == [0.125, 4.0]),
        ("errors [1, -3] cost [0.5, 4], mean 2.25",
         huber(T([1.0, -3.0]), T([0.0, 0.0]), delta=2.0).item() == 2.25),
        ("smooth L1 with beta 0.5: [0.0625, 1.75]", L["smooth_l1_loss"](
            T([0.25, 2.0]), T([0.0, 0.0]), reduction="none",
            beta=0.5).data.tolist() == [0.0625, 1.75]),
        # S3
        ("$-1 \\cdot \\log 0.5 \\approx 0.6931$", fmt(rows[0], 4) == ["0.6931"]),
        ("$-3 \\log 0.75 \\approx 0.8630$", fmt(rows[1], 4) == ["0.8630"]),
        ("the sum is about 1.5562 and the kept weight $1 + 3 = 4$",
         rounds_to(rows.sum(), "1.5562")),
        ("so `'mean'` gives about 0.3890", rounds_to(
            nll(lp3, T([0, 1, -100]), T([1.0, 3.0])).item(), "0.3890")),
        ("1.5562 / 4 = 0.3890", rounds_to(rows.sum() / 4, "0.3890")),
        ("averages: 0.3621", rounds_to(
            nll(lp3, T([0, 1, 0])).item(), "0.3621")),
        # S4
        ("`[1, 0, 0]` becomes `[0.9333, 0.0333, 0.0333]`",
         fmt(smoothed, 4) == ["0.9333", "0.0333", "0.0333"]),
        ("`[0.9, 0.05, 0.05]` spreads it over the $C - 1$ wrong classes",
         0.1 / (3 - 1) == 0.05),
        ("the loss is about 0.5137, up from 0.4170 without smoothing",
         rounds_to(ce(T([[2.0, 1.0, 0.1]]), T([0]),
                      label_smoothing=0.1).item(), "0.5137")
         and rounds_to(ce(T([[2.0, 1.0, 0.1]]), T([0])).item(), "0.4170")),
        ("divides by the weight total 3.5", 1.0 + 2.0 + 0.5 == 3.5),
        # S5
        ("(PyTorch's `BCELoss` gives 100)", True),  # test_pytorch_... below
        ("for $x = 40$ the true loss is 40", L[
            "binary_cross_entropy_with_logits"](T([40.0]), T([0.0])).item()
         == pytest.approx(40.0, rel=1e-15)),
        ("softplus(0) = log 2 = 0.6931", rounds_to(S1(2.0), "0.6931")),
        ("logit 0 costs log 2 = 0.6931", rounds_to(S1(2.0), "0.6931")),
        ("cost 40, not a clamped 16.118", rounds_to(-S1(1e-7), "16.118")),
        # S6
        ("it is about 0.5108", rounds_to(kl(
            T(np.log([[0.9, 0.1]])), T([[0.5, 0.5]]),
            reduction="batchmean").item(), "0.5108")),
        ("$H(p, q) \\approx 1.2040 = \\log 2 + 0.5108$", rounds_to(
            -(0.5 * S1(0.9) + 0.5 * S1(0.1)), "1.2040")),
        ("`'batchmean'` gives 0.5108 and `'mean'` about 0.2554", rounds_to(
            kl(T(np.log([[0.9, 0.1]])), T([[0.5, 0.5]])).item(), "0.2554")),
        # S7
        ("$0.1^2 = 0.01$ of its loss", rounds_to(0.1 ** 2, "0.01")),
        ("$0.9^2 = 0.81$", rounds_to(0.9 ** 2, "0.81")),
        ("p_t = sigmoid(2) = 0.8808, bce = 0.1269 -> 0.25 * 0.1192 ** 2 * "
         "0.1269 = 0.000451", rounds_to(sig2, "0.8808")
         and rounds_to(-S1(sig2), "0.1269") and rounds_to(1 - sig2, "0.1192")
         and rounds_to(0.25 * (1 - sig2) ** 2 * -S1(sig2), "0.000451")),
        ("[0.000451, 0.175467, 2.074710]", fmt(focal(
            T([2.0, -1.0, 3.0]), T([1.0, 1.0, 0.0])).data, 6)
         == ["0.000451", "0.175467", "2.074710"]),
        # S8
        ("d_pos 5, d_neg 1 -> max(5 - 1 + 1, 0) = 5", L["triplet_margin_loss"](
            T([[0.0, 0.0]]), T([[3.0, 4.0]]), T([[1.0, 0.0]]),
            eps=0.0).item() == 5.0),
        ("log(e + 1) - 1 = 0.3133", rounds_to(S1(math.e + 1) - 1, "0.3133")),
        ("at 0.07, the default here", L["info_nce"].__defaults__ == (0.07,)),
        # S9
        ("$2 (0.05 - 1) = -1.9$", 2 * (0.05 - 1) == pytest.approx(-1.9)),
        ("$-1 / 0.05 = -20$", -1 / 0.05 == -20),
        ("about 10.5 times larger", rounds_to(20 / 1.9, "10.5")),
        ("$p (1 - p) = 0.0475$", 0.05 * 0.95 == pytest.approx(0.0475)),
        ("$-1.9 \\cdot 0.0475 = -0.09025$",
         -1.9 * 0.0475 == pytest.approx(-0.09025)),
        ("$\\sigma(x) - y = -0.95$", 0.05 - 1 == pytest.approx(-0.95)),
        # S10
        ("always answering 0 is 90% accurate", 900 / 1000 == 0.9),
        ("inverse about `[0.5556, 5.0]`", fmt(weights([900, 100]).data, 4)
         == ["0.5556", "5.0000"]),
        ("(each class then weighs 500)", np.allclose(
            weights([900, 100]).data * [900, 100], 500)),
        ("inverse square root about `[0.7454, 2.2361]`", fmt(
            weights([900, 100], "inverse_sqrt").data, 4)
         == ["0.7454", "2.2361"]),
        ("effective counts of about 593.6 and 95.2", fmt(
            [(1 - 0.999 ** n) / (1 - 0.999) for n in (900, 100)], 1)
         == ["593.6", "95.2"]),
        ("weights of about `[0.2764, 1.7236]`", fmt(
            weights([900, 100], "effective").data, 4)
         == ["0.2764", "1.7236"]),
        ("[1000 / 1800, 1000 / 200] = [0.5556, 5.0]",
         rounds_to(1000 / 1800, "0.5556") and 1000 / 200 == 5.0),
        ("[0.5556 5. ]", True),  # the doctest, run by the doctest test
        # S11
        ("accuracy 1, error 0.6", abs(1 - 0.4) == pytest.approx(0.6)),
        ("(confidence about 0.7667, accuracy about 0.6667, error 0.1)",
         rounds_to(2.3 / 3, "0.7667") and rounds_to(2 / 3, "0.6667")
         and abs(2 / 3 - 2.3 / 3) == pytest.approx(0.1)),
        ("ECE $= \\frac14 \\cdot 0.6 + \\frac34 \\cdot 0.1 = 0.225$",
         0.25 * 0.6 + 0.75 * 0.1 == pytest.approx(0.225)),
        ("`n_bins=15` is the default",
         L["expected_calibration_error"].__defaults__ == (15,)),
        ("# 2 / log 3 1.8205", rounds_to(2 / S1(3), "1.8205")
         and rounds_to(L["fit_temperature"](
             T([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]]),
             T([0, 1, 1, 0])), "1.8205")),
        # the summary
        ("96 of the 160 positions", 8 * 20 == 160),
    ]


def test_claims(ref):
    checked = 0
    for text, true in claims(ref):
        DOCS.has(text, NB)
        assert true, text
        checked += 1
    assert checked >= 50


def test_huber_pieces_meet_with_the_same_value_and_slope(ref):
    DOCS.has("the same value, $\\delta^2 / 2$, and the same slope, $\\delta$",
             NB)
    for delta in (0.5, 1.0, 3.0):
        at = ref["huber_loss"](T([delta]), T([0.0]), delta=delta).item()
        assert at == pytest.approx(delta ** 2 / 2, rel=1e-15)
        h = 1e-7
        left, right = ref["huber_loss"](T([delta - h, delta + h]),
                                        T([0.0, 0.0]), reduction="none",
                                        delta=delta).data
        assert (right - left) / (2 * h) == pytest.approx(delta, rel=1e-6)


def test_smooth_l1_and_huber_agree_only_at_1(ref):
    DOCS.has("the two agree only when $\\beta = \\delta = 1$", NB)
    DOCS.has("`beta=0` is exactly L1", NB)
    d, zero = T([0.3, 2.0, -5.0]), T([0.0, 0.0, 0.0])
    for value in (0.5, 1.0, 2.0):
        h = ref["huber_loss"](d, zero, reduction="none", delta=value).data
        s = ref["smooth_l1_loss"](d, zero, reduction="none", beta=value).data
        assert np.array_equal(h, s) == (value == 1.0)
    assert np.array_equal(
        ref["smooth_l1_loss"](d, zero, reduction="none", beta=0.0).data,
        ref["l1_loss"](d, zero, reduction="none").data)


def test_sigmoid_rounds_to_one_from_17_up_and_the_clamp_takes_over(ref):
    DOCS.has("rounds to exactly 1.0 for every $x$ from 17 up", NB)
    DOCS.has("the loss is 16.118 whatever the logit", NB)
    x = np.concatenate([np.arange(17.0, 120.0, 0.25), [1e3, 1e4]])
    with np.errstate(over="ignore"):
        s = np.float32(1) / (np.float32(1) + np.exp(-x.astype(np.float32)))
    assert np.all(s == 1)
    two_step = ref["binary_cross_entropy"](Tensor(s), Tensor(np.zeros_like(s)),
                                           reduction="none").data
    assert np.all(np.round(two_step, 3) == 16.118)
    table = ref["two_step"].data, ref["fused"].data  # the demo's columns
    np.testing.assert_allclose(table[0][2:], 16.118095, rtol=1e-6)
    np.testing.assert_allclose(table[1][2:], [17.0, 40.0, 100.0], rtol=1e-6)


@pytest.mark.torch
def test_pytorch_bceloss_gives_100_there():
    torch = pytest.importorskip("torch")
    p = torch.sigmoid(torch.tensor([40.0]))
    assert p.item() == 1.0
    loss = torch.nn.functional.binary_cross_entropy(p, torch.tensor([0.0]))
    assert loss.item() == 100.0


def test_pos_weight_9_balances_1_positive_per_9_negatives(ref):
    DOCS.has("for a label with 1 positive per 9 negatives, `pos_weight=9` "
             "makes the positives weigh as much as the negatives in total", NB)
    each = ref["binary_cross_entropy_with_logits"](
        T(np.zeros(10)), T([1.0] + [0.0] * 9), reduction="none",
        pos_weight=T([9.0])).data
    assert each[0] == pytest.approx(each[1:].sum(), rel=1e-12)


def test_the_gradient_demo(ref):
    DOCS.has("MSE's gradient never exceeds 2 in size", NB)
    assert ref["mse_grad"] == pytest.approx(-1.9, rel=1e-12)
    assert ref["bce_grad"] == pytest.approx(-20.0, rel=1e-12)
    assert ref["logit_grad"].item() == pytest.approx(-0.95, rel=1e-12)


def test_reliability_demo(ref):
    DOCS.has("for 4,000 samples and 5 classes", NB)
    DOCS.has("reports $2.5 z$ as its logits, so the right temperature is 2.5",
             NB)
    assert ref["true_logits"].shape == (4000, 5)
    assert np.array_equal(ref["model_logits"], 2.5 * ref["true_logits"])
    assert ref["T"] == pytest.approx(2.5, rel=0.05)
    # "an overconfident one sags below" the diagonal; scaling fixes it
    DOCS.has("an overconfident one sags below it", NB)


def test_memory_numbers(ref):
    DOCS.has("for logits of shape $(128, 50{,}000)$ in float32 (25.6 MB)", NB)
    DOCS.has("the textbook route needs 76.8 MB beyond the logits", NB)
    DOCS.has("(128, 50000), 25.6 MB", NB)
    DOCS.has("that is 2 to 3 MB", NB)
    assert 128 * 50_000 * 4 / 1e6 == 25.6 and 3 * 25.6 == pytest.approx(76.8)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(128, 50_000)).astype(np.float32)
    rows = (1 << 20) // (4 * 50_000)
    assert rounds_to(rows * 50_000 * 4 / 1e6, "1.0")  # "about 1 MB"

    def new_block_each_time(exp_in_place):
        for i in range(0, 128, rows):
            a = z[i:i + rows] - z[i:i + rows].max(axis=1, keepdims=True)
            if exp_in_place:
                np.exp(a, out=a)
            else:
                e = np.exp(a)
                del e

    low = peak_extra_mb(lambda: new_block_each_time(True))
    high = peak_extra_mb(lambda: new_block_each_time(False))
    assert 1.9 < low < 2.2 and 2.0 < high < 3.2, (low, high)
    big, labels = Tensor(z), Tensor(rng.integers(0, 50_000, size=128))
    blocked = peak_extra_mb(lambda: ref["cross_entropy_blocked"](big, labels))
    assert blocked < 1.2  # "about one block of memory"
    DOCS.has("need about one block of memory", NB)


def test_answers_of_the_summary(ref):
    DOCS.has("By 96, the number of kept targets", NB)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(160, 7))
    k = rng.integers(0, 7, size=160)
    k[rng.permutation(160)[:64]] = -100
    ce = ref["cross_entropy"]
    total = ce(T(z), T(k), reduction="sum").item()
    assert ce(T(z), T(k)).item() == pytest.approx(total / 96)
    DOCS.has("multiply every weight by 10. What changes?", NB)
    w = rng.uniform(0.5, 2.0, size=7)
    assert ce(T(z), T(k), T(w)).item() == pytest.approx(
        ce(T(z), T(k), T(10 * w)).item(), rel=1e-12)
