"""Key-based and local authentication on the resources a workspace attaches."""

import re
from collections.abc import Sequence

from auditor.engine.api import (
    ApplicationInsightsSubject,
    Category,
    ContainerRegistrySubject,
    NoParams,
    Outcome,
    RuleContext,
    Severity,
    StorageAccountSubject,
    failed,
    passed,
    rule,
    unknown,
)
from auditor.engine.helpers import as_bool, as_text, describe, is_value, label
from auditor.inventory.model import Workspace
from auditor.json_types import JsonValue

STORAGE_DOCS = "https://learn.microsoft.com/azure/storage/common/"


@rule(
    id="AML-AUTH-001",
    title="Attached container registry has the admin user disabled",
    severity=Severity.HIGH,
    category=Category.AUTHENTICATION,
    subject=ContainerRegistrySubject,
    remediation=(
        "Set adminUserEnabled to false (portal: Access keys > Admin user off; CLI: az acr update"
        " --admin-enabled false); the workspace pulls images with its managed identity."
    ),
    references=(
        "https://learn.microsoft.com/azure/container-registry/container-registry-authentication",
    ),
)
def registry_admin_user_disabled(
    subject: ContainerRegistrySubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that the container registry's admin user (a shared username and password) is off.

    The admin credentials grant push and pull to anyone who holds them, cannot be scoped and
    leave no per-user audit trail; Entra identities should be used instead.
    """
    resource = subject.resource
    value = resource.prop("adminUserEnabled")
    evidence: dict[str, JsonValue] = {"adminUserEnabled": value}
    flag = as_bool(value)
    if flag is True:
        return failed(f"Container registry {label(resource)} has the admin user enabled.", evidence)
    if flag is False:
        return passed(
            f"Container registry {label(resource)} has the admin user disabled.", evidence
        )
    return unknown(
        f"Container registry {label(resource)}: adminUserEnabled is {describe(value)}.", evidence
    )


def _names(workspaces: Sequence[Workspace]) -> str:
    """'a', 'b' for messages."""
    return ", ".join(f"'{ws.name}'" for ws in workspaces)


@rule(
    id="AML-AUTH-002",
    title="Attached storage account refuses shared-key access",
    severity=Severity.MEDIUM,
    category=Category.AUTHENTICATION,
    subject=StorageAccountSubject,
    remediation=(
        "First set systemDatastoresAuthMode to identity on every workspace using the account"
        " (e.g. az resource update --ids <workspace-id> --set"
        " properties.systemDatastoresAuthMode=identity), then set the storage account's"
        " allowSharedKeyAccess to false (CLI: az storage account update"
        " --allow-shared-key-access false)."
    ),
    references=(
        STORAGE_DOCS + "shared-key-authorization-prevent",
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication",
    ),
)
def storage_shared_key_disabled(
    subject: StorageAccountSubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that the storage account refuses shared-key (account key and SAS) authorization.

    Account keys give full control of all data and never expire. When the workspace still reads
    its system datastores with keys, keys cannot be disabled yet: the finding is then low and
    says that systemDatastoresAuthMode must be switched to identity first.
    """
    resource = subject.resource
    shared_key = resource.prop("allowSharedKeyAccess")
    modes = {ws.id: ws.resource.prop("systemDatastoresAuthMode") for ws in subject.workspaces}
    evidence: dict[str, JsonValue] = {
        "allowSharedKeyAccess": shared_key,
        "systemDatastoresAuthMode": modes,
    }
    name = f"Storage account {label(resource)}"
    if shared_key is False:
        return passed(f"{name} refuses shared-key access.", evidence)
    if shared_key is not True and shared_key is not None:
        return unknown(f"{name}: allowSharedKeyAccess is {describe(shared_key)}.", evidence)

    # Absent counts as allowed: Azure treats a missing allowSharedKeyAccess as true.
    allowed = f"{name} allows shared-key access (allowSharedKeyAccess {describe(shared_key)})"
    by_key = [ws for ws in subject.workspaces if is_value(modes[ws.id], "accessKey")]
    undecided = [
        ws for ws in subject.workspaces if not is_value(modes[ws.id], "accessKey", "identity")
    ]
    if by_key:
        return failed(
            f"{allowed}, but workspace(s) {_names(by_key)} still use accessKey for their system"
            " datastores: disabling shared keys first needs systemDatastoresAuthMode=identity"
            " on them.",
            evidence,
            severity=Severity.LOW,
        )
    if undecided:
        details = ", ".join(f"'{ws.name}' is {describe(modes[ws.id])}" for ws in undecided)
        return unknown(
            f"{allowed}; cannot tell whether keys can be disabled: systemDatastoresAuthMode of"
            f" workspace {details}.",
            evidence,
        )
    if not subject.workspaces:
        return unknown(f"{allowed}; no workspace using it is known.", evidence)
    return failed(
        f"{allowed} although every workspace using it ({_names(subject.workspaces)})"
        " already uses identity for its system datastores.",
        evidence,
    )


@rule(
    id="AML-AUTH-003",
    title="Attached Application Insights accepts only Entra ID authentication",
    severity=Severity.MEDIUM,
    category=Category.AUTHENTICATION,
    subject=ApplicationInsightsSubject,
    remediation=(
        "Set DisableLocalAuth to true (portal: Properties > Local Authentication = Disabled) after"
        " granting the workspace identity the Monitoring Metrics Publisher role."
    ),
    references=("https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication",),
)
def app_insights_local_auth_disabled(
    subject: ApplicationInsightsSubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that Application Insights refuses instrumentation-key (local) authentication.

    The instrumentation key is embedded in client configuration and cannot be revoked per
    caller; with local auth on, anyone who has it can write telemetry.
    """
    resource = subject.resource
    # ARM returns DisableLocalAuth; some API versions and Resource Graph spell it camelCase.
    spellings = ("DisableLocalAuth", "disableLocalAuth")
    evidence: dict[str, JsonValue] = {
        k: resource.prop(k) for k in spellings if resource.has_prop(k)
    } or {"DisableLocalAuth": None}
    name = f"Application Insights {label(resource)}"
    if any(v is True for v in evidence.values()):
        return passed(f"{name} accepts only Entra ID authentication.", evidence)
    observed = ", ".join(f"{k} is {describe(v)}" for k, v in evidence.items())
    return failed(
        f"{name} allows local (instrumentation-key) authentication ({observed}).", evidence
    )


_TLS = re.compile(r"^TLS(\d+)_(\d+)$", re.IGNORECASE)


def _tls_version(value: JsonValue) -> tuple[int, int] | None:
    """``TLS1_2`` -> (1, 2); ``None`` for anything else."""
    match = _TLS.match(as_text(value) or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


@rule(
    id="AML-AUTH-005",
    title="Attached storage account requires HTTPS and TLS 1.2 or later",
    severity=Severity.MEDIUM,
    category=Category.AUTHENTICATION,
    subject=StorageAccountSubject,
    remediation=(
        "Set minimumTlsVersion to TLS1_2 and supportsHttpsTrafficOnly to true (CLI: az storage"
        " account update --min-tls-version TLS1_2 --https-only true)."
    ),
    references=(
        STORAGE_DOCS + "transport-layer-security-configure-minimum-version",
        STORAGE_DOCS + "storage-require-secure-transfer",
    ),
)
def storage_secure_transport(subject: StorageAccountSubject, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that the storage account refuses TLS below 1.2 and plain HTTP.

    TLS 1.0 and 1.1 have known weaknesses, and HTTP sends shared keys, SAS tokens and data in
    clear text.
    """
    resource = subject.resource
    tls = resource.prop("minimumTlsVersion")
    https = resource.prop("supportsHttpsTrafficOnly")
    evidence: dict[str, JsonValue] = {"minimumTlsVersion": tls, "supportsHttpsTrafficOnly": https}
    name = f"Storage account {label(resource)}"
    version = _tls_version(tls)
    problems = []
    if version is not None and version < (1, 2):
        problems.append(f"minimumTlsVersion is {describe(tls)}")
    if https is False:
        problems.append("supportsHttpsTrafficOnly is false")
    if problems:
        return failed(f"{name} accepts insecure transport: {', '.join(problems)}.", evidence)
    if version is not None and https is True:
        return passed(f"{name} requires HTTPS and {describe(tls)} or later.", evidence)
    missing = []
    if version is None:
        missing.append(f"minimumTlsVersion is {describe(tls)}")
    if https is not True:
        missing.append(f"supportsHttpsTrafficOnly is {describe(https)}")
    return unknown(f"{name}: cannot judge transport security ({', '.join(missing)}).", evidence)
