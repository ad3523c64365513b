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
from auditor.engine.helpers import Read, is_value, label, read_bool, read_text, wrong_types
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
    value = read_bool(resource, "adminUserEnabled")
    evidence: dict[str, JsonValue] = {"adminUserEnabled": value.shown}
    if value.value is True:
        return failed(f"Container registry {label(resource)} has the admin user enabled.", evidence)
    if value.value is False:
        return passed(
            f"Container registry {label(resource)} has the admin user disabled (adminUserEnabled"
            f" {value.describe()}).",
            evidence,
        )
    return unknown(
        f"Container registry {label(resource)}: adminUserEnabled is {value.describe()}.", evidence
    )


def _names(workspaces: Sequence[Workspace]) -> str:
    """'a', 'b' for messages."""
    return ", ".join(f"'{ws.name}'" for ws in workspaces)


def _auth_mode(workspace: Workspace) -> Read[str]:
    """How a workspace reads its system datastores (absent when its document has no properties)."""
    return read_text(workspace.resource, "systemDatastoresAuthMode")


def _mode_text(workspace: Workspace, mode: Read[str]) -> str:
    """The mode for messages; says so when Azure returned the workspace without properties."""
    if not workspace.resource.has_properties:
        return "unreadable (Azure returned no properties object for the workspace)"
    return mode.describe()


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
    shared_key = read_bool(resource, "allowSharedKeyAccess")
    modes = {ws.id: _auth_mode(ws) for ws in subject.workspaces}
    evidence: dict[str, JsonValue] = {
        "allowSharedKeyAccess": shared_key.shown,
        "systemDatastoresAuthMode": {ws_id: mode.shown for ws_id, mode in modes.items()},
    }
    name = f"Storage account {label(resource)}"
    if shared_key.value is False:
        return passed(f"{name} refuses shared-key access.", evidence)
    if shared_key.wrong_type:
        return unknown(f"{name}: allowSharedKeyAccess is {shared_key.describe()}.", evidence)

    # Past this point keys are allowed: true, or absent and read as Azure's default (true).
    allowed = f"{name} allows shared-key access (allowSharedKeyAccess {shared_key.describe()})"
    by_key = [ws for ws in subject.workspaces if is_value(modes[ws.id].value, "accessKey")]
    undecided = [
        ws for ws in subject.workspaces if not is_value(modes[ws.id].value, "accessKey", "identity")
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
        details = ", ".join(f"'{ws.name}' is {_mode_text(ws, modes[ws.id])}" for ws in undecided)
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
    reads = [read_bool(resource, k) for k in spellings if resource.has_prop(k)] or [
        read_bool(resource, spellings[0])
    ]
    evidence: dict[str, JsonValue] = {r.path: r.shown for r in reads}
    name = f"Application Insights {label(resource)}"
    problems = wrong_types(*reads)
    if problems:
        # The wrong-typed spelling may be the one Azure honours, true or false.
        return unknown(
            f"{name}: cannot tell whether local authentication is disabled (wrong type:"
            f" {'; '.join(problems)}).",
            evidence,
        )
    if any(r.value is True for r in reads):
        return passed(f"{name} accepts only Entra ID authentication.", evidence)
    observed = ", ".join(f"{r.path} is {r.describe()}" for r in reads)
    return failed(
        f"{name} allows local (instrumentation-key) authentication ({observed}).", evidence
    )


_TLS = re.compile(r"^TLS(\d+)_(\d+)$", re.IGNORECASE)


def _tls_version(value: str | None) -> tuple[int, int] | None:
    """``TLS1_2`` -> (1, 2); ``None`` for anything else."""
    match = _TLS.match(value or "")
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
    tls = read_text(resource, "minimumTlsVersion")
    https = read_bool(resource, "supportsHttpsTrafficOnly")
    evidence: dict[str, JsonValue] = {
        "minimumTlsVersion": tls.shown,
        "supportsHttpsTrafficOnly": https.shown,
    }
    name = f"Storage account {label(resource)}"
    version = _tls_version(tls.value)
    problems = []
    if version is not None and version < (1, 2):
        problems.append(f"minimumTlsVersion is {tls.describe()}")
    if https.value is False:
        problems.append("supportsHttpsTrafficOnly is false")
    if problems:
        return failed(f"{name} accepts insecure transport: {', '.join(problems)}.", evidence)
    if version is not None and https.value is True:
        return passed(f"{name} requires HTTPS and {tls.describe()} or later.", evidence)
    missing = []
    if version is None:
        missing.append(f"minimumTlsVersion is {tls.describe()}")
    if https.value is not True:
        missing.append(f"supportsHttpsTrafficOnly is {https.describe()}")
    return unknown(f"{name}: cannot judge transport security ({', '.join(missing)}).", evidence)
