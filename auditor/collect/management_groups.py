"""Management groups resolved to the subscriptions below them (Management Groups API).

ARM lists workspaces per subscription only, so when Resource Graph cannot answer for a
management-group scope the groups are first resolved to their subscriptions, at any depth, with
``GET /providers/Microsoft.Management/managementGroups/{groupId}/descendants``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.errors import (
    COLLECTOR_ERRORS,
    MalformedPayloadError,
    internal_error,
    to_collection_error,
)
from auditor.ids import InvalidResourceIdError, management_group_id
from auditor.inventory.model import CollectionError, CollectionSource

SOURCE = CollectionSource.MANAGEMENT_GROUPS
API_VERSION = "2020-05-01"
SUBSCRIPTION_ENTRY = "microsoft.management/managementgroups/subscriptions"
GROUP_ENTRY = "microsoft.management/managementgroups"


@dataclass(frozen=True, slots=True)
class GroupFailure:
    """A group whose subscriptions are unknown, and why."""

    group: str
    error: CollectionError


@dataclass(frozen=True, slots=True)
class GroupSubscriptions:
    """What the configured groups resolve to.

    Attributes:
        subscription_ids: Subscriptions below the groups that could be resolved, in the order the
            API listed them, each once (compared case-insensitively).
        failures: One per group that could not be resolved.
    """

    subscription_ids: tuple[str, ...]
    failures: tuple[GroupFailure, ...]


def _subscription_ids(items: Sequence[Mapping[str, Any]], group: str) -> list[str]:
    """The subscription entries of a descendants listing.

    Raises:
        MalformedPayloadError: an entry without a string type, or a subscription entry without a
            string name (which would leave a subscription of the group unknown).
    """
    found = []
    for item in items:
        kind, name = item.get("type"), item.get("name")
        if not isinstance(kind, str):
            raise MalformedPayloadError(f"a descendant of management group {group} has no type")
        if kind.lower() != SUBSCRIPTION_ENTRY:
            continue  # a group: the listing already covers what lies below it
        if not isinstance(name, str) or not name:
            raise MalformedPayloadError(
                f"a subscription below management group {group} has no name (subscription id)"
            )
        found.append(name)
    return found


def list_group_subscriptions(ctx: CollectContext, group: str) -> list[str]:
    """The ids of every subscription below one management group, at any depth.

    Raises:
        InvalidResourceIdError: ``group`` is not a management group name (nothing was requested).
        HttpResponseError, ResourceNotFoundError, MalformedPayloadError: the listing failed.
    """
    path = f"{management_group_id(group)}/descendants"
    items = list(
        arm.list_documents(
            ctx.clients.resource_manager(),
            path,
            API_VERSION,
            max_pages=ctx.clients.collection.max_pages,
        )
    )
    return _subscription_ids(items, group)


def resolve_subscriptions(ctx: CollectContext, groups: Sequence[str]) -> GroupSubscriptions:
    """The subscriptions below any of ``groups``; a group that fails does not stop the others."""
    ids: dict[str, str] = {}
    failures: list[GroupFailure] = []
    for group in groups:
        try:
            found = list_group_subscriptions(ctx, group)
        except InvalidResourceIdError as exc:
            error = CollectionError(
                scope=group[:200], source=SOURCE, code="InvalidManagementGroup", message=str(exc)
            )
            failures.append(GroupFailure(group, error))
            continue
        except COLLECTOR_ERRORS as exc:
            error = to_collection_error(exc, scope=management_group_id(group), source=SOURCE)
            failures.append(GroupFailure(group, error))
            continue
        except Exception as exc:  # a bug met on an odd answer costs this group, not the run
            error = internal_error(exc, scope=management_group_id(group), source=SOURCE)
            failures.append(GroupFailure(group, error))
            continue
        for subscription_id in found:
            ids.setdefault(subscription_id.lower(), subscription_id)
    return GroupSubscriptions(tuple(ids.values()), tuple(failures))
