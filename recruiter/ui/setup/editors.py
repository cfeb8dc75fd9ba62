"""The fields of the Setup page's editors, filled from a list row (or blank for a new one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recruiter.i18n import _
from recruiter.services.institutions import DepartmentRow

from ..qt import QtWidgets
from .dialogs import Field, line


def _getter(rec: Any) -> Any:
    return (lambda k: getattr(rec, k)) if rec is not None else (lambda _k: None)


def institution_fields(rec: Any = None) -> list[Field]:
    get = _getter(rec)
    return [
        ("name", _("Name"), line(get("name"), _("e.g. Wuhan University"))),
        ("name_zh", _("Chinese name"), line(get("name_zh"), "e.g. 武汉大学")),
        ("short_name", _("Short name"), line(get("short_name"), _("e.g. WHU"))),
        ("city", _("City"), line(get("city"), _("e.g. Wuhan"))),
        ("country", _("Country"), line(get("country"), _("e.g. China"))),
    ]


def parent_box(
    departments: Sequence[DepartmentRow], institution_id: int, rec: Any = None
) -> QtWidgets.QComboBox:
    """Another department of the same institution, or none; an archived parent is offered only
    when it is the current one."""
    box = QtWidgets.QComboBox()
    box.addItem(_("(none — directly under the institution)"), None)
    current = getattr(rec, "parent_id", None)
    for d in departments:
        if d.institution_id != institution_id or (rec is not None and d.id == rec.id):
            continue
        if d.archived_at is None or d.id == current:
            box.addItem(d.path + (_(" (archived)") if d.archived_at else ""), d.id)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


def department_fields(
    departments: Sequence[DepartmentRow], institution_id: int, rec: Any = None
) -> list[Field]:
    get = _getter(rec)
    return [
        ("name", _("Name"), line(get("name"), _("e.g. School of Physics"))),
        ("name_zh", _("Chinese name"), line(get("name_zh"), "e.g. 物理学院")),
        ("parent_id", _("Part of"), parent_box(departments, institution_id, rec)),
    ]


def officer_fields(rec: Any = None) -> list[Field]:
    get = _getter(rec)
    return [
        ("name", _("Name"), line(get("name"), _("as it appears in the Owner column"))),
        ("name_zh", _("Chinese name"), line(get("name_zh"))),
        ("email", _("E-mail"), line(get("email"))),
    ]


def original(fields: Sequence[Field], rec: Any) -> dict[str, Any]:
    """The stored values of what the editor shows, so Save sends only what changed."""
    return {key: getattr(rec, key) for key, _label, _widget in fields}


__all__ = ["department_fields", "institution_fields", "officer_fields", "original", "parent_box"]
