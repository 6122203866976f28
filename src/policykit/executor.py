"""Where the build's stages run: in this process, in a pool of local processes, or on a Dask cluster.

Every executor offers the same two operations:
- `map(fn, items)`: fn on each item (a batch of documents, a batch of files), results in item order;
- `run(tasks, on_done)`: named independent tasks, results by name, on_done(name) as each finishes.

Local worker processes die with the build: on Linux each worker asks the kernel for SIGKILL when its
parent dies (prctl PR_SET_PDEATHSIG); elsewhere a watchdog thread in the worker ends it when its parent
is gone. Workers ignore SIGINT: an interrupted build cancels what is queued and terminates the workers
itself, so Ctrl-C returns at once instead of after the running stages finish.

Before any work, the build process imports the modules a build runs (STAGE_PACKAGES) and freezes them
for the garbage collector (gc.freeze); local workers are forked from it after that, so they inherit the
modules instead of importing them again, and each loads the stages' word lists and segmenter once
(`warm_up()` of the modules that have one) before its first task. The full collections the build runs
after every table and task (policykit.memory.release_memory) then walk the build's data only, not every
object of pandas, pyarrow, scipy and the stages (measured: 0.2 s a collection otherwise).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import multiprocessing
import os
import pkgutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from policykit import config
from policykit.errors import InputError
from policykit.memory import frozen_heap

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
Task = tuple[str, Callable[..., Any], tuple]
STAGE_PACKAGES = ("policykit.ingest", "policykit.analysis", "policykit.publish")
"""The packages whose modules a build runs: imported by the build process before its workers start."""


class Executor(Protocol):
    """What the build needs from an executor."""

    workers: int
    name: str
    shares_files: bool  # whether tasks see this machine's files (then a result may come back as a file)

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """The results of fn on every item, in the order of the items."""
        ...

    def run(self, tasks: Iterable[Task], on_done: Callable[[str], None],
            on_result: Callable[[str, Any], Any] | None = None) -> dict[str, Any]:
        """Run named independent tasks; their results by name (with on_result: what it returns for each)."""
        ...


class SerialExecutor:
    """Everything in this process, one after another."""

    workers = 1
    name = "1 process"
    shares_files = True  # tasks see this machine's files (a task's result may come back as a file)

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """The results of fn on every item, computed in this process."""
        return [fn(item) for item in items]

    def run(self, tasks: Iterable[Task], on_done: Callable[[str], None],
            on_result: Callable[[str, Any], Any] | None = None) -> dict[str, Any]:
        """Each task in turn (taken from the iterable one at a time)."""
        out = {}
        for name, fn, args in tasks:
            out[name] = _take(name, fn(*args), on_result)
            on_done(name)
        return out


def import_stages() -> None:
    """Import every module of STAGE_PACKAGES, the Parquet writer and the validator; then freeze the heap.

    Objects alive now are modules, not data: frozen, full collections skip them. Forked workers inherit
    both the modules and the frozen state.
    """
    importlib.import_module("pyarrow.parquet")
    importlib.import_module("pandera.pandas")  # every table is validated; frozen, its objects cost no collection
    for name in STAGE_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.iter_modules(package.__path__, f"{name}."):
            importlib.import_module(module.name)
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Load once, in this process, what the stages' modules load on first use (their `warm_up()`), then freeze it."""
    for name in sorted(sys.modules):
        if name.startswith(tuple(f"{p}." for p in STAGE_PACKAGES)):
            hook = getattr(sys.modules[name], "warm_up", None)
            if callable(hook):
                hook()
    gc.collect()
    gc.freeze()


def _start_worker() -> None:
    """Worker initializer: die with the parent, then warm up (segmenter, word lists) before the first task.

    A warm-up that fails is left to fail again in the task that needs it, where the error names the task
    (an initializer's error would only break the pool).
    """
    _die_with_parent()
    with contextlib.suppress(Exception):
        warm_up()


def _die_with_parent() -> None:
    """Worker initializer: end this process when the parent dies; leave SIGINT to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request took effect
                    os._exit(1)
                return
    # no prctl (macOS, BSD): a daemon thread polls for the parent, as a fallback
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="policykit-parent-watch").start()


class _Sent:
    """A task's arguments, which the build process lets go of once they are pickled for the worker.

    A process pool keeps every submitted call until its result is back; the reuse stage's inputs (the
    whole corpus's text) would stay in the build process for as long as the stage runs.
    """

    def __init__(self, args: tuple) -> None:
        """Hold args until they are sent."""
        self.args: tuple | None = args

    def __getstate__(self) -> tuple | None:
        """The arguments, dropped here as they leave."""
        args, self.args = self.args, None
        return args

    def __setstate__(self, args: tuple) -> None:
        """The arguments, in the worker."""
        self.args = args


def _call(fn: Callable[..., Any], sent: _Sent) -> Any:
    """Call fn on the arguments that were sent (module-level: workers import it by name)."""
    args, sent.args = sent.args, None
    if args is None:
        raise RuntimeError("task arguments were already sent once")
    return fn(*args)


class LocalExecutor:
    """A pool of local worker processes that die with the build."""

    def __init__(self, workers: int) -> None:
        """Start nothing yet: the pool starts on first use."""
        self.workers = workers
        self.name = f"{workers} local processes"
        self.shares_files = True  # the workers see this machine's files
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        """The process pool, started on first use."""
        if self._pool is None:
            # fork where it exists: the workers inherit the loaded modules instead of importing them again
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_start_worker,
                                             mp_context=multiprocessing.get_context(method))
        return self._pool

    def start(self) -> None:
        """Start every worker now, while the build process is still small; do not wait for them.

        Forked workers share the parent's memory page by page, and Python's reference counting soon
        copies what it touches: workers forked from a parent that already holds the corpus would each
        end up with a copy of it. With fork, the pool forks all its workers at the first submission;
        they warm up (_start_worker) while the build process reads the raw files.
        """
        self.pool.submit(os.getpid)

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """The results of fn on every item, computed in the pool, in item order."""
        if len(items) <= 1:
            return [fn(item) for item in items]
        return list(self.pool.map(fn, items))

    def run(self, tasks: Iterable[Task], on_done: Callable[[str], None],
            on_result: Callable[[str, Any], Any] | None = None) -> dict[str, Any]:
        """Run the tasks, at most `window()` submitted at a time; collect results as they finish.

        Tasks are taken from the iterable only when there is room for them, so a generator of tasks
        (batches of documents cut on demand) holds the inputs of a bounded number of tasks, however many
        there are: the build's memory follows the batch size, not the corpus size.
        """
        queue = iter(tasks)
        futures: dict[Future, str] = {}
        out: dict[str, Any] = {}

        def submit() -> None:
            for name, fn, args in queue:
                futures[self.pool.submit(_call, fn, _Sent(args))] = name
                if len(futures) >= self.window():
                    return

        submit()
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: futures[f]):
                name = futures.pop(future)
                out[name] = _take(name, future.result(), on_result)
                on_done(name)
            submit()
            pending = set(futures)
        return out

    def window(self) -> int:
        """Tasks submitted at once: one running in each worker and one waiting for each."""
        return 2 * self.workers

    def close(self, cancel: bool) -> None:
        """Shut the pool down; with cancel, drop queued work and terminate the running workers."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if not cancel:
            pool.shutdown(wait=True)
            return
        processes = multiprocessing.active_children()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(OSError, ValueError):
                p.terminate()
        for p in processes:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                p.join(timeout=5)


class DaskExecutor:
    """A Dask distributed cluster, reached through its scheduler address.

    Its workers may run on other machines: the build's tasks read their inputs from, and write their
    results to, shared storage (`scratch`: a folder or fsspec URL every worker sees; None: a folder of
    the build, for a cluster on this machine) and exchange only paths with the build process
    (policykit.build.scratch).
    """

    shares_files = False  # workers on other machines: tables go through shared storage, never as messages

    def __init__(self, address: Any, scratch: str | None = None) -> None:
        """Connect to the scheduler (an address, or a LocalCluster / Client for tests); results go to scratch."""
        self.scratch = scratch or config.settings().scratch
        try:
            from distributed import Client
        except ModuleNotFoundError:
            raise InputError("--scheduler",
                             "needs dask's distributed package: pip install 'policykit[cluster]'") from None
        if isinstance(address, Client):
            self.client, self._own = address, False
        else:
            try:
                self.client, self._own = Client(address, timeout="10s"), True
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"--scheduler {address}", f"cannot reach the Dask scheduler ({exc})") from None
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.name = f"Dask cluster at {self.client.scheduler.address} ({self.workers} workers)"

    def on_every_worker(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """fn(*args) run once in each worker of the cluster (a small result each)."""
        return list(self.client.run(fn, *args).values())

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """The results of fn on every item, computed on the cluster, in item order."""
        futures = self.client.map(fn, list(items), pure=False)
        try:
            return self.client.gather(futures)
        except BaseException:
            self.client.cancel(futures)
            raise

    def run(self, tasks: Iterable[Task], on_done: Callable[[str], None],
            on_result: Callable[[str, Any], Any] | None = None) -> dict[str, Any]:
        """Submit every task to the cluster; collect results as they finish."""
        from distributed import as_completed

        run_id = f"{os.getpid()}-{time.time_ns()}"
        futures = {self.client.submit(fn, *args, pure=False, key=f"policykit-{name}-{run_id}"): name
                   for name, fn, args in tasks}
        out: dict[str, Any] = {}
        try:
            for future in as_completed(list(futures)):
                out[futures[future]] = _take(futures[future], future.result(), on_result)
                future.release()
                on_done(futures[future])
        except BaseException:
            self.client.cancel(list(futures))
            raise
        return out

    def close(self, cancel: bool) -> None:
        """Disconnect (the cluster itself keeps running)."""
        if self._own:
            self.client.close()


def _take(name: str, result: Any, on_result: Callable[[str, Any], Any] | None) -> Any:
    """What run() keeps of a task's result: the result, or what on_result makes of it."""
    return result if on_result is None else on_result(name, result)


@contextlib.contextmanager
def executor(scheduler: Any = None, workers: int | None = None, scratch: str | None = None) -> Iterator[Executor]:
    """The executor of a build: Dask if a scheduler is given (its shared storage: scratch), else local processes."""
    n = config.settings().local_workers if workers is None else workers
    ex: Any = (DaskExecutor(scheduler, scratch) if scheduler
               else LocalExecutor(n) if n > 1 else SerialExecutor())
    with frozen_heap():  # what import_stages and warm_up freeze is unfrozen at the end, unless frozen before
        import_stages()  # before the workers fork: they inherit the modules
        try:
            if isinstance(ex, SerialExecutor):
                warm_up()  # the stages run in this process
            if hasattr(ex, "start"):
                ex.start()
            yield ex
        except BaseException:
            if hasattr(ex, "close"):
                ex.close(cancel=True)
            raise
        else:
            if hasattr(ex, "close"):
                ex.close(cancel=False)
