"""The table registry: every published table, its fields, keys and descriptions.

The datapackage.json, the data dictionary and build-time validation are all generated from here,
so a column that is not described here cannot be published. The machinery (Field, Table, the registry and
the required-column check) is in ``registry``, the allowed values of the categorical columns in ``values``;
the tables are declared by what they hold: ``corpus`` (the files and documents as read), ``content`` (what
the documents say), ``versions`` (comparisons of two versions of a text, by aligned unit) and ``links``
(between documents). A new table is registered in the module of its kind and named in ORDER below.
"""

from __future__ import annotations

from policykit.schema import content, corpus, links, versions  # noqa: F401 (importing them registers their tables)
from policykit.schema.registry import (
    DOC_FK,
    FIELD_TERMS,
    PROV_FK,
    TABLES,
    Field,
    ForeignKey,
    Table,
    add_field_terms,
    in_order,
    register,
    require,
    table,
)
from policykit.schema.values import (
    ALIGNMENT_CHANGES,
    AS_OF_BASES,
    AUDIT_CATEGORIES,
    CITATION_KINDS,
    COMPARATORS,
    CONCEPT_CATEGORIES,
    DATE_BASES,
    DATE_TYPES,
    DIRECTION_BASES,
    DOCUMENT_KINDS,
    EDIT_OPS,
    EVENT_KINDS,
    IMPLEMENTATION_BASES,
    INSTRUMENTS,
    KEYNESS_DIRECTIONS,
    MATCH_BASES,
    NEWLINES,
    PAIRING_BASES,
    REUSE_RELATIONS,
    REUSE_TYPES,
    SCRIPTS,
    SOURCE_FORMATS,
    SOURCE_STATUSES,
    STATEMENT_CHANGES,
    STRENGTHS,
    TARGET_CHANGES,
    TARGET_KINDS,
    TRUE_FALSE_UNKNOWN,
)

ORDER = (
    "sources", "documents", "witnesses", "provisions", "document_events", "alignment", "changes", "term_frequencies",
    "keyness", "concepts", "concept_mentions", "targets", "target_changes", "reuse", "reuse_pairs", "citations",
    "implementation", "audit", "statements", "statement_changes",
)
"""The published order of the tables (datapackage.json, the data dictionary, the release): pipeline order."""

in_order(ORDER)
add_field_terms()

__all__ = [
    "DOC_FK", "FIELD_TERMS", "PROV_FK", "TABLES", "Field", "ForeignKey", "Table", "add_field_terms", "in_order",
    "register", "require", "table", "ORDER", "ALIGNMENT_CHANGES", "AS_OF_BASES", "AUDIT_CATEGORIES", "CITATION_KINDS",
    "COMPARATORS", "CONCEPT_CATEGORIES", "DATE_BASES", "DATE_TYPES", "DIRECTION_BASES", "DOCUMENT_KINDS", "EDIT_OPS",
    "EVENT_KINDS", "IMPLEMENTATION_BASES", "INSTRUMENTS", "KEYNESS_DIRECTIONS", "MATCH_BASES", "NEWLINES",
    "PAIRING_BASES", "REUSE_RELATIONS", "REUSE_TYPES", "SCRIPTS", "SOURCE_FORMATS", "SOURCE_STATUSES",
    "STATEMENT_CHANGES", "STRENGTHS", "TARGET_CHANGES", "TARGET_KINDS", "TRUE_FALSE_UNKNOWN",
]
