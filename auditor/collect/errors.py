"""Turning SDK exceptions into recorded collection errors."""

import logging
from typing import Protocol

from azure.core.exceptions import (
    AzureError,
    DecodeError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from auditor.azure_sdk.policies import DeadlineExceededError, EndpointNotAllowedError
from auditor.inventory.model import CollectionError
from auditor.redaction import scrub_text

MALFORMED = "MalformedResponse"
DEADLINE = "DeadlineExceeded"
# Error bodies come from the network too; a message is a line, not a payload.
_MAX_MESSAGE = 1000


logger = logging.getLogger(__name__)


class MalformedPayloadError(ValueError):
    """Azure answered 2xx with a body that does not have the documented shape."""


# What a collector catches around one call: Azure's errors and answers of the wrong shape.
COLLECTOR_ERRORS = (AzureError, MalformedPayloadError)


class _ErrorSink(Protocol):
    def add(self, error: CollectionError) -> None: ...


def _first_line(text: str) -> str:
    # Error bodies may echo what a request or a document carried: scrub before anything keeps it.
    text = scrub_text(text)
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"


def _retry_after(exc: HttpResponseError) -> str | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        value = headers.get("Retry-After") or headers.get("retry-after")
    except AttributeError:
        return None
    return str(value)[:20] if value else None


def describe(exc: BaseException) -> tuple[str, str, int | None]:
    """(code, message, status) of an exception raised by an SDK call or by payload parsing."""
    if isinstance(exc, MalformedPayloadError):
        return MALFORMED, _first_line(str(exc)), None
    if isinstance(exc, DeadlineExceededError):
        return DEADLINE, _first_line(str(exc)), None
    if isinstance(exc, EndpointNotAllowedError):
        return "EndpointNotAllowed", _first_line(str(exc)), None
    if isinstance(exc, DecodeError):
        return MALFORMED, f"the response body is not valid JSON: {_first_line(str(exc))}", None
    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None) or (f"HTTP{status}" if status else "HttpError")
        message = getattr(error, "message", None) or exc.reason or _first_line(str(exc))
        if status == 429:
            code = code if code not in ("HTTP429", "429") else "Throttled"
            asked = _retry_after(exc)
            wait = f" (Azure asked to wait {asked} s)" if asked else ""
            message = f"throttled and out of retries{wait}: {message}"
        return _first_line(str(code))[:80], _first_line(str(message)), status
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return "NetworkError", _first_line(str(exc)), None
    if isinstance(exc, AzureError):
        return type(exc).__name__, _first_line(str(exc)), None
    return type(exc).__name__, _first_line(str(exc)), None


def to_collection_error(exc: BaseException, *, scope: str, source: str) -> CollectionError:
    """A recorded error for this failure."""
    code, message, status = describe(exc)
    return CollectionError(
        scope=scope, source=source, code=code, message=message, status_code=status
    )


def is_not_found(exc: BaseException) -> bool:
    """Azure said the resource (or its group) does not exist."""
    if not isinstance(exc, HttpResponseError) or exc.status_code != 404:
        return False
    code = getattr(getattr(exc, "error", None), "code", None)
    return code in (None, "ResourceNotFound", "ResourceGroupNotFound", "NotFound")


def internal_error(exc: Exception, *, scope: str, source: str) -> CollectionError:
    """The collection error of an unexpected exception (a bug met on odd data), traceback logged.

    One strange document must cost what it was for, not the run; the traceback goes to the log
    so the bug can still be found.
    """
    logger.error("internal error while collecting %s (%s)", scope, source, exc_info=exc)
    return CollectionError(
        scope=scope,
        source=source,
        code="InternalError",
        message=f"{type(exc).__name__}: {_first_line(str(exc))}",
    )


def record_failure(log: _ErrorSink, exc: Exception, *, scope: str, source: str) -> None:
    """Record :func:`internal_error` of ``exc`` as that scope's collection error."""
    log.add(internal_error(exc, scope=scope, source=source))


def deadline_error(source: str, count: int, what: str) -> CollectionError:
    """One error for every call the deadline stopped, instead of one per workspace or resource."""
    return CollectionError(
        scope="/",
        source=source,
        code=DEADLINE,
        message=f"the collection deadline passed before {count} {what}",
    )
