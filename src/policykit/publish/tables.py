"""Writing the published tables: typed, sorted, byte-identical on every run (reading them: policykit.api)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from policykit.errors import InputError
from policykit.schema import Table, table

_ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),  # a calendar date in Parquet (and in pandas, polars, DuckDB); ISO yyyy-mm-dd in CSV
}

DATE_DTYPE = pd.ArrowDtype(pa.date32())
"""The pandas dtype of a date column: Arrow date32, values datetime.date (pandas has no nullable date dtype)."""

PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean",
                "date": DATE_DTYPE}
"""The pandas dtype conform gives each registry type (an ISO yyyy-mm-dd text becomes a date)."""

_DTYPES = {name: pd.api.types.pandas_dtype(dtype) for name, dtype in PANDAS_TYPES.items()}  # storage included

ARROW_TO_PANDAS = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(),
                   pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.date32(): DATE_DTYPE}
"""How a published table read from Parquet is typed in pandas: the dtypes conform gives (types_mapper)."""


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return df with exactly the registered columns, typed, sorted by the primary key.

    A column or a value that does not fit the registry is a one-line InputError naming the table, the
    column, the row and why.
    """
    spec = table(name)
    missing = [c for c in spec.columns if c not in df.columns]
    extra = [c for c in df.columns if c not in spec.columns]
    if missing or extra:
        col = (missing or extra)[0]
        problem = "missing" if missing else "not in the registry"
        raise InputError(f"table {name}", f"column {col}, row -: {problem} (the registry's columns: "
                         f"{', '.join(spec.columns)})")
    out = df[spec.columns].copy()
    for f in spec.fields:
        if out[f.name].dtype == _DTYPES[f.type]:  # typed already (a table read back, a stage's own dtypes)
            continue
        if f.type == "date" and out[f.name].isna().all():  # all blank arrives as float NaN: Arrow dates refuse it
            out[f.name] = pd.Series([None] * len(out), index=out.index, dtype="object")
        try:
            out[f.name] = out[f.name].astype(PANDAS_TYPES[f.type])
        except (TypeError, ValueError):
            i = _first_bad(out[f.name], PANDAS_TYPES[f.type])
            raise InputError(f"table {name}", f"column {f.name}, row {i}: {out[f.name].iloc[i]!r} is not a "
                             f"valid {f.type}") from None
    return out.sort_values(list(spec.sort_key), kind="mergesort").reset_index(drop=True)


def _first_bad(values: pd.Series, dtype: str) -> int:
    """Position of the first value of values that does not convert to dtype (the column failed to)."""
    for i, v in enumerate(values.tolist()):
        try:
            pd.Series([v], dtype="object").astype(dtype)
        except (TypeError, ValueError):
            return i
    return 0


def arrow_schema(spec: Table) -> pa.Schema:
    """Arrow schema of a registered table."""
    return pa.schema([pa.field(f.name, _ARROW_TYPES[f.type], nullable=True) for f in spec.fields])


ROW_GROUP_ROWS = 100_000  # rows per Parquet row group, and per slice converted to Arrow and CSV at a time


def write_table(df: pd.DataFrame, name: str, out_dir: Path, *, conformed: bool = False,
                csv: bool = True) -> list[Path]:
    """Write a table as Parquet (and, with csv, its CSV copy) into out_dir, slice by slice; return the paths.

    The table is conformed first unless the caller says it already is (the build's validate_tables
    returns it conformed, so that a big table is not copied twice).
    Each slice of ROW_GROUP_ROWS rows becomes one Parquet row group and one run of CSV lines, so the
    Arrow copy and the CSV text of a big table never exist whole; readers can stream by row group.
    """
    spec = table(name)
    if not conformed:
        df = conform(df, name)
    schema = arrow_schema(spec)
    parquet = out_dir / f"{name}.parquet"
    csv_path = out_dir / f"{name}.csv"
    with pq.ParquetWriter(parquet, schema, compression="zstd", write_statistics=False, store_schema=False) as pw, \
            (csv_path.open("w", encoding="utf-8", newline="") if csv else contextlib.nullcontext()) as fh:
        for start in range(0, max(len(df), 1), ROW_GROUP_ROWS):
            part = df.iloc[start:start + ROW_GROUP_ROWS]
            # one chunk per column: Arrow-backed string columns keep a chunk per concatenated batch, and
            # Parquet pages follow chunks, so without this the bytes would depend on the batch size
            arrow = pa.Table.from_pandas(part, schema=schema, preserve_index=False).combine_chunks()
            pw.write_table(arrow.replace_schema_metadata(None))
            if fh is not None:
                _csv_lines(part, spec, fh, header=start == 0)
    return [parquet, csv_path] if csv else [parquet]


def write_csv(df: pd.DataFrame, name: str, out_dir: Path) -> Path:
    """Write the CSV copy of a conformed table into out_dir (the bytes write_table(csv=True) writes)."""
    spec = table(name)
    path = out_dir / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(len(df), 1), ROW_GROUP_ROWS):
            _csv_lines(df.iloc[start:start + ROW_GROUP_ROWS], spec, fh, header=start == 0)
    return path


def _csv_lines(part: pd.DataFrame, spec: Table, fh: IO[str], header: bool) -> None:
    """Rows of a table as CSV lines (UTF-8, LF, dates as ISO text), with the header line if asked."""
    dates = [f.name for f in spec.fields if f.type == "date"]
    as_text = part.assign(**{c: part[c].astype("string") for c in dates}) if dates else part
    as_text.to_csv(fh, index=False, header=header, lineterminator="\n")
