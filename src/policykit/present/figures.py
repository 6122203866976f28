"""The figure runner: executes the notebooks with papermill and writes reports/.

``policykit figures`` runs every notebook in notebooks/ (sorted by name) with its default parameters,
writes the executed notebooks to reports/notebooks/ and lets the notebooks write their figures to
reports/figures/. ``-n 03_terms`` runs one notebook, ``-p name value`` overrides a parameter, and
``--parameter-file runs.toml`` runs batch variants::

    [[run]]
    notebook = "03_terms"
    parameters = {doc_ids = ["data-x-action-plan-2024"]}
    suffix = "final_plan"        # -> reports/notebooks/03_terms-final_plan.ipynb

A run with parameters is a *variant*: its figures go to ``reports/figures/<notebook>/<variant>/`` (the
variant is the suffix, or a name made from the parameters, e.g. ``top_n-30``), so the published figures
of the default run are never overwritten; and a variant writes only the figures its parameters change
(see policykit.present.plots.save_figure). Parameters the notebook's ``parameters`` cell does not define are
refused before the run.

The kernel is the ``policykit`` kernelspec ("Python (policykit)"), the one `make setup` installs and the
notebooks name in their metadata; it must run the interpreter running the command, so the notebooks see
the same policykit. It is installed into this environment if missing; one that points at another
interpreter is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from policykit import config
from policykit.errors import InputError
from policykit.present.plots import REPORTS_ENV, VARIANT_ENV

KERNEL_NAME = "policykit"
KERNEL_DISPLAY_NAME = "Python (policykit)"
VARIANT_MAX = 60  # characters of a variant name made from parameters; longer ones end in a hash
_PYTHON_COMMANDS = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}


@dataclass(frozen=True)
class Run:
    """One notebook execution: which notebook, parameter overrides, and the suffix of its output name."""

    notebook: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    suffix: str = ""

    @property
    def variant(self) -> str:
        """Name of the variant: the suffix, else one made from the parameters; empty for the default run."""
        return self.suffix or variant_name(self.parameters)

    @property
    def output_name(self) -> str:
        """Stem of the executed notebook, e.g. 03_terms-final_plan."""
        return f"{self.notebook}-{self.variant}" if self.variant else self.notebook


def _slug(value: Any) -> str:
    """A parameter value as ASCII file-name characters (lists joined by '+')."""
    if isinstance(value, list | tuple):
        return "+".join(_slug(v) for v in value)
    return re.sub(r"[^\w.-]+", "_", str(value), flags=re.ASCII).strip("_") or "x"


def variant_name(parameters: Mapping[str, Any]) -> str:
    """Folder name of a parameterised run, e.g. {"top_n": 30} -> top_n-30; empty without parameters."""
    name = "_".join(f"{k}-{_slug(v)}" for k, v in sorted(parameters.items()))
    if len(name) > VARIANT_MAX:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:VARIANT_MAX - 9]}-{digest}"
    return name


def notebook_names(notebooks_dir: Path | None = None) -> list[str]:
    """Names (stems) of the notebooks of the suite, sorted."""
    folder = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    return sorted(p.stem for p in folder.glob("*.ipynb"))


def parse_value(text: str) -> Any:
    """Parse a -p value as papermill's CLI does: YAML scalars (1, 0.5, true, null) and JSON lists."""
    import yaml

    if text.strip() == "None":  # papermill's spelling of null
        return None
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    # Dates, timestamps and the empty string stay text: notebooks receive ISO strings as written.
    if isinstance(value, bool | int | float | list | dict) or (value is None and text.strip() in {"null", "~"}):
        return value
    try:  # YAML 1.1 reads 1e3 as text; papermill's CLI reads it as a float
        return float(text)
    except ValueError:
        return text


def parse_parameters(pairs: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Parameters from -p name value pairs."""
    return {name: parse_value(value) for name, value in pairs}


def read_parameter_file(path: Path | str) -> list[Run]:
    """Runs listed in a TOML parameter file ([[run]] tables with notebook, parameters, suffix)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read parameter file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    entries = data.get("run")
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "expected one or more [[run]] tables")
    runs: list[Run] = []
    for i, entry in enumerate(entries, 1):
        unknown = set(entry) - {"notebook", "parameters", "suffix"}
        if "notebook" not in entry or unknown:
            raise InputError(path, f"[[run]] {i}: needs 'notebook' and allows only 'parameters' and 'suffix'"
                             + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else ""))
        if not isinstance(entry.get("parameters", {}), dict):
            raise InputError(path, f"[[run]] {i}: 'parameters' must be a table")
        runs.append(Run(str(entry["notebook"]).removesuffix(".ipynb"), dict(entry.get("parameters", {})),
                        str(entry.get("suffix", ""))))
    names = [r.output_name for r in runs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(path, f"runs would overwrite each other's output: {', '.join(duplicates)}; give each a suffix")
    return runs


def plan_runs(names: Sequence[str] | None = None, parameters: Mapping[str, Any] | None = None,
              parameter_file: Path | str | None = None, notebooks_dir: Path | None = None) -> list[Run]:
    """The runs to make: the parameter file's, else the named notebooks (default all) with overrides."""
    available = notebook_names(notebooks_dir)
    if parameter_file is not None:
        runs = read_parameter_file(parameter_file)
        if names:
            wanted = {Path(n).name.removesuffix(".ipynb") for n in names}
            runs = [r for r in runs if r.notebook in wanted]
        if parameters:
            runs = [Run(r.notebook, {**r.parameters, **parameters}, r.suffix) for r in runs]
    else:
        chosen = sorted({Path(n).name.removesuffix(".ipynb") for n in names}) if names else available
        runs = [Run(n, dict(parameters or {})) for n in chosen]
    missing = sorted({r.notebook for r in runs} - set(available))
    if missing:
        where = notebooks_dir or config.NOTEBOOKS_DIR
        raise InputError(where, f"no notebook {', '.join(missing)}; notebooks: {', '.join(available) or 'none'}")
    return runs


def notebook_parameters(path: Path) -> list[str]:
    """Names the parameters cell of a notebook defines (as papermill reads it)."""
    import papermill as pm

    return list(pm.inspect_notebook(str(path)))


def check_parameters(run: Run, notebooks_dir: Path) -> None:
    """Raise InputError if run passes a parameter its notebook's parameters cell does not define."""
    if not run.parameters:
        return
    known = notebook_parameters(notebooks_dir / f"{run.notebook}.ipynb")
    unknown = sorted(set(run.parameters) - set(known))
    if unknown:
        raise InputError(f"notebook {run.notebook}", f"no parameter {', '.join(unknown)}; its parameters: "
                         f"{', '.join(known) or 'none'}")


def install_kernel(kernel_name: str = KERNEL_NAME, display_name: str = KERNEL_DISPLAY_NAME) -> None:
    """Install the kernelspec of this interpreter into its environment (what `make setup` does)."""
    from ipykernel.kernelspec import install

    install(kernel_name=kernel_name, display_name=display_name, prefix=sys.prefix)


def check_kernel(kernel_name: str = KERNEL_NAME) -> str:
    """Return kernel_name if its kernelspec runs the current interpreter (installing it if missing), else raise."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        install_kernel(kernel_name)
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    command = spec.argv[0] if spec.argv else ""
    if command in _PYTHON_COMMANDS or Path(command).resolve() == Path(sys.executable).resolve():
        return kernel_name
    raise InputError(f"kernel {kernel_name} ({spec.resource_dir})",
                     f"runs {command}, not this environment's {sys.executable}; remove that kernelspec "
                     f"or run `{sys.executable} -m ipykernel install --sys-prefix`")


@contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set environment variables (None removes one) for the kernels started inside the block."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: Mapping[str, str | None]) -> None:
    """Set environment variables; None removes one."""
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _kernel_manager_class(log: IO[str]) -> type:
    """An AsyncKernelManager whose kernels write their own stderr (start-up and shutdown notices) to log."""
    from jupyter_client.manager import AsyncKernelManager

    class LoggingKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})

    return LoggingKernelManager


def _one_line(text: Any) -> str:
    """Collapse text onto one line (exception values can span several)."""
    return " ".join(str(text).split())


INPUTS_SUFFIX = ".inputs"
"""Beside each executed notebook: the hash of what it was run from (see input_hash)."""


def input_hash(run: Run, notebooks_dir: Path) -> str:
    """Hash of everything a run's output depends on: notebook, parameters, the tables' datapackage.json, the code."""
    import json

    from policykit.api import data_source

    h = hashlib.sha256()
    h.update((notebooks_dir / f"{run.notebook}.ipynb").read_bytes())
    h.update(json.dumps(dict(run.parameters), sort_keys=True, default=str).encode("utf-8"))
    data = run.parameters.get("data") or data_source()
    package = Path(data) / "datapackage.json" if Path(data).is_dir() else Path(data)
    h.update(package.read_bytes() if package.is_file() else b"-")  # it holds the hash of every table file
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".tsv", ".txt", ".toml", ".json", ".csv"}:
            h.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()


def inputs_file(run: Run, out_dir: Path) -> Path:
    """The file recording the input hash of run's executed notebook."""
    return Path(out_dir) / "notebooks" / f"{run.output_name}{INPUTS_SUFFIX}"


def is_current(run: Run, out_dir: Path, notebooks_dir: Path) -> bool:
    """Whether run's executed notebook exists and was made from the inputs there are now."""
    executed = Path(out_dir) / "notebooks" / f"{run.output_name}.ipynb"
    recorded = inputs_file(run, out_dir)
    return executed.is_file() and recorded.is_file() and \
        recorded.read_text(encoding="utf-8").strip() == input_hash(run, notebooks_dir)


def execute(run: Run, out_dir: Path, notebooks_dir: Path, kernel_name: str,
            timeout: int | None = 600) -> Path:
    """Execute one run with papermill into out_dir/notebooks/; raise InputError naming the failing cell.

    The kernel's own log (not cell output) goes to <executed notebook>.kernel.log beside it.
    """
    import papermill as pm
    from papermill.exceptions import PapermillException, PapermillExecutionError

    source = notebooks_dir / f"{run.notebook}.ipynb"
    target = out_dir / "notebooks" / f"{run.output_name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    env = {
        REPORTS_ENV: str(out_dir),
        VARIANT_ENV: run.variant or None,
        # figures shown inline are kept in the executed notebook (the documentation site shows them)
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONHASHSEED": "0",  # set iteration order inside the kernel is then the same on every run
        "POLICYKIT_ROOT": str(config.ROOT),
    }
    log_path = target.with_suffix(".kernel.log")
    inputs = input_hash(run, notebooks_dir)
    inputs_file(run, out_dir).unlink(missing_ok=True)  # a failed run leaves no claim to be current
    try:
        with _environment(env), log_path.open("w", encoding="utf-8") as log:
            pm.execute_notebook(str(source), str(target), parameters=dict(run.parameters),
                                kernel_name=kernel_name, language="python", progress_bar=False, log_output=False,
                                cwd=str(notebooks_dir), execution_timeout=timeout,
                                kernel_manager_class=_kernel_manager_class(log))
    except PapermillExecutionError as exc:
        raise InputError(f"notebook {run.output_name}",
                         f"cell {exc.cell_index} (In [{exc.exec_count}]) failed: {exc.ename}: "
                         f"{_one_line(exc.evalue)} (executed notebook: {target})") from None
    except PapermillException as exc:
        raise InputError(f"notebook {run.output_name}", _one_line(exc)) from None
    except Exception as exc:  # kernel death, timeouts, bad notebook JSON: still one line, no traceback
        raise InputError(f"notebook {run.output_name}", f"{type(exc).__name__}: {_one_line(exc)}") from None
    inputs_file(run, out_dir).write_text(inputs + "\n", encoding="utf-8")
    return target


def run_notebooks(names: Sequence[str] | None = None, parameters: Mapping[str, Any] | None = None,
                  parameter_file: Path | str | None = None, out_dir: Path | str | None = None, *,
                  notebooks_dir: Path | str | None = None, progress: bool = True,
                  timings: dict[str, float] | None = None, only_changed: bool = False) -> list[Path]:
    """Run the notebooks (all, or names) with papermill; return the executed notebooks written.

    With only_changed, a run whose executed notebook was made from the same inputs (is_current) is skipped.

    Executed notebooks go to out_dir/notebooks/, figures to out_dir/figures/. Stops at the first
    failing notebook with an InputError naming it and the failing cell. timings, if given, receives
    the seconds taken by each run.
    """
    from policykit.progress import progress_bar

    folder = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    out = Path(out_dir or config.REPORTS_DIR)
    runs = plan_runs(names, parameters, parameter_file, folder)
    for run in runs:
        check_parameters(run, folder)
    if only_changed:
        runs = [r for r in runs if not is_current(r, out, folder)]
        if not runs:
            return []
    kernel = check_kernel()
    written: list[Path] = []
    bar = progress_bar(runs, desc="notebooks", unit="nb", quiet=not progress)
    for run in bar:
        bar.set_postfix_str(run.output_name)
        start = time.perf_counter()
        written.append(execute(run, out, folder, kernel))
        if timings is not None:
            timings[run.output_name] = time.perf_counter() - start
    return written
