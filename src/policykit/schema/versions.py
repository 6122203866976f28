"""Tables comparing versions of a text, keyed by aligned unit: alignment, changes, target and statement changes."""

from __future__ import annotations

from policykit.schema.registry import Field, ForeignKey, Table, _f, register
from policykit.schema.values import (
    ALIGNMENT_CHANGES,
    EDIT_OPS,
    PAIRING_BASES,
    STATEMENT_CHANGES,
    TARGET_CHANGES,
    TRUE_FALSE_UNKNOWN,
)

# --- compare stage (alignment, changes) -------------------------------------------------------
register(Table(
    "alignment", "Version alignment",
    "One row per aligned unit of a pair of consecutive versions of one family (the draft -> final plan, "
    "two versions of a regulation …; n:m allowed), classified by change. draft_* columns hold the older "
    "version, final_* the newer.",
    (
        _f("pair_id", "string", "Pair of documents compared, older__newer (draft_doc_id__final_doc_id).", required=True),
        _f("aligned_unit", "integer", "Number of the aligned unit within the pair, in final-document order (deleted "
           "units last).", required=True, formerly="unit"),
        _f("draft_doc_id", "string", "Older version (the draft of a draft -> final pair).", required=True),
        _f("final_doc_id", "string", "Newer version (the final text of a draft -> final pair).", required=True),
        _f("draft_provision_ids", "string", "Draft provisions in the unit, separated by ';'; empty if added."),
        _f("final_provision_ids", "string", "Final provisions in the unit, separated by ';'; empty if deleted."),
        _f("draft_heading", "string", "Heading of the (first) draft provision."),
        _f("final_heading", "string", "Heading of the (first) final provision."),
        _f("section", "string", "Heading of the top-level final (else draft) part the unit belongs to."),
        _f("change", "string", "unchanged, modified, added, deleted, merged, split or moved. Between versions of a law "
           "each 第X条 article (with its items) is one unit, and moved means under another number.", required=True, zh="变化类型",
           values=ALIGNMENT_CHANGES),
        _f("similarity", "number", "Text similarity of the unit's two sides (0-1, normalised Indel on characters: "
           "order matters); null for added/deleted. Never below 0.3: less alike units are deleted and added.", required=False),
        _f("similarity_unordered", "number", "Order-insensitive similarity of the two sides (0-1, Dice coefficient of "
           "their word multisets): close to 1 for a unit whose sentences were only re-ordered; null for added/deleted."),
        _f("basis", "string", "How the unit was paired: content (similarity at least the threshold), containment "
           "(the share of one side that recurs in the other at least the threshold and 0.6: merges, splits) or same heading (unchanged heading and "
           "order-insensitive similarity at least the threshold); null for added/deleted.", values=PAIRING_BASES),
        _f("n_changes", "integer", "Number of word-level edit operations in the unit.", required=True),
        _f("touches_numbers", "boolean", "Whether an edit in the unit changes a number, quantity or deadline.", required=True),
    ),
    ("pair_id", "aligned_unit"),
    (ForeignKey(("draft_doc_id",), "documents", ("doc_id",)), ForeignKey(("final_doc_id",), "documents", ("doc_id",))),
    provenance="`policykit.analysis.compare`: aligns the provisions of each draft with those of its final version.",
    caveats=("Alignment is automatic (text similarity plus order); `moved`, `merged` and `split` are "
        "heuristic labels worth checking against the texts.",),
))

register(Table(
    "changes", "Word-level changes",
    "Word-level edit operations (jieba tokens) inside each aligned unit.",
    (
        _f("pair_id", "string", "Pair of documents compared.", required=True),
        _f("aligned_unit", "integer", "Aligned unit (alignment.aligned_unit).", required=True, formerly="unit"),
        _f("op_index", "integer", "Order of the operation within the unit.", required=True),
        _f("op", "string", "insert, delete, replace, or move (a sentence found verbatim on both sides, out of "
           "sequence: never shown as a delete and an insert).", required=True, values=EDIT_OPS),
        _f("draft_text", "string", "Draft words removed or replaced (empty for insert; the sentence for move)."),
        _f("final_text", "string", "Final words inserted or replacing (empty for delete; the sentence for move)."),
        _f("context", "string", "The surrounding final (else draft) text, with the change in [brackets]."),
        _f("touches_numbers", "boolean", "Whether the words removed or inserted include a quantity, date or deadline "
           "(policykit.analysis.quantities: digits, Chinese numerals with a unit or measure word, %, 倍, 番; not idioms, "
           "一 as an article, ordinals or codes such as C2M).", required=True),
        _f("value_changed", "string", "Where touches_numbers: true if the quantity's value differs, false if it is "
           "stated again in other words or moved (增长1倍 -> 倍增), unknown if replaced by a vague word (大幅); "
           "null otherwise.", values=TRUE_FALSE_UNKNOWN),
        _f("is_moved", "boolean", "Whether the words removed (or inserted) here reappear inserted (or removed) by "
           "another operation of the unit, or the operation is a move: a reordering rather than a rewrite.", required=True),
        _f("trivial", "boolean", "Whether the operation changes only punctuation, spacing or a variant form "
           "(制订 -> 制定; resources/variant_forms.tsv).", required=True),
    ),
    ("pair_id", "aligned_unit", "op_index"),
    (ForeignKey(("pair_id", "aligned_unit"), "alignment", ("pair_id", "aligned_unit")),),
    provenance="`policykit.analysis.compare`: word-level diff (jieba tokens) inside each aligned unit.",
    caveats=("Word boundaries follow jieba, so an edit may split or join words differently from a human "
        "reading.",),
))

# --- target_changes stage ---------------------------------------------------------------------


def _target_side(side: str) -> tuple[Field, ...]:
    """The columns describing the draft or the final target of a change."""
    return (
        _f(f"{side}_target_id", "string", f"The {side} target (targets.target_id); null if the target was "
           f"{'added' if side == 'draft' else 'dropped'}."),
        _f(f"{side}_kind", "string", f"Kind of the {side} target."),
        _f(f"{side}_deadline", "date", f"Deadline of the {side} target."),
        _f(f"{side}_metric", "string", f"What the {side} target measures or commits to."),
        _f(f"{side}_value", "number", f"Value of the {side} target."),
        _f(f"{side}_value_unit", "string", f"Unit of the {side} value."),
        _f(f"{side}_comparator", "string", f"Comparator of the {side} value."),
        _f(f"{side}_value_text", "string", f"The {side} quantity as written."),
        _f(f"{side}_sentence", "string", f"The {side} sentence."),
    )


register(Table(
    "target_changes", "Target changes draft -> final",
    "Each target of each aligned unit of a draft -> final pair, paired with its counterpart through the "
    "alignment (not by provision id) and classified.",
    (
        _f("pair_id", "string", "Pair of documents compared, draft_doc_id__final_doc_id.", required=True),
        _f("aligned_unit", "integer", "Aligned unit (alignment.aligned_unit) the targets belong to.", required=True,
           formerly="unit"),
        _f("item", "integer", "Order of the change within the unit: paired targets first, then added, then dropped.", required=True),
        _f("change", "string", "unchanged, tightened (the final commits to more: higher floor, lower cap, stricter "
           "comparator, earlier deadline, a number where there was none), loosened (the reverse), reworded (same "
           "commitment, other words; or changes pointing both ways), added or dropped.", required=True, zh="变化类型", values=TARGET_CHANGES),
        _f("basis", "string", "What differs between the two targets (value, comparator, deadline, kind, wording)."),
        _f("similarity", "number", "Similarity of the two metric descriptions (0-1) that paired them; null if added "
           "or dropped."),
        *_target_side("draft"),
        *_target_side("final"),
    ),
    ("pair_id", "aligned_unit", "item"),
    (ForeignKey(("pair_id", "aligned_unit"), "alignment", ("pair_id", "aligned_unit")),),
    provenance="`policykit.analysis.target_changes`: pairs the targets of each aligned draft/final unit (through "
        "`alignment`) and classifies each change.",
    caveats=(
        "Targets are paired by the similarity of their `metric` words inside an aligned unit (at least 0.5), "
        "so a goal rewritten beyond recognition shows as one target dropped and another added.",
        "`tightened`/`loosened` compare value, comparator and deadline only; what a change of wording means "
        "for the commitment (`reworded`) is left to the reader, with both sentences given.",
    ),
))


# --- statement_changes stage ------------------------------------------------------------------


def _statement_side(side: str) -> tuple[Field, ...]:
    """The columns describing the draft or the final statement of a change."""
    return (
        _f(f"{side}_statement_id", "string", f"The {side} statement (statements.statement_id); null if the statement "
           f"was {'added' if side == 'draft' else 'dropped'}."),
        _f(f"{side}_strength", "integer", f"Strength of the {side} statement (0-4)."),
        _f(f"{side}_modal", "string", f"Modal word of the {side} statement."),
        _f(f"{side}_instrument", "string", f"Instrument of the {side} statement."),
        _f(f"{side}_sentence", "string", f"The {side} sentence."),
    )


register(Table(
    "statement_changes", "Statement strength changes draft -> final",
    "Each statement of each aligned unit of a draft -> final pair, paired with its counterpart through the "
    "alignment (not by provision id), and whether the commitment became stronger or weaker.",
    (
        _f("pair_id", "string", "Pair of documents compared, draft_doc_id__final_doc_id.", required=True),
        _f("aligned_unit", "integer", "Aligned unit (alignment.aligned_unit) the statements belong to.", required=True,
           formerly="unit"),
        _f("item", "integer", "Order of the change within the unit: paired statements in final order, then added, "
           "then dropped.", required=True),
        _f("change", "string", "strengthened (the final strength is higher), weakened (lower), unchanged (equal), "
           "added (a final statement without a draft counterpart) or dropped (the reverse).", required=True, zh="变化类型",
           values=STATEMENT_CHANGES),
        _f("similarity", "number", "Similarity of the two sentences (0-1) that paired them; null if added or dropped."),
        *_statement_side("draft"),
        *_statement_side("final"),
    ),
    ("pair_id", "aligned_unit", "item"),
    (ForeignKey(("pair_id", "aligned_unit"), "alignment", ("pair_id", "aligned_unit")),),
    provenance="`policykit.analysis.statement_changes`: pairs the statements of each aligned draft/final unit "
        "(through `alignment`) and compares their strength.",
    caveats=(
        "Statements are paired one to one inside an aligned unit by the similarity of their sentences (at least "
        "0.5), so a sentence rewritten beyond recognition shows as one statement dropped and another added.",
        "A change of strength is as good as the coding of both sentences (see `statements`); read both sentences.",
    ),
))
