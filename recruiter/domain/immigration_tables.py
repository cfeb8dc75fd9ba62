"""Tables of the visa, permit and relocation work (issue 13). Declared here, re-exported by
models.py (import them from there)."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from .clock import utcnow
from .columns import enum_type, fk
from .immigration import (
    CaseState,
    Category,
    DocKind,
    DocStatus,
    Milestone,
    PersonRole,
    Route,
    Severity,
)
from .workdays import DayCount


class ImmigrationCase(SQLModel, table=True):
    """The visa, permit and relocation work of one hire, from `signed` to the first day.
    `state` is derived from the milestones on every write (domain.immigration.state_of) and
    stored so lists filter on it in SQL; `closed_on` stops a case by hand."""

    __tablename__ = "immigration_case"
    __table_args__ = (
        UniqueConstraint("application_id", name="uq_immigration_case_application_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=fk("application.id", "CASCADE", index=False))
    route: Route = Field(default=Route.z, sa_type=enum_type(Route, "route"))
    category: Category | None = Field(default=None, sa_type=enum_type(Category, "category"))
    state: CaseState = Field(
        default=CaseState.preparing, sa_type=enum_type(CaseState, "state"), index=True
    )
    officer: str | None = Field(default=None, max_length=100)
    opened_on: date
    closed_on: date | None = None
    closed_reason: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    # The soonest of its deadlines, kept by services/immigration/clocks.py on every case, rule
    # and calendar write (NO_DEADLINE: none; NULL: not worked out yet), so the Due dock reads
    # only the cases near a deadline (0013).
    next_due: date | None = Field(default=None, index=True)
    # The rule (`deadline_rule.code`) of that soonest deadline, kept with it (0014), so the
    # Visas page and the Due dock name it without working out every case's clocks.
    next_rule: str | None = Field(default=None, max_length=50)


class CasePerson(SQLModel, table=True):
    """The scholar or a family member the case covers."""

    __tablename__ = "case_person"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=fk("immigration_case.id", "CASCADE"))
    role: PersonRole = Field(default=PersonRole.scholar, sa_type=enum_type(PersonRole, "role"))
    full_name: str = Field(max_length=200)
    nationality: str | None = Field(default=None, max_length=100)
    passport_no: str | None = Field(default=None, max_length=50)
    passport_expires: date | None = None
    birth_date: date | None = None


class CaseDocument(SQLModel, table=True):
    """One line of a person's document checklist."""

    __tablename__ = "case_document"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=fk("immigration_case.id", "CASCADE"))
    person_id: int = Field(sa_column=fk("case_person.id", "CASCADE"))
    kind: DocKind = Field(sa_type=enum_type(DocKind, "kind"))
    status: DocStatus = Field(default=DocStatus.needed, sa_type=enum_type(DocStatus, "status"))
    status_on: date | None = None
    note: str | None = Field(default=None, max_length=500)


class CaseMilestone(SQLModel, table=True):
    """A dated step of a case; permits carry their number and expiry."""

    __tablename__ = "case_milestone"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_case_milestone_case_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=fk("immigration_case.id", "CASCADE", index=False))
    kind: Milestone = Field(sa_type=enum_type(Milestone, "kind"))
    done_on: date
    number: str | None = Field(default=None, max_length=100)
    expires_on: date | None = None
    note: str | None = Field(default=None, max_length=500)


class RelocationTask(SQLModel, table=True):
    """A relocation task of a case, or (case_id NULL) a line of the office's template, whose
    `due_days` count from the planned entry. A cost may be charged to the offer's relocation
    item (`offer_item_id`)."""

    __tablename__ = "relocation_task"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, sa_column=fk("immigration_case.id", "CASCADE", True))
    position: int = 0
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=100)
    due_days: int | None = None
    due_on: date | None = None
    done_on: date | None = None
    cost_minor: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)
    offer_item_id: int | None = Field(default=None, sa_column=fk("offer_item.id", "SET NULL", True))
    note: str | None = Field(default=None, max_length=500)


class DeadlineRule(SQLModel, table=True):
    """One clock rule an office can edit (domain.deadlines.Rule); `code` never changes."""

    __tablename__ = "deadline_rule"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    name: str = Field(max_length=200)
    anchor: str = Field(max_length=40)
    amount: int = 0
    unit: DayCount = Field(default=DayCount.calendar_days, sa_type=enum_type(DayCount, "unit"))
    severity: Severity = Field(default=Severity.warning, sa_type=enum_type(Severity, "severity"))
    closed_by: Milestone | None = Field(default=None, sa_type=enum_type(Milestone, "closed_by"))
    routes: str | None = Field(default=None, max_length=100)  # comma-separated; empty: all
    categories: str | None = Field(default=None, max_length=20)
    only_if_before: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, sa_type=Text)
    active: bool = Field(default=True)
