"""Opaque skip tokens and ARM next links."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from urllib.parse import quote

from auditor.simulator.routing import RequestContext


def fingerprint(*parts: str) -> str:
    """A short digest tying a token to the listing it came from."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def encode_token(offset: int, listing: str) -> str:
    """An opaque token for resuming ``listing`` at ``offset``.

    Standard base64 on purpose: real tokens contain ``+``, ``/`` and ``=``, which clients must
    escape and the service must unescape.
    """
    raw = json.dumps({"o": offset, "l": listing}, separators=(",", ":")).encode()
    return base64.b64encode(b"\x01" + raw).decode()


def decode_token(token: str, listing: str) -> int | None:
    """The offset a token stands for, or None when it is malformed or from another listing."""
    # A '+' that reached us unescaped was turned into a space by form decoding.
    text = token.replace(" ", "+")
    try:
        raw = base64.b64decode(text, validate=True)
        data = json.loads(raw[1:].decode()) if raw[:1] == b"\x01" else None
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict) or data.get("l") != listing:
        return None
    offset = data.get("o")
    return offset if isinstance(offset, int) and offset >= 0 else None


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
