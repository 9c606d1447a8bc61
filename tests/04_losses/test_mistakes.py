"""Feedback that teaches: each common mistake fails with a message naming it.

The table of learners' code is in tests/_learner_losses.py. Every correct
variant (written differently from the reference) passes every graded test of
the notebook; every mistake fails the test of its step, and the message
contains the words that name the mistake.
"""

from __future__ import annotations

import pytest

from _learner_losses import CORRECT, MISTAKES, run_tests

# A course test: it runs the notebook's own tests (from src/) on learners'
# code; `tito test` leaves it out, since it judges no learner's package.
pytestmark = pytest.mark.course


def test_reference_passes_every_graded_test():
    results = run_tests()
    assert len(results) == 6, results  # five graded steps + module test
    assert all(v == "" for v in results.values()), results


@pytest.mark.parametrize("variant", CORRECT, ids=[v.name for v in CORRECT])
def test_correct_code_in_another_style_passes(variant):
    results = run_tests([variant])
    failed = {k: v for k, v in results.items() if v}
    assert not failed, failed


@pytest.mark.parametrize("variant", MISTAKES, ids=[v.name for v in MISTAKES])
def test_mistake_fails_and_is_named(variant):
    results = run_tests([variant], only=variant.test)
    message = results[variant.test]
    assert message, f"{variant.name}: {variant.test} passed"
    assert message.startswith("AssertionError: "), message
    assert variant.says in message, message
    assert "\n" not in message, message


def test_table_covers_the_common_mistakes():
    names = " ".join(v.name for v in MISTAKES)
    for mistake in ("no max-shift", "sum instead of mean", "wrong axis",
                    "softmax applied twice", "without keepdims",
                    "transposed", "off by one", "clamps only p",
                    "missing minus sign", "log2", "log10", "NumPy number",
                    "Python float", "mean over one axis"):
        assert mistake in names, mistake
