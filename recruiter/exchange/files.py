"""Saving files whole or not at all.

A half-written workbook is worse than none: HR would send it on. `atomic_save` lets the caller
write to a temporary file in the target's folder, flushes it to disk and renames it over the
target in one step, so readers see the old file or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

PRIVATE = 0o600  # the default: lists of people are for their owner's eyes


def atomic_save(path: str | Path, write: Callable[[Path], None], *, mode: int = PRIVATE) -> Path:
    """Call `write(tmp)` to fill a temporary file next to `path`, then put it in place.

    - The temporary file is created in the same folder (a rename across file systems is not
      atomic), is flushed with fsync before the rename, and gets `mode`, or the permissions of
      the file it replaces, so re-saving keeps what the user set.
    - `os.replace` puts it in place; on Windows that fails while Excel holds the file open.
    - On any failure (in `write` or in the file system) the temporary file is removed, `path` is
      untouched, and the exception propagates: OSError for file-system problems, so callers can
      turn it into a message that says what to do.

    The folder must exist. Returns `path` as a Path.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        try:
            keep = path.stat().st_mode & 0o777
        except FileNotFoundError:
            keep = mode
        os.chmod(tmp, keep)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return path


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
