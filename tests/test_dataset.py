"""The dataset stage: validation against the registry, datapackage.json, data dictionary, exports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest

from policykit import __version__, config
from policykit.dataset import (
    data_dictionary_markdown,
    datapackage,
    validate_tables,
    write_datapackage,
)
from policykit.errors import InputError
from policykit.release import duckdb_sql, write_duckdb, write_exports
from policykit.schema import TABLES, table
from policykit.tables import write_table

_DEFAULTS = {"string": "x", "integer": 0, "number": 0.5, "boolean": False, "date": None}


def _default(f) -> object:  # noqa: ANN001 - a schema Field
    """A harmless value for a required column: its first allowed value, else one of its type."""
    return f.values[0] if f.values else _DEFAULTS[f.type]
LONG_TEXT = "数据要素" * 700  # 2800 characters: longer than Stata's str2045


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Return a table with every registered column: given values, else a harmless default."""
    spec = table(name)
    return pd.DataFrame([{f.name: row.get(f.name, _default(f) if f.required else None)
                          for f in spec.fields} for row in rows], columns=spec.columns)


def mini_tables() -> dict[str, pd.DataFrame]:
    """Four small linked tables: one raw file, a draft and a final document, their provisions."""
    return {
        "sources": frame("sources", [{"source_file": "a.txt", "sha256": "0" * 64, "bytes": 120,
                                      "original_name": "orig_a.txt", "script": "hans"}]),
        "documents": frame("documents", [
            {"doc_id": "draft", "title": "征求意见稿", "kind": "draft", "related_doc_id": "final",
             "text": "一、总体"},
            {"doc_id": "final", "title": "行动计划", "kind": "policy", "date": "2024-01-04",
             "text": LONG_TEXT},
        ]),
        "witnesses": frame("witnesses", [
            {"doc_id": "draft", "source_file": "a.txt", "char_start": 0, "char_end": 10, "agreement": 1.0},
            {"doc_id": "final", "source_file": "a.txt", "char_start": 10, "char_end": 99, "agreement": 1.0},
        ]),
        "provisions": frame("provisions", [
            {"doc_id": "draft", "provision_id": "0", "level": 0, "ord": 1, "text": "前言", "label": ""},
            {"doc_id": "final", "provision_id": "0", "level": 0, "ord": 1, "text": "前言"},
            {"doc_id": "final", "provision_id": "1", "level": 1, "ord": 2, "text": "", "heading": "总体要求"},
        ]),
    }


def written(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write tables as the build does, then datapackage.json; return the folder."""
    out = tmp_path / "processed"
    out.mkdir()
    for name in sorted(tables):
        write_table(tables[name], name, out)
    write_datapackage(out, tables)
    return out


# --- validation -------------------------------------------------------------------------------------

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
    writer = TableWriter(tmp_path)
    writer.put("sources", tables["sources"])
    writer.put("witnesses", tables["witnesses"].iloc[::-1])  # its documents come later
    assert pd.read_csv(tmp_path / "witnesses.csv")["doc_id"].tolist() == ["draft", "final"]
    with pytest.raises(InputError, match="table provisions: column text, row 2 .*null in a required column"):
        writer.put("provisions", tables["provisions"].assign(text=["a", "b", None]))
    writer.put("documents", tables["documents"].assign(doc_id=["draft", "other"], related_doc_id=None))
    with pytest.raises(InputError, match="table witnesses: column doc_id, row 1 .*'final' not found in documents"):
        writer.close()


# --- datapackage.json -------------------------------------------------------------------------------

def test_datapackage_is_v2_and_validates_with_frictionless(tmp_path: Path) -> None:
    """The descriptor follows Data Package v2 and frictionless finds the data valid, hashes included."""
    out = written(tmp_path, mini_tables())
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["name"] == "policykit-data" and descriptor["version"] == __version__
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0" and "MIT" in descriptor["description"]
    assert descriptor["sources"] == [{"title": "a.txt", "path": "data/raw/a.txt", "sha256": "0" * 64,
                                      "bytes": 120, "original_name": "orig_a.txt"}]
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])


def test_tampered_file_fails_frictionless_validation(tmp_path: Path) -> None:
    """The recorded sha256 is that of the written file: changing the file is detected."""
    out = written(tmp_path, mini_tables())
    csv = out / "provisions.csv"
    csv.write_bytes(csv.read_bytes().replace("前言".encode(), "序言".encode(), 1))
    report = frictionless.validate(str(out / "datapackage.json"))
    assert not report.valid
    assert "hash-count" in {e.type for task in report.tasks for e in task.errors}


def test_resources_follow_registry_order_and_foreign_keys_only_to_present_tables() -> None:
    """Resources in registry order; keys to tables not built left out; a self-reference omits resource."""
    tables = mini_tables()
    descriptor = datapackage({n: tables[n] for n in ("provisions", "documents")}, None, "9.9")
    assert [r["name"] for r in descriptor["resources"]] == ["documents", "provisions"]
    docs = descriptor["resources"][0]["schema"]
    assert docs["foreignKeys"] == [{"fields": ["related_doc_id"], "reference": {"fields": ["doc_id"]}}]
    assert descriptor["sources"] == [] and descriptor["version"] == "9.9"
    assert "hash" not in descriptor["resources"][0]


def test_datapackage_of_the_build_describes_every_column_and_file(any_built) -> None:
    """Every built table has a resource whose fields match its CSV header, Parquet types and registry."""
    built = any_built
    out = Path(built.files[0]).parent
    path = write_datapackage(out, built.tables)
    first = path.read_bytes()
    assert write_datapackage(out, built.tables).read_bytes() == first  # deterministic
    text = first.decode("utf-8")
    assert text.endswith("}\n") and "\\u" not in text
    arrow = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "string"}
    resources = {r["name"]: r for r in json.loads(text)["resources"]}
    assert set(resources) == set(built.tables)
    for name, resource in resources.items():
        spec = table(name)
        fields = resource["schema"]["fields"]
        header = (out / resource["path"]).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert [f["name"] for f in fields] == header == spec.columns == list(built.tables[name].columns)
        assert all(f["description"] for f in fields)
        assert [f["type"] for f in fields] == [f.type for f in spec.fields]
        parquet = pq.read_schema(out / resource["parquet"]["path"])
        assert [str(t) for t in parquet.types] == [arrow[f["type"]] for f in fields]
        assert resource["schema"]["primaryKey"] == list(spec.primary_key)
        for key in (resource, resource["parquet"]):
            data = (out / key["path"]).read_bytes()
            assert key["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and key["bytes"] == len(data)


def test_tables_of_the_build_pass_validation(any_built) -> None:
    """What the pipeline produces meets the registry: types, required values, keys, foreign keys."""
    validate_tables(any_built.tables)


def test_built_datapackage_validates_with_frictionless(any_built) -> None:
    """The whole published dataset is valid: types, required values, keys, foreign keys, hashes."""
    built = any_built
    out = Path(built.files[0]).parent
    path = write_datapackage(out, built.tables)
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "message"])[:5]


# --- data dictionary --------------------------------------------------------------------------------

def test_committed_data_dictionary_is_up_to_date() -> None:
    """docs/data-dictionary.md is exactly what the registry generates: run `python -m policykit.dataset`."""
    committed = (config.ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), "regenerate with `python -m policykit.dataset`"


def test_data_dictionary_lists_every_column_with_type_and_chinese_term() -> None:
    """Each registered column has a row with its type and required flag; Chinese terms appear."""
    text = data_dictionary_markdown()
    for spec in TABLES.values():
        assert f"## `{spec.name}`" in text
        for f in spec.fields:
            assert f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {f.zh} |" in text
    assert "Caveats:" in text and "rule" in text


def test_data_dictionary_of_a_subset_names_only_those_tables() -> None:
    """Given tables, the dictionary describes only them."""
    text = data_dictionary_markdown({"sources": None})
    assert "## `sources`" in text and "## `documents`" not in text


# --- exports ----------------------------------------------------------------------------------------

def test_stata_export_keeps_long_text_labels_and_is_deterministic(tmp_path: Path) -> None:
    """Format 118 .dta: long text as strL, variable labels from the registry, identical bytes twice."""
    tables = mini_tables()
    first = write_exports(tmp_path / "a", tables)
    second = write_exports(tmp_path / "b", tables)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    with pd.io.stata.StataReader(tmp_path / "a" / "stata" / "documents.dta") as reader:
        labels = reader.variable_labels()
        data = reader.read()
        assert reader.data_label == "Documents"
    assert labels["doc_id"].startswith(table("documents").fields[0].description[:40])
    assert all(len(v) <= 80 for v in labels.values())
    assert data.loc[data.doc_id == "final", "text"].item() == LONG_TEXT
    assert pd.isna(data.loc[data.doc_id == "draft", "date"].item())  # a missing date is Stata's missing date


def test_excel_csv_has_bom_and_crlf(tmp_path: Path) -> None:
    """Excel reads UTF-8 only with a byte-order mark."""
    write_exports(tmp_path, mini_tables())
    raw = (tmp_path / "excel" / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id,") and b"\r\n" in raw
    expected = (2, len(TABLES["documents"].columns))
    assert pd.read_csv(tmp_path / "excel" / "documents.csv", encoding="utf-8-sig").shape == expected


def test_duckdb_script_recreates_the_tables_with_keys_and_comments(tmp_path: Path) -> None:
    """policykit.sql loads the Parquet files with types, primary keys and column comments."""
    tables = mini_tables()
    out = written(tmp_path, tables)
    write_exports(out, tables)
    write_duckdb(out / "policykit.duckdb", tables, out)
    assert "read_parquet('documents.parquet')" in (out / "policykit.sql").read_text(encoding="utf-8")
    con = duckdb.connect(str(out / "policykit.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from provisions").fetchone() == (3,)
        assert con.execute("select typeof(date) from documents where doc_id='final'").fetchone() == ("DATE",)
        comment = con.execute("select comment from duckdb_columns() where table_name='documents' "
                              "and column_name='doc_id'").fetchone()[0]
        assert comment == table("documents").fields[0].description
    finally:
        con.close()
    assert "CREATE TABLE reuse" not in duckdb_sql({"sources": tables["sources"]})
