"""The dependency rule of DESIGN.md §2, checked on the source.

Each rule is data; one checker applies it. The checker is tested on planted offenders written in
every import form, so a rule that finds nothing on the real tree is known to be able to find
something."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "recruiter"


@dataclass(frozen=True)
class Rule:
    """Modules under `layer` (a dotted prefix) may not import anything under `forbidden` unless
    it is also under `allowed`; modules under `exempt` are not bound by the rule."""

    name: str
    layer: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()


QT = ("PySide6", "shiboken6")
RULES = (
    Rule("only ui imports Qt", "recruiter", QT, exempt=("recruiter.ui",)),
    Rule(
        "exchange knows nothing of the database",
        "recruiter.exchange",
        (
            "recruiter.store",
            "recruiter.services",
            "recruiter.ui",
            "recruiter.cli",
            "sqlmodel",
            "sqlalchemy",
        ),
    ),
    Rule(
        "domain imports nothing of the app",
        "recruiter.domain",
        ("recruiter",),
        allowed=("recruiter.domain", "recruiter.i18n"),  # the leaf module every layer uses
    ),
    Rule(
        "store never imports services",
        "recruiter.store",
        ("recruiter.services", "recruiter.ui", "recruiter.cli"),
    ),
    Rule("services never import ui", "recruiter.services", ("recruiter.ui", "recruiter.cli")),
    Rule("ui reaches file formats only through services", "recruiter.ui", ("recruiter.exchange",)),
)


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def imports_of(module: str, source: str) -> set[str]:
    """Every module `source` imports, anywhere in it (functions and TYPE_CHECKING blocks too).

    `module` is the dotted path of the file without its suffix (`recruiter.store.__init__` for a
    package), which is what relative imports resolve against. `from x import y` yields both `x`
    and `x.y`, because `y` may be a module (`from recruiter import services`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")[: -node.level]
                base = ".".join([*parts, node.module] if node.module else parts)
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names if a.name != "*")
    return names


def offenders(rule: Rule, sources: dict[str, str]) -> list[str]:
    """The modules among `sources` (dotted name -> source text) that break `rule`."""
    return sorted(
        module
        for module, source in sources.items()
        if _under(module, (rule.layer,))
        and not _under(module, rule.exempt)
        and any(
            _under(n, rule.forbidden) and not _under(n, rule.allowed)
            for n in imports_of(module, source)
        )
    )


def _package_sources() -> dict[str, str]:
    return {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
    }


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_the_package_keeps_the_rule(rule: Rule) -> None:
    sources = _package_sources()
    assert any(_under(m, (rule.layer,)) for m in sources), f"no modules under {rule.layer}"
    assert offenders(rule, sources) == []


FORMS = {
    "import": "import {target}\n",
    "import-sub": "import {target}.sub\n",
    "from": "from {target} import something\n",
    "from-parent": "from {parent} import {last}\n",
    "in-function": "def later() -> None:\n    from {target}.sub import something\n",
    "type-checking": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import {target}\n",
}
PLANTS = [(rule, target) for rule in RULES for target in rule.forbidden]


@pytest.mark.parametrize(("rule", "target"), PLANTS, ids=[f"{r.name}: {t}" for r, t in PLANTS])
@pytest.mark.parametrize("form", FORMS.values(), ids=list(FORMS))
def test_the_checker_finds_a_planted_offender(rule: Rule, target: str, form: str) -> None:
    if "{parent}" in form and "." not in target:
        target = f"{target}.sub"  # `from PySide6 import QtCore` for a top-level package
    parent, _, last = target.rpartition(".")
    source = form.format(target=target, parent=parent, last=last)
    probe, clean = f"{rule.layer}.probe", f"{rule.layer}.clean"
    assert offenders(rule, {probe: source, clean: "import json\n"}) == [probe], source


def test_relative_imports_resolve_against_the_package() -> None:
    rule = next(r for r in RULES if r.name == "store never imports services")
    assert offenders(rule, {"recruiter.store.probe": "from ..services import audit\n"}) == [
        "recruiter.store.probe"
    ]
    assert offenders(rule, {"recruiter.store.__init__": "from ..services import audit\n"}) == [
        "recruiter.store.__init__"
    ]
    # `from . import services` inside store means recruiter.store.services: allowed.
    assert offenders(rule, {"recruiter.store.probe": "from . import migrate, services\n"}) == []
    assert imports_of("recruiter.store.probe", "from .. import services\n") >= {
        "recruiter",
        "recruiter.services",
    }


def test_exempt_and_outside_modules_are_not_offenders() -> None:
    qt = RULES[0]
    assert offenders(qt, {"recruiter.ui.app": "from PySide6 import QtCore\n"}) == []
    assert offenders(qt, {"recruiter.services.x": "from PySide6 import QtCore\n"}) == [
        "recruiter.services.x"
    ]
    store = next(r for r in RULES if r.layer == "recruiter.store")
    # The rule is about store; services importing store is the allowed direction.
    assert offenders(store, {"recruiter.services.x": "import recruiter.store.opening\n"}) == []
    # A name that merely starts like a forbidden one is not it.
    assert offenders(store, {"recruiter.store.x": "import recruiter.servicesx\n"}) == []
    domain = next(r for r in RULES if r.layer == "recruiter.domain")
    assert offenders(domain, {"recruiter.domain.x": "from .enums import Stage\n"}) == []
    assert offenders(domain, {"recruiter.domain.x": "from ..errors import NotFound\n"}) == [
        "recruiter.domain.x"
    ]


# Imports by string hide the edges above from this test and from every other tool.
STRING_IMPORTS = ("importlib.import_module", "__import__")
NO_STRING_IMPORTS = (
    "recruiter.cli",
    "recruiter.services",
    "recruiter.store",
    "recruiter.exchange",
    "recruiter.domain",
)


def string_imports(source: str) -> list[int]:
    """Lines of `source` that import a module named by a string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f"{f.value.id}.{f.attr}"
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                else f.id
                if isinstance(f, ast.Name)
                else ""
            )
            if name in STRING_IMPORTS or name == "import_module":
                found.append(node.lineno)
    return sorted(found)


def test_no_imports_by_string_outside_ui() -> None:
    offending = [
        module
        for module, source in _package_sources().items()
        if _under(module, NO_STRING_IMPORTS) and string_imports(source)
    ]
    assert offending == []


def test_string_imports_are_found() -> None:
    source = (
        "import importlib\n"
        "from importlib import import_module\n"
        "a = importlib.import_module('recruiter.ui')\n"
        "b = import_module('x')\n"
        "c = __import__('y')\n"
        "d = json.loads('{}')\n"
    )
    assert string_imports(source) == [3, 4, 5]
