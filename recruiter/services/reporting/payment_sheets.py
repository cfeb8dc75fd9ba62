"""The workbook's `Payments` (付款计划) and `Cash flow` (资金流) sheets: one row per instalment
with its trigger, due date and status; and per source and fiscal year the money paid, due
(trigger met, not paid) and expected (trigger not met yet). Amounts are in each source's own
currency, in major units, with the currency beside them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from recruiter.domain.money import exponent
from recruiter.store.database import Database

from .scope import Filters
from .sheets import SheetColumn

CHINESE_NAMES = {"Payments": "付款计划", "Cash flow": "资金流"}

PAYMENTS_SHEET: tuple[SheetColumn, ...] = (
    SheetColumn("Ref", "int", "id", 8),
    SheetColumn("Person", "text", "candidate", 22),
    SheetColumn("Target", "text", "target", 26),
    SheetColumn("Item", "text", "item_text", 20),
    SheetColumn("Trigger", "text", "trigger_text", 28),
    SheetColumn("Due on", "date", "due_on", 12),
    SheetColumn("Source", "text", "source", 26),
    SheetColumn("Project number", "text", "project_no", 14),
    SheetColumn("Amount", "number", "amount", 14),
    SheetColumn("Currency", "text", "currency", 9),
    SheetColumn("Status", "text", "status", 10),
    SheetColumn("Paid on", "date", "paid_on", 12),
    SheetColumn("Batch", "int", "batch_id", 8),
)

CASH_FLOW_SHEET: tuple[SheetColumn, ...] = (
    SheetColumn("Source", "text", "source", 30),
    SheetColumn("Currency", "text", "currency", 9),
    SheetColumn("Fiscal year", "text", "year", 11),
    SheetColumn("Paid", "number", "paid", 16),
    SheetColumn("Due", "number", "due", 16),
    SheetColumn("Expected", "number", "expected", 16),
)


def _major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def payment_sheets(
    db: Database, as_of: date, f: Filters = Filters()
) -> list[tuple[str, tuple[SheetColumn, ...], list[tuple[Any, ...]]]]:
    """(sheet name, columns, rows) of both sheets; an institution filter keeps the instalments
    of its targets and the cash flow of its sources."""
    wanted = set(f.institution_ids or ())
    from recruiter.services import payments  # reporting is imported by payments' callers

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
            "status": r.status.value,
            "paid_on": r.paid_on,
            "batch_id": r.batch_id,
        }
        rows.append(tuple(values[c.field] for c in PAYMENTS_SHEET))
    flows = []
    for c in payments.cash_flow(db, as_of):
        if wanted and c.institution_id not in wanted:
            continue
        values = {
            "source": c.source,
            "currency": c.currency,
            "year": str(c.year) if c.year else "no date yet",
            "paid": _major(c.paid, c.currency),
            "due": _major(c.due, c.currency),
            "expected": _major(c.expected, c.currency),
        }
        flows.append(tuple(values[c.field] for c in CASH_FLOW_SHEET))
    return [("Payments", PAYMENTS_SHEET, rows), ("Cash flow", CASH_FLOW_SHEET, flows)]
