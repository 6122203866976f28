"""The build: data/raw to every published table, written atomically into data/processed."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykit import __version__, config
from policykit.errors import InputError

if TYPE_CHECKING:  # the heavy imports wait until a real build is needed: a cached rebuild skips them
    import numpy as np
    import pandas as pd


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
            import pyarrow.parquet as pq

            from policykit.publish.tables import ARROW_TO_PANDAS

            arrow = pq.read_table(self.folder / f"{name}.parquet")
            self._read[name] = arrow.to_pandas(types_mapper=ARROW_TO_PANDAS.get)
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


Stage = tuple[str, Callable[[dict[str, "pd.DataFrame"]], dict[str, "pd.DataFrame"]]]


def _provisions_of(documents: pd.DataFrame) -> pd.DataFrame:
    """The provisions of a batch of documents (module-level: workers import it by name)."""
    from policykit.ingest.structure import build_provisions

    return build_provisions(documents)


def _structure(t: dict[str, pd.DataFrame], ex: Any = None) -> dict[str, pd.DataFrame]:
    """Provisions of every document, batch by batch through the executor; n_provisions filled in."""
    import pandas as pd

    from policykit.executor import SerialExecutor
    from policykit.ingest.structure import count_provisions

    batches = [b["documents"] for b in document_batches(t["documents"], None)]
    parts = (ex or SerialExecutor()).map(_provisions_of, batches)
    provisions = pd.concat(parts, ignore_index=True) if len(parts) != 1 else parts[0]
    provisions = provisions.sort_values(["doc_id", "ord"], kind="mergesort").reset_index(drop=True)
    return {"provisions": provisions, "documents": count_provisions(t["documents"], provisions)}


def _compare(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.compare import build_comparison

    alignment, changes = build_comparison(t["documents"], t["provisions"])
    return {"alignment": alignment, "changes": changes}


def _targets(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.targets import build_targets

    return {"targets": build_targets(t["documents"], t["provisions"])}


def _target_changes(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.target_changes import build_target_changes

    return {"target_changes": build_target_changes(t["alignment"], t["targets"])}


def _statements(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.statements import build_statements

    return {"statements": build_statements(t["documents"], t["provisions"])}


def _statement_changes(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.statement_changes import build_statement_changes

    return {"statement_changes": build_statement_changes(t["alignment"], t["statements"])}


def _terms(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.terms import build_tables as build_term_tables

    return build_term_tables(t["documents"], t["provisions"])


def _concepts(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.concepts import build_tables as build_concept_tables

    return build_concept_tables(t["documents"], t["provisions"])


def _reuse(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.reuse import build_reuse, build_reuse_pairs

    reuse = build_reuse(t["documents"], t["provisions"])
    return {"reuse": reuse, "reuse_pairs": build_reuse_pairs(reuse, t["documents"])}


def _citations(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from policykit.analysis.citations import build_citations, build_implementation

    citations = build_citations(t["documents"])
    return {"citations": citations, "implementation": build_implementation(citations, t["documents"])}


def analysis_stages() -> list[Stage]:
    """The stages that read documents and provisions only (independent of one another), checked as declared."""
    return [(s.name, partial(_as_declared, s.name, s.run)) for s in STAGES
            if s.run is not None and s.inputs == ("documents", "provisions")]


def _as_declared(name: str, function: Callable[[dict[str, pd.DataFrame]], dict[str, pd.DataFrame]],
                 inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Run a stage and check it returned exactly the tables its declaration (STAGES) lists."""
    tables = function(inputs)
    declared = sorted(stage_spec(name).outputs)
    if sorted(tables) != declared:
        raise RuntimeError(f"stage {name} returned {sorted(tables)}, declared {declared}")
    return tables


@dataclass(frozen=True)
class StageSpec:
    """A stage of the pipeline: the tables it reads and the tables it writes (a pure function of its inputs)."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    run: Callable[[dict[str, pd.DataFrame]], dict[str, pd.DataFrame]] | None = None
    """Tables in, tables out; None for the ingest stages, which build_tables runs on the raw files."""


RAW_INPUTS = ("raw", "catalog")
"""What the first stage reads that is not a table: the raw folder and the curated catalog."""

STAGES: tuple[StageSpec, ...] = (
    # ingest.documents.build_corpus
    StageSpec("documents", RAW_INPUTS, ("sources", "documents", "witnesses", "document_events")),
    StageSpec("provisions", ("documents",), ("provisions", "documents")),  # ingest.structure.build_provisions
    StageSpec("audit", (*RAW_INPUTS, "provisions"), ("audit",)),  # analysis.audit.build_audit
    StageSpec("alignment", ("documents", "provisions"), ("alignment", "changes"), _compare),
    StageSpec("terms", ("documents", "provisions"), ("term_frequencies", "keyness"), _terms),
    StageSpec("targets", ("documents", "provisions"), ("targets",), _targets),
    StageSpec("reuse", ("documents", "provisions"), ("reuse", "reuse_pairs"), _reuse),
    StageSpec("concepts", ("documents", "provisions"), ("concepts", "concept_mentions"), _concepts),
    # reads the documents only; declared with the provisions so that it runs with the analysis stages
    StageSpec("citations", ("documents", "provisions"), ("citations", "implementation"), _citations),
    StageSpec("target_changes", ("alignment", "targets"), ("target_changes",), _target_changes),
    StageSpec("statements", ("documents", "provisions"), ("statements",), _statements),
    StageSpec("statement_changes", ("alignment", "statements"), ("statement_changes",), _statement_changes),
)
"""Every stage in build order, with its inputs and outputs; a stage reads only tables written before it."""


def stage_spec(name: str) -> StageSpec:
    """The declaration of the stage called name."""
    return next(s for s in STAGES if s.name == name)


# Stages whose rows for a document depend on that document alone: they run on batches of documents
# (their output is the concatenation of the batches' outputs, then the stage's step in FINISH if it has
# one); the others see the whole corpus.
PER_DOCUMENT_STAGES = {"targets", "terms", "concepts", "statements"}
# Stages whose rows depend on the versions of one document alone (a family): they run on batches of whole
# families, only the documents that have a version pair (their output is the concatenation of the batches').
PER_FAMILY_STAGES = {"alignment"}
DOCUMENT_BATCH_CHARS = 2_000_000  # characters of canonical text per batch of a per-document stage


def workers() -> int:
    """Processes for the analysis stages: POLICYKIT_WORKERS, else one per core (at most one per stage)."""
    from policykit.executor import local_workers

    return max(1, min(local_workers(), len(analysis_stages())))


def document_batches(documents: pd.DataFrame, provisions: pd.DataFrame | None,
                     max_chars: int = DOCUMENT_BATCH_CHARS) -> list[dict[str, pd.DataFrame]]:
    """Documents (and their provisions) cut into consecutive batches of about max_chars characters."""
    return [document_batch(documents, provisions, slice(a, b)) for a, b in batch_bounds(documents, max_chars)]


def _cut(sizes: list[int] | np.ndarray, max_chars: int) -> list[tuple[int, int]]:
    """Ranges [a, b) of consecutive items whose sizes add up to about max_chars (an item is never split)."""
    cuts, total = [0], 0
    for i, n in enumerate(sizes):
        if total and total + n > max_chars:
            cuts.append(i)
            total = 0
        total += n
    cuts.append(len(sizes))
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _text_sizes(documents: pd.DataFrame) -> np.ndarray:
    """Characters of each document's canonical text."""
    return documents["text"].str.len().fillna(0).to_numpy()


def batch_bounds(documents: pd.DataFrame, max_chars: int = DOCUMENT_BATCH_CHARS) -> list[tuple[int, int]]:
    """Row ranges [a, b) of documents that make consecutive batches of about max_chars characters."""
    return _cut(_text_sizes(documents), max_chars)


def family_batches(documents: pd.DataFrame, max_chars: int = DOCUMENT_BATCH_CHARS) -> list[list[int]]:
    """Row positions of the documents that have a version pair, whole families together, in batches.

    A family here is a connected set of version pairs (ingest.documents.version_pairs); families are taken
    in the order of their first row and cut into batches of about max_chars characters. There is always
    at least one batch (empty when no document has a version pair).
    """
    from scipy.cluster.hierarchy import DisjointSet

    from policykit.ingest.documents import version_pairs

    pairs = version_pairs(documents)
    position = {d: i for i, d in enumerate(documents["doc_id"].astype(str))}
    sets = DisjointSet(sorted({position[d] for pair in pairs for d in pair}))
    for a, b in pairs:
        sets.merge(position[a], position[b])
    families = sorted(sorted(f) for f in sets.subsets())
    sizes = _text_sizes(documents)
    ranges = _cut([int(sizes[f].sum()) for f in families], max_chars)
    return [[i for f in families[a:b] for i in f] for a, b in ranges]


def document_batch(documents: pd.DataFrame, provisions: pd.DataFrame | None,
                   rows: slice | list[int]) -> dict[str, pd.DataFrame]:
    """The documents at rows (a range, or a list of positions) and their provisions."""
    docs = documents.iloc[rows]
    batch = {"documents": docs}
    if provisions is not None:
        batch["provisions"] = provisions[provisions["doc_id"].isin(docs["doc_id"])]
    return batch


def _finish_terms(out: dict[str, pd.DataFrame], inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The corpus-wide parts of the terms stage, after its batches: tf-idf and keyness.

    - tf-idf: each batch knew only its own documents' frequencies; the inverse document frequency is
      recomputed here from every batch's document-scope rows (the shuffle by term), with the formula of
      terms.build_term_frequencies (count · ln(n_documents / documents with the term));
    - keyness compares a draft with its final version, which may lie in another batch: computed here
      on the whole corpus (it tokenises only the documents of draft → final pairs).
    A test checks the result equals terms.build_tables on the whole corpus.
    """
    import math

    import pandas as pd

    from policykit.analysis.terms import build_keyness

    tf = out["term_frequencies"]
    is_doc = tf["scope"] == "document"
    n_docs = len(inputs["documents"])
    idf = {t: math.log(n_docs / k) for t, k in tf.loc[is_doc, "term"].value_counts().items()}
    tf["tfidf"] = pd.Series([None] * len(tf), dtype="Float64")
    tf.loc[is_doc, "tfidf"] = tf.loc[is_doc, "count"] * tf.loc[is_doc, "term"].map(idf)
    tf = tf.sort_values(["doc_id", "scope", "term"], kind="mergesort").reset_index(drop=True)
    return {**out, "term_frequencies": tf, "keyness": build_keyness(inputs["documents"], inputs["provisions"])}


FINISH = {"terms": _finish_terms}


def _run_stage(name: str, inputs: dict[str, pd.DataFrame], to: str | None = None
               ) -> tuple[dict[str, pd.DataFrame] | Path, float]:
    """One analysis stage by name on its inputs, and its seconds (module-level: workers import it by name).

    With to, a file path, the tables are pickled into that file and its path is returned in their place;
    the inputs are then the task's own (run_analysis cuts a fresh dict for each task) and are emptied
    first, so that a worker holds its result without its inputs while it writes it.
    """
    from policykit.memory import release_memory

    release_memory()  # what the worker's previous task left
    start = time.perf_counter()
    tables = dict(analysis_stages())[name](inputs)
    seconds = time.perf_counter() - start
    if to is not None:
        inputs.clear()  # the caller's tuple of arguments still holds the dict until this returns
        release_memory()
        _dump(tables, Path(to))
        del tables
        release_memory()
        return Path(to), seconds
    del inputs
    release_memory()  # an idle worker keeps no more than the result it sends back
    return tables, seconds


@contextmanager
def _timed(timings: dict[str, float] | None, name: str) -> Iterator[None]:
    """Add the seconds the block takes to timings[name]."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


class TableWriter:
    """Check and write each finished table into the staging folder, so that the build can drop it.

    A table is conformed and validated (validate.validate_tables: columns, types, required and allowed
    values, primary key) and written as Parquet and CSV when its stage returns. Foreign keys are checked
    against the key columns of the parent tables, the only part of a written table kept; a reference to a
    table not written yet is checked when close() is called.
    """

    def __init__(self, folder: Path, timings: dict[str, float] | None = None) -> None:
        """Write into folder; add the seconds spent to timings['validate'] and timings['write']."""
        self.folder, self.timings = folder, timings
        self.paths: dict[str, list[Path]] = {}
        self.rows: dict[str, int] = {}
        self.keys: dict[str, pd.DataFrame] = {}  # referenced columns of each written table
        self.pending: list[tuple[str, pd.DataFrame]] = []  # foreign keys waiting for their parent
        self.sources: pd.DataFrame | None = None  # described in datapackage.json

    def put(self, name: str, df: pd.DataFrame) -> None:
        """Conform and validate one table, check its foreign keys to what is written, write it."""
        from policykit.memory import release_memory
        from policykit.publish.tables import write_table
        from policykit.publish.validate import validate_tables
        from policykit.schema import TABLES, table

        with _timed(self.timings, "validate"):
            df = validate_tables({name: df}, parents=self.keys)[name]  # conformed: the one place tables are typed
            spec = table(name)
            referenced = sorted({c for other in TABLES.values() for fk in other.foreign_keys
                                 if fk.resource == name for c in fk.reference})
            if referenced:
                self.keys[name] = df[referenced].copy()
            later = [fk for fk in spec.foreign_keys if fk.resource not in self.keys]
            if later:
                cols = sorted({c for fk in later for c in fk.fields} | set(spec.primary_key))
                self.pending.append((name, df[cols].copy()))
        with _timed(self.timings, "write"):
            self.paths[name] = write_table(df, name, self.folder, conformed=True)
        self.rows[name] = len(df)
        if name == "sources":
            self.sources = df
        release_memory()

    def close(self) -> None:
        """Check the foreign keys whose parent was written after the child."""
        from policykit.publish.validate import validate_tables

        with _timed(self.timings, "validate"):
            for name, df in self.pending:
                validate_tables({name: df}, parents=self.keys, foreign_keys_only=True)
        self.pending, self.keys = [], {}

    def files(self, out_dir: Path) -> list[Path]:
        """The files written, as they will be named in out_dir, in table-name order."""
        return [out_dir / p.name for name in sorted(self.paths) for p in self.paths[name]]


def _concat(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The tables of several batches, concatenated table by table in batch order."""
    import pandas as pd

    names = sorted({n for part in parts for n in part})
    return {n: pd.concat([p[n] for p in parts if n in p], ignore_index=True) for n in names}


def _analysis_plan(bounds: list[tuple[int, int]], families: list[list[int]]
                   ) -> tuple[list[tuple[str, str, Any]], dict[str, list[str]]]:
    """The analysis tasks in submission order as (task, stage, document rows or None), and each stage's tasks.

    Document rows are a range (a, b) for a per-document stage, a list of positions for a per-family one.
    """
    plan, parts_of = [], {}
    for name, _ in sorted(analysis_stages(), key=lambda stage: stage[0] != SUBMITTED_FIRST):
        if name in PER_DOCUMENT_STAGES or name in PER_FAMILY_STAGES:
            cut = bounds if name in PER_DOCUMENT_STAGES else families
            parts_of[name] = [f"{name}#{i:05d}" for i in range(len(cut))]
            plan += [(task, name, ab) for task, ab in zip(parts_of[name], cut, strict=True)]
        else:
            parts_of[name] = [name]
            plan.append((name, name, None))
    return plan, parts_of


class _Arrived:
    """The results of tasks whose stage has tasks still running: in memory, or pickled into a folder.

    With a folder, the build process holds no batch's rows while the other stages run (on a large corpus
    the term and concept rows of every batch would be held beside the reuse stage's worker); they are
    read back, and their files removed, when their stage's last task returns. A worker that sees the
    folder writes its result there itself (path_for): the rows then never pass through the build process
    as one pickled message, neither in the worker nor here, until they are read back.
    """

    def __init__(self, folder: Path | None) -> None:
        """Keep results in memory (folder None) or as files in folder."""
        self.folder, self.results = folder, {}
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, task: str) -> str | None:
        """Where a worker that shares this machine's files may write the task's result (None: no folder)."""
        return None if self.folder is None else str(self.folder / f"{task.replace('#', '-')}.pickle")

    def put(self, task: str, result: tuple[Any, float]) -> None:
        """Keep one task's result (tables, or the file a worker wrote them to, and seconds)."""
        tables, seconds = result
        if self.folder is not None and not isinstance(tables, Path):
            path = Path(self.path_for(task))
            _dump(tables, path)
            tables = path
        self.results[task] = (tables, seconds)

    def take(self, task: str) -> tuple[dict[str, pd.DataFrame], float]:
        """One task's result, dropped from the store."""
        return self.load(self.results.pop(task))

    @staticmethod
    def load(result: tuple[Any, float]) -> tuple[dict[str, pd.DataFrame], float]:
        """A result with its tables read back (and their file removed) if they were written to a file."""
        tables, seconds = result
        if not isinstance(tables, Path):
            return tables, seconds
        import pickle

        with tables.open("rb") as fh:
            loaded = pickle.load(fh)
        tables.unlink()
        return loaded, seconds


def _dump(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Pickle a task's tables into a file."""
    import pickle

    with path.open("wb") as fh:
        pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)


def run_analysis(tables: dict[str, pd.DataFrame], on_done: Callable[[str], None], ex: Any = None,
                 timings: dict[str, float] | None = None,
                 sink: Callable[[str, pd.DataFrame], None] | None = None,
                 spill: Path | None = None) -> dict[str, pd.DataFrame]:
    """Run the analysis stages through the executor (local processes by default); tables by name.

    A per-document stage becomes one task per batch of documents; every task is submitted at once,
    so the batches fill the workers while the whole-corpus stages run. The reuse stage, the longest
    and the largest, is submitted first: it runs beside the batches rather than after them.
    A stage's tables are assembled as soon as its last task returns; with a sink, each is handed to
    it and only the tables later steps need (KEEP) are returned. With spill (a folder, removed at the
    end), the results of a stage's earlier tasks wait there rather than in memory.
    """
    import shutil

    from policykit.executor import executor

    if ex is None:
        with executor(workers=workers()) as local:
            return run_analysis(tables, on_done, local, timings, sink, spill)
    try:
        return _run_analysis(tables, on_done, ex, timings, sink, _Arrived(spill))
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def _run_analysis(tables: dict[str, pd.DataFrame], on_done: Callable[[str], None], ex: Any,
                  timings: dict[str, float] | None, sink: Callable[[str, pd.DataFrame], None] | None,
                  waiting: _Arrived) -> dict[str, pd.DataFrame]:
    """run_analysis on an executor, with a store for the results of unfinished stages."""
    inputs = {"documents": tables["documents"], "provisions": tables["provisions"]}
    plan, parts_of = _analysis_plan(batch_bounds(inputs["documents"]), family_batches(inputs["documents"]))
    shares_files = ex.shares_files  # then a worker writes its result into the spill folder itself

    def tasks() -> Iterator[tuple[str, Callable, tuple]]:
        """The tasks in order; a batch is cut only when the executor takes its task (bounded memory)."""
        for task, name, ab in plan:
            yield task, _run_stage, (name, _task_inputs(name, ab, inputs), waiting.path_for(task) if shares_files
                                     else None)
    stage_of = {task: name for name, names in parts_of.items() for task in names}
    left = {name: len(names) for name, names in parts_of.items()}
    arrived = dict.fromkeys(parts_of, 0)
    out: dict[str, pd.DataFrame] = {}

    ready: list[str] = []  # stages whose every result is back, in the order they completed

    def assemble(task: str, result: Any) -> None:
        """Keep a task's result; build the tables of the stages whose results are all back.

        With a spill folder, stages are built only when the largest task (SUBMITTED_FIRST) is not running:
        building a stage's tables holds them whole in this process, which should not coincide with that
        worker's peak; their results wait on disk meanwhile.
        """
        name = stage_of[task]
        waiting.put(task, result)
        del result
        arrived[name] += 1
        if arrived[name] == len(parts_of[name]):
            ready.append(name)
        largest_running = waiting.folder is not None and arrived[SUBMITTED_FIRST] < len(parts_of[SUBMITTED_FIRST])
        while ready and not largest_running:
            stage_tables(ready.pop(0))

    def stage_tables(name: str) -> None:
        """Build a stage's tables from its tasks' results and pass them on."""
        results = [waiting.take(t) for t in parts_of[name]]
        joined = _concat([tables for tables, _ in results])
        if timings is not None:
            timings[name] = sum(seconds for _, seconds in results)
        del results
        finished = FINISH[name](joined, inputs) if name in FINISH and name in PER_DOCUMENT_STAGES else joined
        del joined
        _pass_on(finished, out, sink)

    def finished(task: str) -> None:
        left[stage_of[task]] -= 1
        if not left[stage_of[task]]:
            on_done(stage_of[task])

    ex.run(tasks(), finished, on_result=assemble)
    return {name: out[name] for name in sorted(out)}  # the same order whichever stage finished first


def _pass_on(finished: dict[str, pd.DataFrame], out: dict[str, pd.DataFrame],
             sink: Callable[[str, pd.DataFrame], None] | None) -> None:
    """Hand a stage's tables to the sink (emptying finished); keep in out those returned at the end."""
    for table_name in sorted(finished):
        df = finished.pop(table_name)  # the sink's conformed copy replaces it: never both held
        if sink is None or table_name in KEEP:
            out[table_name] = df
        if sink is not None:
            sink(table_name, df)
        del df


def _task_inputs(name: str, rows: Any, inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A task's inputs: the whole corpus (rows None), a range (a, b) of documents, or a list of positions."""
    if rows is None:
        return dict(_columns_read(name, inputs))  # a dict of the task's own (_run_stage may empty it)
    return document_batch(inputs["documents"], inputs["provisions"],
                          rows if isinstance(rows, list) else slice(*rows))


def _columns_read(name: str, inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A whole-corpus stage's inputs cut to the columns it reads, where it lists them: less sent and held.

    The reuse stage reads the documents' text and dating columns and the provisions' offsets, not the
    provisions' text (as large as the corpus again).
    """
    if name != "reuse":
        return inputs
    from policykit.analysis.reuse import INPUT_COLUMNS

    return {t: df[[c for c in INPUT_COLUMNS[t] if c in df.columns]] for t, df in inputs.items()}


# The reuse stage, the longest single task and the largest in memory, is submitted first (the others
# keep their order), so that it runs beside the batches rather than after them (measured on the law
# corpus: a lower peak over all processes than submitting the terms batches first, and a shorter wall time).
SUBMITTED_FIRST = "reuse"
# analysis tables the build still needs after the stages (target_changes, statement_changes)
KEEP = {"alignment", "targets", "statements"}


def build_tables(raw_dir: Path, catalog_file: Path, progress: bool = False, scheduler: Any = None,
                 ex: Any = None, timings: dict[str, float] | None = None,
                 sink: Callable[[str, pd.DataFrame], None] | None = None,
                 spill: Path | None = None, keep_going: bool = False) -> dict[str, pd.DataFrame]:
    """Run every stage on the raw folder and return the tables by name.

    With a sink, each table is handed to it as soon as it is finished and dropped unless a later stage
    reads it: what is returned is then only what was still needed at the end. With spill, a folder that
    is removed at the end, the results of a stage's batches wait there until its last batch is done.

    The analysis stages run through the executor: local worker processes, or the Dask cluster whose
    scheduler address is given. An interruption cancels them; the progress line is closed first so
    that any message after it starts on a line of its own. With keep_going, raw files that cannot be
    read are skipped (listed in the sources table with their reason) rather than stopping the build.
    """
    from tqdm import tqdm

    from policykit.analysis.audit import build_audit
    from policykit.executor import executor
    from policykit.ingest.catalog import read_catalog
    from policykit.ingest.documents import build_corpus
    from policykit.ingest.sources import read_raw
    from policykit.memory import release_memory

    if ex is None:
        with executor(scheduler, workers=None if scheduler else workers()) as own:
            return build_tables(raw_dir, catalog_file, progress, ex=own, timings=timings, sink=sink, spill=spill,
                                keep_going=keep_going)
    bar = tqdm(total=3 + len(analysis_stages()), desc="policykit build", unit="stage", disable=not progress,
               bar_format="{desc}: {n_fmt}/{total_fmt} stages [{elapsed}]{postfix}")
    with bar:
        bar.set_postfix_str("reading sources")
        with _timed(timings, "sources"):
            sources, skipped = read_raw(raw_dir, keep_going)
        bar.update()
        bar.set_postfix_str("documents and witnesses")
        with _timed(timings, "documents"):
            corpus = build_corpus(sources, read_catalog(catalog_file), skipped)
        del sources  # the corpus keeps what it needs
        tables = {"sources": corpus.sources, "documents": corpus.documents, "witnesses": corpus.witnesses,
                  "document_events": corpus.events}
        if sink is not None:
            sink("sources", tables.pop("sources"))
            sink("witnesses", tables.pop("witnesses"))
            sink("document_events", tables.pop("document_events"))
        bar.update()
        bar.set_postfix_str("provisions")
        with _timed(timings, "provisions"):
            tables.update(_structure(tables, ex))
        bar.set_postfix_str("audit")
        with _timed(timings, "audit"):
            tables["audit"] = build_audit(corpus, tables["provisions"])
        del corpus  # the raw texts and the witnesses are not needed by the analysis stages
        release_memory()
        if sink is not None:  # documents and provisions stay: the analysis stages read them
            for name in ("audit", "documents", "provisions"):
                sink(name, tables[name])
            del tables["audit"]
        bar.update()
        bar.set_postfix_str(f"analysis stages on {ex.name}")

        def done(name: str) -> None:
            bar.set_postfix_str(f"{name} done")
            bar.update()

        with _timed(timings, "analysis (wall)"):
            tables.update(run_analysis(tables, done, ex, timings, sink, spill))
        with _timed(timings, "target_changes"):
            tables.update(_target_changes(tables))  # needs both the alignment and the targets
        with _timed(timings, "statement_changes"):
            tables.update(_statement_changes(tables))  # needs both the alignment and the statements
        if sink is not None:
            sink("target_changes", tables["target_changes"])
            sink("statement_changes", tables["statement_changes"])
            tables.clear()
        bar.set_postfix_str("done")
    return tables


# --- the output folder: checked first, locked, written atomically, stale leftovers cleaned ------------

def _staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.building-"


def _stale_re(out_dir: Path) -> re.Pattern:
    """Names of leftovers of killed builds of out_dir: staging folders (also tempfile's older naming)."""
    name = re.escape(out_dir.name)
    return re.compile(rf"^\.{name}(?:\.building-.+|\.old|-[a-z0-9_]{{8}}|-old)$")


def check_output(out_dir: Path) -> None:
    """Refuse, before any work, an output folder that cannot be written (one line naming it and why)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(out_dir, "the output folder is a file")
    probe = out_dir if out_dir.is_dir() else out_dir.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise InputError(out_dir, f"cannot create the output folder: {probe} is a file")
    try:  # a real write tells more than os.access (read-only file systems, root, ACLs)
        fd, name = tempfile.mkstemp(prefix=".policykit-probe-", dir=probe)
        os.close(fd)
        Path(name).unlink()
    except OSError as exc:
        raise InputError(out_dir, f"the output folder cannot be written ({exc.strerror or exc})") from None


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on out_dir for the whole build; a second build into it is refused.

    The lock is an fcntl lock on `.<name>.lock` beside out_dir, removed on release. It is written by hand
    rather than with the filelock package because filelock leaves its lock file behind on Unix, and a
    build must leave nothing beside its output. Where fcntl does not exist (Windows) there is no lock.
    """
    try:
        import fcntl
    except ModuleNotFoundError:  # pragma: no cover - Windows
        yield
        return
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = out_dir.with_name(f".{out_dir.name}.lock")
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError(out_dir, "another build is writing into this output folder; wait for it to finish "
                                      f"(lock file {path.name})") from None
        try:  # the holder before us may have removed the file after we opened it: lock the current one
            if os.fstat(fd).st_ino == path.stat().st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def clean_stale(out_dir: Path) -> list[Path]:
    """Remove staging folders that killed builds of out_dir left beside it (call with the lock held)."""
    pattern = _stale_re(out_dir)
    removed = []
    if out_dir.parent.is_dir():
        for p in sorted(out_dir.parent.iterdir()):
            if pattern.match(p.name) and p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


@contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside out_dir that replaces out_dir only if the block succeeds."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
    try:
        yield tmp
        old = out_dir.with_name(f".{out_dir.name}.old")
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


# --- the build cache: one slot per raw folder, keyed on everything that shapes the output -------------

# Libraries whose version can change the tables. The key also covers every other declared dependency
# of the installed package (read from its metadata), so that a new one is never forgotten.
OUTPUT_DEPENDENCIES = ("jieba", "opencc", "rapidfuzz", "cn2an", "charset-normalizer", "datasketch", "numpy",
                       "scipy", "pandas", "polars", "pyarrow", "frictionless", "duckdb", "beautifulsoup4",
                       "python-docx", "pypdf", "pypinyin")


def dependency_versions() -> dict[str, str]:
    """Installed versions of the libraries the outputs depend on (name -> version, '-' if absent)."""
    from importlib.metadata import PackageNotFoundError, requires, version

    names = set(OUTPUT_DEPENDENCIES)
    with contextlib.suppress(PackageNotFoundError):
        for req in requires("policykit") or []:
            if "extra ==" not in req or 'extra == "build"' in req:
                names.add(re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0].lower())
    out = {}
    for name in sorted(names):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def build_key(raw_dir: Path, catalog_file: Path, keep_going: bool = False) -> str:
    """Digest of everything the outputs depend on: raw bytes, catalog, library code, dependency versions."""
    from policykit.ingest.sources import scan

    h = hashlib.sha256()
    deps = " ".join(f"{n} {v}" for n, v in dependency_versions().items())
    parts = [f"policykit {__version__} python {sys.version_info[:3]} {deps} keep_going={keep_going}"]
    try:
        inputs, skipped = scan(raw_dir)
    except InputError:
        inputs, skipped = [], []
    parts.extend(f"skipped {s.name} {s.sha256 or '-'} {s.reason}" for s in skipped)
    code = sorted(p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".tsv", ".txt"})
    for path in [*inputs, raw_dir / config.MANIFEST_NAME, catalog_file, *code]:
        name = path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.name
        parts.append(f"{name} {hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else '-'}")
    h.update("\n".join(parts).encode("utf-8"))
    return h.hexdigest()[:24]


def cache_slot(raw_dir: Path) -> Path:
    """The cache folder of one raw folder: a build of another folder never evicts this one's outputs."""
    digest = hashlib.sha256(str(raw_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return config.CACHE_DIR / "build" / digest


def _store_in_cache(out_dir: Path, slot: Path, key: str) -> None:
    """Keep a copy of a finished build as slot/<key>, dropping the slot's older copies."""
    with contextlib.suppress(OSError):
        slot.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".store-", dir=slot))
        shutil.copytree(out_dir, tmp, dirs_exist_ok=True)
        if (slot / key).exists():
            shutil.rmtree(slot / key)
        tmp.replace(slot / key)
        for old in slot.iterdir():
            if old.name != key:
                shutil.rmtree(old, ignore_errors=True)


def build(raw_dir: Path | None = None, out_dir: Path | None = None, catalog_file: Path | None = None,
          progress: bool = False, use_cache: bool = False, scheduler: Any = None,
          keep_going: bool = False) -> BuildResult:
    """Build every table from raw_dir into out_dir; out_dir is left untouched if anything fails.

    - the output folder is checked (writable) before any work, and locked for the whole build;
    - staging folders left beside it by killed builds are removed;
    - with use_cache, a build whose inputs, code and libraries are unchanged copies the cached outputs;
    - with scheduler (a Dask scheduler address), the analysis stages run on that cluster;
    - with keep_going, raw files that cannot be read are skipped with their reason (sources table);
      without it, one error lists every such file;
    - a catalog given that does not exist is an error (the default one may be absent: no curated facts);
    - a failed build leaves no folder it created behind (no empty data/).
    """
    from policykit.ingest.sources import check_raw_dir

    raw_dir = Path(raw_dir or config.RAW_DIR)
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    check_output(out_dir)
    check_raw_dir(raw_dir)
    if catalog_file is not None and not Path(catalog_file).is_file():
        raise InputError(catalog_file, "catalog not found (--catalog takes a TOML file; see the README, "
                                       "\"Your own documents\")")
    catalog_file = Path(catalog_file or config.CATALOG_FILE)
    from policykit.memory import frozen_heap

    created = _missing_parents(out_dir)
    try:
        with output_lock(out_dir), frozen_heap():
            clean_stale(out_dir)
            return _build_locked(raw_dir, out_dir, catalog_file, progress, use_cache, scheduler, keep_going)
    except BaseException:
        for folder in created:  # innermost first: only the folders this build made, and only if empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _missing_parents(out_dir: Path) -> list[Path]:
    """The folders above out_dir that do not exist yet, innermost first."""
    missing = []
    for folder in out_dir.parents:
        if folder.exists():
            break
        missing.append(folder)
    return missing


def skipped_files(sources: pd.DataFrame | None) -> list[tuple[str, str]]:
    """(file, reason) of every skipped row of a sources table."""
    if sources is None or "status" not in sources.columns:
        return []
    rows = sources[sources["status"] == "skipped"]
    return list(zip(rows["source_file"].astype(str), rows["skipped_reason"].astype(str), strict=True))


def _skipped_in_csv(path: Path) -> list[tuple[str, str]]:
    """(file, reason) of every skipped row of a sources.csv (a restore from the cache reads no Parquet)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["source_file"], r["skipped_reason"]) for r in csv.DictReader(fh) if r.get("status") == "skipped"]


def _build_locked(raw_dir: Path, out_dir: Path, catalog_file: Path, progress: bool, use_cache: bool,
                  scheduler: Any, keep_going: bool = False) -> BuildResult:
    """The build proper, with the output folder locked."""
    key = build_key(raw_dir, catalog_file, keep_going) if use_cache else None
    slot = cache_slot(raw_dir)
    cached = slot / key if key else None
    if cached is not None and cached.is_dir():
        result = BuildResult(cached=True, skipped=_skipped_in_csv(cached / "sources.csv"))
        with staged_output(out_dir) as tmp:
            for path in sorted(cached.iterdir()):
                shutil.copy2(path, tmp / path.name)
                result.files.append(out_dir / path.name)
        return result
    from policykit.executor import executor
    from policykit.memory import arrow_system_pool
    from policykit.publish.datapackage import corpus_descriptor, write_datapackage

    timings: dict[str, float] = {}
    with staged_output(out_dir) as tmp, arrow_system_pool():  # after the cache: a restore imports no pyarrow
        writer = TableWriter(tmp, timings)
        with executor(scheduler, workers=None if scheduler else workers()) as ex:
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
        _store_in_cache(out_dir, slot, key)
    return result
