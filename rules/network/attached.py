"""Network exposure of the resources a workspace attaches: storage, vault, registry, insights."""

from auditor.engine.api import (
    ApplicationInsightsSubject,
    Category,
    ContainerRegistrySubject,
    Exposure,
    KeyVaultSubject,
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
from auditor.engine.helpers import (
    Reachability,
    container_registry_reachability,
    is_value,
    key_vault_reachability,
    label,
    read_bool,
    read_text,
    storage_reachability,
)
from auditor.inventory.model import Resource
from auditor.json_types import JsonValue

ACR_DOCS = "https://learn.microsoft.com/azure/container-registry/"


def _judge(kind: str, resource: Resource, exposure: Reachability) -> Outcome:
    """Turn a reachability verdict into the outcome of a per-resource NET rule."""
    name = f"{kind} {label(resource)}"
    if exposure.state == "reachable":
        return failed(
            f"{name} is reachable from any network: {exposure.reason}.", exposure.evidence
        )
    if exposure.state == "restricted":
        return passed(
            f"{name} is not reachable from any network: {exposure.reason}.", exposure.evidence
        )
    return unknown(
        f"{name}: cannot tell whether it is public ({exposure.reason}).", exposure.evidence
    )


@rule(
    id="AML-NET-010",
    title="Attached storage account is not reachable from any network",
    severity=Severity.HIGH,
    category=Category.NETWORK,
    subject=StorageAccountSubject,
    exposure=Exposure.RESOURCE,
    remediation=(
        "Set publicNetworkAccess to Disabled and use private endpoints, or set"
        " networkAcls.defaultAction to Deny with explicit virtual network and IP rules (portal:"
        " Networking > Firewalls and virtual networks; CLI: az storage account update"
        " --public-network-access Disabled or --default-action Deny)."
    ),
    references=("https://learn.microsoft.com/azure/storage/common/storage-network-security",),
)
def storage_network_restricted(
    subject: StorageAccountSubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that the workspace's storage account does not accept traffic from every network.

    The default storage account holds training data, models and job outputs; if its public
    endpoint accepts all networks, a leaked key or SAS token works from anywhere.
    """
    return _judge("Storage account", subject.resource, storage_reachability(subject.resource))


@rule(
    id="AML-NET-011",
    title="Attached storage account forbids anonymous blob access",
    severity=Severity.HIGH,
    category=Category.NETWORK,
    subject=StorageAccountSubject,
    remediation=(
        "Set allowBlobPublicAccess to false (portal: Configuration > Allow Blob anonymous access"
        " = Disabled; CLI: az storage account update --allow-blob-public-access false)."
    ),
    references=("https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",),
)
def storage_anonymous_access_disabled(
    subject: StorageAccountSubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that the storage account does not allow anonymous (public) blob access.

    When allowBlobPublicAccess is true, any container set to public can be read without
    credentials, which exposes datasets and model artefacts to the internet.
    """
    resource = subject.resource
    value = read_bool(resource, "allowBlobPublicAccess")
    evidence: dict[str, JsonValue] = {"allowBlobPublicAccess": value.shown}
    if value.value is True:
        return failed(
            f"Storage account {label(resource)} allows anonymous blob access"
            " (allowBlobPublicAccess is true).",
            evidence,
        )
    if value.value is False:
        return passed(f"Storage account {label(resource)} forbids anonymous blob access.", evidence)
    return unknown(
        f"Storage account {label(resource)}: allowBlobPublicAccess is {value.describe()}.",
        evidence,
    )


@rule(
    id="AML-NET-012",
    title="Attached key vault is not reachable from any network",
    severity=Severity.HIGH,
    category=Category.NETWORK,
    subject=KeyVaultSubject,
    exposure=Exposure.RESOURCE,
    remediation=(
        "Set publicNetworkAccess to Disabled and use a private endpoint, or set"
        " networkAcls.defaultAction to Deny with explicit rules (portal: Networking > Firewalls"
        " and virtual networks; CLI: az keyvault update --public-network-access Disabled or"
        " --default-action Deny)."
    ),
    references=("https://learn.microsoft.com/azure/key-vault/general/network-security",),
)
def key_vault_network_restricted(subject: KeyVaultSubject, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that the workspace's key vault does not accept traffic from every network.

    The vault holds the workspace's connection secrets; a vault open to all networks (including
    one with no networkAcls at all, which Azure treats as allow-all) is one credential away from
    disclosure.
    """
    return _judge("Key vault", subject.resource, key_vault_reachability(subject.resource))


@rule(
    id="AML-NET-013",
    title="Attached container registry is not reachable from any network",
    severity=Severity.MEDIUM,
    category=Category.NETWORK,
    subject=ContainerRegistrySubject,
    exposure=Exposure.RESOURCE,
    remediation=(
        "Set publicNetworkAccess to Disabled and use a private endpoint (Premium SKU), or on a"
        " Premium registry set networkRuleSet.defaultAction to Deny with IP rules (CLI: az acr"
        " update --public-network-enabled false or --default-action Deny). Basic and Standard"
        " registries must be upgraded to Premium first."
    ),
    references=(
        ACR_DOCS + "container-registry-access-selected-networks",
        ACR_DOCS + "container-registry-private-link",
    ),
)
def container_registry_network_restricted(
    subject: ContainerRegistrySubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that the workspace's container registry does not accept traffic from every network.

    The registry stores the environment images jobs and endpoints run; a public registry lets
    anyone with a token pull or push them. Only Premium registries can have a firewall.
    """
    resource = subject.resource
    return _judge("Container registry", resource, container_registry_reachability(resource))


@rule(
    id="AML-NET-014",
    title="Attached Application Insights refuses public ingestion and query",
    severity=Severity.LOW,
    category=Category.NETWORK,
    subject=ApplicationInsightsSubject,
    exposure=Exposure.RESOURCE,
    remediation=(
        "Set publicNetworkAccessForIngestion and publicNetworkAccessForQuery to Disabled and"
        " connect through an Azure Monitor Private Link Scope (portal: Network Isolation)."
    ),
    references=("https://learn.microsoft.com/azure/azure-monitor/logs/private-link-security",),
)
def app_insights_public_access_disabled(
    subject: ApplicationInsightsSubject, ctx: RuleContext[NoParams]
) -> Outcome:
    """Checks that Application Insights refuses ingestion and queries from public networks.

    Public ingestion lets anyone holding the instrumentation key inject telemetry; public query
    lets a stolen token read traces that may contain request payloads.
    """
    resource = subject.resource
    ingestion = read_text(resource, "publicNetworkAccessForIngestion")
    query = read_text(resource, "publicNetworkAccessForQuery")
    evidence: dict[str, JsonValue] = {
        "publicNetworkAccessForIngestion": ingestion.shown,
        "publicNetworkAccessForQuery": query.shown,
    }
    observed = (
        f"publicNetworkAccessForIngestion is {ingestion.describe()},"
        f" publicNetworkAccessForQuery is {query.describe()}"
    )
    name = f"Application Insights {label(resource)}"
    # One side Enabled is public whatever the other side holds, even a value of the wrong type.
    if is_value(ingestion.value, "Enabled") or is_value(query.value, "Enabled"):
        return failed(f"{name} accepts public traffic: {observed}.", evidence)
    if is_value(ingestion.value, "Disabled") and is_value(query.value, "Disabled"):
        return passed(f"{name} refuses public ingestion and query.", evidence)
    return unknown(f"{name}: cannot tell whether it is public ({observed}).", evidence)
