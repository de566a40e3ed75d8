"""Normalising and checking what people type: ID document numbers, phone numbers, names.

Real input is messy: full-width digits (１２３), a lowercase x as the check digit, spaces and
dashes inside numbers, a +86 in front of a phone. Everything is normalised first, then checked,
and a refusal says what is wrong in words a community worker understands.
"""

import datetime as dt
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
            raise ValidationError(_("A person without a document cannot have an ID number."), code="id_unexpected")
        return ""
    value = _SEPARATORS.sub("", fold(raw or "")).upper()
    if not value:
        raise ValidationError(_("The ID number is missing."), code="id_missing")
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
            raise ValidationError(_("The birth date inside the ID number is not a real date."), code="id_birth_date") from None
        if born.year < 1890 or born > (today or timezone.localdate()):
            raise ValidationError(_("The birth date inside the ID number is not plausible."), code="id_birth_date")
        expected = resident_id_check_digit(value[:17])
        if value[17] != expected:
            raise ValidationError(
                _("The check digit is wrong: the last character should be %(d)s. Check the number for a typo.")
                % {"d": expected},
                code="id_check_digit",
            )
        return value
    if not _OTHER_DOC.match(value):
        raise ValidationError(
            _("A document number is 5 to 20 letters and digits."), code="id_characters"
        )
    return value


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
    types = (IdType.RESIDENT_ID,) if re.fullmatch(r"\d{17}[\dX]|\d{15}", compact) else (IdType.RESIDENT_ID, IdType.PASSPORT)
    message = str(_("This is not a valid ID number."))
    for id_type in types:
        try:
            return normalise_id_number(id_type, compact), ""
        except ValidationError as exc:
            if len(types) == 1:
                message = exc.messages[0]
    return "", message
