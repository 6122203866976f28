"""The whole build on data/raw: tables, determinism, atomic output, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import content_digests

from policykit import config
from policykit.build import build
from policykit.cli import main
from policykit.schema import TABLES


def _digests(folder: Path) -> dict[str, str]:
    """Digests of a build folder's files, the corpus entry of datapackage.json left out (conftest)."""
    return content_digests(folder)


def test_every_built_table_is_registered_and_written(any_built) -> None:
    """Each table the build returns is registered, and written as Parquet (with a CSV copy on request)."""
    built = any_built
    assert set(built.tables) <= set(TABLES)
    names = {p.name for p in built.files}
    for t in built.tables:  # both fixtures are built with CSV copies, as `make data` builds data/processed
        assert {f"{t}.parquet", f"{t}.csv"} <= names


def test_csv_copies_are_written_on_request(tiny_built, tiny_raw: Path, tmp_path: Path) -> None:
    """Without --csv the build writes Parquet only, described as such; with it (tiny_built), CSV copies too."""
    import json

    with_csv = Path(tiny_built.files[0]).parent
    assert main(["build", "-q", "--raw", str(tiny_raw), "--out", str(tmp_path / "o")]) == 0
    plain = tmp_path / "o"
    assert not list(plain.glob("*.csv"))
    descriptor = json.loads((plain / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["format"] for r in descriptor["resources"]} == {"parquet"}
    assert all((plain / r["path"]).is_file() for r in descriptor["resources"])
    assert sorted(p.stem for p in with_csv.glob("*.csv")) == sorted(p.stem for p in plain.glob("*.parquet"))
    for parquet in plain.glob("*.parquet"):
        assert (with_csv / parquet.name).read_bytes() == parquet.read_bytes()
    import zipfile

    from policykit.publish.release import build_release

    archive = build_release(plain, tmp_path / "dist", duckdb_file=False).archive  # the release keeps CSV
    with zipfile.ZipFile(archive) as z:
        [member] = [n for n in z.namelist() if n.endswith("/documents.csv") and "/excel/" not in n]
        assert z.read(member) == (with_csv / "documents.csv").read_bytes()


@pytest.mark.slow
def test_rebuild_is_byte_identical_in_a_fresh_process(tiny_built, tiny_raw: Path, tmp_path: Path) -> None:
    """A second build in another process with another hash seed gives the same bytes."""
    out = tmp_path / "again"
    raw = tiny_raw
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "policykit.cli", "build", "-q", "--no-cache", "--csv", "--raw", str(raw),
                    "--out", str(out)], check=True, env=env, cwd=config.ROOT)
    first = _digests(Path(tiny_built.files[0]).parent)
    assert _digests(out) == first


def test_a_restored_build_reports_the_files_it_skipped(tmp_path: Path, tiny_raw: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A build restored from the cache lists the raw files skipped, as the build it restores did (no CSV read)."""
    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "cache"))
    (tiny_raw / "zz_broken.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    first = build(tiny_raw, tmp_path / "a", use_cache=True, keep_going=True)
    again = build(tiny_raw, tmp_path / "b", use_cache=True, keep_going=True)
    assert again.cached and first.skipped and again.skipped == first.skipped
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(p.name for p in (tmp_path / "a").iterdir())


@pytest.mark.slow
def test_committed_tables_equal_a_fresh_build(built) -> None:
    """data/processed is exactly what the code builds from data/raw."""
    built_dir = Path(built.files[0]).parent
    committed = _digests(config.PROCESSED_DIR)
    for name, digest in _digests(built_dir).items():
        assert committed.get(name) == digest, f"data/processed/{name} differs from a fresh build: run `make data`"


@pytest.mark.slow
def test_bad_input_keeps_previous_output(tmp_path: Path, tiny_raw: Path, capsys: pytest.CaptureFixture) -> None:
    """A binary raw file stops the build with one line naming it; the earlier output stays intact."""
    out = tmp_path / "out"
    assert main(["build", "-q", "--raw", str(tiny_raw), "--out", str(out)]) == 0
    before = _digests(out)
    (tiny_raw / "zz_broken.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    capsys.readouterr()
    assert main(["build", "-q", "--raw", str(tiny_raw), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "zz_broken.txt" in err and "binary" in err
    assert _digests(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")]


@pytest.mark.parametrize(("setup", "expect"), [
    (lambda raw: (raw / "empty.txt").write_bytes(b""), "empty.txt: empty file"),
    (lambda raw: raw.joinpath(sorted(p.name for p in raw.glob("*.txt"))[0]).write_text("改", encoding="utf-8"),
     "checksum does not match"),
])
def test_cli_errors_are_one_line(tmp_path: Path, tiny_raw: Path, setup, expect: str,
                                 capsys: pytest.CaptureFixture) -> None:
    """The command exits 1 with a one-line message and no traceback.

    Run in this process: the real entry point, in a fresh interpreter, is tested in test_hostile.py.
    """
    setup(tiny_raw)
    capsys.readouterr()
    assert main(["build", "-q", "--raw", str(tiny_raw), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert expect in err and "Traceback" not in err
    assert err.strip().count("\n") == 0
    assert not (tmp_path / "o").exists()


def test_missing_raw_dir(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A raw folder that does not exist is named in the error."""
    assert main(["build", "-q", "--raw", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 1
    assert "raw data folder does not exist" in capsys.readouterr().err


def test_new_gb18030_compilation_is_read(tmp_path: Path, tiny_raw: Path) -> None:
    """A new compilation in GB18030 with CRLF, not in the manifest, yields its documents."""
    text = ("关于推进数据标准化工作的通知\r\n\r\n一、总体要求\r\n\r\n"
            "坚持标准引领。到2026年底，制定标准50项以上。\r\n\r\n"
            "二、保障措施\r\n\r\n加强组织领导。\r\n\r\n数据资源统计调查制度实施方案\r\n\r\n一、调查目的\r\n\r\n摸清数据资源底数。\r\n")
    (tiny_raw / "new_compilation.txt").write_bytes(text.encode("gb18030"))
    result = build(tiny_raw, tmp_path / "o")
    src = result.tables["sources"].set_index("source_file").loc["new_compilation.txt"]
    assert src["encoding"] == "gb18030" and src["newline"] == "crlf" and not src["in_manifest"]
    assert src["n_documents"] == 2
    titles = set(result.tables["documents"].title)
    assert {"关于推进数据标准化工作的通知", "数据资源统计调查制度实施方案"} <= titles


def test_audit_accounts_for_every_raw_character(any_built) -> None:
    """Every character of every raw file is in a provision, a duplicate witness, or a removal category."""
    built = any_built
    audit = built.tables["audit"]
    sources = built.tables["sources"].set_index("source_file")
    totals = audit.groupby("source_file").n_chars.sum()
    assert totals.to_dict() == sources.n_chars.to_dict()
    assert "unaccounted" not in set(audit.category)
    # kept in a provision; an erratum's passage is counted apart, as kept text a curated erratum corrected
    kept = audit[audit.category.isin(["provision", "erratum"])].groupby("doc_id").n_chars.sum()
    docs = built.tables["documents"].set_index("doc_id")
    # each document's non-whitespace characters are counted once, from its primary witness
    assert (kept.reindex(docs.index).fillna(0) == docs.n_nonspace_chars).all()
    readings = audit[(audit.category == "readings")].n_chars.sum()
    assert readings == built.tables["witnesses"].removed_readings.sum()


@pytest.mark.slow
def test_unchanged_inputs_reuse_the_build_cache(tmp_path: Path, tiny_raw: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A second build of unchanged inputs is restored from the cache; a changed raw folder rebuilds."""
    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "cache"))
    first = build(tiny_raw, tmp_path / "a", use_cache=True)
    again = build(tiny_raw, tmp_path / "b", use_cache=True)
    assert not first.cached and again.cached
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    notice = "关于推进数据标准化工作的通知\n\n一、总体要求\n\n坚持标准引领。\n"
    (tiny_raw / "extra.txt").write_text(notice, encoding="utf-8")
    changed = build(tiny_raw, tmp_path / "c", use_cache=True)
    assert not changed.cached and "extra.txt" in set(changed.tables["sources"].source_file)


@pytest.mark.slow
def test_a_build_restored_from_the_cache_imports_no_table_library(tmp_path: Path, tiny_raw: Path) -> None:
    """Restoring a cached build in a fresh process imports neither pandas nor pyarrow (it only copies files)."""
    env = {**os.environ, config.CACHE_ENV: str(tmp_path / "cache")}
    build_once = (f"from policykit.build import build; build({str(tiny_raw)!r}, {str(tmp_path / 'out')!r}, "
                  "use_cache=True)")
    subprocess.run([sys.executable, "-c", build_once], check=True, env=env, timeout=300)
    probe = build_once.replace("use_cache=True)", "use_cache=True).cached; import sys; "
                               "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], check=True, env=env, capture_output=True, text=True,
                         timeout=300).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_cache_is_keyed_on_the_libraries_that_shape_the_output(tmp_path: Path, tiny_raw: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgraded jieba (or any output-shaping library) rebuilds instead of restoring stale tables."""
    from policykit.build import cache

    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "cache"))
    versions = cache.dependency_versions()
    shaping = {"jieba", "opencc", "rapidfuzz", "cn2an", "numpy", "pandas", "pyarrow", "datasketch", "scipy"}
    assert shaping <= set(versions)
    build(tiny_raw, tmp_path / "a", use_cache=True)
    assert build(tiny_raw, tmp_path / "b", use_cache=True).cached
    monkeypatch.setattr(cache, "dependency_versions", lambda: {**versions, "jieba": "9.9.9"})
    assert not build(tiny_raw, tmp_path / "c", use_cache=True).cached


@pytest.mark.slow
def test_cache_keeps_one_slot_per_raw_folder(tmp_path: Path, tiny_raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building another raw folder does not evict the first folder's cached outputs."""
    monkeypatch.setenv(config.CACHE_ENV, str(tmp_path / "cache"))
    other = tmp_path / "other"
    other.mkdir()
    (other / "one.txt").write_text("关于推进数据标准化工作的通知\n\n一、总体要求\n\n坚持标准引领。\n", encoding="utf-8")
    build(tiny_raw, tmp_path / "a", use_cache=True)
    build(other, tmp_path / "o", use_cache=True)
    assert build(tiny_raw, tmp_path / "a2", use_cache=True).cached
    assert build(other, tmp_path / "o2", use_cache=True).cached
    assert len(list((tmp_path / "cache" / "build").iterdir())) == 2


def test_per_document_stages_give_the_same_rows_batch_by_batch(any_built) -> None:
    """A per-document stage run on small batches of documents gives exactly the rows of one run on all."""
    import pandas as pd

    from policykit.build import batches as build_batches
    from policykit.build import schedule, stages
    from policykit.publish.tables import conform

    docs, prov = any_built.tables["documents"], any_built.tables["provisions"]
    # batches of about a tenth of the corpus: the seed corpus in ~20,000 characters, the tiny one a document each
    batches = build_batches.document_batches(docs, prov, max_chars=int(docs.text.str.len().sum()) // 10)
    assert len(batches) >= min(3, len(docs))
    assert pd.concat([b["documents"] for b in batches]).doc_id.tolist() == docs.doc_id.tolist()
    inputs = {"documents": docs, "provisions": prov}
    per_document = [s for s in stages.STAGES if s.batching == "documents"]
    assert {"provisions", "terms", "targets"} <= {s.name for s in per_document}
    for spec in per_document:
        name = spec.name
        joined = schedule._concat([schedule._run_stage(name, b)[0] for b in batches])
        if spec.finish is not None:
            joined = spec.finish(joined, inputs)
        whole = stages.run_in_process(name, inputs)
        direct = schedule._run_stage(name, inputs)[0]  # the stage's function on every document, not finished
        assert sorted(joined) == sorted(whole)
        for t in whole:
            pd.testing.assert_frame_equal(conform(joined[t], t), conform(whole[t], t), check_exact=True)
        for t in direct:
            pd.testing.assert_frame_equal(conform(joined[t], t), conform(direct[t], t), check_exact=True)


def test_per_family_stages_give_the_same_rows_family_batch_by_batch(any_built) -> None:
    """The alignment stage run on batches of whole families gives exactly the rows of one run on all."""
    import pandas as pd

    from policykit.build import batches as build_batches
    from policykit.build import schedule, stages
    from policykit.ingest.documents import version_pairs
    from policykit.publish.tables import conform

    docs, prov = any_built.tables["documents"], any_built.tables["provisions"]
    batches = build_batches.family_batches(docs, max_chars=1)  # one family per batch
    paired = sorted({d for pair in version_pairs(docs) for d in pair})
    assert paired and sorted(docs.doc_id.iloc[[i for b in batches for i in b]]) == paired
    batch_of = {docs.doc_id.iloc[i]: k for k, b in enumerate(batches) for i in b}
    assert all(batch_of[a] == batch_of[b] for a, b in version_pairs(docs))  # a family is never split
    inputs = {"documents": docs, "provisions": prov}
    per_family = [s.name for s in stages.STAGES if s.batching == "families"]
    assert per_family
    for name in per_family:
        parts = [schedule._run_stage(name, build_batches.document_batch(inputs, b))[0] for b in batches]
        joined = schedule._concat(parts)
        whole = schedule._run_stage(name, inputs)[0]
        assert sorted(joined) == sorted(whole)
        for t in whole:
            assert len(whole[t])
            pd.testing.assert_frame_equal(conform(joined[t], t), conform(whole[t], t), check_exact=True)


def test_family_batches_without_pairs_is_one_empty_batch(tiny_built) -> None:
    """A corpus without version pairs still gives the per-family stage one (empty) batch to run."""
    from policykit.build import batches as build_batches

    docs = tiny_built.tables["documents"]
    alone = docs.assign(family_id=[f"f{i}" for i in range(len(docs))], version=1)
    assert build_batches.family_batches(alone) == [[]]


def test_stage_declarations_cover_every_table_in_build_order() -> None:
    """Every registered table is the output of a declared stage; a stage reads only what an earlier one wrote."""
    from policykit.build import RAW_INPUTS, STAGES, stage_order
    from policykit.schema import TABLES

    assert {t for s in STAGES for t in s.outputs} == set(TABLES)
    written = set(RAW_INPUTS)
    for s in STAGES:
        assert set(s.inputs) <= written, s.name
        written |= {*s.outputs, *s.passes}
    order = [s.name for group in stage_order() for s in group]
    assert sorted(order) == sorted(s.name for s in STAGES)
    for i, stage in enumerate(STAGES):  # a stage runs after every stage that writes what it reads
        writers = [w.name for w in STAGES[:i] if set(w.outputs + w.passes) & set(stage.inputs)]
        assert all(order.index(w) < order.index(stage.name) for w in writers), stage.name


def _count_targets(t: dict) -> dict:
    """A stage added for the test below: the targets of each document (reads the targets table)."""
    import pandas as pd

    counts = t["targets"].groupby("doc_id", sort=True).size()
    return {"target_counts": pd.DataFrame({"doc_id": counts.index.astype(str), "n_targets": counts.to_numpy()})}


def test_a_declared_stage_reading_another_stages_table_runs_and_is_written(
        tmp_path: Path, tiny_raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared stage reading a table other than documents and provisions runs and its table is written."""
    from policykit import schema
    from policykit.build import cache, stages

    before = cache.build_key(tiny_raw, tmp_path / "none.toml")
    counts_table = schema.Table(
        name="target_counts", title="Targets per document", description="How many targets each document has.",
        fields=(schema.Field("doc_id", "string", "The document.", True),
                schema.Field("n_targets", "integer", "Its targets.", True)),
        primary_key=("doc_id",), foreign_keys=(schema.DOC_FK,))
    monkeypatch.setitem(schema.TABLES, "target_counts", counts_table)
    stage = stages.StageSpec("target_counts", ("targets",), ("target_counts",), _count_targets)
    monkeypatch.setattr(stages, "STAGES", (*stages.STAGES, stage))
    assert cache.build_key(tiny_raw, tmp_path / "none.toml") != before  # the cache key covers STAGES
    result = build(tiny_raw, tmp_path / "o")
    assert (tmp_path / "o" / "target_counts.parquet").is_file()
    targets = result.tables["targets"]
    written = result.tables["target_counts"].set_index("doc_id")["n_targets"].to_dict()
    assert written and written == targets.groupby("doc_id").size().to_dict()


def test_a_stage_returning_undeclared_tables_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """The declaration is checked when a stage returns: an extra or missing table is an error, not a silent write."""
    from dataclasses import replace

    import pandas as pd

    from policykit.build import schedule, stages

    def stray(t: dict) -> dict:
        return {"targets": pd.DataFrame(), "stray": pd.DataFrame()}

    declared = tuple(replace(s, run=stray) if s.name == "targets" else s for s in stages.STAGES)
    monkeypatch.setattr(stages, "STAGES", declared)
    with pytest.raises(RuntimeError, match="stage targets returned"):
        schedule._run_stage("targets", {})


def test_batch_results_wait_in_the_spill_folder_and_come_back_whole(tmp_path) -> None:
    """A result put aside in the spill folder is one file until taken, then read back equal and removed."""
    import pandas as pd

    from policykit.build.schedule import _Arrived

    waiting = _Arrived(tmp_path / "batches")
    frame = pd.DataFrame({"doc_id": ["a", "b"], "n": pd.array([1, None], dtype="Int64")})
    waiting.put("terms#00001", ({"term_frequencies": frame}, 0.5))
    assert [p.name for p in (tmp_path / "batches").iterdir()] == ["terms-00001.pickle"]
    tables, seconds = waiting.take("terms#00001")
    pd.testing.assert_frame_equal(tables["term_frequencies"], frame)
    assert seconds == 0.5 and not list((tmp_path / "batches").iterdir())


def test_a_stage_writes_its_result_where_it_is_told_and_returns_the_path(tiny_built, tmp_path) -> None:
    """_run_stage with a file path pickles its tables there; the store reads them back equal to a direct run."""
    import pandas as pd

    from policykit.build.schedule import _Arrived, _run_stage

    inputs = {n: tiny_built.tables[n] for n in ("documents", "provisions")}
    waiting = _Arrived(tmp_path / "batches")
    path, _ = _run_stage("targets", dict(inputs), waiting.path_for("targets#00000"))
    assert path.is_file()
    waiting.put("targets#00000", (path, 1.0))
    tables, _ = waiting.take("targets#00000")
    direct, _ = _run_stage("targets", inputs)
    pd.testing.assert_frame_equal(tables["targets"], direct["targets"])
    assert not path.exists()


def test_with_a_spill_folder_no_stage_is_built_while_the_largest_task_runs(tiny_built, tmp_path) -> None:
    """Results spilled to disk wait there: stage tables are built only once the reuse task is back."""
    from policykit.build import schedule
    from policykit.executor import SerialExecutor

    back: list[str] = []

    class LargestLast(SerialExecutor):
        def run(self, tasks, on_done, on_result=None):  # noqa: ANN001, ANN201 - the Executor protocol
            def noted(name, result):  # noqa: ANN001, ANN202
                back.append(name)
                return on_result(name, result)
            ordered = sorted(tasks, key=lambda t: t[0] == schedule.SUBMITTED_FIRST)
            return super().run(ordered, on_done, noted)

    written: list[tuple[str, bool]] = []
    tables = {n: tiny_built.tables[n] for n in ("documents", "provisions")}
    schedule.run_stages(tables, lambda name: None, LargestLast(), spill=tmp_path / "batches",
                              sink=lambda name, df: written.append((name, schedule.SUBMITTED_FIRST in back)))
    assert back[-1] == schedule.SUBMITTED_FIRST and len(back) > 1
    assert {name for name, _ in written} >= {"alignment", "targets", "reuse", "term_frequencies"}
    assert all(after for _, after in written)
    assert not (tmp_path / "batches").exists()
