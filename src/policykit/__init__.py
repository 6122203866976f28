"""policykit: China's data-element policy documents as tidy, citable tables."""

from __future__ import annotations

from .tables import load

__version__ = "0.1.0"

__all__ = ["__version__", "load"]
