"""Pure domain rules: money, identity keys, ORCID, stage and offer rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recruiter.domain import fields, identity, money, rules
from recruiter.domain.enums import STAGES, OfferStatus, Outcome, Stage


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1,200,000.50", 120_000_050),
        ("120万", 120_000_000),
        ("¥ 80 000", 8_000_000),
        ("0", 0),
        ("3.5k", 350_000),
        ("1亿", 10_000_000_000),
        (1500, 150_000),
    ],
)
def test_parse_amount(text: str, minor: int) -> None:
    assert money.parse_amount(text) == minor


@pytest.mark.parametrize("bad", ["abc", "1.234", "", "1,2,3.4.5", "--5"])
def test_parse_amount_refuses(bad: str) -> None:
    with pytest.raises(money.MoneyError):
        money.parse_amount(bad)


def test_parse_amount_zero_decimal_currency() -> None:
    assert money.parse_amount("1500", "JPY") == 1500
    with pytest.raises(money.MoneyError):
        money.parse_amount("15.5", "JPY")


def test_format_amount() -> None:
    assert money.format_amount(123_456_789) == "¥1,234,567.89"
    assert money.format_amount(-5, "USD") == "-$0.05"
    assert money.format_amount(1500, "JPY") == "¥1,500"
    assert money.format_amount(100, "CHF", symbol=False) == "1.00"


@given(st.integers(min_value=0, max_value=money.MAX_MINOR))
def test_format_then_parse_round_trips(minor: int) -> None:
    assert money.parse_amount(money.format_amount(minor, "CNY", symbol=False)) == minor


def test_item_total_counts_annual_items_times_years() -> None:
    assert money.item_total(100, "annual", 3) == 300
    assert money.item_total(100, "one_off", 3) == 100


def test_convert_uses_rates_and_names_missing() -> None:
    rates = {"USD": Decimal("7.10")}
    assert money.convert(100_00, "USD", "CNY", rates) == 710_00
    assert money.convert(5, "CNY", "CNY", {}) == 5
    with pytest.raises(KeyError, match="EUR"):
        money.convert(1, "EUR", "CNY", rates)


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825-0097",
        "0000-0001-5109-3700",
        "0000-0002-1694-233X",
        "https://orcid.org/0000-0002-1825-0097",
        "000000021825 0097".replace(" ", ""),
    ],
)
def test_valid_orcids(orcid: str) -> None:
    assert identity.normalise_orcid(orcid) in {
        "0000-0002-1825-0097",
        "0000-0001-5109-3700",
        "0000-0002-1694-233X",
    }


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0098", "1234", "0000-0002-1825-00X7", "abcd-efgh-ijkl-mnop"]
)
def test_invalid_orcids(orcid: str) -> None:
    with pytest.raises(ValueError):
        identity.normalise_orcid(orcid)


def test_empty_orcid_is_none() -> None:
    assert identity.normalise_orcid("  ") is None
    assert identity.normalise_orcid(None) is None


def test_email_key_trims_and_lowers() -> None:
    assert identity.email_key("  Wei.Zhang@MIT.edu ") == "wei.zhang@mit.edu"
    assert identity.email_key("   ") is None
    assert identity.is_email("a.b@uni.edu.cn")
    assert not identity.is_email("not an email")
    assert not identity.is_email("a@b")


def test_name_key_ignores_order_case_accents_punctuation() -> None:
    assert identity.name_key("Zhang, Wei") == identity.name_key("wei ZHANG")
    assert identity.name_key("José Müller") == identity.name_key("Muller Jose")
    assert identity.name_key("张 伟") == "张伟"
    assert identity.name_key("") == ""


def test_person_key_combines_name_and_institution() -> None:
    a = identity.person_key("Wei Zhang", None, "The University of Oxford")
    b = identity.person_key("ZHANG Wei", None, "university of oxford")
    assert a == b
    assert identity.person_key("Wei Zhang", None, "MIT") != a
    assert identity.person_key(None, "张伟", "MIT") == "张伟|mit"
    assert identity.person_key(None, None, "MIT") is None


def test_stage_order_is_the_design_order() -> None:
    assert [s.value for s in STAGES] == [
        "identified",
        "contacted",
        "applied",
        "review",
        "approved",
        "offer",
        "signed",
        "immigration",
        "arrived",
    ]
    assert Stage.review.index == 3


def test_stage_move_rules() -> None:
    assert rules.stage_move_problem(Stage.identified, Outcome.active, Stage.review) is None
    assert rules.stage_move_problem(Stage.offer, Outcome.on_hold, Stage.signed) is None
    assert "closed" in (rules.stage_move_problem(Stage.offer, Outcome.declined, Stage.signed) or "")
    assert "already" in (rules.stage_move_problem(Stage.offer, Outcome.active, Stage.offer) or "")
    assert rules.outcome_for_stage(Stage.arrived, Outcome.active) == Outcome.hired
    assert rules.outcome_for_stage(Stage.signed, Outcome.active) == Outcome.active


def test_offer_transitions() -> None:
    assert rules.can_move_offer(OfferStatus.draft, OfferStatus.approved)
    assert not rules.can_move_offer(OfferStatus.draft, OfferStatus.accepted)
    assert rules.can_move_offer(OfferStatus.extended, OfferStatus.accepted)
    assert not rules.can_move_offer(OfferStatus.declined, OfferStatus.extended)


def test_plausible_values_are_checked_by_the_field_table() -> None:
    today = date(2026, 1, 1)
    phd, born, h = fields.spec("phd_year"), fields.spec("birth_date"), fields.spec("h_index")
    assert fields.convert(phd, "2027", today) == 2027
    with pytest.raises(ValueError, match="PhD year 2028 is not between 1950 and 2027"):
        fields.convert(phd, 2028, today)
    with pytest.raises(ValueError, match="PhD year 1949 is not between 1950"):
        fields.convert(phd, "1949", today)
    with pytest.raises(ValueError, match="Date of birth 2026-06-01 is in the future"):
        fields.convert(born, "2026-06-01", today)
    with pytest.raises(ValueError, match="is before 1900"):
        fields.convert(born, date(1899, 12, 31), today)
    assert fields.convert(born, "1980年5月1日", today) == date(1980, 5, 1)
    assert fields.convert(h, 42.0, today) == 42
    with pytest.raises(ValueError, match="h-index -1 is negative"):
        fields.convert(h, "-1", today)
    with pytest.raises(ValueError, match="h-index 1001 is over 1000"):
        fields.convert(h, 1001, today)
    with pytest.raises(ValueError, match=r"h-index '3\.5' is not a whole number"):
        fields.convert(h, "3.5", today)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张伟", True),
        ("Wei 伟", True),
        ("\u3400", True),  # extension A
        ("\U00020001", True),  # extension B, in some given names
        ("\uf900", True),  # compatibility ideograph
        ("Zhang Wei", False),
        ("カタカナ", False),  # Japanese kana are not Han
        ("", False),
    ],
)
def test_one_cjk_test_for_every_caller(text: str, expected: bool) -> None:
    assert identity.is_cjk(text) is expected
