"""`recruiter` without a command opens the desktop app. Qt is imported only here, and only when
the window is wanted, so scripts and `--help` never load it."""

from __future__ import annotations


def open_app(db: str | None) -> int:
    from recruiter.ui.app import run_gui

    return run_gui(db)
