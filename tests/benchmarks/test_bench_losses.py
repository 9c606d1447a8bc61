"""The loss benchmark runs end to end (quick mode) and reports sane figures.

Timings are not asserted here (a shared machine makes them flaky); the
benchmark's own output is the measurement. What must hold every time:
every implementation returns float32, ours agrees with float64 to 1e-6,
and the blocked cross-entropy stays far below the naive form's memory.
"""

from __future__ import annotations

import json

import pytest

from _support import ROOT, tito

pytestmark = pytest.mark.slow


def test_quick_benchmark_runs_and_reports(tmp_path):
    out = tmp_path / "bench.json"
    r = tito(ROOT, "bench", "--module", "04_losses", "--quick", "--json",
             str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "median ms" in r.stdout and "x torch" in r.stdout
    report = json.loads(out.read_text())
    rows = {(row["loss"], row["C"]): row["results"] for row in report["rows"]}
    assert set(rows) == {(loss, c) for loss in
                         ("cross_entropy", "log_softmax", "mse", "bce")
                         for c in (10, 1_000, 50_000)}
    for results in rows.values():
        ours = results["tinytorch"]
        assert ours["rel_error"] <= 1e-6
        assert ours["median_ms"] > 0
        if report["machine"]["torch"]:
            assert results["torch"]["median_ms"] > 0
            assert ours["vs_torch"] == pytest.approx(
                ours["median_ms"] / results["torch"]["median_ms"])
            assert ours["best_vs_torch"] == pytest.approx(
                ours["best_ms"] / results["torch"]["best_ms"])
        assert 0 < ours["best_ms"] <= ours["median_ms"]
    big = rows[("cross_entropy", 50_000)]
    # the reference cross-entropy keeps one (B, C) work buffer (25.6 MB),
    # the blocked form about 1 MB, the textbook form three (76.8 MB)
    assert big["tinytorch"]["peak_mb"] == pytest.approx(25.6, rel=0.01)
    assert big["blocked"]["peak_mb"] < 2.0
    assert big["blocked"]["rel_error"] <= 1e-6
    assert big["naive"]["peak_mb"] == pytest.approx(76.8, rel=0.01)


def test_unknown_benchmark_is_a_clear_error():
    r = tito(ROOT, "bench", "--module", "01_tensor")
    assert r.returncode == 1
    assert "01_tensor has no benchmark" in r.stderr
    assert "hint: benchmarks exist for: losses" in r.stderr
