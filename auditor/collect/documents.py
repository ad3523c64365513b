"""From ARM documents and Resource Graph rows to frozen inventory resources.

Secrets are removed here, before anything is frozen, so no key, token or connection string can
reach the inventory, the reports or the logs: properties, sku and identity by name and by value
(``auditor.redaction``), tags by key and by value, and the name, kind and location by value.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from auditor.collect.errors import MalformedPayloadError
from auditor.ids import InvalidResourceIdError, parse_resource_id
from auditor.inventory.model import Resource
from auditor.json_types import JsonObject, freeze_object
from auditor.redaction import redact_json, redact_tags, scrub_text


def _optional_object(doc: Mapping[str, Any], key: str) -> JsonObject | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise MalformedPayloadError(f"{doc.get('id')}: '{key}' is not a JSON object")
    return freeze_object(redact_json(value))


def _optional_str(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return scrub_text(value) if isinstance(value, str) and value else None


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
        tags=MappingProxyType(redact_tags({str(k): str(v) for k, v in (tags or {}).items()})),
        sku=_optional_object(doc, "sku"),
        identity=_optional_object(doc, "identity"),
        properties=freeze_object(redact_json(properties or {})),
        has_properties=properties is not None,
    )
