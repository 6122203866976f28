"""policykit: China's data-element policy documents as tidy, citable tables.

The functions below are what a notebook needs; each imports its stage on first use, so that
``import policykit`` stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "kwic", "load", "reuse_between", "split_sentences"]


def load(name: str, *, polars: bool = False, processed_dir: Any = None) -> Any:
    """Return a published table as a pandas DataFrame (or a polars DataFrame with polars=True)."""
    from .tables import load as _load

    return _load(name, polars=polars, processed_dir=processed_dir)


def kwic(term: str, docs: list[str] | None = None, window: int = 20, **kw: Any) -> Any:
    """Keyword-in-context lines of a term, with document and provision ids (see policykit.terms.kwic)."""
    from .terms import kwic as _kwic

    return _kwic(term, docs, window, **kw)


def reuse_between(doc_a: str, doc_b: str, min_length: int | None = None, **kw: Any) -> Any:
    """Passages shared by two documents, each side as written, typed and directed (policykit.reuse.reuse_between)."""
    from .reuse import DEFAULT_MIN_LENGTH
    from .reuse import reuse_between as _reuse_between

    return _reuse_between(doc_a, doc_b, DEFAULT_MIN_LENGTH if min_length is None else min_length, **kw)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a text (see policykit.structure.split_sentences)."""
    from .structure import split_sentences as _split

    return _split(text)
