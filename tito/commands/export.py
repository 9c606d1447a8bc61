"""Build a module's package file (tinytorch/core/NAME.py) from your notebook.

Uses modules/NN_name/NN_name.ipynb when it exists, otherwise the reference
solution in src/ (and says so). The package file is replaced only when the new
code imports; otherwise the old file stays and the error names the cell.
"""

from __future__ import annotations

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito export --module 04_losses      # your notebook -> tinytorch/core/losses.py
  tito export --module 04 --reference # the reference solution from src/ instead
  tito export --all --reference       # course authors: regenerate every package file
"""


def add_arguments(parser) -> None:
    add_module_args(parser)
    parser.add_argument("--reference", action="store_true",
                        help="export the reference solution from src/ even "
                        "if you have a notebook")


def export_module(module, reference: bool = False, quiet: bool = False):
    """Export one module; returns the ExportResult."""
    from tito.core.exporter import export
    from tito.core.notebooks import instructor_notebook, load_notebook

    if module.notebook.exists() and not reference:
        label = module.rel(module.notebook)
        nb = load_notebook(module.notebook, label)
        origin = "learner"
    else:
        label = module.rel(module.source)
        if not quiet:
            if reference:
                print(f"• {module.slug}: exporting the reference solution "
                      f"from {label} (--reference)")
            else:
                print(f"• {module.slug}: no notebook of yours yet at "
                      f"{module.rel(module.notebook)}; exporting the "
                      f"reference solution from {label}")
        nb = instructor_notebook(module)
        origin = "reference"
    result = export(module, nb, label, origin)
    if not quiet:
        state = "updated" if result.changed else "unchanged"
        print(f"✓ {label} → {module.rel(result.target)} ({state})")
    return result


def run(args) -> int:
    _, modules = modules_from(args)
    for module in modules:
        export_module(module, reference=args.reference)
    return 0
