"""report.html: escaping of untrusted text, invisible characters shown, no external assets,
errors shown prominently, each shared resource described once."""

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor.findings import Status
from auditor.inventory.model import AttachedRef, AttachedRole, CollectionError, LookupState
from auditor.json_types import freeze_object
from auditor.report.html_writer import render_html_report, show_invisible, write_html_report
from auditor.report.model import AuditResult
from tests.report.report_builders import (
    SHARED_BUNDLE,
    STORAGE,
    WS_ALPHA,
    WS_BETA,
    make_finding,
    make_result,
    make_workspace,
    shared_bundle_result,
)

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_TAG = "a&b\"c'd<e>f"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "invoice<RLO>fdp.exe" displays as "invoiceexe.pdf"
SPOOFED = f"invoice{RLO}fdp.exe"
SPOOFED_SHOWN = "invoice&lt;U+202E&gt;fdp.exe"
# What the page must never print raw: bidi controls, zero-width and invisible characters, C0
# controls but tab and newline (range ends and the usual suspects), DEL, C1 controls.
INVISIBLE = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\u200b\u200c\u200d\u2060\ufeff\u180e"
    "\x00\x01\x07\x08\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9f"
)


class _Links(HTMLParser):
    """Collects every attribute that can load or link something."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str, dict[str, str | None]]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            if found.get(name):
                self.refs.append((tag, name, found[name] or "", found))


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _hostile_result() -> AuditResult:
    ws_id = WS_ALPHA.replace("ws-alpha", HOSTILE_NAME)
    ws = make_workspace(
        ws_id,
        {
            AttachedRole.STORAGE_ACCOUNT: AttachedRef(
                role=AttachedRole.STORAGE_ACCOUNT,
                id=STORAGE + HOSTILE_NAME,
                state=LookupState.UNKNOWN,
                reason=HOSTILE_TAG,
            )
        },
        computes=None,
        computes_error=HOSTILE_NAME,
        tags={HOSTILE_NAME: HOSTILE_TAG},
    )
    finding = make_finding(
        "AML-NET-001",
        ws_id,
        Status.FAIL,
        workspace_ids=(ws_id,),
        message=f"{HOSTILE_NAME} {HOSTILE_TAG}",
        remediation=f'{HOSTILE_NAME} see https://example.com/a"onmouseover="x',
    )
    return make_result((ws,), (finding,))


def test_hostile_names_are_escaped() -> None:
    html = render_html_report(_hostile_result())
    assert HOSTILE_NAME not in html
    assert HOSTILE_TAG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a&amp;b&#34;c&#39;d&lt;e&gt;f" in html
    assert "script" not in _parse(html).tags
    assert 'onmouseover="' not in html


def test_no_external_assets(result: AuditResult) -> None:
    html = render_html_report(result)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html
    refs = _parse(html).refs
    assert refs, "expected at least the workspace anchors"
    for tag, name, value, attrs in refs:
        if value.startswith("#"):
            continue
        # Only rule remediation references may point outside, as plain anchors.
        assert value.startswith("https://"), value
        assert (tag, name, attrs.get("class")) == ("a", "href", "ref")


def test_errors_box_when_collection_failed(result: AuditResult) -> None:
    html = render_html_report(result)
    assert 'class="errors-box"' in html
    box = html.split('class="errors-box"', 1)[1].split("</div>", 1)[0]
    assert "Partial run:" in box and "could not be collected or a rule raised" in box
    for text in ("AuthorizationFailed", "arm", "kv-alpha", "does not have authorization", "403"):
        assert text in box
    # Prominent: before any workspace section.
    assert html.index('class="errors-box"') < html.index('class="workspace"')


def test_no_errors_box_on_a_complete_run() -> None:
    html = render_html_report(make_result((make_workspace(WS_ALPHA, {}),)))
    assert 'class="errors-box"' not in html
    assert "Partial run" not in html


def test_workspace_sections_show_the_bundle(result: AuditResult) -> None:
    html = render_html_report(result)
    alpha = html.index('id="ws-1"')
    beta = html.index('id="ws-2"')
    assert alpha < beta
    section = html[alpha:beta]
    assert "<h2>ws-alpha</h2>" in section
    for label in (
        "state-deleted",
        "state-unknown",
        "state-none",
        "state-found",
        "ex-yes",
        "ex-unknown",
    ):
        assert label in section, label
    assert "acralpha" in section
    assert "ci-alice" in section
    beta_section = html[beta:]
    assert "The computes could not be listed" in beta_section
    # Fails come first in each workspace's table; the shared storage account's fail is not
    # repeated here, it is listed once under Shared resources.
    rows = [part.split('"', 1)[0] for part in beta_section.split('class="row-')[1:]]
    assert rows == ["fail", "error", "suppressed", "pass", "pass"]


def test_render_is_deterministic_and_written(result: AuditResult, tmp_path: Path) -> None:
    html = render_html_report(result)
    assert html == render_html_report(dataclasses.replace(result, findings=result.findings[::-1]))
    path = write_html_report(result, tmp_path)
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == html
    assert html.startswith("<!DOCTYPE html>")


def _spoofed_result() -> AuditResult:
    """Invisible characters in every kind of text the page prints."""
    ws_id = WS_ALPHA.replace("ws-alpha", SPOOFED)
    ws = make_workspace(
        ws_id,
        {},
        computes=None,
        computes_error=f"denied{RLO}\u200b",
        tags={f"owner{RLO}": "team\u2066-a\u2069\ufeff"},
    )
    finding = make_finding(
        "AML-NET-001",
        ws_id,
        Status.FAIL,
        workspace_ids=(ws_id,),
        message=f"{SPOOFED} is public\x1b[31m",
        evidence=freeze_object({f"key{RLO}": f"value\x85{RLO}", "nested": [f"\u200e{RLO}"]}),
        remediation=f"see https://example.com/a{RLO}gpj.exe now",
    )
    error = CollectionError(
        scope=ws_id, source="arm", code=f"Code{RLO}", message=f"failed\x7f{RLO}", status_code=500
    )
    result = make_result((ws,), (finding,), errors=(error,))
    return dataclasses.replace(result, run=dataclasses.replace(result.run, id=f"run{RLO}1"))


def test_invisible_characters_are_shown_as_code_points_everywhere() -> None:
    html = render_html_report(_spoofed_result())
    assert not [hex(ord(c)) for c in INVISIBLE if c in html]
    assert f"<h2>{SPOOFED_SHOWN}</h2>" in html  # names
    assert f'title="{WS_ALPHA.replace("ws-alpha", SPOOFED_SHOWN)}"' in html  # attributes
    assert "<title>Azure ML audit run&lt;U+202E&gt;1</title>" in html
    assert "owner&lt;U+202E&gt; = team&lt;U+2066&gt;-a&lt;U+2069&gt;&lt;U+FEFF&gt;" in html  # tags
    assert "denied&lt;U+202E&gt;&lt;U+200B&gt;" in html  # computes error
    assert f"{SPOOFED_SHOWN} is public&lt;U+001B&gt;[31m" in html  # messages
    assert "Code&lt;U+202E&gt;" in html and "failed&lt;U+007F&gt;&lt;U+202E&gt;" in html
    assert "key&lt;U+202E&gt;" in html and "value&lt;U+0085&gt;&lt;U+202E&gt;" in html  # evidence
    assert "&lt;U+200E&gt;&lt;U+202E&gt;" in html
    # The marker ends a URL: the link keeps only what precedes it.
    assert 'href="https://example.com/a"' in html
    assert "https://example.com/a</a>&lt;U+202E&gt;gpj.exe now" in html


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_each_invisible_character_is_escaped(char: str) -> None:
    ws = make_workspace(WS_ALPHA, {}, tags={"note": f"x{char}y"})
    html = render_html_report(make_result((ws,)))
    assert char not in html
    assert f"x&lt;U+{ord(char):04X}&gt;y" in html


def test_visible_text_is_left_alone() -> None:
    text = "line one\nline\ttwo café 日本語 שלום عربي ✓"
    assert show_invisible(text) == text
    ws = make_workspace(WS_ALPHA, {}, tags={"note": text})
    assert f"note = {text}" in render_html_report(make_result((ws,)))


def _size(html: str) -> int:
    return len(html.encode("utf-8"))


def test_page_size_is_linear_in_workspaces_sharing_a_bundle() -> None:
    small = render_html_report(shared_bundle_result(20))
    large = render_html_report(shared_bundle_result(40))
    assert _size(large) <= 2 * _size(small) + 2_000


def test_each_shared_finding_is_shown_once_and_linked_from_every_workspace() -> None:
    workspaces = 25
    result = shared_bundle_result(workspaces)
    html = render_html_report(result)
    shared_keys = {rid.lower() for rid in SHARED_BUNDLE.values()}
    shared_findings = [f for f in result.findings if f.resource_id.lower() in shared_keys]
    assert len(shared_findings) == 12
    for finding in shared_findings:
        assert html.count(finding.message) == 1, finding.message
        assert html.count(finding.fingerprint) == 1
    for finding in result.findings:
        if finding not in shared_findings:
            assert html.count(finding.message) == 1, finding.message
    sections = html.split('<section class="workspace"')[1:]
    assert len(sections) == workspaces
    for section in sections:
        links = re.findall(r'<li>(\w+) <a href="#(res-\d)">([\w-]+)</a>: (.*?)</li>', section)
        assert [(role, name) for role, _, name, _ in links] == [
            (role.value, rid.rsplit("/", 1)[-1]) for role, rid in SHARED_BUNDLE.items()
        ]
        for _, anchor, _, counts in links:
            assert f'id="{anchor}"' in html
            assert counts == (
                '<span class="badge st-fail">1 fail</span> '
                '<span class="badge st-unknown">1 unknown</span> '
                '<span class="badge st-pass">1 pass</span> '
            )
        assert section.count('class="row-') == 1  # only its own finding


def test_every_finding_of_the_sample_is_still_shown(result: AuditResult) -> None:
    orphan = make_finding("AML-SUB-001", "/subscriptions/x", Status.FAIL, message="orphan finding")
    html = render_html_report(dataclasses.replace(result, findings=(*result.findings, orphan)))
    for finding in (*result.findings, orphan):
        assert finding.fingerprint in html, finding.rule_id
    assert "orphan finding" in html.split('<section id="other">', 1)[1]
    shared = html.split('<section id="shared">', 1)[1].split('<section class="workspace"', 1)[0]
    assert "AML-NET-010 is fail on stshared" in shared  # beta spells its id in lower case
    assert html.count("AML-NET-010 is fail on stshared") == 1
    for ws_id in (WS_ALPHA, WS_BETA):
        section = html.split(f"<h2>{ws_id.rsplit('/', 1)[-1]}</h2>", 1)[1].split("</section>")[0]
        assert '<a href="#res-1">stshared</a>: <span class="badge st-fail">1 fail</span>' in section
