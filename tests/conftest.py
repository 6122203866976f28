"""Shared fixtures: the project's raw folder and a built copy of the corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from policykit import config


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds run by the tests (in this process or as commands) use a cache of their own, not the project's."""
    cache = tmp_path_factory.mktemp("cache")
    os.environ[config.CACHE_ENV] = str(cache)  # config resolves the cache folder at each use


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The project's raw folder."""
    return config.RAW_DIR


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The whole corpus built once into a temporary folder (BuildResult)."""
    from policykit.build import build

    out = tmp_path_factory.mktemp("processed")
    return build(config.RAW_DIR, out)


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw."""
    dst = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, dst)
    return dst


@pytest.fixture(scope="session")
def executed_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every notebook run once with papermill (as `policykit figures` does) on the published tables."""
    from policykit import figures

    if not (config.PROCESSED_DIR / "documents.parquet").is_file():
        pytest.skip("data/processed not built yet (run `policykit build`)")
    out = tmp_path_factory.mktemp("reports")
    figures.run_notebooks(out_dir=out, progress=False)
    return out
