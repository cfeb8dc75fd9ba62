"""The pure rules of money over time: exact splits, trigger dates, months served, and each
clawback rule against figures worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recruiter.domain import figures
from recruiter.domain.instalments import (
    Clawback,
    Facts,
    add_years,
    clawback,
    expected_on,
    month_end,
    months_between,
    schedule_problem,
    split_percentages,
    trigger_met_on,
)


def test_guangxi_60_20_20_split_is_exact() -> None:
    assert split_percentages(100_000_00, [60, 20, 20]) == [60_000_00, 20_000_00, 20_000_00]


def test_dalian_three_yearly_thirds_give_the_remainder_to_the_largest_remainders() -> None:
    # 1,000,000.01 yuan = 100,000,001 fen: 34% = 34,000,000.34, 33% = 33,000,000.33 twice
    assert split_percentages(100_000_001, [34, 33, 33]) == [34_000_001, 33_000_000, 33_000_000]
    # 2 fen by 34/33/33: the two largest remainders get a fen each
    assert split_percentages(2, [34, 33, 33]) == [1, 1, 0]


@given(
    total=st.integers(0, 10**12),
    cuts=st.lists(st.integers(0, 100), min_size=0, max_size=5),
)
def test_split_always_adds_up(total: int, cuts: list[int]) -> None:
    points = sorted(min(c, 100) for c in cuts)
    percents = [b - a for a, b in zip([0, *points], [*points, 100], strict=True)]
    parts = split_percentages(total, percents)
    assert sum(parts) == total
    assert all(
        abs(p * 100 - total * pc) < 100 * len(parts) for p, pc in zip(parts, percents, strict=True)
    )


def test_split_refuses_percentages_not_adding_to_100() -> None:
    with pytest.raises(ValueError):
        split_percentages(100, [50, 40])


def test_schedule_problem_names_the_difference() -> None:
    assert schedule_problem(300, [100, 200]) is None
    assert "add up to 250" in (schedule_problem(300, [100, 150]) or "")
    assert schedule_problem(300, [-1, 301]) == "an instalment cannot be negative"


def test_months_between_counts_whole_months() -> None:
    assert months_between(date(2020, 9, 1), date(2023, 9, 1)) == 36
    assert months_between(date(2020, 9, 15), date(2023, 9, 14)) == 35
    assert months_between(date(2020, 1, 31), date(2020, 2, 29)) == 1  # month end counts
    assert months_between(date(2020, 9, 1), date(2020, 8, 1)) == 0


def test_dates() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert month_end("2026-02") == date(2026, 2, 28)


def test_trigger_dates_come_from_the_facts() -> None:
    f = Facts(
        signed_on=date(2026, 1, 5),
        arrived_on=date(2026, 3, 1),
        service_start=date(2026, 3, 1),
        passed={("mid_term", None): date(2030, 3, 20), ("annual", 2): date(2028, 3, 2)},
        expected_start=date(2026, 2, 1),
        assessment_due={("end_of_term", None): date(2034, 3, 1)},
    )
    assert trigger_met_on("signing", f) == date(2026, 1, 5)
    assert trigger_met_on("arrival", f) == date(2026, 3, 1)
    assert trigger_met_on("date", f, trigger_on=date(2027, 7, 1)) == date(2027, 7, 1)
    assert trigger_met_on("service_year", f, trigger_year=2) == date(2028, 3, 1)
    assert trigger_met_on("assessment", f, assessment_kind="mid_term") == date(2030, 3, 20)
    assert trigger_met_on("assessment", f, trigger_year=2, assessment_kind="annual") == date(
        2028, 3, 2
    )
    assert trigger_met_on("assessment", f, assessment_kind="end_of_term") is None
    assert expected_on("assessment", f, assessment_kind="end_of_term") == date(2034, 3, 1)
    nothing = Facts(expected_start=date(2026, 9, 1))
    assert trigger_met_on("arrival", nothing) is None
    assert expected_on("arrival", nothing) == date(2026, 9, 1)
    assert expected_on("service_year", nothing, trigger_year=1) == date(2027, 9, 1)


# -- clawback rules, worked by hand --------------------------------------------------------


def test_pro_rata_refund_8_year_agreement_left_after_3_years() -> None:
    # 600,000.00 yuan paid, 96-month agreement, 36 months served: 60 months not served.
    # 600,000.00 x 60 / 96 = 375,000.00 yuan
    w = clawback(Clawback.pro_rata, 600_000_00, 36, 96)
    assert w.amount == 375_000_00
    assert "× 60 / 96" in w.working


def test_pro_rata_rounds_half_up_to_the_fen() -> None:
    # 100.00 yuan x 1 / 3 = 33.333.. -> 33.33; 0.05 yuan x 1 / 2 = 0.025 -> 0.03
    assert clawback(Clawback.pro_rata, 100_00, 2, 3).amount == 33_33
    assert clawback(Clawback.pro_rata, 5, 1, 2).amount == 3


def test_full_refund_returns_everything_paid_before_the_end() -> None:
    assert clawback(Clawback.full, 200_000_00, 59, 60).amount == 200_000_00
    assert clawback(Clawback.full, 200_000_00, 60, 60).amount == 0


def test_no_refund_rule_and_completed_service() -> None:
    assert clawback(Clawback.none, 200_000_00, 1, 60).amount == 0
    assert clawback(Clawback.pro_rata, 200_000_00, 72, 60).amount == 0
    assert clawback(Clawback.pro_rata, 0, 10, 60).amount == 0


def test_working_uses_the_money_writer() -> None:
    w = clawback(Clawback.pro_rata, 120_000_00, 24, 60, lambda m: f"¥{m / 100:,.2f}")
    assert w.working == "¥120,000.00 × 36 / 60 months not served = ¥72,000.00"


# -- ledger buckets ------------------------------------------------------------------------


def test_charge_buckets() -> None:
    assert figures.charge_bucket("accepted", "planned") == "committed_unpaid"
    assert figures.charge_bucket("accepted", "sent") == "committed_unpaid"
    assert figures.charge_bucket("accepted", None) == "committed_unpaid"
    assert figures.charge_bucket("extended", None) == "reserved"
    assert figures.charge_bucket("withdrawn", "paid") == "paid"  # paid stays paid
    assert figures.charge_bucket("accepted", "lapsed") == ""
    assert figures.charge_bucket("accepted", "stopped") == ""
    assert figures.charge_bucket("draft", None) == ""
    led = figures.ledger(
        [
            ("accepted", "paid", 10),
            ("accepted", "planned", 5),
            ("approved", None, 7),
            ("", "refund", -3),
        ]
    )
    assert (led.reserved, led.committed_unpaid, led.paid, led.committed) == (7, 5, 7, 12)
