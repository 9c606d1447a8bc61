"""The stretch notebook's class weights and calibration: the 900/100
example, the normalisations of each method, expected calibration error
against hand-computed examples and a slow loop, and temperature scaling
that recovers a known temperature and never raises the held-out NLL."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _support import property_settings
from tinytorch.core.tensor import Tensor

S = pytest.importorskip("tinytorch.core.losses_stretch")
SETTINGS = property_settings(50)


# ------------------------------------------------------------ class weights
def test_the_900_100_example():
    inverse = S.class_weights([900, 100]).data
    np.testing.assert_allclose(inverse, [1000 / 1800, 1000 / 200], rtol=1e-6)
    np.testing.assert_allclose(inverse * [900, 100], [500, 500], rtol=1e-6)
    root = S.class_weights([900, 100], method="inverse_sqrt").data
    np.testing.assert_allclose(root, np.sqrt(inverse), rtol=1e-6)
    eff = S.class_weights((900, 100), "effective", 0.999).data
    raw = (1 - 0.999) / (1 - 0.999 ** np.array([900.0, 100.0]))
    np.testing.assert_allclose(eff, 2 * raw / raw.sum(), rtol=1e-6)


@SETTINGS
@given(hnp.arrays(np.int64, st.integers(1, 8),
                  elements=st.integers(1, 10**6)), st.floats(0.0, 0.9999))
def test_class_weight_normalisations(counts, beta):
    n, c = counts.sum(), len(counts)
    inverse = S.class_weights(counts).data.astype(np.float64)
    np.testing.assert_allclose(inverse * counts, n / c, rtol=1e-5)
    root = S.class_weights(Tensor(counts), method="inverse_sqrt").data
    np.testing.assert_allclose(root, np.sqrt(inverse), rtol=1e-6)
    eff = S.class_weights(list(counts), "effective", beta).data
    np.testing.assert_allclose(eff.sum(), c, rtol=1e-5)
    assert S.class_weights(counts).dtype == np.float32
    order = np.argsort(counts, kind="stable")  # rarer: never lighter
    for w in (inverse, root, eff):
        assert np.all(np.diff(w[order]) <= 1e-6 * max(1.0, w.max()))


def test_class_weights_feed_cross_entropy():
    w = S.class_weights([900, 100])
    z = Tensor([[2.0, 0.0], [0.0, 1.0]])
    each = S.cross_entropy(z, Tensor([0, 1]), reduction="none").data
    want = (w.data[0] * each[0] + w.data[1] * each[1]) / w.data.sum()
    assert S.cross_entropy(z, Tensor([0, 1]), w).item() == \
        pytest.approx(want, rel=1e-6)


# ---------------------------------------------------------------- ECE
def ref_ece(probs, labels, n_bins):
    """A slow loop over bins (k/B, (k+1)/B], edges from linspace."""
    edges = np.linspace(0, 1, n_bins + 1)
    conf = [max(row) for row in probs]
    right = [float(int(np.argmax(row)) == int(k))
             for row, k in zip(probs, labels)]
    total = 0.0
    for b in range(n_bins):
        members = [i for i in range(len(labels))
                   if edges[b] < conf[i] <= edges[b + 1]
                   or (b == 0 and conf[i] == 0.0)]
        if members:
            acc = math.fsum(right[i] for i in members) / len(members)
            mean = math.fsum(conf[i] for i in members) / len(members)
            total += len(members) / len(labels) * abs(acc - mean)
    return total


def test_worked_example_and_bin_edges():
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1],
                      [0.4, 0.35, 0.25], [0.2, 0.6, 0.2]])
    got = S.expected_calibration_error(Tensor(probs, dtype=np.float64),
                                       Tensor([0, 0, 0, 1]), n_bins=2)
    assert isinstance(got, float)
    assert got == pytest.approx(0.25 * 0.6 + 0.75 * abs(2 / 3 - 2.3 / 3),
                                abs=1e-15)
    counts, acc, conf = S.calibration_bins(
        np.array([0.0, 0.2, 0.2 + 1e-12, 0.5, 1.0]), np.ones(5), 5)
    assert counts.tolist() == [2, 1, 1, 0, 1]
    assert acc[3] == 0.0 and conf[3] == 0.0
    np.testing.assert_allclose(conf, [0.1, 0.2 + 1e-12, 0.5, 0.0, 1.0])


@SETTINGS
@given(st.integers(1, 30), st.integers(2, 5), st.integers(1, 20), st.data())
def test_ece_matches_a_slow_loop(n, c, n_bins, data):
    raw = data.draw(hnp.arrays(np.float64, (n, c),
                               elements=st.floats(0.01, 1.0)))
    probs = raw / raw.sum(axis=1, keepdims=True)
    labels = data.draw(hnp.arrays(np.int64, (n,),
                                  elements=st.integers(0, c - 1)))
    got = S.expected_calibration_error(Tensor(probs, dtype=np.float64),
                                       Tensor(labels), n_bins=n_bins)
    assert got == pytest.approx(ref_ece(probs, labels, n_bins), abs=1e-12)
    assert 0.0 <= got <= 1.0


def test_perfect_and_worst_calibration():
    probs = Tensor(np.eye(3)[[0, 1, 2, 0]])
    assert S.expected_calibration_error(probs, Tensor([0, 1, 2, 0])) == 0.0
    assert S.expected_calibration_error(probs, Tensor([1, 2, 0, 1])) == 1.0


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
    s = z / temperature
    m = s.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(s - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(np.mean(lse - s[np.arange(len(labels)), labels]))


@pytest.mark.parametrize("true_temperature", [0.5, 1.0, 2.5, 4.0])
def test_recovers_a_known_temperature(true_temperature):
    z, labels = _synthetic(20_000, 5, true_temperature, seed=1)
    got = S.fit_temperature(Tensor(z, dtype=np.float64), Tensor(labels))
    assert got == pytest.approx(true_temperature, rel=0.05)


def test_finds_the_minimum_and_never_raises_the_nll():
    z, labels = _synthetic(3000, 4, 3.0, seed=2)
    got = S.fit_temperature(Tensor(z, dtype=np.float64), Tensor(labels))
    best = nll(z, labels, got)
    for other in np.exp(np.linspace(np.log(0.05), np.log(50), 400)):
        assert best <= nll(z, labels, other) + 1e-12
    assert best <= nll(z, labels, 1.0)


def test_closed_form_example_determinism_and_bracket():
    """Three right by a margin of 2, one wrong: e^(2 / T) = 3."""
    z = Tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    labels = Tensor([0, 1, 1, 0])
    got = S.fit_temperature(z, labels)
    assert got == pytest.approx(2 / math.log(3), rel=1e-7)
    assert S.fit_temperature(z, labels) == got
    separable = S.fit_temperature(Tensor([[5.0, 0.0], [0.0, 5.0]]),
                                  Tensor([0, 1]))
    assert separable == pytest.approx(0.01, rel=1e-6)
    assert "[log 0.01, log 100]" in " ".join(
        S.fit_temperature.__doc__.split())


def test_temperature_scaling_keeps_accuracy_and_lowers_ece():
    z, labels = _synthetic(6000, 5, 2.5, seed=7)
    fit, held = slice(0, 3000), slice(3000, 6000)
    temperature = S.fit_temperature(Tensor(z[fit], dtype=np.float64),
                                    Tensor(labels[fit]))

    def probs(scale):
        s = z[held] / scale
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    before, after = probs(1.0), probs(temperature)
    assert np.array_equal(before.argmax(axis=1), after.argmax(axis=1))
    ece_before = S.expected_calibration_error(
        Tensor(before, dtype=np.float64), Tensor(labels[held]))
    ece_after = S.expected_calibration_error(
        Tensor(after, dtype=np.float64), Tensor(labels[held]))
    assert ece_after < ece_before / 4
