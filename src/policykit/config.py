"""Paths used across the project, in one place, resolved when they are used.

The project folder is POLICYKIT_ROOT, else the checkout this package lives in, else the working folder;
the cache is POLICYKIT_CACHE_DIR, else the user's cache folder (platformdirs: ~/.cache/policykit on Linux),
so that nothing is written to the working folder unasked. Each path is looked up at the
moment it is used (``config.PROCESSED_DIR`` or ``config.processed_dir()``), so setting the environment
variable (as a test or a notebook does) takes effect without re-importing anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
MANIFEST_NAME = "MANIFEST.csv"
ROOT_ENV = "POLICYKIT_ROOT"
CACHE_ENV = "POLICYKIT_CACHE_DIR"


def project_root() -> Path:
    """Return the project folder (POLICYKIT_ROOT, else the checkout this package lives in, else cwd)."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


def raw_dir() -> Path:
    """The raw source files: data/raw of the project."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """The published tables: data/processed of the project."""
    return project_root() / "data" / "processed"


def catalog_file() -> Path:
    """The curated catalog: data/catalog.toml of the project."""
    return project_root() / "data" / "catalog.toml"


def reports_dir() -> Path:
    """Executed notebooks and figures: reports/ of the project."""
    return project_root() / "reports"


def notebooks_dir() -> Path:
    """The notebooks: notebooks/ of the project."""
    return project_root() / "notebooks"


def cache_dir() -> Path:
    """The jieba dictionary and build cache: POLICYKIT_CACHE_DIR, else the user's cache folder for policykit."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("policykit", appauthor=False))


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
