"""Pure rules of money paid over time (issue 18): splitting an item into instalments in integer
minor units, when an instalment's trigger is met, the fiscal year money falls in, and what a
clawback rule asks back of someone who leaves early. No I/O."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from recruiter.i18n import N_, _, pgettext


class Trigger(StrEnum):
    """What releases an instalment."""

    signing = "signing"
    arrival = "arrival"
    date = "date"
    service_year = "service_year"
    assessment = "assessment"

    @property
    def label(self) -> str:
        return _(_TRIGGER_LABELS[self])


_TRIGGER_LABELS = {
    Trigger.signing: N_("At signing"),
    Trigger.arrival: N_("On arrival"),
    Trigger.date: N_("On a date"),
    Trigger.service_year: N_("After a year of service"),
    Trigger.assessment: N_("After an assessment passed"),
}


class Status(StrEnum):
    planned = "planned"
    sent = "sent"
    paid = "paid"
    stopped = "stopped"
    lapsed = "lapsed"

    @property
    def label(self) -> str:
        """The status as sheets and pages print it (the stored value in English)."""
        return {
            "planned": pgettext("PaymentStatus", "planned"),
            "sent": pgettext("PaymentStatus", "sent"),
            "paid": pgettext("PaymentStatus", "paid"),
            "stopped": pgettext("PaymentStatus", "stopped"),
            "lapsed": pgettext("PaymentStatus", "lapsed"),
        }[self]


UNPAID = (Status.planned.value, Status.sent.value)  # still holds money for its source
ENDED = (Status.stopped.value, Status.lapsed.value)  # money returned to its source


class AssessmentKind(StrEnum):
    annual = "annual"
    mid_term = "mid_term"
    end_of_term = "end_of_term"

    @property
    def label(self) -> str:
        return {
            "annual": pgettext("AssessmentKind", "Annual"),
            "mid_term": pgettext("AssessmentKind", "Mid-term"),
            "end_of_term": pgettext("AssessmentKind", "End of term"),
        }[self]


class Clawback(StrEnum):
    """What an early leaver pays back of an item's paid money."""

    none = "none"  # nothing
    pro_rata = "pro_rata"  # paid x months not served / months of the service period
    full = "full"  # everything paid, unearned until the service period is complete

    @property
    def label(self) -> str:
        return {
            "none": _("No refund"),
            "pro_rata": _("Pro rata to months not served"),
            "full": _("Everything paid (unearned until the end)"),
        }[self]


# The office's result scale: result -> what it does to the instalments it triggers.
# "release" pays them, "hold" keeps them waiting (neither paid nor ended), "stop" ends them.
# An office may store its own scale (services.payments.scale).
DEFAULT_SCALE: Mapping[str, str] = {"合格": "release", "基本合格": "release", "不合格": "stop"}


class Effect(StrEnum):
    """What an assessment result does to the instalments that assessment triggers."""

    release = "release"
    hold = "hold"
    stop = "stop"

    @property
    def label(self) -> str:
        return {
            "release": pgettext("assessment effect", "Releases the tranche"),
            "hold": pgettext("assessment effect", "Holds the tranche"),
            "stop": pgettext("assessment effect", "Stops the tranche"),
        }[self]


@dataclass(frozen=True)
class ScaleResult:
    """One result of the office's scale. `key` is what recorded assessments store and never
    changes (renaming changes the labels only); new results take their Chinese label, else
    their English one, as key."""

    key: str
    en: str
    zh: str
    effect: Effect

    def label(self, chinese: bool) -> str:
        return (self.zh or self.en) if chinese else (self.en or self.zh)


DEFAULT_RESULTS: tuple[ScaleResult, ...] = (
    ScaleResult("合格", "Pass", "合格", Effect.release),
    ScaleResult("基本合格", "Basic pass", "基本合格", Effect.release),
    ScaleResult("不合格", "Fail", "不合格", Effect.stop),
)
KEY_LENGTH = 50  # assessment.result's length


def parse_scale(value: object) -> tuple[ScaleResult, ...] | None:
    """The scale from its stored JSON value: a list of {key, en, zh, effect}, or the older
    {result: effect} mapping (labels then the result itself; the defaults' English names
    kept). None when the value is not a scale."""
    english = {r.key: r.en for r in DEFAULT_RESULTS}
    try:
        if isinstance(value, dict) and value:
            return tuple(
                ScaleResult(str(k), english.get(str(k), str(k)), str(k), Effect(str(v)))
                for k, v in value.items()
            )
        if isinstance(value, list) and value:
            return tuple(
                ScaleResult(
                    str(r["key"]),
                    str(r.get("en") or ""),
                    str(r.get("zh") or ""),
                    Effect(r["effect"]),
                )
                for r in value
            )
    except (KeyError, TypeError, ValueError):
        return None
    return None


def dump_scale(results: Sequence[ScaleResult]) -> list[dict[str, str]]:
    return [{"key": r.key, "en": r.en, "zh": r.zh, "effect": r.effect.value} for r in results]


def scale_problems(
    results: Sequence[ScaleResult],
    used: Mapping[str, int],
    before: Sequence[ScaleResult] = (),
) -> dict[str, str]:
    """Why a scale cannot be stored ({} when it can). `used`: how many recorded assessments
    have each result; such a result may be renamed but neither removed nor given another
    effect (the instalments it released or stopped would then disagree with it)."""
    errors: dict[str, str] = {}
    if not results:
        errors["results"] = _("the scale needs at least one result")
    elif not any(r.effect == Effect.release for r in results):
        errors["results"] = _("at least one result must release the tranche (a pass)")
    keys: set[str] = set()
    labels: dict[str, set[str]] = {"en": set(), "zh": set()}
    for n, r in enumerate(results, start=1):
        where = _("result {n}").format(n=n)
        if not (r.en.strip() or r.zh.strip()):
            errors[where] = _("give the result a name")
        elif not r.key.strip() or len(r.key) > KEY_LENGTH:
            errors[where] = _("a name of at most {n} characters").format(n=KEY_LENGTH)
        elif r.key in keys:
            errors[where] = _("'{name}' is on the scale twice").format(name=r.key)
        for lang, text in (("en", r.en.strip()), ("zh", r.zh.strip())):
            if text and text.casefold() in labels[lang]:
                errors[where] = _("'{name}' is on the scale twice").format(name=text)
            labels[lang].add(text.casefold())
        keys.add(r.key)
    effects = {r.key: r.effect for r in results}
    was = {r.key: r for r in before}
    for key, count in sorted(used.items()):
        if not count:
            continue
        name = was[key].label(False) if key in was else key
        if key not in effects:
            errors[key] = _(
                "'{name}' is the result of {count} recorded assessment(s): rename it, but keep it"
            ).format(name=name, count=count)
        elif key in was and effects[key] != was[key].effect:
            errors[key] = _(
                "'{name}' is the result of {count} recorded assessment(s): its effect cannot "
                "change (clear those results first)"
            ).format(name=name, count=count)
    return errors


# -- splitting -------------------------------------------------------------------------------


def split_percentages(total: int, percents: Sequence[int]) -> list[int]:
    """`total` minor units split by whole percentages that add up to 100, the remainder
    (largest remainders first, then earliest) so the parts add up to exactly `total`."""
    if sum(percents) != 100 or any(p < 0 for p in percents):
        raise ValueError("percentages must be zero or more and add up to 100")
    exact = [total * p for p in percents]
    parts = [e // 100 for e in exact]
    left = total - sum(parts)
    order = sorted(range(len(percents)), key=lambda i: (-(exact[i] % 100), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def schedule_problem(item_total: int, amounts: Sequence[int]) -> str | None:
    """Why a schedule is not acceptable for an item costing `item_total`, or None."""
    if any(a < 0 for a in amounts):
        return "an instalment cannot be negative"
    if amounts and sum(amounts) != item_total:
        return (
            f"the instalments add up to {sum(amounts)}, not the item's {item_total} (minor units)"
        )
    return None


# -- dates -----------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when `end` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day and end.day != calendar.monthrange(end.year, end.month)[1]:
        months -= 1
    return max(0, months)


def fiscal_year(day: date | None) -> int | None:
    """Chinese budgets run January to December."""
    return None if day is None else day.year


def month_end(month: str) -> date:
    """The last day of 'YYYY-MM'."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


@dataclass(frozen=True)
class Facts:
    """What has happened to a hire, as far as triggers care. `passed` maps (assessment kind,
    year or None) to the day a releasing result was recorded."""

    signed_on: date | None = None
    arrived_on: date | None = None
    service_start: date | None = None
    passed: Mapping[tuple[str, int | None], date] | None = None
    expected_start: date | None = None  # the offer's start date, for estimates
    assessment_due: Mapping[tuple[str, int | None], date] | None = None


def trigger_met_on(
    trigger: Trigger | str,
    facts: Facts,
    trigger_on: date | None = None,
    trigger_year: int | None = None,
    assessment_kind: str | None = None,
) -> date | None:
    """The day the trigger was (or will certainly be) met, or None while it is not known."""
    t = Trigger(trigger)
    if t == Trigger.signing:
        return facts.signed_on
    if t == Trigger.arrival:
        return facts.arrived_on
    if t == Trigger.date:
        return trigger_on
    if t == Trigger.service_year:
        start = facts.service_start
        return None if start is None else add_years(start, trigger_year or 1)
    key = (assessment_kind or "", trigger_year if assessment_kind == "annual" else None)
    return (facts.passed or {}).get(key)


def expected_on(
    trigger: Trigger | str,
    facts: Facts,
    trigger_on: date | None = None,
    trigger_year: int | None = None,
    assessment_kind: str | None = None,
) -> date | None:
    """When the instalment is expected: the day its trigger was met, else a best estimate from
    the offer's start date and the assessments' due dates (for cash-flow forecasts)."""
    met = trigger_met_on(trigger, facts, trigger_on, trigger_year, assessment_kind)
    if met is not None:
        return met
    t = Trigger(trigger)
    start = facts.service_start or facts.arrived_on or facts.expected_start
    if t in (Trigger.signing, Trigger.arrival):
        return start
    if t == Trigger.service_year:
        return None if start is None else add_years(start, trigger_year or 1)
    if t == Trigger.assessment:
        key = (assessment_kind or "", trigger_year if assessment_kind == "annual" else None)
        return (facts.assessment_due or {}).get(key)
    return None


# -- clawback --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundWorking:
    """A refund and the arithmetic behind it, in words a court or an auditor can follow."""

    amount: int
    working: str


def clawback(
    rule: Clawback | str,
    paid: int,
    months_served: int,
    service_months: int,
    money: Callable[[int], str] = str,
) -> RefundWorking:
    """What `rule` asks back of `paid` minor units when someone leaves after `months_served`
    of `service_months` (`money` writes amounts in the working). Pro rata rounds half up to
    the minor unit."""
    r = Clawback(rule)
    if paid <= 0 or r == Clawback.none:
        return RefundWorking(0, _("{rule}: nothing to refund").format(rule=r.label))
    if service_months <= 0 or months_served >= service_months:
        return RefundWorking(
            0,
            _("service period complete ({months} months): no refund").format(months=months_served),
        )
    if r == Clawback.full:
        return RefundWorking(
            paid,
            _("{paid} paid, left after {served} of {months} months: all of it").format(
                paid=money(paid), served=months_served, months=service_months
            ),
        )
    unserved = service_months - months_served
    amount = (2 * paid * unserved + service_months) // (2 * service_months)
    return RefundWorking(
        amount,
        _("{paid} × {unserved} / {months} months not served = {amount}").format(
            paid=money(paid), unserved=unserved, months=service_months, amount=money(amount)
        ),
    )


__all__ = [
    "DEFAULT_RESULTS",
    "DEFAULT_SCALE",
    "ENDED",
    "UNPAID",
    "AssessmentKind",
    "Clawback",
    "Effect",
    "Facts",
    "RefundWorking",
    "ScaleResult",
    "Status",
    "Trigger",
    "add_years",
    "clawback",
    "dump_scale",
    "expected_on",
    "fiscal_year",
    "month_end",
    "months_between",
    "parse_scale",
    "scale_problems",
    "schedule_problem",
    "split_percentages",
    "trigger_met_on",
]
