"""Stage 1, sources: raw files to decoded text, with checksum, encoding and script.

- reads data/raw/MANIFEST.csv and verifies the checksum of every listed file;
- accepts files the manifest does not list (reported with in_manifest = False);
- detects the encoding: a BOM (UTF-8, UTF-16, UTF-32), else strict UTF-8, else UTF-16 without BOM
  (recognised by its zero bytes), else GB18030, else charset-normalizer's best guess;
- refuses empty, binary and undecodable files with a one-line InputError naming the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .config import MANIFEST_NAME
from .errors import InputError

TEXT_SUFFIXES = (".txt", ".md", ".text")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Source:
    """One decoded raw file."""

    path: Path
    text: str  # decoded text, BOM removed, line endings as in the file
    sha256: str
    n_bytes: int
    encoding: str
    newline: str
    original_name: str | None
    in_manifest: bool

    @property
    def name(self) -> str:
        """File name in the raw folder."""
        return self.path.name


@dataclass(frozen=True)
class ManifestEntry:
    """One row of the raw manifest."""

    file: str
    original_name: str
    sha256: str
    n_bytes: int


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(raw_dir: Path) -> dict[str, ManifestEntry]:
    """Read MANIFEST.csv of a raw folder (empty if there is none)."""
    path = raw_dir / MANIFEST_NAME
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    needed = {"file", "original_name", "sha256", "bytes"}
    if rows and not needed <= set(rows[0]):
        raise InputError(path, f"manifest needs the columns {sorted(needed)}")
    return {r["file"]: ManifestEntry(r["file"], r["original_name"], r["sha256"], int(r["bytes"])) for r in rows}


def raw_files(raw_dir: Path) -> list[Path]:
    """Text files of a raw folder, sorted by name (the manifest itself excluded)."""
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "raw data folder does not exist")
    files = sorted(p for p in raw_dir.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        raise InputError(raw_dir, f"no raw text files ({', '.join(TEXT_SUFFIXES)}) in the folder")
    return files


def _looks_utf16(data: bytes) -> str | None:
    """Return utf-16-le/-be when the zero bytes sit on one side of most code units, as in CJK+ASCII UTF-16."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.2 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.2 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _is_binary(text: str) -> bool:
    """True when the decoded text holds control characters that no text file has."""
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad > max(2, len(text) // 1000)


def decode_bytes(data: bytes, where: str | Path) -> tuple[str, str]:
    """Decode raw bytes to text; return (text, encoding) or raise InputError."""
    if not data.strip():
        raise InputError(where, "empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc).removeprefix("\ufeff"), enc
            except UnicodeDecodeError as exc:
                raise InputError(where, f"starts with a {enc} byte-order mark but is not valid {enc}: {exc.reason} "
                                 f"at byte {exc.start}") from None
    candidates: list[str] = ["utf-8"]
    utf16 = _looks_utf16(data)
    if utf16:
        candidates.insert(0, utf16)
    elif b"\x00" in data:
        raise InputError(where, "binary file (contains zero bytes), not text")
    candidates.append("gb18030")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _is_binary(text):
            raise InputError(where, "binary file (control characters), not text")
        return text, enc
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(where, "undecodable: not UTF-8, UTF-16 or GB18030, and no other encoding fits")
    text = str(best)
    if _is_binary(text):
        raise InputError(where, "binary file (control characters), not text")
    return text, best.encoding


def newline_style(text: str) -> str:
    """Line-ending convention of a text: lf, crlf, cr, mixed (or lf for a single line)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [k for k, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "lf")


def read_source(path: Path, manifest: dict[str, ManifestEntry]) -> Source:
    """Read and decode one raw file, verifying its checksum when the manifest lists it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    digest = sha256_bytes(data)
    entry = manifest.get(path.name)
    if entry is not None and entry.sha256 != digest:
        raise InputError(path, f"checksum does not match the manifest (sha256 {digest[:12]}…, "
                               f"manifest {entry.sha256[:12]}…): raw files must not be edited")
    text, encoding = decode_bytes(data, path)
    return Source(path, text, digest, len(data), encoding, newline_style(text),
                  entry.original_name if entry else None, entry is not None)


def read_sources(raw_dir: Path) -> list[Source]:
    """Read every raw file of a folder; a file listed in the manifest but missing is an error."""
    manifest = read_manifest(raw_dir)
    files = raw_files(raw_dir)
    missing = sorted(set(manifest) - {p.name for p in files})
    if missing:
        raise InputError(raw_dir / missing[0], "listed in the manifest but missing from the raw folder")
    return [read_source(p, manifest) for p in files]
