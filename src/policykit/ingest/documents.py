"""Stage 3b: segmented witnesses to the `sources`, `documents` and `witnesses` tables.

- witnesses of one document are merged; the primary witness supplies the canonical text;
- every other witness is collated against it (agreement and every residual difference);
- doc_id comes from the curated catalog, else from the content (title, form, date, document number):
  never from the order in which files are read;
- English title, issuer, document number and the signed, published and effective dates come from
  the text where it states them, else from the catalog (each with its basis), else null; `date`, the
  date that orders documents, is the signed date, else the published date, else the effective date;
- related_doc_id links a draft to its final version, and news, notices and explainers to the
  document whose title they quote;
- versions of one document form a family (family_id): documents whose titles agree once version
  markers (征求意见稿, 草案, 试行 …) are set aside; `version` numbers them by date, a draft before
  its final text; version_pairs() yields every consecutive (older, newer) pair;
- the documents about one policy (its versions, and the explainers, news and notices that cover one of
  them) share a policy_id, named after the version family.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from policykit.errors import InputError
from policykit.ingest.catalog import Entry, Erratum, match
from policykit.ingest.collate import collate
from policykit.ingest.dates import KINDS, Event, text_events
from policykit.ingest.extract import format_of
from policykit.ingest.ids import readable_id
from policykit.ingest.normalize import Normalized, insert_line_break, normalize, script_of
from policykit.ingest.segment import (
    DRAFT_RE,
    VERSION_MARKER_RE,
    Witness,
    content_doc_id,
    group_witnesses,
    primary_of,
    segment_file,
)
from policykit.ingest.sources import SUFFIXES, Skipped, Source
from policykit.schema import require, table
from policykit.zh import QUOTED_TITLE_RE, title_key

ISSUER_RE = re.compile(r"^(.{2,60}?)关于")
MAX_DIFFERENCES_SHOWN = 200


@dataclass
class Corpus:
    """The three tables of the segment stage, and the witnesses behind them.

    The witnesses keep their text and metadata, not their per-character offset maps: raw_files()
    normalises and segments each file again, one at a time, when the audit needs them, so that the
    offsets of every character of the corpus are never held at once.
    """

    sources: pd.DataFrame
    documents: pd.DataFrame
    witnesses: pd.DataFrame
    groups: dict[str, list[Witness]]
    sources_read: list[Source]
    errata: list[Erratum] = field(default_factory=list)
    events: pd.DataFrame | None = None  # the document_events table

    def raw_files(self) -> Iterator[RawFile]:
        """Every raw file read, in reading order, with what normalisation removed and the witnesses it holds."""
        placed: dict[str, list[tuple[str, Witness, bool]]] = {}
        for doc_id, group in self.groups.items():
            primary = primary_of(group)
            for w in group:
                placed.setdefault(w.source.name, []).append((doc_id, w, w is primary))
        for src in self.sources_read:
            doc, again = segmented(src, self.errata)
            witnesses = []
            for doc_id, w, is_primary in placed.get(src.name, []):
                fresh = again[w.ordinal] if w.ordinal < len(again) else None
                if fresh is None or (fresh.raw_start, fresh.raw_end, fresh.text) != (w.raw_start, w.raw_end, w.text):
                    raise RuntimeError(f"{src.name}: segmenting the file again gave another witness {w.ordinal}")
                witnesses.append((doc_id, fresh, is_primary))
            yield RawFile(src, doc.dropped, doc.amended, witnesses)


@dataclass(frozen=True)
class RawFile:
    """One raw file of a corpus: its source, what normalisation dropped and amended, and its witnesses."""

    source: Source
    dropped: list  # (offsets, category) removed by normalisation
    amended: list  # offsets of kept text a curated erratum corrected
    witnesses: list[tuple[str, Witness, bool]]  # (doc_id, witness, is_primary), in document order


def apply_errata(src: Source, doc: Normalized, errata: list[Erratum]) -> Normalized:
    """The canonical text of a file with the curated errata bound to its checksum applied."""
    for e in errata:
        if e.source_sha256 != src.sha256:
            continue
        at = doc.text.find(e.text)
        if at < 0 or doc.text.find(e.text, at + 1) >= 0:
            raise InputError(src.path, f"erratum text {e.text!r} is not found exactly once")
        doc.amended.append(doc.origin[at:at + len(e.text)])
        doc = insert_line_break(doc, at + len(e.line_break_after))
    return doc


def segmented(src: Source, errata: list[Erratum] = ()) -> tuple[Normalized, list[Witness]]:
    """One file normalised (with the errata of the catalog bound to it) and segmented into witnesses."""
    doc = apply_errata(src, normalize(src.text), list(errata))
    witnesses = segment_file(src, doc)
    for k, w in enumerate(witnesses):
        w.ordinal = k
    return doc, witnesses


def segment_sources(sources: list[Source], errata: list[Erratum] = ()) -> list[Witness]:
    """Normalise and segment every source file; witnesses keep no offset map (see Corpus).

    Each witness records what normalisation removed inside its raw spans (normalized_removed) while the
    file's normalised text is at hand; the offset maps are then dropped, file by file.
    """
    witnesses: list[Witness] = []
    for src in sources:
        doc, found = segmented(src, errata)
        for w in found:
            for start, end in w.spans or [(w.raw_start, w.raw_end)]:
                w.normalized_removed += doc.removed_between(start, end)
            w.origin, w.dropped = None, []
        witnesses.extend(found)
    return witnesses


def _content_id(p: Witness) -> str:
    """The content-derived id of a group's primary witness."""
    return content_doc_id(p.title, p.form, p.date, p.doc_number, p.text)


def _agrees(entry: Entry, p: Witness) -> bool:
    """Whether no date the text states contradicts the catalog entry's date of the same kind."""
    for kind in KINDS:
        stated, curated = getattr(p.dates, kind), entry.dated(kind)[0]
        if stated and curated and stated.date != curated:
            return False
    return True


def _readable_ids(primaries: list[Witness], matched: list[Entry | None], content_ids: list[str]) -> list[str]:
    """The catalog's doc_id, else a readable one from title and year (policykit.ingest.ids), else the content id.

    Readable ids that two documents share, or that a catalog id already has, get the first six digits
    of each document's content id: decided by the content, never by the build order.
    """
    ids = [e.doc_id if e else (readable_id(p.title, p.date, p.text) or cid)
           for p, e, cid in zip(primaries, matched, content_ids, strict=True)]
    taken = {e.doc_id for e in matched if e}
    shared = {i for i in ids if ids.count(i) > 1}
    return [i if e or (i not in shared and i not in taken) or i == cid else f"{i}-{cid.removeprefix('doc-')[:6]}"
            for i, e, cid in zip(ids, matched, content_ids, strict=True)]


def assign_ids(groups: list[list[Witness]], catalog: list[Entry]
               ) -> tuple[dict[str, list[Witness]], dict[str, Entry | None]]:
    """doc_id for each group of witnesses (the catalog's, else one from its content) and its catalog entry.

    Where several documents match one catalog entry (versions of one title), the entry goes to the one
    whose stated dates agree with it, the smallest content id deciding a tie: never the build order.
    """
    primaries = [primary_of(g) for g in groups]
    content_ids = [_content_id(p) for p in primaries]
    claims: dict[str, list[int]] = {}
    matched: list[Entry | None] = []
    for k, p in enumerate(primaries):
        entry = match(catalog, p.title, p.text)
        matched.append(entry)
        if entry:
            claims.setdefault(entry.doc_id, []).append(k)
    for _doc_id, ks in claims.items():
        if len(ks) > 1:
            fits = sorted((not _agrees(matched[k], primaries[k]), content_ids[k], k) for k in ks)
            for _bad, _cid, k in fits[1:]:
                matched[k] = None
    ids = _readable_ids(primaries, matched, content_ids)
    clash = {i for i in ids if ids.count(i) > 1}
    # the same title, form, date and number, yet different texts: the text itself tells them apart
    ids = [f"{i}-{hashlib.sha1(primaries[k].key.encode()).hexdigest()[:6]}" if i in clash else i
           for k, i in enumerate(ids)]
    out = {i: g for i, g in zip(ids, groups, strict=True)}
    entries = {i: e for i, e in zip(ids, matched, strict=True)}
    return dict(sorted(out.items())), entries


def issuer_from_title(title: str | None) -> str | None:
    """Issuing bodies named before 关于 in a title, if any."""
    m = ISSUER_RE.match(title or "")
    if not m or "《" in m.group(1):
        return None
    return "、".join(m.group(1).split())


# a sentence that makes a body the maker of this text: 公安部以前制定的规定与本规定不一致的
MAKER_RE = re.compile(r"([^\s，。；、“”《》]{2,20}?)以前(?:制定|发布|颁布)的[^。；]{0,30}?"
                      r"与本(?:规定|办法|条例|细则|规则)不一致")


def enacting_body(events: list[Event], text: str) -> str | None:
    """The body that enacted a text: from its events, else a sentence making a body the maker of the text.

    Who adopted it; else 国务院 where it promulgated, approved or revised it; else who promulgated it; else
    who revised or amended it.
    """
    with_body = [e for e in events if e.body]
    for pick in (lambda e: e.event == "adopted",
                 lambda e: e.event in ("promulgated", "approved", "revised") and e.body.startswith("国务院"),
                 lambda e: e.event == "promulgated",
                 lambda e: e.event in ("revised", "amended")):
        found = [e.body for e in with_body if pick(e)]
        if found:
            return found[0]
    m = MAKER_RE.search(text or "")
    return m.group(1) if m else None


def event_rows(doc_id: str, events: list[Event]) -> list[dict[str, object]]:
    """The document_events rows of one document, in text order."""
    return [{"doc_id": doc_id, "ord": k, "event_id": f"{doc_id}#{k}", "event": e.event, "date": e.date,
             "body": e.body, "text": e.text, "char_start": e.start, "char_end": e.end}
            for k, e in enumerate(events, start=1)]


def related_ids(docs: dict[str, Witness], entries: dict[str, Entry | None]) -> dict[str, str | None]:
    """Draft -> final; news, notice, explainer -> the document whose title they quote; else the catalog's."""
    by_title: dict[str, str] = {}
    for d, w in sorted(docs.items(), key=lambda kv: (kv[1].date or "", kv[0])):
        if w.title:
            by_title[title_key(w.title)] = d  # a title shared by versions: the newest dated one
    out: dict[str, str | None] = {}
    for doc_id, w in docs.items():
        target = None
        if w.kind == "draft" and w.title:
            target = by_title.get(title_key(DRAFT_RE.sub("", w.title)))
        elif w.kind in {"news", "notice", "interpretation"}:
            # a notice covers the document its own title quotes (关于印发《…》的通知); a news item or an
            # explainer, the first document its text quotes
            for quoted in QUOTED_TITLE_RE.findall((w.title or "") if w.kind == "notice" else w.text):
                cand = by_title.get(title_key(quoted))
                if cand and cand != doc_id:
                    target = cand
                    break
        if target is None and w.kind in {"news", "interpretation"}:
            target = _title_within(w.title, by_title)
        entry = entries.get(doc_id)
        if target is None and entry and entry.related_doc_id in docs:
            target = entry.related_doc_id
        out[doc_id] = target if target != doc_id else None
    return out


def _title_within(title: str | None, by_title: dict[str, str]) -> str | None:
    """The document whose title an explainer's or news item's own title contains (图解 …), longest first."""
    key = title_key(title)
    found = [t for t in by_title if len(t) >= 8 and t in key and t != key]
    return by_title[max(found, key=lambda t: (len(t), t))] if found else None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dated_fields(p: Witness, entry: Entry | None) -> dict[str, str | None]:
    """The three dates with their bases (text first, then catalog), `date`, and an undated text's lower bound.

    `date` is the signed, else published, else effective date, with its basis, type and note.
    """
    out: dict[str, str | None] = {}
    chosen: tuple[str, str, str, str] | None = None  # (date, type, basis, note)
    for kind in KINDS:
        stated = getattr(p.dates, kind)
        curated, curated_basis = entry.dated(kind) if entry else (None, None)
        if stated:
            date, basis, note = stated.date, f"text: {stated.line}", stated.line
        elif curated:
            date, basis, note = curated, f"catalog: {curated_basis}", curated_basis
        else:
            date = basis = note = None
        out[f"date_{kind}"], out[f"date_{kind}_basis"] = date, basis
        if date and chosen is None:
            chosen = (date, kind, "text" if stated else "catalog", note)
    if chosen:
        out.update(date=chosen[0], date_type=chosen[1], date_basis=chosen[2], date_note=chosen[3],
                   period=chosen[0][:7])
    else:
        period = entry.period if entry else None
        out.update(date=None, date_type=None, date_basis="catalog" if period else None,
                   date_note=entry.date_basis if period else None, period=period)
    bound = p.dates.lower_bound if not chosen else None
    out["date_lower_bound"] = bound.date if bound else None
    out["date_lower_bound_basis"] = f"text: {bound.line}" if bound else None
    return out


# kinds whose documents can be versions of one another
FAMILY_KINDS = ("policy", "draft", "report", "judicial_interpretation")


def family_key(title: str | None, kind: str, doc_id: str) -> str:
    """What versions of one document share: the title without version markers (else the doc_id)."""
    if kind not in FAMILY_KINDS or not isinstance(title, str) or not title:
        return f"id:{doc_id}"
    return "title:" + title_key(VERSION_MARKER_RE.sub("", DRAFT_RE.sub("", title)))


def families(documents: pd.DataFrame) -> pd.DataFrame:
    """family_id and version of every document (version null where the order is not known).

    Versions are ordered by `date`, a draft before a final text of the same date; a family member
    without a date gets no version number, so no pair is claimed for it.
    """
    keys = [family_key(t, k, d) for t, k, d in zip(documents["title"], documents["kind"], documents["doc_id"],
                                                    strict=True)]
    fam = ["family-" + hashlib.sha1(k.encode("utf-8")).hexdigest()[:10] for k in keys]
    out = pd.DataFrame({"doc_id": documents["doc_id"], "family_id": fam})
    order = {}
    for _f, rows in documents.assign(family_id=fam).groupby("family_id", sort=True):
        if len(rows) == 1:
            order[rows["doc_id"].iloc[0]] = 1
            continue
        dated = rows[rows["date"].notna()]
        ranks = sorted({(d, kind != "draft") for d, kind in zip(dated["date"], dated["kind"], strict=True)})
        for d, kind, doc_id in zip(dated["date"], dated["kind"], dated["doc_id"], strict=True):
            order[doc_id] = ranks.index((d, kind != "draft")) + 1
    out["version"] = out["doc_id"].map(order).astype("Int64")
    return out


def policies(documents: pd.DataFrame) -> list[str]:
    """policy_id of every document: the family of the version it covers (related_doc_id, followed), else its own."""
    family = dict(zip(documents["doc_id"], documents["family_id"], strict=True))
    related = {d: r for d, r in zip(documents["doc_id"], documents["related_doc_id"], strict=True)
               if isinstance(r, str) and r in family}
    out = []
    for d in documents["doc_id"]:
        seen = {d}
        while d in related and related[d] not in seen and family[related[d]] != family[d]:
            d = related[d]
            seen.add(d)
        out.append("policy-" + family[d].removeprefix("family-"))
    return out


def version_pairs(documents: pd.DataFrame) -> list[tuple[str, str]]:
    """(older, newer) doc_id pairs: consecutive versions of every family, sorted.

    A table without families (built before them, or made by hand) gives its draft -> related_doc_id pairs.
    The one source of version pairs: the compare and terms stages (alignment, keyness) call it.
    """
    require(documents, ("doc_id",), "documents")
    if "family_id" not in documents.columns or "version" not in documents.columns:
        require(documents, ("doc_id", "kind", "related_doc_id"), "documents")
        return _draft_pairs(documents)
    out = []
    rows = documents[documents["version"].notna()]
    for _f, fam in rows.groupby("family_id", sort=True):
        by_version: dict[int, list[str]] = {}
        for d, v in zip(fam["doc_id"], fam["version"], strict=True):
            by_version.setdefault(int(v), []).append(str(d))
        for v, older in by_version.items():
            out.extend((a, b) for a in older for b in by_version.get(v + 1, []))
    return sorted(out)


def _draft_pairs(documents: pd.DataFrame) -> list[tuple[str, str]]:
    """(draft, final) pairs from kind and related_doc_id; an unknown final is an input error."""
    ids = set(documents["doc_id"].astype(str))
    out = []
    for d, kind, rel in zip(documents["doc_id"], documents["kind"], documents["related_doc_id"], strict=True):
        if kind == "draft" and isinstance(rel, str) and rel:
            if rel not in ids:
                raise InputError("table documents", f"draft {d} relates to unknown document {rel}")
            out.append((str(d), rel))
    return sorted(out)


def document_rows(groups: dict[str, list[Witness]], entries: dict[str, Entry | None]) -> pd.DataFrame:
    """The documents table without n_provisions (structure.count_provisions adds it once provisions exist)."""
    primaries = {d: primary_of(g) for d, g in groups.items()}
    related = related_ids(primaries, entries)
    rows = []
    for doc_id, p in primaries.items():
        entry = entries[doc_id]
        enacted = enacting_body(text_events(p.text), p.text) if p.kind in FAMILY_KINDS else None
        rows.append({
            "doc_id": doc_id,
            "title": p.title,
            "title_assigned": p.title_assigned,
            "display_title": p.label,
            "title_en": entry.title_en if entry else None,
            "kind": p.kind,
            "form": p.form,
            "issuer": issuer_from_title(p.title) or (entry.issuer if entry else None) or enacted,
            "doc_number": p.doc_number or (entry.doc_number if entry else None),
            "case_name": p.case_name,
            "case_number": p.case_number,
            **dated_fields(p, entry),
            "related_doc_id": related[doc_id],
            "n_witnesses": len(groups[doc_id]),
            "n_nonspace_chars": len("".join(p.text.split())),
            "text_sha256": _sha(p.text),
            "text": p.text,
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    fam = families(df)
    df.insert(df.columns.get_loc("related_doc_id") + 1, "family_id", fam["family_id"].to_numpy())
    df.insert(df.columns.get_loc("family_id") + 1, "version", fam["version"].to_numpy())
    df.insert(df.columns.get_loc("version") + 1, "policy_id", policies(df))
    return df[[c for c in table("documents").columns if c in df.columns]]


def witness_rows(groups: dict[str, list[Witness]]) -> pd.DataFrame:
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
            removed = w.normalized_removed
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


def source_rows(sources: list[Source], witnesses: list[Witness], skipped: list[Skipped] = ()) -> pd.DataFrame:
    """The sources table: every file read, then every file skipped with its reason."""
    counts = {s.name: 0 for s in sources}
    for w in witnesses:
        counts[w.source.name] += 1
    rows = [{
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
        "format": s.format,
        "status": "read",
        "skipped_reason": None,
    } for s in sources]
    rows += [{
        "source_file": k.name, "original_name": None, "in_manifest": False, "sha256": k.sha256, "bytes": k.n_bytes,
        "encoding": None, "newline": None, "script": None, "n_chars": None, "n_documents": 0,
        "format": format_of(Path(k.name)) if Path(k.name).suffix.lower() in SUFFIXES else None,
        "status": "skipped", "skipped_reason": k.reason,
    } for k in skipped]
    return pd.DataFrame(rows)


def document_events(documents: pd.DataFrame) -> pd.DataFrame:
    """The document_events table: every event each document's text states about its own history."""
    require(documents, ("doc_id", "text"), "documents")
    rows = [r for d, t in zip(documents["doc_id"], documents["text"], strict=True)
            for r in event_rows(str(d), text_events(t if isinstance(t, str) else ""))]
    return pd.DataFrame(rows, columns=table("document_events").columns)


def build_corpus(sources: list[Source], catalog: list[Entry], skipped: list[Skipped] = ()) -> Corpus:
    """Sources to the sources, documents, witnesses and document_events tables (skipped files listed in sources)."""
    errata = list(getattr(catalog, "errata", []))
    witnesses = segment_sources(sources, errata)
    groups, entries = assign_ids(group_witnesses(witnesses), catalog)
    documents = document_rows(groups, entries)
    events = document_events(documents) if len(documents) else pd.DataFrame(columns=table("document_events").columns)
    return Corpus(source_rows(sources, witnesses, list(skipped)), documents, witness_rows(groups), groups, sources,
                  errata, events)
