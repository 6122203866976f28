"""The build cache: one slot per raw folder, keyed on everything that shapes the output.

Nothing here imports pandas or pyarrow: a build restored from the cache only copies files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

from policykit import __version__, config
from policykit.build.stages import declarations
from policykit.errors import InputError
from policykit.ingest.sources import scan

# Libraries whose version can change the tables. The key also covers every other declared dependency
# of the installed package (read from its metadata), so that a new one is never forgotten.
OUTPUT_DEPENDENCIES = ("jieba", "opencc", "rapidfuzz", "cn2an", "charset-normalizer", "datasketch", "numpy",
                       "scipy", "pandas", "polars", "pyarrow", "frictionless", "duckdb", "beautifulsoup4",
                       "python-docx", "pypdf", "pypinyin")


def dependency_versions() -> dict[str, str]:
    """Installed versions of the libraries the outputs depend on (name -> version, '-' if absent)."""
    names = set(OUTPUT_DEPENDENCIES)
    with contextlib.suppress(PackageNotFoundError):
        for req in requires("policykit") or []:
            if "extra ==" not in req or 'extra == "build"' in req:
                names.add(re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0].lower())
    out = {}
    for name in sorted(names):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def build_key(raw_dir: Path, catalog_file: Path, keep_going: bool = False, csv: bool = False) -> str:
    """Digest of everything the outputs depend on: raw bytes, catalog, library code, dependency versions."""
    h = hashlib.sha256()
    deps = " ".join(f"{n} {v}" for n, v in dependency_versions().items())
    parts = [f"policykit {__version__} python {sys.version_info[:3]} {deps} keep_going={keep_going} csv={csv}",
             *declarations()]
    try:
        inputs, skipped = scan(raw_dir)
    except InputError:
        inputs, skipped = [], []
    parts.extend(f"skipped {s.name} {s.sha256 or '-'} {s.reason}" for s in skipped)
    code = sorted(p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".tsv", ".txt"})
    for path in [*inputs, raw_dir / config.MANIFEST_NAME, catalog_file, *code]:
        name = path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.name
        parts.append(f"{name} {hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else '-'}")
    h.update("\n".join(parts).encode("utf-8"))
    return h.hexdigest()[:24]


def cache_slot(raw_dir: Path) -> Path:
    """The cache folder of one raw folder: a build of another folder never evicts this one's outputs."""
    digest = hashlib.sha256(str(raw_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return config.CACHE_DIR / "build" / digest


SKIPPED_FILE = ".skipped.json"
"""Beside a cached build's files: (file, reason) of the raw files it skipped (a restore reads no table)."""


def store(out_dir: Path, slot: Path, key: str, skipped: list[tuple[str, str]] = ()) -> None:
    """Keep a copy of a finished build as slot/<key> (with the files it skipped), dropping the slot's older copies."""
    with contextlib.suppress(OSError):
        slot.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".store-", dir=slot))
        shutil.copytree(out_dir, tmp, dirs_exist_ok=True)
        (tmp / SKIPPED_FILE).write_text(json.dumps([list(s) for s in skipped], ensure_ascii=False), encoding="utf-8")
        if (slot / key).exists():
            shutil.rmtree(slot / key)
        tmp.replace(slot / key)
        for old in slot.iterdir():
            if old.name != key:
                shutil.rmtree(old, ignore_errors=True)


def restore(cached: Path, folder: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Copy a cached build's files into folder: (the names copied, the raw files the build skipped)."""
    names = []
    for path in sorted(cached.iterdir()):
        if not path.name.startswith("."):
            shutil.copy2(path, folder / path.name)
            names.append(path.name)
    record = cached / SKIPPED_FILE
    skipped = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else []
    return names, [(str(name), str(reason)) for name, reason in skipped]
