"""Turning typed or imported values into a clean person record, with errors named by field.

Used by the staff forms, the API, the resident list import and the self-registration page, so
that one rule decides everywhere what a valid person is.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from firstline.common import crypto
from firstline.common.identity import (
    IdType,
    ReadAs,
    birth_date_from_resident_id,
    compact_id_number,
    fold,
    id_type_of,
    mask_id_number,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    sex_from_resident_id,
    shape_of,
)
from firstline.common.text import too_long
from firstline.people import vocabulary
from firstline.people.models import Person, Relation, ResidenceStatus, Sex, Vaccination, VulnerabilityTag

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(raw) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = fold(str(raw))
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise ValidationError(_("'%(value)s' is not a date (write 2022-04-01).") % {"value": value})


@dataclass
class PersonWarning:
    """Something the person was stored despite: an unknown label (kept in the note), a number read by
    its shape, a note cut to its limit. `value` is the text as written (never an ID number)."""

    field: str
    value: str
    message: str


@dataclass
class CleanPerson:
    name: str = ""
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""  # normalised, in clear: only ever kept in memory
    phone: str = ""
    birth_date: dt.date | None = None
    birth_date_estimated: bool = False
    sex: str = Sex.UNKNOWN
    vaccination: str = Vaccination.UNKNOWN
    relation: str = Relation.OTHER
    status: str = ResidenceStatus.RESIDENT
    vulnerabilities: dict[str, dict] = field(default_factory=dict)
    returned_from: str = ""
    returned_on: dt.date | None = None
    note: str = ""
    warnings: list[PersonWarning] = field(default_factory=list)

    @property
    def id_hash(self) -> str | None:
        return crypto.lookup_hash(self.id_number) if self.id_number else None

    def person_fields(self) -> dict:
        """The fields of a new Person from this record, the ID number sealed (`sealed_fields`)."""
        return {
            "name": self.name,
            "id_type": self.id_type,
            "phone": self.phone,
            "birth_date": self.birth_date,
            "birth_date_estimated": self.birth_date_estimated,
            "sex": self.sex,
            "vaccination": self.vaccination,
            "returned_from": self.returned_from,
            "returned_on": self.returned_on,
            "note": self.note,
            **self.sealed_fields(),
        }

    def sealed_fields(self) -> dict:
        """The model fields that hold the ID number: sealed, hashed, masked."""
        if not self.id_number:
            return {"id_sealed": None, "id_hash": None, "id_masked": ""}
        return {
            "id_sealed": crypto.seal(self.id_number),
            "id_hash": self.id_hash,
            "id_masked": mask_id_number(self.id_number),
        }


_AGE = re.compile(r"^(\d{1,3})\s*(岁|周岁|y|years?)?$")
NOTE_LIMIT = Person._meta.get_field("note").max_length
RETURNED_FROM_LIMIT = Person._meta.get_field("returned_from").max_length


# What each labelled field is called in a message (and in a note, when the file's header is unknown).
# Lazy, so that a row with nothing unknown translates nothing.
LABELS = {
    "id_type": gettext_lazy("ID document type"),
    "sex": gettext_lazy("sex"),
    "vaccination": gettext_lazy("vaccination status"),
    "relation": gettext_lazy("relation"),
    "status": gettext_lazy("residence status"),
    "vulnerabilities": gettext_lazy("vulnerable group"),
}
_SHAPE_SAYS = gettext_lazy("the document its number's shape says")
_SEX_FROM_ID = gettext_lazy("the sex the ID number gives, else unknown")


# What looks like an ID number inside a label (a column mapped to the wrong field): masked before
# the text goes into a note or a report, like every ID number shown anywhere.
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|[A-Za-z]{1,2}\d{7,10})(?![0-9A-Za-z])")


def _masked_numbers(text: str) -> str:
    return _NUMBER_IN_TEXT.sub(lambda match: mask_id_number(match.group(0).upper()), text)


def clean_person(
    raw: dict,
    *,
    today: dt.date | None = None,
    keep_unknown_labels: bool = False,
    cut_long_text: bool = False,
    column_names: dict[str, str] | None = None,
) -> tuple[CleanPerson, dict[str, str]]:
    """Clean one person's raw values. Returns the clean record and {field: message} for every fault.

    `keep_unknown_labels`: a relation, residence, vaccination, sex, document type or vulnerable group
    that no vocabulary knows does not refuse the person: the field keeps its default, the text as
    written goes into the note ("与户主关系：表舅", under the file's header from `column_names`) and
    a warning says so. Without it (a correction, a move, a choice of groups) the label is an error.

    `cut_long_text` (lists): a note or place longer than its column is kept up to the limit, ending
    in "…", with a warning naming the limit; a person is not refused for a long remark. Without it,
    text over the limit is an error that names the limit. Nothing is ever cut without one or the other.
    """
    today = today or timezone.localdate()
    person = CleanPerson()
    errors: dict[str, str] = {}
    labels = LABELS
    kept_labels: list[tuple[str, str]] = []  # (field, the text as written) of unknown labels, for the note

    def attempt(field_name: str, fn):
        try:
            return fn()
        except ValidationError as exc:
            errors[field_name] = " ".join(exc.messages)
            return None

    def label(field_name: str, read, default, default_label: str = ""):
        """The choice the field's words mean; an unknown label is kept (warning, note) or an error."""
        value = raw.get(field_name)
        if value is None or not fold(value):
            return default
        choice = read(value)
        if choice is not None:
            return choice
        text = _masked_numbers(fold(value))
        if keep_unknown_labels:
            kept_labels.append((field_name, text))
            person.warnings.append(
                PersonWarning(
                    field_name,
                    text,
                    _(
                        "'%(value)s' is not a value firstline knows for %(field)s: stored as %(default)s, "
                        "and the text is kept "
                        "in the note."
                    )
                    % {"value": text, "field": labels[field_name], "default": default_label or default.label},
                )
            )
        else:
            errors[field_name] = _("'%(value)s' is not a known %(field)s.") % {
                "value": text,
                "field": labels[field_name],
            }
        return default

    person.name = attempt("name", lambda: normalise_name(raw.get("name"))) or ""
    note_raw = fold(raw.get("note") or "")
    id_raw = raw.get("id_number")
    id_type = label(
        "id_type", lambda v: vocabulary.read_choice(v, vocabulary.ID_TYPE_WORDS), None, _SHAPE_SAYS
    )
    read_as = None
    if id_type is None and "id_type" not in errors:
        # The list does not say which document (or says it in words no one knows): the number tells.
        id_type, read_as = (
            id_type_of(id_raw, note=note_raw) if id_raw not in (None, "") else (IdType.NONE, None)
        )
        if id_type == IdType.NONE:
            read_as = None
    person.id_type = id_type or IdType.RESIDENT_ID
    if "id_type" not in errors:
        person.id_number = (
            attempt("id_number", lambda: normalise_id_number(person.id_type, id_raw, today=today)) or ""
        )
        _explain_id_error(errors, person.id_type, id_raw, read_as)
        if read_as == ReadAs.WEAK_SHAPE and person.id_number:
            person.warnings.append(
                PersonWarning(
                    "id_number",
                    "",
                    _(
                        "Read as a %(document)s by its shape (digits only). If it is another document, say "
                        "which in the "
                        "ID-type column (证件类型) or the note."
                    )
                    % {"document": IdType(person.id_type).label},
                )
            )
    person.phone = attempt("phone", lambda: normalise_phone(raw.get("phone"))) or ""
    sex = label("sex", lambda v: vocabulary.read_choice(v, vocabulary.SEX_WORDS), None, _SEX_FROM_ID)
    birth = attempt("birth_date", lambda: parse_date(raw.get("birth_date")))
    if person.id_type == IdType.RESIDENT_ID and person.id_number:
        id_birth = birth_date_from_resident_id(person.id_number)
        id_sex = sex_from_resident_id(person.id_number)
        if birth and birth != id_birth:
            errors["birth_date"] = _(
                "The birth date %(given)s differs from the one in the ID number (%(id)s)."
            ) % {"given": birth.isoformat(), "id": id_birth.isoformat()}
        if sex and sex != Sex.UNKNOWN and sex != id_sex:
            errors["sex"] = _("The sex differs from the one the ID number gives.")
        birth, sex = id_birth, id_sex
    if birth is None and raw.get("age") not in (None, ""):
        match = _AGE.match(fold(str(raw.get("age"))).lower())
        if not match or int(match.group(1)) > 120:
            errors["age"] = _("'%(value)s' is not an age in years.") % {"value": raw.get("age")}
        else:
            birth = dt.date(today.year - int(match.group(1)), 1, 1)
            person.birth_date_estimated = True
    if birth and birth > today:
        errors["birth_date"] = _("The birth date is in the future.")
    person.birth_date = birth
    person.sex = sex or Sex.UNKNOWN
    person.vaccination = label("vaccination", vocabulary.read_vaccination, Vaccination.UNKNOWN)
    person.relation = label(
        "relation", lambda v: vocabulary.read_choice(v, vocabulary.RELATION_WORDS), Relation.OTHER
    )
    person.status = label(
        "status", lambda v: vocabulary.read_choice(v, vocabulary.STATUS_WORDS), ResidenceStatus.RESIDENT
    )
    needs = vocabulary.read_needs(raw.get("vulnerabilities"))
    person.vulnerabilities = needs.tags
    if needs.unknown:
        value = _masked_numbers("、".join(needs.unknown))
        if keep_unknown_labels:
            kept_labels.append(("vulnerabilities", value))
            person.warnings.append(
                PersonWarning(
                    "vulnerabilities",
                    value,
                    _(
                        "'%(value)s' is not a vulnerable group firstline knows: no group was set for it, "
                        "and the text is kept in the note."
                    )
                    % {"value": value},
                )
            )
        else:
            errors["vulnerabilities"] = _("'%(value)s' is not a known vulnerable group.") % {"value": value}
    if needs.bad_dates:
        value = "、".join(needs.bad_dates)
        person.warnings.append(
            PersonWarning(
                "vulnerabilities",
                value,
                _(
                    "The due date in '%(value)s' is not a real date: the group is set without it, and the "
                    "text is kept in its note."
                )
                % {"value": value},
            )
        )
    if raw.get("due_date"):
        due = attempt("due_date", lambda: parse_date(raw.get("due_date")))
        person.vulnerabilities.setdefault(VulnerabilityTag.PREGNANT, {})["due_date"] = due
    person.returned_from = _limited(
        person,
        errors,
        "returned_from",
        fold(raw.get("returned_from") or ""),
        RETURNED_FROM_LIMIT,
        cut_long_text,
    )
    person.returned_on = attempt("returned_on", lambda: parse_date(raw.get("returned_on")))
    person.note = _note(person, errors, note_raw, kept_labels, column_names or {}, labels, cut_long_text)
    return person, errors


def _explain_id_error(errors: dict, id_type: str, id_raw, read_as) -> None:
    """Say more when a number failed as a resident ID because it is something else."""
    message = errors.get("id_number")
    if not message or id_type != IdType.RESIDENT_ID:
        return
    value = compact_id_number(id_raw)
    if read_as == ReadAs.UNKNOWN and not value.isdigit():
        errors["id_number"] = _(
            "This is not a resident ID number (18 characters; this one has %(n)d), and it has the shape of "
            "no passport "
            "or permit. If it is another document, say which in the ID-type column (证件类型) or the note "
            "(护照, "
            "港澳通行证, 台胞证)."
        ) % {"n": len(value)}
    elif read_as is None and len(value) != 18 and (other := shape_of(value)):
        errors["id_number"] = _(
            "A resident ID number has 18 characters; this one has %(n)d. It has the shape of a %(document)s "
            "number: "
            "if it is one, say so in the ID-type column (证件类型)."
        ) % {"n": len(value), "document": IdType(other).label}


def _limited(person: CleanPerson, errors: dict, field_name: str, text: str, limit: int, cut: bool) -> str:
    if len(text) <= limit:
        return text
    if not cut:
        errors[field_name] = too_long(limit, len(text))
        return ""
    person.warnings.append(
        PersonWarning(
            field_name,
            "",
            _(
                "%(n)d characters, and this field holds %(limit)d: the first %(kept)d were kept, ending in "
                "'…'. "
                "The whole text is still in your file."
            )
            % {"n": len(text), "limit": limit, "kept": limit - 1},
        )
    )
    return text[: limit - 1] + "…"


def _note(person, errors, own: str, kept_labels, column_names, labels, cut: bool) -> str:
    """The person's note, with the unknown labels as written appended ("与户主关系：表舅")."""
    extra = "；".join(f"{column_names.get(f) or labels[f]}：{value}" for f, value in kept_labels)
    note = "；".join(part for part in (own, extra) if part)
    if len(note) <= NOTE_LIMIT:
        return note
    if cut:
        return _limited(person, errors, "note", note, NOTE_LIMIT, cut=True)
    if len(own) > NOTE_LIMIT:
        errors["note"] = too_long(NOTE_LIMIT, len(own))
        return ""
    # The person's own note fits, the labels do not: say so on the labels rather than cut either.
    for field_name, value in kept_labels:
        errors[field_name] = _(
            "'%(value)s' is not a known %(field)s, and the note has no room left to keep it (%(limit)d "
            "characters): "
            "choose a known value, or shorten the note."
        ) % {"value": value, "field": labels[field_name], "limit": NOTE_LIMIT}
    person.warnings = [w for w in person.warnings if w.field not in {f for f, _v in kept_labels}]
    return own
