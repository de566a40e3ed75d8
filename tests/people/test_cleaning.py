"""Cleaning a person: the words real lists use, unknown labels kept, long text never cut unsaid."""

import datetime as dt

import pytest

from firstline.people.cleaning import PersonWarning, clean_person
from firstline.people.vocabulary import read_needs

TODAY = dt.date(2022, 11, 9)


@pytest.mark.parametrize(
    ("field", "words", "expected"),
    [
        ("relation", ["孙子女", "外孙", "外孙子", "外孙女", "孙子", "孙女"], "grandchild"),
        ("relation", ["儿媳", "儿媳妇", "女婿", "侄子", "外甥", "其他亲属"], "relative"),
        ("relation", ["兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"], "sibling"),
        ("relation", ["岳父", "岳母", "公公", "婆婆"], "parent"),
        ("relation", ["保姆", "护工"], "helper"),
        ("relation", ["租客", "其他"], "other"),
        ("status", ["流动", "流动人口", "暂住", "外来", "借住", "寄住"], "temporary"),
        ("status", ["常住人口", "户籍人口", "人户分离"], "resident"),
        ("status", ["租住", "出租", "租户"], "tenant"),
        ("vaccination", ["已接种3剂", "加强", "已打加强针", "第三针"], "booster"),
        ("vaccination", ["两针", "2剂", "第二针", "全程接种"], "two_doses"),
        ("vaccination", ["未接种", "未打", "没打"], "none"),
    ],
)
def test_the_words_real_lists_use(field, words, expected):
    for word in words:
        clean, errors = clean_person({"name": "甲", field: word}, today=TODAY)
        assert (errors, getattr(clean, field)) == ({}, expected), word


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("孕妇(预产期2022-12-20)", {"pregnant": {"due_date": dt.date(2022, 12, 20)}}),
        ("孕妇（预产期：2022年12月20日）", {"pregnant": {"due_date": dt.date(2022, 12, 20)}}),
        ("孕妇 预产期 2022/12/20", {"pregnant": {"due_date": dt.date(2022, 12, 20)}}),
        ("孕28周", {"pregnant": {"note": "28周"}}),
        ("慢病用药", {"chronic_medication": {}}),
        ("高血压、糖尿病", {"chronic_medication": {"note": "高血压；糖尿病"}}),
        ("独居,空巢老人", {"elderly_alone": {}}),
        ("高龄独居", {"elderly_alone": {"note": "高龄独居"}}),
        ("残疾人 行动不便(轮椅)", {"mobility_impaired": {"note": "轮椅"}}),
        ("血透/低保户", {"dialysis": {}, "low_income": {}}),
        ("婴儿(8个月)", {"infant": {"note": "8个月"}}),
        ("无", {}),
    ],
)
def test_vulnerable_groups_with_what_they_carry(cell, expected):
    needs = read_needs(cell)
    assert (needs.tags, needs.unknown, needs.bad_dates) == (expected, [], [])


def test_an_unknown_label_keeps_the_person_the_text_and_says_so():
    clean, errors = clean_person(
        {
            "name": "甲",
            "relation": "表舅",
            "status": "户在人不在",
            "vulnerabilities": "党员、慢病",
            "note": "二楼东",
        },
        today=TODAY,
        keep_unknown_labels=True,
        column_names={"relation": "与户主关系", "vulnerabilities": "特殊人群"},
    )
    assert errors == {}
    assert (clean.relation, clean.status, clean.vulnerabilities) == (
        "other",
        "resident",
        {"chronic_medication": {}},
    )
    assert clean.note == "二楼东；与户主关系：表舅；residence status：户在人不在；特殊人群：党员"
    assert [(w.field, w.value) for w in clean.warnings] == [
        ("relation", "表舅"),
        ("status", "户在人不在"),
        ("vulnerabilities", "党员"),
    ]


def test_without_keeping_unknown_labels_they_are_errors_by_field():
    _clean, errors = clean_person({"name": "甲", "relation": "表舅", "vulnerabilities": "vip"}, today=TODAY)
    assert errors == {
        "relation": "'表舅' is not a known relation.",
        "vulnerabilities": "'vip' is not a known vulnerable group.",
    }


def test_an_id_number_in_a_label_column_is_masked_in_the_note():
    clean, _errors = clean_person(
        {"name": "甲", "relation": "11010519491231002X"}, today=TODAY, keep_unknown_labels=True
    )
    assert clean.note == "relation：110***********002X"
    assert clean.warnings[0].value == "110***********002X"


def test_long_text_is_refused_with_its_limit_unless_a_list_asks_for_it_cut_with_a_warning():
    _clean, errors = clean_person(
        {"name": "甲", "note": "备" * 301, "returned_from": "地" * 101}, today=TODAY
    )
    assert errors == {
        "note": "At most 300 characters; this has 301. Shorten it and send it again.",
        "returned_from": "At most 100 characters; this has 101. Shorten it and send it again.",
    }
    clean, errors = clean_person({"name": "甲", "note": "备" * 301}, today=TODAY, cut_long_text=True)
    assert (errors, clean.note, clean.warnings) == (
        {},
        "备" * 299 + "…",
        [
            PersonWarning(
                "note",
                "",
                (
                    "301 characters, and this field holds 300: the first 299 were kept, ending in '…'. The "
                    "whole text is still in "
                    "your file."
                ),
            )
        ],
    )


def test_an_unknown_label_that_does_not_fit_in_a_full_note_is_an_error_not_a_cut():
    clean, errors = clean_person(
        {"name": "甲", "note": "备" * 295, "relation": "表舅"}, today=TODAY, keep_unknown_labels=True
    )
    assert errors == {
        "relation": "'表舅' is not a known relation, and the note has no room left to keep it (300 "
        "characters): choose a known value, or shorten the note."
    }
    assert (clean.note, clean.warnings) == ("备" * 295, [])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "ABC12",
            "This is not a resident ID number (18 characters; this one has 5), and it has the shape of no "
            "passport or "
            "permit. If it is another document, say which in the ID-type column (证件类型) or the note "
            "(护照, 港澳通行证, 台胞证).",
        ),
        ("1101051949123100", "A resident ID number has 18 characters; this one has 16."),
    ],
)
def test_a_number_of_no_known_shape_says_how_to_name_its_document(raw, message):
    _clean, errors = clean_person({"name": "甲", "id_number": raw}, today=TODAY)
    assert errors == {"id_number": message}


def test_a_resident_id_column_holding_a_passport_says_what_it_looks_like():
    _clean, errors = clean_person({"name": "甲", "id_type": "身份证", "id_number": "E12345678"}, today=TODAY)
    assert errors == {
        "id_number": "A resident ID number has 18 characters; this one has 9. It has the shape of a "
        "Passport number: if it is one, say so in the ID-type column (证件类型)."
    }
