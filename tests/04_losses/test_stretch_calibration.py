"""Module 04 stretch part: class-imbalance weights (S10) and calibration
(S11): expected calibration error against hand-computed examples and a
slow loop, temperature scaling that recovers a known temperature and never
increases the held-out NLL."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings

from tinytorch.core import losses_stretch
from tinytorch.core.losses import (
    CrossEntropyLoss,
)
from tinytorch.core.losses_stretch import (
    class_weights,
    expected_calibration_error,
    fit_temperature,
)
from tinytorch.core.tensor import Tensor

SETTINGS = property_settings(50)


# ------------------------------------------------------------ class weights
def test_the_seeds_900_100_example():
    inverse = class_weights([900, 100]).data
    np.testing.assert_allclose(inverse, [1000 / 1800, 1000 / 200], rtol=1e-6)
    assert [f"{v:.4f}" for v in inverse] == ["0.5556", "5.0000"]
    # each class then weighs n / C = 500 in total
    np.testing.assert_allclose(inverse * [900, 100], [500, 500], rtol=1e-6)
    root = class_weights([900, 100], method="inverse_sqrt").data
    assert [f"{v:.4f}" for v in root] == ["0.7454", "2.2361"]
    eff = class_weights([900, 100], method="effective", beta=0.999).data
    assert [f"{v:.4f}" for v in eff] == ["0.2764", "1.7236"]
    effective_counts = [(1 - 0.999 ** n) / (1 - 0.999) for n in (900, 100)]
    assert [f"{v:.1f}" for v in effective_counts] == ["593.6", "95.2"]


@SETTINGS
@given(hnp.arrays(np.int64, st.integers(1, 8), elements=st.integers(1, 10**6)),
       st.floats(0.0, 0.9999))
def test_class_weight_normalisations(counts, beta):
    n, c = counts.sum(), len(counts)
    inverse = class_weights(counts).data.astype(np.float64)
    np.testing.assert_allclose((inverse * counts).sum(), n, rtol=1e-5)
    np.testing.assert_allclose(inverse * counts, n / c, rtol=1e-5)
    root = class_weights(counts, method="inverse_sqrt").data
    np.testing.assert_allclose(root, np.sqrt(inverse), rtol=1e-6)
    eff = class_weights(counts, method="effective", beta=beta).data
    np.testing.assert_allclose(eff.sum(), c, rtol=1e-5)
    assert class_weights(counts).dtype == np.float32
    # rarer classes never get smaller weights
    order = np.argsort(counts, kind="stable")
    for w in (inverse, root, eff):
        assert np.all(np.diff(w[order]) <= 1e-6 * max(1.0, w.max()))


def test_class_weights_feed_cross_entropy():
    w = class_weights([900, 100])
    z = Tensor([[2.0, 0.0], [0.0, 1.0]])
    got = CrossEntropyLoss(w)(z, Tensor([0, 1])).item()
    each = CrossEntropyLoss(reduction="none")(z, Tensor([0, 1])).data
    want = (w.data[0] * each[0] + w.data[1] * each[1]) / w.data.sum()
    assert got == pytest.approx(want, rel=1e-6)


# ---------------------------------------------------------------- ECE
def ref_ece(probs, labels, n_bins):
    """A slow loop, bins (k/B, (k+1)/B] with the edges from linspace."""
    edges = np.linspace(0, 1, n_bins + 1)
    total = 0.0
    n = len(labels)
    conf = [max(row) for row in probs]
    right = [float(int(np.argmax(row)) == int(k))
             for row, k in zip(probs, labels)]
    for b in range(n_bins):
        members = [i for i in range(n)
                   if (edges[b] < conf[i] <= edges[b + 1])
                   or (b == 0 and conf[i] == 0.0)]
        if members:
            acc = sum(right[i] for i in members) / len(members)
            mean_conf = sum(conf[i] for i in members) / len(members)
            total += len(members) / n * abs(acc - mean_conf)
    return total


def test_worked_example():
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1],
                      [0.4, 0.35, 0.25], [0.2, 0.6, 0.2]])
    labels = np.array([0, 0, 0, 1])
    got = expected_calibration_error(Tensor(probs, dtype=np.float64),
                                     Tensor(labels), n_bins=2)
    # bins (0, 0.5]: 0.4, right; (0.5, 1]: 0.9 right, 0.8 wrong, 0.6 right
    want = 0.25 * abs(1.0 - 0.4) + 0.75 * abs(2 / 3 - (0.9 + 0.8 + 0.6) / 3)
    assert got == pytest.approx(want, abs=1e-15)
    assert got == pytest.approx(0.225, abs=1e-12)
    assert isinstance(got, float)


def test_bins_edges_and_empty_bins():
    counts, acc, conf = losses_stretch._calibration_bins(
        np.array([0.0, 0.2, 0.2 + 1e-12, 0.5, 1.0]), np.ones(5), 5)
    # edges 0, 0.2, 0.4, 0.6, 0.8, 1: 0 and 0.2 to bin 0, 0.2+ to bin 1,
    # 0.5 to bin 2, 1.0 to bin 4; bin 3 is empty
    assert counts.tolist() == [2, 1, 1, 0, 1]
    assert acc[3] == 0.0 and conf[3] == 0.0
    np.testing.assert_allclose(conf, [0.1, 0.2 + 1e-12, 0.5, 0.0, 1.0])


@SETTINGS
@given(st.integers(1, 30), st.integers(2, 5), st.integers(1, 20), st.data())
def test_ece_matches_a_slow_loop(n, c, n_bins, data):
    raw = data.draw(hnp.arrays(np.float64, (n, c),
                               elements=st.floats(0.01, 1.0, width=64)))
    probs = raw / raw.sum(axis=1, keepdims=True)
    labels = data.draw(hnp.arrays(np.int64, (n,),
                                  elements=st.integers(0, c - 1)))
    got = expected_calibration_error(Tensor(probs, dtype=np.float64),
                                     Tensor(labels), n_bins=n_bins)
    assert got == pytest.approx(ref_ece(probs, labels, n_bins), abs=1e-12)
    assert 0.0 <= got <= 1.0


def test_perfect_and_worst_calibration():
    probs = np.eye(3)[[0, 1, 2, 0]]
    assert expected_calibration_error(Tensor(probs), Tensor([0, 1, 2, 0])) \
        == 0.0
    assert expected_calibration_error(Tensor(probs), Tensor([1, 2, 0, 1])) \
        == 1.0


# ------------------------------------------------------ temperature scaling
def _synthetic(n, c, true_temperature, seed):
    """Labels drawn from softmax(z); the model reports T * z."""
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=1.5, size=(n, c))
    p = np.exp(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))
    draws = rng.uniform(size=(n, 1))
    labels = np.minimum((draws > p.cumsum(axis=1)).sum(axis=1), c - 1)
    return true_temperature * z, labels


def nll(z, labels, temperature):
    scaled = z / temperature
    m = scaled.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(scaled - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(np.mean(lse - scaled[np.arange(len(labels)), labels]))


@pytest.mark.parametrize("true_temperature", [0.5, 1.0, 2.5, 4.0])
def test_recovers_a_known_temperature(true_temperature):
    z, labels = _synthetic(20_000, 5, true_temperature, seed=1)
    got = fit_temperature(Tensor(z, dtype=np.float64), Tensor(labels))
    assert got == pytest.approx(true_temperature, rel=0.05)


def test_finds_the_minimum_and_never_increases_nll():
    z, labels = _synthetic(3000, 4, 3.0, seed=2)
    got = fit_temperature(Tensor(z), Tensor(labels))
    best = nll(z.astype(np.float32).astype(np.float64), labels, got)
    for other in np.exp(np.linspace(np.log(0.05), np.log(50), 400)):
        assert best <= nll(z.astype(np.float32).astype(np.float64), labels,
                           other) + 1e-12
    assert best <= nll(z, labels, 1.0)


def test_closed_form_example_and_determinism():
    """Three right by a margin of 2 and one wrong: e^(2 / T) = 3."""
    z = Tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    labels = Tensor([0, 1, 1, 0])
    got = fit_temperature(z, labels)
    # a minimum found from function values is exact to about sqrt(eps)
    assert got == pytest.approx(2 / math.log(3), rel=1e-7)
    assert fit_temperature(z, labels) == got


def test_already_calibrated_logits_keep_temperature_near_one():
    z, labels = _synthetic(20_000, 3, 1.0, seed=4)
    got = fit_temperature(Tensor(z, dtype=np.float64), Tensor(labels))
    assert abs(got - 1.0) < 0.05
    assert nll(z, labels, got) <= nll(z, labels, 1.0)


def test_temperature_scaling_keeps_accuracy_and_lowers_ece():
    z, labels = _synthetic(6000, 5, 2.5, seed=7)
    fit, test = slice(0, 3000), slice(3000, 6000)
    temperature = fit_temperature(Tensor(z[fit]), Tensor(labels[fit]))

    def probs(scale):
        s = z[test] / scale
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    before, after = probs(1.0), probs(temperature)
    assert np.array_equal(before.argmax(axis=1), after.argmax(axis=1))
    ece_before = expected_calibration_error(Tensor(before),
                                            Tensor(labels[test]))
    ece_after = expected_calibration_error(Tensor(after),
                                           Tensor(labels[test]))
    assert ece_after < ece_before / 4


def test_separable_data_hits_the_bracket_and_says_so_in_the_docstring():
    z = Tensor([[5.0, 0.0], [0.0, 5.0]])
    got = fit_temperature(z, Tensor([0, 1]))
    assert got == pytest.approx(0.01, rel=1e-6)
    assert "[log 0.01, log 100]" in " ".join(fit_temperature.__doc__.split())
