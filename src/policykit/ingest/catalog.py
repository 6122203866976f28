"""The curated catalog: facts about documents that their texts do not state, each with its basis."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from policykit.errors import InputError
from policykit.zh import title_key

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Entry:
    """One curated document."""

    doc_id: str
    match_title: str | None
    match_opening: str | None
    title_en: str | None
    issuer: str | None
    doc_number: str | None
    doc_number_basis: str | None
    date_signed: str | None = None  # 成文/通过: the date the document was signed or adopted
    date_signed_basis: str | None = None
    date_published: str | None = None
    date_published_basis: str | None = None
    date_effective: str | None = None
    date_effective_basis: str | None = None
    period: str | None = None  # yyyy-mm where only the month is known
    date_basis: str | None = None  # basis of period
    related_doc_id: str | None = None  # a document this one is about (a consultation notice -> its draft)

    def dated(self, kind: str) -> tuple[str | None, str | None]:
        """(date, basis) of one kind: signed, published or effective."""
        return getattr(self, f"date_{kind}"), getattr(self, f"date_{kind}_basis")


@dataclass(frozen=True)
class Erratum:
    """A curated correction of one raw file, bound to its checksum: a line break the text lost."""

    source_sha256: str
    text: str  # the exact canonical text it applies to, found once in the file
    line_break_after: str  # the start of text after which the lost line break goes
    basis: str


class Catalog(list):
    """The catalog's document entries (a list of Entry), with the errata of raw files beside them."""

    errata: list[Erratum]

    def __init__(self, entries: list[Entry] = (), errata: list[Erratum] = ()) -> None:
        """Entries and errata."""
        super().__init__(entries)
        self.errata = list(errata)


def read_errata(data: dict, path: Path) -> list[Erratum]:
    """The [[erratum]] tables of the catalog, checked."""
    out = []
    for i, raw in enumerate(data.get("erratum", []), 1):
        where = f"{path} (erratum {i})"
        try:
            e = Erratum(**{k: raw[k] for k in Erratum.__dataclass_fields__})
        except KeyError as exc:
            raise InputError(where, f"missing {exc.args[0]}") from None
        if not re.fullmatch(r"[0-9a-f]{64}", e.source_sha256):
            raise InputError(where, "source_sha256 is not a SHA-256 hex digest")
        if not e.text.startswith(e.line_break_after) or e.text == e.line_break_after:
            raise InputError(where, "line_break_after must be a proper start of text")
        out.append(e)
    return out


def _check_dates(entry: Entry, where: str) -> None:
    """Raise InputError unless every date is yyyy-mm-dd (a period yyyy-mm) and has its basis."""
    for kind in ("signed", "published", "effective"):
        date, basis = entry.dated(kind)
        if date and not ISO_DATE_RE.match(date):
            raise InputError(where, f"date_{kind} {date!r} is not yyyy-mm-dd")
        if date and not basis:
            raise InputError(where, f"date_{kind} needs its date_{kind}_basis")
    if entry.period and not MONTH_RE.match(entry.period):
        raise InputError(where, f"period {entry.period!r} is not yyyy-mm")
    if entry.period and not entry.date_basis:
        raise InputError(where, "a period needs its date_basis")


def read_catalog(path: Path) -> Catalog:
    """Read and check the catalog (an absent file is an empty catalog)."""
    if not path.is_file():
        return Catalog()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    entries = []
    for i, raw in enumerate(data.get("document", []), 1):
        fields = {k: raw.get(k) for k in Entry.__dataclass_fields__}
        entry = Entry(**fields)
        where = f"{path} (document {i})"
        if not entry.doc_id or not SLUG_RE.match(entry.doc_id):
            raise InputError(where, f"doc_id {entry.doc_id!r} is not a lower-case ASCII slug")
        if not (entry.match_title or entry.match_opening):
            raise InputError(where, "needs match_title or match_opening")
        if "date" in raw:
            raise InputError(where, "date is ambiguous: give date_signed, date_published or date_effective")
        _check_dates(entry, where)
        entries.append(entry)
    ids = [e.doc_id for e in entries]
    if len(set(ids)) != len(ids):
        raise InputError(path, "doc_id values are not unique")
    return Catalog(entries, read_errata(data, path))


def match(entries: list[Entry], title: str | None, text: str) -> Entry | None:
    """The catalog entry of a document, by its title or the opening of its text."""
    key = title_key(title or "")
    opening = title_key(text[:200])
    for e in entries:
        if e.match_title and title_key(e.match_title) == key:
            return e
        if e.match_opening and opening.startswith(title_key(e.match_opening)):
            return e
    return None
