"""Student notebooks from files, folders and zip archives, into submitted/.

Each submission is copied byte for byte to
submitted/STUDENT/NN_name/NN_name.ipynb, with the time it was handed in
beside it in timestamp.txt (tito.grading.late), where nbgrader reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tito.core.errors import TitoError
from tito.core.fsutil import atomic_write_text, backup
from tito.grading.course import STUDENT_RE, Course
from tito.grading.late import (TIMESTAMP_FILE, parse_stamp, stamp,
                               stamp_of_mtime)


@dataclass
class Incoming:
    """One student notebook found by `collect`."""

    student: str
    data: bytes
    origin: str
    timestamp: str = ""  # when it was handed in (nbgrader's format, UTC)
    stamp_from: str = "mtime"  # 'timestamp.txt' or 'mtime'


@dataclass
class _Entry:
    parts: tuple[str, ...]  # the path below what was given
    data: bytes
    origin: str
    timestamp: str
    stamp_from: str


def find_incoming(paths: list[Path], slug: str,
                  student: str | None) -> tuple[list[Incoming], list[str]]:
    """Student notebooks in files, folders and zip archives.

    Layouts: STUDENT.ipynb; a folder of STUDENT.ipynb files; a folder of
    STUDENT/ folders holding one notebook each (or NN_name.ipynb among
    several), also as nbgrader's exchange names them
    (STUDENT+NN_name+TIME/); a .zip holding either layout. Returns
    (found, skipped).
    """
    found: list[Incoming] = []
    skipped: list[str] = []
    if student and (len(paths) != 1 or paths[0].suffix != ".ipynb"):
        raise TitoError("--student names the student of one .ipynb file",
                        hint="give exactly one notebook with --student, or "
                        "name files STUDENT.ipynb")
    for path in paths:
        if not path.exists():
            raise TitoError(f"{path} does not exist",
                            hint="give notebooks, folders or .zip files")
        if path.is_dir():
            entries = _dir_entries(path)
        elif path.suffix == ".zip":
            entries = _zip_entries(path)
        elif path.suffix == ".ipynb":
            entries = [_file_entry(path, (path.name,))]
        else:
            raise TitoError(f"{path} is not a notebook, folder or .zip",
                            hint="give STUDENT.ipynb files, folders of "
                            "them, or .zip archives")
        for item, why in _assign_students(entries, slug, student):
            (found.append(item) if why is None else skipped.append(why))
    return found, skipped


def _file_entry(path: Path, parts: tuple[str, ...],
                own_folder: bool = True) -> _Entry:
    """A notebook on disk; handed in at the time in its folder's
    timestamp.txt (when the folder is the student's own and the file is
    readable), else at its modification time."""
    data = path.read_bytes()
    beside = path.parent / TIMESTAMP_FILE
    if own_folder and beside.is_file():
        text = beside.read_text(encoding="utf-8", errors="replace")
        if parse_stamp(text) is not None:
            return _Entry(parts, data, str(path), text.strip(),
                          TIMESTAMP_FILE)
    return _Entry(parts, data, str(path), stamp_of_mtime(
        path.stat().st_mtime), "mtime")


def _dir_entries(folder: Path):
    out = []
    for p in sorted(folder.rglob("*.ipynb")):
        rel = p.relative_to(folder).parts
        if any(part.startswith(".") for part in rel):
            continue  # .ipynb_checkpoints and hidden folders
        out.append(_file_entry(p, rel, own_folder=len(rel) > 1))
    return out


def _zip_entries(path: Path):
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise TitoError(f"{path} is not a readable .zip archive",
                        hint="re-download it, or unpack it and give the "
                        "folder") from None
    out = []
    with archive:
        names = set(archive.namelist())
        for info in archive.infolist():
            name = info.filename
            parts = tuple(p for p in name.replace("\\", "/").split("/")
                          if p)
            if (info.is_dir() or not name.endswith(".ipynb")
                    or name.startswith("/") or ".." in parts
                    or any(p.startswith(".") or p == "__MACOSX"
                           for p in parts)):
                continue
            beside = "/".join(name.split("/")[:-1] + [TIMESTAMP_FILE])
            text = archive.read(beside).decode("utf-8", "replace") \
                if len(parts) > 1 and beside in names else ""
            if parse_stamp(text) is not None:
                when, source = text.strip(), TIMESTAMP_FILE
            else:  # the archive's time of the file, local time
                when, source = stamp(datetime(*info.date_time)), "mtime"
            out.append(_Entry(parts, archive.read(info), f"{path}:{name}",
                              when, source))
    return out


def _assign_students(entries: list[_Entry], slug: str, student: str | None):
    """Map entries to students."""
    by_folder: dict[str, list[_Entry]] = {}
    for entry in entries:
        if student:
            yield _incoming(student, entry, check=False)
        elif len(entry.parts) == 1:
            yield _incoming(Path(entry.parts[0]).stem, entry)
        else:
            by_folder.setdefault(entry.parts[0], []).append(entry)
    for folder, items in sorted(by_folder.items()):
        if len(items) > 1:
            named = [it for it in items if it.parts[-1] == f"{slug}.ipynb"]
            if len(named) != 1:
                names = ", ".join("/".join(it.parts) for it in items)
                yield None, (f"{folder}: several notebooks ({names}) and "
                             f"none is {slug}.ipynb; skipped")
                continue
            items = named
        # nbgrader's exchange names a submission STUDENT+ASSIGNMENT+TIME
        yield _incoming(folder.split("+")[0] if "+" in folder else folder,
                        items[0])


def _incoming(student: str, entry: _Entry, check: bool = True):
    if check and not STUDENT_RE.match(student):
        return None, (f"{entry.origin}: '{student}' is not a usable "
                      "student id (letters, digits, _ . @ -); skipped")
    return Incoming(student, entry.data, entry.origin, entry.timestamp,
                    entry.stamp_from), None


def place_submission(course: Course, slug: str,
                     item: Incoming) -> tuple[str, Path | None]:
    """Write a submission and its timestamp.txt; back up a different one
    that was there (with its timestamp.txt).

    Returns (state, backup path): state is 'new', 'updated' or
    'unchanged' (then the time it was first handed in stays).
    """
    target = course.submission(item.student, slug)
    when = target.parent / TIMESTAMP_FILE
    saved = None
    if target.exists():
        if target.read_bytes() == item.data:
            if not when.exists() and item.timestamp:
                atomic_write_text(when, item.timestamp + "\n")
            return "unchanged", None
        folder = course.backups / "submitted" / item.student
        saved = backup(target, folder)
        if when.exists():
            backup(when, folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(item.data)
    tmp.replace(target)
    if item.timestamp:
        atomic_write_text(when, item.timestamp + "\n")
    return ("updated" if saved else "new"), saved


def handed_in(course: Course, slug: str, student: str) -> datetime | None:
    """When the student handed the submission in (naive UTC), if known."""
    path = course.submission(student, slug).parent / TIMESTAMP_FILE
    try:
        return parse_stamp(path.read_text(encoding="utf-8"))
    except OSError:
        return None
