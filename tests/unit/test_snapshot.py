"""A saved inventory that is broken or crafted is a clear format error, never a crash."""

from pathlib import Path

import pytest

from auditor.inventory.snapshot import InventoryFormatError, load_inventory


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{not json", "not valid JSON"),
        ('{"schema_version": "0"}', "schema_version"),
    ],
)
def test_bad_inventory_files(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "inventory.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InventoryFormatError, match=problem):
        load_inventory(path)
