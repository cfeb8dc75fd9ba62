"""What a viewer's sign-in may read, enforced by the server and respected by the app: contact
columns hidden by column grants (the app reads around them instead of failing), and rows of
other institutions hidden by row-level security (`team init --viewer-institution`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import ProgrammingError

from recruiter.errors import StoreError
from recruiter.services import candidates, demo, exporting
from recruiter.store import access, roles
from recruiter.store.database import Database
from recruiter.store.opening import open_database
from tests.team_roles import signed_in


def _needs_server(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL roles; run with --db-url")


def test_a_file_hides_nothing_and_is_read_only_only_when_the_file_is(db: Database) -> None:
    assert access.of(db) == access.Access(can_write=True)
    assert not candidates.read_only(db) and candidates.hidden_columns(db) == frozenset()
    if db.is_sqlite:
        assert db.path is not None
        ro = Database(db.url, read_only=True)
        try:
            assert candidates.read_only(ro) and not access.of(ro).hides_anything
        finally:
            ro.dispose()


def test_a_viewer_without_contacts_lists_searches_opens_and_exports(
    db: Database, tmp_path: Path
) -> None:
    _needs_server(db)
    demo.generate(db, size=40, seed=2)
    secret = candidates.create(db, full_name="Mail Only", email="zqxjv@nowhere.example")
    everyone = candidates.query_ids(db, candidates.CandidateQuery())
    with signed_in(db, roles.VIEWER, "--hide-contacts") as viewer:
        assert candidates.read_only(viewer)
        assert candidates.hidden_columns(viewer) == {"email", "phone", "birth_date"}
        for table, columns in roles.PERSONAL.items():
            assert access.of(viewer).hidden_in(table) == set(columns), table
            for column in columns:  # the server says no
                with viewer.engine.connect() as conn, pytest.raises(ProgrammingError):
                    conn.exec_driver_sql(f"SELECT {column} FROM {table}").all()
        # the table: every row, sorted by a hidden column falls back to the name
        assert candidates.query_ids(viewer, candidates.CandidateQuery()) == everyone
        assert candidates.query_ids(
            viewer, candidates.CandidateQuery(sort="email")
        ) == candidates.query_ids(db, candidates.CandidateQuery(sort="full_name"))
        rows = candidates.fetch_rows(viewer, everyone[:5], ("full_name", "email", "phone"))
        assert all(r[0] and r[1] is None and r[2] is None for r in rows.values())
        # search: names as for an officer; what only an e-mail holds is not found
        for word in ("univ", candidates.row(db, everyone[0])["full_name"].split()[0]):
            q = candidates.CandidateQuery(text=word)
            assert candidates.query_ids(viewer, q) == candidates.query_ids(
                db, candidates.CandidateQuery(text=word)
            ), word
        assert candidates.query_ids(db, candidates.CandidateQuery(text="zqxjv")) == [secret]
        assert candidates.query_ids(viewer, candidates.CandidateQuery(text="zqxjv")) == []
        # the editor's row and the ORM's object: hidden columns are None
        row = candidates.row(viewer, everyone[0])
        assert row["full_name"] and row["email"] is None and row["version"] >= 1
        cand = candidates.get(viewer, everyone[0])
        assert cand.full_name == row["full_name"] and cand.email is None and cand.phone is None
        # an edit: one clear message
        with pytest.raises(StoreError, match="may read but not change"):
            candidates.update(viewer, everyone[0], notes="by a viewer")
        # the workbook
        out = tmp_path / "viewer.xlsx"
        result = exporting.export_workbook(viewer, out)
        assert out.exists() and result.rows
        # the viewer's search is served by an index too
        with viewer.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            stmt = candidates.select(candidates.SQLModel.metadata.tables["candidate"].c.id).where(
                candidates.search.candidate_clause(conn, "university")
            )
            sql = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}".replace("%", "%%")))
        assert "ix_candidate_search_trgm_viewer" in plan
    with signed_in(db, roles.OFFICER) as officer:  # init again without: contacts readable
        assert not candidates.read_only(officer)
        assert candidates.hidden_columns(officer) == frozenset()


def test_viewers_of_one_institution_read_only_its_rows(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs_server(db)
    demo.generate(db, size=60, seed=4)
    with db.engine.connect() as conn:
        inst_id, name = conn.exec_driver_sql(
            "SELECT i.id, i.name FROM institution i JOIN target t ON t.institution_id = i.id "
            "GROUP BY i.id, i.name ORDER BY count(*) DESC, i.id LIMIT 1"
        ).one()
        theirs = set(
            conn.exec_driver_sql(
                "SELECT DISTINCT a.candidate_id FROM application a JOIN target t "
                f"ON t.id = a.target_id WHERE t.institution_id = {inst_id}"
            ).scalars()
        )
        counts = {
            t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in roles.RESTRICTED
        }
    assert 0 < len(theirs) < counts["candidate"]
    with signed_in(db, roles.VIEWER, "--viewer-institution", name.upper()) as viewer:
        assert set(candidates.query_ids(viewer, candidates.CandidateQuery())) == theirs
        with viewer.engine.connect() as conn:
            assert set(
                conn.exec_driver_sql("SELECT DISTINCT institution_id FROM target").scalars()
            ) == {inst_id}
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM offer o JOIN application a ON a.id = o.application_id "
                    f"JOIN target t ON t.id = a.target_id WHERE t.institution_id <> {inst_id}"
                ).scalar()
                == 0
            )
            assert conn.exec_driver_sql("SELECT count(*) FROM institution").scalar() > 1
        assert exporting.export_workbook(viewer, tmp_path / "viewer.xlsx").rows
        with signed_in(db, roles.OFFICER, "--viewer-institution", name) as officer:
            with officer.engine.connect() as conn:  # officers: every row
                for table, n in counts.items():
                    assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == n
            officer_id = candidates.create(officer, full_name="Added By An Officer")
            assert officer_id not in candidates.query_ids(viewer, candidates.CandidateQuery())
    with signed_in(db, roles.VIEWER) as viewer:  # init again without: every row
        assert (
            len(candidates.query_ids(viewer, candidates.CandidateQuery()))
            == counts["candidate"] + 1
        )
    from recruiter import cli

    assert cli.main(["team", "init", db.url, "--viewer-institution", "Nowhere U"]) != 0
    assert "No institution is called Nowhere U" in capsys.readouterr().err


def test_open_database_reads_the_rights_once(db: Database) -> None:
    _needs_server(db)
    with signed_in(db, roles.VIEWER, "--hide-contacts") as viewer:
        assert access.on(viewer.engine).hidden_in("candidate")  # read at open
    again = open_database(db.url)
    try:
        assert access.on(again.engine) == access.Access()  # the admin hides nothing
    finally:
        again.dispose()
