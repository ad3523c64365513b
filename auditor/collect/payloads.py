"""Reading response bodies that may be hostile or broken: JSON of bounded depth, or a clear error.

Anyone with write access to one resource group shapes the documents Azure returns, and networks
truncate bodies. Every body the collectors read goes through here, so a bad one is a
:class:`MalformedPayloadError` scoped to the call it answered, never a crash of the run.
"""

import json
from collections.abc import Mapping
from typing import Any

from auditor.collect.errors import MalformedPayloadError
from auditor.json_types import json_type

# Real ARM documents nest about 10 levels; far deeper means a crafted body. Everything after
# parsing (redaction, freezing, serialising) recurses, so depth is bounded here, once.
MAX_DEPTH = 64


def _too_deep(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json(text: str, what: str) -> Any:
    """The JSON value of ``text``.

    Raises:
        MalformedPayloadError: empty, not JSON, or nested deeper than :data:`MAX_DEPTH`.
    """
    if not text.strip():
        raise MalformedPayloadError(f"{what}: the response body is empty")
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise MalformedPayloadError(f"{what}: the JSON is nested too deeply") from exc
    except ValueError as exc:
        raise MalformedPayloadError(f"{what}: the response body is not JSON") from exc
    if _too_deep(value, MAX_DEPTH):
        raise MalformedPayloadError(f"{what}: the JSON is nested more than {MAX_DEPTH} levels")
    return value


def parse_object(text: str, what: str) -> dict[str, Any]:
    """The JSON object of ``text``.

    Raises:
        MalformedPayloadError: as :func:`parse_json`, or the value is not an object.
    """
    value = parse_json(text, what)
    if not isinstance(value, dict):
        raise MalformedPayloadError(f"{what}: expected a JSON object, got {json_type(value)}")
    return value


def optional_str(doc: Mapping[str, Any], key: str, what: str) -> str | None:
    """A string member that may be absent or null.

    Raises:
        MalformedPayloadError: present with another JSON type.
    """
    value = doc.get(key)
    if value is None or isinstance(value, str):
        return value
    raise MalformedPayloadError(f"{what}: '{key}' is {json_type(value)}, not a string")
