"""The translation catalog is complete and current: what `make catalog` would change, a test
catches first."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from recruiter import i18n

PACKAGE = Path(i18n.__file__).parent
PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "recruiter.po"
MO = PO.with_suffix(".mo")
POT = i18n.LOCALE_DIR / "recruiter.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "NC_": ((1, "c"), 2)}  # the Makefile's `-k NC_:1c,2`


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return read_po(fh, locale="zh_CN" if path.suffix == ".po" else None)


def _key(context: str | None, msgid: str | tuple[str, ...]) -> tuple[str | None, str]:
    return context, msgid if isinstance(msgid, str) else msgid[0]


def test_every_message_has_a_chinese_translation() -> None:
    untranslated = [
        m.id
        for m in _catalog(PO)
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert untranslated == []


def test_the_catalog_holds_every_string_the_extractor_finds() -> None:
    found = {
        _key(context, msgid)
        for _file, _line, msgid, _comments, context in extract_from_dir(
            str(PACKAGE), keywords=KEYWORDS, comment_tags=()
        )
    }
    for path in (POT, PO):
        known = {_key(m.context, m.id) for m in _catalog(path) if m.id}
        assert sorted(found - known, key=str) == [], path.name
    assert len(found) > 400  # the extractor did read the package


def test_the_shipped_mo_is_a_fresh_compile_of_the_po() -> None:
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(PO), use_fuzzy=False)
    assert MO.read_bytes() == fresh.getvalue(), "run `make catalog`"


def test_a_chinese_message_is_looked_up_from_the_shipped_mo() -> None:
    i18n.set_language("zh_CN")
    assert i18n._("Cancel") != "Cancel"
    assert i18n.pgettext("Stage", "Offer") == "录用"


def _fields(text: str) -> set[str]:
    import string

    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_translations_keep_every_placeholder() -> None:
    """A translation that renamed or dropped {name} would raise or say less at run time."""
    wrong = []
    for m in _catalog(PO):
        if not m.id:
            continue
        ids = (m.id,) if isinstance(m.id, str) else m.id
        strings = (m.string,) if isinstance(m.string, str) else m.string
        for s in strings:
            if _fields(s) != _fields(ids[-1]):
                wrong.append((ids[0], s))
    assert wrong == []
