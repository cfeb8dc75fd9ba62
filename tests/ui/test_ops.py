"""ui/ops: reads run in the pool and answer on the GUI thread; only a widget's newest read
counts; a CollectionOp's writes announce themselves."""

from __future__ import annotations

import threading
import time
from typing import Any

from recruiter.domain.changes import Changes, Kind
from recruiter.services import institutions
from recruiter.store.database import Database
from recruiter.ui.ops import CollectionOp, QueryOp, Reader
from recruiter.ui.qt import QtWidgets


def test_query_op_reads_in_the_pool_and_answers_on_the_gui_thread(
    qtbot: Any, db: Database, make_ctx: Any
) -> None:
    ctx = make_ctx(db)
    institutions.create(db, name="Wuhan University")
    where: dict[str, Any] = {}

    def op(d: Database) -> list[str]:
        where["op"] = threading.current_thread()
        return [i.name for i in institutions.list_all(d)]

    got: list[list[str]] = []

    def success(names: list[str]) -> None:
        where["success"] = threading.current_thread()
        got.append(names)

    QueryOp(parent=None, op=op, success=success).run_in_background(ctx)
    qtbot.waitUntil(lambda: bool(got))
    assert got == [["Wuhan University"]]
    assert where["op"] is not threading.main_thread()
    assert where["success"] is threading.main_thread()


def test_query_op_failure_goes_to_its_handler(qtbot: Any, db: Database, make_ctx: Any) -> None:
    ctx = make_ctx(db)
    errors: list[BaseException] = []

    def op(_d: Database) -> None:
        raise LookupError("gone")

    QueryOp(parent=None, op=op, success=lambda _r: None).failure(errors.append).run_in_background(
        ctx
    )
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], LookupError)


def test_reader_keeps_only_the_newest_answer(qtbot: Any, db: Database, make_ctx: Any) -> None:
    ctx = make_ctx(db)
    widget = QtWidgets.QWidget()
    qtbot.addWidget(widget)
    reader = Reader(ctx, widget)
    got: list[str] = []

    def slow(_d: Database) -> str:
        time.sleep(0.3)
        return "old"

    reader.read(slow, got.append)
    reader.read(lambda _d: "new", got.append)
    assert reader.pending
    qtbot.waitUntil(lambda: not reader.pending)
    ctx.runner.wait(5000)
    qtbot.wait(50)
    assert got == ["new"]


def test_collection_op_writes_announce_themselves(qtbot: Any, db: Database, make_ctx: Any) -> None:
    ctx = make_ctx(db)
    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    announced: list[Changes] = []
    ctx.bus.changed.connect(announced.append)
    done: list[int] = []
    progress_seen: list[tuple[int, int]] = []

    def op(d: Database, progress: Any, _cancelled: Any) -> int:
        progress(1, 2)
        progress_seen.append((1, 2))
        return institutions.create(d, name="Fudan University")

    CollectionOp(parent=parent, op=op, title="Adding").success(done.append).run_in_background(ctx)
    qtbot.waitUntil(lambda: bool(done) and bool(announced))
    assert announced[0].touches({Kind.institution})
    assert announced[0].ids_of(Kind.institution) == {done[0]}
    assert progress_seen == [(1, 2)]
