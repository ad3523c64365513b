"""Answers the simulator sends: the Reply value and Azure's error envelopes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass
class Reply:
    """One HTTP answer before the common Azure headers are added.

    Attributes:
        status: HTTP status code.
        body: Exact body bytes.
        headers: Route-specific headers; they override the common ones.
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def dump_json(value: object) -> bytes:
    """Serialise like Azure does: compact, UTF-8, key order kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_reply(status: int, value: object, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer."""
    return Reply(status, dump_json(value), dict(headers or {}))


def arm_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    """ARM's error envelope ``{"error": {"code", "message"}}``."""
    return json_reply(status, {"error": {"code": code, "message": message}}, headers)


def not_found(qualified_name: str, resource_group: str | None) -> Reply:
    """404 ``ResourceNotFound`` as ARM words it."""
    where = f"under resource group '{resource_group}'" if resource_group else "in the subscription"
    return arm_error(
        404,
        "ResourceNotFound",
        f"The Resource '{qualified_name}' {where} was not found. For more details please go to "
        "https://aka.ms/ARMResourceNotFoundFix",
    )


def resource_group_not_found(resource_group: str) -> Reply:
    """404 ``ResourceGroupNotFound``."""
    return arm_error(
        404, "ResourceGroupNotFound", f"Resource group '{resource_group}' could not be found."
    )


def subscription_not_found(subscription_id: str) -> Reply:
    """404 ``SubscriptionNotFound``."""
    return arm_error(
        404, "SubscriptionNotFound", f"The subscription '{subscription_id}' could not be found."
    )


def authorization_failed(object_id: str, action: str, scope: str) -> Reply:
    """403 ``AuthorizationFailed`` for a read the auditing identity is not allowed."""
    return arm_error(
        403,
        "AuthorizationFailed",
        f"The client '{object_id}' with object id '{object_id}' does not have authorization to "
        f"perform action '{action}' over scope '{scope}' or the scope is invalid. If access was "
        "recently granted, please refresh your credentials.",
    )


def missing_api_version() -> Reply:
    """400 ``MissingApiVersionParameter``."""
    return arm_error(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
    )
