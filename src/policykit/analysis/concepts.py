"""Concepts stage: mentions of curated concepts, counted by pattern matching on the text.

Token counts (``term_frequencies``) and concept mentions (``concepts``) answer different questions:

* a token count says how often a *word* of the segmentation occurs: 数据要素 inside the longer dictionary
  word 数据要素市场 is not a 数据要素 token, so token counts of a concept depend on which longer words
  the dictionary keeps whole (quanteda's ``dfm``);
* a concept mention is every place the text expresses the concept, whatever word it sits in: each
  pattern of ``resources/concepts.tsv`` is matched on the canonical text, and a passage counts for every
  concept it expresses (数据要素市场 counts once for 数据要素 and once for 数据要素市场), as quanteda's
  ``tokens_lookup`` with a dictionary of glob patterns does.

Use concept mentions to compare how much documents talk about a concept; use token counts to study
vocabulary (which words, keyness, word clouds).

Rules:

1. Each concept's pattern (a regular expression; ``A|B`` lists variants) is matched on the whole
   canonical text of each document, non-overlapping from left to right within one concept, independently
   of every other concept.
2. A mention counts towards the document and towards the top-level provision (preamble included) holding
   its first character, the same scope rule as ``term_frequencies``.
3. Rates are per 10,000 non-whitespace characters of the scope (documents.n_nonspace_chars for a document), so
   they do not depend on the segmentation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from policykit import config
from policykit.errors import InputError
from policykit.schema import require, table

CONCEPTS_FILE = config.RESOURCES_DIR / "concepts.tsv"
CATEGORIES = table("concepts").values("category")
_HEADER = ("concept", "patterns", "label_en", "category", "reason")
_PROV_COLUMNS = ("doc_id", "provision_id", "parent_id", "level", "text", "char_start", "char_end")


@dataclass(frozen=True)
class Concept:
    """A curated concept: its name, the pattern of its variants, English label, category and reason."""

    concept: str
    pattern: re.Pattern[str]
    label_en: str
    category: str
    reason: str


def read_concepts(path: Path = CONCEPTS_FILE) -> tuple[Concept, ...]:
    """Read and check a concepts file (see resources/concepts.tsv); raise InputError naming the bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read concepts file ({exc.strerror})") from None
    out: dict[str, Concept] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if tuple(cells) == _HEADER:
            continue
        if len(cells) != len(_HEADER) or not all(cells):
            raise InputError(path, f"line {n}: expected {len(_HEADER)} non-empty tab-separated columns "
                                   f"({', '.join(_HEADER)}), got {line!r}")
        name, patterns, label_en, category, reason = cells
        if category not in CATEGORIES:
            raise InputError(path, f"line {n}: unknown category {category!r} (one of {', '.join(CATEGORIES)})")
        if name in out:
            raise InputError(path, f"line {n}: concept {name} listed twice")
        try:
            pattern = re.compile(patterns)
        except re.error as exc:
            raise InputError(path, f"line {n}: bad pattern {patterns!r} ({exc})") from None
        if pattern.fullmatch(""):
            raise InputError(path, f"line {n}: pattern {patterns!r} matches the empty string")
        out[name] = Concept(name, pattern, label_en, category, reason)
    if not out:
        raise InputError(path, "no concepts listed")
    return tuple(out.values())


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The project's curated concepts, in file order."""
    return read_concepts(CONCEPTS_FILE)


def mentions(text: str, chosen: Sequence[Concept] | None = None) -> list[tuple[str, int, int]]:
    """(concept, start, end) of every mention in text, sorted by start, then concept; a span may serve several."""
    out = [(c.concept, m.start(), m.end())
           for c in (concepts() if chosen is None else chosen)
           for m in c.pattern.finditer(text)]
    return sorted(out, key=lambda x: (x[1], x[0], x[2]))


def count(text: str, concept: str) -> int:
    """Number of mentions of one concept (by name) in text."""
    by_name = {c.concept: c for c in concepts()}
    if concept not in by_name:
        raise InputError("concepts", f"no concept {concept!r}; see {CONCEPTS_FILE.name}")
    return sum(1 for _ in by_name[concept].pattern.finditer(text))


# --- tables -------------------------------------------------------------------------------------


_BLANKS = re.compile(r"\s+")  # \s in a str pattern is exactly str.isspace (a test checks every code point)


def _dense_len(text: str) -> int:
    """Non-whitespace characters of text (the unit of documents.n_nonspace_chars)."""
    return len(text) - sum(map(len, _BLANKS.findall(text)))


@dataclass(frozen=True)
class _Scopes:
    """A document's provisions, the top-level provision of each, and the size of each scope."""

    provisions: pd.DataFrame  # the document's provisions (char_start, char_end, level)
    tops: list[str]  # the top-level provision_id of each of them, in the same order
    n_chars: dict[str, int]  # non-whitespace characters per top-level scope

    def at(self, positions: Sequence[int]) -> list[str | None]:
        """The top-level provision_id holding each character position (policykit.analysis.locate's rule; None: none)."""
        from policykit.analysis.locate import NONE, locate

        return [None if i == NONE else self.tops[i] for i in locate(self.provisions, None, positions)]


def _scopes(provisions: pd.DataFrame) -> dict[str, _Scopes]:
    """Per document: the scope locator of its provisions."""
    from policykit.analysis.terms import top_level_ids

    prov = provisions.assign(_top=top_level_ids(provisions).astype(str),
                             _n=provisions["text"].astype(str).map(_dense_len))
    # Deeper provisions after their parents at equal starts, so the innermost one is found last.
    prov = prov.sort_values(["doc_id", "char_start", "level"], kind="mergesort")
    out = {}
    for doc, g in prov.groupby("doc_id", sort=True):
        sizes = g.groupby("_top", sort=True)["_n"].sum()
        out[str(doc)] = _Scopes(g, g["_top"].tolist(),
                                {str(k): int(v) for k, v in sizes.items()})
    return out


def build_concept_mentions(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """One row per mention: doc_id, concept, char_start, char_end, scope (top-level provision), text."""
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, _PROV_COLUMNS, "provisions")
    scopes = _scopes(provisions)
    rows = []
    for doc_id, text in zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True):
        found = mentions(text)
        held = scopes[doc_id].at([start for _, start, _ in found]) if doc_id in scopes else [None] * len(found)
        for (concept, start, end), top in zip(found, held, strict=True):
            rows.append({"doc_id": doc_id, "concept": concept, "char_start": start, "char_end": end,
                         "provision_id": top, "text": text[start:end]})
    columns = ["doc_id", "concept", "char_start", "char_end", "provision_id", "text"]
    df = pd.DataFrame(rows, columns=columns)
    return df.sort_values(["doc_id", "concept", "char_start"], kind="mergesort").reset_index(drop=True)


def build_concept_counts(documents: pd.DataFrame, provisions: pd.DataFrame,
                         mention_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mentions of each concept per document (scope 'document') and per top-level provision: one row per mentioned one.

    Columns: doc_id, scope, concept, label_en, category, count, n_nonspace_chars, per_10k. A concept a scope does not
    mention has no row (dense_counts gives the table with them). The provision scopes of a document add up
    to its document scope, less mentions before its first provision.
    """
    mention_rows = build_concept_mentions(documents, provisions) if mention_rows is None else mention_rows
    scopes = _scopes(provisions)
    per_scope = Counter(zip(mention_rows["doc_id"], mention_rows["provision_id"].fillna(""), mention_rows["concept"],
                            strict=True))
    per_doc = Counter(zip(mention_rows["doc_id"], mention_rows["concept"], strict=True))
    by_name = {c.concept: c for c in concepts()}
    rows = []
    for (doc_id, concept), k in per_doc.items():
        rows.append((doc_id, "document", concept, k))
    for (doc_id, scope, concept), k in per_scope.items():
        if doc_id in scopes and scope in scopes[doc_id].n_chars:  # mentions before the first provision: none
            rows.append((doc_id, scope, concept, k))
    sizes = {doc_id: _dense_len(text) for doc_id, text in
             zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True)}
    rows = [_count_row(doc_id, scope, by_name[concept], k,
                       sizes[doc_id] if scope == "document" else scopes[doc_id].n_chars[scope])
            for doc_id, scope, concept, k in rows]
    df = pd.DataFrame(rows, columns=list(_COUNT_COLUMNS))
    df["per_10k"] = df["per_10k"].astype("Float64")
    return df.sort_values(["doc_id", "scope", "concept"], kind="mergesort").reset_index(drop=True)


_COUNT_COLUMNS = ("doc_id", "scope", "concept", "label_en", "category", "count", "n_nonspace_chars", "per_10k")


def _count_row(doc_id: str, scope: str, c: Concept, k: int, n_chars: int) -> tuple:
    """One row of the concepts table."""
    return doc_id, scope, c.concept, c.label_en, c.category, k, n_chars, (k / n_chars * 10_000 if n_chars else None)


def dense_counts(counts: pd.DataFrame, documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """The concepts table with a row for every scope and every curated concept, zero counts included.

    The published table holds only the concepts a scope mentions; this gives the table as policykit 0.2.0
    and earlier wrote it: every document scope and top-level provision scope of documents/provisions, times
    every concept of resources/concepts.tsv, sorted like the table. A concept counts keeps its count; the
    others get count 0, per_10k 0 (null for an empty scope) and the scope's n_nonspace_chars. Typed like counts.
    """
    require(counts, _COUNT_COLUMNS, "concepts")
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, _PROV_COLUMNS, "provisions")
    scopes = _scopes(provisions)
    found = dict(zip(zip(counts["doc_id"].astype(str), counts["scope"].astype(str), counts["concept"].astype(str),
                         strict=True), counts["count"].astype(int), strict=True))
    rows = []
    for doc_id, text in zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True):
        sizes = [("document", _dense_len(text))]
        if doc_id in scopes:
            sizes += sorted(scopes[doc_id].n_chars.items())
        for scope, n_chars in sizes:
            rows += [_count_row(doc_id, scope, c, found.get((doc_id, scope, c.concept), 0), n_chars)
                     for c in concepts()]
    df = pd.DataFrame(rows, columns=list(_COUNT_COLUMNS))
    df = df.sort_values(["doc_id", "scope", "concept"], kind="mergesort").reset_index(drop=True)
    return df.astype(counts.dtypes.to_dict()) if len(counts) else df.astype({"per_10k": "Float64"})


def build_tables(documents: pd.DataFrame, provisions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The concepts stage's published tables: concepts (counts) and concept_mentions (one row per mention)."""
    mention_rows = build_concept_mentions(documents, provisions)
    return {"concepts": build_concept_counts(documents, provisions, mention_rows),
            "concept_mentions": mention_rows}


def versus_tokens(concept_counts: pd.DataFrame, frequencies: pd.DataFrame,
                  names: Sequence[str] | None = None) -> pd.DataFrame:
    """Per document and concept: mentions (concepts), tokens of the same form (term_frequencies) and the share missed.

    Shows how much a token count under-states a concept whose mentions sit inside longer dictionary words.
    """
    require(concept_counts, ("doc_id", "scope", "concept", "count"), "concepts")
    require(frequencies, ("doc_id", "scope", "term", "count"), "term_frequencies")
    c = concept_counts[concept_counts["scope"] == "document"]
    if names is not None:
        c = c[c["concept"].isin(list(names))]
    t = frequencies[frequencies["scope"] == "document"][["doc_id", "term", "count"]]
    out = c[["doc_id", "concept", "count"]].rename(columns={"count": "mentions"}).merge(
        t.rename(columns={"term": "concept", "count": "tokens"}), on=["doc_id", "concept"], how="left")
    out["tokens"] = out["tokens"].fillna(0).astype(int)
    out["mentions"] = out["mentions"].astype(int)
    out["missed_pct"] = (100 * (1 - out["tokens"] / out["mentions"])).where(out["mentions"] > 0)
    return out.sort_values(["concept", "doc_id"], kind="mergesort").reset_index(drop=True)
