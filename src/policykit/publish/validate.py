"""Validate tables against the registry: columns, types, required and allowed values, primary and foreign keys."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from policykit.errors import InputError
from policykit.publish.tables import DATE_DTYPE, conform
from policykit.schema import TABLES, ForeignKey, Table, table

# The checks are a few vectorised pandas expressions per table, written here rather than taken from a
# validation library: conform has already typed every column (the one place tables are typed), so what is
# left is nulls, allowed values, dates, duplicate keys and foreign keys, each one pandas call over a column.
# pandera, which ran the same checks from schemas generated from the registry, spent its time in its own
# per-column machinery: on the seed corpus 1.3 s of a 6 s build, plus 0.4 s importing it (and hypothesis);
# frictionless, which validates the written CSV files row by row in Python, took 5.8 s on the seed corpus
# and 179 s on the law corpus (3.7 million rows). Measure again with benchmarks/validation.py.


def _is_date(values: pd.Series) -> pd.Series:
    """Which values are ISO yyyy-mm-dd dates that exist in the calendar."""
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").notna()


_STRING = pd.api.types.pandas_dtype("string")


def _key_index(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.Index:
    """The given columns as an index of keys, as strings (so 3 and '3' compare equal).

    An index rather than Python tuples row by row: the look-up runs in pandas' hash tables (seconds
    saved per million rows).
    """
    if len(cols) == 1:
        values = df[cols[0]]
        return pd.Index(values if values.dtype == _STRING else values.astype("string"))
    return pd.MultiIndex.from_frame(df[list(cols)].astype("string"))


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (for messages)."""
    return value.item() if hasattr(value, "item") else value


class _Failure(Exception):
    """The first violation found in a table: the column(s), the first failing row, and why."""

    def __init__(self, column: str, bad: pd.Series | None, reason: str, foreign_key: bool = False) -> None:
        """bad: a boolean Series of the failing rows (None: no row to name); reason: {} stands for the value."""
        super().__init__(reason)
        self.foreign_key = foreign_key
        rows = bad.to_numpy(dtype=bool, na_value=True).nonzero()[0] if bad is not None else []
        self.column, self.row, self.reason = column, (int(rows[0]) if len(rows) else None), reason


def _check_columns(spec: Table, df: pd.DataFrame) -> None:
    """Primary key unique, then per column in registry order: required values, dates, allowed values."""
    key = list(spec.primary_key)
    duplicated = df.duplicated(subset=key, keep="first")
    if duplicated.any():
        raise _Failure(",".join(key), duplicated, "duplicate primary key")
    for f in spec.fields:
        values = df[f.name]
        present = values.notna()
        if f.required or f.name in spec.primary_key:
            missing = ~present
            if missing.any():
                raise _Failure(f.name, missing, "null in a required column")
        if f.type == "date" and values.dtype != DATE_DTYPE:  # conform types dates; anything else is checked
            bad = present & ~_is_date(values)
            if bad.any():
                raise _Failure(f.name, bad, "{} is not a valid date")
        if f.values:
            bad = present & ~values.isin(list(f.values))
            if bad.any():
                raise _Failure(f.name, bad, "{} is not one of the allowed values (" + ", ".join(f.values) + ")")


def _check_foreign_key(fk: ForeignKey, df: pd.DataFrame, parent: pd.DataFrame) -> None:
    """Every complete value of the foreign key is a key of the parent table."""
    complete = df[list(fk.fields)].notna().all(axis=1)
    if not complete.any():
        return
    resolves = pd.Series(_key_index(df, fk.fields).isin(_key_index(parent, fk.reference)), index=df.index)
    bad = complete & ~resolves
    if bad.any():
        raise _Failure(",".join(fk.fields), bad, f"{{}} not found in {fk.resource}.{','.join(fk.reference)}",
                       foreign_key=True)


def _one_line(name: str, df: pd.DataFrame, failure: _Failure) -> InputError:
    """The one-line error of a violation: table, column, first failing row, primary key, reason."""
    spec, i = table(name), failure.row
    reason = failure.reason
    if "{}" in reason:  # the failing value leads the reason
        if failure.foreign_key:  # the key's values as text, joined
            value = ", ".join(str(df[c].iloc[i]) for c in failure.column.split(","))
        else:
            value = _plain(df[failure.column].iloc[i])
        reason = reason.format(repr(value))
    keys = ", ".join(f"{c}={_plain(df[c].iloc[i])!r}" for c in spec.primary_key if c in df.columns) \
        if i is not None else ""
    return InputError(f"table {name}", f"column {failure.column}, row {'-' if i is None else i}"
                      + (f" ({keys})" if keys else "") + f": {reason}")


def validate_tables(tables: Mapping[str, pd.DataFrame], parents: Mapping[str, pd.DataFrame] | None = None,
                    foreign_keys_only: bool = False) -> dict[str, pd.DataFrame]:
    """Check tables against the registry and return them conformed (typed, sorted by primary key).

    Each table's columns, types, required values, allowed values and primary key, and every foreign key
    whose parent is among the tables or in parents (e.g. the key columns of tables written before).
    The first violation raises a one-line InputError naming the table, the column, the row and why.
    With foreign_keys_only, the tables may hold only their key columns and only foreign keys are checked.
    """
    for name in sorted(tables):
        if name not in TABLES:
            known = ", ".join(sorted(TABLES))
            raise InputError(f"table {name}", f"column -, row -: no such table in the registry ({known})")
    out = {name: tables[name].reset_index(drop=True) if foreign_keys_only else conform(tables[name], name)
           for name in sorted(tables)}
    known = {**(parents or {}), **out}
    for name, df in out.items():
        spec = table(name)
        try:
            if not foreign_keys_only:
                _check_columns(spec, df)
            for fk in spec.foreign_keys:
                if fk.resource in known:
                    _check_foreign_key(fk, df, known[fk.resource])
        except _Failure as failure:
            raise _one_line(name, df, failure) from None
    return out
