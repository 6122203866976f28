"""Stage 1, sources: raw files to decoded text, with checksum, encoding and script.

- reads data/raw/MANIFEST.csv and verifies the checksum of every listed file;
- accepts files the manifest does not list (reported with in_manifest = False);
- detects the encoding: a BOM (UTF-8, UTF-16, UTF-32), else strict UTF-8, else UTF-16 without BOM or
  GB18030 where they decode to readable Chinese or English text, else charset-normalizer's best guess
  if that is readable;
- refuses empty, binary and undecodable files with a one-line InputError naming the file, and text
  holding a control character (a NUL byte, an escape …) with its line and column;
- warns (one line, InputWarning) about a path with a text suffix that is not a readable file: a folder
  named foo.txt, a broken symlink or a symlink loop.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from policykit.config import MANIFEST_NAME
from policykit.errors import InputError, InputWarning

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


def _why_skipped(path: Path) -> str | None:
    """Why a path with a text suffix is not read as a raw file (None if it is a readable file)."""
    try:
        if path.is_file():
            return None
    except OSError as exc:  # a symlink loop raises on some Pythons
        return f"skipped: cannot be followed ({exc.strerror or exc})"
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "skipped: a symlink loop"
        except OSError:
            return "skipped: a symlink to nothing (loop or missing target)"
        return "skipped: a symlink to something that is not a file"
    if path.is_dir():
        return "skipped: a folder, not a file"
    return "skipped: not a regular file"


def raw_files(raw_dir: Path, warn: bool = True) -> list[Path]:
    """Text files of a raw folder, sorted by name (the manifest itself excluded).

    A path with a text suffix that is not a readable file is skipped with a warning line.
    """
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "raw data folder does not exist")
    files = []
    for p in sorted(raw_dir.iterdir()):
        if p.suffix.lower() not in TEXT_SUFFIXES:
            continue
        why = _why_skipped(p)
        if why is None:
            files.append(p)
        elif warn:
            warnings.warn(InputWarning(p, why), stacklevel=2)
    if not files:
        raise InputError(raw_dir, f"no raw text files ({', '.join(TEXT_SUFFIXES)}) in the folder")
    return files


# control characters no text file holds (tab, line feed, vertical tab, form feed and carriage return are
# layout); regular expressions count them in C: a Python loop over every character costs seconds per 100 MB
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_RE = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
_PLAUSIBLE_RE = re.compile("[\\s\x20-\x7e\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2010-\u2027]")


def _is_binary(text: str) -> bool:
    """True when the decoded text holds control characters that no text file has."""
    bad = len(_BINARY_RE.findall(text))
    return bad > max(2, len(text) // 1000)


def check_control(text: str, where: str | Path) -> None:
    """Refuse text holding a control character, naming the first one with its line and column."""
    m = CONTROL_RE.search(text)
    if m is None:
        return
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    n = len(CONTROL_RE.findall(text))
    raise InputError(where, f"control character U+{ord(m.group()):04X} at line {line}, column {column} "
                            f"({n} in the file): not plain text; remove them from the file")


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
    return len(_PLAUSIBLE_RE.findall(text)) / len(text)


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
    check_control(text, path)
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
