"""Stage 1, sources: raw files to decoded text, with checksum, encoding and script.

- reads data/raw/MANIFEST.csv and verifies the checksum of every listed file;
- accepts files the manifest does not list (reported with in_manifest = False);
- detects the encoding: a BOM (UTF-8, UTF-16, UTF-32), else strict UTF-8, else UTF-16 without BOM or
  GB18030 where they decode to readable Chinese or English text, else charset-normalizer's best guess
  if that is readable;
- refuses empty, binary and undecodable files with a one-line InputError naming the file, and text
  holding a control character (a NUL byte, an escape …) with its line and column;
- reads the raw folder recursively: a file's path relative to the folder is its name (source_file), so
  that equal file names in two folders stay distinct; hidden files and folders are not read;
- takes the text of HTML, Word (.docx) and PDF files (policykit.ingest.extract);
- skips, with its reason, every file it does not read: an unsupported format, a backup or temporary
  file, a hidden file, a path that is not a readable file (a folder named foo.txt, a broken symlink);
- with keep_going, a file that cannot be read (empty, binary, undecodable, a PDF without text) is
  skipped with its reason too; without it, one InputError lists every such file.
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
from policykit.errors import BadFilesError, InputError, InputWarning
from policykit.ingest.extract import (
    DOCX_SUFFIXES,
    HTML_SUFFIXES,
    PDF_SUFFIXES,
    docx_text,
    format_of,
    html_text,
    pdf_text,
)

TEXT_SUFFIXES = (".txt", ".md", ".text")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES
"""Every suffix the build reads (case-insensitive); other files are skipped with their reason."""
# backup and temporary files of editors and office programs: skipped even where their suffix is read
BACKUP_RE = re.compile(r"(~$|^~\$|^\.~lock\.|\.(bak|orig|swp|swo|tmp|old|rej)$|^#.*#$)", re.IGNORECASE)

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
    relative: str = ""  # path relative to the raw folder, with forward slashes
    format: str = "text"  # text, html, docx or pdf

    @property
    def name(self) -> str:
        """Name of the file in the raw folder: its relative path (the file name for a top-level file)."""
        return self.relative or self.path.name


@dataclass(frozen=True)
class Skipped:
    """A file of the raw folder the build did not read, and why."""

    name: str  # path relative to the raw folder
    reason: str
    n_bytes: int | None = None
    sha256: str | None = None
    bad: bool = False  # a file of a read format that could not be read (an error without keep_going)


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


def _why_not_read(path: Path) -> str | None:
    """Why a file of the raw folder is not read by its name alone (None if its format is read)."""
    name = path.name
    if BACKUP_RE.search(name):
        return "skipped: a backup or temporary file"
    if path.suffix.lower() not in SUFFIXES:
        suffix = path.suffix or "no suffix"
        return f"skipped: format not read ({suffix}); formats read: {', '.join(SUFFIXES)}"
    return None


def _relative(path: Path, raw_dir: Path) -> str:
    """The path relative to the raw folder, with forward slashes."""
    return path.relative_to(raw_dir).as_posix()


def check_raw_dir(raw_dir: Path) -> None:
    """Refuse a raw folder that does not exist or is a file, naming the --raw option."""
    if raw_dir.is_file():
        raise InputError(raw_dir, "is a file; --raw takes a folder of documents (.txt, .md, .html, .docx, .pdf, "
                                  "in sub-folders too)")
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "raw data folder does not exist (--raw takes a folder of documents)")


def scan(raw_dir: Path) -> tuple[list[Path], list[Skipped]]:
    """Files of a raw folder and its sub-folders that the build reads, and those it skips with the reason.

    Both sorted by relative path; the manifest (MANIFEST.csv at the top) is neither. Hidden folders are
    one skipped entry each, not entered.
    """
    check_raw_dir(raw_dir)
    files: list[Path] = []
    skipped: list[Skipped] = []
    pending = [raw_dir]
    while pending:
        folder = pending.pop()
        for p in sorted(folder.iterdir()):
            relative = _relative(p, raw_dir)
            if folder == raw_dir and p.name == MANIFEST_NAME:
                continue
            if p.name.startswith(".") and not p.name.startswith(".~lock."):
                kind = "folder" if p.is_dir() and not p.is_symlink() else "file"
                skipped.append(Skipped(relative, f"skipped: a hidden {kind}"))
                continue
            if p.is_dir() and not p.is_symlink():
                pending.append(p)
                continue
            why = _why_skipped(p) or _why_not_read(p)
            if why is None:
                files.append(p)
            else:
                skipped.append(_skipped(p, relative, why))
    files.sort(key=lambda p: _relative(p, raw_dir))
    skipped.sort(key=lambda s: s.name)
    return files, skipped


def _skipped(path: Path, relative: str, reason: str, bad: bool = False) -> Skipped:
    """A skipped file with its size and checksum where it can be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return Skipped(relative, reason, bad=bad)
    return Skipped(relative, reason, len(data), sha256_bytes(data), bad)


def raw_files(raw_dir: Path, warn: bool = True) -> list[Path]:
    """Files of a raw folder (and its sub-folders) the build reads, sorted by relative path.

    A path with a read suffix that is not a readable file (a folder named foo.txt, a broken symlink) is
    skipped, with a warning line where warn is true.
    """
    files, skipped = scan(raw_dir)
    if warn:
        for s in skipped:
            if Path(s.name).suffix.lower() in SUFFIXES and not s.reason.startswith("skipped: a hidden"):
                warnings.warn(InputWarning(raw_dir / s.name, s.reason), stacklevel=2)
    if not files:
        raise InputError(raw_dir, f"no documents to read ({', '.join(SUFFIXES)}) in the folder or its sub-folders")
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


def read_source(path: Path, manifest: dict[str, ManifestEntry], relative: str | None = None) -> Source:
    """Read one raw file and take its text, verifying its checksum when the manifest lists it."""
    relative = relative or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(relative, f"cannot be read ({exc.strerror})") from None
    digest = sha256_bytes(data)
    entry = manifest.get(relative)
    if entry is not None and entry.sha256 != digest:
        raise InputError(relative, f"checksum does not match the manifest (sha256 {digest[:12]}…, "
                                   f"manifest {entry.sha256[:12]}…): raw files must not be edited")
    fmt = format_of(path)
    if not data.strip():
        raise InputError(relative, "empty file")
    if fmt == "html":
        text, encoding = html_text(data, relative)
    elif fmt == "docx":
        text, encoding = docx_text(data, relative), None
    elif fmt == "pdf":
        text, encoding = pdf_text(data, relative), None
    else:
        text, encoding = decode_bytes(data, relative)
    if fmt != "text" and not text.strip():
        raise InputError(relative, f"no text in the {fmt.upper()} file")
    check_control(text, relative)
    return Source(path, text, digest, len(data), encoding, newline_style(text),
                  entry.original_name if entry else None, entry is not None, relative, fmt)


def read_sources(raw_dir: Path) -> list[Source]:
    """Read every file of a raw folder; one that cannot be read is an error (see read_raw)."""
    return read_raw(raw_dir)[0]


def read_raw(raw_dir: Path, keep_going: bool = False) -> tuple[list[Source], list[Skipped]]:
    """Read every file of a raw folder: (the sources read, the files skipped with their reasons).

    A file listed in the manifest but missing is an error. A file that cannot be read is skipped with
    its reason under keep_going; otherwise one BadFilesError lists every such file.
    """
    manifest = read_manifest(raw_dir)
    files, skipped = scan(raw_dir)
    names = {_relative(p, raw_dir) for p in files} | {s.name for s in skipped}
    missing = sorted(set(manifest) - names)
    if missing:
        raise InputError(raw_dir / missing[0], "listed in the manifest but missing from the raw folder")
    sources, bad = [], []
    for p in files:
        relative = _relative(p, raw_dir)
        try:
            sources.append(read_source(p, manifest, relative))
        except InputError as exc:
            bad.append(_skipped(p, relative, f"not read: {exc.reason}", bad=True))
    if bad and not keep_going:
        raise BadFilesError(raw_dir, [(s.name, s.reason.removeprefix("not read: ")) for s in bad])
    if not sources:
        raise InputError(raw_dir, f"no readable documents ({', '.join(SUFFIXES)}) in the folder or its sub-folders")
    return sources, sorted([*skipped, *bad], key=lambda s: s.name)
