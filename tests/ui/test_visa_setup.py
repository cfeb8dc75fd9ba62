"""The Setup panels of issue 13: a deadline rule edited and undone, a template line added."""

from __future__ import annotations

from recruiter.services import immigration
from recruiter.ui.qt import Qt
from tests.ui.conftest import drain


def test_rule_edit_and_template_line_with_undo(qtbot, db, make_ctx, tmp_path) -> None:
    from recruiter.ui.setup.deadlines import ImmigrationSetup

    ctx = make_ctx(db)
    w = ImmigrationSetup(ctx)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    panel = w.rules
    qtbot.waitUntil(lambda: panel.model.rowCount() == 9 and not panel.loading, timeout=10000)
    row = next(i for i, r in enumerate(panel.model.records) if r.code == "work_permit_due")
    panel.view.selectRow(row)
    assert panel.amount.value() == 10
    panel.amount.setValue(15)
    panel.unit.setCurrentIndex(panel.unit.findData("working_days"))
    qtbot.mouseClick(panel.save, Qt.MouseButton.LeftButton)
    rule = next(r for r in immigration.rule_rows(db) if r.code == "work_permit_due")
    assert (rule.amount, rule.unit.value) == (15, "working_days")
    w.grab().save(str(tmp_path / "rules.png"))
    ctx.undo.undo()
    rule = next(r for r in immigration.rule_rows(db) if r.code == "work_permit_due")
    assert (rule.amount, rule.unit.value) == (10, "calendar_days")

    w.setCurrentIndex(1)
    tpl = w.template
    qtbot.waitUntil(lambda: tpl.model.rowCount() == 9 and not tpl.loading, timeout=10000)
    tpl.title.setText("Health insurance")
    tpl.days.setValue(5)
    qtbot.mouseClick(tpl.add, Qt.MouseButton.LeftButton)
    assert immigration.template(db)[-1].title == "Health insurance"
    ctx.undo.undo()
    assert len(immigration.template(db)) == 9
    drain(ctx)
