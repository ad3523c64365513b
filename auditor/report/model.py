"""What one audit produced, as handed to the report writers and alerts."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from auditor.findings import Finding, Waiver
from auditor.inventory.model import Inventory, Scope


class RunStatus(StrEnum):
    """``partial`` when some data could not be collected; ``failed`` when the run itself failed."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiStats:
    """HTTP requests one Azure API received during the run."""

    requests: int = 0  # every attempt, retries included
    retries: int = 0  # attempts beyond the first for the same call
    throttled: int = 0  # answers with status 429
    errors: int = 0  # other answers with status >= 400


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInfo:
    """Identity and outcome of one run."""

    id: str
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    tool_version: str
    cloud: str
    scope: Scope
    stats: Mapping[str, ApiStats] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True, kw_only=True)
class CostDelta:
    """A workspace whose attributed cost changed since the previous run."""

    workspace_id: str
    previous: float
    current: float
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes:
    """Differences from the previous run (empty on the first run)."""

    previous_run_id: str | None = None
    new: tuple[str, ...] = ()  # fingerprints of findings failing now and not before
    resolved: tuple[str, ...] = ()  # fingerprints failing before and not now
    cost_delta: tuple[CostDelta, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditResult:
    """Everything the writers need: the run, the frozen inventory and the findings."""

    run: RunInfo
    inventory: Inventory
    findings: tuple[Finding, ...]
    expired_waivers: tuple[Waiver, ...] = ()
    changes: Changes = field(default_factory=Changes)
