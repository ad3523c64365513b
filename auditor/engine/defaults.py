"""The values Azure documents for properties its GET responses leave out.

Real ARM documents omit many properties that hold their default (a storage account created
without ``minimumTlsVersion`` returns none, and Azure accepts TLS 1.0 on it). A rule that read
every omission as "cannot tell" would leave a real tenant ``unknown`` every night, and one that
guessed would pass what Azure leaves open. So a property absent from a document is read as the
default listed here, and only here: each entry names where Azure documents it (the REST API
specification or the resource provider's docs) or, where the rules catalogue states what absence
means, the catalogue. A property without an entry stays absent. ``docs/azure-defaults.md`` lists
the same entries with their notes, and a test keeps the two equal.

A default applies to the API version the collector requests for the type (``api_version``): Azure
has changed documented defaults between versions (``allowBlobPublicAccess`` went from true to
false), so a new collector version means checking these entries again.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.json_types import JsonValue, freeze

__all__ = ["DEFAULTS", "AzureDefault", "documented_default"]

_SPECS = "https://github.com/Azure/azure-rest-api-specs/blob/"
_ML_SPEC = (
    _SPECS + "2e86febc8023481539aefb8a0fa97984fc9f3bb3/specification/machinelearningservices/"
    "resource-manager/Microsoft.MachineLearningServices/stable/2025-06-01/"
    "machineLearningServices.json"
)
_STORAGE_SPEC = (
    _SPECS + "0d20628117d4e2a91da26642adab18acd34c0ee6/specification/storage/resource-manager/"
    "Microsoft.Storage/stable/2025-01-01/storage.json"
)
_VAULT_SPEC = (
    _SPECS + "7eaa7f26cae7bb4865d7cfdc55677c8450719d10/specification/keyvault/resource-manager/"
    "Microsoft.KeyVault/stable/2024-11-01/keyvault.json"
)
_REGISTRY_SPEC = (
    _SPECS + "07ac7423044256c83a865fe164c6c3d71ef2273b/specification/containerregistry/"
    "resource-manager/Microsoft.ContainerRegistry/stable/2025-04-01/containerregistry.json"
)
_INSIGHTS_SPEC = (
    _SPECS + "1d62310f76fe82c5bb093503d688ba3205c42753/specification/applicationinsights/"
    "resource-manager/Microsoft.Insights/stable/2020-02-02/components_API.json"
)
_ML_DOCS = "https://learn.microsoft.com/azure/machine-learning/"

WORKSPACE = "microsoft.machinelearningservices/workspaces"
COMPUTE = "microsoft.machinelearningservices/workspaces/computes"
STORAGE = "microsoft.storage/storageaccounts"
VAULT = "microsoft.keyvault/vaults"
REGISTRY = "microsoft.containerregistry/registries"
INSIGHTS = "microsoft.insights/components"


@dataclass(frozen=True, slots=True)
class AzureDefault:
    """What an absent property means, and who says so.

    ``path`` is under ``properties``. ``value`` is what a rule reads instead of the missing value;
    an object value also stands for everything below it (a vault without ``networkAcls`` reads
    ``networkAcls.defaultAction`` from it). ``None`` records a documented absence that has no
    value to stand in (the rule decides what "not set" means, as the catalogue says).
    """

    resource_type: str  # lowercase ARM type
    path: tuple[str, ...]
    value: JsonValue
    api_version: str
    source: str  # a URL, or "catalogue: <rule id>"

    @property
    def dotted(self) -> str:
        """``networkAcls.defaultAction``."""
        return ".".join(self.path)


def _entry(
    resource_type: str, path: str, value: object, api_version: str, source: str
) -> AzureDefault:
    return AzureDefault(resource_type, tuple(path.split(".")), freeze(value), api_version, source)


DEFAULTS: tuple[AzureDefault, ...] = (
    # ML workspace
    _entry(
        WORKSPACE,
        "systemDatastoresAuthMode",
        "accessKey",
        "2025-06-01",
        _ML_DOCS + "how-to-disable-local-auth-storage",
    ),
    _entry(
        WORKSPACE,
        "managedNetwork.isolationMode",
        "Disabled",
        "2025-06-01",
        "catalogue: AML-NET-003",
    ),
    # Compute: each property belongs to one compute type; the rules read it only for that type.
    _entry(
        COMPUTE, "properties.remoteLoginPortPublicAccess", "NotSpecified", "2025-06-01", _ML_SPEC
    ),
    _entry(COMPUTE, "properties.sshSettings.sshPublicAccess", "Disabled", "2025-06-01", _ML_SPEC),
    _entry(
        COMPUTE, "properties.idleTimeBeforeShutdown", None, "2025-06-01", "catalogue: AML-COST-004"
    ),
    # Storage account
    _entry(STORAGE, "minimumTlsVersion", "TLS1_0", "2025-01-01", _STORAGE_SPEC),
    _entry(STORAGE, "supportsHttpsTrafficOnly", True, "2025-01-01", _STORAGE_SPEC),
    _entry(STORAGE, "allowSharedKeyAccess", True, "2025-01-01", _STORAGE_SPEC),
    _entry(STORAGE, "networkAcls.defaultAction", "Allow", "2025-01-01", _STORAGE_SPEC),
    # Key vault
    _entry(VAULT, "publicNetworkAccess", "enabled", "2024-11-01", _VAULT_SPEC),
    _entry(
        VAULT, "networkAcls", {"defaultAction": "Allow"}, "2024-11-01", "catalogue: AML-NET-012"
    ),
    # Container registry
    _entry(REGISTRY, "adminUserEnabled", False, "2025-04-01", _REGISTRY_SPEC),
    _entry(REGISTRY, "publicNetworkAccess", "Enabled", "2025-04-01", _REGISTRY_SPEC),
    _entry(REGISTRY, "networkRuleSet.defaultAction", "Allow", "2025-04-01", _REGISTRY_SPEC),
    # Application Insights
    _entry(INSIGHTS, "publicNetworkAccessForIngestion", "Enabled", "2020-02-02", _INSIGHTS_SPEC),
    _entry(INSIGHTS, "publicNetworkAccessForQuery", "Enabled", "2020-02-02", _INSIGHTS_SPEC),
)

_BY_KEY: Mapping[tuple[str, tuple[str, ...]], AzureDefault] = {
    (d.resource_type, d.path): d for d in DEFAULTS
}


def documented_default(
    resource_type: str, path: tuple[str, ...], absent_from: int = 0
) -> tuple[AzureDefault, JsonValue] | None:
    """The entry, and the value it gives ``path``, when ``properties.<path>`` is absent.

    ``absent_from`` is the index of the first missing key: an object default of a parent applies
    only when that parent itself is missing (a vault whose ``networkAcls`` is present but has no
    ``defaultAction`` is not a vault without ``networkAcls``). Entries whose value is ``None``
    give nothing to read and are not returned.
    """
    kind = resource_type.lower()
    exact = _BY_KEY.get((kind, path))
    if exact is not None:
        return None if exact.value is None else (exact, exact.value)
    for end in range(absent_from + 1, len(path)):
        parent = _BY_KEY.get((kind, path[:end]))
        if parent is None:
            continue
        value: JsonValue = parent.value
        for key in path[end:]:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None:
            return parent, value
    return None
