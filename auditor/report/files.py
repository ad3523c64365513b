"""Atomic file writes, so that a reader (a browser, a CI step, ``reports/latest``) never sees half a
report: the content goes to a temporary file beside the target, is flushed to disk, then renamed
over the target in one step.
"""

import contextlib
import os
import tempfile
from pathlib import Path

# mkstemp creates 0600 files; reports are meant to be read by other users of the host (a web server,
# a CI artefact step), so a new file gets the usual mode of a written document instead.
_NEW_FILE_MODE = 0o644


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
    _fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (newlines are written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself; without this a crash can bring back the old file."""
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
