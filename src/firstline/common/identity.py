"""Normalising and checking what people type: ID document numbers, phone numbers, names.

Real input is messy: full-width digits (１２３), a lowercase x as the check digit, spaces and
dashes inside numbers, a +86 in front of a phone, an 18-digit number that Excel stored as a
number and so rounded to 15 digits. Everything is normalised first, then checked, and a refusal
says what is wrong in words a community worker understands. When a list does not say which
document a number is, its shape tells (`id_type_of`): E12345678 is a passport, H12345678 a Hong
Kong/Macau permit.
"""

import datetime as dt
import enum
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAU_PERMIT = "hk_macau_permit", _("Hong Kong/Macau permit")
    TAIWAN_PERMIT = "taiwan_permit", _("Taiwan permit")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent residence ID")
    NONE = "none", _("No document (infant)")


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SEPARATORS = re.compile(r"[\s\-_./·、，,]+")
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_OTHER_DOC = re.compile(r"^[A-Z0-9]{5,20}$")
# What an ID number looks like when a spreadsheet made a number of it: 1.10105E+17, 1.1010519491231e17.
_SCIENTIFIC = re.compile(r"^(?:\d+\.\d+E\+?\d+|\d+E\+\d+)$")
# Shapes of the documents other than the resident ID, as issued (the number alone, without a type).
_SHAPES = (
    # Foreign permanent residence ID: 3 letters + 12 digits (2004), or 18 digits starting with 9 (2023).
    (IdType.FOREIGN_PERMANENT, re.compile(r"^(?:[A-Z]{3}\d{12}|9\d{16}[\dX])$")),
    # Chinese passports: E + 8 digits, E + letter + 7 digits (since 2017), G + 8 digits (before 2012),
    # D/S/P (diplomatic, service, public affairs) + 7 or 8 digits.
    (IdType.PASSPORT, re.compile(r"^(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E?\d{7,8})$")),
    # Mainland travel permit for Hong Kong and Macau residents (回乡证): H or M + 8 digits, or + 10 (before
    # 2013).
    (IdType.HK_MACAU_PERMIT, re.compile(r"^[HM](?:\d{8}|\d{10})$")),
    # Mainland travel permit for Taiwan residents (台胞证): 8 digits (since 2015), or 10.
    (IdType.TAIWAN_PERMIT, re.compile(r"^(?:\d{8}|\d{10})$")),
)
# Digits only: nothing but the shape says a Taiwan permit, so a number read that way is worth a look.
WEAK_SHAPES = frozenset({IdType.TAIWAN_PERMIT})
# Words in a note that say which document a number is, when the list has no type column.
# Only names of documents: a place (香港, 台湾) in a note says where someone came from, not what they carry.
_NOTE_HINTS = (
    (IdType.FOREIGN_PERMANENT, ("永久居留", "永居证", "绿卡")),
    (IdType.HK_MACAU_PERMIT, ("港澳", "回乡证")),
    (IdType.TAIWAN_PERMIT, ("台胞",)),
    (IdType.PASSPORT, ("护照", "passport")),
)


class SpreadsheetNumber(str):
    """A cell the spreadsheet stored as a number of more than 15 digits, written out in digits.

    Excel keeps 15 significant digits, so an ID number typed into a number cell has already lost
    its last digits when the file is read: 110105194912310021 comes back as 110105194912310000.
    The reader marks such cells so that the number is refused for what happened to it."""


def fold(value: str) -> str:
    """Full-width to half-width (NFKC) and trimmed: '１２３ｘ ' -> '123x'."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def resident_id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date_from_resident_id(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_from_resident_id(number: str) -> str:
    return "M" if int(number[16]) % 2 else "F"


def normalise_id_number(id_type: str, raw: str | None, *, today: dt.date | None = None) -> str:
    """The canonical form of an ID number, or ValidationError naming what is wrong."""
    if id_type == IdType.NONE:
        if raw and fold(raw):
            raise ValidationError(
                _("A person without a document cannot have an ID number."), code="id_unexpected"
            )
        return ""
    value = compact_id_number(raw)
    if not value:
        raise ValidationError(_("The ID number is missing."), code="id_missing")
    if spreadsheet_mangled(raw):
        raise ValidationError(_spreadsheet_message(), code="id_spreadsheet_number")
    if id_type == IdType.RESIDENT_ID:
        if len(value) == 15 and value.isdigit():
            raise ValidationError(
                _("This is an old 15-digit ID number; enter the 18-digit one."), code="id_obsolete"
            )
        if len(value) != 18:
            raise ValidationError(
                _("A resident ID number has 18 characters; this one has %(n)d.") % {"n": len(value)},
                code="id_length",
            )
        if not _RESIDENT_ID.match(value):
            raise ValidationError(
                _("A resident ID number is 17 digits and a final digit or X."), code="id_characters"
            )
        try:
            born = birth_date_from_resident_id(value)
        except ValueError:
            raise ValidationError(
                _("The birth date inside the ID number is not a real date."), code="id_birth_date"
            ) from None
        if born.year < 1890 or born > (today or timezone.localdate()):
            raise ValidationError(
                _("The birth date inside the ID number is not plausible."), code="id_birth_date"
            )
        expected = resident_id_check_digit(value[:17])
        if value[17] != expected and value.endswith("000"):
            # Three zeros at the end and a wrong check digit: the 15 digits Excel keeps, padded.
            raise ValidationError(
                _(
                    "This number ends in 000 and its check digit is wrong: Excel most likely stored it as a "
                    "number "
                    "and lost its last digits. Format the ID column as text (文本), type or paste the "
                    "numbers again, "
                    "and export again."
                ),
                code="id_spreadsheet_number",
            )
        if value[17] != expected:
            raise ValidationError(
                _(
                    "The check digit is wrong: the last character should be %(d)s. Check the number for a "
                    "typo."
                )
                % {"d": expected},
                code="id_check_digit",
            )
        return value
    if not _OTHER_DOC.match(value):
        raise ValidationError(_("A document number is 5 to 20 letters and digits."), code="id_characters")
    if id_type == IdType.FOREIGN_PERMANENT and re.fullmatch(r"9\d{16}[\dX]", value):
        # The 2023 card has the resident ID's check digit.
        expected = resident_id_check_digit(value[:17])
        if value[17] != expected:
            raise ValidationError(
                _(
                    "The check digit is wrong: the last character should be %(d)s. Check the number for a "
                    "typo."
                )
                % {"d": expected},
                code="id_check_digit",
            )
    return value


def compact_id_number(raw) -> str:
    """The number without spaces, dashes or dots, half-width and upper case: ' e1234 5678' -> 'E12345678'."""
    return _SEPARATORS.sub("", fold(raw or "")).upper()


def spreadsheet_mangled(raw) -> bool:
    """True when a spreadsheet has turned the number into a number: a numeric cell of more than 15
    digits, or text in scientific notation such as 1.10105E+17 (what a CSV saved by Excel holds)."""
    if isinstance(raw, SpreadsheetNumber):
        return True
    text = str(raw or "")
    if "e" not in text and "E" not in text and "Ｅ" not in text and "ｅ" not in text:
        return False  # the common case, decided without folding
    return bool(_SCIENTIFIC.match(fold(text).upper().replace(" ", "")))


def _spreadsheet_message() -> str:
    return _(
        "Excel turned this ID number into a number and lost its last digits. Format the ID column as text "
        "(文本), type or paste the numbers again, and export again; the number cannot be recovered from "
        "this file."
    )


class ReadAs(enum.StrEnum):
    """How the type of an ID number was worked out when the list did not say it."""

    DIGITS = "digits"  # 15 to 19 digits: a resident ID (so that a typo is told by its rules)
    NOTE = "note"  # the note names the document (护照, 港澳, 台胞)
    SHAPE = "shape"  # the number has the shape of one document only (E12345678: a passport)
    WEAK_SHAPE = "weak_shape"  # digits only (8 or 10: a Taiwan permit), worth a look
    UNKNOWN = "unknown"  # no known shape: read as a resident ID, whose rules say what is wrong


def id_type_of(raw, *, note: str = "") -> tuple[str, str]:
    """Which document an ID number is when the list does not say: (IdType, ReadAs).

    Eighteen or fifteen digits (or anything a spreadsheet mangled) are a resident ID, so that a typo
    is told by the resident ID's rules rather than taken for another document; 18 digits starting
    with 9 are the 2023 foreign permanent residence ID. Otherwise a note that names the document
    decides, then the number's shape."""
    value = compact_id_number(raw)
    if not value:
        return IdType.NONE, ReadAs.DIGITS
    if spreadsheet_mangled(raw) or re.fullmatch(r"\d{15,17}|\d{19}|[1-8]\d{16}[\dX]", value):
        return IdType.RESIDENT_ID, ReadAs.DIGITS
    folded = fold(note or "").lower()
    for id_type, words in _NOTE_HINTS:
        if any(word in folded for word in words):
            return id_type, ReadAs.NOTE
    for id_type, shape in _SHAPES:
        if shape.match(value):
            return id_type, ReadAs.WEAK_SHAPE if id_type in WEAK_SHAPES else ReadAs.SHAPE
    return IdType.RESIDENT_ID, ReadAs.UNKNOWN


def shape_of(value: str) -> str | None:
    """The document a compact number looks like, other than a resident ID, or None."""
    for id_type, shape in _SHAPES:
        if shape.match(value):
            return id_type
    return None


def mask_id_number(value: str) -> str:
    """'110105199003071234' -> '110***********1234'. Empty stays empty."""
    if not value:
        return ""
    if len(value) <= 6:
        return value[0] + "*" * (len(value) - 1)
    head = 3 if len(value) >= 15 else 1  # short documents would show almost every character
    return value[:head] + "*" * (len(value) - head - 4) + value[-4:]


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})(\d{7,8})$")
_INTERNATIONAL = re.compile(r"^\+\d{7,15}$")


def normalise_phone(raw: str | None) -> str:
    """A mainland mobile as 11 digits, a landline as '0AAA-NNNNNNN', others as '+CCNNNN'. Empty allowed."""
    value = fold(raw or "")
    if not value:
        return ""
    value = re.sub(r"[\s\-()（）.]+", "", unicodedata.normalize("NFKC", value))
    if value.startswith("0086"):
        value = value[4:]
    elif value.startswith("+86"):
        value = value[3:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if _MOBILE.match(value):
        return value
    if match := _LANDLINE.match(value):
        return f"{match.group(1)}-{match.group(2)}"
    if _INTERNATIONAL.match(value):
        return value
    raise ValidationError(
        _("'%(value)s' is not a phone number: a mobile has 11 digits starting with 1.") % {"value": value},
        code="phone",
    )


def mask_phone(value: str) -> str:
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return value


def normalise_name(raw: str | None) -> str:
    """Names keep their characters; full-width letters fold, inner runs of spaces become one."""
    value = re.sub(r"\s+", " ", fold(raw or ""))
    if not value:
        raise ValidationError(_("The name is missing."), code="name_missing")
    if len(value) > 60:
        raise ValidationError(_("The name is longer than 60 characters."), code="name_length")
    return value


def mask_name(value: str) -> str:
    """'王小芳' -> '王*芳', '王芳' -> '王*': enough to confirm a person at a desk, not to list them."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def read_id_number(raw: str) -> tuple[str, str]:
    """An ID number as typed or read from a card, when the document type is not said: (the normalised
    number, "") or ("", why it is not one). Eighteen or fifteen digits are only ever read as a resident
    ID, so a typo in one is told (the check digit names the fault), not taken for a passport."""
    compact = _SEPARATORS.sub("", fold(raw or "")).upper()
    types = (
        (IdType.RESIDENT_ID,)
        if re.fullmatch(r"\d{17}[\dX]|\d{15}", compact)
        else (IdType.RESIDENT_ID, IdType.PASSPORT)
    )
    message = str(_("This is not a valid ID number."))
    for id_type in types:
        try:
            return normalise_id_number(id_type, compact), ""
        except ValidationError as exc:
            if len(types) == 1:
                message = exc.messages[0]
    return "", message
