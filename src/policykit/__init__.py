"""policykit: China's data-element policy documents as tidy, citable tables.

The functions below are what a notebook needs (they live in policykit.api); each imports its stage on
first use, so that ``import policykit`` stays light.
"""

from __future__ import annotations

from policykit.api import kwic, load, reuse_between, split_sentences, table_names

__version__ = "0.2.0"

__all__ = ["__version__", "kwic", "load", "reuse_between", "split_sentences", "table_names"]
