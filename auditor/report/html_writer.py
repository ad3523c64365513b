"""``report.html``: one self-contained page for people, built from the same document as
``report.json`` so the two can never disagree.

Everything Azure returns (names, tags, messages, ids) is untrusted text: the templates rely on
Jinja2's autoescaping and never mark such text safe. The page loads nothing from the network
(inline CSS, no scripts) because reports are often opened offline or from a CI artefact.
"""

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from auditor.findings import Finding, Status
from auditor.inventory.model import AttachedRole, LookupState, Workspace
from auditor.report.files import atomic_write_text
from auditor.report.json_writer import FindingIndex, build_report, finding_to_dict
from auditor.report.model import AuditResult

HTML_FILE_NAME = "report.html"

# What needs attention first in a workspace's table; severity order is kept within each status.
_STATUS_ORDER = {
    Status.FAIL: 0,
    Status.ERROR: 1,
    Status.UNKNOWN: 2,
    Status.SUPPRESSED: 3,
    Status.PASS: 4,
}
_STATE_LABELS = {
    LookupState.FOUND: "found",
    LookupState.NOT_FOUND: "deleted",
    LookupState.UNKNOWN: "unknown",
}
_EXPOSED_LABELS = {True: "yes", False: "no", None: "unknown"}
# Only plain https links in rule remediation text become anchors; nothing is fetched from them.
_URL = re.compile(r"https://[^\s<>\"'`]+[^\s<>\"'`.,;:)\]]")


@dataclass(frozen=True, slots=True)
class BundleRow:
    """One line of a workspace's bundle table: the workspace itself or an attached resource."""

    role: str
    name: str
    id: str
    state: str  # found, deleted, unknown or none
    exposed: str  # yes, no, unknown, or n/a when there is no resource
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class WorkspaceSection:
    """What the template shows for one workspace."""

    anchor: str
    doc: Mapping[str, object]  # the workspace's entry in report.json
    bundle: tuple[BundleRow, ...]
    findings: tuple[Mapping[str, object], ...]  # report.json findings, fails first


def render_html_report(result: AuditResult) -> str:
    """The HTML report for ``result``; the same result always gives the same text."""
    index = FindingIndex(result.findings)
    report = build_report(result, index)
    workspaces = sorted(result.inventory.workspaces, key=lambda ws: ws.key)
    docs = report["workspaces"]
    assert isinstance(docs, list)
    sections = tuple(
        _section(index, position, ws, doc)
        for position, (ws, doc) in enumerate(zip(workspaces, docs, strict=True), start=1)
    )
    known = {ws.key for ws in workspaces}
    # A finding tied to no audited workspace (e.g. a subscription-level check) must not vanish.
    other = tuple(
        finding_to_dict(f)
        for f in _fails_first(index.findings)
        if not index.is_known_workspace(f, known)
    )
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, sections=sections, other_findings=other)


def write_html_report(result: AuditResult, out_dir: Path) -> Path:
    """Write ``report.html`` into ``out_dir`` atomically and return its path."""
    path = out_dir / HTML_FILE_NAME
    atomic_write_text(path, render_html_report(result))
    return path


@functools.cache
def _environment() -> Environment:
    # Built once: loading and compiling the templates is the slow part of rendering.
    env = Environment(
        loader=PackageLoader("auditor", "report/templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pretty_json"] = _pretty_json
    env.filters["linkify"] = _linkify
    env.filters["last_segment"] = _last_segment
    return env


def _section(index: FindingIndex, position: int, ws: Workspace, doc: object) -> WorkspaceSection:
    assert isinstance(doc, dict)
    return WorkspaceSection(
        anchor=f"ws-{position}",
        doc=doc,
        bundle=_bundle(ws, doc),
        findings=tuple(finding_to_dict(f) for f in _fails_first(index.of_workspace(ws.key))),
    )


def _bundle(ws: Workspace, doc: Mapping[str, Any]) -> tuple[BundleRow, ...]:
    """The bundle table, with exposure as report.json states it (computed once, there)."""
    rows = [BundleRow("workspace", ws.name, ws.id, "found", _EXPOSED_LABELS[doc["exposed"]])]
    for role in AttachedRole:
        ref = ws.attached.get(role)
        if ref is None:
            rows.append(BundleRow(role.value, "", "", "none", "n/a"))
            continue
        rows.append(
            BundleRow(
                role=role.value,
                name=_last_segment(ref.id),
                id=ref.id,
                state=_STATE_LABELS[ref.state],
                exposed=_EXPOSED_LABELS[doc["attached"][role.value]["exposed"]],
                reason=ref.reason,
            )
        )
    return tuple(rows)


def _fails_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: _STATUS_ORDER[f.status])  # stable: keeps severity order


def _last_segment(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def _pretty_json(value: object) -> str:
    # A plain str: autoescaping still applies when the template prints it.
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _linkify(text: str) -> Markup:
    """Escape ``text`` and turn each https URL in it into a plain anchor."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(str(escape(text[last : match.start()])))
        url = escape(match.group(0))
        parts.append(f'<a class="ref" href="{url}" rel="noopener noreferrer">{url}</a>')
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))
