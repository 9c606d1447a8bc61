"""Every number Module 04 prints in its prose is true, and appears where it says.

(A course test: it checks the text of src/04_losses against the reference
solution in that source; `tito test` leaves it out, since it judges no
learner's code.)

Each row pins a number (as written) and the places it appears: the notebook
source (`nb`: markdown, docstrings and the strings the tests print) and/or
the guide (`about`: src/04_losses/ABOUT.md). The number is recomputed here.
Rewording a sentence around a number never breaks a test; changing the
number in one place only, or to a wrong value, does.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from _learner_losses import run_cells
from _support import Docs, rounds_to, sci
from tinytorch.core.tensor import Tensor

pytestmark = pytest.mark.course

DOCS = Docs("04_losses")


def _ref(name):
    """A function of the reference implementation, run from
    src/04_losses/04_losses.py (not the exported package, which in a
    learner's checkout is the learner's own code)."""
    global _REF
    if _REF is None:
        _REF = run_cells([])
    return _REF[name]


_REF = None


def cross_entropy(*args, **kwargs):
    return _ref("cross_entropy")(*args, **kwargs)


def binary_cross_entropy(*args, **kwargs):
    return _ref("binary_cross_entropy")(*args, **kwargs)


def log_softmax(*args, **kwargs):
    return _ref("log_softmax")(*args, **kwargs)


def mse_loss(*args, **kwargs):
    return _ref("mse_loss")(*args, **kwargs)
NB, ABOUT, BOTH = ("notebook",), ("about",), ("notebook", "about")
F32 = np.finfo(np.float32)


def ce(logits, targets):
    return cross_entropy(Tensor(logits, dtype=np.float64),
                         Tensor(targets)).item()


def softmax(z):
    e = np.exp(np.asarray(z, dtype=np.float64) - np.max(z))
    return e / e.sum()


MB = 1e6
BC = 128 * 50_000


def claims():
    """(text as written, where, true?) for every number in the prose."""
    return [
        # (text as written, where, true?)
        ("88.72", BOTH, rounds_to(math.log(F32.max), "88.72")),
        ("709.78", BOTH, rounds_to(math.log(np.finfo(np.float64).max),
                                   "709.78")),
        (r"3.4 \times 10^{38}", BOTH, rounds_to(F32.max / 1e38, "3.4")),
        (r"e^{300} \approx 1.94 \times 10^{130}", BOTH,
         sci(math.exp(300), "1.94e130")),
        ("0.99 on the right class costs 0.01", NB,
         rounds_to(-math.log(0.99), "0.01")),
        (r"-\log 0.99 \approx 0.01", ABOUT, rounds_to(-math.log(0.99), "0.01")),
        ("0.693", BOTH, rounds_to(-math.log(0.5), "0.693")),
        ("4.61", BOTH, rounds_to(-math.log(0.01), "4.61")),
        ("2.303", BOTH, rounds_to(math.log(10), "2.303")),
        ("0.4170", NB, rounds_to(ce([[2.0, 1.0, 0.1]], [0]), "0.4170")),
        ("[0.659, 0.242, 0.099]", NB,
         [round(v, 3) for v in softmax([2.0, 1.0, 0.1])] == [0.659, 0.242,
                                                              0.099]),
        ("-\\log 0.659 \\approx 0.4170", NB,
         rounds_to(-math.log(softmax([2.0, 1.0, 0.1])[0]), "0.4170")),
        ("[-2.4076, -1.4076, -0.4076]", NB,
         [round(float(v), 4) for v in log_softmax(Tensor([1.0, 2.0, 3.0])).data]
         == [-2.4076, -1.4076, -0.4076]),
        ("log(e**-2 + e**-1 + 1) = 0.4076", NB,
         rounds_to(math.log(math.exp(-2) + math.exp(-1) + 1), "0.4076")),
        ("log(4) = 1.3863", NB, rounds_to(math.log(4), "1.3863")),
        ("0.1446", NB, rounds_to(binary_cross_entropy(
            Tensor([0.9, 0.2, 0.1]), Tensor([1.0, 0.0, 0.0])).item(), "0.1446")),
        ("`[5, -10, 10]`", NB, True),  # checked with 75.0 below
        ("`[25, 100, 100]`", NB, (np.array([5, -10, 10]) ** 2).tolist()
         == [25, 100, 100]),
        ("75.0", BOTH, mse_loss(Tensor([200.0, 250.0, 300.0]),
                                Tensor([195.0, 260.0, 290.0])).item() == 75.0),
        ("13 / 4 = 3.25", NB, mse_loss(
            Tensor([[1.0, 2.0], [3.0, 4.0]]),
            Tensor([[1.0, 0.0], [0.0, 4.0]])).item() == 3.25),
        ("an error of 10 costs 100, an error of 20 costs 400", NB,
         lambda n: n[0] ** 2 == n[1] and n[2] ** 2 == n[3]),
        ("error of 10 contributes 100, an error of 20 contributes 400", ABOUT,
         lambda n: n[0] ** 2 == n[1] and n[2] ** 2 == n[3]),
        (r"\$5,000 off costs 25,000,000 squared dollars", BOTH,
         lambda n: n[0] ** 2 == n[1]),
        (r"\$50,000 off costs 2,500,000,000", BOTH,
         lambda n: n[0] ** 2 == n[1] and n[1] / 25_000_000 == 100),
        ("16.118", BOTH, rounds_to(-math.log(1e-7), "16.118")),
        ("0.99999988", BOTH, f"{np.float32(1) - np.float32(1e-7):.8f}"
         == "0.99999988"),
        ("15.942", BOTH, rounds_to(-math.log(float(
            np.float32(1) - (np.float32(1) - np.float32(1e-7)))), "15.942")),
        (r"\log(e + 2) - 1 \approx 0.551", BOTH,
         rounds_to(math.log(math.e + 2) - 1, "0.551")
         and rounds_to(ce([[1.0, 0.0, 0.0]], [0]), "0.551")),
        ("6.4 million", BOTH, lambda n: n[0] * 1e6 == BC),
        ("25.6 MB", BOTH, lambda n: n[0] * MB == 4 * BC),
        ("76.8 MB", BOTH, lambda n: n[0] * MB == 3 * 4 * BC),
        ("38.4 MB", ABOUT, lambda n: n[0] * MB == 3 * 2 * BC),
        ("1,000 candidate classes per step (sampled softmax) cuts the work "
         "to 128,000 exponentials, 50 times fewer", ABOUT,
         lambda n: 128 * n[0] == n[1] and BC / n[1] == n[2]),
        ("classes and batches of 256 computes 256,000", ABOUT,
         lambda n: n[0] * 1_000 == n[1]),
        (r"64 \times 1{,}000 = 64{,}000", BOTH,
         lambda n: n[0] * n[1] == n[2]),
        (r"1 + 4 \times 3 = 13", BOTH,
         lambda n: n[0] + n[1] * n[2] == n[3]),
        ("`[-100, -50, 0]`", BOTH, np.allclose(log_softmax(Tensor(
            [50.0, 100.0, 150.0])).data, [-100, -50, 0], atol=1e-4)),
        ("[-200, -100, 0]", BOTH, np.allclose(log_softmax(Tensor(
            [100.0, 200.0, 300.0])).data, [-200, -100, 0], atol=1e-4)),
        (r"e^{88.72}", BOTH, math.exp(88.73) > float(F32.max) > math.exp(88.72)),
        ("# 0.3355", ABOUT, rounds_to(ce([[2.0, 0.5, 0.1], [0.3, 1.8, 0.2]],
                                         [0, 1]), "0.3355")),
    ]


def numbers(text):
    """The numbers written in `text`: 25,000,000 and 64{,}000 included."""
    import re

    text = text.replace("{,}", "")
    return [float(m.replace(",", "")) for m in
            re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_claims():
    checked = 0
    for text, where, true in claims():
        DOCS.has(text, where)
        if callable(true):  # arithmetic on the numbers the text gives
            true = true(numbers(text))
        assert true, text
        checked += 1
    assert checked >= 40


def test_points_add_up_to_100():
    import json
    import re

    points = [json.loads(m)["points"] for m in re.findall(
        r"^# %% nbgrader=(\{.*\})$", DOCS.source, re.M)]
    assert sum(points) == 100
    for text in ("| 15 |", "| 10 |", "| 20 |", "| 30 |", "| 25 |"):
        DOCS.has(text, BOTH)
    # the module test checks integration and carries no points
    assert '"grade_id": "losses-test-module", "locked": true, "points": 0' \
        in DOCS.source


# -------------------------------------------- claims about the demo cells
@pytest.fixture(scope="module")
def demos():
    """The notebook's package cells and demo cells, run in-process."""
    import matplotlib

    matplotlib.use("Agg")
    from _learner_losses import run_cells

    return run_cells(["losses-demo-memory", "losses-demo-train"])


def test_memory_of_the_three_forms(demos):
    # "The textbook form peaks at three full-size matrices ... 76.8 MB",
    # "costs one, 25.6 MB", "The blocked form needs about 1 MB"
    DOCS.has("log-probabilities: 76.8 MB", NB)
    DOCS.has("costs one, 25.6 MB", NB)
    DOCS.has("a block or two of rows, 1 or 2 MB", NB)
    big, labels = demos["big"], demos["labels"]
    measure = demos["measure"]
    values, peaks = [], {}
    for name in ("textbook_cross_entropy", "cross_entropy",
                 "blocked_cross_entropy"):
        value, mb, _ = measure(demos[name], big, labels)
        values.append(value)
        peaks[name] = mb
    assert max(values) - min(values) < 1e-4 * abs(values[0])
    assert peaks["textbook_cross_entropy"] == pytest.approx(76.8, rel=0.01)
    assert peaks["cross_entropy"] == pytest.approx(25.6, rel=0.01)
    assert peaks["blocked_cross_entropy"] < 1.5  # the reference: one block


def test_see_it_learn(demos):
    mean_run, sum_run = demos["mean_run"], demos["sum_run"]
    n = len(demos["y"])
    DOCS.has("$N = 300$ times larger", NB)
    DOCS.has("on 300 points in three clusters", NB)
    assert n == 300
    loss, acc = mean_run[:, 0], mean_run[:, 1]
    # "Accuracy stops moving early ... The loss keeps falling"
    assert acc[50] >= 0.95 and abs(acc[-1] - acc[50]) <= 0.01
    assert loss[-1] < 0.8 * loss[50] and np.all(np.diff(loss[50:]) < 0)
    # "the first loss is log 3 ~ 1.0986, the sanity check"
    DOCS.has(r"the first loss is $\log 3 \approx 1.0986$", NB)
    assert rounds_to(loss[0], "1.0986") and loss[0] > loss[10] > loss[-1]
    # "'sum' ... the run jumps around instead of settling"
    per_point = sum_run[:, 0] / n
    rises = np.sum(np.diff(per_point[100:]) > 0)
    assert rises > 20 and per_point[-1] > 2 * loss[-1]
