"""Paths used across the project, in one place."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"


def project_root() -> Path:
    """Return the project folder (POLICYKIT_ROOT, else the checkout this package lives in, else cwd)."""
    env = os.environ.get("POLICYKIT_ROOT")
    if env:
        return Path(env).resolve()
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


ROOT = project_root()
RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
CATALOG_FILE = ROOT / "data" / "catalog.toml"
MANIFEST_NAME = "MANIFEST.csv"
REPORTS_DIR = ROOT / "reports"
NOTEBOOKS_DIR = ROOT / "notebooks"
CACHE_DIR = Path(os.environ.get("POLICYKIT_CACHE_DIR") or ROOT / ".cache")  # jieba dictionary, build cache
