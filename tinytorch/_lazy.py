"""Lazy re-exports that fail loudly.

`tinytorch`, `tinytorch.nn` and `tinytorch.nn.functional` re-export names from
the package files that `tito export` writes, one per notebook. Names are
imported on first use, so `import tinytorch` is fast and works before later
modules are exported; a name whose module is not exported yet raises an
ImportError that says which module to export (never a silent None).

A name may have several sources, best first: `cross_entropy` comes from the
optional stretch notebook's package file (which adds class weights, label
smoothing, ...) when that file exists, and from the core's otherwise.
"""

from __future__ import annotations

import importlib

# (package module, course module slug) or, for a module's second notebook,
# (package module, slug, what it is, its notebook): e.g. "the stretch
# notebook of Module 04_losses", "modules/04_losses/04_losses_stretch.ipynb"
Source = tuple[str, ...]


def _load(package: str, name: str, module_name: str, slug: str,
          what: str | None = None, notebook: str | None = None):
    what = what or f"Module {slug}"
    todo = (f"write and export {notebook}" if notebook
            else f"run tito export --module {slug}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ImportError(
            f"{package}.{name} comes from {what}, which has not "
            f"been exported yet ({module_name} is missing). Hint: {todo}"
        ) from None
    try:
        return getattr(module, name)
    except AttributeError:
        raise ImportError(
            f"{module_name} has no {name!r}: was {what} exported "
            f"from an old notebook? Hint: {todo}"
        ) from None


def lazy_exports(package: str, table: dict[str, Source | list[Source]]):
    """Return (__getattr__, __dir__) for a package namespace.

    `table` maps a public name to its source, or to a list of sources
    tried in order (the last one's error is the one reported).
    """

    def __getattr__(name: str):
        try:
            sources = table[name]
        except KeyError:
            raise AttributeError(
                f"module {package!r} has no attribute {name!r}") from None
        if isinstance(sources, tuple):
            sources = [sources]
        for source in sources[:-1]:
            try:
                return _load(package, name, *source)
            except ImportError:
                continue
        return _load(package, name, *sources[-1])

    def __dir__():
        return sorted(table)

    return __getattr__, __dir__
