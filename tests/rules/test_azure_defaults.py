"""The defaults table: the code and docs/azure-defaults.md list the same entries, for the API
versions the collector requests, and each entry is what a rule reads for a missing property."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.collect.arm import API_VERSIONS
from auditor.engine.defaults import DEFAULTS, AzureDefault
from auditor.engine.reading import Read, read_bool, read_object, read_text
from auditor.json_types import thaw
from tests.builders import make_resource

DOC = Path(__file__).resolve().parents[2] / "docs" / "azure-defaults.md"
ROW = re.compile(r"^\| `([^`]+)` \| `([^`]+)` \| ([0-9-]+) \| `(.+?)` \| (\S+(?: \S+)?) \|")

Entry = tuple[str, str, str, object, str]


def doc_entries() -> list[Entry]:
    """The rows between the table's markers: type, property, API version, default, source."""
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- defaults:begin -->", 1)[1].split("<!-- defaults:end -->", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    entries = []
    for line in rows:
        match = ROW.match(line)
        assert match, f"row not in the table's format: {line[:120]}"
        kind, prop, version, default, source = match.groups()
        entries.append((kind, prop, version, json.loads(default), source))
    return entries


def code_entries() -> list[Entry]:
    return [(d.resource_type, d.dotted, d.api_version, thaw(d.value), d.source) for d in DEFAULTS]


def test_docs_and_code_list_the_same_defaults() -> None:
    assert doc_entries() == code_entries()


def test_no_property_has_two_entries() -> None:
    keys = [(d.resource_type, d.path) for d in DEFAULTS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource_type}:{d.dotted}")
def test_default_is_for_the_api_version_the_collector_requests(entry: AzureDefault) -> None:
    # A new collector version may change a documented default: check the entry again.
    assert API_VERSIONS[entry.resource_type] == entry.api_version


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource_type}:{d.dotted}")
def test_source_is_a_url_or_the_catalogue(entry: AzureDefault) -> None:
    assert entry.source.startswith("https://") or re.fullmatch(
        r"catalogue: AML-[A-Z]+-\d{3}", entry.source
    )
    if "azure-rest-api-specs" in entry.source:
        assert re.search(r"/blob/[0-9a-f]{40}/specification/", entry.source)


@pytest.mark.parametrize(
    "entry",
    [d for d in DEFAULTS if d.value is not None],
    ids=lambda d: f"{d.resource_type}:{d.dotted}",
)
def test_a_missing_property_reads_as_its_entry(entry: AzureDefault) -> None:
    resource = make_resource(type=entry.resource_type, name="r", properties={})
    value = thaw(entry.value)
    readers: dict[type, Callable[..., Read[Any]]] = {
        bool: read_bool,
        str: read_text,
        dict: read_object,
    }
    read = readers[type(value)](resource, *entry.path)
    assert read.defaulted
    assert read.source is entry
    assert thaw(read.value) == value
    assert isinstance(read.shown, str) and read.shown.startswith("absent; Azure default ")
