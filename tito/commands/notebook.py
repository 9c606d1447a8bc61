"""Create your notebooks for a module from its sources; reset or restore them safely.

A module has a core notebook (modules/NN_name/NN_name.ipynb) and may have an
optional stretch notebook (NN_name_stretch.ipynb); --module 04_losses acts
on both, --module 04_losses_stretch on the stretch notebook alone.

Your notebooks are yours: tito never writes over one without first saving a
timestamped copy in modules/NN_name/backups/ and printing where it went, and
it writes no copy when nothing would change.

  --reset    saves yours (as NAME.TIME.reset.ipynb), then starts afresh.
  --restore  brings back the newest copy saved by --reset (the work you had
             before you started afresh), saving the notebook it replaces as
             NAME.TIME.restore.ipynb (unless it was a fresh, untouched copy).
             Restoring again does nothing: the notebook already holds that
             copy. Name a copy to restore any other one, including a
             .restore copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito notebook --module 04_losses            # create both (keeps yours)
  tito notebook --module 04_losses_stretch --reset  # only the stretch
  tito notebook --module 04 --restore         # bring back what --reset saved
  tito notebook --module 04 --restore FILE    # bring back a chosen backup
  tito notebook --module 04 --list-backups
"""

RESET, RESTORE = "reset", "restore"


def add_arguments(parser) -> None:
    add_module_args(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reset", action="store_true",
                       help="replace your notebook with a fresh one "
                       "(yours is backed up first)")
    group.add_argument("--restore", nargs="?", const="latest",
                       metavar="BACKUP",
                       help="restore a backup (default: the newest one "
                       "--reset saved); the notebook it replaces is backed "
                       "up first")
    group.add_argument("--list-backups", action="store_true",
                       help="list the saved backups")


@dataclass(frozen=True)
class Backup:
    """A saved copy of a learner notebook: NAME.TIMESTAMP[.KIND].ipynb."""

    path: Path
    stamp: str
    kind: str | None  # "reset", "restore", or None (older tito)

    @property
    def name(self) -> str:
        return self.path.name


def backups(part) -> list[Backup]:
    """The part's backups, oldest first."""
    folder = part.backups_dir
    if not folder.is_dir():
        return []
    found = []
    prefix = f"{part.slug}."
    for path in folder.glob(f"{part.slug}.*.ipynb"):
        middle = path.name[len(prefix):-len(".ipynb")].split(".")
        kind = middle[1] if len(middle) > 1 else None
        found.append(Backup(path, middle[0], kind))
    return sorted(found, key=lambda b: (b.stamp, b.name))


def _save(part, kind: str) -> tuple[Path, bool]:
    """Back up the part's notebook unless an identical backup exists.

    Returns (the backup that holds it, whether it was written now).
    """
    from tito.core.fsutil import backup, same_bytes

    for old in reversed(backups(part)):
        if same_bytes(old.path, part.notebook):
            return old.path, False
    return backup(part.notebook, part.backups_dir, kind), True


def _say_saved(part, saved: Path, new: bool) -> None:
    if new:
        print(f"✓ saved your notebook as {part.rel(saved)}")
    else:
        print(f"• your notebook is already saved as {part.rel(saved)}")


def _is_fresh(part) -> bool:
    """Whether the part's notebook is exactly what tito would create."""
    from tito.core.notebooks import learner_notebook, notebook_text

    try:
        return part.notebook.read_text(encoding="utf-8") == notebook_text(
            learner_notebook(part))
    except (OSError, UnicodeDecodeError):
        return False


def _create(part, reset: bool) -> None:
    from tito.core.notebooks import learner_notebook, write_notebook

    path = part.notebook
    rel = part.rel(path)
    if path.exists() and not reset:
        print(f"• {rel} already exists and is yours: left untouched "
              f"(use --reset to start afresh; yours is backed up first)")
        return
    nb = learner_notebook(part)
    if path.exists():
        if _is_fresh(part):
            print(f"• {rel} is already a fresh copy of "
                  f"{part.rel(part.source)}: nothing to reset, no backup "
                  "written")
            return
        saved, new = _save(part, RESET)
        _say_saved(part, saved, new)
        write_notebook(nb, path)
        print(f"✓ reset {rel} from {part.rel(part.source)}")
        print(f"  (undo with tito notebook --module {part.slug} --restore)")
        return
    write_notebook(nb, path)
    print(f"✓ created {rel} from {part.rel(part.source)}")


def _chosen(part, which: str) -> Backup | None:
    """The backup --restore [which] means for this part (None: none)."""
    from tito.core.errors import TitoError

    found = backups(part)
    if which == "latest":
        undo = [b for b in found if b.kind != RESTORE]
        return undo[-1] if undo else None
    path = Path(which)
    if not path.is_absolute() and not path.exists():
        path = part.backups_dir / which
    if not path.is_file():
        names = ", ".join(b.name for b in found[-3:]) or "none"
        raise TitoError(f"backup '{which}' not found",
                        hint=f"newest backups of {part.slug}: {names}")
    return Backup(path, "", None)


def _restore(part, chosen: Backup) -> None:
    import shutil

    from tito.core.fsutil import same_bytes
    from tito.core.notebooks import load_notebook

    rel = part.rel(part.notebook)
    load_notebook(chosen.path, part.rel(chosen.path))  # refuse junk
    if same_bytes(chosen.path, part.notebook):
        print(f"• {rel} already holds {part.rel(chosen.path)}: nothing to "
              "restore, no backup written")
        return
    if part.notebook.exists():
        if _is_fresh(part):
            print(f"• {rel} was a fresh copy of {part.rel(part.source)} "
                  "(tito notebook --reset makes another): no backup needed")
        else:
            saved, new = _save(part, RESTORE)
            _say_saved(part, saved, new)
    tmp = part.notebook.with_name(f".{part.notebook.name}.restore.tmp")
    part.notebook.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(chosen.path, tmp)
    tmp.replace(part.notebook)
    print(f"✓ restored {rel} from {part.rel(chosen.path)}")


def _restore_all(parts, which: str) -> None:
    from tito.core.errors import TitoError

    if which != "latest":
        name = Path(which).name
        owners = [p for p in parts if name.startswith(f"{p.slug}.")]
        if not owners:
            raise TitoError(f"backup '{which}' belongs to none of "
                            f"{', '.join(p.slug for p in parts)}",
                            hint="backups are named NOTEBOOK.TIME.ipynb; "
                            "see tito notebook --list-backups")
        parts = owners[-1:]  # the longest matching name: 04_losses_stretch
    todo = [(p, _chosen(p, which)) for p in parts]
    if all(chosen is None for _, chosen in todo):
        names = " or ".join(p.rel(p.backups_dir) for p in parts[:1])
        raise TitoError(f"{', '.join(p.slug for p in parts)}: no backup "
                        f"made by --reset in {names}",
                        hint="name one to restore (tito notebook "
                        "--list-backups shows them all)")
    for part, chosen in todo:
        if chosen is None:
            print(f"• {part.slug}: no backup made by --reset; left as it is")
            continue
        _restore(part, chosen)


def run(args) -> int:
    _, modules = modules_from(args)
    for module in modules:
        parts = list(module.parts)
        if args.list_backups:
            for part in parts:
                found = backups(part)
                print(f"{part.slug}: {len(found)} backup(s) in "
                      f"{part.rel(part.backups_dir)}")
                for b in found:
                    why = {RESET: "saved by --reset",
                           RESTORE: "saved by --restore"}.get(b.kind, "")
                    print(f"  {b.name}" + (f"   ({why})" if why else ""))
        elif args.restore:
            _restore_all(parts, args.restore)
        else:
            for part in parts:
                _create(part, args.reset)
            if not args.reset:
                core = parts[0]
                print(f"  next: open {core.rel(core.notebook)} in Jupyter, "
                      f"fill in the TODOs, then tito export --module "
                      f"{module.label}")
    return 0
