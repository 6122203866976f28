"""The settings of the project, in one place: paths, the cache, the data folder, the workers and the scheduler.

Every setting that the environment can change is read here and nowhere else (``settings()``):

- POLICYKIT_ROOT: the project folder, else the checkout this package lives in, else the working folder;
- POLICYKIT_CACHE_DIR: the cache (jieba's dictionary, the build cache), else the user's cache folder
  (platformdirs: ~/.cache/policykit on Linux), so that nothing is written to the working folder unasked;
- POLICYKIT_DATA: the folder of published tables or the release archive that ``policykit.load`` and
  ``policykit evaluate`` read, else data/processed of the project;
- POLICYKIT_WORKERS: the build's local worker processes, else one per core;
- POLICYKIT_SCHEDULER: the Dask scheduler the build's worker stages run on, else local processes;
- POLICYKIT_SCRATCH: the folder or fsspec URL where a Dask build's tasks read their inputs and write their
  results (shared by the build and every worker), else a folder beside the build's output;
- POLICYKIT_LAWS_DIR, POLICYKIT_LAWS_BUILD: the external law archives and a build of the law corpus that
  the evaluation scores where they exist.

The environment is parsed into one ``Settings`` object, again only when one of these variables changes:
setting a variable (as a test, a notebook or ``plots.setup`` does) takes effect without re-importing
anything. The path names (``config.PROCESSED_DIR``, ``config.processed_dir()`` …) are resolved at each use.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
MANIFEST_NAME = "MANIFEST.csv"
ROOT_ENV = "POLICYKIT_ROOT"
CACHE_ENV = "POLICYKIT_CACHE_DIR"
DATA_ENV = "POLICYKIT_DATA"
WORKERS_ENV = "POLICYKIT_WORKERS"
SCHEDULER_ENV = "POLICYKIT_SCHEDULER"
LAWS_DIR_ENV = "POLICYKIT_LAWS_DIR"
LAWS_BUILD_ENV = "POLICYKIT_LAWS_BUILD"
SCRATCH_ENV = "POLICYKIT_SCRATCH"
ENVIRONMENT = (ROOT_ENV, CACHE_ENV, DATA_ENV, WORKERS_ENV, SCHEDULER_ENV, LAWS_DIR_ENV, LAWS_BUILD_ENV, SCRATCH_ENV)
"""The environment variables the settings are read from."""


@dataclass(frozen=True)
class Settings:
    """Where the project's files are and how the build runs, as the environment sets them."""

    root: Path
    cache_dir: Path
    data: Path | None  # POLICYKIT_DATA; None: data/processed of the project
    workers: int | None  # POLICYKIT_WORKERS; None: one per core
    scheduler: str | None  # POLICYKIT_SCHEDULER; None: local processes
    laws_dir: Path | None  # POLICYKIT_LAWS_DIR
    laws_build: Path | None  # POLICYKIT_LAWS_BUILD
    scratch: str | None = None  # POLICYKIT_SCRATCH; None: a folder beside the build's output

    @property
    def raw_dir(self) -> Path:
        """The raw source files: data/raw of the project."""
        return self.root / "data" / "raw"

    @property
    def processed_dir(self) -> Path:
        """The published tables: data/processed of the project."""
        return self.root / "data" / "processed"

    @property
    def catalog_file(self) -> Path:
        """The curated catalog: data/catalog.toml of the project."""
        return self.root / "data" / "catalog.toml"

    @property
    def data_dir(self) -> Path:
        """What the loaders read: POLICYKIT_DATA, else data/processed of the project."""
        return self.data or self.processed_dir

    @property
    def local_workers(self) -> int:
        """Local worker processes of the build: POLICYKIT_WORKERS, else one per core."""
        return self.workers or os.cpu_count() or 1


def settings() -> Settings:
    """The settings as the environment sets them now (parsed once for each state of the variables)."""
    return _parse(tuple(os.environ.get(name) or None for name in ENVIRONMENT))


@lru_cache(maxsize=16)
def _parse(values: tuple[str | None, ...]) -> Settings:
    """Settings from the values of ENVIRONMENT, in order."""
    root, cache, data, workers, scheduler, laws_dir, laws_build, scratch = values
    return Settings(
        root=Path(root).resolve() if root else _checkout(),
        cache_dir=Path(cache) if cache else Path(user_cache_dir("policykit", appauthor=False)),
        data=Path(data).expanduser() if data else None,
        workers=max(1, int(workers)) if workers and workers.isdigit() else None,
        scheduler=scheduler,
        laws_dir=Path(laws_dir) if laws_dir else None,
        laws_build=Path(laws_build) if laws_build else None,
        scratch=scratch,
    )


def _checkout() -> Path:
    """The checkout this package lives in (a folder with pyproject.toml and data/), else the working folder."""
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


def project_root() -> Path:
    """Return the project folder (POLICYKIT_ROOT, else the checkout this package lives in, else cwd)."""
    return settings().root


def raw_dir() -> Path:
    """The raw source files: data/raw of the project."""
    return settings().raw_dir


def processed_dir() -> Path:
    """The published tables: data/processed of the project."""
    return settings().processed_dir


def catalog_file() -> Path:
    """The curated catalog: data/catalog.toml of the project."""
    return settings().catalog_file


def reports_dir() -> Path:
    """Executed notebooks and figures: reports/ of the project."""
    return project_root() / "reports"


def notebooks_dir() -> Path:
    """The notebooks: notebooks/ of the project."""
    return project_root() / "notebooks"


def cache_dir() -> Path:
    """The jieba dictionary and build cache: POLICYKIT_CACHE_DIR, else the user's cache folder for policykit."""
    return settings().cache_dir


_PATHS: dict[str, Callable[[], Path]] = {
    "ROOT": project_root,
    "RAW_DIR": raw_dir,
    "PROCESSED_DIR": processed_dir,
    "CATALOG_FILE": catalog_file,
    "REPORTS_DIR": reports_dir,
    "NOTEBOOKS_DIR": notebooks_dir,
    "CACHE_DIR": cache_dir,
}


def __getattr__(name: str) -> Path:
    """The upper-case path names (config.ROOT, config.PROCESSED_DIR …), resolved at each use."""
    if name in _PATHS:
        return _PATHS[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
