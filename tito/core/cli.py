"""Argument helpers shared by the commands."""

from __future__ import annotations


def add_module_args(parser, allow_all: bool = True) -> None:
    parser.add_argument(
        "-m", "--module", metavar="M",
        help="module to act on: 04, losses or 04_losses (all its "
        "notebooks), or one optional notebook: 04_losses_stretch")
    if allow_all:
        parser.add_argument("--all", action="store_true",
                            help="act on every module, in order")


def modules_from(args):
    """The project root and the modules the arguments name."""
    from tito.core.project import find_root, select

    root = find_root()
    return root, select(root, args.module, getattr(args, "all", False))
