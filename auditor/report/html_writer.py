"""``report.html``: one self-contained page for people, built from the same document as
``report.json`` so the two can never disagree.

Everything Azure returns (names, tags, messages, ids) is untrusted text: the templates rely on
Jinja2's autoescaping and never mark such text safe, and ``_finalize`` makes invisible and control
characters in every printed value visible. The page loads nothing from the network (inline CSS, no
scripts) because reports are often opened offline or from a CI artefact.

An attached resource used by several workspaces is described once, under "Shared resources", and
each workspace links to it: repeating its findings per workspace grew the page quadratically.
"""

import functools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from auditor.findings import Finding, Status
from auditor.ids import last_segment, resource_key
from auditor.inventory.model import AttachedRef, AttachedRole, LookupState, Workspace
from auditor.report.files import atomic_write_text
from auditor.report.json_writer import (
    ATTACHED_EXPOSURE,
    FindingIndex,
    build_report,
    finding_to_dict,
)
from auditor.report.model import AuditResult

HTML_FILE_NAME = "report.html"

# What needs attention first in a workspace's table; severity order is kept within each status.
_FAILS_FIRST = (
    Status.FAIL,
    Status.ERROR,
    Status.UNKNOWN,
    Status.SUPPRESSED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)
_STATUS_ORDER = {status: n for n, status in enumerate(_FAILS_FIRST)}
_STATE_LABELS = {
    LookupState.FOUND: "found",
    LookupState.NOT_FOUND: "deleted",
    LookupState.UNKNOWN: "unknown",
}
_EXPOSED_LABELS = {True: "yes", False: "no", None: "unknown"}
# Only plain https links in rule remediation text become anchors; nothing is fetched from them.
_URL = re.compile(r"https://[^\s<>\"'`]+[^\s<>\"'`.,;:)\]]")
# Characters that change how the text around them reads while showing nothing themselves: bidi
# controls (an override displays "invoice\u202efdp.exe" as "invoiceexe.pdf"), zero-width and other
# invisible format characters, C0 controls but tab and newline, DEL and C1 controls.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


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
class SharedResource:
    """An attached resource that more than one workspace uses, shown once with its findings."""

    anchor: str
    id: str  # as the first workspace (in report order) spells it
    name: str
    roles: tuple[str, ...]  # every role a workspace gives it, usually one
    states: tuple[tuple[str, str | None], ...]  # distinct (state, reason) over its users
    exposed: str  # yes, no or unknown
    users: tuple[tuple[str, str], ...]  # (anchor, name) of each workspace using it
    findings: tuple[Mapping[str, object], ...]  # report.json findings, fails first


@dataclass(frozen=True, slots=True)
class SharedRef:
    """A workspace's one-line pointer to a shared resource, in place of its findings."""

    role: str
    anchor: str
    name: str
    counts: tuple[tuple[str, int], ...]  # (status, n) of its findings on this workspace, n > 0


@dataclass(frozen=True, slots=True)
class WorkspaceSection:
    """What the template shows for one workspace."""

    anchor: str
    doc: Mapping[str, object]  # the workspace's entry in report.json
    bundle: tuple[BundleRow, ...]
    shared: tuple[SharedRef, ...]
    findings: tuple[Mapping[str, object], ...]  # its findings not on a shared resource, fails first


def render_html_report(result: AuditResult) -> str:
    """The HTML report for ``result``; the same result always gives the same text."""
    index = FindingIndex(result.findings)
    report = build_report(result, index)
    workspaces = sorted(result.inventory.workspaces, key=lambda ws: ws.key)
    docs = report["workspaces"]
    assert isinstance(docs, list)
    anchors = {ws.key: f"ws-{position}" for position, ws in enumerate(workspaces, start=1)}
    shared = _shared_resources(workspaces, anchors, index)
    sections = tuple(
        _section(index, shared, anchors[ws.key], ws, doc)
        for ws, doc in zip(workspaces, docs, strict=True)
    )
    known = set(anchors)
    # A finding tied to no audited workspace (e.g. a subscription-level check) must not vanish.
    other = tuple(
        finding_to_dict(f)
        for f in _fails_first(index.findings)
        if not index.is_known_workspace(f, known) and resource_key(f.resource_id) not in shared
    )
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report, shared=tuple(shared.values()), sections=sections, other_findings=other
    )


def write_html_report(result: AuditResult, out_dir: Path) -> Path:
    """Write ``report.html`` into ``out_dir`` atomically and return its path."""
    path = out_dir / HTML_FILE_NAME
    atomic_write_text(path, render_html_report(result))
    return path


def show_invisible(text: str) -> str:
    """``text`` with each bidi control, invisible or control character (tab and newline aside)
    replaced by its visible code point, such as ``<U+202E>``; plain text in, plain text out."""
    return _INVISIBLE.sub(_code_point, text)


@functools.cache
def _environment() -> Environment:
    # Built once: loading and compiling the templates is the slow part of rendering.
    env = Environment(
        loader=PackageLoader("auditor", "report/templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pretty_json"] = _pretty_json
    env.filters["linkify"] = _linkify
    env.filters["last_segment"] = last_segment
    return env


def _finalize(value: object) -> object:
    """Jinja2 calls this on every printed value (text and attributes alike), before escaping it."""
    if isinstance(value, Markup):
        # Already HTML, built by a filter from escaped text: insert the marker escaped too.
        return Markup(_INVISIBLE.sub(lambda m: str(escape(_code_point(m))), value))
    if value is None or isinstance(value, int | float):
        return value
    return show_invisible(str(value))


def _code_point(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group(0)):04X}>"


def _shared_resources(
    workspaces: Sequence[Workspace], anchors: Mapping[str, str], index: FindingIndex
) -> dict[str, SharedResource]:
    """The attached resources more than one workspace uses, by key, in display order."""
    users: dict[str, dict[str, Workspace]] = {}
    refs: dict[str, list[AttachedRef]] = {}
    for ws in workspaces:
        for ref in ws.attached.values():
            if ref is not None:
                users.setdefault(ref.key, {})[ws.key] = ws
                refs.setdefault(ref.key, []).append(ref)
    keys = sorted(
        (key for key, by_ws in users.items() if len(by_ws) > 1),
        key=lambda k: (list(AttachedRole).index(refs[k][0].role), last_segment(k), k),
    )
    findings: dict[str, list[Finding]] = {key: [] for key in keys}
    for finding in index.findings:
        subject = resource_key(finding.resource_id)
        if subject in findings:
            findings[subject].append(finding)
    return {
        key: SharedResource(
            anchor=f"res-{n}",
            id=refs[key][0].id,
            name=last_segment(refs[key][0].id),
            roles=tuple(r.value for r in AttachedRole if r in {ref.role for ref in refs[key]}),
            states=tuple(dict.fromkeys((_STATE_LABELS[r.state], r.reason) for r in refs[key])),
            exposed=_EXPOSED_LABELS[index.exposure(key, ATTACHED_EXPOSURE)],
            users=tuple((anchors[ws.key], ws.name) for ws in users[key].values()),
            findings=tuple(finding_to_dict(f) for f in _fails_first(findings[key])),
        )
        for n, key in enumerate(keys, start=1)
    }


def _section(
    index: FindingIndex,
    shared: Mapping[str, SharedResource],
    anchor: str,
    ws: Workspace,
    doc: object,
) -> WorkspaceSection:
    assert isinstance(doc, dict)
    own: list[Finding] = []
    counts: defaultdict[str, Counter[Status]] = defaultdict(Counter)
    for finding in index.of_workspace(ws.key):
        subject = resource_key(finding.resource_id)
        if subject in shared:
            counts[subject][finding.status] += 1
        else:
            own.append(finding)
    # Its attached roles in bundle order, then any other shared subject its findings name, so
    # that no finding concerning the workspace goes unmentioned in its section.
    pointers = [
        (role.value, ref.key)
        for role in AttachedRole
        if (ref := ws.attached.get(role)) is not None and ref.key in shared
    ]
    named = {key for _, key in pointers}
    pointers += [(", ".join(shared[k].roles), k) for k in counts if k not in named]
    return WorkspaceSection(
        anchor=anchor,
        doc=doc,
        bundle=_bundle(ws, doc),
        shared=tuple(
            SharedRef(role, shared[key].anchor, shared[key].name, _counts(counts[key]))
            for role, key in pointers
        ),
        findings=tuple(finding_to_dict(f) for f in _fails_first(own)),
    )


def _counts(counts: Counter[Status]) -> tuple[tuple[str, int], ...]:
    return tuple((status.value, counts[status]) for status in _FAILS_FIRST if counts[status])


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
                name=last_segment(ref.id),
                id=ref.id,
                state=_STATE_LABELS[ref.state],
                exposed=_EXPOSED_LABELS[doc["attached"][role.value]["exposed"]],
                reason=ref.reason,
            )
        )
    return tuple(rows)


def _fails_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: _STATUS_ORDER[f.status])  # stable: keeps severity order


def _pretty_json(value: object) -> str:
    # A plain str: autoescaping still applies when the template prints it.
    return show_invisible(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


def _linkify(text: str) -> Markup:
    """Escape ``text`` and turn each https URL in it into a plain anchor."""
    # First, so that a marker such as <U+202E> also ends a URL rather than entering its href.
    text = show_invisible(text)
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(str(escape(text[last : match.start()])))
        url = escape(match.group(0))
        parts.append(f'<a class="ref" href="{url}" rel="noopener noreferrer">{url}</a>')
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))
