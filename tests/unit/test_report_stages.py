"""The stage filter of a report: which sections it restricts (applications and what hangs off
them) and which it leaves alone (targets and money), and how the filter is said in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from recruiter import i18n
from recruiter.domain.enums import OfferStatus, Stage
from recruiter.errors import NotFound
from recruiter.services import exporting, reporting
from recruiter.services.reporting import Filters, approvals, immigration_sheet
from tests.factories import AS_OF, Sample

LATE = Filters(stages=(Stage.signed, Stage.offer))


def test_filters_keep_stages_in_pipeline_order_and_all_means_none() -> None:
    assert LATE.stages == (Stage.offer, Stage.signed)
    assert Filters(stages=("offer", "offer")).stages == (Stage.offer,)
    assert Filters(stages=tuple(Stage)) == Filters()


def test_resolve_stages_by_name_or_label_and_refuse_unknown() -> None:
    assert reporting.resolve_stages(["signed", "Offer", " OFFER "]) == (Stage.offer, Stage.signed)
    i18n.set_language("zh_CN")
    assert reporting.resolve_stages(["录用"]) == (Stage.offer,)
    i18n.set_language(i18n.ENGLISH)
    with pytest.raises(NotFound) as caught:
        reporting.resolve_stages(["offer", "hired"])
    message = str(caught.value)
    assert "No stage named 'hired'" in message
    assert "identified, contacted, applied, review, approved, offer, signed, immigration" in message


def test_stage_filter_restricts_the_application_sections(sample: Sample) -> None:
    """Sample: a2 is at offer (open), a7 reached offer and declined; no one is at signed."""
    r = reporting.build(sample.db, LATE, AS_OF)
    assert r.kpis.applications == 2 and r.kpis.open == 1 and r.kpis.hires == 0
    # The funnel counts only those applications: both passed through every earlier stage.
    assert [(row.stage, row.reached) for row in r.funnel][:7] == [
        (Stage.identified, 2),
        (Stage.contacted, 2),
        (Stage.applied, 2),
        (Stage.review, 2),
        (Stage.approved, 2),
        (Stage.offer, 2),
        (Stage.signed, 0),
    ]
    by_stage = {row.stage: row for row in r.funnel}
    assert by_stage[Stage.offer].open == 1 and by_stage[Stage.offer].declined == 1
    # Offers of those applications only: a2's extended revision and a7's declined one.
    assert r.counts["Offers"] == 2 and r.offers.made == 2
    assert r.offers.by_status[OfferStatus.extended] == 1
    assert r.offers.by_status[OfferStatus.accepted] == 0  # a1's, at arrived
    assert r.awaiting_total == 1 and r.awaiting[0].candidate == "Bob Li"
    assert r.kpis.overdue == 0  # the overdue follow-ups are a4's and a5's candidate's
    assert {(h.source, h.applications) for h in r.hire_sources} == {
        ("Conference", 1),
        ("Referral", 1),
    }
    rows = list(reporting.pipeline_rows(sample.db, LATE, AS_OF))
    headers = [h for h, _k in reporting.PIPELINE_COLUMNS]
    stages = {dict(zip(headers, row, strict=True))["Stage"] for row in rows}
    assert len(rows) == r.counts["Pipeline"] == 2 and stages == {"Offer"}
    assert {row[0] for row in reporting.offer_rows(sample.db, LATE)} == {"Bob Li", "Alice Zhang"}


def test_stage_filter_leaves_targets_and_funding_alone(sample: Sample) -> None:
    everything = reporting.build(sample.db, Filters(), AS_OF)
    late = reporting.build(sample.db, LATE, AS_OF)
    assert late.targets == everything.targets
    assert late.funding == everything.funding
    assert late.kpis.headcount == everything.kpis.headcount
    assert late.kpis.hired_to_targets == everything.kpis.hired_to_targets == 1
    assert late.kpis.available == everything.kpis.available


def test_stage_filter_combines_with_institution_and_dates(sample: Sample) -> None:
    wuhan_offer = Filters(institution_ids=(sample.inst_a,), stages=(Stage.offer,))
    assert reporting.build(sample.db, wuhan_offer, AS_OF).kpis.applications == 1  # a2
    fudan_offer = Filters(institution_ids=(sample.inst_b,), stages=(Stage.offer,))
    assert reporting.build(sample.db, fudan_offer, AS_OF).kpis.applications == 1  # a7
    contacted = Filters(stages=(Stage.contacted,))
    r = reporting.build(sample.db, contacted, AS_OF)
    assert r.kpis.applications == 1 and r.kpis.stale == 1 and r.kpis.overdue == 1  # a4


def test_stage_filter_in_words(sample: Sample) -> None:
    r = reporting.build(sample.db, LATE, AS_OF)
    assert r.labels.stages == ("Offer", "Signed")
    assert r.labels.describe() == "All institutions; stages Offer, Signed"
    facts = dict(reporting.brief.filter_facts(r))
    assert facts["Stages"] == "Offer, Signed"
    assert dict(reporting.brief.filter_facts(reporting.build(sample.db)))["Stages"] == (
        "All stages"
    )
    i18n.set_language("zh_CN")
    zh = reporting.build(sample.db, LATE, AS_OF)
    assert dict(reporting.brief.filter_facts(zh))["阶段"] == "录用、已签约"
    assert "录用、已签约" in zh.labels.describe()


def test_approvals_and_immigration_sheets_follow_the_stages(demo_db: object) -> None:
    from recruiter.store.database import Database

    assert isinstance(demo_db, Database)
    stage_at = approvals.APPROVALS_SHEET.index(
        next(c for c in approvals.APPROVALS_SHEET if c.field == "stage_label")
    )
    every = list(approvals.rows(demo_db))
    assert {r[stage_at] for r in every} > {"Offer"}  # several stages without the filter
    offer = list(approvals.rows(demo_db, Filters(stages=(Stage.offer,))))
    assert offer and {r[stage_at] for r in offer} == {"Offer"}
    assert approvals.count(demo_db, Filters(stages=(Stage.offer,))) == len(offer)

    cases = list(immigration_sheet.rows(demo_db))
    assert cases
    # Cases belong to hires and late applications; at "identified" there are none.
    assert list(immigration_sheet.rows(demo_db, Filters(stages=(Stage.identified,)))) == []
    late = (Stage.signed, Stage.immigration, Stage.arrived)
    kept = list(immigration_sheet.rows(demo_db, Filters(stages=late)))
    assert 0 < len(kept) <= len(cases)


def test_workbook_summary_and_footer_state_the_stages(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "late.xlsx"
    exporting.export_workbook(sample.db, out, LATE, AS_OF)
    ws = load_workbook(out)["Summary"]
    top = {r[0]: r[1] for r in ws.iter_rows(max_row=8, values_only=True) if r[0] and r[1]}
    assert top["Stages"] == "Offer, Signed"
    assert top["Institutions"] == "All institutions"
    footer = [ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text]
    assert any("stages Offer, Signed" in (part or "") for part in footer), footer
    pipeline = load_workbook(out, read_only=True)["Pipeline"]
    assert sum(1 for _ in pipeline.iter_rows(min_row=2)) == 2
