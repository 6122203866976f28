"""Tokenising: jieba segmentation with the domain dictionary, and which tokens are content terms.

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
   Whitespace, punctuation and symbols, numbers (Arabic digits alone or with ``.``/``,``/``%``,
   or Han numerals alone, e.g. ``2024``, ``30%``, ``二十``), quantities (step 3) and article numbers
   (``第五十八条``, ``第三章``, ``第二节``, ``第一款``, ``第四项``: labels of the text's divisions, not words
   of its content) are never content terms.
3. Quantities that jieba cut into pieces are joined into one token (300/个 -> 300个, 2024/年/7/月 ->
   2024年7月; policykit.analysis.quantities decides what is a quantity), so a changed number is one word in a diff.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, compress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from policykit import config
from policykit.analysis.vocabulary import domain_terms, stopwords
from policykit.zh import HAN_RE as _HAN
from policykit.zh import NUMERALS, NUMERALS_LARGE

if TYPE_CHECKING:  # jieba itself is imported where its tokenizer is built: its import alone takes 0.3 s
    import jieba

# jieba's own definition of the characters a word may consist of (jieba.re_han_default).
_JIEBA_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+|[0-9][A-Z]")
_NUMBER = re.compile(rf"[0-9.,%]+|[{NUMERALS_LARGE}]+")
_ARTICLE_NUMBER = re.compile(rf"第[{NUMERALS}\d]+[编章节条款项]")  # 第五十八条, 第三章, 第四项
PINNED_MIN_CHARS = 4
"""Domain terms this long are matched before jieba; shorter ones are weighed by jieba's dynamic programme."""
BOUND_SUFFIXES = frozenset("化性型者方率度式")
"""Bound suffixes (docs/codebook-terms.md 1.1): after a pinned term they may form a word with its end."""


def _tokenizer() -> jieba.Tokenizer:
    """Return a private jieba tokenizer with the domain dictionary (the global jieba.dt is untouched).

    One is kept for the cache folder of the moment: a tokenizer made before the cache folder changed
    (POLICYKIT_CACHE_DIR set later) is not used for the new one.
    """
    return _tokenizer_in(config.cache_dir() / "jieba")


@lru_cache(maxsize=1)
def _tokenizer_in(cache: Path) -> jieba.Tokenizer:
    """The tokenizer whose prefix-dictionary cache is in the folder cache."""
    return _new_tokenizer(cache)


def _new_tokenizer(cache: Path | None = None) -> jieba.Tokenizer:
    """A new jieba tokenizer with the domain dictionary loaded, its dictionary cache in cache (see _tokenizer)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its cache loading at INFO on every start
    tk = jieba.Tokenizer()
    # jieba writes its prefix-dictionary cache to the temp folder unless told otherwise, and logs a
    # traceback on every start where that folder is not writable.
    cache = cache or config.cache_dir() / "jieba"
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

    These are the only look-ups _pinned_end makes. They are answered from the lines of jieba's dictionary
    file, read once, rather than from a jieba tokenizer: building one (its prefix dictionary, about 60 MB)
    costs a second of every process that tokenises, and it would be dropped at once.
    """
    candidates = {term[cut:] + suffix for term in domain_terms() if _is_pinned(term)
                  for cut in range(len(term) - 1, 1, -1) for suffix in BOUND_SUFFIXES}
    # the tokenizer of _new_tokenizer also holds every domain term that is a jieba word, with a frequency >= 1
    added = {t for t in domain_terms() if _JIEBA_WORD.fullmatch(t)}
    return frozenset(w for w, f in _dictionary_frequencies(candidates).items() if f > 0 or w in added) \
        | (candidates & added)


def _dictionary_frequencies(words: set[str]) -> dict[str, int]:
    """The frequency jieba's main dictionary gives each of words that it lists (the last line of a word wins).

    Hand-written because jieba offers no look-up without building its whole prefix dictionary. Lines are
    `word freq [tag]`, as jieba.Tokenizer.gen_pfdict reads them; only lines whose word ends in a last
    character of one of words are parsed.
    """
    if not words:
        return {}
    text = jieba_dictionary().read_text(encoding="utf-8")
    ends = "".join(sorted({re.escape(w[-1]) for w in words}))
    out: dict[str, int] = {}
    for word, freq in re.findall(rf"^([^ \n]*[{ends}]) +(\d+)", text, re.MULTILINE):
        if word in words:
            out[word] = int(freq)
    return out


def jieba_dictionary() -> Path:
    """The file of jieba's main dictionary (jieba.DEFAULT_DICT_NAME in its package), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@lru_cache(maxsize=1)
def _cutter():  # noqa: ANN202 - rjieba.Jieba, a compiled class
    """Return an rjieba segmenter with the shorter domain terms in its vocabulary."""
    import rjieba

    rj = rjieba.Jieba()
    for term in domain_terms():
        if not _is_pinned(term):
            rj.add_word(term, rj.suggest_freq(term), None)
    return rj


def warm_up() -> None:
    """Load the segmenter and the word lists now (a build's worker does it once, before its first task)."""
    _cutter()
    _protected()
    _suffixed_words()
    _domain_set()
    stopwords()


# --- tokenising -------------------------------------------------------------------------------


def jieba_cut(text: str) -> list[str]:
    """Precise-mode tokens of text by jieba itself (the reference that rjieba must reproduce)."""
    return list(_tokenizer().cut(text, cut_all=False, HMM=False))


def _jieba_spans(text: str, offset: int) -> list[tuple[str, int, int]]:
    """The precise-mode jieba tokens of text (cut by rjieba), offsets shifted by offset."""
    tokens = _cutter().cut(text, False)
    bounds = list(accumulate(map(len, tokens), initial=offset))
    return list(zip(tokens, bounds[:-1], bounds[1:], strict=True))


def all_spans(text: str) -> list[tuple[str, int, int]]:
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
    The spans tile the text in order, so the token a quantity starts (ends) with is found by bisection.
    """
    from policykit.analysis.quantities import find

    quantities = [q for q in find(text) if q.unit != "date"]  # a deadline word (年底前) stays words
    if not quantities:
        return spans
    starts = list(map(itemgetter(1), spans))
    ends = list(map(itemgetter(2), spans))
    joins = {}
    for q in quantities:
        first, last = bisect_right(starts, q.start) - 1, bisect_right(ends, q.end) - 1
        if first < 0 or last < 0 or starts[first] != q.start or ends[last] != q.end:
            continue  # a quantity inside a token is left alone
        if last > first and not any(spans[i][0] in _domain_set() for i in range(first, last + 1)):
            joins[first] = last
    out, k = [], 0
    for first in sorted(joins):
        if first < k:
            continue  # inside the quantity joined before it
        last = joins[first]
        out.extend(spans[k:first])
        out.append((text[spans[first][1]:spans[last][2]], spans[first][1], spans[last][2]))
        k = last + 1
    out.extend(spans[k:])
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
    if _ARTICLE_NUMBER.fullmatch(token):
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
    spans = all_spans(text)
    return list(compress(spans, map(is_content_term, map(itemgetter(0), spans)))) if filtered else spans


def tokenize(text: str) -> list[str]:
    """Return the content terms of text, in order."""
    return [tok for tok, _, _ in tokenize_spans(text)]
