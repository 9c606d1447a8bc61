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


def test_shadowing_check_in_a_solution_cell_forges_nothing():
    """A solution cell that returns zeros and rebinds `check` to a no-op at
    its top level still fails: each graded test cell binds the real `check`
    afresh. (Code in the kernel can still forge its own report in other
    ways: RELIABILITY.md, Grading.)"""
    from _learner_losses import CE, Variant, learner_sources

    cheat = Variant("zeros", CE, """
    return reduce_losses(np.zeros(len(t), dtype=z.dtype), reduction)
""")
    namespace: dict = {"__name__": "learner"}
    outcome = None
    for gid, source in learner_sources([cheat]):
        if gid == CE:
            source += "\n\ncheck = lambda *args, **kwargs: None\n"
        if "#| export" in source or gid in ("losses-tools", CE):
            exec(compile(source, gid, "exec"), namespace)
        elif gid == "losses-test-cross-entropy":
            try:
                exec(compile(source, gid, "exec"), namespace)
            except AssertionError as err:
                outcome = str(err)
    assert outcome and outcome.startswith("cross_entropy: returned 0"), \
        outcome
