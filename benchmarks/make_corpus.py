"""Write a raw corpus N times the size of data/raw, made of distinct documents derived from the real ones.

Copy k of every raw file (k = 0 … N-1) is the original with, for k > 0:
- its Chinese characters substituted by a permutation of the corpus's characters keyed by k, except in
  titles, numbering, dates and the words targets are made of (年, 到, 以上, 倍 …). One paragraph in five
  is keyed by the pair (2j, 2j+1) instead, so every copy shares about a fifth of its text with exactly one
  other copy: a fixed reuse rate. Shuffled copies alone would share nearly all their text with every other
  copy, which makes the work of witness matching and text reuse grow with the square of the copies
  whatever the method, since the output itself does;
- years and quantities shifted by k (so targets and dates differ from copy to copy);
- body paragraphs shuffled within each run between headings (structure lines stay where they are),
  and the sentences of every long line shuffled after its first (which holds an item's heading);
- a copy marker put before the document-type ending of every title: 关于…的指导意见 -> 关于…（第7辑）的指导意见.
The shuffle is seeded by the paragraph text and k, so a document that occurs in two raw files is
perturbed the same way in both and stays one document with two witnesses. No manifest is written:
the build reads the files as new, unlisted ones.

Usage: python benchmarks/make_corpus.py N OUTDIR [--raw DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from functools import cache
from pathlib import Path

from policykit import config
from policykit.ingest.kinds import DOC_TYPES
from policykit.ingest.normalize import content_key, normalize, normalize_text
from policykit.ingest.segment import CREDIT_RE, DATE_LINE_RE, DOC_NUMBER_RE, NUMBERED_RE, is_title
from policykit.ingest.sources import raw_files

YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*(?:年|—|–|-|至|~))")
QUANTITY_RE = re.compile(r"(?<![\d.〔])(\d{1,5})(?=\s*(?:%|％|个|项|家|亿|万|倍|余|多|条|类|种|所|座))")
TYPE_END_RE = re.compile(rf"(?:的)?(?:{DOC_TYPES})(?:（[^（）]{{1,20}}）)*(?:\d{{4}}年?)?$")
SENTENCE_RE = re.compile(r"[^。；！？]*[。；！？]")
BODY_MIN_CHARS = 12  # shorter lines are headings, menus or dates: they keep their place
FIXED_HEAD = 3  # the first lines of a file say what it is (an explainer's 图解): they keep their place


KEEP = set("年月日到前底以上下超过不少于约逾余多倍增长翻番万亿千百元个家项条类种每起施行预计将达截至自")
SHARED_EVERY = 5  # one paragraph in five is shared with the neighbouring copy


@cache
def _alphabet() -> tuple[str, ...]:
    """The Chinese characters of the canonical raw corpus, sorted (what the substitution permutes)."""
    chars = {ch for path in raw_files(config.RAW_DIR) for ch in canonical_text(path)
             if "\u4e00" <= ch <= "\u9fff" and ch not in KEEP}
    return tuple(sorted(chars))


@cache
def canonical_text(path: Path) -> str:
    """Canonical text of a raw file."""
    return normalize_text(path.read_text(encoding="utf-8"))


@cache
def _cipher(key: int) -> dict[str, str]:
    """The substitution of copy key: a permutation of the alphabet (identity for key 0)."""
    letters = list(_alphabet())
    shuffled = sorted(letters, key=lambda ch: hashlib.sha1(f"{key}\x00{ch}".encode()).digest()) if key else letters
    return dict(zip(letters, shuffled, strict=True))


@cache
def _simplified(ch: str) -> str:
    """The simplified form of one character (a traditional witness is substituted like its original)."""
    return normalize_text(ch) or ch


def substitute(line: str, k: int) -> str:
    """Line with its Chinese characters substituted for copy k; numbering prefix and kept words untouched."""
    s = canonical(line)
    if not s or is_title(s) or DATE_LINE_RE.match(s) or CREDIT_RE.match(s) or DOC_NUMBER_RE.match(s):
        return line
    shared = int(hashlib.sha1(content_key(s).encode()).hexdigest(), 16) % SHARED_EVERY == 0
    table = _cipher(k // 2 * 2 if shared else k)
    m = NUMBERED_RE.match(line.strip())
    lead = (len(line) - len(line.lstrip())) + (m.end() if m else 0)
    body = "".join(table.get(_simplified(ch), ch) if "\u3400" <= ch <= "\u9fff" else ch for ch in line[lead:])
    return line[:lead] + body


@cache
def canonical(line: str) -> str:
    """Canonical simplified text of a raw line (cached: every copy looks at the same lines)."""
    return normalize_text(line).strip()


def shift_numbers(line: str, k: int) -> str:
    """Shift years by k and other quantities by k."""
    line = YEAR_RE.sub(lambda m: str(int(m.group(1)) + k), line)
    return QUANTITY_RE.sub(lambda m: str(int(m.group(1)) + k), line)


def mark_title(line: str, k: int) -> str:
    """Insert the copy marker （第k辑） before the document-type ending of a title line."""
    canon = normalize(line.strip())
    m = TYPE_END_RE.search(canon.text)
    if not m:
        return line
    lead = len(line) - len(line.lstrip())
    at = lead + int(canon.origin[m.start()])
    return f"{line[:at]}（第{k}辑）{line[at:]}"


def is_body(line: str) -> bool:
    """True for a paragraph that may move: long, unnumbered, not a title, date or credit line."""
    s = canonical(line)
    return (len(s) >= BODY_MIN_CHARS and not NUMBERED_RE.match(s) and not is_title(s)
            and not DATE_LINE_RE.match(s) and not CREDIT_RE.match(s) and not DOC_NUMBER_RE.match(s))


def _order_key(line: str, k: int) -> str:
    """A permutation key that depends only on the paragraph's canonical content and the copy index."""
    # canonical content, so that a traditional witness is permuted like its simplified original
    return hashlib.sha1(f"{k}\x00{content_key(canonical(line))}".encode()).hexdigest()


def shuffle_paragraphs(lines: list[str], k: int) -> list[str]:
    """Permute body paragraphs within each run that contains no structure line."""
    out = list(lines)
    run: list[int] = []
    head = [i for i, ln in enumerate(lines) if ln.strip()][:FIXED_HEAD]
    for i in range(len(lines) + 1):
        if i < len(lines) and i not in head and (not lines[i].strip() or is_body(lines[i])):
            if lines[i].strip():
                run.append(i)
            continue
        for slot, line in zip(run, sorted((lines[j] for j in run), key=lambda s: _order_key(s, k)), strict=True):
            out[slot] = line
        run = []
    return out


def shuffle_sentences(line: str, k: int) -> str:
    """Permute the sentences of a line (after the first, in a numbered item); an unterminated tail stays last."""
    s = canonical(line)
    if len(s) < BODY_MIN_CHARS or is_title(s) or DATE_LINE_RE.match(s) or CREDIT_RE.match(s):
        return line
    sentences = SENTENCE_RE.findall(line)
    keep = 1 if NUMBERED_RE.match(s) else 0
    if len(sentences) < keep + 2:
        return line
    tail = line[sum(map(len, sentences)):]
    rest = sorted(sentences[keep:], key=lambda x: _order_key(x, k))
    return "".join([*sentences[:keep], *rest, tail])


def variant(text: str, k: int) -> str:
    """Copy k of a decoded raw text (k = 0 is the text itself)."""
    if k == 0:
        return text
    lines = text.split("\n")
    lines = [mark_title(ln, k) if is_title(canonical(ln)) else ln for ln in lines]
    lines = [shuffle_sentences(ln, k) for ln in shuffle_paragraphs(lines, k)]
    head = {i for i in [i for i, ln in enumerate(lines) if ln.strip()][:FIXED_HEAD] if len(canonical(lines[i])) <= 40}
    lines = [ln if i in head else substitute(ln, k) for i, ln in enumerate(lines)]
    return "\n".join(shift_numbers(ln, k) for ln in lines)


def make_corpus(n: int, out_dir: Path, raw_dir: Path = config.RAW_DIR) -> list[Path]:
    """Write n copies of every raw file into out_dir; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in raw_files(raw_dir):
        text = path.read_text(encoding="utf-8")
        for k in range(n):
            target = out_dir / f"c{k:03d}_{path.name}"
            target.write_text(variant(text, k), encoding="utf-8", newline="")
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: N OUTDIR [--raw DIR]."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="how many copies of the raw corpus")
    p.add_argument("out", type=Path, help="folder to write the raw files into")
    p.add_argument("--raw", type=Path, default=config.RAW_DIR, help="source raw folder (default data/raw)")
    args = p.parse_args(argv)
    files = make_corpus(args.n, args.out, args.raw)
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files, {size / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
