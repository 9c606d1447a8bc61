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


# the Hypothesis profile of the quick mode (registered by tests/conftest.py):
# property tests try a quarter of their examples
QUICK_PROFILE = "quick"



# the skip reason tests/conftest.py gives a test stopped by an optional stub
OPTIONAL_SKIP_RE = re.compile(r"optional stretch part [\w, -]+ is not written "
                              r"yet")


@dataclass
class Failure:
    name: str
    message: str
    where: str | None = None  # the notebook place the error came from

    def __str__(self) -> str:
        text = f"{self.name}: {self.message}"
        return text + (f" (at {self.where})" if self.where else "")


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
    not_run: str | None = None  # why tito did not run it (not a failure)

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
        from tito.core.markers import is_optional_part, stub_grade_id

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
        if self.not_run:
            return f"not run: {self.not_run}"
        if self.problem and not (self.passed or self.failed):
            return "did not run"
        text = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.optional:
            text += f", {self.optional} optional to do"
        return text

    def add(self, other: "PhaseResult") -> None:
        """Count `other`'s results in this one."""
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.optional += other.optional
        self.failures += other.failures
        self.problem = self.problem or other.problem


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

    def stop(self) -> None:
        """End the run early (tito is giving up); nothing is reported."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._out.close()
        self._tmp.cleanup()

    def finish(self) -> tuple[int, list["Case"], str | None]:
        """Wait for pytest: (exit code, test cases, problem or None)."""
        try:
            try:
                code = self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return 124, [], f"timed out after {self.timeout:.0f} s"
            cases = read_cases(self.junit) if self.junit.exists() else []
            problem = None
            if cases is None:
                cases, problem = [], "pytest wrote an unreadable report"
            if code == 5:
                problem = "no tests were collected"
            elif code not in (0, 1):
                self._out.seek(0)
                tail = clean_error(self._out.read())
                problem = f"pytest exited with code {code}: {tail}"
            return code, cases, problem
        finally:
            self._out.close()
            self._tmp.cleanup()

    def wait(self, locate=None) -> PhaseResult:
        code, cases, problem = self.finish()
        result = tally(cases, PhaseResult(self.label), locate)
        result.exit_code, result.problem = code, problem
        return result


def run_pytest(root: Path, targets: list[str], label: str,
               extra: list[str] | None = None,
               timeout: float = 1800) -> PhaseResult:
    """Run `pytest targets`, quietly, and summarise its JUnit report."""
    return PytestRun(root, targets, label, extra, timeout).wait()


@dataclass
class Case:
    """One test case of a JUnit report."""

    name: str
    file: str  # the test file (or notebook), relative to the root
    state: str  # "passed", "failed", "skipped"
    message: str = ""
    text: str = ""  # the full failure report (traceback)


def read_cases(path: Path) -> list[Case] | None:
    """Every test case pytest wrote to a JUnit report (None: unreadable)."""
    try:
        tree = ET.parse(path)
    except (ET.ParseError, OSError):
        return None
    cases = []
    for case in tree.iter("testcase"):
        name = case.get("name", "?")
        file = case.get("file") or case.get("classname", "").replace(
            ".", "/") + ".py"
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        skipped = case.find("skipped")
        if bad is not None:
            cases.append(Case(name, file, "failed", bad.get("message") or "",
                              bad.text or ""))
        elif skipped is not None:
            cases.append(Case(name, file, "skipped",
                              skipped.get("message") or "",
                              skipped.text or ""))
        else:
            cases.append(Case(name, file, "passed"))
    return cases


def tally(cases: list[Case], result: PhaseResult,
          locate=None) -> PhaseResult:
    """Count `cases` into `result`; `locate(case)` may name a place.

    A test that skipped because it reached an unwritten optional stub
    (tests/conftest.py) counts as optional to do, not as skipped.
    """
    for case in cases:
        if case.state == "failed":
            result.failed += 1
            message = clean_error(case.message + "\n" + case.text)
            where = locate(case) if locate else None
            result.failures.append(Failure(case.name, message, where))
        elif case.state == "skipped":
            if OPTIONAL_SKIP_RE.search(case.message):
                result.optional += 1
            else:
                result.skipped += 1
        else:
            result.passed += 1
    return result


def _read_junit(path: Path, result: PhaseResult) -> None:
    cases = read_cases(path)
    if cases is None:
        result.problem = "pytest wrote an unreadable report"
        return
    tally(cases, result)


# ------------------------------------------- where a failure came from

# a frame of an IPython traceback (nbval reports these), ANSI removed:
#   Cell In[1], line 72, in Tensor.__init__(self, data, dtype)
#   ---> 72         raise NotImplementedError('...')
_CELL_FRAME_RE = re.compile(r"^Cell In\[\d+\], line (\d+)", re.MULTILINE)
_ARROW_RE = re.compile(r"^-+> ?(\d+) ?(.*)$")
# a frame of a pytest traceback: `tinytorch/core/losses.py:702: in forward`
_PY_FRAME_RE = re.compile(r"^([^\s:]+\.py):(\d+):", re.MULTILINE)


def notebook_place(nb, text: str) -> str | None:
    """The notebook cell and line where a kernel traceback ends.

    IPython numbers every cell In[1] under nbval, so the cell is found by
    the line the traceback shows: the innermost frame's line number and
    text must match a code cell of `nb`.
    """
    from tito.core.cells import place

    text = ANSI_RE.sub("", text or "")
    frames = list(_CELL_FRAME_RE.finditer(text))
    for frame in reversed(frames):
        lineno = int(frame.group(1))
        shown = None
        for line in text[frame.end():].split("\n")[1:40]:
            m = _ARROW_RE.match(line.strip("\r"))
            if m and int(m.group(1)) == lineno:
                shown = m.group(2).rstrip()
                break
            if line.startswith("Cell In["):
                break
        if shown is None:
            continue
        matches = [cell for cell in nb.cells if cell.cell_type == "code"
                   and len(cell.source.split("\n")) >= lineno
                   and cell.source.split("\n")[lineno - 1].rstrip().strip()
                   == shown.strip()]
        if len(matches) >= 1:
            return place(matches[0], lineno)
    return None


class PackageLocator:
    """Maps a pytest failure in a package file to the notebook cell behind it.

    Package files name the cell of each of their parts in `# %%` lines;
    with the cells prepared again (from the notebook the file came from,
    when that notebook still exports to it) each line maps back to a line
    of a cell.
    """

    def __init__(self, parts):
        self.parts = {p.rel(p.package_file): p for p in parts
                      if p.package_file is not None}
        self._cache = {}

    def _prepared(self, rel):
        if rel not in self._cache:
            self._cache[rel] = None
            part = self.parts[rel]
            try:
                from tito.core.exporter import prepared_cells, read_origin
                from tito.core.notebooks import (instructor_notebook,
                                                 load_notebook)

                origin = read_origin(part.package_file)
                if origin is None:
                    return None
                label = origin[0]
                if label == part.rel(part.notebook):
                    nb = load_notebook(part.notebook, label)
                elif label == part.rel(part.source):
                    nb = instructor_notebook(part)
                else:
                    return None
                text = part.package_file.read_text(encoding="utf-8")
                self._cache[rel] = (text, prepared_cells(nb, label), label)
            except Exception:
                self._cache[rel] = None
        return self._cache[rel]

    def __call__(self, case) -> str | None:
        from tito.core.exporter import package_place

        frames = [(m.group(1).replace("\\", "/"), int(m.group(2)))
                  for m in _PY_FRAME_RE.finditer(case.text or "")]
        for path, lineno in reversed(frames):
            if path not in self.parts:
                continue
            prepared = self._prepared(path)
            if prepared is None:
                continue
            text, cells, label = prepared
            where = package_place(text, lineno, cells, label)
            if where:
                return f"{label}: {where}"
        return None
