"""Describe the published dataset: datapackage.json, the citation text and the data dictionary.

Both are generated from the registry (policykit.schema); `python -m policykit.publish.datapackage` regenerates
docs/data-dictionary.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from policykit import __version__
from policykit.schema import TABLES, Field, Table, table

PACKAGE_NAME = "policykit-data"
PACKAGE_TITLE = "policykit: China's data-element policy documents as tidy tables"
PACKAGE_DESCRIPTION = (
    "China's data-element policy documents (the 数据要素× three-year action plan 2024-2026 and its draft "
    "for comment, the 数据二十条, the opinions on public data resources and related national documents) "
    "as tidy tables: raw sources with checksums, documents and their witnesses, provisions, draft-to-final "
    "alignment and word-level changes, term frequencies and keyness, dated and quantitative targets, and "
    "text reuse. Every row can be traced back to a character range of a raw file. The tables are built "
    "reproducibly from the raw files by the policykit library. Data licence: CC-BY-4.0; code licence: MIT."
)
AUTHOR = "policykit contributors"
DATA_LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0 International"}
KEYWORDS = ("China", "data elements", "数据要素", "data policy", "policy documents", "text as data",
            "digital economy", "public data")
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
RAW_DIR_NAME = "data/raw"

# --- datapackage.json -------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def citation_text(version: str = __version__) -> str:
    """How to cite the dataset, as one line of text."""
    return (f"{AUTHOR}. {PACKAGE_NAME}: China's data-element policy documents as tidy tables, "
            f"version {version} [data set]. Licensed CC-BY-4.0.")


def _field_descriptor(f: Field) -> dict:
    """Table Schema v2 descriptor of one field."""
    out: dict = {"name": f.name, "type": f.type, "description": f.description}
    if f.type == "date":
        out["format"] = "default"
    if f.zh:
        out["zh"] = f.zh
    if f.formerly:
        out["formerName"] = f.formerly
    if f.required and f.type == "string":
        # Required text may legitimately be empty (e.g. "empty otherwise"); an empty cell there is an empty
        # string, not a missing value, so this field has no missing-value markers.
        out["missingValues"] = []
    out["constraints"] = {"required": bool(f.required)}
    if f.values:
        out["constraints"]["enum"] = list(f.values)
    return out


def table_schema(spec: Table, present: set[str]) -> dict:
    """Table Schema v2 of a registered table; foreign keys only to tables that are present."""
    schema: dict = {"$schema": TABLESCHEMA_PROFILE,
                    "fields": [_field_descriptor(f) for f in spec.fields],
                    "primaryKey": list(spec.primary_key),
                    # The CSV files write null as an empty cell.
                    "missingValues": [""]}
    fks = []
    for fk in spec.foreign_keys:
        if fk.resource not in present:
            continue
        reference: dict = {"fields": list(fk.reference)}
        if fk.resource != spec.name:  # Data Package v2: a self-reference omits the resource
            reference = {"resource": fk.resource, **reference}
        fks.append({"fields": list(fk.fields), "reference": reference})
    if fks:
        schema["foreignKeys"] = fks
    return schema


def _file_facts(out_dir: Path | None, filename: str) -> dict:
    """Return hash and bytes of a written file, or nothing if there is no such file."""
    if out_dir is None or not (Path(out_dir) / filename).is_file():
        return {}
    path = Path(out_dir) / filename
    return {"hash": f"sha256:{sha256_file(path)}", "bytes": path.stat().st_size}


def resource_descriptor(name: str, present: set[str], out_dir: Path | None = None) -> dict:
    """Return the Data Resource v2 descriptor of one table: its CSV, the Parquet twin as a property.

    A table written without its CSV copy (policykit build without --csv) is described by its Parquet file.
    """
    spec = table(name)
    if out_dir is not None and not (Path(out_dir) / f"{name}.csv").is_file() \
            and (Path(out_dir) / f"{name}.parquet").is_file():
        resource = {"name": name, "type": "table", "path": f"{name}.parquet", "title": spec.title,
                    "description": spec.description, "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet"}
        resource.update(_file_facts(out_dir, f"{name}.parquet"))
        resource["schema"] = table_schema(spec, present)
        return resource
    resource: dict = {"name": name, "type": "table", "path": f"{name}.csv", "title": spec.title,
                      "description": spec.description, "format": "csv", "mediatype": "text/csv",
                      "encoding": "utf-8"}
    resource.update(_file_facts(out_dir, f"{name}.csv"))
    # Parquet is not a standard tabular format in Data Package v2, so the twin is described here rather than
    # as a second resource that generic tools would try (and fail) to read.
    parquet = {"path": f"{name}.parquet", "format": "parquet", "mediatype": "application/vnd.apache.parquet"}
    parquet.update(_file_facts(out_dir, f"{name}.parquet"))
    resource["parquet"] = parquet
    resource["schema"] = table_schema(spec, present)
    return resource


def _source_descriptors(sources_df: pd.DataFrame | None) -> list[dict]:
    """Return the Data Package sources: each raw file with its checksum and size."""
    if sources_df is None or sources_df.empty:
        return []
    out = []
    for row in sources_df.sort_values("source_file", kind="mergesort").to_dict("records"):
        if row.get("status", "read") != "read":  # a skipped file is no source of the data
            continue
        item: dict = {"title": str(row["source_file"]), "path": f"{RAW_DIR_NAME}/{row['source_file']}",
                      "sha256": str(row["sha256"]), "bytes": int(row["bytes"])}
        original = row.get("original_name")
        if isinstance(original, str) and original:
            item["original_name"] = original
        out.append(item)
    return out


def corpus_descriptor(raw_dir: Path, catalog_file: Path | None = None) -> dict:
    """The corpus the tables were built from: the raw folder's name (data/raw for a folder named raw), the catalog's."""
    raw_dir = Path(raw_dir)
    name = f"{raw_dir.resolve().parent.name}/{raw_dir.name}" if raw_dir.name == "raw" else raw_dir.name
    catalog = Path(catalog_file).name if catalog_file is not None and Path(catalog_file).is_file() else None
    return {"name": name, "catalog": catalog}


def datapackage(tables: Mapping[str, pd.DataFrame], sources_df: pd.DataFrame | None, version: str,
                out_dir: Path | None = None, corpus: Mapping[str, str | None] | None = None) -> dict:
    """Return the Data Package v2 descriptor of the tables (hashes and sizes from out_dir if given).

    corpus (see corpus_descriptor) names the raw folder and catalog the tables come from; figures cite it.
    """
    present = set(tables)
    order = [n for n in TABLES if n in present]  # registry order: pipeline order, stable across builds
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "version": version,
        "licenses": [DATA_LICENSE],
        "keywords": list(KEYWORDS),
        "contributors": [{"title": AUTHOR, "roles": ["creator"]}],
        "citation": citation_text(version),
        **({"corpus": dict(corpus)} if corpus is not None else {}),
        "sources": _source_descriptors(sources_df),
        "resources": [resource_descriptor(n, present, out_dir) for n in order],
    }


def dumps_json(obj: object) -> str:
    """Deterministic JSON text: fixed key order as built, UTF-8 characters, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def write_datapackage(out_dir: Path, tables: Mapping[str, pd.DataFrame],
                      corpus: Mapping[str, str | None] | None = None) -> Path:
    """Write datapackage.json describing the table files already written into out_dir (and the corpus)."""
    out_dir = Path(out_dir)
    path = out_dir / "datapackage.json"
    descriptor = datapackage(tables, tables.get("sources"), __version__, out_dir, corpus)
    path.write_text(dumps_json(descriptor), encoding="utf-8", newline="\n")
    return path


# --- data dictionary --------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _notes(f: Field) -> str:
    """The description of a field in the data dictionary, with its former name where it was renamed."""
    return f"{f.description} Formerly `{f.formerly}`." if f.formerly else f.description


def _table_markdown(spec: Table) -> list[str]:
    """Return the data-dictionary section of one table."""
    lines = [f"## `{spec.name}`: {spec.title}", "", spec.description, "",
             f"- Files: `{spec.name}.csv`, `{spec.name}.parquet` (and `stata/{spec.name}.dta`, "
             f"`excel/{spec.name}.csv` in the release archive)",
             f"- Primary key (also the sort order): {', '.join(f'`{c}`' for c in spec.primary_key)}"
             if not spec.order else
             f"- Primary key: {', '.join(f'`{c}`' for c in spec.primary_key)}; rows sorted by "
             f"{', '.join(f'`{c}`' for c in spec.order)} (document order)"]
    for fk in spec.foreign_keys:
        lines.append(f"- Foreign key: {', '.join(f'`{c}`' for c in fk.fields)} → "
                     f"`{fk.resource}`.{', '.join(f'`{c}`' for c in fk.reference)} (null allowed)")
    if spec.provenance:
        lines.append(f"- Produced by {spec.provenance}")
    lines += ["", "| column | type | required | 中文 | description |", "|---|---|---|---|---|"]
    for f in spec.fields:
        lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {_md_cell(f.zh)} | "
                     f"{_md_cell(_notes(f))} |")
    if spec.caveats:
        lines += ["", "Caveats:", ""] + [f"- {c}" for c in spec.caveats]
    return lines + [""]


def data_dictionary_markdown(tables: Mapping[str, object] | None = None) -> str:
    """Return the data dictionary in Markdown from the registry (all tables unless some are named)."""
    names = [n for n in TABLES if tables is None or n in tables]
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from the registry (src/policykit/schema/) by "
        "policykit.publish.datapackage.data_dictionary_markdown(); do not edit by hand. -->",
        "",
        f"Dataset `{PACKAGE_NAME}`, version {__version__}. Data licence CC-BY-4.0, code licence MIT. "
        "Every table is published as CSV (UTF-8, comma-separated, empty cell = null) and Parquet, described "
        "in `datapackage.json` (Frictionless Data Package v2). Load a table in Python with "
        "`policykit.load(\"documents\")`.",
        "",
        "Types: `string`, `integer`, `number` (decimal), `boolean`, `date` (a calendar date: Arrow `date32` in "
        "Parquet and `policykit.load()`, values `datetime.date`; ISO `yyyy-mm-dd` text in CSV). "
        "Offsets (`char_start`, `char_end`) are Python string indices, end exclusive.",
        "",
        "Release archive exports: `stata/<table>.dta` (Stata 14+, format 118, Unicode; variable labels are "
        "the column's Chinese term, then the description below, cut to 80 characters; booleans, and "
        "the true/false/unknown column `value_changed`, are 0 = false, 1 = true (2 = unknown); a categorical "
        "column (one with allowed values below) is numbered 1, 2, … in the order of its allowed values, with a "
        "value label for every allowed value, Chinese first, then English; dates are Stata dates (%td); nulls "
        "are missing (.), in text columns empty strings; integer columns with nulls are doubles; text longer "
        "than 2045 characters is a strL), `excel/<table>.csv` (UTF-8 with byte-order mark, "
        "CRLF), and `policykit.sql`, which recreates every table with its primary key and comments in DuckDB "
        "(`duckdb policykit.duckdb < policykit.sql`).",
        "",
        f"Cite as: {citation_text()}",
        "",
        "Tables: " + ", ".join(f"`{n}`" for n in names),
        "",
    ]
    for name in names:
        lines += _table_markdown(TABLES[name])
    return "\n".join(lines).rstrip("\n") + "\n"


def write_data_dictionary(path: Path) -> Path:
    """Write the data dictionary of every registered table to path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data_dictionary_markdown(), encoding="utf-8", newline="\n")
    return path


DATA_DICTIONARY_FILE = Path("docs") / "data-dictionary.md"


def main() -> int:
    """Regenerate docs/data-dictionary.md of the project."""
    from policykit import config

    print(write_data_dictionary(config.ROOT / DATA_DICTIONARY_FILE))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
