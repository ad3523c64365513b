"""report.json: shape, values and determinism on a partial two-workspace run."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from auditor.findings import Status
from auditor.report.json_writer import build_report, format_timestamp, write_json_report
from auditor.report.model import AuditResult
from auditor.report.schema import validate_report
from tests.report.report_builders import (
    ACR_ALPHA,
    APPI_BETA,
    KV_ALPHA,
    KV_BETA,
    STORAGE,
    WS_ALPHA,
    WS_BETA,
    make_result,
    make_workspace,
)


@pytest.fixture
def doc(result: AuditResult) -> dict[str, Any]:
    return build_report(result)


def test_top_level_keys_and_run(doc: dict[str, Any]) -> None:
    assert list(doc) == [
        "schema_version",
        "run",
        "summary",
        "workspaces",
        "findings",
        "errors",
        "notices",
        "changes",
        "waivers",
    ]
    assert doc["schema_version"] == "1"
    run = doc["run"]
    assert run["started_at"] == "2026-11-28T02:00:00Z"  # given as 03:00+01:00
    assert run["finished_at"] == "2026-11-28T02:03:07Z"  # microseconds dropped
    assert run["status"] == "partial"
    assert run["scope"] == {
        "subscriptions": ["00000000-0000-0000-0000-000000000001"],
        "management_groups": [],
        "all_visible": False,
    }
    assert list(run["stats"]) == ["arm", "resource_graph"]
    assert run["stats"]["arm"] == {"requests": 12, "retries": 2, "throttled": 1, "errors": 1}


def test_summary_counts_fails_only_by_severity(doc: dict[str, Any]) -> None:
    summary = doc["summary"]
    assert summary["workspaces"] == 2
    assert summary["errors"] == 1
    assert summary["findings"]["by_status"] == {
        "pass": 3,
        "fail": 3,
        "unknown": 1,
        "error": 1,
        "suppressed": 1,
        "not_applicable": 0,
    }
    # The suppressed low finding, the errored medium one and the passes are not counted.
    assert summary["findings"]["by_severity"] == {
        "critical": 1,
        "high": 2,
        "medium": 0,
        "low": 0,
        "info": 0,
    }
    assert summary["cost"] == {
        "currency": None,
        "total": None,
        "period": {"from": None, "to": None},
    }


def test_workspaces_sorted_with_their_bundle(doc: dict[str, Any]) -> None:
    alpha, beta = doc["workspaces"]
    assert (alpha["id"], beta["id"]) == (WS_ALPHA, WS_BETA)
    assert alpha["public_network_access"] == "Disabled"  # written "disabled" by Azure
    assert beta["public_network_access"] == "Enabled"
    assert alpha["tags"] == {"cost-center": "42", "owner": "team-a"}
    assert alpha["resource_group"] == "rg-ml"
    assert alpha["kind"] == "Default"
    a = alpha["attached"]
    assert a["storage_account"] == {
        "id": STORAGE,
        "found": True,
        "status": "found",
        "exposed": True,
    }
    assert a["key_vault"] == {
        "id": KV_ALPHA,
        "found": None,
        "status": "unknown",
        "reason": "AuthorizationFailed",
        "exposed": None,
    }
    assert a["container_registry"]["found"] is False
    assert a["container_registry"]["status"] == "not_found"
    assert a["container_registry"]["reason"]  # a default reason when collection gave none
    assert a["container_registry"]["id"] == ACR_ALPHA
    assert a["application_insights"] is None
    b = beta["attached"]
    # Written as beta's properties spell it; exposure still matched case-insensitively.
    assert b["storage_account"]["id"] == STORAGE.lower()
    assert b["storage_account"]["exposed"] is True
    assert b["key_vault"]["exposed"] is False
    assert b["key_vault"]["id"] == KV_BETA
    assert b["container_registry"] is None
    assert b["application_insights"]["id"] == APPI_BETA
    # A waiver accepts the risk; the resource is still reachable.
    assert b["application_insights"]["exposed"] is True


def test_workspace_exposure_through_net_001_or_020(doc: dict[str, Any]) -> None:
    alpha, beta = doc["workspaces"]
    assert alpha["exposed"] is True  # private itself, NET-020 fails through the bundle
    assert beta["exposed"] is True  # NET-001 fails


def test_workspace_not_exposed_only_when_all_verdicts_pass(result: AuditResult) -> None:
    kept = tuple(
        f if f.rule_id != "AML-NET-020" else dataclasses.replace(f, status=Status.PASS)
        for f in result.findings
    )
    doc: dict[str, Any] = build_report(dataclasses.replace(result, findings=kept))
    assert doc["workspaces"][0]["exposed"] is False
    unknown = tuple(
        dataclasses.replace(f, status=Status.UNKNOWN) if f.rule_id == "AML-NET-020" else f
        for f in kept
    )
    undecided: dict[str, Any] = build_report(dataclasses.replace(result, findings=unknown))
    assert undecided["workspaces"][0]["exposed"] is None


def test_computes_and_per_workspace_counts(doc: dict[str, Any]) -> None:
    alpha, beta = doc["workspaces"]
    assert [c["name"] for c in alpha["computes"]] == ["ci-alice", "zz-cluster"]
    assert alpha["computes"][0]["compute_type"] == "ComputeInstance"
    assert beta["computes"] is None
    assert beta["computes_error"].startswith("AuthorizationFailed")
    assert alpha["findings"]["by_status"] == {
        "pass": 1,
        "fail": 2,
        "unknown": 1,
        "error": 0,
        "suppressed": 0,
        "not_applicable": 0,
    }
    assert beta["findings"]["by_status"] == {
        "pass": 2,
        "fail": 2,
        "unknown": 0,
        "error": 1,
        "suppressed": 1,
        "not_applicable": 0,
    }
    assert alpha["cost"] == {"currency": None, "total": None, "by_resource": []}


def test_findings_order_and_fields(doc: dict[str, Any]) -> None:
    order = [
        (f["severity"], f["rule_id"], f["resource_id"].rsplit("/", 1)[-1]) for f in doc["findings"]
    ]
    assert order == [
        ("critical", "AML-NET-020", "ws-alpha"),
        ("high", "AML-NET-001", "ws-alpha"),
        ("high", "AML-NET-001", "ws-beta"),
        ("high", "AML-NET-010", "stshared"),
        ("high", "AML-NET-012", "kv-alpha"),
        ("high", "AML-NET-012", "kv-beta"),
        ("medium", "AML-KV-001", "kv-beta"),
        ("low", "AML-NET-014", "appi-beta"),
        ("info", "AML-COST-001", "ws-beta"),
    ]
    plain = doc["findings"][0]
    assert list(plain) == [
        "rule_id",
        "title",
        "severity",
        "category",
        "status",
        "workspace_ids",
        "resource_id",
        "message",
        "evidence",
        "fingerprint",
        "remediation",
    ]
    suppressed = doc["findings"][7]
    assert suppressed["suppressed_status"] == "fail"
    assert suppressed["waiver"] == {
        "rule_id": "AML-NET-014",
        "resource": "*/appi-beta",
        "reason": "ingestion from on-premises agents",
        "owner": "ml-platform@example.com",
        "expires": "2027-03-31",
    }
    assert doc["findings"][6]["evidence"] == {"exception": "KeyError: 'properties'"}
    assert doc["findings"][3]["workspace_ids"] == [WS_ALPHA, WS_BETA]


def test_errors_changes_and_waivers(doc: dict[str, Any]) -> None:
    assert doc["errors"] == [
        {
            "scope": KV_ALPHA,
            "source": "arm",
            "code": "AuthorizationFailed",
            "message": "The client does not have authorization to perform action read",
            "status_code": 403,
        }
    ]
    changes = doc["changes"]
    assert changes["previous_run_id"] == "run-20261127T020000Z"
    assert changes["new"] == [doc["findings"][3]["fingerprint"]]
    assert changes["cost_delta"] == [
        {"workspace_id": WS_ALPHA, "previous": 10.0, "current": 12.5, "currency": "EUR"}
    ]
    assert [w["rule_id"] for w in doc["waivers"]["expired"]] == ["AML-NET-014"]


def test_output_does_not_depend_on_input_order(result: AuditResult) -> None:
    shuffled = dataclasses.replace(
        result,
        findings=tuple(reversed(result.findings)),
        inventory=dataclasses.replace(
            result.inventory, workspaces=tuple(reversed(result.inventory.workspaces))
        ),
    )
    assert build_report(shuffled) == build_report(result)


def test_write_json_report(result: AuditResult, tmp_path: Path) -> None:
    path = write_json_report(result, tmp_path / "out")
    assert path == tmp_path / "out" / "report.json"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text.startswith('{\n  "schema_version": "1",\n  "run": {')
    assert json.loads(text) == build_report(result)
    write_json_report(result, tmp_path / "out")
    assert path.read_text(encoding="utf-8") == text


def test_empty_first_run_is_valid() -> None:
    doc: dict[str, Any] = build_report(make_result((make_workspace(WS_ALPHA, {}, computes=()),)))
    validate_report(doc)
    assert doc["run"]["status"] == "complete"
    assert doc["errors"] == []
    assert doc["changes"] == {"previous_run_id": None, "new": [], "resolved": [], "cost_delta": []}
    ws = doc["workspaces"][0]
    assert ws["attached"] == dict.fromkeys(
        ("storage_account", "key_vault", "container_registry", "application_insights")
    )
    assert ws["public_network_access"] is None
    assert ws["exposed"] is None  # no verdict is not "safe"
    assert ws["computes"] == []


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC), "2026-01-02T03:04:05Z"),
        (datetime(2026, 1, 2, 0, 30, tzinfo=timezone(timedelta(hours=2))), "2026-01-01T22:30:00Z"),
        (datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05Z"),
    ],
)
def test_format_timestamp(moment: datetime, expected: str) -> None:
    assert format_timestamp(moment) == expected
