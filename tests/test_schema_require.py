"""Tests for policykit.schema.require: the one required-column check of every stage."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit.errors import InputError
from policykit.schema import require, table


def test_require_names_the_table_and_the_missing_columns() -> None:
    """A list of columns: the error reads 'table <where>: missing columns [...]', on one line."""
    df = pd.DataFrame({"doc_id": ["a"], "text": ["x"]})
    require(df, ("doc_id", "text"), "documents")
    with pytest.raises(InputError) as err:
        require(df, ("doc_id", "kind", "date"), "documents")
    assert str(err.value) == "table documents: missing columns ['kind', 'date']"


def test_require_a_registered_table_means_all_of_its_columns() -> None:
    """A table name: every registered column is required, and the name is the place."""
    spec = table("sources")
    full = pd.DataFrame(columns=spec.columns)
    require(full, "sources")
    with pytest.raises(InputError, match=r"^table sources: missing columns \['bytes'\]$"):
        require(full.drop(columns="bytes"), "sources")


def test_require_refuses_what_is_not_a_dataframe() -> None:
    """A list of rows or None is not a table."""
    with pytest.raises(InputError, match="table provisions: expected a pandas DataFrame"):
        require([{"doc_id": "a"}], ("doc_id",), "provisions")


def test_every_stage_reports_a_missing_column_the_same_way() -> None:
    """The stages' input checks all go through require: one message shape everywhere."""
    from policykit.analysis.compare import compare_units
    from policykit.analysis.reuse import build_reuse
    from policykit.analysis.targets import build_targets
    from policykit.analysis.terms import build_term_frequencies
    from policykit.ingest.structure import build_provisions

    docs = pd.DataFrame({"doc_id": ["a"]})
    prov = pd.DataFrame({"doc_id": ["a"]})
    calls = [lambda: build_provisions(docs), lambda: build_targets(docs, prov),
             lambda: build_term_frequencies(docs, prov), lambda: build_reuse(docs, prov),
             lambda: compare_units(prov, "a", "b")]
    for call in calls:
        with pytest.raises(InputError, match=r"^table (documents|provisions): missing columns \[.+\]$"):
            call()
