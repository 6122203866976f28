"""Stage 1, sources: raw files to decoded text, with checksum, encoding and script.

- reads data/raw/MANIFEST.csv and verifies the checksum of every listed file;
- accepts files the manifest does not list (reported with in_manifest = False);
- detects the encoding: a BOM (UTF-8, UTF-16, UTF-32), else strict UTF-8, else UTF-16 without BOM or
  GB18030 where they decode to readable Chinese or English text, else charset-normalizer's best guess
  if that is readable;
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


def _is_binary(text: str) -> bool:
    """True when the decoded text holds control characters that no text file has."""
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad > max(2, len(text) // 1000)


def _decode_bom(data: bytes, where: str | Path) -> tuple[str, str] | None:
    """Decode a file that starts with a byte-order mark; None if it has none."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc).removeprefix("\ufeff"), enc
            except UnicodeDecodeError as exc:
                raise InputError(where, f"starts with a {enc} byte-order mark but is not valid {enc}: {exc.reason} "
                                 f"at byte {exc.start}") from None
    return None


def decode_bytes(data: bytes, where: str | Path) -> tuple[str, str]:
    """Decode raw bytes to text; return (text, encoding) or raise InputError."""
    if not data.strip():
        raise InputError(where, "empty file")
    with_bom = _decode_bom(data, where)
    if with_bom is not None:
        return with_bom
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise InputError(where, "truncated UTF-8: the file ends inside a multi-byte character") from None
    else:
        if _is_binary(text):
            raise InputError(where, "binary file (control characters), not text")
        return text, "utf-8"
    for enc in ("utf-16-le", "utf-16-be"):
        text = _decode_plausible(data, enc, 0.95) if len(data) % 2 == 0 else None
        if text is not None:
            return text, enc
    if b"\x00" in data:
        raise InputError(where, "binary file (contains zero bytes), not text")
    text = _decode_plausible(data, "gb18030", 0.9)
    if text is not None:
        return text, "gb18030"
    best = from_bytes(data).best()
    if best is not None and best.encoding and _plausibility(str(best)) >= 0.9:
        return str(best), best.encoding
    raise InputError(where, "undecodable: not UTF-8, UTF-16 or GB18030, and no other encoding gives readable text")


def _plausibility(text: str) -> float:
    """Share of characters a Chinese or English text is made of: Han, CJK punctuation, printable ASCII, spaces."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if ch.isspace() or " " <= ch <= "~" or "\u3000" <= ch <= "\u303f"
             or "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027")
    return ok / len(text)


def _decode_plausible(data: bytes, encoding: str, threshold: float) -> str | None:
    """Decode strictly with encoding if that gives readable text, else None."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _plausibility(text) >= threshold and not _is_binary(text) else None


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
