"""The configuration file (``auditor.toml``), validated at start-up.

Unknown keys and wrong types are errors naming the file and the key (exit code 2 on the
command line).
"""

import os
import tomllib
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from auditor.findings import Severity, Waiver


class ConfigError(Exception):
    """The configuration is unusable; the message names the file, the key and the problem."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CloudName(StrEnum):
    """Azure clouds, and ``custom`` for explicit endpoints (such as the simulator's)."""

    AZURE_CLOUD = "AzureCloud"
    AZURE_CHINA_CLOUD = "AzureChinaCloud"
    AZURE_US_GOVERNMENT = "AzureUSGovernment"
    CUSTOM = "custom"


class CloudSettings(_Model):
    """Which cloud to talk to; endpoints are required for ``custom`` and override the others."""

    name: CloudName = CloudName.AZURE_CLOUD
    resource_manager: str | None = None
    authority: str | None = None
    log_analytics: str | None = None
    microsoft_graph: str | None = None
    ca_file: Path | None = None  # trust this CA in addition to the system's (custom clouds)

    @model_validator(mode="after")
    def _custom_needs_endpoints(self) -> "CloudSettings":
        if self.name is CloudName.CUSTOM and not self.resource_manager:
            raise ValueError("a custom cloud needs resource_manager (the ARM endpoint URL)")
        endpoints = (
            self.resource_manager,
            self.authority,
            self.log_analytics,
            self.microsoft_graph,
        )
        for value in endpoints:
            if value is not None and not value.startswith("https://"):
                raise ValueError(f"endpoint {value!r} must be an https:// URL")
        return self


class CredentialType(StrEnum):
    """How the auditor authenticates."""

    DEFAULT = "default"  # DefaultAzureCredential: env, workload identity, managed identity, CLI
    MANAGED_IDENTITY = "managed_identity"
    AZURE_CLI = "azure_cli"
    STATIC_TOKEN = "static_token"  # the simulator only: a fixed bearer token


class CredentialSettings(_Model):
    """Credential choice; no secrets here except the simulator's throwaway token."""

    type: CredentialType = CredentialType.DEFAULT
    client_id: str | None = None  # user-assigned managed identity
    token: str | None = None

    @model_validator(mode="after")
    def _token_only_for_static(self) -> "CredentialSettings":
        if self.type is CredentialType.STATIC_TOKEN and not self.token:
            raise ValueError("credential type static_token needs token")
        if self.type is not CredentialType.STATIC_TOKEN and self.token:
            raise ValueError("token is only allowed with credential type static_token")
        return self


class ScopeSettings(_Model):
    """What to audit; both lists empty means every subscription the identity can read."""

    subscriptions: tuple[str, ...] = ()
    management_groups: tuple[str, ...] = ()


class ScheduleSettings(_Model):
    """When the daemon runs (cron, UTC)."""

    cron: str = "0 2 * * *"

    @field_validator("cron")
    @classmethod
    def _valid_crontab(cls, value: str) -> str:
        # Checked here so that `scan` rejects a schedule `daemon` would reject, at load.
        CronTrigger.from_crontab(value, timezone="UTC")  # ValueError names the problem
        return value


class OutputSettings(_Model):
    """Where reports go."""

    directory: Path = Path("reports")


class HistorySettings(_Model):
    """The run history database."""

    database_url: str = "sqlite:///reports/history.db"


class CollectionSettings(_Model):
    """Limits of the collection phase."""

    max_workers: Annotated[int, Field(ge=1, le=64)] = 8
    retry_total: Annotated[int, Field(ge=0, le=10)] = 3
    retry_backoff_seconds: Annotated[float, Field(ge=0, le=60)] = 0.8
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 60.0
    resource_graph_page_size: Annotated[int, Field(ge=1, le=1000)] = 1000
    # The longest the auditor waits before retrying a throttled call (Retry-After, quota reset); a
    # longer demand ends the call at once and its data is unknown, instead of holding the run.
    max_retry_wait_seconds: Annotated[float, Field(ge=0, le=600)] = 60.0
    # The whole collection phase: past it, calls not yet made are not made, their data is unknown
    # and the run is partial. Judging and writing reports still happen.
    deadline_seconds: Annotated[float, Field(gt=0, le=86_400)] = 3600.0
    # Pages of one listing (ARM nextLink, Resource Graph $skipToken) before it counts as a loop.
    max_pages: Annotated[int, Field(ge=1, le=100_000)] = 1000


class RuleOverride(_Model):
    """Per-rule settings: on/off, severity, parameters (validated against the rule)."""

    enabled: bool = True
    severity: Severity | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class RulesSettings(_Model):
    """Extra rule folders and per-rule overrides by rule id."""

    folders: tuple[Path, ...] = ()
    overrides: dict[str, RuleOverride] = Field(default_factory=dict)


class WaiverSettings(_Model):
    """An accepted risk, with an owner and an expiry date."""

    rule_id: str
    resource: str
    reason: Annotated[str, Field(min_length=1)]
    owner: Annotated[str, Field(min_length=1)]
    expires: date

    def to_waiver(self) -> Waiver:
        """The engine's waiver value."""
        return Waiver(
            rule_id=self.rule_id,
            resource=self.resource,
            reason=self.reason,
            owner=self.owner,
            expires=self.expires,
        )


class BudgetSettings(_Model):
    """A monthly budget for a workspace bundle, by workspace id or by tag value."""

    amount: Annotated[float, Field(gt=0)]
    currency: str = "USD"
    workspace_id: str | None = None
    tag: str | None = None  # "key=value"

    @model_validator(mode="after")
    def _one_target(self) -> "BudgetSettings":
        if (self.workspace_id is None) == (self.tag is None):
            raise ValueError("a budget names exactly one of workspace_id or tag")
        if self.tag is not None and "=" not in self.tag:
            raise ValueError("tag must be written key=value")
        return self


class SecretReference(_Model):
    """A secret kept in Key Vault instead of the file."""

    vault_url: str
    secret_name: str


class AlertSinkSettings(_Model):
    """Where alerts go. Webhook URLs are credentials: prefer ``url_secret``."""

    type: Literal["log", "webhook", "teams"] = "log"
    min_severity: Severity = Severity.HIGH
    url: str | None = None
    url_secret: SecretReference | None = None


class Settings(_Model):
    """The whole configuration."""

    cloud: CloudSettings = Field(default_factory=CloudSettings)
    credential: CredentialSettings = Field(default_factory=CredentialSettings)
    scope: ScopeSettings = Field(default_factory=ScopeSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)
    collection: CollectionSettings = Field(default_factory=CollectionSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    waivers: tuple[WaiverSettings, ...] = ()
    budgets: tuple[BudgetSettings, ...] = ()
    alerts: tuple[AlertSinkSettings, ...] = ()


def format_validation_error(source: str, error: ValidationError) -> str:
    """One line per problem: ``file: key.path: message``."""
    lines = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"{source}: {location}: {message}")
    return "\n".join(lines)


def parse_settings(data: dict[str, Any], *, source: str, base_dir: Path | None = None) -> Settings:
    """Validate a configuration mapping; relative paths resolve against ``base_dir``.

    Raises:
        ConfigError: naming ``source`` and each bad key; a ``cloud.ca_file`` that is not a
            readable file is one.
    """
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc)) from exc
    if base_dir is not None:
        settings = _resolve_paths(settings, base_dir)
    _check_ca_file(settings.cloud.ca_file, source=source)
    return settings


def _check_ca_file(ca_file: Path | None, *, source: str) -> None:
    """A CA file that cannot be read fails every request: say so before the first one."""
    if ca_file is None:
        return
    problem = None
    if not ca_file.exists():
        problem = "no such file"
    elif not ca_file.is_file():
        problem = "not a file"
    elif not os.access(ca_file, os.R_OK):
        problem = "not readable"
    if problem is not None:
        raise ConfigError(f"{source}: cloud.ca_file: {ca_file}: {problem}")


def _resolve_paths(settings: Settings, base_dir: Path) -> Settings:
    def resolve(path: Path) -> Path:
        return path if path.is_absolute() else (base_dir / path)

    cloud = settings.cloud
    if cloud.ca_file is not None:
        cloud = cloud.model_copy(update={"ca_file": resolve(cloud.ca_file)})
    rules = settings.rules.model_copy(
        update={"folders": tuple(resolve(p) for p in settings.rules.folders)}
    )
    return settings.model_copy(update={"cloud": cloud, "rules": rules})


def load_settings(path: Path) -> Settings:
    """Read and validate a TOML configuration file.

    Raises:
        ConfigError: the file is missing, is not UTF-8 TOML, holds bad keys or values, or names a
            ``cloud.ca_file`` that cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_settings(data, source=str(path), base_dir=path.resolve().parent)
