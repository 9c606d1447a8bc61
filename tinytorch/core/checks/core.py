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
"""

from __future__ import annotations

import difflib
import inspect

import numpy as np

from tinytorch.core.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")
STRETCH_NOTEBOOK = "modules/04_losses/04_losses_stretch.ipynb"

__all__ = [
    "bind_settings", "class_targets", "core_settings", "dim", "dropout_p",
    "finite", "flag", "floats", "generator", "integer", "linear_inputs",
    "logits", "number", "probabilities", "real_data", "reduction",
    "REDUCTIONS", "same_shape", "size",
]


# ------------------------------------------------------------ formatting
def fmt(value) -> str:
    """Shortest text for a number: 5.0 -> '5', float32 0.3 -> '0.3'."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) \
            and abs(value) < 1e16:
        return np.format_float_positional(value, trim="-")
    return str(value)


def first(mask: np.ndarray) -> tuple[int, ...]:
    """Index (a tuple) of the first True entry of a boolean array."""
    return tuple(int(i) for i in np.unravel_index(np.argmax(mask),
                                                  mask.shape))


def at(index) -> str:
    """An index tuple for a message: (3,) -> '3', (1, 2) -> '1, 2'."""
    return ", ".join(str(i) for i in index)


# -------------------------------------------------------------- settings
def reduction(name: str, value, choices: tuple = REDUCTIONS) -> str:
    """`value` if it is one of `choices` ('mean', 'sum' or 'none' unless
    told otherwise, e.g. with kl_div's 'batchmean'); ValueError otherwise."""
    if isinstance(value, str) and value in choices:
        return value
    close = difflib.get_close_matches(value, choices, n=1) \
        if isinstance(value, str) else []
    hint = (f"did you mean {close[0]!r}?" if close else
            "'mean' averages the losses (the default), 'sum' adds them "
            "up, 'none' returns one loss per element.")
    if not close and "batchmean" in choices:
        hint += " 'batchmean' divides the sum by the batch size."
    choices = ", ".join(repr(r) for r in choices)
    raise ValueError(f"{name}: reduction={value!r} must be one of "
                     f"{choices}. Hint: {hint}")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) \
        and not isinstance(value, (bool, np.bool_))


def number(name: str, arg: str, value, low: float, high: float | None = None,
           *, low_open: bool = False, high_open: bool = False,
           allow_inf: bool = False, hint: str = "see the docstring"
           ) -> float:
    """The setting `value` as a float in [low, high] (or (low, high],
    [low, high)); with allow_inf (and no `high`), +inf is allowed too.

    TypeError if it is not a number, ValueError if it is outside.
    """
    if not _is_number(value):
        raise TypeError(f"{name}: {arg} must be a number, got "
                        f"{type(value).__name__} {value!r}. Hint: {hint}.")
    v = float(value)
    ok = (np.isfinite(v) or (allow_inf and high is None and v == np.inf)) \
        and (v > low if low_open else v >= low) and (
            high is None or (v < high if high_open else v <= high))
    if not ok:
        if high is None:
            wanted = (f"{'>' if low_open else '>='} {fmt(low)}" if allow_inf
                      else f"finite and {'>' if low_open else '>='} "
                           f"{fmt(low)}")
        else:
            wanted = (f"in {'(' if low_open else '['}{fmt(low)}, "
                      f"{fmt(high)}{')' if high_open else ']'}")
        raise ValueError(f"{name}: {arg} must be {wanted}, got {fmt(v)}. "
                         f"Hint: {hint}.")
    return v


def integer(name: str, arg: str, value,
            hint: str = "it is the class index whose targets are skipped, "
                        "-100 by default") -> int:
    """The setting `value` as an int; TypeError if it is not one."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer)):
        raise TypeError(f"{name}: {arg} must be an int, got "
                        f"{type(value).__name__} {value!r}. Hint: {hint}.")
    return int(value)


def size(name: str, arg: str, value) -> int:
    """The setting `value` (such as `in_features`) as a positive int.

    TypeError if it is not an int, ValueError if it is 0 or negative.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer)):
        raise TypeError(f"{name}: {arg} must be a positive int, got "
                        f"{type(value).__name__} ({value!r}). Hint: sizes "
                        f"count features, e.g. 784 for a flattened 28x28 "
                        f"image.")
    if value <= 0:
        raise ValueError(f"{name}: {arg} must be a positive int, got "
                         f"{value}. Hint: a layer needs at least one input "
                         f"and one output feature.")
    return int(value)


def flag(name: str, arg: str, value, hint: str) -> bool:
    """The setting `value` as a bool; TypeError unless it is True/False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: {arg} must be True or False, got "
                        f"{type(value).__name__} ({value!r}). Hint: {hint}.")
    return bool(value)


def dropout_p(name: str, p) -> float:
    """Dropout's `p` as a float in [0, 1): the probability of zeroing an
    element. p = 1 gets its own message (the rescale 1/(1-p) is 1/0)."""
    if not _is_number(p):
        raise TypeError(f"{name}: p must be a number in [0, 1), got "
                        f"{type(p).__name__} ({p!r}). Hint: p is the "
                        f"probability of dropping an element, e.g. p=0.2.")
    if p == 1:
        raise ValueError(f"{name}: p=1 would drop every element and the "
                         f"rescale 1/(1-p) would divide by zero. Hint: use "
                         f"p < 1; to silence a layer's output, multiply it "
                         f"by 0 instead.")
    if not 0 <= p < 1:
        raise ValueError(f"{name}: p must be in [0, 1), got {fmt(p)}. Hint: "
                         f"p is a probability, e.g. 0.1 to 0.5.")
    return float(p)


def generator(name: str, rng) -> np.random.Generator:
    """A NumPy Generator from `rng`: None (fresh randomness), a
    non-negative int seed, or a np.random.Generator (used as it is)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (int, np.integer)) and not isinstance(
            rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"{name}: a seed must be a non-negative int, "
                             f"got {rng}. Hint: pass rng=0 for reproducible "
                             f"results.")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name}: rng must be None, a non-negative int seed or "
                    f"a np.random.Generator, got {type(rng).__name__} "
                    f"({rng!r}). Hint: pass rng=0 for reproducible results.")


_STRETCH_DEFAULTS = {"weight": None, "label_smoothing": 0.0}


def core_settings(name: str, **settings) -> None:
    """Return quietly when every setting has its default; otherwise raise
    NotImplementedError: `weight` and `label_smoothing` are built in the
    optional stretch notebook. (A label_smoothing that is not a number in
    [0, 1] is a TypeError/ValueError first.)"""
    for option, value in settings.items():
        default = _STRETCH_DEFAULTS[option]
        if option == "weight" and isinstance(value, str):
            raise TypeError(
                f"{name}: weight must be None or a Tensor of weights, got "
                f"the string {value!r}. Hint: settings after weight go by "
                f"name, e.g. {name}(reduction={value!r}).")
        if option == "label_smoothing":
            value = number(name, option, value, 0.0, 1.0,
                           hint="0 means no smoothing; 0.1 is common")
        if value == default if default is not None else value is None:
            continue
        where = "tinytorch.nn" if name[:1].isupper() \
            else "tinytorch.nn.functional"
        raise NotImplementedError(
            f"{name}: {option}= is built in the optional stretch notebook "
            f"({STRETCH_NOTEBOOK}); the core supports only "
            f"{option}={default!r}. Hint: write and export that notebook, "
            f"then use {where}.{name}.")


def bind_settings(cls, args: tuple, kwargs: dict) -> dict:
    """The settings given to `cls(...)` by name; one-line TypeError if
    they do not fit the signature of `cls.__init__` (with a close match
    for a misspelt name)."""
    signature = inspect.signature(cls.__init__)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError as err:
        params = list(signature.parameters.values())[1:]
        names = [p.name for p in params]
        settings = ", ".join(str(p) for p in params)
        hint = f"pass settings by name, e.g. {cls.__name__}(reduction='sum')"
        unknown = [k for k in kwargs if k not in names]
        close = difflib.get_close_matches(unknown[0], names, n=1) \
            if unknown else []
        if close:
            hint = f"did you mean {close[0]}=...? ({hint})"
        raise TypeError(f"{cls.__name__}: {err}; its settings are "
                        f"({settings}). Hint: {hint}.") from None
    return dict(list(bound.arguments.items())[1:])


# ---------------------------------------------------------------- arrays
def real_data(name: str, arg: str, x) -> np.ndarray:
    """`x.data`; TypeError unless `x` is a Tensor of real numbers."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{name}: {arg} must be a Tensor, got {type(x).__name__}. "
            f"Hint: wrap the values first, e.g. Tensor(values).")
    data = x.data
    if data.dtype.kind not in "iuf":
        raise TypeError(
            f"{name}: {arg} must hold real numbers (an integer or float "
            f"dtype), got dtype {data.dtype}. Hint: build it with "
            f"Tensor(values), which stores float32.")
    return data


def _float_dtype(*arrays: np.ndarray) -> np.dtype:
    """float64 if any input is float64 (or wider), otherwise float32."""
    wide = any(a.dtype.kind == "f" and a.dtype.itemsize >= 8 for a in arrays)
    return np.dtype(np.float64 if wide else np.float32)


def floats(name: str, arg: str, x) -> np.ndarray:
    """The data of Tensor `x` as floats: float64 stays float64, anything
    else becomes float32. No copy when the dtype is already right."""
    data = real_data(name, arg, x)
    return data.astype(_float_dtype(data), copy=False)


def finite(name: str, arg: str, data: np.ndarray,
           allow_neg_inf: bool = False) -> None:
    """ValueError if `data` holds NaN or inf (-inf allowed if asked)."""
    if data.dtype.kind in "iu" or data.size == 0:
        return
    with np.errstate(all="ignore"):  # one pass: NaN and inf spread into it
        if np.isfinite(np.add.reduce(data, axis=None)):
            return
    if np.isfinite(data.min()) and np.isfinite(data.max()):
        return  # the sum overflowed, but every value is finite
    bad = ~np.isfinite(data)
    if allow_neg_inf:
        bad &= ~np.isneginf(data)
        if not bad.any():
            return
    index = first(bad)
    value = data[index]
    if np.isnan(value):
        hint = ("a NaN usually comes from an earlier overflow or 0/0; "
                "check the model's outputs and the learning rate")
    elif allow_neg_inf:
        hint = ("-inf is allowed (it masks a class) but +inf is not a "
                "score; check the model's outputs")
    else:
        hint = "an inf usually comes from an overflow earlier on"
    allowed = "finite (or -inf)" if allow_neg_inf else "finite"
    raise ValueError(f"{name}: {arg} must be {allowed}, got {fmt(value)} at "
                     f"{arg}[{at(index)}]. Hint: {hint}.")


def dim(name: str, dim, ndim: int) -> int:
    """`dim` as a non-negative axis of an `ndim`-D array, or raise."""
    if isinstance(dim, (bool, np.bool_)) or not isinstance(
            dim, (int, np.integer)):
        raise TypeError(f"{name}: dim must be an int, got "
                        f"{type(dim).__name__}. Hint: use dim=-1 for the "
                        f"last dimension.")
    if ndim == 0:
        raise ValueError(
            f"{name}: expected a Tensor with at least 1 dimension, got a "
            f"0-d (scalar) Tensor. Hint: use x.reshape(1) for one score.")
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"{name}: dim {dim} is out of range for a {ndim}-D Tensor "
            f"(valid: {-ndim}..{ndim - 1}). Hint: dim=-1 means the last "
            f"dimension.")
    return int(dim) % ndim


def linear_inputs(name: str, x, weight, bias=None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Float arrays (x, weight, bias) for y = x @ weight + bias.

    `weight` is (in_features, out_features), `x` is (*, in_features) and
    `bias`, when given, is (out_features,); bias None stays None.
    """
    z = floats(name, "x", x)
    w = floats(name, "weight", weight)
    if w.ndim != 2:
        raise ValueError(
            f"{name}: weight must have shape (in_features, out_features), "
            f"got shape {w.shape}. Hint: one row per input feature, one "
            f"column per output feature.")
    n_in, n_out = w.shape
    if z.ndim == 0 or z.shape[-1] != n_in:
        if z.ndim and z.shape[-1] == n_out and n_in != n_out:
            hint = ("weight looks transposed: this course stores it as "
                    "(in_features, out_features), PyTorch as (out, in); "
                    "copy PyTorch weights with .T")
        else:
            hint = ("the last dimension holds each example's features; "
                    "flatten images first, e.g. x.reshape(batch_size, -1)")
        raise ValueError(
            f"{name}: x must have last dimension {n_in} (weight has shape "
            f"{w.shape}), got shape {z.shape}. Hint: {hint}.")
    if bias is None:
        return z, w, None
    b = floats(name, "bias", bias)
    if b.shape != (n_out,):
        raise ValueError(
            f"{name}: bias must have shape ({n_out},), one value per output "
            f"feature of weight {w.shape}, got shape {b.shape}. Hint: pass "
            f"bias=None for a layer without one.")
    return z, w, b


def _scores(name: str, arg: str, data: np.ndarray, axis: int) -> None:
    """Scores along `axis`: at least one, finite or -inf, never all -inf."""
    if data.shape[axis] == 0:
        raise ValueError(
            f"{name}: {arg} has size 0 along dim {axis} (shape "
            f"{data.shape}), so there is nothing to normalise. Hint: there "
            f"must be at least one class.")
    if data.size == 0 or np.isfinite(np.max(data, axis=axis)).all():
        return  # every slice has a finite maximum: no NaN, +inf, all -inf
    finite(name, arg, data, allow_neg_inf=True)
    dead = np.isneginf(data).all(axis=axis)
    if dead.any():
        where = [str(i) for i in first(dead)]
        where.insert(axis, ":")
        raise ValueError(
            f"{name}: every entry of {arg}[{', '.join(where)}] is -inf, so "
            f"it gives no probability distribution. Hint: leave at least "
            f"one class unmasked (PyTorch would return NaN here).")


def logits(name: str, x, dim_: int = -1, arg: str = "x"
           ) -> tuple[np.ndarray, int]:
    """(float data, non-negative axis) of scores `x` along `dim_`.

    Every entry is finite or -inf (a masked class), and no slice along the
    axis is empty or entirely -inf.
    """
    data = floats(name, arg, x)
    axis = dim(name, dim_, data.ndim)
    _scores(name, arg, data, axis)
    return data, axis


def _nonempty(name: str, arg: str, data: np.ndarray) -> None:
    if data.ndim == 0:
        raise ValueError(
            f"{name}: {arg} must have a batch dimension, got a 0-d (scalar) "
            f"Tensor. Hint: for one value use {arg}.reshape(1).")
    if data.size == 0:
        raise ValueError(
            f"{name}: {arg} is an empty batch (shape {data.shape}), and "
            f"there are no losses to average, add up or return. Hint: check "
            f"how the batch was sliced, or skip empty batches.")


def _same_shape_or_raise(name, a_name, a, b_name, b) -> None:
    if a.shape == b.shape:
        return
    if a.size == b.size:
        hint = f"reshape one to match the other, e.g. {b_name}.reshape{a.shape}"
        try:
            wide = np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            wide = None
        if wide is not None:
            hint = (f"NumPy would silently broadcast them to {wide} and "
                    f"compare the wrong pairs; {hint}")
    else:
        hint = (f"they hold {a.size} and {b.size} values; check that both "
                f"come from the same batch")
    raise ValueError(f"{name}: {a_name} and {b_name} must have the same "
                     f"shape, got {a.shape} and {b.shape}. Hint: {hint}.")


def same_shape(name: str, predictions, targets
               ) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays (p, t) of one dtype: two Tensors of exactly the same
    non-empty shape, with finite values."""
    p = real_data(name, "predictions", predictions)
    t = real_data(name, "targets", targets)
    _same_shape_or_raise(name, "predictions", p, "targets", t)
    _nonempty(name, "predictions", p)
    finite(name, "predictions", p)
    finite(name, "targets", t)
    dtype = _float_dtype(p, t)
    return p.astype(dtype, copy=False), t.astype(dtype, copy=False)


def _unit_interval(name: str, arg: str, data: np.ndarray, hint: str) -> None:
    if data.min() >= 0 and data.max() <= 1:
        return
    bad = (data < 0) | (data > 1)
    index = first(bad)
    raise ValueError(f"{name}: {arg} must lie in [0, 1], got "
                     f"{fmt(data[index])} at {arg}[{at(index)}]. Hint: "
                     f"{hint}.")


def probabilities(name: str, predictions, targets
                  ) -> tuple[np.ndarray, np.ndarray]:
    """`same_shape`, and every value of both in [0, 1]."""
    p, t = same_shape(name, predictions, targets)
    _unit_interval(name, "predictions", p,
                   "these are probabilities; apply a sigmoid to raw scores "
                   "(logits) first")
    _unit_interval(name, "targets", t,
                   "use 0/1 labels or soft labels between them; map -1/+1 "
                   "labels to 0/1 with (t + 1) / 2")
    return p, t


def whole_indices(name: str, t: np.ndarray, c: int) -> None:
    """ValueError unless float targets `t` hold whole numbers (ints pass)."""
    if t.dtype.kind != "f":
        return
    bad = ~np.isfinite(t)
    bad[~bad] = t[~bad] != np.floor(t[~bad])
    if bad.any():
        index = first(bad)
        raise ValueError(
            f"{name}: targets must be whole class indices, got "
            f"{fmt(t[index])} at targets[{at(index)}]. Hint: pass class "
            f"numbers 0..{c - 1}, not probabilities or scores.")


def class_targets(name: str, logits_, targets, ignore_index: int = -100
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(scores (N, C) as floats, targets (N,) as integer indices 0..C-1).

    The core losses need a target for every row: one equal to
    `ignore_index` raises NotImplementedError (skipping rows is built in
    the optional stretch notebook).
    """
    ignore_index = integer(name, "ignore_index", ignore_index)
    z = floats(name, "logits", logits_)
    if z.ndim != 2:
        hint = ("for a single sample use logits.reshape(1, -1)"
                if z.ndim == 1 else "pass one row of class scores per sample")
        raise ValueError(f"{name}: logits must have shape (N, C), got shape "
                         f"{z.shape}. Hint: {hint}.")
    if z.shape[0] == 0:
        _nonempty(name, "logits", z)
    _scores(name, "logits", z, axis=1)
    n, c = z.shape
    t = real_data(name, "targets", targets)
    if t.shape != (n,):
        if t.shape == (n, 1):
            hint = "flatten them with targets.reshape(-1)"
        elif t.shape == (n, c):
            hint = ("the core takes class indices; for one-hot rows use "
                    "Tensor(targets.data.argmax(axis=1)) (probabilities as "
                    "targets are built in the optional stretch notebook)")
        else:
            hint = "pass exactly one class index per row of logits"
        raise ValueError(f"{name}: targets must have shape ({n},), one class "
                         f"index per row of logits {(n, c)}, got {t.shape}. "
                         f"Hint: {hint}.")
    whole_indices(name, t, c)
    skipped = t == ignore_index
    if skipped.any():
        index = first(skipped)
        raise NotImplementedError(
            f"{name}: targets[{at(index)}] equals ignore_index "
            f"({ignore_index}); skipping targets is built in the optional "
            f"stretch notebook ({STRETCH_NOTEBOOK}), and the core needs a "
            f"class 0..{c - 1} for every row. Hint: drop those rows, or "
            f"write and export that notebook, then use "
            f"tinytorch.nn.functional.{name}.")
    bad = (t < 0) | (t >= c)
    if bad.any():
        index = first(bad)
        where = f"targets[{at(index)}]"
        if t[index] < 0:
            hint = (f"{where} is negative; class indices start at 0; drop "
                    f"or remap that sample")
        else:
            hint = (f"{where} must be below {c}; check that the model has "
                    f"one output per class")
        raise ValueError(f"{name}: target {fmt(t[index])} is out of range for "
                         f"{c} classes (valid: 0..{c - 1}). Hint: {hint}.")
    return z, t.astype(np.intp)
