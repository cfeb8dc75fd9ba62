"""How we decide two records are the same person: ORCID, e-mail, then name + institution."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_ORCID_BODY = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_ORCID_PREFIX = re.compile(r"^(https?://)?(www\.)?orcid\.org/", re.IGNORECASE)
# Han characters: CJK Unified Ideographs with extension A, the compatibility block, and the
# supplementary-plane extensions B-H (rare characters that do occur in given names).
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def is_cjk(text: str) -> bool:
    """True when `text` holds at least one Han character (a Chinese name or word)."""
    return CJK_RUN.search(text) is not None


def email_key(email: str | None) -> str | None:
    """Trimmed, lower-cased e-mail, or None when empty."""
    if email is None:
        return None
    key = email.strip().lower()
    return key or None


def is_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip())) and len(email.strip()) <= 254


def orcid_check_char(first15: str) -> str:
    """ISO 7064 mod 11-2 check character for the first 15 digits of an ORCID."""
    total = 0
    for ch in first15:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(text: str | None) -> str | None:
    """'https://orcid.org/0000-0002-1825-0097' -> '0000-0002-1825-0097'.

    Returns None for empty input; raises ValueError when it is not a valid ORCID.
    """
    if text is None:
        return None
    s = _ORCID_PREFIX.sub("", text.strip()).strip().upper()
    if not s:
        return None
    m = _ORCID_BODY.match(s)
    if not m:
        raise ValueError("an ORCID is 16 digits in 4 groups, like 0000-0002-1825-0097")
    digits = "".join(m.groups())
    if orcid_check_char(digits[:15]) != digits[15]:
        raise ValueError("this ORCID's check digit is wrong; please copy it again")
    return "-".join(m.groups())


_NAME_SEPARATORS = re.compile(r"[\s,.\-·•'’]+")


def name_key(name: str | None) -> str:
    """Case-, accent-, spacing- and order-insensitive form of a name.

    'Zhang, Wei', 'wei zhang' and 'Wéi  ZHANG' all give 'wei zhang'; Chinese names keep their
    characters with spaces removed.
    """
    if not name:
        return ""
    if name.isascii():  # most names: nothing to decompose, no accents to drop
        s = name.casefold()
    else:
        s = unicodedata.normalize("NFKD", name)
        s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = _NAME_SEPARATORS.sub(" ", s).strip()
    if is_cjk(s):
        return s.replace(" ", "")
    return " ".join(sorted(s.split()))


_THE = re.compile(r"\bthe\b")
_INSTITUTION_SEPARATORS = re.compile(r"[\s,.\-()（）]+")


@lru_cache(maxsize=65_536)  # an import meets the same few institutions on every other row
def institution_key(name: str | None) -> str:
    if not name:
        return ""
    s = unicodedata.normalize("NFKC", name).casefold()
    s = _THE.sub(" ", s)
    return _INSTITUTION_SEPARATORS.sub(" ", s).strip()


def person_key(full_name: str | None, name_zh: str | None, institution: str | None) -> str | None:
    """Key for 'possible duplicate': normalised name plus normalised current institution."""
    n = name_key(full_name) or name_key(name_zh)
    if not n:
        return None
    return f"{n}|{institution_key(institution)}"
