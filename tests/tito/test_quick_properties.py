"""`tito test` runs property tests on a quarter of their examples; --full and CI on all."""

from __future__ import annotations

import pytest

from _support import QUICK_PROPERTIES_ENV, property_settings, tito


@pytest.mark.parametrize("env, asked, tried", [
    (None, 100, 100), ("0", 100, 100), ("1", 100, 25), ("1", 60, 15),
    ("1", 20, 10), ("1", 8, 10),
])
def test_example_counts(monkeypatch, env, asked, tried):
    if env is None:
        monkeypatch.delenv(QUICK_PROPERTIES_ENV, raising=False)
    else:
        monkeypatch.setenv(QUICK_PROPERTIES_ENV, env)
    chosen = property_settings(asked)
    assert chosen.max_examples == tried
    assert chosen.derandomize and chosen.deadline is None


def test_tito_and_pytest_use_the_same_variable():
    from tito.core.testing import QUICK_PROPERTIES_ENV as used_by_tito

    assert used_by_tito == QUICK_PROPERTIES_ENV


@pytest.mark.parametrize("flags, seen", [((), "1"), (("--full",), "0")])
def test_tito_test_sets_the_mode(repo, monkeypatch, flags, seen):
    """The package tests see quick mode, or full mode with --full."""
    monkeypatch.setenv(QUICK_PROPERTIES_ENV, "unset by tito?")
    probe = repo / "tests" / "03_layers" / "test_zz_mode_probe.py"
    probe.write_text(
        "import os\n\n"
        "def test_mode():\n"
        f"    assert os.environ.get({QUICK_PROPERTIES_ENV!r}) == {seen!r}\n",
        encoding="utf-8")
    r = tito(repo, "test", "--module", "03_layers", "--package-only", *flags)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ("a quarter of their examples" in r.stdout) == (not flags)


@pytest.mark.parametrize("given, seen", [(None, "1"), ("3", "3")])
def test_package_tests_run_with_one_blas_thread(repo, monkeypatch, given,
                                                seen):
    """Beside the notebooks' kernel, the package tests use one BLAS/OpenMP
    thread, unless the user chose a number."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                 "MKL_NUM_THREADS"):
        if given is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, given)
    probe = repo / "tests" / "03_layers" / "test_zz_threads_probe.py"
    probe.write_text(
        "import os\n\n"
        "def test_threads():\n"
        "    for name in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS',\n"
        "                 'MKL_NUM_THREADS'):\n"
        f"        assert os.environ.get(name) == {seen!r}, name\n",
        encoding="utf-8")
    r = tito(repo, "test", "--module", "03_layers", "--package-only")
    assert r.returncode == 0, r.stdout + r.stderr
