"""The scheduled service: the audit on a cron schedule (UTC) until SIGTERM."""

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from auditor.config import ConfigError

logger = logging.getLogger(__name__)

JOB_ID = "audit"


def cron_trigger(expression: str, *, source: str) -> CronTrigger:
    """A UTC trigger from a five-field crontab expression.

    Raises:
        ConfigError: the expression is not valid cron.
    """
    try:
        return CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as exc:
        raise ConfigError(f"{source}: schedule.cron: {exc}") from exc


def serve(run_once: Callable[[], object], trigger: CronTrigger, stop: threading.Event) -> None:
    """Run ``run_once`` on the trigger until ``stop`` is set; one run at a time."""
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )

    def on_event(event: JobExecutionEvent) -> None:
        # APScheduler only warns about these; for an unattended service they are errors.
        logger.error("scheduled audit problem: event %s, %s", event.code, event.exception)

    scheduler.add_listener(on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    scheduler.add_job(run_once, trigger, id=JOB_ID, replace_existing=True)
    scheduler.start()
    job = scheduler.get_job(JOB_ID)
    logger.info("daemon started; next audit at %s", job.next_run_time if job else "never")
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        logger.info("daemon stopped")


def stop_on_signals(stop: threading.Event) -> None:
    """Set ``stop`` on SIGTERM (Docker's stop) and SIGINT."""

    def handler(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %s received; stopping after the current audit", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
