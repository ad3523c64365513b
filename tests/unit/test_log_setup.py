"""The auditor's logging: no secret-shaped value reaches the stream, at any level, from anywhere."""

import io
import logging
import sys

import pytest

from auditor.log_setup import RedactingFormatter, setup_logging

STORAGE_KEY = (  # 88 characters, as a storage account key
    "q8Vb3T2mZx9RkL7wYp4NcH6sJd1FgA5eUo0iKt3rWv8yBn2MhQ7lPz4XcE9aSj6uGf1DkO5tRw3VbN8mYp2Lxg=="
)
CONNECTION = f"DefaultEndpointsProtocol=https;AccountName=st;AccountKey={STORAGE_KEY};"
JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJtYW5hZ2VtZW50In0.c2lnbmF0dXJlLXBhcnQ"
SAS = "https://st.blob.core.windows.net/c?sv=2022-11-02&sig=k3Hf%2BQm9ZpW0vLx7TnRc4Yb%3D"


@pytest.fixture
def stream(debug_log: io.StringIO) -> io.StringIO:
    """setup_logging(verbose=True) into a buffer (the shared fixture restores the setup after)."""
    return debug_log


def test_a_secret_in_debug_arguments_never_reaches_the_stream(stream: io.StringIO) -> None:
    log = logging.getLogger("auditor.collect.test")
    log.debug("datastore %s, token %s, url %s", CONNECTION, JWT, SAS)
    text = stream.getvalue()
    assert STORAGE_KEY not in text
    assert JWT not in text
    assert "k3Hf" not in text
    # The rest of the line is still there to read.
    assert "DEBUG auditor.collect.test: datastore" in text
    assert "AccountName=st;AccountKey=[redacted];" in text
    assert "sig=[redacted]" in text


def test_a_secret_in_an_exception_traceback_never_reaches_the_stream(stream: io.StringIO) -> None:
    log = logging.getLogger("auditor.collect.test")
    try:
        raise ValueError(f"Azure answered {{'ConnectionString': '{CONNECTION}'}} with {JWT}")
    except ValueError:
        log.debug("collection failed", exc_info=True)
        log.exception("collection failed again")
    text = stream.getvalue()
    assert "Traceback (most recent call last)" in text
    assert text.count("ValueError: Azure answered") == 2
    assert STORAGE_KEY not in text
    assert JWT not in text


def test_a_secret_in_a_stack_dump_never_reaches_the_stream(stream: io.StringIO) -> None:
    # The stack shows each caller's source line, this comment included: AKIAZ7Q3XJ5N2LD4WPKM
    logging.getLogger("t").debug("here", stack_info=True)  # AKIAZ7Q3XJ5N2LD4WPKM
    text = stream.getvalue()
    assert "Stack (most recent call last)" in text
    assert "AKIAZ7Q3XJ5N2LD4WPKM" not in text


def test_the_cached_exception_text_is_scrubbed_for_other_handlers() -> None:
    try:
        raise RuntimeError(f"token {JWT}")
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "boom", None, None)
        record.exc_info = sys.exc_info()
    RedactingFormatter().format(record)
    assert record.exc_text is not None
    assert "RuntimeError: token [redacted]" in record.exc_text


def test_info_level_drops_debug_and_scrubs_warnings(stream: io.StringIO) -> None:
    setup_logging(False, stream=stream)
    log = logging.getLogger("auditor.daemon")
    log.debug("not shown %s", JWT)
    log.warning("sink failed: Authorization: Bearer %s", "opaque-0123456789abcdef")
    text = stream.getvalue()
    assert "not shown" not in text
    assert "WARNING auditor.daemon: sink failed: Authorization: [redacted]" in text
    assert "opaque-0123456789abcdef" not in text
    assert logging.getLogger("azure").level == logging.WARNING
    assert len(logging.getLogger().handlers) == 1
