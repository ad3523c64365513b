"""Parsing response bodies that may be hostile: bounded depth, clear errors, never a crash."""

import pytest

from auditor.collect.errors import MalformedPayloadError
from auditor.collect.payloads import MAX_DEPTH, optional_str, parse_json, parse_object


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("", "empty"),
        ("  \n", "empty"),
        ("<html>502</html>", "not JSON"),
        ('{"a": 1', "not JSON"),
        (_nested(MAX_DEPTH + 1), "nested more than"),
        (_nested(100_000), "nested too deeply"),
    ],
)
def test_malformed_bodies_are_named(body: str, problem: str) -> None:
    with pytest.raises(MalformedPayloadError, match=problem):
        parse_json(body, "GET /x")


def test_depth_at_the_limit_is_accepted() -> None:
    assert parse_json(_nested(MAX_DEPTH), "GET /x") is not None


@pytest.mark.parametrize("body", ["[]", "1", '"s"', "null", "true"])
def test_object_expected(body: str) -> None:
    with pytest.raises(MalformedPayloadError, match="expected a JSON object"):
        parse_object(body, "GET /x")


def test_optional_string_member() -> None:
    assert optional_str({"a": "x"}, "a", "w") == "x"
    assert optional_str({}, "a", "w") is None
    with pytest.raises(MalformedPayloadError, match="'a' is a number"):
        optional_str({"a": 42}, "a", "w")
