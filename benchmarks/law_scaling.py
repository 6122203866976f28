"""How the build scales on real text: the external law corpus, its half, the whole, and 10 times the whole.

The corpus is the development law corpus (see ../shared/external/README.md): Markdown files in
folders. The benchmark unpacks the archive into its work folder and writes flat raw folders:

- `half`: every second title in the order of their paths inside the archive, each with all its
  versions (the file name without its version date, `公司法(2018-10-26).md` -> `公司法.md`, names the
  title): half the corpus as a corpus of its own, in which the versions of a law stay together, so the
  half has its share of version pairs to align (every second file would split them up);
- `whole`: every file;
- `10x`: ten copies of the whole. Copy 0 is the file itself; copy k > 0 substitutes the Chinese
  characters by a permutation keyed by k (numbering, dates, document-type words and the words targets
  are made of keep their characters), so each copy is a corpus with the same structure, lengths and
  internal text reuse, distinct from every other copy: the documents do not fold into one another,
  and text reuse only occurs inside a copy, as in ten corpora side by side.

A raw file is named after its path inside the archive (`民法商法__公司法(2018-10-26).md`), prefixed
with the copy (`k03__…`) in the 10× corpus. Each build runs cold in a fresh process, with a cache of its
own, and is measured by measure.py: wall time and peak memory of the whole process tree. Printed per
build: raw MB, wall s, s/MB, peak MB (tree and largest single process), rows of the biggest tables;
then the performance targets beside the figures.

Usage: python benchmarks/law_scaling.py [--scales half,whole,10x] [--work DIR] [--archive FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import sys
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_measured  # noqa: E402

from policykit import config  # noqa: E402
from policykit.ingest.kinds import DOC_TYPES  # noqa: E402

SCALES = ("half", "whole", "10x")
COPIES = 10
TARGET_WHOLE_S = 90.0
TARGET_WHOLE_GB = 2.0
TARGET_EXPONENT = 1.1  # log(t_whole / t_half) / log(MB_whole / MB_half)
TARGET_10X_S = 15 * 60.0
TARGET_10X_GB = 4.0
TIMINGS_PREFIX = "policykit: seconds per stage: "
BIG_TABLES = ("documents", "provisions", "term_frequencies", "targets", "reuse", "audit", "changes")
# characters a copy keeps: numbering, dates, the words targets and titles are made of
VERSION_DATE_RE = re.compile(r"\(\d{4}-\d{2}-\d{2}\)(?=\.\w+$)")  # 公司法(2018-10-26).md
KEEP = set("第章节编条款项目之一二三四五六七八九十百千万亿零〇两年月日到前底以上下超过不少于约逾余多倍"
           "增长翻番元个家类种每起施行预计将达截至自法律") | set(DOC_TYPES.replace("|", ""))


@dataclass
class LawRun:
    """One measured build of the law corpus."""

    scale: str
    raw_mb: float
    n_files: int
    wall_s: float
    peak_tree_mb: float
    peak_single_mb: float
    rc: int
    rows: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, as the build reports them
    error: str = ""


def default_archive() -> Path | None:
    """The development law archive beside the project (../shared/external), if there is one."""
    env = os.environ.get("POLICYKIT_LAWS_ARCHIVE")
    candidates = [Path(env)] if env else []
    candidates += [parent / "shared" / "external" / "laws-dev.tar.xz" for parent in config.ROOT.parents]
    return next((p for p in candidates if p.is_file()), None)


def unpack(archive: Path) -> list[tuple[str, bytes]]:
    """The Markdown/text members of the archive as (path inside it, bytes), sorted by path."""
    members = []
    with tarfile.open(archive) as tar:
        for m in tar.getmembers():
            if m.isfile() and Path(m.name).suffix.lower() in {".md", ".txt"}:
                fh = tar.extractfile(m)
                if fh is not None:
                    members.append((m.name.removeprefix("./"), fh.read()))
    return sorted(members)


def flat_name(path: str) -> str:
    """A raw file name for a path inside the archive: its folders joined by `__`."""
    return "__".join(Path(path).parts)


def cipher(alphabet: list[str], k: int) -> dict[int, str]:
    """str.translate table of copy k: a permutation of the alphabet keyed by k (identity for k = 0)."""
    shuffled = sorted(alphabet, key=lambda ch: hashlib.sha1(f"{k}\x00{ch}".encode()).digest()) if k else alphabet
    return {ord(a): b for a, b in zip(alphabet, shuffled, strict=True)}


def title_of(path: str) -> str:
    """A member's path without the version date of its file name: what the versions of one law share."""
    return VERSION_DATE_RE.sub("", path)


def half_of(members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Every second title, in path order, with all the versions of each."""
    kept = set(sorted({title_of(path) for path, _ in members})[::2])
    return [(path, data) for path, data in members if title_of(path) in kept]


def write_scale(scale: str, members: list[tuple[str, bytes]], raw: Path) -> int:
    """Write the raw folder of one scale; return the number of files."""
    raw.mkdir(parents=True, exist_ok=True)
    if scale in {"half", "whole"}:
        chosen = half_of(members) if scale == "half" else members
        for path, data in chosen:
            (raw / flat_name(path)).write_bytes(data)
        return len(chosen)
    texts = [(flat_name(p), d.decode("utf-8")) for p, d in members]
    alphabet = sorted({ch for _, t in texts for ch in t if "\u3400" <= ch <= "\u9fff"} - KEEP)
    for k in range(COPIES):
        table = cipher(alphabet, k)
        for name, text in texts:
            (raw / f"k{k:02d}__{name}").write_text(text.translate(table), encoding="utf-8", newline="")
    return len(texts) * COPIES


def stage_seconds(stderr: str) -> dict[str, float]:
    """Seconds per stage from the line `policykit build --timings` prints."""
    for line in stderr.splitlines():
        if line.startswith(TIMINGS_PREFIX):
            pairs = (item.rsplit(" ", 1) for item in line.removeprefix(TIMINGS_PREFIX).split(", "))
            return {name: float(sec) for name, sec in pairs}
    return {}


def table_rows(out: Path) -> dict[str, int]:
    """Rows of every table a build wrote (from the Parquet footers)."""
    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(out.glob("*.parquet"))}


def run_scale(scale: str, members: list[tuple[str, bytes]], work: Path, timeout: float,
              extra: list[str]) -> LawRun:
    """Write one scale's raw folder and build it cold in a fresh measured process."""
    raw, out, cache = work / f"raw_{scale}", work / f"out_{scale}", work / f"cache_{scale}"
    for folder in (raw, out, cache):
        shutil.rmtree(folder, ignore_errors=True)
    n = write_scale(scale, members, raw)
    mb = sum(p.stat().st_size for p in raw.iterdir()) / 1e6
    cmd = [sys.executable, "-m", "policykit.cli", "build", "-q", "--no-cache", "--timings", "--raw", str(raw),
           "--out", str(out), *extra]
    m = run_measured(cmd, env={**os.environ, "POLICYKIT_CACHE_DIR": str(cache)}, timeout=timeout)
    err = m.err.strip().splitlines()[-1] if m.rc and m.err.strip() else ""
    run = LawRun(scale, mb, n, m.wall_s, m.peak_tree_mb, m.peak_single_mb, m.rc,
                 table_rows(out) if m.rc == 0 else {}, stage_seconds(m.err), err)
    print(f"  {scale:<6} {mb:7.1f} MB {run.wall_s:8.1f} s  {run.peak_tree_mb:7.0f} MB peak (tree)  rc {m.rc}"
          + (f"  {err}" if err else ""), file=sys.stderr, flush=True)
    shutil.rmtree(raw, ignore_errors=True)  # the 10× folder is large; the figures are what is kept
    return run


def verdict(ok: bool | None) -> str:
    """PASS, FAIL or n/a."""
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def report(runs: list[LawRun]) -> str:
    """The table of figures, then the targets beside the measured values."""
    lines = [f"{'scale':<6} {'files':>6} {'raw MB':>7} {'wall s':>8} {'s/MB':>6} {'peak MB':>8} {'1 proc MB':>9} "
             + " ".join(f"{t[:10]:>10}" for t in BIG_TABLES)]
    for r in runs:
        rows = " ".join(f"{r.rows.get(t, 0):>10}" if r.rows else f"{'-':>10}" for t in BIG_TABLES)
        lines.append(f"{r.scale:<6} {r.n_files:>6} {r.raw_mb:>7.1f} {r.wall_s:>8.1f} {r.wall_s / r.raw_mb:>6.2f} "
                     f"{r.peak_tree_mb:>8.0f} {r.peak_single_mb:>9.0f} {rows}"
                     + (f"  rc {r.rc}: {r.error}" if r.rc else ""))
    lines.append("")
    for r in runs:
        if r.stages:
            lines.append(f"{r.scale:<6} seconds per stage: " + ", ".join(f"{n} {t:.1f}" for n, t in r.stages.items()))
    lines.append("(analysis stages run side by side in worker processes: each figure is that stage's own time)")
    ok = {r.scale: r for r in runs if r.rc == 0}
    lines += ["", f"{'target':<48} {'measured':>12}  verdict"]

    def row(name: str, measured: str, good: bool | None) -> None:
        lines.append(f"{name:<48} {measured:>12}  {verdict(good)}")

    whole, half, ten = ok.get("whole"), ok.get("half"), ok.get("10x")
    row("whole law corpus ≤ 90 s", f"{whole.wall_s:.1f} s" if whole else "-", whole and whole.wall_s <= TARGET_WHOLE_S)
    row("whole law corpus ≤ 2 GB peak (every process)", f"{whole.peak_tree_mb / 1024:.2f} GB" if whole else "-",
        whole and whole.peak_tree_mb / 1024 <= TARGET_WHOLE_GB)
    if whole and half:
        e = math.log(whole.wall_s / half.wall_s) / math.log(whole.raw_mb / half.raw_mb)
        row("half → whole time-growth exponent ≤ 1.1", f"{e:.2f}", e <= TARGET_EXPONENT)
        em = math.log(whole.peak_tree_mb / half.peak_tree_mb) / math.log(whole.raw_mb / half.raw_mb)
        row("half → whole memory-growth exponent (reported)", f"{em:.2f}", None)
    if whole and ten:
        e = math.log(ten.wall_s / whole.wall_s) / math.log(ten.raw_mb / whole.raw_mb)
        row("whole → 10× time-growth exponent (reported)", f"{e:.2f}", None)
    row("10× law corpus ≤ 15 min", f"{ten.wall_s:.0f} s" if ten else "-", ten and ten.wall_s <= TARGET_10X_S)
    row("10× law corpus ≤ 4 GB peak (every process)", f"{ten.peak_tree_mb / 1024:.2f} GB" if ten else "-",
        ten and ten.peak_tree_mb / 1024 <= TARGET_10X_GB)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", default="half,whole", help=f"comma-separated, of {', '.join(SCALES)}")
    p.add_argument("--archive", type=Path, default=None,
                   help="the law archive (default ../shared/external/laws-dev.tar.xz)")
    p.add_argument("--work", type=Path, default=None, help="folder for corpora and outputs (default: a temp folder)")
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    p.add_argument("--timeout", type=float, default=3600, help="seconds before one build is abandoned")
    p.add_argument("build_args", nargs="*", help="extra arguments for policykit build (after --)")
    args = p.parse_args(argv)
    archive = args.archive or default_archive()
    if archive is None or not archive.is_file():
        print("law_scaling: the law archive laws-dev.tar.xz was not found (give --archive); skipped", file=sys.stderr)
        return 0
    scales = [s for s in args.scales.split(",") if s]
    unknown = sorted(set(scales) - set(SCALES))
    if unknown:
        p.error(f"unknown scales {unknown}")
    work = args.work or Path(tempfile.mkdtemp(prefix="policykit-laws-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        members = unpack(archive)
        runs = [run_scale(s, members, work, args.timeout, args.build_args) for s in scales]
        print(report(runs))
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
