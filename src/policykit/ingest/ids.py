"""Readable doc_ids for documents the catalog does not know: the title in pinyin and the year.

``readable_id("国家数据局关于促进数据产业发展的意见", "2024-12-31")`` gives
``guojia-shujuju-guanyu-cujin-shuju-chanye-fazhan-de-yijian-2024``: the title cut into words by jieba,
each word in toneless pinyin (pypinyin), ASCII letters and digits kept, everything else a hyphen; at
most MAX_SLUG characters of title, cut at a word boundary; then the year of the document's date. An
untitled document takes the first line of its text, prefixed ``untitled-``. The id depends on the
text only, never on file names or build order, so it is stable across builds; two documents whose ids
would be equal get a suffix from a hash of their content (see policykit.ingest.documents.assign_ids).

pypinyin and jieba are imported on first use; without pypinyin (a core install) the id falls back to
the content hash id (doc- and ten hex digits), which is as stable, only not readable.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

from policykit.zh import content_key

MAX_SLUG = 60
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _words(text: str) -> list[str]:
    """The text cut into words (jieba where there are Chinese characters)."""
    if not _HAN.search(text):
        return text.split()
    return [w for w in _jieba().lcut(text) if w.strip()]


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """A jieba tokenizer whose dictionary cache lives in the policykit cache folder, not the temp folder."""
    import jieba

    from policykit import config

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with contextlib.suppress(OSError):  # a read-only cache: jieba's temp folder rather than fail
        (config.CACHE_DIR / "jieba").mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(config.CACHE_DIR / "jieba")
    tk.initialize()
    return tk


def slug(text: str, max_chars: int = MAX_SLUG) -> str:
    """ASCII slug of a text: words in toneless pinyin joined by hyphens, cut at a word boundary."""
    from pypinyin import Style, lazy_pinyin

    parts: list[str] = []
    for word in _words(unicodedata.normalize("NFKC", text)):
        latin = "".join(lazy_pinyin(word, style=Style.NORMAL, errors="default")).lower()
        latin = _NON_SLUG.sub("-", latin.replace("ü", "v")).strip("-")
        if latin:
            parts.append(latin)
    out = ""
    for part in "-".join(parts).split("-"):
        if not part:
            continue
        candidate = f"{out}-{part}" if out else part
        if len(candidate) > max_chars and out:
            break
        out = candidate[:max_chars]
    return out


def readable_id(title: str | None, date: str | None, opening: str = "") -> str | None:
    """The readable doc_id of a document (title, else untitled- and its first line; then the year), or None.

    None where pypinyin is not installed or the text gives no letters or digits at all.
    """
    try:
        import pypinyin  # noqa: F401
    except ModuleNotFoundError:
        return None
    first_line = next((line for line in opening.splitlines() if line.strip()), "")
    base = slug(title) if title else slug(first_line, MAX_SLUG - len("untitled-"))
    if not base:
        return None
    if not title:
        base = f"untitled-{base}"
    year = date[:4] if date and re.match(r"^\d{4}", date) else None
    return f"{base}-{year}" if year and not base.endswith(year) else base


def content_doc_id(title: str | None, form: str | None, date: str | None, doc_number: str | None,
                   opening: str = "") -> str:
    """A stable ASCII id for a document the catalog does not know, from its content only.

    doc- and a hash of its title (or, untitled, its opening), form, date and document number.
    """
    parts = [content_key(title or "") or content_key(opening[:200]), form or "", date or "", doc_number or ""]
    return "doc-" + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:10]
