"""Time as an injected dependency, so runs and golden reports can be reproduced."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time (aware, UTC)."""

    def now(self) -> datetime:
        """The current time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current UTC time, to the second."""
        return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class FixedClock:
    """Always the same instant (tests, golden reports)."""

    instant: datetime

    def now(self) -> datetime:
        """The fixed instant."""
        return self.instant
