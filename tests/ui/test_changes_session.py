"""Changes announce themselves: after each step of a scripted session (demo load, create an
institution, edit a target, import, accept an offer, undo) every open page shows the same as a
freshly built page over the same database. No step tells the UI what it changed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import select

from recruiter.domain.changes import Changes, Kind
from recruiter.domain.enums import OfferStatus
from recruiter.domain.models import Offer
from recruiter.services import demo, importing, institutions, targets
from recruiter.store.database import Database
from recruiter.ui import offer_commands
from recruiter.ui import tracking_commands as cmds
from recruiter.ui.followups import FollowUpsDock
from recruiter.ui.main_window import PAGES
from recruiter.ui.qt import QtCore, QtWidgets
from tests.sheets import write_xlsx


def snapshot(widget: QtWidgets.QWidget) -> dict[str, Any]:
    """What a page shows: every label, every combo box's choices, every item view's cells."""
    out: dict[str, Any] = {}
    for i, label in enumerate(widget.findChildren(QtWidgets.QLabel)):
        if label.isVisibleTo(widget):
            out[f"label {i} {label.objectName()}"] = label.text()
    for i, combo in enumerate(widget.findChildren(QtWidgets.QComboBox)):
        out[f"combo {i} {combo.objectName()}"] = [combo.itemText(n) for n in range(combo.count())]
    for i, view in enumerate(widget.findChildren(QtWidgets.QAbstractItemView)):
        model = view.model()
        if model is None or (isinstance(view, QtWidgets.QListView) and view.parent() is None):
            continue
        rows = []
        for r in range(model.rowCount(QtCore.QModelIndex())):
            rows.append(tuple(str(model.index(r, c).data()) for c in range(columns(model))))
        out[f"view {i} {view.objectName()}"] = rows
    return out


def columns(model: QtCore.QAbstractItemModel) -> int:
    if isinstance(model, QtCore.QAbstractListModel):
        return 1  # its columnCount is private in PySide6
    return model.columnCount(QtCore.QModelIndex())


def idle(ctx: Any) -> bool:
    pool = ctx.runner.pool
    return not ctx.runner.busy and pool.activeThreadCount() == 0


def settle(qtbot: Any, *ctxs: Any) -> None:
    """Wait until every background read has answered and its answer is on screen."""
    for _ in range(3):
        qtbot.waitUntil(lambda: all(idle(c) for c in ctxs), timeout=30000)
        qtbot.wait(30)


def open_pages(qtbot: Any, ctx: Any) -> list[QtWidgets.QWidget]:
    pages: list[QtWidgets.QWidget] = [cls(ctx) for _name, cls in PAGES]
    pages.append(FollowUpsDock(ctx))
    for page in pages:
        qtbot.addWidget(page)
        page.resize(1300, 900)
        page.show()
    return pages


def test_every_open_page_matches_a_fresh_one_after_each_step(
    qtbot: Any, db: Database, make_ctx: Any, tmp_path: Path
) -> None:
    ctx = make_ctx(db)
    announced: list[Changes] = []
    ctx.bus.changed.connect(announced.append)
    pages = open_pages(qtbot, ctx)
    settle(qtbot, ctx)

    def in_worker(fn: Callable[[], object]) -> None:
        """Run a service call on another thread, as the task runner would."""
        errors: list[BaseException] = []

        def run() -> None:
            try:
                fn()
            except BaseException as exc:  # reported below
                errors.append(exc)

        t = threading.Thread(target=run)
        t.start()
        while t.is_alive():
            qtbot.wait(20)
        assert not errors, errors

    def demo_load() -> None:
        in_worker(lambda: demo.generate(db, size=120, seed=3))

    def create_institution() -> None:
        iid = institutions.create(db, name="Xiamen University", name_zh="厦门大学")
        institutions.add_department(db, iid, "School of Marine Sciences")

    def edit_target() -> None:
        first = targets.choices(db)[0]
        cmds.edit_target(ctx, first.id, {"title": "Chair Professor (renamed)", "headcount": 7})

    def import_list() -> None:
        path = write_xlsx(
            tmp_path / "list.xlsx",
            [["Name", "Email", "Institution"]]
            + [[f"Imported {n}", f"imp{n}@example.org", "ETH Zurich"] for n in range(5)],
        )
        in_worker(lambda: importing.run_import(db, path))

    def accept_offer() -> None:
        with db.session() as s:
            oid = s.exec(
                select(Offer.id).where(Offer.status == OfferStatus.extended).order_by(Offer.id)
            ).first()
        assert oid is not None
        cmd = offer_commands.set_status(ctx, oid, OfferStatus.accepted, override_reason="test")
        assert cmd.error is None, cmd.error

    def undo() -> None:
        ctx.undo.undo()

    steps: list[tuple[str, Callable[[], None], set[Kind]]] = [
        ("demo load", demo_load, set(Kind)),
        ("create institution", create_institution, {Kind.institution, Kind.department}),
        ("edit target", edit_target, {Kind.target}),
        ("import", import_list, {Kind.candidate, Kind.import_batch}),
        ("offer accept", accept_offer, {Kind.offer}),
        ("undo", undo, {Kind.offer}),
    ]
    for name, step, kinds in steps:
        announced.clear()
        step()
        settle(qtbot, ctx)
        assert announced, f"{name}: nothing was announced"
        assert all(merged_touch(announced, k) for k in kinds), (name, announced)
        fresh_ctx = make_ctx(db)
        fresh = open_pages(qtbot, fresh_ctx)
        settle(qtbot, ctx, fresh_ctx)
        for old, new in zip(pages, fresh, strict=True):
            assert snapshot(old) == snapshot(new), f"{type(old).__name__} after {name}"
        for page in fresh:
            page.close()
        fresh_ctx.bus.detach()


def merged_touch(announced: list[Changes], kind: Kind) -> bool:
    return any(c.touches({kind}) for c in announced)


def test_nothing_is_announced_for_a_rolled_back_unit_of_work(db: Database) -> None:
    seen: list[Changes] = []
    db.subscribe(seen.append)
    try:
        with db.session() as s:
            from recruiter.domain.models import Institution

            s.add(Institution(name="Never saved"))
            s.flush()
            raise RuntimeError("abandon")
    except RuntimeError:
        pass
    assert seen == []
    iid = institutions.create(db, name="Saved")
    assert seen[-1].touches({Kind.institution}) and seen[-1].ids_of(Kind.institution) == {iid}
    assert not seen[-1].touches({Kind.candidate})


def test_a_queued_delivery_reaches_the_gui_thread(qtbot: Any, db: Database, make_ctx: Any) -> None:
    ctx = make_ctx(db)
    threads: list[QtCore.QThread] = []
    ctx.bus.changed.connect(lambda _c: threads.append(QtCore.QThread.currentThread()))
    with qtbot.waitSignal(ctx.bus.changed, timeout=10000):
        t = threading.Thread(target=lambda: institutions.create(db, name="From a worker"))
        t.start()
        t.join()
    assert threads == [ctx.bus.thread()]
