"""policykit.memory: the collector's view of the heap, Arrow's allocator, handing memory back."""

from __future__ import annotations


def test_frozen_heap_hides_old_objects_only_while_the_build_runs() -> None:
    """frozen_heap freezes what is alive for the block and unfreezes it after, unless it was frozen before."""
    import gc

    from policykit.memory import frozen_heap

    frozen_before = gc.get_freeze_count()
    gc.unfreeze()
    try:
        with frozen_heap():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0
        gc.freeze()
        with frozen_heap():
            pass
        assert gc.get_freeze_count() > 0  # a freeze made before the block is kept
    finally:
        gc.unfreeze()
        if frozen_before:
            gc.freeze()


def test_arrow_system_pool_is_used_inside_the_block_and_restored_after() -> None:
    """Arrow buffers made inside the block come from the system allocator; the pool before is restored."""
    import pandas as pd
    import pyarrow as pa

    from policykit.memory import arrow_system_pool, release_memory

    before = pa.default_memory_pool().backend_name
    with arrow_system_pool():
        assert pa.default_memory_pool().backend_name == "system"
        column = pa.array(["数据要素"] * 1000)
        assert pa.system_memory_pool().bytes_allocated() >= column.nbytes
        assert pd.Series(["数据"]).str.len().tolist() == [2]
        del column
        release_memory()
    assert pa.default_memory_pool().backend_name == before
