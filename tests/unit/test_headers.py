"""Header synonyms: the Chinese and English names lists arrive with map to candidate fields."""

from __future__ import annotations

import pytest

from recruiter.exchange.headers import FIELDS, auto_mapping, field_for, headers_key, normalise

ISSUE_SYNONYMS = {
    "姓名": "name_zh",
    "中文名": "name_zh",
    "英文名": "full_name",
    "外文名": "full_name",
    "性别": "gender",
    "出生日期": "birth_date",
    "出生年月": "birth_date",
    "国籍": "nationality",
    "邮箱": "email",
    "电子邮箱": "email",
    "电话": "phone",
    "手机": "phone",
    "联系电话": "phone",
    "现工作单位": "current_institution",
    "现任职务": "current_position",
    "职称": "current_position",
    "所在国家/地区": "country",
    "研究方向": "research_area",
    "学科": "field",
    "最高学位": "highest_degree",
    "毕业院校": "degree_institution",
    "博士毕业年份": "phd_year",
    "来源": "source",
    "推荐人": "source",
    "备注": "notes",
    "ORCID": "orcid",
    "h-index": "h_index",
}

ENGLISH = {
    "Name": "full_name",
    "Full name": "full_name",
    "Chinese name": "name_zh",
    "Gender": "gender",
    "Sex": "gender",
    "Date of birth": "birth_date",
    "DOB": "birth_date",
    "Nationality": "nationality",
    "Email": "email",
    "E-mail": "email",
    "Phone": "phone",
    "Mobile": "phone",
    "Current institution": "current_institution",
    "Affiliation": "current_institution",
    "Position": "current_position",
    "Title": "current_position",
    "Country": "country",
    "Country/Region": "country",
    "Research area": "research_area",
    "Research interests": "research_area",
    "Field": "field",
    "Discipline": "field",
    "Highest degree": "highest_degree",
    "Degree institution": "degree_institution",
    "PhD year": "phd_year",
    "Source": "source",
    "Referred by": "source",
    "Notes": "notes",
    "Remarks": "notes",
    "ORCID iD": "orcid",
    "H index": "h_index",
    "Tags": "tags",
}


@pytest.mark.parametrize(("header", "expected"), sorted(ISSUE_SYNONYMS.items()))
def test_chinese_headers_of_the_issue(header: str, expected: str) -> None:
    assert field_for(header) == expected


@pytest.mark.parametrize(("header", "expected"), sorted(ENGLISH.items()))
def test_english_headers(header: str, expected: str) -> None:
    assert field_for(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("  E-MAIL ADDRESS * ", "email"),
        ("电子邮箱(Email)", "email"),
        ("电子邮箱（Email）", "email"),
        ("邮箱/Email", "email"),
        ("姓名\nName", "name_zh"),
        ("Ｅｍａｉｌ", "email"),  # full-width letters
        ("h指数", "h_index"),
        ("出生年月：", "birth_date"),
    ],
)
def test_decorated_and_bilingual_headers(header: str, expected: str) -> None:
    assert field_for(header) == expected


@pytest.mark.parametrize("header", ["", None, "Favourite colour", "Row", "Reason", "Column C"])
def test_unknown_headers_map_to_nothing(header: object) -> None:
    assert field_for(header) is None


def test_every_field_maps_from_its_own_label() -> None:
    for name, label in FIELDS.items():
        assert field_for(label) == name
        assert field_for(name) == name


def test_a_field_goes_to_the_first_column_that_claims_it() -> None:
    mapping = auto_mapping(["姓名", "Email", "邮箱", "Notes", "Whatever"])
    assert mapping == {
        "姓名": "name_zh",
        "Email": "email",
        "邮箱": None,
        "Notes": "notes",
        "Whatever": None,
    }


def test_headers_key_ignores_case_and_spacing() -> None:
    assert headers_key(["Name", " Email "]) == headers_key(["name", "EMAIL"])
    assert headers_key(["Name", "Email"]) != headers_key(["Email", "Name"])
    assert normalise("  Date  of   birth * ") == "date of birth"
