"""Checks of the optional stretch notebook of Module 04 (given code).

Used by src/04_losses/04_losses_stretch.py (its package file is
tinytorch/core/losses_stretch.py). Same rules as the core checks: look at
inputs and settings, never compute a result.
"""

from __future__ import annotations

import difflib

import numpy as np

from tinytorch.core.checks.core import (_float_dtype, _nonempty,
                                        _same_shape_or_raise, _scores,
                                        _unit_interval, at, finite, first,
                                        floats, fmt, integer, real_data,
                                        whole_indices)
from tinytorch.core.tensor import Tensor

__all__ = [
    "boolean", "choice", "class_scores", "class_weight",
    "core_handles_cross_entropy", "counts", "elementwise_weight",
    "embeddings", "kept_targets", "kl_inputs", "logits_and_labels",
    "optional_tensor", "positive_int", "probs_and_targets", "upstream",
]



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
                if z.ndim == 1 else "pass one row of class scores per "
                                    "sample, the classes in dim 1")
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
    whole_indices(name, t, c)
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
