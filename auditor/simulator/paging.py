"""Opaque skip tokens, ARM next links, and ARM list pages."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

from auditor.simulator.responses import Reply, arm_error, json_reply
from auditor.simulator.routing import RequestContext

T = TypeVar("T")


@dataclass(frozen=True)
class Position:
    """Where a skip token resumes a listing.

    Attributes:
        offset: Index of the first item of the next page.
        result: Id of a kept query result to serve it from, if the token names one.
    """

    offset: int
    result: str | None = None


def fingerprint(*parts: str) -> str:
    """A short digest tying a token to the listing it came from."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def encode_token(offset: int, listing: str, result: str | None = None) -> str:
    """An opaque token for resuming ``listing`` at ``offset`` (from a kept ``result``, if given).

    Standard base64 on purpose: real tokens contain ``+``, ``/`` and ``=``, which clients must
    escape and the service must unescape.
    """
    data: dict[str, object] = {"o": offset, "l": listing}
    if result is not None:
        data["r"] = result
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.b64encode(b"\x01" + raw).decode()


def decode_position(token: str, listing: str) -> Position | None:
    """Where a token resumes, or None when it is malformed or from another listing."""
    # A '+' that reached us unescaped was turned into a space by form decoding.
    text = token.replace(" ", "+")
    try:
        raw = base64.b64decode(text, validate=True)
        data = json.loads(raw[1:].decode()) if raw[:1] == b"\x01" else None
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict) or data.get("l") != listing:
        return None
    offset, result = data.get("o"), data.get("r")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        return None
    if result is not None and not isinstance(result, str):
        return None
    return Position(offset, result)


def decode_token(token: str, listing: str) -> int | None:
    """The offset a token stands for, or None when it is malformed or from another listing."""
    position = decode_position(token, listing)
    return None if position is None else position.offset


def skip_token_param(ctx: RequestContext) -> str | None:
    """The ARM skip token of a request: ``$skiptoken`` or ``$skipToken``, escaped or not."""
    return ctx.param("$skiptoken")


def _lower_escapes(text: str) -> str:
    # ARM emits lowercase percent-escapes inside tokens (``%2f``); clients re-escape in uppercase.
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def next_link(ctx: RequestContext, token: str) -> str:
    """An absolute next link on the host the client used, keeping its api-version."""
    version = quote(ctx.api_version or "", safe="")
    escaped = _lower_escapes(quote(token, safe=""))
    return f"https://{ctx.host}{ctx.raw_path}?api-version={version}&$skiptoken={escaped}"


def arm_page(
    ctx: RequestContext, items: Sequence[T], page_size: int
) -> tuple[list[T], str | None] | Reply:
    """Cut one page out of ``items``; the second value is the next link, if any."""
    listing = fingerprint(ctx.path.lower())
    offset = 0
    token = skip_token_param(ctx)
    if token is not None:
        decoded = decode_token(token, listing)
        if decoded is None:
            return arm_error(400, "InvalidSkipToken", "The provided skip token is not valid.")
        offset = decoded
    end = offset + page_size
    link = next_link(ctx, encode_token(end, listing)) if end < len(items) else None
    return list(items[offset:end]), link


def arm_listing(
    ctx: RequestContext,
    items: Sequence[T],
    page_size: int,
    render: Callable[[T], object],
    extra: dict[str, object] | None = None,
) -> Reply:
    """One page of an ARM list: ``{"value": [...], ...extra, "nextLink"?}``."""
    page = arm_page(ctx, items, page_size)
    if isinstance(page, Reply):
        return page
    values, link = page
    body: dict[str, object] = {"value": [render(v) for v in values]}
    body.update(extra or {})
    if link is not None:
        body["nextLink"] = link
    return json_reply(200, body)
