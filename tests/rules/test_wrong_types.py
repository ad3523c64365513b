"""Every property every built-in rule reads: a value of the wrong JSON type is unknown, never pass.

Each case starts from a compliant default (which passes) and puts one value of another JSON type
at one property path, as a hostile or broken document would. The rule must answer ``unknown`` and
say what it found and what it expected.
"""

from collections.abc import Callable, Iterator, Mapping

import pytest

from auditor.engine.api import (
    ApplicationInsightsSubject,
    Bundle,
    ComputeSubject,
    ContainerRegistrySubject,
    KeyVaultSubject,
    StorageAccountSubject,
    Subject,
)
from auditor.findings import Status
from auditor.inventory.model import Resource
from tests.builders import (
    attached_subject,
    bundle,
    compute_subject,
    make_app_insights,
    make_compute,
    make_container_registry,
    make_inventory,
    make_key_vault,
    make_storage_account,
    make_workspace,
    storage_subject,
)
from tests.rules.conftest import CheckRule

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN

# Values of every other JSON type than the one Azure documents. An empty object is left out of
# the object cases: the builders deep-merge it into the default, which leaves a valid object.
WRONG: Mapping[str, tuple[object, ...]] = {
    "bool": ("true", "false", 1, 0, ["true"], {}),
    "text": (1, True, ["Deny"], {}),
    "object": ("x", 1, False, ["Deny"]),
    "list": ({}, "x", 1, True),
}

SubjectBuilder = Callable[[Mapping[str, object]], Subject]


def nested(path: str, value: object) -> dict[str, object]:
    """``{"a": {"b": value}}`` for ``a.b``."""
    result: object = value
    for key in reversed(path.split(".")):
        result = {key: result}
    assert isinstance(result, dict)
    return result


def on_workspace(props: Mapping[str, object]) -> Bundle:
    return bundle(make_inventory(workspaces=(make_workspace(properties=props),)))


def on_storage(props: Mapping[str, object]) -> StorageAccountSubject:
    return storage_subject(make_storage_account(properties=props))


def on_shared_storage_mode(props: Mapping[str, object]) -> StorageAccountSubject:
    # The workspace's mode matters only while keys are allowed.
    account = make_storage_account(properties={"allowSharedKeyAccess": True})
    users = (
        make_workspace(properties={"systemDatastoresAuthMode": "identity"}),
        make_workspace("mlw-b", properties=props),
    )
    return storage_subject(account, users)


def on_vault(props: Mapping[str, object]) -> KeyVaultSubject:
    return attached_subject(KeyVaultSubject, make_key_vault(properties=props))


def on_registry(props: Mapping[str, object]) -> ContainerRegistrySubject:
    return attached_subject(ContainerRegistrySubject, make_container_registry(properties=props))


def on_registry_envelope(fields: Mapping[str, object]) -> ContainerRegistrySubject:
    # sku sits beside properties in the ARM document, not inside it.
    registry = make_container_registry()
    if "sku" in fields:
        sku = fields["sku"]
        assert isinstance(sku, Mapping)
        registry = make_container_registry(sku=sku)
    return attached_subject(ContainerRegistrySubject, registry)


def on_insights(props: Mapping[str, object]) -> ApplicationInsightsSubject:
    return attached_subject(ApplicationInsightsSubject, make_app_insights(properties=props))


def on_instance(props: Mapping[str, object]) -> ComputeSubject:
    return compute_subject(make_compute("cc-x", properties=props))


def on_cluster(props: Mapping[str, object]) -> ComputeSubject:
    return compute_subject(make_compute("cc-x", compute_type="AmlCompute", properties=props))


def on_vault_in_bundle(props: Mapping[str, object]) -> Bundle:
    vault = make_key_vault(properties=props)
    resources: tuple[Resource, ...] = (
        make_storage_account(),
        vault,
        make_container_registry(),
        make_app_insights(),
    )
    return bundle(make_inventory(resources=resources))


# (rule, subject builder, property path, JSON type Azure documents for it)
READS: tuple[tuple[str, SubjectBuilder, str, str], ...] = (
    ("AML-NET-001", on_workspace, "publicNetworkAccess", "text"),
    ("AML-NET-001", on_workspace, "allowPublicAccessWhenBehindVnet", "bool"),
    ("AML-NET-002", on_workspace, "privateEndpointConnections", "list"),
    ("AML-NET-003", on_workspace, "managedNetwork", "object"),
    ("AML-NET-003", on_workspace, "managedNetwork.isolationMode", "text"),
    ("AML-NET-010", on_storage, "publicNetworkAccess", "text"),
    ("AML-NET-010", on_storage, "networkAcls", "object"),
    ("AML-NET-010", on_storage, "networkAcls.defaultAction", "text"),
    ("AML-NET-011", on_storage, "allowBlobPublicAccess", "bool"),
    ("AML-NET-012", on_vault, "publicNetworkAccess", "text"),
    ("AML-NET-012", on_vault, "networkAcls", "object"),
    ("AML-NET-012", on_vault, "networkAcls.defaultAction", "text"),
    ("AML-NET-013", on_registry, "publicNetworkAccess", "text"),
    ("AML-NET-013", on_registry, "networkRuleSet", "object"),
    ("AML-NET-013", on_registry, "networkRuleSet.defaultAction", "text"),
    ("AML-NET-013", on_registry_envelope, "sku.name", "text"),
    ("AML-NET-014", on_insights, "publicNetworkAccessForIngestion", "text"),
    ("AML-NET-014", on_insights, "publicNetworkAccessForQuery", "text"),
    ("AML-NET-020", on_workspace, "publicNetworkAccess", "text"),
    ("AML-NET-020", on_workspace, "allowPublicAccessWhenBehindVnet", "bool"),
    ("AML-NET-020", on_vault_in_bundle, "publicNetworkAccess", "text"),
    ("AML-NET-020", on_vault_in_bundle, "networkAcls", "object"),
    ("AML-NET-020", on_vault_in_bundle, "networkAcls.defaultAction", "text"),
    ("AML-NET-030", on_instance, "computeType", "text"),
    ("AML-NET-030", on_instance, "properties", "object"),
    ("AML-NET-030", on_instance, "properties.subnet", "object"),
    ("AML-NET-030", on_instance, "properties.subnet.id", "text"),
    ("AML-NET-030", on_instance, "properties.sshSettings", "object"),
    ("AML-NET-030", on_instance, "properties.sshSettings.sshPublicAccess", "text"),
    ("AML-NET-030", on_instance, "properties.remoteLoginPortPublicAccess", "text"),
    ("AML-NET-030", on_cluster, "properties.remoteLoginPortPublicAccess", "text"),
    ("AML-NET-030", on_cluster, "properties.subnet", "object"),
    ("AML-NET-030", on_cluster, "properties.subnet.id", "text"),
    ("AML-AUTH-001", on_registry, "adminUserEnabled", "bool"),
    ("AML-AUTH-002", on_storage, "allowSharedKeyAccess", "bool"),
    ("AML-AUTH-002", on_shared_storage_mode, "systemDatastoresAuthMode", "text"),
    ("AML-AUTH-003", on_insights, "DisableLocalAuth", "bool"),
    ("AML-AUTH-004", on_instance, "disableLocalAuth", "bool"),
    ("AML-AUTH-004", on_instance, "computeType", "text"),
    ("AML-AUTH-005", on_storage, "minimumTlsVersion", "text"),
    ("AML-AUTH-005", on_storage, "supportsHttpsTrafficOnly", "bool"),
)


def cases() -> Iterator[object]:
    for rule_id, subject, path, kind in READS:
        for value in WRONG[kind]:
            label = f"{rule_id}-{subject.__name__[3:]}-{path}={value!r}"
            yield pytest.param(rule_id, subject, path, value, id=label)


@pytest.mark.parametrize(("rule_id", "subject", "path", "value"), list(cases()))
def test_wrong_type_is_unknown(
    check: CheckRule, rule_id: str, subject: SubjectBuilder, path: str, value: object
) -> None:
    outcome = check(rule_id, subject(nested(path, value)))
    assert outcome is not None, "a wrong-typed value must not take the subject out of reach"
    assert outcome.status is UNKNOWN, outcome.message
    assert "expected a" in outcome.message


# Each (rule, subject builder) pair of READS once, in rule order.
BUILDERS: list[tuple[str, SubjectBuilder]] = sorted(
    {(rule_id, subject) for rule_id, subject, _, _ in READS}, key=lambda c: c[0]
)


@pytest.mark.parametrize(
    ("rule_id", "subject"),
    BUILDERS,
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_defaults_are_decided(check: CheckRule, rule_id: str, subject: SubjectBuilder) -> None:
    # Without this, a builder that is unknown anyway would make every case above trivial. The
    # shared-storage builder fails by design: keys allowed, every workspace on identity.
    outcome = check(rule_id, subject({}))
    assert outcome is not None
    assert outcome.status in {PASS, FAIL}
