"""ARM resource ids: parsing and case-insensitive comparison.

Azure compares ids case-insensitively but serves them as written, so a parsed id keeps the caller's
casing and offers a lowercase ``key`` for lookups.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArmId:
    """A parsed ARM resource id.

    Attributes:
        subscription_id: The subscription segment, as written.
        resource_group: The resource group segment, or None for subscription-level resources.
        namespace: The provider namespace (``Microsoft.Storage``), as written.
        types: Resource type segments, outermost first (``("workspaces", "computes")``).
        names: Resource names, one per type segment.
    """

    subscription_id: str
    resource_group: str | None
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def full_type(self) -> str:
        """The resource type with namespace, e.g. ``Microsoft.X/workspaces/computes``."""
        return "/".join((self.namespace, *self.types))

    @property
    def name(self) -> str:
        """The innermost resource name."""
        return self.names[-1]

    @property
    def qualified_name(self) -> str:
        """Type and name segments interleaved, as ARM quotes them in ``ResourceNotFound``."""
        parts = [self.namespace]
        for type_, name in zip(self.types, self.names, strict=True):
            parts += [type_, name]
        return "/".join(parts)

    @property
    def text(self) -> str:
        """The id rebuilt from its parts, in the casing it was parsed with."""
        head = f"/subscriptions/{self.subscription_id}"
        if self.resource_group is not None:
            head += f"/resourceGroups/{self.resource_group}"
        return f"{head}/providers/{self.qualified_name}"

    @property
    def key(self) -> str:
        """Lowercase form for case-insensitive comparison."""
        return self.text.lower()


def normalize(resource_id: str) -> str:
    """Return the lowercase comparison key of an id or id prefix (no trailing slash)."""
    return resource_id.rstrip("/").lower()


def is_under(resource_id: str, prefix: str) -> bool:
    """Tell whether ``resource_id`` equals ``prefix`` or lies below it, case-insensitively.

    Matching stops at segment boundaries so that ``.../rg1`` does not cover ``.../rg10``.
    """
    rid, pre = normalize(resource_id), normalize(prefix)
    return rid == pre or rid.startswith(pre + "/")


def parse_arm_id(text: str) -> ArmId:
    """Parse ``/subscriptions/{s}[/resourceGroups/{rg}]/providers/{ns}/{type}/{name}[/...]``.

    Args:
        text: The id to parse; keyword segments may use any casing.

    Returns:
        The parsed id.

    Raises:
        ValueError: The text is not a resource id of that form.
    """
    if not text.startswith("/"):
        raise ValueError("does not start with '/'")
    segments = text[1:].split("/")
    if any(not s for s in segments):
        raise ValueError("has an empty segment")
    if len(segments) < 2 or segments[0].lower() != "subscriptions":
        raise ValueError("does not start with /subscriptions/{id}")
    subscription = segments[1]
    rest = segments[2:]
    group: str | None = None
    if rest and rest[0].lower() == "resourcegroups":
        if len(rest) < 2:
            raise ValueError("has no resource group name")
        group, rest = rest[1], rest[2:]
    if len(rest) < 4 or rest[0].lower() != "providers":
        raise ValueError("has no /providers/{namespace}/{type}/{name} part")
    namespace, pairs = rest[1], rest[2:]
    if len(pairs) % 2:
        raise ValueError("ends with a type segment but no name")
    types = tuple(pairs[0::2])
    names = tuple(pairs[1::2])
    if any(t.lower() == "providers" for t in types):
        raise ValueError("is an extension resource id, which the simulator does not model")
    return ArmId(subscription, group, namespace, types, names)
