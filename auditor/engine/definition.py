"""Rule definitions: metadata, the :class:`Rule` value and the :func:`rule` decorator.

Everything about a rule that can be wrong is checked when the rule is made, that is when its file is
loaded (the registry then stops start-up naming the file): the id scheme against the category, a
registered subject kind, parameters that all have defaults, needs from the closed set of collection
sources, and a declared return type. Rule authors import all this through
:mod:`auditor.engine.api`.
"""

import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict, model_validator

from auditor.engine.kinds import Subject, kind_of, registered_kinds
from auditor.engine.outcomes import Outcome
from auditor.engine.rule_ids import check_rule_id
from auditor.findings import Category, Exposure, Severity
from auditor.inventory.model import CollectionSource, Inventory
from auditor.json_types import JsonValue

__all__ = ["NoParams", "Rule", "RuleContext", "RuleMeta", "rule"]


class NoParams(BaseModel):
    """Parameters of a rule that takes none."""

    model_config = ConfigDict(frozen=True, extra="forbid")


S = TypeVar("S", bound=Subject)
P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext(Generic[P]):
    """What a rule may read besides its subject."""

    params: P
    inventory: Inventory
    now: datetime


class RuleMeta(BaseModel):
    """Validated rule metadata, as listed by ``auditor rules list``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    severity: Severity
    category: Category
    description: str
    remediation: str
    references: tuple[str, ...] = ()
    # What a verdict of this rule says about network exposure (report.json's ``exposed``).
    exposure: Exposure | None = None

    @model_validator(mode="after")
    def _id_matches_category(self) -> "RuleMeta":
        check_rule_id(self.id, self.category)
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Generic[S, P]):
    """A rule: metadata, the subject kind it judges, its parameters and its function.

    Made by :func:`rule` (or :func:`~auditor.engine.values.value_rule`); constructing one directly
    is checked the same way.

    Raises:
        ValueError: on construction, when any part of the definition is wrong.
    """

    meta: RuleMeta
    subject: type[S]
    params: type[P]
    check: Callable[[S, RuleContext[P]], Outcome | None]
    needs: tuple[CollectionSource, ...] = ()  # sources whose errors make this rule unknown
    # True when the check's declared return type admits None (subject out of the rule's reach).
    may_skip: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        """Check the subject kind, parameters, needs and return type; see the class docstring."""
        rule_id = self.meta.id
        _check_subject(rule_id, self.subject)
        _check_params(rule_id, self.params)
        for need in self.needs:
            if not isinstance(need, CollectionSource):
                known = ", ".join(s.name for s in CollectionSource)
                raise ValueError(
                    f"{rule_id}: needs {need!r} is not a CollectionSource (one of {known})"
                )
        object.__setattr__(self, "may_skip", _may_skip(rule_id, self.check))

    @property
    def id(self) -> str:
        """The rule id."""
        return self.meta.id

    def parameters(self) -> list[dict[str, JsonValue]]:
        """The declared parameters with their types, defaults and descriptions, for catalogues."""
        schema = self.params.model_json_schema()
        defaults = self.params().model_dump(mode="json")
        return [
            {
                "name": name,
                "type": spec.get("type", "object"),
                "default": defaults.get(name),
                "description": spec.get("description", ""),
            }
            for name, spec in schema.get("properties", {}).items()
        ]


def _check_subject(rule_id: str, subject: object) -> None:
    if not isinstance(subject, type):
        raise ValueError(f"{rule_id}: subject must be a subject class, not {subject!r}")
    if kind_of(subject) is not None:
        return
    concrete = [k.subject.__name__ for k in registered_kinds() if issubclass(k.subject, subject)]
    hint = f" (name one of: {', '.join(concrete)})" if concrete else ""
    raise ValueError(
        f"{rule_id}: subject {subject.__name__} is not a registered subject kind{hint}"
    )


def _check_params(rule_id: str, params: object) -> None:
    if not (isinstance(params, type) and issubclass(params, BaseModel)):
        raise ValueError(f"{rule_id}: params must be a pydantic model class")
    required = [name for name, spec in params.model_fields.items() if spec.is_required()]
    if required:
        raise ValueError(
            f"{rule_id}: parameter(s) {', '.join(required)} need a default: the engine runs the"
            " rule with its defaults when the configuration sets none"
        )
    try:
        params()
    except Exception as exc:
        raise ValueError(f"{rule_id}: the default parameters are not valid: {exc}") from exc


def _may_skip(rule_id: str, check: object) -> bool:
    """Whether the check's declared return type is ``Outcome | None`` (True) or ``Outcome``."""
    if not callable(check):
        raise ValueError(f"{rule_id}: the rule's check is not callable")
    try:
        hints: dict[str, object] = inspect.get_annotations(check, eval_str=True)
    except Exception as exc:
        raise ValueError(
            f"{rule_id}: cannot resolve the rule function's annotations: {exc}"
        ) from exc
    declared = hints.get("return", inspect.Signature.empty)
    if declared is Outcome:
        return False
    union = isinstance(declared, types.UnionType) or typing.get_origin(declared) is typing.Union
    if union and set(typing.get_args(declared)) == {Outcome, type(None)}:
        return True
    raise ValueError(
        f"{rule_id}: the rule function must declare its return type as Outcome, or Outcome | None"
        " when it skips subjects out of its reach"
    )


@overload
def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[S],
    remediation: str,
    references: tuple[str, ...] = (),
    needs: tuple[CollectionSource, ...] = (),
    exposure: Exposure | None = None,
) -> Callable[[Callable[[S, RuleContext[NoParams]], Outcome | None]], Rule[S, NoParams]]: ...


@overload
def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[S],
    remediation: str,
    params: type[P],
    references: tuple[str, ...] = (),
    needs: tuple[CollectionSource, ...] = (),
    exposure: Exposure | None = None,
) -> Callable[[Callable[[S, RuleContext[P]], Outcome | None]], Rule[S, P]]: ...


def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[S],
    remediation: str,
    params: type[Any] = NoParams,
    references: tuple[str, ...] = (),
    needs: tuple[CollectionSource, ...] = (),
    exposure: Exposure | None = None,
) -> Callable[[Callable[[S, RuleContext[Any]], Outcome | None]], Rule[S, Any]]:
    """Make a rule from a check function; its docstring is the rule's description.

    ``exposure`` declares what the verdict means for the report's ``exposed`` flags: ``resource``
    when a fail means the subject is reachable from any network, ``bundle`` when it means the
    workspace is exposed through what it attaches.

    Raises:
        ValueError: at load time, for any problem in the definition (see :class:`Rule`).
    """

    def decorate(check: Callable[[S, RuleContext[Any]], Outcome | None]) -> Rule[S, Any]:
        check_rule_id(id, category)  # before RuleMeta, whose pydantic error would bury the message
        description = inspect.cleandoc(check.__doc__ or "").strip()
        if not description:
            raise ValueError(f"{id}: the rule function needs a docstring (its description)")
        for ref in references:
            if not ref.startswith("https://"):
                raise ValueError(f"{id}: reference {ref!r} is not an https URL")
        meta = RuleMeta(
            id=id,
            title=title,
            severity=severity,
            category=category,
            description=description,
            remediation=remediation,
            references=references,
            exposure=exposure,
        )
        return Rule(meta=meta, subject=subject, params=params, check=check, needs=needs)

    return decorate
