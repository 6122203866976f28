"""The curated word lists of the project: the domain dictionary and the stopwords, read from resources/.

resources/domain_terms.tsv and resources/stopwords_project.tsv hold one entry per line with the reason it is
there (`term<TAB>reason`, `word<TAB>reason`); resources/stopwords_zh_iso.txt is the Stopwords ISO list for
Chinese. The tokeniser and the quantity recogniser both read them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from policykit import config
from policykit.errors import InputError

DOMAIN_TERMS_FILE = config.RESOURCES_DIR / "domain_terms.tsv"
STOPWORDS_ISO_FILE = config.RESOURCES_DIR / "stopwords_zh_iso.txt"
STOPWORDS_PROJECT_FILE = config.RESOURCES_DIR / "stopwords_project.tsv"


def _read_tsv_column(path: Path, header: str) -> list[str]:
    """Return the first column of a resource TSV (comments and header skipped), in file order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read resource file ({exc.strerror})") from None
    out: list[str] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == header:
            continue
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError(path, f"line {n}: expected '{header}<TAB>reason', got {line!r}")
        out.append(cells[0].strip())
    return out


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """Return the curated domain dictionary, in file order."""
    return tuple(dict.fromkeys(_read_tsv_column(DOMAIN_TERMS_FILE, "term")))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return all stopwords: the Stopwords ISO Chinese list plus the project list, minus domain terms."""
    iso = [
        w.strip()
        for w in STOPWORDS_ISO_FILE.read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    ]
    project = _read_tsv_column(STOPWORDS_PROJECT_FILE, "word")
    return frozenset(iso).union(project).difference(domain_terms())
