"""Seconds to validate a folder of published tables: the build's pandera schemas, and frictionless.

    python benchmarks/validation.py data/processed [--frictionless]

Prints rows and seconds per table for policykit.publish.validate.validate_tables (what the build runs as it writes
each table: conform, then the schemas generated from the registry, foreign keys included), and with
--frictionless the seconds frictionless takes to validate the same tables from datapackage.json (the
written CSV files: types, required values, allowed values, primary and foreign keys, hashes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def pandera_seconds(folder: Path) -> None:
    """Validate each table as the build does (parents first), printing rows and seconds."""
    start = time.perf_counter()
    from policykit.api import load
    from policykit.publish.validate import validate_tables
    from policykit.schema import TABLES

    print(f"import: {time.perf_counter() - start:.2f} s")
    tables = {n: load(n, data=folder) for n in TABLES if (folder / f"{n}.parquet").is_file()}
    keys: dict = {}
    total = 0.0
    for name, df in tables.items():  # registry order: a table's parents come before it, but for documents
        start = time.perf_counter()
        validate_tables({name: df}, parents=keys)
        seconds = time.perf_counter() - start
        total += seconds
        keys[name] = df
        print(f"{name:<18} {len(df):>9} rows {seconds:7.2f} s")
    print(f"validate_tables, every table: {total:.2f} s")


def frictionless_seconds(folder: Path) -> None:
    """Validate datapackage.json with frictionless, printing seconds per resource."""
    start = time.perf_counter()
    import frictionless

    print(f"frictionless import: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    report = frictionless.validate(str(folder / "datapackage.json"))
    for task in report.tasks:
        print(f"{task.name:<18} {task.stats.get('rows') or 0:>9} rows {task.stats.get('seconds') or 0:7.2f} s")
    print(f"frictionless.validate, every table: {time.perf_counter() - start:.2f} s (valid: {report.valid})")


def main(argv: list[str] | None = None) -> int:
    """Run the measurements named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder of published tables with datapackage.json")
    parser.add_argument("--frictionless", action="store_true", help="also time frictionless (slow)")
    args = parser.parse_args(argv)
    pandera_seconds(args.folder)
    if args.frictionless:
        frictionless_seconds(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
