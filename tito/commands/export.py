"""Build a module's package files (tinytorch/core/NAME.py) from your notebooks.

Each notebook of a module exports to its own package file: Module 04's core
notebook to tinytorch/core/losses.py, its optional stretch notebook to
tinytorch/core/losses_stretch.py (unwritten stubs export too: they raise
NotImplementedError when called). A notebook of yours is used when it
exists, otherwise the reference solution in src/ (and tito says so). A
package file is replaced only when the new code imports; otherwise the old
file stays and the error names the TODO, the function and the line.
"""

from __future__ import annotations

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito export --module 04_losses          # both notebooks -> losses*.py
  tito export --module 04_losses_stretch  # only the stretch notebook
  tito export --all --reference           # course authors: all from src/
"""


def add_arguments(parser) -> None:
    add_module_args(parser)
    parser.add_argument("--reference", action="store_true",
                        help="course authors: export the reference solution "
                        "from src/ even where you have a notebook (replaces "
                        "the export of your notebook)")


def export_part(part, reference: bool = False, quiet: bool = False):
    """Export one part of a module; returns the ExportResult."""
    from tito.core.exporter import export
    from tito.core.notebooks import instructor_notebook, load_notebook

    if part.notebook.exists() and not reference:
        label = part.rel(part.notebook)
        nb = load_notebook(part.notebook, label)
        origin = "learner"
    else:
        label = part.rel(part.source)
        if not quiet:
            if reference:
                print(f"• {part.slug}: exporting the reference solution "
                      f"from {label} (--reference)")
            else:
                print(f"• {part.slug}: no notebook of yours yet at "
                      f"{part.rel(part.notebook)}; exporting the reference "
                      f"solution from {label}")
        nb = instructor_notebook(part)
        origin = "reference"
    if reference:
        _save_learner_export(part, quiet)
    result = export(part, nb, label, origin)
    if not quiet:
        state = "updated" if result.changed else "unchanged"
        print(f"✓ {label} → {part.rel(result.target)} ({state})")
    return result


def _save_learner_export(part, quiet: bool) -> None:
    """Before --reference replaces the export of the learner's notebook,
    keep a copy in the notebook's backups folder and say where."""
    from tito.core.exporter import provenance
    from tito.core.fsutil import backup, same_bytes

    if not provenance(part, check_fresh=False).learner:
        return
    folder = part.backups_dir
    stem = part.package_file.stem
    for old in sorted(folder.glob(f"{stem}.*.py")) if folder.is_dir() \
            else []:
        if same_bytes(old, part.package_file):
            saved = old
            break
    else:
        saved = backup(part.package_file, folder, "export")
    if not quiet:
        print(f"✓ saved the export of your notebook as {part.rel(saved)} "
              f"(tito export --module {part.slug} rebuilds it from your "
              "notebook)")


def export_module(module, reference: bool = False, quiet: bool = False):
    """Export every selected part of a module; returns their results."""
    return [export_part(part, reference, quiet) for part in module.parts]


def run(args) -> int:
    _, modules = modules_from(args)
    for module in modules:
        export_module(module, reference=args.reference)
    return 0
