"""The reuse stage's parameters: the method's knobs, the evidence of borrowing, and how much is made at a time."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from math import ceil

from policykit.errors import InputError


@dataclass(frozen=True)
class ReuseParams:
    """Knobs of the reuse stage (lengths in content characters); the defaults are those the tables are built with.

    The memory knobs (index_partition, run_block, row_block) say how much is made at a time: the tables do
    not depend on them.
    """

    min_length: int = 15  # shortest passage
    max_gap: int = 3  # characters between two exact runs merged into one passage, on either side
    min_run: int = 8  # k of the index's k-grams (at most min_length)
    min_quote_length: int = 6  # shortest quoted phrase kept below min_length
    formula_share: float = 0.2  # share of the corpus's families that makes a k-gram formulaic ...
    min_formula_families: int = 3  # ... but at least these families
    max_formula_families: int = 10  # ... and at most these (one phrase yields a bounded number of pairs)
    formula_cover: float = 0.75  # share of a passage's characters in formulas that makes it a formula
    stock_run: int = 6  # length of the pieces measured for stock wording
    stock_share: float = 0.002  # share of the families that makes a piece stock wording ...
    min_stock_families: int = 5  # ... but at least these families
    max_repeats: int = 8  # occurrences of one k-gram per document that seed matches
    # evidence of borrowing (reuse_pairs)
    min_rare_chars: float = 15.0  # rarity-weighted characters of one substantive passage that make it evidence
    evidence_base_pairs: int = 1000  # pairs of documents up to which one such passage is evidence enough
    # memory: how much is made at a time
    index_partition: int = 1 << 21  # k-gram positions per partition of the index (~200 MB of sort arrays)
    run_block: int = 1 << 20  # runs cut into passages at a time (~100 MB of arrays)
    row_block: int = 1 << 16  # rows made at a time before they become a frame (~50 MB of Python objects)

    @classmethod
    def of(cls, params: ReuseParams | None = None, **knobs: int | float) -> ReuseParams:
        """Params (default: the defaults) with the knobs given by name replaced, after checking them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(knobs) - known)
        if unknown:
            raise InputError("reuse parameters", f"unknown parameter {unknown[0]!r}")
        p = replace(params or cls(), **knobs)
        p.check()
        return p

    def check(self) -> None:
        """Reject parameters that make no sense."""
        if min(self.min_length, self.min_run, self.min_quote_length) < 1:
            raise InputError("reuse parameters", f"min_length ({self.min_length}), min_run ({self.min_run}) and "
                             f"min_quote_length ({self.min_quote_length}) must be at least 1")
        if self.max_gap < 0:
            raise InputError("reuse parameters", f"max_gap ({self.max_gap}) must not be negative")
        if self.stock_run < 1 or self.min_stock_families < 2:
            raise InputError("reuse parameters", f"stock_run ({self.stock_run}) must be at least 1 and "
                             f"min_stock_families ({self.min_stock_families}) at least 2")
        if not 2 <= self.min_formula_families <= self.max_formula_families:
            raise InputError("reuse parameters", f"need 2 <= min_formula_families ({self.min_formula_families}) "
                             f"<= max_formula_families ({self.max_formula_families})")
        for name in ("formula_share", "formula_cover", "stock_share"):
            if not 0 < getattr(self, name) <= 1:
                raise InputError("reuse parameters", f"{name} ({getattr(self, name)}) must be in (0, 1]")
        for name in ("max_repeats", "index_partition", "run_block", "row_block"):
            if getattr(self, name) < 1:
                raise InputError("reuse parameters", f"{name} ({getattr(self, name)}) must be at least 1")
        if self.min_rare_chars <= 0 or self.evidence_base_pairs < 2:
            raise InputError("reuse parameters", f"min_rare_chars ({self.min_rare_chars}) must be positive and "
                             f"evidence_base_pairs ({self.evidence_base_pairs}) at least 2")

    @property
    def k(self) -> int:
        """Length of the index's k-grams: min_run, at most min_length."""
        return min(self.min_run, self.min_length)

    def formula_families(self, n_families: int) -> int:
        """Families a k-gram must occur in to be formulaic, for a corpus of n_families families."""
        return max(self.min_formula_families, min(ceil(self.formula_share * n_families), self.max_formula_families))

    def stock_families(self, n_families: int) -> int:
        """Families a stock_run-gram must occur in to be stock wording, for a corpus of n_families families."""
        return max(self.min_stock_families, ceil(self.stock_share * n_families))
