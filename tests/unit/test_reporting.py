"""The report layer on a small hand-built pipeline whose every figure was worked out by hand
(tests/factories.py builds it; the `sample` fixture is in tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recruiter.domain.clock import local_day
from recruiter.domain.enums import FundingKind, OfferStatus, Outcome, Stage
from recruiter.domain.models import Application, ExchangeRate, FundingSource, Setting
from recruiter.errors import NotFound, RecruiterError
from recruiter.services import reporting
from recruiter.services import settings as office
from recruiter.services.reporting import Filters
from recruiter.store.database import Database
from tests.factories import AS_OF, Sample, Y, at, day


def test_funnel_losses_and_conversion(sample: Sample) -> None:
    rows = reporting.funnel(sample.db)
    by = {r.stage: r for r in rows}
    assert [r.reached for r in rows] == [7, 6, 5, 5, 4, 3, 1, 1, 1]
    assert by[Stage.identified].open == 1 and by[Stage.contacted].open == 1
    assert by[Stage.review].declined == 1 and by[Stage.approved].rejected == 1
    assert by[Stage.offer].open == 1 and by[Stage.offer].declined == 1
    assert by[Stage.arrived].hired == 1 and by[Stage.arrived].conversion is None
    assert by[Stage.identified].conversion == pytest.approx(6 / 7)
    assert sum(r.at_stage for r in rows) == 7
    assert sum(r.lost for r in rows) == 3


def test_median_days_in_stage_from_stage_events(sample: Sample) -> None:
    with sample.db.session() as s:
        days = reporting.stage_days_in(s, Filters())
    medians = {st: m for st, (m, _n) in days.items()}
    assert medians == {
        Stage.identified: 8.0,
        Stage.contacted: 6.0,
        Stage.applied: 6.0,
        Stage.review: 4.0,
        Stage.approved: 10.0,
        Stage.offer: 8.0,
        Stage.signed: 10.0,
        Stage.immigration: 10.0,
    }
    report = reporting.build(sample.db, as_of=AS_OF)
    assert report.funnel[0].median_days == 8.0 and report.funnel[-1].median_days is None


def test_progress_offers_and_kpis(sample: Sample) -> None:
    r = reporting.build(sample.db, as_of=AS_OF)
    progress = {t.title: t for t in r.targets}
    cat = progress["Professor of Catalysis"]
    assert (cat.headcount, cat.hired, cat.active, cat.late) == (2, 1, 1, 1)
    assert cat.filled == 0.5 and cat.department == "School of Chemistry"
    physics = progress["Professor of Physics"]
    assert (physics.active, physics.hired) == (1, 0)
    assert r.offers.made == 3
    assert r.offers.by_status[OfferStatus.accepted] == 1
    assert r.offers.by_status[OfferStatus.withdrawn] == 0  # superseded by revision 2
    assert r.offers.acceptance_rate == 0.5
    assert r.offers.median_first_year == 400_000 * Y
    assert r.offers.median_startup == 1_000_000 * Y
    k = r.kpis
    assert (k.applications, k.open, k.hires, k.stale) == (7, 3, 1, 2)
    assert (k.offers_made, k.overdue) == (3, 2)
    assert (k.headcount, k.hired_to_targets) == (4, 1)
    assert k.available == (5_700_000 + 5_000_000 + 639_000) * Y
    labels = [label for label, _v, _k in k.items()]
    assert "Offer acceptance rate" in labels and len(labels) == len(set(labels))


def test_offers_by_month(sample: Sample) -> None:
    r = reporting.build(sample.db, as_of=AS_OF)
    months = {m.month: m for m in r.offers_by_month}
    assert len(r.offers_by_month) == 12 and r.offers_by_month[-1].month == "2026-06"
    assert (months["2026-05"].extended, months["2026-05"].accepted, months["2026-05"].declined) == (
        2,
        1,
        1,
    )
    assert (months["2026-06"].extended, months["2026-06"].accepted) == (1, 0)


def test_funding_in_reporting_currency_with_rates_named(sample: Sample) -> None:
    ctx, rows = reporting.funding_report(sample.db)
    by = {r.name: r for r in rows}
    pool = by["Wuhan Recruitment Pool"]
    assert (pool.total, pool.reserved, pool.committed, pool.available) == (
        10_000_000 * Y,
        800_000 * Y,
        3_500_000 * Y,
        5_700_000 * Y,
    )
    donor = by["=Donor Fund"]
    assert (donor.total, donor.committed, donor.currency) == (710_000 * Y, 71_000 * Y, "USD")
    assert by["National Programme"].reserved == 0  # only a declined offer uses it
    assert ctx.currency == "CNY" and ctx.rates == (("USD", "7.1"),)
    assert "1 USD = 7.1 CNY" in ctx.describe()
    groups = {g.name: g for g in reporting.funding_by_institution(rows)}
    assert groups["(no institution)"].total == 5_000_000 * Y
    assert groups["Fudan University"].available == 639_000 * Y


def test_missing_rate_is_named_not_guessed(sample: Sample) -> None:
    with sample.db.session() as s:
        s.delete(s.get(ExchangeRate, "USD"))
    with pytest.raises(RecruiterError, match="USD"):
        reporting.build(sample.db, as_of=AS_OF)


def test_reporting_currency_setting_is_used(sample: Sample) -> None:
    with sample.db.session() as s:
        s.add(Setting(key="reporting_currency", value="USD"))
        s.get(ExchangeRate, "USD").rate = "1"
        s.add(ExchangeRate(currency="CNY", rate="0.5"))
    ctx, rows = reporting.funding_report(sample.db)
    assert ctx.currency == "USD"
    assert {r.name: r.total for r in rows}["Wuhan Recruitment Pool"] == 5_000_000 * Y


def test_institution_filter_and_names(sample: Sample) -> None:
    assert reporting.resolve_institutions(sample.db, ["wuhan university", "复旦大学"]) == (
        sample.inst_a,
        sample.inst_b,
    )
    with pytest.raises(NotFound, match=r"Nowhere.*Known institutions: Fudan University"):
        reporting.resolve_institutions(sample.db, ["Nowhere"])
    a = reporting.build(sample.db, Filters(institution_ids=(sample.inst_a,)), AS_OF)
    assert a.kpis.applications == 4 and a.kpis.overdue == 1
    assert [f.name for f in a.funding] == ["Wuhan Recruitment Pool"]
    assert a.labels.institutions == ("Wuhan University",)
    b = reporting.build(sample.db, Filters(institution_ids=(sample.inst_b,)), AS_OF)
    assert b.kpis.applications == 3 and b.kpis.overdue == 1
    assert sorted(f.name for f in b.funding) == ["=Donor Fund", "National Programme"]
    assert {t.title for t in b.targets} == {"Professor of Physics"}


def test_target_and_date_filters(sample: Sample) -> None:
    t = reporting.build(sample.db, Filters(target_ids=(sample.t2,)), AS_OF)
    assert t.kpis.applications == 1 and t.kpis.stale == 1 and t.funding == []
    recent = Filters(date_from=AS_OF - timedelta(days=10), date_to=AS_OF)
    r = reporting.build(sample.db, recent, AS_OF)
    assert r.kpis.applications == 1  # only a5 was created in the last ten days
    assert r.counts["Offers"] == 1  # a2's revision 2, extended ten days ago
    assert r.offers.by_status[OfferStatus.extended] == 1
    assert r.labels.period == "applications created 2026-06-20 to 2026-06-30"
    assert len(list(reporting.pipeline_rows(sample.db, recent, AS_OF))) == 1


def test_pipeline_rows_stream_plain_values(sample: Sample) -> None:
    rows = list(reporting.pipeline_rows(sample.db, as_of=AS_OF, chunk=2))
    assert len(rows) == 7
    headers = [h for h, _k in reporting.PIPELINE_COLUMNS]
    by = {(r[0], r[2]): dict(zip(headers, r, strict=True)) for r in rows}
    bob = by[("Bob Li", "Professor of Catalysis")]
    assert bob["Stage"] == "Offer" and bob["Outcome"] == "Active"
    assert bob["Days in stage"] == 80 and bob["Offer status"] == "Extended"
    assert bob["First-year cash"] == 400_000 * Y and bob["Start-up funds"] == 0
    assert bob["Next follow-up"] == day(5) and bob["Department"] == "School of Chemistry"
    alice = by[("Alice Zhang", "Professor of Catalysis")]
    assert alice["First-year cash"] == 571_000 * Y and alice["Start-up funds"] == 2_000_000 * Y
    eve = by[("Eve Chen", "Professor of Physics")]
    assert eve["Next follow-up"] == day(-1) and eve["Last activity"] == at(96).date()
    assert eve["Offer status"] is None and eve["First-year cash"] is None


def test_offer_rows_sum_items_by_kind(sample: Sample) -> None:
    rows = list(reporting.offer_rows(sample.db))
    headers = [h for h, _k in reporting.OFFER_COLUMNS]
    assert len(rows) == 3
    by = {(r[0], r[2]): dict(zip(headers, r, strict=True)) for r in rows}
    a1 = by[("Alice Zhang", "Professor of Catalysis")]
    assert a1["Salary (total)"] == 1_500_000 * Y and a1["Settling in"] == 71_000 * Y
    assert a1["Package total"] == 3_571_000 * Y and a1["Status"] == "Accepted"
    assert a1["Funding sources"] == "=Donor Fund, Wuhan Recruitment Pool"
    assert by[("Bob Li", "Professor of Catalysis")]["Revision"] == 2


def test_sources_of_hires_and_overdue(sample: Sample) -> None:
    r = reporting.build(sample.db, as_of=AS_OF)
    assert [(h.source, h.applications, h.hires) for h in r.hire_sources][:2] == [
        ("Referral", 3, 1),
        ("Conference", 2, 0),
    ]
    assert "(not recorded)" in {h.source for h in r.hire_sources}
    assert [(o.candidate, o.days_overdue) for o in r.overdue] == [
        ("Li\x07 Wei\ufffe", 3),
        ("Eve Chen", 1),
    ]


def test_empty_database(db: Database) -> None:
    r = reporting.build(db, as_of=AS_OF)
    assert r.kpis.applications == 0 and r.kpis.acceptance_rate is None
    assert r.offers.median_first_year is None and r.funding == []
    assert list(reporting.pipeline_rows(db)) == []


def test_funding_rows_carry_source_id_and_full_name(db: Database) -> None:
    """The dashboard's chart keys bars by source id and shows the full name in its tooltip."""
    prefix = "National Talent Programme 2026 – "
    names = [prefix + s for s in ("Young Scientists", "Leading Talents", "Overseas Experts")]
    with db.session() as s:
        sources = [
            FundingSource(name=n, kind=FundingKind.national, total_minor=(i + 1) * 10**8)
            for i, n in enumerate(names)
        ]
        s.add_all(sources)
        s.flush()
        ids = {src.id: src.name for src in sources}
    rows = reporting.build(db, as_of=AS_OF).funding
    assert {r.source_id: r.name for r in rows} == ids
    assert {r.source_id: r.total for r in rows} == {
        sid: (names.index(n) + 1) * 10**8 for sid, n in ids.items()
    }


def test_open_active_on_hold_counts_agree(sample: Sample) -> None:
    from recruiter.services import targets

    with sample.db.session() as s:
        s.get(Application, sample.apps["a5"]).outcome = Outcome.on_hold
    r = reporting.build(sample.db, as_of=AS_OF)
    counts = reporting.application_counts(sample.db)
    assert (r.kpis.open, r.kpis.active, r.kpis.on_hold) == (
        counts.open,
        counts.active,
        counts.on_hold,
    )
    assert counts.on_hold == 1 and counts.open == counts.active + 1
    assert targets.application_counts(sample.db) == counts
    assert sum(t.open for t in r.targets) == counts.open
    assert sum(t.on_hold for t in r.targets) == 1
    by_target = {p.id: p for p in targets.progress(sample.db)}
    for t in r.targets:
        assert (t.open, t.active, t.on_hold) == (
            by_target[t.target_id].open,
            by_target[t.target_id].active,
            by_target[t.target_id].on_hold,
        )


@given(
    st.integers(0, 3 * 365 * 24 * 60),
    st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"]),
)
def test_fast_local_day_is_the_clock_local_day(minutes: int, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    ts = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    text = ts.replace(tzinfo=None).isoformat(sep=" ")
    assert reporting._local_day(text, zone) == local_day(ts, zone)
    assert reporting._local_day(ts, zone) == local_day(ts, zone)


def test_days_in_stage_follow_the_office_time_zone(sample: Sample) -> None:
    # Moved at 20:00 UTC: already the next day in Shanghai, still the same day in New York.
    moved = datetime.combine(AS_OF - timedelta(days=40), time(20), tzinfo=UTC)
    with sample.db.session() as s:
        s.get(Application, sample.apps["a5"]).stage_changed_at = moved
    headers = [h for h, _k in reporting.PIPELINE_COLUMNS]

    def a5_days() -> tuple[int, date]:
        (eve,) = [
            dict(zip(headers, r, strict=True))
            for r in reporting.pipeline_rows(sample.db, as_of=AS_OF)
            if r[0] == "Eve Chen"  # a5: her only application
        ]
        return eve["Days in stage"], eve["Entered stage"]

    assert a5_days() == (39, moved.date() + timedelta(days=1))
    office.set_time_zone(sample.db, "America/New_York")
    assert a5_days() == (40, moved.date())
