"""The package layout follows the pipeline: a module imports only from its own stage or an earlier one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import policykit

PACKAGE = Path(policykit.__file__).resolve().parent

# Stages in pipeline order. The package root holds the foundation (settings, errors, the Chinese-text
# lexicon and the table registry) and, on top, the orchestration (build, cli, executor) that may import
# every stage. The loaders (api) read published tables, so they sit beside publish.
STAGES = {
    "policykit.config": 0, "policykit.errors": 0, "policykit.memory": 0, "policykit.progress": 0, "policykit.zh": 0,
    "policykit.schema": 0,
    "policykit.ingest": 1,
    "policykit.analysis": 2,
    "policykit.publish": 3, "policykit.api": 3,
    "policykit.present": 4, "policykit.evaluation": 4,
    "policykit.executor": 5, "policykit.build": 5, "policykit.cli": 5, "policykit.__main__": 5, "policykit": 5,
}


def _module_name(path: Path) -> str:
    """Dotted name of a module file under the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _stage(name: str) -> int:
    """Stage of a dotted module name: the longest registered prefix."""
    while name not in STAGES:
        if "." not in name:
            raise KeyError(name)
        name = name.rsplit(".", 1)[0]
    return STAGES[name]


def _imports(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, imported policykit module) for every import in a module's source, lazy ones included."""
    package = module if is_package else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "policykit"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "policykit":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*sub.split("."))).with_suffix(".py").exists() or (
                    PACKAGE.parent / Path(*sub.split("."))).is_dir()
                if is_module:
                    found.append((node.lineno, sub))
                elif base != "policykit":  # `from policykit import __version__` is package metadata
                    found.append((node.lineno, base))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_stage() -> None:
    """A new module must be placed in a stage (or the foundation) before it can be used."""
    for path in MODULES:
        _stage(_module_name(path))


def _back_edges(module: str, source: str, is_package: bool = False) -> list[str]:
    """The imports of a module from a later stage, as readable lines."""
    return [f"line {line}: {module} imports {name}" for line, name in _imports(module, source, is_package)
            if _stage(name) > _stage(module)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_imports_go_one_way(path: Path) -> None:
    """No module imports from a later stage of the pipeline (lazy imports inside functions included)."""
    back = _back_edges(_module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py")
    assert not back, "import from a later stage: " + "; ".join(back)


def test_the_check_finds_back_edges() -> None:
    """The check itself: absolute, relative and lazy imports from a later stage are all reported."""
    source = ("from policykit.publish import tables\n"
              "from ..analysis.terms import tokenize\n"
              "def f():\n    import policykit.present.plots\n"
              "from policykit.ingest import segment\nfrom policykit import config, __version__\n")
    back = _back_edges("policykit.ingest.probe", source)
    assert back == ["line 1: policykit.ingest.probe imports policykit.publish.tables",
                    "line 2: policykit.ingest.probe imports policykit.analysis.terms",
                    "line 4: policykit.ingest.probe imports policykit.present.plots"]
