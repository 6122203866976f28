"""The build: data/raw to every published table, written atomically into data/processed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, config

if TYPE_CHECKING:  # the heavy imports wait until a real build is needed: a cached rebuild skips them
    import pandas as pd


@dataclass
class BuildResult:
    """What a build produced: the tables, by name, and the files written."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    cached: bool = False  # True when the outputs were copied from the build cache


Stage = tuple[str, Callable[[dict[str, "pd.DataFrame"]], dict[str, "pd.DataFrame"]]]


def _structure(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .structure import build_provisions

    provisions = build_provisions(t["documents"])
    counts = provisions.groupby("doc_id").size()
    documents = t["documents"].assign(n_provisions=t["documents"]["doc_id"].map(counts).fillna(0).astype(int))
    return {"provisions": provisions, "documents": documents}


def _compare(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .compare import build_comparison

    alignment, changes = build_comparison(t["documents"], t["provisions"])
    return {"alignment": alignment, "changes": changes}


def _targets(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .targets import build_targets

    return {"targets": build_targets(t["documents"], t["provisions"])}


def _target_changes(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .target_changes import build_target_changes

    return {"target_changes": build_target_changes(t["alignment"], t["targets"])}


def _terms(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .terms import build_tables as build_term_tables

    return build_term_tables(t["documents"], t["provisions"])


def _concepts(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .concepts import build_tables as build_concept_tables

    return build_concept_tables(t["documents"], t["provisions"])


def _reuse(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from .reuse import build_reuse, build_reuse_pairs

    reuse = build_reuse(t["documents"], t["provisions"])
    return {"reuse": reuse, "reuse_pairs": build_reuse_pairs(reuse, t["documents"])}


def analysis_stages() -> list[Stage]:
    """The stages that read documents and provisions only: independent of one another."""
    return [("alignment", _compare), ("terms", _terms), ("targets", _targets), ("reuse", _reuse),
            ("concepts", _concepts)]


def workers() -> int:
    """Processes for the analysis stages: POLICYKIT_WORKERS, else one per core (at most one per stage)."""
    wanted = os.environ.get("POLICYKIT_WORKERS", "")
    n = int(wanted) if wanted.isdigit() else (os.cpu_count() or 1)
    return max(1, min(n, len(analysis_stages())))


def run_analysis(tables: dict[str, pd.DataFrame], on_done: Callable[[str], None]) -> dict[str, pd.DataFrame]:
    """Run the analysis stages, in parallel processes where there are several cores; tables by name."""
    stages = analysis_stages()
    inputs = {"documents": tables["documents"], "provisions": tables["provisions"]}
    out: dict[str, pd.DataFrame] = {}
    n = workers()
    if n == 1:
        for name, stage in stages:
            out.update(stage(inputs))
            on_done(name)
        return out
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=n) as pool:
        futures = {pool.submit(stage, inputs): name for name, stage in stages}
        for future in as_completed(futures):
            out.update(future.result())
            on_done(futures[future])
    return {name: out[name] for name in sorted(out)}  # the same order whichever stage finished first


def build_tables(raw_dir: Path, catalog_file: Path, progress: bool = False) -> dict[str, pd.DataFrame]:
    """Run every stage on the raw folder and return the tables by name."""
    from tqdm import tqdm

    from .audit import build_audit
    from .catalog import read_catalog
    from .documents import build_corpus
    from .sources import read_sources

    bar = tqdm(total=3 + len(analysis_stages()), desc="policykit build", unit="stage", disable=not progress,
               bar_format="{desc}: {n_fmt}/{total_fmt} {postfix}")
    bar.set_postfix_str("reading sources")
    sources = read_sources(raw_dir)
    bar.update()
    bar.set_postfix_str("documents and witnesses")
    corpus = build_corpus(sources, read_catalog(catalog_file))
    tables = {"sources": corpus.sources, "documents": corpus.documents, "witnesses": corpus.witnesses}
    bar.update()
    bar.set_postfix_str("provisions")
    tables.update(_structure(tables))
    bar.update()
    bar.set_postfix_str(f"analysis stages in {workers()} process(es)")

    def done(name: str) -> None:
        bar.set_postfix_str(f"{name} done")
        bar.update()

    tables.update(run_analysis(tables, done))
    tables.update(_target_changes(tables))  # needs both the alignment and the targets
    tables["audit"] = build_audit(corpus, tables["provisions"])
    bar.set_postfix_str("done")
    bar.close()
    return tables


@contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside out_dir that replaces out_dir only if the block succeeds."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        yield tmp
        old = out_dir.with_name(f".{out_dir.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            out_dir.replace(old)
        tmp.replace(out_dir)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def build_key(raw_dir: Path, catalog_file: Path) -> str:
    """Digest of everything the outputs depend on: raw bytes, catalog, library code and table writers."""
    from importlib.metadata import version

    h = hashlib.sha256()
    parts = [f"{__version__} pandas {version('pandas')} pyarrow {version('pyarrow')}"]
    inputs = [p for p in sorted(raw_dir.iterdir()) if p.is_file()] if raw_dir.is_dir() else []
    code = sorted(p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".tsv", ".txt"})
    for path in [*inputs, catalog_file, *code]:
        parts.append(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else '-'}")
    h.update("\n".join(parts).encode("utf-8"))
    return h.hexdigest()[:24]


def _store_in_cache(out_dir: Path, key: str) -> None:
    """Keep a copy of a finished build under .cache/build/<key>, dropping older copies."""
    root = config.CACHE_DIR / "build"
    with contextlib.suppress(OSError):
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(out_dir, root / key)


def build(raw_dir: Path | None = None, out_dir: Path | None = None, catalog_file: Path | None = None,
          progress: bool = False, use_cache: bool = False) -> BuildResult:
    """Build every table from raw_dir into out_dir; out_dir is left untouched if anything fails.

    With use_cache, a build whose inputs and code are unchanged copies the cached outputs instead.
    """
    raw_dir = Path(raw_dir or config.RAW_DIR)
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    catalog_file = Path(catalog_file or config.CATALOG_FILE)
    key = build_key(raw_dir, catalog_file) if use_cache else None
    cached = config.CACHE_DIR / "build" / key if key else None
    if cached is not None and cached.is_dir():
        result = BuildResult(cached=True)
        with staged_output(out_dir) as tmp:
            for path in sorted(cached.iterdir()):
                shutil.copy2(path, tmp / path.name)
                result.files.append(out_dir / path.name)
        return result
    from .dataset import validate_tables, write_datapackage
    from .tables import write_table

    tables = build_tables(raw_dir, catalog_file, progress=progress)
    validate_tables(tables)
    result = BuildResult(tables=tables)
    with staged_output(out_dir) as tmp:
        for name in sorted(tables):
            result.files.extend(out_dir / p.name for p in write_table(tables[name], name, tmp))
        result.files.append(out_dir / write_datapackage(tmp, tables).name)
    if key:
        _store_in_cache(out_dir, key)
    return result
