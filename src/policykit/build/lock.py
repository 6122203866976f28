"""The output lock: one build at a time writes into an output folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from policykit.errors import InputError

try:
    import fcntl
except ModuleNotFoundError:  # pragma: no cover - Windows: no lock
    fcntl = None


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on out_dir for the whole build; a second build into it is refused.

    The lock is an fcntl lock on `.<name>.lock` beside out_dir, removed on release. It is written by hand
    rather than with the filelock package because filelock leaves its lock file behind on Unix, and a
    build must leave nothing beside its output. Where fcntl does not exist (Windows) there is no lock.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = out_dir.with_name(f".{out_dir.name}.lock")
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError(out_dir, "another build is writing into this output folder; wait for it to finish "
                                      f"(lock file {path.name})") from None
        try:  # the holder before us may have removed the file after we opened it: lock the current one
            if os.fstat(fd).st_ino == path.stat().st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
