"""Input checks shared by every TinyTorch module (given code: read if curious).

`checks.core` holds the checks of every module, `checks.stretch` those of
Module 04's optional stretch notebook; call them all as `checks.NAME`.
Each looks at inputs and settings only and returns what the caller needs,
or raises one line: what was expected, what was given, and a hint (see
`checks.core` for the rules).
"""

from tinytorch.core.checks.core import *  # noqa: F401,F403
from tinytorch.core.checks.core import __all__ as _core
from tinytorch.core.checks.core import at, first, fmt  # noqa: F401
from tinytorch.core.checks.stretch import *  # noqa: F401,F403
from tinytorch.core.checks.stretch import __all__ as _stretch

__all__ = [*_core, *_stretch]
