"""Errors raised while parsing or running KQL, shaped like Resource Graph's error details."""

from __future__ import annotations


class KqlError(Exception):
    """A query Resource Graph would reject.

    Attributes:
        code: Detail code (``ParserFailure``, ``InvalidQueryLanguage``, ...).
        message: What went wrong and where.
        line: 1-based line of the offending token, or -1 when unknown.
        column: 0-based character position in that line, or -1 when unknown.
        token: The offending token text ("" when unknown).
    """

    def __init__(
        self, code: str, message: str, *, line: int = -1, column: int = -1, token: str = ""
    ) -> None:
        """Create the error."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.token = token

    def detail(self) -> dict[str, object]:
        """The entry this error contributes to the response's ``error.details``."""
        return {
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "characterPositionInLine": self.column,
            "token": self.token,
        }


PARSER_FAILURE = "ParserFailure"
UNSUPPORTED = "InvalidQueryLanguage"
UNKNOWN_TABLE = "DisallowedLogicalTableName"
UNKNOWN_FUNCTION = "UnknownFunction"
SEMANTIC = "SemanticError"
