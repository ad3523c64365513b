"""The configuration that points a scan at a running simulator."""

from pathlib import Path
from typing import Any

from auditor.config import Settings, parse_settings


def simulator_config_data(endpoint: str, ca_file: Path, token: str) -> dict[str, Any]:
    """Configuration values for the simulator: custom cloud, its CA, its throwaway token."""
    return {
        "cloud": {
            "name": "custom",
            "resource_manager": endpoint,
            "authority": endpoint,
            "log_analytics": endpoint,
            "microsoft_graph": endpoint,
            "ca_file": str(ca_file),
        },
        "credential": {"type": "static_token", "token": token},
        # The simulator answers at once; waiting long between retries only slows tests and demos.
        "collection": {"retry_total": 3, "retry_backoff_seconds": 0.05},
    }


def simulator_settings(endpoint: str, ca_file: Path, token: str) -> Settings:
    """Validated settings for the simulator."""
    return parse_settings(
        simulator_config_data(endpoint, ca_file, token), source="simulator configuration"
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def render_simulator_config(endpoint: str, ca_file: Path, token: str) -> str:
    """``auditor.toml`` text for ``auditor scan --config``."""
    lines = ["# Written by `auditor simulator`: scans the simulated tenant.", ""]
    for table, values in simulator_config_data(endpoint, ca_file, token).items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)
