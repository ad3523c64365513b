"""Raw ARM reads through the SDK pipeline, at pinned api-versions.

The generated SDK models of several services are older than the properties the rules read (the ML
SDK speaks the 2020 API and drops ``publicNetworkAccess``), so documents are read verbatim with
``send_request``, which keeps the SDK's authentication, retries and TLS settings.
"""

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    map_error,
)
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.resource.resources import ResourceManagementClient

from auditor.collect.errors import MalformedPayloadError

# Recent stable api-versions whose responses carry every property the rules read.
API_VERSIONS: Mapping[str, str] = {
    "microsoft.machinelearningservices/workspaces": "2025-06-01",
    "microsoft.machinelearningservices/workspaces/computes": "2025-06-01",
    "microsoft.storage/storageaccounts": "2025-01-01",
    "microsoft.keyvault/vaults": "2024-11-01",
    "microsoft.containerregistry/registries": "2025-04-01",
    "microsoft.insights/components": "2020-02-02",
}

_ERROR_MAP = {401: ClientAuthenticationError, 404: ResourceNotFoundError}
_MAX_PAGES = 10_000


def api_version_for(resource_type: str) -> str:
    """The pinned api-version for a resource type (case-insensitive).

    Raises:
        KeyError: the type has no pinned version.
    """
    return API_VERSIONS[resource_type.lower()]


def _decode(response: HttpResponse, url: str) -> Mapping[str, Any]:
    if response.status_code >= 400:
        map_error(status_code=response.status_code, response=response, error_map=_ERROR_MAP)
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    try:
        body = json.loads(response.text())
    except ValueError as exc:
        raise MalformedPayloadError(f"GET {url}: the response body is not JSON") from exc
    if not isinstance(body, dict):
        raise MalformedPayloadError(f"GET {url}: expected a JSON object, got {type(body).__name__}")
    return body


def _relative(path: str, api_version: str) -> str:
    return f"{path}?{urlencode({'api-version': api_version})}"


def get_document(
    client: ResourceManagementClient, path: str, api_version: str
) -> Mapping[str, Any]:
    """GET one ARM document.

    Raises:
        ResourceNotFoundError: 404.
        HttpResponseError: any other failure, with ARM's error code.
        MalformedPayloadError: the body is not a JSON object.
    """
    url = _relative(path, api_version)
    return _decode(client.send_request(HttpRequest("GET", url)), path)


def list_documents(
    client: ResourceManagementClient, path: str, api_version: str
) -> Iterator[Mapping[str, Any]]:
    """GET an ARM list and follow its ``nextLink`` pages.

    Raises:
        HttpResponseError, ResourceNotFoundError, MalformedPayloadError: as :func:`get_document`.
    """
    url: str | None = _relative(path, api_version)
    for _ in range(_MAX_PAGES):
        if url is None:
            return
        response = client.send_request(HttpRequest("GET", url))
        page = _decode(response, path)
        values = page.get("value")
        if not isinstance(values, list):
            raise MalformedPayloadError(f"GET {path}: the list has no 'value' array")
        for item in values:
            if not isinstance(item, dict):
                raise MalformedPayloadError(f"GET {path}: a list item is not a JSON object")
            yield item
        next_link = page.get("nextLink")
        if next_link is not None and not isinstance(next_link, str):
            raise MalformedPayloadError(f"GET {path}: nextLink is not a string")
        if next_link and urlsplit(next_link).netloc != urlsplit(response.request.url).netloc:
            # The bearer token goes with every page: never follow a link to another host.
            raise MalformedPayloadError(f"GET {path}: nextLink points to another host")
        url = next_link or None
    raise MalformedPayloadError(f"GET {path}: more than {_MAX_PAGES} pages; nextLink loops")
