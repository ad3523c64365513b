"""Recursive-descent parser for the simulator's KQL subset.

Grammar (keywords are case-sensitive, as in KQL)::

    query      := IDENT ('|' operator)* [';']
    operator   := 'where' expr | ('project' | 'extend') assign (',' assign)*
                | 'project-away' IDENT (',' IDENT)* | ('order' | 'sort') 'by' key (',' key)*
                | ('take' | 'limit') NUMBER | 'distinct' ('*' | IDENT (',' IDENT)*)
                | 'mv-expand' assign
                | 'join' ['kind' '=' IDENT] '(' query ')' 'on' IDENT (',' IDENT)*
                | 'summarize' [IDENT '='] 'count' '(' ')' ['by' assign (',' assign)*] | 'count'
    assign     := [IDENT '='] expr
    key        := expr ['asc' | 'desc'] ['nulls' ('first' | 'last')]
    expr       := and ('or' and)*
    and        := compare ('and' compare)*
    compare    := unary [('==' | '!=' | '=~' | '!~' | '<' | '>' | '<=' | '>=') unary
                         | ('in' | '!in' | 'in~' | '!in~') '(' expr (',' expr)* ')']
    unary      := '-' unary | postfix
    postfix    := primary ('.' IDENT | '[' (STRING | NUMBER) ']')*
    primary    := STRING | NUMBER | 'true' | 'false' | IDENT '(' [expr (',' expr)*] ')' | IDENT
                | '(' expr ')'
"""

from __future__ import annotations

from auditor.simulator.kql import syntax as s
from auditor.simulator.kql.errors import (
    PARSER_FAILURE,
    UNKNOWN_FUNCTION,
    UNSUPPORTED,
    KqlError,
)
from auditor.simulator.kql.functions import SIGNATURES
from auditor.simulator.kql.lexer import Kind, Token, tokenize

JOIN_KINDS = frozenset({"inner", "innerunique", "leftouter"})
COMPARISONS = frozenset({"==", "!=", "=~", "!~", "<", ">", "<=", ">="})
IN_OPERATORS = frozenset({"in", "!in", "in~", "!in~"})

# Real KQL that Resource Graph (or this simulator) does not run: reported as unsupported
# instead of as a syntax error, so the message says what is wrong.
KNOWN_OPERATORS = frozenset(
    {
        "as", "consume", "evaluate", "extend-schema", "facet", "filter", "find", "fork",
        "getschema", "invoke", "lookup", "make-series", "mv-apply", "parse", "parse-where",
        "partition", "print", "project-keep", "project-rename", "project-reorder", "range",
        "reduce", "render", "sample", "sample-distinct", "scan", "search", "serialize", "top",
        "top-hitters", "top-nested", "union",
    }
)  # fmt: skip
KNOWN_SCALAR_OPERATORS = frozenset(
    {
        "contains", "contains_cs", "has", "has_cs", "hasprefix", "hassuffix", "startswith",
        "startswith_cs", "endswith", "endswith_cs", "matches", "between", "like", "has_any",
        "has_all",
    }
)  # fmt: skip


def _fail(token: Token, message: str, code: str = PARSER_FAILURE) -> KqlError:
    where = f"at line {token.line}, position {token.column}"
    return KqlError(
        code, f"{message} {where}", line=token.line, column=token.column, token=token.text
    )


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    # -- token helpers -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.index]

    def peek(self) -> Token:
        """The token after the current one (the END token at the end)."""
        return self.tokens[min(self.index + 1, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.END:
            self.index += 1
        return token

    def at_op(self, text: str) -> bool:
        return self.tok.kind is Kind.OP and self.tok.text == text

    def at_word(self, text: str) -> bool:
        return self.tok.kind is Kind.IDENT and self.tok.text == text

    def expect_op(self, text: str) -> Token:
        if not self.at_op(text):
            raise _fail(self.tok, f"expected '{text}' but found {self.describe()}")
        return self.advance()

    def expect_word(self, text: str) -> Token:
        if not self.at_word(text):
            raise _fail(self.tok, f"expected '{text}' but found {self.describe()}")
        return self.advance()

    def expect_ident(self, what: str) -> Token:
        if self.tok.kind is not Kind.IDENT:
            raise _fail(self.tok, f"expected {what} but found {self.describe()}")
        return self.advance()

    def describe(self) -> str:
        return self.tok.kind.value if self.tok.kind is Kind.END else f"'{self.tok.text}'"

    # -- tabular -----------------------------------------------------------------------------

    def query(self) -> s.Query:
        table = self.expect_ident("a table name")
        operators: list[s.Operator] = []
        while self.at_op("|"):
            self.advance()
            operators.append(self.operator())
        return s.Query(table.text, table.line, table.column, tuple(operators))

    def operator(self) -> s.Operator:
        token = self.expect_ident("a query operator")
        word = token.text
        if word == "where":
            return s.Where(self.expr())
        if word in ("project", "extend"):
            return s.Project(self.assignments(), extend=word == "extend")
        if word == "project-away":
            return s.ProjectAway(self.names())
        if word in ("order", "sort"):
            self.expect_word("by")
            return s.OrderBy(self.sort_keys())
        if word in ("take", "limit"):
            count = self.advance()
            if count.kind is not Kind.NUMBER or not isinstance(count.value, int):
                raise _fail(count, f"'{word}' needs a whole number")
            return s.Take(count.value)
        if word == "distinct":
            if self.at_op("*"):
                self.advance()
                return s.Distinct(None)
            return s.Distinct(self.names())
        if word == "mv-expand":
            return s.MvExpand(self.assignment())
        if word == "join":
            return self.join()
        if word == "summarize":
            return self.summarize()
        if word == "count":
            return s.Count()
        if word.lower() in KNOWN_OPERATORS:
            raise _fail(token, f"operator '{word}' is not supported", UNSUPPORTED)
        raise _fail(token, f"unknown query operator '{word}'")

    def names(self) -> tuple[s.ColumnRef, ...]:
        out = [self.name()]
        while self.at_op(","):
            self.advance()
            out.append(self.name())
        return tuple(out)

    def name(self) -> s.ColumnRef:
        token = self.expect_ident("a column name")
        return s.ColumnRef(token.line, token.column, token.text)

    def assignments(self) -> tuple[s.Assignment, ...]:
        out = [self.assignment()]
        while self.at_op(","):
            self.advance()
            out.append(self.assignment())
        return tuple(out)

    def assignment(self) -> s.Assignment:
        nxt = self.peek()
        if self.tok.kind is Kind.IDENT and nxt.kind is Kind.OP and nxt.text == "=":
            name = self.advance().text
            self.advance()
            return s.Assignment(name, self.expr())
        return s.Assignment(None, self.expr())

    def sort_keys(self) -> tuple[s.SortKey, ...]:
        keys: list[s.SortKey] = []
        while True:
            expr = self.expr()
            descending = True  # KQL sorts descending unless told otherwise
            if self.at_word("asc") or self.at_word("desc"):
                descending = self.advance().text == "desc"
            nulls_first = not descending
            if self.at_word("nulls"):
                self.advance()
                if not (self.at_word("first") or self.at_word("last")):
                    raise _fail(self.tok, "expected 'first' or 'last' after 'nulls'")
                nulls_first = self.advance().text == "first"
            keys.append(s.SortKey(expr, descending, nulls_first))
            if not self.at_op(","):
                return tuple(keys)
            self.advance()

    def join(self) -> s.Join:
        kind = "innerunique"  # KQL's default join flavour
        if self.at_word("kind"):
            self.advance()
            self.expect_op("=")
            token = self.expect_ident("a join kind")
            if token.text not in JOIN_KINDS:
                raise _fail(token, f"join kind '{token.text}' is not supported", UNSUPPORTED)
            kind = token.text
        if self.tok.kind is Kind.IDENT:
            raise _fail(self.tok, f"join parameter '{self.tok.text}' is not supported", UNSUPPORTED)
        self.expect_op("(")
        right = self.query()
        self.expect_op(")")
        self.expect_word("on")
        return s.Join(kind, right, self.names())

    def summarize(self) -> s.Summarize:
        name = "count_"
        nxt = self.peek()
        if self.tok.kind is Kind.IDENT and nxt.kind is Kind.OP and nxt.text == "=":
            name = self.advance().text
            self.advance()
        token = self.expect_ident("an aggregation")
        if token.text != "count":
            raise _fail(token, f"aggregation '{token.text}' is not supported", UNSUPPORTED)
        self.expect_op("(")
        self.expect_op(")")
        by: tuple[s.Assignment, ...] = ()
        if self.at_word("by"):
            self.advance()
            by = self.assignments()
        return s.Summarize(name, by)

    # -- scalar ------------------------------------------------------------------------------

    def expr(self) -> s.Expr:
        left = self.conjunction()
        while self.at_word("or"):
            token = self.advance()
            left = s.Binary(token.line, token.column, "or", left, self.conjunction())
        return left

    def conjunction(self) -> s.Expr:
        left = self.comparison()
        while self.at_word("and"):
            token = self.advance()
            left = s.Binary(token.line, token.column, "and", left, self.comparison())
        return left

    def comparison(self) -> s.Expr:
        left = self.unary()
        token = self.tok
        if token.kind is Kind.OP and token.text in COMPARISONS:
            self.advance()
            return s.Binary(token.line, token.column, token.text, left, self.unary())
        if (token.kind is Kind.OP and token.text in IN_OPERATORS) or self.at_word("in"):
            self.advance()
            self.expect_op("(")
            items = [self.expr()]
            while self.at_op(","):
                self.advance()
                items.append(self.expr())
            self.expect_op(")")
            return s.InList(token.line, token.column, token.text, left, tuple(items))
        if token.kind is Kind.IDENT and token.text.lower() in KNOWN_SCALAR_OPERATORS:
            raise _fail(token, f"operator '{token.text}' is not supported", UNSUPPORTED)
        return left

    def unary(self) -> s.Expr:
        if self.at_op("-"):
            token = self.advance()
            return s.Unary(token.line, token.column, "-", self.unary())
        return self.postfix()

    def postfix(self) -> s.Expr:
        expr = self.primary()
        while True:
            if self.at_op("."):
                self.advance()
                name = self.expect_ident("a property name")
                expr = s.Member(name.line, name.column, expr, name.text)
            elif self.at_op("["):
                bracket = self.advance()
                key_token = self.advance()
                if key_token.kind is Kind.STRING:
                    key: str | int = str(key_token.value)
                elif key_token.kind is Kind.NUMBER and isinstance(key_token.value, int):
                    key = key_token.value
                else:
                    raise _fail(key_token, "expected a string or an index inside '[ ]'")
                self.expect_op("]")
                expr = s.Member(bracket.line, bracket.column, expr, key)
            else:
                return expr

    def primary(self) -> s.Expr:
        token = self.advance()
        if token.kind in (Kind.STRING, Kind.NUMBER):
            return s.Literal(token.line, token.column, token.value)
        if token.kind is Kind.IDENT:
            if token.text in ("true", "false"):
                return s.Literal(token.line, token.column, token.text == "true")
            if self.at_op("("):
                return self.call(token)
            return s.ColumnRef(token.line, token.column, token.text)
        if token.kind is Kind.OP and token.text == "(":
            inner = self.expr()
            self.expect_op(")")
            return inner
        raise _fail(token, f"unexpected {token.kind.value} '{token.text}'")

    def call(self, name: Token) -> s.Call:
        self.expect_op("(")
        args: list[s.Expr] = []
        if not self.at_op(")"):
            args.append(self.expr())
            while self.at_op(","):
                self.advance()
                args.append(self.expr())
        self.expect_op(")")
        signature = SIGNATURES.get(name.text)
        if signature is None:
            raise _fail(name, f"unknown function '{name.text}'", UNKNOWN_FUNCTION)
        low, high = signature
        if not low <= len(args) <= high:
            raise _fail(name, f"function '{name.text}' got {len(args)} arguments")
        return s.Call(name.line, name.column, name.text, tuple(args))


def parse(text: str) -> s.Query:
    """Parse a whole query.

    Raises:
        KqlError: The text is not valid KQL, or uses KQL outside the supported subset.
    """
    parser = _Parser(tokenize(text))
    query = parser.query()
    if parser.at_op(";"):
        parser.advance()
    if parser.tok.kind is not Kind.END:
        raise _fail(parser.tok, f"unexpected {parser.describe()}")
    return query
