"""The policykit command: help, descriptions, list, kwic, one spelling for quiet, progress in logs."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest

from policykit import cli, config

HAVE_DATA = (config.PROCESSED_DIR / "documents.parquet").is_file()


def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    """`policykit` alone lists the sub-commands and exits 0 (not an argparse error)."""
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: policykit")
    for name in ("build", "list", "kwic", "figures", "diff", "release"):
        assert f"    {name} " in out


def test_every_subcommand_has_a_description() -> None:
    """Each sub-command's --help opens with a description, and quiet is spelled -q/--quiet wherever it exists."""
    parser = cli.parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) >= {"build", "list", "kwic", "figures", "diff", "release", "evaluate"}
    for name, command in sub.choices.items():
        assert command.description and len(command.description) > 20, name
        flags = {s for a in command._actions for s in a.option_strings if a.help != "==SUPPRESS=="}
        assert "--no-progress" not in flags, name
        if any(a.dest == "quiet" for a in command._actions):
            assert {"-q", "--quiet"} <= flags, name


def test_figures_takes_the_notebook_as_a_positional_argument() -> None:
    """`policykit figures 03_terms -p top_n 30` (as the README writes it) parses; -n and --no-progress still work."""
    args = cli.parser().parse_args(["figures", "03_terms", "-p", "top_n", "30"])
    assert args.names == ["03_terms"] and args.parameter == [["top_n", "30"]] and not args.quiet
    args = cli.parser().parse_args(["figures", "-n", "01_corpus", "--no-progress"])
    assert args.more_names == ["01_corpus"] and args.quiet


def test_progress_to_a_pipe_has_no_carriage_returns() -> None:
    """A progress bar written through LineProgress becomes one line per distinct refresh."""
    from tqdm import tqdm

    sink = io.StringIO()
    stream = cli.LineProgress(sink)
    for _ in tqdm(range(3), desc="stages", file=stream, bar_format="{desc}: {n_fmt}/{total_fmt}", mininterval=0):
        pass
    text = sink.getvalue()
    assert "\r" not in text
    assert text.splitlines() == ["stages: 0/3", "stages: 1/3", "stages: 2/3", "stages: 3/3"]


@pytest.mark.slow
def test_build_progress_in_a_log_file_has_no_carriage_returns(tmp_path) -> None:
    """`policykit build` with stderr to a file: progress lines end in newlines only."""
    log = tmp_path / "build.log"
    with log.open("w") as err:
        subprocess.run([sys.executable, "-m", "policykit.cli", "build", "--no-cache", "--out", str(tmp_path / "out")],
                       stderr=err, stdout=subprocess.DEVNULL, check=True, timeout=600)
    text = log.read_text(encoding="utf-8")
    assert "policykit build:" in text and "\r" not in text


@pytest.mark.skipif(not HAVE_DATA, reason="data/processed not built yet")
def test_list_prints_tables_and_documents(capsys: pytest.CaptureFixture[str]) -> None:
    """`policykit list` names every table with its rows and every document with its kind."""
    import policykit

    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    docs = policykit.load("documents")
    assert f"documents{len(docs):>13}  Documents" in out
    for doc_id in docs["doc_id"]:
        assert doc_id in out
    assert cli.main(["list", "nonsense"]) == 1
    assert "tables and/or documents" in capsys.readouterr().err


@pytest.mark.skipif(not HAVE_DATA, reason="data/processed not built yet")
def test_kwic_prints_concordance_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """`policykit kwic 授权运营 --doc …` prints doc:provision, the term in 【】, and a count on stderr."""
    assert cli.main(["kwic", "授权运营", "--doc", "public-data-pricing-notice-2025"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines
    assert all(line.startswith("public-data-pricing-notice-2025:") and "【授权运营】" in line for line in lines)
    assert f"{len(lines)} line(s) of 授权运营" in captured.err


def test_missing_data_is_a_one_line_error_naming_the_fix(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """`policykit list --data EMPTY` says where it looked and how to point it at the data."""
    assert cli.main(["list", "documents", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(tmp_path) in err and "POLICYKIT_DATA" in err and "release archive" in err


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_lab_passes_allow_root_and_lab_args() -> None:
    """`make -n lab LAB_ARGS=…` runs jupyter lab with the options, --allow-root when root, the policykit kernel."""
    out = subprocess.run(["make", "-n", "lab", "LAB_ARGS=--no-browser --port 8890"], cwd=config.ROOT,
                         capture_output=True, text=True, check=True).stdout
    line = next(row for row in out.splitlines() if "jupyter lab" in row)
    assert "--no-browser --port 8890" in line and "default_kernel_name=policykit" in line
    assert ("--allow-root" in line) == (os.geteuid() == 0)
    assert '--name policykit --display-name "Python (policykit)"' in (config.ROOT / "Makefile").read_text()


@pytest.mark.slow  # a fresh interpreter
def test_parsing_imports_no_stage_module() -> None:
    """Building the parser imports none of the modules the sub-commands run: each is imported by its handler."""
    code = ("import sys; from policykit import cli; cli.parser().parse_args(['diff', 'a', 'b']); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('policykit.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(out.split())
    assert "policykit.cli" in loaded
    assert not loaded & {"policykit.build", "policykit.present.figures", "policykit.present.diffview",
                         "policykit.analysis.compare",
                         "policykit.analysis.align", "policykit.analysis.worddiff",
                         "policykit.publish.release", "policykit.evaluation", "policykit.analysis.terms"}


def test_evaluate_refuses_an_unknown_task(capsys: pytest.CaptureFixture[str]) -> None:
    """`policykit evaluate --task nonsense` is a one-line error that lists the tasks."""
    from policykit.evaluation import TASKS

    assert cli.main(["evaluate", "--task", "nonsense"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nonsense" in err and all(task in err for task in TASKS)


@pytest.mark.slow  # a fresh interpreter
def test_python_dash_m_policykit_is_the_command() -> None:
    """`python -m policykit` runs the same command line as `policykit` (src/policykit/__main__.py)."""
    from policykit import __version__

    done = subprocess.run([sys.executable, "-m", "policykit", "--version"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"policykit {__version__}"
    bad = subprocess.run([sys.executable, "-m", "policykit", "list", "--data", "/nonexistent/tables"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("policykit: error:")
