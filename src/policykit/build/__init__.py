"""The build: data/raw to every published table, written atomically into data/processed.

The package by job: `stages` declares the stages (what each reads and writes, how it is batched, what runs
it); `schedule` runs them in dependency order (`batches` cuts the batched ones); `write` checks and writes
each table; `output` and `lock` guard the output folder; `cache` restores an unchanged build. The names
below are what the command line, the tests and the notebooks use; those of `schedule`, `batches` and
`write` (which import pandas) are imported on first use, so that a build restored from the cache stays light.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykit import config
from policykit.api import load
from policykit.build import cache
from policykit.build.cache import build_key, cache_slot, dependency_versions
from policykit.build.lock import output_lock
from policykit.build.output import check_output, clean_stale, missing_parents, staged_output
from policykit.build.stages import (
    BATCHINGS,
    RAW_INPUTS,
    STAGES,
    RawFolder,
    StageSpec,
    final_writers,
    run_in_process,
    stage_order,
    stage_spec,
)
from policykit.errors import InputError
from policykit.executor import executor
from policykit.ingest.sources import check_raw_dir
from policykit.memory import arrow_system_pool, frozen_heap

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BATCHINGS", "RAW_INPUTS", "STAGES", "BuildResult", "RawFolder", "StageSpec", "TableWriter",
           "WrittenTables", "batch_bounds", "build", "build_key", "build_tables", "cache_slot", "check_output",
           "clean_stale", "dependency_versions", "document_batch", "document_batches", "family_batches",
           "final_writers", "output_lock", "run_in_process", "run_stages", "skipped_files", "stage_order",
           "stage_spec", "staged_output", "workers"]

_LAZY = {"build_tables": "schedule", "run_stages": "schedule", "workers": "schedule", "SUBMITTED_FIRST": "schedule",
         "batch_bounds": "batches", "document_batch": "batches", "document_batches": "batches",
         "family_batches": "batches", "DOCUMENT_BATCH_CHARS": "batches", "TableWriter": "write"}


def __getattr__(name: str) -> Any:
    """The names of the modules that import pandas (schedule, batches, write), imported on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"policykit.build.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class WrittenTables(Mapping):
    """The tables of a build, read back from its output folder on first use (the build keeps none).

    The build writes each table as soon as it is finished and drops it from memory; callers that want
    a table (tests, notebooks) read it here, with the dtypes the table was written with.
    """

    def __init__(self, folder: Path, names: list[str]) -> None:
        """Tables by name in folder; nothing is read yet."""
        self.folder, self.names, self._read = folder, sorted(names), {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        """The table, read from its Parquet file once."""
        if name not in self.names:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = load(name, data=self.folder)
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        """The table names, sorted."""
        return iter(self.names)

    def __len__(self) -> int:
        """How many tables."""
        return len(self.names)


@dataclass
class BuildResult:
    """What a build produced: the tables, by name, and the files written."""

    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # rows of each table written
    files: list[Path] = field(default_factory=list)
    cached: bool = False  # True when the outputs were copied from the build cache
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (analysis stages: in their worker)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason) of every raw file not read


def build(raw_dir: Path | None = None, out_dir: Path | None = None, catalog_file: Path | None = None,
          progress: bool = False, use_cache: bool = False, scheduler: Any = None,
          keep_going: bool = False, csv: bool = False, scratch: str | None = None) -> BuildResult:
    """Build every table from raw_dir into out_dir; out_dir is left untouched if anything fails.

    Each table is written as Parquet; with csv, a CSV copy beside it (the seed release keeps them).

    - the output folder is checked (writable) before any work, and locked for the whole build;
    - staging folders left beside it by killed builds are removed;
    - with use_cache, a build whose inputs, code and libraries are unchanged copies the cached outputs;
    - with scheduler (a Dask scheduler address; default $POLICYKIT_SCHEDULER), the worker stages run on that
      cluster; its tasks exchange their tables through scratch (a folder or fsspec URL that the build and
      every worker see; default $POLICYKIT_SCRATCH, else a folder beside the output, for a local cluster);
    - with keep_going, raw files that cannot be read are skipped with their reason (sources table);
      without it, one error lists every such file;
    - a catalog given that does not exist is an error (the default one may be absent: no curated facts);
    - scratch given without a scheduler is an error (only a cluster build uses it);
    - a failed build leaves no folder it created behind (no empty data/).
    """
    scheduler = scheduler or config.settings().scheduler
    if scratch is not None and not scheduler:
        raise InputError(scratch, "shared storage is used only by a build on a Dask cluster: give --scheduler "
                                  "(or POLICYKIT_SCHEDULER) too, or leave --scratch out")
    raw_dir = Path(raw_dir or config.RAW_DIR)
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    check_output(out_dir)
    check_raw_dir(raw_dir)
    if catalog_file is not None and not Path(catalog_file).is_file():
        raise InputError(catalog_file, "catalog not found (--catalog takes a TOML file; see the README, "
                                       "\"Your own documents\")")
    catalog_file = Path(catalog_file or config.CATALOG_FILE)
    created = missing_parents(out_dir)
    try:
        with output_lock(out_dir), frozen_heap():
            clean_stale(out_dir)
            return _build_locked(raw_dir, out_dir, catalog_file, progress, use_cache, scheduler, keep_going, csv,
                                 scratch)
    except BaseException:
        for folder in created:  # innermost first: only the folders this build made, and only if empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def skipped_files(sources: pd.DataFrame | None) -> list[tuple[str, str]]:
    """(file, reason) of every skipped row of a sources table."""
    if sources is None or "status" not in sources.columns:
        return []
    rows = sources[sources["status"] == "skipped"]
    return list(zip(rows["source_file"].astype(str), rows["skipped_reason"].astype(str), strict=True))


def _build_locked(raw_dir: Path, out_dir: Path, catalog_file: Path, progress: bool, use_cache: bool,
                  scheduler: Any, keep_going: bool = False, csv: bool = False,
                  scratch: str | None = None) -> BuildResult:
    """The build proper, with the output folder locked."""
    key = cache.build_key(raw_dir, catalog_file, keep_going, csv) if use_cache else None
    slot = cache.cache_slot(raw_dir)
    cached = slot / key if key else None
    if cached is not None and cached.is_dir():
        with staged_output(out_dir) as tmp:
            names, skipped = cache.restore(cached, tmp)
        return BuildResult(cached=True, skipped=skipped, files=[out_dir / name for name in names])
    # imported only now: a build restored from the cache imports neither pandas nor pyarrow
    from policykit.build.schedule import build_tables, workers
    from policykit.build.write import TableWriter
    from policykit.publish.datapackage import corpus_descriptor, write_datapackage

    timings: dict[str, float] = {}
    with staged_output(out_dir) as tmp, arrow_system_pool():  # after the cache: a restore imports no pyarrow
        writer = TableWriter(tmp, timings, csv=csv)
        with executor(scheduler, workers=None if scheduler else workers(), scratch=scratch) as ex:
            build_tables(raw_dir, catalog_file, progress=progress, ex=ex, timings=timings, sink=writer.put,
                         spill=tmp / ".batches", keep_going=keep_going)
        writer.close()
        names = sorted(writer.paths)
        files = writer.files(out_dir)
        files.append(out_dir / write_datapackage(tmp, {**dict.fromkeys(names), "sources": writer.sources},
                                                 corpus_descriptor(raw_dir, catalog_file)).name)
    result = BuildResult(tables=WrittenTables(out_dir, names), rows=writer.rows, files=files, timings=timings,
                         skipped=skipped_files(writer.sources))
    if key:
        cache.store(out_dir, slot, key, result.skipped)
    return result

