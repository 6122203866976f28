"""One set of conventions across the sub-commands: flag names, errors, defaults in --help, pipes, cleanliness."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from policykit import api, cli, config
from policykit.errors import InputError

HAVE_DATA = (config.PROCESSED_DIR / "documents.parquet").is_file()


def test_defaults_are_shown_as_values(capsys: pytest.CaptureFixture) -> None:
    """Diff --help shows the threshold's value, which is the stage's own default."""
    from policykit.analysis.align import DEFAULT_THRESHOLD

    assert cli.DIFF_THRESHOLD == DEFAULT_THRESHOLD
    with pytest.raises(SystemExit):
        cli.main(["diff", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default {DEFAULT_THRESHOLD})" in out and "DEFAULT_THRESHOLD" not in out


def test_release_takes_data_and_the_older_processed(capsys: pytest.CaptureFixture) -> None:
    """Release --data like every other command; --processed still parses, hidden from --help."""
    p = cli.parser()
    assert p.parse_args(["release", "--data", "x"]).data == Path("x")
    assert p.parse_args(["release", "--processed", "y"]).data == Path("y")
    with pytest.raises(SystemExit):
        cli.main(["release", "--help"])
    out = capsys.readouterr().out
    assert "--data" in out and "--processed" not in out


def test_every_command_with_tables_names_data_the_same_way() -> None:
    """list, kwic, diff, evaluate and release read tables from --data."""
    p = cli.parser()
    for argv in (["list"], ["kwic", "x"], ["diff", "a", "b"], ["evaluate"], ["release"]):
        assert p.parse_args([*argv, "--data", "t"]).data == Path("t")


def test_missing_tables_name_the_command_line_flag(tmp_path: Path) -> None:
    """The error of a missing table says --data (command line) as well as data= (Python)."""
    with pytest.raises(api.TableNotFoundError) as caught:
        api.load("documents", data=tmp_path)
    assert "--data PATH" in str(caught.value) and "data=" in str(caught.value)


def test_figures_outside_a_checkout_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """No notebooks to run is an error, not a report of success."""
    assert cli.main(["figures", "--notebooks-dir", str(tmp_path / "none"), "-o", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("policykit: error: ") and "no notebooks here" in err
    assert not (tmp_path / "r").exists()


def test_failed_release_leaves_no_empty_dist(tmp_path: Path) -> None:
    """A release of tables that are not there leaves no dist/ behind."""
    from policykit.publish.release import build_release

    with pytest.raises(InputError, match="no published tables"):
        build_release(tmp_path / "nothing", tmp_path / "dist", duckdb_file=False)
    assert not (tmp_path / "dist").exists()


@pytest.mark.skipif(not HAVE_DATA, reason="data/processed not built yet")
def test_core_reader_gives_the_tables_pyarrow_gives() -> None:
    """Without pyarrow (a core install), fastparquet reads the same values with the same dtypes."""
    pytest.importorskip("fastparquet")
    from policykit.schema import table

    for name in ("documents", "provisions", "sources", "changes", "targets"):
        a, b = api.load(name), api._load_with_fastparquet(name, None)
        dates = [f.name for f in table(name).fields if f.type == "date"]
        pd.testing.assert_frame_equal(a.drop(columns=dates), b.drop(columns=dates), check_dtype=False)
        others = [c for c in a.columns if c not in dates]
        assert [str(a[c].dtype) for c in others] == [str(b[c].dtype) for c in others]
        for col in dates:  # without pyarrow a date column holds datetime.date values (object dtype)
            assert [None if pd.isna(v) else v for v in a[col]] == [None if pd.isna(v) else v for v in b[col]]


@pytest.mark.slow  # fresh interpreters
@pytest.mark.skipif(not HAVE_DATA, reason="data/processed not built yet")
def test_python_m_and_a_closed_pipe(tmp_path: Path) -> None:
    """`python -m policykit` is the command; a reader that goes away ends it without a traceback."""
    env = {**os.environ, "POLICYKIT_ROOT": str(config.ROOT)}
    done = subprocess.run([sys.executable, "-m", "policykit", "--version"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("policykit ")
    done = subprocess.run(f"'{sys.executable}' -m policykit kwic 数据 | head -n 1", shell=True, capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.stdout.count("\n") == 1 and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written to the working folder
