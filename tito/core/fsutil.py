"""File operations that never lose work: atomic writes, named backups, a lock."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tito.core.errors import TitoError


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder.

    Readers see the old file or the new one, never half of either; a crash
    leaves no partial file behind (the temporary file is removed).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                   dir=path.parent)
    except PermissionError:
        raise TitoError(f"cannot write to {path.parent} (permission denied)",
                        hint="check the folder's permissions (chmod u+w)") \
            from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def drop_cached_bytecode(source: Path) -> None:
    """Delete the compiled copy of `source` in its __pycache__ folder.

    Python trusts a cached .pyc whose recorded source mtime (in whole
    seconds) and size still match; after a rewrite of `source` that check
    alone could, in a rare case, keep old code. Dropping the copy rules
    that out.
    """
    import importlib.util

    Path(importlib.util.cache_from_source(str(source))).unlink(
        missing_ok=True)


def timestamp() -> str:
    """Sortable and readable; includes microseconds so two never collide."""
    now = time.time()
    micro = int((now % 1) * 1_000_000)
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"-{micro:06d}"


def backup(path: Path, backups_dir: Path, kind: str | None = None) -> Path:
    """Copy `path` to `backups_dir/<stem>.<timestamp>[.<kind>]<suffix>`.

    `kind` says why the copy was made (tito notebook uses `reset` and
    `restore`); it is part of the name, so a listing shows it.
    """
    backups_dir.mkdir(parents=True, exist_ok=True)
    tag = f".{kind}" if kind else ""
    target = backups_dir / f"{path.stem}.{timestamp()}{tag}{path.suffix}"
    shutil.copy2(path, target)
    return target


def same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold identical bytes (False if one is missing)."""
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


@contextmanager
def exclusive_lock(lock_path: Path, what: str, wait: float = 60.0):
    """Hold an exclusive lock file for the duration of a write.

    Two `tito export` runs at once queue up instead of racing; after `wait`
    seconds the second one gives up with a clear error. `filelock` works
    the same on Linux, macOS and Windows.
    """
    import warnings

    with warnings.catch_warnings():
        # where the OS offers no file locking, filelock warns that it falls
        # back to a lock file it creates and deletes; that still works
        warnings.simplefilter("ignore", UserWarning)
        from filelock import FileLock, Timeout

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=wait)
    try:
        lock.acquire(poll_interval=0.05)
    except Timeout:
        raise TitoError(f"another tito process is still {what}",
                        hint="wait for it to finish, then run this again") \
            from None
    try:
        yield
    finally:
        lock.release()
