"""Rows of the reuse table: each passage's sides as the documents have them, its type, rarity and cited document.

Memory: the repeats are dropped before any row is made, from the passages' documents and offsets; the rows
are made a block at a time into column lists, each block made a frame (texts as Arrow strings) before the
next, so that the Python objects of all rows are never held at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from policykit.analysis.reuse.corpus import Corpus, Marks
from policykit.analysis.reuse.direction import Direction
from policykit.analysis.reuse.index import Index
from policykit.analysis.reuse.passage_types import PassageTyper
from policykit.analysis.reuse.passages import Passage, Passages
from policykit.schema import table

CHAR_COLUMNS = ("source_char_start", "source_char_end", "target_char_start", "target_char_end")
Citations = dict[str, list[tuple[int, int, str]]]  # doc_id -> (start, end, cited doc_id) of its citations


@dataclass(frozen=True)
class Labels:
    """What the documents table tells of a passage: its type, its direction and the document it cites."""

    typer: PassageTyper
    direction: Direction
    cited: Citations

    @classmethod
    def of(cls, docs: pd.DataFrame) -> Labels:
        """The labels of a checked documents table."""
        return cls(PassageTyper.of(docs), Direction(docs), _cited_spans(docs))


def orient(corpus: Corpus, passages: Passages, direction: Direction) -> tuple[np.ndarray, np.ndarray]:
    """(kept, chars): the passages kept once repeats are dropped, and their offsets (CHAR_COLUMNS), source first."""
    offsets = _row_offsets(corpus, passages, direction)
    kept = drop_repeats(offsets).index.to_numpy()
    return kept, offsets[list(CHAR_COLUMNS)].to_numpy()[kept]


@dataclass(frozen=True)
class RowMaker:
    """Makes the reuse rows of passages, from the corpus's texts, the index and the labels."""

    corpus: Corpus
    index: Index
    marks: Marks
    labels: Labels
    k: int  # the index's k-gram length
    formula_cover: float

    def rows(self, passages: Passages, kept: np.ndarray, chars: np.ndarray, stocked: np.ndarray,
             block_size: int) -> list[pd.DataFrame]:
        """The kept passages' rows (chars: their offsets; stocked: their characters in stock wording), in blocks."""
        columns = table("reuse").columns
        # column lists, not a tuple per row nor a 2-D object array
        blocks: list[pd.DataFrame] = []
        for lo in range(0, len(kept), block_size):
            values: dict[str, list] = {c: [] for c in columns}
            cells = [(c, values[c].append) for c in columns]
            for r in range(lo, min(lo + block_size, len(kept))):
                row = self.row(passages[int(kept[r])], chars[r].tolist(), int(stocked[r]))
                for c, add in cells:
                    add(row[c])
            block = pd.DataFrame(values, columns=columns)
            # shared_text typed as the other text columns in every block, even one where it is missing throughout
            block["shared_text"] = pd.array(values["shared_text"], dtype=block["reuse_id"].dtype)
            blocks.append(block)
            del values, cells, block
        return blocks

    def row(self, p: Passage, chars: list[int], stocked: int) -> dict:
        """One reuse row for a passage (chars: its offsets, as orient gives them; stocked: see stock.stock_chars)."""
        corpus, labels = self.corpus, self.labels
        ida, idb = corpus.doc_ids[p.doc_a], corpus.doc_ids[p.doc_b]
        source, basis = labels.direction.source_of(ida, idb)
        # Where no date tells the direction, the sides are named in doc_id order and no source is claimed.
        if source == idb:
            src, tgt, sp, tp, si, ti = p.doc_b, p.doc_a, p.prov_b, p.prov_a, 1, 0
        else:
            src, tgt, sp, tp, si, ti = p.doc_a, p.doc_b, p.prov_a, p.prov_b, 0, 1
        sc0, sc1, tc0, tc1 = chars
        s_id, t_id = corpus.doc_ids[src], corpus.doc_ids[tgt]
        s_prov, t_prov = corpus.prov_ids[sp], corpus.prov_ids[tp]
        s_text, t_text = corpus.texts[src][sc0:sc1], corpus.texts[tgt][tc0:tc1]
        n_diff = 0 if s_text == t_text else Levenshtein.distance(s_text, t_text)
        doc_frequency, rarity = self._rarity(p, ti, stocked)
        row = {
            "reuse_id": f"{t_id}:{t_prov}:{s_id}:{s_prov}:{tc0:07d}:{sc0:07d}",
            "source_doc_id": s_id,
            "source_provision_id": s_prov,
            "target_doc_id": t_id,
            "target_provision_id": t_prov,
            "type": self._type(p, s_id, t_id, t_text, si, ti, stocked),
            "length": p.shared,
            "edit_distance": n_diff,
            "source_text": s_text,
            "target_text": t_text,
            "shared_text": t_text if n_diff == 0 else None,
            "source_char_start": sc0,
            "source_char_end": sc1,
            "target_char_start": tc0,
            "target_char_end": tc1,
            "doc_frequency": doc_frequency,
            "rarity": round(rarity, 3),
            "direction_basis": basis,
        }
        row["cited_doc_id"] = _cited_by(labels.cited, row) if row["type"] == "citation" else None
        return row

    def _type(self, p: Passage, s_id: str, t_id: str, t_text: str, si: int, ti: int, stocked: int) -> str:
        """The passage's type (passage_types), from its marks and formulas; si, ti: its source and target side."""
        s0, s1 = p.segments[0][si], p.segments[-1][si] + p.segments[-1][2]
        t0, t1 = p.segments[0][ti], p.segments[-1][ti] + p.segments[-1][2]
        marks = self.marks
        formulaic = self.index.formulaic[t0:t1]
        if stocked >= p.shared:  # made of stock wording only: a formula
            formulaic = np.ones_like(formulaic)
        return self.labels.typer.type_of(
            s_id, t_id, t_text, max(marks.share(marks.titles, s0, s1), marks.share(marks.titles, t0, t1)),
            max(marks.share(marks.quotes, s0, s1), marks.share(marks.quotes, t0, t1)), formulaic, self.formula_cover)

    def _rarity(self, p: Passage, ti: int, stocked: int) -> tuple[int, float]:
        """(doc_frequency, rarity) of a passage (ti: its target side; stocked: its characters in stock wording)."""
        if p.doc_frequency:
            return p.doc_frequency, min(1.0, 2.0 / max(p.doc_frequency, 2))
        # documents holding the passage's rarest k-gram: all of them hold the passage, or more
        k = self.k
        counts = [self.index.n_docs[x:x + n - k + 1] for x, n in ((seg[ti], seg[2]) for seg in p.segments) if n >= k]
        doc_frequency = min(int(c.min()) for c in counts)
        # each k-gram weighs 2 / the documents holding it: a passage made of phrases common across the corpus
        # (a stock legal clause whose rarest k-gram happens to be shared by two documents) weighs little
        every = np.concatenate(counts).astype(np.float64)
        rarity = float(np.minimum(1.0, 2.0 / np.maximum(every, 2.0)).sum()) / len(every)  # the mean, with less overhead
        # and only its wording outside stock phrases counts: a clause assembled from the corpus's legal formulas
        # (由…责令改正 …；构成犯罪的，依法追究刑事责任) weighs little even where its whole is found twice only
        return doc_frequency, rarity * ((p.shared - stocked) / p.shared)


def joined(blocks: list[pd.DataFrame], kept: np.ndarray) -> pd.DataFrame:
    """The blocks of rows as one table, typed and labelled as the table made whole from column lists was.

    The rows are labelled by the passages' positions (kept), as when the repeats were dropped from every
    passage's row; a text column keeps a chunk per block (joining them does not copy the texts).
    """
    columns = table("reuse").columns
    if not blocks:
        return pd.DataFrame({c: [] for c in columns}, columns=columns)
    frame = pd.concat(blocks, ignore_index=True)
    if frame["shared_text"].isna().all():  # no verbatim row: a column of None, as made from a list of None
        frame["shared_text"] = pd.Series([None] * len(frame), dtype=object)
    frame.index = pd.Index(kept, dtype="int64")
    return frame


def _row_offsets(corpus: Corpus, passages: Passages, direction: Direction) -> pd.DataFrame:
    """Per passage, the source and target documents and the row's offsets (CHAR_COLUMNS), as RowMaker.row sides them."""
    n_docs = len(corpus.doc_ids)
    doc_a, doc_b = passages.doc_a, passages.doc_b
    pairs, pair_of = np.unique(doc_a * n_docs + doc_b, return_inverse=True)
    ids = corpus.doc_ids
    b_is_source = np.array([direction.source_of(ids[x // n_docs], ids[x % n_docs])[0] == ids[x % n_docs]
                            for x in pairs.tolist()], dtype=bool)[pair_of]
    del pairs, pair_of
    first, last = passages.first[:-1], passages.first[1:] - 1
    start_a, start_b = passages.seg_a[first], passages.seg_b[first]
    end_a, end_b = (side[last] + passages.seg_n[last] for side in (passages.seg_a, passages.seg_b))
    s0, s1 = np.where(b_is_source, start_b, start_a), np.where(b_is_source, end_b, end_a)
    t0, t1 = np.where(b_is_source, start_a, start_b), np.where(b_is_source, end_a, end_b)
    del start_a, start_b, end_a, end_b
    kp = corpus.key_pos
    # the doc indexes follow doc_id order, so they sort and group as the doc_ids do (for drop_repeats)
    return pd.DataFrame({
        "target_doc_id": np.where(b_is_source, doc_a, doc_b),
        "source_doc_id": np.where(b_is_source, doc_b, doc_a),
        **dict(zip(CHAR_COLUMNS, (kp[s0].astype(np.int64), kp[s1 - 1] + np.int64(1), kp[t0].astype(np.int64),
                                   kp[t1 - 1] + np.int64(1)), strict=True)),
    })


def drop_repeats(df: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per target span and source document, dropping spans inside another row's span.

    A phrase repeated m times in the source and n times in the target would otherwise give m x n
    rows; each target occurrence keeps the source occurrence that comes first.
    """
    if df.empty:
        return df
    keys = ["target_doc_id", "source_doc_id"]
    df = df.sort_values(
        keys + ["target_char_start", "target_char_end", "source_char_start"],
        ascending=[True, True, True, False, True], kind="mergesort",
    )
    reach = df.groupby(keys, sort=False)["target_char_end"].cummax()
    before = reach.groupby([df[k] for k in keys], sort=False).shift(fill_value=-1)
    return df[df["target_char_end"] > before]


def _cited_spans(docs: pd.DataFrame) -> dict[str, list[tuple[int, int, str]]]:
    """Per document, the (start, end, cited doc_id) of its citations that name a document of the corpus."""
    from policykit.analysis.citations import build_citations

    c = build_citations(docs)
    c = c[c["cited_doc_id"].notna()]
    out: dict[str, list[tuple[int, int, str]]] = {}
    for d, a, b, x in zip(c["doc_id"], c["char_start"], c["char_end"], c["cited_doc_id"], strict=True):
        out.setdefault(d, []).append((int(a), int(b), str(x)))
    return out


def _cited_by(cited: dict[str, list[tuple[int, int, str]]], row: dict) -> str | None:
    """The document a citation passage names: the citation it overlaps in the target, else in the source."""
    for side in ("target", "source"):
        start, end = row[f"{side}_char_start"], row[f"{side}_char_end"]
        for a, b, x in cited.get(row[f"{side}_doc_id"], ()):
            if a < end and start < b:
                return x
    return None


