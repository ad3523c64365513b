"""report.html: escaping of untrusted text, no external assets, errors shown prominently."""

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

from auditor.findings import Status
from auditor.inventory.model import AttachedRef, AttachedRole, LookupState
from auditor.report.html_writer import render_html_report, write_html_report
from auditor.report.model import AuditResult
from tests.report.report_builders import (
    STORAGE,
    WS_ALPHA,
    make_finding,
    make_result,
    make_workspace,
)

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_TAG = "a&b\"c'd<e>f"


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
    assert "Partial run: some findings are unknown" in box
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
    # Fails come first in each workspace's table.
    rows = [part.split('"', 1)[0] for part in beta_section.split('class="row-')[1:]]
    assert rows == ["fail", "fail", "error", "suppressed", "pass", "pass"]


def test_render_is_deterministic_and_written(result: AuditResult, tmp_path: Path) -> None:
    html = render_html_report(result)
    assert html == render_html_report(dataclasses.replace(result, findings=result.findings[::-1]))
    path = write_html_report(result, tmp_path)
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == html
    assert html.startswith("<!DOCTYPE html>")
