"""The Resource Graph (KQL) queries the auditor sends.

The simulator supports exactly the KQL these use; a changed query it cannot honour fails loudly.
"""

RESOURCE_COLUMNS = (
    "id, name, type, kind, location, resourceGroup, subscriptionId, tags, sku, identity, properties"
)

ML_WORKSPACE_TYPE = "microsoft.machinelearningservices/workspaces"

ATTACHED_TYPES = (
    "microsoft.storage/storageaccounts",
    "microsoft.keyvault/vaults",
    "microsoft.containerregistry/registries",
    "microsoft.insights/components",
)

LIST_WORKSPACES = f"""resources
| where type =~ '{ML_WORKSPACE_TYPE}'
| project {RESOURCE_COLUMNS}
| order by id asc"""

# One query for every attached resource any workspace names: the workspace side expands its four
# references into rows so that the join happens inside Resource Graph, not per workspace.
_ATTACHED_TYPE_LIST = ", ".join(f"'{t}'" for t in ATTACHED_TYPES)
LIST_ATTACHED_RESOURCES = f"""resources
| where type in~ ({_ATTACHED_TYPE_LIST})
| extend attachedKey = tolower(id)
| join kind=inner (
    resources
    | where type =~ '{ML_WORKSPACE_TYPE}'
    | mv-expand attachedKey = pack_array(
        tolower(tostring(properties.storageAccount)),
        tolower(tostring(properties.keyVault)),
        tolower(tostring(properties.containerRegistry)),
        tolower(tostring(properties.applicationInsights)))
    | extend attachedKey = tostring(attachedKey)
    | distinct attachedKey
  ) on attachedKey
| project {RESOURCE_COLUMNS}
| order by id asc"""
