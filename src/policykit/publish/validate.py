"""Validate tables against the registry: pandera schemas generated from policykit.schema."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from policykit.errors import InputError
from policykit.publish.tables import PANDAS_TYPES, conform
from policykit.schema import TABLES, Field, ForeignKey, table

# The checks are pandera schemas generated from the registry rather than hand-written loops: pandera runs
# them column by column in pandas. frictionless, which validates the written CSV files against
# datapackage.json, checks the same things row by row in Python. Measured with benchmarks/validation.py
# on a shared 2-core machine: seed corpus 5.8 s with frictionless, 3.8 s with these schemas (about 2 s of
# it importing pandera); law corpus (3.7 million rows) 179 s with frictionless, 5.7 s with these schemas.


def _is_date(values: pd.Series) -> pd.Series:
    """Which values are ISO yyyy-mm-dd dates that exist in the calendar."""
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").notna()


_STRING = pd.api.types.pandas_dtype("string")


def _column_checks(f: Field) -> list:
    """The pandera checks of one registered field besides its dtype and nulls."""
    import pandera.pandas as pa

    checks = []
    if f.type == "date":
        checks.append(pa.Check(_is_date, error="not a valid date"))
    if f.values:
        checks.append(pa.Check.isin(list(f.values), error="not one of the allowed values ({})".format(
            ", ".join(f.values))))
    return checks


def _key_index(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.Index:
    """The given columns as an index of keys, as strings (so 3 and '3' compare equal).

    An index rather than Python tuples row by row: the look-up runs in pandas' hash tables (seconds
    saved per million rows).
    """
    if len(cols) == 1:
        values = df[cols[0]]
        return pd.Index(values if values.dtype == _STRING else values.astype("string"))
    return pd.MultiIndex.from_frame(df[list(cols)].astype("string"))


def _foreign_key_check(fk: ForeignKey, parent: pd.DataFrame):
    """A pandera check that every complete value of the foreign key is a key of the parent table."""
    import pandera.pandas as pa

    known = _key_index(parent, fk.reference)

    def resolves(df: pd.DataFrame) -> pd.Series:
        complete = df[list(fk.fields)].notna().all(axis=1)
        return ~complete | pd.Series(_key_index(df, fk.fields).isin(known), index=df.index)

    return pa.Check(resolves, name=",".join(fk.fields),
                    error=f"not found in {fk.resource}.{','.join(fk.reference)}")


def pandera_schema(name: str, parents: Mapping[str, pd.DataFrame] | None = None,
                   foreign_keys_only: bool = False):
    """The pandera schema of a registered table, with its foreign keys to the parent tables given."""
    import pandera.pandas as pa

    spec = table(name)
    fks = [_foreign_key_check(fk, parents[fk.resource]) for fk in spec.foreign_keys
           if parents is not None and fk.resource in parents]
    if foreign_keys_only:
        return pa.DataFrameSchema(checks=fks, name=name)
    columns = {f.name: pa.Column(PANDAS_TYPES[f.type], checks=_column_checks(f),
                                 nullable=not (f.required or f.name in spec.primary_key))
               for f in spec.fields}
    return pa.DataFrameSchema(columns, checks=fks, unique=list(spec.primary_key),
                              report_duplicates="exclude_first", strict=True, ordered=True, name=name)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (for messages)."""
    return value.item() if hasattr(value, "item") else value


def _one_line(name: str, df: pd.DataFrame, err) -> InputError:  # noqa: ANN001 - pandera's SchemaError
    """The one-line error of a pandera failure: table, column, first failing row, primary key, reason."""
    from pandera.errors import SchemaErrorReason as Reason

    spec = table(name)
    cases = err.failure_cases if isinstance(err.failure_cases, pd.DataFrame) else pd.DataFrame()
    rows = cases["index"].dropna() if "index" in cases else pd.Series(dtype="object")
    i = int(rows.min()) if len(rows) else None
    if err.reason_code == Reason.DUPLICATES:
        column, reason = ",".join(spec.primary_key), "duplicate primary key"
    elif err.reason_code == Reason.SERIES_CONTAINS_NULLS:
        column, reason = err.column_name, "null in a required column"
    elif err.reason_code == Reason.DATAFRAME_CHECK and err.column_name is None:  # a foreign key
        column = err.check.name
        value = ", ".join(str(df[c].iloc[i]) for c in column.split(",")) if i is not None else "-"
        reason = f"{value!r} {err.check.error}"
    else:
        column = err.column_name or "-"
        error = getattr(err.check, "error", None)
        value = df[column].iloc[i] if i is not None and column in df.columns else None
        reason = f"{_plain(value)!r} is {error}" if error else str(err).splitlines()[0]
    keys = ", ".join(f"{c}={_plain(df[c].iloc[i])!r}" for c in spec.primary_key if c in df.columns) \
        if i is not None else ""
    return InputError(f"table {name}", f"column {column}, row {'-' if i is None else i}"
                      + (f" ({keys})" if keys else "") + f": {reason}")


def validate_tables(tables: Mapping[str, pd.DataFrame], parents: Mapping[str, pd.DataFrame] | None = None,
                    foreign_keys_only: bool = False) -> dict[str, pd.DataFrame]:
    """Check tables against the registry and return them conformed (typed, sorted by primary key).

    Each table's columns, types, required values, allowed values and primary key, and every foreign key
    whose parent is among the tables or in parents (e.g. the key columns of tables written before).
    The first violation raises a one-line InputError naming the table, the column, the row and why.
    With foreign_keys_only, the tables may hold only their key columns and only foreign keys are checked.
    """
    from pandera.errors import SchemaError

    for name in sorted(tables):
        if name not in TABLES:
            known = ", ".join(sorted(TABLES))
            raise InputError(f"table {name}", f"column -, row -: no such table in the registry ({known})")
    out = {name: tables[name].reset_index(drop=True) if foreign_keys_only else conform(tables[name], name)
           for name in sorted(tables)}
    known = {**(parents or {}), **out}
    for name, df in out.items():
        try:
            pandera_schema(name, known, foreign_keys_only).validate(df)
        except SchemaError as err:
            raise _one_line(name, df, err) from None
    return out
