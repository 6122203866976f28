"""Dates are dates: Arrow date32 in Parquet and in policykit.load(), ISO text in CSV, nothing else in a date column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.parquet as pq
import pytest

import policykit
from policykit import config
from policykit.errors import InputError
from policykit.publish.tables import DATE_DTYPE, conform
from policykit.schema import TABLES


def _date_columns(name: str) -> list[str]:
    return [f.name for f in TABLES[name].fields if f.type == "date"]


@pytest.mark.parametrize("name", sorted(n for n in TABLES if _date_columns(n)))
def test_published_date_columns_are_dates(name: str) -> None:
    """Parquet date32, load() date32 holding datetime.date, CSV the same dates as ISO text."""
    path = config.PROCESSED_DIR / f"{name}.parquet"
    if not path.is_file():
        pytest.skip(f"{name} is not built in data/processed")
    schema = pq.read_schema(path)
    loaded = policykit.load(name)
    csv = pd.read_csv(config.PROCESSED_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
    for col in _date_columns(name):
        assert str(schema.field(col).type) == "date32[day]"
        assert loaded[col].dtype == DATE_DTYPE
        values = loaded[col].dropna().tolist()
        assert all(type(v) is dt.date for v in values)
        assert [v.isoformat() for v in values] == [s for s in csv[col] if s]


def test_a_non_date_in_a_date_column_is_refused() -> None:
    """A recurring deadline (--03-31) or an impossible day is no date: a one-line error naming the column."""
    docs = policykit.load("documents").head(1).copy()
    docs["date"] = docs["date"].astype("string")
    for bad in ("--03-31", "2023-02-30"):
        docs.loc[docs.index[0], "date"] = bad
        with pytest.raises(InputError, match="column date"):
            conform(docs, "documents")
    docs.loc[docs.index[0], "date"] = "2023-02-28"
    assert conform(docs, "documents")["date"].iloc[0] == dt.date(2023, 2, 28)


def test_an_all_blank_date_column_is_a_blank_date_column() -> None:
    """A date column with no value at all (it arrives as float NaN) is conformed to blank dates, not refused."""
    docs = policykit.load("documents").head(3).copy()
    docs["date"] = float("nan")
    out = conform(docs, "documents")
    assert out["date"].dtype == DATE_DTYPE
    assert out["date"].isna().all()
