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

from firstline.common import crypto
from firstline.common.identity import (
    IdType,
    birth_date_from_resident_id,
    fold,
    mask_id_number,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    sex_from_resident_id,
)
from firstline.people.models import Relation, ResidenceStatus, Sex, Vaccination, VulnerabilityTag

# Words people actually type in a sheet, for each choice.
_SEX_WORDS = {"男": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "女": Sex.FEMALE, "f": Sex.FEMALE, "female": Sex.FEMALE}
_ID_TYPE_WORDS = {
    "身份证": IdType.RESIDENT_ID, "居民身份证": IdType.RESIDENT_ID, "resident_id": IdType.RESIDENT_ID, "id card": IdType.RESIDENT_ID,
    "护照": IdType.PASSPORT, "passport": IdType.PASSPORT,
    "港澳通行证": IdType.HK_MACAU_PERMIT, "港澳居民来往内地通行证": IdType.HK_MACAU_PERMIT, "回乡证": IdType.HK_MACAU_PERMIT,
    "hk_macau_permit": IdType.HK_MACAU_PERMIT,
    "台胞证": IdType.TAIWAN_PERMIT, "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT, "taiwan_permit": IdType.TAIWAN_PERMIT,
    "外国人永久居留身份证": IdType.FOREIGN_PERMANENT, "foreign_permanent": IdType.FOREIGN_PERMANENT,
    "无": IdType.NONE, "none": IdType.NONE, "婴儿": IdType.NONE,
}
_RELATION_WORDS = {
    "户主": Relation.HEAD, "本人": Relation.HEAD, "head": Relation.HEAD,
    "配偶": Relation.SPOUSE, "妻": Relation.SPOUSE, "夫": Relation.SPOUSE, "妻子": Relation.SPOUSE, "丈夫": Relation.SPOUSE, "spouse": Relation.SPOUSE,
    "子": Relation.CHILD, "女": Relation.CHILD, "儿子": Relation.CHILD, "女儿": Relation.CHILD, "子女": Relation.CHILD, "child": Relation.CHILD,
    "父亲": Relation.PARENT, "母亲": Relation.PARENT, "父母": Relation.PARENT, "parent": Relation.PARENT,
    "孙子": Relation.GRANDCHILD, "孙女": Relation.GRANDCHILD, "外孙": Relation.GRANDCHILD, "外孙女": Relation.GRANDCHILD, "grandchild": Relation.GRANDCHILD,
    "祖父": Relation.GRANDPARENT, "祖母": Relation.GRANDPARENT, "爷爷": Relation.GRANDPARENT, "奶奶": Relation.GRANDPARENT, "grandparent": Relation.GRANDPARENT,
    "兄弟": Relation.SIBLING, "姐妹": Relation.SIBLING, "sibling": Relation.SIBLING,
    "亲属": Relation.RELATIVE, "relative": Relation.RELATIVE, "其他": Relation.OTHER, "other": Relation.OTHER,
}
_STATUS_WORDS = {
    "常住": ResidenceStatus.RESIDENT, "户籍": ResidenceStatus.RESIDENT, "resident": ResidenceStatus.RESIDENT,
    "租户": ResidenceStatus.TENANT, "租住": ResidenceStatus.TENANT, "tenant": ResidenceStatus.TENANT,
    "暂住": ResidenceStatus.TEMPORARY, "临时": ResidenceStatus.TEMPORARY, "temporary": ResidenceStatus.TEMPORARY,
}
_VACCINATION_WORDS = {
    "未接种": Vaccination.NONE, "none": Vaccination.NONE, "0": Vaccination.NONE,
    "一针": Vaccination.ONE_DOSE, "1": Vaccination.ONE_DOSE, "one_dose": Vaccination.ONE_DOSE,
    "两针": Vaccination.TWO_DOSES, "二针": Vaccination.TWO_DOSES, "2": Vaccination.TWO_DOSES, "two_doses": Vaccination.TWO_DOSES,
    "加强针": Vaccination.BOOSTER, "三针": Vaccination.BOOSTER, "3": Vaccination.BOOSTER, "booster": Vaccination.BOOSTER,
    "未知": Vaccination.UNKNOWN, "unknown": Vaccination.UNKNOWN,
}
_VULNERABILITY_WORDS = {
    "独居老人": VulnerabilityTag.ELDERLY_ALONE, "孕妇": VulnerabilityTag.PREGNANT, "婴幼儿": VulnerabilityTag.INFANT,
    "婴儿": VulnerabilityTag.INFANT, "行动不便": VulnerabilityTag.MOBILITY_IMPAIRED, "残疾": VulnerabilityTag.MOBILITY_IMPAIRED,
    "慢病": VulnerabilityTag.CHRONIC_MEDICATION, "慢性病": VulnerabilityTag.CHRONIC_MEDICATION, "长期用药": VulnerabilityTag.CHRONIC_MEDICATION,
    "透析": VulnerabilityTag.DIALYSIS, "低保": VulnerabilityTag.LOW_INCOME, "低收入": VulnerabilityTag.LOW_INCOME, "其他": VulnerabilityTag.OTHER,
}
for _tag in VulnerabilityTag:
    _VULNERABILITY_WORDS[_tag.value] = _tag


def _choice(raw, words: dict, choices, field_label: str, default=None):
    value = fold(raw or "").lower() if raw is not None else ""
    if not value:
        return default
    if value in words:
        return words[value]
    by_value = {v.lower(): v for v in choices.values}
    if value in by_value:
        return choices(by_value[value])
    raise ValidationError(_("'%(value)s' is not a known %(field)s.") % {"value": raw, "field": field_label})


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

    @property
    def id_hash(self) -> str | None:
        return crypto.lookup_hash(self.id_number) if self.id_number else None

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


def clean_person(raw: dict, *, today: dt.date | None = None) -> tuple[CleanPerson, dict[str, str]]:
    """Clean one person's raw values. Returns the clean record and {field: message} for every fault."""
    today = today or timezone.localdate()
    person = CleanPerson()
    errors: dict[str, str] = {}

    def attempt(field_name: str, fn):
        try:
            return fn()
        except ValidationError as exc:
            errors[field_name] = " ".join(exc.messages)
            return None

    person.name = attempt("name", lambda: normalise_name(raw.get("name"))) or ""
    id_raw = raw.get("id_number")
    id_type = attempt(
        "id_type", lambda: _choice(raw.get("id_type"), _ID_TYPE_WORDS, IdType, _("ID document type"), None)
    )
    if id_type is None and "id_type" not in errors:
        id_type = IdType.RESIDENT_ID if id_raw not in (None, "") and str(id_raw).strip() else IdType.NONE
    person.id_type = id_type or IdType.RESIDENT_ID
    if "id_type" not in errors:
        person.id_number = attempt("id_number", lambda: normalise_id_number(person.id_type, id_raw, today=today)) or ""
    person.phone = attempt("phone", lambda: normalise_phone(raw.get("phone"))) or ""
    sex = attempt("sex", lambda: _choice(raw.get("sex"), _SEX_WORDS, Sex, _("sex"), None))
    birth = attempt("birth_date", lambda: parse_date(raw.get("birth_date")))
    if person.id_type == IdType.RESIDENT_ID and person.id_number:
        id_birth = birth_date_from_resident_id(person.id_number)
        id_sex = sex_from_resident_id(person.id_number)
        if birth and birth != id_birth:
            errors["birth_date"] = _("The birth date %(given)s differs from the one in the ID number (%(id)s).") % {
                "given": birth.isoformat(), "id": id_birth.isoformat()}
        if sex and sex != id_sex:
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
    person.vaccination = attempt(
        "vaccination", lambda: _choice(raw.get("vaccination"), _VACCINATION_WORDS, Vaccination, _("vaccination status"), Vaccination.UNKNOWN)
    ) or Vaccination.UNKNOWN
    person.relation = attempt(
        "relation", lambda: _choice(raw.get("relation"), _RELATION_WORDS, Relation, _("relation"), Relation.OTHER)
    ) or Relation.OTHER
    person.status = attempt(
        "status", lambda: _choice(raw.get("status"), _STATUS_WORDS, ResidenceStatus, _("residence status"), ResidenceStatus.RESIDENT)
    ) or ResidenceStatus.RESIDENT
    tags_raw = raw.get("vulnerabilities") or ""
    if isinstance(tags_raw, str):
        tags_raw = [t for t in re.split(r"[,，、;；/\s]+", fold(tags_raw)) if t]
    for tag_raw in tags_raw:
        tag = tag_raw if isinstance(tag_raw, str) else tag_raw.get("tag")
        tag_value = _VULNERABILITY_WORDS.get(fold(tag).lower()) or _VULNERABILITY_WORDS.get(fold(tag))
        if tag_value is None:
            errors["vulnerabilities"] = _("'%(value)s' is not a known vulnerable group.") % {"value": tag}
            continue
        detail = {} if isinstance(tag_raw, str) else {k: v for k, v in tag_raw.items() if k in {"due_date", "note"}}
        person.vulnerabilities[str(tag_value)] = detail
    if raw.get("due_date"):
        due = attempt("due_date", lambda: parse_date(raw.get("due_date")))
        person.vulnerabilities.setdefault(VulnerabilityTag.PREGNANT, {})["due_date"] = due
    person.returned_from = fold(raw.get("returned_from") or "")[:100]
    person.returned_on = attempt("returned_on", lambda: parse_date(raw.get("returned_on")))
    person.note = fold(raw.get("note") or "")[:300]
    return person, errors
