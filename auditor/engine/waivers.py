"""Waivers: accepted risks that turn matching findings into ``suppressed``.

An expired waiver stops suppressing and is reported, so nobody forgets to renew or fix.
"""

import dataclasses
import fnmatch
from collections.abc import Sequence
from datetime import date

from auditor.findings import Finding, Status, Waiver


def waiver_matches(waiver: Waiver, finding: Finding) -> bool:
    """Rule id (glob) and resource id (glob) both match, case-insensitively."""
    return fnmatch.fnmatchcase(finding.rule_id.upper(), waiver.rule_id.upper()) and (
        fnmatch.fnmatchcase(finding.resource_id.lower(), waiver.resource.lower())
    )


def apply_waivers(
    findings: Sequence[Finding], waivers: Sequence[Waiver], today: date
) -> tuple[tuple[Finding, ...], tuple[Waiver, ...]]:
    """Suppress findings matched by a waiver still in force.

    Only ``fail`` findings are suppressed: a waiver accepts a known risk; it must not hide missing
    data (``unknown``), a broken rule (``error``) or turn a clean result into something else.

    Returns:
        The findings, and the expired waivers.
    """
    active = [w for w in waivers if w.expires >= today]
    expired = tuple(w for w in waivers if w.expires < today)
    result = []
    for finding in findings:
        waiver = None
        if finding.status is Status.FAIL:
            waiver = next((w for w in active if waiver_matches(w, finding)), None)
        if waiver is None:
            result.append(finding)
            continue
        result.append(
            dataclasses.replace(
                finding,
                status=Status.SUPPRESSED,
                suppressed_status=finding.status,
                waiver=waiver,
            )
        )
    return tuple(result), expired
