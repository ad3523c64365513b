"""Narrowing frozen JSON values (finding evidence, resource properties) to the shape a test reads.

Each helper asserts the shape it returns, so data of another shape fails the test at that line,
with the value shown, as indexing it would have failed it; the type checker then knows the shape.
"""

from collections.abc import Mapping, Sequence

from auditor.json_types import JsonValue


def as_object(value: JsonValue) -> Mapping[str, JsonValue]:
    """``value``, asserted to be a JSON object."""
    assert isinstance(value, Mapping), f"expected a JSON object, got {value!r}"
    return value


def as_objects(value: JsonValue) -> list[Mapping[str, JsonValue]]:
    """``value``, asserted to be a JSON array of objects."""
    assert isinstance(value, Sequence) and not isinstance(value, str), (
        f"expected a JSON array, got {value!r}"
    )
    return [as_object(entry) for entry in value]


def as_text(value: JsonValue) -> str:
    """``value``, asserted to be a JSON string."""
    assert isinstance(value, str), f"expected a JSON string, got {value!r}"
    return value
