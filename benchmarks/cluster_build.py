"""The build on a local Dask cluster of worker processes: wall time, peak memory of each worker, what travelled.

A `distributed.LocalCluster` of N worker processes (default 2, one thread each, a memory limit each) is
started in this process; `policykit build --scheduler ADDRESS --scratch DIR` then runs in a fresh process
measured by measure.py (wall time, peak memory of the build process). Meanwhile:

- the resident memory of every worker process is sampled with psutil every 0.2 s: the peak of each;
- a scheduler plugin records the pickled size of each task the scheduler receives and the size of each
  task's result: the largest of each (what travelled as a message; tables go through the scratch folder).

With --baseline (a build of the same raw folder, e.g. a local build), every table is compared with it
(pandas equality of the Parquet files). The corpus is a raw folder (--raw) or the law corpus at a scale of
law_scaling.py (--scale whole or 10x, from the law archive).

Usage: python benchmarks/cluster_build.py (--raw DIR | --scale whole|10x) [--workers 2] [--memory-limit 1.5GiB]
       [--baseline DIR] [--work DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from law_scaling import default_archive, stage_seconds, table_rows, unpack, write_scale  # noqa: E402
from measure import run_measured  # noqa: E402

TARGET_WORKER_GB = 1.5


@dataclass
class ClusterRun:
    """One measured build on a local cluster."""

    raw: str
    raw_mb: float
    workers: int
    memory_limit: str
    wall_s: float
    build_peak_mb: float  # the build process (the cluster's client)
    worker_peak_mb: list[float]  # each worker process
    largest_sent: int  # bytes: the largest task the scheduler received, pickled
    largest_result: int  # bytes: the largest task result
    rc: int
    rows: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    differ: list[str] = field(default_factory=list)  # tables unlike the baseline's
    error: str = ""


def _sizes_plugin():  # a SchedulerPlugin subclass: distributed is imported only when the benchmark runs
    from distributed.diagnostics.plugin import SchedulerPlugin

    class MessageSizes(SchedulerPlugin):
        """The pickled size of every task the scheduler receives, the size of every result."""

        name = "policykit-message-sizes"

        def __init__(self) -> None:
            self.sent: dict[str, int] = {}
            self.returned: dict[str, int] = {}

        async def start(self, scheduler) -> None:
            self.scheduler = scheduler

        def update_graph(self, scheduler, *, tasks, **kwargs) -> None:
            for key in tasks:
                ts = scheduler.tasks.get(key)
                if ts is not None and ts.run_spec is not None:
                    self.sent[str(key)] = len(pickle.dumps(ts.run_spec, protocol=pickle.HIGHEST_PROTOCOL))

        def transition(self, key, start, finish, *args, **kwargs) -> None:
            if finish == "memory":
                self.returned[str(key)] = self.scheduler.tasks[key].nbytes

    return MessageSizes()


class PeakSampler(threading.Thread):
    """Samples the resident memory of some processes until stopped: the peak of each, in MB."""

    def __init__(self, pids: list[int], interval: float = 0.2) -> None:
        """Watch pids."""
        super().__init__(daemon=True)
        self.procs = [psutil.Process(p) for p in pids]
        self.peaks = [0.0] * len(pids)
        self.interval, self.stopped = interval, threading.Event()

    def run(self) -> None:
        """Sample until stop()."""
        while not self.stopped.wait(self.interval):
            for i, p in enumerate(self.procs):
                with contextlib.suppress(psutil.Error):
                    self.peaks[i] = max(self.peaks[i], p.memory_info().rss / 2**20)

    def stop(self) -> list[float]:
        """Stop sampling; the peaks."""
        self.stopped.set()
        self.join()
        return self.peaks


def differing_tables(out: Path, baseline: Path) -> list[str]:
    """The tables of out whose rows differ from baseline's (or that only one of them has)."""
    names = {p.stem for p in out.glob("*.parquet")} | {p.stem for p in baseline.glob("*.parquet")}
    differ = []
    for name in sorted(names):
        a, b = out / f"{name}.parquet", baseline / f"{name}.parquet"
        if not (a.is_file() and b.is_file()) or not pd.read_parquet(a).equals(pd.read_parquet(b)):
            differ.append(name)
    return differ


def run_cluster_build(raw: Path, work: Path, workers: int, memory_limit: str, baseline: Path | None,
                      timeout: float) -> ClusterRun:
    """Start the cluster, build raw on it in a measured process, and gather the figures."""
    import distributed

    out, scratch, cache = work / "out", work / "scratch", work / "cache"
    for folder in (out, scratch, cache):
        shutil.rmtree(folder, ignore_errors=True)
    mb = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) / 1e6
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  memory_limit=memory_limit, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        client.register_plugin(_sizes_plugin())
        sampler = PeakSampler(list(client.run(os.getpid).values()))
        sampler.start()
        cmd = [sys.executable, "-m", "policykit.cli", "build", "-q", "--no-cache", "--timings", "--raw", str(raw),
               "--out", str(out), "--scheduler", cluster.scheduler_address, "--scratch", str(scratch)]
        m = run_measured(cmd, env={**os.environ, "POLICYKIT_CACHE_DIR": str(cache)}, timeout=timeout)
        peaks = sampler.stop()
        sizes = cluster.scheduler.plugins["policykit-message-sizes"]
    err = m.err.strip().splitlines()[-1] if m.rc and m.err.strip() else ""
    return ClusterRun(str(raw), mb, workers, memory_limit, m.wall_s, m.peak_tree_mb, peaks,
                      max(sizes.sent.values(), default=0), max(sizes.returned.values(), default=0), m.rc,
                      table_rows(out) if m.rc == 0 else {}, stage_seconds(m.err),
                      differing_tables(out, baseline) if baseline and m.rc == 0 else [], err)


def report(run: ClusterRun, baseline: Path | None) -> str:
    """The figures, then the targets beside them."""
    worst = max(run.worker_peak_mb, default=0.0)
    lines = [f"raw {run.raw} ({run.raw_mb:.1f} MB) on {run.workers} worker processes (memory limit {run.memory_limit})",
             f"wall {run.wall_s:.1f} s, rc {run.rc}" + (f": {run.error}" if run.error else ""),
             f"peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in run.worker_peak_mb)}; "
             f"build process (client): {run.build_peak_mb:.0f} MB",
             f"largest task sent to the scheduler: {run.largest_sent} B; largest task result: {run.largest_result} B"]
    if run.stages:
        lines.append("seconds per stage: " + ", ".join(f"{n} {t:.1f}" for n, t in run.stages.items()))
    if baseline:
        lines.append(f"tables differing from {baseline}: {', '.join(run.differ) or 'none'}")
    lines.append(f"each worker ≤ {TARGET_WORKER_GB} GB: {'PASS' if worst / 1024 <= TARGET_WORKER_GB else 'FAIL'} "
                 f"({worst / 1024:.2f} GB)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--raw", type=Path, default=None, help="raw folder to build")
    p.add_argument("--scale", choices=("whole", "10x"), default=None, help="the law corpus at this scale instead")
    p.add_argument("--archive", type=Path, default=None, help="the law archive (for --scale)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--memory-limit", default="1.5GiB", help="each worker's memory limit (distributed's)")
    p.add_argument("--baseline", type=Path, default=None, help="a build of the same raw folder to compare tables with")
    p.add_argument("--work", type=Path, default=None, help="folder for the output and scratch (default: a temp folder)")
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    p.add_argument("--timeout", type=float, default=7200, help="seconds before the build is abandoned")
    args = p.parse_args(argv)
    if (args.raw is None) == (args.scale is None):
        p.error("give one of --raw and --scale")
    work = args.work or Path(tempfile.mkdtemp(prefix="policykit-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        raw = args.raw
        if raw is None:
            archive = args.archive or default_archive()
            if archive is None or not archive.is_file():
                print("cluster_build: the law archive was not found (give --archive); skipped", file=sys.stderr)
                return 0
            raw = work / f"raw_{args.scale}"
            shutil.rmtree(raw, ignore_errors=True)
            write_scale(args.scale, unpack(archive), raw)
        run = run_cluster_build(raw, work, args.workers, args.memory_limit, args.baseline, args.timeout)
        print(report(run, args.baseline))
        if args.json:
            args.json.write_text(json.dumps(asdict(run), indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if run.rc == 0 and not run.differ else 1


if __name__ == "__main__":
    sys.exit(main())
