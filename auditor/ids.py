"""ARM resource ids: parsing and the case-insensitive key used for every join."""

import re
import unicodedata
from dataclasses import dataclass

# Characters no ARM name may contain (Application Insights, the most permissive type here, forbids
# exactly these); each would change what a URL built from the id means (a query, a fragment, an
# escape) or what a reader sees (controls, bidi overrides).
_FORBIDDEN_CHARACTERS = frozenset("?#%&\\")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_FORBIDDEN_ASCII = re.compile(r"[\x00-\x1f\x7f?#%&\\]")


class InvalidResourceIdError(ValueError):
    """A string that is not an ARM resource id."""


@dataclass(frozen=True, slots=True)
class ResourceId:
    """The parts of an ARM resource id, in the casing the id was written in."""

    subscription_id: str
    resource_group_name: str
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def type(self) -> str:
        """The full resource type, e.g. ``Microsoft.Storage/storageAccounts``."""
        return "/".join((self.namespace, *self.types))

    @property
    def name(self) -> str:
        """The last name segment."""
        return self.names[-1]


def resource_key(resource_id: str) -> str:
    """Return the join key of an id: lowercase, without a trailing slash.

    ARM ids are case-insensitive and every API spells them differently (Cost Management lowercases,
    workspaces store ``Microsoft.Keyvault``), so every comparison goes through this key.
    """
    return resource_id.strip().rstrip("/").lower()


def _segment_ok(segment: str) -> bool:
    if not segment or segment in (".", "..") or segment != segment.strip():
        return False
    if segment.isascii():
        # The common case, kept fast: ids are parsed for every document of every listing.
        return _FORBIDDEN_ASCII.search(segment) is None
    return not any(
        ch in _FORBIDDEN_CHARACTERS or unicodedata.category(ch) in _FORBIDDEN_CATEGORIES
        for ch in segment
    )


def parse_resource_id(resource_id: str) -> ResourceId:
    """Parse ``/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/...]``.

    The id must start with ``/`` (an absolute URL is not an id: the auditor builds request URLs
    from ids, so a planted ``https://elsewhere/...`` would send its token elsewhere), and no
    segment may hold characters that change what a URL means.

    Raises:
        InvalidResourceIdError: the id does not have that shape.
    """
    if not resource_id.startswith("/") or len(resource_id) > 2048:
        raise InvalidResourceIdError(f"not an ARM resource id: {_shorten(resource_id)!r}")
    parts = resource_id.rstrip("/").split("/")[1:]
    if (
        len(parts) < 8
        or parts[0].lower() != "subscriptions"
        or parts[2].lower() != "resourcegroups"
        or parts[4].lower() != "providers"
        or len(parts[6:]) % 2
        or not all(_segment_ok(p) for p in parts)
    ):
        raise InvalidResourceIdError(f"not an ARM resource id: {_shorten(resource_id)!r}")
    rest = parts[6:]
    return ResourceId(
        subscription_id=parts[1],
        resource_group_name=parts[3],
        namespace=parts[5],
        types=tuple(rest[0::2]),
        names=tuple(rest[1::2]),
    )


def _shorten(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


def is_under(resource_id: str, parent_id: str) -> bool:
    """True when ``resource_id`` is ``parent_id`` itself or lies below it (case-insensitive)."""
    child, parent = resource_key(resource_id), resource_key(parent_id)
    return child == parent or child.startswith(parent + "/")
