"""Fixtures shared by the report tests."""

import pytest

from auditor.report.model import AuditResult
from tests.report.report_builders import sample_result


@pytest.fixture
def result() -> AuditResult:
    """The partial two-workspace run described in ``report_builders.sample_result``."""
    return sample_result()
