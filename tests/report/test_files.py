"""Atomic writes and published runs: a reader sees the old set or the new one, never a part, and no
litter is left."""

import errno
import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.report.files import (
    atomic_write_bytes,
    atomic_write_text,
    is_temporary_name,
    lock_folder,
)
from auditor.report.manifest import MANIFEST_FILE_NAME, verify_manifest
from auditor.report.publish import (
    LOCK_FILE_NAME,
    STAGING_PREFIX,
    DestinationError,
    PublishError,
    RunOutput,
    remove_stale,
)


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


# --- publishing a run as one unit -----------------------------------------------------------------

RUN = "20261128T020000Z-1a2b3c"
WRITTEN_AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _writer(contents: dict[str, bytes]) -> Callable[[Path], list[Path]]:
    def write(folder: Path) -> list[Path]:
        for name, data in contents.items():
            atomic_write_bytes(folder / name, data)
        return [folder / name for name in contents]

    return write


def _publish(out: Path, run_id: str, contents: dict[str, bytes], *, per_run: bool = False) -> None:
    with RunOutput.open(out, run_id=run_id, per_run=per_run) as output:
        output.publish(_writer(contents), status="complete", written_at=WRITTEN_AT)


@pytest.mark.parametrize(
    ("name", "temporary"),
    [
        (".report.json.k2j4x1_a.tmp", True),
        (".inventory.json.abc.tmp", True),
        ("report.tmp", False),
        (".auditor.lock", False),
        ("notes.tmp.txt", False),
    ],
)
def test_temporary_names_are_those_of_atomic_writes(name: str, temporary: bool) -> None:
    assert is_temporary_name(name) is temporary


def test_lock_folder_is_exclusive_until_released(tmp_path: Path) -> None:
    fd = lock_folder(tmp_path)
    assert fd is not None
    assert lock_folder(tmp_path) is None  # another open file description: refused
    os.close(fd)
    again = lock_folder(tmp_path)
    assert again is not None
    os.close(again)
    assert lock_folder(tmp_path / "absent") is None


def test_publish_into_a_folder_replaces_the_set_and_writes_a_matching_manifest(
    tmp_path: Path,
) -> None:
    _publish(tmp_path, "old-run", {"report.json": b"old", "costs.csv": b"old"})
    _publish(tmp_path, RUN, {"report.json": b'{"new": 1}', "costs.csv": b"a,b\n"})
    manifest = json.loads((tmp_path / MANIFEST_FILE_NAME).read_text())
    assert manifest == {
        "run_id": RUN,
        "status": "complete",
        "written_at": "2026-11-28T02:00:00Z",
        "files": {
            "costs.csv": {"sha256": hashlib.sha256(b"a,b\n").hexdigest(), "bytes": 4},
            "report.json": {"sha256": hashlib.sha256(b'{"new": 1}').hexdigest(), "bytes": 10},
        },
    }
    assert verify_manifest(tmp_path) == []
    assert _names(tmp_path) == [LOCK_FILE_NAME, "costs.csv", MANIFEST_FILE_NAME, "report.json"]


def test_a_file_changed_after_publishing_fails_verification(tmp_path: Path) -> None:
    _publish(tmp_path, RUN, {"report.json": b"one", "report.html": b"two"})
    (tmp_path / "report.html").write_bytes(b"TWO")
    (tmp_path / "report.json").unlink()
    problems = verify_manifest(tmp_path)
    assert len(problems) == 2
    assert "report.html: differs" in problems[0] and "report.json: missing" in problems[1]
    (tmp_path / MANIFEST_FILE_NAME).unlink()
    assert "no manifest" in verify_manifest(tmp_path)[0]


def test_disk_full_while_writing_keeps_the_previous_set_and_removes_staging(
    tmp_path: Path,
) -> None:
    _publish(tmp_path, "old-run", {"report.json": b"old", "report.html": b"old"})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def fills_the_disk(folder: Path) -> list[Path]:
        atomic_write_bytes(folder / "report.json", b"new")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "report.html"))

    with (
        RunOutput.open(tmp_path, run_id=RUN, per_run=False) as output,
        pytest.raises(PublishError) as info,
    ):
        output.publish(fills_the_disk, status="complete")
    assert str(info.value) == (
        f"cannot write reports to {tmp_path}: [Errno 28] No space left on device"
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert verify_manifest(tmp_path) == []


def test_a_second_writer_of_a_locked_folder_is_refused_naming_the_holder(tmp_path: Path) -> None:
    with RunOutput.open(tmp_path, run_id=RUN, per_run=False):
        with pytest.raises(DestinationError) as info:
            RunOutput.open(tmp_path, run_id="another", per_run=False)
        assert f"process {os.getpid()} holds {tmp_path / LOCK_FILE_NAME}" in str(info.value)
        assert [n for n in _names(tmp_path) if n.startswith(STAGING_PREFIX)] == [
            f"{STAGING_PREFIX}{RUN}"
        ]
    assert _names(tmp_path) == [LOCK_FILE_NAME]  # nothing published: the staging folder is gone


def test_per_run_layout_renames_staging_and_points_latest(tmp_path: Path) -> None:
    _publish(tmp_path, "20261127T020000Z-000000", {"report.json": b"1"}, per_run=True)
    _publish(tmp_path, RUN, {"report.json": b"2"}, per_run=True)
    assert (tmp_path / "latest").readlink() == Path(RUN)
    assert (tmp_path / "latest" / "report.json").read_bytes() == b"2"
    assert _names(tmp_path / RUN) == [MANIFEST_FILE_NAME, "report.json"]
    assert verify_manifest(tmp_path / RUN) == []
    assert _names(tmp_path) == ["20261127T020000Z-000000", RUN, "latest"]


def test_sweep_removes_unlocked_staging_and_temporary_files_only(tmp_path: Path) -> None:
    stale = tmp_path / f"{STAGING_PREFIX}dead"
    stale.mkdir()
    (stale / "report.html").write_text("half")
    live = tmp_path / f"{STAGING_PREFIX}live"
    live.mkdir()
    (tmp_path / ".report.json.x1y2z3.tmp").write_text("half")
    (tmp_path / "report.json").write_text("kept")
    fd = lock_folder(live)
    assert fd is not None
    try:
        removed = remove_stale(tmp_path)
    finally:
        os.close(fd)
    assert sorted(p.name for p in removed) == [".report.json.x1y2z3.tmp", stale.name]
    assert _names(tmp_path) == [live.name, "report.json"]


def test_a_path_that_is_a_file_is_not_a_destination(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x")
    with pytest.raises(DestinationError, match="not a directory"):
        RunOutput.open(target, run_id=RUN, per_run=False)
    with pytest.raises(DestinationError, match="cannot create"):
        RunOutput.open(target / "sub", run_id=RUN, per_run=True)
