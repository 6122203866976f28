"""The published dataset: validation against the registry, datapackage.json, data dictionary, exports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import __version__
from .errors import InputError
from .schema import TABLES, Field, ForeignKey, Table, table
from .tables import PANDAS_TYPES, conform

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

# --- validation -----------------------------------------------------------------------------------
# The checks are pandera schemas generated from the registry rather than hand-written loops: pandera runs
# them column by column in pandas. frictionless, which validates the written CSV files against
# datapackage.json, checks the same things row by row in Python. Measured with benchmarks/validation.py
# on a shared 2-core machine: seed corpus 5.8 s with frictionless, 3.8 s with these schemas (about 2 s of
# it importing pandera); law corpus (3.7 million rows) 179 s with frictionless, 5.7 s with these schemas.


def _is_date(values: pd.Series) -> pd.Series:
    """Which values are ISO yyyy-mm-dd dates that exist in the calendar."""
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").notna()


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
    frame = df[list(cols)].astype("string")
    return pd.Index(frame.iloc[:, 0]) if len(cols) == 1 else pd.MultiIndex.from_frame(frame)


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
    """Return the Data Resource v2 descriptor of one table: its CSV, the Parquet twin as a property."""
    spec = table(name)
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
        item: dict = {"title": str(row["source_file"]), "path": f"{RAW_DIR_NAME}/{row['source_file']}",
                      "sha256": str(row["sha256"]), "bytes": int(row["bytes"])}
        original = row.get("original_name")
        if isinstance(original, str) and original:
            item["original_name"] = original
        out.append(item)
    return out


def datapackage(tables: Mapping[str, pd.DataFrame], sources_df: pd.DataFrame | None, version: str,
                out_dir: Path | None = None) -> dict:
    """Return the Data Package v2 descriptor of the tables (hashes and sizes from out_dir if given)."""
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
        "sources": _source_descriptors(sources_df),
        "resources": [resource_descriptor(n, present, out_dir) for n in order],
    }


def dumps_json(obj: object) -> str:
    """Deterministic JSON text: fixed key order as built, UTF-8 characters, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def write_datapackage(out_dir: Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """Write datapackage.json describing the table files already written into out_dir."""
    out_dir = Path(out_dir)
    path = out_dir / "datapackage.json"
    descriptor = datapackage(tables, tables.get("sources"), __version__, out_dir)
    path.write_text(dumps_json(descriptor), encoding="utf-8", newline="\n")
    return path


# --- data dictionary --------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table_markdown(spec: Table) -> list[str]:
    """Return the data-dictionary section of one table."""
    lines = [f"## `{spec.name}`: {spec.title}", "", spec.description, "",
             f"- Files: `{spec.name}.csv`, `{spec.name}.parquet` (and `stata/{spec.name}.dta`, "
             f"`excel/{spec.name}.csv` in the release archive)",
             f"- Primary key (also the sort order): {', '.join(f'`{c}`' for c in spec.primary_key)}"]
    for fk in spec.foreign_keys:
        lines.append(f"- Foreign key: {', '.join(f'`{c}`' for c in fk.fields)} → "
                     f"`{fk.resource}`.{', '.join(f'`{c}`' for c in fk.reference)} (null allowed)")
    if spec.provenance:
        lines.append(f"- Produced by {spec.provenance}")
    lines += ["", "| column | type | required | 中文 | description |", "|---|---|---|---|---|"]
    for f in spec.fields:
        lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {_md_cell(f.zh)} | "
                     f"{_md_cell(f.description)} |")
    if spec.caveats:
        lines += ["", "Caveats:", ""] + [f"- {c}" for c in spec.caveats]
    return lines + [""]


def data_dictionary_markdown(tables: Mapping[str, object] | None = None) -> str:
    """Return the data dictionary in Markdown from the registry (all tables unless some are named)."""
    names = [n for n in TABLES if tables is None or n in tables]
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from src/policykit/schema.py by policykit.dataset.data_dictionary_markdown(); "
        "do not edit by hand. -->",
        "",
        f"Dataset `{PACKAGE_NAME}`, version {__version__}. Data licence CC-BY-4.0, code licence MIT. "
        "Every table is published as CSV (UTF-8, comma-separated, empty cell = null) and Parquet, described "
        "in `datapackage.json` (Frictionless Data Package v2). Load a table in Python with "
        "`policykit.load(\"documents\")`.",
        "",
        "Types: `string`, `integer`, `number` (decimal), `boolean`, `date` (ISO `yyyy-mm-dd` text). "
        "Offsets (`char_start`, `char_end`) are Python string indices, end exclusive.",
        "",
        "Release archive exports: `stata/<table>.dta` (Stata 14+, format 118, Unicode; variable labels are "
        "the descriptions below, cut to 80 characters; nulls in text columns become empty strings, booleans "
        "0/1, integer columns with nulls doubles; dates stay ISO text, convert with `date(var, \"YMD\")`; "
        "text longer than 2045 characters is a strL), `excel/<table>.csv` (UTF-8 with byte-order mark, "
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
    from . import config

    print(write_data_dictionary(config.ROOT / DATA_DICTIONARY_FILE))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
