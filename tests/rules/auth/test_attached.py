"""AML-AUTH-001, -002, -003, -005: key-based and local authentication on attached resources."""

import pytest

from auditor.engine.api import (
    ApplicationInsightsSubject,
    ContainerRegistrySubject,
)
from auditor.findings import Severity, Status
from auditor.inventory.model import Workspace
from tests.builders import (
    ABSENT,
    Overrides,
    attached_subject,
    make_app_insights,
    make_container_registry,
    make_storage_account,
    make_workspace,
    storage_subject,
)
from tests.json_shapes import as_object
from tests.rules.conftest import CheckRule

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN


@pytest.mark.rule("AML-AUTH-001")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(False, PASS, id="pass-admin-disabled"),
        pytest.param(True, FAIL, id="fail-admin-enabled"),
        pytest.param(ABSENT, PASS, id="pass-absent-reads-azure-default-false"),
        pytest.param(None, PASS, id="pass-null-reads-azure-default-false"),
    ],
)
def test_auth_001(check: CheckRule, value: object, expected: Status) -> None:
    registry = make_container_registry(properties={"adminUserEnabled": value})
    outcome = check("AML-AUTH-001", attached_subject(ContainerRegistrySubject, registry))
    assert outcome is not None
    assert outcome.status is expected
    assert "crml01" in outcome.message


def ws(name: str, mode: object) -> Workspace:
    """A workspace whose system datastores use ``mode`` (ABSENT removes the property)."""
    return make_workspace(name, properties={"systemDatastoresAuthMode": mode})


@pytest.mark.rule("AML-AUTH-002")
@pytest.mark.parametrize(
    ("shared_key", "workspaces", "expected", "severity"),
    [
        pytest.param(False, [ws("a", "identity")], PASS, None, id="pass-keys-disabled"),
        pytest.param(
            False, [ws("a", "accessKey")], PASS, None, id="pass-keys-disabled-whatever-mode"
        ),
        pytest.param(True, [ws("a", "identity")], FAIL, None, id="fail-identity-workspace"),
        pytest.param(ABSENT, [ws("a", "identity")], FAIL, None, id="fail-absent-means-allowed"),
        pytest.param(None, [ws("a", "IDENTITY")], FAIL, None, id="fail-null-uppercase-identity"),
        pytest.param(
            True,
            [ws("a", "identity"), ws("b", "identity")],
            FAIL,
            None,
            id="fail-shared-all-identity",
        ),
        pytest.param(True, [ws("a", "accessKey")], FAIL, Severity.LOW, id="fail-access-key-low"),
        pytest.param(True, [ws("a", "accesskey")], FAIL, Severity.LOW, id="fail-lowercase-key"),
        pytest.param(
            True,
            [ws("a", "identity"), ws("b", "accessKey")],
            FAIL,
            Severity.LOW,
            id="fail-shared-mixed-modes-low",
        ),
        pytest.param(
            True,
            [ws("a", ABSENT), ws("b", "accessKey")],
            FAIL,
            Severity.LOW,
            id="fail-access-key-decides-over-absent",
        ),
        pytest.param(
            True, [ws("a", ABSENT)], FAIL, Severity.LOW, id="fail-mode-absent-reads-access-key"
        ),
        pytest.param(
            ABSENT, [ws("a", ABSENT)], FAIL, Severity.LOW, id="fail-both-absent-read-defaults"
        ),
        pytest.param(
            True,
            [ws("a", "identity"), ws("b", ABSENT)],
            FAIL,
            Severity.LOW,
            id="fail-shared-identity-and-absent-access-key",
        ),
        pytest.param("yes", [ws("a", "identity")], UNKNOWN, None, id="unknown-not-a-boolean"),
    ],
)
def test_auth_002(
    check: CheckRule,
    shared_key: object,
    workspaces: list[Workspace],
    expected: Status,
    severity: Severity | None,
) -> None:
    account = make_storage_account(properties={"allowSharedKeyAccess": shared_key})
    outcome = check("AML-AUTH-002", storage_subject(account, workspaces))
    assert outcome is not None
    assert outcome.status is expected
    assert outcome.severity is severity


@pytest.mark.rule("AML-AUTH-002")
def test_auth_002_mixed_modes_names_key_workspaces(check: CheckRule) -> None:
    users = [ws("mlw-a", "identity"), ws("mlw-b", "accessKey")]
    account = make_storage_account(properties={"allowSharedKeyAccess": True})
    outcome = check("AML-AUTH-002", storage_subject(account, users))
    assert outcome is not None
    assert "systemDatastoresAuthMode=identity" in outcome.message
    assert "'mlw-b'" in outcome.message
    assert "'mlw-a'" not in outcome.message
    assert dict(as_object(outcome.evidence["systemDatastoresAuthMode"])) == {
        users[0].id: "identity",
        users[1].id: "accessKey",
    }


@pytest.mark.rule("AML-AUTH-002")
def test_auth_002_absent_mode_is_read_as_access_key_and_says_so(check: CheckRule) -> None:
    users = [ws("mlw-a", "identity"), ws("mlw-b", ABSENT)]
    account = make_storage_account(properties={"allowSharedKeyAccess": ABSENT})
    outcome = check("AML-AUTH-002", storage_subject(account, users))
    assert outcome is not None
    assert "'mlw-b'" in outcome.message
    assert "'mlw-a'" not in outcome.message
    assert "allowSharedKeyAccess absent; Azure default true" in outcome.message
    assert outcome.evidence["allowSharedKeyAccess"] == "absent; Azure default true"
    assert dict(as_object(outcome.evidence["systemDatastoresAuthMode"])) == {
        users[0].id: "identity",
        users[1].id: 'absent; Azure default "accessKey"',
    }


@pytest.mark.rule("AML-AUTH-003")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-disable-local-auth"),
        pytest.param(
            {"DisableLocalAuth": ABSENT, "disableLocalAuth": True}, PASS, id="pass-camel-case"
        ),
        pytest.param({"DisableLocalAuth": False}, FAIL, id="fail-local-auth-on"),
        pytest.param({"DisableLocalAuth": ABSENT}, FAIL, id="fail-absent"),
        pytest.param({"DisableLocalAuth": None}, FAIL, id="fail-null"),
        pytest.param(
            {"DisableLocalAuth": ABSENT, "disableLocalAuth": False}, FAIL, id="fail-camel-false"
        ),
    ],
)
def test_auth_003(check: CheckRule, properties: Overrides, expected: Status) -> None:
    component = make_app_insights(properties=properties)
    outcome = check("AML-AUTH-003", attached_subject(ApplicationInsightsSubject, component))
    assert outcome is not None
    assert outcome.status is expected
    assert "appi-ml-01" in outcome.message


@pytest.mark.rule("AML-AUTH-003")
def test_auth_003_evidence_uses_the_spelling_read(check: CheckRule) -> None:
    component = make_app_insights(
        properties={"DisableLocalAuth": ABSENT, "disableLocalAuth": False}
    )
    outcome = check("AML-AUTH-003", attached_subject(ApplicationInsightsSubject, component))
    assert outcome is not None
    assert dict(outcome.evidence) == {"disableLocalAuth": False}


@pytest.mark.rule("AML-AUTH-005")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({}, PASS, id="pass-tls12-https"),
        pytest.param({"minimumTlsVersion": "TLS1_3"}, PASS, id="pass-tls13"),
        pytest.param({"minimumTlsVersion": "tls1_2"}, PASS, id="pass-lowercase"),
        pytest.param({"minimumTlsVersion": "TLS1_0"}, FAIL, id="fail-tls10"),
        pytest.param({"minimumTlsVersion": "TLS1_1"}, FAIL, id="fail-tls11"),
        pytest.param({"supportsHttpsTrafficOnly": False}, FAIL, id="fail-http-allowed"),
        pytest.param(
            {"supportsHttpsTrafficOnly": False, "minimumTlsVersion": ABSENT},
            FAIL,
            id="fail-http-allowed-tls-absent",
        ),
        pytest.param(
            {"minimumTlsVersion": "TLS1_0", "supportsHttpsTrafficOnly": ABSENT},
            FAIL,
            id="fail-tls10-https-absent",
        ),
        pytest.param({"minimumTlsVersion": ABSENT}, FAIL, id="fail-tls-absent-reads-tls10"),
        pytest.param({"supportsHttpsTrafficOnly": ABSENT}, PASS, id="pass-https-absent-reads-true"),
    ],
)
def test_auth_005(check: CheckRule, properties: Overrides, expected: Status) -> None:
    account = make_storage_account(properties=properties)
    outcome = check("AML-AUTH-005", storage_subject(account))
    assert outcome is not None
    assert outcome.status is expected
    assert "stml01" in outcome.message


@pytest.mark.rule("AML-AUTH-005")
def test_auth_005_absent_fields_read_as_azure_defaults(check: CheckRule) -> None:
    account = make_storage_account(
        properties={"minimumTlsVersion": ABSENT, "supportsHttpsTrafficOnly": ABSENT}
    )
    outcome = check("AML-AUTH-005", storage_subject(account))
    assert outcome is not None
    assert outcome.status is FAIL
    assert 'minimumTlsVersion is absent; Azure default "TLS1_0"' in outcome.message
    assert dict(outcome.evidence) == {
        "minimumTlsVersion": 'absent; Azure default "TLS1_0"',
        "supportsHttpsTrafficOnly": "absent; Azure default true",
    }


@pytest.mark.rule("AML-AUTH-001")
@pytest.mark.parametrize("value", ["false", "true", 0, 1, ["false"], {}])
def test_auth_001_wrong_type_is_unknown(check: CheckRule, value: object) -> None:
    registry = make_container_registry(properties={"adminUserEnabled": value})
    outcome = check("AML-AUTH-001", attached_subject(ContainerRegistrySubject, registry))
    assert outcome is not None
    assert outcome.status is UNKNOWN
    assert "adminUserEnabled is " in outcome.message
    assert "expected a boolean" in outcome.message


@pytest.mark.rule("AML-AUTH-002")
@pytest.mark.parametrize(
    ("shared_key", "workspaces", "expected", "severity"),
    [
        pytest.param("false", [ws("a", "identity")], UNKNOWN, None, id="unknown-string-false"),
        pytest.param(0, [ws("a", "identity")], UNKNOWN, None, id="unknown-number-0"),
        pytest.param(True, [ws("a", 1)], UNKNOWN, None, id="unknown-mode-number"),
        pytest.param(True, [ws("a", ["identity"])], UNKNOWN, None, id="unknown-mode-list"),
        pytest.param(
            True,
            [ws("a", "identity"), make_workspace("b", has_properties=False)],
            UNKNOWN,
            None,
            id="unknown-workspace-without-properties",
        ),
        pytest.param(
            True,
            [ws("a", {"mode": "identity"}), ws("b", "accessKey")],
            FAIL,
            Severity.LOW,
            id="fail-access-key-decides-over-wrong-mode",
        ),
        pytest.param(
            False,
            [make_workspace("b", has_properties=False)],
            PASS,
            None,
            id="pass-keys-disabled-whatever-the-workspaces-hold",
        ),
    ],
)
def test_auth_002_wrong_types(
    check: CheckRule,
    shared_key: object,
    workspaces: list[Workspace],
    expected: Status,
    severity: Severity | None,
) -> None:
    account = make_storage_account(properties={"allowSharedKeyAccess": shared_key})
    outcome = check("AML-AUTH-002", storage_subject(account, workspaces))
    assert outcome is not None
    assert outcome.status is expected
    assert outcome.severity is severity


@pytest.mark.rule("AML-AUTH-002")
def test_auth_002_names_workspace_without_properties(check: CheckRule) -> None:
    users = [ws("mlw-a", "identity"), make_workspace("mlw-b", has_properties=False)]
    account = make_storage_account(properties={"allowSharedKeyAccess": True})
    outcome = check("AML-AUTH-002", storage_subject(account, users))
    assert outcome is not None
    assert "'mlw-b' is unreadable (Azure returned no properties object" in outcome.message
    assert "'mlw-a'" not in outcome.message


@pytest.mark.rule("AML-AUTH-003")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"DisableLocalAuth": "true"}, UNKNOWN, id="unknown-string-true"),
        pytest.param({"DisableLocalAuth": 1}, UNKNOWN, id="unknown-number-1"),
        pytest.param({"DisableLocalAuth": "false"}, UNKNOWN, id="unknown-string-false"),
        pytest.param(
            {"DisableLocalAuth": ABSENT, "disableLocalAuth": ["true"]},
            UNKNOWN,
            id="unknown-camel-case-list",
        ),
        pytest.param(
            {"DisableLocalAuth": True, "disableLocalAuth": "false"},
            UNKNOWN,
            id="unknown-true-beside-wrong-spelling",
        ),
        pytest.param(
            {"DisableLocalAuth": False, "disableLocalAuth": "true"},
            UNKNOWN,
            id="unknown-false-beside-wrong-spelling",
        ),
    ],
)
def test_auth_003_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    component = make_app_insights(properties=properties)
    outcome = check("AML-AUTH-003", attached_subject(ApplicationInsightsSubject, component))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-AUTH-003")
def test_auth_003_wrong_type_says_what_was_found(check: CheckRule) -> None:
    component = make_app_insights(properties={"DisableLocalAuth": "true"})
    outcome = check("AML-AUTH-003", attached_subject(ApplicationInsightsSubject, component))
    assert outcome is not None
    found = '"true" (a string, expected a boolean)'
    assert f"DisableLocalAuth: {found}" in outcome.message
    assert dict(outcome.evidence) == {"DisableLocalAuth": found}


@pytest.mark.rule("AML-AUTH-005")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"minimumTlsVersion": 1.2}, UNKNOWN, id="unknown-tls-number"),
        pytest.param({"minimumTlsVersion": ["TLS1_2"]}, UNKNOWN, id="unknown-tls-list"),
        pytest.param({"supportsHttpsTrafficOnly": "true"}, UNKNOWN, id="unknown-https-string"),
        pytest.param({"supportsHttpsTrafficOnly": 1}, UNKNOWN, id="unknown-https-number"),
        pytest.param(
            {"minimumTlsVersion": "TLS1_0", "supportsHttpsTrafficOnly": "true"},
            FAIL,
            id="fail-tls10-decides-over-wrong-https",
        ),
        pytest.param(
            {"minimumTlsVersion": {}, "supportsHttpsTrafficOnly": False},
            FAIL,
            id="fail-http-decides-over-wrong-tls",
        ),
    ],
)
def test_auth_005_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-AUTH-005", storage_subject(make_storage_account(properties=properties)))
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-AUTH-005")
def test_auth_005_wrong_https_is_not_reported_as_false(check: CheckRule) -> None:
    account = make_storage_account(properties={"supportsHttpsTrafficOnly": "false"})
    outcome = check("AML-AUTH-005", storage_subject(account))
    assert outcome is not None
    assert 'supportsHttpsTrafficOnly is "false" (a string, expected a boolean)' in outcome.message
