"""Turning SDK exceptions into recorded collection errors."""

from azure.core.exceptions import (
    AzureError,
    DecodeError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from auditor.inventory.model import CollectionError

MALFORMED = "MalformedResponse"


class MalformedPayloadError(ValueError):
    """Azure answered 2xx with a body that does not have the documented shape."""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def describe(exc: BaseException) -> tuple[str, str, int | None]:
    """(code, message, status) of an exception raised by an SDK call or by payload parsing."""
    if isinstance(exc, MalformedPayloadError):
        return MALFORMED, str(exc), None
    if isinstance(exc, DecodeError):
        return MALFORMED, f"the response body is not valid JSON: {_first_line(str(exc))}", None
    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None) or (f"HTTP{status}" if status else "HttpError")
        message = getattr(error, "message", None) or exc.reason or _first_line(str(exc))
        if status == 429:
            code = code if code not in ("HTTP429", "429") else "Throttled"
            message = f"throttled and out of retries: {message}"
        return str(code), _first_line(str(message)), status
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
