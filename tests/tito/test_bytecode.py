"""Compiled-module caching under `tito test`, and `tito export` dropping stale copies."""

from __future__ import annotations

import importlib.util
import py_compile
from pathlib import Path

from _support import tito


def test_package_tests_may_cache_bytecode(repo, monkeypatch):
    from tito.core.testing import test_env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert "PYTHONDONTWRITEBYTECODE" not in test_env(repo)


def test_export_drops_the_cached_copy_of_what_it_rewrites(repo):
    target = repo / "tinytorch" / "core" / "tensor.py"
    cached = Path(importlib.util.cache_from_source(str(target)))
    py_compile.compile(str(target), cfile=str(cached))
    # an unchanged export leaves the (still valid) copy alone
    r = tito(repo, "export", "--module", "01_tensor", "--reference")
    assert r.returncode == 0, r.stdout + r.stderr
    assert cached.exists()
    source = repo / "src" / "01_tensor" / "01_tensor.py"
    text = source.read_text(encoding="utf-8")
    assert "#| export\n" in text
    source.write_text(text.replace("#| export\n", "#| export\n# changed\n", 1),
                      encoding="utf-8")
    r = tito(repo, "export", "--module", "01_tensor", "--reference")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "# changed" in target.read_text(encoding="utf-8")
    assert not cached.exists()
