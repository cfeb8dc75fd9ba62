"""Small helpers the service modules share."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from recruiter.errors import NotFound
from recruiter.i18n import _

T = TypeVar("T", bound=SQLModel)


def get_or_raise(session: Session, model: type[T], ident: int, what: str | None = None) -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(
            _("{value} {ident} no longer exists; refresh the view.").format(
                value=what or model.__name__, ident=ident
            )
        )
    return obj
