"""policykit: China's data-element policy documents as tidy, citable tables.

The functions below are what a notebook needs; each imports its stage on first use, so that
``import policykit`` stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

__all__ = ["__version__", "kwic", "load", "reuse_between", "split_sentences"]


def load(name: str, *, polars: bool = False, data: Any = None, processed_dir: Any = None) -> Any:
    """Return a published table as a pandas DataFrame (or a polars DataFrame with polars=True)."""
    from .tables import load as _load

    return _load(name, polars=polars, data=data, processed_dir=processed_dir)


def _load_doc() -> str:
    """Docstring of load(), its list of tables taken from the table registry."""
    from .schema import TABLES

    width = max(len(n) for n in TABLES)
    listing = "\n".join(f"        {n:<{width}}  {t.title}: {t.description.split('. ')[0].rstrip('.')}."
                         for n, t in TABLES.items())
    return f"""Return a published table as a pandas DataFrame (or a polars DataFrame with polars=True).

    name: one of the tables below. data: a folder of published tables (Parquet files, as in
    data/processed) or a release archive (policykit-data-<version>.zip); default: the folder or archive
    named by the environment variable POLICYKIT_DATA, else data/processed of the checkout.
    processed_dir is the older name of data. A missing table raises policykit.tables.TableNotFoundError
    (an InputError and a FileNotFoundError), which says where it looked.

    Tables:
{listing}

    Example: policykit.load("provisions", data="policykit-data-0.2.0.zip", polars=True)
    """


load.__doc__ = _load_doc()


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
