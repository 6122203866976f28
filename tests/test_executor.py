"""The executors: same results in this process, in local processes and on a Dask cluster; workers die with the build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import content_digests

from policykit import config
from policykit.build import build
from policykit.executor import LocalExecutor, SerialExecutor, executor


def _square(x: int) -> int:
    return x * x


def _pid_after(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


def _alive(pid: int) -> bool:
    """True while pid is a live process (a zombie counts as ended)."""
    try:
        with Path(f"/proc/{pid}/stat").open() as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_serial_and_local_give_the_same_results_in_order() -> None:
    items = list(range(20))
    serial = SerialExecutor()
    local = LocalExecutor(2)
    try:
        assert local.map(_square, items) == serial.map(_square, items) == [x * x for x in items]
        done: list[str] = []
        out = local.run([("b", _square, (3,)), ("a", _square, (4,))], done.append)
        assert out == {"a": 16, "b": 9} and sorted(done) == ["a", "b"]
    finally:
        local.close(cancel=False)


def test_local_run_takes_tasks_from_a_generator_as_room_frees() -> None:
    local = LocalExecutor(2)
    made: list[int] = []
    made_when_first_result: list[int] = []

    def tasks():
        for i in range(20):
            made.append(i)  # the task's input is built only now
            yield f"t{i:02d}", _square, (i,)

    def on_result(name: str, result: int) -> int:
        made_when_first_result.append(len(made))
        return result

    try:
        out = local.run(tasks(), lambda name: None, on_result=on_result)
    finally:
        local.close(cancel=False)
    assert out == {f"t{i:02d}": i * i for i in range(20)}
    assert made_when_first_result[0] <= local.window() < 20  # not every task was made before the first ended


@pytest.mark.slow
def test_local_runs_in_other_processes() -> None:
    with executor(workers=2) as ex:
        pids = set(ex.map(_pid_after, [0.2, 0.2, 0.2, 0.2]))
    assert os.getpid() not in pids and len(pids) >= 1


def test_one_worker_runs_in_this_process() -> None:
    with executor(workers=1) as ex:
        assert isinstance(ex, SerialExecutor)
        assert ex.map(_pid_after, [0.0]) == [os.getpid()]


SCRIPT = """
import sys, time
from policykit.executor import LocalExecutor
from tests_helper import busy
ex = LocalExecutor(2)
futures = [ex.pool.submit(busy, 60) for _ in range(2)]
time.sleep(1.5)
print(" ".join(str(p) for p in ex.pool._processes), flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_workers_die_when_the_build_is_killed(tmp_path: Path) -> None:
    """SIGKILL of the parent (nothing of it can run) still ends its worker processes."""
    (tmp_path / "tests_helper.py").write_text("import time\ndef busy(s):\n    time.sleep(s)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True,
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    try:
        line = proc.stdout.readline()
        workers = [int(p) for p in line.split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "worker processes outlived the killed build"
    finally:
        proc.kill()
        proc.wait()


def _digests(folder: Path) -> dict[str, str]:
    """Digests of a build folder's files, the corpus entry of datapackage.json left out (conftest)."""
    return content_digests(folder)


@pytest.mark.slow
def test_build_on_a_dask_cluster_is_byte_identical(built, tmp_path: Path) -> None:
    """The build on a (small, in-process) Dask LocalCluster writes the same bytes as the local build.

    Its shared storage is an fsspec URL (memory://, which the in-process workers share).
    """
    distributed = pytest.importorskip("distributed")
    local_out = built.files[0].parent
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client, \
            distributed.get_task_stream(client) as stream:
        result = build(config.RAW_DIR, tmp_path / "dask", scheduler=cluster.scheduler_address, csv=True,
                       scratch=f"memory://policykit-{tmp_path.name}")
    assert not result.cached
    ran = {t["key"] if isinstance(t["key"], str) else t["key"][0] for t in stream.data}
    assert any("policykit-provisions" in k for k in ran) and any("policykit-reuse" in k for k in ran), ran
    assert _digests(tmp_path / "dask") == _digests(local_out)


MESSAGE_LIMIT = 64 * 1024
"""Bytes a task's arguments or result may take on the cluster: paths and row numbers, never a table."""


def _sizes_plugin():  # a SchedulerPlugin subclass, defined only when distributed is installed
    from distributed.diagnostics.plugin import SchedulerPlugin

    class MessageSizes(SchedulerPlugin):
        """Records the pickled size of every task the scheduler receives and the size of every result."""

        name = "policykit-message-sizes"

        def __init__(self) -> None:
            self.sent: dict[str, int] = {}
            self.returned: dict[str, int] = {}

        async def start(self, scheduler) -> None:
            self.scheduler = scheduler

        def update_graph(self, scheduler, *, tasks, **kwargs) -> None:
            import pickle

            for key in tasks:
                ts = scheduler.tasks.get(key)
                if ts is not None and ts.run_spec is not None:
                    self.sent[str(key)] = len(pickle.dumps(ts.run_spec, protocol=pickle.HIGHEST_PROTOCOL))

        def transition(self, key, start, finish, *args, **kwargs) -> None:
            if finish == "memory":
                self.returned[str(key)] = self.scheduler.tasks[key].nbytes

    return MessageSizes()


@pytest.mark.slow
def test_build_on_a_two_worker_cluster_sends_paths_not_tables(built, tmp_path: Path) -> None:
    """Two worker processes build the same tables; no task's arguments or result carries a table.

    The workers read their inputs from, and write their results to, the shared folder; what the scheduler
    sees of each task (its pickled arguments, the size of its result) stays under MESSAGE_LIMIT, far less
    than the tables the build's stages read and write (checked below, so that a task sending or returning a
    table would fail here).
    """
    distributed = pytest.importorskip("distributed")
    from dask.sizeof import sizeof

    local_out = built.files[0].parent
    assert sizeof(built.tables["documents"]) > 4 * MESSAGE_LIMIT
    assert sizeof(built.tables["term_frequencies"]) > 4 * MESSAGE_LIMIT
    scratch = tmp_path / "shared"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1.5GiB",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.register_plugin(_sizes_plugin())
        proc = subprocess.run([sys.executable, "-m", "policykit.cli", "build", "-q", "--no-cache", "--csv",
                               "--raw", str(config.RAW_DIR), "--out", str(tmp_path / "dask"),
                               "--scheduler", cluster.scheduler_address, "--scratch", str(scratch)],
                              capture_output=True, text=True, timeout=900)
        sizes = cluster.scheduler.plugins["policykit-message-sizes"]
        assert proc.returncode == 0, proc.stderr
    stages = {k.split("-")[1].split("#")[0] for k in sizes.returned}
    assert {"provisions", "reuse", "terms", "alignment"} <= stages, stages
    assert len(sizes.sent) >= len(sizes.returned) >= 8, (sizes.sent, sizes.returned)
    assert max(sizes.sent.values()) < MESSAGE_LIMIT, max(sizes.sent.items(), key=lambda kv: kv[1])
    assert max(sizes.returned.values()) < MESSAGE_LIMIT, max(sizes.returned.items(), key=lambda kv: kv[1])
    print("largest task sent", max(sizes.sent.values()), "returned", max(sizes.returned.values()))
    assert _digests(tmp_path / "dask") == _digests(local_out)
    assert scratch.is_dir() and not any(scratch.iterdir())  # the run's files are removed


@pytest.mark.slow  # waits out the client's 10 s connection timeout
def test_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    proc = subprocess.run([sys.executable, "-m", "policykit.cli", "build", "-q", "--out", str(tmp_path / "out"),
                           "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    err = proc.stderr.strip()
    assert "\n" not in err and "Traceback" not in err and "scheduler" in err
    assert not (tmp_path / "out").exists()


def test_task_arguments_are_let_go_once_sent_to_a_worker() -> None:
    """The local pool's call keeps no reference to a task's arguments after pickling them for the worker."""
    import pickle

    from policykit.executor import _call, _Sent

    sent = _Sent(("数据", 2))
    data = pickle.dumps(sent)
    assert sent.args is None  # the build process has let go of them
    assert _call(lambda text, n: text * n, pickle.loads(data)) == "数据数据"
    with pytest.raises(RuntimeError, match="already sent"):
        _call(len, sent)
