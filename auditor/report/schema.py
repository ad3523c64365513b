"""The JSON Schema of ``report.json`` version 1, and validation against it.

The schema file ships inside the package (``auditor/report/schema/report-v1.schema.json``) so that
consumers can fetch it from an installed wheel or image as well as from the source tree.
"""

import json
from importlib import resources
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_FILE_NAME = "report-v1.schema.json"


def load_report_schema() -> dict[str, Any]:
    """The report schema as a dict (a fresh copy on every call, so callers may change it)."""
    text = resources.files("auditor.report").joinpath("schema", SCHEMA_FILE_NAME).read_text("utf-8")
    return cast(dict[str, Any], json.loads(text))


def validate_report(doc: dict[str, Any]) -> None:
    """Check ``doc`` against the report schema.

    Raises:
        ValueError: the document does not match; the message starts with the JSON path of the
            problem (``$.workspaces[0].attached``) so it can be found in a large report.
    """
    validator = Draft202012Validator(load_report_schema())
    # best_match picks the most specific of the errors, and does so deterministically.
    error = best_match(validator.iter_errors(doc))
    if error is not None:
        raise ValueError(f"{error.json_path}: {error.message}")
