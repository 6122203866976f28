"""Shared fixtures: the project's raw folder, a built copy of the corpus, and a tiny two-document corpus.

Tests of a rule build the tiny corpus (fast); tests that need the seed corpus use `built`, one build per
session, and are marked slow.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pkgutil
import shutil
from pathlib import Path

import pytest

from policykit import config


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds run by the tests (in this process or as commands) use a cache of their own, not the project's."""
    cache = tmp_path_factory.mktemp("cache")
    os.environ[config.CACHE_ENV] = str(cache)  # config resolves the cache folder at each use


@pytest.fixture(scope="session", autouse=True)
def _frozen_imports() -> None:
    """Move the objects of the imported libraries out of the garbage collector's sight (gc.freeze).

    The build collects garbage after each table it writes (memory.release_memory), and a full
    collection walks every live object: in a test process holding pandas, pyarrow and every stage module
    that walk costs more than building the tiny corpus itself. Frozen objects live for the whole session
    anyway; what the builds allocate is still collected, and the tables are unchanged.
    """
    import gc

    import pandas  # noqa: F401 - imported to be frozen
    import pyarrow.parquet  # noqa: F401

    for stage in ("ingest", "analysis", "publish"):  # the modules a build runs
        package = importlib.import_module(f"policykit.{stage}")
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    importlib.import_module("policykit.build")
    # what the stages load on first use: the segmenter and word lists (warm_up), jieba's dictionary and
    # pypinyin's tables (readable ids of documents the catalog does not know); loaded after the freeze they
    # would be walked by every collection of every later build (35 ms each, some fifty per build)
    from policykit.executor import warm_up
    from policykit.ingest.ids import slug

    warm_up()
    slug("数据要素")
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def _one_worker() -> None:
    """Builds run by the tests use one process unless POLICYKIT_WORKERS says otherwise.

    Starting worker processes costs seconds per build, far more than building a few test documents;
    tests of the worker processes themselves ask for them explicitly (test_executor, test_hostile), and
    the seed-corpus build (`built`) runs with the default workers.
    """
    os.environ.setdefault("POLICYKIT_WORKERS", "1")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The project's raw folder."""
    return config.RAW_DIR


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The whole corpus built once into a temporary folder (BuildResult)."""
    from policykit.build import build

    out = tmp_path_factory.mktemp("processed")
    pinned = os.environ.pop("POLICYKIT_WORKERS", None) if os.environ.get("POLICYKIT_WORKERS") == "1" else None
    try:  # the default workers: one process per core, as `policykit build` runs
        return build(config.RAW_DIR, out, csv=True)  # as `make data` builds data/processed
    finally:
        if pinned is not None:
            os.environ["POLICYKIT_WORKERS"] = pinned


# A draft and its final version, the final in traditional script with pinyin readings and a markdown
# heading: enough for every stage to produce rows (a version pair, its alignment and target changes, reuse
# between the two, readings and markup in the audit), in a second of build time.
TINY_FILES = {
    "draft.txt": ("数据标准化三年行动方案（征求意见稿）\n\n一、总体要求\n\n坚持标准引领，推动数据要素市场化配置改革。"
                  "到2026年底，制定数据标准50项以上，数据交易规模增长1倍。\n\n二、重点行动\n\n"
                  "1. 数据要素×工业制造\n\n支持企业融合设计、仿真、实验验证数据。\n\n三、保障措施\n\n"
                  "加强组织领导，完善工作机制。\n\n国家数据局\n\n2023年12月15日\n"),
    "final_traditional.txt": ("# 數據標準化三年行動方案\n\n一、總(zǒng)體要求\n\n"
                              "堅持標準引領，推動數據要素市場化配置改革。到2026年底，制定數據標準100項以上，數據交易規模倍增。\n\n二、重點行動\n\n"
                              "（一）數據要素×工業製造。支持企業融合設計、仿真、實驗驗證數據，"
                              "推動“原始數據不出域、數據可用不可見”。\n\n三、保障措施\n\n"
                              "加強組織領導，完善工(gōng)作機制。\n\n國家數據局\n\n2023年12月31日\n"),
}


def write_tiny_raw(raw: Path) -> Path:
    """Write the tiny corpus into raw, with a MANIFEST.csv that lists both files with their checksums."""
    raw.mkdir(parents=True, exist_ok=True)
    rows = ["file,original_name,sha256,bytes,origin,description"]
    for name, text in TINY_FILES.items():
        data = text.encode("utf-8")
        (raw / name).write_bytes(data)
        rows.append(f"{name},{name},{hashlib.sha256(data).hexdigest()},{len(data)},test fixture,tiny corpus")
    (raw / config.MANIFEST_NAME).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return raw


@pytest.fixture()
def tiny_raw(tmp_path: Path) -> Path:
    """A writable raw folder holding the tiny corpus."""
    return write_tiny_raw(tmp_path / "raw")


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory):
    """The tiny corpus built once into a temporary folder (BuildResult)."""
    from policykit.build import build

    raw = write_tiny_raw(tmp_path_factory.mktemp("tiny") / "raw")
    return build(raw, tmp_path_factory.mktemp("tiny_processed"), csv=True)  # as the seed build: with CSV copies


@pytest.fixture(params=["tiny", pytest.param("corpus", marks=pytest.mark.slow)])
def any_built(request: pytest.FixtureRequest):
    """A rule checked on the tiny corpus (fast) and on the whole seed corpus (slow)."""
    return request.getfixturevalue("tiny_built" if request.param == "tiny" else "built")


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw."""
    dst = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, dst)
    return dst


@pytest.fixture(scope="session")
def executed_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every notebook run once with papermill (as `policykit figures` does) on the published tables."""
    from policykit.present import figures

    if not (config.PROCESSED_DIR / "documents.parquet").is_file():
        pytest.skip("data/processed not built yet (run `policykit build`)")
    out = tmp_path_factory.mktemp("reports")
    figures.run_notebooks(out_dir=out, progress=False)
    return out


def content_digests(folder: Path) -> dict[str, str]:
    """sha256 of each file of a build folder; datapackage.json without its `corpus` entry.

    The corpus entry names the raw folder a build read, so two builds of the same files from two folders
    differ there and only there.
    """
    import hashlib
    import json

    out = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if p.name == "datapackage.json":
            descriptor = json.loads(data)
            descriptor.pop("corpus", None)
            data = json.dumps(descriptor, ensure_ascii=False, sort_keys=True).encode("utf-8")
        out[p.name] = hashlib.sha256(data).hexdigest()
    return out
