"""The subscriptions in the audit's scope."""

import re
from collections.abc import Mapping
from typing import Any

from auditor.collect import arm
from auditor.collect.context import CollectContext
from auditor.collect.errors import COLLECTOR_ERRORS, to_collection_error
from auditor.config import ScopeSettings
from auditor.inventory.model import CollectionError, CollectionSource, Subscription

SOURCE = CollectionSource.SUBSCRIPTIONS
_USABLE_STATES = {"enabled", "warned", "pastdue"}
# Subscription ids become path segments of every request; a GUID in Azure, a plain token in specs.
_SUBSCRIPTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _subscription(doc: Mapping[str, Any]) -> Subscription | None:
    subscription_id, name, state = (
        doc.get("subscriptionId"),
        doc.get("displayName"),
        doc.get("state"),
    )
    if not isinstance(subscription_id, str) or not _SUBSCRIPTION_ID.match(subscription_id):
        return None
    return Subscription(
        subscription_id=subscription_id,
        display_name=name[:200] if isinstance(name, str) and name else subscription_id,
        state=state[:40] if isinstance(state, str) and state else "Unknown",
    )


def _list_visible(ctx: CollectContext) -> dict[str, Subscription]:
    client = ctx.clients.resource_manager()
    visible: dict[str, Subscription] = {}
    docs = arm.list_documents(
        client,
        "/subscriptions",
        arm.SUBSCRIPTIONS_API_VERSION,
        max_pages=ctx.clients.collection.max_pages,
    )
    for doc in docs:
        subscription = _subscription(doc)
        if subscription is None:
            ctx.log.add(
                CollectionError(
                    scope="/subscriptions",
                    source=SOURCE,
                    code="MalformedResponse",
                    message="a subscription in the list has no usable subscriptionId",
                )
            )
            continue
        visible[subscription.subscription_id.lower()] = subscription
    return visible


def list_subscriptions(ctx: CollectContext, scope: ScopeSettings) -> tuple[Subscription, ...]:
    """Subscriptions the identity can see, limited to the configured ones when some are named.

    A named subscription the identity cannot see is recorded as an error (its data is missing).
    Disabled and deleted subscriptions are left out: ARM serves no resources for them.
    """
    wanted_ids = [s for s in scope.subscriptions if _SUBSCRIPTION_ID.match(s)]
    for bad in (s for s in scope.subscriptions if not _SUBSCRIPTION_ID.match(s)):
        ctx.log.add(
            CollectionError(
                scope="/subscriptions",
                source=SOURCE,
                code="InvalidSubscriptionId",
                message=f"scope.subscriptions names {bad[:80]!r}, which is not a subscription id",
            )
        )
    try:
        visible = _list_visible(ctx)
    except COLLECTOR_ERRORS as exc:
        ctx.log.add(to_collection_error(exc, scope="/subscriptions", source=SOURCE))
        return tuple(
            Subscription(subscription_id=s, display_name=s, state="Unknown") for s in wanted_ids
        )
    if not scope.subscriptions:
        chosen = [s for s in visible.values() if s.state.lower() in _USABLE_STATES]
        return tuple(sorted(chosen, key=lambda s: s.subscription_id.lower()))
    result = []
    for wanted in wanted_ids:
        found = visible.get(wanted.lower())
        if found is None:
            ctx.log.add(
                CollectionError(
                    scope=f"/subscriptions/{wanted}",
                    source=SOURCE,
                    code="SubscriptionNotFound",
                    message=f"subscription {wanted} is not visible to the auditing identity",
                )
            )
            continue
        result.append(found)
    return tuple(result)
