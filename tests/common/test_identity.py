import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from firstline.common.identity import (
    IdType,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    resident_id_check_digit,
)

VALID = "11010519491231002X"


def test_check_digit_of_a_published_example():
    assert resident_id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    "raw",
    ["11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２ｘ", " 110105 19491231 002X ", "110105-19491231-002X"],
)
def test_messy_resident_ids_normalise_to_one_form(raw):
    assert normalise_id_number(IdType.RESIDENT_ID, raw) == VALID


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105194912310021", "id_check_digit"),
        ("11010519491231002", "id_length"),
        ("110105491231002", "id_obsolete"),
        ("1101051949123100AX", "id_characters"),
        ("110105194913310028", "id_birth_date"),
        ("", "id_missing"),
    ],
)
def test_bad_resident_ids_are_refused_with_the_reason(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalise_id_number(IdType.RESIDENT_ID, raw)
    assert caught.value.code == code


def test_future_birth_date_in_id_is_refused():
    with pytest.raises(ValidationError) as caught:
        normalise_id_number(IdType.RESIDENT_ID, "110105202001010011", today=dt.date(2019, 1, 1))
    assert caught.value.code == "id_birth_date"


def test_passport_upper_cased_and_infant_has_no_number():
    assert normalise_id_number(IdType.PASSPORT, " e1234567 ") == "E1234567"
    assert normalise_id_number(IdType.NONE, "") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0351-1234567", "0351-1234567"),
        ("03511234567", "0351-1234567"),
        ("", ""),
    ],
)
def test_phones_normalise(raw, expected):
    assert normalise_phone(raw) == expected


def test_bad_phone_is_refused():
    with pytest.raises(ValidationError):
        normalise_phone("12345")


def test_masks():
    assert mask_id_number(VALID) == "110***********002X"
    assert mask_phone("13800138000") == "138****8000"
