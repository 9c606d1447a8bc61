"""What the grading benchmarks share: a throwaway copy of the repository
with a course in it, and tito run in that copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY = ["pyproject.toml", "src", "tito", "tinytorch"]
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def tito(repo: Path, *args: str, check: bool = True):
    """Run `tito ARGS` in `repo`; exit with its output if it fails."""
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, "-m", "tito", *args], cwd=repo,
                       env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"tito {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return r


def src(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def copy_repo(repo: Path) -> None:
    """src/, tito/, tinytorch/ and pyproject.toml into `repo`, then the
    reference package exported there (what grading kernels import)."""
    for item in COPY:
        path = ROOT / item
        if path.is_dir():
            shutil.copytree(path, repo / item, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, repo / item)
    tito(repo, "export", "--all", "--reference")
