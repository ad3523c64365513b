"""Raw ARM reads through the SDK pipeline, at pinned api-versions.

The generated SDK models of several services are older than the properties the rules read (the ML
SDK speaks the 2020 API and drops ``publicNetworkAccess``), so documents are read verbatim with
``send_request``, which keeps the SDK's authentication, retries, TLS settings and the endpoint
guard. Bodies are parsed here, defensively: a malformed answer is a
:class:`~auditor.collect.errors.MalformedPayloadError` for that call only.
"""

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

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
from auditor.collect.payloads import parse_object
from auditor.ids import InvalidResourceIdError, parse_resource_id, resource_key

# Recent stable api-versions whose responses carry every property the rules read.
API_VERSIONS: Mapping[str, str] = {
    "microsoft.machinelearningservices/workspaces": "2025-06-01",
    "microsoft.machinelearningservices/workspaces/computes": "2025-06-01",
    "microsoft.storage/storageaccounts": "2025-01-01",
    "microsoft.keyvault/vaults": "2024-11-01",
    "microsoft.containerregistry/registries": "2025-04-01",
    "microsoft.insights/components": "2020-02-02",
}
SUBSCRIPTIONS_API_VERSION = "2022-12-01"

_ERROR_MAP = {401: ClientAuthenticationError, 404: ResourceNotFoundError}


def api_version_for(resource_type: str) -> str:
    """The pinned api-version for a resource type (case-insensitive).

    Raises:
        KeyError: the type has no pinned version.
    """
    return API_VERSIONS[resource_type.lower()]


def decode(response: HttpResponse, what: str) -> dict[str, Any]:
    """The JSON object of a 2xx answer.

    Raises:
        ResourceNotFoundError, ClientAuthenticationError, HttpResponseError: a non-2xx answer
            (redirects are not followed, so a 3xx is one too).
        MalformedPayloadError: the body is not a JSON object of bounded depth.
    """
    if not 200 <= response.status_code < 300:
        map_error(status_code=response.status_code, response=response, error_map=_ERROR_MAP)
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    return parse_object(response.text(), what)


def send(client: ResourceManagementClient, request: HttpRequest) -> HttpResponse:
    """``send_request``, with a body too deeply nested for the pipeline's JSON decoding made a
    malformed answer instead of a crash.

    Raises:
        AzureError: the request failed.
        MalformedPayloadError: the pipeline could not decode the body.
    """
    try:
        return client.send_request(request)
    except RecursionError as exc:
        raise MalformedPayloadError(
            f"{request.method} answered with JSON nested too deeply"
        ) from exc


def _relative(path: str, api_version: str) -> str:
    # Paths are built from ids that were parsed as ARM ids; a string that is not a plain path
    # would make send_request leave the configured endpoint or change the query.
    if not path.startswith("/") or "//" in path or any(c in path for c in "?#%\\"):
        raise MalformedPayloadError(f"not an ARM path: {path[:120]!r}")
    return f"{path}?{urlencode({'api-version': api_version})}"


def get_document(
    client: ResourceManagementClient, resource_id: str, api_version: str
) -> dict[str, Any]:
    """GET one ARM resource document, checked to be the document of ``resource_id``.

    Raises:
        ResourceNotFoundError: 404.
        HttpResponseError: any other failure, with ARM's error code.
        MalformedPayloadError: not an ARM id, a body that is not a JSON object, or the document
            of another resource (it must never overwrite that resource's data).
    """
    try:
        parse_resource_id(resource_id)
    except InvalidResourceIdError as exc:
        raise MalformedPayloadError(str(exc)) from exc
    url = _relative(resource_id, api_version)
    doc = decode(send(client, HttpRequest("GET", url)), f"GET {resource_id}")
    answered = doc.get("id")
    if not isinstance(answered, str) or resource_key(answered) != resource_key(resource_id):
        shown = answered[:200] if isinstance(answered, str) else type(answered).__name__
        raise MalformedPayloadError(
            f"GET {resource_id}: answered with the document of another resource ({shown})"
        )
    return doc


def _link_key(url: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """A nextLink without the api-version (the SDK replaces it) and with its query decoded."""
    parts = urlsplit(url)
    query = sorted(
        (k.lower(), v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() != "api-version"
    )
    return parts.netloc.lower(), parts.path.lower(), tuple(query)


def list_documents(
    client: ResourceManagementClient, path: str, api_version: str, *, max_pages: int
) -> Iterator[Mapping[str, Any]]:
    """GET an ARM list and follow its ``nextLink`` pages.

    A link to another host, a link seen before (a loop) or more than ``max_pages`` pages end the
    listing as malformed: the listing's data is then unknown, never silently cut.

    Raises:
        HttpResponseError, ResourceNotFoundError, MalformedPayloadError: as :func:`get_document`.
    """
    url: str | None = _relative(path, api_version)
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    for _ in range(max_pages):
        if url is None:
            return
        response = send(client, HttpRequest("GET", url))
        page = decode(response, f"GET {path}")
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
        if not next_link:
            return
        here, there = urlsplit(response.request.url), urlsplit(next_link)
        if there.scheme.lower() != "https" or there.netloc.lower() != here.netloc.lower():
            # The bearer token goes with every page: never follow a link to another host.
            raise MalformedPayloadError(f"GET {path}: nextLink points to another host")
        key = _link_key(next_link)
        if key in seen:
            raise MalformedPayloadError(f"GET {path}: nextLink repeats an earlier page (a loop)")
        seen.add(key)
        url = next_link
    raise MalformedPayloadError(f"GET {path}: more than {max_pages} pages")
