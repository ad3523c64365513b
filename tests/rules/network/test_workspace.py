"""AML-NET-001, AML-NET-002, AML-NET-003: the workspace's own network exposure."""

from collections.abc import Mapping

import pytest

from auditor.engine.api import Bundle
from auditor.findings import Status
from tests.builders import ABSENT, Overrides, bundle, make_inventory, make_workspace
from tests.rules.conftest import CheckRule

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN


def ws_bundle(properties: Mapping[str, object]) -> Bundle:
    """The bundle of a default workspace with these property overrides."""
    return bundle(make_inventory(workspaces=(make_workspace(properties=properties),)))


def endpoint(status: object) -> dict[str, object]:
    """One private endpoint connection entry with this status."""
    return {"properties": {"privateLinkServiceConnectionState": {"status": status}}}


@pytest.mark.rule("AML-NET-001")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-private"),
        pytest.param({"allowPublicAccessWhenBehindVnet": ABSENT}, PASS, id="pass-legacy-absent"),
        pytest.param({"publicNetworkAccess": "disabled"}, PASS, id="pass-lowercase-disabled"),
        pytest.param({"publicNetworkAccess": "Enabled"}, FAIL, id="fail-public"),
        pytest.param({"publicNetworkAccess": "enabled"}, FAIL, id="fail-lowercase-enabled"),
        pytest.param({"allowPublicAccessWhenBehindVnet": True}, FAIL, id="fail-legacy-flag"),
        pytest.param(
            {"publicNetworkAccess": ABSENT, "allowPublicAccessWhenBehindVnet": True},
            FAIL,
            id="fail-legacy-flag-pna-absent",
        ),
        pytest.param({"publicNetworkAccess": ABSENT}, UNKNOWN, id="unknown-pna-absent"),
        pytest.param({"publicNetworkAccess": None}, UNKNOWN, id="unknown-pna-null"),
    ],
)
def test_net_001(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-001", ws_bundle(properties))
    assert outcome is not None
    assert outcome.status is expected
    assert "mlw-prod" in outcome.message


@pytest.mark.rule("AML-NET-001")
def test_net_001_fail_names_values(check: CheckRule) -> None:
    props = {"publicNetworkAccess": "Enabled", "allowPublicAccessWhenBehindVnet": True}
    outcome = check("AML-NET-001", ws_bundle(props))
    assert outcome is not None
    assert outcome.status is FAIL
    assert "publicNetworkAccess is Enabled" in outcome.message
    assert "allowPublicAccessWhenBehindVnet is true" in outcome.message
    assert dict(outcome.evidence) == props


@pytest.mark.rule("AML-NET-001")
def test_net_001_unknown_names_missing_property(check: CheckRule) -> None:
    outcome = check("AML-NET-001", ws_bundle({"publicNetworkAccess": ABSENT}))
    assert outcome is not None
    assert "publicNetworkAccess is absent" in outcome.message


@pytest.mark.rule("AML-NET-002")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-approved"),
        pytest.param(
            {"privateEndpointConnections": [endpoint("Pending"), endpoint("approved")]},
            PASS,
            id="pass-one-of-several-approved-lowercase",
        ),
        pytest.param({"privateEndpointConnections": []}, FAIL, id="fail-no-connection"),
        pytest.param(
            {"privateEndpointConnections": [endpoint("Pending")]}, FAIL, id="fail-pending-only"
        ),
        pytest.param(
            {"privateEndpointConnections": [endpoint("Rejected"), endpoint("Disconnected")]},
            FAIL,
            id="fail-rejected-and-disconnected",
        ),
        pytest.param(
            {"privateEndpointConnections": [{"properties": {}}]}, FAIL, id="fail-status-missing"
        ),
        pytest.param({"privateEndpointConnections": ABSENT}, UNKNOWN, id="unknown-absent"),
        pytest.param({"privateEndpointConnections": None}, UNKNOWN, id="unknown-null"),
    ],
)
def test_net_002(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-002", ws_bundle(properties))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-002")
def test_net_002_fail_lists_statuses(check: CheckRule) -> None:
    props = {"privateEndpointConnections": [endpoint("Rejected"), endpoint("Pending")]}
    outcome = check("AML-NET-002", ws_bundle(props))
    assert outcome is not None
    assert outcome.evidence["privateEndpointConnections.status"] == ("Rejected", "Pending")
    assert "Rejected, Pending" in outcome.message


@pytest.mark.rule("AML-NET-003")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-approved-outbound-only"),
        pytest.param(
            {"managedNetwork": {"isolationMode": "allowonlyapprovedoutbound"}},
            PASS,
            id="pass-lowercase",
        ),
        pytest.param(
            {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}},
            FAIL,
            id="fail-internet-outbound",
        ),
        pytest.param({"managedNetwork": {"isolationMode": "Disabled"}}, FAIL, id="fail-disabled"),
        pytest.param({"managedNetwork": ABSENT}, FAIL, id="fail-no-managed-network"),
        pytest.param(
            {"managedNetwork": {"isolationMode": ABSENT}}, FAIL, id="fail-isolation-mode-absent"
        ),
    ],
)
def test_net_003(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-003", ws_bundle(properties))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-003")
def test_net_003_absent_counts_as_disabled(check: CheckRule) -> None:
    outcome = check("AML-NET-003", ws_bundle({"managedNetwork": ABSENT}))
    assert outcome is not None
    assert 'isolationMode is absent; Azure default "Disabled"' in outcome.message
    assert dict(outcome.evidence) == {
        "managedNetwork.isolationMode": 'absent; Azure default "Disabled"'
    }


WRONG_LEGACY = '"true" (a string, expected a boolean)'


@pytest.mark.rule("AML-NET-001")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param(
            {"allowPublicAccessWhenBehindVnet": "true"}, UNKNOWN, id="unknown-legacy-flag-string"
        ),
        pytest.param({"allowPublicAccessWhenBehindVnet": 1}, UNKNOWN, id="unknown-legacy-flag-1"),
        pytest.param(
            {"allowPublicAccessWhenBehindVnet": "false"}, UNKNOWN, id="unknown-legacy-flag-false"
        ),
        pytest.param({"publicNetworkAccess": 1}, UNKNOWN, id="unknown-pna-number"),
        pytest.param({"publicNetworkAccess": ["Disabled"]}, UNKNOWN, id="unknown-pna-list"),
        pytest.param(
            {"publicNetworkAccess": "Enabled", "allowPublicAccessWhenBehindVnet": "true"},
            FAIL,
            id="fail-pna-enabled-decides-over-wrong-legacy-flag",
        ),
        pytest.param(
            {"publicNetworkAccess": 0, "allowPublicAccessWhenBehindVnet": True},
            FAIL,
            id="fail-legacy-flag-decides-over-wrong-pna",
        ),
    ],
)
def test_net_001_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-001", ws_bundle(properties))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-001")
def test_net_001_wrong_legacy_flag_says_what_was_found(check: CheckRule) -> None:
    outcome = check("AML-NET-001", ws_bundle({"allowPublicAccessWhenBehindVnet": "true"}))
    assert outcome is not None
    assert f"allowPublicAccessWhenBehindVnet: {WRONG_LEGACY}" in outcome.message
    assert outcome.evidence["allowPublicAccessWhenBehindVnet"] == WRONG_LEGACY
    assert outcome.evidence["publicNetworkAccess"] == "Disabled"


@pytest.mark.rule("AML-NET-002")
@pytest.mark.parametrize(
    ("connections", "expected"),
    [
        pytest.param({"id": "x"}, UNKNOWN, id="unknown-object-not-list"),
        pytest.param("Approved", UNKNOWN, id="unknown-string-not-list"),
        pytest.param(["Approved"], UNKNOWN, id="unknown-entry-not-object"),
        pytest.param([{"properties": "Approved"}], UNKNOWN, id="unknown-entry-properties-string"),
        pytest.param(
            [{"properties": {"privateLinkServiceConnectionState": "Approved"}}],
            UNKNOWN,
            id="unknown-state-string",
        ),
        pytest.param([endpoint(["Approved"])], UNKNOWN, id="unknown-status-list"),
        pytest.param([endpoint(1)], UNKNOWN, id="unknown-status-number"),
        pytest.param(
            [endpoint("Approved"), endpoint(True)], UNKNOWN, id="unknown-approved-beside-malformed"
        ),
        pytest.param([None], FAIL, id="fail-null-entry-has-no-status"),
    ],
)
def test_net_002_wrong_types(check: CheckRule, connections: object, expected: Status) -> None:
    outcome = check("AML-NET-002", ws_bundle({"privateEndpointConnections": connections}))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-002")
def test_net_002_wrong_status_names_the_entry(check: CheckRule) -> None:
    props = {"privateEndpointConnections": [endpoint("Approved"), endpoint(1)]}
    outcome = check("AML-NET-002", ws_bundle(props))
    assert outcome is not None
    expected = "1 (a number, expected a string)"
    problem = "privateEndpointConnections[1].properties.privateLinkServiceConnectionState.status"
    assert f"{problem}: {expected}" in outcome.message
    assert outcome.evidence["privateEndpointConnections.status"] == ("Approved", expected)


@pytest.mark.rule("AML-NET-003")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"managedNetwork": "x"}, UNKNOWN, id="unknown-managed-network-string"),
        pytest.param({"managedNetwork": ["x"]}, UNKNOWN, id="unknown-managed-network-list"),
        pytest.param(
            {"managedNetwork": {"isolationMode": {}}}, UNKNOWN, id="unknown-isolation-mode-object"
        ),
        pytest.param(
            {"managedNetwork": {"isolationMode": 1}}, UNKNOWN, id="unknown-isolation-mode-number"
        ),
        pytest.param({"managedNetwork": None}, FAIL, id="fail-managed-network-null-is-absent"),
    ],
)
def test_net_003_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-NET-003", ws_bundle(properties))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-003")
def test_net_003_wrong_parent_names_it(check: CheckRule) -> None:
    outcome = check("AML-NET-003", ws_bundle({"managedNetwork": "x"}))
    assert outcome is not None
    assert 'managedNetwork: "x" (a string, expected an object)' in outcome.message
    assert "Disabled" not in outcome.message
