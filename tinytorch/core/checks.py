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
    "REDUCTIONS", "bind_settings", "class_targets", "dim", "dropout_p",
    "finite", "flag", "floats", "generator", "integer", "linear_inputs",
    "logits", "number", "probabilities", "real_data", "reduction",
    "same_shape", "size", "core_settings",
    # used by the optional stretch notebook
    "boolean", "choice", "class_scores", "class_weight", "counts",
    "core_handles_cross_entropy", "elementwise_weight", "embeddings",
    "kept_targets", "kl_inputs", "logits_and_labels", "optional_tensor",
    "positive_int", "probs_and_targets", "upstream",
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
    if t.dtype.kind == "f":
        bad = ~np.isfinite(t)
        bad[~bad] = t[~bad] != np.floor(t[~bad])
        if bad.any():
            index = first(bad)
            raise ValueError(
                f"{name}: targets must be whole class indices, got "
                f"{fmt(t[index])} at targets[{at(index)}]. Hint: pass class "
                f"numbers 0..{c - 1}, not probabilities or scores.")
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


# ================================================ the optional stretch part
# Checks used by src/04_losses/04_losses_stretch.py (its package file is
# tinytorch/core/losses_stretch.py). Same rules: look, never compute.

def boolean(name: str, arg: str, value, hint: str) -> bool:
    """The setting `value` as a bool; TypeError unless it is True/False."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name}: {arg} must be True or False, got "
                    f"{type(value).__name__} {value!r}. Hint: {hint}.")


def choice(name: str, arg: str, value, choices: tuple, hint: str) -> str:
    """`value` if it is one of the strings `choices`; ValueError otherwise
    (with the closest choice when there is one)."""
    if isinstance(value, str) and value in choices:
        return value
    close = difflib.get_close_matches(value, choices, n=1) \
        if isinstance(value, str) else []
    names = ", ".join(repr(c) for c in choices)
    hint = f"did you mean {close[0]!r}?" if close else f"{hint}."
    raise ValueError(f"{name}: {arg}={value!r} must be one of {names}. "
                     f"Hint: {hint}")


def positive_int(name: str, arg: str, value, hint: str) -> int:
    """The setting `value` as an int >= 1."""
    value = integer(name, arg, value, hint)
    if value < 1:
        raise ValueError(f"{name}: {arg} must be >= 1, got {value}. "
                         f"Hint: {hint}.")
    return value


def optional_tensor(name: str, arg: str, value):
    """`value` if it is None or a Tensor; TypeError otherwise (a loss
    class checks its Tensor settings when it is built)."""
    if value is None or isinstance(value, Tensor):
        return value
    raise TypeError(f"{name}: {arg} must be a Tensor or None, got "
                    f"{type(value).__name__}. Hint: wrap the values first, "
                    f"e.g. {arg}=Tensor([1.0, 3.0]).")


def _non_negative(name: str, arg: str, data: np.ndarray, hint: str) -> None:
    finite(name, arg, data)
    if data.size and data.min() < 0:
        index = first(data < 0)
        raise ValueError(f"{name}: {arg} must be >= 0, got "
                         f"{fmt(data[index])} at {arg}[{at(index)}]. "
                         f"Hint: {hint}.")


def class_weight(name: str, weight, num_classes: int, dtype) -> np.ndarray:
    """One weight per class as an array (C,) of `dtype`: all ones for
    None, else a Tensor (C,) of finite values >= 0 (copied)."""
    if weight is None:
        return np.ones(num_classes, dtype=dtype)
    w = real_data(name, "weight", weight)
    if w.shape != (num_classes,):
        raise ValueError(
            f"{name}: weight must have one value per class, shape "
            f"({num_classes},), got {w.shape}. Hint: the scores have "
            f"{num_classes} classes in dim 1.")
    _non_negative(name, "weight", w,
                  "a class weight scales that class's losses; 0 leaves "
                  "the class out")
    return w.astype(dtype)


def elementwise_weight(name: str, arg: str, weight, shape: tuple, dtype
                       ) -> np.ndarray:
    """`weight` as an array of `dtype` that broadcasts to `shape` without
    changing it (a 0-d 1 for None); finite values >= 0."""
    if weight is None:
        return np.ones((), dtype=dtype)
    w = real_data(name, arg, weight)
    try:
        wide = np.broadcast_shapes(w.shape, shape)
    except ValueError:
        wide = None
    if wide != tuple(shape):
        raise ValueError(
            f"{name}: {arg} of shape {w.shape} must broadcast to the "
            f"input's shape {tuple(shape)} without changing it. Hint: use "
            f"one value per element, or one per label along the last "
            f"dimension, shape ({shape[-1]},).")
    _non_negative(name, arg, w, f"{arg} scales losses; use values >= 0")
    return w.astype(dtype, copy=False)


def logits_and_labels(name: str, logits_, targets
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays (x, y) of one dtype: logits and labels in [0, 1] of
    exactly the same non-empty shape, all finite."""
    x = real_data(name, "logits", logits_)
    y = real_data(name, "targets", targets)
    _same_shape_or_raise(name, "logits", x, "targets", y)
    _nonempty(name, "logits", x)
    finite(name, "logits", x)
    finite(name, "targets", y)
    _unit_interval(name, "targets", y,
                   "use 0/1 labels or soft labels between them; map -1/+1 "
                   "labels to 0/1 with (t + 1) / 2")
    dtype = _float_dtype(x, y)
    return x.astype(dtype, copy=False), y.astype(dtype, copy=False)


def _no_masked_scores(name: str, arg: str, z: np.ndarray, why: str) -> None:
    if np.isneginf(z).any():
        index = first(np.isneginf(z))
        raise ValueError(
            f"{name}: {arg}[{at(index)}] is -inf, but {why}, so the loss "
            f"would be inf or NaN (PyTorch returns one of them). Hint: mask "
            f"classes with a large negative finite value such as -1e9.")


def _rows(data: np.ndarray) -> np.ndarray:
    """(N, C, d1, ...) -> (N * d1 * ..., C): one row per position."""
    return np.moveaxis(data, 1, -1).reshape(-1, data.shape[1])


def class_scores(name: str, scores, targets, ignore_index=-100, *,
                 arg: str = "logits", probabilities: bool = False,
                 label_smoothing: float = 0.0, batch_dims: bool = True
                 ) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Class scores and their targets, one row per position: (z, y, shape).

    `scores` is (N, C) or, with batch_dims, (N, C, d1, ...): classes in
    dim 1; entries finite or -inf, no slice all -inf. `z` is (M, C)
    floats, M = N * d1 * ...; `shape` is (N, d1, ...), the shape of one
    loss per position. `y` is (M,) integer class indices 0..C-1 (or
    ignore_index; None means no index is skipped), or, with
    probabilities=True and targets shaped like the scores, (M, C) class
    probabilities. A -inf score is refused where every class enters the
    loss (probability targets, label_smoothing > 0).
    """
    if ignore_index is not None:
        ignore_index = integer(name, "ignore_index", ignore_index)
    z = floats(name, arg, scores)
    wanted_dims = "(N, C) or (N, C, d1, ...)" if batch_dims else "(N, C)"
    if z.ndim < 2 or (z.ndim > 2 and not batch_dims):
        hint = (f"for a single sample use {arg}.reshape(1, -1)"
                if z.ndim == 1 else f"pass one row of class scores per "
                                    f"sample, the classes in dim 1")
        raise ValueError(f"{name}: {arg} must have shape {wanted_dims}, got "
                         f"shape {z.shape}. Hint: {hint}.")
    n, c = z.shape[:2]
    if c and z.size == 0:
        _nonempty(name, arg, z)
    _scores(name, arg, z, axis=1)
    t = real_data(name, "targets", targets)
    shape = (n,) + z.shape[2:]
    if probabilities and t.shape == z.shape:
        if ignore_index is not None and ignore_index != -100:
            raise ValueError(
                f"{name}: ignore_index={ignore_index} applies to class-index "
                f"targets, but these targets are class probabilities (shaped "
                f"like the {arg}, {z.shape}). Hint: leave ignore_index at "
                f"-100 (PyTorch raises here too).")
        finite(name, "targets", t)
        _unit_interval(name, "targets", t,
                       f"targets shaped like the {arg} are class "
                       f"probabilities; for hard labels pass class indices "
                       f"of shape {shape}")
        _no_masked_scores(name, arg, z,
                          "with probability targets every class's "
                          "log-probability enters the loss")
        return _rows(z), _rows(t).astype(z.dtype), shape
    if t.shape != shape:
        if t.shape == (n, 1) and z.ndim == 2:
            hint = "flatten them with targets.reshape(-1)"
        elif t.shape == z.shape and z.ndim == 2:
            hint = ("this function takes class indices; for one-hot rows "
                    "use Tensor(targets.data.argmax(axis=1))")
        else:
            hint = (f"it is the shape of {arg} without dim 1, which holds "
                    f"the classes")
            if probabilities:
                hint += f" (or class probabilities shaped like the {arg})"
        where = "row" if z.ndim == 2 else "position"
        raise ValueError(f"{name}: targets must have shape {shape}, one "
                         f"class index per {where} of {arg} {z.shape}, got "
                         f"{t.shape}. Hint: {hint}.")
    if t.dtype.kind == "f":
        bad = ~np.isfinite(t)
        bad[~bad] = t[~bad] != np.floor(t[~bad])
        if bad.any():
            index = first(bad)
            raise ValueError(
                f"{name}: targets must be whole class indices, got "
                f"{fmt(t[index])} at targets[{at(index)}]. Hint: pass class "
                f"numbers 0..{c - 1}, not probabilities or scores.")
    kept = np.ones(t.shape, dtype=bool) if ignore_index is None \
        else t != ignore_index
    bad = kept & ((t < 0) | (t >= c))
    if bad.any():
        index = first(bad)
        where = f"targets[{at(index)}]"
        skip = ("" if ignore_index is None else
                f" (targets equal to ignore_index={ignore_index} are "
                f"skipped)")
        if t[index] < 0:
            hint = (f"{where} is negative; class indices start at 0{skip}")
        else:
            hint = (f"{where} must be below {c}; check that the model has "
                    f"one output per class")
        raise ValueError(f"{name}: target {fmt(t[index])} is out of range for "
                         f"{c} classes (valid: 0..{c - 1}). Hint: {hint}.")
    if label_smoothing > 0:
        _no_masked_scores(name, arg, z,
                          "with label_smoothing > 0 every class's "
                          "log-probability enters the loss")
    return _rows(z), t.reshape(-1).astype(np.intp), shape


def kept_targets(name: str, z: np.ndarray, y: np.ndarray, weight: np.ndarray,
                 ignore_index: int, reduction: str, arg: str = "logits"
                 ) -> None:
    """For class-index targets `y` (M,) of rows `z` (M, C) with class
    weights `weight` (C,): 'mean' needs a kept weight > 0 to divide by, and
    a -inf score at a target of weight 0 would be 0 * inf."""
    if y.ndim != 1:
        return  # class probabilities: 'mean' divides by the rows
    kept = y != ignore_index
    rows = np.flatnonzero(kept)
    w = weight[y[rows]]
    zero_at_masked = (w == 0) & np.isneginf(z[rows, y[rows]])
    if zero_at_masked.any():
        i = rows[np.argmax(zero_at_masked)]
        raise ValueError(
            f"{name}: the target of row {i} is class {y[i]}, whose {arg} is "
            f"-inf and whose weight is 0, so its loss is 0 * inf "
            f"(undefined; PyTorch returns nan). Hint: mask with a large "
            f"negative finite value such as -1e9, or drop that sample.")
    if reduction != "mean" or np.sum(w, dtype=np.float64) > 0:
        return
    what = (f"every target equals ignore_index ({ignore_index})"
            if not kept.any() else "every kept target has class weight 0")
    raise ValueError(f"{name}: {what}, so reduction='mean' has nothing to "
                     f"average (PyTorch returns nan). Hint: skip this batch, "
                     f"or use reduction='sum', which gives 0.")


def core_handles_cross_entropy(logits_, targets, weight, ignore_index,
                               label_smoothing) -> bool:
    """Whether the core's cross_entropy computes this call: no weight, no
    smoothing, (N, C) logits with (N,) class indices, none of them equal
    to ignore_index. Inputs that are not Tensors go to the core too (its
    checks say what is wrong, in the same words)."""
    if weight is not None or not isinstance(label_smoothing, (int, float)) \
            or isinstance(label_smoothing, bool) or label_smoothing != 0:
        return False
    if not (isinstance(logits_, Tensor) and isinstance(targets, Tensor)):
        return True
    if logits_.data.ndim != 2 or targets.shape != logits_.shape[:1]:
        return False
    if isinstance(ignore_index, (bool, np.bool_)) or not isinstance(
            ignore_index, (int, np.integer)):
        return True  # the core raises the TypeError
    data = targets.data
    return data.dtype.kind not in "iuf" or not (data == ignore_index).any()


def kl_inputs(name: str, log_probs, targets, log_target: bool
              ) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays (log_q, p) of one dtype and one non-empty shape:
    log-probabilities (finite or -inf) and target probabilities in [0, 1]
    (or, with log_target, log-probabilities <= 0, finite or -inf)."""
    lq = real_data(name, "log_probs", log_probs)
    p = real_data(name, "targets", targets)
    _same_shape_or_raise(name, "log_probs", lq, "targets", p)
    _nonempty(name, "log_probs", lq)
    finite(name, "log_probs", lq, allow_neg_inf=True)
    if log_target:
        finite(name, "targets", p, allow_neg_inf=True)
        if p.max() > 0:
            index = first(p > 0)
            raise ValueError(
                f"{name}: targets must be <= 0 with log_target=True (they "
                f"are log-probabilities), got {fmt(p[index])} at "
                f"targets[{at(index)}]. Hint: pass probabilities with "
                f"log_target=False instead.")
    else:
        finite(name, "targets", p)
        _unit_interval(name, "targets", p,
                       "the targets are probabilities; pass "
                       "log-probabilities with log_target=True")
    dtype = _float_dtype(lq, p)
    return lq.astype(dtype, copy=False), p.astype(dtype, copy=False)


def embeddings(name: str, matrix: bool = False, **tensors) -> list:
    """Float arrays of one dtype, one per Tensor given by name (in order):
    all of the same shape, (N, D) or (D,) (only (N, D) with matrix=True),
    non-empty and finite."""
    arrays = [(arg, real_data(name, arg, x)) for arg, x in tensors.items()]
    first_arg, first_data = arrays[0]
    for arg, data in arrays[1:]:
        _same_shape_or_raise(name, first_arg, first_data, arg, data)
    allowed = (2,) if matrix else (1, 2)
    if first_data.ndim not in allowed:
        wanted = "(N, D)" if matrix else "(N, D) or (D,)"
        raise ValueError(
            f"{name}: {first_arg} must have shape {wanted}, got "
            f"{first_data.shape}. Hint: one embedding per row, e.g. "
            f"x.reshape(N, -1).")
    if first_data.size == 0:
        raise ValueError(
            f"{name}: {first_arg} is empty (shape {first_data.shape}), so "
            f"there is nothing to compare. Hint: pass at least one "
            f"embedding with at least one value.")
    for arg, data in arrays:
        finite(name, arg, data)
    dtype = _float_dtype(*(data for _, data in arrays))
    return [data.astype(dtype, copy=False) for _, data in arrays]


def upstream(name: str, grad, reduction: str, shape: tuple, dtype
             ) -> np.ndarray:
    """The gradient arriving from after the loss, as an array of `dtype`:
    one number for 'mean' and 'sum', or the loss's `shape` for 'none'."""
    g = np.asarray(grad)
    if g.dtype.kind not in "iuf":
        raise TypeError(f"{name}: grad must hold real numbers, got dtype "
                        f"{g.dtype}. Hint: pass a NumPy array or a number.")
    wanted = tuple(shape) if reduction == "none" else ()
    if g.shape != wanted:
        raise ValueError(
            f"{name}: grad must have the shape of the loss, {wanted}, got "
            f"{g.shape}. Hint: reduction={reduction!r} returns "
            f"{'one loss per element' if wanted else 'one number'}.")
    return g.astype(dtype, copy=False)


def counts(name: str, values) -> np.ndarray:
    """Per-class example counts as float64 (C,): whole numbers >= 1."""
    if isinstance(values, Tensor):
        values = values.data
    try:
        n = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name}: counts must be numbers, one per class, got "
            f"{type(values).__name__}. Hint: e.g. {name}([900, 100]).") \
            from None
    if n.ndim != 1 or n.size == 0:
        raise ValueError(
            f"{name}: counts must be 1-D with one count per class, got "
            f"shape {n.shape}. Hint: count the examples of each class, "
            f"e.g. np.bincount(labels).")
    good = np.isfinite(n) & (n == np.floor(n)) & (n >= 1)
    if not good.all():
        index = first(~good)
        raise ValueError(
            f"{name}: every count must be a whole number >= 1, got "
            f"{fmt(n[index])} at counts[{at(index)}]. Hint: a class with no "
            f"examples cannot be weighted; drop it or merge it.")
    return n


def probs_and_targets(name: str, probs, targets
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(N, C) class probabilities as float64, rows summing to 1 (within
    1e-3), and (N,) class indices."""
    p = real_data(name, "probs", probs)
    if p.ndim != 2 or p.size == 0:
        raise ValueError(
            f"{name}: probs must have shape (N, C) with N, C >= 1, got "
            f"{p.shape}. Hint: one row of class probabilities per sample.")
    p = p.astype(np.float64)
    finite(name, "probs", p)
    _unit_interval(name, "probs", p,
                   "these are probabilities; apply a softmax to logits first")
    sums = p.sum(axis=1)
    if np.abs(sums - 1).max() > 1e-3:
        (i,) = first(np.abs(sums - 1) > 1e-3)
        raise ValueError(
            f"{name}: every row of probs must sum to 1, got {sums[i]:.4g} "
            f"in row {i}. Hint: use a softmax over the classes (sigmoids of "
            f"separate labels do not sum to 1).")
    _, t, _ = class_scores(name, probs, targets, None, arg="probs",
                           batch_dims=False)
    return p, t
