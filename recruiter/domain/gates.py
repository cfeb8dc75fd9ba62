"""The approval gates of a hire (college meeting, expert review, committees, public notice,
background checks) and their pure rules: when a decision may be recorded, when a gate counts as
passed, which gate an application waits at, and which stage moves the gates refuse.

Pure: the caller loads templates, records, reviews, objections and the office calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from recruiter.i18n import N_, _

from .enums import Stage
from .workdays import Calendar


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        text = LABELS.get(self.value)
        return _(text) if text else self.value.replace("_", " ").capitalize()


class GateKind(_Labelled):
    meeting = "meeting"  # a meeting decision (党政联席会, 人才工作领导小组, 党委常委会)
    expert_review = "expert_review"  # peer and anonymous reviews (专家评审, 层次认定)
    public_notice = "public_notice"  # 公示: posted for N working days, objections checked
    background_check = "background_check"


class GateOutcome(_Labelled):
    approved = "approved"
    rejected = "rejected"
    deferred = "deferred"
    conditions = "conditions"  # approved with conditions


class HireType(_Labelled):
    full_time = "full_time"  # 全职
    flexible = "flexible"  # 柔性


class PostType(_Labelled):
    established = "established"  # 编制
    tenure_track = "tenure_track"  # 预聘 (with a review period in years)


class TierLevel(_Labelled):
    national = "national"
    provincial = "provincial"
    university = "university"


LABELS = {
    "meeting": N_("Meeting decision"),
    "expert_review": N_("Expert review"),
    "public_notice": N_("Public notice"),
    "background_check": N_("Background checks"),
    "conditions": N_("Approved with conditions"),
    "full_time": N_("Full-time (全职)"),
    "flexible": N_("Flexible (柔性)"),
    "established": N_("Established post (编制)"),
    "tenure_track": N_("Tenure-track (预聘)"),
    # the rest read as their capitalised value in English; listed so the catalog has them
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "deferred": N_("Deferred"),
    "national": N_("National"),
    "provincial": N_("Provincial"),
    "university": N_("University"),
}

PASSED = frozenset({GateOutcome.approved, GateOutcome.conditions})


class GateState(StrEnum):
    open = "open"  # not decided yet, or deferred
    passed = "passed"
    failed = "failed"


def state_of(outcome: GateOutcome | None) -> GateState:
    if outcome is None or outcome == GateOutcome.deferred:
        return GateState.open
    return GateState.passed if outcome in PASSED else GateState.failed


@dataclass(frozen=True)
class GateRule:
    """One gate of an institution's template: its body, kind and rules. `guards` is the stage an
    application may not reach before the gate is passed (None: a gate after the hire, such as the
    tier classification on arrival, that holds no stage back)."""

    body: str
    kind: GateKind
    required: bool = True
    reviews_required: int = 0
    anonymous: bool = False
    notice_days: int = 0
    guards: Stage | None = Stage.approved


# The published procedures' shape (Renmin, Shaoxing, SCUT, Chuzhou): the college decides, an
# expert review follows, the university's talent-work group and (for large spending, 三重一大)
# the Party standing committee decide, the result is posted for public notice, checks are done.
# An office edits these on the Setup page.
DEFAULT_GATES: tuple[GateRule, ...] = (
    GateRule("College joint Party-administration meeting (党政联席会)", GateKind.meeting),
    GateRule(
        "Expert review (专家评审)", GateKind.expert_review, reviews_required=3, anonymous=True
    ),
    GateRule("University talent-work group (人才工作领导小组)", GateKind.meeting),
    GateRule("Party standing committee (党委常委会)", GateKind.meeting, required=False),
    GateRule("Public notice (公示)", GateKind.public_notice, notice_days=5, guards=Stage.offer),
    GateRule("Background checks", GateKind.background_check, guards=Stage.offer),
    GateRule(
        "Tier classification (层次认定)",
        GateKind.expert_review,
        required=False,
        reviews_required=3,
        anonymous=True,
        guards=None,
    ),
)


def notice_end(cal: Calendar, start: date, working_days: int) -> date:
    """The last day of a public notice posted on `start` for `working_days` working days of the
    office calendar (the posting day is not counted: five days posted on a Monday end on the next
    Monday; a holiday week or an adjusted working Saturday moves the end accordingly)."""
    return cal.add_working_days(start, working_days)


@dataclass(frozen=True)
class GateFacts:
    """What a decision on one gate is checked against."""

    rule: GateRule
    reviews_received: int = 0
    objections_open: int = 0
    notice_start: date | None = None
    notice_end: date | None = None


def decision_problem(
    facts: GateFacts,
    outcome: GateOutcome,
    decided_on: date | None,
    notes: str | None,
    earlier_open: Sequence[str] = (),
) -> str | None:
    """Why this decision may not be recorded, or None. `earlier_open` names the required gates
    before this one that are not passed (a gate decides after those before it)."""
    if decided_on is None and outcome != GateOutcome.deferred:
        return "give the date of the decision"
    if outcome == GateOutcome.rejected and not (notes or "").strip():
        return "say why the gate rejected the hire (it closes the application with that reason)"
    if outcome == GateOutcome.conditions and not (notes or "").strip():
        return "write down the conditions"
    if outcome not in PASSED:
        return None
    if earlier_open:
        return f"{earlier_open[0]} comes first and is not passed yet"
    rule = facts.rule
    if rule.kind == GateKind.expert_review and facts.reviews_received < rule.reviews_required:
        return (
            f"{rule.reviews_required} expert reviews are needed; "
            f"{facts.reviews_received} received so far"
        )
    if rule.kind == GateKind.public_notice:
        if facts.notice_start is None or facts.notice_end is None:
            return "record when the notice was posted first"
        if decided_on is not None and decided_on < facts.notice_end:
            return f"the notice runs until {facts.notice_end.isoformat()}"
        if facts.objections_open:
            n = facts.objections_open
            return f"{n} objection{'s' if n != 1 else ''} to the notice not yet handled"
    return None


@dataclass(frozen=True)
class GateStatus:
    """A gate of one application: its rule and where it stands."""

    name: str
    rule: GateRule
    state: GateState


def guard_problem(gates: Sequence[GateStatus], current: Stage, to: Stage) -> str | None:
    """Why the gates refuse a move forward to `to` (a required gate guarding `to` or an earlier
    stage is open or negative), or None. Moving back is never refused."""
    if to.index <= current.index:
        return None
    blocking = [
        g
        for g in gates
        if g.rule.required
        and g.rule.guards is not None
        and g.rule.guards.index <= to.index
        and g.state != GateState.passed
    ]
    if not blocking:
        return None
    g = blocking[0]
    stage = to.label.lower()
    n = len(blocking) - 1
    if g.state == GateState.failed:
        if n:
            return _("{gate} is rejected (and {n} more); {stage} needs it").format(
                gate=g.name, n=n, stage=stage
            )
        return _("{gate} is rejected; {stage} needs it").format(gate=g.name, stage=stage)
    if n:
        return _("{gate} is not passed yet (and {n} more); {stage} needs it").format(
            gate=g.name, n=n, stage=stage
        )
    return _("{gate} is not passed yet; {stage} needs it").format(gate=g.name, stage=stage)


def next_gate(gates: Sequence[GateStatus]) -> GateStatus | None:
    """The first required gate that is not passed: where the application waits."""
    for g in gates:
        if g.rule.required and g.state != GateState.passed:
            return g
    return None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
