"""The dependency rule of DESIGN.md §2, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "recruiter"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            # Resolve relative imports against the module's package.
            rel = path.relative_to(PACKAGE.parent).with_suffix("")
            parts = list(rel.parts)[: -node.level]
            names.add(".".join([*parts, node.module] if node.module else parts))
    return names


def _modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def test_only_ui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if "ui" not in p.relative_to(PACKAGE).parts[:1]
        and any(n.split(".")[0] in ("PySide6", "shiboken6") for n in _imports(p))
    ]
    assert offenders == []


def test_exchange_knows_nothing_of_the_database() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules("exchange")
        if any(
            n.startswith(
                ("recruiter.store", "recruiter.services", "sqlmodel", "sqlalchemy", "recruiter.ui")
            )
            for n in _imports(p)
        )
    ]
    assert offenders == []


def test_domain_imports_nothing_of_the_app() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules("domain")
        if any(
            n.startswith("recruiter.") and not n.startswith("recruiter.domain") for n in _imports(p)
        )
    ]
    assert offenders == []


def test_services_and_store_never_import_ui() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for sub in ("services", "store", "domain")
        for p in _modules(sub)
        if any(n.startswith("recruiter.ui") for n in _imports(p))
    ]
    assert offenders == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = PACKAGE / "services" / "_layering_probe.py"
    assert not bad.exists()
    probe = tmp_path / "probe.py"
    probe.write_text("from PySide6 import QtCore\n")
    assert "PySide6" in _imports(probe) or any(n.startswith("PySide6") for n in _imports(probe))
