"""Writes on people: register, correct, move, mark vulnerable, reveal an ID, merge duplicates.

Each takes `acting_user`, checks scope on every household it touches, and writes its audit row in
the same transaction. ID numbers never reach the audit trail in clear: only masked forms do.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, require
from firstline.areas.models import Area, AreaKind
from firstline.common import crypto
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict, PermissionDenied
from firstline.people.cleaning import CleanPerson, clean_person
from firstline.people.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Person,
    Residence,
    Source,
    Vulnerability,
)


def _person_path(person: Person) -> str:
    """Path of the household the person lives in now (or last lived in)."""
    residence = person.residences.select_related("household").order_by("-is_current", "-id").first()
    return residence.household.path if residence else ""


def _require_person(user, perm: str, person: Person) -> str:
    path = _person_path(person)
    if not path:
        raise PermissionDenied(code=perm)
    require(user, perm, path)
    return path


def _check_household(household: Area) -> None:
    if household.kind != AreaKind.HOUSEHOLD:
        raise ValidationError(_("People live in a household (a door), not in a %(kind)s.") % {"kind": household.kind})


def _raise_duplicate(user, clean: CleanPerson, *, exclude_pk: int | None = None) -> None:
    existing = Person.objects.filter(id_hash=clean.id_hash).exclude(pk=exclude_pk).first()
    if existing is None:
        return
    path = _person_path(existing)
    visible = bool(path) and can(user, Perm.LEDGER_VIEW, path)
    raise Conflict(
        _("This ID number is already registered%(where)s.")
        % {"where": (" " + _("as %(name)s (#%(pk)d)") % {"name": existing.name, "pk": existing.pk}) if visible else ""},
        code="id_number_taken",
        details={"person_id": existing.pk} if visible else {},
    )


def _flag_possible_duplicates(person: Person, household: Area) -> int:
    """Without an ID number, same name and phone in the same household may be the same person."""
    if person.id_hash:
        return 0
    others = (
        Person.objects.filter(name=person.name, phone=person.phone, residences__household=household, residences__is_current=True)
        .exclude(pk=person.pk)
        .values_list("pk", flat=True)
    )
    rows = [
        DuplicateCandidate(person=person, other_id=other, reason=_("Same name and phone in the same household, no ID number"))
        for other in others
    ]
    DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def person_register(
    *, acting_user, household: Area, data: dict, source: str = Source.MANUAL, moved_in: dt.date | None = None
) -> Person:
    """Register a person into a household. `data` holds raw values; faults raise ValidationError by field."""
    require(acting_user, Perm.LEDGER_EDIT, household.path)
    _check_household(household)
    clean, errors = clean_person(data)
    if errors:
        raise ValidationError(errors)
    if clean.id_hash:
        _raise_duplicate(acting_user, clean)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                name=clean.name, id_type=clean.id_type, phone=clean.phone, birth_date=clean.birth_date,
                birth_date_estimated=clean.birth_date_estimated, sex=clean.sex, vaccination=clean.vaccination,
                returned_from=clean.returned_from, returned_on=clean.returned_on, note=clean.note, source=source,
                **clean.sealed_fields(),
            )
    except IntegrityError:
        # Registered by someone else between our check and our insert.
        raise Conflict(_("This ID number is already registered."), code="id_number_taken") from None
    Residence.objects.create(
        person=person, household=household, relation=clean.relation, status=clean.status, moved_in=moved_in
    )
    _set_vulnerabilities(person, clean.vulnerabilities)
    flagged = _flag_possible_duplicates(person, household)
    audit_record(
        actor=acting_user, action="person.register", target=person, area_path=household.path,
        changes={"name": person.name, "household": household.pk, "id_number": person.id_masked,
                 "source": source, "possible_duplicates": flagged},
    )
    return person


_EDITABLE = ("name", "id_type", "id_number", "phone", "birth_date", "age", "sex", "vaccination",
             "returned_from", "returned_on", "note")


@transaction.atomic
def person_update(*, acting_user, person: Person, data: dict) -> Person:
    """Correct a person's details. Only the fields present in `data` change."""
    path = _require_person(acting_user, Perm.LEDGER_EDIT, person)
    unknown = set(data) - set(_EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    current = {
        "name": person.name, "id_type": person.id_type, "phone": person.phone, "birth_date": person.birth_date,
        "sex": person.sex, "vaccination": person.vaccination, "returned_from": person.returned_from,
        "returned_on": person.returned_on, "note": person.note,
        "id_number": crypto.unseal(person.id_sealed) if person.id_sealed else "",
    }
    merged = {**current, **data}
    if "age" in data and "birth_date" not in data:
        merged["birth_date"] = None
    if "sex" not in data and merged["id_type"] != "resident_id":
        merged["sex"] = person.sex
    clean, errors = clean_person(merged)
    if errors:
        raise ValidationError(errors)
    if clean.id_hash and clean.id_hash != person.id_hash:
        _raise_duplicate(acting_user, clean, exclude_pk=person.pk)
    new_values = {
        "name": clean.name, "id_type": clean.id_type, "phone": clean.phone, "birth_date": clean.birth_date,
        "birth_date_estimated": clean.birth_date_estimated if "age" in data else person.birth_date_estimated,
        "sex": clean.sex, "vaccination": clean.vaccination, "returned_from": clean.returned_from,
        "returned_on": clean.returned_on, "note": clean.note,
    }
    changes = {f: (getattr(person, f), v) for f, v in new_values.items() if getattr(person, f) != v}
    if clean.id_hash != person.id_hash:
        sealed = clean.sealed_fields()
        changes["id_number"] = (person.id_masked, sealed["id_masked"])
        new_values.update(sealed)
    if not changes:
        return person
    for field, value in new_values.items():
        setattr(person, field, value)
    try:
        with transaction.atomic():
            person.save(update_fields=[*new_values, "updated_at"])
    except IntegrityError:
        raise Conflict(_("This ID number is already registered."), code="id_number_taken") from None
    audit_record(actor=acting_user, action="person.update", target=person, area_path=path, changes=changes)
    return person


@transaction.atomic
def person_reveal_id(*, acting_user, person: Person, reason: str = "") -> str:
    """The ID number in clear, for a role allowed to see it. Every reveal is recorded."""
    path = _require_person(acting_user, Perm.ID_REVEAL, person)
    if not person.id_sealed:
        return ""
    audit_record(
        actor=acting_user, action="person.reveal_id", target=person, area_path=path,
        changes={"id_number": person.id_masked, "reason": reason[:200]},
    )
    return crypto.unseal(person.id_sealed)


def _set_vulnerabilities(person: Person, tags: dict[str, dict]) -> None:
    Vulnerability.objects.bulk_create(
        [Vulnerability(person=person, tag=tag, due_date=d.get("due_date"), note=d.get("note", "")) for tag, d in tags.items()],
        ignore_conflicts=True,
    )


@transaction.atomic
def person_set_vulnerabilities(*, acting_user, person: Person, tags: dict[str, dict]) -> Person:
    """Replace the person's vulnerable groups with `tags` ({tag: {due_date, note}})."""
    path = _require_person(acting_user, Perm.LEDGER_EDIT, person)
    clean, errors = clean_person({"name": person.name, "id_type": "none", "vulnerabilities": [
        {"tag": tag, **detail} for tag, detail in tags.items()
    ]})
    if "vulnerabilities" in errors:
        raise ValidationError({"vulnerabilities": errors["vulnerabilities"]})
    old = sorted(person.vulnerabilities.values_list("tag", flat=True))
    person.vulnerabilities.all().delete()
    _set_vulnerabilities(person, clean.vulnerabilities)
    new = sorted(clean.vulnerabilities)
    if old != new:
        audit_record(actor=acting_user, action="person.vulnerabilities", target=person, area_path=path,
                     changes={"vulnerabilities": (old, new)})
    return person


@transaction.atomic
def residence_move(
    *, acting_user, person: Person, to_household: Area, relation: str, status: str, date: dt.date
) -> Residence:
    """Move a person to another household: the open residence closes on `date`, a new one opens."""
    _check_household(to_household)
    require(acting_user, Perm.LEDGER_EDIT, to_household.path)
    current = person.residences.select_related("household").filter(is_current=True).first()
    if current:
        require(acting_user, Perm.LEDGER_EDIT, current.household.path)
        if current.household_id == to_household.pk:
            raise ValidationError(_("The person already lives in this household."))
        if current.moved_in and date < current.moved_in:
            raise ValidationError({"date": _("The move cannot be before the person moved in.")})
        Residence.objects.filter(pk=current.pk, is_current=True).update(is_current=False, moved_out=date)
    clean, errors = clean_person({"name": person.name, "id_type": "none", "relation": relation, "status": status})
    if errors.keys() & {"relation", "status"}:
        raise ValidationError({k: v for k, v in errors.items() if k in {"relation", "status"}})
    residence = Residence.objects.create(
        person=person, household=to_household, relation=clean.relation, status=clean.status, moved_in=date
    )
    audit_record(
        actor=acting_user, action="residence.move", target=person, area_path=to_household.path,
        changes={"household": (current.household_id if current else None, to_household.pk), "date": date},
    )
    return residence


@transaction.atomic
def residence_end(*, acting_user, person: Person, date: dt.date, reason: str = "") -> None:
    """The person has left the area (moved away, died). The record and its history stay."""
    current = person.residences.select_related("household").filter(is_current=True).first()
    if current is None:
        raise ValidationError(_("The person has no current household."))
    require(acting_user, Perm.LEDGER_EDIT, current.household.path)
    Residence.objects.filter(pk=current.pk, is_current=True).update(is_current=False, moved_out=date)
    audit_record(actor=acting_user, action="residence.end", target=person, area_path=current.household.path,
                 changes={"household": current.household_id, "date": date, "reason": reason[:200]})


def _fk_references(model) -> list[tuple[type[models.Model], str]]:
    """Every (model, field) that points at `model` by a foreign key, in any app, m2m tables included."""
    references = []
    for rel in model._meta.related_objects:
        if rel.one_to_many or rel.one_to_one:
            references.append((rel.related_model, rel.field.name))
        elif rel.many_to_many:
            through = rel.through
            for field in through._meta.get_fields():
                if getattr(field, "related_model", None) is model and field.many_to_one:
                    references.append((through, field.name))
    return references


def _move_references(model, field: str, merge: Person, keep: Person) -> tuple[int, int]:
    """Point `model.field` from `merge` to `keep`: (rows moved, rows left on the merged record).

    A row that would break a unique rule once moved (both records sampled in the same round, both
    holding a live personal code) stays with the merged record, which remains as a pointer: nothing
    is lost, and the kept person is not given two of what they may hold only once."""
    manager = model._default_manager
    try:
        with transaction.atomic():
            return manager.filter(**{field: merge}).update(**{field: keep}), 0
    except IntegrityError:
        pass
    moved = stayed = 0
    for pk in manager.filter(**{field: merge}).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                moved += manager.filter(pk=pk).update(**{field: keep})
        except IntegrityError:
            stayed += 1
    return moved, stayed


@transaction.atomic
def person_merge(*, acting_user, keep: Person, merge: Person) -> Person:
    """Merge `merge` into `keep`: every reference moves to `keep`; `merge` stays as a pointer."""
    if keep.pk == merge.pk:
        raise ValidationError(_("A person cannot be merged with themself."))
    keep_path = _require_person(acting_user, Perm.PERSON_MERGE, keep)
    _require_person(acting_user, Perm.PERSON_MERGE, merge)
    if keep.id_hash and merge.id_hash and keep.id_hash != merge.id_hash:
        raise ValidationError(_("The two records carry different ID numbers; they are not the same person."))
    # Only one current residence survives: the kept person's, else the merged one's.
    if keep.residences.filter(is_current=True).exists():
        merge.residences.filter(is_current=True).update(is_current=False, moved_out=timezone.localdate())
    Vulnerability.objects.filter(person=merge, tag__in=keep.vulnerabilities.values("tag")).delete()
    DuplicateCandidate.objects.filter(
        models.Q(person=keep, other=merge) | models.Q(person=merge, other=keep)
    ).update(status=DuplicateStatus.MERGED, resolved_by=acting_user, resolved_at=timezone.now())
    moved, left = {}, {}
    for model, field in _fk_references(Person):
        if model is Person and field == "merged_into":
            continue
        if model is DuplicateCandidate:
            continue
        label = f"{model._meta.label_lower}.{field}"
        count, stayed = _move_references(model, field, merge, keep)
        if count:
            moved[label] = count
        if stayed:
            left[label] = stayed
    fill = {}
    for field in ("phone", "birth_date", "returned_from", "returned_on"):
        if not getattr(keep, field) and getattr(merge, field):
            fill[field] = getattr(merge, field)
    if not keep.id_hash and merge.id_hash:
        fill.update(id_type=merge.id_type, id_sealed=merge.id_sealed, id_hash=merge.id_hash, id_masked=merge.id_masked)
        Person.objects.filter(pk=merge.pk).update(id_hash=None)
    Person.objects.filter(pk=merge.pk).update(merged_into=keep)
    if fill:
        Person.objects.filter(pk=keep.pk).update(**fill)
    audit_record(
        actor=acting_user, action="person.merge", target=keep, area_path=keep_path,
        changes={"merged": merge.pk, "references_moved": moved, "references_left": left, "filled": sorted(fill)},
    )
    keep.refresh_from_db()
    return keep


@transaction.atomic
def duplicate_dismiss(*, acting_user, candidate: DuplicateCandidate) -> None:
    _require_person(acting_user, Perm.PERSON_MERGE, candidate.person)
    updated = DuplicateCandidate.objects.filter(pk=candidate.pk, status=DuplicateStatus.OPEN).update(
        status=DuplicateStatus.DISMISSED, resolved_by=acting_user, resolved_at=timezone.now()
    )
    if updated:
        audit_record(actor=acting_user, action="duplicate.dismiss", target=candidate,
                     changes={"person": candidate.person_id, "other": candidate.other_id})
