"""Atomic file writes, so that a reader (a browser, a CI step, ``reports/latest``) never sees half a
report: the content goes to a temporary file beside the target, is flushed to disk, then renamed
over the target in one step.

Also the small pieces that publishing a whole run builds on (:mod:`auditor.report.publish`): folder
locks, the names of temporary files, directory fsync.
"""

import contextlib
import fcntl
import os
import re
import tempfile
from pathlib import Path

# mkstemp creates 0600 files; reports are meant to be read by other users of the host (a web server,
# a CI artefact step), so a new file gets the usual mode of a written document instead.
_NEW_FILE_MODE = 0o644

# ``.<target name>.<mkstemp's random part>.tmp``: what an interrupted atomic write leaves behind.
_TEMPORARY_NAME = re.compile(r"\..+\.[A-Za-z0-9_]+\.tmp")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating parent directories.

    An existing file keeps its permission bits. On any error the target is left as it was and the
    temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    # Same directory as the target: os.replace is only atomic within one file system.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (newlines are written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def describe_os_error(exc: OSError) -> str:
    """``[Errno 28] No space left on device``: the reason without the temporary file's name."""
    if exc.errno is not None and exc.strerror:
        return f"[Errno {exc.errno}] {exc.strerror}"
    return str(exc)


def is_temporary_name(name: str) -> bool:
    """Whether ``name`` is the temporary file of an atomic write (``.report.json.k2j4x1.tmp``)."""
    return _TEMPORARY_NAME.fullmatch(name) is not None


def lock_folder(path: Path) -> int | None:
    """Take an exclusive ``flock`` on the folder ``path`` itself without waiting.

    Returns the descriptor holding the lock (close it to release), or None when another process
    holds it or ``path`` no longer names the folder that was locked. The second check matters
    because a folder may be removed and made again between ``open`` and ``flock``: holding a lock
    on a folder that is no longer there would protect nothing.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held, current = os.fstat(fd), path.lstat()
    except (BlockingIOError, FileNotFoundError):
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    if (held.st_dev, held.st_ino) != (current.st_dev, current.st_ino):
        os.close(fd)
        return None
    return fd


def fsync_directory(directory: Path) -> None:
    """Persist renames and removals in ``directory``; without this a crash can undo them."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
