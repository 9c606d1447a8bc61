"""Where things are: the repository root, the module registry, the repository URL.

The registry is discovered from `src/NN_name/NN_name.py` (a module's core)
and `src/NN_name/NN_name_stretch.py` (its optional part, when there is one);
every other path (learner notebooks, tests, package files, nbgrader
assignments) derives from a module's parts, so there is no second table to
keep in sync.
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


# Optional parts a module folder may hold beside its core source:
# src/NN_name/NN_name_<suffix>.py (DESIGN.md's layout). Each is its own
# notebook, package file and nbgrader assignment.
OPTIONAL_PARTS = ("stretch",)


@dataclass(frozen=True)
class Part:
    """One notebook of a module: its core, or an optional part (`stretch`).

    Everything a command needs derives from the part's source
    `src/NN_name/NN_name[_suffix].py`:

    - `slug`: `04_losses` or `04_losses_stretch`; the name of the learner
      notebook, the reference notebook and the nbgrader assignment;
    - `notebook`: the learner's, `modules/NN_name/<slug>.ipynb`;
    - `default_exp`, `package_file`, `import_name`: the package file it
      exports to, from its own `#| default_exp` line;
    - `test_files`: its package tests in tests/NN_name/ (an optional
      part's are `test_<suffix>_*.py`; the core has the rest);
    - `optional`: its failures never fail a finished core.
    """

    module: "Module"
    suffix: str = ""  # "" for the core, else one of OPTIONAL_PARTS

    @property
    def root(self) -> Path:
        return self.module.root

    @property
    def optional(self) -> bool:
        return bool(self.suffix)

    @property
    def kind(self) -> str:
        return self.suffix or "core"

    @property
    def slug(self) -> str:
        """`04_losses` (core) or `04_losses_stretch`."""
        return self.module.slug + (f"_{self.suffix}" if self.suffix else "")

    @property
    def name(self) -> str:
        """`losses` (core) or `losses-stretch`: the prefix of grade_ids."""
        return self.module.name + (f"-{self.suffix}" if self.suffix else "")

    @property
    def assignment(self) -> str:
        """The nbgrader assignment of this part."""
        return self.slug

    @property
    def title(self) -> str:
        title = self.module.title
        return f"{title} (optional {self.suffix})" if self.suffix else title

    @property
    def meta(self) -> dict:
        """The module's module.yaml; an optional part also needs its core."""
        if not self.optional:
            return self.module.meta
        meta = dict(self.module.meta)
        meta["prerequisites"] = [
            *(meta.get("prerequisites") or []), self.module.slug]
        return meta

    @property
    def source(self) -> Path:
        return self.module.src_dir / f"{self.slug}.py"

    @property
    def notebook(self) -> Path:
        """The learner's notebook (theirs once it exists)."""
        return self.root / "modules" / self.module.slug / f"{self.slug}.ipynb"

    @property
    def backups_dir(self) -> Path:
        return self.notebook.parent / "backups"

    @property
    def reference_notebook(self) -> Path:
        """Where tito writes the notebook it builds from src (gitignored)."""
        return self.root / ".tito" / "build" / self.module.slug / \
            f"{self.slug}.ipynb"

    @cached_property
    def default_exp(self) -> str | None:
        """`core.losses` from the source's `#| default_exp` line."""
        try:
            text = self.source.read_text(encoding="utf-8")
        except OSError:
            return None
        found = DEFAULT_EXP_RE.findall(text)
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

    @property
    def test_files(self) -> list[Path]:
        """This part's package tests, sorted."""
        folder = self.module.tests_dir
        if not folder.is_dir():
            return []
        found = sorted(folder.rglob("test_*.py"))
        if self.optional:
            return [p for p in found
                    if p.name.startswith(f"test_{self.suffix}_")]
        optional = tuple(f"test_{s}_" for s in OPTIONAL_PARTS)
        return [p for p in found if not p.name.startswith(optional)]

    def rel(self, path: Path) -> str:
        return self.module.rel(path)

    def __str__(self) -> str:
        return self.slug


@dataclass(frozen=True)
class Module:
    """One curriculum module, e.g. `04_losses`: a core and optional parts.

    `parts` lists the notebooks a command acts on: every part, or one
    when the module was named by a part (`--module 04_losses_stretch`).
    The path properties below (source, notebook, package_file, ...) are
    the core part's.
    """

    root: Path
    slug: str  # "04_losses"
    only: str | None = None  # a part's suffix: the selection holds just it

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
    def tests_dir(self) -> Path:
        return self.root / "tests" / self.slug

    @cached_property
    def all_parts(self) -> tuple[Part, ...]:
        """The core, then each optional part whose source exists."""
        return (Part(self),) + tuple(
            Part(self, suffix) for suffix in OPTIONAL_PARTS
            if (self.src_dir / f"{self.slug}_{suffix}.py").is_file())

    @property
    def parts(self) -> tuple[Part, ...]:
        """The parts this selection acts on."""
        if self.only is None:
            return self.all_parts
        return tuple(p for p in self.all_parts if p.suffix == self.only)

    @property
    def core(self) -> Part:
        return self.all_parts[0]

    @property
    def label(self) -> str:
        """How the selection is named: `04_losses` or `04_losses_stretch`."""
        return self.parts[0].slug if self.only is not None else self.slug

    # the core part's paths
    source = property(lambda self: self.core.source)
    notebook = property(lambda self: self.core.notebook)
    backups_dir = property(lambda self: self.core.backups_dir)
    reference_notebook = property(lambda self: self.core.reference_notebook)
    default_exp = property(lambda self: self.core.default_exp)
    package_file = property(lambda self: self.core.package_file)
    import_name = property(lambda self: self.core.import_name)

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

    def rel(self, path: Path) -> str:
        """A path as the user should read it: relative to the root."""
        try:
            return Path(path).resolve().relative_to(
                self.root.resolve()).as_posix()
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
    """The module `query` names, with every part; suggest on a miss.

    `04`, `4`, `losses` and `04_losses` name the module (its core and its
    optional parts). A part's own notebook name, `04_losses_stretch` (or
    `losses_stretch`), names that part alone.
    """
    modules = discover(root)
    q = query.strip().lower()
    for m in modules:
        if q in (m.slug, m.name, f"{m.number:02d}", str(m.number)):
            return m
        for part in m.all_parts[1:]:
            if q in (part.slug, f"{m.name}_{part.suffix}"):
                return Module(m.root, m.slug, only=part.suffix)
    import difflib

    names = [m.slug for m in modules] + [m.name for m in modules] + [
        part.slug for m in modules for part in m.all_parts[1:]]
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
        match = next((m.slug for m in modules
                      if close[0] in (m.slug, m.name)), close[0])
        hint = f"did you mean --module {match}? (known: {known})"
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


def stray_sources(module: Module) -> list[Path]:
    """.py files in a module folder that are neither its core nor a part."""
    known = {p.source.name for p in module.all_parts}
    return sorted(p for p in module.src_dir.glob("*.py")
                  if p.name not in known)


# ----------------------------------------------------- the course repository


GITHUB_RE = re.compile(
    r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Repository:
    """The course repository that launch links and install cells point to."""

    url: str
    branch: str
    configured: bool  # url and branch both set in book/_config.yml

    @property
    def github(self) -> tuple[str, str] | None:
        """(org, name) for a GitHub URL, else None."""
        match = GITHUB_RE.match(self.url)
        return (match.group(1), match.group(2)) if match else None


def repository(root: Path | None = None,
               config: dict | None = None) -> Repository:
    """The course repository and branch, from one place.

    That place is `repository:` (`url`, `branch`) in book/_config.yml
    (`config`, when the caller has read it already). A copy without the
    book falls back to pyproject.toml's [project.urls] Source and `main`.
    """
    if config is None and root is not None:
        path = root / "book" / "_config.yml"
        if path.is_file():
            import yaml

            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            config = loaded if isinstance(loaded, dict) else {}
    section = (config or {}).get("repository") or {}
    if not isinstance(section, dict):
        section = {}
    url = str(section.get("url") or "").strip().rstrip("/")
    branch = str(section.get("branch") or "").strip()
    if url or root is None:
        return Repository(url, branch or "main", bool(url and branch))
    found = re.search(r'^Source\s*=\s*"([^"]+)"',
                      (root / "pyproject.toml").read_text(encoding="utf-8"),
                      re.MULTILINE)
    return Repository(found.group(1).rstrip("/") if found else "", "main",
                      False)
