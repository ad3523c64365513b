"""AML-NET-010 to AML-NET-014: network exposure of the attached resources."""

from collections.abc import Mapping

import pytest

from auditor.engine.api import (
    ApplicationInsightsSubject,
    ContainerRegistrySubject,
    KeyVaultSubject,
)
from auditor.findings import Status
from tests.builders import (
    ABSENT,
    Overrides,
    attached_subject,
    make_app_insights,
    make_container_registry,
    make_key_vault,
    make_storage_account,
    storage_subject,
)
from tests.json_shapes import as_text
from tests.rules.conftest import CheckRule

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN


def acls(action: object) -> dict[str, object]:
    return {"networkAcls": {"defaultAction": action}}


@pytest.mark.rule("AML-NET-010")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-public-access-disabled"),
        pytest.param(
            {"publicNetworkAccess": "Disabled", **acls("Allow")},
            PASS,
            id="pass-disabled-wins-over-allow",
        ),
        pytest.param({"publicNetworkAccess": "Enabled"}, PASS, id="pass-enabled-firewall-deny"),
        pytest.param({"publicNetworkAccess": ABSENT}, PASS, id="pass-pna-absent-firewall-deny"),
        pytest.param(
            {"publicNetworkAccess": "Enabled", **acls("Allow")}, FAIL, id="fail-enabled-allow"
        ),
        pytest.param(
            {"publicNetworkAccess": "enabled", **acls("allow")}, FAIL, id="fail-lowercase"
        ),
        pytest.param(
            {"publicNetworkAccess": ABSENT, **acls("Allow")}, FAIL, id="fail-pna-absent-allow"
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkAcls": ABSENT},
            FAIL,
            id="fail-network-acls-absent-reads-allow",
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", **acls(ABSENT)},
            FAIL,
            id="fail-default-action-absent-reads-allow",
        ),
    ],
)
def test_net_010(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-010", storage_subject(make_storage_account(properties=properties)))
    assert outcome is not None
    assert outcome.status is expected
    assert "stml01" in outcome.message


@pytest.mark.rule("AML-NET-010")
def test_net_010_fail_message_and_evidence(check: CheckRule) -> None:
    account = make_storage_account(properties={"publicNetworkAccess": "Enabled", **acls("Allow")})
    outcome = check("AML-NET-010", storage_subject(account))
    assert outcome is not None
    assert account.id in outcome.message
    assert "networkAcls.defaultAction is Allow" in outcome.message
    assert dict(outcome.evidence) == {
        "publicNetworkAccess": "Enabled",
        "networkAcls.defaultAction": "Allow",
    }


@pytest.mark.rule("AML-NET-010")
def test_net_010_absent_default_action_reads_azure_default_and_says_so(check: CheckRule) -> None:
    account = make_storage_account(properties={"publicNetworkAccess": "Enabled", **acls(ABSENT)})
    outcome = check("AML-NET-010", storage_subject(account))
    assert outcome is not None
    assert 'networkAcls.defaultAction is absent; Azure default "Allow"' in outcome.message
    assert dict(outcome.evidence) == {
        "publicNetworkAccess": "Enabled",
        "networkAcls.defaultAction": 'absent; Azure default "Allow"',
    }


@pytest.mark.rule("AML-NET-011")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(False, PASS, id="pass-anonymous-access-off"),
        pytest.param(True, FAIL, id="fail-anonymous-access-on"),
        pytest.param(ABSENT, UNKNOWN, id="unknown-absent"),
        pytest.param(None, UNKNOWN, id="unknown-null"),
    ],
)
def test_net_011(check: CheckRule, value: object, expected: Status) -> None:
    account = make_storage_account(properties={"allowBlobPublicAccess": value})
    outcome = check("AML-NET-011", storage_subject(account))
    assert outcome is not None
    assert outcome.status is expected
    assert outcome.evidence["allowBlobPublicAccess"] == (None if value is ABSENT else value)


@pytest.mark.rule("AML-NET-012")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-public-access-disabled"),
        pytest.param({"publicNetworkAccess": "disabled"}, PASS, id="pass-lowercase-disabled"),
        pytest.param({"publicNetworkAccess": "Enabled"}, PASS, id="pass-enabled-firewall-deny"),
        pytest.param(
            {"publicNetworkAccess": "Enabled", **acls("Allow")}, FAIL, id="fail-enabled-allow"
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkAcls": ABSENT},
            FAIL,
            id="fail-no-network-acls-allows-all",
        ),
        pytest.param(
            {"publicNetworkAccess": ABSENT, "networkAcls": ABSENT},
            FAIL,
            id="fail-pna-and-acls-absent",
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", **acls(ABSENT)},
            UNKNOWN,
            id="unknown-acls-without-default-action",
        ),
    ],
)
def test_net_012(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check(
        "AML-NET-012", attached_subject(KeyVaultSubject, make_key_vault(properties=properties))
    )
    assert outcome is not None
    assert outcome.status is expected
    assert "kv-ml-01" in outcome.message


@pytest.mark.rule("AML-NET-012")
def test_net_012_no_acls_message(check: CheckRule) -> None:
    vault = make_key_vault(properties={"publicNetworkAccess": "Enabled", "networkAcls": ABSENT})
    outcome = check("AML-NET-012", attached_subject(KeyVaultSubject, vault))
    assert outcome is not None
    assert "no networkAcls are set" in outcome.message
    assert outcome.evidence["networkAcls.defaultAction"] == 'absent; Azure default "Allow"'


@pytest.mark.rule("AML-NET-012")
def test_net_012_absent_public_network_access_reads_enabled(check: CheckRule) -> None:
    vault = make_key_vault(properties={"publicNetworkAccess": ABSENT, **acls("Allow")})
    outcome = check("AML-NET-012", attached_subject(KeyVaultSubject, vault))
    assert outcome is not None
    assert outcome.status is FAIL
    assert 'publicNetworkAccess is absent; Azure default "enabled"' in outcome.message


PREMIUM = {"name": "Premium", "tier": "Premium"}
STANDARD = {"name": "Standard", "tier": "Standard"}
BASIC = {"name": "Basic", "tier": "Basic"}
OPEN = {"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Allow"}}


@pytest.mark.rule("AML-NET-013")
@pytest.mark.parametrize(
    ("properties", "sku", "expected"),
    [
        pytest.param({}, PREMIUM, PASS, id="pass-public-access-disabled"),
        pytest.param({"publicNetworkAccess": "disabled"}, BASIC, PASS, id="pass-lowercase"),
        pytest.param(
            {"publicNetworkAccess": "Enabled"}, PREMIUM, PASS, id="pass-enabled-firewall-deny"
        ),
        pytest.param(OPEN, PREMIUM, FAIL, id="fail-premium-enabled-allow"),
        pytest.param(OPEN, STANDARD, FAIL, id="fail-standard-enabled"),
        pytest.param(
            {"publicNetworkAccess": "ENABLED", "networkRuleSet": ABSENT},
            BASIC,
            FAIL,
            id="fail-basic-no-rule-set",
        ),
        pytest.param(
            {"publicNetworkAccess": ABSENT}, PREMIUM, PASS, id="pass-pna-absent-reads-enabled-deny"
        ),
        pytest.param(
            {"publicNetworkAccess": ABSENT, "networkRuleSet": ABSENT},
            BASIC,
            FAIL,
            id="fail-basic-nothing-set-reads-enabled-allow",
        ),
    ],
)
def test_net_013(
    check: CheckRule, properties: Overrides, sku: Mapping[str, object], expected: Status
) -> None:
    registry = make_container_registry(properties=properties, sku=sku)
    outcome = check("AML-NET-013", attached_subject(ContainerRegistrySubject, registry))
    assert outcome is not None
    assert outcome.status is expected
    assert "crml01" in outcome.message


@pytest.mark.rule("AML-NET-013")
@pytest.mark.parametrize("sku", [STANDARD, BASIC], ids=["standard", "basic"])
def test_net_013_fail_says_sku_cannot_have_firewall(
    check: CheckRule, sku: Mapping[str, object]
) -> None:
    outcome = check(
        "AML-NET-013",
        attached_subject(
            ContainerRegistrySubject, make_container_registry(properties=OPEN, sku=sku)
        ),
    )
    assert outcome is not None
    assert f"a {sku['name']} registry cannot have a firewall" in outcome.message
    assert "Premium" in outcome.message
    assert outcome.evidence["sku.name"] == sku["name"]


@pytest.mark.rule("AML-NET-013")
def test_net_013_basic_with_nothing_set_says_defaults_and_sku(check: CheckRule) -> None:
    registry = make_container_registry(
        properties={"publicNetworkAccess": ABSENT, "networkRuleSet": ABSENT}, sku=BASIC
    )
    outcome = check("AML-NET-013", attached_subject(ContainerRegistrySubject, registry))
    assert outcome is not None
    assert 'publicNetworkAccess is absent; Azure default "Enabled"' in outcome.message
    assert 'networkRuleSet.defaultAction is absent; Azure default "Allow"' in outcome.message
    assert "a Basic registry cannot have a firewall" in outcome.message


@pytest.mark.rule("AML-NET-013")
def test_net_013_premium_fail_has_no_sku_note(check: CheckRule) -> None:
    outcome = check(
        "AML-NET-013",
        attached_subject(
            ContainerRegistrySubject, make_container_registry(properties=OPEN, sku=PREMIUM)
        ),
    )
    assert outcome is not None
    assert "cannot have a firewall" not in outcome.message


@pytest.mark.rule("AML-NET-014")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-both-disabled"),
        pytest.param(
            {"publicNetworkAccessForIngestion": "Enabled"}, FAIL, id="fail-ingestion-enabled"
        ),
        pytest.param(
            {"publicNetworkAccessForQuery": "enabled"}, FAIL, id="fail-query-enabled-lowercase"
        ),
        pytest.param(
            {"publicNetworkAccessForIngestion": "Enabled", "publicNetworkAccessForQuery": ABSENT},
            FAIL,
            id="fail-ingestion-enabled-query-absent",
        ),
        pytest.param(
            {"publicNetworkAccessForQuery": ABSENT}, FAIL, id="fail-query-absent-reads-enabled"
        ),
        pytest.param(
            {"publicNetworkAccessForIngestion": None}, FAIL, id="fail-ingestion-null-reads-enabled"
        ),
    ],
)
def test_net_014(check: CheckRule, properties: Overrides, expected: Status) -> None:
    component = make_app_insights(properties=properties)
    outcome = check("AML-NET-014", attached_subject(ApplicationInsightsSubject, component))
    assert outcome is not None
    assert outcome.status is expected
    assert "appi-ml-01" in outcome.message


@pytest.mark.rule("AML-NET-010")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"publicNetworkAccess": 1}, UNKNOWN, id="unknown-pna-number"),
        pytest.param({"publicNetworkAccess": {}}, UNKNOWN, id="unknown-pna-object"),
        pytest.param({"networkAcls": "x"}, UNKNOWN, id="unknown-network-acls-string"),
        pytest.param(acls(["Deny"]), UNKNOWN, id="unknown-default-action-list"),
        pytest.param(
            {"publicNetworkAccess": "Disabled", "networkAcls": ["Deny"]},
            UNKNOWN,
            id="unknown-disabled-beside-malformed-acls",
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkAcls": None},
            FAIL,
            id="fail-network-acls-null-is-absent-reads-allow",
        ),
    ],
)
def test_net_010_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-010", storage_subject(make_storage_account(properties=properties)))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-010")
def test_net_010_wrong_default_action_says_what_was_found(check: CheckRule) -> None:
    account = make_storage_account(properties=acls(["Deny"]))
    outcome = check("AML-NET-010", storage_subject(account))
    assert outcome is not None
    found = '["Deny"] (a list, expected a string)'
    assert f"networkAcls.defaultAction: {found}" in outcome.message
    assert outcome.evidence["networkAcls.defaultAction"] == found


@pytest.mark.rule("AML-NET-011")
@pytest.mark.parametrize("value", ["true", "false", 1, 0, ["true"]])
def test_net_011_wrong_type_is_unknown(check: CheckRule, value: object) -> None:
    account = make_storage_account(properties={"allowBlobPublicAccess": value})
    outcome = check("AML-NET-011", storage_subject(account))
    assert outcome is not None
    assert outcome.status is UNKNOWN
    assert "expected a boolean" in outcome.message
    assert "expected a boolean" in as_text(outcome.evidence["allowBlobPublicAccess"])


@pytest.mark.rule("AML-NET-012")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkAcls": "x"},
            UNKNOWN,
            id="unknown-acls-string-is-not-absent",
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkAcls": ["Deny"]},
            UNKNOWN,
            id="unknown-acls-list",
        ),
        pytest.param(acls(1), UNKNOWN, id="unknown-default-action-number"),
        pytest.param({"publicNetworkAccess": True}, UNKNOWN, id="unknown-pna-boolean"),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkAcls": None},
            FAIL,
            id="fail-null-acls-is-absent-allows-all",
        ),
    ],
)
def test_net_012_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    vault = make_key_vault(properties=properties)
    outcome = check("AML-NET-012", attached_subject(KeyVaultSubject, vault))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-012")
def test_net_012_wrong_acls_is_not_read_as_absent(check: CheckRule) -> None:
    vault = make_key_vault(properties={"publicNetworkAccess": "Enabled", "networkAcls": "x"})
    outcome = check("AML-NET-012", attached_subject(KeyVaultSubject, vault))
    assert outcome is not None
    assert "no networkAcls" not in outcome.message
    assert 'networkAcls: "x" (a string, expected an object)' in outcome.message


@pytest.mark.rule("AML-NET-013")
@pytest.mark.parametrize(
    ("properties", "sku", "expected"),
    [
        pytest.param({"publicNetworkAccess": 1}, PREMIUM, UNKNOWN, id="unknown-pna-number"),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkRuleSet": "Deny"},
            PREMIUM,
            UNKNOWN,
            id="unknown-rule-set-string",
        ),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": ["Deny"]}},
            PREMIUM,
            UNKNOWN,
            id="unknown-default-action-list",
        ),
        pytest.param({}, {"name": 1}, UNKNOWN, id="unknown-private-but-sku-name-number"),
        pytest.param({}, {"name": {"tier": "Premium"}}, UNKNOWN, id="unknown-sku-name-object"),
        pytest.param(OPEN, {"name": ["Basic"]}, FAIL, id="fail-open-whatever-the-sku"),
    ],
)
def test_net_013_wrong_types(
    check: CheckRule, properties: Overrides, sku: Mapping[str, object], expected: Status
) -> None:
    registry = make_container_registry(properties=properties, sku=sku)
    outcome = check("AML-NET-013", attached_subject(ContainerRegistrySubject, registry))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-013")
def test_net_013_open_with_malformed_sku_says_so(check: CheckRule) -> None:
    registry = make_container_registry(properties=OPEN, sku={"name": ["Basic"]})
    outcome = check("AML-NET-013", attached_subject(ContainerRegistrySubject, registry))
    assert outcome is not None
    assert 'sku.name: ["Basic"] (a list, expected a string)' in outcome.message
    assert "cannot have a firewall at all" not in outcome.message


@pytest.mark.rule("AML-NET-014")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"publicNetworkAccessForIngestion": 1}, UNKNOWN, id="unknown-ingestion-1"),
        pytest.param(
            {"publicNetworkAccessForQuery": ["Disabled"]}, UNKNOWN, id="unknown-query-list"
        ),
        pytest.param(
            {"publicNetworkAccessForIngestion": False},
            UNKNOWN,
            id="unknown-ingestion-boolean",
        ),
        pytest.param(
            {"publicNetworkAccessForIngestion": "Enabled", "publicNetworkAccessForQuery": {}},
            FAIL,
            id="fail-ingestion-enabled-decides-over-wrong-query",
        ),
    ],
)
def test_net_014_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    component = make_app_insights(properties=properties)
    outcome = check("AML-NET-014", attached_subject(ApplicationInsightsSubject, component))
    assert outcome is not None
    assert outcome.status is expected
