"""Time the whole figure run: seconds per notebook and in total (target: under two minutes on 2 cores).

Usage: python benchmarks/figures_time.py [--out DIR] [-n NOTEBOOK ...]
Writes into a temporary folder unless --out is given, so reports/ is left alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from policykit.errors import InputError
from policykit.present import figures

TARGET_SECONDS = 120.0


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks once and print the timings; exit 1 if a notebook fails or the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="reports folder (default: a temporary folder)")
    parser.add_argument("-n", "--notebook", action="append", dest="names", help="time only this notebook")
    args = parser.parse_args(argv)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="policykit-figures-") as tmp:
        start = time.perf_counter()
        try:
            figures.run_notebooks(args.names, out_dir=args.out or Path(tmp), progress=False, timings=timings)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        total = time.perf_counter() - start
    width = max(map(len, timings), default=8)
    for name, seconds in timings.items():
        print(f"{name:<{width}}  {seconds:6.1f} s")
    print(f"{'total':<{width}}  {total:6.1f} s  (target < {TARGET_SECONDS:.0f} s)")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
