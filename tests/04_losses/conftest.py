"""Module 04's package tests: the optional stretch part stays optional.

A learner who has done the core part but not (all of) the stretch part
exports a package whose stretch kernels still raise
`NotImplementedError("losses-stretch-...: ...")`. A test that reaches such a
stub is reported as skipped, naming the part, instead of failed, so
`tito test --module 04` passes for a finished core. Nothing else is
skipped: a core stub, or any other error, still fails, and the reference
package (CI) has no stubs, so there every test runs.
"""

import pytest

STRETCH_STUB = "losses-stretch-"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    except NotImplementedError as err:
        message = str(err)
        if not message.startswith(STRETCH_STUB):
            raise
        part = message.split(":", 1)[0]
        pytest.skip(f"optional stretch part {part} is not written yet")
