"""Tests for the notebook suite and its runner (policykit.present.figures)."""

from __future__ import annotations

import ast
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from policykit import config
from policykit.errors import InputError
from policykit.present import figures

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
FORBIDDEN = re.compile(r"\bopen\(|read_csv|read_parquet|read_excel|read_json|scan_parquet|scan_csv")
HAVE_DATA = (config.PROCESSED_DIR / "documents.parquet").is_file()


def _notebook(path: Path, *sources: str) -> Path:
    """Write a tiny notebook whose first code cell is tagged parameters."""
    cells = [nbformat.v4.new_code_cell(sources[0], metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(s) for s in sources[1:]]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "policykit", "language": "python",
                                                                        "display_name": "Python (policykit)"}})
    nbformat.write(nb, path)
    return path


# --- the notebooks as stored ------------------------------------------------------------------


def test_there_are_notebooks() -> None:
    """notebooks/ holds the suite, starting with 01_corpus."""
    assert "01_corpus" in [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_clean(path: Path) -> None:
    """No outputs or execution counts; first code cell tagged parameters; no direct file reads."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "no code cells"
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell is not tagged parameters"
    for i, cell in enumerate(code):
        assert cell.outputs == [] and cell.execution_count is None, f"code cell {i} has outputs"
        assert not FORBIDDEN.search(cell.source), f"code cell {i} reads a file directly; use policykit.load()"
    assert nb.metadata.get("kernelspec", {}) == {"name": figures.KERNEL_NAME, "language": "python",
                                                 "display_name": figures.KERNEL_DISPLAY_NAME}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_parses_cleanly_under_papermill(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Papermill reads every parameter of the cell, without 'Unable to parse line' warnings; one per line."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assigned = [t.id for node in ast.parse(cell.source).body for t in node.targets]
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = figures.notebook_parameters(path)
    assert [r.getMessage() for r in caplog.records] == []
    assert found == assigned
    for line in cell.source.splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"\w+ = .+  # .+", line), f"not 'name = value  # comment': {line}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path: Path, executed_reports: Path) -> None:
    """Each notebook runs under papermill with its default parameters and writes its figures (PNG, SVG, PDF)."""
    executed = executed_reports / "notebooks" / f"{path.stem}.ipynb"
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    streams = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream")
    assert "missing from font" not in streams, "a figure fell back to boxes for Chinese characters"
    folder = executed_reports / "figures" / path.stem
    pngs = sorted(p.stem for p in folder.glob("*.png"))
    assert pngs, "the notebook saved no figure"
    assert sorted(p.stem for p in folder.glob("*.pdf")) == pngs, "every figure is also a PDF"


# --- the runner -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("3", 3), ("0.5", 0.5), ("1e3", 1000.0), ("True", True), ("false", False), ("None", None),
    ("null", None), ('["a", "b"]', ["a", "b"]), ("2024-01-01", "2024-01-01"), ("01_corpus", "01_corpus"),
    ("数据要素", "数据要素"), ("", ""),
])
def test_parse_value_like_papermill(text: str, value: object) -> None:
    """-p values: YAML scalars and JSON lists; dates stay text."""
    assert figures.parse_value(text) == value
    assert type(figures.parse_value(text)) is type(value)


def test_parameter_file_runs(tmp_path: Path) -> None:
    """[[run]] tables -> Runs with their own output names; duplicates and unknown keys are refused."""
    good = tmp_path / "runs.toml"
    good.write_text('[[run]]\nnotebook = "03_terms"\nparameters = {doc_ids = ["a"]}\nsuffix = "final_plan"\n'
                    '[[run]]\nnotebook = "03_terms.ipynb"\n', encoding="utf-8")
    runs = figures.read_parameter_file(good)
    assert [(r.notebook, dict(r.parameters), r.output_name) for r in runs] == [
        ("03_terms", {"doc_ids": ["a"]}, "03_terms-final_plan"), ("03_terms", {}, "03_terms")]
    dup = tmp_path / "dup.toml"
    dup.write_text('[[run]]\nnotebook = "x"\n[[run]]\nnotebook = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match="overwrite"):
        figures.read_parameter_file(dup)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[run]]\nnotebook = "x"\nparams = {}\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown: params"):
        figures.read_parameter_file(bad)


def test_plan_runs_sorted_and_checked(tmp_path: Path) -> None:
    """All notebooks sorted by name; an unknown name is an InputError listing the notebooks."""
    for name in ("02_b", "01_a"):
        _notebook(tmp_path / f"{name}.ipynb", "x = 1")
    assert [r.notebook for r in figures.plan_runs(notebooks_dir=tmp_path)] == ["01_a", "02_b"]
    assert [dict(r.parameters) for r in figures.plan_runs(["02_b"], {"x": 2}, notebooks_dir=tmp_path)] == [{"x": 2}]
    with pytest.raises(InputError, match="no notebook 09_z; notebooks: 01_a, 02_b"):
        figures.plan_runs(["09_z"], notebooks_dir=tmp_path)


def test_kernel_is_this_interpreter() -> None:
    """The policykit kernelspec ("Python (policykit)") runs the interpreter running the tests."""
    from jupyter_client.kernelspec import KernelSpecManager

    assert figures.check_kernel() == "policykit"
    spec = KernelSpecManager().get_kernel_spec("policykit")
    assert spec.display_name == "Python (policykit)"


def test_variant_names() -> None:
    """A run's variant: its suffix, else its parameters as a folder name; none for the default run."""
    assert figures.Run("03_terms").variant == "" and figures.Run("03_terms").output_name == "03_terms"
    assert figures.Run("03_terms", {"top_n": 30}).variant == "top_n-30"
    assert figures.Run("03_terms", {"top_n": 30}).output_name == "03_terms-top_n-30"
    assert figures.Run("03_terms", {"doc_ids": ["a b", "数据"], "x": None}).variant == "doc_ids-a_b+x_x-None"
    assert figures.Run("02", {"threshold": 0.6}, "strict").variant == "strict"
    long = figures.variant_name({"doc_ids": [f"document-{i}" for i in range(20)]})
    assert len(long) <= figures.VARIANT_MAX and re.fullmatch(r"[\w.+-]+", long, flags=re.ASCII)


def test_unknown_parameter_is_refused_before_the_run(tmp_path: Path) -> None:
    """-p name value for a name the parameters cell lacks: an InputError listing the notebook's parameters."""
    _notebook(tmp_path / "01_a.ipynb", "x = 1  # a number\ny = 2  # another")
    with pytest.raises(InputError, match="no parameter z; its parameters: x, y"):
        figures.run_notebooks(["01_a"], {"z": 3}, notebooks_dir=tmp_path, out_dir=tmp_path / "out", progress=False)


@pytest.mark.slow
def test_runner_parameters_variant_and_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A parameter reaches the kernel under a variant name; a failing cell gives one line and exit 1."""
    _notebook(tmp_path / "01_ok.ipynb", "x = 1  # a number",
              "import os, sys\nassert x == [1, 2], x\nassert os.environ['MPLBACKEND'].endswith('backend_inline')\n"
              "assert os.environ['POLICYKIT_VARIANT'] == 'v'\nprint(sys.executable)")
    _notebook(tmp_path / "02_broken.ipynb", "x = 1  # a number", "y = 2", "1 / 0")
    runs = tmp_path / "runs.toml"
    runs.write_text('[[run]]\nnotebook = "01_ok"\nparameters = {x = [1, 2]}\nsuffix = "v"\n', encoding="utf-8")
    out = tmp_path / "reports"
    [done] = figures.run_notebooks(parameter_file=runs, out_dir=out, notebooks_dir=tmp_path, progress=False)
    assert done == out / "notebooks" / "01_ok-v.ipynb"
    printed = nbformat.read(done, as_version=4).cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()

    from policykit import cli

    code = cli.main(["figures", "-n", "02_broken", "--notebooks-dir", str(tmp_path), "-o", str(out), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1, err
    assert err.startswith("policykit: error: notebook 02_broken: cell 2 (In [3]) failed: ")
    assert "ZeroDivisionError: division by zero" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_variant_writes_only_the_figures_its_parameters_change(tmp_path: Path) -> None:
    """Default run, then -p title …: the variant folder holds only the changed figure; the default is untouched."""
    _notebook(tmp_path / "01_figs.ipynb", "title = 'default'  # title of the second figure",
              "import matplotlib.pyplot as plt\nfrom policykit.present import plots\n"
              "for name, text in (('fixed', 'same'), ('titled', title)):\n"
              "    fig, ax = plt.subplots()\n    ax.set_title(text)\n    plots.save_figure(fig, name, '01_figs')\n")
    out = tmp_path / "reports"
    figures.run_notebooks(["01_figs"], out_dir=out, notebooks_dir=tmp_path, progress=False)
    default = out / "figures" / "01_figs"
    published = {p.name: p.read_bytes() for p in default.glob("*.*")}
    assert sorted(published) == sorted(f"{n}.{e}" for n in ("fixed", "titled") for e in ("pdf", "png", "svg"))
    [executed] = figures.run_notebooks(["01_figs"], {"title": "other"}, out_dir=out, notebooks_dir=tmp_path,
                                       progress=False)
    assert executed == out / "notebooks" / "01_figs-title-other.ipynb"
    assert sorted(p.name for p in (default / "title-other").iterdir()) == ["titled.pdf", "titled.png", "titled.svg"]
    assert {p.name: p.read_bytes() for p in default.glob("*.*")} == published


@pytest.mark.slow
def test_notebooks_pass_nbval(tmp_path: Path) -> None:
    """`pytest --nbval-lax notebooks/`: every cell of every notebook runs (kernel from the notebooks' metadata)."""
    if not HAVE_DATA:
        pytest.skip("data/processed not built yet (run `policykit build`)")
    figures.check_kernel()  # the kernel the notebooks name is installed and runs this interpreter
    env = {**os.environ, "POLICYKIT_REPORTS_DIR": str(tmp_path / "reports"), "MPLBACKEND": "Agg",
           "PYTHONHASHSEED": "0", "POLICYKIT_ROOT": str(config.ROOT)}
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
                             "--rootdir", str(tmp_path), *map(str, NOTEBOOKS)],
                            cwd=config.NOTEBOOKS_DIR, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(rf"\b{sum(_code_cells(p) for p in NOTEBOOKS)} passed\b", result.stdout), result.stdout[-500:]
    assert sorted(p.name for p in (tmp_path / "reports" / "figures").iterdir()) == [p.stem for p in NOTEBOOKS]


def _code_cells(path: Path) -> int:
    return sum(1 for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_takes_data_and_lang(path: Path) -> None:
    """Each notebook has the data and lang parameters and hands them to plots.use_data and plots.use_lang."""
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert re.search(r"^data = None  # ", params.source, re.M) and re.search(r'^lang = "both"  # ', params.source, re.M)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "plots.use_data(data)" in code and "plots.use_lang(lang)" in code


@pytest.mark.slow
def test_reuse_notebook_runs_on_another_corpus_in_english(tiny_built, tmp_path: Path) -> None:
    """05_reuse with -p data <another build> -p lang en runs on that build's tables."""
    import pandas as pd

    data = tiny_built.files[0].parent
    out = tmp_path / "reports"
    [executed] = figures.run_notebooks(["05_reuse"], {"data": str(data), "lang": "en"}, out_dir=out, progress=False)
    nb = nbformat.read(executed, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    reuse = pd.read_parquet(data / "reuse.parquet")
    assert f"{len(reuse)} passages in the table" in printed  # the other build's tables, not data/processed
