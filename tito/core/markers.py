"""The marker format of a module source, and the stubs it becomes, in one place.

A solution cell holds its reference code between `### BEGIN SOLUTION` and
`### END SOLUTION`; a graded test cell may hold checks the learner must not
see between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`. Each marker
stands alone on its line (CONTRIBUTING.md). nbgrader reads the same markers
(its ClearSolutions/ClearHiddenTests delimiters are set to them).

Learner notebooks replace each solution region with a stub,
`raise NotImplementedError("<grade_id>: <where> is not implemented yet. ...")`;
`stub_grade_id` reads the grade_id back from such a message, and a grade_id
with `-stretch-` marks an optional part.

Notebook generation, export, lint, `tito check`, `tito status`, `tito test`,
the test hooks and grading all read the format through this module.
"""

from __future__ import annotations

import re

from tito.core.cells import enclosing_name

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
SOLUTION = (BEGIN_SOLUTION, END_SOLUTION)
HIDDEN = (BEGIN_HIDDEN, END_HIDDEN)
MARKERS = SOLUTION + HIDDEN

# a region line shorter than this, or a comment, says nothing about a leak
# (`return x`, `)`, `# step 2`)
TELLING_LENGTH = 10


def marker_lines(source: str) -> list[tuple[int, str]]:
    """(1-based line number, stripped line) of every line naming a marker."""
    return [(number, line.strip())
            for number, line in enumerate(source.split("\n"), start=1)
            if any(marker in line for marker in MARKERS)]


def unbalanced(source: str, begin: str, end: str) -> str | None:
    """What is wrong with the `begin`/`end` pairs of `source`, or None.

    Regions do not nest; at least one pair must be there.
    """
    depth = pairs = 0
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == begin:
            if depth:
                return f"'{begin}' inside another one"
            depth = 1
        elif stripped == end:
            if not depth:
                return f"'{end}' without '{begin}'"
            depth = 0
            pairs += 1
    if depth:
        return f"'{begin}' is never closed"
    return None if pairs else f"no '{begin}' / '{end}' pair"


def region_lines(source: str, begin: str,
                 end: str) -> tuple[list[str], list[str]]:
    """(telling lines inside the regions, lines outside them), stripped.

    Telling lines are the ones that would give a solution away: at least
    TELLING_LENGTH characters and not a comment. Lists keep repeats, so a
    caller can compare counts.
    """
    inside, outside, within = [], [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == begin:
            within = True
        elif stripped == end:
            within = False
        elif stripped:
            (inside if within else outside).append(stripped)
    inside = [s for s in inside
              if len(s) >= TELLING_LENGTH and not s.startswith("#")]
    return inside, outside


def strip_region(source: str, begin: str, end: str) -> str:
    """Remove every `begin ... end` region, markers included."""
    out, skipping = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == begin:
            skipping = True
            continue
        if stripped == end:
            skipping = False
            continue
        if not skipping:
            out.append(line)
    return "\n".join(out)


def drop_solution_markers(source: str) -> tuple[str, list[int]]:
    """The source without its solution marker lines (the code stays).

    Also returns, for every kept line, its 0-based line in `source`.
    """
    kept, origin = [], []
    for number, line in enumerate(source.split("\n")):
        if line.strip() not in SOLUTION:
            kept.append(line)
            origin.append(number)
    return "\n".join(kept), origin


# ------------------------------------------------------------------ stubs

STUB_COMMENT = "# YOUR CODE HERE"
# the message `stub_solutions` puts in every unwritten part
STUB_RE = re.compile(r"^([\w-]+): .* not implemented yet\.")
# a stub's raise line as it stands in a cell
_STUB_LINE_RE = re.compile(
    r"""^\s*raise\s+NotImplementedError\(\s*(['"])(.*)\1\s*\)\s*$""")


def stub_message(grade_id: str, where: str | None) -> str:
    what = f"{where} is" if where else "this part is"
    return (f"{grade_id}: {what} not implemented yet. Read the TODO above, "
            "write your code here, and run this cell and its test again")


def stub_grade_id(message: str) -> str | None:
    """The grade_id in a stub's NotImplementedError message, or None."""
    match = STUB_RE.match(message)
    return match.group(1) if match else None


def is_optional_part(grade_id: str) -> bool:
    """Whether a grade_id marks an optional (stretch) part (CONTRIBUTING)."""
    return "-stretch-" in grade_id


def stub_solutions(source: str, grade_id: str) -> str:
    """Replace each solution region with `raise NotImplementedError(...)`."""
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == BEGIN_SOLUTION:
            indent = len(line) - len(line.lstrip())
            pad = line[:indent]
            message = stub_message(grade_id,
                                   enclosing_name(lines, i, indent))
            out.append(f"{pad}{STUB_COMMENT}")
            out.append(f"{pad}raise NotImplementedError({message!r})")
            j = i + 1
            while j < len(lines) and lines[j].strip() != END_SOLUTION:
                j += 1
            i = j + 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def stubs_left(source: str) -> int:
    """How many of the stubs `stub_solutions` wrote are still in `source`."""
    count = 0
    for line in source.split("\n"):
        match = _STUB_LINE_RE.match(line)
        if match and stub_grade_id(match.group(2)) is not None:
            count += 1
    return count
