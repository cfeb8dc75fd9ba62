"""Reading a workbook in a child process, for the formats whose size cannot be checked first.

A .xlsx or .ods is measured from its archive before python-calamine reads it (see `limits`);
the binary formats (.xls, .xlsb) are not, and a hostile one could make the reader allocate
without bound and abort the process: in the window, the whole app. So they are read here, in a
child process with a memory ceiling, and only its rows come back. If the child dies, the file
gets one message and the app carries on.

Run as `python -m recruiter.exchange.isolated` by `read()`; it is not a command for people.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from recruiter.i18n import _

from .limits import Limits

MEMORY_CEILING = 4 * 1024 * 1024 * 1024  # address space of the child (POSIX)
TIMEOUT = 600  # seconds


class ChildFailed(Exception):
    """The child process died (out of memory, a crash of the reader) or took too long."""


def read(
    path: Path, sheet: str | None, limits: Limits, *, names_only: bool = False
) -> dict[str, Any]:
    """The workbook's table as `reading` builds it (the Table's fields; only its sheet names
    with `names_only`), read by a child process; raises the child's ReadError message as
    ReadError, or ChildFailed."""
    request = pickle.dumps(
        {"path": str(path), "sheet": sheet, "limits": asdict(limits), "names_only": names_only}
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "recruiter.exchange.isolated"],
            input=request,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ChildFailed(
            _("reading took more than {value} minutes").format(value=TIMEOUT // 60)
        ) from exc
    except OSError as exc:
        raise ChildFailed(
            _("the reader could not be started ({value})").format(value=exc.strerror or exc)
        ) from exc
    if done.returncode != 0 or not done.stdout:
        raise ChildFailed(_("the reader stopped before it finished"))
    kind, payload = pickle.loads(done.stdout)  # our own child's answer
    if kind == "error":
        from .reading import ReadError

        raise ReadError(payload)
    return dict(payload)


def _child() -> int:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))
    except (ImportError, ValueError, OSError):
        pass  # not POSIX, or not allowed: the process boundary still protects the parent
    from . import limits as read_limits
    from . import reading

    request = pickle.loads(sys.stdin.buffer.read())
    answer: tuple[str, Any]
    try:
        path = Path(request["path"])
        with read_limits.use(read_limits.Limits(**request["limits"])):
            if request["names_only"]:
                names = reading.sheet_names_here(path)
                table = reading.Table(path=path, sheet=None, sheets=names, rows=[])
            else:
                table = reading.read_workbook_here(path, request["sheet"])
        answer = (
            "table",
            {
                "sheet": table.sheet,
                "sheets": table.sheets,
                "rows": table.rows,
                "first_row": table.first_row,
            },
        )
    except reading.ReadError as exc:
        answer = ("error", str(exc))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
