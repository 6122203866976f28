"""The package-level functions a notebook uses."""

from __future__ import annotations

import subprocess
import sys

import pytest

import policykit
from policykit import config


def test_import_is_light() -> None:
    """Importing policykit does not import pandas (a cached rebuild and the CLI start fast)."""
    code = "import sys, policykit; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


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
