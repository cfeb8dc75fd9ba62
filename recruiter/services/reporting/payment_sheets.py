"""The workbook's `Payments` (付款计划) and `Cash flow` (资金流) sheets: one row per instalment
with its trigger, due date and status (then one row per refund, negative, with what was
received of it); and per source and fiscal year the money paid (net of refunds received), due
(trigger met, not paid), expected (trigger not met yet) and refunds still owed. Amounts are
in each source's own currency, in major units, with the currency beside them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from recruiter.domain.money import exponent
from recruiter.i18n import N_, NC_, _
from recruiter.store.database import Database

from .scope import Filters
from .sheets import SheetColumn, context_column

CHINESE_NAMES = {"Payments": "付款计划", "Cash flow": "资金流"}

PAYMENTS_SHEET: tuple[SheetColumn, ...] = (
    SheetColumn(N_("Ref"), "int", "id", 8),
    SheetColumn(N_("Person"), "text", "candidate", 22),
    SheetColumn(N_("Target"), "text", "target", 26),
    SheetColumn(N_("Item"), "text", "item_text", 20),
    SheetColumn(N_("Trigger"), "text", "trigger_text", 28),
    SheetColumn(N_("Due on"), "date", "due_on", 12),
    context_column(NC_("funding", "Source"), "text", "source", 26),
    SheetColumn(N_("Project number"), "text", "project_no", 14),
    SheetColumn(N_("Amount"), "number", "amount", 14),
    SheetColumn(N_("Currency"), "text", "currency", 9),
    SheetColumn(N_("Status"), "text", "status", 10),
    SheetColumn(N_("Paid on"), "date", "paid_on", 12),
    SheetColumn(N_("Batch"), "int", "batch_id", 8),
)

CASH_FLOW_SHEET: tuple[SheetColumn, ...] = (
    context_column(NC_("funding", "Source"), "text", "source", 30),
    SheetColumn(N_("Currency"), "text", "currency", 9),
    SheetColumn(N_("Fiscal year"), "text", "year", 11),
    context_column(NC_("cash flow", "Paid"), "number", "paid", 16),
    context_column(NC_("cash flow", "Due"), "number", "due", 16),
    context_column(NC_("cash flow", "Expected"), "number", "expected", 16),
    context_column(NC_("cash flow", "Refunds owed"), "number", "refund_owed", 16),
)
REFUND_STATES = {
    "owed": N_("refund owed"),
    "part": N_("refund partly received"),
    "received": N_("refund received"),
}


def _major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def payment_sheets(
    db: Database, as_of: date, f: Filters = Filters()
) -> list[tuple[str, tuple[SheetColumn, ...], list[tuple[Any, ...]]]]:
    """(sheet name, columns, rows) of both sheets; an institution filter keeps the instalments
    of its targets and the cash flow of its sources."""
    wanted = set(f.institution_ids or ())
    from recruiter.services import payments  # reporting is imported by payments' callers

    statuses: dict[Any, str] = {}
    rows = []
    for r in payments.payment_rows(db):
        if wanted and r.institution_id not in wanted:
            continue
        values = {
            "id": r.id,
            "candidate": r.candidate,
            "target": r.target,
            "item_text": r.item_text,
            "trigger_text": r.trigger_text,
            "due_on": r.met_on or r.expected_on,
            "source": r.source,
            "project_no": r.project_no,
            "amount": _major(r.amount_minor, r.currency),
            "currency": r.currency,
            "status": statuses.get(r.status) or statuses.setdefault(r.status, r.status.label),
            "paid_on": r.paid_on,
            "batch_id": r.batch_id,
        }
        rows.append(tuple(values[c.field] for c in PAYMENTS_SHEET))
    for refund in payments.refunds(db):  # money asked back of early leavers, as negatives
        if wanted and refund.institution_id not in wanted:
            continue
        values = {
            "id": None,
            "candidate": refund.candidate,
            "target": refund.target,
            "item_text": refund.item_text,
            "trigger_text": refund.working,
            "due_on": refund.on,
            "source": refund.source,
            "project_no": None,
            "amount": -_major(refund.owed, refund.currency),
            "currency": refund.currency,
            "status": _(REFUND_STATES[refund.state]),
            "paid_on": refund.last_received_on,
            "batch_id": None,
        }
        rows.append(tuple(values[c.field] for c in PAYMENTS_SHEET))
    undated = _("no date yet")
    flows = []
    for c in payments.cash_flow(db, as_of):
        if wanted and c.institution_id not in wanted:
            continue
        values = {
            "source": c.source,
            "currency": c.currency,
            "year": str(c.year) if c.year else undated,
            "paid": _major(c.paid, c.currency),
            "due": _major(c.due, c.currency),
            "expected": _major(c.expected, c.currency),
            "refund_owed": _major(c.refund_owed, c.currency),
        }
        flows.append(tuple(values[c.field] for c in CASH_FLOW_SHEET))
    return [("Payments", PAYMENTS_SHEET, rows), ("Cash flow", CASH_FLOW_SHEET, flows)]
