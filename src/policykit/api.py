"""Reading the published tables, and the helpers a notebook calls on them.

``load(name)`` reads one table from a folder of published tables (data/processed) or a release archive
(policykit-data-<version>.zip); ``table_names()`` lists what there is to load. ``kwic``,
``reuse_between`` and ``split_sentences`` load the tables they need here, then call the stage's pure
function (policykit.analysis.kwic.kwic, policykit.analysis.reuse.reuse_between,
policykit.ingest.structure.split_sentences), which takes its tables as arguments and reads no file.

pandas and pyarrow (or, in a core install without pyarrow, fastparquet) are imported on first use, so that
``import policykit`` stays light.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from policykit import config
from policykit.errors import InputError
from policykit.schema import TABLES, table

DATA_ENV = config.DATA_ENV
"""Environment variable naming the folder of published tables or the release archive load() reads."""


class TableNotFoundError(InputError, FileNotFoundError):
    """A published table is not where load() looked: the message says where it looked and how to point it."""


def table_names() -> list[str]:
    """Names of the published tables, in registry order (what load() accepts)."""
    return list(TABLES)


def data_source(data: Path | str | None = None) -> Path:
    """Where load() reads: data, else $POLICYKIT_DATA, else data/processed of the checkout."""
    return Path(data).expanduser() if data else config.settings().data_dir


def _zip_member(archive: zipfile.ZipFile, filename: str) -> str | None:
    """Name of the member called filename at the top of the archive or of its one top-level folder."""
    for member in sorted(archive.namelist()):
        if member == filename or (member.count("/") == 1 and member.endswith("/" + filename)):
            return member
    return None


def _not_found(where: Path, what: str) -> TableNotFoundError:
    """The error of a missing table, saying how to point load() at the data."""
    return TableNotFoundError(where, f"{what}; point to a folder of published tables or a release archive "
                              f"(policykit-data-<version>.zip) with --data PATH on the command line or data= in "
                              f"Python, or set {DATA_ENV}; in a checkout of the project, "
                              "`policykit build` writes data/processed")


def _parquet_source(name: str, data: Path | str | None = None) -> Path | bytes:
    """The Parquet file of a published table: its path in a folder, or its bytes from a release archive."""
    spec = table(name)
    source = data_source(data)
    filename = f"{spec.name}.parquet"
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            member = _zip_member(archive, filename)
            if member is None:
                raise _not_found(source, f"the archive holds no {filename}")
            return archive.read(member)
    if source.is_file():
        raise _not_found(source, "not a folder of published tables nor a release archive (.zip)")
    path = source / filename
    if not path.is_file():
        raise _not_found(source, f"no {filename} here")
    return path


def _has_pyarrow() -> bool:
    """Whether pyarrow is installed (the build extra has it; a core install reads Parquet with fastparquet)."""
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def read_arrow(name: str, data: Path | str | None = None, columns: list[str] | None = None) -> Any:
    """Arrow table of a published table (only columns, if given), from a folder or a release archive; needs pyarrow."""
    import pyarrow.parquet as pq

    source = _parquet_source(name, data)
    return pq.read_table(io.BytesIO(source) if isinstance(source, bytes) else source, columns=columns)


def table_rows(name: str, data: Path | str | None = None) -> int:
    """Number of rows of a published table, from its Parquet metadata."""
    source = _parquet_source(name, data)
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    if _has_pyarrow():
        import pyarrow.parquet as pq

        return pq.read_metadata(handle).num_rows
    from fastparquet import ParquetFile

    return ParquetFile(handle).count()


def load(name: str, *, polars: bool = False, data: Path | str | None = None,
         processed_dir: Path | str | None = None, columns: list[str] | None = None) -> Any:
    """Return a published table as a pandas DataFrame (or a polars DataFrame with polars=True); columns: only these."""
    data = data if data is not None else processed_dir
    if polars or _has_pyarrow():
        arrow = read_arrow(name, data, columns)
        if polars:
            import polars as pl

            return pl.from_arrow(arrow)
        from policykit.publish.tables import ARROW_TO_PANDAS

        # pandas' nullable dtypes (string, Int64, Float64, boolean) rather than Arrow-backed ones; dates as
        # Arrow date32 (values datetime.date): pandas has no nullable date dtype of its own
        return arrow.to_pandas(types_mapper=ARROW_TO_PANDAS.get)
    return _load_with_fastparquet(name, data, columns)


# the pandas nullable dtype of each registry type (as the pyarrow path above gives them; dates: see below)
_NULLABLE = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def _load_with_fastparquet(name: str, data: Path | str | None, columns: list[str] | None = None) -> Any:
    """A published table read with fastparquet (a core install, without pyarrow), typed by the registry.

    Without pyarrow there is no Arrow date dtype: a date column holds datetime.date values (object dtype),
    the values the pyarrow path gives.
    """
    import pandas as pd
    from fastparquet import ParquetFile

    source = _parquet_source(name, data)
    df = ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source).to_pandas(columns=columns)
    spec = table(name)
    for f in spec.fields:
        if f.name not in df.columns:
            continue
        column = df[f.name].astype("object").where(df[f.name].notna(), None)
        if f.type == "date":
            df[f.name] = column.map(lambda v: None if v is None else pd.Timestamp(v).date()).astype("object")
        else:
            df[f.name] = column.astype(_NULLABLE[f.type])
    return df.reset_index(drop=True)


def load_doc() -> str:
    """Docstring of load(), its list of tables taken from the table registry."""
    width = max(len(n) for n in TABLES)
    listing = "\n".join(f"        {n:<{width}}  {t.title}: {t.description.split('. ')[0].rstrip('.')}."
                        for n, t in TABLES.items())
    return f"""Return a published table as a pandas DataFrame (or a polars DataFrame with polars=True).

    name: one of the tables below. data: a folder of published tables (Parquet files, as in
    data/processed) or a release archive (policykit-data-<version>.zip); default: the folder or archive
    named by the environment variable POLICYKIT_DATA, else data/processed of the checkout.
    processed_dir is the older name of data. A missing table raises policykit.api.TableNotFoundError
    (an InputError and a FileNotFoundError), which says where it looked.

    Tables:
{listing}

    Example: policykit.load("provisions", data="policykit-data-0.2.0.zip", polars=True)
    """


load.__doc__ = load_doc()


def _provisions_or_none(data: Path | str | None) -> Any:
    """The provisions table, or None where the data holds none."""
    try:
        return load("provisions", data=data)
    except TableNotFoundError:
        return None


def kwic(term: str, docs: list[str] | None = None, window: int = 20, *, documents: Any = None,
         provisions: Any = None, data: Path | str | None = None, **kw: Any) -> Any:
    """Keyword-in-context lines of a term, with document and provision ids (policykit.analysis.kwic.kwic).

    documents and provisions: the tables to search; default: loaded from data (see load()).
    """
    from policykit.analysis.kwic import kwic as _kwic

    documents = load("documents", data=data) if documents is None else documents
    provisions = _provisions_or_none(data) if provisions is None else provisions
    return _kwic(term, docs, window, documents=documents, provisions=provisions, **kw)


def reuse_between(doc_a: str, doc_b: str, min_length: int | None = None, *, documents: Any = None,
                  provisions: Any = None, data: Path | str | None = None, **kw: Any) -> Any:
    """Passages shared by two documents, each side as written, typed and directed (analysis.reuse.reuse_between).

    documents and provisions: the tables to search; default: loaded from data (see load()).
    """
    from policykit.analysis.reuse import reuse_between as _reuse_between

    documents = load("documents", data=data) if documents is None else documents
    provisions = load("provisions", data=data) if provisions is None else provisions
    if min_length is not None:
        kw["min_length"] = min_length
    return _reuse_between(doc_a, doc_b, documents=documents, provisions=provisions, **kw)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a text (see policykit.ingest.structure.split_sentences)."""
    from policykit.ingest.structure import split_sentences as _split

    return _split(text)
