"""Where openpyxl's write-only workbooks spool their sheets while they are being written.

openpyxl streams each sheet of a write-only workbook to a temporary file in the shared temp
folder, which a killed export leaves behind, full of names. `beside(target)` puts those files in
the target's own folder instead, named like the other temporary files (`files.temp_prefix`), so
they are private (mkstemp: 0600), on the same disk as the result, and swept away by the next
run that writes there, or at start-up (`sweep_on_start`, which `services.leftovers` calls after
opening a database). The choice is held per thread/task, so concurrent exports do not mix.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .files import sweep, temp_prefix

_target: ContextVar[Path | None] = ContextVar("recruiter_spool_target", default=None)
_original: Callable[[str], str] | None = None


def _create_temporary_file(suffix: str = "") -> str:
    from openpyxl.worksheet import _writer

    target = _target.get()
    if target is None or _original is None:
        return (_original or _writer.create_temporary_file)(suffix)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=suffix, dir=target.parent)
    os.close(fd)
    _writer.ALL_TEMP_FILES.append(name)  # openpyxl's cleanup() expects its own list to hold it
    return name


def _patch_openpyxl() -> None:
    """Route openpyxl's spool files through `_create_temporary_file`, once, on first use: start-up
    (which only sweeps) never imports openpyxl."""
    global _original
    if _original is not None:
        return
    from openpyxl.worksheet import _writer  # the module that names the spool files

    _original = _writer.create_temporary_file
    _writer.create_temporary_file = _create_temporary_file


@contextmanager
def beside(target: Path) -> Iterator[None]:
    """Spool the write-only workbooks made in this block next to `target`."""
    _patch_openpyxl()
    token = _target.set(Path(target))
    try:
        yield
    finally:
        _target.reset(token)


def sweep_on_start(*folders: Path | None) -> list[Path]:
    """At start-up, remove what killed runs left in `folders` (the database's folder, its
    `backups/`, the last export folder): the temporary files named by `files.temp_prefix`
    whose process no longer runs. Otherwise such debris would wait for the next save into
    that same folder. Folders that are None, missing or unreadable are skipped."""
    removed: list[Path] = []
    seen: set[Path] = set()
    for folder in folders:
        if folder is None or folder in seen:
            continue
        seen.add(folder)
        removed.extend(sweep(folder))
    return removed
