"""Grading tests always use the course folder of their repository copy.

Autograde runs every kernel in a bubblewrap sandbox and refuses where there
is none. Where bwrap is missing outside CI (a laptop, macOS), the grading
journeys run with --no-sandbox and the sandbox's own tests are skipped with
the install command; in CI (`CI` set) a missing bwrap fails them.
"""

from __future__ import annotations

import os
import shutil

import pytest

SANDBOX_MISSING = shutil.which("bwrap") is None and not os.environ.get("CI")
INSTALL = ("needs bubblewrap: apt-get install -y bubblewrap (.ci/run "
           "installs it)")


@pytest.fixture(scope="session")
def autograde_flags() -> list[str]:
    """Extra `tito nbgrader autograde` flags for the grading journeys."""
    return ["--no-sandbox"] if SANDBOX_MISSING else []


@pytest.fixture(autouse=True, scope="session")
def _no_course_from_the_environment():
    """$TITO_COURSE would point tito at a real course; tests never do."""
    saved = os.environ.pop("TITO_COURSE", None)
    yield
    if saved is not None:
        os.environ["TITO_COURSE"] = saved
