"""Subject kinds: what rules can judge, each a class plus a provider that finds its subjects.

A kind is registered by the module that defines its subject class, with
:func:`register_subject_kind`; the engine asks the kind of a rule's subject class for its targets,
so a new rule area adds a subject module (and its collector and rules) and edits nothing here or
in the evaluator. A rule may name only a registered class: not a base class such as
``AttachedSubject``, not an arbitrary one.

A provider turns the frozen inventory into targets: each target is a subject for the rule to judge,
or an outcome already decided without calling the rule (``unknown`` when the data is missing,
``not_applicable`` when the subject is out of every rule's reach).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from auditor.engine.outcomes import DECIDED_STATUSES, Outcome
from auditor.engine.reading import no_properties
from auditor.findings import Status
from auditor.inventory.model import Inventory, Resource

__all__ = [
    "Subject",
    "SubjectKind",
    "Target",
    "kind_of",
    "register_subject_kind",
    "registered_kinds",
    "target_of",
]


class Subject(Protocol):
    """What every subject offers the engine: the id findings are reported on, and the workspaces
    they concern."""

    @property
    def subject_id(self) -> str:
        """The id findings are reported on (usually an ARM resource id)."""
        ...

    def workspace_ids(self) -> tuple[str, ...]:
        """The workspaces a finding on this subject concerns."""
        ...


S = TypeVar("S", bound=Subject)


@dataclass(frozen=True, slots=True)
class Target(Generic[S]):
    """A subject to call a rule on, or an outcome decided without calling it."""

    subject_id: str
    workspace_ids: tuple[str, ...]
    subject: S | None
    outcome: Outcome | None = None

    def __post_init__(self) -> None:
        """Exactly one of subject and outcome; a decided outcome is unknown or not applicable."""
        if (self.subject is None) == (self.outcome is None):
            raise ValueError(f"{self.subject_id}: a target holds a subject or an outcome")
        if self.outcome is not None and self.outcome.status not in DECIDED_STATUSES:
            raise ValueError(
                f"{self.subject_id}: a provider may decide only unknown or not_applicable,"
                f" not {self.outcome.status}"
            )

    @classmethod
    def of(cls, subject: S) -> "Target[S]":
        """The subject, to be judged by the rule."""
        return cls(subject.subject_id, subject.workspace_ids(), subject)

    @classmethod
    def decided(
        cls, subject_id: str, workspace_ids: tuple[str, ...], outcome: Outcome
    ) -> "Target[S]":
        """An outcome given without calling the rule (``unknown`` or ``not_applicable``)."""
        return cls(subject_id, workspace_ids, None, outcome)


Provider = Callable[[type[S], Inventory], Iterable[Target[S]]]


def target_of(subject: S, resource: Resource) -> Target[S]:
    """The subject, or ``unknown`` when ``resource`` (its own document) has no ``properties``.

    Read as empty, such a document would look like one where every property is absent, and
    absence passes or fails several rules (AML-NET-003, AML-NET-012, AML-AUTH-002).
    """
    if not resource.has_properties:
        outcome = Outcome(status=Status.UNKNOWN, message=no_properties(resource) + ".")
        return Target.decided(subject.subject_id, subject.workspace_ids(), outcome)
    return Target.of(subject)


@dataclass(frozen=True, slots=True)
class SubjectKind(Generic[S]):
    """A registered subject class and the provider of its targets."""

    name: str  # e.g. "bundle", "key_vault", "compute": for logs and messages
    subject: type[S]
    provider: Provider[S]

    def targets(self, inventory: Inventory) -> Iterable[Target[S]]:
        """Every target of this kind in the inventory, in inventory order."""
        return self.provider(self.subject, inventory)


_BY_CLASS: dict[type[Any], SubjectKind[Any]] = {}
_BY_NAME: dict[str, SubjectKind[Any]] = {}


def _same_definition(a: type[Any], b: type[Any]) -> bool:
    # A module imported again (a rule folder loaded twice) defines an equal class anew.
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def register_subject_kind(name: str, subject: type[S], provider: Provider[S]) -> SubjectKind[S]:
    """Register ``subject`` as a kind whose targets ``provider`` lists; call it once, in the module
    that defines the class.

    Raises:
        ValueError: another class is already registered under ``name``.
    """
    known = _BY_NAME.get(name)
    if known is not None and not _same_definition(known.subject, subject):
        raise ValueError(
            f"subject kind {name!r} is already registered by"
            f" {known.subject.__module__}.{known.subject.__qualname__}"
        )
    # The class of an earlier import stays registered: rules made from it still judge.
    kind = SubjectKind(name=name, subject=subject, provider=provider)
    _BY_NAME[name] = kind
    _BY_CLASS[subject] = kind
    return kind


def kind_of(subject: type[Any]) -> SubjectKind[Any] | None:
    """The kind registered for exactly this class (a subclass or a base class is not it)."""
    return _BY_CLASS.get(subject)


def registered_kinds() -> tuple[SubjectKind[Any], ...]:
    """Every kind registered so far, by name."""
    return tuple(_BY_NAME[name] for name in sorted(_BY_NAME))
