"""Tests for policykit.config: paths resolved when they are used, not when the package is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykit import config


def test_paths_follow_the_environment_at_each_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Setting POLICYKIT_ROOT or POLICYKIT_CACHE_DIR after import moves every path, no re-import needed."""
    before = config.PROCESSED_DIR
    monkeypatch.setenv(config.ROOT_ENV, str(tmp_path))
    monkeypatch.delenv(config.CACHE_ENV, raising=False)
    assert config.ROOT == tmp_path.resolve() == config.project_root()
    assert config.PROCESSED_DIR == tmp_path.resolve() / "data" / "processed" == config.processed_dir()
    assert config.RAW_DIR == tmp_path.resolve() / "data" / "raw"
    assert config.CATALOG_FILE == tmp_path.resolve() / "data" / "catalog.toml"
    assert config.CACHE_DIR.name == "policykit" and not config.CACHE_DIR.is_relative_to(tmp_path)  # the user's
    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "c"))
    assert config.cache_dir() == tmp_path / "c"
    monkeypatch.undo()
    assert config.PROCESSED_DIR == before


def test_unknown_names_are_attribute_errors() -> None:
    """A misspelt path name fails as any missing attribute does."""
    with pytest.raises(AttributeError, match="PROCESSED"):
        config.PROCESSED  # noqa: B018
