"""Shared fixtures and hooks for every test suite.

Fixtures: the repository, and throwaway copies of it for CLI tests.

`@pytest.mark.maintainer`: a test of the reference export (package in sync
with src/, reference-only text, `tito check`) skips, saying why, in a
learner's checkout, where package files hold the learner's own exports
(tito export writes the notebook it came from in each file's header).

Hooks for learners' stubs. A learner's exported package raises
`NotImplementedError("<grade_id>: ... not implemented yet. ...")` in every
part not written yet (see tito.core.markers.stub_solutions):

- a stub in an optional part (a grade_id with `-stretch-`, CONTRIBUTING.md;
  tito.core.markers knows the stub format)
  turns the test into a skip that names the part, so `tito test` passes a
  finished core; any other error, or a core stub, still fails;
- a Hypothesis test stops at the first stub it reaches. Hypothesis would
  otherwise shrink the error and hunt for more (a stub fails on every input):
  seconds per test, over a minute for Module 04 with its stubs.

The reference package (CI) has no stubs, so there none of this fires.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from _support import ROOT, make_copy, register_profiles, reference_export_missing
from tito.core.markers import is_optional_part, stub_grade_id


@functools.cache
def _reference_missing(slugs: tuple[str, ...]) -> str | None:
    return reference_export_missing(slugs or None)


def pytest_runtest_setup(item):
    """`@pytest.mark.maintainer(*notebooks)`: a check of the reference
    export, skipped with its reason where a package file (of those
    notebooks; default: any) holds a learner's export."""
    marker = item.get_closest_marker("maintainer")
    if marker is not None:
        reason = _reference_missing(tuple(marker.args))
        if reason:
            pytest.skip(reason)


register_profiles()  # the quick mode of `tito test` (tests/_support.py)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def repo(tmp_path) -> Path:
    """A fresh copy of the repository (src, tito, tinytorch, tests)."""
    return make_copy(tmp_path / "repo")


def _leaves(err: BaseException):
    """The plain exceptions inside `err` (Hypothesis groups distinct ones)."""
    if isinstance(err, BaseExceptionGroup):
        for inner in err.exceptions:
            yield from _leaves(inner)
    else:
        yield err


def _stub_id(err: BaseException) -> str | None:
    """The grade_id of the learner's stub that raised `err`, or None."""
    if isinstance(err, NotImplementedError):
        return stub_grade_id(str(err))
    return None


def _stretch_part(err: BaseException) -> str | None:
    """The optional part(s) whose stubs alone raised `err`, or None."""
    parts = []
    for leaf in _leaves(err):
        gid = _stub_id(leaf)
        if gid is None or not is_optional_part(gid):
            return None
        parts.append(gid)
    return ", ".join(sorted(set(parts))) or None


class _StubReached(BaseException):
    """Carries a stub's error out of Hypothesis, which lets it pass at once.

    Hypothesis treats any `Exception` as a failure to shrink and replay; a
    `BaseException` it re-raises untouched (as it does KeyboardInterrupt).
    """

    def __init__(self, error: NotImplementedError):
        super().__init__(str(error))
        self.error = error


def _stop_at_stubs(test):
    @functools.wraps(test)
    def wrapped(*args, **kwargs):
        try:
            return test(*args, **kwargs)
        except NotImplementedError as err:
            if _stub_id(err) is None:
                raise
            raise _StubReached(err) from None
    return wrapped


def pytest_collection_modifyitems(items):
    for item in items:
        hyp = getattr(getattr(item, "obj", None), "hypothesis", None)
        if hyp is not None and not getattr(hyp, "_stops_at_stubs", False):
            hyp.inner_test = _stop_at_stubs(hyp.inner_test)
            hyp._stops_at_stubs = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    except _StubReached as carried:
        error = carried.error
    except (NotImplementedError, BaseExceptionGroup) as err:
        error = err
    part = _stretch_part(error)
    if part is not None:
        pytest.skip(f"optional stretch part {part} is not written yet")
    raise error
