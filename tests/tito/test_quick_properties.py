"""`tito test` runs property tests on a quarter of their examples; --full and CI on all.

The quick mode is one Hypothesis profile ("quick", registered by
tests/conftest.py); tito passes --hypothesis-profile=quick unless --full.
"""

from __future__ import annotations

import pytest

from _support import QUICK_PROFILE, property_settings, tito


@pytest.mark.parametrize("profile, asked, tried", [
    ("default", 100, 100), ("default", 60, 60), (QUICK_PROFILE, 100, 25),
    (QUICK_PROFILE, 60, 15), (QUICK_PROFILE, 20, 10), (QUICK_PROFILE, 8, 10),
])
def test_example_counts(profile, asked, tried):
    from hypothesis import settings

    try:
        settings.load_profile(profile)
        chosen = property_settings(asked)
    finally:
        settings.load_profile("default")
    assert chosen.max_examples == tried
    assert chosen.derandomize and chosen.deadline is None


@pytest.mark.parametrize("flags, seen", [((), 25), (("--full",), 100)])
def test_tito_test_sets_the_mode(repo, flags, seen):
    """The package tests see the quick profile, or the default with --full."""
    probe = repo / "tests" / "03_layers" / "test_zz_mode_probe.py"
    probe.write_text(
        "from hypothesis import settings\n\n"
        "def test_mode():\n"
        f"    assert settings.default.max_examples == {seen}\n",
        encoding="utf-8")
    r = tito(repo, "test", "--module", "03_layers", "--package-only", *flags)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ("a quarter of their examples" in r.stdout) == (not flags)
