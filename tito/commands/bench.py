"""Benchmark a module's exported code against NumPy baselines and PyTorch.

Runs benchmarks/bench_NAME.py (today: 04_losses): median times, the ratio
to PyTorch CPU at the same thread count, peak extra memory from tracemalloc,
and a float64 accuracy check; prints a table and can save JSON.
"""

from __future__ import annotations

from tito.core.cli import add_module_args, modules_from

EXAMPLES = """\
examples:
  tito bench --module 04_losses                 # full run, prints the table
  tito bench --module 04 --quick                # a few repeats: checks it works
  tito bench --module 04 --json bench.json      # also save the figures
"""


def add_arguments(parser) -> None:
    add_module_args(parser, allow_all=False)
    parser.add_argument("--quick", action="store_true",
                        help="few repeats (a smoke test, not a measurement)")
    parser.add_argument("--json", metavar="FILE",
                        help="write the results as JSON to FILE")


def run(args) -> int:
    import importlib.util

    from tito.core.errors import TitoError

    root, (module,) = modules_from(args)
    script = root / "benchmarks" / f"bench_{module.name}.py"
    if not script.is_file():
        have = sorted(p.stem[6:] for p in
                      (root / "benchmarks").glob("bench_*.py"))
        raise TitoError(f"{module.slug} has no benchmark ({module.rel(script)}"
                        " does not exist)",
                        hint=f"benchmarks exist for: {', '.join(have) or 'none'}")
    spec = importlib.util.spec_from_file_location(f"bench_{module.name}",
                                                  script)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    print(f"• benchmarking {module.slug} "
          f"({'quick' if args.quick else 'full'} run)")
    bench.main(quick=args.quick, json_path=args.json)
    return 0
