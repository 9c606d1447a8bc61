"""Fixtures for tests/book; the helpers themselves are in bookkit.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bookkit  # noqa: E402


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """`tito book` run once, in a fresh copy: (repo, html folder, result)."""
    return bookkit.build_book(tmp_path_factory.mktemp("book") / "repo")


@pytest.fixture
def browser(tmp_path):
    """A headless Chromium tab, driven over the DevTools protocol."""
    with bookkit.headless_chromium(tmp_path / "chromium-profile") as tab:
        yield tab
