"""Small corpora for the tests of the reuse stage: documents and provisions tables built from passages."""

from __future__ import annotations

import pandas as pd

from policykit.analysis.reuse.corpus import Corpus, make_corpus
from policykit.analysis.reuse.inputs import check_documents, check_provisions

# Passages built from distinct Han characters, so that nothing is shared by accident.
P15 = "数据要素市场化配置改革深入推进"  # 15 characters
P14 = "公共资源开发利用授权运营机制"  # 14 characters
BOILER = "以习近平新时代中国特色社会主义思想为指导"  # 20 chars
RARE = "\U0002B5E8\U0002B5D0"  # two ideographs beyond U+FFFF (CJK extension E), as a law corpus holds


def filler(doc: int, part: int, n: int = 12) -> str:
    """N Han characters unique to (doc, part)."""
    base = 0x5000 + doc * 0x400 + part * 0x20
    return "".join(chr(base + i) for i in range(n))


def corpus(docs: dict[str, tuple[str | None, list[str]]], related: dict[str, str] | None = None, **columns):
    """Documents and provisions tables from {doc_id: (date, [provision texts])}; provisions joined by newlines.

    columns: extra documents columns as {column: {doc_id: value}} (title, period, date_lower_bound ...).
    """
    drows, prows = [], []
    for doc_id, (date, parts) in docs.items():
        text, pos = "", 0
        for i, part in enumerate(parts):
            prows.append({"doc_id": doc_id, "provision_id": str(i), "char_start": pos, "char_end": pos + len(part)})
            text += part + "\n"
            pos += len(part) + 1
        drows.append({"doc_id": doc_id, "text": text, "date": date, "related_doc_id": (related or {}).get(doc_id),
                      **{c: v.get(doc_id) for c, v in columns.items()}})
    return pd.DataFrame(drows), pd.DataFrame(prows)


def slices(docs: pd.DataFrame, out: pd.DataFrame) -> None:
    """Every row's source_text and target_text slice out of their documents exactly."""
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    for r in out.itertuples():
        assert texts[r.source_doc_id][r.source_char_start:r.source_char_end] == r.source_text
        assert texts[r.target_doc_id][r.target_char_start:r.target_char_end] == r.target_text
        assert (r.edit_distance == 0) == (r.source_text == r.target_text)
        assert bool(pd.isna(r.shared_text)) == (r.edit_distance > 0)


def docs_of_keys(c) -> list[int]:
    """Document index of each content character of a reuse corpus, spelled out from its bounds."""
    return [d for d in range(len(c.doc_ids)) for _ in range(int(c.doc_bounds[d]), int(c.doc_bounds[d + 1]))]


def index_corpus():
    """A corpus with borrowed passages, a formula in many families and a refrain: every kind of k-gram group."""
    parts = {f"d{i}": (None, [filler(i, 0) + (P15 if i < 2 else "") + filler(i, 1), BOILER + filler(i, 2),
                              (P14 + filler(i, 3, 4)) * (3 if i % 2 else 1) if i in (2, 3) else filler(i, 3)])
             for i in range(8)}
    return corpus(parts)


def reuse_corpus(docs: pd.DataFrame, prov: pd.DataFrame) -> Corpus:
    """The reuse stage's corpus of a documents and a provisions table."""
    checked = check_documents(docs)
    return make_corpus(checked, check_provisions(prov, checked))
