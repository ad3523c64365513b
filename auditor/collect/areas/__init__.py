"""Area collectors: one module per rule area, found here without a list to edit.

Each module in this package is an area collector when it defines

- ``SOURCE: CollectionSource``, both the name of what it collects (its key in
  ``Inventory.datasets``) and the source of the collection errors it records, and
- ``collect(ctx: CollectContext, workspaces: Sequence[Workspace]) -> JsonValue``, which reads what
  its rules need about those workspaces and returns it as JSON (redacted: documents go through
  :func:`auditor.collect.documents.resource_from_document` or :mod:`auditor.redaction`).

It records its failures in ``ctx.log`` with that source and the scope they concern, so the rules
that ``need`` the source give ``unknown`` there. Its subject provider (in ``auditor/engine``, which
rules may import) reads the dataset back. Adding a rule area is adding such a module, a subject
kind and a folder of rules: nothing here is edited.
"""

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import MappingProxyType, ModuleType

from auditor.collect.context import CollectContext
from auditor.collect.errors import record_failure
from auditor.inventory.model import CollectionSource, Workspace
from auditor.json_types import JsonValue, freeze

logger = logging.getLogger(__name__)

Collect = Callable[[CollectContext, Sequence[Workspace]], JsonValue]


@dataclass(frozen=True, slots=True)
class AreaCollector:
    """One discovered area collector."""

    source: CollectionSource
    collect: Collect
    module: str


def _as_collector(module: ModuleType) -> AreaCollector | None:
    source, collect = getattr(module, "SOURCE", None), getattr(module, "collect", None)
    if not isinstance(source, CollectionSource) or not callable(collect):
        return None
    return AreaCollector(source, collect, module.__name__)


def discover(package: ModuleType | None = None) -> Iterator[AreaCollector]:
    """The area collectors of ``package`` (this one by default), in module-name order.

    Raises:
        ValueError: two modules claim the same dataset name.
    """
    package = package or importlib.import_module(__name__)
    seen: dict[CollectionSource, str] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        collector = _as_collector(module)
        if collector is None:
            continue
        if collector.source in seen:
            raise ValueError(
                f"{collector.source.value!r} is collected by both {seen[collector.source]}"
                f" and {collector.module}"
            )
        seen[collector.source] = collector.module
        yield collector


def collect_datasets(
    ctx: CollectContext,
    workspaces: Sequence[Workspace],
    collectors: Sequence[AreaCollector] | None = None,
) -> MappingProxyType[str, JsonValue]:
    """Run every area collector; a collector that raises costs its own dataset, not the run.

    A failed dataset is absent and its source has an error, so the rules needing it are unknown.
    """
    datasets: dict[str, JsonValue] = {}
    for collector in collectors if collectors is not None else list(discover()):
        try:
            datasets[collector.source.value] = freeze(collector.collect(ctx, workspaces))
        except Exception as exc:
            record_failure(ctx.log, exc, scope="/", source=collector.source)
    return MappingProxyType(datasets)
