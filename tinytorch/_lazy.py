"""Lazy re-exports that fail loudly.

`tinytorch` and `tinytorch.nn` re-export names from the package files that
`tito export` writes, one per module. Names are imported on first use, so
`import tinytorch` is fast and works before later modules are exported; a name
whose module is not exported yet raises an ImportError that says which
module to export (never a silent None).
"""

from __future__ import annotations

import importlib


def lazy_exports(package: str, table: dict[str, tuple[str, str]]):
    """Return (__getattr__, __dir__) for a package namespace.

    `table` maps a public name to (package module, course module slug).
    """

    def __getattr__(name: str):
        try:
            module_name, slug = table[name]
        except KeyError:
            raise AttributeError(
                f"module {package!r} has no attribute {name!r}") from None
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            raise ImportError(
                f"{package}.{name} comes from Module {slug}, which has not "
                f"been exported yet ({module_name} is missing). Hint: run "
                f"tito export --module {slug}"
            ) from None
        try:
            value = getattr(module, name)
        except AttributeError:
            raise ImportError(
                f"{module_name} has no {name!r}: was Module {slug} exported "
                f"from an old notebook? Hint: run tito export --module {slug}"
            ) from None
        return value

    def __dir__():
        return sorted(table)

    return __getattr__, __dir__
