"""What a committed unit of work changed: entity kinds (the table names of DESIGN.md §3) and ids.

The store produces one `Changes` per successful commit; screens refresh when it touches a kind
they show (Anki's OpChanges), so nobody lists table names by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Kind(StrEnum):
    """Entity kinds; the values are the table names, which are part of the contract."""

    institution = "institution"
    department = "department"
    target = "target"
    candidate = "candidate"
    application = "application"
    stage_event = "stage_event"
    activity = "activity"
    offer = "offer"
    offer_item = "offer_item"
    funding_source = "funding_source"
    import_batch = "import_batch"
    exchange_rate = "exchange_rate"
    setting = "setting"
    officer = "officer"
    holiday = "holiday"
    talent_tier = "talent_tier"
    gate_template = "gate_template"
    gate_record = "gate_record"
    gate_review = "gate_review"
    gate_objection = "gate_objection"
    finance_batch = "finance_batch"
    instalment = "instalment"
    service_period = "service_period"
    assessment = "assessment"
    departure = "departure"
    refund = "refund"
    year_close = "year_close"
    immigration_case = "immigration_case"
    case_person = "case_person"
    case_document = "case_document"
    case_milestone = "case_milestone"
    relocation_task = "relocation_task"
    deadline_rule = "deadline_rule"
    refund_receipt = "refund_receipt"

    @classmethod
    def of(cls, name: str) -> Kind | None:
        """The kind a table (or audit entity) name stands for; None for bookkeeping tables."""
        try:
            return cls(name)
        except ValueError:
            return None


ALL_KINDS: frozenset[Kind] = frozenset(Kind)
_NO_IDS: Mapping[Kind, frozenset[int]] = MappingProxyType({})


@dataclass(frozen=True)
class Changes:
    """Kinds written in one transaction, the ids known for them, and `everything` for bulk loads
    that replace the database (every kind counts as touched)."""

    kinds: frozenset[Kind] = frozenset()
    ids: Mapping[Kind, frozenset[int]] = field(default_factory=lambda: _NO_IDS)
    everything: bool = False

    @classmethod
    def of(cls, *kinds: Kind) -> Changes:
        return cls(frozenset(kinds))

    @classmethod
    def all(cls) -> Changes:
        return cls(ALL_KINDS, everything=True)

    def touches(self, kinds: Iterable[Kind]) -> bool:
        """True when any of `kinds` changed (always, after a bulk load)."""
        return self.everything or not self.kinds.isdisjoint(kinds)

    def ids_of(self, kind: Kind) -> frozenset[int] | None:
        """The changed ids of `kind`; None when unknown (any row may have changed)."""
        if self.everything or kind not in self.kinds:
            return None if self.everything else frozenset()
        return self.ids.get(kind)

    def __bool__(self) -> bool:
        return self.everything or bool(self.kinds)

    def __or__(self, other: Changes) -> Changes:
        ids: dict[Kind, frozenset[int]] = dict(self.ids)
        for kind, found in other.ids.items():
            ids[kind] = ids.get(kind, frozenset()) | found
        return Changes(
            self.kinds | other.kinds,
            MappingProxyType(ids),
            self.everything or other.everything,
        )


class Collector:
    """Accumulates what one unit of work writes; turned into `Changes` after it commits."""

    __slots__ = ("everything", "ids", "kinds", "unknown_ids")

    def __init__(self) -> None:
        self.kinds: set[Kind] = set()
        self.ids: dict[Kind, set[int]] = {}
        self.unknown_ids: set[Kind] = set()  # kinds written without a known id (bulk SQL)
        self.everything = False

    def wrote(self, table: str) -> None:
        """A statement wrote `table` (ids unknown unless the audit log names them)."""
        kind = Kind.of(table)
        if kind is not None:
            self.kinds.add(kind)

    def noted(self, entity: str, entity_id: int | None) -> None:
        """An audit entry named `entity` #`entity_id`."""
        kind = Kind.of(entity)
        if kind is None:
            if entity == "database":  # a bulk load or reset of the whole database
                self.everything = True
            return
        self.kinds.add(kind)
        if entity_id is None:
            self.unknown_ids.add(kind)
        else:
            self.ids.setdefault(kind, set()).add(entity_id)

    def changes(self) -> Changes:
        if self.everything:
            return Changes.all()
        ids = {k: frozenset(v) for k, v in self.ids.items() if k not in self.unknown_ids and v}
        return Changes(frozenset(self.kinds), MappingProxyType(ids))
