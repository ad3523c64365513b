"""What every collector receives: clients, limits, and the record of what went wrong."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.azure_sdk.clients import ClientFactory
from auditor.inventory.model import CollectionError


class ErrorLog:
    """Collection errors and notices, appended from worker threads."""

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._errors: list[CollectionError] = []
        self._notices: list[CollectionError] = []

    def add(self, error: CollectionError) -> None:
        """Data is missing because of this failure."""
        with self._lock:
            self._errors.append(error)

    def notice(self, error: CollectionError) -> None:
        """A failure that a fallback made good: no data is missing, but the user should know."""
        with self._lock:
            self._notices.append(error)

    def promote(self, notice: CollectionError) -> None:
        """The fallback did not cover this failure after all: data is missing, it is an error."""
        with self._lock:
            if notice in self._notices:
                self._notices.remove(notice)
                self._errors.append(notice)

    @property
    def errors(self) -> tuple[CollectionError, ...]:
        """Errors so far, in the order they happened."""
        with self._lock:
            return tuple(self._errors)

    @property
    def notices(self) -> tuple[CollectionError, ...]:
        """Notices so far."""
        with self._lock:
            return tuple(self._notices)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectContext:
    """Shared by the collectors of one run."""

    clients: ClientFactory
    log: ErrorLog = field(default_factory=ErrorLog)
    sleep: Callable[[float], None] = time.sleep

    @property
    def max_workers(self) -> int:
        """Size of the pool for per-resource calls."""
        return self.clients.collection.max_workers
