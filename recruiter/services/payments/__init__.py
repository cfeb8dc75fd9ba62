"""Money over time (issue 18): payment schedules on offer items, the ledger with paid money,
monthly finance batches, service periods and assessments, early departures with clawbacks,
and the year-end lapse close.

- schedules: instalments, triggers, per-instalment sources, templates by item kind and tier;
- plan: every instalment with its trigger date, expected date and whether it is due;
- ledger: the ledger by fiscal year and the cash flow;
- batches: the month's batch for the finance office, paid, cancelled, the returned sheet;
- assessments, departures, yearend: what releases, stops, claws back or lapses money;
- scale: the office's assessment scale (results, names, effects);
- refunds: what early leavers owe, and receiving it (in parts) back into the source.
"""

from __future__ import annotations

from recruiter.store.database import Database

from .assessments import (
    REMIND_DAYS,
    AssessmentRow,
    Hire,
    ResultChange,
    ServiceChange,
    add_assessment,
    assessments,
    change_service,
    hires,
    record_result,
    restore_result,
    restore_service,
    set_service,
    upcoming,
)
from .batches import (
    BatchInfo,
    BatchResult,
    ReturnedResult,
    cancel_batch,
    check_month,
    due_for_month,
    import_returned,
    list_batches,
    mark_batch_paid,
    mark_paid,
    rows_of_batch,
    run_batch,
    unmark_paid,
)
from .departures import DepartureTerms, RefundLine, departure_of, preview, record, undo
from .ledger import (
    CashFlow,
    Outlook,
    by_fiscal_year,
    by_fiscal_year_in,
    cash_flow,
    expected_in_year,
    outlook,
)
from .plan import PaymentRow, due_in, facts_in, rows_in, scale_in, totals
from .refunds import RefundRow, receive, refunds, remove_receipt, restore_receipt
from .scale import restore_scale, set_scale
from .scale import scale as assessment_scale
from .scale import used as scale_used
from .schedules import (
    TEMPLATES,
    TIERS,
    ItemFacts,
    Line,
    amounts_for,
    fill_from_templates,
    item_facts,
    schedule_of,
    schedules_for,
    set_schedule,
    set_schedule_in,
    template,
)
from .yearend import CloseResult, close_year, closes, lapsing, undo_close


def payment_rows(db: Database) -> list[PaymentRow]:
    """Every instalment (the Payments page's list)."""
    with db.session() as s:
        return rows_in(s)


__all__ = [
    "REMIND_DAYS",
    "TEMPLATES",
    "TIERS",
    "AssessmentRow",
    "BatchInfo",
    "BatchResult",
    "CashFlow",
    "CloseResult",
    "DepartureTerms",
    "Hire",
    "ItemFacts",
    "Line",
    "Outlook",
    "PaymentRow",
    "RefundLine",
    "RefundRow",
    "ResultChange",
    "ReturnedResult",
    "ServiceChange",
    "add_assessment",
    "amounts_for",
    "assessment_scale",
    "assessments",
    "by_fiscal_year",
    "by_fiscal_year_in",
    "cancel_batch",
    "cash_flow",
    "change_service",
    "check_month",
    "close_year",
    "closes",
    "departure_of",
    "due_for_month",
    "due_in",
    "expected_in_year",
    "facts_in",
    "fill_from_templates",
    "hires",
    "import_returned",
    "item_facts",
    "lapsing",
    "list_batches",
    "mark_batch_paid",
    "mark_paid",
    "outlook",
    "payment_rows",
    "preview",
    "receive",
    "record",
    "record_result",
    "refunds",
    "remove_receipt",
    "restore_receipt",
    "restore_result",
    "restore_scale",
    "restore_service",
    "rows_in",
    "rows_of_batch",
    "run_batch",
    "scale_in",
    "scale_used",
    "schedule_of",
    "schedules_for",
    "set_scale",
    "set_schedule",
    "set_schedule_in",
    "set_service",
    "template",
    "totals",
    "undo",
    "undo_close",
    "unmark_paid",
    "upcoming",
]
