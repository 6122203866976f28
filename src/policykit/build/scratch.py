"""Shared storage of a cluster build: the tasks' inputs and results as files, so that no table travels as a message.

On a Dask cluster the build process and the workers exchange paths, not tables:

- the build process writes each table the worker stages read (documents, provisions) once, as Parquet in
  row groups of about ROW_GROUP_BYTES; a task is sent the paths, its documents' rows and the columns its
  stage reads, and its worker reads only those row groups and columns;
- a worker writes the tables of its task as Parquet (one file per table) and returns their paths and
  row counts; the build process reads them back when the stage's last task is done, and removes them.

A table whose columns Parquet would not give back with the same dtypes and values (objects other than
strings, categories, time zones, an index other than 0..n-1 for an input) is pickled instead, whole.
The storage is a folder or an fsspec URL (s3://bucket/prefix, …) that the build process and every
worker see; a run's files live in a folder of their own under it (Scratch), removed at the end.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from policykit.errors import InputError

ROW_GROUP_BYTES = 4_000_000
"""About this many bytes of a written input table per Parquet row group: what a task reads beyond its rows."""

Tables = dict[str, Any]


@dataclass(frozen=True)
class Stored:
    """One table in shared storage: its file, how it was written and its rows."""

    url: str
    form: str  # "parquet" or "pickle"
    rows: int
    objects: tuple[str, ...] = ()  # columns of strings and None that pandas holds as objects


def _to_pandas(table: pa.Table, objects: tuple[str, ...]) -> pd.DataFrame:
    """An Arrow table as pandas, the columns in objects as Python objects (str or None), as they were written."""
    df = table.to_pandas()
    for name in objects:
        if name in df.columns:
            df[name] = pd.Series(table.column(name).to_numpy(zero_copy_only=False), index=df.index, dtype=object)
    return df


def _objects(df: pd.DataFrame) -> tuple[str, ...]:
    """The columns of a table that pandas holds as objects."""
    return tuple(c for c, dtype in df.dtypes.items() if pd.api.types.is_object_dtype(dtype))


@dataclass(frozen=True)
class Batch:
    """What a task reads: tables in storage, its documents' rows (None: all) and the columns its stage reads."""

    tables: dict[str, Stored]
    rows: tuple[int, int] | list[int] | None = None  # a range [a, b) of documents, or their positions
    columns: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class Written:
    """A task's tables written to shared storage (what its worker returns in their place)."""

    tables: dict[str, Stored]

    def read(self, remove: bool = True) -> Tables:
        """The tables read back (their files removed, with remove)."""
        out = {name: read_table(stored) for name, stored in self.tables.items()}
        if remove:
            for stored in self.tables.values():
                fs, path = _fs(stored.url)
                fs.rm(path)
        return out


def _fs(url: str) -> tuple[Any, str]:
    """The fsspec file system of a folder or URL, and the path in it."""
    from fsspec.core import url_to_fs

    return url_to_fs(url)


def _fs_new(url: str) -> tuple[Any, str]:
    """The file system and path of a file about to be written (its folder made)."""
    fs, path = _fs(url)
    fs.makedirs(fs._parent(path), exist_ok=True)
    return fs, path


def join(url: str, name: str) -> str:
    """A name inside a folder or URL."""
    return f"{url.rstrip('/')}/{name}"


def _parquet_exact(df: Any) -> bool:
    """Whether Parquet gives this table back with the same columns, dtypes and values (else it is pickled).

    Accepted: numbers, booleans, dates without a time zone, strings, pandas' nullable numbers, and object
    columns holding only strings and None (a NaN among them would come back as None).
    """
    if not isinstance(df, pd.DataFrame) or not df.columns.is_unique:
        return False
    if not all(isinstance(c, str) for c in df.columns) or isinstance(df.index, pd.MultiIndex):
        return False
    for name, dtype in df.dtypes.items():
        if pd.api.types.is_object_dtype(dtype):
            if not all(v is None or isinstance(v, str) for v in df[name].array):
                return False
        elif isinstance(dtype, np.dtype):
            if dtype.kind not in "biufM":
                return False
        elif not isinstance(dtype, pd.StringDtype | pd.BooleanDtype | pd.Int64Dtype | pd.Float64Dtype
                            | pd.Int32Dtype | pd.Float32Dtype | pd.Int8Dtype | pd.Int16Dtype):
            return False
    return True


def _pickle(value: Any, url: str) -> Stored:
    """Pickle a value into a file."""
    fs, path = _fs_new(url)
    with fs.open(path, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return Stored(url, "pickle", len(value) if isinstance(value, pd.DataFrame) else 0)


def _unpickle(url: str) -> Any:
    """A pickled value read back."""
    fs, path = _fs(url)
    with fs.open(path, "rb") as fh:
        return pickle.load(fh)


def write_result(df: Any, url: str) -> Stored:
    """A task's table (or any value) written to url (.parquet or .pickle added), index and dtypes kept."""
    if _parquet_exact(df):
        table = pa.Table.from_pandas(df, preserve_index=None)
        back = _to_pandas(table.slice(0, 0), _objects(df))
        if back.dtypes.equals(df.dtypes) and type(back.index) is type(df.index):
            fs, path = _fs_new(url + ".parquet")
            pq.write_table(table, path, filesystem=fs)
            return Stored(url + ".parquet", "parquet", len(df), _objects(df))
    return _pickle(df, url + ".pickle")


def write_input(df: pd.DataFrame, url: str) -> Stored:
    """An input table written to url (.parquet or .pickle added) in row groups that tasks read one by one."""
    default_index = isinstance(df.index, pd.RangeIndex) and df.index.equals(pd.RangeIndex(len(df)))
    if not default_index or not _parquet_exact(df) or not len(df):
        return _pickle(df, url + ".pickle")
    schema = pa.Schema.from_pandas(df, preserve_index=False)
    back = _to_pandas(pa.Table.from_pandas(df.iloc[:0], schema=schema, preserve_index=False), _objects(df))
    if not back.dtypes.equals(df.dtypes):
        return _pickle(df, url + ".pickle")
    size = int(df.memory_usage(deep=True, index=False).sum())
    step = max(1, len(df) * ROW_GROUP_BYTES // max(size, 1))
    fs, path = _fs_new(url + ".parquet")
    with pq.ParquetWriter(path, schema, filesystem=fs) as writer:  # a slice at a time: no second copy of the table
        for a in range(0, len(df), step):
            writer.write_table(pa.Table.from_pandas(df.iloc[a:a + step], schema=schema, preserve_index=False),
                               row_group_size=step)
    return Stored(url + ".parquet", "parquet", len(df), _objects(df))


def read_table(stored: Stored, columns: list[str] | None = None) -> Any:
    """A stored table (or value), whole (only columns, if given)."""
    if stored.form == "pickle":
        return _unpickle(stored.url)
    fs, path = _fs(stored.url)
    return _to_pandas(pq.read_table(path, filesystem=fs, columns=columns), stored.objects)


def _read_positions(stored: Stored, positions: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows at sorted positions of an input table, with the index they have in the whole table (0..n-1)."""
    fs, path = _fs(stored.url)
    with fs.open(path, "rb") as fh:
        pf = pq.ParquetFile(fh)
        starts = np.cumsum([0] + [pf.metadata.row_group(i).num_rows for i in range(pf.num_row_groups)])
        groups = sorted(set(np.searchsorted(starts, positions, side="right") - 1))
        part = pf.read_row_groups(groups, columns=columns) if groups else pf.schema_arrow.empty_table()
    offset = np.concatenate([np.arange(starts[g], starts[g + 1]) for g in groups]) if groups else np.array([], int)
    taken = part.take(pa.array(np.searchsorted(offset, positions)))
    df = _to_pandas(taken, stored.objects)
    df.index = pd.RangeIndex(stored.rows)[positions]
    return df


def read_batch(batch: Batch) -> Tables:
    """A task's inputs read from storage, as schedule._task_inputs cuts them from the tables in memory.

    The documents at the batch's rows; of every other table with a doc_id column, the rows of those
    documents; a table without one, whole. With rows None, every table whole (only the stage's columns).
    """
    from policykit.build.batches import document_batch

    if batch.rows is None:
        out = {}
        for name, stored in batch.tables.items():
            wanted = (batch.columns or {}).get(name)
            if wanted is None or stored.form == "pickle":
                df = read_table(stored)
            else:
                fs, path = _fs(stored.url)
                present = set(pq.read_schema(path, filesystem=fs).names)
                df = read_table(stored, [c for c in wanted if c in present])
            out[name] = df[[c for c in wanted if c in df.columns]] if wanted is not None else df
        return out
    rows = batch.rows if isinstance(batch.rows, list) else slice(*batch.rows)
    docs = batch.tables["documents"]
    if docs.form == "pickle" or any(s.form == "pickle" for s in batch.tables.values()):
        return document_batch({name: read_table(s) for name, s in batch.tables.items()}, rows)
    documents = _read_positions(docs, np.arange(docs.rows)[rows])
    if isinstance(rows, slice):
        documents.index = pd.RangeIndex(docs.rows)[rows]  # as iloc[a:b] gives it: a range
    out = {"documents": documents}
    ids = documents["doc_id"]
    for name, stored in batch.tables.items():
        if name == "documents":
            continue
        fs, path = _fs(stored.url)
        if "doc_id" not in pq.read_schema(path, filesystem=fs).names:
            out[name] = read_table(stored)
            continue
        doc_id = pq.read_table(path, filesystem=fs, columns=["doc_id"]).to_pandas()["doc_id"]
        mask = doc_id.isin(ids).to_numpy()
        df = _read_positions(stored, np.flatnonzero(mask))
        df.index = pd.RangeIndex(stored.rows)[mask]  # as a boolean mask gives it
        out[name] = df
    return out


class Scratch:
    """The folder of one run in shared storage: its inputs and the results of its tasks."""

    def __init__(self, location: str) -> None:
        """A new folder for this run under location (a folder or an fsspec URL)."""
        self.location = location
        self.url = join(location, f"policykit-{os.getpid()}-{time.time_ns()}")
        try:
            fs, path = _fs(self.url)
            fs.makedirs(path, exist_ok=True)
        except (OSError, ValueError, ImportError) as exc:  # no such bucket, no fsspec driver for the URL …
            raise InputError(f"--scratch {location}", f"cannot write there ({exc})") from None

    def check(self, on_every_worker: Callable[..., list[Any]]) -> None:
        """Refuse storage that a worker does not see (a folder of this machine, workers on others)."""
        marker = join(self.url, "visible")
        fs, path = _fs_new(marker)
        with fs.open(path, "wb") as fh:
            fh.write(b"policykit")
        if not all(on_every_worker(sees, marker)):
            raise InputError(f"--scratch {self.location}", "the Dask workers do not see this folder: give "
                                                           "--scratch a folder or URL (s3://…) that this machine "
                                                           "and every worker share")

    def put_inputs(self, tables: Tables) -> dict[str, Stored]:
        """The tables that tasks read, written once."""
        folder = join(self.url, f"inputs-{time.time_ns()}")
        return {name: write_input(df, join(folder, name)) for name, df in sorted(tables.items())}

    def place(self, task: str) -> str:
        """Where a task's worker writes its tables (a prefix: one file per table)."""
        return join(self.url, task.replace("#", "-"))

    def remove(self) -> None:
        """Remove the run's folder and everything in it."""
        fs, path = _fs(self.url)
        if fs.exists(path):
            fs.rm(path, recursive=True)


def sees(url: str) -> bool:
    """Whether this process sees the file at url (run on each worker)."""
    try:
        fs, path = _fs(url)
        return bool(fs.exists(path))
    except (OSError, ValueError, ImportError):
        return False


def write_results(tables: Tables, place: str) -> Written:
    """A task's tables written under place (run in the worker); what it returns in their place."""
    return Written({name: write_result(df, f"{place}.{name}") for name, df in sorted(tables.items())})
