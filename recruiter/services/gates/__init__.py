"""The approval gates of a hire: templates per institution, decisions on each application's
gates (reviews, notices, objections), talent tiers and hire types, and the reads the screens
and the workbook need. The stage guard is services/gate_guard.py."""

from ..gate_guard import GateClosed, stage_problem
from .kept import Kept, put_back
from .queries import (
    ApplicationGates,
    ApprovalRow,
    CompletionRow,
    DueGate,
    GateView,
    Scope,
    WaitRow,
    approval_rows,
    completion,
    due,
    for_application,
    next_gates,
    where_waiting,
)
from .records import (
    add_objection,
    add_review,
    decide,
    post_notice,
    remove_objection,
    remove_review,
    update_objection,
    update_review,
)
from .templates import TemplateRow, for_institution, install_defaults
from .tiers import (
    Hire,
    TierRow,
    add_tier,
    hire_of,
    hire_of_target,
    remove_tier,
    set_hire,
    tiers,
    update_tier,
)

__all__ = [
    "ApplicationGates",
    "ApprovalRow",
    "CompletionRow",
    "DueGate",
    "GateClosed",
    "GateView",
    "Hire",
    "Kept",
    "Scope",
    "TemplateRow",
    "TierRow",
    "WaitRow",
    "add_objection",
    "add_review",
    "add_tier",
    "approval_rows",
    "completion",
    "decide",
    "due",
    "for_application",
    "for_institution",
    "hire_of",
    "hire_of_target",
    "install_defaults",
    "next_gates",
    "post_notice",
    "put_back",
    "remove_objection",
    "remove_review",
    "remove_tier",
    "set_hire",
    "stage_problem",
    "tiers",
    "update_objection",
    "update_review",
    "update_tier",
    "where_waiting",
]
