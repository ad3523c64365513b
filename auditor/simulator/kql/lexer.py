"""KQL tokenizer for the subset the simulator understands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from auditor.simulator.kql.errors import PARSER_FAILURE, KqlError


class Kind(Enum):
    """Token kinds."""

    IDENT = "identifier"
    STRING = "string"
    NUMBER = "number"
    OP = "operator"
    END = "end of query"


@dataclass(frozen=True)
class Token:
    """One token with its position (1-based line, 0-based column)."""

    kind: Kind
    text: str
    value: object
    line: int
    column: int


# Longest first, so that "==" wins over "=" and "!in~" over "!in".
_OPERATORS = (
    "!in~",
    "!in",
    "in~",
    "==",
    "!=",
    "=~",
    "!~",
    "<=",
    ">=",
    "|",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
    "%",
    ";",
)

# KQL operator names that contain a dash; "project-away" must lex as one word, and the others are
# recognised so that they are reported as unsupported rather than as a syntax error.
DASHED_WORDS = frozenset(
    {
        "project-away",
        "project-keep",
        "project-rename",
        "project-reorder",
        "mv-expand",
        "mv-apply",
        "make-series",
    }
)

_ESCAPES: Mapping[str, str] = MappingProxyType(
    {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}
)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.tokens: list[Token] = []

    def fail(self, message: str, pos: int) -> KqlError:
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1)
        token = self.text[pos : pos + 1]
        return KqlError(
            PARSER_FAILURE,
            f"{message} at line {line}, position {column}",
            line=line,
            column=column,
            token=token,
        )

    def emit(self, kind: Kind, start: int, value: object) -> None:
        line = self.text.count("\n", 0, start) + 1
        column = start - (self.text.rfind("\n", 0, start) + 1)
        self.tokens.append(Token(kind, self.text[start : self.pos], value, line, column))

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch.isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif ch in "'\"":
                self.string(ch)
            elif ch.isdigit():
                self.number()
            elif ch.isalpha() or ch == "_":
                self.word()
            else:
                self.operator()
        self.emit(Kind.END, self.pos, None)
        return self.tokens

    def string(self, quote: str) -> None:
        start = self.pos
        self.pos += 1
        chars: list[str] = []
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise self.fail("unterminated string literal", start)
            ch = self.text[self.pos]
            if ch == quote:
                self.pos += 1
                break
            if ch == "\\":
                nxt = self.text[self.pos + 1 : self.pos + 2]
                if nxt not in _ESCAPES:
                    raise self.fail("invalid escape sequence", self.pos)
                chars.append(_ESCAPES[nxt])
                self.pos += 2
                continue
            chars.append(ch)
            self.pos += 1
        self.emit(Kind.STRING, start, "".join(chars))

    def number(self) -> None:
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos].isdigit():
            self.pos += 1
        is_real = False
        if text[self.pos : self.pos + 1] == "." and text[self.pos + 1 : self.pos + 2].isdigit():
            is_real = True
            self.pos += 1
            while self.pos < len(text) and text[self.pos].isdigit():
                self.pos += 1
        if self.pos < len(text) and (text[self.pos].isalpha() or text[self.pos] == "_"):
            raise self.fail("invalid number literal", start)
        literal = text[start : self.pos]
        self.emit(Kind.NUMBER, start, float(literal) if is_real else int(literal))

    def word(self) -> None:
        start = self.pos
        text = self.text
        while self.pos < len(text) and (text[self.pos].isalnum() or text[self.pos] == "_"):
            self.pos += 1
        # A dashed operator name such as "project-away" (no spaces around the dash).
        if text[self.pos : self.pos + 1] == "-":
            end = self.pos + 1
            while end < len(text) and text[end].isalpha():
                end += 1
            if text[start:end].lower() in DASHED_WORDS:
                self.pos = end
        if text[start : self.pos] == "in" and text[self.pos : self.pos + 1] == "~":
            self.pos += 1
            self.emit(Kind.OP, start, "in~")
            return
        self.emit(Kind.IDENT, start, text[start : self.pos])

    def operator(self) -> None:
        start = self.pos
        for op in _OPERATORS:
            if self.text.startswith(op, self.pos):
                # "!in" must not swallow the start of an identifier such as "!index".
                if op == "!in":
                    after = self.text[self.pos + 3 : self.pos + 4]
                    if after.isalnum() or after == "_":
                        continue
                self.pos += len(op)
                self.emit(Kind.OP, start, op)
                return
        raise self.fail(f"unexpected character {self.text[start]!r}", start)


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens, ending with one ``END`` token.

    Raises:
        KqlError: ``ParserFailure`` for a character or literal KQL does not allow here.
    """
    return _Scanner(text).run()
