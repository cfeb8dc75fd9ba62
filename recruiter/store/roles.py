"""The database roles of an office on PostgreSQL, enforced by the server, not by hidden buttons.

- `recruiter_officer`: reads and writes every table (HR officers).
- `recruiter_viewer`: reads and exports, writes nothing (leadership assistants). With
  `hide_contacts`, the candidate's e-mail, phone and birth date are not even readable.

With `institution_id` (`team init --viewer-institution NAME`), row-level security narrows what
viewers read to one institution: its targets, their applications and offers, and the candidates
in them (`restrict_viewers`). Officers keep every row; the schema's owner is never restricted.

People sign in as their own login roles, members of one of these (`CREATE ROLE alice LOGIN
PASSWORD '...' IN ROLE recruiter_officer`); the audit log names the role they signed in as.
`grant` is idempotent: run it again (through `recruiter team init`) after every upgrade, which
also gives new tables their grants.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from recruiter.errors import StoreError
from recruiter.i18n import _

from . import search_pg, statistics
from .search import SEARCH_COLUMNS

OFFICER = "recruiter_officer"
VIEWER = "recruiter_viewer"
CONTACT_COLUMNS = ("email", "phone", "birth_date")
# What `hide_contacts` hides from viewers: the candidate's contact columns, and every other place
# that holds them or a person's identity papers (the values an audit entry or an import's undo
# record kept, a visa case's passports and birth dates).
PERSONAL: dict[str, tuple[str, ...]] = {
    "candidate": CONTACT_COLUMNS,
    "audit_entry": ("changes",),
    "import_batch": ("restore",),
    "case_person": ("passport_no", "birth_date"),
}


def _role_exists(conn: Connection, name: str) -> bool:
    return (
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
        is not None
    )


# Row-level security for viewers of one institution: table -> the rows a viewer may read, in
# SQL over `:inst` (the institution's id, written into the policy as a literal).
_TARGETS = "SELECT t.id FROM target t WHERE t.institution_id = {inst}"
_APPLICATIONS = (
    "SELECT a.id FROM application a JOIN target t ON t.id = a.target_id "
    "WHERE t.institution_id = {inst}"
)
RESTRICTED: dict[str, str] = {
    "target": "institution_id = {inst}",
    "application": f"target_id IN ({_TARGETS})",
    "offer": f"application_id IN ({_APPLICATIONS})",
    "candidate": (
        "EXISTS (SELECT 1 FROM application a JOIN target t ON t.id = a.target_id "
        "WHERE a.candidate_id = candidate.id AND t.institution_id = {inst})"
    ),
}
VIEWER_POLICY = "recruiter_viewer_institution"
OFFICER_POLICY = "recruiter_officer_all"


def institution_id(conn: Connection, name: str) -> int | None:
    """An institution by its English or Chinese name, or its short name (any case)."""
    found = conn.execute(
        text(
            "SELECT id FROM institution WHERE lower(name) = lower(:n) OR name_zh = :n "
            "OR lower(short_name) = lower(:n) ORDER BY id LIMIT 1"
        ),
        {"n": name.strip()},
    ).scalar()
    return None if found is None else int(found)


def restrict_viewers(conn: Connection, inst: int | None) -> None:
    """Viewers read only institution `inst`'s rows of RESTRICTED's tables (None: every row).
    Row-level security on those tables, one policy letting officers do everything, one letting
    viewers SELECT their institution's rows; the table owner bypasses both."""
    for table, rows in RESTRICTED.items():
        conn.exec_driver_sql(f'DROP POLICY IF EXISTS {VIEWER_POLICY} ON "{table}"')
        conn.exec_driver_sql(f'DROP POLICY IF EXISTS {OFFICER_POLICY} ON "{table}"')
        if inst is None:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
            continue
        conn.exec_driver_sql(
            f'CREATE POLICY {OFFICER_POLICY} ON "{table}" FOR ALL TO {OFFICER} '
            "USING (true) WITH CHECK (true)"
        )
        conn.exec_driver_sql(
            f'CREATE POLICY {VIEWER_POLICY} ON "{table}" FOR SELECT TO {VIEWER} '
            f"USING ({rows.format(inst=int(inst))})"
        )
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')


def grant(
    conn: Connection, *, hide_contacts: bool = False, viewer_institution: str | None = None
) -> list[str]:
    """Create the two group roles if needed and give them what they may do. Returns what was
    done, for the command to report."""
    done = []
    for role in (OFFICER, VIEWER):
        if not _role_exists(conn, role):
            conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
            done.append(_("created role {role}").format(role=role))
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    for role in (OFFICER, VIEWER):
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}')
    conn.exec_driver_sql(
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {OFFICER}'
    )
    conn.exec_driver_sql(
        f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {OFFICER}'
    )
    # ANALYZE after their bulk writes, as the owner (store/statistics.py)
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {statistics.SIGNATURE} TO {OFFICER}")
    conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {VIEWER}')
    conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {VIEWER}')
    # `recruiter check` reads where each id sequence stands
    conn.exec_driver_sql(f'GRANT SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {VIEWER}')
    if hide_contacts:
        present = set(inspect(conn).get_table_names())
        for table, hidden in PERSONAL.items():
            if table not in present:
                continue
            conn.exec_driver_sql(f'REVOKE SELECT ON "{table}" FROM {VIEWER}')
            shown = [c["name"] for c in inspect(conn).get_columns(table) if c["name"] not in hidden]
            cols = ", ".join(f'"{c}"' for c in shown)
            conn.exec_driver_sql(f'GRANT SELECT ({cols}) ON "{table}" TO {VIEWER}')
        done.append(_("viewers cannot read candidates' e-mail, phone or birth date"))
        done.append(
            _(
                "nor passport numbers and birth dates in visa cases, nor the values the audit "
                "log and import undo records keep"
            )
        )
    search_pg.viewer_index(conn, SEARCH_COLUMNS, CONTACT_COLUMNS if hide_contacts else ())
    inst: int | None = None
    if viewer_institution:
        inst = institution_id(conn, viewer_institution)
        if inst is None:
            raise StoreError(
                _("No institution is called {name}; name one as the Setup page shows it.").format(
                    name=viewer_institution
                )
            )
        done.append(
            _(
                "viewers read only the targets, applications, offers and candidates of {name}"
            ).format(name=viewer_institution)
        )
    restrict_viewers(conn, inst)
    done.append(
        _("granted {OFFICER} read and write, {VIEWER} read only, on schema {schema}").format(
            OFFICER=OFFICER, VIEWER=VIEWER, schema=schema
        )
    )
    return done


def can_write(conn: Connection) -> bool:
    """Whether the signed-in role may change candidates (a viewer may not)."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT has_table_privilege('candidate', 'UPDATE')")).scalar_one()
    )
