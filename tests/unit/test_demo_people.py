"""Demo scholars' names, genders and tags agree (陈艳 is a woman; no man is tagged
women-in-science)."""

from __future__ import annotations

from sqlalchemy import text

from recruiter.services import demo_names
from recruiter.store.database import Database


def test_every_demo_given_name_has_one_gender() -> None:
    assert len(demo_names.MALE_FIRST_NAMES) == len(demo_names.FEMALE_FIRST_NAMES)
    assert not set(demo_names.MALE_FIRST_NAMES) & set(demo_names.FEMALE_FIRST_NAMES)
    assert demo_names.gender_of("艳") == "female"
    assert demo_names.gender_of("伟") == "male"
    assert demo_names.gender_of("Emma") == "female"
    assert demo_names.tags_for("male", ["women-in-science", "priority"]) == "priority"
    assert demo_names.tags_for("female", ["women-in-science"]) == "women-in-science"
    assert demo_names.tags_for("male", ["women-in-science"]) is None


def test_demo_names_genders_and_tags_agree(demo_db: Database) -> None:
    zh_given = {hanzi: gender for hanzi, _p, gender in demo_names.ZH_GIVEN_NAMES}
    surnames = {hanzi for hanzi, _p in demo_names.ZH_SURNAMES}
    with demo_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT full_name, name_zh, gender, tags FROM candidate")).all()
    assert rows
    women_tagged = 0
    for full, zh, gender, tags in rows:
        if zh:
            assert zh[0] in surnames
            assert gender == zh_given[zh[1:]], (zh, gender)
        else:
            assert gender == demo_names.gender_of(full.split()[0]), (full, gender)
        if "women-in-science" in (tags or "").split(","):
            assert gender == "female", (full, zh, tags)
            women_tagged += 1
    assert women_tagged > 0  # the tag is still used
    assert {g for *_n, g, _t in rows} == {"female", "male"}
