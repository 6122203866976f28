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


def test_settings_are_read_in_one_place_and_follow_the_environment(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """settings() holds every environment setting; it is parsed again only when a variable changes."""
    for name in config.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    plain = config.settings()
    assert plain is config.settings()  # parsed once for the same environment
    assert plain.data is None and plain.data_dir == plain.processed_dir and plain.scheduler is None
    assert plain.workers is None and plain.local_workers >= 1
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "tables.zip"))
    monkeypatch.setenv(config.WORKERS_ENV, "3")
    monkeypatch.setenv(config.SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    s = config.settings()
    assert (s.data_dir, s.local_workers, s.scheduler) == (tmp_path / "tables.zip", 3, "tcp://127.0.0.1:8786")
    monkeypatch.setenv(config.WORKERS_ENV, "many")  # not a number: one per core
    assert config.settings().workers is None


def test_the_tokenizer_follows_a_changed_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jieba's dictionary cache goes to the cache folder of the moment, not the one of the first use."""
    import shutil

    from policykit.analysis import tokenise

    session = config.cache_dir() / "jieba"  # jieba's prefix dictionary as the session built it: each new
    for name in ("a", "b"):  # folder starts from a copy rather than building it again (seconds each)
        if session.is_dir():
            shutil.copytree(session, tmp_path / name / "jieba")
    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "a"))
    first = tokenise._tokenizer()
    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "b"))
    second = tokenise._tokenizer()
    assert first.tmp_dir == str(tmp_path / "a" / "jieba") and second.tmp_dir == str(tmp_path / "b" / "jieba")
    assert tokenise._tokenizer() is second
