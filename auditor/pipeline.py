"""One audit: load rules, collect, freeze, judge, write. Only this module knows the order."""

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from auditor import __version__
from auditor.clock import Clock
from auditor.config import ConfigError, Settings, format_validation_error
from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import RuleRegistry, load_registry
from auditor.engine.waivers import apply_waivers
from auditor.findings import Finding, Severity, Status, Waiver
from auditor.inventory.model import CollectionError, Inventory, Scope
from auditor.report.model import ApiStats, AuditResult, RunInfo, RunStatus
from auditor.report.publish import RunOutput

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PreparedRules:
    """Rules loaded and their configuration validated, before anything touches Azure."""

    registry: RuleRegistry
    settings: RuleSettings
    waivers: tuple[Waiver, ...]


def _has_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def prepare_rules(settings: Settings, *, source: str) -> PreparedRules:
    """Load every rule source and check overrides and waivers against the loaded rules.

    Raises:
        RuleLoadError: a rule source is broken.
        ConfigError: an override or waiver names an unknown rule or bad parameters.
    """
    registry = load_registry(settings.rules.folders)
    params: dict[str, BaseModel] = {}
    severity: dict[str, Severity] = {}
    disabled: set[str] = set()
    for rule_id, override in settings.rules.overrides.items():
        key = f"rules.overrides.{rule_id}"
        if rule_id not in registry:
            raise ConfigError(f"{source}: {key}: no rule has this id")
        try:
            params[rule_id] = registry[rule_id].params.model_validate(override.params)
        except ValidationError as exc:
            raise ConfigError(format_validation_error(f"{source}: {key}.params", exc)) from exc
        if override.severity is not None:
            severity[rule_id] = override.severity
        if not override.enabled:
            disabled.add(rule_id)
    for index, waiver in enumerate(settings.waivers):
        if not _has_glob(waiver.rule_id) and waiver.rule_id.upper() not in registry:
            raise ConfigError(
                f"{source}: waivers[{index}].rule_id: no rule has id {waiver.rule_id}"
            )
    return PreparedRules(
        registry=registry,
        settings=RuleSettings(params=params, severity=severity, disabled=frozenset(disabled)),
        waivers=tuple(w.to_waiver() for w in settings.waivers),
    )


def new_run_id(now: datetime) -> str:
    """Sortable and unique: ``20261128T020000Z-1a2b3c``."""
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def collect(settings: Settings, clock: Clock) -> tuple[Inventory, Mapping[str, ApiStats]]:
    """Collect the inventory from Azure (or the simulator) and count the requests made."""
    # Imported here so that judging a saved inventory never loads the Azure SDK.
    from auditor.azure_sdk.clients import ClientFactory
    from auditor.azure_sdk.stats import RequestStats
    from auditor.collect.context import CollectContext
    from auditor.collect.inventory import collect_inventory

    stats = RequestStats()
    ctx = CollectContext(clients=ClientFactory.from_settings(settings, stats))
    now = clock.now()
    try:
        inventory = collect_inventory(ctx, settings.scope, cloud=ctx.clients.cloud.name, now=now)
    except Exception as exc:
        # A bug must not lose what was collected: keep the errors and report a failed run.
        logger.exception("collection failed")
        crash = CollectionError(
            scope="/", source="auditor", code=type(exc).__name__, message=str(exc)
        )
        inventory = Inventory(
            collected_at=now,
            cloud=ctx.clients.cloud.name,
            scope=Scope(subscriptions=tuple(settings.scope.subscriptions)),
            subscriptions=(),
            workspaces=(),
            resources=(),
            errors=(*ctx.log.errors, crash),
            notices=ctx.log.notices,
        )
    return inventory, stats.snapshot()


def run_status(inventory: Inventory, findings: tuple[Finding, ...]) -> RunStatus:
    """``failed`` when nothing was audited, ``partial`` when data is missing, else ``complete``.

    No workspace with collection errors means nothing could be audited (401 everywhere, every
    listing denied, a crash): that is ``failed``, never the ``partial`` of one unreadable vault.
    An empty scope without errors is a ``complete`` audit of nothing.

    ``partial`` means the audit itself fell short: data could not be collected (a collection
    error) or a rule raised (``error``). An ``unknown`` finding alone does not make a run partial:
    a field Azure left out and documents no default for is the tenant's data, not a failed audit,
    and would otherwise leave a real tenant partial every night. Unknown findings are still
    counted and shown in the report.
    """
    if any(e.source == "auditor" for e in inventory.errors):
        return RunStatus.FAILED
    if not inventory.workspaces and inventory.errors:
        return RunStatus.FAILED
    # A waiver accepts a risk, not a rule that could not judge: a suppressed error still counts.
    raised = any(Status.ERROR in (f.status, f.suppressed_status) for f in findings)
    if inventory.errors or raised:
        return RunStatus.PARTIAL
    return RunStatus.COMPLETE


def judge(
    inventory: Inventory,
    rules: PreparedRules,
    *,
    run_id: str,
    started_at: datetime,
    finished_at: datetime,
    stats: Mapping[str, ApiStats],
) -> AuditResult:
    """Evaluate every rule on the frozen inventory and apply waivers."""
    findings = evaluate(inventory, rules.registry.rules, rules.settings, finished_at)
    findings, expired = apply_waivers(findings, rules.waivers, finished_at.date())
    run = RunInfo(
        id=run_id,
        started_at=started_at,
        finished_at=finished_at,
        status=run_status(inventory, findings),
        tool_version=__version__,
        cloud=inventory.cloud,
        scope=inventory.scope,
        stats=stats,
    )
    return AuditResult(run=run, inventory=inventory, findings=findings, expired_waivers=expired)


def run_audit(
    settings: Settings,
    rules: PreparedRules,
    clock: Clock,
    *,
    run_id: str | None = None,
    inventory: Inventory | None = None,
) -> AuditResult:
    """Collect (unless a saved inventory is given) and judge."""
    started_at = clock.now()
    run_id = run_id or new_run_id(started_at)
    stats: Mapping[str, ApiStats] = {}
    if inventory is None:
        inventory, stats = collect(settings, clock)
    return judge(
        inventory,
        rules,
        run_id=run_id,
        started_at=started_at,
        finished_at=clock.now(),
        stats=stats,
    )


def render_outputs(result: AuditResult, folder: Path) -> list[Path]:
    """Write every output file of the run into ``folder`` (a staging folder) and list them."""
    from auditor.inventory.snapshot import dump_inventory
    from auditor.report.csv_writer import write_costs_csv
    from auditor.report.files import atomic_write_text
    from auditor.report.html_writer import write_html_report
    from auditor.report.json_writer import write_json_report

    inventory_path = folder / "inventory.json"
    atomic_write_text(inventory_path, dump_inventory(result.inventory))
    return [
        inventory_path,
        write_json_report(result, folder),
        write_html_report(result, folder),
        write_costs_csv(result, folder),
    ]


def write_outputs(result: AuditResult, output: RunOutput | Path) -> list[Path]:
    """Publish every output file of the run as one unit, with its ``manifest.json`` last.

    ``output`` is a :class:`RunOutput` the caller opened before collecting (so that the folder was
    checked and locked before any request to Azure), or a folder to receive the files directly
    (opened, locked and released here).

    Raises:
        DestinationError: (a folder given) it cannot be used or another run holds it.
        PublishError: writing failed; the folder holds what it held before, or no manifest.
    """
    if isinstance(output, Path):
        with RunOutput.open(output, run_id=result.run.id, per_run=False) as opened:
            return write_outputs(result, opened)
    if output.run_id != result.run.id:
        raise ValueError(f"output opened for run {output.run_id}, not {result.run.id}")
    return output.publish(
        lambda folder: render_outputs(result, folder), status=result.run.status.value
    )


def exit_code(result: AuditResult, fail_on: Severity | None) -> int:
    """0 clean, 1 a fail at or above ``fail_on`` (wins), 3 incomplete.

    ``fail_on=None`` (``--fail-on none``) ignores failed findings and a ``partial`` run, so that
    ``make demo`` succeeds on a tenant that is deliberately partial; but a ``failed`` run audited
    nothing, and a clean exit would hide that, so it is 3 whatever ``fail_on`` says.
    """
    if fail_on is None:
        return 3 if result.run.status is RunStatus.FAILED else 0
    if any(f.status is Status.FAIL and f.severity.at_least(fail_on) for f in result.findings):
        return 1
    if result.run.status is not RunStatus.COMPLETE:
        return 3
    return 0
