"""A KQL subset: enough of Resource Graph's query language for the auditor's queries.

Supported: the ``resources`` table (any table the caller registers), ``where``, ``project``,
``project-away``, ``extend``, ``order by``/``sort by``, ``take``/``limit``, ``distinct``,
``mv-expand``, ``join`` (``inner``, ``innerunique``, ``leftouter``), ``summarize count() [by ...]``
and ``count``; comparison, ``in`` and logical operators; and the functions in
:data:`auditor.simulator.kql.functions.SIGNATURES`. Anything else raises :class:`KqlError`.
"""

from __future__ import annotations

from collections.abc import Mapping

from auditor.simulator.kql.errors import KqlError
from auditor.simulator.kql.parser import parse
from auditor.simulator.kql.tabular import Evaluator, Table

__all__ = ["KqlError", "Table", "parse", "run_query"]


def run_query(text: str, tables: Mapping[str, Table]) -> Table:
    """Parse and run a query.

    Args:
        text: The KQL text.
        tables: Tables the query may name, by name (matched case-insensitively).

    Raises:
        KqlError: The query is invalid or outside the supported subset.
    """
    return Evaluator(tables).run(parse(text))
