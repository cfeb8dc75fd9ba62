"""Column and field labels in the current language, as a read-only mapping built once at import
and read at use (the language is known only then)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from recruiter import i18n
from recruiter.domain import fields
from recruiter.i18n import _


class FieldLabels(Mapping[str, str]):
    """name -> label: a candidate field's label (its Chinese label from domain.fields when the
    language is Chinese), or one of `own`'s catalog messages (marked with N_)."""

    def __init__(self, names: Iterable[str], own: Mapping[str, str] | None = None) -> None:
        self.own = dict(own or {})
        self.names = [n for n in names if n not in self.own] + list(self.own)

    def __getitem__(self, name: str) -> str:
        if name in self.own:
            return _(self.own[name])
        spec = fields.BY_NAME[name] if name in self.names else None
        if spec is None:
            raise KeyError(name)
        return spec.label_zh if i18n.is_chinese() and spec.label_zh else spec.label

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)
