"""The release archive: reproducible bytes, complete contents, checksums, citation metadata."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from tiny_tables import LONG_TEXT, frame, mini_tables, written

from policykit import __version__, config
from policykit.cli import main
from policykit.publish.release import build_release, duckdb_sql, release_name, write_duckdb, write_exports
from policykit.publish.tables import write_table
from policykit.schema import TABLES, table


@pytest.fixture()
def processed(tmp_path: Path) -> Path:
    """Write a small published folder: one raw file, two documents, their witnesses."""
    out = tmp_path / "processed"
    out.mkdir()
    tables = {
        "sources": frame("sources", [{"source_file": "a.txt", "sha256": "0" * 64, "bytes": 9}]),
        "documents": frame("documents", [{"doc_id": "d1", "title": "行动计划", "text": "一、总体要求",
                                           "kind": "policy"},
                                          {"doc_id": "d2", "title": "意见", "date": "2024-10-09", "kind": "draft",
                                           "related_doc_id": "d3"},
                                          {"doc_id": "d3", "title": "通知", "kind": "notice", "related_doc_id": "d1"}]),
        "witnesses": frame("witnesses", [{"doc_id": "d1", "source_file": "a.txt", "char_end": 5},
                                          {"doc_id": "d2", "source_file": "a.txt", "char_start": 5}]),
    }
    for name, df in tables.items():
        write_table(df, name, out)
    return out


def test_release_archive_is_byte_identical_across_runs(processed: Path, tmp_path: Path) -> None:
    """Same published tables, same archive bytes: fixed times, order and permissions."""
    first = build_release(processed, tmp_path / "dist1", duckdb_file=False)
    second = build_release(processed, tmp_path / "dist2", duckdb_file=False)
    assert first.archive.name == f"policykit-data-{__version__}.zip"
    assert first.archive.read_bytes() == second.archive.read_bytes()
    assert first.sha256 == hashlib.sha256(first.archive.read_bytes()).hexdigest()
    with zipfile.ZipFile(first.archive) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos) == first.members
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert all(not i.extra and not i.comment for i in infos)


def test_release_contents_and_checksums(processed: Path, tmp_path: Path) -> None:
    """Tables, metadata, exports and a SHA256SUMS that verifies every other member."""
    result = build_release(processed, tmp_path / "dist", duckdb_file=False)
    prefix = release_name() + "/"
    with zipfile.ZipFile(result.archive) as zf:
        files = {n.removeprefix(prefix): zf.read(n) for n in zf.namelist()}
    expected = {"datapackage.json", "data-dictionary.md", "CITATION.cff", "SHA256SUMS", "policykit.sql", "policykit.do",
                "README.md", "LICENSE", "LICENSE-DATA"}
    for name in ("sources", "documents", "witnesses"):
        expected |= {f"{name}.csv", f"{name}.parquet", f"stata/{name}.dta", f"excel/{name}.csv"}
    assert set(files) == expected
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == expected - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    assert files["documents.csv"] == (processed / "documents.csv").read_bytes()
    package = json.loads(files["datapackage.json"])
    assert [r["name"] for r in package["resources"]] == ["sources", "documents", "witnesses"]
    assert "## `witnesses`" in files["data-dictionary.md"].decode() and "## `provisions`" not in \
        files["data-dictionary.md"].decode()


def test_duckdb_database_is_written_beside_the_archive(processed: Path, tmp_path: Path) -> None:
    """The DuckDB file holds every table; it is not inside the reproducible archive."""
    result = build_release(processed, tmp_path / "dist")
    assert result.duckdb == tmp_path / "dist" / f"{release_name()}.duckdb"
    assert not any(m.endswith(".duckdb") for m in result.members)
    con = duckdb.connect(str(result.duckdb), read_only=True)
    try:
        assert con.execute("select count(*) from witnesses").fetchone() == (2,)
    finally:
        con.close()


def test_cli_prints_path_and_checksum(processed: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`policykit release` prints the archive path and its sha256."""
    dist = tmp_path / "dist"
    assert main(["release", "--processed", str(processed), "--dist", str(dist), "--no-duckdb"]) == 0
    out = capsys.readouterr().out.splitlines()
    archive = dist / f"{release_name()}.zip"
    assert out == [str(archive), f"sha256 {hashlib.sha256(archive.read_bytes()).hexdigest()}"]


def test_cli_without_tables_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """An empty processed folder is named, with the fix."""
    (tmp_path / "empty").mkdir()
    assert main(["release", "--processed", str(tmp_path / "empty"), "--dist", str(tmp_path / "d")]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "empty" in err and "policykit build" in err
    assert not (tmp_path / "d" / f"{release_name()}.zip").exists()


def test_broken_published_table_stops_the_release(processed: Path, tmp_path: Path) -> None:
    """A dangling foreign key in data/processed is reported, and no archive is written."""
    witnesses = pd.read_parquet(processed / "witnesses.parquet")
    witnesses.loc[1, "source_file"] = "b.txt"
    write_table(witnesses, "witnesses", processed)
    assert main(["release", "--processed", str(processed), "--dist", str(tmp_path / "d")]) == 1
    assert not (tmp_path / "d" / f"{release_name()}.zip").exists()


def test_citation_metadata_carry_the_package_version() -> None:
    """CITATION.cff and .zenodo.json describe this version, as a dataset, without invented people."""
    cff = yaml.safe_load((config.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and str(cff["version"]) == __version__
    preferred = cff["preferred-citation"]
    assert preferred["type"] == "data" and str(preferred["version"]) == __version__
    assert preferred["license"] == "CC-BY-4.0" and cff["license"] == "MIT"
    assert cff["authors"] == preferred["authors"] == [{"name": "policykit contributors"}]
    assert "doi" not in cff and "doi" not in preferred
    zenodo = json.loads((config.ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["version"] == __version__
    assert zenodo["license"] == "cc-by-4.0" and zenodo["creators"] == [{"name": "policykit contributors"}]
    assert {"title", "description", "keywords"} <= set(zenodo)


# --- the exports economists open ------------------------------------------------------------------


def _archive_files(processed: Path, tmp_path: Path) -> dict[str, bytes]:
    result = build_release(processed, tmp_path / "dist", duckdb_file=False)
    prefix = release_name() + "/"
    with zipfile.ZipFile(result.archive) as zf:
        return {n.removeprefix(prefix): zf.read(n) for n in zf.namelist()}


def test_stata_labels_value_labels_and_missing_values(processed: Path, tmp_path: Path) -> None:
    """Chinese + English variable labels within 80 characters, value labels for kind, dates as Stata dates."""
    files = _archive_files(processed, tmp_path)
    dta = tmp_path / "documents.dta"
    dta.write_bytes(files["stata/documents.dta"])
    with pd.io.stata.StataReader(dta) as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
        raw = reader.read(convert_categoricals=False)
    with pd.io.stata.StataReader(dta) as reader:
        data = reader.read()
    assert labels["kind"].startswith("文件类型 ") and "policy" in labels["kind"]
    assert labels["title"].startswith("标题 Title")
    assert all(0 < len(v) <= 80 for v in labels.values())
    # codes: places in the registry's allowed values; every allowed value labelled, Chinese first
    assert values["kind"] == {i: label for i, label in enumerate(table("documents").labels("kind").values(), 1)}
    assert values["kind"][1] == "政策文件 policy" and len(values["kind"]) == len(table("documents").values("kind"))
    assert values["title_assigned"] == {0: "否 false", 1: "是 true"}
    assert list(data.sort_values("doc_id").kind) == ["政策文件 policy", "征求意见稿 draft", "通知 notice"]
    assert raw.kind.dtype.kind in "if" and raw.date_basis.isna().all()  # all null: missing, yet labelled
    assert values["date_basis"] == {1: "文本 text", 2: "编目 catalog"}
    dates = data.set_index("doc_id")["date"]
    assert str(dates["d2"].date()) == "2024-10-09" and pd.isna(dates["d1"])  # a missing date is missing, not ""


def test_stata_do_file_loads_every_table_into_aframe(processed: Path, tmp_path: Path) -> None:
    """policykit.do: one frame per table, read from stata/<table>.dta, sources before what references it."""
    do = _archive_files(processed, tmp_path)["policykit.do"].decode()
    for name in ("sources", "documents", "witnesses"):
        assert f"frame create {name}\n" in do and f'frame {name}: use "stata/{name}.dta", clear' in do
    assert do.index("frame create sources") < do.index("frame create witnesses")
    assert "version 16" in do


def test_sql_declares_foreign_keys_and_loads_in_python_duckdb(processed: Path, tmp_path: Path) -> None:
    """policykit.sql through Python's duckdb: foreign keys declared and enforced; a chain d2 -> d3 -> d1 loads."""
    files = _archive_files(processed, tmp_path)
    folder = tmp_path / "unpacked"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    sql = files["policykit.sql"].decode()
    assert "FOREIGN KEY (source_file) REFERENCES sources (source_file)" in sql
    assert "FOREIGN KEY (related_doc_id) REFERENCES documents (doc_id)" in sql
    con = duckdb.connect(str(folder / "policykit.duckdb"))
    try:
        import os

        cwd = Path.cwd()
        os.chdir(folder)
        try:
            con.execute((folder / "policykit.sql").read_text(encoding="utf-8"))
        finally:
            os.chdir(cwd)
        assert con.execute("select count(*) from documents").fetchone() == (3,)
        fks = con.execute("select table_name from duckdb_constraints() where constraint_type = 'FOREIGN KEY' "
                          "order by 1").fetchall()
        assert fks == [("documents",), ("witnesses",), ("witnesses",)]
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into witnesses (doc_id, source_file, char_start, char_end, script, is_primary, "
                        "agreement, n_differences, removed_readings, removed_markup) "
                        "values ('nowhere', 'a.txt', 0, 1, 'hans', true, 1, 0, 0, 0)")
    finally:
        con.close()


def test_archive_carries_readme_and_license(processed: Path, tmp_path: Path) -> None:
    """README.md says how to load the tables (Python, R arrow, Stata, DuckDB); LICENSE is the project's."""
    files = _archive_files(processed, tmp_path)
    readme = files["README.md"].decode()
    for needle in ("arrow::read_parquet", "do policykit.do", "import duckdb", "policykit.load(", "| `documents` | 3 |"):
        assert needle in readme, needle
    assert files["LICENSE"] == (config.ROOT / "LICENSE").read_bytes()
    assert b"MIT License" in files["LICENSE"] and b"CC BY 4.0" in files["LICENSE"]


# --- exports of the published tables ---------------------------------------------------------------

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
    assert labels["doc_id"].startswith("文件编号 " + table("documents").fields[0].description[:40])
    assert all(len(v) <= 80 for v in labels.values())
    assert data.loc[data.doc_id == "final", "text"].item() == LONG_TEXT
    assert pd.isna(data.loc[data.doc_id == "draft", "date"].item())  # a missing date is Stata's missing date


def test_stata_true_false_unknown_is_coded_like_a_boolean() -> None:
    """value_changed: false 0, true 1, unknown 2, each labelled in Chinese and English."""
    from policykit.publish.release import categories, stata_frame, value_label

    f = table("changes").field("value_changed")
    assert categories(f) == {"false": 0, "true": 1, "unknown": 2}
    assert [value_label(f, v) for v in ("false", "true", "unknown")] == ["否 false", "是 true", "未知 unknown"]
    spec = table("changes")
    df = pd.DataFrame({c.name: pd.Series([None, None, None], dtype="object") for c in spec.fields})
    df["value_changed"] = ["true", "false", None]
    for c in spec.fields:
        if c.type == "boolean":
            df[c.name] = [True, False, True]
        elif c.type in ("integer", "number"):
            df[c.name] = [1, 2, 3]
    frame, labels, _dates, _strl = stata_frame(df, spec)
    assert frame["value_changed"].tolist()[:2] == [1.0, 0.0] and pd.isna(frame["value_changed"].iloc[2])
    assert labels["value_changed"] == {0: "否 false", 1: "是 true", 2: "未知 unknown"}


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


def test_every_stata_variable_label_is_chinese_first_within_80_characters(tmp_path: Path) -> None:
    """Each column of each table: a variable label in the .dta that opens with its Chinese term, then English."""
    import re

    from policykit.publish.release import write_stata

    han_first = re.compile(r"[\u4e00-\u9fff][^ ]* [A-Za-z'(\"`<>=~0-9]")  # the term, a space, the English
    for name, spec in TABLES.items():
        path = write_stata(frame(name, [{}]), name, tmp_path / f"{name}.dta")
        with pd.io.stata.StataReader(path) as reader:
            labels = reader.variable_labels()
        assert list(labels) == spec.columns, name
        for column, label in labels.items():
            assert 0 < len(label) <= 80, (name, column, label)
            assert han_first.match(label), (name, column, label)
            assert label.startswith(spec.field(column).zh + " "), (name, column, label)


def test_field_terms_name_existing_columns_once() -> None:
    """resources/field_terms.tsv: known table and column, listed once, and the term the registry holds."""
    import csv

    path = config.RESOURCES_DIR / "field_terms.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    keys = [(r["table"], r["column"]) for r in rows]
    assert len(keys) == len(set(keys))
    for row in rows:
        assert table(row["table"]).field(row["column"]).zh == row["zh"], row
    assert all(f.zh for spec in TABLES.values() for f in spec.fields)


def test_every_value_label_is_bilingual() -> None:
    """Each allowed value of each categorical column: a value label with Chinese and the value, ≤ 80 characters."""
    import re

    from policykit.publish.release import categories, value_label

    for spec in TABLES.values():
        for f in spec.fields:
            for value in categories(f) or {}:
                label = value_label(f, value)
                assert re.search(r"[\u4e00-\u9fff]", label) and len(label) <= 80, (spec.name, f.name, label)
