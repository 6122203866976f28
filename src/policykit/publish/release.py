"""The release archive: published tables, metadata and exports in one reproducible zip.

Exports for the tools economists use beside Python:

- Stata (``stata/<table>.dta``, format 118, Unicode): variable labels in Chinese, then English (the
  registry's Chinese term of every column and its description, at most 80 characters);
  categorical columns (those with allowed values in the registry, e.g. ``kind``,
  ``change``, ``op``) stored as numbers with value labels; booleans as 0/1 labelled false/true; dates
  as Stata dates; nulls as missing (``.``), text nulls as Stata's empty-string missing; and
  ``policykit.do``, which loads every table into a frame of its own.
- DuckDB (``policykit.sql``): tables with their types, primary and foreign keys and comments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from policykit import __version__, config
from policykit.api import load
from policykit.errors import InputError
from policykit.publish.datapackage import (
    PACKAGE_NAME,
    citation_text,
    data_dictionary_markdown,
    sha256_file,
    write_datapackage,
)
from policykit.publish.tables import conform, write_csv
from policykit.publish.validate import validate_tables
from policykit.schema import TABLES, Field, Table, table

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # earliest date zip can store: no build time leaks into the archive
FILE_MODE = 0o644
STATA_TIMESTAMP = dt.datetime(2000, 1, 1)  # a fixed header time stamp keeps .dta files byte-identical
STATA_STR_MAX = 2045  # longest str# column in Stata 13+; longer text becomes strL
STATA_LABEL_MAX = 80  # Stata's limit for variable labels, data labels and value labels' names


# --- Stata --------------------------------------------------------------------------------------------


def stata_label(f: Field, limit: int = STATA_LABEL_MAX) -> str:
    """Variable label: the registry's Chinese term, then the column's description, cut to limit characters."""
    english = " ".join(f.description.split()).rstrip(".")
    english = english.replace(f" ({f.zh})", "") if f.zh else english  # the term once, in front
    label = f"{f.zh} {english}" if f.zh else english
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(",;:( ") + "…"


# Chinese of the allowed values that the registry gives without a bilingual label (value labels read
# "中文 english", as the registry's own labels do); a value not listed here keeps its English alone.
VALUE_ZH = {
    "true": "是", "false": "否", "unknown": "未知",
    "hans": "简体", "hant": "繁体", "lf": "换行符", "crlf": "换行符", "cr": "换行符", "mixed": "混合换行符",
    "text": "文本", "html": "网页", "docx": "Word文档", "pdf": "PDF文档", "read": "已读取", "skipped": "已跳过",
    "signed": "成文", "published": "发布", "effective": "施行", "catalog": "编目",
    "unchanged": "未变", "modified": "修改", "moved": "移动", "merged": "合并", "split": "拆分", "added": "新增",
    "deleted": "删除", "content": "内容", "containment": "包含", "same heading": "同标题",
    "insert": "插入", "delete": "删除", "replace": "替换", "move": "移动", "draft": "征求意见稿", "final": "正式文本",
    "data_element": "数据要素", "data_category": "数据类别", "market": "市场", "institution": "制度",
    "programme": "工程项目", "technology": "技术", "digital_economy": "数字经济",
    "citation": "引用", "formula": "套话", "quotation": "引述", "substantive": "实质性",
    "date": "日期", "month": "月份", "lower_bound": "日期下限", "related": "关联", "version": "版本",
    "between": "介于", "~": "约",
    "adopted": "通过", "amended": "修正", "revised": "修订", "approved": "批准", "promulgated": "公布",
    ">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "=": "等于", "derived": "派生", "borrowing": "借用",
    "title": "标题", "doc_number": "文号", "fuzzy": "模糊匹配", "short_form": "简称", "after_title": "标题后文号",
}


def value_label(f: Field, value: str) -> str:
    """Bilingual value label, Chinese first: the registry's label, else VALUE_ZH and the value (80 characters)."""
    labels = dict(zip(f.values, f.labels, strict=False)) if f.labels else {}
    label = labels.get(value) or (f"{VALUE_ZH[value]} {value}" if value in VALUE_ZH else value)
    return label[:STATA_LABEL_MAX]


def categories(f: Field) -> dict[str, int] | None:
    """Numeric codes of a categorical column (one with allowed values in the registry), else None.

    A value's code is its place in the registry's list of allowed values (1, 2, …), so codes stay the same
    from one release to the next, and every allowed value is labelled, observed or not. A true/false
    column is coded as the booleans are: false 0, true 1, any other value (unknown) 2, 3, ….
    """
    if f.type != "string" or not f.values:
        return None
    if {"true", "false"} <= set(f.values):
        rest = [v for v in f.values if v not in ("true", "false")]
        return {"false": 0, "true": 1, **{v: i for i, v in enumerate(rest, 2)}}
    return {w: i for i, w in enumerate(f.values, 1)}


def stata_frame(df: pd.DataFrame, spec: Table) -> tuple[pd.DataFrame, dict[str, dict[int, str]], list[str], list[str]]:
    """The table as Stata stores it: (frame, value labels, date columns, strL columns)."""
    out = pd.DataFrame(index=df.index)
    value_labels: dict[str, dict[int, str]] = {}
    dates: list[str] = []
    strl: list[str] = []
    for f in spec.fields:
        col = df[f.name]
        codes = categories(f)
        if f.type == "boolean":
            out[f.name] = col.astype("Float64").astype("float64") if col.isna().any() else col.astype("int8")
            value_labels[f.name] = {0: "否 false", 1: "是 true"}
        elif f.type == "integer":
            # Stata has no integer missing value pandas can write, so columns with nulls become doubles.
            out[f.name] = col.astype("Float64").astype("float64") if col.isna().any() else col.astype("int64")
        elif f.type == "number":
            out[f.name] = col.astype("Float64").astype("float64")
        elif f.type == "date":
            out[f.name] = pd.to_datetime(col.astype("string"), format="%Y-%m-%d", errors="raise")
            dates.append(f.name)
        elif codes is not None:
            mapping = codes
            text = col.astype("object").where(col.notna() & (col != ""), None)  # "" and null: missing (.)
            out[f.name] = text.map(mapping).astype("float64")
            value_labels[f.name] = {i: value_label(f, c) for c, i in mapping.items()}
        else:
            text = col.astype("object").where(col.notna(), "")  # Stata's missing string is the empty string
            out[f.name] = text.astype(str)
            if len(text) and int(text.map(len).max()) > STATA_STR_MAX:
                strl.append(f.name)
    return out.reset_index(drop=True), value_labels, dates, strl


def write_stata(df: pd.DataFrame, name: str, path: Path) -> Path:
    """Write one table as a Stata 14+ .dta (format 118) with variable labels, value labels and dates."""
    spec = table(name)
    frame, value_labels, dates, strl = stata_frame(df, spec)
    frame.to_stata(path, write_index=False, version=118, convert_strl=strl,
                   variable_labels={f.name: stata_label(f) for f in spec.fields},
                   value_labels=value_labels or None, convert_dates={c: "td" for c in dates},
                   data_label=spec.title[:STATA_LABEL_MAX], time_stamp=STATA_TIMESTAMP)
    return path


def write_excel_csv(df: pd.DataFrame, name: str, path: Path) -> Path:
    """Write one table as CSV that Excel opens correctly: UTF-8 with BOM, CRLF line ends."""
    spec = table(name)
    df[spec.columns].to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def stata_do(names: list[str], version: str = __version__) -> str:
    """Text of policykit.do: loads every table's .dta (labels included) into a frame named after it."""
    lines = [
        f"* policykit-data {version}: loads every table into a Stata frame of its own (Stata 16 or later),",
        "* with its variable labels (Chinese and English) and value labels. Run it from the folder that holds it:",
        "*     cd policykit-data-<version>",
        "*     do policykit.do",
        "* then, e.g., `frame change documents` or `frame provisions: describe`. Stata 14 and 15 have no frames:",
        "* load one table at a time with `use stata/<table>.dta, clear`.",
        "version 16",
        "frames reset",
    ]
    for name in names:
        spec = table(name)
        lines += ["", f"* {name}: {spec.title}",
                  f"frame create {name}",
                  f'frame {name}: use "stata/{name}.dta", clear',
                  f"frame {name}: describe, short"]
    lines += ["", f"frame change {names[0]}" if names else "", "frames dir", ""]
    return "\n".join(lines)


# --- DuckDB -----------------------------------------------------------------------------------------


def _sql_type(type_: str) -> str:
    return {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN",
            "date": "DATE"}[type_]


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_order(names: list[str]) -> list[str]:
    """Tables in registry order, each after the tables its foreign keys reference (DuckDB checks on insert)."""
    wanted = [n for n in TABLES if n in names]
    done: list[str] = []
    while len(done) < len(wanted):
        ready = [n for n in wanted if n not in done and all(
            fk.resource in done or fk.resource == n or fk.resource not in wanted for fk in table(n).foreign_keys)]
        if not ready:
            raise InputError("policykit.sql", f"foreign keys form a cycle among {sorted(set(wanted) - set(done))}")
        done.append(ready[0])
    return done


def _all_null(columns: tuple[str, ...], prefix: str) -> str:
    """SQL condition: every one of columns is null."""
    return "(" + " AND ".join(f"{prefix}{c} IS NULL" for c in columns) + ")"


def _self_reference_depth(df: pd.DataFrame, spec: Table) -> int:
    """Longest chain of rows pointing at other rows of the same table (1 when no row does)."""
    fks = [fk for fk in spec.foreign_keys if fk.resource == spec.name]
    depth = 1
    for fk in fks:
        key = spec.primary_key
        parent = {tuple(r[c] for c in key): tuple(r[c] for c in fk.fields) for _, r in df.iterrows()}
        for start in parent:
            seen, node, n = set(), start, 1
            while not any(pd.isna(v) for v in parent.get(node, (None,))) and parent[node] in parent:
                if node in seen:
                    raise InputError(f"table {spec.name}", f"{', '.join(fk.fields)} forms a cycle at {node}")
                seen.add(node)
                node, n = parent[node], n + 1
            depth = max(depth, n)
    return depth


def duckdb_sql(tables: Mapping[str, pd.DataFrame], parquet_dir: str = "") -> str:
    """SQL creating the tables in DuckDB from their Parquet files: types, primary and foreign keys, comments."""
    lines = ["-- Creates the policykit tables in DuckDB from the Parquet files beside this script.",
             "-- DuckDB command line:  duckdb policykit.duckdb < policykit.sql",
             "-- Python:  import duckdb; con = duckdb.connect('policykit.duckdb');"
             " con.execute(open('policykit.sql', encoding='utf-8').read())", ""]
    for name in table_order(list(tables)):
        spec = table(name)
        cols = [f"    {f.name} {_sql_type(f.type)}{' NOT NULL' if f.required else ''}" for f in spec.fields]
        cols.append(f"    PRIMARY KEY ({', '.join(spec.primary_key)})")
        for fk in spec.foreign_keys:
            if fk.resource in tables:
                cols.append(f"    FOREIGN KEY ({', '.join(fk.fields)}) "
                            f"REFERENCES {fk.resource} ({', '.join(fk.reference)})")
        lines.append(f"CREATE TABLE {name} (\n" + ",\n".join(cols) + "\n);")
        source = f"read_parquet({_sql_str(f'{parquet_dir}{name}.parquet')})"
        self_fks = [fk for fk in spec.foreign_keys if fk.resource == name]
        if not self_fks:
            lines.append(f"INSERT INTO {name} SELECT * FROM {source};")
        else:
            # DuckDB checks a foreign key into the same table against the rows already there: insert the
            # rows that point nowhere first, then each generation of rows whose targets are in.
            lines.append(f"INSERT INTO {name} SELECT * FROM {source} WHERE "
                         + " AND ".join(_all_null(fk.fields, "") for fk in self_fks) + ";")
            absent = " AND ".join(f"t.{c} = s.{c}" for c in spec.primary_key)
            present = " AND ".join(
                f"({_all_null(fk.fields, 's.')} OR EXISTS (SELECT 1 FROM {name} p WHERE "
                + " AND ".join(f"p.{r} = s.{c}" for c, r in zip(fk.fields, fk.reference, strict=True)) + "))"
                for fk in self_fks)
            for _ in range(_self_reference_depth(tables[name], spec) - 1):
                lines.append(f"INSERT INTO {name} SELECT s.* FROM {source} s WHERE NOT EXISTS "
                             f"(SELECT 1 FROM {name} t WHERE {absent}) AND {present};")
        lines.append(f"COMMENT ON TABLE {name} IS {_sql_str(spec.title + ': ' + spec.description)};")
        for f in spec.fields:
            lines.append(f"COMMENT ON COLUMN {name}.{f.name} IS {_sql_str(f.description)};")
        lines.append("")
    return "\n".join(lines)


def write_duckdb(path: Path, tables: Mapping[str, pd.DataFrame], parquet_dir: Path) -> Path:
    """Create a DuckDB database file holding the tables read from the Parquet files in parquet_dir."""
    import duckdb

    path = Path(path)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(duckdb_sql(tables, parquet_dir=f"{Path(parquet_dir).resolve().as_posix()}/"))
    finally:
        con.close()
    return path


# --- the archive --------------------------------------------------------------------------------------


def archive_readme(tables: Mapping[str, pd.DataFrame], version: str = __version__) -> str:
    """README.md of the archive: what is inside and how to load it in Python, R, Stata and DuckDB."""
    rows = "\n".join(f"| `{n}` | {len(tables[n]):,} | {table(n).title} |" for n in TABLES if n in tables)
    return f"""# {PACKAGE_NAME} {version}

China's data-element policy documents as tidy tables, built by the policykit library from the raw texts.

| table | rows | what |
|---|---:|---|
{rows}

## Files

- `<table>.parquet` and `<table>.csv` (UTF-8): the tables; `datapackage.json` describes every column
  (Frictionless Data Package), `data-dictionary.md` the same as text, in English with the Chinese terms.
- `stata/<table>.dta` (Stata 14+, Unicode) with variable and value labels; `policykit.do` loads them all
  into frames (Stata 16+). In the .dta files: every boolean (and the true/false/unknown column
  value_changed) is 0 = false, 1 = true (2 = unknown); every categorical column is numbered in the order
  of its allowed values (data-dictionary.md) with a value label for every allowed value, Chinese first,
  then English; dates are Stata dates (%td); a null is missing (.), a null text the empty string; text
  longer than 2045 characters is a strL; every variable label gives the column's Chinese term first,
  then its English description, cut to Stata's 80 characters.
- `excel/<table>.csv`: UTF-8 with a byte-order mark, so Excel shows Chinese.
- `policykit.sql`: creates a DuckDB database with keys, foreign keys and column comments.
- `SHA256SUMS`: checksums of every file (`sha256sum -c SHA256SUMS`); `CITATION.cff`; `LICENSE`.

## Loading

Python: `policykit.load("documents", data="{PACKAGE_NAME}-{version}.zip")`, or pandas / polars
`read_parquet("documents.parquet")`.

R (arrow): `documents <- arrow::read_parquet("documents.parquet")`.

Stata: `do policykit.do`, or `use stata/documents.dta, clear`.

DuckDB from Python (in this folder):

```python
import duckdb
con = duckdb.connect("policykit.duckdb")
con.execute(open("policykit.sql", encoding="utf-8").read())
con.sql("select kind, count(*) from documents group by kind").show()
```

## Licence and citation

The tables: CC BY 4.0; the policykit code: MIT (see `LICENSE`). Cite: {citation_text(version)}
"""


@dataclass
class Release:
    """What a release produced: the archive, its checksum, its members and the optional DuckDB file."""

    archive: Path
    sha256: str
    members: list[str] = field(default_factory=list)
    duckdb: Path | None = None


def release_name(version: str = __version__) -> str:
    """Return the base name of the release archive and its top-level folder."""
    return f"{PACKAGE_NAME}-{version}"


def read_processed(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """Load every registered table found in processed_dir."""
    processed_dir = Path(processed_dir)
    names = [n for n in TABLES if (processed_dir / f"{n}.parquet").is_file()]
    if not names:
        raise InputError(processed_dir, "no published tables found; run `policykit build` first")
    return {n: load(n, processed_dir=processed_dir) for n in names}


def stage_release(processed_dir: Path, stage: Path,
                  citation_file: Path | None = None) -> dict[str, pd.DataFrame]:
    """Fill stage with the tables, datapackage.json, data dictionary, citation, exports and SHA256SUMS."""
    processed_dir, stage = Path(processed_dir), Path(stage)
    tables = read_processed(processed_dir)
    validate_tables(tables)
    stage.mkdir(parents=True, exist_ok=True)
    for name in tables:
        shutil.copyfile(processed_dir / f"{name}.parquet", stage / f"{name}.parquet")
        if (processed_dir / f"{name}.csv").is_file():
            shutil.copyfile(processed_dir / f"{name}.csv", stage / f"{name}.csv")
        else:  # built without --csv: the release has its CSV copy all the same
            write_csv(conform(tables[name], name), name, stage)
    write_datapackage(stage, tables)
    dictionary = data_dictionary_markdown(tables)
    (stage / "data-dictionary.md").write_text(dictionary, encoding="utf-8", newline="\n")
    citation = Path(citation_file or config.ROOT / "CITATION.cff")
    license_file = config.ROOT / "LICENSE"
    if citation.is_file():
        shutil.copyfile(citation, stage / "CITATION.cff")
    if license_file.is_file():
        shutil.copyfile(license_file, stage / "LICENSE")
    data_license = config.ROOT / "LICENSE-DATA"  # the tables' licence, CC BY 4.0
    if data_license.is_file():
        shutil.copyfile(data_license, stage / "LICENSE-DATA")
    (stage / "README.md").write_text(archive_readme(tables), encoding="utf-8", newline="\n")
    write_exports(stage, tables)
    files = sorted(p for p in stage.rglob("*") if p.is_file())
    sums = "".join(f"{sha256_file(p)}  {p.relative_to(stage).as_posix()}\n" for p in files)
    (stage / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return tables


def write_exports(out_dir: Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write the Stata files and policykit.do, the Excel CSVs and policykit.sql into out_dir."""
    out_dir = Path(out_dir)
    (out_dir / "stata").mkdir(parents=True, exist_ok=True)
    (out_dir / "excel").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in sorted(tables):
        written.append(write_stata(tables[name], name, out_dir / "stata" / f"{name}.dta"))
        written.append(write_excel_csv(tables[name], name, out_dir / "excel" / f"{name}.csv"))
    do = out_dir / "policykit.do"
    do.write_text(stata_do(table_order(list(tables))), encoding="utf-8", newline="\n")
    sql = out_dir / "policykit.sql"
    sql.write_text(duckdb_sql(tables), encoding="utf-8", newline="\n")
    return [*written, do, sql]


def write_zip(src_dir: Path, archive: Path, prefix: str) -> list[str]:
    """Zip every file under src_dir into archive below prefix/, byte-reproducibly; return the member names."""
    src_dir = Path(src_dir)
    files = sorted((p for p in src_dir.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(src_dir).as_posix())
    members = []
    with zipfile.ZipFile(archive, "w") as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(src_dir).as_posix()}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the fixed permissions below are honoured on extraction
            info.external_attr = (0o100000 | FILE_MODE) << 16
            zf.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            members.append(info.filename)
    return members


def build_release(processed_dir: Path | None = None, dist_dir: Path | None = None, *,
                  citation_file: Path | None = None, duckdb_file: bool = True) -> Release:
    """Write dist/policykit-data-<version>.zip (and, optionally, the DuckDB database beside it)."""
    processed_dir = Path(processed_dir or config.PROCESSED_DIR)
    dist_dir = Path(dist_dir or config.ROOT / "dist")
    created = not dist_dir.exists()
    dist_dir.mkdir(parents=True, exist_ok=True)
    try:
        return _write_release(processed_dir, dist_dir, citation_file, duckdb_file)
    except BaseException:
        if created:  # a failed release leaves no empty dist/ behind
            with contextlib.suppress(OSError):
                dist_dir.rmdir()
        raise


def _write_release(processed_dir: Path, dist_dir: Path, citation_file: Path | None, duckdb_file: bool) -> Release:
    """Write the archive (and the DuckDB database) into an existing dist_dir."""
    name = release_name()
    archive = dist_dir / f"{name}.zip"
    with tempfile.TemporaryDirectory(prefix=".release-", dir=dist_dir) as tmp:
        stage = Path(tmp) / name
        tables = stage_release(processed_dir, stage, citation_file)
        partial = Path(tmp) / f"{name}.zip"
        members = write_zip(stage, partial, name)
        partial.replace(archive)
        db = None
        if duckdb_file:
            # DuckDB files carry a random database id, so they cannot be byte-reproducible: shipped beside
            # the archive, which holds policykit.sql to recreate the same database from the Parquet files.
            db = dist_dir / f"{name}.duckdb"
            made = write_duckdb(Path(tmp) / "policykit.duckdb", tables, stage)
            made.replace(db)
    return Release(archive=archive, sha256=sha256_file(archive), members=members, duckdb=db)
