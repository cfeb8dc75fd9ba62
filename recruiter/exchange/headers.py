"""Column headers, English or Chinese, mapped to candidate fields by synonyms.

Lists arrive with headers such as `姓名`, `电子邮箱(Email)`, `E-mail address *` or `h指数`; matching
them on a normalised form lets most files import without the user touching the mapping.
"""

from __future__ import annotations

import re
import unicodedata

from recruiter.domain import fields
from recruiter.domain.identity import CJK_RUN

# Candidate fields a file can fill, in the order the wizard lists them, with their labels; the
# synonyms come from the same table (domain.fields).
FIELDS: dict[str, str] = {f: fields.LABELS[f] for f in fields.IMPORTABLE}
NAME_FIELDS = fields.NAME_FIELDS

_STRIP = re.compile(r"[\s*:：_]+")


def normalise(header: object) -> str:
    """'  E-mail Address * ' -> 'e-mail address'; full-width forms folded, case ignored."""
    s = unicodedata.normalize("NFKC", str(header or "")).casefold()
    s = s.replace("（", "(").replace("）", ")")
    s = _STRIP.sub(" ", s).strip(" .。")
    return re.sub(r"\s*([()/])\s*", r"\1", s)


def _lookup() -> dict[str, str]:
    """Normalised synonym, field name or label -> field; the first field to claim a word wins."""
    out: dict[str, str] = {}
    for f in fields.CANDIDATE_FIELDS:
        if f.importable:
            for word in (*f.synonyms, f.name, f.label):
                out.setdefault(normalise(word), f.name)
    return out


_LOOKUP = _lookup()


def field_for(header: object) -> str | None:
    """The candidate field a header means, or None when it is not recognised.

    Tries the whole header, then without a bracketed part ('邮箱(Email)'), then each part of a
    bilingual header split on '/', '(' or a line break.
    """
    key = normalise(header)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    unbracketed = re.sub(r"\(.*?\)", "", key).strip()
    if unbracketed in _LOOKUP:
        return _LOOKUP[unbracketed]
    parts = [normalise(p) for p in re.split(r"[/()（）\n|]+", str(header))]
    # '姓名 Name': the Chinese run and the rest, each on its own.
    parts += CJK_RUN.findall(key)
    parts.append(CJK_RUN.sub(" ", key).strip())
    for part in parts:
        if part and part in _LOOKUP:
            return _LOOKUP[part]
    return None


def auto_mapping(headers: list[str]) -> dict[str, str | None]:
    """header -> field for every header; a field is given to the first header that claims it."""
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for h in headers:
        f = field_for(h)
        if f is not None and f in taken:
            f = None
        if f is not None:
            taken.add(f)
        out[h] = f
    return out


def headers_key(headers: list[str]) -> str:
    """A stable key for 'the same headers', used to remember a mapping for the next file."""
    return "\x1f".join(normalise(h) for h in headers)
