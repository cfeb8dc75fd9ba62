"""immigration and relocation cases with their deadline clocks (issue 13)

Revision ID: 0010
Revises: 0009

New tables only (no table is copied on SQLite). The rule table starts with the deadlines
published when this revision was written, and the relocation template with the usual tasks;
both are an office's data from then on (Setup page). The values are written out here, not
imported from the app, so this revision means the same thing forever. The whole upgrade is one
transaction (store/ddl_transaction.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ROUTES = ("z", "r", "k", "resident", "not_needed")
STATES = ("preparing", "permit", "visa", "travel", "in_country", "done", "closed")
MILESTONES = (
    "fwp_submitted",
    "fwp_accepted",
    "letter_issued",
    "visa_issued",
    "entry_planned",
    "entry",
    "medical_check",
    "work_permit",
    "residence_permit",
    "first_day",
)
DOCS = (
    "cv",
    "reference_letter",
    "degree",
    "no_criminal_record",
    "medical_report",
    "contract",
    "passport",
    "relationship",
    "other",
)
DOC_STATUSES = ("needed", "requested", "received", "authenticated", "submitted", "accepted")


def _enum(values: tuple[str, ...], column: str) -> sa.Enum:
    return sa.Enum(
        *values, name=f"{column}_values", native_enum=False, create_constraint=True, length=20
    )


def _fk(column: str, table: str, target: str, ondelete: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}", ondelete=ondelete),
        nullable=nullable,
    )


_SAFE = "Foreigner's Work Permit service guide (State Administration of Foreign Experts Affairs)"
_NIA = "Exit and Entry Administration Law arts. 30-32 and NIA guidance"
# code, name, anchor, amount, unit, severity, closed_by, routes, categories, only_if_before, source
RULES = (
    ("fwp_prereview", "FWP pre-review result expected", "fwp_submitted", 10, "working_days",
     "info", "fwp_accepted", "z,r", None, None,
     f"{_SAFE}: pre-review takes up to 10 working days."),
    ("fwp_decision_a", "FWP decision expected (category A)", "fwp_accepted", 5, "working_days",
     "info", "letter_issued", "z,r", "a", None,
     f"{_SAFE}: decision within 5 working days for category A."),
    ("fwp_decision_bc", "FWP decision expected (categories B, C)", "fwp_accepted", 10,
     "working_days", "info", "letter_issued", "z,r", "b,c", None,
     f"{_SAFE}: decision within 10 working days for categories B and C."),
    ("letter_expiry", "Notification letter expires", "letter_issued", 3, "months", "critical",
     "visa_issued", "z", None, None,
     f"{_SAFE}: the Notification Letter of Foreigner's Work Permit is valid 3 months."),
    ("work_permit_due", "Apply for the work permit", "entry", 10, "calendar_days", "critical",
     "work_permit", "z,r", None, None,
     f"{_SAFE}: apply for the work permit within 10 days of entry."),
    ("residence_permit_due", "Apply for the residence permit", "entry", 30, "calendar_days",
     "critical", "residence_permit", "z,r", None, None,
     f"{_NIA}: within 30 days of entry; late ones are fined (e.g. CNY 500 a day)."),
    ("work_permit_renewal", "File the work permit renewal", "work_permit_expires", -30,
     "calendar_days", "warning", None, None, None, None,
     f"{_SAFE}: renewals are filed at least 30 days before expiry."),
    ("residence_permit_renewal", "File the residence permit renewal",
     "residence_permit_expires", -30, "calendar_days", "warning", None, None, None, None,
     f"{_NIA}: renewals are filed at least 30 days before expiry."),
    ("passport_before_permit", "Passport expires before the residence permit",
     "passport_expires", 0, "calendar_days", "warning", None, None, None,
     "residence_permit_expires",
     "A residence permit cannot outlast the passport it is issued in; renew first."),
)  # fmt: skip
# title, owner, days from the planned entry
TEMPLATE = (
    ("Flights booked", "HR office", -21),
    ("Temporary housing", "Housing office", -14),
    ("Airport pick-up", "Department", -2),
    ("Bank account", "HR office", 7),
    ("Phone number", "HR office", 3),
    ("School places for children", "HR office", 30),
    ("Spouse's job search", "HR office", 60),
    ("Lab or office space", "Department", 0),
    ("Payroll set up", "Finance office", 14),
)


def upgrade() -> None:
    op.create_table(
        "immigration_case",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("application_id", "immigration_case", "application", "CASCADE"),
        sa.Column("route", _enum(ROUTES, "route"), nullable=False),
        sa.Column("category", _enum(("a", "b", "c"), "category"), nullable=True),
        sa.Column("state", _enum(STATES, "state"), nullable=False),
        sa.Column("officer", AutoString(length=100), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_reason", AutoString(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_immigration_case")),
        sa.UniqueConstraint("application_id", name="uq_immigration_case_application_id"),
    )
    op.create_index("ix_immigration_case_state", "immigration_case", ["state"])
    op.create_table(
        "case_person",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("case_id", "case_person", "immigration_case", "CASCADE"),
        sa.Column("role", _enum(("scholar", "spouse", "child", "other"), "role"), nullable=False),
        sa.Column("full_name", AutoString(length=200), nullable=False),
        sa.Column("nationality", AutoString(length=100), nullable=True),
        sa.Column("passport_no", AutoString(length=50), nullable=True),
        sa.Column("passport_expires", sa.Date(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_person")),
    )
    op.create_index("ix_case_person_case_id", "case_person", ["case_id"])
    op.create_table(
        "case_document",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("case_id", "case_document", "immigration_case", "CASCADE"),
        _fk("person_id", "case_document", "case_person", "CASCADE"),
        sa.Column("kind", _enum(DOCS, "kind"), nullable=False),
        sa.Column("status", _enum(DOC_STATUSES, "status"), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=True),
        sa.Column("note", AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_document")),
    )
    op.create_index("ix_case_document_case_id", "case_document", ["case_id"])
    op.create_index("ix_case_document_person_id", "case_document", ["person_id"])
    op.create_table(
        "case_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("case_id", "case_milestone", "immigration_case", "CASCADE"),
        sa.Column("kind", _enum(MILESTONES, "kind"), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("number", AutoString(length=100), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("note", AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_milestone")),
        sa.UniqueConstraint("case_id", "kind", name="uq_case_milestone_case_kind"),
    )
    op.create_table(
        "relocation_task",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("case_id", "relocation_task", "immigration_case", "CASCADE", nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", AutoString(length=200), nullable=False),
        sa.Column("owner", AutoString(length=100), nullable=True),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", AutoString(length=3), nullable=True),
        _fk("offer_item_id", "relocation_task", "offer_item", "SET NULL", nullable=True),
        sa.Column("note", AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relocation_task")),
    )
    op.create_index("ix_relocation_task_case_id", "relocation_task", ["case_id"])
    op.create_index("ix_relocation_task_offer_item_id", "relocation_task", ["offer_item_id"])
    rule = op.create_table(
        "deadline_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", AutoString(length=50), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("anchor", AutoString(length=40), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column(
            "unit", _enum(("calendar_days", "working_days", "months"), "unit"), nullable=False
        ),
        sa.Column("severity", _enum(("info", "warning", "critical"), "severity"), nullable=False),
        sa.Column("closed_by", _enum(MILESTONES, "closed_by"), nullable=True),
        sa.Column("routes", AutoString(length=100), nullable=True),
        sa.Column("categories", AutoString(length=20), nullable=True),
        sa.Column("only_if_before", AutoString(length=40), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_deadline_rule_code")),
    )
    keys = ("code", "name", "anchor", "amount", "unit", "severity", "closed_by", "routes")
    keys += ("categories", "only_if_before", "source")
    op.bulk_insert(rule, [{**dict(zip(keys, r, strict=True)), "active": True} for r in RULES])
    task = sa.table(
        "relocation_task",
        sa.column("position", sa.Integer()),
        sa.column("title", sa.String()),
        sa.column("owner", sa.String()),
        sa.column("due_days", sa.Integer()),
    )
    op.bulk_insert(
        task,
        [
            {"position": i, "title": t, "owner": o, "due_days": d}
            for i, (t, o, d) in enumerate(TEMPLATE)
        ],
    )


def downgrade() -> None:
    for table in (
        "deadline_rule",
        "relocation_task",
        "case_milestone",
        "case_document",
        "case_person",
        "immigration_case",
    ):
        op.drop_table(table)
