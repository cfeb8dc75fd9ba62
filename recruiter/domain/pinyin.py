"""Pinyin of Chinese names, for search (`zhangwei`, `zhang wei`, `zw` find 张伟) and for sorting
Chinese names the way a Chinese office reads a list: by pinyin, among the Latin names.

Computed when a name is written and stored in two columns of `candidate` (migration 0012):
`name_pinyin`, the search text (whole pinyin and initials of each Chinese name), and `sort_name`,
the key of the Name column when the name is written in Chinese. Both are NULL for a name without
Chinese characters, whose sort key is lower(full_name) as before."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .identity import CJK_CLASS, CJK_RUN

# The surname reading of characters whose everyday reading differs (曾 is zēng as a surname,
# not céng): applied to the first character of a Chinese name.
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "种": "chong",
    "覃": "qin",
    "那": "na",
    "员": "yun",
    "秘": "bi",
    "尉": "yu",
    "长": "chang",
    "宿": "su",
    "繁": "po",
    "召": "shao",
    "柏": "bai",
    "薄": "bo",
    "重": "chong",
    "沈": "shen",
}
# The widest value each column holds (migration 0012).
PINYIN_MAX = 600
SORT_MAX = 400


def _each_as_is(chars: str) -> Any:
    """pypinyin's `errors`: characters without pinyin stay, one item each (pypinyin accepts a
    list here, which its type stubs do not say)."""
    return list(chars)


_CJK_SPLIT = re.compile(f"([{CJK_CLASS}])")  # split keeping each Han character


@lru_cache(maxsize=65_536)  # an import of 100,000 names meets the same Chinese names again
def _readings(chinese: str) -> tuple[str, ...]:
    """One item per character of `chinese` (all Han): its pinyin, or the character itself when
    it has none (a rare character outside pypinyin's tables)."""
    # Late: pypinyin's dictionaries take ~50 MB, which only a process that writes names needs.
    from pypinyin import Style, lazy_pinyin

    out = [s.lower() for s in lazy_pinyin(chinese, style=Style.NORMAL, errors=_each_as_is)]
    if len(out) != len(chinese):  # never expected; keep the characters aligned whatever happens
        out = [
            (lazy_pinyin(ch, style=Style.NORMAL, errors=_each_as_is) or [ch])[0] for ch in chinese
        ]
    if out and chinese[0] in SURNAMES:
        out[0] = SURNAMES[chinese[0]]
    return tuple(out)


def syllables(name: str) -> list[str]:
    """'张伟' -> ['zhang', 'wei']; characters that are not Chinese, or have no pinyin, are left
    out."""
    chinese = "".join(CJK_RUN.findall(name))
    if not chinese:
        return []
    return [s for s in _readings(chinese) if s.isascii()]


def search_text(*names: str | None) -> str | None:
    """'张伟' -> 'zhangwei zw': each Chinese name's whole pinyin, then its initials."""
    parts: list[str] = []
    for name in dict.fromkeys(n for n in names if n):
        syl = syllables(name)
        if syl:
            parts += ["".join(syl), "".join(s[0] for s in syl)]
    return " ".join(parts)[:PINYIN_MAX] or None


def sort_key(full_name: str | None) -> str | None:
    """The Name column's key for a name written in Chinese ('张伟' -> 'zhang wei'); None for a
    Latin name, which sorts by lower(full_name)."""
    if not full_name or CJK_RUN.search(full_name) is None:
        return None
    # [latin, 张, latin, 伟, latin]: each Han character its own word, the text between them too
    parts = _CJK_SPLIT.split(full_name)
    readings = iter(_readings("".join(parts[1::2])))
    keyed: list[str] = []
    for i, part in enumerate(parts):
        if i % 2:
            keyed.append(next(readings, part))
        elif part.strip():
            keyed.append(part.strip().lower())
    return " ".join(keyed)[:SORT_MAX]


def columns(full_name: str | None, name_zh: str | None) -> dict[str, str | None]:
    """The stored pinyin columns of a candidate with these names."""
    return {"name_pinyin": search_text(name_zh, full_name), "sort_name": sort_key(full_name)}
