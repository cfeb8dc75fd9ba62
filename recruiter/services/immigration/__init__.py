"""Immigration and relocation cases (issue 13): one case per hire from `signed` to the first
day, with people, document checklists, milestones, relocation tasks and deadline clocks.

- cases: opening (by hand or on reaching `signed`), editing, closing, removing; the editor's view;
- people: the scholar and family members, their document checklists;
- milestones: dated steps (the state follows them);
- relocation: tasks, the office's template, costs charged to the offer's relocation item;
- rules: the editable deadline rule table;
- clocks: every case's deadlines at once (Dashboard, cards, workbook), the stored next one;
- nearest: the Visas page's and the Due dock's lists, from each case's stored next deadline;
- contract: the contract's start date must come after the permits are valid (a warning);
- guard: no `arrived` while a required milestone is open, unless overridden with a reason.
"""

from __future__ import annotations

from .cases import (
    CaseBundle,
    CaseDetail,
    DocumentRow,
    MilestoneRow,
    PersonRow,
    TaskRow,
    case_of,
    close_case,
    detail,
    open_case,
    open_missing,
    open_missing_in,
    open_on_move,
    remove_case,
    remove_case_in,
    restore_case,
    update_case,
)
from .clocks import (
    CaseChoices,
    CaseCounts,
    CaseFilters,
    CaseList,
    CaseListRow,
    DueDeadline,
    DueList,
    case_list,
    case_list_in,
    counts,
    counts_in,
    due,
    due_in,
    filter_choices,
    refresh_next_due,
    refresh_next_due_in,
    refresh_unknown,
    urgency_by_application,
)
from .contract import start_problem
from .guard import ArrivalBlocked, arrival_problem, check_move
from .milestones import clear_milestone, put_milestone, set_milestone
from .nearest import (
    DOCK_LIMIT,
    CaseLine,
    CaseLines,
    NearestDue,
    case_lines,
    case_lines_in,
    nearest_due,
    nearest_due_in,
)
from .people import (
    add_document,
    add_person,
    remove_document,
    remove_person,
    restore_document,
    restore_person,
    update_document,
    update_person,
)
from .relocation import (
    TemplateRow,
    add_task,
    charge,
    put_charge,
    remove_task,
    restore_task,
    template,
    update_task,
)
from .rules import SEEDED_NAMES, RuleRow, defaults_for, update_rule
from .rules import display_name as rule_name
from .rules import rows as rule_rows

__all__ = [
    "DOCK_LIMIT",
    "SEEDED_NAMES",
    "ArrivalBlocked",
    "CaseBundle",
    "CaseChoices",
    "CaseCounts",
    "CaseDetail",
    "CaseFilters",
    "CaseLine",
    "CaseLines",
    "CaseList",
    "CaseListRow",
    "DocumentRow",
    "DueDeadline",
    "DueList",
    "MilestoneRow",
    "NearestDue",
    "PersonRow",
    "RuleRow",
    "TaskRow",
    "TemplateRow",
    "add_document",
    "add_person",
    "add_task",
    "arrival_problem",
    "case_lines",
    "case_lines_in",
    "case_list",
    "case_list_in",
    "case_of",
    "charge",
    "check_move",
    "clear_milestone",
    "close_case",
    "counts",
    "counts_in",
    "defaults_for",
    "detail",
    "due",
    "due_in",
    "filter_choices",
    "nearest_due",
    "nearest_due_in",
    "open_case",
    "open_missing",
    "open_missing_in",
    "open_on_move",
    "put_charge",
    "put_milestone",
    "refresh_next_due",
    "refresh_next_due_in",
    "refresh_unknown",
    "remove_case",
    "remove_case_in",
    "remove_document",
    "remove_person",
    "remove_task",
    "restore_case",
    "restore_document",
    "restore_person",
    "restore_task",
    "rule_name",
    "rule_rows",
    "set_milestone",
    "start_problem",
    "template",
    "update_case",
    "update_document",
    "update_person",
    "update_rule",
    "update_task",
    "urgency_by_application",
]
