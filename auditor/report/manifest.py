"""``manifest.json``: written last, it names the run and the checksum of each of its files.

Files of one run are moved into a reused folder (``--out DIR``) one by one, so for a moment the
folder holds some new files beside some old ones. The manifest is removed before the first move and
written after the last, so a reader that finds no manifest, or a file whose checksum differs from
it, knows the set is incomplete (a kill -9, a full disk, a concurrent writer of an older version).
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST_FILE_NAME = "manifest.json"

_CHUNK_BYTES = 1 << 20  # reports can be hundreds of MB: hash them without loading them whole


def file_digest(path: Path) -> dict[str, Any]:
    """``{"sha256": hex digest, "bytes": size}`` of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def render_manifest(
    folder: Path, names: Iterable[str], *, run_id: str, status: str, written_at: datetime
) -> str:
    """The manifest text for the files ``names`` as they are now in ``folder``.

    Raises:
        OSError: a file cannot be read.
    """
    manifest = {
        "run_id": run_id,
        "status": status,
        "written_at": _timestamp(written_at),
        "files": {name: file_digest(folder / name) for name in sorted(names)},
    }
    return json.dumps(manifest, indent=2) + "\n"


def verify_manifest(folder: Path) -> list[str]:
    """Why the files in ``folder`` are not the complete set its manifest names; empty when they are.

    A missing or unreadable manifest, a missing file, and a size or checksum that differs each give
    one line.
    """
    path = folder / MANIFEST_FILE_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not an object")
    except FileNotFoundError:
        return [f"{path}: no manifest: the set of files is incomplete"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{path}: unreadable manifest: {exc}"]
    problems: list[str] = []
    for name, expected in sorted(files.items()):
        try:
            actual = file_digest(folder / name)
        except OSError as exc:
            problems.append(f"{folder / name}: missing or unreadable: {exc.strerror or exc}")
            continue
        if actual != expected:
            problems.append(
                f"{folder / name}: differs from the manifest of run {manifest.get('run_id')}"
            )
    return problems
