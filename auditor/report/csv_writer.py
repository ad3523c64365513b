"""``costs.csv``: one row per (workspace, resource) with the cost attributed to it.

Resource names, tags and ids come from Azure and are untrusted; a spreadsheet would run a cell such
as ``=HYPERLINK(...)`` as a formula, so every cell goes through ``defusedcsv``, which prefixes cells
starting with ``=``, ``+``, ``-``, ``@`` (and a few more) with a quote.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from defusedcsv import csv

from auditor.report.files import atomic_write_text
from auditor.report.model import AuditResult

COSTS_FILE_NAME = "costs.csv"
COSTS_HEADER = (
    "workspace_id",
    "workspace_name",
    "resource_id",
    "role",
    "amount",
    "currency",
    "shared",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CostRow:
    """The cost of one resource attributed to one workspace."""

    workspace_id: str
    workspace_name: str
    resource_id: str
    role: str  # one of the report's cost roles: workspace, compute, storage_account, ...
    amount: float
    currency: str
    shared: bool  # the resource serves several workspaces, so its cost is split between them


def cost_rows(result: AuditResult) -> tuple[CostRow, ...]:
    """The rows for ``result``.

    The model carries no cost data yet, so there are none; cost collection will fill this in.
    """
    del result  # kept in the signature so callers need not change when costs arrive
    return ()


def format_costs_csv(rows: Iterable[CostRow]) -> str:
    """The CSV text: the header, then one line per row in the order given (RFC 4180 line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COSTS_HEADER)
    for row in rows:
        writer.writerow(
            (
                row.workspace_id,
                row.workspace_name,
                row.resource_id,
                row.role,
                row.amount,  # a number is never escaped, so a credit (-12.5) stays a number
                row.currency,
                "true" if row.shared else "false",
            )
        )
    return buffer.getvalue()


def write_costs_csv(
    result: AuditResult, out_dir: Path, rows: Iterable[CostRow] | None = None
) -> Path:
    """Write ``costs.csv`` into ``out_dir`` atomically and return its path.

    ``rows`` defaults to :func:`cost_rows` of ``result``.
    """
    path = out_dir / COSTS_FILE_NAME
    atomic_write_text(path, format_costs_csv(cost_rows(result) if rows is None else rows))
    return path
