"""A plugin rule module in its own id namespace, loaded through an ``auditor.rules`` entry point."""

from pydantic import BaseModel, ConfigDict, Field

from auditor.engine.api import Bundle, Category, Outcome, RuleContext, Severity, passed, rule


class Limits(BaseModel):
    """Parameters of the entry-point test rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_items: int = Field(default=3, description="how many items are too many")


@rule(
    id="EXT-NET-001",
    title="An entry-point rule",
    severity=Severity.INFO,
    category=Category.NETWORK,
    subject=Bundle,
    remediation="Nothing to do.",
    params=Limits,
)
def entry_point_rule(bundle: Bundle, ctx: RuleContext[Limits]) -> Outcome:
    """Passes with the configured limit, to show parameters reach the rule."""
    return passed(f"{bundle.workspace.name}: limit {ctx.params.max_items}")
