"""Every kind of tracking edit through the undo stack: undo restores the database exactly (every
table but the audit log, which keeps both), redo re-applies it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from recruiter.domain.enums import ActivityKind, Outcome, Stage
from recruiter.services import activities, applications, candidates, institutions, targets

TABLES = ("candidate", "application", "stage_event", "activity", "offer", "offer_item", "target")


def dump(db) -> dict[str, list[tuple]]:
    """Every row, less `version`: it moves on with undo too (a save since an editor opened)."""
    with db.engine.connect() as conn:
        return {
            t: [
                tuple(v for k, v in r._mapping.items() if k != "version")
                for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))
            ]
            for t in TABLES
        }


@pytest.fixture
def ctx(db, qapp) -> Iterator[object]:
    from recruiter.ui.app import make_context

    context = make_context(db)
    yield context
    context.runner.wait()


@pytest.fixture
def world(db):
    inst = institutions.create(db, name="Wuhan University", name_zh="武汉大学")
    t = targets.create(db, institution_id=inst, title="Professor in Chemistry")
    t2 = targets.create(db, institution_id=inst, title="Lecturer")
    a = candidates.create(
        db, full_name="Wei Zhang", name_zh="张伟", email="wz@mit.edu", tags="returnee"
    )
    b = candidates.create(db, full_name="Ann Lee")
    app = applications.add(db, a, t, owner="li.na")
    applications.move(db, app, Stage.contacted)
    act = activities.log(
        db, a, ActivityKind.task, "Call", due_on=date(2030, 1, 1), application_id=app
    )
    return {"inst": inst, "t": t, "t2": t2, "a": a, "b": b, "app": app, "act": act}


def check_cycle(ctx, db, make) -> object:
    """Run a command: DB changes; undo: DB exactly as before; redo: as after the first run."""
    before = dump(db)
    cmd = make()
    assert cmd.error is None, cmd.error
    after = dump(db)
    assert after != before
    assert ctx.undo.undoText() == cmd.text()
    ctx.undo.undo()
    assert dump(db) == before
    ctx.undo.redo()
    redone = dump(db)
    ctx.undo.undo()
    assert dump(db) == before
    return redone, after


def test_field_edit(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    check_cycle(
        ctx,
        db,
        lambda: cmds.edit_candidate(ctx, world["a"], {"email": "new@ox.ac.uk", "h_index": "12"}),
    )
    assert ctx.undo.redoText().startswith("Edit")


def test_stage_moves_and_outcomes(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    redone, _after = check_cycle(
        ctx, db, lambda: cmds.move_stage(ctx, [world["app"]], Stage.review)
    )
    assert redone["application"][0][3] == "review"
    check_cycle(
        ctx, db, lambda: cmds.set_outcome(ctx, world["app"], Outcome.declined, "took another offer")
    )
    applications.set_outcome(db, world["app"], Outcome.on_hold, "budget")
    check_cycle(ctx, db, lambda: cmds.set_outcome(ctx, world["app"], Outcome.active))


def test_bulk_actions(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    ab = [world["a"], world["b"]]
    redone, after = check_cycle(
        ctx, db, lambda: cmds.add_to_pipeline(ctx, ab, world["t2"], owner="x")
    )
    assert redone == after  # redo re-inserts the same rows with the same ids
    check_cycle(ctx, db, lambda: cmds.set_owner(ctx, ab, "wang.fang"))
    check_cycle(ctx, db, lambda: cmds.change_tag(ctx, ab, "VIP", add=True))
    check_cycle(ctx, db, lambda: cmds.change_tag(ctx, ab, "returnee", add=False))


def test_delete_and_create(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    check_cycle(ctx, db, lambda: cmds.delete_candidates(ctx, [world["a"], world["b"]]))
    redone, after = check_cycle(
        ctx, db, lambda: cmds.create_candidate(ctx, {"full_name": "Li Na", "name_zh": "李娜"})
    )
    assert redone == after


def test_activities(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    redone, after = check_cycle(
        ctx,
        db,
        lambda: cmds.log_activity(
            ctx, world["b"], ActivityKind.call, "Phoned", due_on=date(2031, 1, 1)
        ),
    )
    assert redone == after
    check_cycle(ctx, db, lambda: cmds.mark_done(ctx, world["act"], True))
    check_cycle(ctx, db, lambda: cmds.delete_activity(ctx, world["act"]))


def test_targets(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    redone, after = check_cycle(
        ctx,
        db,
        lambda: cmds.create_target(
            ctx, {"institution_id": world["inst"], "title": "Dean", "headcount": 1}
        ),
    )
    assert redone == after
    check_cycle(
        ctx,
        db,
        lambda: cmds.edit_target(ctx, world["t2"], {"title": "Senior Lecturer", "headcount": 3}),
    )
    check_cycle(ctx, db, lambda: cmds.delete_target(ctx, world["t2"]))


def test_refused_edit_is_not_kept(ctx, db, world) -> None:
    from recruiter.ui import tracking_commands as cmds

    errors: list[Exception] = []
    before = dump(db)
    cmd = cmds.move_stage(ctx, [world["app"]], Stage.contacted, on_error=errors.append)
    assert cmd.error is not None and "already" in str(errors[0])
    assert dump(db) == before and ctx.undo.count() == 0


def test_command_texts_come_from_the_caller_not_the_database(ctx, db, world, monkeypatch) -> None:
    """Building a command reads nothing on the GUI thread: its text names what the caller
    shows (or the id when the caller has no name at hand)."""
    from recruiter.ui import tracking_commands as cmds

    def no_read(*_a: object, **_k: object) -> None:
        raise AssertionError("read the database on the GUI thread")

    monkeypatch.setattr(candidates, "get", no_read)
    monkeypatch.setattr(targets, "get", no_read)
    cmd = cmds.edit_target(ctx, world["t2"], {"headcount": 2}, title="Lecturer")
    assert cmd.error is None and cmd.text() == "Edit target 'Lecturer'"
    cmd = cmds.add_to_pipeline(ctx, [world["b"]], world["t2"], name="Ann Lee", title="Lecturer")
    assert cmd.error is None and cmd.text() == "Add Ann Lee to 'Lecturer'"
    cmd = cmds.change_tag(ctx, [world["a"], world["b"]], "vip", add=True)
    assert cmd.text() == "Tag 2 candidates 'vip'"
    cmd = cmds.set_owner(ctx, [world["a"]], "wang.fang")
    assert cmd.text() == f"Set owner of candidate #{world['a']} to wang.fang"
    dean = targets.create(db, institution_id=world["inst"], title="Dean")
    cmd = cmds.delete_target(ctx, dean)
    assert cmd.error is None and cmd.text() == f"Delete target #{dean}"
