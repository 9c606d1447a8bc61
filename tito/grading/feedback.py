"""Feedback pages that work offline, and whether they are up to date.

nbgrader's feedback template loads MathJax from a CDN, so offline (and
wherever the CDN is blocked) formulas show as raw LaTeX. `offline_math`
rewrites a page to load MathJax 3 from a file beside it: `mathjax.js`,
the single-file `tex-svg.js` component (SVG output needs no web fonts)
shipped by the `sphinx-mathjax-offline` package (in the grading extra).
The copy is a hard link to one file in feedback/ where the filesystem
allows it, so a class costs the disk space of one copy; each student's
folder still works on its own (nbgrader hands out that folder).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tito.core.fsutil import atomic_write_text
from tito.grading.course import Course

MATHJAX_FILE = "mathjax.js"
_CDN_SCRIPT = re.compile(
    r'<script[^>]*\ssrc="https?://[^"]*mathjax[^"]*"[^>]*>\s*</script>',
    re.IGNORECASE)
_CONFIG_SCRIPT = re.compile(
    r'<script type="text/x-mathjax-config">.*?</script>', re.DOTALL)
LOCAL = """<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']],
        displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true},
  options: {enableMenu: false},
  startup: {typeset: true}
};
</script>
<script src="%s" async></script>"""


def mathjax_source() -> Path | None:
    """tex-svg.js of the installed sphinx-mathjax-offline, if any."""
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline") or \
        importlib.util.find_spec("sphinx_mathjax_offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "static" / "mathjax" / "tex-svg.js"
        if path.is_file():
            return path
    return None


def offline_math(course: Course, html: Path) -> bool:
    """Point `html` at a local MathJax; False if there is none to use."""
    source = mathjax_source()
    if source is None:
        return False
    text = html.read_text(encoding="utf-8")
    if not _CDN_SCRIPT.search(text):
        return True
    text = _CONFIG_SCRIPT.sub("", text)
    text = _CDN_SCRIPT.sub(lambda _: LOCAL % MATHJAX_FILE, text, count=1)
    shared = course.path / "feedback" / f".{MATHJAX_FILE}"
    _place(shared, source, link=False)  # never a link into the venv
    _place(html.parent / MATHJAX_FILE, shared)
    atomic_write_text(html, text)
    return True


def _place(target: Path, source: Path, link: bool = True) -> None:
    """`target` holds the bytes of `source`: a hard link, else a copy."""
    if target.is_file() and target.stat().st_size == \
            source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        if not link:
            raise OSError
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    tmp.replace(target)


def feedback_state(course: Course, slug: str, student: str) -> str:
    """'current', 'stale' (graded again since) or 'none'."""
    html = course.feedback(student, slug)
    graded = course.autograded(student, slug)
    if not html.is_file():
        return "none"
    if graded.is_file() and graded.stat().st_mtime > html.stat().st_mtime:
        return "stale"
    return "current"
