"""What a submission changed that it must not have, and how its run went."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tito.grading.course import STUDENT_RE, Course
from tito.grading.execute import DEAD_KERNEL_ERROR, TIMEOUT_ERRORS
from tito.grading.notebooks import nbgrader_meta, read_notebook


@dataclass
class SubmissionCheck:
    """What a submission changed that it must not have."""

    student: str
    path: Path
    unreadable: str | None = None
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    deleted_locked: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # cell kinds, in order

    @property
    def gradable(self) -> bool:
        return self.unreadable is None

    def findings(self) -> list[str]:
        """One line per finding, for the instructor."""
        lines = []
        if self.unreadable:
            lines.append(f"{self.unreadable}; not graded")
        for gid in self.edited:
            lines.append(f"locked cell {gid} was edited (nbgrader grades "
                         "the released version instead)")
        for gid in self.deleted_locked:
            lines.append(f"locked cell {gid} was deleted (nbgrader puts "
                         "graded cells back and grades them)")
        other = [g for g in self.missing if g not in self.deleted_locked]
        if other:
            lines.append("cells deleted: " + ", ".join(other))
        if self.duplicated:
            lines.append("cells duplicated (the first copy counts): "
                         + ", ".join(self.duplicated))
        if self.unknown:
            lines.append("cells with grade_ids not in the release: "
                         + ", ".join(self.unknown))
        if self.added:
            kinds = {k: self.added.count(k) for k in sorted(set(self.added))}
            said = ", ".join(f"{n} {k}" for k, n in kinds.items())
            runs = " (added code runs when graded)" if "code" in kinds \
                else ""
            lines.append(f"cells added: {len(self.added)} ({said}){runs}")
        if self.metadata:
            lines.append("nbgrader metadata changed: "
                         + ", ".join(self.metadata)
                         + " (nbgrader may refuse to grade it)")
        return lines


FLAGS = ("grade", "solution", "locked", "task", "points", "schema_version")


def _flags(meta: dict) -> dict:
    return {key: meta.get(key) for key in FLAGS}


class Reference(dict):
    """grade_id -> what the release says about that cell; `cells`: the
    release's cells without a grade_id, by id (None when it has none)."""

    plain: list = []


def release_reference(release_nb) -> Reference:
    """What a submission is checked against (see Reference)."""
    from nbgrader.utils import compute_checksum, is_locked

    ref = Reference()
    ref.plain = [cell.get("id") for cell in release_nb.cells
                 if not nbgrader_meta(cell).get("grade_id")]
    for cell in release_nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if not gid:
            continue
        ref[gid] = {"locked": bool(is_locked(cell)),
                    "checksum": compute_checksum(cell),
                    "cell_type": cell.cell_type,
                    "flags": _flags(meta)}
    return ref


def check_submission(student: str, path: Path,
                     reference: dict[str, dict]) -> SubmissionCheck:
    """Compare a submission with the release, using nbgrader's checksums."""
    from nbgrader.utils import compute_checksum

    result = SubmissionCheck(student, path)
    if not STUDENT_RE.match(student):
        result.unreadable = (f"'{student}' is not a usable student id "
                             "(letters, digits, _ . @ -)")
        return result
    nb, why = read_notebook(path)
    if nb is None:
        result.unreadable = f"{path.name}: {why}"
        return result
    seen: dict[str, int] = {}
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        seen[gid] = seen.get(gid, 0) + 1
        if gid not in reference:
            result.unknown.append(gid)
            continue
        if seen[gid] > 1:
            continue
        ref = reference[gid]
        changed = sorted(k for k, v in _flags(nbgrader_meta(cell)).items()
                         if v != ref["flags"][k])
        if changed:
            result.metadata.append(f"{gid} ({', '.join(changed)})")
        if not ref["locked"]:
            continue
        try:
            changed = compute_checksum(cell) != ref["checksum"]
        except Exception:  # metadata mangled beyond nbgrader's reading
            changed = True
        if changed or cell.cell_type != ref["cell_type"]:
            result.edited.append(gid)
    result.added = _added_cells(nb, getattr(reference, "plain", []))
    result.duplicated = sorted(g for g, n in seen.items()
                               if n > 1 and g in reference)
    result.missing = [g for g in reference if g not in seen]
    result.deleted_locked = [g for g in result.missing
                             if reference[g]["locked"]]
    return result


def _added_cells(nb, plain: list) -> list[str]:
    """Kinds of the cells without a grade_id that the release did not
    have: by cell id when every cell has one, else by count."""
    mine = [cell for cell in nb.cells
            if not nbgrader_meta(cell).get("grade_id")]
    if all(cell.get("id") for cell in mine) and all(plain):
        known = set(plain)
        return [cell.cell_type for cell in mine
                if cell.get("id") not in known]
    extra = len(mine) - len(plain)
    return [cell.cell_type for cell in mine[len(mine) - extra:]] \
        if extra > 0 else []


def execution_incidents(course: Course, student: str,
                        slug: str) -> list[str]:
    """Cells of a graded notebook that timed out or killed the kernel."""
    nb, _ = read_notebook(course.autograded(student, slug))
    if nb is None:
        return []
    found = []
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id") or cell.get("id", "?")
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            if out.get("ename") in TIMEOUT_ERRORS:
                found.append(f"{gid} timed out")
                break
            if out.get("ename") == DEAD_KERNEL_ERROR:
                found.append(f"{gid} crashed the kernel")
                break
    return found
