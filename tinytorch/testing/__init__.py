"""Checks for the tests in the course notebooks (given code), like `torch.testing`.

`check(fn, *args, want=..., **kwargs)` calls your function, checks that it
returned a `Tensor` of the right shape and dtype, and compares its values with
`want`. When they differ it does not stop at "expected 0.417, got 1.251": it
recomputes what the usual mistakes would have returned for the same inputs
(sum instead of mean, a missing minus sign, `np.log2`, softmax applied twice,
the wrong target picked, ...) and, when one of them matches your result,
names it in the message. A result that is inf or NaN for finite inputs gets
the hint about the max-shift; a NumPy broadcasting error gets the hint about
`keepdims=True`.

The comparison itself is done with plain Python floats (`float(...)`), so
only real numbers can pass.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch.core.tensor import Tensor
from tinytorch.testing.mistakes import (DEFAULT_REDUCTION, KEEPDIMS_HINT,
                                        MAX_SHIFT_HINT, MISTAKES,
                                        NON_FINITE_HINTS, _Setting)
from tinytorch.testing.mistakes_stretch import STRETCH_MISTAKES

__all__ = ["check", "check_gradients", "mistakes_for"]

_MISTAKES = {**MISTAKES, **STRETCH_MISTAKES}
_DEFAULT_REDUCTION = DEFAULT_REDUCTION


def mistakes_for(name: str) -> list[str]:
    """The hints `check` can give for function `name` (for the tests)."""
    return [hint for hint, _ in _MISTAKES.get(name, [])]


# ---------------------------------------------------------------- check
def _raw(value):
    """The data of a Tensor argument (its own dtype); others as given."""
    return value.data if isinstance(value, Tensor) else value


def _f64(arrays):
    return [np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray)
            else a for a in arrays]


def _short(value) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    text = np.array2string(arr, precision=4, threshold=8, separator=", ")
    return " ".join(text.split())


def _fail(name: str, message: str, cause=None):
    __tracebackhide__ = True  # pytest and IPython show the caller instead
    raise AssertionError(f"{name}: {message}") from cause


# a loss class's mistakes are its function's
_CLASSES = {"MSELoss": "mse_loss", "CrossEntropyLoss": "cross_entropy",
            "BinaryCrossEntropyLoss": "binary_cross_entropy",
            "BCELoss": "binary_cross_entropy"}


def _name(fn) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def _kind(value) -> str:
    """What a returned value is, in words."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array (dtype {value.dtype})"
    if isinstance(value, np.generic):
        return f"a NumPy number (np.{type(value).__name__})"
    return f"a Python {type(value).__name__}"


def _call(fn, args, kwargs):
    __tracebackhide__ = True
    name = _name(fn)
    with np.errstate(all="ignore"):
        try:
            return fn(*args, **kwargs)
        except ValueError as err:
            if str(err).startswith("operands could not be broadcast"):
                _fail(name, f"{KEEPDIMS_HINT} (NumPy said: {err})", err)
            raise
        except IndexError as err:
            _fail(name, "an index is out of range inside your code "
                  f"({err}). Hint: pick one entry per row with "
                  "a[np.arange(N), targets]: row numbers first, then the "
                  "target classes", err)


def _setting(fn_name, args, kwargs):
    """The call's setting that the mistakes depend on: (log_)softmax's dim,
    or the reduction (reduce_losses takes it second, by position), with
    the call's keyword arguments attached for the stretch variants."""
    if fn_name in ("log_softmax", "softmax"):
        return args[1] if len(args) > 1 else kwargs.get("dim", -1)
    if fn_name == "reduce_losses" and len(args) > 1:
        return args[1]
    return _Setting(kwargs.get("reduction",
                               _DEFAULT_REDUCTION.get(fn_name, "mean")),
                    kwargs)


def check(fn, *args, want, shape=None, dtype=None, atol=1e-6, rtol=1e-6,
          **kwargs):
    """Call `fn(*args, **kwargs)` and check the result against `want`.

    Args:
        fn: the function under test (its `__name__` picks the mistakes).
        *args, **kwargs: what to call it with.
        want: the expected value(s): a number or an array-like.
        shape: the expected shape (default: the shape of `want`).
        dtype: the expected dtype (default: float64 if a Tensor argument
            is float64, else float32).
        atol, rtol: the tolerance, |got - want| <= atol + rtol * |want|.

    Returns:
        The Tensor `fn` returned.

    Raises:
        AssertionError: one line naming what is wrong and, when it can be
        told, the likely mistake.
    """
    __tracebackhide__ = True
    name = _name(fn)
    before = [np.array(a.data, copy=True) if isinstance(a, Tensor) else
              np.array(a, copy=True) if isinstance(a, np.ndarray) else None
              for a in args]
    got = _call(fn, args, kwargs)
    for i, (a, old) in enumerate(zip(args, before)):
        now = a.data if isinstance(a, Tensor) else a
        if old is not None and not np.array_equal(now, old, equal_nan=True):
            _fail(name, f"argument {i + 1} was changed by the call. Hint: "
                  f"the arrays the checks return share memory with the "
                  f"input Tensors; write `z = z - m`, not `z -= m` (or "
                  f"np.exp(z, out=z)) on them")
    want = np.asarray(want, dtype=np.float64)
    shape = want.shape if shape is None else tuple(shape)
    if dtype is None:
        wide = any(isinstance(a, (Tensor, np.ndarray))
                   and a.dtype == np.float64 for a in args)
        dtype = np.float64 if wide else np.float32
    if not isinstance(got, Tensor):
        _fail(name, f"returned {_kind(got)}, expected a Tensor. Hint: wrap "
              f"the NumPy result with from_numpy(result) (a Python float "
              f"from float() or .item() cannot carry a dtype or a shape)")
    if got.shape != shape:
        hint = ("'mean' and 'sum' reduce over every element, not along "
                "one axis (call .mean() or .sum() without axis=)"
                if shape == () else
                "keep one value per element (reduction='none' returns "
                "the unreduced losses; a reduced axis needs keepdims=True "
                "to broadcast back)")
        _fail(name, f"returned shape {got.shape}, expected {shape}. "
              f"Hint: {hint}")
    if got.dtype != dtype:
        _fail(name, f"returned dtype {got.dtype}, expected "
              f"{np.dtype(dtype).name} (the dtype of the inputs). Hint: "
              f"compute with the arrays the checks return and wrap the "
              f"result with from_numpy(result); Tensor(result) always "
              f"stores float32. A new array without dtype= (np.full, "
              f"np.zeros) or a NumPy integer in a division (x / "
              f"mask.sum()) makes float64 too")
    values = np.asarray(got.data, dtype=np.float64)
    inputs = [_raw(a) for a in args]
    finite_inputs = all(np.isfinite(a).all() for a in inputs
                        if isinstance(a, np.ndarray))
    expected_finite = np.isfinite(want).all()
    if expected_finite and not np.isfinite(values).all():
        hint = MAX_SHIFT_HINT if finite_inputs else "check the inputs"
        if name == "binary_cross_entropy":
            hint = ("a log of 0 appeared: clamp both log terms from below, "
                    "np.log(np.maximum(p, eps)) and "
                    "np.log(np.maximum(1 - p, eps))")
        elif finite_inputs and name in NON_FINITE_HINTS:
            hint = NON_FINITE_HINTS[name]
        _fail(name, f"returned {_short(values)}, expected {_short(want)}. "
              f"Hint: {hint}")
    if _close(values, want, atol, rtol):
        return got
    setting = _setting(name, args, kwargs)
    if name in _CLASSES:
        setting = getattr(fn, "reduction", setting)
    for hint, variant in _MISTAKES.get(_CLASSES.get(name, name), []):
        try:
            with np.errstate(all="ignore"):
                wrong = variant(_f64(inputs), setting, inputs)
        except Exception:
            continue
        if wrong is not None and np.shape(wrong) == values.shape and \
                _close(values, np.asarray(wrong, dtype=np.float64),
                       atol, rtol):
            _fail(name, f"returned {_short(values)}, expected "
                  f"{_short(want)}. Likely mistake: {hint}")
    _fail(name, f"returned {_short(values)}, expected {_short(want)} "
          f"(tolerance {atol:g} + {rtol:g} * |expected|). Hint: work the "
          f"example in the docstring by hand and print your intermediate "
          f"arrays")


def _close(got: np.ndarray, want: np.ndarray, atol: float, rtol: float
           ) -> bool:
    """|got - want| <= atol + rtol * |want| everywhere, in Python floats;
    -inf matches -inf (a masked class)."""
    if got.shape != want.shape:
        return False
    for g, w in zip(got.ravel().tolist(), want.ravel().tolist()):
        g, w = float(g), float(w)
        if math.isinf(w) or math.isinf(g):
            if g != w:
                return False
            continue
        if not abs(g - w) <= atol + rtol * abs(w):
            return False
    return True


# ------------------------------------------------------------ gradients
def _numeric(fn, arrays, index, upstream, h):
    """Central differences of sum(upstream * fn(arrays)) w.r.t. arrays[index]."""
    x = arrays[index]
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = float(np.sum(upstream * fn(arrays)))
        x[i] = old - h
        minus = float(np.sum(upstream * fn(arrays)))
        x[i] = old
        out[i] = (plus - minus) / (2 * h)
    return out


def check_gradients(forward, *inputs, h=1e-6, atol=1e-6, rtol=1e-5,
                    seed=0, **settings):
    """Check the registered backward of `forward` against finite differences.

    Every float Tensor input is perturbed in float64 (central differences,
    step `h`); the forward's output is weighted by a random upstream
    gradient, so every element of a reduction='none' output counts.
    Inputs whose backward returns None (class indices) are skipped.

    Returns:
        The number of input elements checked.

    Raises:
        AssertionError: one line naming the input and the largest error.
    """
    __tracebackhide__ = True
    from tinytorch.core.gradients import backward_of

    name = _name(forward)
    arrays = [np.array(a.data, dtype=np.float64) if isinstance(a, Tensor)
              and a.dtype.kind == "f" else a for a in inputs]

    def run(values):
        args = [Tensor(v, dtype=np.float64) if isinstance(v, np.ndarray)
                else v for v in values]
        return np.asarray(forward(*args, **settings).data, dtype=np.float64)

    out = run(arrays)
    upstream = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape)
    args = [Tensor(v, dtype=np.float64) if isinstance(v, np.ndarray) else v
            for v in arrays]
    grads = backward_of(forward)(upstream, *args, **settings)
    if len(grads) != len(inputs):
        _fail(name, f"backward returned {len(grads)} gradients for "
              f"{len(inputs)} inputs. Hint: return one per input, None for "
              f"an input without a gradient")
    checked = 0
    for index, g in enumerate(grads):
        if g is None or not isinstance(arrays[index], np.ndarray):
            continue
        g = np.asarray(g, dtype=np.float64)
        if g.shape != arrays[index].shape:
            _fail(name, f"the gradient of input {index} has shape {g.shape}, "
                  f"the input {arrays[index].shape}. Hint: a gradient is "
                  f"shaped like its input")
        numeric = _numeric(run, arrays, index, upstream, h)
        err = np.abs(g - numeric)
        bound = atol + rtol * np.abs(numeric)
        if np.any(err > bound):
            worst = np.unravel_index(np.argmax(err - bound), err.shape)
            _fail(name, f"the gradient of input {index} at {worst} is "
                  f"{g[worst]:.6g}; finite differences give "
                  f"{numeric[worst]:.6g}. Hint: differentiate the "
                  f"per-element loss first, then apply the reduction "
                  f"(divide by the count for 'mean')")
        checked += g.size
    return checked
