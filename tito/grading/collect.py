"""Student notebooks from files, folders and zip archives, into submitted/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tito.core.errors import TitoError
from tito.core.fsutil import backup
from tito.grading.course import STUDENT_RE, Course


@dataclass
class Incoming:
    """One student notebook found by `collect`."""

    student: str
    data: bytes
    origin: str


def find_incoming(paths: list[Path], slug: str,
                  student: str | None) -> tuple[list[Incoming], list[str]]:
    """Student notebooks in files, folders and zip archives.

    Layouts: STUDENT.ipynb; a folder of STUDENT.ipynb files; a folder of
    STUDENT/ folders holding one notebook each (or NN_name.ipynb among
    several); a .zip holding either layout. Returns (found, skipped).
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
            entries = [((path.name,), path.read_bytes(), str(path))]
        else:
            raise TitoError(f"{path} is not a notebook, folder or .zip",
                            hint="give STUDENT.ipynb files, folders of "
                            "them, or .zip archives")
        for item, why in _assign_students(entries, slug, student):
            (found.append(item) if why is None else skipped.append(why))
    return found, skipped


def _dir_entries(folder: Path):
    out = []
    for p in sorted(folder.rglob("*.ipynb")):
        rel = p.relative_to(folder).parts
        if any(part.startswith(".") for part in rel):
            continue  # .ipynb_checkpoints and hidden folders
        out.append((rel, p.read_bytes(), str(p)))
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
        for info in archive.infolist():
            name = info.filename
            parts = tuple(p for p in name.replace("\\", "/").split("/")
                          if p)
            if (info.is_dir() or not name.endswith(".ipynb")
                    or name.startswith("/") or ".." in parts
                    or any(p.startswith(".") or p == "__MACOSX"
                           for p in parts)):
                continue
            out.append((parts, archive.read(info), f"{path}:{name}"))
    return out


def _assign_students(entries, slug: str, student: str | None):
    """Map (parts, data, origin) entries to students."""
    by_folder: dict[str, list] = {}
    for parts, data, origin in entries:
        if student:
            yield Incoming(student, data, origin), None
        elif len(parts) == 1:
            yield _incoming(Path(parts[0]).stem, data, origin)
        else:
            by_folder.setdefault(parts[0], []).append((parts, data, origin))
    for folder, items in sorted(by_folder.items()):
        if len(items) > 1:
            named = [it for it in items if it[0][-1] == f"{slug}.ipynb"]
            if len(named) != 1:
                names = ", ".join("/".join(it[0]) for it in items)
                yield None, (f"{folder}: several notebooks ({names}) and "
                             f"none is {slug}.ipynb; skipped")
                continue
            items = named
        _, data, origin = items[0]
        yield _incoming(folder, data, origin)


def _incoming(student: str, data: bytes, origin: str):
    if not STUDENT_RE.match(student):
        return None, (f"{origin}: '{student}' is not a usable student id "
                      "(letters, digits, _ . @ -); skipped")
    return Incoming(student, data, origin), None


def place_submission(course: Course, slug: str,
                     item: Incoming) -> tuple[str, Path | None]:
    """Write a submission; back up a different one that was there.

    Returns (state, backup path): state is 'new', 'updated' or
    'unchanged'.
    """
    target = course.submission(item.student, slug)
    saved = None
    if target.exists():
        if target.read_bytes() == item.data:
            return "unchanged", None
        saved = backup(target, course.backups / "submitted" / item.student)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(item.data)
    tmp.replace(target)
    return ("updated" if saved else "new"), saved
