"""Text reuse: passages of shared language between provisions of different documents (see reuse.method).

The method reads in ``method`` (corpus, index, passages, direction, types and rows); each step and its
memory tactics live in a module of their own; the knobs are the fields of ``ReuseParams``.
"""

from policykit.analysis.reuse.direction import Direction
from policykit.analysis.reuse.inputs import INPUT_COLUMNS
from policykit.analysis.reuse.marks import content_of, is_content_char, quote_spans, title_spans
from policykit.analysis.reuse.method import build_reuse, reuse_between
from policykit.analysis.reuse.pairs import build_reuse_pairs, evidence_needed
from policykit.analysis.reuse.params import ReuseParams
from policykit.analysis.reuse.passage_types import TYPES, PassageTyper, formula_mask, is_agency_list

__all__ = ["INPUT_COLUMNS", "TYPES", "Direction", "PassageTyper", "ReuseParams", "build_reuse",
           "build_reuse_pairs", "content_of", "evidence_needed", "formula_mask", "is_agency_list",
           "is_content_char", "quote_spans", "reuse_between", "title_spans"]
