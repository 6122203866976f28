"""Terms stage: jieba segmentation with a domain dictionary, term frequencies, keyness and KWIC.

Tokenisation rules (applied in this order):

1. *Pinned* domain terms are matched first, leftmost-longest, and become single tokens: those of
   ``PINNED_MIN_CHARS`` characters or more, and those jieba cannot keep whole because they contain
   characters outside its word class (``数据要素×``). Matching them before jieba means a general word
   that overlaps a domain term cannot hide it (政务数据共享 -> 政务数据/共享, where jieba's own choice is
   政务/数据共享 because 数据共享 is in its dictionary). One exception keeps the longest match from
   gluing a bound suffix to the wrong word: where a pinned term ends in a word that forms a dictionary
   word with the suffix after it (化, 性 ...), and the rest of the term is a domain term, only that rest
   is the token (数据要素市场化 -> 数据要素/市场化, not 数据要素市场/化).
2. The rest is segmented in jieba's precise mode (``cut_all=False``) with the HMM for unknown words
   switched off, with the shorter domain terms (``resources/domain_terms.tsv``) added to its vocabulary:
   two- and three-character terms (入表, 数据商, 数据集) stay in jieba's dynamic programme, which weighs
   them against the words around them (数据集中 -> 数据/集中). The cutting is done by ``rjieba`` (the
   jieba-rs binding: jieba's dictionary and algorithm in Rust), which gives token for token the same
   output as ``jieba`` on the whole corpus with the domain dictionary, about 15 times faster
   (benchmarks/segmenters.py; a test checks the agreement). jieba itself holds the reference dictionary
   that the bound-suffix rule of step 1 consults.
3. A token is a *content term* when it is a domain term, or when it
   - contains a Han character and is at least two characters long (single characters are almost all
     function words or fragments of words jieba did not know),
   - or is a Latin acronym: a capital followed by capitals or digits (``AI``, ``GDPR``, ``GPT4``) or a
     digit and one capital (``5G``); ordinary Latin words and fragments (``Data``, ``h2``) are noise
     from quoted English titles and markup, and quantities with units (``95ZB``) are numbers,
   - and is on neither stopword list (``resources/stopwords_zh_iso.txt``, the Stopwords ISO list for
     Chinese, and ``resources/stopwords_project.tsv``).
   Whitespace, punctuation and symbols, and numbers (Arabic digits alone or with ``.``/``,``/``%``,
   or Han numerals alone, e.g. ``2024``, ``30%``, ``二十``) and quantities (step 3) are never content terms.
3. Quantities that jieba cut into pieces are joined into one token (300/个 -> 300个, 2024/年/7/月 ->
   2024年7月; policykit.analysis.quantities decides what is a quantity), so a changed number is one word in a diff.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import jieba
import pandas as pd

from policykit import config
from policykit.analysis.locate import locate, provision_ids
from policykit.errors import InputError
from policykit.schema import require, table
from policykit.zh import HAN_RE as _HAN
from policykit.zh import NUMERALS_LARGE

DOMAIN_TERMS_FILE = config.RESOURCES_DIR / "domain_terms.tsv"
STOPWORDS_ISO_FILE = config.RESOURCES_DIR / "stopwords_zh_iso.txt"
STOPWORDS_PROJECT_FILE = config.RESOURCES_DIR / "stopwords_project.tsv"

# jieba's own definition of the characters a word may consist of (jieba.re_han_default).
_JIEBA_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+|[0-9][A-Z]")
_NUMBER = re.compile(rf"[0-9.,%]+|[{NUMERALS_LARGE}]+")
_KWIC_BLANKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})
PINNED_MIN_CHARS = 4
"""Domain terms this long are matched before jieba; shorter ones are weighed by jieba's dynamic programme."""
BOUND_SUFFIXES = frozenset("化性型者方率度式")
"""Bound suffixes (docs/codebook-terms.md 1.1): after a pinned term they may form a word with its end."""

_DOC_COLUMNS = ("doc_id", "kind", "related_doc_id", "text")
_PROV_COLUMNS = ("doc_id", "provision_id", "parent_id", "level", "text", "char_start", "char_end")


# --- resources --------------------------------------------------------------------------------


def _read_tsv_column(path: Path, header: str) -> list[str]:
    """Return the first column of a resource TSV (comments and header skipped), in file order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read resource file ({exc.strerror})") from None
    out: list[str] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == header:
            continue
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError(path, f"line {n}: expected '{header}<TAB>reason', got {line!r}")
        out.append(cells[0].strip())
    return out


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """Return the curated domain dictionary, in file order."""
    return tuple(dict.fromkeys(_read_tsv_column(DOMAIN_TERMS_FILE, "term")))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return all stopwords: the Stopwords ISO Chinese list plus the project list, minus domain terms."""
    iso = [
        w.strip()
        for w in STOPWORDS_ISO_FILE.read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    ]
    project = _read_tsv_column(STOPWORDS_PROJECT_FILE, "word")
    return frozenset(iso).union(project).difference(domain_terms())


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """Return a private jieba tokenizer with the domain dictionary (the global jieba.dt is untouched)."""
    return _new_tokenizer()


def _new_tokenizer() -> jieba.Tokenizer:
    """A new jieba tokenizer with the domain dictionary loaded (see _tokenizer)."""
    jieba.setLogLevel(logging.WARNING)  # jieba logs its cache loading at INFO on every start
    tk = jieba.Tokenizer()
    # jieba writes its prefix-dictionary cache to the temp folder unless told otherwise, and logs a
    # traceback on every start where that folder is not writable.
    cache = config.CACHE_DIR / "jieba"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(cache)
    except OSError:
        pass  # a read-only checkout: fall back to jieba's temp folder rather than fail
    tk.initialize()
    for term in domain_terms():
        if _JIEBA_WORD.fullmatch(term):
            tk.add_word(term)  # no freq: jieba suggests one high enough to keep the term whole
    return tk


def _is_pinned(term: str) -> bool:
    """Whether a domain term is matched before jieba (long enough, or not a jieba word)."""
    return len(term) >= PINNED_MIN_CHARS or not _JIEBA_WORD.fullmatch(term)


@lru_cache(maxsize=1)
def _protected() -> re.Pattern[str] | None:
    """Return a pattern of the pinned domain terms, longest first (so the leftmost match is the longest)."""
    terms = sorted((t for t in domain_terms() if _is_pinned(t)), key=lambda t: (-len(t), t))
    return re.compile("|".join(map(re.escape, terms))) if terms else None


def _pinned_end(term: str, following: str) -> int:
    """Length of the token a pinned term match yields: the whole term, or its domain-term head (suffix rule)."""
    if not following or following not in BOUND_SUFFIXES:
        return len(term)
    words = _suffixed_words()
    for cut in range(len(term) - 1, 1, -1):  # longest head first
        head, tail = term[:cut], term[cut:]
        if head in _domain_set() and tail + following in words:
            return cut
    return len(term)


@lru_cache(maxsize=1)
def _suffixed_words() -> frozenset[str]:
    """The words `tail of a pinned term + bound suffix` that the jieba dictionary holds (frequency > 0).

    These are the only look-ups _pinned_end makes: they are answered once from a jieba tokenizer that is
    then dropped, so that a process that tokenises keeps a few words instead of jieba's prefix
    dictionary (about 60 MB in every worker).
    """
    candidates = {term[cut:] + suffix for term in domain_terms() if _is_pinned(term)
                  for cut in range(len(term) - 1, 1, -1) for suffix in BOUND_SUFFIXES}
    freq = (_tokenizer.cache_info().currsize and _tokenizer().FREQ) or _new_tokenizer().FREQ
    return frozenset(w for w in candidates if freq.get(w, 0) > 0)


@lru_cache(maxsize=1)
def _cutter():  # noqa: ANN202 - rjieba.Jieba, a compiled class
    """Return an rjieba segmenter with the shorter domain terms in its vocabulary."""
    import rjieba

    rj = rjieba.Jieba()
    for term in domain_terms():
        if not _is_pinned(term):
            rj.add_word(term, rj.suggest_freq(term), None)
    return rj


# --- tokenising -------------------------------------------------------------------------------


def jieba_cut(text: str) -> list[str]:
    """Precise-mode tokens of text by jieba itself (the reference that rjieba must reproduce)."""
    return list(_tokenizer().cut(text, cut_all=False, HMM=False))


def _jieba_spans(text: str, offset: int) -> Iterable[tuple[str, int, int]]:
    """Yield the precise-mode jieba tokens of text (cut by rjieba), offsets shifted by offset."""
    pos = offset
    for tok in _cutter().cut(text, False):
        yield tok, pos, pos + len(tok)
        pos += len(tok)


def _all_spans(text: str) -> list[tuple[str, int, int]]:
    """Return every token of text (whitespace and punctuation included), pinned terms kept whole."""
    pattern = _protected()
    spans: list[tuple[str, int, int]] = []
    pos = 0
    m = pattern.search(text, pos) if pattern else None
    while m is not None:
        spans.extend(_jieba_spans(text[pos:m.start()], pos))
        end = m.start() + _pinned_end(m.group(), text[m.end():m.end() + 1])
        spans.append((text[m.start():end], m.start(), end))
        pos = end
        m = pattern.search(text, pos)
    spans.extend(_jieba_spans(text[pos:], pos))
    return _join_quantities(text, spans)


def _join_quantities(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Tokens with each quantity that jieba cut into pieces joined into one token (300/个 -> 300个).

    docs/codebook-terms.md 1.3: a number with its unit or measure word, and a date however many parts
    it has, are one unit of counting (2024年7月, 0.95ZB, 20%); policykit.analysis.quantities finds them.
    """
    from policykit.analysis.quantities import find

    starts = {s: k for k, (_, s, _) in enumerate(spans)}
    ends = {e: k for k, (_, _, e) in enumerate(spans)}
    out, k = [], 0
    joins = {}
    for q in find(text):
        if q.unit == "date" or q.start not in starts or q.end not in ends:
            continue  # a deadline word (年底前) stays words; a quantity inside a token is left alone
        first, last = starts[q.start], ends[q.end]
        if last > first and not any(spans[i][0] in _domain_set() for i in range(first, last + 1)):
            joins[first] = last
    while k < len(spans):
        last = joins.get(k, k)
        out.append((text[spans[k][1]:spans[last][2]], spans[k][1], spans[last][2]))
        k = last + 1
    return out


@lru_cache(maxsize=1 << 16)
def _is_quantity(token: str) -> bool:
    """Whether a token is a quantity or date as a whole (300个, 2024年7月, 20%)."""
    from policykit.analysis.quantities import find

    return any(q.start == 0 and q.end == len(token) for q in find(token))


@lru_cache(maxsize=1 << 16)  # a corpus has few distinct tokens; the checks below dominate otherwise
def is_content_term(token: str) -> bool:
    """Return whether a token counts as a content term (see the module docstring)."""
    if token in _domain_set():
        return True
    if token in stopwords() or _NUMBER.fullmatch(token) or _is_quantity(token):
        return False
    if _HAN.search(token):
        return len(token) >= 2 and all(unicodedata.category(c)[0] in "LN" for c in token)
    return _ACRONYM.fullmatch(token) is not None


@lru_cache(maxsize=1)
def _domain_set() -> frozenset[str]:
    return frozenset(domain_terms())


def tokenize_spans(text: str, *, filtered: bool = True) -> list[tuple[str, int, int]]:
    """Return (term, start, end) for each token of text: content terms only, every token if not filtered.

    Offsets index into text. With filtered=False the tokens tile text exactly (their concatenation
    is text), which suits word-level diffs; the default suits counting and concordances.
    """
    spans = _all_spans(text)
    return [s for s in spans if is_content_term(s[0])] if filtered else spans


def tokenize(text: str) -> list[str]:
    """Return the content terms of text, in order."""
    return [tok for tok, _, _ in tokenize_spans(text)]


# --- term frequencies -------------------------------------------------------------------------


def top_level_ids(provisions: pd.DataFrame) -> pd.Series:
    """Return, for each provision row, the provision_id of its top-level ancestor (one without parent)."""
    keys = list(zip(provisions["doc_id"], provisions["provision_id"], strict=True))
    parents = provisions["parent_id"]
    parent = {k: (q if isinstance(q, str) and q else None) for k, q in zip(keys, parents, strict=True)}

    def root(doc: str, pid: str) -> str:
        seen = set()
        while parent.get((doc, pid)) is not None:
            if pid in seen:
                raise InputError("table provisions", f"{doc}: cycle in parent_id at {pid}")
            seen.add(pid)
            pid = parent[(doc, pid)]
        return pid

    return pd.Series(
        [root(d, p) for d, p in keys],
        index=provisions.index,
        dtype=object,
    )


def _ranked(doc_id: str, scope: str, counts: Counter[str]) -> list[tuple[str, str, str, int, int, float]]:
    """Rows of one scope (doc_id, scope, term, count, rank, rel_freq); ranks break ties by term.

    Tuples rather than dicts: a batch has hundreds of thousands of rows, and a tuple takes a third
    of a dict's memory.
    """
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(doc_id, scope, t, c, i, c / total) for i, (t, c) in enumerate(ordered, 1)]


def _scope_locator(provisions: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """Per document: its provisions and the top-level provision_id of each (for policykit.analysis.locate)."""
    prov = provisions.assign(_top=top_level_ids(provisions).astype(str))
    return {str(doc): (g, g["_top"].tolist()) for doc, g in prov.groupby("doc_id", sort=True)}


def build_term_frequencies(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Term counts per document (scope 'document') and per top-level provision, with tf-idf.

    Each document is tokenised once; a term counts towards the top-level provision (preamble
    included) that holds its first character (policykit.analysis.locate), so the provision scopes of a
    document add up to its document scope (less any terms outside every provision).
    Inputs: documents (doc_id, text), provisions (doc_id, provision_id, parent_id, level, text,
    char_start, char_end). Output: term_frequencies.
    """
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, _PROV_COLUMNS, "provisions")
    scopes = _scope_locator(provisions)
    doc_counts: dict[str, Counter[str]] = {}
    rows: list[tuple[str, str, str, int, int, float]] = []
    for doc_id, text in zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True):
        spans = tokenize_spans(text)
        doc_counts[doc_id] = Counter(t for t, _, _ in spans)
        rows.extend(_ranked(doc_id, "document", doc_counts[doc_id]))
        scoped: dict[str, Counter[str]] = {}
        if doc_id in scopes:
            prov, tops = scopes[doc_id]
            for (term, _, _), i in zip(spans, locate(prov, None, [s for _, s, _ in spans]), strict=True):
                if i >= 0:
                    scoped.setdefault(tops[i], Counter())[term] += 1
        for top, counts in scoped.items():
            rows.extend(_ranked(doc_id, top, counts))
    df = pd.DataFrame(rows, columns=[c for c in table("term_frequencies").columns if c != "tfidf"])  # tfidf: below
    n_docs = len(doc_counts)
    df_term = Counter(t for c in doc_counts.values() for t in c)
    idf = {t: math.log(n_docs / k) for t, k in df_term.items()}
    is_doc = df["scope"] == "document"
    df["tfidf"] = pd.Series([None] * len(df), dtype="Float64")
    df.loc[is_doc, "tfidf"] = df.loc[is_doc, "count"] * df.loc[is_doc, "term"].map(idf)
    return df.sort_values(["doc_id", "scope", "term"], kind="mergesort").reset_index(drop=True)


# --- keyness ----------------------------------------------------------------------------------


def log_likelihood(a: int, b: int, total_a: int, total_b: int) -> float:
    """G2 of a term seen a times in corpus A (size total_a) and b times in B (Rayson & Garside 2000)."""
    expected_a = total_a * (a + b) / (total_a + total_b)
    expected_b = total_b * (a + b) / (total_a + total_b)
    g2 = sum(o * math.log(o / e) for o, e in ((a, expected_a), (b, expected_b)) if o > 0)
    return 2.0 * g2


def log_ratio(a: int, b: int, total_a: int, total_b: int) -> float:
    """Binary log of B's relative frequency over A's, 0.5 standing in for a zero count (Hardie 2014)."""
    return math.log2(((b or 0.5) / total_b) / ((a or 0.5) / total_a))


def keyness(counts_a: Mapping[str, int], counts_b: Mapping[str, int]) -> pd.DataFrame:
    """Keyness of every term of two corpora: term, count_a, count_b, g2, log_ratio (B over A), direction.

    direction is 'b' where the term is relatively more frequent in B, else 'a'. Rows come sorted with
    the terms found in only one corpus first, then by g2 descending, then by term.
    """
    total_a, total_b = sum(counts_a.values()), sum(counts_b.values())
    if total_a == 0 or total_b == 0:
        raise InputError("keyness", "both corpora need at least one counted term")
    rows = []
    for term in sorted(set(counts_a) | set(counts_b)):
        a, b = int(counts_a.get(term, 0)), int(counts_b.get(term, 0))
        lr = log_ratio(a, b, total_a, total_b)
        rows.append({
            "term": term, "count_a": a, "count_b": b,
            "g2": log_likelihood(a, b, total_a, total_b), "log_ratio": lr,
            "direction": "b" if lr > 0 else "a",
            "_exclusive": a == 0 or b == 0,
        })
    columns = ["term", "count_a", "count_b", "g2", "log_ratio", "direction", "_exclusive"]
    df = pd.DataFrame(rows, columns=columns)
    df = df.sort_values(["_exclusive", "g2", "term"], ascending=[False, False, True], kind="mergesort")
    return df.drop(columns="_exclusive").reset_index(drop=True)


def build_keyness(documents: pd.DataFrame, provisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keyness of every draft -> final pair, one row per (pair_id, term), whole-document counts.

    Rows are sorted by pair_id, then terms found in only one version first, then g2 descending, then
    term. provisions is accepted (and unused) so that both builders take the same arguments.
    """
    from policykit.ingest.documents import version_pairs

    require(documents, ("doc_id", "text"), "documents")
    pairs = version_pairs(documents)
    text = dict(zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True))
    frames = []
    for draft, final in pairs:
        k = keyness(Counter(tokenize(text[draft])), Counter(tokenize(text[final])))
        k = k.rename(columns={"count_a": "count_draft", "count_b": "count_final"})
        k["direction"] = k["direction"].map({"a": "draft", "b": "final"})
        k.insert(0, "pair_id", f"{draft}__{final}")
        frames.append(k)
    columns = table("keyness").columns
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def build_tables(documents: pd.DataFrame, provisions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return the terms stage's published tables: term_frequencies and keyness."""
    return {
        "term_frequencies": build_term_frequencies(documents, provisions),
        "keyness": build_keyness(documents, provisions),
    }


def top_terms(frequencies: pd.DataFrame, doc_id: str, n: int = 20, *, by: str = "tfidf",
              scope: str = "document") -> pd.DataFrame:
    """The n terms that characterise a document: by tf-idf, by keyness against the rest of the corpus, or by count.

    Raw counts rank the words every policy text uses (数据, 发展, 建设) first; tf-idf (document scope) and
    keyness (G2 of the document against all other documents, terms relatively more frequent in the document
    only) rank what sets the document apart. Returns term, count, score (the ranking value) and rel_freq.
    """
    require(frequencies, ("doc_id", "scope", "term", "count", "rel_freq", "tfidf"), "term_frequencies")
    if by not in ("tfidf", "keyness", "count"):
        raise InputError("top_terms", f"by must be tfidf, keyness or count, got {by!r}")
    if by == "tfidf" and scope != "document":
        raise InputError("top_terms", "tf-idf is computed for the document scope only; use by='keyness' or 'count'")
    rows = frequencies[(frequencies["doc_id"] == doc_id) & (frequencies["scope"] == scope)]
    out = rows[["term", "count", "rel_freq"]].copy()
    if by == "count":
        out["score"] = out["count"].astype(float)
    elif by == "tfidf":
        out["score"] = rows["tfidf"].astype(float).to_numpy()
    else:
        whole = frequencies[(frequencies["scope"] == "document") & (frequencies["doc_id"] != doc_id)]
        rest = whole.groupby("term")["count"].sum()
        k = keyness(rest.astype(int).to_dict(), dict(zip(out["term"], out["count"].astype(int), strict=True)))
        k = k[k["direction"] == "b"].set_index("term")["g2"]
        out = out[out["term"].isin(k.index)]
        out["score"] = out["term"].map(k).astype(float)
    out = out.sort_values(["score", "count", "term"], ascending=[False, False, True], kind="mergesort")
    return out.head(n)[["term", "count", "score", "rel_freq"]].reset_index(drop=True)


# --- keyword in context -----------------------------------------------------------------------


def _occurrences(term: str, text: str, whole_words: bool = True) -> list[tuple[int, int]]:
    """Return (start, end) of each occurrence of term in text (on token boundaries if whole_words)."""
    bounds = {0, len(text)}
    if whole_words:
        for _, s, e in _all_spans(text):
            bounds.update((s, e))
    out, pos = [], text.find(term)
    while pos >= 0:
        if not whole_words or (pos in bounds and pos + len(term) in bounds):
            out.append((pos, pos + len(term)))
        pos = text.find(term, pos + 1)
    return out


def kwic(
    term: str,
    docs: list[str] | None = None,
    window: int = 20,
    *,
    documents: pd.DataFrame,
    provisions: pd.DataFrame | None = None,
    whole_words: bool = True,
) -> pd.DataFrame:
    """Keyword-in-context lines of term (a word or a run of whole words) in the documents.

    Inputs: documents (doc_id, text) and provisions (doc_id, provision_id, char_start, char_end; None:
    provision_id stays null); policykit.kwic loads them from the published tables.
    Columns: doc_id, provision_id (policykit.analysis.locate's rule), left, keyword, right, char_start (offset into
    documents.text). Matches start and end on token boundaries, so 数据 does not match inside 数据要素 (a
    token count); with whole_words=False every occurrence matches, inside longer words too (a mention
    count, as in the concepts table). Line breaks and tabs in the context show as spaces.
    """
    if not term:
        raise InputError("kwic", "empty search term")
    if window < 0:
        raise InputError("kwic", f"window must be >= 0, got {window}")
    if provisions is None:
        provisions = pd.DataFrame(columns=list(_PROV_COLUMNS))
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, ("doc_id", "provision_id", "char_start", "char_end"), "provisions")
    chosen = documents if docs is None else documents[documents["doc_id"].isin(docs)]
    if docs is not None:
        unknown = sorted(set(docs) - set(documents["doc_id"].astype(str)))
        if unknown:
            raise InputError("kwic", f"unknown doc_id {unknown}")
    rows = []
    by_doc = {str(d): g for d, g in provisions.groupby(provisions["doc_id"].astype(str), sort=False)}
    for doc_id, text in zip(chosen["doc_id"].astype(str), chosen["text"].astype(str), strict=True):
        found = _occurrences(term, text, whole_words)
        held = provision_ids(by_doc.get(doc_id, provisions.iloc[:0]), None, [s for s, _ in found])
        for (s, e), provision_id in zip(found, held, strict=True):
            rows.append({
                "doc_id": doc_id,
                "provision_id": provision_id,
                "left": text[max(0, s - window):s].translate(_KWIC_BLANKS),
                "keyword": text[s:e],
                "right": text[e:e + window].translate(_KWIC_BLANKS),
                "char_start": s,
            })
    df = pd.DataFrame(rows, columns=["doc_id", "provision_id", "left", "keyword", "right", "char_start"])
    return df.sort_values(["doc_id", "char_start"], kind="mergesort").reset_index(drop=True)
