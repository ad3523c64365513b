"""The one place that builds credentials and Azure SDK clients.

Every client gets the cloud's endpoint, the configured CA (custom clouds), retry limits, timeouts
and the request-counting hooks, so no collector builds a client of its own.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from azure.core.credentials import AccessToken, TokenCredential
from azure.identity import (
    AzureCliCredential,
    DefaultAzureCredential,
    ManagedIdentityCredential,
)
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient

from auditor import __version__
from auditor.azure_sdk.clouds import CloudEndpoints, resolve_cloud
from auditor.azure_sdk.policies import BoundedRetryPolicy, Deadline, EndpointGuardPolicy, Origin
from auditor.azure_sdk.stats import ARM, RESOURCE_GRAPH, RequestStats
from auditor.config import CollectionSettings, CredentialSettings, CredentialType, Settings

# Any subscription id satisfies the client constructor; calls pass full resource paths.
_PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


class StaticTokenCredential:
    """A fixed bearer token: only for the simulator, which issues throwaway tokens."""

    def __init__(self, token: str) -> None:
        """Keep the token; it is never logged or written out."""
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        """The same token for every scope, valid for an hour from now."""
        return AccessToken(self._token, int(time.time()) + 3600)

    def __repr__(self) -> str:
        """Never show the token."""
        return "StaticTokenCredential(<hidden>)"


def build_credential(settings: CredentialSettings, cloud: CloudEndpoints) -> TokenCredential:
    """The configured credential; ``DefaultAzureCredential`` unless told otherwise."""
    authority = cloud.authority.removeprefix("https://")
    if settings.type is CredentialType.STATIC_TOKEN:
        assert settings.token is not None  # checked when the configuration was validated
        return StaticTokenCredential(settings.token)
    if settings.type is CredentialType.MANAGED_IDENTITY:
        return ManagedIdentityCredential(client_id=settings.client_id)
    if settings.type is CredentialType.AZURE_CLI:
        return AzureCliCredential()
    return DefaultAzureCredential(
        authority=authority, managed_identity_client_id=settings.client_id
    )


def allowed_origins(cloud: CloudEndpoints) -> frozenset[Origin]:
    """The endpoints SDK clients may call: ARM, Log Analytics and Microsoft Graph of the cloud."""
    return frozenset(
        Origin.of(url)
        for url in (cloud.resource_manager, cloud.log_analytics, cloud.microsoft_graph)
    )


@dataclass(frozen=True, slots=True)
class ClientFactory:
    """Builds SDK clients sharing one credential, cloud, deadline and set of counters."""

    credential: TokenCredential
    cloud: CloudEndpoints
    collection: CollectionSettings
    stats: RequestStats
    ca_file: str | None = None
    deadline: Deadline = field(default_factory=lambda: Deadline(3600.0))

    @classmethod
    def from_settings(cls, settings: Settings, stats: RequestStats) -> "ClientFactory":
        """Everything from the configuration; the collection deadline starts now."""
        cloud = resolve_cloud(settings.cloud)
        ca_file = str(settings.cloud.ca_file) if settings.cloud.ca_file else None
        return cls(
            credential=build_credential(settings.credential, cloud),
            cloud=cloud,
            collection=settings.collection,
            stats=stats,
            ca_file=ca_file,
            deadline=Deadline(settings.collection.deadline_seconds),
        )

    def _common(self, api: str) -> dict[str, Any]:
        collection = self.collection
        kwargs: dict[str, Any] = {
            "retry_policy": BoundedRetryPolicy(
                max_wait=collection.max_retry_wait_seconds,
                deadline=self.deadline,
                retry_total=collection.retry_total,
                retry_backoff_factor=collection.retry_backoff_seconds,
            ),
            # Every attempt, after retries and redirects and before the token is attached.
            "per_retry_policies": [
                EndpointGuardPolicy(
                    allowed_origins(self.cloud),
                    self.deadline,
                    request_timeout=collection.timeout_seconds,
                )
            ],
            # Azure's read APIs do not redirect; a 3xx is an answer to judge, not a link to follow.
            "permit_redirects": False,
            "connection_timeout": collection.timeout_seconds,
            "read_timeout": collection.timeout_seconds,
            "user_agent": f"azureml-auditor/{__version__}",
            **self.stats.hooks(api),
        }
        if self.ca_file:
            kwargs["connection_verify"] = self.ca_file
        return kwargs

    def _arm_kwargs(self, api: str) -> dict[str, Any]:
        return {
            "base_url": self.cloud.resource_manager,
            "credential_scopes": [self.cloud.arm_scope],
            **self._common(api),
        }

    def resource_graph(self) -> ResourceGraphClient:
        """Resource Graph (inventory queries, sent as raw request bodies)."""
        return ResourceGraphClient(self.credential, **self._arm_kwargs(RESOURCE_GRAPH))

    def resource_manager(self) -> ResourceManagementClient:
        """Generic ARM reads (``send_request`` with pinned api-versions)."""
        return ResourceManagementClient(
            self.credential, _PLACEHOLDER_SUBSCRIPTION, **self._arm_kwargs(ARM)
        )
