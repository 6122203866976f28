"""Stage 3b: segmented witnesses to the `sources`, `documents` and `witnesses` tables.

- witnesses of one document are merged; the primary witness supplies the canonical text;
- every other witness is collated against it (agreement and every residual difference);
- doc_id, English title, issuer, document number and date come from the text where it states them,
  else from the curated catalog (with its basis), else null;
- related_doc_id links a draft to its final version, and news, notices and explainers to the
  document whose title they quote.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

from .catalog import Entry, match
from .compare import collate
from .normalize import Normalized, normalize, script_of
from .segment import (
    DRAFT_RE,
    Witness,
    fallback_doc_id,
    group_witnesses,
    primary_of,
    segment_file,
    title_key,
)
from .sources import Source

ISSUER_RE = re.compile(r"^(.{2,60}?)关于")
MAX_DIFFERENCES_SHOWN = 200


@dataclass
class Corpus:
    """The three tables of the segment stage, and the witnesses behind them."""

    sources: pd.DataFrame
    documents: pd.DataFrame
    witnesses: pd.DataFrame
    groups: dict[str, list[Witness]]
    normalized: dict[str, Normalized]
    sources_read: list[Source]


def segment_sources(sources: list[Source]) -> tuple[list[Witness], dict[str, Normalized]]:
    """Normalise and segment every source file."""
    witnesses: list[Witness] = []
    normalized: dict[str, Normalized] = {}
    for src in sources:
        doc = normalize(src.text)
        normalized[src.name] = doc
        witnesses.extend(segment_file(src, doc))
    return witnesses, normalized


def assign_ids(groups: list[list[Witness]], catalog: list[Entry]
               ) -> tuple[dict[str, list[Witness]], dict[str, Entry | None]]:
    """doc_id for each group of witnesses (the catalog's, else a hash of the title) and its catalog entry."""
    out: dict[str, list[Witness]] = {}
    entries: dict[str, Entry | None] = {}
    for group in groups:
        p = primary_of(group)
        entry = match(catalog, p.title, p.text)
        doc_id = entry.doc_id if entry else fallback_doc_id(p.title)
        base, n = doc_id, 2
        while doc_id in out:  # two distinct documents with one title: the catalog's facts go to the first only
            doc_id, n, entry = f"{base}-{n}", n + 1, None
        out[doc_id], entries[doc_id] = group, entry
    return dict(sorted(out.items())), entries


def issuer_from_title(title: str) -> str | None:
    """Issuing bodies named before 关于 in a title, if any."""
    m = ISSUER_RE.match(title)
    if not m or "《" in m.group(1):
        return None
    return "、".join(m.group(1).split())


def related_ids(docs: dict[str, Witness]) -> dict[str, str | None]:
    """Draft -> final; news, notice, explainer -> the document whose title they quote."""
    by_title = {title_key(w.title): d for d, w in docs.items()}
    out: dict[str, str | None] = {}
    for doc_id, w in docs.items():
        target = None
        if w.kind == "draft":
            target = by_title.get(title_key(DRAFT_RE.sub("", w.title)))
        elif w.kind in {"news", "notice", "interpretation"}:
            # a notice covers the document its own title quotes (关于印发《…》的通知); a news item or an
            # explainer, the first document its text quotes
            for quoted in re.findall(r"《([^《》]{4,80})》", w.title if w.kind == "notice" else w.text):
                cand = by_title.get(title_key(quoted))
                if cand and cand != doc_id:
                    target = cand
                    break
        out[doc_id] = target
    return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_rows(groups: dict[str, list[Witness]], entries: dict[str, Entry | None]) -> pd.DataFrame:
    """The documents table (without n_provisions, filled by the structure stage)."""
    primaries = {d: primary_of(g) for d, g in groups.items()}
    related = related_ids(primaries)
    rows = []
    for doc_id, p in primaries.items():
        entry = entries[doc_id]
        date, basis, note = p.date, ("text" if p.date else None), p.date_line
        if date is None and entry and (entry.date or entry.period):
            date, basis, note = entry.date, "catalog", entry.date_basis
        rows.append({
            "doc_id": doc_id,
            "title": p.title,
            "title_assigned": p.title_assigned,
            "title_en": entry.title_en if entry else None,
            "kind": p.kind,
            "issuer": issuer_from_title(p.title) or (entry.issuer if entry else None),
            "doc_number": p.doc_number or (entry.doc_number if entry else None),
            "date": date,
            "period": date[:7] if date else (entry.period if entry else None),
            "date_basis": basis,
            "date_note": note,
            "related_doc_id": related[doc_id],
            "n_witnesses": len(groups[doc_id]),
            "n_chars": len("".join(p.text.split())),
            "n_provisions": 0,
            "text_sha256": _sha(p.text),
            "text": p.text,
        })
    return pd.DataFrame(rows)


def witness_rows(groups: dict[str, list[Witness]], normalized: dict[str, Normalized]) -> pd.DataFrame:
    """The witnesses table: raw offsets and collation against the primary witness."""
    rows = []
    for doc_id, group in groups.items():
        p = primary_of(group)
        for w in group:
            if w is p:
                agreement, diffs = 1.0, []
            else:
                col = collate(p.text, w.text)
                agreement, diffs = col.agreement, col.differences
            shown = " | ".join(f"{d.a_text}→{d.b_text}" for d in diffs[:MAX_DIFFERENCES_SHOWN])
            removed = normalized[w.source.name].removed_between(w.raw_start, w.raw_end)
            rows.append({
                "doc_id": doc_id,
                "source_file": w.source.name,
                "char_start": w.raw_start,
                "char_end": w.raw_end,
                "script": w.script,
                "is_primary": w is p,
                "agreement": round(float(agreement), 6),
                "n_differences": len(diffs),
                "differences": shown,
                "removed_readings": removed["readings"],
                "removed_markup": removed["markup"],
            })
    return pd.DataFrame(rows)


def source_rows(sources: list[Source], witnesses: list[Witness]) -> pd.DataFrame:
    """The sources table."""
    counts = {s.name: 0 for s in sources}
    for w in witnesses:
        counts[w.source.name] += 1
    return pd.DataFrame([{
        "source_file": s.name,
        "original_name": s.original_name,
        "in_manifest": s.in_manifest,
        "sha256": s.sha256,
        "bytes": s.n_bytes,
        "encoding": s.encoding,
        "newline": s.newline,
        "script": script_of(s.text),
        "n_chars": len(s.text),
        "n_documents": counts[s.name],
    } for s in sources])


def build_corpus(sources: list[Source], catalog: list[Entry]) -> Corpus:
    """Sources to the sources, documents and witnesses tables."""
    witnesses, normalized = segment_sources(sources)
    groups, entries = assign_ids(group_witnesses(witnesses), catalog)
    return Corpus(source_rows(sources, witnesses), document_rows(groups, entries), witness_rows(groups, normalized),
                  groups, normalized, sources)
