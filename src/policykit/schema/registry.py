"""The registry's machinery: fields, foreign keys, tables, the registry itself and its required-column check.

The tables themselves are declared in the modules beside this one (corpus, content, versions, links).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _dataclass_field


@dataclass(frozen=True)
class Field:
    """One column of a published table."""

    name: str
    type: str  # frictionless type: string, integer, number, boolean, date
    description: str
    required: bool = False
    zh: str = ""  # the Chinese term, where an economist would look for it
    values: tuple[str, ...] = ()  # the allowed values of a categorical column, in their code order
    labels: tuple[str, ...] = ()  # a bilingual label of each allowed value (figures, legends), in the same order
    formerly: str = ""  # the column's former name, where it was renamed (the data dictionary says so)


@dataclass(frozen=True)
class ForeignKey:
    """Columns of one table that must resolve to the primary key of another."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A published table: its fields, primary key (also its sort order), foreign keys, provenance, caveats."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = _dataclass_field(default_factory=tuple)
    provenance: str = ""  # the stage that produces the table, as the data dictionary states it
    caveats: tuple[str, ...] = ()  # what a user of the table should know, as the data dictionary lists it
    order: tuple[str, ...] = ()  # the sort order of the rows where it is not the primary key (document order)

    @property
    def sort_key(self) -> tuple[str, ...]:
        """Columns the published rows are sorted by: order, else the primary key."""
        return self.order or self.primary_key

    @property
    def columns(self) -> list[str]:
        """Column names in published order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name} has no column {name!r}; columns: {', '.join(self.columns)}")

    def values(self, name: str) -> tuple[str, ...]:
        """Allowed values of the categorical column called name, in their code order."""
        return self.field(name).values

    def labels(self, name: str) -> dict[str, str]:
        """Bilingual label of each allowed value of the column called name, in code order."""
        f = self.field(name)
        return dict(zip(f.values, f.labels, strict=True))


def _f(name: str, type_: str, description: str, *, required: bool = False, zh: str = "",
       values: tuple[str, ...] | dict[str, str] = (), formerly: str = "") -> Field:
    """A field; values given as a mapping name each allowed value's bilingual label."""
    if isinstance(values, dict):
        return Field(name, type_, description, required, zh, tuple(values), tuple(values.values()), formerly)
    return Field(name, type_, description, required, zh, values, formerly=formerly)


DOC_FK = ForeignKey(("doc_id",), "documents", ("doc_id",))
PROV_FK = ForeignKey(("doc_id", "provision_id"), "provisions", ("doc_id", "provision_id"))

TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Add a table to the registry."""
    TABLES[table.name] = table
    return table


def in_order(names: tuple[str, ...]) -> None:
    """Put the registered tables in the order names gives (those it does not name after, as registered)."""
    ordered = sorted(TABLES.items(), key=lambda item: names.index(item[0]) if item[0] in names else len(names))
    TABLES.clear()
    TABLES.update(ordered)


FIELD_TERMS = "field_terms.tsv"  # in policykit/resources: the Chinese term of each column defined without one


def add_field_terms() -> None:
    """Give each registered column declared without a Chinese term the one resources/field_terms.tsv lists."""
    import csv
    from dataclasses import replace
    from pathlib import Path

    path = Path(__file__).parent.parent / "resources" / FIELD_TERMS
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        terms = {(r["table"], r["column"]): r["zh"].strip() for r in rows}
    for name, spec in TABLES.items():
        fields = tuple(replace(f, zh=terms.get((name, f.name), "")) if not f.zh else f for f in spec.fields)
        TABLES[name] = replace(spec, fields=fields)


def table(name: str) -> Table:
    """Return the registered table called name."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; tables: {', '.join(sorted(TABLES))}") from None


def require(df: object, table_or_columns: str | tuple[str, ...] | list[str], where: str | None = None) -> None:
    """Raise InputError unless df is a DataFrame holding the columns (a registered table's name: all of its).

    The one required-column check of every stage: the error reads ``table <where>: missing columns [...]``,
    where defaults to the table's name (and must be given with a list of columns).
    """
    import pandas as pd

    from policykit.errors import InputError

    if isinstance(table_or_columns, str):
        columns, where = table(table_or_columns).columns, where or table_or_columns
    else:
        columns = list(table_or_columns)
    place = f"table {where}" if where else "table"
    if not isinstance(df, pd.DataFrame):
        raise InputError(place, "expected a pandas DataFrame")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(place, f"missing columns {missing}")
