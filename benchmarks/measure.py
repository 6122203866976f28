"""Run one command in a fresh process and measure it: wall time, and peak memory of its whole process tree.

The peak is the largest SUM of resident memory over the process and all its descendants (worker
processes included), sampled every `interval` seconds with psutil; `getrusage(RUSAGE_CHILDREN)` would
only give the largest single process, which hides what a pool of workers costs together. The largest
single process is reported beside it.
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass

import psutil


@dataclass
class Measured:
    """What one measured command did."""

    wall_s: float
    peak_tree_mb: float  # the largest sum of RSS over the process tree, sampled
    peak_single_mb: float  # the largest single process (getrusage of the children, exact)
    rc: int
    err: str


def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 for those that ended meanwhile)."""
    total = 0
    with contextlib.suppress(psutil.Error):
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
    return total


def run_measured(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 3600,
                 interval: float = 0.1) -> Measured:
    """Run cmd to its end (or timeout) in a fresh process; time it and sample its tree's memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    err_file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # a pipe left unread could block the build
    popen = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err_file, text=True)
    proc = psutil.Process(popen.pid)
    peak = 0
    rc = None
    while rc is None:
        peak = max(peak, tree_rss(proc))
        if time.perf_counter() - t > timeout:
            with contextlib.suppress(psutil.Error):
                for child in proc.children(recursive=True):  # the whole tree, not only the parent
                    child.kill()
            popen.kill()
            popen.wait()
            err_file.close()
            return Measured(timeout, peak / 2**20, 0, -1, f"timeout after {timeout:.0f} s")
        try:
            rc = popen.wait(timeout=interval)
        except subprocess.TimeoutExpired:
            rc = None
    wall = time.perf_counter() - t
    err_file.seek(0)
    err = err_file.read()
    err_file.close()
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of the children is the maximum over every child so far: exact only if this one is the largest
    return Measured(wall, peak / 2**20, (single if single > before else 0) / 1024, rc, err[-2000:])
