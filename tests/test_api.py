"""The package-level functions a notebook uses."""

from __future__ import annotations

import subprocess
import sys

import pytest

import policykit
from policykit import config


@pytest.mark.slow  # a fresh interpreter
def test_import_is_light() -> None:
    """Importing policykit does not import pandas (a cached rebuild and the CLI start fast)."""
    code = "import sys, policykit; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_split_sentences() -> None:
    """Sentence spans: 。 ends a sentence, a closing quote stays with it."""
    text = "加强组织领导。“推动以赛促用。”完善机制"
    assert [text[a:b] for a, b in policykit.split_sentences(text)] == ["加强组织领导。", "“推动以赛促用。”", "完善机制"]


@pytest.fixture()
def processed():
    if not (config.PROCESSED_DIR / "documents.parquet").is_file():
        pytest.skip("data/processed not built yet")
    return config.PROCESSED_DIR


def test_kwic_and_reuse_between_on_the_published_tables(processed) -> None:
    """policykit.kwic and policykit.reuse_between read the published tables."""
    lines = policykit.kwic("授权运营", docs=["public-data-pricing-notice-2025"])
    assert len(lines) > 0 and set(lines.doc_id) == {"public-data-pricing-notice-2025"}
    assert (lines.keyword == "授权运营").all()
    shared = policykit.reuse_between("data-twenty-articles-2022", "public-data-opinions-2024")
    assert len(shared) > 0 and (shared.length >= 15).all()


# --- policykit.load: where the tables come from ---------------------------------------------------


def _published(folder, titles: list[str]):
    """Write a documents table with the given titles into folder (as data/processed holds it)."""
    import pandas as pd

    from policykit.publish.tables import write_table
    from policykit.schema import table

    spec = table("documents")
    defaults = {"string": "x", "integer": 0, "number": 0.5, "boolean": False, "date": None}
    rows = [{f.name: (f"d{i}" if f.name == "doc_id" else title if f.name == "title" else
                      defaults[f.type] if f.required else None) for f in spec.fields} for i, title in enumerate(titles)]
    folder.mkdir(parents=True, exist_ok=True)
    write_table(pd.DataFrame(rows, columns=spec.columns), "documents", folder)
    return folder


def test_load_from_a_folder_an_archive_and_the_environment(tmp_path, monkeypatch) -> None:
    """data= a folder or a release zip (tables under its top folder); POLICYKIT_DATA when data is not given."""
    import zipfile

    folder = _published(tmp_path / "tables", ["行动计划", "意见"])
    assert list(policykit.load("documents", data=folder).title) == ["行动计划", "意见"]
    archive = tmp_path / "policykit-data-9.9.9.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / "documents.parquet", "policykit-data-9.9.9/documents.parquet")
    assert list(policykit.load("documents", data=archive, polars=True)["title"]) == ["行动计划", "意见"]
    monkeypatch.setenv("POLICYKIT_DATA", str(archive))
    assert len(policykit.load("documents")) == 2
    other = _published(tmp_path / "other", ["通知"])
    assert list(policykit.load("documents", data=other).title) == ["通知"]  # data= wins over the environment


def test_load_error_says_where_it_looked_and_how_to_point_it(tmp_path) -> None:
    """A missing table: one line naming the place, data=, POLICYKIT_DATA and the archive; a FileNotFoundError."""
    from policykit.errors import InputError

    for where in (tmp_path, _zip_without_tables(tmp_path)):
        with pytest.raises(InputError) as caught:
            policykit.load("documents", data=where)
        message = str(caught.value)
        assert str(where) in message and "data=" in message and "POLICYKIT_DATA" in message and ".zip" in message
        assert "\n" not in message and isinstance(caught.value, FileNotFoundError)
    with pytest.raises(KeyError, match="tables: "):
        policykit.load("no_such_table", data=tmp_path)


def _zip_without_tables(tmp_path):
    import zipfile

    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("policykit-data-0/README.md", "x")
    return archive


def test_help_of_load_lists_every_table() -> None:
    """help(policykit.load) names every registered table (the docstring is made from the registry)."""
    from policykit.schema import TABLES

    doc = policykit.load.__doc__
    assert "POLICYKIT_DATA" in doc and "release archive" in doc
    for name, spec in TABLES.items():
        assert f"{name}  " in doc and spec.title in doc
