"""The two ways the command line speaks (DESIGN.md §5): messages for people on stderr, one JSON
object for scripts on stdout. Every command uses these, so the two streams never mix."""

from __future__ import annotations

import json
import sys
from typing import Any


def say(message: str) -> None:
    print(message, file=sys.stderr)


def emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))
