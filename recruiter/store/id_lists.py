"""Membership in a list of ids: one array parameter on PostgreSQL, an IN list elsewhere.

SQLAlchemy binds `IN (...)` as one parameter per id, rendered anew for every statement. Reading
the next gates of a board of every target (40,000 ids, in chunks of 500) spent 1.2 s on
PostgreSQL, mostly there; `= ANY(:ids)` with the chunk as one integer array took 0.7 s. SQLite
has no arrays: the IN list stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement


def member(dialect: str, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`, for a database of this dialect name."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    result: ColumnElement[bool] = column.in_(list(ids))
    return result
