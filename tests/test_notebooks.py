"""Tests for the notebook suite and its runner (policykit.figures)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

from policykit import config, figures
from policykit.errors import InputError

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
FORBIDDEN = re.compile(r"\bopen\(|read_csv|read_parquet|read_excel|read_json|scan_parquet|scan_csv")
HAVE_DATA = (config.PROCESSED_DIR / "documents.parquet").is_file()


def _notebook(path: Path, *sources: str) -> Path:
    """Write a tiny notebook whose first code cell is tagged parameters."""
    cells = [nbformat.v4.new_code_cell(sources[0], metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(s) for s in sources[1:]]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                        "display_name": "Python 3"}})
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
    assert nb.metadata.get("kernelspec", {}).get("name") == figures.KERNEL_NAME


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    """Each notebook runs under papermill with its default parameters and writes its figures."""
    if not HAVE_DATA:
        pytest.skip("data/processed not built yet (run `policykit build`)")
    [executed] = figures.run_notebooks([path.stem], out_dir=tmp_path, progress=False)
    assert executed == tmp_path / "notebooks" / f"{path.stem}.ipynb"
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    streams = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream")
    assert "missing from font" not in streams, "a figure fell back to boxes for Chinese characters"
    assert list((tmp_path / "figures" / path.stem).glob("*.png")), "the notebook saved no figure"


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
    """The python3 kernelspec found runs the interpreter running the tests."""
    assert figures.check_kernel() == "python3"


@pytest.mark.slow
def test_runner_parameters_variant_and_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A parameter reaches the kernel under a variant name; a failing cell gives one line and exit 1."""
    _notebook(tmp_path / "01_ok.ipynb", "x = 1",
              "import os, sys\nassert x == [1, 2], x\nassert os.environ['MPLBACKEND'] == 'Agg'\n"
              "assert os.environ['POLICYKIT_VARIANT'] == 'v'\nprint(sys.executable)")
    _notebook(tmp_path / "02_broken.ipynb", "x = 1", "y = 2", "1 / 0")
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
