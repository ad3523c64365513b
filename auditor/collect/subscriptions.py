"""The subscriptions in the audit's scope."""

from azure.core.exceptions import AzureError

from auditor.collect.context import CollectContext
from auditor.collect.errors import to_collection_error
from auditor.config import ScopeSettings
from auditor.inventory.model import CollectionError, Subscription

SOURCE = "subscriptions"
_USABLE_STATES = {"enabled", "warned", "pastdue"}


def list_subscriptions(ctx: CollectContext, scope: ScopeSettings) -> tuple[Subscription, ...]:
    """Subscriptions the identity can see, limited to the configured ones when some are named.

    A named subscription the identity cannot see is recorded as an error (its data is missing).
    Disabled and deleted subscriptions are left out: ARM serves no resources for them.
    """
    try:
        visible = {
            sub.subscription_id.lower(): Subscription(
                subscription_id=sub.subscription_id,
                display_name=sub.display_name or sub.subscription_id,
                state=str(getattr(sub.state, "value", sub.state) or "Unknown"),
            )
            for sub in ctx.clients.subscriptions().subscriptions.list()
            if sub.subscription_id
        }
    except AzureError as exc:
        ctx.log.add(to_collection_error(exc, scope="/subscriptions", source=SOURCE))
        return tuple(
            Subscription(subscription_id=s, display_name=s, state="Unknown")
            for s in scope.subscriptions
        )
    if not scope.subscriptions:
        chosen = [s for s in visible.values() if s.state.lower() in _USABLE_STATES]
        return tuple(sorted(chosen, key=lambda s: s.subscription_id.lower()))
    result = []
    for wanted in scope.subscriptions:
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
