"""The grading sandbox without a course: its bwrap command, its refusals,
its limits, the output budget, and an unprivileged start.

The attacks, in a real course with a real gradebook, are in
test_sandbox_attacks.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _support import ROOT, make_copy, one_clear_error, tito
from tito.grading import sandbox as sb
from tito.grading.execute import OutputBudget, _within_output_limit


def _one_clear_error(r, *needles: str) -> list[str]:
    return one_clear_error(r, *needles, command="tito nbgrader:")


BWRAP = shutil.which("bwrap")
needs_bwrap = pytest.mark.skipif(
    BWRAP is None and not os.environ.get("CI"),
    reason="needs bubblewrap: apt-get install -y bubblewrap (.ci/run "
    "installs it)")


def _fake_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    tag = sys.implementation.cache_tag
    for rel in ("tinytorch/__init__.py", "tinytorch/core/__init__.py",
                "tinytorch/core/tensor.py", "tinytorch/core/losses.py",
                f"tinytorch/core/__pycache__/tensor.{tag}.pyc",
                f"tinytorch/core/__pycache__/losses.{tag}.pyc",
                "tinytorch/core/__pycache__/stale.pyc",
                "src/04_losses/04_losses.py", "tests/test_x.py",
                ".git/config", "modules/04_losses/04_losses.ipynb",
                ".tito/build/04_losses/04_losses.ipynb"):
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
    return repo


def _mounts(argv: list[str]) -> dict[str, str]:
    """destination -> source of every bind in a bwrap command line."""
    out = {}
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in ("--ro-bind", "--bind"):
            out[argv[i + 2]] = arg + " " + argv[i + 1]
        elif arg in ("--tmpfs", "--proc", "--dev"):
            out[argv[i + 1]] = arg
    return out


def test_the_command_shows_the_kernel_only_what_it_needs(tmp_path):
    repo = _fake_repo(tmp_path)
    course = tmp_path / "course"
    cwd = course / "autograded" / "ann" / "04_losses"
    cwd.mkdir(parents=True)
    (cwd / "04_losses.ipynb").write_text("{hidden tests}", encoding="utf-8")
    (cwd / "data.csv").write_text("1,2\n", encoding="utf-8")
    (cwd / "link.csv").symlink_to(course / "gradebook.db")
    (course / "gradebook.db").write_text("db", encoding="utf-8")
    sandbox = sb.Sandbox("/usr/bin/bwrap", repo, sb.Limits(),
                         hidden=(repo / "tinytorch/core/losses.py",),
                         privileged=True)
    conn = tmp_path / "k" / "kernel.json"
    argv = sandbox.command(["python", "-m", "ipykernel_launcher"], cwd,
                           connection=conn, info_fd=7,
                           parent_env={"SECRET_TOKEN": "s3cret",
                                       "LANG": "C.UTF-8",
                                       "JPY_PARENT_PID": "1",
                                       "NBGRADER_EXECUTION": "autograde"})
    head = argv[:argv.index("--")]
    for flag in ("--die-with-parent", "--unshare-pid", "--unshare-net",
                 "--unshare-ipc", "--new-session", "--clearenv"):
        assert flag in head, flag
    assert head[head.index("--cap-drop") + 1] == "ALL"
    assert "--share-net" not in head and "--dev-bind" not in head
    mounts = _mounts(head)
    writable = {d for d, how in mounts.items() if how.startswith("--bind")
                or how == "--tmpfs"}
    # no folder of the host is writable: only four tmpfs of its own
    assert writable == {str(cwd), "/tmp", "/dev/shm", sb.SANDBOX_RUN}, \
        writable
    assert not any(how.startswith("--bind") for how in mounts.values())
    assert head[head.index("--info-fd") + 1] == "7"
    pkg = repo / "tinytorch"
    assert str(pkg / "core" / "tensor.py") in mounts
    assert str(pkg / "__init__.py") in mounts
    assert str(pkg / "core" / "losses.py") not in mounts  # hidden
    assert str(cwd / "data.csv") in mounts
    assert str(cwd / "04_losses.ipynb") not in mounts  # hidden tests
    assert str(cwd / "link.csv") not in mounts  # symlinks stay out
    assert mounts[sb.CONNECTION_FILE] == f"--ro-bind {conn}"
    for dest, how in mounts.items():
        path = Path(dest)
        assert path != repo and repo not in path.parents or \
            pkg in path.parents, (dest, how)
        assert course not in path.parents or cwd in path.parents or \
            path == cwd, (dest, how)
        # compiled copies come only with the visible files they belong to
        assert "__pycache__" not in dest or dest.endswith(
            f"tensor.{sys.implementation.cache_tag}.pyc"), dest
    env = {head[i + 1]: head[i + 2] for i, a in enumerate(head)
           if a == "--setenv"}
    assert "SECRET_TOKEN" not in env and "JPY_PARENT_PID" not in env
    assert env["LANG"] == "C.UTF-8" and env["PYTHONPATH"] == str(repo)
    assert env["NBGRADER_EXECUTION"] == "autograde"
    assert env["HOME"] == "/tmp"
    # root keeps only what the start-up step needs to stop being root
    assert head.count("--cap-add") == 3 and "--unshare-user" not in head
    tail = argv[argv.index("--") + 1:]
    assert tail[1:4] == ["-I", "-S", "-c"] and tail[4] == sb.WRAPPER
    assert tail[-3:] == ["python", "-m", "ipykernel_launcher"]
    user = sb.Sandbox("/usr/bin/bwrap", repo, privileged=False).command(
        ["true"], cwd)
    assert "--unshare-user" in user and "--cap-add" not in user
    assert user[user.index("--uid") + 1] == "65534"


def test_a_repository_under_a_bound_folder_is_masked(tmp_path):
    """/usr/src/app, or a venv made at the repository's root: the bind of
    the system or of Python would show the whole repository; an empty
    tmpfs over it comes first, then what the kernel may see."""
    repo = _fake_repo(tmp_path / "usr" / "src")
    venv = repo / ".venv"
    (venv / "bin").mkdir(parents=True)
    cwd = repo / "assignments" / "autograded" / "ann" / "01_tensor"
    sandbox = sb.Sandbox("/usr/bin/bwrap", repo, privileged=True,
                         prefixes=(tmp_path / "usr", venv))
    head = sandbox.command(["true"], cwd)
    head = head[:head.index("--")]
    order = [(head[i], head[i + 1 if head[i] == "--tmpfs" else i + 2])
             for i, a in enumerate(head) if a in ("--tmpfs", "--ro-bind")]
    mask = ("--tmpfs", str(tmp_path / "usr" / "src"))
    assert mask in order, order
    at = order.index(mask)
    assert order.index(("--ro-bind", str(tmp_path / "usr"))) < at
    for dest in (venv, repo / "tinytorch" / "__init__.py", cwd):
        kind = "--tmpfs" if dest == cwd else "--ro-bind"
        assert order.index((kind, str(dest))) > at, dest


def test_matplotlib_font_list_is_reused_only_when_it_names_system_fonts(
        tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    fontlist = tmp_path / "fontlist-v3.11.0.json"
    for fonts, usable in ((["fonts/ttf/DejaVuSans.ttf",
                            "/usr/share/fonts/a.ttf"], True),
                          (["/usr/share/fonts/a.ttf",
                            "/home/me/.fonts/mine.ttf"], False)):
        fontlist.write_text(json.dumps({"ttflist": [
            {"fname": f} for f in fonts], "afmlist": []}))
        sb._matplotlib_cache.cache_clear()
        assert (sb._matplotlib_cache() == fontlist) is usable, fonts
        ops = sb.Sandbox("/usr/bin/bwrap", tmp_path).font_cache_mounts()
        assert bool(ops) is usable
    sb._matplotlib_cache.cache_clear()


def test_the_memory_watch_finds_every_process_of_a_sandbox():
    """Both ways of finding a sandbox's processes see a grandchild."""
    code = ("import subprocess, sys, time\n"
            "subprocess.Popen([sys.executable, '-c', "
            "'import time; time.sleep(30)'])\ntime.sleep(30)\n")
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        for _ in range(100):
            tree = sb._process_tree(parent.pid)
            if len(tree) == 2:
                break
            time.sleep(0.05)
        assert len(tree) == 2 and tree[0] == parent.pid, tree
        assert sorted(sb._process_tree_by_ppid(parent.pid)) == sorted(tree)
        assert sb.resident_bytes(tree) > 1 << 20  # two Pythons
    finally:
        for pid in sb._process_tree(parent.pid)[::-1]:
            os.kill(pid, 9)
        parent.wait()


def test_feedback_runs_no_code():
    """Feedback renders the graded notebook; nothing in it executes, so
    it needs no sandbox. If nbgrader ever starts executing there, this
    fails."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbgrader.converters import GenerateFeedback

    steps = GenerateFeedback.class_traits()["preprocessors"].default()
    assert steps and not any(isinstance(p, type) and issubclass(
        p, ExecutePreprocessor) for p in steps), steps


def test_package_files_of_the_module_and_later_ones_are_hidden():
    from tito.core.project import discover

    modules = discover(ROOT)
    by_slug = {m.slug: m for m in modules}
    for module in modules:
        hidden = set(sb.hidden_package_files(module, modules))
        assert module.package_file in hidden, module.slug
        for name in module.meta.get("prerequisites") or []:
            assert by_slug[name].package_file not in hidden, (module, name)
        later = [m for m in modules if m.number > module.number]
        assert all(m.package_file in hidden for m in later), module.slug


def test_no_sandbox_is_one_clear_line_naming_the_install(monkeypatch):
    monkeypatch.setattr(sb, "find_bwrap", lambda: None)
    message, hint = sb.unavailable(ROOT)
    assert message == ("no sandbox for student code: bubblewrap (bwrap) "
                       "is not installed")
    assert "apt-get install -y bubblewrap" in hint and "--no-sandbox" in hint
    monkeypatch.setattr(sb.sys, "platform", "darwin")
    message, hint = sb.unavailable(ROOT)
    assert "on darwin" in message and "needs Linux" in message
    assert "--no-sandbox" in hint


@pytest.fixture(scope="module")
def course_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("refuse") / "repo"
    make_copy(repo)
    r = tito(repo, "nbgrader", "init")
    assert r.returncode == 0, r.stdout + r.stderr
    return repo


@pytest.mark.slow
def test_autograde_refuses_without_a_sandbox_unless_told(course_repo,
                                                         tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env_path = os.environ.get("PATH")
    os.environ["PATH"] = str(empty)  # tito() passes os.environ on
    try:
        r = tito(course_repo, "nbgrader", "autograde", "--module", "01")
        told = tito(course_repo, "nbgrader", "autograde", "--module", "01",
                    "--no-sandbox")
    finally:
        os.environ["PATH"] = env_path
    lines = _one_clear_error(r, "bubblewrap (bwrap) is not installed",
                             "apt-get install -y bubblewrap",
                             "--no-sandbox")
    assert r.stdout == "", r.stdout  # refused before anything else
    assert len(lines[0]) < 120
    # with --no-sandbox it goes on (and stops only at the missing release)
    _one_clear_error(told, "01_tensor has not been released")
    assert told.stdout.startswith("! no sandbox (--no-sandbox)"), told.stdout


@pytest.mark.slow
def test_bad_limits_are_one_line_errors(course_repo):
    for flag in ("--memory", "--cpu-time", "--processes", "--output",
                 "--disk"):
        r = tito(course_repo, "nbgrader", "autograde", "--module", "01",
                 flag, "0")
        _one_clear_error(r, f"{flag} must be a positive number", "got 0")


def test_every_limit_is_documented_with_its_default_and_flag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reliability = (ROOT / "RELIABILITY.md").read_text(encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "tito", "nbgrader",
                        "autograde", "--help"], capture_output=True,
                       text=True, cwd=ROOT)
    help_text = " ".join(r.stdout.split())
    for limit in sb.LIMITS:
        unit = f" {limit.unit}" if limit.unit else ""
        assert f"{limit.flag} " in help_text, limit.flag
        assert f"(default {limit.default}{unit})" in help_text, limit.flag
        for name, text in (("README.md", readme),
                           ("RELIABILITY.md", reliability)):
            row = next((ln for ln in text.splitlines()
                        if f"`{limit.flag}" in ln), None)
            assert row is not None, (name, limit.flag)
            assert f"{limit.default}" in row, (name, row)
    assert "--no-sandbox" in help_text and "--no-sandbox" in readme


def test_output_budget_never_drops_what_a_grade_depends_on():
    def msg(kind, **content):
        return {"msg_type": kind, "header": {"msg_type": kind},
                "parent_header": {}, "content": content}

    budget = OutputBudget(limit=100)
    assert _within_output_limit(msg("stream", name="stdout", text="a" * 50),
                                budget)[0]["content"]["text"] == "a" * 50
    over = _within_output_limit(msg("stream", name="stdout", text="b" * 80),
                                budget)
    cut, note = [m["content"]["text"] for m in over]
    assert cut and set(cut) == {"b"} and len(cut) < 80  # what fitted
    assert note == ("[tito: this cell's output passed the limit of 0 KB; "
                    "the rest of it was dropped]\n")
    assert over[1]["content"]["name"] == "stdout"  # costs no points
    assert _within_output_limit(msg("display_data", data={"x": "c" * 99}),
                                budget) == []
    err = _within_output_limit(msg("error", ename="AssertionError",
                                   evalue="e" * 10**6,
                                   traceback=["t"] * 1000), budget)
    assert len(err) == 1 and err[0]["content"]["ename"] == "AssertionError"
    assert len(err[0]["content"]["evalue"]) < 3000
    assert len(err[0]["content"]["traceback"]) <= 20
    stderr = _within_output_limit(msg("stream", name="stderr",
                                      text="warning"), budget)
    assert stderr[0]["content"]["text"] == "warning"
    result = _within_output_limit(msg("execute_result",
                                      data={"text/plain": "0.5"}), budget)
    assert result[0]["content"]["data"] == {"text/plain": "0.5"}
    for _ in range(20):  # a flood of errors is bounded too
        _within_output_limit(msg("error", ename="E", evalue="", traceback=[]),
                             budget)
    assert budget.kept_beyond == 8


@needs_bwrap
@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists(
    "/usr/bin/python3"), reason="runs the unprivileged path as uid 65534; "
    "needs root and a system /usr/bin/python3")
def test_unprivileged_sandbox_drops_everything_and_counts_its_processes(
        monkeypatch):
    """The path an ordinary instructor takes: bwrap makes a user namespace.

    Run here as uid 65534 (root grading takes the other path), with the
    system Python, in a folder that user can read.
    """
    monkeypatch.setattr(sb, "_matplotlib_cache", lambda: None)  # root's
    base = Path("/tmp") / f"tito-unpriv-{os.getpid()}"
    try:
        (base / "repo" / "tinytorch").mkdir(parents=True)
        (base / "repo" / "tinytorch" / "__init__.py").write_text("X = 1\n")
        (base / "work").mkdir()
        for path in [base, *base.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        sandbox = sb.Sandbox(BWRAP, base / "repo", sb.Limits(processes=24),
                             python="/usr/bin/python3", prefixes=(),
                             privileged=False)
        probe = (
            "import os, tinytorch\n"
            "status = {l.split(':')[0]: l.split(':')[1].strip()\n"
            "          for l in open('/proc/self/status')}\n"
            "print(os.getuid(), tinytorch.X, *(int(status[k], 16) for k in\n"
            "      ('CapEff', 'CapPrm', 'CapBnd', 'CapInh', 'CapAmb')))\n"
            "kids = []\n"
            "try:\n"
            "    while len(kids) < 100:\n"
            "        pid = os.fork()\n"
            "        if pid == 0:\n"
            "            import time; time.sleep(2); os._exit(0)\n"
            "        kids.append(pid)\n"
            "except OSError as exc:\n"
            "    print(len(kids), type(exc).__name__)\n"
            "for pid in kids:\n"
            "    os.waitpid(pid, 0)\n")
        argv = sandbox.command(["/usr/bin/python3", "-c", probe],
                               base / "work")
        r = subprocess.run(argv, capture_output=True, text=True, user=65534,
                           group=65534, extra_groups=[], cwd=base,
                           timeout=60)
        assert r.returncode == 0, r.stderr
        first, second = r.stdout.split("\n")[:2]
        assert first == "65534 1 0 0 0 0 0", first
        forked, error = second.split()
        assert error == "BlockingIOError" and 0 < int(forked) < 24, second
    finally:
        shutil.rmtree(base, ignore_errors=True)
