"""Show which modules are started, exported and passing.

started: your notebook exists in modules/. package: where tinytorch/core/NAME.py
was exported from, and whether your notebook changed since. last test: the
result of the last `tito test` of that module on this machine.
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


def _package_state(module) -> str:
    from tito.core.exporter import notebook_digest, read_origin
    from tito.core.notebooks import load_notebook

    pkg = module.package_file
    if pkg is None or not pkg.exists():
        return "not exported"
    origin = read_origin(pkg)
    if origin is None:
        return "unknown origin"
    source, digest = origin
    if source == module.rel(module.source):
        return "reference"
    if module.notebook.exists() and source == module.rel(module.notebook):
        try:
            nb = load_notebook(module.notebook, source)
            fresh = notebook_digest(nb, source)
        except Exception:
            return "yours (notebook now broken)"
        return "yours" if fresh == digest else "yours (notebook changed since)"
    return f"from {source}"


def run(args) -> int:
    from tito.core.project import discover, find_root, resolve

    root = find_root()
    modules = [resolve(root, args.module)] if args.module else discover(root)
    try:
        results = json.loads((root / ".tito" / "status.json").read_text(
            encoding="utf-8"))
    except (OSError, ValueError):
        results = {}
    print(f"{'module':<18}{'notebook':<12}{'package':<34}last test")
    for module in modules:
        started = "started" if module.notebook.exists() else "-"
        last = results.get(module.slug)
        if last:
            verdict = "pass" if last.get("passed") else "FAIL"
            tested = f"{verdict} ({last.get('time', '?')})"
        else:
            tested = "never"
        print(f"{module.slug:<18}{started:<12}{_package_state(module):<34}"
              f"{tested}")
    return 0
