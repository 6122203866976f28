"""Tables linking documents: shared passages (reuse, reuse_pairs), citations and implementation."""

from __future__ import annotations

from policykit.schema.registry import DOC_FK, ForeignKey, Table, _f, register
from policykit.schema.values import (
                CITATION_KINDS,
                DIRECTION_BASES,
                IMPLEMENTATION_BASES,
                MATCH_BASES,
                REUSE_RELATIONS,
                REUSE_TYPES,
)

# --- reuse stage ------------------------------------------------------------------------------
_REUSE_SIDES = ("source_doc_id and target_doc_id follow the dates (direction_basis); where nothing tells which "
                "came first (direction_basis unknown) the two sides are named in doc_id order and no direction "
                "is claimed.")
register(Table(
    "reuse", "Text reuse",
    "Passages of shared language between provisions of different documents, each side exactly as its document "
    "has it, typed (citation, formula, quotation, substantive) and directed by the documents' dates. "
    + _REUSE_SIDES,
    (
        _f("reuse_id", "string", "Stable id of the passage.", required=True),
        _f("source_doc_id", "string", "Earlier document (see direction_basis).", required=True),
        _f("source_provision_id", "string", "Provision of the source document.", required=True),
        _f("target_doc_id", "string", "Later document (see direction_basis).", required=True),
        _f("target_provision_id", "string", "Provision of the target document.", required=True),
        _f("type", "string", "citation (title or document number of a cited document), formula (a list of "
           "agencies or addressees, or language found in many families of documents), quotation (inside "
           "quotation marks in both documents) or substantive (the rest: wording one document shares with the "
           "other).", required=True, zh="引用/套话/引语/实质内容", values=REUSE_TYPES),
        _f("length", "integer", "Content characters matched exactly (Han characters, letters, digits and symbols, "
           "not whitespace or punctuation): the unit of the minimum length (15 by default; 6 for a phrase in "
           "quotation marks).", required=True),
        _f("edit_distance", "integer", "Edit distance (characters inserted, deleted or replaced) between "
           "source_text and target_text; 0 = verbatim.", required=True, formerly="n_differences"),
        _f("source_text", "string", "The passage exactly as the source document has it "
           "(= documents.text[source_char_start:source_char_end]).", required=True),
        _f("target_text", "string", "The passage exactly as the target document has it "
           "(= documents.text[target_char_start:target_char_end]).", required=True),
        _f("shared_text", "string", "The passage, where source_text and target_text are identical; null for a "
           "near-verbatim passage (edit_distance > 0)."),
        _f("source_char_start", "integer", "Start in the source document's canonical text.", required=True),
        _f("source_char_end", "integer", "End (exclusive) in the source document's canonical text.", required=True),
        _f("target_char_start", "integer", "Start in the target document's canonical text.", required=True),
        _f("target_char_end", "integer", "End (exclusive) in the target document's canonical text.", required=True),
        _f("doc_frequency", "integer", "Documents holding the passage's rarest 8-character piece (for a quoted "
           "phrase, the phrase): the documents holding the passage, or a few more.", required=True),
        _f("rarity", "number", "Mean over the passage's 8-character pieces of 2 / the documents holding the piece "
           "(at most 1; for a quoted phrase, of the phrase), times the share of its characters outside stock wording "
           "(6-character pieces found in 5 families of documents or more): 1 for wording only the two documents "
           "share, low for phrases common across the corpus or put together from stock phrases.", required=True),
        _f("cited_doc_id", "string", "For a citation passage: the document of the corpus whose title or number "
           "it is (the citations table's cited_doc_id of the citation it overlaps), else null."),
        _f("direction_basis", "string", "date (both dated), month (one known only to the month), lower_bound "
           "(an undated document known to be later than a date), related (news or an explainer comes after the "
           "document it covers), version (a document about an earlier version of a text comes before a later version "
           "or a document about it, e.g. an explainer of a draft before the final text), citation (the target "
           "names the source's title in 《》) or unknown (no direction claimed).", required=True, values=DIRECTION_BASES),
    ),
    ("reuse_id",),
    (
        ForeignKey(("source_doc_id", "source_provision_id"), "provisions", ("doc_id", "provision_id")),
        ForeignKey(("target_doc_id", "target_provision_id"), "provisions", ("doc_id", "provision_id")),
    ),
    provenance="`policykit.analysis.reuse`: shared passages between provisions of different documents.",
    caveats=(
        "Formulaic language shared by many families of documents is suppressed when the index is built (it seeds "
        "no passage); what remains of it inside a passage is typed `formula`. Read `substantive` and `quotation` "
        "passages as borrowing; `citation` and `formula` are not.",
        "Direction follows the documents' dates; where nothing tells which came first, `direction_basis` is "
        "`unknown` and source/target are only the two sides in doc_id order.",
    ),
))

register(Table(
    "reuse_pairs", "Text reuse by pair of documents",
    "One row per pair of documents sharing at least one passage of the reuse table: passages and characters by "
    "type, and the direction. " + _REUSE_SIDES,
    (
        _f("source_doc_id", "string", "Earlier document (see direction_basis).", required=True),
        _f("target_doc_id", "string", "Later document (see direction_basis).", required=True),
        _f("direction_basis", "string", "As in the reuse table: date, month, lower_bound, related, version, "
           "citation or unknown (no direction claimed).", required=True, values=DIRECTION_BASES),
        _f("same_family", "boolean", "Whether the two documents are versions of one text (the same "
           "documents.family_id: a draft and its final, two versions of a regulation).", required=True),
        _f("same_policy", "boolean", "Whether the two documents are about one policy (the same documents.policy_id: "
           "its versions, explainer, news, issuing and consultation notices).", required=True),
        _f("relation", "string", "What links the pair: version (same family), derived (same policy, not versions of "
           "one text), borrowing (different policies; substantive or quoted language with the evidence of "
           "is_borrowing), citation (different policies; a citation passage naming a document of the corpus), formula "
           "(the rest: formulas, agency lists, common phrases).", required=True, zh="关系", values=REUSE_RELATIONS),
        _f("is_borrowing", "boolean", "Borrowing between different policies: a quoted phrase only the two documents "
           "hold, or a phrase of evidence (n_phrases) and rare_chars of at least 15 x max(1, log(pairs of documents) / "
           "log(1000)) (15 in a corpus of up to 45 documents, 30 for 1,400), or twice that in rare_chars alone; never "
           "between versions or documents about one policy.", required=True, zh="实质性文本复用"),
        _f("rare_chars", "number", "Evidence: content characters of the substantive and quotation passages, each "
           "weighted by its rarity (reuse.rarity).",
           required=True),
        _f("n_phrases", "integer", "Evidence: substantive passages whose length times rarity (reuse.rarity) is at "
           "least 15, plus quoted phrases that only the two documents hold.", required=True),
        _f("cited_doc_id", "string", "For a pair whose citation passages name a document of the corpus: that "
           "document (the first by doc_id)."),
        _f("n_passages", "integer", "Passages of the reuse table between the two documents.", required=True),
        _f("n_citation", "integer", "Passages of type citation.", required=True),
        _f("n_formula", "integer", "Passages of type formula.", required=True),
        _f("n_quotation", "integer", "Passages of type quotation.", required=True),
        _f("n_substantive", "integer", "Passages of type substantive.", required=True),
        _f("substantive_chars", "integer", "Content characters in substantive passages.", required=True),
        _f("quotation_chars", "integer", "Content characters in quotation passages.", required=True),
        _f("longest_substantive", "integer", "Length of the longest substantive passage (0 if none).", required=True),
        _f("n_verbatim", "integer", "Passages whose two sides are identical (edit_distance = 0).", required=True),
    ),
    ("source_doc_id", "target_doc_id"),
    (
        ForeignKey(("source_doc_id",), "documents", ("doc_id",)),
        ForeignKey(("target_doc_id",), "documents", ("doc_id",)),
    ),
    provenance="`policykit.analysis.reuse`: the reuse table summed by pair of documents.",
    caveats=("A pair with `same_family` true is two versions of one text, one with `same_policy` true two documents "
        "about one policy; shared language there is expected and is never `is_borrowing`.",
        "A derived document (explainer, news, notice) is never the source of a version of its own policy: without "
        "evidence the direction is `unknown`, and source/target are then the two sides in doc_id order.",),
))

# --- citations ---------------------------------------------------------------------------------
register(Table(
    "citations", "Citations",
    "Every citation in the texts: a title in 《》 (with the article cited after it) or a document number, with the "
    "cited document where the corpus holds it.",
    (
        _f("citation_id", "string", "Stable id: doc_id#c<char_start>.", required=True),
        _f("doc_id", "string", "Citing document.", required=True),
        _f("char_start", "integer", "Start in the citing document's canonical text (the 《 or the number).", required=True),
        _f("char_end", "integer", "End (exclusive).", required=True),
        _f("kind", "string", "title (in 《》) or doc_number (发改数据〔2024〕1836号).", required=True, zh="引用类型",
           values=CITATION_KINDS),
        _f("text", "string", "documents.text[char_start:char_end].", required=True),
        _f("cited_title", "string", "The cited title as written, without 《》 (null for a number)."),
        _f("cited_article", "string", "The article cited right after the title, as written (第二十条第一款)."),
        _f("cited_doc_id", "string", "The cited document, where the corpus holds it (the latest version dated no "
           "later than the citing document)."),
        _f("match_basis", "string", "How the cited document was found: title (a key of its title), fuzzy "
           "(rapidfuzz ratio), short_form (以下简称《…》), after_title (a number in brackets after a title) or "
           "doc_number (documents.doc_number).", values=MATCH_BASES),
        _f("match_score", "number", "rapidfuzz ratio of the cited title's key to the matched title's (100 = exact)."),
    ),
    ("citation_id",),
    (DOC_FK, ForeignKey(("cited_doc_id",), "documents", ("doc_id",))),
    provenance="`policykit.analysis.citations`: 《》 titles and document numbers in documents.text.",
    caveats=("A law cited without 《》 (依照刑法第…条) and references inside a document (本法第十条) are not citations.",
        "A document's own number in its heading is not a citation."),
))

register(Table(
    "implementation", "Implementation network",
    "Which documents implement which cited document of the corpus (implementing regulations of a law, plans that "
    "carry a policy out), and the lag in days between them.",
    (
        _f("doc_id", "string", "Implementing document.", required=True),
        _f("implemented_doc_id", "string", "Implemented (cited) document.", required=True),
        _f("basis", "string", "title (实施办法/实施条例/实施细则 of the cited title), legal_basis (根据《…》…制定本…) "
           "or carries_out (贯彻落实/落实《…》); the strongest of the pair's citations.", required=True,
           values=IMPLEMENTATION_BASES),
        _f("citation_id", "string", "The citation that gives the basis.", required=True),
        _f("date", "date", "documents.date of the implementing document."),
        _f("implemented_date", "date", "documents.date of the implemented document."),
        _f("lag_days", "integer", "Days from the implemented document's date to the implementing one's "
           "(null where either is undated)."),
    ),
    ("doc_id", "implemented_doc_id"),
    (DOC_FK, ForeignKey(("implemented_doc_id",), "documents", ("doc_id",)),
     ForeignKey(("citation_id",), "citations", ("citation_id",))),
    provenance="`policykit.analysis.citations`: from the citations table and the citing sentences.",
    caveats=("`date` is documents.date (for a law, the date its text states first), so a lag may run from an "
        "older version of the implemented text.",),
))
