"""ARM ids: parsing, building, display names and the case-insensitive key used for every join.

The one place ids are taken apart: collectors, rules, reports and the simulator all come here, so
an id that is unsafe to put in a request path is refused once, the same way everywhere.
"""

import re
import unicodedata
from dataclasses import dataclass

# Characters no ARM name may contain (Application Insights, the most permissive type here, forbids
# exactly these); each would change what a URL built from the id means (a query, a fragment, an
# escape) or what a reader sees (controls, bidi overrides).
_FORBIDDEN_CHARACTERS = frozenset("?#%&\\")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_FORBIDDEN_ASCII = re.compile(r"[\x00-\x1f\x7f?#%&\\]")
_MAX_ID_LENGTH = 2048
# Azure's naming rule for management groups: 1-90 letters, digits, '-', '_', '(', ')', '.', not
# ending with a period.
_MANAGEMENT_GROUP_NAME = re.compile(r"^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$")
MANAGEMENT_GROUP_TYPE = "Microsoft.Management/managementGroups"
_MANAGEMENT_GROUP_PREFIX = f"/providers/{MANAGEMENT_GROUP_TYPE}/"


class InvalidResourceIdError(ValueError):
    """A string that is not an ARM resource id.

    Attributes:
        reason: What is wrong with it, when more can be said than "not an id" (else empty).
    """

    def __init__(self, message: str, reason: str = "") -> None:
        """Keep the message and the reason apart, so callers can word their own message."""
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ArmId:
    """Any ARM resource id: in a resource group or at subscription level, top-level or child.

    Parts keep the casing the id was written in; ``key`` is the form to compare.
    """

    subscription_id: str
    resource_group_name: str | None
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def type(self) -> str:
        """The full resource type, e.g. ``Microsoft.Storage/storageAccounts/blobServices``."""
        return "/".join((self.namespace, *self.types))

    @property
    def name(self) -> str:
        """The innermost resource name."""
        return self.names[-1]

    @property
    def qualified_name(self) -> str:
        """Namespace, then type and name segments interleaved, as ARM quotes a missing resource."""
        parts = [self.namespace]
        for type_, name in zip(self.types, self.names, strict=True):
            parts += [type_, name]
        return "/".join(parts)

    @property
    def text(self) -> str:
        """The id rebuilt from its parts, in the casing it was parsed with."""
        head = f"/subscriptions/{self.subscription_id}"
        if self.resource_group_name is not None:
            head += f"/resourceGroups/{self.resource_group_name}"
        return f"{head}/providers/{self.qualified_name}"

    @property
    def key(self) -> str:
        """Lowercase form for comparison; equal to :func:`resource_key` of any parsed id."""
        return self.text.lower()

    @property
    def parent(self) -> "ArmId | None":
        """The resource a child resource belongs to; None for a top-level resource."""
        if len(self.types) == 1:
            return None
        return ArmId(
            self.subscription_id,
            self.resource_group_name,
            self.namespace,
            self.types[:-1],
            self.names[:-1],
        )


@dataclass(frozen=True, slots=True)
class ResourceId:
    """The parts of an ARM id of a resource in a resource group, in the casing it was written in."""

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


def last_segment(resource_id: str) -> str:
    """The display name of an id: its last segment (a trailing slash ignored), as written.

    Meant for ids that could not be read, whose document (and so ``name``) is unknown. Any text is
    accepted; an empty string gives an empty name.
    """
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


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


def _invalid(resource_id: str, why: str = "") -> InvalidResourceIdError:
    suffix = f" ({why})" if why else ""
    message = f"not an ARM resource id: {_shorten(resource_id)!r}{suffix}"
    return InvalidResourceIdError(message, why)


def _segments(resource_id: str) -> list[str]:
    """The segments of an absolute id, each checked to be safe in a request path."""
    if not resource_id.startswith("/"):
        raise _invalid(resource_id, "does not start with '/'")
    if len(resource_id) > _MAX_ID_LENGTH:
        raise _invalid(resource_id, f"longer than {_MAX_ID_LENGTH} characters")
    parts = resource_id.rstrip("/").split("/")[1:]
    if not all(_segment_ok(p) for p in parts):
        raise _invalid(resource_id, "a segment is empty or holds characters unsafe in a URL")
    return parts


def parse_arm_id(resource_id: str) -> ArmId:
    """Parse ``/subscriptions/{s}[/resourceGroups/{rg}]/providers/{ns}/{type}/{name}[/...]``.

    The id must start with ``/`` (an absolute URL is not an id: the auditor builds request URLs
    from ids, so a planted ``https://elsewhere/...`` would send its token elsewhere), and no
    segment may hold characters that change what a URL means. Keywords may use any casing.
    Extension resources (a second ``/providers/``) are refused: nothing here models them yet.

    Raises:
        InvalidResourceIdError: the id does not have that shape.
    """
    parts = _segments(resource_id)
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        raise _invalid(resource_id, "does not start with /subscriptions/{id}")
    group: str | None = None
    rest = parts[2:]
    if rest and rest[0].lower() == "resourcegroups":
        if len(rest) < 2:
            raise _invalid(resource_id, "has no resource group name")
        group, rest = rest[1], rest[2:]
    if len(rest) < 4 or rest[0].lower() != "providers":
        raise _invalid(resource_id, "has no /providers/{namespace}/{type}/{name} part")
    pairs = rest[2:]
    if len(pairs) % 2:
        raise _invalid(resource_id, "ends with a type but no name")
    types, names = tuple(pairs[0::2]), tuple(pairs[1::2])
    if any(t.lower() == "providers" for t in types):
        raise _invalid(resource_id, "an extension resource id")
    return ArmId(parts[1], group, rest[1], types, names)


def parse_resource_id(resource_id: str) -> ResourceId:
    """Parse the id of a resource in a resource group (``.../resourceGroups/{rg}/providers/...``).

    As strict as :func:`parse_arm_id`, and a subscription-level resource is refused too.

    Raises:
        InvalidResourceIdError: the id does not have that shape.
    """
    arm = parse_arm_id(resource_id)
    if arm.resource_group_name is None:
        raise _invalid(resource_id, "not in a resource group")
    return ResourceId(
        subscription_id=arm.subscription_id,
        resource_group_name=arm.resource_group_name,
        namespace=arm.namespace,
        types=arm.types,
        names=arm.names,
    )


def is_management_group_name(name: str) -> bool:
    """Whether ``name`` follows Azure's naming rule for management groups (so is path-safe)."""
    return _MANAGEMENT_GROUP_NAME.match(name) is not None


def management_group_id(name: str) -> str:
    """The id of a management group: ``/providers/Microsoft.Management/managementGroups/{name}``.

    Raises:
        InvalidResourceIdError: ``name`` is not a management group name.
    """
    if not is_management_group_name(name):
        raise InvalidResourceIdError(f"not a management group name: {_shorten(name)!r}")
    return f"{_MANAGEMENT_GROUP_PREFIX}{name}"


def parse_management_group_id(resource_id: str) -> str:
    """The group name of ``/providers/Microsoft.Management/managementGroups/{name}`` (any casing).

    Raises:
        InvalidResourceIdError: the id is not a management group id.
    """
    parts = _segments(resource_id)
    keywords = [p.lower() for p in parts[:3]]
    if (
        len(parts) != 4
        or keywords != ["providers", "microsoft.management", "managementgroups"]
        or not is_management_group_name(parts[3])
    ):
        raise _invalid(resource_id, "not a management group id")
    return parts[3]


def _shorten(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


def is_under(resource_id: str, parent_id: str) -> bool:
    """True when ``resource_id`` is ``parent_id`` itself or lies below it (case-insensitive)."""
    child, parent = resource_key(resource_id), resource_key(parent_id)
    return child == parent or child.startswith(parent + "/")
