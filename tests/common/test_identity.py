import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from firstline.common.identity import (
    IdType,
    SpreadsheetNumber,
    id_type_of,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    resident_id_check_digit,
    spreadsheet_mangled,
)

VALID = "11010519491231002X"


def test_check_digit_of_a_published_example():
    assert resident_id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002X",
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２ｘ",
        " 110105 19491231 002X ",
        "110105-19491231-002X",
    ],
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


@pytest.mark.parametrize(
    ("raw", "note", "expected"),
    [
        ("E12345678", "", ("passport", "shape")),
        ("EA1234567", "", ("passport", "shape")),
        ("G12345678", "", ("passport", "shape")),
        ("H12345678", "", ("hk_macau_permit", "shape")),
        ("M1234567890", "", ("hk_macau_permit", "shape")),
        ("USA110079061543", "", ("foreign_permanent", "shape")),
        ("911105199001010014", "", ("foreign_permanent", "shape")),
        ("12345678", "", ("taiwan_permit", "weak_shape")),
        ("X1234567", "美国护照", ("passport", "note")),
        ("123456789", "台胞证", ("taiwan_permit", "note")),
        # Eighteen or 15-19 digits are a resident ID whatever the note says, so a typo is told as one.
        ("11010519491231002X", "护照在家", ("resident_id", "digits")),
        ("1101051949123100", "", ("resident_id", "digits")),
        ("ABC12", "", ("resident_id", "unknown")),
        ("", "", ("none", "digits")),
    ],
)
def test_the_shape_or_the_note_tells_the_document(raw, note, expected):
    assert id_type_of(raw, note=note) == expected


@pytest.mark.parametrize(
    "raw",
    [SpreadsheetNumber("110105194912310000"), "1.10105E+17", "1.1010519491231e17", "1.10105194912310E+17"],
)
def test_a_number_excel_mangled_is_refused_for_what_happened_to_it(raw):
    with pytest.raises(ValidationError) as caught:
        normalise_id_number(IdType.RESIDENT_ID, raw)
    assert caught.value.code == "id_spreadsheet_number"
    assert caught.value.messages == [
        "Excel turned this ID number into a number and lost its last digits. Format the ID "
        "column as text (文本), type or paste the numbers again, and export again; the "
        "number cannot be recovered from this file."
    ]


def test_eighteen_digits_ending_in_000_with_a_wrong_check_digit_were_rounded_by_excel():
    with pytest.raises(ValidationError) as caught:
        normalise_id_number(IdType.RESIDENT_ID, "110105194912310000")
    assert caught.value.code == "id_spreadsheet_number"
    # A typo elsewhere is still a typo.
    with pytest.raises(ValidationError) as typo:
        normalise_id_number(IdType.RESIDENT_ID, "110105194912310021")
    assert typo.value.code == "id_check_digit"


def test_a_passport_in_scientific_looking_shape_is_not_taken_for_a_mangled_number():
    assert normalise_id_number(IdType.PASSPORT, "E12345678") == "E12345678"
    assert spreadsheet_mangled("1E12345") is False


def test_the_2023_foreign_permanent_residence_id_has_a_check_digit():
    number = "91110519900101001" + resident_id_check_digit("91110519900101001")
    assert normalise_id_number(IdType.FOREIGN_PERMANENT, number) == number
    with pytest.raises(ValidationError) as caught:
        normalise_id_number(IdType.FOREIGN_PERMANENT, number[:17] + ("0" if number[17] != "0" else "1"))
    assert caught.value.code == "id_check_digit"
