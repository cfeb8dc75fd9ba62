"""Every candidate field, described once (calibre's field_metadata is the model).

One `FieldSpec` per field says what it is called (English label, export header), what it holds
(kind, stored length or range), what is plausible (check), which file headers mean it (English and
Chinese synonyms) and how the editor shows it. The table model (`models.Candidate`), the service's
validation (`services.candidates.validate`), the import's converters and header matching
(`services.importing`, `exchange.headers`), the editor form and the Candidates table columns all
read this table, so adding a field is one entry in `CANDIDATE_FIELDS` plus a migration that adds
its column (`models` declares the column of an entry it does not list itself).

`convert` is the one check: it turns a value typed in the editor or read from a spreadsheet cell
into what the field stores, or raises ValueError with a message that names the field and quotes
the value ("PhD year 1949 is not between 1950 and 2027").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from recruiter.i18n import _, is_chinese

from . import cells
from .identity import is_email, normalise_orcid


class Kind(StrEnum):
    """What a field holds, which decides its column type and its converter."""

    text = "text"  # one line of text
    long_text = "long_text"  # free text without a stored length (notes)
    email = "email"
    orcid = "orcid"
    date = "date"
    year = "year"
    int = "int"
    timestamp = "timestamp"  # set by the application, never typed or imported


class Widget(StrEnum):
    """How the editor shows a field."""

    line = "line"
    text = "text"  # several lines
    gender = "gender"  # a choice among domain.enums.Gender
    hidden = "hidden"  # not on the form


Check = Callable[[Any, date], str | None]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind = Kind.text
    label_zh: str = ""  # the Chinese label (templates, and the Chinese UI to come)
    max_length: int | None = None  # stored length of text kinds; None: unbounded TEXT
    check: Check | None = None  # plausibility: a problem phrase ("is in the future") or None
    stored_range: tuple[int, int] | None = None  # a CHECK constraint on the column
    synonyms: tuple[str, ...] = ()  # file headers that mean this field (normalised on use)
    export_header: str | None = None  # the column header in exported workbooks; default label
    widget: Widget = Widget.line
    placeholder: str = ""
    importable: bool = True  # a file column can fill it
    listed: bool = True  # a column of the Candidates table (hidden or shown there)

    @property
    def local_label(self) -> str:
        """The label in the current language (the Chinese label in Chinese), for messages."""
        return self.label_zh if self.label_zh and is_chinese() else self.label

    @property
    def header(self) -> str:
        return self.export_header or self.label


# -- plausibility -------------------------------------------------------------------------------
EARLIEST_BIRTH = date(1900, 1, 1)
EARLIEST_PHD = 1950
MAX_H_INDEX = 1000


def _birth_date(born: date, today: date) -> str | None:
    if born > today:
        return _("is in the future")
    if born < EARLIEST_BIRTH:
        return _("is before 1900")
    return None


def _phd_year(year: int, today: date) -> str | None:
    if not EARLIEST_PHD <= year <= today.year + 1:
        return _("is not between {first} and {last}").format(
            first=EARLIEST_PHD, last=today.year + 1
        )
    return None


def _h_index(n: int, today: date) -> str | None:
    if n < 0:
        return _("is negative")
    if n > MAX_H_INDEX:
        return _("is over {most}").format(most=MAX_H_INDEX)
    return None


# -- the table --------------------------------------------------------------------------------
CANDIDATE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "full_name",
        "Name",
        label_zh="英文姓名",
        max_length=200,
        export_header="Candidate",  # the workbook's heading leadership knows
        synonyms=(
            "name",
            "full name",
            "fullname",
            "english name",
            "name in english",
            "name (english)",
            "candidate",
            "candidate name",
            "scholar",
            "scholar name",
            "person",
            "applicant",
            "applicant name",
            "pinyin",
            "英文名",
            "外文名",
            "英文姓名",
            "外文姓名",
            "姓名(英文)",
            "拼音",
            "姓名拼音",
            "name_en",
        ),
    ),
    FieldSpec(
        "name_zh",
        "Chinese name",
        label_zh="中文姓名",
        max_length=100,
        synonyms=(
            "姓名",
            "中文名",
            "中文姓名",
            "姓名(中文)",
            "chinese name",
            "name (chinese)",
            "name in chinese",
            "name_zh",
            "人才姓名",
            "候选人",
            "候选人姓名",
            "专家姓名",
        ),
    ),
    FieldSpec(
        "email",
        "E-mail",
        Kind.email,
        label_zh="电子邮箱",
        max_length=254,
        placeholder="name@university.edu",
        synonyms=(
            "email",
            "e-mail",
            "e mail",
            "mail",
            "email address",
            "e-mail address",
            "electronic mail",
            "邮箱",
            "电子邮箱",
            "电子邮件",
            "邮件",
            "邮箱地址",
            "联系邮箱",
            "电子信箱",
        ),
    ),
    FieldSpec(
        "orcid",
        "ORCID",
        Kind.orcid,
        label_zh="ORCID",
        max_length=19,
        placeholder="0000-0002-1825-0097",
        synonyms=("orcid", "orcid id", "orcid number", "orcid identifier", "orcid号"),
    ),
    FieldSpec(
        "phone",
        "Phone",
        label_zh="电话",
        max_length=50,
        synonyms=(
            "phone",
            "mobile",
            "telephone",
            "tel",
            "cell",
            "cellphone",
            "phone number",
            "mobile number",
            "mobile phone",
            "contact number",
            "telephone number",
            "电话",
            "手机",
            "联系电话",
            "手机号",
            "手机号码",
            "电话号码",
            "联系方式",
            "移动电话",
        ),
    ),
    FieldSpec(
        "gender",
        "Gender",
        label_zh="性别",
        max_length=20,
        widget=Widget.gender,
        synonyms=("gender", "sex", "性别"),
    ),
    FieldSpec(
        "birth_date",
        "Date of birth",
        Kind.date,
        label_zh="出生日期",
        check=_birth_date,
        placeholder="YYYY-MM-DD",
        listed=False,
        synonyms=(
            "date of birth",
            "birth date",
            "birthdate",
            "dob",
            "birthday",
            "born",
            "出生日期",
            "出生年月",
            "出生年月日",
            "生日",
            "出生时间",
        ),
    ),
    FieldSpec(
        "nationality",
        "Nationality",
        label_zh="国籍",
        max_length=100,
        synonyms=("nationality", "citizenship", "国籍"),
    ),
    FieldSpec(
        "current_institution",
        "Current institution",
        label_zh="工作单位",
        max_length=300,
        synonyms=(
            "current institution",
            "institution",
            "affiliation",
            "current affiliation",
            "organisation",
            "organization",
            "employer",
            "current employer",
            "university",
            "institute",
            "workplace",
            "现工作单位",
            "工作单位",
            "现单位",
            "所在单位",
            "任职单位",
            "单位",
            "现任职单位",
            "现所在单位",
            "所在机构",
            "机构",
        ),
    ),
    FieldSpec(
        "current_position",
        "Current position",
        label_zh="职务",
        max_length=200,
        synonyms=(
            "current position",
            "position",
            "title",
            "job title",
            "rank",
            "academic title",
            "academic rank",
            "post",
            "现任职务",
            "职称",
            "职务",
            "现职务",
            "职位",
            "现任职务/职称",
            "职务/职称",
            "现职称",
            "岗位",
        ),
    ),
    FieldSpec(
        "country",
        "Country / region",
        label_zh="所在国家",
        max_length=100,
        export_header="Country",
        synonyms=(
            "country",
            "country/region",
            "country or region",
            "region",
            "location",
            "所在国家/地区",
            "所在国家",
            "国家/地区",
            "国家",
            "地区",
            "所在地",
            "所在国家或地区",
        ),
    ),
    FieldSpec(
        "field",
        "Field",
        label_zh="学科",
        max_length=200,
        synonyms=(
            "field",
            "discipline",
            "subject",
            "field of study",
            "academic field",
            "subject area",
            "学科",
            "学科领域",
            "一级学科",
            "学科方向",
            "专业",
            "所属学科",
        ),
    ),
    FieldSpec(
        "research_area",
        "Research area",
        label_zh="研究方向",
        max_length=500,
        synonyms=(
            "research area",
            "research areas",
            "research interests",
            "research interest",
            "research direction",
            "research field",
            "research topic",
            "interests",
            "research",
            "研究方向",
            "研究领域",
            "主要研究方向",
            "研究兴趣",
        ),
    ),
    FieldSpec(
        "highest_degree",
        "Highest degree",
        label_zh="最高学位",
        max_length=100,
        synonyms=(
            "highest degree",
            "degree",
            "education",
            "最高学位",
            "学位",
            "最高学历",
            "学历",
        ),
    ),
    FieldSpec(
        "degree_institution",
        "Degree institution",
        label_zh="毕业院校",
        max_length=300,
        synonyms=(
            "degree institution",
            "alma mater",
            "phd institution",
            "phd university",
            "graduated from",
            "degree university",
            "毕业院校",
            "毕业学校",
            "博士毕业院校",
            "学位授予单位",
            "毕业单位",
            "最高学位授予单位",
        ),
    ),
    FieldSpec(
        "phd_year",
        "PhD year",
        Kind.year,
        label_zh="博士毕业年份",
        check=_phd_year,
        stored_range=(1900, 2100),
        placeholder="e.g. 2012",
        synonyms=(
            "phd year",
            "year of phd",
            "phd graduation year",
            "phd awarded",
            "year of doctorate",
            "doctorate year",
            "phd",
            "博士毕业年份",
            "博士毕业时间",
            "博士学位年份",
            "获博士学位时间",
            "博士毕业年",
            "博士学位获得年份",
        ),
    ),
    FieldSpec(
        "h_index",
        "h-index",
        Kind.int,
        label_zh="h指数",
        check=_h_index,
        stored_range=(0, MAX_H_INDEX),
        synonyms=("h-index", "h index", "hindex", "h_index", "h指数", "h因子", "h-因子", "h-指数"),
    ),
    FieldSpec(
        "source",
        "Source",
        label_zh="来源",
        max_length=200,
        synonyms=(
            "source",
            "referrer",
            "referred by",
            "referral",
            "channel",
            "recommended by",
            "来源",
            "推荐人",
            "推荐来源",
            "渠道",
            "信息来源",
            "推荐单位",
        ),
    ),
    FieldSpec(
        "tags",
        "Tags",
        label_zh="标签",
        max_length=500,
        placeholder="comma-separated, e.g. returnee,industry",
        synonyms=("tags", "tag", "labels", "标签"),
    ),
    FieldSpec(
        "notes",
        "Notes",
        Kind.long_text,
        label_zh="备注",
        max_length=None,
        widget=Widget.text,
        listed=False,
        synonyms=(
            "notes",
            "note",
            "remarks",
            "remark",
            "comments",
            "comment",
            "memo",
            "备注",
            "说明",
            "其他",
            "附注",
            "备注信息",
        ),
    ),
    FieldSpec(
        "consent_at",
        "Consent",
        Kind.timestamp,
        widget=Widget.hidden,
        importable=False,
        listed=False,
    ),
    # New fields go above this line; each needs a migration that adds its column.
)

NOTES_MAX = 20000  # the longest free text (long_text fields) the application accepts
NAME_FIELDS = ("full_name", "name_zh")  # a candidate needs one of these

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in CANDIDATE_FIELDS}
LABELS: dict[str, str] = {f.name: f.label for f in CANDIDATE_FIELDS}
IMPORTABLE: tuple[str, ...] = tuple(f.name for f in CANDIDATE_FIELDS if f.importable)
EDITABLE: tuple[str, ...] = tuple(f.name for f in CANDIDATE_FIELDS)
FORM: tuple[FieldSpec, ...] = tuple(f for f in CANDIDATE_FIELDS if f.widget != Widget.hidden)
LISTED: tuple[str, ...] = tuple(f.name for f in CANDIDATE_FIELDS if f.listed)
NUMERIC: frozenset[str] = frozenset(
    f.name for f in CANDIDATE_FIELDS if f.kind in (Kind.year, Kind.int)
)
TEXT_KINDS = frozenset({Kind.text, Kind.long_text, Kind.email, Kind.orcid})


def spec(name: str) -> FieldSpec:
    return BY_NAME[name]


def text_limit(f: FieldSpec) -> int:
    """The longest text a field accepts: its stored length, or NOTES_MAX for free text."""
    return f.max_length if f.max_length is not None else NOTES_MAX


def quote(value: Any) -> str:
    """A value as it appears in a message: its text, shortened to 40 characters."""
    s = cells.to_text(value) or ""
    return s if len(s) <= 40 else s[:37] + "..."


def convert(f: FieldSpec, value: Any, today: date) -> Any:
    """What field `f` stores for a typed or read `value` (None when empty).

    Raises ValueError with a message naming the field and quoting the value; the same message
    appears beside the editor's field and in the import's Reason column.
    """
    kind = f.kind
    if kind in TEXT_KINDS:
        s = cells.to_text(value)
        if s is None:
            return None
        if kind == Kind.orcid:
            try:
                return normalise_orcid(s)
            except ValueError as exc:
                raise ValueError(
                    _("{label} '{value}' is not valid: {exc}").format(
                        label=f.local_label, value=quote(value), exc=exc
                    )
                ) from None
        limit = text_limit(f)
        if len(s) > limit:
            raise ValueError(
                _("{label} is longer than {limit} characters").format(
                    label=f.local_label, limit=limit
                )
            )
        if kind == Kind.email and not is_email(s):
            raise ValueError(
                _("{label} '{value}' is not a valid address like name@university.edu").format(
                    label=f.local_label, value=quote(value)
                )
            )
        return s
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    stored: Any
    if kind == Kind.timestamp:
        if not isinstance(value, datetime):
            raise ValueError(
                _("{label} '{value}' is not a date and time").format(
                    label=f.local_label, value=quote(value)
                )
            )
        return value
    if kind == Kind.date:
        try:
            stored = cells.to_date(value)
        except ValueError as exc:
            raise ValueError(
                _("{label} '{value}' {exc}").format(
                    label=f.local_label, value=quote(value), exc=exc
                )
            ) from None
    elif kind == Kind.year:
        try:
            stored = cells.to_year(value)
        except ValueError:
            raise ValueError(
                _("{label} '{value}' is not a year like 2012").format(
                    label=f.local_label, value=quote(value)
                )
            ) from None
    else:
        try:
            stored = cells.to_int(value)
        except ValueError:
            raise ValueError(
                _("{label} '{value}' is not a whole number").format(
                    label=f.local_label, value=quote(value)
                )
            ) from None
    if f.check is not None:
        problem = f.check(stored, today)
        if problem:
            shown = stored.isoformat() if isinstance(stored, date) else stored
            raise ValueError(
                _("{label} {shown} {problem}").format(
                    label=f.local_label, shown=shown, problem=problem
                )
            )
    return stored


def converter(f: FieldSpec, today: date) -> Callable[[Any], Any]:
    """`convert` for one field and day, as a one-argument function for the import's hot loop."""
    if f.kind == Kind.text and f.max_length is not None:
        # The common case, kept lean: 100k rows x 20 columns pass through here.
        to_text, limit, label = cells.to_text, f.max_length, f.local_label

        def text(value: Any) -> Any:
            s = to_text(value)
            if s is not None and len(s) > limit:
                raise ValueError(
                    _("{label} is longer than {limit} characters").format(label=label, limit=limit)
                )
            return s

        return text
    return lambda value: convert(f, value, today)
