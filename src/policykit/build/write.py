"""Writing the build's tables: each checked and written into the staging folder as soon as its stage is done."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from policykit.memory import release_memory
from policykit.publish.tables import write_table
from policykit.publish.validate import validate_tables
from policykit.schema import TABLES, table


@contextmanager
def timed(timings: dict[str, float] | None, name: str) -> Iterator[None]:
    """Add the seconds the block takes to timings[name]."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


class TableWriter:
    """Check and write each finished table into the staging folder, so that the build can drop it.

    A table is conformed and validated (validate.validate_tables: columns, types, required and allowed
    values, primary key) and written as Parquet (and CSV, if asked) when its stage returns. Foreign keys are checked
    against the key columns of the parent tables, the only part of a written table kept; a reference to a
    table not written yet is checked when close() is called.
    """

    def __init__(self, folder: Path, timings: dict[str, float] | None = None, csv: bool = False) -> None:
        """Write into folder (with CSV copies if csv); add the seconds spent to timings['validate'] and ['write']."""
        self.folder, self.timings, self.csv = folder, timings, csv
        self.paths: dict[str, list[Path]] = {}
        self.rows: dict[str, int] = {}
        self.keys: dict[str, pd.DataFrame] = {}  # referenced columns of each written table
        self.pending: list[tuple[str, pd.DataFrame]] = []  # foreign keys waiting for their parent
        self.sources: pd.DataFrame | None = None  # described in datapackage.json

    def put(self, name: str, df: pd.DataFrame) -> None:
        """Conform and validate one table, check its foreign keys to what is written, write it."""
        with timed(self.timings, "validate"):
            df = validate_tables({name: df}, parents=self.keys)[name]  # conformed: the one place tables are typed
            spec = table(name)
            referenced = sorted({c for other in TABLES.values() for fk in other.foreign_keys
                                 if fk.resource == name for c in fk.reference})
            if referenced:
                self.keys[name] = df[referenced].copy()
            later = [fk for fk in spec.foreign_keys if fk.resource not in self.keys]
            if later:
                cols = sorted({c for fk in later for c in fk.fields} | set(spec.primary_key))
                self.pending.append((name, df[cols].copy()))
        with timed(self.timings, "write"):
            self.paths[name] = write_table(df, name, self.folder, conformed=True, csv=self.csv)
        self.rows[name] = len(df)
        if name == "sources":
            self.sources = df
        release_memory()

    def close(self) -> None:
        """Check the foreign keys whose parent was written after the child."""
        with timed(self.timings, "validate"):
            for name, df in self.pending:
                validate_tables({name: df}, parents=self.keys, foreign_keys_only=True)
        self.pending, self.keys = [], {}

    def files(self, out_dir: Path) -> list[Path]:
        """The files written, as they will be named in out_dir, in table-name order."""
        return [out_dir / p.name for name in sorted(self.paths) for p in self.paths[name]]
