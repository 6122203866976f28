"""How the reuse stage scales on real text: time, peak memory and rows on half and all of a corpus.

The documents and provisions tables of each corpus are built once (sources -> documents -> provisions,
saved as Parquet in the work folder); then the reuse stage alone (build_reuse + build_reuse_pairs) runs
in a fresh process per corpus, which reports its wall time and peak resident memory. "Half" is every
other text of the folder, by name, where the versions of one text (files whose names differ only by a
date in brackets, as in 上海市优化营商环境条例(2020-04-10).md and …(2024-09-27).md) count as one text
and stay together: splitting them would move their shared wording out of the half.

Usage:
    python benchmarks/reuse_scaling.py RAW_DIR [--work DIR] [--json FILE]

RAW_DIR may hold sub-folders (as the dev law corpus does: /tmp/laws after unpacking laws-dev.tar.xz);
their text files are linked flat into the work folder.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Builds documents and provisions for a raw folder and saves them (run once per corpus, in a child process).
PREPARE = """
import sys
from pathlib import Path
from policykit import config
from policykit.build import run_in_process
from policykit.ingest.catalog import read_catalog
from policykit.ingest.documents import build_corpus
from policykit.ingest.sources import read_sources
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
corpus = build_corpus(read_sources(raw), read_catalog(config.CATALOG_FILE))
tables = run_in_process("provisions", {"documents": corpus.documents})
tables["documents"].to_parquet(out / "documents.parquet")
tables["provisions"].to_parquet(out / "provisions.parquet")
"""

# Times the reuse stage alone on saved tables; prints one JSON line.
MEASURE = """
import json, resource, sys, time
from pathlib import Path
import pandas as pd
from policykit.analysis.reuse import build_reuse, build_reuse_pairs
d = Path(sys.argv[1])
docs, prov = pd.read_parquet(d / "documents.parquet"), pd.read_parquet(d / "provisions.parquet")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
use0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = use0.ru_utime + use0.ru_stime
t = time.perf_counter()
reuse = build_reuse(docs, prov)
pairs = build_reuse_pairs(reuse, docs)
wall = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"documents": len(docs), "chars": int(docs["text"].str.len().sum()), "seconds": wall,
                  "cpu_seconds": use.ru_utime + use.ru_stime - cpu0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_before_mb": before / 1024, "reuse_rows": len(reuse), "pairs": len(pairs),
                  "borrowing_pairs": int(pairs["is_borrowing"].sum()),
                  "types": {k: int(v) for k, v in reuse["type"].value_counts().items()}}))
"""


_VERSION_DATE = re.compile(r"[(（]\d{4}-\d{2}-\d{2}[)）]")


def flat_links(raw: Path, dst: Path, every: int) -> int:
    """Link the files of every `every`-th text under raw (versions of one text together) into dst; return how many."""
    files = sorted(p for p in raw.rglob("*") if p.is_file() and p.suffix.lower() in {".txt", ".md", ".text"})
    texts: dict[str, list[Path]] = {}
    for p in files:
        texts.setdefault(_VERSION_DATE.sub("", str(p.relative_to(raw))), []).append(p)
    dst.mkdir(parents=True, exist_ok=True)
    chosen = [p for i, key in enumerate(sorted(texts)) if i % every == 0 for p in texts[key]]
    for p in chosen:
        link = dst / "__".join(p.relative_to(raw).parts)
        if not link.exists():
            link.symlink_to(p.resolve())
    return len(chosen)


def main() -> None:
    """Prepare half and whole of the corpus, time the reuse stage on each, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", type=Path)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reuse-bench-"))
    results = {}
    for name, every in (("half", 2), ("whole", 1)):
        raw, tables = work / f"raw_{name}", work / f"tables_{name}"
        n = flat_links(args.raw, raw, every)
        tables.mkdir(parents=True, exist_ok=True)
        if not (tables / "provisions.parquet").is_file():
            subprocess.run([sys.executable, "-c", PREPARE, str(raw), str(tables)], check=True)
        out = subprocess.run([sys.executable, "-c", MEASURE, str(tables)], check=True, capture_output=True, text=True)
        results[name] = {"files": n, **json.loads(out.stdout.strip().splitlines()[-1])}
        r = results[name]
        print(f"{name:5s}: {r['files']} files, {r['documents']} documents, {r['chars'] / 1e6:.1f} M characters: "
              f"reuse {r['seconds']:.1f} s ({r['cpu_seconds']:.1f} s CPU), peak {r['peak_mb']:.0f} MB "
              f"(tables loaded: {r['peak_before_mb']:.0f} MB), "
              f"{r['reuse_rows']} rows, {r['pairs']} pairs ({r['borrowing_pairs']} borrowing), types {r['types']}")
    h, w = results["half"], results["whole"]
    growth = math.log(w["cpu_seconds"] / h["cpu_seconds"]) / math.log(w["chars"] / h["chars"])
    rows = math.log(max(w["reuse_rows"], 1) / max(h["reuse_rows"], 1)) / math.log(w["chars"] / h["chars"])
    print(f"growth exponent from half to whole: CPU time {growth:.2f}, rows {rows:.2f} (1.0 = linear)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
