"""costs.csv: header, rows, and no formula injection from Azure names."""

import csv
from pathlib import Path

from auditor.report.csv_writer import (
    COSTS_HEADER,
    CostRow,
    format_costs_csv,
    write_costs_csv,
)
from auditor.report.model import AuditResult

HEADER_LINE = "workspace_id,workspace_name,resource_id,role,amount,currency,shared\r\n"


def test_header_only_without_cost_data(result: AuditResult, tmp_path: Path) -> None:
    path = write_costs_csv(result, tmp_path)
    assert path == tmp_path / "costs.csv"
    assert path.read_bytes().decode("utf-8") == HEADER_LINE
    assert ",".join(COSTS_HEADER) + "\r\n" == HEADER_LINE


def test_rows_are_written_in_order(result: AuditResult, tmp_path: Path) -> None:
    rows = [
        CostRow(
            workspace_id="/subscriptions/s/ws-a",
            workspace_name="ws-a",
            resource_id="/subscriptions/s/st",
            role="storage_account",
            amount=12.5,
            currency="EUR",
            shared=True,
        ),
        CostRow(
            workspace_id="/subscriptions/s/ws-a",
            workspace_name="ws-a",
            resource_id="/subscriptions/s/ws-a",
            role="workspace",
            amount=-3.25,  # a credit stays a number, not an escaped string
            currency="EUR",
            shared=False,
        ),
    ]
    path = write_costs_csv(result, tmp_path, rows)
    with path.open(encoding="utf-8", newline="") as handle:
        parsed = list(csv.reader(handle))
    assert parsed[1] == [
        "/subscriptions/s/ws-a",
        "ws-a",
        "/subscriptions/s/st",
        "storage_account",
        "12.5",
        "EUR",
        "true",
    ]
    assert parsed[2][4] == "-3.25"
    assert parsed[2][6] == "false"


def test_formula_cells_are_neutralised() -> None:
    hostile = CostRow(
        workspace_id='=HYPERLINK("http://evil.example","x")',
        workspace_name="+cmd|' /C calc'!A0",
        resource_id="@SUM(1+1)",
        role="-2+3",
        amount=1.0,
        currency="=1+1",
        shared=False,
    )
    text = format_costs_csv([hostile])
    parsed = list(csv.reader(text.splitlines()))
    cells = parsed[1]
    for index in (0, 1, 2, 3, 5):
        assert cells[index].startswith("'"), cells[index]
    assert not any(cell[:1] in {"=", "+", "-", "@"} for cell in cells)
