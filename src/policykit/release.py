"""The release archive: published tables, metadata and exports in one reproducible zip."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__, config
from .dataset import (
    PACKAGE_NAME,
    data_dictionary_markdown,
    sha256_file,
    validate_tables,
    write_datapackage,
    write_duckdb,
    write_exports,
)
from .errors import InputError
from .schema import TABLES
from .tables import load

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # earliest date zip can store: no build time leaks into the archive
FILE_MODE = 0o644
DIST_DIR = config.ROOT / "dist"
CITATION_FILE = config.ROOT / "CITATION.cff"


@dataclass
class Release:
    """What a release produced: the archive, its checksum, its members and the optional DuckDB file."""

    archive: Path
    sha256: str
    members: list[str] = field(default_factory=list)
    duckdb: Path | None = None


def release_name(version: str = __version__) -> str:
    """Return the base name of the release archive and its top-level folder."""
    return f"{PACKAGE_NAME}-{version}"


def read_processed(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """Load every registered table found in processed_dir."""
    processed_dir = Path(processed_dir)
    names = [n for n in TABLES if (processed_dir / f"{n}.parquet").is_file()]
    if not names:
        raise InputError(processed_dir, "no published tables found; run `policykit build` first")
    return {n: load(n, processed_dir=processed_dir) for n in names}


def stage_release(processed_dir: Path, stage: Path,
                  citation_file: Path | None = None) -> dict[str, pd.DataFrame]:
    """Fill stage with the tables, datapackage.json, data dictionary, citation, exports and SHA256SUMS."""
    processed_dir, stage = Path(processed_dir), Path(stage)
    tables = read_processed(processed_dir)
    validate_tables(tables)
    stage.mkdir(parents=True, exist_ok=True)
    for name in tables:
        for suffix in (".csv", ".parquet"):
            shutil.copyfile(processed_dir / f"{name}{suffix}", stage / f"{name}{suffix}")
    write_datapackage(stage, tables)
    dictionary = data_dictionary_markdown(tables)
    (stage / "data-dictionary.md").write_text(dictionary, encoding="utf-8", newline="\n")
    citation = Path(citation_file or CITATION_FILE)
    if citation.is_file():
        shutil.copyfile(citation, stage / "CITATION.cff")
    write_exports(stage, tables)
    files = sorted(p for p in stage.rglob("*") if p.is_file())
    sums = "".join(f"{sha256_file(p)}  {p.relative_to(stage).as_posix()}\n" for p in files)
    (stage / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return tables


def write_zip(src_dir: Path, archive: Path, prefix: str) -> list[str]:
    """Zip every file under src_dir into archive below prefix/, byte-reproducibly; return the member names."""
    src_dir = Path(src_dir)
    files = sorted((p for p in src_dir.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(src_dir).as_posix())
    members = []
    with zipfile.ZipFile(archive, "w") as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(src_dir).as_posix()}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the fixed permissions below are honoured on extraction
            info.external_attr = (0o100000 | FILE_MODE) << 16
            zf.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            members.append(info.filename)
    return members


def build_release(processed_dir: Path | None = None, dist_dir: Path | None = None, *,
                  citation_file: Path | None = None, duckdb_file: bool = True) -> Release:
    """Write dist/policykit-data-<version>.zip (and, optionally, the DuckDB database beside it)."""
    processed_dir = Path(processed_dir or config.PROCESSED_DIR)
    dist_dir = Path(dist_dir or DIST_DIR)
    dist_dir.mkdir(parents=True, exist_ok=True)
    name = release_name()
    archive = dist_dir / f"{name}.zip"
    with tempfile.TemporaryDirectory(prefix=".release-", dir=dist_dir) as tmp:
        stage = Path(tmp) / name
        tables = stage_release(processed_dir, stage, citation_file)
        partial = Path(tmp) / f"{name}.zip"
        members = write_zip(stage, partial, name)
        partial.replace(archive)
        db = None
        if duckdb_file:
            # DuckDB files carry a random database id, so they cannot be byte-reproducible: shipped beside
            # the archive, which holds policykit.sql to recreate the same database from the Parquet files.
            db = dist_dir / f"{name}.duckdb"
            made = write_duckdb(Path(tmp) / "policykit.duckdb", [n for n in TABLES if n in tables], stage)
            made.replace(db)
    return Release(archive=archive, sha256=sha256_file(archive), members=members, duckdb=db)


def _release(args: argparse.Namespace) -> int:
    """Run the `policykit release` command."""
    result = build_release(args.processed, args.dist, duckdb_file=not args.no_duckdb)
    print(f"{result.archive}")
    print(f"sha256 {result.sha256}")
    if result.duckdb is not None:
        print(f"{result.duckdb} (DuckDB database; not byte-reproducible, rebuild with policykit.sql)")
    return 0


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add the `release` sub-command."""
    p = subparsers.add_parser("release", help="write the reproducible archive of the published tables")
    p.add_argument("--processed", type=Path, default=None, help="published tables (default data/processed)")
    p.add_argument("--dist", type=Path, default=None, help="output folder (default dist)")
    p.add_argument("--no-duckdb", action="store_true",
                   help="do not write the DuckDB database beside the archive")
    p.set_defaults(func=_release)
