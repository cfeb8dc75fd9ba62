"""Issue 15: kill -9 at random points of every long command leaves nothing lost and nothing leaked.

Each case runs `python -m recruiter …` in a subprocess and sends it SIGKILL after a delay drawn
from a seeded RNG in [0, the command's measured duration] (every other trial after the start-up
and opening, which take most of a small command's time), so kills land inside the work. After
each kill the next start must find: `recruiter check` OK, the counts either before or after the
command (all-or-nothing), the search finding a known name (and a new one: triggers intact), and
no stray file of the killed run (in the database's folder, its backups, the output folder, or the
temp folder the run was given). RECRUITER_FAULT_TRIALS lowers the 20 trials per command.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from recruiter import cli
from recruiter.exchange import files
from recruiter.store import migrate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX"),
]

TRIALS = int(os.environ.get("RECRUITER_FAULT_TRIALS", "20"))
KNOWN = "Quellington Xiaoming"
ROWS = 5000


def _env(tmpdir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "TMPDIR": str(tmpdir), "TEMP": str(tmpdir), "TMP": str(tmpdir)}
    env.update(extra or {})
    return env


def _run(db: Path, *args: str) -> int:
    """The next start, in-process: a command on the database after the kill."""
    return cli.main(["--db", str(db), *args])


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _counts(db: Path) -> tuple[int, int, int]:
    return (_count(db, "candidate"), _count(db, "import_batch"), _count(db, "application"))


def _finds(db: Path, name: str) -> bool:
    from recruiter.services import candidates
    from recruiter.store.opening import open_database

    database = open_database(db, user="fault-check")
    try:
        return bool(candidates.query_ids(database, candidates.CandidateQuery(text=name)))
    finally:
        database.dispose()


def _searchable(db: Path) -> None:
    """The search still works after the kill: a new candidate is found (triggers intact)."""
    from recruiter.services import candidates
    from recruiter.store.opening import open_database

    database = open_database(db, user="fault-check")
    try:
        ident = candidates.create(database, full_name="Zebedee Frankenfield")
        assert candidates.query_ids(database, candidates.CandidateQuery(text="frankenfield")) == [
            ident
        ]
    finally:
        database.dispose()


def _strays(*folders: Path) -> list[str]:
    """Files a killed run may leave: partial copies, temporary files, openpyxl spool files."""
    found: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            n = p.name
            if (
                n.endswith(".part")
                or ".part" in n
                or files.TEMP_MARK in n
                or n.startswith("openpyxl")
                or n.startswith("tmp")
                or n.endswith(("-journal",))
            ):
                found.append(str(p))
    return sorted(found)


@dataclass
class Case:
    """One command to kill: its files, its arguments, and what before/after look like."""

    base: Path  # a database to copy for each trial
    args: tuple[str, ...]
    output: Path | None = None  # the command's own output file, if any
    env: dict[str, str] | None = None


def _trial_dirs(root: Path, n: int) -> tuple[Path, Path, Path]:
    work = root / f"t{n}"
    tmp = work / "systemp"
    out = work / "output"
    for d in (work, tmp, out):
        d.mkdir(parents=True)
    return work, tmp, out


def _args(case: Case, out: Path, work: Path) -> list[str]:
    return [a.replace("{out}", str(out)).replace("{work}", str(work)) for a in case.args]


def _measure(case: Case, root: Path) -> float:
    work, tmp, out = _trial_dirs(root, 999)
    db = work / "recruiter.db"
    shutil.copy(case.base, db)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "recruiter", "--db", str(db), *_args(case, out, work)],
        env=_env(tmp, case.env),
        capture_output=True,
        timeout=300,
    )
    took = time.monotonic() - start
    assert done.returncode == 0, done.stderr.decode()
    shutil.rmtree(work)
    return took


def _startup(root: Path) -> float:
    """How long `python -m recruiter` takes to start and open a current database (imports
    included) before a command's own work begins: kills before that prove little."""
    work, tmp, _out = _trial_dirs(root, 998)
    db = work / "current.db"
    assert _run(db, "check") == 0  # created and migrated in-process, outside the timing
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "recruiter", "--db", str(db), "check"],
        env=_env(tmp),
        check=True,
        capture_output=True,
    )
    took = time.monotonic() - start
    shutil.rmtree(work)
    return took


def _kill_trials(
    case: Case,
    root: Path,
    seed: int,
    verify: Callable[[Path, Path, Path, int], None],
) -> list[int]:
    """Run TRIALS kills; `verify(db, out, tmp, returncode)` checks each. Returns exit codes seen."""
    duration = _measure(case, root)
    started = _startup(root)
    print(f"{case.args[0]}: runs {duration:.2f} s (start-up {started:.2f} s)")
    rng = random.Random(seed)
    codes: list[int] = []
    for n in range(TRIALS):
        work, tmp, out = _trial_dirs(root, n)
        db = work / "recruiter.db"
        shutil.copy(case.base, db)
        proc = subprocess.Popen(
            [sys.executable, "-m", "recruiter", "--db", str(db), *_args(case, out, work)],
            env=_env(tmp, case.env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Every other kill skips the start-up, so at least half land in the work itself.
        delay = rng.uniform(0 if n % 2 == 0 else min(started, 0.9 * duration), duration)
        began = time.monotonic()
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        else:
            # Done before its kill: the machine is less loaded than when measured (other tests
            # run beside this one); aim the next kills inside the run just seen.
            duration = min(duration, time.monotonic() - began)
        codes.append(proc.returncode)
        verify(db, out, tmp, proc.returncode)
        shutil.rmtree(work)
    killed = codes.count(-signal.SIGKILL)
    print(f"{case.args[0]}: {killed} of {TRIALS} trials killed, the rest had finished")
    assert killed >= TRIALS // 2, codes  # the kills landed inside the work
    return codes


def _after_kill(db: Path, out: Path, tmp: Path, *, known: str | None = KNOWN) -> None:
    """What every kill must leave: the next start is clean."""
    assert _run(db, "check") == 0
    assert _strays(db.parent, db.parent / "backups", tmp) == []
    if known is not None:
        assert _finds(db, known)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def populated(root: Path) -> Path:
    """A demo database (3000 candidates) with one known name in it."""
    from recruiter.services import candidates, demo
    from recruiter.store.opening import open_database

    path = root / "base" / "populated.db"
    path.parent.mkdir()
    database = open_database(path, user="tester")
    demo.generate(database, size=3000, seed=1)
    candidates.create(database, full_name=KNOWN)
    database.dispose()
    return path


@pytest.fixture(scope="module")
def listing(root: Path) -> Path:
    path = root / "base" / "list.csv"
    rng = random.Random(15)
    lines = ["Name,Email,Phone"]
    for i in range(ROWS):
        first = rng.choice(["Wei", "Ann", "Li", "Olu", "Maya", "Ivan", "Sofia", "Kenji"])
        lines.append(f"{first} Faultline{i},f{i}@fault.example.edu,+86 1{i:09d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_killed_demo_is_all_or_nothing(root: Path) -> None:
    from recruiter.store.opening import open_database

    base = root / "base-demo" / "empty.db"
    base.parent.mkdir()
    open_database(base, user="tester").dispose()
    before = _counts(base)

    def verify(db: Path, out: Path, tmp: Path, code: int) -> None:
        got = _counts(db)
        _after_kill(db, out, tmp, known=None)
        assert got[0] in (0, 3000), got
        if code == 0:
            assert got[0] == 3000
        if got[0] == 0:
            assert got == before
        _searchable(db)

    _kill_trials(Case(base, ("demo", "--size", "3000")), root / "demo", 1501, verify)


def test_killed_import_is_all_or_nothing(root: Path, populated: Path, listing: Path) -> None:
    before = _counts(populated)

    def verify(db: Path, out: Path, tmp: Path, code: int) -> None:
        got = _counts(db)
        _after_kill(db, out, tmp)
        assert got in (before, (before[0] + ROWS, before[1] + 1, before[2])), got
        if code == 0:
            assert got[0] == before[0] + ROWS
        _searchable(db)

    _kill_trials(Case(populated, ("import", str(listing))), root / "import", 1502, verify)


def test_killed_undo_import_is_all_or_nothing(root: Path, populated: Path, listing: Path) -> None:
    base = root / "base-undo" / "imported.db"
    base.parent.mkdir()
    shutil.copy(populated, base)
    assert _run(base, "import", str(listing)) == 0
    conn = sqlite3.connect(base)
    batch = conn.execute("SELECT max(id) FROM import_batch").fetchone()[0]
    conn.close()
    imported = _count(base, "candidate")

    def verify(db: Path, out: Path, tmp: Path, code: int) -> None:
        got = _count(db, "candidate")
        _after_kill(db, out, tmp)
        assert got in (imported, imported - ROWS), got
        if code == 0:
            assert got == imported - ROWS
        _searchable(db)

    _kill_trials(Case(base, ("undo-import", str(batch))), root / "undo", 1503, verify)


def test_killed_export_leaves_the_old_file_or_a_whole_new_one(root: Path, populated: Path) -> None:
    from openpyxl import load_workbook

    before = _counts(populated)

    def verify(db: Path, out: Path, tmp: Path, code: int) -> None:
        _after_kill(db, out, tmp)
        assert _counts(db) == before
        target = out / "pipeline.xlsx"
        # What the killed run left in the output folder is its own private temporary files,
        # named so the next save there (files.sweep) removes them; nothing else.
        left = [p for p in out.iterdir() if p != target]
        for p in left:
            assert p.name.startswith(f".{target.name}{files.TEMP_MARK}"), p
            assert p.stat().st_mode & 0o077 == 0, p
        files.sweep(out)
        assert [p for p in out.iterdir() if p != target] == []
        if target.exists():
            assert target.stat().st_mode & 0o077 == 0
            load_workbook(target, read_only=True).close()  # whole, or it would not open
        if code == 0:
            assert target.exists()

    _kill_trials(Case(populated, ("export", "{out}/pipeline.xlsx")), root / "export", 1504, verify)


def test_killed_backup_leaves_a_whole_copy_or_none(root: Path, populated: Path) -> None:
    before = _counts(populated)

    def verify(db: Path, out: Path, tmp: Path, code: int) -> None:
        _after_kill(db, out, tmp)
        assert _counts(db) == before
        copy = out / "copy.db"
        # A backup to a folder of the user's own leaves at most its private partial copy there,
        # named for the dead process, which the next backup into that folder removes.
        left = [p for p in out.iterdir() if p != copy]
        for p in left:
            assert p.name.startswith("copy.db.") and p.name.endswith(".backup.part"), p
            assert p.stat().st_mode & 0o077 == 0, p
        assert _run(db, "backup", str(out / "second.db")) == 0
        assert sorted(p.name for p in out.iterdir() if p != copy) == ["second.db"]
        if copy.exists():
            assert copy.stat().st_mode & 0o077 == 0
            conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert conn.execute("SELECT count(*) FROM candidate").fetchone()[0] == before[0]
            finally:
                conn.close()
        if code == 0:
            assert copy.exists()

    _kill_trials(Case(populated, ("backup", "{out}/copy.db")), root / "backup", 1505, verify)


@pytest.fixture(scope="module")
def old_database(root: Path) -> Path:
    """A database at revision 0002 as an older Recruiter left it, with a known name added."""
    from tests.unit.test_upgrade_safety import _database_at

    path = root / "base-old" / "old.db"
    path.parent.mkdir()
    _database_at(path, "0002")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO candidate (full_name, created_at, updated_at) VALUES (?, ?, ?)",
        (KNOWN, "2025-01-01 00:00:00", "2025-01-01 00:00:00"),
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _revision(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def test_killed_upgrade_leaves_the_old_file_or_the_new_schema(
    root: Path, old_database: Path
) -> None:
    original = old_database.read_bytes()
    before = _count(old_database, "candidate")

    def verify(db: Path, out: Path, tmp: Path, code: int) -> None:
        rev = _revision(db)
        assert rev in ("0002", migrate.HEAD)
        if rev == "0002":
            assert db.read_bytes() == original
        _after_kill(db, out, tmp)
        assert _revision(db) == migrate.HEAD
        assert _count(db, "candidate") == before
        _searchable(db)

    _kill_trials(Case(old_database, ("check",)), root / "upgrade", 1506, verify)


def test_upgrade_killed_at_its_hook_point_leaves_the_file_untouched(
    root: Path, old_database: Path
) -> None:
    original = old_database.read_bytes()
    for n in range(min(TRIALS, 3)):
        work, tmp, out = _trial_dirs(root / "hook", n)
        db = work / "recruiter.db"
        shutil.copy(old_database, db)
        done = subprocess.run(
            [sys.executable, "-m", "recruiter", "--db", str(db), "check"],
            env=_env(tmp, {migrate.FAULT_ENV: "upgrade:after-0003"}),
            capture_output=True,
            timeout=120,
        )
        assert done.returncode != 0
        assert db.read_bytes() == original
        _after_kill(db, out, tmp)
        assert _revision(db) == migrate.HEAD
