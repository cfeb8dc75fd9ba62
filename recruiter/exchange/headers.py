"""Column headers, English or Chinese, mapped to candidate fields by synonyms.

Lists arrive with headers such as `姓名`, `电子邮箱(Email)`, `E-mail address *` or `h指数`; matching
them on a normalised form lets most files import without the user touching the mapping.
"""

from __future__ import annotations

import re
import unicodedata

# Candidate fields a file can fill, in the order the wizard lists them, with their labels.
FIELDS: dict[str, str] = {
    "full_name": "Name",
    "name_zh": "Chinese name",
    "email": "E-mail",
    "orcid": "ORCID",
    "phone": "Phone",
    "gender": "Gender",
    "birth_date": "Date of birth",
    "nationality": "Nationality",
    "current_institution": "Current institution",
    "current_position": "Current position",
    "country": "Country / region",
    "field": "Field",
    "research_area": "Research area",
    "highest_degree": "Highest degree",
    "degree_institution": "Degree institution",
    "phd_year": "PhD year",
    "h_index": "h-index",
    "source": "Source",
    "tags": "Tags",
    "notes": "Notes",
}

NAME_FIELDS = ("full_name", "name_zh")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": (
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
    "name_zh": (
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
    "email": (
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
    "orcid": ("orcid", "orcid id", "orcid number", "orcid identifier", "orcid号"),
    "phone": (
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
    "gender": ("gender", "sex", "性别"),
    "birth_date": (
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
    "nationality": ("nationality", "citizenship", "国籍"),
    "current_institution": (
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
    "current_position": (
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
    "country": (
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
    "field": (
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
    "research_area": (
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
    "highest_degree": (
        "highest degree",
        "degree",
        "education",
        "最高学位",
        "学位",
        "最高学历",
        "学历",
    ),
    "degree_institution": (
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
    "phd_year": (
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
    "h_index": ("h-index", "h index", "hindex", "h_index", "h指数", "h因子", "h-因子", "h-指数"),
    "source": (
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
    "tags": ("tags", "tag", "labels", "标签"),
    "notes": (
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
}

_STRIP = re.compile(r"[\s*:：_]+")


def normalise(header: object) -> str:
    """'  E-mail Address * ' -> 'e-mail address'; full-width forms folded, case ignored."""
    s = unicodedata.normalize("NFKC", str(header or "")).casefold()
    s = s.replace("（", "(").replace("）", ")")
    s = _STRIP.sub(" ", s).strip(" .。")
    return re.sub(r"\s*([()/])\s*", r"\1", s)


_LOOKUP: dict[str, str] = {}
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _LOOKUP.setdefault(normalise(_word), _field)
    _LOOKUP.setdefault(normalise(_field), _field)
    _LOOKUP.setdefault(normalise(FIELDS[_field]), _field)


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
    parts += re.findall(r"[\u3400-\u9fff]+", key)
    parts.append(re.sub(r"[\u3400-\u9fff]+", " ", key).strip())
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
