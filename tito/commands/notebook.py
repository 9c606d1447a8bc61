"""Create your notebook for a module from its source; reset or restore it safely.

Your notebook (modules/NN_name/NN_name.ipynb) is yours: tito never writes over
it without first saving a timestamped copy in modules/NN_name/backups/ and
printing where it went.
"""

from __future__ import annotations

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito notebook --module 04_losses            # create it (does nothing if it exists)
  tito notebook --module 04 --reset           # back yours up, then start afresh
  tito notebook --module 04 --restore         # bring back the newest backup
  tito notebook --module 04 --restore FILE    # bring back a chosen backup
  tito notebook --module 04 --list-backups
"""


def add_arguments(parser) -> None:
    add_module_args(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reset", action="store_true",
                       help="replace your notebook with a fresh one "
                       "(yours is backed up first)")
    group.add_argument("--restore", nargs="?", const="latest",
                       metavar="BACKUP",
                       help="restore a backup (default: the newest); your "
                       "current notebook is backed up first")
    group.add_argument("--list-backups", action="store_true",
                       help="list the saved backups")


def _backups(module):
    if not module.backups_dir.is_dir():
        return []
    return sorted(module.backups_dir.glob(f"{module.slug}.*.ipynb"))


def _create(module, reset: bool) -> None:
    from tito.core.fsutil import backup
    from tito.core.notebooks import learner_notebook, write_notebook

    path = module.notebook
    rel = module.rel(path)
    if path.exists() and not reset:
        print(f"• {rel} already exists and is yours: left untouched "
              f"(use --reset to start afresh; yours is backed up first)")
        return
    nb = learner_notebook(module)
    saved = None
    if path.exists():
        saved = backup(path, module.backups_dir)
    write_notebook(nb, path)
    if saved:
        print(f"✓ saved your notebook as {module.rel(saved)}")
        print(f"✓ reset {rel} from {module.rel(module.source)}")
    else:
        print(f"✓ created {rel} from {module.rel(module.source)}")
    print(f"  next: open it in Jupyter, fill in the TODOs, then "
          f"tito export --module {module.slug}")


def _restore(module, which: str) -> None:
    import shutil
    from pathlib import Path

    from tito.core.errors import TitoError
    from tito.core.fsutil import backup

    backups = _backups(module)
    if which == "latest":
        if not backups:
            raise TitoError(f"{module.slug} has no backups in "
                            f"{module.rel(module.backups_dir)}",
                            hint="backups are made by --reset and --restore")
        chosen = backups[-1]
    else:
        chosen = Path(which)
        if not chosen.is_absolute() and not chosen.exists():
            chosen = module.backups_dir / which
        if not chosen.is_file():
            names = ", ".join(b.name for b in backups[-3:]) or "none"
            raise TitoError(f"backup '{which}' not found",
                            hint=f"newest backups: {names}")
    from tito.core.notebooks import load_notebook

    load_notebook(chosen, module.rel(chosen))  # refuse to restore junk
    if module.notebook.exists():
        saved = backup(module.notebook, module.backups_dir)
        print(f"✓ saved your current notebook as {module.rel(saved)}")
    tmp = module.notebook.with_name(f".{module.notebook.name}.restore.tmp")
    module.notebook.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(chosen, tmp)
    tmp.replace(module.notebook)
    print(f"✓ restored {module.rel(module.notebook)} from "
          f"{module.rel(chosen)}")


def run(args) -> int:
    _, modules = modules_from(args)
    for module in modules:
        if args.list_backups:
            backups = _backups(module)
            print(f"{module.slug}: {len(backups)} backup(s) in "
                  f"{module.rel(module.backups_dir)}")
            for b in backups:
                print(f"  {b.name}")
        elif args.restore:
            _restore(module, args.restore)
        else:
            _create(module, args.reset)
    return 0
