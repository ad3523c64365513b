"""Atomic writes: a reader sees the old file or the new one, never a part, and no litter is left."""

import os
from pathlib import Path

import pytest

from auditor.report.files import atomic_write_bytes, atomic_write_text


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_creates_parents_and_writes_utf8(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.json"
    atomic_write_text(target, "café\n")
    assert target.read_bytes() == "café\n".encode()
    assert _names(target.parent) == ["report.json"]


def test_replaces_existing_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _names(tmp_path) == ["report.html"]


def test_new_file_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "costs.csv"
    atomic_write_text(target, "x")
    assert target.stat().st_mode & 0o044 == 0o044


def test_failed_write_keeps_old_content_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["report.json"]
