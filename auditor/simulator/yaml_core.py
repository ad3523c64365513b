"""A YAML loader that resolves plain scalars by the YAML 1.2 core schema.

PyYAML follows YAML 1.1, which turns ``Off``/``yes`` into booleans, ``2022-08-31`` into dates and
``1:20`` into integers. Tenant files paste ARM JSON whose strings must stay strings, so only
``null``/``true``/``false``, decimal and hex integers and decimal reals are resolved; anything
else (``0123``, ``Off``, ``2022-08-31``) stays a string.
"""

from __future__ import annotations

import re

import yaml

# (tag, pattern, possible first characters; "" stands for the empty scalar)
_RESOLVERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ("~", "n", "N", "")),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", tuple("tTfF")),
    # No leading zeros: PyYAML's int constructor would read them as octal (``012`` is 10).
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$",
        tuple("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        tuple("-+0123456789."),
    ),
)


class CoreSchemaLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalar resolution.

    The resolver table is set per instance so that PyYAML's class-level registry (shared by every
    SafeLoader in the process) stays untouched.
    """

    def __init__(self, stream: str) -> None:
        """Create a loader for one document stream."""
        super().__init__(stream)
        resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
        for tag, pattern, first in _RESOLVERS:
            for ch in first:
                resolvers.setdefault(ch, []).append((tag, re.compile(pattern)))
        self.yaml_implicit_resolvers = resolvers


def load_yaml(text: str) -> object:
    """Parse YAML text with the core-schema loader.

    Raises:
        yaml.YAMLError: The text is not valid YAML.
    """
    return yaml.load(text, Loader=CoreSchemaLoader)
