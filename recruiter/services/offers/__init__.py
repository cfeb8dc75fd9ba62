"""Offers: itemised packages on an application, their revisions and status workflow, and the
over-commitment guard on the funding sources that pay for them (DESIGN.md §3).

Rules are kept here rather than in the UI, so the CLI, imports and tests obey them too:
- rules: validation of items and headers, package totals (pure);
- editing: drafts, items, counter-offers, and the snapshots undo puts back;
- workflow: status changes and the over-commitment guard;
- queries: the Offers list, the editor's detail and the choices around them.
"""

from __future__ import annotations

from .editing import (
    OfferSnapshot,
    Revision,
    add_item,
    create_offer,
    create_offer_in,
    delete_item,
    delete_offer,
    restore,
    restore_in,
    revise,
    revise_in,
    save_offer,
    snapshot,
    undo_revise,
    update_item,
    update_offer,
    update_offer_in,
)
from .queries import (
    SORT_KEYS,
    ApplicationChoice,
    FilterChoices,
    OfferDetail,
    OfferRow,
    Override,
    expiring_soon,
    filter_choices,
    get_offer,
    items_of,
    list_offers,
    offerable_applications,
    overrides_for_source,
)
from .rules import (
    EXPIRING_DAYS,
    HEADER_FIELDS,
    ITEM_FIELDS,
    MAX_YEARS,
    OPEN_STATUSES,
    ItemData,
    PackageTotals,
    check_header,
    check_item,
    package_totals,
)
from .workflow import (
    StatusChange,
    expire_overdue,
    set_status,
    set_status_in,
    shortfalls_in,
    undo_status,
)

__all__ = [
    "EXPIRING_DAYS",
    "HEADER_FIELDS",
    "ITEM_FIELDS",
    "MAX_YEARS",
    "OPEN_STATUSES",
    "SORT_KEYS",
    "ApplicationChoice",
    "FilterChoices",
    "ItemData",
    "OfferDetail",
    "OfferRow",
    "OfferSnapshot",
    "Override",
    "PackageTotals",
    "Revision",
    "StatusChange",
    "add_item",
    "check_header",
    "check_item",
    "create_offer",
    "create_offer_in",
    "delete_item",
    "delete_offer",
    "expire_overdue",
    "expiring_soon",
    "filter_choices",
    "get_offer",
    "items_of",
    "list_offers",
    "offerable_applications",
    "overrides_for_source",
    "package_totals",
    "restore",
    "restore_in",
    "revise",
    "revise_in",
    "save_offer",
    "set_status",
    "set_status_in",
    "shortfalls_in",
    "snapshot",
    "undo_revise",
    "undo_status",
    "update_item",
    "update_offer",
    "update_offer_in",
]
