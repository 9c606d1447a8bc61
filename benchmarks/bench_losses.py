"""Benchmark Module 04's exported losses against NumPy baselines and PyTorch.

For B = 128 rows and C classes (or features), in one process on one machine:

- `tinytorch`: the exported classes, called as a learner calls them;
- `blocked` (cross-entropy): the exported `cross_entropy` with
  `reduction='sum'` on about 1 MB of rows at a time, divided by B, as in
  the notebook's systems section;
- `naive`: the textbook NumPy form (for cross-entropy and log-softmax the
  three-buffer form: softmax, then log, then pick);
- `torch`: `torch.nn.functional` on the CPU with the same thread count (1:
  NumPy's elementwise kernels use one thread).

It reports the median and the best time, each also as a ratio to PyTorch's,
and the peak extra memory that `tracemalloc` sees during one call (NumPy
reports its buffers to tracemalloc; PyTorch does not, so its column is
empty), and checks that every result agrees with a float64 reference to 1e-6
relative.

Run it with `tito bench --module 04_losses` (add `--quick` for a smoke test,
`--json FILE` to save the figures).
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import time
import tracemalloc

import numpy as np

B = 128
SIZES = (10, 1_000, 50_000)


def _naive_cross_entropy(x, t):
    m = x.max(axis=1, keepdims=True)
    e = np.exp(x - m)
    probs = e / e.sum(axis=1, keepdims=True)
    log_probs = np.log(probs)
    return -log_probs[np.arange(len(t)), t].mean()


def _naive_log_softmax(x):
    m = x.max(axis=1, keepdims=True)
    e = np.exp(x - m)
    return np.log(e / e.sum(axis=1, keepdims=True))


def _naive_mse(p, t):
    return ((p - t) ** 2).mean()


def _naive_bce(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean()


def _time_interleaved(fns: dict, repeats: int, budget: float) -> dict:
    """(median, best) seconds of each `fn()`, measured in alternating rounds.

    One round calls every implementation once, so a slow patch of a shared
    machine hits all of them alike instead of whichever ran then. Stops
    after `repeats` rounds or `budget` seconds (at least 3 rounds).
    """
    for fn in fns.values():
        fn()  # warm up: first-call costs are not what we measure
    times = {name: [] for name in fns}
    start = time.perf_counter()
    for round_ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget and round_ >= 2:
            break
    return {name: (statistics.median(ts), min(ts))
            for name, ts in times.items()}


def _peak_mb(fn) -> float:
    """Peak memory (MB) allocated while `fn()` runs, beyond its inputs."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def _blocked_cross_entropy(logits, targets, block_bytes=1 << 20):
    from tinytorch.core.losses import cross_entropy

    n, c = logits.shape
    rows = max(1, block_bytes // (logits.data.itemsize * c))
    total = sum(cross_entropy(logits[i:i + rows], targets[i:i + rows],
                              reduction="sum").item()
                for i in range(0, n, rows))
    return np.float32(total / n)


def _cases(C: int, rng):
    """(loss name, {impl: callable}, float64 reference value, dtypes)."""
    from tinytorch.core.losses import (BinaryCrossEntropyLoss,
                                       CrossEntropyLoss, MSELoss,
                                       log_softmax)
    from tinytorch.core.tensor import Tensor

    logits = (rng.standard_normal((B, C)) * 3).astype(np.float32)
    labels = rng.integers(0, C, size=B)
    preds = rng.standard_normal((B, C)).astype(np.float32)
    goal = rng.standard_normal((B, C)).astype(np.float32)
    probs = rng.uniform(0.001, 0.999, size=(B, C)).astype(np.float32)
    bits = rng.integers(0, 2, size=(B, C)).astype(np.float32)

    ce, mse, bce = CrossEntropyLoss(), MSELoss(), BinaryCrossEntropyLoss()
    L, T = Tensor(logits), Tensor(labels)
    P, G = Tensor(preds), Tensor(goal)
    Q, Y = Tensor(probs), Tensor(bits)

    x64 = logits.astype(np.float64)
    lse = np.log(np.exp(x64 - x64.max(1, keepdims=True)).sum(1)) \
        + x64.max(1)
    ref_ce = float(np.mean(lse - x64[np.arange(B), labels]))
    ref_ls = x64 - lse[:, None]
    ref_mse = float(np.mean((preds.astype(np.float64) - goal) ** 2))
    q64 = probs.astype(np.float64)
    ref_bce = float(-np.mean(bits * np.log(q64)
                             + (1 - bits) * np.log(1 - q64)))

    cases = [
        ("cross_entropy", {
            "tinytorch": lambda: ce(L, T),
            "blocked": lambda: _blocked_cross_entropy(L, T),
            "naive": lambda: _naive_cross_entropy(logits, labels)},
         ref_ce, ("cross_entropy", logits, labels)),
        ("log_softmax", {
            "tinytorch": lambda: log_softmax(L, dim=1),
            "naive": lambda: _naive_log_softmax(logits)},
         ref_ls, ("log_softmax", logits, None)),
        ("mse", {
            "tinytorch": lambda: mse(P, G),
            "naive": lambda: _naive_mse(preds, goal)},
         ref_mse, ("mse_loss", preds, goal)),
        ("bce", {
            "tinytorch": lambda: bce(Q, Y),
            "naive": lambda: _naive_bce(probs, bits)},
         ref_bce, ("binary_cross_entropy", probs, bits)),
    ]
    return cases


def _torch_fn(torch, spec):
    name, a, b = spec
    F = torch.nn.functional
    ta = torch.from_numpy(a)
    if name == "cross_entropy":
        tb = torch.from_numpy(b.astype(np.int64))
        return lambda: F.cross_entropy(ta, tb)
    if name == "log_softmax":
        return lambda: F.log_softmax(ta, dim=1)
    tb = torch.from_numpy(b)
    return lambda: getattr(F, name)(ta, tb)


def _value(out) -> np.ndarray:
    data = getattr(out, "data", out)
    if hasattr(data, "numpy"):
        data = data.numpy()
    return np.asarray(data)


def run(quick: bool = False, sizes=SIZES) -> dict:
    """Measure everything; return a JSON-ready dict."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    repeats, budget = (3, 0.2) if quick else (40, 4.0)
    rows = []
    for C in sizes:
        for name, impls, ref, spec in _cases(C, rng):
            if torch is not None:
                impls = dict(impls, torch=_torch_fn(torch, spec))
            timings = {}
            measured = _time_interleaved(impls, repeats, budget)
            for impl, fn in impls.items():
                out = _value(fn())
                if out.dtype != np.float32:
                    raise AssertionError(f"{impl} {name} C={C} returned "
                                         f"{out.dtype}, not float32")
                err = np.max(np.abs(out.astype(np.float64) - ref)
                             / np.maximum(np.abs(ref), 1.0))
                if impl in ("tinytorch", "blocked") and err > 1e-6:
                    raise AssertionError(
                        f"{name} C={C}: tinytorch differs from the float64 "
                        f"reference by {err:.2e} (relative), over 1e-6")
                timings[impl] = {
                    "median_ms": measured[impl][0] * 1e3,
                    "best_ms": measured[impl][1] * 1e3,
                    "peak_mb": None if impl == "torch" else _peak_mb(fn),
                    "rel_error": float(err),
                }
            theirs = timings.get("torch")
            for impl, t in timings.items():
                t["vs_torch"] = (t["median_ms"] / theirs["median_ms"]
                                 if theirs else None)
                t["best_vs_torch"] = (t["best_ms"] / theirs["best_ms"]
                                      if theirs else None)
            rows.append({"loss": name, "B": B, "C": C, "results": timings})
    return {
        "machine": {"python": platform.python_version(),
                    "numpy": np.__version__,
                    "torch": getattr(torch, "__version__", None),
                    "torch_threads": torch.get_num_threads() if torch
                    else None,
                    "processor": platform.machine()},
        "quick": quick,
        "rows": rows,
    }


def table(report: dict) -> str:
    lines = [f"{'loss':<14}{'C':>7}  {'impl':<10}{'median ms':>10}"
             f"{'x torch':>9}{'best ms':>9}{'x torch':>9}{'peak MB':>9}"
             f"{'rel err':>10}"]
    for row in report["rows"]:
        for impl, t in row["results"].items():
            ratio = f"{t['vs_torch']:.2f}" if t["vs_torch"] else "-"
            best = f"{t['best_vs_torch']:.2f}" if t["best_vs_torch"] \
                else "-"
            peak = f"{t['peak_mb']:.2f}" if t["peak_mb"] is not None \
                else "-"
            lines.append(f"{row['loss']:<14}{row['C']:>7}  {impl:<10}"
                         f"{t['median_ms']:>10.3f}{ratio:>9}"
                         f"{t['best_ms']:>9.3f}{best:>9}{peak:>9}"
                         f"{t['rel_error']:>10.1e}")
    m = report["machine"]
    lines.append(f"(B={B}; numpy {m['numpy']}, torch {m['torch']} with "
                 f"{m['torch_threads']} thread(s), Python {m['python']})")
    return "\n".join(lines)


def main(quick: bool = False, json_path: str | None = None) -> dict:
    report = run(quick=quick)
    print(table(report))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
        print(f"wrote {json_path}")
    return report


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
