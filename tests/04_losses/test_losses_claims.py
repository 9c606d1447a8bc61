"""Module 04 losses: every number written in the prose is recomputed here.

"Docs" are the notebook source (src/04_losses/04_losses.py, markdown and
docstrings) and the module page (src/04_losses/ABOUT.md). Each test first
checks that the sentence it guards is still in the docs (`said`), then
recomputes its numbers, so a number cannot change in one place only.
"""
import math
import time
import tracemalloc
import warnings

import numpy as np
import pytest

from _support import Docs, rounds_to, sci
from tinytorch.core import losses
from tinytorch.core.losses import (
    BinaryCrossEntropyLoss,
    CrossEntropyLoss,
    MSELoss,
    log_softmax,
)
from tinytorch.core.tensor import Tensor

DOCS = Docs("04_losses")
said = DOCS.said


# ------------------------------------------------------------- MSE concepts
def test_quadratic_growth_examples():
    # "an error of 10 contributes 100, an error of 20 contributes 400"
    said("an error of 10 contributes 100, an error of 20 contributes 400",
         ["notebook"])
    said("An error of 10 contributes 100 and an error of 20 contributes 400",
         ["about"])
    assert (10 ** 2, 20 ** 2) == (100, 400)
    # "a $5,000 miss costs 25,000,000 squared dollars and a $50,000 miss
    #  costs 2,500,000,000: ten times the error, a hundred times the loss"
    said(r"\$5,000 miss costs 25,000,000 squared dollars and a \$50,000 miss "
         "costs 2,500,000,000: ten times the error, a hundred times the loss")
    assert 5_000 ** 2 == 25_000_000
    assert 50_000 ** 2 == 2_500_000_000
    assert 50_000 ** 2 / 5_000 ** 2 == 100


def test_mse_worked_examples():
    # "errors [5, -10, 10], squares [25, 100, 100] and a mean of 75.0"
    said("give errors `[5, -10, 10]`, squares `[25, 100, 100]` and a mean "
         "of 75.0", ["notebook"])
    p, t = np.array([200.0, 250.0, 300.0]), np.array([195.0, 260.0, 290.0])
    assert (p - t).tolist() == [5.0, -10.0, 10.0]
    assert ((p - t) ** 2).tolist() == [25.0, 100.0, 100.0]
    assert MSELoss()(Tensor(p), Tensor(t)).item() == 75.0
    # code comparison: "loss = mse_loss(predictions, targets)      # 75.0"
    said("loss = mse_loss(predictions, targets) # 75.0", ["about"])
    # brief EXAMPLE: "predictions [3.0, 1.0], targets [1.0, 1.0] -> [4.0, 0.0]"
    said("predictions [3.0, 1.0], targets [1.0, 1.0] -> [4.0, 0.0]",
         ["notebook"])
    out = losses._mse_forward(np.array([3.0, 1.0]), np.array([1.0, 1.0]))
    assert out.tolist() == [4.0, 0.0]
    # inline test lines: "(0 + 4 + 9 + 0) / 4 = 3.25" and
    # "MSE of [1, 2] vs [1, 4] is 2.0"
    said("(0 + 4 + 9 + 0) / 4 = 3.25", ["notebook"])
    said("MSE of [1, 2] vs [1, 4] is 2.0", ["notebook"])
    assert MSELoss()(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item() == 2.0


# ---------------------------------------------------- cross-entropy concepts
def test_cross_entropy_penalties():
    # "probability 0.99 ... costs -log 0.99 ≈ 0.01; ... 0.5 costs about
    #  0.693; ... 0.01 costs about 4.61"
    said(r"$-\log 0.99 \approx 0.01$; giving it 0.5 costs about 0.693; "
         "giving it 0.01 costs about 4.61", ["notebook"])
    said(r"{math}`-\log 0.99 \approx 0.01`, probability 0.5 costs about "
         "0.693, and probability 0.01 costs about 4.61", ["about"])
    assert rounds_to(-math.log(0.99), "0.01")
    assert rounds_to(-math.log(0.5), "0.693")
    assert rounds_to(-math.log(0.01), "4.61")


def test_uniform_guess_is_log_c():
    # "an untrained 10-class model should start near log 10 ≈ 2.303"
    said(r"\log 10 \approx 2.303")
    assert rounds_to(math.log(10), "2.303")
    loss = CrossEntropyLoss()(Tensor(np.zeros((5, 10))), Tensor([0, 3, 9, 1,
                                                                  2]))
    assert rounds_to(loss.item(), "2.303")
    # inline test: "a uniform guess over 4 classes costs log(4) = 1.3863"
    said("a uniform guess over 4 classes costs log(4) = 1.3863",
         ["notebook"])
    assert rounds_to(math.log(4), "1.3863")


def test_worked_cross_entropy_example():
    # "logits [2.0, 1.0, 0.1] have softmax about [0.659, 0.242, 0.099], so
    #  with target 0 the loss is -log 0.659 ≈ 0.4170"
    said("`[0.659, 0.242, 0.099]`")
    said(r"-\log 0.659 \approx 0.4170")
    z = np.array([2.0, 1.0, 0.1])
    p = np.exp(z) / np.exp(z).sum()
    assert [f"{v:.3f}" for v in p] == ["0.659", "0.242", "0.099"]
    loss = CrossEntropyLoss()(Tensor([z]), Tensor([0])).item()
    assert rounds_to(loss, "0.4170")
    assert rounds_to(-math.log(p[0]), "0.4170")
    # brief EXAMPLE: "shifted [0, -1, -1.9], picked 0,
    #                 log(1 + e**-1 + e**-1.9) = 0.4170 -> [0.4170]"
    said("logits [[2.0, 1.0, 0.1]], targets [0] -> shifted [0, -1, -1.9], "
         "picked 0, log(1 + e**-1 + e**-1.9) = 0.4170 -> [0.4170]",
         ["notebook"])
    assert np.allclose(z - z.max(), [0.0, -1.0, -1.9])
    assert rounds_to(math.log(1 + math.exp(-1) + math.exp(-1.9)), "0.4170")
    # the code comparison: "loss = ce_loss(logits, labels)  # 0.3355"
    said("loss = ce_loss(logits, labels) # 0.3355", ["about"])
    said("loss = ce_loss(logits, labels) # same call: 0.3355", ["notebook"])
    loss = CrossEntropyLoss()(Tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2]]),
                              Tensor([0, 1])).item()
    assert rounds_to(loss, "0.3355")


def test_kernel_hint_minus_1000():
    # "The result must be finite for logits [[0, -1000]] and target 1
    #  (loss 1000), where exp(-1000) underflows to 0."
    said("finite for logits [[0, -1000]] and target 1 (loss 1000), where "
         "exp(-1000) underflows to 0", ["notebook"])
    assert math.exp(-1000) == 0.0
    assert CrossEntropyLoss()(Tensor([[0.0, -1000.0]]),
                              Tensor([1])).item() == 1000.0


# --------------------------------------------------------- float limits
def test_float_limits():
    # "The largest float32 is about 3.4 x 10^38, so exp(x) overflows ... above
    #  about 88.72 (about 709.78 in float64)"
    said("above about 88.72 (about 709.78 in float64)", ["notebook"])
    said("overflows to `inf` for any {math}`x` above about 88.72 (about "
         "709.78 in float64)", ["about"])
    said(r"3.4 \times 10^{38}")
    big32 = float(np.finfo(np.float32).max)
    assert f"{big32:.1e}" == "3.4e+38"
    assert rounds_to(math.log(big32), "88.72")
    assert rounds_to(math.log(np.finfo(np.float64).max), "709.78")
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(np.float32(88.73)))
        assert np.isfinite(np.exp(np.float32(88.72)))
        assert np.isinf(np.exp(np.float64(709.79)))
    assert np.isfinite(np.exp(np.float64(709.78)))


def test_exp_300():
    # "e^{300} ≈ 1.94 × 10^{130}" (the seeds printed 1.97)
    said(r"e^{300} \approx 1.94 \times 10^{130}")
    assert sci(math.exp(300), "1.94e130")


def test_naive_softmax_100_200_300():
    # "A naive softmax of [100, 200, 300] in float32 ... returns
    #  [nan, nan, nan]" (module page); the notebook prints it
    said("gets `inf` three times, divides `inf` by `inf` and returns "
         "`[nan, nan, nan]`", ["about"])
    x = np.array([100.0, 200.0, 300.0], dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        assert np.all(np.isinf(e))
        assert np.all(np.isnan(e / e.sum()))
    # "the shifted logits are [-200, -100, 0] ... the log-probabilities come
    #  out as [-200, -100, 0]"
    said("the shifted logits are `[-200, -100, 0]`")
    said("as `[-200, -100, 0]`")
    assert (x - x.max()).tolist() == [-200.0, -100.0, 0.0]
    out = log_softmax(Tensor(x)).data
    assert out.tolist() == [-200.0, -100.0, 0.0]


def test_log_softmax_brief_example():
    # "x = [[1.0, 2.0, 3.0]], axis=1 -> m = 3, shifted = [-2, -1, 0],
    #  log_sum = log(e**-2 + e**-1 + 1) = 0.4076
    #  -> [[-2.4076, -1.4076, -0.4076]]"
    said("log_sum = log(e**-2 + e**-1 + 1) = 0.4076 -> "
         "[[-2.4076, -1.4076, -0.4076]]", ["notebook"])
    lse = math.log(math.exp(-2) + math.exp(-1) + 1)
    assert rounds_to(lse, "0.4076")
    out = log_softmax(Tensor([[1.0, 2.0, 3.0]])).data[0]
    assert [f"{v:.4f}" for v in out] == ["-2.4076", "-1.4076", "-0.4076"]


# ----------------------------------------------------------- reductions
def test_sum_is_n_times_mean():
    # "The alternatives are the sum (which is N times the mean ...)"
    said("the sum (which is $N$ times the mean for a batch of $N$",
         ["notebook"])
    rng = np.random.default_rng(0)
    p, t = rng.normal(size=32), rng.normal(size=32)
    mean = MSELoss()(Tensor(p, dtype=np.float64),
                     Tensor(t, dtype=np.float64)).item()
    assert np.sum((p - t) ** 2) == pytest.approx(32 * mean, rel=1e-12)


# -------------------------------------------------------------------- BCE
def test_bce_clamp_numbers():
    # "One element can then cost at most -log 10^{-7} ≈ 16.118."
    said(r"-\log 10^{-7} \approx 16.118")
    assert rounds_to(-math.log(1e-7), "16.118")
    for dtype in (np.float32, np.float64):
        worst = BinaryCrossEntropyLoss()(Tensor([0.0, 1.0], dtype=dtype),
                                         Tensor([1.0, 0.0], dtype=dtype))
        assert rounds_to(worst.item(), "16.118")
    # "in float32 the number 1 - 10^{-7} rounds to 1 - 2^{-23} ≈ 0.99999988,
    #  so a prediction of 1 with target 0 would cost about 15.942"
    said(r"rounds to $1 - 2^{-23} \approx 0.99999988$", ["notebook"])
    said("would cost about 15.942")
    rounded = np.float32(1.0) - np.float32(1e-7)
    assert rounded == np.float32(1.0 - 2.0 ** -23)
    assert f"{float(rounded):.8f}" == "0.99999988"
    clipped = np.clip(np.float32(1.0), np.float32(1e-7), rounded)
    assert rounds_to(float(-np.log(np.float32(1.0) - clipped)), "15.942")


def test_bce_worked_examples():
    # "predictions [0.9, 0.2, 0.1] with targets [1, 0, 0] ... a mean of
    #  about 0.1446"
    said("a mean of about 0.1446", ["notebook"])
    loss = BinaryCrossEntropyLoss()(Tensor([0.9, 0.2, 0.1]),
                                    Tensor([1.0, 0.0, 0.0])).item()
    assert rounds_to(loss, "0.1446")
    # brief EXAMPLE: "[-log(0.9), -log(0.8)] = [0.1054, 0.2231]"
    said("-> [-log(0.9), -log(0.8)] = [0.1054, 0.2231]", ["notebook"])
    out = losses._binary_cross_entropy_forward(
        np.array([0.9, 0.2]), np.array([1.0, 0.0]), eps=1e-7)
    assert [f"{v:.4f}" for v in out] == ["0.1054", "0.2231"]
    # inline test: "a 50/50 guess costs log(2) = 0.6931"
    said("a 50/50 guess costs log(2) = 0.6931", ["notebook"])
    assert rounds_to(math.log(2), "0.6931")


def test_double_softmax_floor():
    # "even a perfect prediction (1, 0, ..., 0) costs log(e + C - 1) - 1,
    #  which is about 0.551 for C = 3"
    said(r"$\log(e + C - 1) - 1$, which is about 0.551 for $C = 3$",
         ["notebook"])
    said(r"{math}`\log(e + C - 1) - 1`, about 0.551 for {math}`C = 3`",
         ["about"])
    floor = math.log(math.e + 2) - 1
    assert rounds_to(floor, "0.551")
    got = CrossEntropyLoss()(Tensor([[1.0, 0.0, 0.0]]), Tensor([0])).item()
    assert got == pytest.approx(floor, rel=1e-6)
    # and no probability row does better
    rng = np.random.default_rng(0)
    rows = rng.dirichlet(np.ones(3), size=500)
    values = [CrossEntropyLoss()(Tensor([r]), Tensor([0])).item()
              for r in rows]
    assert min(values) >= floor - 1e-6


# ------------------------------------------------------- memory and scale
B, C = 128, 50_000


def _three_matrices(logits, targets):
    exps = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = exps / exps.sum(axis=1, keepdims=True)
    del exps
    log_probs = np.log(probs)
    return -log_probs[np.arange(len(targets)), targets].mean()


def _one_work_buffer(logits, targets):
    rows = np.arange(len(targets))
    shifted = logits - logits.max(axis=1, keepdims=True)
    picked = shifted[rows, targets]
    np.exp(shifted, out=shifted)
    return np.mean(np.log(shifted.sum(axis=1)) - picked)


@pytest.fixture(scope="module")
def big_batch():
    rng = np.random.default_rng(0)
    return (rng.normal(size=(B, C)).astype(np.float32),
            rng.integers(0, C, size=B))


def _peak_mb(form, source, targets, dtype):
    tracemalloc.start()
    try:
        logits = source.astype(dtype)
        value = form(logits, targets)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return float(value), peak / 1e6


def test_memory_arithmetic():
    # "One float32 matrix of shape (B, C) holds 6.4 million numbers, 25.6 MB
    #  ... three of them ... 76.8 MB in total (38.4 MB in float16)"
    said("holds 6.4 million numbers, 25.6 MB", ["notebook"])
    said("76.8 MB in total (38.4 MB in float16)", ["notebook"])
    said("Total: 76.8 MB", ["about"])
    said("In float16 the same three matrices take 38.4 MB", ["about"])
    said("| one work buffer of shifted exponentials | 51.2 MB |",
         ["notebook"])
    said("| one small work buffer, reused | about 26.6 MB |", ["notebook"])
    said("needs only the logits and one work buffer, 51.2 MB", ["about"])
    said("time (what `CrossEntropyLoss` does) needs about 26.6 MB, the "
         "logits plus 1 MB", ["about"])
    said("as `CrossEntropyLoss` does, needs about 26.6 MB", ["about"])
    said("buffer, 51.2 MB, and running that on about 1 MB of rows at a "
         "time", ["notebook"])
    said("- logits: 25.6 MB - softmax probabilities: 25.6 MB - "
         "log-probabilities: 25.6 MB", ["about"])
    assert B * C == 6_400_000
    assert B * C * 4 / 1e6 == 25.6
    assert round(3 * B * C * 4 / 1e6, 6) == 76.8
    assert round(3 * B * C * 2 / 1e6, 6) == 38.4
    assert round(2 * B * C * 4 / 1e6, 6) == 51.2
    # the seeds' "768MB" was off by a factor of ten
    assert 3 * B * C * 4 < 100e6


def _blocked(logits, targets):
    """What CrossEntropyLoss runs: the kernel on ~1 MB of rows at a time."""
    return losses._reduce(losses._cross_entropy_forward, logits,
                               targets).item()


@pytest.mark.parametrize("form, dtype, want_mb", [
    (_three_matrices, np.float32, 76.8),
    (_three_matrices, np.float16, 38.4),
    (_one_work_buffer, np.float32, 51.2),
    (_blocked, np.float32, 26.6),
])
def test_memory_is_measured_not_assumed(big_batch, form, dtype, want_mb):
    source, targets = big_batch
    value, peak = _peak_mb(form, source, targets, dtype)
    assert peak == pytest.approx(want_mb, rel=0.01)
    z = source.astype(np.float64)
    m = z.max(axis=1)
    ref = np.mean(m + np.log(np.exp(z - m[:, None]).sum(axis=1))
                  - z[np.arange(B), targets])
    tol = 1e-5 if dtype == np.float32 else 1e-2
    assert value == pytest.approx(ref, rel=tol)


def test_reference_kernel_agrees_with_both_forms(big_batch):
    source, targets = big_batch
    ours = CrossEntropyLoss()(Tensor(source), Tensor(targets)).item()
    assert ours == pytest.approx(_three_matrices(source, targets), rel=1e-5)
    assert ours == pytest.approx(_one_work_buffer(source, targets), rel=1e-5)


def test_scale_counts():
    # "computes 6.4 million exponentials per step"; "Sampling 1,000
    #  candidate classes ... 128,000 exponentials, 50 times fewer";
    # "1,000 classes and batches of 256 computes 256,000 exponentials"
    said("computes 6.4 million exponentials per step")
    said("cuts the work to 128,000 exponentials, 50 times fewer", ["about"])
    said("would cut this to 128,000 exponentials, 50 times fewer",
         ["notebook"])
    said("batches of 256 computes 256,000 exponentials", ["about"])
    said("batches of 256 images computes 256,000 exponentials per step",
         ["notebook"])
    assert 128 * 50_000 == 6_400_000
    assert 128 * 1_000 == 128_000
    assert 6_400_000 // 128_000 == 50
    assert 256 * 1_000 == 256_000


# ------------------------------------------------- check your understanding
def test_q2_profile():
    # "The loss takes 120 of the 350 ms, about 34% of the step. ...
    #  64 x 1,000 = 64,000 exponentials"
    said("takes 120 of the 350 ms, about 34% of the step")
    said(r"64 \times 1{,}000 = 64{,}000")
    assert 80 + 120 + 150 == 350
    assert round(100 * 120 / 350) == 34
    assert 64 * 1_000 == 64_000


def test_q2_vectorised_loss_is_far_below_120_ms():
    # "a vectorised NumPy loss finishes far faster than 120 ms"
    said("a vectorised NumPy loss finishes far faster than 120 ms", ["about"])
    # notebook: "The timing sweep above measures a vectorised loss of a
    # larger size (batch 128) on your own machine, far below 120 ms."
    said("The timing sweep above measures a vectorised loss of a larger "
         "size (batch 128) on your own machine, far below 120 ms",
         ["notebook"])
    rng = np.random.default_rng(1)
    loss_fn = CrossEntropyLoss()
    for batch in (64, 128):
        logits = Tensor(rng.normal(size=(batch, 1_000)).astype(np.float32))
        labels = Tensor(rng.integers(0, 1_000, size=batch))
        best = min(_timed(lambda: loss_fn(logits, labels)) for _ in range(5))
        assert best < 0.120 / 10  # at least ten times faster than 120 ms


def _timed(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def test_q3_numbers():
    # "e^{50} ≈ 5.18 × 10^{21}, e^{100} ≈ 2.69 × 10^{43} and
    #  e^{150} ≈ 1.39 × 10^{65}"
    said(r"e^{50} \approx 5.18 \times 10^{21}", ["notebook"])
    said(r"e^{100} \approx 2.69 \times 10^{43}", ["notebook"])
    said(r"e^{150} \approx 1.39 \times 10^{65}", ["notebook"])
    said("exp([50, 100, 150]) = [5.18e21, 2.69e43, 1.39e65]", ["about"])
    assert sci(math.exp(50), "5.18e21")
    assert sci(math.exp(100), "2.69e43")
    assert sci(math.exp(150), "1.39e65")
    # "In float32 ... both e^{100} and e^{150} become inf; the softmax is
    #  [0, nan, nan]"
    said("the softmax is `[0, nan, nan]`", ["notebook"])
    said("softmax = [0, inf/inf, inf/inf] = [0, nan, nan]", ["about"])
    x = np.array([50.0, 100.0, 150.0], dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        soft = e / e.sum()
    assert np.isfinite(e[0]) and np.isinf(e[1]) and np.isinf(e[2])
    assert soft[0] == 0.0 and np.isnan(soft[1]) and np.isnan(soft[2])
    # "In float64 all three fit ...; logits ten times larger would break
    #  float64 too"
    assert np.all(np.isfinite(np.exp(x.astype(np.float64))))
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(np.float64(1500.0)))
    # "[-100, -50, 0]. The exponentials are about 3.72 × 10^{-44},
    #  1.93 × 10^{-22} and exactly 1 ... the log-probabilities are
    #  [-100, -50, 0]"
    said(r"about $3.72 \times 10^{-44}$, $1.93 \times 10^{-22}$ and exactly "
         "1", ["notebook"])
    said("exp(shifted) = [3.72e-44, 1.93e-22, 1.0]", ["about"])
    assert sci(math.exp(-100), "3.72e-44")
    assert sci(math.exp(-50), "1.93e-22")
    assert 1.0 + math.exp(-50) + math.exp(-100) == 1.0
    out = log_softmax(Tensor([50.0, 100.0, 150.0])).data
    assert out.tolist() == [-100.0, -50.0, 0.0]


def test_q5_numbers():
    # "If, say, 1 GB of the 4 GB is that fixed part, batch 128 needs
    #  1 + 4 × 3 = 13 GB."
    said(r"1 + 4 \times 3 = 13")
    fixed, total_32 = 1, 4
    per_sample_part = total_32 - fixed
    assert fixed + (128 // 32) * per_sample_part == 13 < 16
    # "the standard deviation falls as 1/sqrt(B), so four times the batch
    #  halves it"
    assert math.sqrt(32 / 128) == 0.5
    # "divide each micro-batch loss by 4 ... otherwise the summed gradient
    #  is four times the gradient of the batch-128 mean" -- the same holds
    #  for the loss values themselves, which we can compute here:
    rng = np.random.default_rng(5)
    p, t = rng.normal(size=128), rng.normal(size=128)
    whole = MSELoss()(Tensor(p, dtype=np.float64),
                      Tensor(t, dtype=np.float64)).item()
    parts = [MSELoss()(Tensor(p[i:i + 32], dtype=np.float64),
                       Tensor(t[i:i + 32], dtype=np.float64)).item()
             for i in range(0, 128, 32)]
    assert sum(v / 4 for v in parts) == pytest.approx(whole, rel=1e-12)
    assert sum(parts) == pytest.approx(4 * whole, rel=1e-12)


# ----------------------------------------- what NumPy alone would have done
def test_numpy_failure_modes_the_checks_prevent():
    # "A target of 5 would make NumPy raise an IndexError deep inside the
    #  indexing" and (module page) "or silently pick the wrong class for a
    #  negative index"
    said("A target of 5 would make NumPy raise an `IndexError` deep inside "
         "the indexing", ["notebook"])
    said("or silently pick the wrong class for a negative index", ["about"])
    log_probs = np.log(np.array([[0.2, 0.3, 0.5]]))
    with pytest.raises(IndexError):
        log_probs[np.arange(1), np.array([5])]
    assert log_probs[np.arange(1), np.array([-1])] == log_probs[0, 2]
    # "Predictions of shape (4, 1) against targets of shape (4,) broadcast
    #  to a (4, 4) table in NumPy, and the "loss" averages 16 differences
    #  that mostly compare the wrong samples"
    said("shape `(4,)` broadcast to a `(4, 4)` table in NumPy, and the "
         '"loss" averages 16 differences that mostly compare the wrong '
         "samples", ["notebook"])
    said("a `(4, 4)` table in NumPy, and the mean of its 16 differences "
         "mostly compares the wrong samples", ["about"])
    p, t = np.arange(4.0).reshape(4, 1), np.arange(4.0)
    table = (p - t) ** 2
    assert table.shape == (4, 4) and table.size == 16
    assert np.count_nonzero(table) == 12  # only the diagonal pairs match
    assert table.mean() > 0.0  # although predictions equal targets


# ------------------------------------------------ error messages in the docs
ABOUT_ERRORS = [
    lambda: CrossEntropyLoss()(Tensor([[1.0, 2.0, 3.0]]), Tensor([5])),
    lambda: MSELoss()(Tensor([[1.0], [2.0], [3.0], [4.0]]),
                      Tensor([1.0, 2.0, 3.0, 4.0])),
    lambda: CrossEntropyLoss()(Tensor([[1.0, 2.0], [0.5, 0.1]]),
                               Tensor([[1], [0]])),
    lambda: BinaryCrossEntropyLoss()(Tensor([2.3, -1.2]),
                                     Tensor([1.0, 0.0])),
    lambda: CrossEntropyLoss()(Tensor([[0.5, float("nan")]]), Tensor([0])),
]


@pytest.mark.parametrize("call", ABOUT_ERRORS)
def test_error_messages_on_the_module_page_are_real(call):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    shown = f"{type(info.value).__name__}: {info.value}"
    said(shown, ["about"])


# ------------------------------------------------ statements about PyTorch
@pytest.mark.torch
def test_pytorch_differences_stated_in_notes():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    # "PyTorch's BCELoss clamps each log at -100 instead (so its maximum is
    #  100)"
    said("PyTorch's BCELoss clamps each log at -100 instead (so its "
         "maximum is 100)", ["notebook"])
    said("each log at {math}`-100` (at most 100 per element)", ["about"])
    worst = F.binary_cross_entropy(torch.tensor([0.0, 1.0]),
                                   torch.tensor([1.0, 0.0]))
    assert worst.item() == 100.0
    # "PyTorch's MSELoss broadcasts mismatched shapes (with a warning)"
    said("PyTorch's MSELoss broadcasts mismatched shapes (with a warning); "
         "this one raises instead", ["notebook"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = F.mse_loss(torch.zeros(4, 1), torch.arange(4.0))
    assert caught and "broadcast" in str(caught[0].message).lower()
    assert value.item() == pytest.approx(np.mean(np.arange(4.0) ** 2))
    # "PyTorch returns NaN for an all -inf slice ... and also accepts 0-d
    #  input"
    said("PyTorch returns NaN for an all -inf slice instead of raising, and "
         "also accepts 0-d input", ["notebook"])
    row = F.log_softmax(torch.full((1, 3), -math.inf), dim=1)
    assert torch.isnan(row).all()
    assert F.log_softmax(torch.tensor(2.0), dim=0).item() == 0.0
    ce_all_masked = F.cross_entropy(torch.full((1, 3), -math.inf),
                                    torch.tensor([0]))
    assert torch.isnan(ce_all_masked)
    # CrossEntropyLoss NOTE: "a batch whose targets all equal ignore_index
    #  (or whose kept targets all have weight 0) raises a ValueError,
    #  because there is nothing to average; PyTorch returns NaN. PyTorch
    #  also accepts (C,) logits for one unbatched sample and returns NaN for
    #  an all -inf row"
    said("a batch whose targets all equal ignore_index (or whose kept "
         "targets all have weight 0) raises a ValueError, because there is "
         "nothing to average; PyTorch returns NaN. PyTorch also accepts "
         "(C,) logits for one unbatched sample and returns NaN for an all "
         "-inf row", ["notebook"])
    assert torch.isnan(F.cross_entropy(torch.zeros(2, 3),
                                       torch.tensor([-100, -100])))
    assert torch.isnan(F.cross_entropy(torch.zeros(2, 3),
                                       torch.tensor([0, 1]),
                                       weight=torch.tensor([0.0, 0.0, 1.0])))
    F.cross_entropy(torch.zeros(3), torch.tensor(1))
    with pytest.raises(ValueError, match="every target equals ignore_index"):
        CrossEntropyLoss()(Tensor(np.zeros((2, 3))), Tensor([-100, -100]))
    with pytest.raises(ValueError, match="every kept target has weight 0"):
        CrossEntropyLoss(weight=Tensor([0.0, 0.0, 1.0]))(
            Tensor(np.zeros((2, 3))), Tensor([0, 1]))
    with pytest.raises(ValueError, match=r"logits must have shape \(N, C\)"):
        CrossEntropyLoss()(Tensor(np.zeros(3)), Tensor([1]))
    # "the two agree whenever every prediction lies in [1e-7, 1 - 1e-7]"
    p = np.array([1e-7, 0.5, 1 - 1e-7])
    y = np.array([1.0, 0.0, 0.0])
    ours = BinaryCrossEntropyLoss()(Tensor(p, dtype=np.float64),
                                    Tensor(y, dtype=np.float64)).item()
    theirs = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()
    assert ours == pytest.approx(theirs, rel=1e-9)


@pytest.mark.torch
def test_pytorch_side_of_the_code_comparison():
    # module page, PyTorch tab: "loss = mse_loss(predictions, targets)
    # # 75.0" and "loss = ce_loss(logits, labels)  # 0.3355"
    torch = pytest.importorskip("torch")
    said("mse_loss = nn.MSELoss()", ["about"])
    said("ce_loss = nn.CrossEntropyLoss()", ["about"])
    mse = torch.nn.MSELoss()(torch.tensor([200.0, 250.0, 300.0]),
                             torch.tensor([195.0, 260.0, 290.0]))
    assert mse.item() == 75.0
    ce = torch.nn.CrossEntropyLoss()(
        torch.tensor([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2]]),
        torch.tensor([0, 1]))
    assert rounds_to(ce.item(), "0.3355")
