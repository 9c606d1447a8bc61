"""Learners' code for Module 04's TODOs: right in other styles, and wrong.

Each entry replaces the solution of one TODO cell (by grade_id) with the
body a learner might write. `CORRECT` holds implementations written
differently from the reference that must pass every test; `MISTAKES` holds
the common mistakes, each with a word or phrase that the failure message
must contain, so the test names the mistake instead of only saying that a
number differs.

`run_tests(variants)` runs the module's package cells and tests in-process
(no Jupyter kernel), for fast checks of many variants; `run_cells` runs the
package cells and chosen demo cells. Both take `part="stretch"` for the
optional stretch notebook, src/04_losses/04_losses_stretch.py (its own tables
are in tests/_learner_stretch.py).
"""

from __future__ import annotations

import contextlib
import textwrap
from dataclasses import dataclass

LOG_SOFTMAX = "losses-log-softmax"
REDUCE = "losses-reduce"
MSE = "losses-mse"
CE = "losses-cross-entropy"
BCE = "losses-bce"


@dataclass(frozen=True)
class Variant:
    name: str
    grade_id: str
    body: str          # replaces the lines between the solution markers
    says: str = ""     # (mistakes) the failure message must contain this
    test: str = ""     # (mistakes) the test cell that must catch it


CORRECT = [
    Variant("log_softmax with Tensor methods", LOG_SOFTMAX, """
    x = from_numpy(data)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - shifted.exp().sum(axis=axis, keepdims=True).log()
"""),
    Variant("log_softmax via a log-sum-exp with the max added back",
            LOG_SOFTMAX, """
    m = data.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(data - m).sum(axis=axis, keepdims=True))
    out = data - lse
    return from_numpy(out)
"""),
    Variant("reduce with a dict of functions", REDUCE, """
    reducers = {"mean": np.mean, "sum": np.sum}
    if reduction in reducers:
        value = reducers[reduction](losses)
        return from_numpy(np.asarray(value, dtype=losses.dtype))
    return from_numpy(losses.copy())
"""),
    Variant("reduce through Tensor(..., dtype=...)", REDUCE, """
    if reduction == "none":
        return Tensor(losses, dtype=losses.dtype)
    total = losses.sum()
    if reduction == "mean":
        total = total / losses.size
    return Tensor(total, dtype=losses.dtype)
"""),
    Variant("mse with np.square and np.subtract", MSE, """
    squared_errors = np.square(np.subtract(p, t))
    result = reduce_losses(squared_errors, reduction)
    return result
"""),
    Variant("cross-entropy via log_softmax", CE, """
    log_probs = log_softmax(from_numpy(z), dim=1).data
    rows = np.arange(z.shape[0])
    return reduce_losses(-log_probs[rows, t], reduction)
"""),
    Variant("cross-entropy with the max shift, no in-place exp", CE, """
    n = z.shape[0]
    m = z.max(axis=1, keepdims=True)
    log_sum_exp = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    target_logits = z[np.arange(n), t]
    return reduce_losses(log_sum_exp - target_logits, reduction)
"""),
    Variant("cross-entropy with a loop over rows", CE, """
    losses = np.empty(len(t), dtype=z.dtype)
    for i, row in enumerate(z):
        m = row.max()
        losses[i] = m + np.log(np.sum(np.exp(row - m))) - row[t[i]]
    return reduce_losses(losses, reduction)
"""),
    Variant("bce with np.clip from below and np.where-free maths", BCE, """
    a = np.log(np.clip(p, EPS, None))
    b = np.log(np.clip(1.0 - p, EPS, None))
    per_element = -(t * a) - (1.0 - t) * b
    return reduce_losses(per_element, reduction)
"""),
]

MISTAKES = [
    Variant("no max-shift", LOG_SOFTMAX, """
    e = np.exp(data)
    return from_numpy(np.log(e / e.sum(axis=axis, keepdims=True)))
""", says="subtract the maximum", test="losses-test-log-softmax"),
    Variant("log-softmax without keepdims", LOG_SOFTMAX, """
    shifted = data - np.max(data, axis=axis)
    return from_numpy(shifted - np.log(np.sum(np.exp(shifted), axis=axis)))
""", says="keepdims=True", test="losses-test-log-softmax"),
    Variant("log2 in log-softmax", LOG_SOFTMAX, """
    shifted = data - np.max(data, axis=axis, keepdims=True)
    return from_numpy(shifted - np.log2(np.sum(np.exp(shifted), axis=axis,
                                                keepdims=True)))
""", says="np.log2", test="losses-test-log-softmax"),
    Variant("sum instead of mean", REDUCE, """
    if reduction == "none":
        return from_numpy(losses)
    return from_numpy(losses.sum())
""", says="sum of the losses, not their mean", test="losses-test-reduce"),
    Variant("mean over one axis", REDUCE, """
    if reduction == "mean":
        return from_numpy(losses.mean(axis=0))
    if reduction == "sum":
        return from_numpy(losses.sum())
    return from_numpy(losses)
""", says="not along one axis", test="losses-test-reduce"),
    Variant("returns a NumPy number", REDUCE, """
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses
""", says="expected a Tensor", test="losses-test-reduce"),
    Variant("returns a Python float", REDUCE, """
    if reduction == "none":
        return from_numpy(losses)
    return float(losses.mean() if reduction == "mean" else losses.sum())
""", says="returned a Python float, expected a Tensor",
        test="losses-test-reduce"),
    Variant("Tensor(result) loses float64", REDUCE, """
    if reduction == "mean":
        return Tensor(losses.mean())
    if reduction == "sum":
        return Tensor(losses.sum())
    return Tensor(losses)
""", says="from_numpy(result)", test="losses-test-reduce"),
    Variant("mse without the square", MSE, """
    return reduce_losses(np.abs(p - t), reduction)
""", says="mean absolute error", test="losses-test-mse"),
    Variant("mse sums instead of averaging", MSE, """
    diff = p - t
    if reduction == "mean":
        return from_numpy((diff * diff).sum())
    return reduce_losses(diff * diff, reduction)
""", says="sum of the losses, not their mean", test="losses-test-mse"),
    Variant("mse averages over rows only", MSE, """
    sq = (p - t) ** 2
    if reduction == "mean":
        return from_numpy(sq.sum() / len(sq))
    return reduce_losses(sq, reduction)
""", says="every element", test="losses-test-mse"),
    Variant("cross-entropy without max-shift", CE, """
    rows = np.arange(len(t))
    lse = np.log(np.sum(np.exp(z), axis=1))
    return reduce_losses(lse - z[rows, t], reduction)
""", says="subtract the maximum", test="losses-test-cross-entropy"),
    Variant("cross-entropy with a missing minus sign", CE, """
    log_probs = log_softmax(from_numpy(z), dim=1).data
    return reduce_losses(log_probs[np.arange(len(t)), t], reduction)
""", says="missing minus sign", test="losses-test-cross-entropy"),
    Variant("softmax applied twice", CE, """
    probs = np.exp(log_softmax(from_numpy(z), dim=1).data)
    log_probs = log_softmax(from_numpy(probs), dim=1).data
    return reduce_losses(-log_probs[np.arange(len(t)), t], reduction)
""", says="softmax was applied twice", test="losses-test-cross-entropy"),
    Variant("target picked off by one", CE, """
    shifted = z - z.max(axis=1, keepdims=True)
    picked = shifted[np.arange(len(t)), t - 1]
    lse = np.log(np.exp(shifted).sum(axis=1))
    return reduce_losses(lse - picked, reduction)
""", says="off by one", test="losses-test-cross-entropy"),
    Variant("target picked transposed", CE, """
    shifted = z - z.max(axis=1, keepdims=True)
    picked = shifted[t, np.arange(len(t))]
    lse = np.log(np.exp(shifted).sum(axis=1))
    return reduce_losses(lse - picked, reduction)
""", says="a[np.arange(N), targets]", test="losses-test-cross-entropy"),
    Variant("picks from unshifted logits", CE, """
    m = z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z - m).sum(axis=1))
    return reduce_losses(lse - z[np.arange(len(t)), t], reduction)
""", says="same shifted array", test="losses-test-cross-entropy"),
    Variant("log10 in cross-entropy", CE, """
    shifted = z - z.max(axis=1, keepdims=True)
    picked = shifted[np.arange(len(t)), t]
    lse = np.log10(np.exp(shifted).sum(axis=1))
    return reduce_losses(lse - picked, reduction)
""", says="np.log10", test="losses-test-cross-entropy"),
    Variant("cross-entropy over the wrong axis", CE, """
    shifted = z - z.max(axis=0, keepdims=True)
    picked = shifted[np.arange(len(t)), t]
    lse = np.log(np.exp(shifted).sum(axis=0))
    return reduce_losses(lse - picked, reduction)
""", says="class dimension", test="losses-test-cross-entropy"),
    Variant("bce clamps only p", BCE, """
    log_p = np.log(np.maximum(p, EPS))
    log_not_p = np.log(1 - p)
    return reduce_losses(-(t * log_p + (1 - t) * log_not_p), reduction)
""", says="clamp both log terms", test="losses-test-bce"),
    Variant("bce clips p into [eps, 1 - eps]", BCE, """
    q = np.clip(p, EPS, 1 - EPS)
    return reduce_losses(-(t * np.log(q) + (1 - t) * np.log(1 - q)),
                         reduction)
""", says="np.clip", test="losses-test-bce"),
    Variant("bce missing minus sign", BCE, """
    log_p = np.log(np.maximum(p, EPS))
    log_not_p = np.log(np.maximum(1 - p, EPS))
    return reduce_losses(t * log_p + (1 - t) * log_not_p, reduction)
""", says="missing minus sign", test="losses-test-bce"),
    Variant("bce in log base 2", BCE, """
    log_p = np.log2(np.maximum(p, EPS))
    log_not_p = np.log2(np.maximum(1 - p, EPS))
    return reduce_losses(-(t * log_p + (1 - t) * log_not_p), reduction)
""", says="np.log2", test="losses-test-bce"),
]


# a body for a cell with several solution regions: one part per region
NEXT_REGION = "\n#---- next solution region ----\n"


def replace_solution(source: str, body: str) -> str:
    """`source` with the lines between the solution markers set to `body`
    (for a cell with several regions, one part of `body` per region,
    separated by NEXT_REGION)."""
    from tito.core.markers import BEGIN_SOLUTION, END_SOLUTION

    lines = source.split("\n")
    start = 0
    for part in body.split(NEXT_REGION):
        begin = next(i for i, ln in enumerate(lines)
                     if i >= start and ln.strip() == BEGIN_SOLUTION)
        end = next(i for i, ln in enumerate(lines)
                   if i > begin and ln.strip() == END_SOLUTION)
        indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
        new = textwrap.indent(textwrap.dedent(part).strip("\n"), indent)
        new = new.split("\n")
        lines = lines[:begin] + new + lines[end + 1:]
        start = begin + len(new)
    return "\n".join(lines)


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _source_module(part: str | None):
    """The tito Part of the core source, or of its `part` ("stretch")."""
    from _support import part as named_part

    if part in (None, "stretch"):
        return named_part("04_losses" + ("" if part is None else "_stretch"))
    raise ValueError(f"unknown part {part!r}")


def instructor_cells(part: str | None = None):
    """(grade_id, source) of every code cell of the Module 04 source (or
    of its stretch notebook, with part="stretch")."""
    from tito.core.notebooks import read_source

    nb = read_source(_source_module(part))
    return [(_grade_id(c), c.source) for c in nb.cells
            if c.cell_type == "code"]


def learner_sources(variants=(), part: str | None = None):
    """Code cell sources with each variant's body in its TODO cell."""
    chosen = {v.grade_id: v for v in variants}
    out = []
    for gid, source in instructor_cells(part):
        if gid in chosen:
            source = replace_solution(source, chosen[gid].body)
        out.append((gid, source))
    return out


@contextlib.contextmanager
def _own_registry():
    """Cells call gradients.register(...) with the functions they define
    (the stretch notebook even re-registers the package's mse_loss): give
    the registry back as it was, so other tests see the package's pairs."""
    from tinytorch.core import gradients

    saved = gradients.registered()
    try:
        yield
    finally:
        gradients._REGISTRY.clear()
        gradients._REGISTRY.update(saved)


def _namespace(part: str | None) -> dict:
    # the functions the cells define are named learner.<name> (or
    # learner_stretch.<name>) in the gradient registry, apart from the
    # package's
    return {"__name__": "learner" if part is None else f"learner_{part}"}


def run_tests(variants=(), only: str | None = None,
              part: str | None = None) -> dict[str, str]:
    """Run the package cells and the graded test cells in-process.

    Returns {test grade_id: "" if it passed, else the error line}. Demo
    cells (plots, timings) are skipped: they grade nothing.
    """
    namespace = _namespace(part)
    results = {}
    with _own_registry():
        _run_tests(namespace, results, variants, only, part)
    return results


def _run_tests(namespace, results, variants, only, part):
    for gid, source in learner_sources(variants, part):
        is_test = "-test-" in gid
        if not is_test and "#| export" not in source and \
                not gid.endswith("-tools"):
            continue
        if is_test and only is not None and gid != only:
            continue
        try:
            exec(compile(source, gid, "exec"), namespace)
        except Exception as err:  # noqa: BLE001 - we report it
            if not is_test:
                raise
            results[gid] = f"{type(err).__name__}: {err}"
        else:
            if is_test:
                results[gid] = ""


def run_cells(demo_ids, variants=(), part: str | None = None) -> dict:
    """Run the package cells and then the demo cells `demo_ids`, in order;
    return the namespace (plots go to matplotlib's current backend)."""
    namespace = _namespace(part)
    with _own_registry():
        for gid, source in learner_sources(variants, part):
            if "#| export" in source or gid in demo_ids:
                exec(compile(source, gid, "exec"), namespace)
    return namespace
