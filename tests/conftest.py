"""Shared fixtures: the repository, and throwaway copies of it for CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from _support import ROOT, make_copy


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def repo(tmp_path) -> Path:
    """A fresh copy of the repository (src, tito, tinytorch, tests)."""
    return make_copy(tmp_path / "repo")
