"""Generality on a corpus policykit was not written for: the development corpus of laws and regulations.

The archive (../shared/external/laws-dev.tar.xz, see its README) holds one Markdown file per document:
`# title`, adoption and promulgation lines, `<!-- INFO END -->`, chapters `## 第一章 …` and articles
`第一条 …` at line start; many regulations come in several versions, the version date in the file name
(`…条例(2020-04-10).md`, `…条例(2024-09-27).md`). The file layout gives the expected answers, read
here straight from the raw files without any of policykit's parsing:

- documents vs files: every file is one document (byte-identical copies of a file are one document
  with several witnesses, so the expected count is the number of distinct file texts);
- titles: the document's title equals the file's `#` line (with a second `#` line right below it, as in
  `# 中华人民共和国民法典` / `# 侵权责任编`, the two together);
- articles: the document has as many 第X条 provisions as the file has lines starting with 第X条;
- dated from the text: the document's date comes from its own text (date_basis = text);
- version pairs: consecutive versions (by the file-name date) of the files of one folder sharing a
  base name are in one family, in that order, and their pair is in the alignment table;
- identical articles: an article whose text is the same (and unique) in both versions of a pair is
  paired with itself in the alignment.

Usage:
    python benchmarks/external.py                    # whole corpus, stages documents → alignment
    python benchmarks/external.py --fraction 4       # a quarter of the version groups (by a hash of their name)
    python benchmarks/external.py --data DIR         # score tables already built from the flattened corpus
    python benchmarks/external.py --full             # run `policykit build` (every stage) instead
The raw folder policykit reads is flat: each file is copied as `<folder>__<sub>__<name>.md`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
# the archive sits in the shared folder beside the repository (../shared/external)
ARCHIVE = next((p / "shared" / "external" / "laws-dev.tar.xz" for p in (REPO.parent, REPO.parent.parent)
                if (p / "shared" / "external" / "laws-dev.tar.xz").is_file()),
               REPO.parent / "shared" / "external" / "laws-dev.tar.xz")
VERSION_RE = re.compile(r"^(?P<base>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)\.md$")
ARTICLE_LINE_RE = re.compile(r"^[ \t\u3000]*第[一二三四五六七八九十百千零〇两\d]+条"
                             r"(?:之[一二三四五六七八九十]+)?[ \t\u3000]")
ARTICLE_LABEL_RE = re.compile(r"^第[一二三四五六七八九十百千零〇两\d]+条")
TARGET = 0.98
# the version date in a file name is often that of a revision the text's own lines do not mention: how often
# `date` equals it is shown for information, not held to the target
INFORMATIONAL = ("date = file-name version date",)


@dataclass(frozen=True)
class RawFile:
    """One file of the corpus: where it was in the archive, its flat name and what the layout says."""

    member: str
    flat: str
    group: str  # folder + base name: the versions of one document share it
    version_date: str | None
    title: str
    n_articles: int
    sha256: str


def opening_title(text: str) -> str:
    """The file's title: its opening `# heading`, with any `# heading` right below it (民法典 / 侵权责任编)."""
    parts = []
    for ln in text.splitlines():
        if not ln.strip():
            continue
        if not ln.startswith("# "):
            break
        parts.append(ln[2:].strip())
    return "".join(parts)


def flat_name(member: str) -> str:
    """The file's name in the flat raw folder: its archive path with folders joined by '__'."""
    return member.strip("./").replace("/", "__")


def read_archive(archive: Path, fraction: int) -> dict[str, tuple[RawFile, bytes]]:
    """The corpus files (a 1/fraction share of the version groups), by flat name."""
    out: dict[str, tuple[RawFile, bytes]] = {}
    with tarfile.open(archive, "r:xz") as tar:
        for m in tar.getmembers():
            if not m.isfile() or not m.name.endswith(".md"):
                continue
            folder, _, name = m.name.strip("./").rpartition("/")
            v = VERSION_RE.match(name)
            group = f"{folder}/{v.group('base') if v else name[:-3]}"
            if int(hashlib.sha1(group.encode()).hexdigest(), 16) % fraction:
                continue
            data = tar.extractfile(m).read()
            text = data.decode("utf-8")
            title = opening_title(text)
            n_art = sum(1 for ln in text.splitlines() if ARTICLE_LINE_RE.match(ln))
            rf = RawFile(m.name, flat_name(m.name), group, v.group("date") if v else None, title, n_art,
                         hashlib.sha256(data).hexdigest())
            out[rf.flat] = (rf, data)
    return out


def write_flat(files: dict[str, tuple[RawFile, bytes]], raw_dir: Path) -> None:
    """Write the files into a fresh flat raw folder."""
    if raw_dir.exists():
        shutil.rmtree(raw_dir)
    raw_dir.mkdir(parents=True)
    for flat, (_rf, data) in sorted(files.items()):
        (raw_dir / flat).write_bytes(data)


def build_stages(raw_dir: Path) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """documents, witnesses, provisions and alignment of the raw folder, and seconds per stage."""
    from policykit import build as pk_build
    from policykit import config
    from policykit.analysis.compare import build_comparison
    from policykit.ingest.catalog import read_catalog
    from policykit.ingest.documents import build_corpus
    from policykit.ingest.sources import read_sources

    times: dict[str, float] = {}
    t = time.perf_counter()
    sources = read_sources(raw_dir)
    times["sources"] = time.perf_counter() - t
    t = time.perf_counter()
    corpus = build_corpus(sources, read_catalog(config.CATALOG_FILE))
    times["documents"] = time.perf_counter() - t
    tables = {"documents": corpus.documents, "witnesses": corpus.witnesses}
    t = time.perf_counter()
    tables.update(pk_build.run_in_process("provisions", tables))
    times["provisions"] = time.perf_counter() - t
    t = time.perf_counter()
    tables["alignment"], _changes = build_comparison(tables["documents"], tables["provisions"])
    times["alignment"] = time.perf_counter() - t
    return tables, times


def build_full(raw_dir: Path, out_dir: Path) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """Every table of `policykit build` on the raw folder, and its wall time."""
    t = time.perf_counter()
    exe = Path(sys.executable).with_name("policykit")
    subprocess.run([str(exe), "build", "--no-cache", "--raw", str(raw_dir), "--out", str(out_dir)], check=True)
    return read_tables(out_dir), {"build": time.perf_counter() - t}


def read_tables(data_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables the figures need, from a build folder."""
    names = ("documents", "witnesses", "provisions", "alignment")
    return {n: pd.read_parquet(data_dir / f"{n}.parquet") for n in names}


def _key(text: str) -> str:
    """Letters and digits only."""
    return "".join(ch for ch in str(text) if ch.isalnum())


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.1%}" if total else "0/0"


def score(files: dict[str, RawFile], t: dict[str, pd.DataFrame]) -> dict[str, tuple[int, int]]:
    """The figures: (hits, total) for each, plus the document and file counts."""
    from policykit.ingest.normalize import normalize_text

    docs = t["documents"].set_index("doc_id")
    wit = t["witnesses"]
    prov = t["provisions"]
    doc_of: dict[str, set[str]] = defaultdict(set)
    for f, d in zip(wit["source_file"], wit["doc_id"], strict=True):
        doc_of[f].add(d)
    one_doc = {f: next(iter(ds)) for f, ds in doc_of.items() if len(ds) == 1}
    out: dict[str, tuple[int, int]] = {}
    out["files"] = (len(files), len(files))
    out["distinct file texts"] = (len({rf.sha256 for rf in files.values()}), len(files))
    out["documents"] = (len(docs), len(files))
    out["files that are exactly one document"] = (len([f for f in files if f in one_doc]), len(files))

    titles = [f for f, rf in files.items() if f in one_doc
              and _key(docs.at[one_doc[f], "title"] or "") == _key(normalize_text(rf.title))]
    out["titles = # line"] = (len(titles), len(files))

    labels = prov[prov["label"].fillna("").str.match(ARTICLE_LABEL_RE.pattern)]
    n_art = labels.groupby("doc_id").size()
    arts = [f for f, rf in files.items() if f in one_doc and int(n_art.get(one_doc[f], 0)) == rf.n_articles]
    out["article counts = 第X条 lines"] = (len(arts), len(files))

    dated = [f for f in files if f in one_doc and docs.at[one_doc[f], "date_basis"] == "text"]
    out["dated from the text"] = (len(dated), len(files))
    named = [f for f, rf in files.items() if rf.version_date]
    if "date" in docs.columns:
        agree = [f for f in named if f in one_doc and docs.at[one_doc[f], "date"] == files[f].version_date]
        out["date = file-name version date"] = (len(agree), len(named))

    pairs = expected_pairs(files)
    fam = docs["family_id"] if "family_id" in docs.columns else pd.Series(dtype=object)
    ver = docs["version"] if "version" in docs.columns else pd.Series(dtype=object)
    aligned_pairs = set(t["alignment"]["pair_id"]) if len(t["alignment"]) else set()
    linked, aligned, ident_hits, ident_total = 0, 0, 0, 0
    for old, new in pairs:
        a, b = one_doc.get(old), one_doc.get(new)
        if a is None or b is None or a == b:
            continue
        if (len(fam) and pd.notna(fam.get(a)) and fam.get(a) == fam.get(b)
                and pd.notna(ver.get(a)) and pd.notna(ver.get(b)) and int(ver[b]) == int(ver[a]) + 1):
            linked += 1
        pair_id = f"{a}__{b}"
        if pair_id in aligned_pairs:
            aligned += 1
        h, n = identical_articles_paired(prov, t["alignment"], a, b, pair_id)
        ident_hits, ident_total = ident_hits + h, ident_total + n
    out["version pairs linked (family, consecutive versions)"] = (linked, len(pairs))
    out["version pairs aligned"] = (aligned, len(pairs))
    out["identical articles paired"] = (ident_hits, ident_total)
    return out


def expected_pairs(files: dict[str, RawFile]) -> list[tuple[str, str]]:
    """(older, newer) flat names of consecutive versions of every group, by file-name date."""
    groups: dict[str, list[RawFile]] = defaultdict(list)
    for rf in files.values():
        if rf.version_date:
            groups[rf.group].append(rf)
    out = []
    for members in groups.values():
        dated = sorted(members, key=lambda r: r.version_date)
        out.extend((x.flat, y.flat) for x, y in zip(dated, dated[1:], strict=False) if x.version_date != y.version_date)
    return sorted(out)


def identical_articles_paired(prov: pd.DataFrame, alignment: pd.DataFrame, a: str, b: str,
                              pair_id: str) -> tuple[int, int]:
    """(paired, total) articles whose own text is identical and unique in both versions."""
    def articles(doc: str) -> dict[str, str]:
        rows = prov[(prov["doc_id"] == doc) & prov["label"].fillna("").str.match(ARTICLE_LABEL_RE.pattern)]
        by_text: dict[str, list[str]] = defaultdict(list)
        for pid, text, label in zip(rows["provision_id"], rows["text"], rows["label"], strict=True):
            body = _key(str(text)[len(str(label)):] if str(text).startswith(str(label)) else text)
            by_text[body].append(pid)
        return {k: v[0] for k, v in by_text.items() if len(v) == 1 and k}

    old, new = articles(a), articles(b)
    same = [(old[k], new[k]) for k in old.keys() & new.keys()]
    if not same:
        return 0, 0
    rows = alignment[alignment["pair_id"] == pair_id] if len(alignment) else alignment
    together = set()
    for d_ids, f_ids in zip(rows.get("draft_provision_ids", []), rows.get("final_provision_ids", []), strict=True):
        ds, fs = str(d_ids or "").split(";"), str(f_ids or "").split(";")
        together.update((x, y) for x in ds for y in fs)
    return sum(1 for p in same if p in together), len(same)


def main(argv: list[str] | None = None) -> int:
    """Build (or read) the dev corpus tables and print the generality figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--fraction", type=int, default=1, help="keep 1/N of the version groups (default: all)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykit-external"))
    ap.add_argument("--data", type=Path, help="score the tables of this build folder instead of building")
    ap.add_argument("--full", action="store_true", help="run `policykit build` (every stage)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)

    contents = read_archive(args.archive, args.fraction)
    files = {k: rf for k, (rf, _d) in contents.items()}
    raw_dir = args.work / f"raw-1of{args.fraction}"
    if args.data:
        tables, times = read_tables(args.data), {}
    else:
        write_flat(contents, raw_dir)
        if args.full:
            tables, times = build_full(raw_dir, args.work / f"processed-1of{args.fraction}")
        else:
            tables, times = build_stages(raw_dir)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = score(files, tables)
    mb = sum(len(d) for _rf, d in contents.values()) / 1e6
    print(f"corpus: {args.archive.name}, 1/{args.fraction} of the version groups, {len(files)} files, {mb:.1f} MB")
    for stage, s in times.items():
        print(f"  {stage:<12} {s:8.1f} s")
    print(f"  peak memory {peak_mb:8.0f} MB (this process)")
    width = max(len(k) for k in figures)
    for name, (hits, total) in figures.items():
        if name in ("files", "documents", "distinct file texts"):
            print(f"{name:<{width}}  {hits}")
            continue
        if name in INFORMATIONAL:
            print(f"{name:<{width}}  {_share(hits, total):<22} (for information)")
            continue
        flag = "ok" if total and hits / total >= TARGET else "below 98%"
        print(f"{name:<{width}}  {_share(hits, total):<22} {flag}")
    if args.json:
        args.json.write_text(json.dumps({"files": len(files), "mb": mb, "times": times, "peak_mb": peak_mb,
                                         "figures": figures}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
