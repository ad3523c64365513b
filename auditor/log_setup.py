"""Logging for the command line and the daemon: one stderr handler, the SDK kept quiet.

Every line goes through ``scrub_text`` after formatting, so a secret-shaped value reaches no log
line at any level: not from a message, its arguments, an exception's text or a stack.
"""

import logging
import sys
from types import TracebackType
from typing import TextIO, TypeAlias

from auditor.redaction import scrub_text

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_ExcInfo: TypeAlias = (
    tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
)


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output (message, arguments, traceback, stack) is scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with every secret-shaped span replaced."""
        return scrub_text(super().format(record))

    def formatException(self, ei: _ExcInfo) -> str:
        """Scrubbed here as well: logging caches this text on the record for other handlers."""
        return scrub_text(super().formatException(ei))


def setup_logging(verbose: bool, stream: TextIO | None = None) -> None:
    """Log to ``stream`` (stderr by default) at INFO, or DEBUG when ``verbose``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # The SDK logs request URLs and headers at INFO; keep it to warnings.
    logging.getLogger("azure").setLevel(logging.WARNING)
