"""`tito`: the course command line.

Commands live one per file under tito/commands/; COMMANDS below is the one
registry and sets the order of `tito --help`. Command modules import their
heavy dependencies inside `run`, so `tito --help` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name, module, one-line summary (shown by `tito --help`)
COMMANDS = [
    ("notebook", "tito.commands.notebook",
     "create your notebooks for a module (or reset/restore them, with "
     "backups)"),
    ("export", "tito.commands.export",
     "build the tinytorch package files from your notebooks"),
    ("test", "tito.commands.test",
     "run a module's inline notebook tests, then its package tests"),
    ("status", "tito.commands.status",
     "show per notebook: TODOs done, what is exported, last test"),
    ("nbgrader", "tito.commands.nbgrader",
     "instructors: release, autograde and report with nbgrader"),
    ("check", "tito.commands.check",
     "course authors: lint sources, build notebooks, check for leaks and "
     "drift"),
    ("book", "tito.commands.book",
     "build the course book (HTML) from module guides and learner notebooks"),
    ("bench", "tito.commands.bench",
     "benchmark a module against NumPy baselines and PyTorch"),
]

EPILOG = """\
a learner's loop:
  tito notebook --module 04_losses   # once: your notebooks in modules/04_losses/
  tito export --module 04_losses     # notebooks -> tinytorch/core/losses*.py
  tito test --module 04_losses       # inline tests, then tests/04_losses

--module accepts 04, losses or 04_losses (every notebook of the module), or
04_losses_stretch (the optional notebook alone). Run `tito COMMAND --help`.
"""


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from loading `rfc3987_syntax` (1.3 s to import).

    nbformat validates notebooks with jsonschema, which imports that package,
    when installed, only to check IRI string formats; notebooks use none.
    Marking it absent makes jsonschema skip that one format check.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tito",
        description="TinyTorch course tools: build, export and test modules.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from tito import __version__

    parser.add_argument("--version", action="version",
                        version=f"tito {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, summary in COMMANDS:
        module = importlib.import_module(module_name)
        p = sub.add_parser(
            name,
            help=summary,
            description=module.__doc__.strip().splitlines()[0],
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from tito.core.errors import TitoError

    skip_slow_optional_imports()

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except TitoError as exc:
        print(f"tito {args.command}: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"tito {args.command}: interrupted; nothing was half-written "
              "(tito writes files atomically)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
