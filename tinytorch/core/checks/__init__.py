"""Input checks shared by every TinyTorch module (given code: read if curious).

Each public function here checks one kind of input and either returns what
the caller needs (a NumPy array of the right dtype, a valid axis, ...) or
raises one `TypeError`/`ValueError` line that names the function, says what
was expected and what was given, and ends with a hint:

    cross_entropy: target 5 is out of range for 3 classes (valid: 0..2).
    Hint: targets[0] must be below 3; check that the model has one output
    per class.

The course modules call them at the top of each function, one call per check,
so the code a learner writes starts from inputs that are known to be valid:
no silent broadcasting, no NaN sneaking in, no NumPy `IndexError` from deep
inside an indexing expression. None of them ever changes or recomputes a
result: they look at inputs (and settings) only.

One rule turns input into float data (`floats`): a `Tensor` of real numbers;
float64 stays float64, every other dtype (float32, ints) becomes float32.

This package gathers them: `checks.core` (every module) and `checks.stretch`
(the optional stretch notebook of Module 04); call them as `checks.NAME`.
"""

from tinytorch.core.checks.core import *  # noqa: F401,F403
from tinytorch.core.checks.core import __all__ as _core
from tinytorch.core.checks.core import at, first, fmt  # noqa: F401
from tinytorch.core.checks.stretch import *  # noqa: F401,F403
from tinytorch.core.checks.stretch import __all__ as _stretch

__all__ = [*_core, *_stretch]
