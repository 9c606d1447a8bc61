"""Run pytest (and nbval) in a subprocess and read the JUnit XML it writes.

Pass and fail come from pytest's exit code and test results, never from
scraping the ✅ lines a notebook prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ANSI_RE = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*[A-Za-z]")
EXC_LINE_RE = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|"
                         r"Warning)|AssertionError|NotImplementedError)\b:?")


# pytest, with the same import shortcut as tito itself (see tito.main)
PYTEST_MAIN = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
               "import pytest; sys.exit(pytest.main(sys.argv[1:]))")


# read by tests/_support.py: property tests try a quarter of their examples
QUICK_PROPERTIES_ENV = "TITO_QUICK_PROPERTIES"



@dataclass
class Failure:
    name: str
    message: str


@dataclass
class PhaseResult:
    label: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    optional: int = 0  # optional (stretch) parts not written yet
    exit_code: int = 0
    failures: list[Failure] = field(default_factory=list)
    problem: str | None = None  # a reason the phase could not run properly

    @property
    def ok(self) -> bool:
        exit_ok = self.exit_code == 0 or (self.exit_code == 1
                                          and self.failed == 0)
        return (exit_ok and self.failed == 0
                and self.problem is None and self.passed > 0)

    def set_aside_optional(self) -> None:
        """Count failures that only hit an unwritten stretch stub apart.

        A stub's message starts with its grade_id; grade_ids containing
        `-stretch-` mark optional parts (CONTRIBUTING.md). Any other
        failure, including a stretch test that hits a core stub, stays.
        """
        from tito.core.notebooks import is_optional_part, stub_grade_id

        prefix = "NotImplementedError: "
        kept = []
        for failure in self.failures:
            gid = (stub_grade_id(failure.message[len(prefix):])
                   if failure.message.startswith(prefix) else None)
            if gid is not None and is_optional_part(gid):
                self.optional += 1
                self.failed -= 1
            else:
                kept.append(failure)
        self.failures = kept

    def counts(self) -> str:
        if self.problem and not (self.passed or self.failed):
            return "did not run"
        text = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.optional:
            text += f", {self.optional} optional to do"
        return text


def clean_error(text: str) -> str:
    """The most telling line of a failure: its exception line."""
    lines = [ANSI_RE.sub("", line).rstrip()
             for line in (text or "").splitlines()]
    lines = [line for line in lines if line.strip()]
    for line in reversed(lines):
        stripped = line.strip()
        if stripped.startswith("E   "):
            stripped = stripped[4:].strip()
        if EXC_LINE_RE.match(stripped):
            return stripped[:300]
    return (lines[-1].strip() if lines else "failed")[:300]


def test_env(root: Path) -> dict:
    """Environment in which the project's own `tinytorch` wins imports."""
    env = dict(os.environ)
    parts = [str(root)] + [p for p in env.get("PYTHONPATH", "").split(
        os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    # Python's default: cache compiled modules in __pycache__ (gitignored),
    # so pytest need not redo its assertion rewriting of every test file
    # (2-3 s) on each run; tito export drops the stale copy of what it
    # rewrites
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("MPLBACKEND", "Agg")
    return env


class PytestRun:
    """One `pytest` subprocess: start it, do other work, then collect it.

    `tito test` starts the notebook run and the package run together (they
    are independent), which on a two-core machine takes about as long as
    the slower of the two instead of their sum.
    """

    def __init__(self, root: Path, targets: list[str], label: str,
                 extra: list[str] | None = None, timeout: float = 1800,
                 env: dict[str, str] | None = None):
        self.root, self.label, self.timeout = root, label, timeout
        self._tmp = tempfile.TemporaryDirectory(prefix="tito-test-")
        tmp = Path(self._tmp.name)
        self.junit = tmp / "junit.xml"
        self._out = open(tmp / "output.txt", "w+", encoding="utf-8")
        cmd = [sys.executable, "-c", PYTEST_MAIN, *targets, "-q",
               "-p", "no:cacheprovider", f"--junitxml={self.junit}",
               "-o", "junit_family=xunit1", *(extra or [])]
        self.proc = subprocess.Popen(cmd, cwd=root,
                                     env={**test_env(root), **(env or {})},
                                     stdout=self._out,
                                     stderr=subprocess.STDOUT, text=True)

    def wait(self) -> PhaseResult:
        result = PhaseResult(self.label)
        try:
            try:
                code = self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                result.problem = f"timed out after {self.timeout:.0f} s"
                result.exit_code = 124
                return result
            result.exit_code = code
            if self.junit.exists():
                _read_junit(self.junit, result)
            if code == 5:
                result.problem = "no tests were collected"
            elif code not in (0, 1):
                self._out.seek(0)
                tail = clean_error(self._out.read())
                result.problem = f"pytest exited with code {code}: {tail}"
            return result
        finally:
            self._out.close()
            self._tmp.cleanup()


def run_pytest(root: Path, targets: list[str], label: str,
               extra: list[str] | None = None,
               timeout: float = 1800) -> PhaseResult:
    """Run `pytest targets`, quietly, and summarise its JUnit report."""
    return PytestRun(root, targets, label, extra, timeout).wait()


def _read_junit(path: Path, result: PhaseResult) -> None:
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        result.problem = "pytest wrote an unreadable report"
        return
    for case in tree.iter("testcase"):
        name = case.get("name", "?")
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is not None:
            result.failed += 1
            text = (bad.get("message") or "") + "\n" + (bad.text or "")
            result.failures.append(Failure(name, clean_error(text)))
        elif case.find("skipped") is not None:
            result.skipped += 1
        else:
            result.passed += 1
