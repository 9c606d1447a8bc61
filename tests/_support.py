"""Helpers shared by the test suites (tests/ is on sys.path; see pyproject)."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_ITEMS = ["pyproject.toml", "src", "tito", "tinytorch", "tests"]

# The quick mode of `tito test`: a Hypothesis profile (registered in
# tests/conftest.py; `tito test` passes --hypothesis-profile=quick, and
# `tito test --full`, `python -m pytest` and CI use the default profile).
from tito.core.testing import QUICK_PROFILE  # noqa: E402  ("quick")

QUICK_SHARE = 4  # the quick profile tries a quarter of the examples


def register_profiles() -> None:
    from hypothesis import settings

    settings.register_profile(QUICK_PROFILE, deadline=None,
                              derandomize=True,
                              max_examples=100 // QUICK_SHARE)


def property_settings(max_examples: int):
    """Hypothesis settings for a property test: deterministic, no deadline.

    Under the quick profile a property test tries a quarter of its
    examples (at least 10), the first ones of the same deterministic
    sequence; otherwise all `max_examples`.
    """
    from hypothesis import settings

    if settings.default.max_examples < 100:  # the quick profile is loaded
        max_examples = max(10, max_examples // QUICK_SHARE)
    return settings(deadline=None, max_examples=max_examples,
                    derandomize=True)


def module_slugs() -> list[str]:
    return sorted(p.name for p in (ROOT / "src").iterdir()
                  if (p / f"{p.name}.py").is_file())


def part_slugs() -> list[str]:
    """Every notebook of every module: `04_losses`, `04_losses_stretch`."""
    from tito.core.project import discover

    return [part.slug for module in discover(ROOT)
            for part in module.all_parts]


def part(slug: str):
    """The module part (tito.core.project.Part) a notebook name names."""
    from tito.core.project import discover

    return next(p for m in discover(ROOT) for p in m.all_parts
                if p.slug == slug)


# ------------------------------------------- a learner's checkout or not


def learner_exports(slugs=None) -> list[tuple[str, str]]:
    """(package file, notebook) of each package file in this checkout that
    was exported from a learner's notebook (read from its header)."""
    from tito.core.exporter import provenance
    from tito.core.project import discover

    found = []
    for module in discover(ROOT):
        for p in module.all_parts:
            if slugs and p.slug not in slugs:
                continue
            origin = provenance(p, check_fresh=False)
            if origin.learner:
                found.append((p.rel(p.package_file), origin.source))
    return found


def reference_export_missing(slugs=None) -> str | None:
    """Why a maintainer's test cannot run here, or None.

    Such a test checks the package as exported from src/ (in sync with
    the sources, reference text in it); in a learner's checkout the
    package files are the learner's own exports.
    """
    found = learner_exports(slugs)
    if not found:
        return None
    pkg, notebook = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (f"for maintainers: {pkg} holds the export of your notebook "
            f"{notebook}{more}, and this test checks the reference export "
            "of src/ (CI runs it)")


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


# ------------------------------------------------ claims made in the prose


def _flatten(text: str) -> str:
    """Drop the '# ' of percent-format comment lines; collapse spaces."""
    lines = [re.sub(r"^\s*# ?", "", line) for line in text.split("\n")]
    return " ".join(" ".join(lines).split())


class Docs:
    """A module's prose: its notebook source and its ABOUT.md page.

    `source` is src/NN_name/NN_name.py as written (with part="stretch",
    src/NN_name/NN_name_stretch.py, the optional notebook); `notebook` is
    the same with comment markers dropped and whitespace collapsed
    (markdown and docstrings read as running text); `about` is ABOUT.md,
    whitespace collapsed.
    """

    def __init__(self, slug: str, part: str | None = None):
        """`slug` names a module (`04_losses`, with `part="stretch"` for
        its optional notebook) or a notebook (`04_losses_stretch`)."""
        if part is None and slug.endswith("_stretch"):
            slug, part = slug.removesuffix("_stretch"), "stretch"
        self.slug = slug if part is None else f"{slug}_{part}"
        folder = ROOT / "src" / slug
        self.source = (folder / f"{self.slug}.py").read_text(
            encoding="utf-8")
        self.notebook = _flatten(self.source)
        self.about = " ".join(
            (folder / "ABOUT.md").read_text(encoding="utf-8").split())

    def has(self, text: str, where=("notebook", "about")) -> None:
        """Assert that `text` (a number as written, with just enough
        context to place it) appears in each of `where`."""
        text = " ".join(text.split())
        for name in where:
            assert text in getattr(self, name), \
                f"{text!r} is not in {name} of {self.slug}"

    def said(self, phrase: str, where=("notebook", "about")) -> None:
        """Assert that `phrase` (whitespace-normalised) is in the docs."""
        phrase = " ".join(phrase.split())
        for name in where:
            assert phrase in getattr(self, name), \
                f"not found in {name}: {phrase!r}"


def rounds_to(value: float, text: str) -> bool:
    """`value` written with as many decimals as `text` gives `text`."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f"{value:.{decimals}f}" == text


def sci(value: float, text: str) -> bool:
    """`value` in scientific notation with the digits of `text` (2.69e43)."""
    mantissa, _ = text.split("e")
    decimals = len(mantissa.split(".")[1])
    return f"{value:.{decimals}e}".replace("e+", "e").replace(
        "e0", "e").replace("e-0", "e-") == text


def peak_extra_mb(call) -> float:
    """Peak memory (MB) that tracemalloc sees while `call()` runs."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def one_clear_error(r, *needles: str, command: str = "tito") -> list[str]:
    """A failed tito run said one clear thing: exit code non-zero, no
    traceback, stderr exactly `COMMAND...: error: ...` and a `hint: ...`
    line, each needle somewhere in them. Returns the two lines."""
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(command) and ": error: " in lines[0], lines
    assert lines[1].lstrip().startswith("hint: "), lines
    for needle in needles:
        assert needle in r.stderr, (needle, lines)
    return lines


BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def regions(source: str) -> tuple[set[str], set[str]]:
    """Stripped lines inside solution/hidden-test regions, and outside
    them (the tests' own reading of the markers, not tito's)."""
    inside, outside, within = set(), set(), False
    for line in source.split("\n"):
        s = line.strip()
        if s in (BEGIN_SOLUTION, BEGIN_HIDDEN):
            within = True
        elif s in (END_SOLUTION, END_HIDDEN):
            within = False
        else:
            (inside if within else outside).add(s)
    return inside, outside
