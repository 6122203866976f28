"""How the build scales: wall time, time per MB and peak memory at 1×, 10× and 100× the raw corpus.

Each build runs in a fresh process, measured by measure.py: wall time and the peak memory of its whole
process tree (worker processes included). Whatever stages the build runs are measured; nothing here
knows about them.

Usage: python benchmarks/build_scaling.py [--max 10] [--work DIR] [--json FILE] [--timeout S]
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import make_corpus  # noqa: E402
from measure import run_measured  # noqa: E402

SCALES = (1, 10, 100)
TARGET_1X_S = 5.0
TARGET_100X_S = 300.0
TARGET_100X_GB = 4.0
TARGET_REBUILD_S = 1.0
TARGET_GROWTH_EXPONENT = 1.1  # log(t100/t10) / log(MB100/MB10); 1.0 is linear, 0.1 allowed for noise

@dataclass
class Run:
    """One measured build."""

    scale: int
    label: str
    raw_mb: float
    wall_s: float
    peak_mb: float
    rc: int
    n_documents: int | None
    error: str = ""

    @property
    def s_per_mb(self) -> float:
        """Wall seconds per MB of raw text."""
        return self.wall_s / self.raw_mb if self.raw_mb else math.nan


def raw_megabytes(raw: Path) -> float:
    """Size of the raw text files of a folder, in MB (10^6 bytes)."""
    return sum(p.stat().st_size for p in raw.iterdir() if p.suffix == ".txt") / 1e6


def count_documents(out: Path) -> int | None:
    """Rows of the documents table a build wrote, if it wrote one."""
    path = out / "documents.parquet"
    return len(pd.read_parquet(path, columns=["doc_id"])) if path.is_file() else None


def measured_build(raw: Path, out: Path, timeout: float, cache: Path) -> dict:
    """Run `policykit build` on raw into out in a fresh wrapped process; return its measurements."""
    cmd = [sys.executable, "-m", "policykit.cli", "build", "-q", "--raw", str(raw), "--out", str(out)]
    env = {**os.environ, "POLICYKIT_CACHE_DIR": str(cache)}  # a cache of the benchmark's own: cold is cold
    m = run_measured(cmd, env=env, timeout=timeout)
    return {"wall": m.wall_s, "rss_kb": m.peak_tree_mb * 1024, "rc": m.rc, "err": m.err}


def run_scale(scale: int, work: Path, timeout: float) -> list[Run]:
    """Generate the corpus for one scale, build it cold, then rebuild it unchanged into the same folder."""
    raw, out, cache = work / f"raw_{scale}x", work / f"out_{scale}x", work / f"cache_{scale}x"
    for folder in (raw, out, cache):
        shutil.rmtree(folder, ignore_errors=True)
    make_corpus(scale, raw)
    mb = raw_megabytes(raw)
    runs = []
    for label in ("cold", "rebuild"):
        m = measured_build(raw, out, timeout, cache)
        err = m["err"].strip().splitlines()[-1] if m["rc"] and m["err"].strip() else ""
        runs.append(Run(scale, label, mb, m["wall"], m["rss_kb"] / 1024, m["rc"], count_documents(out), err))
        print(f"  {scale:>4}× {label:<8} {runs[-1].wall_s:8.1f} s  {runs[-1].peak_mb:8.0f} MB peak  "
              f"rc {m['rc']}", file=sys.stderr, flush=True)
        if m["rc"]:
            break
    return runs


def term_throughput(out: Path) -> dict | None:
    """chars/s of policykit.analysis.tokenise.tokenize and of bare jieba.lcut on the built documents' text."""
    try:
        terms = importlib.import_module("policykit.analysis.tokenise")
    except ModuleNotFoundError:
        return None
    if not hasattr(terms, "tokenize") or not (out / "documents.parquet").is_file():
        return None
    import jieba

    texts = list(pd.read_parquet(out / "documents.parquet", columns=["text"])["text"])
    terms.tokenize(texts[0][:200])  # load dictionaries outside the timing
    jieba.lcut(texts[0][:200])
    timings = {}
    for name, fn in (("tokenize", terms.tokenize), ("jieba.lcut", jieba.lcut)):
        t = time.perf_counter()
        for text in texts:
            fn(text)
        timings[name] = time.perf_counter() - t
    chars = sum(map(len, texts))
    return {"chars": chars, "tokenize_cps": chars / timings["tokenize"], "jieba_cps": chars / timings["jieba.lcut"],
            "ratio": timings["jieba.lcut"] / timings["tokenize"]}


def verdict(ok: bool | None) -> str:
    """PASS, FAIL or n/a."""
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def report(runs: list[Run], terms: dict | None) -> str:
    """The table of figures, then the targets beside the measured values."""
    lines = [f"{'scale':>6} {'build':<8} {'raw MB':>8} {'wall s':>8} {'s/MB':>7} {'peak MB':>8} {'docs':>6} {'rc':>3}"]
    for r in runs:
        docs = "-" if r.n_documents is None else str(r.n_documents)
        lines.append(f"{r.scale:>5}× {r.label:<8} {r.raw_mb:>8.2f} {r.wall_s:>8.1f} {r.s_per_mb:>7.1f} "
                     f"{r.peak_mb:>8.0f} {docs:>6} {r.rc:>3}" + (f"  {r.error}" if r.error else ""))
    cold = {r.scale: r for r in runs if r.label == "cold" and r.rc == 0}
    rebuild = {r.scale: r for r in runs if r.label == "rebuild" and r.rc == 0}
    lines += ["", f"{'target':<44} {'measured':>18}  verdict"]

    def row(name: str, measured: str, ok: bool | None) -> None:
        lines.append(f"{name:<44} {measured:>18}  {verdict(ok)}")

    c1, c10, c100 = cold.get(1), cold.get(10), cold.get(100)
    row("1× cold build < 5 s", f"{c1.wall_s:.1f} s" if c1 else "-", c1 and c1.wall_s < TARGET_1X_S)
    row("100× build < 5 min", f"{c100.wall_s:.0f} s" if c100 else "-", c100 and c100.wall_s < TARGET_100X_S)
    row("100× peak memory < 4 GB", f"{c100.peak_mb / 1024:.2f} GB" if c100 else "-",
        c100 and c100.peak_mb / 1024 < TARGET_100X_GB)
    if c10 and c100:
        exponent = math.log(c100.wall_s / c10.wall_s) / math.log(c100.raw_mb / c10.raw_mb)
        row("10×→100× growth exponent ≤ 1.1 (1 = linear)", f"{exponent:.2f}", exponent <= TARGET_GROWTH_EXPONENT)
    else:
        row("10×→100× growth exponent ≤ 1.1 (1 = linear)", "-", None)
    for scale, r in sorted(rebuild.items()):
        row(f"{scale}× rebuild, raw unchanged < 1 s", f"{r.wall_s:.1f} s", r.wall_s < TARGET_REBUILD_S)
    if terms:
        lines += ["", f"term stage on {terms['chars'] / 1e6:.2f} M chars: "
                      f"tokenize {terms['tokenize_cps'] / 1e3:.0f} k chars/s, "
                      f"jieba.lcut {terms['jieba_cps'] / 1e3:.0f} k chars/s, throughput ratio {terms['ratio']:.2f}"]
    else:
        lines += ["", "term stage: policykit.analysis.tokenise.tokenize not available, not measured"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--max", type=int, default=100, help="largest scale to run (1, 10 or 100)")
    p.add_argument("--work", type=Path, default=None, help="folder for corpora and outputs (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before one build is abandoned")
    args = p.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="policykit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    try:
        for scale in (s for s in SCALES if s <= args.max):
            runs += run_scale(scale, work, args.timeout)
        terms = term_throughput(work / "out_1x")
        print(report(runs, terms))
        if args.json:
            args.json.write_text(json.dumps({"runs": [asdict(r) for r in runs], "terms": terms}, indent=2),
                                 encoding="utf-8")
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
