"""The database roles of an office on PostgreSQL, enforced by the server, not by hidden buttons.

- `recruiter_officer`: reads and writes every table (HR officers).
- `recruiter_viewer`: reads and exports, writes nothing (leadership assistants). With
  `hide_contacts`, the candidate's e-mail, phone and birth date are not even readable.

People sign in as their own login roles, members of one of these (`CREATE ROLE alice LOGIN
PASSWORD '...' IN ROLE recruiter_officer`); the audit log names the role they signed in as.
`grant` is idempotent: run it again (through `recruiter team init`) after every upgrade, which
also gives new tables their grants.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from recruiter.i18n import _

OFFICER = "recruiter_officer"
VIEWER = "recruiter_viewer"
CONTACT_COLUMNS = ("email", "phone", "birth_date")


def _role_exists(conn: Connection, name: str) -> bool:
    return (
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
        is not None
    )


def grant(conn: Connection, *, hide_contacts: bool = False) -> list[str]:
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
    conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {VIEWER}')
    conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {VIEWER}')
    if hide_contacts:
        conn.exec_driver_sql(f"REVOKE SELECT ON candidate FROM {VIEWER}")
        shown = [
            c["name"]
            for c in inspect(conn).get_columns("candidate")
            if c["name"] not in CONTACT_COLUMNS
        ]
        cols = ", ".join(f'"{c}"' for c in shown)
        conn.exec_driver_sql(f"GRANT SELECT ({cols}) ON candidate TO {VIEWER}")
        done.append(_("viewers cannot read candidates' e-mail, phone or birth date"))
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
