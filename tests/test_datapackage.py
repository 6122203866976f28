"""Tests for policykit.publish.datapackage: datapackage.json (Data Package v2) and the data dictionary."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import frictionless
import pyarrow.parquet as pq
from tiny_tables import mini_tables, written

from policykit import __version__, config
from policykit.publish.datapackage import data_dictionary_markdown, datapackage, table_schema, write_datapackage
from policykit.schema import TABLES, table


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
    arrow = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]"}
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


def test_built_datapackage_validates_with_frictionless(any_built) -> None:
    """The whole published dataset is valid: types, required values, keys, foreign keys, hashes."""
    built = any_built
    out = Path(built.files[0]).parent
    path = write_datapackage(out, built.tables)
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "message"])[:5]


# --- data dictionary --------------------------------------------------------------------------------

def test_committed_data_dictionary_is_up_to_date() -> None:
    """docs/data-dictionary.md is exactly what the registry generates: run `python -m policykit.publish.datapackage`."""
    committed = (config.ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), "regenerate with `python -m policykit.publish.datapackage`"


def test_data_dictionary_lists_every_column_with_type_and_chinese_term() -> None:
    """Each registered column has a row with its type and required flag; Chinese terms appear."""
    text = data_dictionary_markdown()
    for spec in TABLES.values():
        assert f"## `{spec.name}`" in text
        for f in spec.fields:
            assert f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {f.zh} |" in text
    assert "Caveats:" in text and "rule" in text


def test_renamed_columns_name_their_former_name_and_no_column_name_has_two_types() -> None:
    """A renamed column's row in the dictionary and its descriptor say its former name; a name keeps one type."""
    text = data_dictionary_markdown()
    renamed = {(spec.name, f.name): f.formerly for spec in TABLES.values() for f in spec.fields if f.formerly}
    assert renamed[("alignment", "aligned_unit")] == "unit" and renamed[("documents", "display_title")] == "label"
    for (name, column), former in renamed.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{column}` |"))
        assert f"Formerly `{former}`." in row
        field = next(f for f in table_schema(table(name), set(TABLES))["fields"] if f["name"] == column)
        assert field["formerName"] == former
        assert former not in table(name).columns
    types: dict[str, set[str]] = {}
    for spec in TABLES.values():
        for f in spec.fields:
            types.setdefault(f.name, set()).add(f.type)
    assert {n: t for n, t in types.items() if len(t) > 1} == {}


def test_data_dictionary_of_a_subset_names_only_those_tables() -> None:
    """Given tables, the dictionary describes only them."""
    text = data_dictionary_markdown({"sources": None})
    assert "## `sources`" in text and "## `documents`" not in text
