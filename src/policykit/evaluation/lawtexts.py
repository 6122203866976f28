"""Law texts: documents, kinds, items, headings and version alignment on the external law corpora.

Gold sets ``lawtexts_documents.csv``, ``lawtexts_items.csv`` and ``lawtexts_alignment.csv``
(docs/codebook-lawtexts.md) were coded by reading files of the two law archives (``laws-dev.tar.xz``,
``laws-dev-2.tar.xz``). Every row has a ``split`` (dev or test); the scores are given per split, side by side.
The files named by the gold sets are read from the archives by name (tarfile), built into documents,
provisions and alignment in process, and compared with the gold rows:

* ``documents / one per file``: files whose documents are as many as the gold rows of the file;
* ``documents / kind, case, title, doc_number, form, case_name, case_number``: agreement per gold document
  (a blank is a blank);
* ``documents / sections``: the section headings of a case, in order;
* ``items / own text``: item provisions holding exactly their own line;
* ``items / no swallowed paragraph``: item provisions that do not hold the article's trailing paragraph;
* ``headings / chapter and section``: 第X章 / 第X节 headings found with their words (and a section's chapter);
* ``alignment / similarity ≥ 0.3``: paired units (both sides) of the gold version pairs with similarity ≥ 0.3;
* ``alignment / relation``: gold relations whose older and newer articles the alignment relates the same way.

A score is a share: ``tp`` the agreements, ``fn`` the others, ``recall`` the share.
"""

from __future__ import annotations

import re
import tarfile
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from policykit import config

from . import Section, Threshold, flat_name, law_archive, score_row, score_table

DOCUMENTS_GOLD = "lawtexts_documents.csv"
ITEMS_GOLD = "lawtexts_items.csv"
ALIGNMENT_GOLD = "lawtexts_alignment.csv"
ARCHIVES = ("laws-dev.tar.xz", "laws-dev-2.tar.xz")
SPLITS = ("dev", "test")
PAIRED_FLOOR = 0.3
GOALS = {  # label -> minimum share
    "one per file": 1.0,
    "case": 0.95,
    "no swallowed paragraph": 0.99,
    "similarity ≥ 0.3": 0.99,
}
THRESHOLDS = [Threshold(split, label, "recall", minimum) for split in SPLITS for label, minimum in GOALS.items()]
_SPACE_RE = re.compile(r"[\s\u2002\u3000]+")


def archive_dir() -> Path | None:
    """The folder holding both law archives (policykit.evaluation.law_archive), None if one is missing."""
    found = [law_archive(name) for name in ARCHIVES]
    return found[0].parent if all(p is not None and p.parent == found[0].parent for p in found) else None


def extract(paths: set[str], folder: Path, archives: Path) -> set[str]:
    """Write the named archive members into folder under their flat names; the paths found."""
    found: set[str] = set()
    for name in ARCHIVES:
        with tarfile.open(archives / name, "r:xz") as tar:
            for member in tar:
                path = member.name.removeprefix("./")
                if path in paths and member.isfile():
                    (folder / flat_name(path)).write_bytes(tar.extractfile(member).read())
                    found.add(path)
    return found


def build_tables(raw: Path) -> dict[str, pd.DataFrame]:
    """documents, witnesses, provisions and alignment of a raw folder (the build's own stages, in process)."""
    from policykit.analysis.compare import build_comparison
    from policykit.ingest.catalog import read_catalog
    from policykit.ingest.documents import build_corpus
    from policykit.ingest.sources import read_sources
    from policykit.ingest.structure import build_provisions, count_provisions

    corpus = build_corpus(read_sources(raw), read_catalog(config.ROOT / "data" / "catalog.toml"))
    provisions = build_provisions(corpus.documents)
    documents = count_provisions(corpus.documents, provisions)
    alignment, _ = build_comparison(documents, provisions)
    return {"documents": documents, "witnesses": corpus.witnesses, "provisions": provisions, "alignment": alignment}


def _read(gold_dir: Path, name: str) -> pd.DataFrame | None:
    """A gold set, every column as text (None if the file is absent)."""
    path = gold_dir / name
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else None


def _dense(text: object) -> str:
    """Text without any whitespace."""
    return _SPACE_RE.sub("", str(text or ""))


def _nfkc(text: object) -> str:
    """Text in compatibility form: （一） and (一) alike."""
    return unicodedata.normalize("NFKC", str(text or ""))


def file_documents(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Raw file name -> the documents it witnesses, in the order they appear in the file."""
    wit = t["witnesses"].sort_values(["source_file", "char_start"])
    docs = t["documents"].set_index("doc_id")
    out: dict[str, pd.DataFrame] = {}
    for name, rows in wit.groupby("source_file", sort=False):
        ids = list(dict.fromkeys(rows["doc_id"]))
        out[name] = docs.loc[ids].reset_index()
    return out


def _top_headings(provisions: pd.DataFrame, doc_id: str) -> list[str]:
    """Headings (else labels) of a document's top-level provisions, in order."""
    rows = provisions[(provisions["doc_id"] == doc_id) & provisions["parent_id"].isna()].sort_values("ord")
    return [str(h if isinstance(h, str) and h else lab) for h, lab in zip(rows["heading"], rows["label"], strict=True)]


def _tallier(counts: dict[tuple[str, str], list[int]], details: list[dict]) -> Callable[..., None]:
    """A function that counts one gold row agreed or not, and lists a dev disagreement for reading."""
    def tally(split: str, label: str, ok: bool, path: str, gold_v: str = "", found: str = "") -> None:
        counts.setdefault((split, label), [0, 0])[0 if ok else 1] += 1
        if not ok and split == "dev":
            details.append({"split": split, "label": label, "source_path": path, "gold": gold_v, "found": found})
    return tally


def score_documents(gold: pd.DataFrame, t: dict[str, pd.DataFrame]) -> tuple[list[dict], list[dict]]:
    """Counts and disagreements of the document gold rows, per split."""
    by_file = file_documents(t)
    counts: dict[tuple[str, str], list[int]] = {}
    details: list[dict] = []
    tally = _tallier(counts, details)

    for path, rows in gold.groupby("source_path", sort=True):
        split = rows["split"].iloc[0]
        docs = by_file.get(flat_name(path), pd.DataFrame())
        tally(split, "one per file", len(docs) == len(rows), path, str(len(rows)), str(len(docs)))
        for k, g in enumerate(rows.sort_values("doc_index", key=lambda s: s.astype(int)).itertuples()):
            d = docs.iloc[k] if k < len(docs) else None
            for col in ("kind", "title", "doc_number", "form", "case_name", "case_number"):
                found = "" if d is None or col not in d or pd.isna(d[col]) else str(d[col])
                tally(split, col, _dense(found) == _dense(getattr(g, col)), path, getattr(g, col), found)
            if g.kind == "case":
                tally(split, "case", d is not None and d["kind"] == "case", path, "case",
                      "" if d is None else str(d["kind"]))
                if g.sections:
                    found = "|".join(_top_headings(t["provisions"], d["doc_id"])) if d is not None else ""
                    wanted = [s for s in g.sections.split("|")]
                    ok = [s for s in found.split("|") if s in wanted] == wanted
                    tally(split, "sections", ok, path, g.sections, found)
    return [_row(s, lab, c) for (s, lab), c in counts.items()], details


def _row(split: str, label: str, c: list[int]) -> dict:
    """A score row of a share: c = [agreements, others]."""
    return score_row(split, label, c[0], 0, c[1])


def _article(provisions: pd.DataFrame, doc_id: str, label: str) -> pd.DataFrame:
    """The provisions of an article labelled label, and every provision under it."""
    p = provisions[provisions["doc_id"] == doc_id]
    top = p[p["label"] == label]
    if top.empty:
        return top
    ids = {top["provision_id"].iloc[0]}
    rows = [top.iloc[0]]
    for r in p.sort_values("ord").itertuples():
        if r.parent_id in ids and r.provision_id not in ids:
            ids.add(r.provision_id)
            rows.append(p.loc[r.Index])
    return pd.DataFrame(rows)


def score_items(gold: pd.DataFrame, t: dict[str, pd.DataFrame]) -> tuple[list[dict], list[dict]]:
    """Counts and disagreements of the item and heading gold rows, per split."""
    by_file = file_documents(t)
    prov = t["provisions"]
    counts: dict[tuple[str, str], list[int]] = {}
    details: list[dict] = []
    tally = _tallier(counts, details)

    for r in gold.itertuples():
        docs = by_file.get(flat_name(r.source_path))
        doc_id = docs["doc_id"].iloc[0] if docs is not None and len(docs) else None
        p = prov[prov["doc_id"] == doc_id]
        if r.row_type == "item":
            art = _article(prov, doc_id, r.article_label) if doc_id else pd.DataFrame()
            item = art[art["label"].map(_nfkc) == _nfkc(r.item_label)] if len(art) else art
            text = "" if item.empty else str(item["text"].iloc[0])
            own = _nfkc(_dense(text)).removeprefix(_nfkc(r.item_label)) == _nfkc(_dense(r.item_text))
            tally(r.split, "item own text", own, r.source_path, f"{r.article_label}{r.item_label} {r.item_text}", text)
            trailing = _dense(r.trailing_paragraph)
            swallowed = item.empty or (bool(trailing) and trailing in _dense(text))
            heading = "" if item.empty or pd.isna(item["heading"].iloc[0]) else str(item["heading"].iloc[0])
            tally(r.split, "no swallowed paragraph", not swallowed, r.source_path,
                  f"{r.article_label}{r.item_label} | {r.trailing_paragraph}", f"{heading} | {text}")
        else:
            h = p[p["label"] == r.label]
            if r.level == "section" and r.chapter_label:
                chapters = p[p["label"] == r.chapter_label]["provision_id"]
                h = h[h["parent_id"].isin(set(chapters))]
            texts = [_dense(x) if isinstance(x, str) else "" for x in h["heading"]]
            ok = _dense(r.heading_text) in texts  # a label may recur (第一章 of each 编): any of them
            found = _dense(r.heading_text) if ok else (texts[0] if texts else "")
            tally(r.split, f"{r.level} heading", ok, r.source_path, f"{r.label} {r.heading_text}",
                  "(none)" if h.empty else f"{h['label'].iloc[0]} {found}")
    return [_row(s, lab, c) for (s, lab), c in counts.items()], details


def _labels(provisions: pd.DataFrame, ids: object) -> list[str]:
    """Article labels (第X条) of the provisions named by a `;`-separated id list."""
    if not isinstance(ids, str) or not ids:
        return []
    wanted = set(ids.split(";"))
    rows = provisions[provisions["provision_id"].astype(str).isin(wanted)]
    return [lab for lab in rows["label"] if isinstance(lab, str)]


def score_alignment(gold: pd.DataFrame, t: dict[str, pd.DataFrame]) -> tuple[list[dict], list[dict]]:
    """Paired units with similarity ≥ 0.3 and relation agreement over the gold version pairs, per split."""
    by_file = file_documents(t)
    counts: dict[tuple[str, str], list[int]] = {}
    details: list[dict] = []
    al, prov = t["alignment"], t["provisions"]
    for (older, newer), rows in gold.groupby(["older_path", "newer_path"], sort=True):
        split = rows["split"].iloc[0]
        od, nd = by_file.get(flat_name(older)), by_file.get(flat_name(newer))
        if od is None or nd is None or od.empty or nd.empty:
            counts.setdefault((split, "relation"), [0, 0])[1] += len(rows)
            continue
        o_id, n_id = od["doc_id"].iloc[0], nd["doc_id"].iloc[0]
        pair = al[(al["draft_doc_id"] == o_id) & (al["final_doc_id"] == n_id)]
        po, pn = prov[prov["doc_id"] == o_id], prov[prov["doc_id"] == n_id]
        found: dict[tuple[str, str], str] = {}
        for a in pair.itertuples():
            o_labels, n_labels = _labels(po, a.draft_provision_ids), _labels(pn, a.final_provision_ids)
            if o_labels and n_labels:
                counts.setdefault((split, f"similarity ≥ {PAIRED_FLOOR}"), [0, 0])[
                    0 if a.similarity >= PAIRED_FLOOR else 1] += 1
            found["|".join(o_labels), "|".join(n_labels)] = a.change
        for g in rows.itertuples():
            got = found.get((g.older_labels, g.newer_labels), "")
            ok = got == g.relation
            counts.setdefault((split, "relation"), [0, 0])[0 if ok else 1] += 1
            if not ok and split == "dev":
                details.append({"split": split, "label": "relation", "source_path": newer,
                                "gold": f"{g.older_labels} → {g.newer_labels} {g.relation}", "found": got})
    return [_row(s, lab, c) for (s, lab), c in counts.items()], details


def side_by_side(scores: pd.DataFrame) -> pd.DataFrame:
    """The share of each score row per split (metric | dev | test): of each score row per split."""
    rows = scores.assign(metric=scores["label"], share=scores["recall"].map(lambda x: f"{x:.3f}")
                         + " (" + scores["n_gold"].astype(str) + ")")
    out = rows.pivot_table(index="metric", columns="scope", values="share", aggfunc="first", sort=False)
    return out.reindex(columns=[s for s in SPLITS if s in out.columns]).reset_index().fillna("")


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Build the gold files of the law archives and score documents, items, headings and alignment."""
    gold = {name: _read(Path(gold_dir), name) for name in (DOCUMENTS_GOLD, ITEMS_GOLD, ALIGNMENT_GOLD)}
    archives = archive_dir()
    title = "Law texts: documents, kinds, items, headings and version alignment (dev | test)"
    if archives is None or gold[DOCUMENTS_GOLD] is None:
        why = "the law archives are not available" if archives is None else "no gold set"
        return Section("lawtexts", title, score_table([]), f"data/gold/{DOCUMENTS_GOLD}", notes=[f"Not scored: {why}."])
    paths = set(gold[DOCUMENTS_GOLD]["source_path"])
    if gold[ITEMS_GOLD] is not None:
        paths |= set(gold[ITEMS_GOLD]["source_path"])
    if gold[ALIGNMENT_GOLD] is not None:
        paths |= set(gold[ALIGNMENT_GOLD]["older_path"]) | set(gold[ALIGNMENT_GOLD]["newer_path"])
    with tempfile.TemporaryDirectory() as tmp:
        missing = paths - extract(paths, Path(tmp), archives)
        t = build_tables(Path(tmp))
    rows, details = score_documents(gold[DOCUMENTS_GOLD], t)
    for name, fn in ((ITEMS_GOLD, score_items), (ALIGNMENT_GOLD, score_alignment)):
        if gold[name] is not None:
            r, d = fn(gold[name], t)
            rows += r
            details += d
    order = {s: i for i, s in enumerate(SPLITS)}
    rows.sort(key=lambda r: (order.get(r["scope"], 9), 0))
    scores = score_table(rows)
    shown = side_by_side(scores) if len(scores) else None
    notes = ["Share of gold rows the tables agree with, per split (n gold rows in brackets); only dev rows are "
             "shown among the disagreements.", "", shown.to_markdown(index=False) if shown is not None else ""]
    if missing:
        notes.append(f"Files named by the gold sets and absent from the archives: {len(missing)}.")
    held = [th for th in THRESHOLDS if th.scope in set(scores["scope"]) and th.label in set(scores["label"])]
    return Section("lawtexts", title, scores, f"data/gold/{DOCUMENTS_GOLD}", pd.DataFrame(details), notes, held,
                   display=shown)
