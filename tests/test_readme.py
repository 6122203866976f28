"""The README's examples run: marked code blocks are executed, and every command it quotes parses."""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from policykit import cli, config

README = config.ROOT / "README.md"
HAVE_DATA = (config.PROCESSED_DIR / "documents.parquet").is_file()
FENCE = re.compile(r"^(?P<marker><!-- runnable[^>]*-->\n)?```(?P<lang>\w*)\n(?P<code>.*?)^```$", re.M | re.S)


def blocks(lang: str, *, runnable: bool = True) -> list[str]:
    """Code blocks of the README in lang (only those marked <!-- runnable --> unless runnable=False)."""
    text = README.read_text(encoding="utf-8")
    return [m["code"] for m in FENCE.finditer(text) if m["lang"] == lang and (bool(m["marker"]) or not runnable)]


def test_readme_marks_runnable_examples() -> None:
    """The README has runnable python and bash examples (so the tests below run something)."""
    assert len(blocks("python")) >= 2 and len(blocks("bash")) >= 1


@pytest.mark.skipif(not HAVE_DATA, reason="data/processed not built yet")
def test_python_examples_run() -> None:
    """Each marked python block runs; blocks written as >>> sessions are checked as doctests."""
    namespace: dict = {}
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for i, code in enumerate(blocks("python")):
        if ">>>" in code:
            test = doctest.DocTestParser().get_doctest(code, namespace, f"README block {i}", str(README), 0)
            result = runner.run(test, out=lambda text: None)
            assert result.failed == 0, f"README block {i} does not print what it shows:\n{code}"
        else:
            exec(compile(code, f"README block {i}", "exec"), namespace)  # noqa: S102 - the README's own example


@pytest.mark.slow  # each line is a fresh `policykit` process on the published tables
@pytest.mark.skipif(not HAVE_DATA, reason="data/processed not built yet")
def test_bash_examples_run(tmp_path: Path) -> None:
    """Each line of the marked bash blocks exits 0 (run in a scratch folder, with this environment's policykit)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "POLICYKIT_ROOT": str(config.ROOT)}
    for code in blocks("bash"):
        for line in code.splitlines():
            command = line.split("  #")[0].strip()
            if command:
                done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True,
                                      text=True, timeout=300)
                assert done.returncode == 0, f"{command}: {done.stderr[-500:]}"
                assert done.stdout.strip(), f"{command} printed nothing"


def _quoted_commands() -> list[list[str]]:
    """Every `policykit …` (or `.venv/bin/policykit …`) command quoted inline in the README, without placeholders."""
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"`(?:\.venv/bin/)?policykit ([^`]+)`", text)
    return [shlex.split(c) for c in found if not re.search(r"[\[\]]|\b[A-Z]{3,}\b|<|…", c)]


def test_quoted_commands_parse() -> None:
    """`policykit figures 03_terms -p top_n 30` and every other quoted command is accepted by the parser."""
    commands = _quoted_commands()
    assert ["figures", "03_terms", "-p", "top_n", "30"] in commands
    for argv in commands:
        try:
            cli.parser().parse_args(argv)
        except SystemExit as exc:
            pytest.fail(f"README command `policykit {shlex.join(argv)}` is refused by the parser ({exc.code})")


def test_synopsis_names_only_existing_subcommands() -> None:
    """Every command of the README's command-line synopsis exists."""
    sub = next(a for a in cli.parser()._actions if a.dest == "command")
    [synopsis] = [b for b in blocks("text", runnable=False) if "policykit build" in b]
    named = {line.split()[1] for line in synopsis.splitlines() if line.startswith("policykit ")}
    assert named <= set(sub.choices) and {"list", "kwic", "figures"} <= named
