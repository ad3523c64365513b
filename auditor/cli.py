"""The command line: ``auditor demo|scan|daemon|simulator|rules``."""

import argparse
import json
import logging
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from auditor import __version__
from auditor.clock import SystemClock
from auditor.config import ConfigError, Settings, load_settings
from auditor.engine.registry import RuleLoadError, load_registry
from auditor.findings import Severity
from auditor.inventory.snapshot import InventoryFormatError, load_inventory
from auditor.log_setup import setup_logging
from auditor.pipeline import exit_code, new_run_id, prepare_rules, run_audit, write_outputs
from auditor.redaction import scrub_text
from auditor.report.files import describe_os_error
from auditor.report.model import AuditResult
from auditor.report.publish import DestinationError, PublishError, RunOutput

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
FAIL_ON_CHOICES = [s.value for s in Severity] + ["none"]

logger = logging.getLogger("auditor")


class UsageError(Exception):
    """Bad input from the user: exit code 2."""


def _fail_on(value: str) -> Severity | None:
    return None if value == "none" else Severity(value)


def _print_summary(result: AuditResult, out_dir: Path) -> None:
    counts: dict[str, int] = {}
    for finding in result.findings:
        counts[finding.status.value] = counts.get(finding.status.value, 0) + 1
    print(f"run {result.run.id}: {result.run.status.value}")
    print(f"workspaces: {len(result.inventory.workspaces)}")
    print("findings: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if result.inventory.errors:
        print(f"collection errors: {len(result.inventory.errors)} (see report)")
    print(f"reports: {out_dir}")


def _audit(
    settings: Settings,
    *,
    source: str,
    out: Path | None,
    fail_on: Severity | None,
    inventory_path: Path | None = None,
) -> int:
    rules = prepare_rules(settings, source=source)
    inventory = load_inventory(inventory_path) if inventory_path else None
    clock = SystemClock()
    run_id = new_run_id(clock.now())
    destination = out if out is not None else settings.output.directory
    # Opened before collecting: a folder that cannot take the reports, or that another run is
    # writing to, is a usage error found before any request to Azure, not after an hour of them.
    with RunOutput.open(destination, run_id=run_id, per_run=out is None) as output:
        result = run_audit(settings, rules, clock, run_id=run_id, inventory=inventory)
        write_outputs(result, output)
    _print_summary(result, output.folder)
    return exit_code(result, fail_on)


def cmd_scan(args: argparse.Namespace) -> int:
    """One audit of the configured scope, or a re-judgement of a saved inventory."""
    settings = load_settings(args.config)
    return _audit(
        settings,
        source=str(args.config),
        out=args.out,
        fail_on=_fail_on(args.fail_on),
        inventory_path=args.inventory,
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """Audit the bundled sample tenant through the simulator."""
    from auditor.simulator import Simulator, load_tenant, sample_tenant_path
    from auditor.simulator_config import simulator_settings

    tenant = load_tenant(sample_tenant_path())
    with (
        tempfile.TemporaryDirectory(prefix="auditor-demo-") as state,
        Simulator(tenant, state_dir=Path(state)) as sim,
    ):
        settings = simulator_settings(sim.endpoint, sim.ca_file, sim.token)
        return _audit(
            settings, source="demo configuration", out=args.out, fail_on=_fail_on(args.fail_on)
        )


def cmd_simulator(args: argparse.Namespace) -> int:
    """Serve a tenant until interrupted; print and optionally write a ready configuration."""
    from auditor.daemon import stop_on_signals
    from auditor.simulator import Simulator, load_tenant
    from auditor.simulator_config import render_simulator_config

    tenant = load_tenant(args.tenant)
    stop = threading.Event()
    stop_on_signals(stop)
    with (
        tempfile.TemporaryDirectory(prefix="auditor-sim-") as state,
        Simulator(tenant, port=args.port, state_dir=Path(state)) as sim,
    ):
        config_text = render_simulator_config(sim.endpoint, sim.ca_file, sim.token)
        config_path = Path(state) / "auditor.toml"
        config_path.write_text(config_text, encoding="utf-8")
        if args.config_out is not None:
            from auditor.report.files import atomic_write_text

            atomic_write_text(args.config_out, config_text)
        print(f"endpoint: {sim.endpoint}")
        print(f"ca_file: {sim.ca_file}")
        print(f"config: {args.config_out or config_path}")
        print("--- auditor.toml ---")
        print(config_text, flush=True)
        stop.wait()
    return EXIT_OK


def cmd_daemon(args: argparse.Namespace) -> int:
    """Run the audit on the configured schedule until SIGTERM."""
    from auditor.daemon import cron_trigger, serve, stop_on_signals

    settings = load_settings(args.config)
    source = str(args.config)
    trigger = cron_trigger(settings.schedule.cron, source=source)
    prepare_rules(settings, source=source)  # fail at start-up, not at 2 a.m.

    def run_once() -> int:
        return _audit(settings, source=source, out=None, fail_on=None)

    stop = threading.Event()
    stop_on_signals(stop)
    serve(run_once, trigger, stop)
    return EXIT_OK


def cmd_rules_list(args: argparse.Namespace) -> int:
    """Print the rule catalogue."""
    folders: Sequence[Path] = ()
    if args.config is not None:
        folders = load_settings(args.config).rules.folders
    registry = load_registry(folders)
    if args.format == "json":
        catalogue = [
            {**rule.meta.model_dump(mode="json"), "parameters": rule.parameters()}
            for rule in registry.rules
        ]
        print(json.dumps(catalogue, indent=2))
        return EXIT_OK
    print(f"{'ID':<14}{'SEVERITY':<10}{'CATEGORY':<16}{'PARAMETERS':<24}TITLE")
    for rule in registry.rules:
        meta = rule.meta
        params = ", ".join(f"{p['name']}={p['default']}" for p in rule.parameters()) or "-"
        print(
            f"{meta.id:<14}{meta.severity.value:<10}{meta.category.value:<16}{params:<24}"
            f"{meta.title}"
        )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(prog="auditor", description=__doc__)
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="audit the bundled sample tenant through the simulator")
    demo.add_argument("--out", type=Path, default=Path("reports/demo"))
    demo.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default="none")
    demo.set_defaults(func=cmd_demo)

    scan = sub.add_parser("scan", help="one audit of the configured scope")
    scan.add_argument("--config", type=Path, required=True)
    scan.add_argument("--out", type=Path, default=None)
    scan.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default="high")
    scan.add_argument(
        "--inventory", type=Path, default=None, help="judge a saved inventory.json, without Azure"
    )
    scan.set_defaults(func=cmd_scan)

    daemon = sub.add_parser("daemon", help="run audits on the configured schedule")
    daemon.add_argument("--config", type=Path, required=True)
    daemon.set_defaults(func=cmd_daemon)

    sim = sub.add_parser("simulator", help="serve a tenant file over HTTPS on 127.0.0.1")
    sim.add_argument("--tenant", type=Path, required=True)
    sim.add_argument("--port", type=int, default=0)
    sim.add_argument("--config-out", type=Path, default=None)
    sim.set_defaults(func=cmd_simulator)

    rules = sub.add_parser("rules", help="the rule catalogue")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    rules_list = rules_sub.add_parser("list", help="list every loaded rule")
    rules_list.add_argument("--format", choices=["table", "json"], default="table")
    rules_list.add_argument("--config", type=Path, default=None, help="include its rule folders")
    rules_list.set_defaults(func=cmd_rules_list)
    return parser


def _one_line(text: str) -> str:
    # stderr bypasses the log formatter: an exception may quote what Azure sent, so scrub here too.
    return scrub_text(" ".join(text.split()))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Every failure ends in one line on stderr: 2 for bad usage or configuration (found before any
    request to Azure), 4 for an I/O or internal error (the traceback is logged at debug level, so
    ``-v`` shows it), 130 when interrupted.
    """
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    from auditor.simulator import TenantError

    usage_errors = (
        ConfigError,
        RuleLoadError,
        InventoryFormatError,
        TenantError,
        UsageError,
        DestinationError,
    )
    try:
        code: int = args.func(args)
    except usage_errors as exc:
        print(f"auditor: error: {scrub_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except PublishError as exc:
        logger.debug("publishing the reports failed", exc_info=True)
        print(f"auditor: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_INTERNAL
    except OSError as exc:
        logger.debug("I/O error", exc_info=True)
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"auditor: error: {_one_line(describe_os_error(exc) + where)}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        logger.debug("internal error", exc_info=True)
        message = _one_line(f"{type(exc).__name__}: {exc}")
        print(
            f"auditor: internal error: {message} (run with -v for the traceback)", file=sys.stderr
        )
        return EXIT_INTERNAL
    return code
