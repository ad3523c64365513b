"""The declarative helper: one property, one comparison, pass / fail / unknown in a few lines."""

import textwrap
from pathlib import Path
from typing import Any

import pytest

from auditor.engine.api import (
    Category,
    ComputeSubject,
    Outcome,
    Severity,
    StorageAccountSubject,
    value_rule,
)
from auditor.engine.defaults import DEFAULTS
from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import load_registry
from auditor.engine.subjects import AttachedSubject
from auditor.findings import Status
from auditor.inventory.model import Resource
from tests.builders import (
    ABSENT,
    NOW,
    compute_subject,
    context_for,
    make_compute,
    make_inventory,
    make_resource,
    make_storage_account,
    make_workspace,
    storage_subject,
)

TLS = value_rule(
    id="TEST-AUTH-005",
    title="Storage account requires TLS 1.2 or later",
    severity=Severity.MEDIUM,
    category=Category.AUTHENTICATION,
    subject=StorageAccountSubject,
    remediation="Set minimumTlsVersion to TLS1_2.",
    description="Checks the storage account's minimum TLS version.",
    path="minimumTlsVersion",
    op="in",
    value=("TLS1_2", "TLS1_3"),
)

IDLE_NODES = value_rule(
    id="TEST-COST-005",
    title="Compute cluster releases its nodes when idle",
    severity=Severity.LOW,
    category=Category.COST,
    subject=ComputeSubject,
    remediation="Set scaleSettings.minNodeCount to 0.",
    description="Checks that a cluster keeps no node when idle.",
    path="properties.scaleSettings.minNodeCount",
    op="le",
    value=0,
)


def judge_storage(properties: dict[str, Any]) -> Outcome:
    subject = storage_subject(make_storage_account(properties=properties))
    outcome = TLS.check(subject, context_for(TLS))
    assert outcome is not None
    return outcome


def judge_cluster(scale: object) -> Outcome:
    compute = make_compute(
        "cpu-cluster",
        compute_type="AmlCompute",
        properties={"properties": {"scaleSettings": scale}},
    )
    outcome = IDLE_NODES.check(compute_subject(compute), context_for(IDLE_NODES))
    assert outcome is not None
    return outcome


@pytest.mark.parametrize(
    ("tls", "status"),
    [
        pytest.param("TLS1_2", Status.PASS, id="pass-tls12"),
        pytest.param("tls1_3", Status.PASS, id="pass-any-casing"),
        pytest.param("TLS1_0", Status.FAIL, id="fail-tls10"),
        pytest.param(12, Status.UNKNOWN, id="unknown-number"),
        pytest.param(["TLS1_2"], Status.UNKNOWN, id="unknown-list"),
    ],
)
def test_string_in(tls: object, status: Status) -> None:
    assert judge_storage({"minimumTlsVersion": tls}).status is status


def test_fail_message_says_what_was_expected() -> None:
    outcome = judge_storage({"minimumTlsVersion": "TLS1_0"})
    assert outcome.message.endswith(
        'minimumTlsVersion is TLS1_0; expected one of "TLS1_2", "TLS1_3".'
    )
    assert "'stml01'" in outcome.message
    assert dict(outcome.evidence) == {"minimumTlsVersion": "TLS1_0"}


def test_wrong_type_names_what_was_found() -> None:
    outcome = judge_storage({"minimumTlsVersion": 12})
    assert "12 (a number, expected a string)" in outcome.message


def test_absent_without_documented_default_is_unknown() -> None:
    rule = value_rule(
        id="TEST-NET-201",
        title="t",
        severity=Severity.LOW,
        category=Category.NETWORK,
        subject=StorageAccountSubject,
        remediation="r",
        description="Reads a property Azure documents no default for.",
        path="undocumentedSetting.enabled",
        op="eq",
        value=True,
    )
    outcome = rule.check(storage_subject(), context_for(rule))
    assert outcome is not None and outcome.status is Status.UNKNOWN
    assert "undocumentedSetting.enabled is absent and Azure documents no default" in outcome.message
    assert dict(outcome.evidence) == {"undocumentedSetting.enabled": None}


def _documented() -> list[Any]:
    return [d for d in DEFAULTS if isinstance(d.value, str | bool) and len(d.path) == 1]


@pytest.mark.parametrize("entry", _documented(), ids=lambda d: f"{d.resource_type}:{d.dotted}")
def test_absent_reads_the_documented_default(entry: Any) -> None:
    rule = value_rule(
        id="TEST-NET-202",
        title="t",
        severity=Severity.LOW,
        category=Category.NETWORK,
        subject=StorageAccountSubject,
        remediation="r",
        description="Compares a property with its documented default.",
        path=entry.dotted,
        op="eq",
        value=entry.value,
    )
    resource = make_resource(type=entry.resource_type, name="r1", properties={"other": 1})
    outcome = rule.check(storage_subject(resource), context_for(rule))
    assert outcome is not None and outcome.status is Status.PASS
    assert outcome.evidence[entry.dotted] == str(outcome.evidence[entry.dotted])
    assert str(outcome.evidence[entry.dotted]).startswith("absent; Azure default ")


def test_storage_without_tls_reads_azures_default_and_fails() -> None:
    if not any(d.dotted == "minimumTlsVersion" for d in _documented()):
        pytest.skip("no documented default for minimumTlsVersion in the table")
    outcome = judge_storage({"minimumTlsVersion": ABSENT})
    assert outcome.status is Status.FAIL
    assert 'absent; Azure default "TLS1_0"' in outcome.message


@pytest.mark.parametrize(
    ("scale", "status", "shown"),
    [
        pytest.param({"minNodeCount": 0, "maxNodeCount": 4}, Status.PASS, "0", id="pass-zero"),
        pytest.param({"minNodeCount": 2}, Status.FAIL, "2; expected at most 0", id="fail-two"),
        pytest.param({"minNodeCount": True}, Status.UNKNOWN, "a boolean", id="unknown-bool"),
        pytest.param({"minNodeCount": "0"}, Status.UNKNOWN, "a string", id="unknown-str"),
        pytest.param("x", Status.UNKNOWN, "expected an object", id="unknown-parent-str"),
        pytest.param({"minNodeCount": ABSENT}, Status.UNKNOWN, "absent", id="unknown-absent"),
    ],
)
def test_number_comparison(scale: object, status: Status, shown: str) -> None:
    outcome = judge_cluster(scale)
    assert outcome.status is status
    assert shown in outcome.message


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"op": "lt", "value": "TLS1_2"}, "compares numbers", id="lt-on-string"),
        pytest.param({"op": "in", "value": "TLS1_2"}, "a tuple of values", id="in-one-value"),
        pytest.param({"op": "eq", "value": ("a",)}, "takes one value", id="eq-tuple"),
        pytest.param({"op": "in", "value": ()}, "a tuple of values", id="in-empty"),
        pytest.param({"op": "in", "value": ("a", 1)}, "one JSON type", id="mixed-types"),
        pytest.param({"op": "like", "value": "a"}, "not one of", id="unknown-op"),
        pytest.param({"path": "a..b", "op": "eq", "value": "a"}, "path must", id="empty-step"),
        pytest.param({"op": "eq", "value": None}, "not a boolean", id="null-value"),
    ],
)
def test_misdeclared_value_rule_fails_at_definition(kwargs: dict[str, Any], expected: str) -> None:
    arguments: dict[str, Any] = {
        "id": "TEST-NET-203",
        "title": "t",
        "severity": Severity.LOW,
        "category": Category.NETWORK,
        "subject": StorageAccountSubject,
        "remediation": "r",
        "description": "d",
        "path": "minimumTlsVersion",
        **kwargs,
    }
    with pytest.raises(ValueError, match=expected):
        value_rule(**arguments)


def test_value_rule_keeps_rule_checks() -> None:
    with pytest.raises(ValueError, match="not a registered subject kind"):
        value_rule(
            id="TEST-NET-204",
            title="t",
            severity=Severity.LOW,
            category=Category.NETWORK,
            subject=AttachedSubject,
            remediation="r",
            description="d",
            path="x",
            op="eq",
            value=True,
        )


def test_value_rule_in_a_rule_folder_is_loaded_and_judged(tmp_path: Path) -> None:
    (tmp_path / "tls.py").write_text(
        textwrap.dedent(
            """
            from auditor.engine.api import Category, Severity, StorageAccountSubject, value_rule

            tls = value_rule(
                id="TEST-AUTH-105", title="TLS 1.2", severity=Severity.MEDIUM,
                category=Category.AUTHENTICATION, subject=StorageAccountSubject,
                remediation="Set minimumTlsVersion to TLS1_2.",
                description="Checks the minimum TLS version.",
                path="minimumTlsVersion", op="in", value=("TLS1_2", "TLS1_3"),
            )
            """
        ),
        encoding="utf-8",
    )
    registry = load_registry([tmp_path], include_builtin=False, include_entry_points=False)
    rule = registry["TEST-AUTH-105"]
    assert rule.meta.description == "Checks the minimum TLS version."
    old: Resource = make_storage_account(properties={"minimumTlsVersion": "TLS1_1"})
    inventory = make_inventory(workspaces=[make_workspace()], resources=[old])
    (finding,) = evaluate(inventory, registry.rules, RuleSettings(), NOW)
    assert (finding.status, finding.resource_id) == (Status.FAIL, old.id)
