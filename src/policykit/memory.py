"""Memory of a long build: what the garbage collector walks, and handing freed heap back to the system."""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """While the block runs, keep the objects already alive (modules, a notebook's data) from the collector.

    release_memory runs a full collection after every table; without this, each one walks every object
    of pandas, pyarrow and jieba too (three quarters of a small build's time). Objects are unfrozen at the
    end unless someone froze them before (a test session does).
    """
    import gc

    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def release_memory() -> None:
    """Collect garbage and hand freed heap memory back to the system (glibc keeps it otherwise).

    A long-lived process that built and dropped millions of small objects (the corpus in the build
    process, a batch's rows in a worker) would keep its high-water mark for the rest of the build.
    """
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
