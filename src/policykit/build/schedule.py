"""Running the declared stages: in dependency order, in the build process or as tasks on the executor.

A stage batched by documents or families becomes one task per batch; the results of a stage's finished
tasks wait (in memory, or pickled into the spill folder) until its last task is back, then its tables
are assembled, finished, handed to the writer and kept only while a stage still to run reads them.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from policykit import config
from policykit.build import scratch
from policykit.build import stages as declared  # read at each use: a test may declare a stage more
from policykit.build.batches import batch_bounds, document_batch, family_batches
from policykit.build.stages import (
    RawFolder,
    StageSpec,
    Tables,
    check_declared,
    final_writers,
    run_in_process,
    stage_order,
    stage_spec,
)
from policykit.build.write import timed
from policykit.executor import SerialExecutor, executor
from policykit.memory import release_memory


def workers() -> int:
    """Processes for the worker stages: POLICYKIT_WORKERS, else one per core (at most one per stage run at once)."""
    most = max((sum(s.batching != "build" for s in group) for group in stage_order()), default=1)
    return max(1, min(config.settings().local_workers, most))


def _run_stage(name: str, inputs: Tables, to: str | None = None,
               stored: bool = False) -> tuple[Tables | Path | scratch.Written, float]:
    """One task of a stage by name on its inputs, and its seconds (module-level: workers import it by name).

    With to, a file path, the tables are pickled into that file and its path is returned in their place
    (with stored, to is a prefix in shared storage: scratch.write_results writes them there, one file per
    table); the inputs are then the task's own (run_stages cuts a fresh dict for each task) and are
    emptied first, so that a worker holds its result without its inputs while it writes it.
    """
    release_memory()  # what the worker's previous task left
    spec = stage_spec(name)
    start = time.perf_counter()
    tables = spec.run(inputs)
    if spec.finish is None:  # a stage with a finishing step is checked after it (build_tables)
        check_declared(spec, tables)
    seconds = time.perf_counter() - start
    if to is not None:
        inputs.clear()  # the caller's tuple of arguments still holds the dict until this returns
        release_memory()
        if stored:
            written: Path | scratch.Written = scratch.write_results(tables, to)
        else:
            _dump(tables, Path(to))
            written = Path(to)
        del tables
        release_memory()
        return written, seconds
    del inputs
    release_memory()  # an idle worker keeps no more than the result it sends back
    return tables, seconds


def _run_stored(name: str, batch: scratch.Batch, place: str) -> tuple[scratch.Written, float]:
    """One task on a cluster: its inputs read from shared storage, its tables written there; their paths returned."""
    return _run_stage(name, scratch.read_batch(batch), place, stored=True)


def _concat(parts: list[Tables]) -> Tables:
    """The tables of several batches, concatenated table by table in batch order."""
    names = sorted({n for part in parts for n in part})
    return {n: pd.concat([p[n] for p in parts if n in p], ignore_index=True) for n in names}


def _plan(stages: list[StageSpec], documents: pd.DataFrame) -> tuple[list[tuple[str, str, Any]], dict[str, list[str]]]:
    """The tasks of worker stages in submission order as (task, stage, document rows or None), and each stage's tasks.

    Document rows are a range (a, b) for batching by documents, a list of positions for batching by families.
    """
    bounds = batch_bounds(documents) if any(s.batching == "documents" for s in stages) else []
    families = family_batches(documents) if any(s.batching == "families" for s in stages) else []
    plan, parts_of = [], {}
    for spec in sorted(stages, key=lambda s: s.name != SUBMITTED_FIRST):
        if spec.batching in ("documents", "families"):
            cut = bounds if spec.batching == "documents" else families
            parts_of[spec.name] = [f"{spec.name}#{i:05d}" for i in range(len(cut))]
            plan += [(task, spec.name, ab) for task, ab in zip(parts_of[spec.name], cut, strict=True)]
        else:
            parts_of[spec.name] = [spec.name]
            plan.append((spec.name, spec.name, None))
    return plan, parts_of


class _Arrived:
    """The results of tasks whose stage has tasks still running: in memory, or pickled into a folder.

    With a folder, the build process holds no batch's rows while the other stages run (on a large corpus
    the term and concept rows of every batch would be held beside the reuse stage's worker); they are
    read back, and their files removed, when their stage's last task returns. A worker that sees the
    folder writes its result there itself (path_for): the rows then never pass through the build process
    as one pickled message, neither in the worker nor here, until they are read back.
    """

    def __init__(self, folder: Path | None) -> None:
        """Keep results in memory (folder None) or as files in folder."""
        self.folder, self.results = folder, {}
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, task: str) -> str | None:
        """Where a worker that shares this machine's files may write the task's result (None: no folder)."""
        return None if self.folder is None else str(self.folder / f"{task.replace('#', '-')}.pickle")

    def put(self, task: str, result: tuple[Any, float]) -> None:
        """Keep one task's result (tables, or the file a worker wrote them to, and seconds)."""
        tables, seconds = result
        if self.folder is not None and not isinstance(tables, Path | scratch.Written):
            path = Path(self.path_for(task))
            _dump(tables, path)
            tables = path
        self.results[task] = (tables, seconds)

    def take(self, task: str) -> tuple[Tables, float]:
        """One task's result, dropped from the store."""
        return self.load(self.results.pop(task))

    @staticmethod
    def load(result: tuple[Any, float]) -> tuple[Tables, float]:
        """A result with its tables read back (and their file removed) if they were written to a file."""
        tables, seconds = result
        if isinstance(tables, scratch.Written):
            return tables.read(), seconds
        if not isinstance(tables, Path):
            return tables, seconds
        with tables.open("rb") as fh:
            loaded = pickle.load(fh)
        tables.unlink()
        return loaded, seconds


def _dump(tables: Tables, path: Path) -> None:
    """Pickle a task's tables into a file."""
    with path.open("wb") as fh:
        pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)


def run_stages(tables: Tables, on_done: Callable[[str], None], ex: Any = None,
               timings: dict[str, float] | None = None, sink: Callable[[str, pd.DataFrame], None] | None = None,
               spill: Path | None = None, stages: list[StageSpec] | None = None,
               keep: set[str] | None = None) -> Tables:
    """Run worker stages together through the executor (local processes by default); their tables by name.

    stages: by default every worker stage whose inputs are all in tables and whose outputs are not. A stage
    batched by documents or families becomes one task per batch; every task is submitted at once, so the
    batches fill the workers while the whole-corpus stages run. The reuse stage, the longest and the
    largest, is submitted first: it runs beside the batches rather than after them. A stage's tables are
    assembled as soon as its last task returns (then its finishing step runs); with a sink, each is
    handed to it and only those in keep (by default: those that stages declared after these read) are
    returned. With spill (a folder, removed at the end), the results of a stage's earlier tasks wait
    there rather than in memory.
    """
    if stages is None:
        stages = [s for s in declared.worker_stages()
                  if set(s.inputs) <= set(tables) and not set(s.outputs) & set(tables)]
    if keep is None:
        first = min((declared.STAGES.index(s) for s in stages), default=len(declared.STAGES))
        keep = {t for s in declared.STAGES[first:] if s not in stages for t in s.inputs}
    if ex is None:
        with executor(workers=workers()) as local:
            return run_stages(tables, on_done, local, timings, sink, spill, stages, keep)
    store = _scratch(ex, spill)
    try:
        return _run_stages(tables, on_done, ex, timings, sink, _Arrived(spill), stages, keep, store)
    finally:
        if store is not None:
            store.remove()
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def _scratch(ex: Any, spill: Path | None) -> scratch.Scratch | None:
    """The shared storage of an executor whose workers do not share this machine's files (None: they do).

    Its own (a Dask executor's `scratch`: --scratch, $POLICYKIT_SCRATCH), else the spill folder, else the
    temporary folder; a folder of this machine serves only a cluster on this machine, which is checked.
    """
    if getattr(ex, "shares_files", True):
        return None
    location = getattr(ex, "scratch", None) or str(spill or tempfile.gettempdir())
    store = scratch.Scratch(location)
    try:
        store.check(ex.on_every_worker)
    except BaseException:
        store.remove()
        raise
    return store


def _run_stages(tables: Tables, on_done: Callable[[str], None], ex: Any,
                timings: dict[str, float] | None, sink: Callable[[str, pd.DataFrame], None] | None,
                waiting: _Arrived, stages: list[StageSpec], keep: set[str],
                store: scratch.Scratch | None = None) -> Tables:
    """run_stages on an executor, with a store for the results of unfinished stages.

    With shared storage (store), the inputs are written there once and each task is sent their paths and
    its rows; its worker writes its tables there and returns their paths.
    """
    inputs = {t: tables[t] for s in stages for t in s.inputs}
    plan, parts_of = _plan(stages, inputs.get("documents"))
    shares_files = ex.shares_files  # then a worker writes its result into the spill folder itself
    spec_of = {s.name: s for s in stages}
    final = final_writers()
    stored = store.put_inputs(inputs) if store is not None else {}

    def tasks() -> Iterator[tuple[str, Callable, tuple]]:
        """The tasks in order; a batch is cut only when the executor takes its task (bounded memory)."""
        for task, name, rows in plan:
            spec = spec_of[name]
            if store is not None:
                columns = spec.columns() if rows is None and spec.columns is not None else None
                batch = scratch.Batch({t: stored[t] for t in spec.inputs}, rows, columns)
                yield task, _run_stored, (name, batch, store.place(task))
                continue
            yield task, _run_stage, (name, _task_inputs(spec, rows, inputs),
                                     waiting.path_for(task) if shares_files else None)
    stage_of = {task: name for name, names in parts_of.items() for task in names}
    left = {name: len(names) for name, names in parts_of.items()}
    arrived = dict.fromkeys(parts_of, 0)
    out: Tables = {}
    largest = SUBMITTED_FIRST if SUBMITTED_FIRST in parts_of else None

    ready: list[str] = []  # stages whose every result is back, in the order they completed

    def assemble(task: str, result: Any) -> None:
        """Keep a task's result; build the tables of the stages whose results are all back.

        With a spill folder, stages are built only when the largest task (SUBMITTED_FIRST) is not running:
        building a stage's tables holds them whole in this process, which should not coincide with that
        worker's peak; their results wait on disk meanwhile.
        """
        name = stage_of[task]
        waiting.put(task, result)
        del result
        arrived[name] += 1
        if arrived[name] == len(parts_of[name]):
            ready.append(name)
        largest_running = (waiting.folder is not None and largest is not None
                           and arrived[largest] < len(parts_of[largest]))
        while ready and not largest_running:
            stage_tables(ready.pop(0))

    def stage_tables(name: str) -> None:
        """Build a stage's tables from its tasks' results (then its finishing step) and pass them on."""
        spec = spec_of[name]
        results = [waiting.take(t) for t in parts_of[name]]
        joined = _concat([tables for tables, _ in results]) if len(results) > 1 else results[0][0]
        if timings is not None:
            timings[name] = sum(seconds for _, seconds in results)
        del results
        if spec.finish is not None:
            stage_inputs = {t: inputs[t] for t in spec.inputs}
            with timed(timings, name):
                joined = check_declared(spec, spec.finish(joined, stage_inputs))
        _pass_on(joined, out, sink, keep, {t for t in spec.outputs if final[t] == name})

    def finished(task: str) -> None:
        left[stage_of[task]] -= 1
        if not left[stage_of[task]]:
            on_done(stage_of[task])

    ex.run(tasks(), finished, on_result=assemble)
    return {name: out[name] for name in sorted(out)}  # the same order whichever stage finished first


def _pass_on(finished: Tables, out: Tables, sink: Callable[[str, pd.DataFrame], None] | None,
             keep: set[str], published: set[str]) -> None:
    """Hand a stage's published tables to the sink (emptying finished); keep in out those returned at the end.

    published: the tables whose published version this stage writes (a table a later stage rewrites,
    such as the documents, is kept for it, not written).
    """
    for table_name in sorted(finished):
        df = finished.pop(table_name)  # the sink's conformed copy replaces it: never both held
        if sink is None or table_name in keep or table_name not in published:
            out[table_name] = df
        if sink is not None and table_name in published:
            sink(table_name, df)
        del df


def _task_inputs(spec: StageSpec, rows: Any, inputs: Tables) -> Tables:
    """A task's inputs: the whole corpus (rows None), a range (a, b) of documents, or a list of positions."""
    own = {t: inputs[t] for t in spec.inputs}  # a dict of the task's own (_run_stage may empty it)
    if rows is None:
        if spec.columns is None:
            return own
        columns = spec.columns()  # fewer columns: less sent and held
        return {t: df[[c for c in columns[t] if c in df.columns]] if t in columns else df for t, df in own.items()}
    return document_batch(own, rows if isinstance(rows, list) else slice(*rows))


# The reuse stage, the longest single task and the largest in memory, is submitted first (the others
# keep their order), so that it runs beside the batches rather than after them (measured on the law
# corpus: a lower peak over all processes than submitting the terms batches first, and a shorter wall time).
SUBMITTED_FIRST = "reuse"


def build_tables(raw_dir: Path, catalog_file: Path, progress: bool = False, scheduler: Any = None,
                 ex: Any = None, timings: dict[str, float] | None = None,
                 sink: Callable[[str, pd.DataFrame], None] | None = None,
                 spill: Path | None = None, keep_going: bool = False) -> Tables:
    """Run every declared stage on the raw folder, in dependency order, and return the tables by name.

    Stages whose inputs are ready at the same time run together: those run in the build process first,
    in declaration order, then the others through the executor (local worker processes, or the Dask
    cluster whose scheduler address is given). With a sink, each table is handed to it once the last
    stage that writes it has run, and dropped unless a stage not run yet reads it: what is returned is
    then only what was still needed at the end (nothing). With spill, a folder that is removed at the
    end, the results of a stage's batches wait there until its last batch is done.

    An interruption cancels the running stages; the progress line is closed first so that any message
    after it starts on a line of its own. With keep_going, raw files that cannot be read are skipped
    (listed in the sources table with their reason) rather than stopping the build.
    """
    if ex is None:
        with executor(scheduler, workers=None if scheduler else workers()) as own:
            return build_tables(raw_dir, catalog_file, progress, ex=own, timings=timings, sink=sink, spill=spill,
                                keep_going=keep_going)
    bar = tqdm(total=len(declared.STAGES), desc="policykit build", unit="stage", disable=not progress,
               bar_format="{desc}: {n_fmt}/{total_fmt} stages [{elapsed}]{postfix}")
    run = _Run({"raw": RawFolder(raw_dir, keep_going), "catalog": catalog_file}, bar, sink)
    with bar:
        for group in stage_order():
            for spec in [s for s in group if s.batching == "build"]:
                bar.set_postfix_str(spec.name)
                with timed(timings, spec.name):
                    out = run_in_process(spec.name, run.values)
                run.ran([spec], out)
            there = [s for s in group if s.batching != "build"]
            if there:
                bar.set_postfix_str(f"{', '.join(s.name for s in there)} on {ex.name}")
                local = ex.shares_files and _runs_here(there, run.values)
                keep = run.needed(there) if sink is not None else set(run.final)
                with timed(timings, "workers (wall)"):
                    out = run_stages(run.values, run.done, SerialExecutor() if local else ex, timings, sink,
                                     None if local else spill, there, keep)
                run.ran(there, out, handed=True)
        bar.set_postfix_str("done")
    return {name: run.values[name] for name in sorted(run.values) if name in run.final}


def _runs_here(stages: list[StageSpec], values: Tables) -> bool:
    """Whether stages run together are one task, run in the build process (local workers would only copy its data)."""
    if len(stages) != 1:
        return False
    return stages[0].batching == "corpus" or (stages[0].batching == "documents"
                                               and len(batch_bounds(values["documents"])) == 1)


class _Run:
    """What a build holds between its stages: the values still needed, the stages not run yet, the progress."""

    def __init__(self, values: Tables, bar: Any, sink: Callable[[str, pd.DataFrame], None] | None) -> None:
        """Start from the raw inputs; with a sink, published tables are handed to it and let go of."""
        self.values, self.bar, self.sink = values, bar, sink
        self.not_run = list(declared.STAGES)
        self.final = final_writers()

    def needed(self, running: list[StageSpec] = ()) -> set[str]:
        """What a stage not run yet (beside those running) reads."""
        return {t for s in self.not_run if s not in running for t in s.inputs}

    def done(self, name: str) -> None:
        """Note a stage done on the progress line."""
        self.bar.set_postfix_str(f"{name} done")
        self.bar.update()

    def ran(self, stages: list[StageSpec], out: Tables, handed: bool = False) -> None:
        """Take the results of stages that ran; let go of what no stage still to run reads.

        Published tables go to the sink once the last stage that writes them has run (handed: run_stages
        did it already); without a sink every table is kept, to be returned.
        """
        for spec in stages:
            self.not_run.remove(spec)
            if not handed:
                self.done(spec.name)
        for name in sorted(out):
            value = out.pop(name)
            if self.sink is not None and not handed and self.final.get(name) in {s.name for s in stages}:
                self.sink(name, value)
            self.values[name] = value
            del value
        wanted = self.needed()
        for name in [n for n in self.values if n not in wanted and (self.sink is not None or n not in self.final)]:
            del self.values[name]
        release_memory()
