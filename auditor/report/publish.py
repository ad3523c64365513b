"""Publishing one run's files as a unit, so that no reader ever sees files of two runs side by side.

Every run writes into a fresh staging folder (``.staging-<run id>``) inside its destination, locked
with ``flock`` on the folder itself for as long as it lives. Then:

- default layout (``<output.directory>/<run id>/``): the staging folder, manifest included, is
  renamed to ``<run id>`` in one step, then ``latest`` is repointed at it;
- a chosen folder (``--out DIR``), reused run after run: the run holds ``DIR/.auditor.lock`` from
  before its first request to Azure, removes ``DIR/manifest.json``, moves each file in with
  ``os.replace`` and moves the manifest in last (see :mod:`auditor.report.manifest`).

At start, staging folders whose lock nobody holds (a run killed with -9) and the temporary files of
interrupted atomic writes are removed from the destination. A failed write removes the staging
folder and leaves what the destination held before untouched.
"""

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from auditor.report.files import (
    atomic_write_text,
    describe_os_error,
    fsync_directory,
    is_temporary_name,
    lock_folder,
)
from auditor.report.manifest import MANIFEST_FILE_NAME, render_manifest

logger = logging.getLogger(__name__)

LOCK_FILE_NAME = ".auditor.lock"
STAGING_PREFIX = ".staging-"
LATEST_LINK_NAME = "latest"

_STAGING_ATTEMPTS = 5  # a name is only retried if a sweeping run removed the folder just made


class DestinationError(Exception):
    """The destination cannot take reports: not a folder, cannot be created, or locked (exit 2)."""


class PublishError(Exception):
    """Writing or publishing the run's files failed; nothing half-written was left (exit 4)."""


def _prepare_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise DestinationError(f"cannot write reports to {directory}: it is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DestinationError(f"cannot create {directory}: {describe_os_error(exc)}") from exc


def _lock_destination(directory: Path) -> int:
    """Hold ``directory/.auditor.lock`` exclusively, or fail at once naming who holds it."""
    path = directory / LOCK_FILE_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise DestinationError(f"cannot lock {path}: {describe_os_error(exc)}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        who = f"process {holder}" if holder.isdigit() else "another process"
        raise DestinationError(
            f"another run is writing reports to {directory}: {who} holds {path}"
        ) from None
    except OSError as exc:
        os.close(fd)
        raise DestinationError(f"cannot lock {path}: {describe_os_error(exc)}") from exc
    # Only for the message above; the lock is what counts, so a full disk must not stop the run.
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def _release_destination(fd: int) -> None:
    with contextlib.suppress(OSError):  # the pid is stale from now on
        os.ftruncate(fd, 0)
    os.close(fd)


def remove_stale(directory: Path) -> list[Path]:
    """Remove staging folders that no live run holds and temporary files of interrupted writes.

    A concurrent run's staging folder is locked and survives. Returns what was removed; what
    cannot be removed is logged and left, since it does not stop this run.
    """
    removed: list[Path] = []
    with os.scandir(directory) as entries:
        found = [(Path(e.path), e.is_dir(follow_symlinks=False)) for e in entries]
    for path, is_dir in found:
        try:
            if is_dir and path.name.startswith(STAGING_PREFIX):
                fd = lock_folder(path)
                if fd is None:
                    continue
                try:
                    shutil.rmtree(path)
                finally:
                    os.close(fd)
            elif not is_dir and is_temporary_name(path.name):
                path.unlink()
            else:
                continue
        except OSError as exc:
            logger.warning("cannot remove stale %s: %s", path, describe_os_error(exc))
            continue
        logger.info("removed stale %s", path)
        removed.append(path)
    return removed


def _make_staging(directory: Path, run_id: str) -> tuple[Path, int]:
    for attempt in range(_STAGING_ATTEMPTS):
        suffix = f"-{attempt}" if attempt else ""
        path = directory / f"{STAGING_PREFIX}{run_id}{suffix}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise DestinationError(
                f"cannot write to {directory}: {describe_os_error(exc)}"
            ) from exc
        fd = lock_folder(path)
        if fd is not None:
            return path, fd
    raise DestinationError(f"cannot create a staging folder for run {run_id} in {directory}")


def _point_latest(base: Path, run_dir: Path) -> None:
    """Make ``<base>/latest`` point at the newest run, replacing the link atomically."""
    link = base / LATEST_LINK_NAME
    temporary = base / f".latest-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_dir.name, target_is_directory=True)
    temporary.replace(link)


class RunOutput:
    """One run's files on their way out; :meth:`open` it (a context manager) before collecting."""

    def __init__(
        self,
        destination: Path,
        run_id: str,
        *,
        per_run: bool,
        staging: tuple[Path, int],
        destination_lock: int | None,
    ) -> None:
        """Use :meth:`open`."""
        self.destination = destination
        self.run_id = run_id
        self.per_run = per_run
        self.staging, self._staging_lock = staging
        self._destination_lock = destination_lock
        self._published = False
        self._closed = False

    @classmethod
    def open(cls, destination: Path, *, run_id: str, per_run: bool) -> "RunOutput":
        """Check, create and lock ``destination``, sweep its leftovers, make the staging folder.

        Args:
            destination: ``output.directory`` when ``per_run`` (files go to ``<run id>/`` in it),
                else the folder that receives the files itself (``--out DIR``).
            run_id: The run's id, which names the staging and (``per_run``) the final folder.
            per_run: The default layout, published by renaming the staging folder.

        Raises:
            DestinationError: not a folder, cannot be created or written, or (``--out``) another
                run holds its lock.
        """
        _prepare_directory(destination)
        lock = None if per_run else _lock_destination(destination)
        try:
            if per_run and (destination / run_id).exists():
                raise DestinationError(f"cannot write reports to {destination / run_id}: it exists")
            remove_stale(destination)
            staging = _make_staging(destination, run_id)
        except BaseException:
            if lock is not None:
                _release_destination(lock)
            raise
        return cls(destination, run_id, per_run=per_run, staging=staging, destination_lock=lock)

    @property
    def folder(self) -> Path:
        """Where the published files are (or will be)."""
        return self.destination / self.run_id if self.per_run else self.destination

    def publish(
        self,
        write: Callable[[Path], Iterable[Path]],
        *,
        status: str,
        written_at: datetime | None = None,
    ) -> list[Path]:
        """Have ``write`` put the run's files into the staging folder, then publish them.

        Args:
            write: Writes every file into the folder it is given and returns their paths.
            status: The run status, recorded in the manifest.
            written_at: Time recorded in the manifest; now when None.

        Returns:
            The published files, the manifest last.

        Raises:
            PublishError: an OSError while writing or publishing (full disk, file too large,
                permission); the staging folder is removed and what was published before stays.
        """
        if self._published or self._closed:
            raise RuntimeError("this run's output is already published or closed")
        try:
            names = [_staged_name(self.staging, path) for path in write(self.staging)]
            manifest = render_manifest(
                self.staging,
                names,
                run_id=self.run_id,
                status=status,
                written_at=written_at or datetime.now(UTC),
            )
            atomic_write_text(self.staging / MANIFEST_FILE_NAME, manifest)
            names.append(MANIFEST_FILE_NAME)
            if self.per_run:
                self._rename_into_place()
            else:
                self._move_into_place(names)
        except OSError as exc:
            self._remove_staging()
            raise PublishError(
                f"cannot write reports to {self.folder}: {describe_os_error(exc)}"
            ) from exc
        self._published = True
        return [self.folder / name for name in names]

    def _rename_into_place(self) -> None:
        target = self.folder  # open() saw none; rename fails on a non-empty one, never merges
        self.staging.rename(target)
        fsync_directory(self.destination)
        _point_latest(self.destination, target)

    def _move_into_place(self, names: list[str]) -> None:
        # From the removal of the old manifest until the new one lands, the folder says incomplete.
        (self.destination / MANIFEST_FILE_NAME).unlink(missing_ok=True)
        fsync_directory(self.destination)
        for name in names:  # the manifest is last
            (self.staging / name).replace(self.destination / name)
        fsync_directory(self.destination)
        self.staging.rmdir()

    def _remove_staging(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def close(self) -> None:
        """Remove the staging folder unless published, and release every lock."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self._published:
                self._remove_staging()
        finally:
            os.close(self._staging_lock)
            if self._destination_lock is not None:
                _release_destination(self._destination_lock)

    def __enter__(self) -> "RunOutput":
        """The opened output."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close: an unpublished run leaves no staging folder behind."""
        self.close()


def _staged_name(staging: Path, path: Path) -> str:
    if path.parent != staging or path.name == MANIFEST_FILE_NAME:
        raise ValueError(f"{path} is not an output file in the staging folder {staging}")
    return path.name
