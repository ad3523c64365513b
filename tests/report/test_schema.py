"""The report schema: valid itself, accepts our document, rejects broken ones with a path."""

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from auditor.report.json_writer import build_report
from auditor.report.model import AuditResult
from auditor.report.schema import load_report_schema, validate_report


@pytest.fixture
def doc(result: AuditResult) -> dict[str, Any]:
    return build_report(result)


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_sample_report_validates(doc: dict[str, Any]) -> None:
    validate_report(doc)


def test_rejects_unknown_finding_status(doc: dict[str, Any]) -> None:
    broken = copy.deepcopy(doc)
    broken["findings"][2]["status"] = "failed"
    with pytest.raises(ValueError, match=r"^\$\.findings\[2\]\.status: "):
        validate_report(broken)


def test_rejects_missing_attached_key(doc: dict[str, Any]) -> None:
    broken = copy.deepcopy(doc)
    del broken["workspaces"][1]["attached"]["key_vault"]
    with pytest.raises(ValueError, match=r"^\$\.workspaces\[1\]\.attached: 'key_vault'"):
        validate_report(broken)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("run", "status"), "done", id="run-status"),
        pytest.param(("run", "started_at"), "2026-11-28 02:00:00", id="timestamp-format"),
        pytest.param(("schema_version",), 1, id="schema-version-type"),
        pytest.param(("summary", "findings", "by_severity"), {"high": 1}, id="severity-keys"),
    ],
)
def test_rejects_contract_violations(
    doc: dict[str, Any], path: tuple[str, ...], value: object
) -> None:
    broken = copy.deepcopy(doc)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=r"^\$"):
        validate_report(broken)


def test_rejects_found_as_string(doc: dict[str, Any]) -> None:
    broken = copy.deepcopy(doc)
    broken["workspaces"][0]["attached"]["storage_account"]["found"] = "yes"
    with pytest.raises(ValueError, match="storage_account"):
        validate_report(broken)


def test_accepts_added_fields_and_real_costs(doc: dict[str, Any]) -> None:
    extended = copy.deepcopy(doc)
    extended["something_new"] = {"x": 1}
    extended["run"]["another"] = True
    extended["summary"]["cost"] = {
        "currency": "EUR",
        "total": 1234.5,
        "period": {"from": "2026-11-01", "to": "2026-11-27"},
    }
    extended["workspaces"][0]["cost"]["by_resource"] = [
        {"resource_id": "/x", "role": "storage_account", "amount": 3.5, "shared": True}
    ]
    validate_report(extended)
