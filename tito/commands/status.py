"""Show, per notebook, how many TODOs are done, what is exported and what passed.

One row per notebook of a module (the core, and an optional stretch
notebook). TODOs: the solution cells of your notebook that no longer hold
their `raise NotImplementedError` stub, out of all of them. package: where
its package file was exported from, and whether your notebook changed
since. last test: the result of the last `tito test` on this machine.
"""

from __future__ import annotations

import json

from tito.core.cli import add_module_args

EXAMPLES = """\
examples:
  tito status
  tito status --module 04
"""


def add_arguments(parser) -> None:
    add_module_args(parser, allow_all=False)


def _todos(part) -> str:
    """`3/4` TODOs done in the learner's notebook; `-` without one."""
    from tito.core.errors import TitoError
    from tito.core.notebooks import load_notebook, todo_counts

    if not part.notebook.exists():
        return "-"
    try:
        done, total = todo_counts(load_notebook(part.notebook))
    except TitoError:
        return "unreadable"
    return f"{done}/{total}"


def run(args) -> int:
    from tito.core.exporter import provenance
    from tito.core.project import discover, find_root, resolve

    root = find_root()
    modules = [resolve(root, args.module)] if args.module else discover(root)
    try:
        results = json.loads((root / ".tito" / "status.json").read_text(
            encoding="utf-8"))
    except (OSError, ValueError):
        results = {}
    print(f"{'notebook':<20}{'started':<9}{'TODOs done':<12}"
          f"{'package':<36}last test")
    for module in modules:
        for part in module.parts:
            started = "yes" if part.notebook.exists() else "-"
            last = results.get(part.slug)
            if last:
                word = last.get("result") or (
                    "pass" if last.get("passed") else "FAIL")
                tested = f"{word.lower()} ({last.get('time', '?')})"
            else:
                tested = "never"
            name = part.slug + (" *" if part.optional else "")
            print(f"{name:<20}{started:<9}{_todos(part):<12}"
                  f"{provenance(part).summary():<36}{tested}")
    if any(p.optional for m in modules for p in m.parts):
        print("* optional (extra points)")
    return 0
