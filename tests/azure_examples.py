"""Real Azure payloads in ``tests/azure-examples`` (recordings and spec examples).

Copied into the project with their sources and licences (``tests/azure-examples/SOURCES.md``) so
the conformance tests run in any clone.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.ids import parse_arm_id

EXAMPLES = Path(__file__).resolve().parent / "azure-examples"
RESOURCE_GROUPS = (
    "machinelearning",
    "storage",
    "containerregistry",
    "keyvault",
    "applicationinsights",
)


def response_bodies(data: dict[str, Any]) -> Iterator[object]:
    """Response bodies of a cassette (`interactions[].response.body.data`) or spec example."""
    if "interactions" in data:
        for interaction in data["interactions"]:
            ok = interaction["response"]["status"]["code"] == 200
            if interaction["request"]["method"] == "GET" and ok:
                body = interaction["response"].get("body") or {}
                payload = body.get("data")
                yield json.loads(payload) if isinstance(payload, str) else payload
    else:
        yield data.get("responses", {}).get("200", {}).get("body")


def load_example(relative: str) -> dict[str, Any]:
    """One example file as JSON."""
    data = json.loads((EXAMPLES / relative).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def load_documents(groups: tuple[str, ...] = RESOURCE_GROUPS) -> list[dict[str, Any]]:
    """Every ARM resource document in the example groups, first occurrence per id."""
    seen: dict[str, dict[str, Any]] = {}
    if not EXAMPLES.is_dir():
        return []
    for group in groups:
        for path in sorted((EXAMPLES / group).glob("*.json")):
            for body in response_bodies(json.loads(path.read_text(encoding="utf-8"))):
                if not isinstance(body, dict):
                    continue
                for doc in body.get("value", [body]):
                    # Ids with template placeholders ("{subscription-id}") cannot be requested:
                    # azure-core's URL formatting drops "{...}" segments.
                    rid = doc.get("id") if isinstance(doc, dict) else None
                    if isinstance(rid, str) and "{" not in rid:
                        seen.setdefault(parse_arm_id(rid).key, doc)
    return list(seen.values())
