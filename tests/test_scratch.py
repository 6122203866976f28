"""Shared storage of a cluster build: tasks read the same inputs and the build the same results as through memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from policykit.build import scratch
from policykit.build.batches import batch_bounds
from policykit.build.schedule import _task_inputs
from policykit.build.stages import StageSpec
from policykit.errors import InputError

pytest.importorskip("fsspec")  # comes with the cluster extra (dask), the only user of shared storage


def _tables() -> dict[str, pd.DataFrame]:
    """Documents (some with versions) and their provisions, with the column kinds the build's tables have."""
    n = 40
    documents = pd.DataFrame({
        "doc_id": [f"d{i:03d}" for i in range(n)],
        "text": ["条款" * (50 + 7 * i) for i in range(n)],
        "date": pd.to_datetime([f"2020-01-{1 + i % 28:02d}" for i in range(n)]),
        "case_name": pd.Series([None if i % 3 else f"案{i}" for i in range(n)], dtype=object),
        "n": pd.array([i if i % 4 else None for i in range(n)], dtype="Int64"),
        "share": [i / 7 for i in range(n)],
        "flag": [i % 2 == 0 for i in range(n)],
    })
    provisions = pd.DataFrame({
        "doc_id": [f"d{i // 5:03d}" for i in range(5 * n)][::-1],  # not in document order
        "ord": [i % 5 for i in range(5 * n)],
        "start": range(5 * n),
    })
    return {"documents": documents, "provisions": provisions}


def _equal(got: dict, want: dict) -> None:
    """Same tables: columns, dtypes, values and index (its type too)."""
    assert sorted(got) == sorted(want)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_index_type=True, check_column_type=True)
        assert type(got[name].index) is type(want[name].index), name


@pytest.mark.parametrize("where", ["folder", "memory"])
def test_a_task_reads_from_storage_what_it_is_cut_in_memory(where: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch, "ROW_GROUP_BYTES", 2_000)  # many row groups: a batch reads a few of them
    location = str(tmp_path) if where == "folder" else f"memory://policykit-test-{tmp_path.name}"
    tables = _tables()
    store = scratch.Scratch(location)
    try:
        stored = store.put_inputs(tables)
        assert {s.form for s in stored.values()} == {"parquet"}
        spec = StageSpec("t", ("documents", "provisions"), ("x",), dict, "documents")
        cuts = batch_bounds(tables["documents"], max_chars=1_500)
        assert len(cuts) > 3
        rows_list: list = [*cuts, [7, 3, 30, 12], []]  # ranges (by documents), positions (by families)
        for rows in rows_list:
            _equal(scratch.read_batch(scratch.Batch(stored, rows)), _task_inputs(spec, rows, tables))
        columns = {"documents": ["text", "doc_id", "absent"], "provisions": ["start", "doc_id"]}
        whole = StageSpec("w", ("documents", "provisions"), ("x",), dict, "corpus", columns=lambda: columns)
        _equal(scratch.read_batch(scratch.Batch(stored, None, columns)), _task_inputs(whole, None, tables))
        _equal(scratch.read_batch(scratch.Batch(stored)), tables)
    finally:
        store.remove()
    assert not scratch.sees(scratch.join(store.url, "visible"))


def test_results_come_back_with_their_dtypes_and_index(tmp_path: Path) -> None:
    """Parquet where it gives the table back unchanged; pickle for the rest (mixed objects, categories)."""
    store = scratch.Scratch(str(tmp_path))
    results = {
        "plain": _tables()["documents"],
        "indexed": _tables()["provisions"].iloc[[5, 2, 9]],
        "mixed": pd.DataFrame({"v": pd.Series([1, "a", None], dtype=object)}),
        "nan_in_text": pd.DataFrame({"v": pd.Series(["a", float("nan")], dtype=object)}),
        "category": pd.DataFrame({"c": pd.Categorical(["b", "a"], categories=["b", "a"])}),
        "empty": pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="float64")}),
    }
    written = scratch.write_results(results, store.place("stage#00001"))
    assert {n: s.form for n, s in written.tables.items()} == {
        "plain": "parquet", "indexed": "parquet", "mixed": "pickle", "nan_in_text": "pickle",
        "category": "pickle", "empty": "parquet"}
    _equal(written.read(), results)
    assert not any(scratch.sees(s.url) for s in written.tables.values())  # read back and removed
    store.remove()
    assert not Path(store.url).exists()


def test_storage_a_worker_does_not_see_is_refused(tmp_path: Path) -> None:
    store = scratch.Scratch(str(tmp_path))
    store.check(lambda fn, url: [fn(url), fn(url)])  # both see it
    with pytest.raises(InputError, match="do not see"):
        store.check(lambda fn, url: [fn(url), fn(url.replace(str(tmp_path), str(tmp_path / "elsewhere")))])
    store.remove()


def test_storage_that_cannot_be_written_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for location in ("nosuchprotocol://bucket/tmp", str(tmp_path / "file")):
        with pytest.raises(InputError, match="cannot write there"):
            scratch.Scratch(location)
