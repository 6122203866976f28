"""Languages of figure labels: '中文 English' labels drawn in both languages, Chinese only or English only."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LANG_ENV = "POLICYKIT_LANG"
SOURCE_GID = "policykit-source"  # the gid of the source note, which no language rewrites

LANGS = ("both", "zh", "en")
"""Languages of figure labels: both ('中文 English', as the schema writes labels), Chinese only, English only."""
# '中文 English': a Chinese half (no Latin letters, not ending on a separator such as · or :, so that
# '条例 · law-2019' is a title and an id, not a label) and an English half (opening with a letter or a quote, so that
# '本条例施行 (by 2012-10-01)' is a sentence and its date; no Han characters)
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z\n]*[\u4e00-\u9fff][^A-Za-z\n]*?)(?<![·:：/—])[ \u3000]+"
                        r"(?P<en>[A-Za-z\"“][^\u4e00-\u9fff\n]*)$")
# what joins labels on one line: '文件 document: 政策文件 policy', '目标的变化 Target changes, 征求意见稿 draft → …'
_PIECES = re.compile(r"(\s*[:：]\s+|\s+·\s+|,\s+|\s+→\s+)")
_ENDS = re.compile(r"^(?P<lead>\s*)(?P<body>.*?)(?P<tail>[:：]?\s*)$", re.DOTALL)
_MARKUP = re.compile(r"(<[^<>]*>|%\{[^{}]*\})")  # plotly's HTML tags and %{…} placeholders
_LINE_BREAK = re.compile(r"(<br\s*/?>)", re.IGNORECASE)


def _label_in_lang(label: str, lang: str) -> str:
    """One label '中文 English' in lang (whitespace and a colon at either end kept); anything else unchanged."""
    ends = _ENDS.match(label)
    m = _BILINGUAL.match(ends["body"]) if ends else None
    return f"{ends['lead']}{m.group(lang).strip()}{ends['tail']}" if m and ends else label


def _line_in_lang(line: str, lang: str) -> str:
    """A line in lang: the whole line as one label, else each label of several joined by ': ', ' · ', ', ', ' → '."""
    whole = _label_in_lang(line, lang)
    if whole != line:
        return whole
    return "".join(_label_in_lang(piece, lang) for piece in _PIECES.split(line))


def in_lang(text: str, lang: str = "both") -> str:
    """A label in one language: each line '中文 English' becomes '中文' (zh) or 'English' (en); others stay.

    A line of several labels joined by ': ', ' · ', ', ' or ' → ' ('文件 document: 政策文件 policy') has each one
    rewritten.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if lang == "both":
        return text
    return "\n".join(_line_in_lang(line, lang) for line in str(text).split("\n"))


def markup_in_lang(text: str, lang: str = "both") -> str:
    """in_lang for plotly text: lines split at <br>, tags (<b>) and placeholders (%{value}) left as they are."""
    if lang == "both":
        return in_lang(text, lang)
    parts = []
    for line in _LINE_BREAK.split(str(text)):
        if _LINE_BREAK.fullmatch(line):
            parts.append(line)
            continue
        whole = "".join(in_lang(p, lang) if not _MARKUP.fullmatch(p) else p for p in _MARKUP.split(line))
        plain = _MARKUP.sub("", line)
        # a label split by tags ('<b>目标</b> goal') is rare; the pieces between tags are what is rewritten
        parts.append(whole if plain.strip() else line)
    return "".join(parts)


PLOTLY_TEXT_KEYS = frozenset({"text", "name", "ticktext", "hovertext", "hovertemplate", "texttemplate", "label",
                              "labels", "values", "customdata", "x", "y"})
"""Attributes of a plotly figure whose strings are labels (titles, legends, ticks, hover, table cells, nodes)."""
_PLOTLY_SKIP = frozenset({"template"})


def _plotly_changes(value: Any, lang: str, key: str) -> tuple[bool, Any]:
    """(changed, value in lang) for one attribute of a plotly figure's JSON; only labels are rewritten."""
    if isinstance(value, dict):
        changed = {}
        for k, v in value.items():
            if k in _PLOTLY_SKIP:
                continue
            did, new = _plotly_changes(v, lang, k)
            if did:
                changed[k] = new
        return bool(changed), changed
    if isinstance(value, str):
        new = markup_in_lang(value, lang) if key in PLOTLY_TEXT_KEYS else value
        return new != value, new
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        value = value.tolist()
    if isinstance(value, list | tuple):
        results = [_plotly_changes(v, lang, key) for v in value]
        if not any(did for did, _ in results):
            return False, value
        # a list is replaced whole: dicts in it (annotations) keep their other attributes
        return True, [_merge(v, new) if isinstance(v, dict) else new
                      for v, (_, new) in zip(value, results, strict=True)]
    return False, value


def _merge(base: dict, changes: dict) -> dict:
    """A copy of base with the (nested) changes applied."""
    out = dict(base)
    for k, v in changes.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def apply_plotly_lang(fig: Any, lang: str = "both") -> Any:
    """Rewrite every bilingual text of a plotly figure in lang; returns fig (changed in place).

    Titles, axis and tick labels, legend entries and titles, hover texts and templates, table cells, node labels.
    """
    in_lang("", lang)  # refuses an unknown language
    if lang == "both":
        return fig
    did, changes = _plotly_changes(fig.layout.to_plotly_json(), lang, "layout")
    if did:
        fig.update_layout(changes)
    for trace in fig.data:
        did, changes = _plotly_changes(trace.to_plotly_json(), lang, "trace")
        if did:
            trace.update(changes)
    return fig


def apply_lang(fig: Figure, lang: str = "both") -> None:
    """Rewrite every bilingual text of fig (titles, axis and tick labels, legends) in lang."""
    from matplotlib.text import Text

    if lang == "both":
        in_lang("", lang)
        return
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()  # tick labels are redrawn from the formatter at each draw
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [in_lang(str(t), lang) for t in formatter.seq]
            elif isinstance(formatter, FuncFormatter):  # labels given with set_ticks(ticks, labels)
                formatter.func = (lambda f: lambda x, pos=None: in_lang(str(f(x, pos)), lang))(formatter.func)
    texts = list(fig.findobj(Text))
    for ax in fig.axes:  # findobj does not reach the texts of table cells
        texts += [cell.get_text() for table in ax.tables for cell in table.get_celld().values()]
    for text in texts:
        if text.get_gid() != SOURCE_GID and text.get_text():
            text.set_text(in_lang(text.get_text(), lang))


def use_lang(lang: str) -> None:
    """Draw the labels of every figure saved from now on in lang (both, zh or en)."""
    in_lang("", lang)  # refuses an unknown language
    os.environ[LANG_ENV] = lang
