"""Run every benchmark module (`bench/*_bench.py`), or the ones named: `python -m bench [--strict] [NAME...]`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import bench


def discover() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.endswith("_bench"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run tfsync's benchmarks.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of {discover()})")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any benchmark misses its target")
    args = parser.parse_args(argv)
    names = args.names or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)}")
    met = True
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        met &= module.run()
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
