"""Analysis: tables → tables (comparison, terms, concepts, targets, reuse, audit)."""
