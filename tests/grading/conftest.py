"""Grading tests always use the course folder of their repository copy."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _no_course_from_the_environment():
    """$TITO_COURSE would point tito at a real course; tests never do."""
    saved = os.environ.pop("TITO_COURSE", None)
    yield
    if saved is not None:
        os.environ["TITO_COURSE"] = saved
