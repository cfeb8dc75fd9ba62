"""The seeded deadline rules' names (stored in English by migration 0010) show in the user's
language wherever a deadline is named: the Setup rules, the case view, the Due dock, the Visas
page and the workbook's Immigration sheet; a name the office wrote shows as written."""

from __future__ import annotations

from datetime import date

from recruiter import i18n
from recruiter.domain.deadlines import DEFAULT_RULES
from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Milestone
from recruiter.services import applications, candidates, immigration, institutions, targets
from recruiter.services.reporting import immigration_sheet

TODAY = date(2026, 5, 4)


def test_the_catalog_table_names_every_seeded_rule_as_seeded() -> None:
    assert {r.key: r.name for r in DEFAULT_RULES} == immigration.SEEDED_NAMES


def test_seeded_rule_names_read_in_chinese_and_office_names_as_written(db) -> None:
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    app = applications.add(db, candidates.create(db, full_name="Ana Silva"), t)
    applications.move(db, app, Stage.signed)
    case = immigration.case_of(db, app)
    assert case is not None
    immigration.set_milestone(db, case, Milestone.entry, done_on=date(2026, 4, 20))

    i18n.set_language(i18n.CHINESE)
    names = {r.code: r.name for r in immigration.rule_rows(db)}
    assert names["work_permit_due"] == "申请工作许可"
    assert names["letter_expiry"] == "工作许可通知函到期"
    assert [d.name for d in immigration.detail(db, case).deadlines] == [
        "申请工作许可",
        "申请居留许可",
    ]
    assert immigration.nearest_due(db, TODAY).nearest[0].deadline == "申请工作许可"
    assert immigration.case_lines(db, today=TODAY).rows[0].next_deadline == "申请工作许可"
    sheet = list(immigration_sheet.rows(db, as_of=TODAY))
    at = [c.header for c in immigration_sheet.COLUMNS].index("Next deadline")
    assert sheet[0][at] == "申请工作许可"

    rule = next(r.id for r in immigration.rule_rows(db) if r.code == "work_permit_due")
    immigration.update_rule(db, rule, name="Work permit: file at the district office")
    assert immigration.case_lines(db, today=TODAY).rows[0].next_deadline == (
        "Work permit: file at the district office"
    )
    residence = {r.code: r.name for r in immigration.rule_rows(db)}["residence_permit_due"]
    assert residence == "申请居留许可"

    i18n.set_language(i18n.ENGLISH)
    assert immigration.detail(db, case).deadlines[1].name == "Apply for the residence permit"
