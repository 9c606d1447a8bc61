"""Feedback that teaches, in the stretch notebook: each common mistake fails
with a message naming it, and correct code in another style passes.

(A course test, like tests/04_losses/test_mistakes.py: it runs the stretch
notebook's own tests from src/ on learners' code, in-process; `tito test`
leaves it out.) The table of learners' code is tests/_learner_stretch.py.
"""

from __future__ import annotations

import pytest

from _learner_losses import run_tests
from _learner_stretch import CORRECT, MISTAKES

pytestmark = pytest.mark.course

GRADED = ["l1", "huber", "nll", "cross-entropy", "bce", "kl", "focal",
          "contrastive", "gradients", "class-weights", "calibration",
          "memory"]


def test_reference_passes_every_graded_test():
    results = run_tests(part="stretch")
    assert sorted(results) == sorted(f"losses-stretch-test-{g}"
                                     for g in GRADED)
    assert all(v == "" for v in results.values()), results


@pytest.mark.parametrize("variant", CORRECT, ids=[v.name for v in CORRECT])
def test_correct_code_in_another_style_passes(variant):
    results = run_tests([variant], part="stretch")
    failed = {k: v for k, v in results.items() if v}
    assert not failed, failed


@pytest.mark.parametrize("variant", MISTAKES, ids=[v.name for v in MISTAKES])
def test_mistake_fails_and_is_named(variant):
    results = run_tests([variant], only=variant.test, part="stretch")
    message = results[variant.test]
    assert message, f"{variant.name}: {variant.test} passed"
    assert message.startswith("AssertionError: "), message
    assert variant.says in message, message
    assert "\n" not in message, message


def test_every_graded_part_has_a_named_mistake():
    tested = {v.test for v in MISTAKES}
    assert tested == {f"losses-stretch-test-{g}" for g in GRADED}
