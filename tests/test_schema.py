"""The table registry: the single source of columns, types, allowed values, provenance and caveats."""

from __future__ import annotations

import pytest

from policykit.analysis import align, compare, concepts, targets
from policykit.present import plots
from policykit.schema import TABLES, table

TYPES = {"string", "integer", "number", "boolean", "date"}


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_is_fully_described(name: str) -> None:
    """Each table: typed, described fields; a primary key among them; its provenance and caveats."""
    spec = table(name)
    assert {f.type for f in spec.fields} <= TYPES
    assert all(f.description for f in spec.fields)
    assert len(set(spec.columns)) == len(spec.columns)
    assert set(spec.primary_key) <= set(spec.columns)
    for fk in spec.foreign_keys:
        assert set(fk.fields) <= set(spec.columns)
        assert set(fk.reference) <= set(table(fk.resource).columns)
    assert spec.provenance.startswith("`policykit.")
    assert spec.caveats and all(c.strip() for c in spec.caveats)


def test_field_accessors_name_the_table_and_column() -> None:
    """field() and values() read the registry; an unknown column is an error naming the table."""
    assert table("alignment").values("change")[0] == "unchanged"
    assert table("documents").field("kind").zh == "文件类型"
    with pytest.raises(KeyError, match="table documents has no column 'colour'"):
        table("documents").field("colour")


@pytest.mark.parametrize(("name", "column"), [("documents", "kind"), ("targets", "kind"),
                                              ("target_changes", "change")])
def test_labels_name_every_allowed_value(name: str, column: str) -> None:
    """A labelled categorical column has one bilingual label per allowed value, in code order."""
    labels = table(name).labels(column)
    assert tuple(labels) == table(name).values(column)
    assert all(" " in label and label.isascii() is False for label in labels.values())


def test_stages_read_allowed_values_and_columns_from_the_registry() -> None:
    """align, compare, targets, concepts and plots restate no value list: theirs are the registry's."""
    assert align.CHANGE_CLASSES == table("alignment").values("change")
    assert list(compare.ALIGNMENT_COLUMNS) == table("alignment").columns
    assert list(compare.CHANGES_COLUMNS) == table("changes").columns
    assert targets.KINDS == set(table("documents").values("kind"))
    assert concepts.CATEGORIES == table("concepts").values("category")
    assert plots.KIND_LABELS == table("documents").labels("kind")
    assert plots.TARGET_KIND_LABELS == table("targets").labels("kind")
    assert plots.TARGET_CHANGE_LABELS == table("target_changes").labels("change")


def test_figure_styles_cover_exactly_the_allowed_values() -> None:
    """Every allowed value has a colour (and marker) in plots, and no colour is for a value that cannot occur."""
    assert set(plots.KIND_COLORS) == set(table("documents").values("kind"))
    assert set(plots.TARGET_KIND_STYLE) == set(table("targets").values("kind"))
    assert set(plots.TARGET_CHANGE_COLORS) == set(table("target_changes").values("change"))


def test_the_published_order_names_every_registered_table() -> None:
    """Tables are published in schema.ORDER, whatever module declares them; a new table must be placed there."""
    from policykit import schema

    assert list(TABLES) == list(schema.ORDER)
    assert schema.ORDER.index("documents") < schema.ORDER.index("provisions") < schema.ORDER.index("alignment")
