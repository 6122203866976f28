"""Citations: where a document names another by its title in 《》 or by its number; which implement which.

Method (character offsets index into documents.text):

1. Titles. Every 《…》 is a citation of the work it names (docs/codebook-citations.md): its text as
   written (``cited_title``), and the article cited right after it (《…》第二十条第一款、第三款).
2. Numbers. A document number (发改数据〔2024〕1836号, 法释〔2020〕17号) is a citation unless it is the
   document's own (``documents.doc_number``, or a number alone on its line: the heading's). A number in
   brackets right after a title cites the same document as the title.
3. Short forms. A title that the text defines as a short form (《中华人民共和国档案法》（以下简称《档案法》）)
   cites, in that document, what the defining title cites.
4. The cited document. A title is looked up among the titles of the corpus reduced to a key (Chinese
   characters and digits: punctuation, spaces and the separators of issuers dropped), also without the
   issuers before 关于 and without the prefix 中华人民共和国 (basis ``title``); else the nearest title by
   rapidfuzz's ratio at or above MIN_SCORE (basis ``fuzzy``). A title marked as a draft (征求意见稿, （征）,
   草案) names the draft, an unmarked title the final text. Of several versions of the cited title, the
   citation names the latest one dated no later than the citing document; none if all are later.
5. Implementation. A citing document implements a cited one of the corpus when its title says so
   (实施办法/实施条例/实施细则 of the cited title, 北京市实施《…》办法: basis ``title``), when the
   citation is its legal basis (根据/依据《…》…制定本…: ``legal_basis``) or when it says that it carries
   the cited document out (贯彻落实/落实《…》: ``carries_out``); the lag is in days between their dates.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from policykit.schema import require, table
from policykit.zh import CJK, NUMERALS, title_key

MIN_SCORE = 96.0  # rapidfuzz ratio (0-100) for a title that is not exactly a title of the corpus: one slip in ~25
_TITLE = re.compile(r"《([^《》\n]{1,200})》")
_NUM = rf"[{NUMERALS}\d]+"
_ARTICLE = re.compile(rf"第{_NUM}条(?:之[{NUMERALS}]+)?(?:第{_NUM}款)?(?:第{_NUM}项)?"
                      rf"(?:[、和及至](?:第{_NUM}[条款项])+)*")
_DOC_NUMBER = re.compile(r"[〔\[［]\d{4}[〕\]］]\d+号")  # the year and number; the issuer code is read before it
_CODE_BEFORE = re.compile(rf"[{CJK}]{{1,8}}$")
# words that end the text before a number's issuer code (印发了国数政策〔2023〕11号: the code is 国数政策)
_BEFORE_CODE = re.compile(r".*(?:印发|发布|转发|根据|依据|按照|参照|的|了|和|及|与|以|为|见|是)")
_SHORT_FORM = re.compile(r"\s*(?:[（(][^（）()\n]{0,40}?)?以下简称《([^《》\n]{1,40})》")
_DRAFT_MARK = re.compile(r"[（(]?(?:征求意见稿|征|草案|送审稿)[）)]?$")
_ISSUERS = re.compile(r"^.{2,60}?(?=关于)")
_PRC = "中华人民共和国"
_IMPLEMENTING_TITLE = re.compile(r"实施(?:办法|条例|细则|规定|意见|方案)|实施《")
_LEGAL_BASIS = re.compile(r"(?:根据|依据|依照)$")
_ENACTS = re.compile(r"制定本")
_CARRIES_OUT = re.compile(r"(?:贯彻落实|贯彻执行|落实|贯彻)$")
_SENTENCE_END = re.compile(r"[。\n；;]")


@dataclass(frozen=True)
class _Doc:
    doc_id: str
    title: str | None
    kind: str | None
    date: str | None
    doc_number: str | None


def title_keys(title: str) -> list[str]:
    """The keys a title is looked up by: whole, without issuers before 关于, without 中华人民共和国."""
    base = title_key(_DRAFT_MARK.sub("", title.strip()))
    keys = [base]
    m = _ISSUERS.match(base)
    if m:
        keys.append(base[m.end():])
    if base.startswith(_PRC) and len(base) > len(_PRC) + 1:
        keys.append(base[len(_PRC):])
    return [k for k in dict.fromkeys(keys) if len(k) >= 2]


def is_draft_title(title: str) -> bool:
    """Whether a title is marked as a draft (征求意见稿, （征）, 草案, 送审稿)."""
    return bool(_DRAFT_MARK.search(title.strip()))


class TitleIndex:
    """The corpus's titles by key, each key with its documents (drafts apart), for resolving citations."""

    def __init__(self, docs: list[_Doc]) -> None:
        """Index every document with a title under each of its keys."""
        self.by_key: dict[tuple[str, bool], list[_Doc]] = {}
        for d in docs:
            if not d.title:
                continue
            draft = d.kind == "draft" or is_draft_title(d.title)
            for k in title_keys(d.title):
                self.by_key.setdefault((k, draft), []).append(d)
        for v in self.by_key.values():
            v.sort(key=lambda d: (d.date or "", d.doc_id))
        self.keys = sorted({k for k, _ in self.by_key})
        self._fuzzy: dict[str, tuple[str, float] | None] = {}

    def candidates(self, title: str) -> tuple[list[_Doc], str, float]:
        """(documents, basis, score) a cited title may name, before the choice of a version."""
        draft = is_draft_title(title)
        for k in title_keys(title):
            found = self.by_key.get((k, draft))
            if found:
                return found, "title", 100.0
        key = title_keys(title)[0] if title_keys(title) else ""
        if len(key) < 4:
            return [], "", 0.0
        if key not in self._fuzzy:
            best = process.extractOne(key, self.keys, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
            self._fuzzy[key] = (best[0], float(best[1])) if best else None
        hit = self._fuzzy[key]
        if hit is None:
            return [], "", 0.0
        return self.by_key.get((hit[0], draft), []), "fuzzy", round(hit[1], 1)


def choose_version(cands: list[_Doc], citing: _Doc) -> _Doc | None:
    """The latest candidate dated no later than the citing document (any, if either is undated); not itself."""
    cands = [c for c in cands if c.doc_id != citing.doc_id]
    if not cands:
        return None
    dated = [c for c in cands if c.date]
    if not citing.date or not dated:
        return cands[-1]
    i = bisect_right([c.date for c in dated], citing.date)
    return dated[i - 1] if i else None


def _sentence_before(text: str, start: int) -> str:
    """The text of the sentence before a position (from the last 。, ； or line break)."""
    cut = max(text.rfind(c, 0, start) for c in "。\n；;")
    return text[cut + 1:start]


def _sentence_after(text: str, end: int) -> str:
    m = _SENTENCE_END.search(text, end)
    return text[end:m.start() if m else len(text)]


def _doc_numbers(text: str, own: str | None) -> list[tuple[int, int, str]]:
    """(start, end, number) of the document numbers a text cites (not its own)."""
    out = []
    own_key = title_key(own) if isinstance(own, str) else None
    for m in _DOC_NUMBER.finditer(text):
        code = _CODE_BEFORE.search(text, max(0, m.start() - 8), m.start())
        if code is None:
            continue
        start = code.start()
        cut = _BEFORE_CODE.match(code.group())
        if cut and cut.end() < len(code.group()):
            start += cut.end()
        number = text[start:m.end()]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", m.end())
        alone = text[line_start:line_end if line_end >= 0 else len(text)].strip() == number
        if title_key(number) == own_key or alone:
            continue
        out.append((start, m.end(), number))
    return out


def cite_rows(doc: _Doc, text: str, index: TitleIndex, by_number: dict[str, list[_Doc]]) -> list[dict]:
    """The citation rows of one document."""
    rows: list[dict] = []
    short: dict[str, dict] = {}  # short form -> the row of the title defining it
    after_title: dict[int, dict] = {}  # end of a title (and its article) -> its row
    for m in _TITLE.finditer(text):
        title = m.group(1)
        art = _ARTICLE.match(text, m.end())
        row = {"doc_id": doc.doc_id, "char_start": m.start(), "char_end": m.end(), "kind": "title",
               "text": m.group(), "cited_title": title, "cited_article": art.group() if art else None,
               "cited_doc_id": None, "match_basis": None, "match_score": None}
        if title in short:
            src = short[title]
            row.update(cited_doc_id=src["cited_doc_id"], match_basis="short_form" if src["cited_doc_id"] else None,
                       match_score=100.0 if src["cited_doc_id"] else None)
        else:
            cands, basis, score = index.candidates(title)
            hit = choose_version(cands, doc)
            if hit is not None:
                row.update(cited_doc_id=hit.doc_id, match_basis=basis, match_score=score)
        end = art.end() if art else m.end()
        sf = _SHORT_FORM.match(text, end)
        if sf and sf.group(1) != title:
            short.setdefault(sf.group(1), row)
        after_title[end] = row
        rows.append(row)
    for start, end, number in _doc_numbers(text, doc.doc_number):
        row = {"doc_id": doc.doc_id, "char_start": start, "char_end": end, "kind": "doc_number", "text": number,
               "cited_title": None, "cited_article": None, "cited_doc_id": None, "match_basis": None,
               "match_score": None}
        before = text[max(0, start - 2):start]
        prev = after_title.get(start - 1) if before.endswith(("（", "(")) else None
        if prev is not None and prev["cited_doc_id"]:
            row.update(cited_doc_id=prev["cited_doc_id"], match_basis="after_title", match_score=100.0)
        else:
            found = [d for d in by_number.get(title_key(number), []) if d.doc_id != doc.doc_id]
            if len(found) == 1:
                row.update(cited_doc_id=found[0].doc_id, match_basis="doc_number", match_score=100.0)
        rows.append(row)
    return rows


def build_citations(documents: pd.DataFrame) -> pd.DataFrame:
    """Return the citations table: every citation of every document, with the cited document where known."""
    require(documents, ("doc_id", "text"), "documents")
    docs = _docs(documents)
    index = TitleIndex(docs)
    by_number: dict[str, list[_Doc]] = {}
    for d in docs:
        if isinstance(d.doc_number, str) and d.doc_number:
            by_number.setdefault(title_key(d.doc_number), []).append(d)
    rows: list[dict] = []
    for d, text in zip(docs, documents["text"].astype(str), strict=True):
        rows.extend(cite_rows(d, text, index, by_number))
    cols = table("citations").columns
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "citation_id"])
    out = out.sort_values(["doc_id", "char_start"], kind="mergesort").reset_index(drop=True)
    out.insert(0, "citation_id", [f"{d}#c{s}" for d, s in zip(out["doc_id"], out["char_start"], strict=True)])
    for c in ("char_start", "char_end"):
        out[c] = out[c].astype("int64")
    out["match_score"] = out["match_score"].astype("float64")
    return out[cols]


def _docs(documents: pd.DataFrame) -> list[_Doc]:
    col = lambda c: documents[c].tolist() if c in documents.columns else [None] * len(documents)  # noqa: E731
    return [_Doc(str(d), t if isinstance(t, str) and t else None, k if isinstance(k, str) else None,
                 str(dt)[:10] if isinstance(dt, str) and dt else None, n if isinstance(n, str) and n else None)
            for d, t, k, dt, n in zip(documents["doc_id"], col("title"), col("kind"), col("date"), col("doc_number"),
                                      strict=True)]


def implementation_basis(citing_title: str | None, cited_title: str, before: str, after: str) -> str | None:
    """Why a citation makes the citing document an implementation of the cited one, if it does."""
    citing_title = citing_title if isinstance(citing_title, str) else ""
    ct = title_key(citing_title)
    if ct and _IMPLEMENTING_TITLE.search(citing_title) and any(k in ct for k in title_keys(cited_title)):
        return "title"
    if _LEGAL_BASIS.search(before[-6:].rstrip()) and _ENACTS.search(after):
        return "legal_basis"
    if _CARRIES_OUT.search(before.rstrip()):
        return "carries_out"
    return None


def build_implementation(citations: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Return the implementation table: which documents implement which cited document, and how soon."""
    cols = table("implementation").columns
    resolved = citations[citations["kind"].eq("title") & citations["cited_doc_id"].notna()]
    if resolved.empty:
        return pd.DataFrame(columns=cols)
    texts = dict(zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True))
    titles = dict(zip(documents["doc_id"].astype(str), documents.get("title", pd.Series([None] * len(documents))),
                      strict=True))
    dates = dict(zip(documents["doc_id"].astype(str), documents.get("date", pd.Series([None] * len(documents))),
                     strict=True))
    rows: dict[tuple[str, str], dict] = {}
    rank = {"title": 0, "legal_basis": 1, "carries_out": 2}
    for r in resolved.itertuples():
        text = texts[r.doc_id]
        start = _run_start(text, r.char_start)
        basis = implementation_basis(titles.get(r.doc_id), r.cited_title, _sentence_before(text, start),
                                     _sentence_after(text, r.char_end))
        if basis is None or r.cited_doc_id == r.doc_id:
            continue
        key = (r.doc_id, r.cited_doc_id)
        if key not in rows or rank[basis] < rank[rows[key]["basis"]]:
            rows[key] = {"doc_id": r.doc_id, "implemented_doc_id": r.cited_doc_id, "basis": basis,
                         "citation_id": r.citation_id}
    out = pd.DataFrame(list(rows.values()), columns=["doc_id", "implemented_doc_id", "basis", "citation_id"])
    out["date"] = [_date(dates.get(d)) for d in out["doc_id"]]
    out["implemented_date"] = [_date(dates.get(d)) for d in out["implemented_doc_id"]]
    lag = pd.to_datetime(out["date"], errors="coerce") - pd.to_datetime(out["implemented_date"], errors="coerce")
    out["lag_days"] = lag.dt.days.astype("Int64")
    return out.sort_values(["doc_id", "implemented_doc_id"], kind="mergesort").reset_index(drop=True)[cols]


def _run_start(text: str, start: int) -> int:
    """Start of the run of titles a title ends (落实《A》《B》、《C》): they share the words before the first."""
    while True:
        j = start
        while j > 0 and text[j - 1] in "、和及与 ":
            j -= 1
        k = text.rfind("《", 0, j - 1) if j > 0 and text[j - 1] == "》" else -1
        if k < 0:
            return start
        start = k


def _date(value: object) -> str | None:
    return str(value)[:10] if isinstance(value, str) and len(value) >= 10 else None
