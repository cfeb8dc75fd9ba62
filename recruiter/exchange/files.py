"""Saving files whole or not at all.

A half-written workbook is worse than none: HR would send it on. `atomic_save` lets the caller
write to a temporary file in the target's folder, flushes it to disk and renames it over the
target in one step, so readers see the old file or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
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

    The folder must exist. Returns `path` as a Path. Debris a killed run left in the folder is
    removed first (`sweep`).
    """
    path = Path(path)
    sweep(path.parent)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".part", dir=path.parent)
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


# -- temporary files and what a killed run leaves behind ---------------------------------------

TEMP_MARK = ".recruiter-tmp-"
# .<target name>.recruiter-tmp-<pid>-<random>[suffix]
_DEBRIS = re.compile(r"^\..+\.recruiter-tmp-(\d+)-[^/\\]*$")
_STALE_SECONDS = 24 * 3600  # where a process cannot be asked whether it still runs


def temp_prefix(target: Path) -> str:
    """The name every temporary file written for `target` starts with; it names this process,
    so a later run can tell a live writer's file from one a killed run left."""
    return f".{target.name}{TEMP_MARK}{os.getpid()}-"


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files that runs no longer alive left in `folder`; returns them."""
    removed: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _DEBRIS.match(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            if _alive(int(match.group(1)), entry):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int, entry: os.DirEntry[str]) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would not be a harmless question there
        try:
            return time.time() - entry.stat().st_mtime < _STALE_SECONDS
        except OSError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def same_file(a: str | Path, b: str | Path | None) -> bool:
    """Whether two paths name one file (links and relative paths included)."""
    if b is None:
        return False
    a, b = Path(a).expanduser(), Path(b).expanduser()
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return a.resolve() == b.resolve()
