"""The sandbox every graded kernel runs in (Linux, bubblewrap).

Student code runs under `tito nbgrader autograde`, in a Jupyter kernel.
Without a sandbox that kernel has the instructor's rights in the
instructor's course folder: it can read the gradebook and the solutions,
rewrite grades, delete releases and leave processes behind. Here each
kernel is started by bubblewrap (`bwrap`) instead, and sees:

- read-only: the system (/usr, /etc and the /bin, /lib links), the Python
  environment tito runs in (`sys.prefix`, the interpreter's own prefix),
  and of the repository only `tinytorch/`, without the package files of
  the module being graded or of later modules (they hold the reference
  solution); a repository that lies under one of those folders is first
  covered by an empty tmpfs;
- writable: a private /tmp and /dev/shm, and a private working folder at
  the path nbgrader gave the kernel, in which the submission's files other
  than notebooks are bound read-only (the notebook on disk holds the hidden
  tests) -- all three are size-limited tmpfs, gone with the kernel;
- /run/tito, a 1 MB tmpfs: its connection file and its ZMQ Unix sockets,
  which tito reaches through /proc/PID/root of the sandbox (no folder of
  the host is writable from inside);
- nothing else: not the gradebook, not source/, release/, submitted/ or
  other students' folders, not the instructor's home, not src/, tests/,
  .git, modules/ or .tito/ of the repository.

Its own PID namespace dies with the kernel (`--die-with-parent`, and
bwrap's init kills whatever is left when the kernel exits), so nothing it
starts outlives grading; it sees only its own processes. It has a network
namespace of its own (no network; tito reaches the kernel through Unix
sockets). It holds no capabilities and is not root: run by an ordinary
user, bwrap maps the kernel to uid 65534 in a user namespace; run by root,
bwrap keeps just CAP_SETUID/SETGID/SETPCAP for a small start-up step
(WRAPPER below) that empties the capability sets and becomes uid/gid
65534 before the kernel starts. The same step sets the resource limits
(`Limits`).

`SandboxKernelManager` is the jupyter_client kernel manager nbgrader's
Execute step uses (tito.grading.execute sets it): it wraps the kernel
command in bwrap, switches ZMQ to Unix sockets, tells jupyter_client to
interrupt through the control channel (a SIGINT to bwrap would end the
sandbox), keeps the kernel's raw stdout/stderr to a bounded size, and
stops the whole sandbox when its processes together use more memory
than the limit.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tito.core.errors import TitoError

SANDBOX_UID = SANDBOX_GID = 65534  # nobody / nogroup
# Parallel graders run by root give each worker's kernels a uid of their
# own (no account has it), so RLIMIT_NPROC, counted per uid, bounds each
# sandbox alone: one submission's fork bomb cannot starve its neighbour.
WORKER_UID_BASE = 1_900_000_000
SANDBOX_RUN = "/run/tito"  # a small tmpfs: the connection file, sockets
CONNECTION_FILE = SANDBOX_RUN + "/kernel.json"
SANDBOX_IPC = SANDBOX_RUN + "/kernel"  # ZMQ sockets kernel-1 ... kernel-5
SANDBOX_HOME = "/tmp"
OPEN_FILES = 1024  # RLIMIT_NOFILE in the sandbox (fixed)
ENV_PASSED = ("LANG", "LANGUAGE", "TZ", "NBGRADER_EXECUTION", "MPLBACKEND",
              "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "PYDEVD_DISABLE_FILE_VALIDATION")
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install -y "
                "bubblewrap; Fedora: sudo dnf install bubblewrap)")


# ------------------------------------------------------------------ limits


@dataclass(frozen=True)
class Limit:
    """One resource limit: its flag, default, unit and what it bounds."""

    name: str
    flag: str
    default: int
    unit: str
    what: str


LIMITS = (
    Limit("memory", "--memory", 2048, "MB",
          "memory of the sandbox: the address space of each process "
          "(RLIMIT_AS), and all its processes together (their PSS, checked "
          "10 times a second; above it the sandbox is stopped)"),
    Limit("cpu_time", "--cpu-time", 600, "s",
          "CPU seconds of each process (RLIMIT_CPU); then it is killed"),
    Limit("processes", "--processes", 128, "",
          "processes and threads of the sandbox's user (RLIMIT_NPROC; a "
          "kernel itself runs about 13 threads)"),
    Limit("output", "--output", 1024, "KB",
          "output one cell keeps (the rest is dropped, with a note; "
          "errors and stderr are kept, cut short); also the kernel's raw "
          "output kept in the log"),
    Limit("disk", "--disk", 256, "MB",
          "size of each writable tmpfs (/tmp, /dev/shm, the working "
          "folder) and of any one file (RLIMIT_FSIZE)"),
)


@dataclass(frozen=True)
class Limits:
    """The resource limits of one sandboxed kernel (see LIMITS)."""

    memory: int = LIMITS[0].default  # MB
    cpu_time: int = LIMITS[1].default  # s
    processes: int = LIMITS[2].default
    output: int = LIMITS[3].default  # KB
    disk: int = LIMITS[4].default  # MB

    @property
    def memory_bytes(self) -> int:
        return self.memory * 2**20

    @property
    def output_bytes(self) -> int:
        return self.output * 2**10

    @property
    def disk_bytes(self) -> int:
        return self.disk * 2**20

    def rlimits(self) -> list[tuple[str, int]]:
        """(resource.RLIMIT_* name, value) for the start-up step."""
        return [("RLIMIT_AS", self.memory_bytes),
                ("RLIMIT_CPU", self.cpu_time),
                ("RLIMIT_NPROC", self.processes),
                ("RLIMIT_FSIZE", self.disk_bytes),
                ("RLIMIT_NOFILE", OPEN_FILES),
                ("RLIMIT_CORE", 0)]

    def describe(self) -> str:
        return (f"memory {self.memory} MB, CPU {self.cpu_time} s a process, "
                f"{self.processes} processes, output {self.output} KB a "
                f"cell, disk {self.disk} MB")


def limits_from(args) -> Limits:
    """Limits from `autograde` flags (argparse names = Limit.name)."""
    values = {}
    for limit in LIMITS:
        value = getattr(args, limit.name, None)
        if value is None:
            continue
        if value <= 0:
            example = f"{limit.flag} {limit.default}"
            raise TitoError(
                f"{limit.flag} must be a positive number"
                f"{' of ' + limit.unit if limit.unit else ''}, got {value}",
                hint=f"e.g. {example} (the default)")
        values[limit.name] = value
    return Limits(**values)


# ------------------------------------------------------------- the start


# Runs inside the sandbox, in place of the kernel command. As root (bwrap
# started by root): empty the capability bounding set (prctl
# PR_CAPBSET_DROP), become SANDBOX_UID (which clears the permitted and
# effective sets), clear the inheritable set (capset), and refuse to go on
# if still root. Then set the limits and exec the kernel. `python -I -S`
# runs it, so nothing from the environment or site-packages runs first.
WRAPPER = """\
import ctypes, json, os, resource, sys
cfg = json.loads(sys.argv[1])
if os.getuid() == 0:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            break
    os.setgroups([])
    os.setresgid(cfg["gid"], cfg["gid"], cfg["gid"])
    os.setresuid(cfg["uid"], cfg["uid"], cfg["uid"])
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    libc.capset(header, (ctypes.c_uint32 * 6)())
    if os.getuid() == 0 or os.geteuid() == 0:
        sys.exit("tito sandbox: could not give up root")
for name, value in cfg["limits"]:
    resource.setrlimit(getattr(resource, name), (value, value))
os.execv(sys.argv[2], sys.argv[2:])
"""


@dataclass(frozen=True)
class Sandbox:
    """How to start a kernel in bubblewrap for one module's grading."""

    bwrap: str
    root: Path  # the repository: tinytorch/ comes from here
    limits: Limits = field(default_factory=Limits)
    hidden: tuple[Path, ...] = ()  # package files the kernel must not see
    python: str = sys.executable  # runs the start-up step
    prefixes: tuple[Path, ...] | None = None  # None: this Python's
    privileged: bool | None = None  # bwrap run by root (None: if we are)
    uid: int = SANDBOX_UID  # the kernel's uid when root starts it

    @property
    def as_root(self) -> bool:
        if self.privileged is None:
            return os.geteuid() == 0
        return self.privileged

    def system_mounts(self) -> list[list[str]]:
        """The read-only system and Python environment, /proc, /dev, /tmp."""
        ops = [["--ro-bind", "/usr", "/usr"]]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/") / name
            if path.is_symlink():
                ops.append(["--symlink", os.readlink(path), str(path)])
            elif path.is_dir():
                ops.append(["--ro-bind", str(path), str(path)])
        ops.append(["--ro-bind", "/etc", "/etc"])
        seen = [Path("/usr"), Path("/etc")]
        prefixes = _python_prefixes() if self.prefixes is None \
            else self.prefixes
        for prefix in prefixes:  # each on its own, even under /usr: a
            if prefix in seen:   # mask over the repository may hide it
                continue
            ops.append(["--ro-bind", str(prefix), str(prefix)])
            seen.append(prefix)
        size = str(self.limits.disk_bytes)
        ops += [["--proc", "/proc"], ["--dev", "/dev"],
                ["--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"],
                ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]]
        return ops

    def font_cache_mounts(self) -> list[list[str]]:
        """Matplotlib's font list from this machine, read-only, if usable.

        A fresh HOME would make matplotlib scan the fonts again in every
        kernel (0.2 s). The list is used only when every font it names is
        under /usr or matplotlib's own (so it holds nothing of the
        instructor's and stays valid in the sandbox); the folder around
        it stays writable.
        """
        cache = _matplotlib_cache()
        if cache is None:
            return []
        folder = Path(SANDBOX_HOME) / ".cache" / "matplotlib"
        return [["--perms", "1777", "--dir", str(folder.parent)],
                ["--perms", "1777", "--dir", str(folder)],
                ["--ro-bind", str(cache), str(folder / cache.name)]]

    def package_mounts(self) -> list[list[str]]:
        """tinytorch/ from the repository, minus the hidden files.

        A visible file's compiled copy in __pycache__ comes with it (the
        kernel starts faster); nothing else of __pycache__ does.
        """
        package = self.root / "tinytorch"
        hidden = {Path(p).resolve() for p in self.hidden}
        ops = []
        for dirpath, dirnames, filenames in os.walk(package):
            dirnames[:] = sorted(d for d in dirnames
                                 if d != "__pycache__"
                                 and not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.resolve() in hidden or path.is_symlink() or \
                        not path.is_file():
                    continue
                ops.append(["--ro-bind", str(path), str(path)])
                if path.suffix == ".py":  # its compiled copy, if any
                    cached = Path(importlib.util.cache_from_source(
                        str(path)))
                    if cached.is_file() and not cached.is_symlink():
                        ops.append(["--ro-bind", str(cached),
                                    str(cached)])
        return ops

    def workdir_mounts(self, cwd: Path) -> list[list[str]]:
        """A size-limited tmpfs at `cwd`, with its files read-only.

        Notebooks are left out: the one being graded holds the hidden
        tests, and the kernel gets its cells from tito, not from disk.
        """
        ops = [["--perms", "1777", "--size", str(self.limits.disk_bytes),
                "--tmpfs", str(cwd)]]
        if not cwd.is_dir():
            return ops
        for dirpath, dirnames, filenames in os.walk(cwd):
            dirnames[:] = sorted(d for d in dirnames
                                 if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.endswith(".ipynb") or path.is_symlink() or \
                        not path.is_file():
                    continue
                ops.append(["--ro-bind", str(path), str(path)])
        return ops

    def env(self, parent_env: dict | None = None) -> dict[str, str]:
        """The kernel's whole environment (bwrap starts from an empty one)."""
        parent_env = os.environ if parent_env is None else parent_env
        env = {
            "PATH": os.pathsep.join([str(Path(self.python).parent),
                                     "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": SANDBOX_HOME,
            "TMPDIR": "/tmp",
            "PYTHONPATH": str(self.root),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for name, value in parent_env.items():
            if name in ENV_PASSED or name.startswith("LC_"):
                env[name] = value
        return env

    def command(self, argv: list[str], cwd: Path, *,
                connection: Path | None = None, info_fd: int | None = None,
                parent_env: dict | None = None) -> list[str]:
        """bwrap ... -- python -I -S -c WRAPPER CONFIG argv...

        The sandbox has a network namespace of its own: no network, only
        its own loopback. A kernel talks to tito over ZMQ Unix sockets in
        SANDBOX_RUN, which tito reaches through /proc/PID/root of the
        sandbox; bwrap writes that PID to `info_fd`.
        """
        cwd = Path(cwd)
        args = [self.bwrap, "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-net", "--unshare-cgroup-try",
                "--hostname", "sandbox"]
        if info_fd is not None:
            args += ["--info-fd", str(info_fd)]
        if self.as_root:
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
                     "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
        else:
            args += ["--unshare-user", "--uid", str(SANDBOX_UID),
                     "--gid", str(SANDBOX_GID), "--cap-drop", "ALL"]
        args += ["--clearenv"]
        for name, value in sorted(self.env(parent_env).items()):
            args += ["--setenv", name, value]
        mounts = self.system_mounts() + self.font_cache_mounts()
        mounts += self.package_mounts()
        mounts.append(["--perms", "1777", "--size", str(1 << 20),
                       "--tmpfs", SANDBOX_RUN])
        if connection is not None:
            mounts.append(["--ro-bind", str(connection), CONNECTION_FILE])
        mounts += self.workdir_mounts(cwd)
        mounts += _masks(mounts, [self.root.resolve(), cwd])
        # parents before children (a stable sort keeps everything else)
        mounts.sort(key=lambda op: len(Path(op[-1]).parts))
        args += _layout(mounts) + ["--chdir", str(cwd)]
        config = json.dumps({"uid": self.uid, "gid": SANDBOX_GID,
                             "limits": self.limits.rlimits()})
        return args + ["--", self.python, "-I", "-S", "-c", WRAPPER, config,
                       *argv]


def _masks(mounts: list[list[str]], private: list[Path]) -> list[list[str]]:
    """Empty tmpfs over each `private` path a read-only bind would show.

    A repository (or course) that lives under /usr or inside the Python
    environment (`/usr/src/app`, a venv made at the repository's root)
    would otherwise be visible whole; the mask hides it, and the binds
    below it (tinytorch/, the working folder) are made on top.
    """
    bound = [Path(op[-1]) for op in mounts if op[0] in ("--ro-bind",
                                                        "--bind")]
    masks = []
    for path in private:
        for dest in bound:
            if dest == path or dest in path.parents:
                rel = path.relative_to(dest).parts
                mask = dest / rel[0] if rel else dest
                if mask not in masks:
                    masks.append(mask)
    return [["--perms", "0755", "--tmpfs", str(m)] for m in masks
            if not any(o in m.parents for o in masks)]


def _layout(mounts: list[list[str]]) -> list[str]:
    """The mount operations in order, each after `--dir`s for its parents.

    bwrap would create a missing parent folder itself, but with mode 0700
    and owned by root, which the kernel (not root) cannot get through.
    Folders under a tmpfs are made again after it is mounted.
    """
    made = {Path("/")}
    args = []
    for op in mounts:
        dest = Path(op[-1])
        for parent in reversed(dest.parents):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
        args += op
        if "--tmpfs" in op:
            made = {p for p in made if dest not in p.parents}
        made.add(dest)
    return args


@functools.cache
def _matplotlib_cache() -> Path | None:
    """This user's newest fontlist-v*.json, if all its fonts are under
    /usr or matplotlib's own."""
    base = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser(
            "~/.cache"), "matplotlib")
    found = sorted(Path(base).glob("fontlist-v*.json"),
                   key=lambda p: p.stat().st_mtime)
    if not found or found[-1].is_symlink():
        return None
    try:
        data = json.loads(found[-1].read_text(encoding="utf-8"))
        names = [f["fname"] for key in ("ttflist", "afmlist")
                 for f in data.get(key, [])]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # relative names are matplotlib's own fonts, in its package
    if not names or not all(not str(n).startswith("/") or
                            str(n).startswith("/usr/") for n in names):
        return None
    return found[-1]


def _python_prefixes() -> list[Path]:
    """Folders the interpreter and its packages live in."""
    found = []
    for raw in (sys.prefix, sys.exec_prefix, sys.base_prefix,
                sys.base_exec_prefix,
                os.path.dirname(os.path.realpath(sys.executable))):
        path = Path(raw).resolve()
        if path not in found and path != Path("/"):
            found.append(path)
    return found


# ----------------------------------------------------------- availability


def find_bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def _smoke(bwrap: str, root: str, limits: Limits) -> str | None:
    """None if a sandboxed Python imports NumPy here, else why not."""
    sandbox = Sandbox(bwrap, Path(root), limits)
    with tempfile.TemporaryDirectory(prefix="tito-sandbox-") as tmp:
        argv = sandbox.command([sys.executable, "-c", "import numpy"],
                               Path(tmp))
        try:
            result = subprocess.run(argv, capture_output=True, text=True,
                                    timeout=120, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
    if result.returncode == 0:
        return None
    lines = [ln.strip() for ln in result.stderr.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else f"exit code {result.returncode}"


def unavailable(root: Path, limits: Limits | None = None
                ) -> tuple[str, str] | None:
    """(what is missing, how to fix it), or None when the sandbox works."""
    limits = limits or Limits()
    escape = ("or pass --no-sandbox to grade with your own rights (only "
              "for submissions you trust)")
    if not sys.platform.startswith("linux"):
        return (f"no sandbox for student code on {sys.platform}: tito's "
                "sandbox needs Linux and bubblewrap",
                "grade on Linux (a Debian container will do, with apt-get "
                f"install -y bubblewrap), {escape}")
    bwrap = find_bwrap()
    if bwrap is None:
        return ("no sandbox for student code: bubblewrap (bwrap) is not "
                "installed", f"{INSTALL_HINT}; {escape}")
    problem = _smoke(bwrap, str(root), limits)
    if problem is None:
        return None
    if "MemoryError" in problem or "Cannot allocate" in problem:
        return (f"the sandbox cannot start Python with --memory "
                f"{limits.memory} ({problem})",
                f"raise --memory (default {LIMITS[0].default} MB)")
    return (f"no sandbox for student code: bubblewrap does not start here "
            f"({problem})",
            "bwrap needs root or unprivileged user namespaces (sysctl "
            f"kernel.unprivileged_userns_clone=1); {escape}")


def require(root: Path, limits: Limits | None = None) -> str:
    """The bwrap path, or a TitoError saying how to get a sandbox."""
    missing = unavailable(root, limits)
    if missing:
        raise TitoError(missing[0], hint=missing[1])
    return find_bwrap()


def hidden_package_files(module, modules) -> tuple[Path, ...]:
    """Package files a kernel grading `module` must not see.

    They hold the reference solution (the instructor exported it with
    `tito export --all --reference`): the module's own file and those of
    every module part that is not one of its prerequisites (an optional
    part's prerequisites include its module's core; the core's do not
    include its optional parts).
    """
    from tito.core.project import resolve

    needed = set()
    for name in module.meta.get("prerequisites") or []:
        try:
            needed.add(resolve(module.root, str(name)).slug)
        except TitoError:
            continue
    hidden = []
    for other in modules:
        for part in getattr(other, "all_parts", (other,)):
            if part.slug in needed or part.package_file is None:
                continue
            hidden.append(part.package_file)
    return tuple(hidden)


# --------------------------------------------------- the kernel manager


def _process_tree(pid: int) -> list[int]:
    """`pid` and every descendant.

    From /proc/PID/task/TID/children where the kernel has it, else from
    the parent pid of every process.
    """
    if not os.path.exists(f"/proc/{pid}/task/{pid}/children"):
        return _process_tree_by_ppid(pid)
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
            except OSError:
                continue
    return found


def _process_tree_by_ppid(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def resident_bytes(pids: list[int]) -> int:
    """Memory these processes use together: the sum of their PSS.

    PSS (proportional set size) splits each shared page between the
    processes sharing it, so forked children are not counted twice for
    the pages they share with their parent.
    """
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith(("Pss:", "SwapPss:")):
                        total += int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


class MemoryWatch:
    """Stops a sandbox whose processes together pass the memory limit.

    RLIMIT_AS bounds each process; this bounds their sum (a submission
    that forks and allocates in every child). It reads /proc ten times a
    second and kills bwrap (the sandbox goes with it). bwrap is held by a
    pidfd, so a recycled PID can never be hit; the watch ends with bwrap.
    """

    interval = 0.1

    def __init__(self, pid: int, limit_bytes: int):
        self.pid = pid
        self.limit = limit_bytes
        self.peak = 0
        self.tripped = False
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd: no watch
            self._pidfd = None
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"tito-memory-watch-{pid}")
        self._thread.start()

    def _gone(self) -> bool:
        import select

        return bool(select.select([self._pidfd], [], [], 0)[0])

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval) and not self._gone():
                used = resident_bytes(_process_tree(self.pid)[1:])
                self.peak = max(self.peak, used)
                if used > self.limit and not self._gone():
                    self.tripped = True
                    signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
                    return
        except OSError:
            return
        finally:
            os.close(self._pidfd)

    def stop(self) -> None:
        if self._pidfd is not None:
            self._stop.set()


@functools.cache
def sandbox_kernel_manager_class():
    """AsyncKernelManager that starts every kernel inside `sandbox`."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        sandbox: Sandbox | None = None  # set by tito before the start
        kernel_stream = None  # where the kernel's raw output is copied
        watch: MemoryWatch | None = None
        _scratch: tempfile.TemporaryDirectory | None = None
        _raw = None

        async def _async_pre_start_kernel(self, **kw):
            if self.sandbox is not None and self._scratch is None:
                # ZMQ over Unix sockets inside the sandbox (it has no
                # network); jupyter_client picks their numbers against an
                # empty folder of ours, the kernel binds them in
                # SANDBOX_RUN, and tito connects through /proc (below)
                self._scratch = tempfile.TemporaryDirectory(
                    prefix="tito-kernel-")
                self.transport = "ipc"
                self.cache_ports = False
                self.ip = str(Path(self._scratch.name) / "kernel")
            return await super()._async_pre_start_kernel(**kw)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if self.sandbox is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            # bwrap would die of a SIGINT and take the kernel with it:
            # interrupt through the kernel's control channel instead
            self.kernel_spec.interrupt_mode = "message"
            self._stop_launch()
            scratch = Path(self._scratch.name)
            info = dict(self.get_connection_info())
            info.update(ip=SANDBOX_IPC, transport="ipc",
                        key=_text(info.get("key", b"")))
            connection = scratch / "kernel.json"
            connection.write_text(json.dumps(
                {k: _text(v) for k, v in info.items()}), encoding="utf-8")
            connection.chmod(0o644)
            real = os.path.realpath(self.connection_file)
            argv = [CONNECTION_FILE if a in (real, self.connection_file)
                    else a for a in kernel_cmd]
            cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
            parent_env = kw.get("env") or dict(os.environ)
            kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
            kw["cwd"] = str(scratch)
            # the kernel's own stdout/stderr: a private file, bounded by
            # RLIMIT_FSIZE, copied (cut to the output limit) to the log
            self._raw = tempfile.TemporaryFile(prefix="tito-kernel-out-")
            self.kernel_stream = kw.get("stdout") or self.kernel_stream
            kw["stdout"] = kw["stderr"] = self._raw
            read_end, write_end = os.pipe()
            kw["pass_fds"] = (write_end,)
            command = self.sandbox.command(
                argv, cwd, connection=connection, info_fd=write_end,
                parent_env=parent_env)
            try:
                await super()._async_launch_kernel(command, **kw)
            finally:
                os.close(write_end)
            child = _sandbox_pid(read_end)
            if child is None:
                raise RuntimeError("bubblewrap did not start the sandbox "
                                   "(its message is in the log)")
            self.ip = f"/proc/{child}/root{SANDBOX_IPC}"
            self.watch = MemoryWatch(self.provisioner.process.pid,
                                     self.sandbox.limits.memory_bytes)

        async def _async_cleanup_resources(self, restart=False):
            try:
                await super()._async_cleanup_resources(restart=restart)
            finally:
                self._stop_launch()
                if not restart and self._scratch is not None:
                    self._scratch.cleanup()
                    self._scratch = None

        def _stop_launch(self) -> None:
            """Stop watching the last kernel; keep its raw output."""
            if self.watch is not None:
                self.watch.stop()
            if self._raw is not None:
                _copy_capped(self._raw, self.kernel_stream,
                             self.sandbox.limits.output_bytes
                             if self.sandbox else 0)
                self._raw.close()
                self._raw = None

        def stopped_for_memory(self) -> bool:
            return bool(self.watch and self.watch.tripped)

    SandboxKernelManager.__module__ = __name__
    return SandboxKernelManager


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _sandbox_pid(fd: int, wait: float = 60.0) -> int | None:
    """The host PID of the sandbox's init, from bwrap's --info-fd."""
    import select

    data = b""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
            try:
                return int(json.loads(data.decode())["child-pid"])
            except (ValueError, KeyError):
                continue
    finally:
        os.close(fd)
    return None


def _copy_capped(raw, stream, cap: int) -> None:
    """Copy at most `cap` bytes of the kernel's raw output to `stream`."""
    if stream is None:
        return
    try:
        raw.flush()
        size = raw.seek(0, os.SEEK_END)
        raw.seek(0)
        data = raw.read(cap)
    except (OSError, ValueError):
        return
    if not data:
        return
    text = data.decode("utf-8", errors="replace")
    stream.write(text if text.endswith("\n") else text + "\n")
    if size > cap:
        stream.write(f"[tito: the kernel wrote {size} bytes of raw output; "
                     f"only the first {cap} are kept]\n")
    stream.flush()
