"""Helpers shared by the test suites (tests/ is on sys.path; see pyproject)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_ITEMS = ["pyproject.toml", "src", "tito", "tinytorch", "tests"]

# `tito test` sets this so a learner's check stays quick (see tito.commands
# .test); `pytest` and CI leave it unset and run every example.
QUICK_PROPERTIES_ENV = "TITO_QUICK_PROPERTIES"


def property_settings(max_examples: int):
    """Hypothesis settings for a property test: deterministic, no deadline.

    Under `tito test` (without --full) a property test tries a quarter of
    its examples (at least 10), the first ones of the same deterministic
    sequence; `python -m pytest` and CI try all `max_examples`.
    """
    from hypothesis import settings

    if os.environ.get(QUICK_PROPERTIES_ENV) == "1":
        max_examples = max(10, max_examples // 4)
    return settings(deadline=None, max_examples=max_examples,
                    derandomize=True)


def module_slugs() -> list[str]:
    return sorted(p.name for p in (ROOT / "src").iterdir()
                  if (p / f"{p.name}.py").is_file())


def make_copy(dest: Path) -> Path:
    """A copy of the repository that tito and tinytorch run from."""
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache",
                                    ".hypothesis", "*.pyc")
    dest.mkdir(parents=True, exist_ok=True)
    for item in COPY_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=ignore)
        else:
            shutil.copy2(src, dest / item)
    return dest


def tito(repo: Path, *args: str, cwd: Path | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `python -m tito ARGS` inside a repository copy."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-m", "tito", *args],
                          cwd=cwd or repo, env=env, capture_output=True,
                          text=True, timeout=timeout)
