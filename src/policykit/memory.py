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


@contextlib.contextmanager
def arrow_system_pool() -> Iterator[None]:
    """While the block runs, Arrow buffers (pandas' string columns among them) come from the system allocator.

    pyarrow's default pool (mimalloc) keeps the pages a build frees for its own later use, so a build
    process would stay at its high-water mark; the system allocator's freed pages go back to the system
    with release_memory. Worker processes forked inside the block inherit the pool. The pool in use
    before is restored at the end.
    """
    import pyarrow as pa

    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


def release_memory() -> None:
    """Collect garbage and hand freed heap memory back to the system (glibc keeps it otherwise).

    A long-lived process that built and dropped millions of small objects (the corpus in the build
    process, a batch's rows in a worker) would keep its high-water mark for the rest of the build.
    """
    import gc

    gc.collect()
    if "pyarrow" in sys.modules:  # memory Arrow's pool holds for reuse (mimalloc, jemalloc)
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
