"""policykit: China's data-element policy documents as tidy, citable tables."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load"]


def load(name: str, *, polars: bool = False, processed_dir: Any = None) -> Any:
    """Return a published table as a pandas DataFrame (or a polars DataFrame with polars=True)."""
    from .tables import load as _load  # pandas is imported on first use, not with the package

    return _load(name, polars=polars, processed_dir=processed_dir)
