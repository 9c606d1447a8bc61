"""Where things are: the repository root and the module registry.

The registry is discovered from `src/NN_name/NN_name.py`; every other path
(learner notebook, tests folder, package file) derives from it, so there is no
second table to keep in sync.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tito.core.errors import TitoError

MODULE_DIR_RE = re.compile(r"^(\d\d)_([a-z][a-z0-9_]*)$")
DEFAULT_EXP_RE = re.compile(r"^#\|\s*default_exp\s+(\S+)\s*$", re.MULTILINE)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds this project."""
    start = Path(start or os.getcwd()).resolve()
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if (folder / "src").is_dir() and pyproject.is_file():
            if "[tool.nbdev]" in pyproject.read_text(encoding="utf-8"):
                return folder
    raise TitoError(
        f"no TinyTorch project found at or above {start}",
        hint="run tito inside the course repository (the folder with "
        "pyproject.toml and src/)",
    )


@dataclass(frozen=True)
class Module:
    """One curriculum module, e.g. `04_losses`."""

    root: Path
    slug: str  # "04_losses"

    @property
    def number(self) -> int:
        return int(self.slug[:2])

    @property
    def name(self) -> str:
        return self.slug[3:]

    @property
    def src_dir(self) -> Path:
        return self.root / "src" / self.slug

    @property
    def source(self) -> Path:
        return self.src_dir / f"{self.slug}.py"

    @property
    def notebook(self) -> Path:
        """The learner's notebook (theirs once it exists)."""
        return self.root / "modules" / self.slug / f"{self.slug}.ipynb"

    @property
    def backups_dir(self) -> Path:
        return self.notebook.parent / "backups"

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests" / self.slug

    @property
    def build_dir(self) -> Path:
        """Where tito keeps notebooks it builds from src (gitignored)."""
        return self.root / ".tito" / "build" / self.slug

    @property
    def reference_notebook(self) -> Path:
        return self.build_dir / f"{self.slug}.ipynb"

    @cached_property
    def meta(self) -> dict:
        import yaml

        path = self.src_dir / "module.yaml"
        if not path.is_file():
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.name.replace("_", " ").title()))

    @cached_property
    def default_exp(self) -> str | None:
        """`core.losses` from the source's `#| default_exp` line."""
        found = DEFAULT_EXP_RE.findall(self.source.read_text(encoding="utf-8"))
        return found[0] if len(found) == 1 else None

    @property
    def package_file(self) -> Path | None:
        if self.default_exp is None:
            return None
        parts = self.default_exp.split(".")
        return self.root.joinpath("tinytorch", *parts[:-1], parts[-1] + ".py")

    @property
    def import_name(self) -> str | None:
        if self.default_exp is None:
            return None
        return "tinytorch." + self.default_exp

    def rel(self, path: Path) -> str:
        """A path as the user should read it: relative to the root."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def discover(root: Path) -> list[Module]:
    """Every module under src/, in curriculum order."""
    found = []
    src = root / "src"
    for folder in sorted(src.iterdir()) if src.is_dir() else []:
        if MODULE_DIR_RE.match(folder.name) and (
            folder / f"{folder.name}.py"
        ).is_file():
            found.append(Module(root, folder.name))
    return found


def incomplete(root: Path) -> list[Path]:
    """Folders under src/ named like modules but missing their source."""
    src = root / "src"
    return [d for d in sorted(src.iterdir()) if src.is_dir()
            and d.is_dir() and MODULE_DIR_RE.match(d.name)
            and not (d / f"{d.name}.py").is_file()] if src.is_dir() else []


def resolve(root: Path, query: str) -> Module:
    """Accept `04`, `4`, `losses` or `04_losses`; suggest on a miss."""
    modules = discover(root)
    q = query.strip().lower()
    for m in modules:
        if q in (m.slug, m.name, f"{m.number:02d}", str(m.number)):
            return m
    import difflib

    names = [m.slug for m in modules] + [m.name for m in modules]
    close = difflib.get_close_matches(q, names, n=1, cutoff=0.5)
    known = ", ".join(m.slug for m in modules) or "none"
    broken = [d for d in incomplete(root)
              if difflib.get_close_matches(q, [d.name, d.name[3:]], n=1,
                                           cutoff=0.5)
              or q in (d.name[:2], d.name[3:])]
    if broken:
        folder = broken[0]
        files = ", ".join(sorted(p.name for p in folder.glob("*.py"))) or \
            "no .py file"
        hint = (f"src/{folder.name}/ should hold {folder.name}.py but has "
                f"{files}: a module folder and its source must share one "
                "name (was one of them renamed?)")
    elif close:
        match = next(m for m in modules if close[0] in (m.slug, m.name))
        hint = f"did you mean --module {match.slug}? (known: {known})"
    else:
        hint = f"known modules: {known}"
    raise TitoError(f"unknown module '{query}'", hint=hint, code=2)


def select(root: Path, module: str | None, all_: bool) -> list[Module]:
    """The modules a command should act on (`--module M` or `--all`)."""
    if all_:
        modules = discover(root)
        if not modules:
            raise TitoError("no modules found under src/",
                            hint="a module is src/NN_name/NN_name.py")
        return modules
    if not module:
        raise TitoError("which module? none was given",
                        hint="add --module 04_losses (or --all)", code=2)
    return [resolve(root, module)]
