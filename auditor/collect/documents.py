"""From ARM documents and Resource Graph rows to frozen inventory resources.

Secret-bearing properties are removed here, before anything is frozen, so no key or connection
string can reach the inventory, the reports or the logs.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from auditor.collect.errors import MalformedPayloadError
from auditor.ids import InvalidResourceIdError, parse_resource_id
from auditor.inventory.model import Resource
from auditor.json_types import JsonObject, freeze_object

REDACTED = "[redacted]"

# Lowercased property names whose values are credentials (App Insights returns both of the first
# two in plain GET answers; the others guard against payloads pasted from other APIs).
_SECRET_NAMES = frozenset(
    {
        "instrumentationkey",
        "connectionstring",
        "primarykey",
        "secondarykey",
        "primaryconnectionstring",
        "secondaryconnectionstring",
        "primarymasterkey",
        "secondarymasterkey",
        "password",
        "sastoken",
        "accountkey",
        "sharedaccesskey",
        "secretvalue",
    }
)


def redact(value: Any) -> Any:
    """A copy of a JSON value with every secret-bearing property replaced by ``[redacted]``."""
    if isinstance(value, Mapping):
        return {
            key: (REDACTED if str(key).lower() in _SECRET_NAMES else redact(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _optional_object(doc: Mapping[str, Any], key: str) -> JsonObject | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise MalformedPayloadError(f"{doc.get('id')}: '{key}' is not a JSON object")
    return freeze_object(redact(value))


def _optional_str(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return value if isinstance(value, str) and value else None


def resource_from_document(doc: Mapping[str, Any]) -> Resource:
    """A frozen resource from an ARM document or a Resource Graph row.

    Raises:
        MalformedPayloadError: no usable id, or fields of the wrong JSON type.
    """
    resource_id = doc.get("id")
    if not isinstance(resource_id, str):
        raise MalformedPayloadError("a resource document has no string 'id'")
    try:
        parsed = parse_resource_id(resource_id)
    except InvalidResourceIdError as exc:
        raise MalformedPayloadError(str(exc)) from exc
    tags = doc.get("tags")
    if tags is not None and not isinstance(tags, Mapping):
        raise MalformedPayloadError(f"{resource_id}: 'tags' is not a JSON object")
    properties = doc.get("properties")
    if properties is not None and not isinstance(properties, Mapping):
        raise MalformedPayloadError(f"{resource_id}: 'properties' is not a JSON object")
    # Resource Graph lowercases types; spell them as the id does so both sources agree.
    doc_type = _optional_str(doc, "type")
    same_type = doc_type is None or doc_type.lower() == parsed.type.lower()
    return Resource(
        id=resource_id,
        name=_optional_str(doc, "name") or parsed.name,
        type=parsed.type if same_type else str(doc_type),
        subscription_id=parsed.subscription_id,
        resource_group_name=parsed.resource_group_name,
        location=_optional_str(doc, "location"),
        kind=_optional_str(doc, "kind"),
        tags=MappingProxyType({str(k): str(v) for k, v in (tags or {}).items()}),
        sku=_optional_object(doc, "sku"),
        identity=_optional_object(doc, "identity"),
        properties=freeze_object(redact(properties or {})),
        has_properties=properties is not None,
    )
