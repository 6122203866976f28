"""Small linked tables built from the registry, shared by the validation, datapackage and export tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policykit.publish.datapackage import write_datapackage
from policykit.publish.tables import write_table
from policykit.schema import table

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


def doc_rows(*rows: tuple[str, str, str | None, str]) -> pd.DataFrame:
    """Documents given as (doc_id, kind, related_doc_id, text) rows: the columns the text stages read."""
    return pd.DataFrame(rows, columns=["doc_id", "kind", "related_doc_id", "text"])


def provision_rows(*rows: tuple[str, str, str | None, int, str, int, int]) -> pd.DataFrame:
    """Provisions given as (doc_id, provision_id, parent_id, level, text, char_start, char_end) rows."""
    columns = ["doc_id", "provision_id", "parent_id", "level", "text", "char_start", "char_end"]
    return pd.DataFrame(rows, columns=columns)
