"""The stages of the build, declared once: what each reads and writes, how it is batched, what runs it.

The build (schedule.build_tables) runs the stages from these declarations in dependency order; what it
keeps between stages, its progress total and its cache key (cache.build_key) derive from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    """The term frequencies of a batch of documents (keyness needs whole version pairs: _finish_terms)."""
    from policykit.analysis.terms import build_term_frequencies

    return {"term_frequencies": build_term_frequencies(t["documents"], t["provisions"])}


def _finish_terms(out: Tables, inputs: Tables) -> Tables:
    """The corpus-wide parts of the terms stage, after its batches: tf-idf and keyness.

    - tf-idf: each batch knew only its own documents' frequencies; the inverse document frequency is
      recomputed here from every batch's document-scope rows (the shuffle by term), with the formula of
      the terms stage (terms.with_tfidf);
    - keyness compares a draft with its final version, which may lie in another batch: computed here
      on the whole corpus, from the document-scope counts of the batches (no document is tokenised again).
    A test checks the result equals terms.build_tables on the whole corpus.
    """
    from policykit.analysis.terms import build_keyness, with_tfidf

    frequencies = with_tfidf(out["term_frequencies"], len(inputs["documents"]))
    return {**out, "term_frequencies": frequencies,
            "keyness": build_keyness(inputs["documents"], inputs["provisions"], frequencies)}


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


