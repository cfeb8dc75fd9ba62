"""Setup → Assessment scale: rename a result in use, add a holding result and move it, save
(undoable), and refusals (a duplicate name; a result in use cannot be removed), checked in
the stored setting."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from recruiter.domain.models import AuditEntry, Setting
from recruiter.services import payments
from recruiter.services.payments.plan import SCALE_KEY
from recruiter.store.database import Database
from recruiter.ui.pages.setup import SetupPage
from recruiter.ui.qt import QtWidgets
from recruiter.ui.setup.assessment_scale import EFFECT, EN, ZH, AssessmentScaleEditor
from tests.factories import make_world
from tests.unit.test_assessment_scale import hire_with_mid_term


def stored(db: Database) -> list[dict[str, str]] | None:
    with db.session() as s:
        row = s.get(Setting, SCALE_KEY)
        return None if row is None else list(json.loads(row.value))


def test_edit_the_scale_in_setup(qtbot: Any, make_ctx: Any, db: Database) -> None:
    world = make_world(db, cny_total=2_000_000_00)
    _it, mid = hire_with_mid_term(world)
    payments.record_result(db, mid, "合格", date(2030, 4, 10))
    ctx = make_ctx(db)
    page = SetupPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    ed = page.scale
    assert isinstance(ed, AssessmentScaleEditor)
    page.tabs.setCurrentWidget(ed)
    qtbot.waitUntil(lambda: ed.table.rowCount() == 3, timeout=10_000)
    assert [ed.table.item(r, EN).text() for r in range(3)] == ["Pass", "Basic pass", "Fail"]
    assert ed.table.item(0, 3).text() == "1"
    ed.table.setCurrentCell(0, EN)
    assert not ed.remove_button.isEnabled()  # in use: rename only
    assert not ed.table.cellWidget(0, EFFECT).isEnabled()
    ed.table.setCurrentCell(2, EN)
    assert ed.remove_button.isEnabled()
    # a duplicate name is refused and nothing is stored
    ed.table.item(0, EN).setText("Basic pass")
    assert not ed.save()
    assert "twice" in ed.error.text()
    assert stored(db) is None
    # rename the result in use, add a holding result, move it above "Fail"
    ed.table.item(0, EN).setText("Satisfactory")
    ed.table.item(0, ZH).setText("称职")
    ed.add_result()
    ed.table.item(3, EN).setText("Deferred")
    ed.table.item(3, ZH).setText("暂缓")
    combo = ed.table.cellWidget(3, EFFECT)
    assert isinstance(combo, QtWidgets.QComboBox)
    combo.setCurrentIndex(combo.findData("hold"))
    ed.move(-1)
    assert ed.save()
    assert stored(db) == [
        {"key": "合格", "en": "Satisfactory", "zh": "称职", "effect": "release"},
        {"key": "基本合格", "en": "Basic pass", "zh": "基本合格", "effect": "release"},
        {"key": "暂缓", "en": "Deferred", "zh": "暂缓", "effect": "hold"},
        {"key": "不合格", "en": "Fail", "zh": "不合格", "effect": "stop"},
    ]
    assert payments.assessments(db, application_id=world.apps[0])[0].result == "合格"
    with db.session() as s:
        assert s.exec(select(AuditEntry).where(col(AuditEntry.entity) == "setting")).first()
    # the page refreshes through the change announcement
    qtbot.waitUntil(lambda: ed.table.item(2, EN).text() == "Deferred", timeout=10_000)
    assert ed.table.rowCount() == 4
    shot = os.environ.get("RECRUITER_SHOTS")
    if shot:
        page.grab().save(str(Path(shot) / "scale.png"))
    after = stored(db)
    ctx.undo.undo()
    assert stored(db) is None  # the default scale again
    qtbot.waitUntil(lambda: ed.table.rowCount() == 3, timeout=10_000)
    ctx.undo.redo()
    assert stored(db) == after
