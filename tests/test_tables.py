"""Writing tables: the bytes depend on the rows, not on how the rows were gathered."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from tiny_tables import frame

from policykit.publish.tables import write_table


def test_parquet_bytes_do_not_depend_on_the_batches(tmp_path: Path) -> None:
    """A table gathered from two batches is written byte for byte like the same table made in one piece."""
    # pages of about 1 MB: batches of unequal size so that the batch boundary falls inside a page
    rows = [{"doc_id": f"d{i:04d}", "title": f"标题{i}", "kind": "policy", "text": f"第{i}条" + "正文" * 400}
            for i in range(3000)]
    whole = frame("documents", rows)
    batched = pd.concat([frame("documents", rows[:1234]), frame("documents", rows[1234:])], ignore_index=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_table(whole, "documents", tmp_path / "a")
    write_table(batched, "documents", tmp_path / "b")
    for suffix in ("parquet", "csv"):
        assert (tmp_path / "a" / f"documents.{suffix}").read_bytes() == \
            (tmp_path / "b" / f"documents.{suffix}").read_bytes(), suffix
