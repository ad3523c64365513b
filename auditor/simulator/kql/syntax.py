"""The KQL syntax tree: scalar expressions and tabular operators."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """Base of expression nodes; ``line``/``column`` locate the node for error messages."""

    line: int
    column: int


@dataclass(frozen=True)
class Literal(Node):
    """A string, number, boolean or null literal."""

    value: object


@dataclass(frozen=True)
class ColumnRef(Node):
    """A bare column name."""

    name: str


@dataclass(frozen=True)
class Member(Node):
    """``target.name``, ``target['name']`` or ``target[0]``; absent members are null."""

    target: Expr
    key: str | int


@dataclass(frozen=True)
class Call(Node):
    """A function call."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Unary(Node):
    """Unary minus."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary(Node):
    """A binary operator (comparison, logic or arithmetic)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class InList(Node):
    """``x in (a, b)`` and its ``!in``, ``in~``, ``!in~`` variants."""

    op: str
    operand: Expr
    items: tuple[Expr, ...]


Expr = Literal | ColumnRef | Member | Call | Unary | Binary | InList


@dataclass(frozen=True)
class Assignment:
    """``name = expr``, or a bare ``expr`` whose column name is derived (``name`` is None)."""

    name: str | None
    expr: Expr


@dataclass(frozen=True)
class SortKey:
    """One ``order by`` key."""

    expr: Expr
    descending: bool
    nulls_first: bool


@dataclass(frozen=True)
class Where:
    """``where predicate``."""

    predicate: Expr


@dataclass(frozen=True)
class Project:
    """``project`` (``extend=False``) or ``extend`` (``extend=True``)."""

    items: tuple[Assignment, ...]
    extend: bool


@dataclass(frozen=True)
class ProjectAway:
    """``project-away col, ...``."""

    columns: tuple[ColumnRef, ...]


@dataclass(frozen=True)
class OrderBy:
    """``order by`` / ``sort by``."""

    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class Take:
    """``take n`` / ``limit n``."""

    count: int


@dataclass(frozen=True)
class Distinct:
    """``distinct col, ...`` or ``distinct *`` (``columns`` is None)."""

    columns: tuple[ColumnRef, ...] | None


@dataclass(frozen=True)
class MvExpand:
    """``mv-expand [name =] expr``."""

    item: Assignment


@dataclass(frozen=True)
class Join:
    """``join kind=... (subquery) on col, ...``."""

    kind: str
    right: Query
    on: tuple[ColumnRef, ...]


@dataclass(frozen=True)
class Summarize:
    """``summarize [name =] count() [by ...]``."""

    count_name: str
    by: tuple[Assignment, ...]


@dataclass(frozen=True)
class Count:
    """``count``: one row with the number of rows."""


Operator = (
    Where | Project | ProjectAway | OrderBy | Take | Distinct | MvExpand | Join | Summarize | Count
)


@dataclass(frozen=True)
class Query:
    """A tabular expression: a table and the operators piped after it."""

    table: str
    table_line: int
    table_column: int
    operators: tuple[Operator, ...]
