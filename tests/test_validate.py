"""Tests for policykit.publish.validate: tables checked against the registry, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tiny_tables import mini_tables

from policykit.errors import InputError
from policykit.publish.validate import validate_tables


def test_valid_tables_pass_and_null_foreign_keys_are_allowed() -> None:
    """The linked example passes, though the final document's related_doc_id is null."""
    tables = mini_tables()
    assert tables["documents"]["related_doc_id"].isna().sum() == 1
    validate_tables(tables)


def _set(tables: dict[str, pd.DataFrame], name: str, row: int, col: str, value: object) -> None:
    df = tables[name].astype({col: "object"})
    df.at[row, col] = value
    tables[name] = df


@pytest.mark.parametrize(("breakage", "expect"), [
    (lambda t: _set(t, "documents", 1, "doc_id", "draft"),
     ("table documents", "column doc_id", "row 1", "duplicate primary key")),
    (lambda t: _set(t, "witnesses", 1, "source_file", "missing.txt"),
     ("table witnesses", "column source_file", "row 1", "'missing.txt' not found in sources.source_file")),
    (lambda t: _set(t, "documents", 0, "related_doc_id", "nowhere"),
     ("table documents", "column related_doc_id", "row 0", "not found in documents.doc_id")),
    (lambda t: _set(t, "provisions", 2, "doc_id", "ghost"),
     ("table provisions", "column doc_id", "row 2", "'ghost' not found")),
    (lambda t: _set(t, "provisions", 2, "text", None),
     ("table provisions", "column text", "row 2", "null in a required column")),
    (lambda t: _set(t, "witnesses", 0, "char_end", "ten"),
     ("table witnesses", "column char_end", "row 0", "not a valid integer")),
    (lambda t: _set(t, "provisions", 1, "level", 1.5),
     ("table provisions", "column level", "row 1", "not a valid integer")),
    (lambda t: _set(t, "documents", 1, "date", "2024-13-01"),
     ("table documents", "column date", "row 1", "not a valid date")),
    (lambda t: _set(t, "documents", 0, "kind", "memo"),
     ("table documents", "column kind", "row 0", "'memo' is not one of the allowed values (policy, draft")),
    (lambda t: t.__setitem__("sources", t["sources"].drop(columns="bytes")),
     ("table sources", "column bytes", "missing")),
])
def test_broken_tables_raise_one_line_naming_table_column_row(breakage, expect: tuple[str, ...]) -> None:
    """Duplicate keys, dangling foreign keys, nulls, bad types: one line naming table, column and row."""
    tables = mini_tables()
    breakage(tables)
    with pytest.raises(InputError) as info:
        validate_tables(tables)
    message = str(info.value)
    assert "\n" not in message
    for part in expect:
        assert part in message


def test_foreign_keys_to_tables_not_built_are_skipped() -> None:
    """A subset of the registered tables validates on its own."""
    tables = mini_tables()
    validate_tables({"provisions": tables["provisions"], "witnesses": tables["witnesses"]})


def test_unknown_table_is_an_input_error() -> None:
    """A table missing from the registry cannot be published."""
    with pytest.raises(InputError, match="table scratch"):
        validate_tables({"scratch": pd.DataFrame({"a": [1]})})


def test_validate_tables_returns_them_conformed() -> None:
    """What passes comes back typed as the registry says and sorted by the primary key."""
    tables = mini_tables()
    tables["provisions"] = tables["provisions"].iloc[::-1]
    out = validate_tables(tables)
    provisions = out["provisions"]
    assert list(provisions["provision_id"]) == ["0", "0", "1"] and list(provisions["doc_id"]) == ["draft", "final",
                                                                                                   "final"]
    assert str(provisions["level"].dtype) == "Int64" and str(provisions["text"].dtype).startswith("str")
    assert list(out) == sorted(tables)


def test_foreign_keys_resolve_against_parents_written_before() -> None:
    """Parents are tables checked earlier; foreign_keys_only checks a table reduced to its key columns."""
    tables = mini_tables()
    parents = {"documents": tables["documents"][["doc_id"]]}
    validate_tables({"provisions": tables["provisions"]}, parents=parents)
    keys = tables["witnesses"][["doc_id", "source_file", "char_start"]]
    validate_tables({"witnesses": keys}, parents={**parents, "sources": tables["sources"]}, foreign_keys_only=True)
    with pytest.raises(InputError, match=r"table witnesses: column source_file, row 0 .*'a.txt' not found in "
                                         r"sources.source_file"):
        validate_tables({"witnesses": keys}, parents={"sources": tables["sources"].assign(source_file="b.txt")},
                        foreign_keys_only=True)


def test_table_writer_refuses_a_broken_table_and_writes_a_good_one_conformed(tmp_path: Path) -> None:
    """The build's writer validates each table as it comes; a dangling key to a later table fails at close()."""
    from policykit.build import TableWriter

    tables = mini_tables()
    writer = TableWriter(tmp_path, csv=True)
    writer.put("sources", tables["sources"])
    writer.put("witnesses", tables["witnesses"].iloc[::-1])  # its documents come later
    assert pd.read_csv(tmp_path / "witnesses.csv")["doc_id"].tolist() == ["draft", "final"]
    with pytest.raises(InputError, match="table provisions: column text, row 2 .*null in a required column"):
        writer.put("provisions", tables["provisions"].assign(text=["a", "b", None]))
    writer.put("documents", tables["documents"].assign(doc_id=["draft", "other"], related_doc_id=None))
    with pytest.raises(InputError, match="table witnesses: column doc_id, row 1 .*'final' not found in documents"):
        writer.close()


def test_tables_of_the_build_pass_validation(any_built) -> None:
    """What the pipeline produces meets the registry: types, required values, keys, foreign keys."""
    validate_tables(any_built.tables)
