"""The management-group hierarchy, derived from the groups each subscription lists (nearest first).

A subscription listing ``[mg-a, mg-b]`` says that it sits in ``mg-a``, that ``mg-a`` sits in
``mg-b`` and that ``mg-b`` sits in the tenant root group (named after the tenant id, which a list
may name last). A subscription that lists no group sits in the root group, as in Azure.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from auditor.ids import is_management_group_name

ROOT_DISPLAY_NAME = "Tenant Root Group"


@dataclass(frozen=True)
class ManagementGroup:
    """One management group.

    Attributes:
        name: The group's name (its id's last segment), as first written in the tenant file.
        parent: The parent group's name; None for the root group.
        display_name: What the portal shows: ``Tenant Root Group`` for the root, else the name.
    """

    name: str
    parent: str | None
    display_name: str


class HierarchyError(ValueError):
    """The groups listed by the subscriptions do not form one tree.

    Attributes:
        where: Path of the offending entry, e.g. ``subscriptions[2].managementGroups[1]``.
    """

    def __init__(self, where: str, message: str) -> None:
        """Record where the problem is and what it is."""
        super().__init__(f"{where}: {message}")
        self.where = where


def derive_groups(tenant_id: str, chains: Sequence[Sequence[str]]) -> tuple[ManagementGroup, ...]:
    """The root group, then every listed group in the order first seen.

    Args:
        tenant_id: Name of the root group.
        chains: Each subscription's ``managementGroups`` list, nearest first, in tenant order.

    Raises:
        HierarchyError: A name is not a valid group name, a list names a group twice or names the
            root before its end, or two lists give one group different parents.
    """
    root = tenant_id.lower()
    groups: dict[str, ManagementGroup] = {root: ManagementGroup(tenant_id, None, ROOT_DISPLAY_NAME)}
    first_seen: dict[str, str] = {}
    for index, chain in enumerate(chains):
        seen: set[str] = set()
        for position, name in enumerate(chain):
            where = f"subscriptions[{index}].managementGroups[{position}]"
            key = name.lower()
            if not is_management_group_name(name):
                raise HierarchyError(where, f"{name!r} is not a management group name")
            if key in seen:
                raise HierarchyError(where, f"{name!r} is listed twice")
            seen.add(key)
            if key == root:
                if position != len(chain) - 1:
                    raise HierarchyError(where, "the root group can only be listed last")
                continue
            parent = chain[position + 1] if position + 1 < len(chain) else tenant_id
            known = groups.get(key)
            if known is None:
                groups[key] = ManagementGroup(name, parent, name)
                first_seen[key] = where
            elif (known.parent or "").lower() != parent.lower():
                raise HierarchyError(
                    where,
                    f"{name!r} sits in {parent!r} here but in {known.parent!r} at "
                    f"{first_seen[key]}",
                )
    return tuple(groups.values())


@dataclass(frozen=True)
class Descendant:
    """An entry of a descendants listing: a group or a subscription below the group asked about.

    Attributes:
        is_group: True for a management group, False for a subscription.
        name: Group name, or subscription id.
        display_name: The group's or subscription's display name.
        parent: Name of the group it sits in directly.
    """

    is_group: bool
    name: str
    display_name: str
    parent: str


class GroupTree:
    """Lookups over the hierarchy: a group by name (any casing), its ancestry, its descendants."""

    def __init__(
        self,
        groups: Sequence[ManagementGroup],
        subscriptions: Sequence[tuple[str, str, Sequence[str]]],
    ) -> None:
        """Index the groups and the ``(id, display name, groups nearest first)`` subscriptions.

        ``groups`` must come from :func:`derive_groups` over the same subscriptions, root first.
        """
        self._groups = {g.name.lower(): g for g in groups}
        self._root = groups[0].name
        self._children: dict[str, list[Descendant]] = {}
        for group in groups[1:]:
            assert group.parent is not None  # only the root has none
            self._add(Descendant(True, group.name, group.display_name, group.parent))
        for subscription_id, display_name, chain in subscriptions:
            parent = chain[0] if chain else self._root
            self._add(Descendant(False, subscription_id, display_name, parent))

    def _add(self, entry: Descendant) -> None:
        # Parents are spelt as first written, whichever subscription named them.
        parent = self._groups[entry.parent.lower()].name
        fixed = Descendant(entry.is_group, entry.name, entry.display_name, parent)
        self._children.setdefault(parent.lower(), []).append(fixed)

    def find(self, name: str) -> ManagementGroup | None:
        """The group with this name, compared case-insensitively."""
        return self._groups.get(name.lower())

    def ancestry(self, name: str) -> list[str]:
        """The group's name and those of the groups above it, nearest first (empty if unknown)."""
        out: list[str] = []
        group = self.find(name)
        while group is not None:
            out.append(group.name)
            group = self.find(group.parent) if group.parent is not None else None
        return out

    def descendants(self, name: str, hidden: Callable[[Descendant], bool]) -> list[Descendant]:
        """Every group and subscription below the group, at any depth, level by level.

        An entry for which ``hidden`` is true is left out, and so is everything below it.
        """
        out: list[Descendant] = []
        pending = deque([name.lower()])
        while pending:
            below = self._children.get(pending.popleft(), [])
            for entry in below:
                if hidden(entry):
                    continue
                out.append(entry)
                if entry.is_group:
                    pending.append(entry.name.lower())
        return out
