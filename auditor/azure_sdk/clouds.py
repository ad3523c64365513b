"""Endpoints of each Azure cloud, and of a custom one such as the simulator."""

from dataclasses import dataclass

from auditor.config import CloudName, CloudSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudEndpoints:
    """Where each service lives, and the token audience for ARM."""

    name: str
    resource_manager: str
    authority: str
    log_analytics: str
    microsoft_graph: str
    arm_scope: str


_KNOWN = {
    CloudName.AZURE_CLOUD: CloudEndpoints(
        name="AzureCloud",
        resource_manager="https://management.azure.com",
        authority="https://login.microsoftonline.com",
        log_analytics="https://api.loganalytics.io",
        microsoft_graph="https://graph.microsoft.com",
        arm_scope="https://management.azure.com/.default",
    ),
    CloudName.AZURE_CHINA_CLOUD: CloudEndpoints(
        name="AzureChinaCloud",
        resource_manager="https://management.chinacloudapi.cn",
        authority="https://login.chinacloudapi.cn",
        log_analytics="https://api.loganalytics.azure.cn",
        microsoft_graph="https://microsoftgraph.chinacloudapi.cn",
        arm_scope="https://management.chinacloudapi.cn/.default",
    ),
    CloudName.AZURE_US_GOVERNMENT: CloudEndpoints(
        name="AzureUSGovernment",
        resource_manager="https://management.usgovcloudapi.net",
        authority="https://login.microsoftonline.us",
        log_analytics="https://api.loganalytics.us",
        microsoft_graph="https://graph.microsoft.us",
        arm_scope="https://management.usgovcloudapi.net/.default",
    ),
}


def resolve_cloud(settings: CloudSettings) -> CloudEndpoints:
    """The endpoints for the configured cloud; explicit endpoints override the cloud's own."""
    if settings.name is CloudName.CUSTOM:
        arm = (settings.resource_manager or "").rstrip("/")
        return CloudEndpoints(
            name="custom",
            resource_manager=arm,
            authority=(settings.authority or arm).rstrip("/"),
            log_analytics=(settings.log_analytics or arm).rstrip("/"),
            microsoft_graph=(settings.microsoft_graph or arm).rstrip("/"),
            # A custom ARM endpoint still expects an ARM token, as Azure Stack and the simulator do.
            arm_scope="https://management.azure.com/.default",
        )
    known = _KNOWN[settings.name]
    return CloudEndpoints(
        name=known.name,
        resource_manager=(settings.resource_manager or known.resource_manager).rstrip("/"),
        authority=(settings.authority or known.authority).rstrip("/"),
        log_analytics=(settings.log_analytics or known.log_analytics).rstrip("/"),
        microsoft_graph=(settings.microsoft_graph or known.microsoft_graph).rstrip("/"),
        arm_scope=known.arm_scope,
    )
