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


Tables = dict[str, Any]
"""Tables (and values passed on inside the build process) by name."""


@dataclass(frozen=True)
class RawFolder:
    """The first stage's input: the raw folder, and whether files that cannot be read are skipped."""

    path: Path
    keep_going: bool = False


# --- the stages: each a function from tables to tables, declared once in STAGES -----------------------
# The analysis modules are imported inside these functions: declaring the stages (and computing the cache
# key from the declarations) must not import pandas, so that a build restored from the cache stays light.

def _documents(t: Tables) -> Tables:
    """The raw files read and segmented: sources, documents, witnesses, document_events; the corpus passed on."""
    from policykit.ingest.catalog import read_catalog
    from policykit.ingest.documents import build_corpus
    from policykit.ingest.sources import read_raw

    sources, skipped = read_raw(t["raw"].path, t["raw"].keep_going)
    corpus = build_corpus(sources, read_catalog(t["catalog"]), skipped)
    del sources  # the corpus keeps what it needs
    return {"sources": corpus.sources, "documents": corpus.documents, "witnesses": corpus.witnesses,
            "document_events": corpus.events, "corpus": corpus}


def _provisions(t: Tables) -> Tables:
    """The provisions of a batch of documents."""
    from policykit.ingest.structure import build_provisions

    return {"provisions": build_provisions(t["documents"])}


def _finish_provisions(out: Tables, inputs: Tables) -> Tables:
    """The batches' provisions in document order, and the documents with n_provisions filled in."""
    from policykit.ingest.structure import count_provisions

    provisions = out["provisions"].sort_values(["doc_id", "ord"], kind="mergesort").reset_index(drop=True)
    return {"provisions": provisions, "documents": count_provisions(inputs["documents"], provisions)}


def _audit(t: Tables) -> Tables:
    from policykit.analysis.audit import build_audit

    return {"audit": build_audit(t["corpus"], t["provisions"])}


def _compare(t: Tables) -> Tables:
    from policykit.analysis.compare import build_comparison

    alignment, changes = build_comparison(t["documents"], t["provisions"])
    return {"alignment": alignment, "changes": changes}


def _targets(t: Tables) -> Tables:
    from policykit.analysis.targets import build_targets

    return {"targets": build_targets(t["documents"], t["provisions"])}


def _target_changes(t: Tables) -> Tables:
    from policykit.analysis.target_changes import build_target_changes

    return {"target_changes": build_target_changes(t["alignment"], t["targets"])}


def _statements(t: Tables) -> Tables:
    from policykit.analysis.statements import build_statements

    return {"statements": build_statements(t["documents"], t["provisions"])}


def _statement_changes(t: Tables) -> Tables:
    from policykit.analysis.statement_changes import build_statement_changes

    return {"statement_changes": build_statement_changes(t["alignment"], t["statements"])}


def _terms(t: Tables) -> Tables:
    from policykit.analysis.terms import build_tables as build_term_tables

    return build_term_tables(t["documents"], t["provisions"])


def _finish_terms(out: Tables, inputs: Tables) -> Tables:
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


def _concepts(t: Tables) -> Tables:
    from policykit.analysis.concepts import build_tables as build_concept_tables

    return build_concept_tables(t["documents"], t["provisions"])


def _reuse(t: Tables) -> Tables:
    from policykit.analysis.reuse import build_reuse, build_reuse_pairs

    reuse = build_reuse(t["documents"], t["provisions"])
    return {"reuse": reuse, "reuse_pairs": build_reuse_pairs(reuse, t["documents"])}


def _reuse_columns() -> dict[str, list[str]]:
    """The columns the reuse stage reads: the documents' text and dates, the provisions' offsets (not their text)."""
    from policykit.analysis.reuse import INPUT_COLUMNS

    return INPUT_COLUMNS


def _citations(t: Tables) -> Tables:
    from policykit.analysis.citations import build_citations, build_implementation

    citations = build_citations(t["documents"])
    return {"citations": citations, "implementation": build_implementation(citations, t["documents"])}


BATCHINGS = {
    "build": "in the build process, on the whole corpus (a stage that reads or passes on what is not a table, "
             "or a small one)",
    "corpus": "one task on the whole corpus, in a worker",
    "documents": "batches of documents (a document's rows depend on that document alone), in workers",
    "families": "batches of whole version families (rows depend on the versions of one document alone), "
                "only the documents that have a version pair, in workers",
}
"""How a stage is run: what its tasks are, and where they run."""


@dataclass(frozen=True)
class StageSpec:
    """A stage of the pipeline: the tables it reads and writes, how it is batched, and the function that runs it."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    run: Callable[[Tables], Tables]
    """Tables in, tables out (a pure function of its inputs; for a batched stage, of one batch)."""
    batching: str = "corpus"
    """One of BATCHINGS."""
    finish: Callable[[Tables, Tables], Tables] | None = None
    """After the batches: (their tables concatenated, the stage's whole inputs) -> the stage's tables."""
    passes: tuple[str, ...] = ()
    """Values that are not tables, handed to later stages in the build process and never written."""
    columns: Callable[[], dict[str, list[str]]] | None = None
    """The input columns the stage reads, by table, where fewer than all (less sent to its worker)."""

    def __post_init__(self) -> None:
        """Refuse a declaration the build cannot run."""
        if self.batching not in BATCHINGS:
            raise ValueError(f"stage {self.name}: batching {self.batching!r} is not one of {sorted(BATCHINGS)}")
        if self.batching in ("documents", "families") and "documents" not in self.inputs:
            raise ValueError(f"stage {self.name}: batching by {self.batching} needs the documents among its inputs")
        if self.passes and self.batching != "build":
            raise ValueError(f"stage {self.name}: only a stage run in the build process passes values on")


RAW_INPUTS = ("raw", "catalog")
"""What the first stage reads that is not a table: the raw folder and the curated catalog."""

READS_TEXT = ("documents", "provisions")

STAGES: tuple[StageSpec, ...] = (
    StageSpec("documents", RAW_INPUTS, ("sources", "documents", "witnesses", "document_events"), _documents,
              "build", passes=("corpus",)),
    StageSpec("provisions", ("documents",), ("provisions", "documents"), _provisions, "documents",
              finish=_finish_provisions),
    StageSpec("audit", ("corpus", "provisions"), ("audit",), _audit, "build"),
    StageSpec("alignment", READS_TEXT, ("alignment", "changes"), _compare, "families"),
    StageSpec("terms", READS_TEXT, ("term_frequencies", "keyness"), _terms, "documents", finish=_finish_terms),
    StageSpec("targets", READS_TEXT, ("targets",), _targets, "documents"),
    StageSpec("reuse", READS_TEXT, ("reuse", "reuse_pairs"), _reuse, "corpus", columns=_reuse_columns),
    StageSpec("concepts", READS_TEXT, ("concepts", "concept_mentions"), _concepts, "documents"),
    StageSpec("citations", ("documents",), ("citations", "implementation"), _citations, "corpus"),
    StageSpec("target_changes", ("alignment", "targets"), ("target_changes",), _target_changes, "build"),
    StageSpec("statements", READS_TEXT, ("statements",), _statements, "documents"),
    StageSpec("statement_changes", ("alignment", "statements"), ("statement_changes",), _statement_changes,
              "build"),
)
"""Every stage in declaration order. A stage reads a table as the last stage declared before it that writes
it left it; it runs once those stages have run (build_tables runs them in dependency order, stages whose
inputs are ready at the same time together)."""


def stage_spec(name: str) -> StageSpec:
    """The declaration of the stage called name."""
    return next(s for s in STAGES if s.name == name)


def stage_order() -> list[list[StageSpec]]:
    """The declared stages in dependency order: groups of stages whose inputs are ready at the same time.

    A stage depends on the last stage declared before it that writes each table it reads; a stage reading
    what no earlier stage writes (nor the raw inputs) is an error.
    """
    writer: dict[str, str] = {}
    level: dict[str, int] = {}
    for s in STAGES:
        missing = [t for t in s.inputs if t not in writer and t not in RAW_INPUTS]
        if missing:
            raise RuntimeError(f"stage {s.name} reads {', '.join(missing)}, which no stage declared before it writes")
        level[s.name] = 1 + max((level[writer[t]] for t in s.inputs if t in writer), default=-1)
        for t in (*s.outputs, *s.passes):
            writer[t] = s.name
    return [[s for s in STAGES if level[s.name] == n] for n in range(max(level.values(), default=-1) + 1)]


def final_writers() -> dict[str, str]:
    """The stage that writes the published version of each table (the last declared that writes it)."""
    return {t: s.name for s in STAGES for t in s.outputs}


def declarations() -> list[str]:
    """The stage declarations as text lines (part of the build cache key)."""
    def named(f: Callable | None) -> str:
        return "-" if f is None else f"{f.__module__}.{f.__qualname__}"
    return [f"stage {s.name} {','.join(s.inputs)} -> {','.join(s.outputs)} passes {','.join(s.passes) or '-'} "
            f"{s.batching} {named(s.run)} {named(s.finish)} {named(s.columns)}" for s in STAGES]


def worker_stages() -> list[StageSpec]:
    """The stages that run in worker processes (every batching but 'build')."""
    return [s for s in STAGES if s.batching != "build"]


def check_declared(spec: StageSpec, tables: Tables) -> Tables:
    """The tables a stage returned, checked against its declaration (extra or missing ones: an error)."""
    declared = sorted({*spec.outputs, *spec.passes})
    if sorted(tables) != declared:
        raise RuntimeError(f"stage {spec.name} returned {sorted(tables)}, declared {declared}")
    return tables


def run_in_process(name: str, tables: Tables) -> Tables:
    """A declared stage run whole in this process on the tables it reads (its finishing step included)."""
    spec = stage_spec(name)
    inputs = {t: tables[t] for t in spec.inputs}
    out = spec.run(inputs)
    return check_declared(spec, spec.finish(out, inputs) if spec.finish else out)


DOCUMENT_BATCH_CHARS = 2_000_000  # characters of canonical text per batch of a per-document stage


def workers() -> int:
    """Processes for the worker stages: POLICYKIT_WORKERS, else one per core (at most one per stage run at once)."""
    from policykit.executor import local_workers

    most = max((sum(s.batching != "build" for s in group) for group in stage_order()), default=1)
    return max(1, min(local_workers(), most))


def document_batches(documents: pd.DataFrame, provisions: pd.DataFrame | None,
                     max_chars: int = DOCUMENT_BATCH_CHARS) -> list[Tables]:
    """Documents (and their provisions) cut into consecutive batches of about max_chars characters."""
    tables = {"documents": documents} if provisions is None else {"documents": documents, "provisions": provisions}
    return [document_batch(tables, slice(a, b)) for a, b in batch_bounds(documents, max_chars)]


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


def document_batch(tables: Tables, rows: slice | list[int]) -> Tables:
    """The documents at rows (a range, or a list of positions) and the rows of the other tables about them.

    A table with a doc_id column is cut to the batch's documents; one without is passed whole.
    """
    docs = tables["documents"].iloc[rows]
    batch = {"documents": docs}
    for name, df in tables.items():
        if name != "documents":
            batch[name] = df[df["doc_id"].isin(docs["doc_id"])] if "doc_id" in df.columns else df
    return batch


def _run_stage(name: str, inputs: Tables, to: str | None = None) -> tuple[Tables | Path, float]:
    """One task of a stage by name on its inputs, and its seconds (module-level: workers import it by name).

    With to, a file path, the tables are pickled into that file and its path is returned in their place;
    the inputs are then the task's own (run_stages cuts a fresh dict for each task) and are emptied
    first, so that a worker holds its result without its inputs while it writes it.
    """
    from policykit.memory import release_memory

    release_memory()  # what the worker's previous task left
    spec = stage_spec(name)
    start = time.perf_counter()
    tables = spec.run(inputs)
    if spec.finish is None:  # a stage with a finishing step is checked after it (build_tables)
        check_declared(spec, tables)
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


def _concat(parts: list[Tables]) -> Tables:
    """The tables of several batches, concatenated table by table in batch order."""
    import pandas as pd

    names = sorted({n for part in parts for n in part})
    return {n: pd.concat([p[n] for p in parts if n in p], ignore_index=True) for n in names}


def _plan(stages: list[StageSpec], documents: pd.DataFrame) -> tuple[list[tuple[str, str, Any]], dict[str, list[str]]]:
    """The tasks of worker stages in submission order as (task, stage, document rows or None), and each stage's tasks.

    Document rows are a range (a, b) for batching by documents, a list of positions for batching by families.
    """
    bounds = batch_bounds(documents) if any(s.batching == "documents" for s in stages) else []
    families = family_batches(documents) if any(s.batching == "families" for s in stages) else []
    plan, parts_of = [], {}
    for spec in sorted(stages, key=lambda s: s.name != SUBMITTED_FIRST):
        if spec.batching in ("documents", "families"):
            cut = bounds if spec.batching == "documents" else families
            parts_of[spec.name] = [f"{spec.name}#{i:05d}" for i in range(len(cut))]
            plan += [(task, spec.name, ab) for task, ab in zip(parts_of[spec.name], cut, strict=True)]
        else:
            parts_of[spec.name] = [spec.name]
            plan.append((spec.name, spec.name, None))
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

    def take(self, task: str) -> tuple[Tables, float]:
        """One task's result, dropped from the store."""
        return self.load(self.results.pop(task))

    @staticmethod
    def load(result: tuple[Any, float]) -> tuple[Tables, float]:
        """A result with its tables read back (and their file removed) if they were written to a file."""
        tables, seconds = result
        if not isinstance(tables, Path):
            return tables, seconds
        import pickle

        with tables.open("rb") as fh:
            loaded = pickle.load(fh)
        tables.unlink()
        return loaded, seconds


def _dump(tables: Tables, path: Path) -> None:
    """Pickle a task's tables into a file."""
    import pickle

    with path.open("wb") as fh:
        pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)


def run_stages(tables: Tables, on_done: Callable[[str], None], ex: Any = None,
               timings: dict[str, float] | None = None, sink: Callable[[str, pd.DataFrame], None] | None = None,
               spill: Path | None = None, stages: list[StageSpec] | None = None,
               keep: set[str] | None = None) -> Tables:
    """Run worker stages together through the executor (local processes by default); their tables by name.

    stages: by default every worker stage whose inputs are all in tables and whose outputs are not. A stage
    batched by documents or families becomes one task per batch; every task is submitted at once, so the
    batches fill the workers while the whole-corpus stages run. The reuse stage, the longest and the
    largest, is submitted first: it runs beside the batches rather than after them. A stage's tables are
    assembled as soon as its last task returns (then its finishing step runs); with a sink, each is
    handed to it and only those in keep (by default: those that stages declared after these read) are
    returned. With spill (a folder, removed at the end), the results of a stage's earlier tasks wait
    there rather than in memory.
    """
    import shutil

    from policykit.executor import executor

    if stages is None:
        stages = [s for s in worker_stages() if set(s.inputs) <= set(tables) and not set(s.outputs) & set(tables)]
    if keep is None:
        names = {s.name for s in stages}
        after = [s for s in STAGES[min(STAGES.index(s) for s in stages):] if s.name not in names] if stages else []
        keep = {t for s in after for t in s.inputs}
    if ex is None:
        with executor(workers=workers()) as local:
            return run_stages(tables, on_done, local, timings, sink, spill, stages, keep)
    try:
        return _run_stages(tables, on_done, ex, timings, sink, _Arrived(spill), stages, keep)
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def _run_stages(tables: Tables, on_done: Callable[[str], None], ex: Any,
                timings: dict[str, float] | None, sink: Callable[[str, pd.DataFrame], None] | None,
                waiting: _Arrived, stages: list[StageSpec], keep: set[str]) -> Tables:
    """run_stages on an executor, with a store for the results of unfinished stages."""
    inputs = {t: tables[t] for s in stages for t in s.inputs}
    plan, parts_of = _plan(stages, inputs.get("documents"))
    shares_files = ex.shares_files  # then a worker writes its result into the spill folder itself
    spec_of = {s.name: s for s in stages}
    final = final_writers()

    def tasks() -> Iterator[tuple[str, Callable, tuple]]:
        """The tasks in order; a batch is cut only when the executor takes its task (bounded memory)."""
        for task, name, rows in plan:
            yield task, _run_stage, (name, _task_inputs(spec_of[name], rows, inputs),
                                     waiting.path_for(task) if shares_files else None)
    stage_of = {task: name for name, names in parts_of.items() for task in names}
    left = {name: len(names) for name, names in parts_of.items()}
    arrived = dict.fromkeys(parts_of, 0)
    out: Tables = {}
    largest = SUBMITTED_FIRST if SUBMITTED_FIRST in parts_of else None

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
        largest_running = (waiting.folder is not None and largest is not None
                           and arrived[largest] < len(parts_of[largest]))
        while ready and not largest_running:
            stage_tables(ready.pop(0))

    def stage_tables(name: str) -> None:
        """Build a stage's tables from its tasks' results (then its finishing step) and pass them on."""
        spec = spec_of[name]
        results = [waiting.take(t) for t in parts_of[name]]
        joined = _concat([tables for tables, _ in results]) if len(results) > 1 else results[0][0]
        if timings is not None:
            timings[name] = sum(seconds for _, seconds in results)
        del results
        if spec.finish is not None:
            stage_inputs = {t: inputs[t] for t in spec.inputs}
            with _timed(timings, name):
                joined = check_declared(spec, spec.finish(joined, stage_inputs))
        _pass_on(joined, out, sink, keep, {t for t in spec.outputs if final[t] == name})

    def finished(task: str) -> None:
        left[stage_of[task]] -= 1
        if not left[stage_of[task]]:
            on_done(stage_of[task])

    ex.run(tasks(), finished, on_result=assemble)
    return {name: out[name] for name in sorted(out)}  # the same order whichever stage finished first


def _pass_on(finished: Tables, out: Tables, sink: Callable[[str, pd.DataFrame], None] | None,
             keep: set[str], published: set[str]) -> None:
    """Hand a stage's published tables to the sink (emptying finished); keep in out those returned at the end.

    published: the tables whose published version this stage writes (a table a later stage rewrites,
    such as the documents, is kept for it, not written).
    """
    for table_name in sorted(finished):
        df = finished.pop(table_name)  # the sink's conformed copy replaces it: never both held
        if sink is None or table_name in keep or table_name not in published:
            out[table_name] = df
        if sink is not None and table_name in published:
            sink(table_name, df)
        del df


def _task_inputs(spec: StageSpec, rows: Any, inputs: Tables) -> Tables:
    """A task's inputs: the whole corpus (rows None), a range (a, b) of documents, or a list of positions."""
    own = {t: inputs[t] for t in spec.inputs}  # a dict of the task's own (_run_stage may empty it)
    if rows is None:
        if spec.columns is None:
            return own
        columns = spec.columns()  # fewer columns: less sent and held
        return {t: df[[c for c in columns[t] if c in df.columns]] if t in columns else df for t, df in own.items()}
    return document_batch(own, rows if isinstance(rows, list) else slice(*rows))


# The reuse stage, the longest single task and the largest in memory, is submitted first (the others
# keep their order), so that it runs beside the batches rather than after them (measured on the law
# corpus: a lower peak over all processes than submitting the terms batches first, and a shorter wall time).
SUBMITTED_FIRST = "reuse"


def build_tables(raw_dir: Path, catalog_file: Path, progress: bool = False, scheduler: Any = None,
                 ex: Any = None, timings: dict[str, float] | None = None,
                 sink: Callable[[str, pd.DataFrame], None] | None = None,
                 spill: Path | None = None, keep_going: bool = False) -> Tables:
    """Run every declared stage on the raw folder, in dependency order, and return the tables by name.

    Stages whose inputs are ready at the same time run together: those run in the build process first,
    in declaration order, then the others through the executor (local worker processes, or the Dask
    cluster whose scheduler address is given). With a sink, each table is handed to it once the last
    stage that writes it has run, and dropped unless a stage not run yet reads it: what is returned is
    then only what was still needed at the end (nothing). With spill, a folder that is removed at the
    end, the results of a stage's batches wait there until its last batch is done.

    An interruption cancels the running stages; the progress line is closed first so that any message
    after it starts on a line of its own. With keep_going, raw files that cannot be read are skipped
    (listed in the sources table with their reason) rather than stopping the build.
    """
    from tqdm import tqdm

    from policykit.executor import SerialExecutor, executor

    if ex is None:
        with executor(scheduler, workers=None if scheduler else workers()) as own:
            return build_tables(raw_dir, catalog_file, progress, ex=own, timings=timings, sink=sink, spill=spill,
                                keep_going=keep_going)
    bar = tqdm(total=len(STAGES), desc="policykit build", unit="stage", disable=not progress,
               bar_format="{desc}: {n_fmt}/{total_fmt} stages [{elapsed}]{postfix}")
    run = _Run({"raw": RawFolder(raw_dir, keep_going), "catalog": catalog_file}, bar, sink)
    with bar:
        for group in stage_order():
            for spec in [s for s in group if s.batching == "build"]:
                bar.set_postfix_str(spec.name)
                with _timed(timings, spec.name):
                    out = run_in_process(spec.name, run.values)
                run.ran([spec], out)
            there = [s for s in group if s.batching != "build"]
            if there:
                bar.set_postfix_str(f"{', '.join(s.name for s in there)} on {ex.name}")
                local = _runs_here(there, run.values)
                keep = run.needed(there) if sink is not None else set(run.final)
                with _timed(timings, "workers (wall)"):
                    out = run_stages(run.values, run.done, SerialExecutor() if local else ex, timings, sink,
                                     None if local else spill, there, keep)
                run.ran(there, out, handed=True)
        bar.set_postfix_str("done")
    return {name: run.values[name] for name in sorted(run.values) if name in run.final}


def _runs_here(stages: list[StageSpec], values: Tables) -> bool:
    """Whether stages run together are one task, run in the build process: a worker would only copy its data."""
    if len(stages) != 1:
        return False
    return stages[0].batching == "corpus" or (stages[0].batching == "documents"
                                               and len(batch_bounds(values["documents"])) == 1)


class _Run:
    """What a build holds between its stages: the values still needed, the stages not run yet, the progress."""

    def __init__(self, values: Tables, bar: Any, sink: Callable[[str, pd.DataFrame], None] | None) -> None:
        """Start from the raw inputs; with a sink, published tables are handed to it and let go of."""
        self.values, self.bar, self.sink = values, bar, sink
        self.not_run = list(STAGES)
        self.final = final_writers()

    def needed(self, running: list[StageSpec] = ()) -> set[str]:
        """What a stage not run yet (beside those running) reads."""
        return {t for s in self.not_run if s not in running for t in s.inputs}

    def done(self, name: str) -> None:
        """Note a stage done on the progress line."""
        self.bar.set_postfix_str(f"{name} done")
        self.bar.update()

    def ran(self, stages: list[StageSpec], out: Tables, handed: bool = False) -> None:
        """Take the results of stages that ran; let go of what no stage still to run reads.

        Published tables go to the sink once the last stage that writes them has run (handed: run_stages
        did it already); without a sink every table is kept, to be returned.
        """
        for spec in stages:
            self.not_run.remove(spec)
            if not handed:
                self.done(spec.name)
        for name in sorted(out):
            value = out.pop(name)
            if self.sink is not None and not handed and self.final.get(name) in {s.name for s in stages}:
                self.sink(name, value)
            self.values[name] = value
            del value
        wanted = self.needed()
        for name in [n for n in self.values if n not in wanted and (self.sink is not None or n not in self.final)]:
            del self.values[name]
        from policykit.memory import release_memory

        release_memory()


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
    parts = [f"policykit {__version__} python {sys.version_info[:3]} {deps} keep_going={keep_going}", *declarations()]
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
