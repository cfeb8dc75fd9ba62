"""The fields of the Setup page's editors, filled from a list row (or blank for a new one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recruiter.services.institutions import DepartmentRow

from ..qt import QtCore, QtWidgets
from .dialogs import Field, line


def _tr(text: str) -> str:
    return QtCore.QCoreApplication.translate("Setup", text)


def _getter(rec: Any) -> Any:
    return (lambda k: getattr(rec, k)) if rec is not None else (lambda _k: None)


def institution_fields(rec: Any = None) -> list[Field]:
    get = _getter(rec)
    return [
        ("name", _tr("Name"), line(get("name"), "e.g. Wuhan University")),
        ("name_zh", _tr("Chinese name"), line(get("name_zh"), "e.g. 武汉大学")),
        ("short_name", _tr("Short name"), line(get("short_name"), "e.g. WHU")),
        ("city", _tr("City"), line(get("city"), "e.g. Wuhan")),
        ("country", _tr("Country"), line(get("country"), "e.g. China")),
    ]


def parent_box(
    departments: Sequence[DepartmentRow], institution_id: int, rec: Any = None
) -> QtWidgets.QComboBox:
    """Another department of the same institution, or none; an archived parent is offered only
    when it is the current one."""
    box = QtWidgets.QComboBox()
    box.addItem(_tr("(none — directly under the institution)"), None)
    current = getattr(rec, "parent_id", None)
    for d in departments:
        if d.institution_id != institution_id or (rec is not None and d.id == rec.id):
            continue
        if d.archived_at is None or d.id == current:
            box.addItem(d.path + (" (archived)" if d.archived_at else ""), d.id)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


def department_fields(
    departments: Sequence[DepartmentRow], institution_id: int, rec: Any = None
) -> list[Field]:
    get = _getter(rec)
    return [
        ("name", _tr("Name"), line(get("name"), "e.g. School of Physics")),
        ("name_zh", _tr("Chinese name"), line(get("name_zh"), "e.g. 物理学院")),
        ("parent_id", _tr("Part of"), parent_box(departments, institution_id, rec)),
    ]


def officer_fields(rec: Any = None) -> list[Field]:
    get = _getter(rec)
    return [
        ("name", _tr("Name"), line(get("name"), "as it appears in the Owner column")),
        ("name_zh", _tr("Chinese name"), line(get("name_zh"))),
        ("email", _tr("E-mail"), line(get("email"))),
    ]


def original(fields: Sequence[Field], rec: Any) -> dict[str, Any]:
    """The stored values of what the editor shows, so Save sends only what changed."""
    return {key: getattr(rec, key) for key, _label, _widget in fields}


__all__ = ["department_fields", "institution_fields", "officer_fields", "original", "parent_box"]
