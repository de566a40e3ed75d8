"""Writes on people: register, correct, move, mark vulnerable, reveal an ID, merge duplicates.

Each takes `acting_user`, checks scope on every household it touches, and writes its audit row in
the same transaction. ID numbers never reach the audit trail in clear: only masked forms do.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm, Role, role_has
from firstline.accounts.scope import can, require
from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import area_named, door_labels
from firstline.common import crypto
from firstline.common.audit import audit_entry, audit_record, audit_records
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.identity import mask_phone
from firstline.common.paths import SEGMENT_WIDTH
from firstline.common.text import clean_text
from firstline.notices.models import NoticeKind
from firstline.notices.selectors import recipients_for
from firstline.notices.services import notice_send
from firstline.people.cleaning import CleanPerson, clean_person
from firstline.people.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Person,
    Residence,
    Source,
    Vulnerability,
)
from firstline.people.selectors import held_for_review, number_hash, people_visible


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
        raise ValidationError(
            _("People live in a household (a door), not in a %(kind)s.") % {"kind": household.kind}
        )


def _conflict(person: Person) -> Conflict:
    return Conflict(
        _("This ID number is already registered as %(name)s (#%(pk)d).")
        % {"name": person.name, "pk": person.pk},
        code="id_number_taken",
        details={"person_id": person.pk},
    )


def _id_number_holder(user, clean: CleanPerson, *, exclude_pk: int | None = None) -> Person | None:
    """What registering this ID number means for `user` (ADR 0008).

    Raises Conflict naming the record when one the user may see carries the number (registered, or
    held for review). Returns the registered record the user may not see: the new record will hold
    the number for review, and the answer does not tell that record exists. None: the number is free.
    """
    existing = Person.objects.filter(id_hash=clean.id_hash).exclude(pk=exclude_pk).first()
    if existing is None:
        return None
    path = _person_path(existing)
    if path and can(user, Perm.LEDGER_VIEW, path):
        raise _conflict(existing)
    held = [pk for pk in held_for_review(digests=[clean.id_hash]).get(clean.id_hash, []) if pk != exclude_pk]
    visible = people_visible(user=user).filter(pk__in=held).order_by("pk").first() if held else None
    if visible is not None:
        raise _conflict(visible)
    return existing


def _common_path(first: str, second: str) -> str:
    """The deepest area path above both."""
    cut = min(len(first), len(second))
    while cut and first[:cut] != second[:cut]:
        cut -= SEGMENT_WIDTH
    return first[:cut]


def _hold_for_review(acting_user, *, person: Person, holder: Person, household: Area) -> None:
    people_hold_for_review(acting_user=acting_user, held=[(person, holder.pk, household)])


def people_hold_for_review(*, acting_user, held: list[tuple[Person, int, Area]]) -> None:
    """Each `person` (just written, in `household`) carries the number the record `holder id` is
    registered with, and the acting user may not see that record: pair them for the staff whose
    areas cover both, who merge them (the same person, who moved) or correct the wrong number.
    Their audit row and notice sit at the area above both, where the acting user's colleagues below
    it do not read them. A fixed number of queries for any number of people (an import holds many),
    and one notice per area above."""
    if not held:
        return
    holder_ids = {holder_id for _p, holder_id, _h in held}
    homes: dict[int, tuple[int, str]] = {}
    for person_id, household_id, path in (
        Residence.objects.filter(person_id__in=holder_ids)
        .order_by("person_id", "is_current", "id")
        .values_list("person_id", "household_id", "household__path")
    ):
        homes[person_id] = (household_id, path)  # the last one read wins: the current, else the latest
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                person=person,
                other_id=holder_id,
                reason=_("Same ID number, registered by someone who may not see the other record"),
            )
            for person, holder_id, _h in held
        ],
        ignore_conflicts=True,
    )
    labels = door_labels(household_ids={h.pk for _p, _id, h in held} | {home[0] for home in homes.values()})
    by_area: dict[str, list[tuple[str, str]]] = {}
    entries = []
    for person, holder_id, household in held:
        other_household, other_path = homes.get(holder_id, (None, ""))
        above = _common_path(household.path, other_path)
        entries.append(
            audit_entry(
                actor=acting_user,
                action="person.id_number_held",
                target=person,
                area_path=above,
                changes={"other": holder_id, "id_number": person.id_masked, "household": household.pk},
            )
        )
        by_area.setdefault(above, []).append((labels.get(household.pk, ""), labels.get(other_household, "—")))
    audit_records(entries)
    areas = {a.path: a for a in Area.objects.filter(path__in=[path for path in by_area if path])}
    merge_roles = [role for role in Role if role_has(role, Perm.PERSON_MERGE)]
    for path, doors in by_area.items():
        if path not in areas:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Two records carry one ID number")
            if len(doors) == 1:
                body = _(
                    "Someone registered at %(door)s carries an ID number that is already registered at "
                    "%(other)s. "
                    "Check the pair under Possible duplicates: merge them if it is one person who moved, or "
                    "correct the wrong number."
                ) % {"door": doors[0][0], "other": doors[0][1]}
            else:
                body = _(
                    "%(n)d people registered at %(doors)s carry ID numbers already registered elsewhere (at "
                    "%(others)s). Check the pairs under Possible duplicates: merge those who moved, correct "
                    "the "
                    "wrong numbers."
                ) % {
                    "n": len(doors),
                    "doors": "、".join(sorted({d for d, _o in doors})),
                    "others": "、".join(sorted({o for _d, o in doors})),
                }
        notice_send(
            acting_user=acting_user,
            area=areas[path],
            kind=NoticeKind.GENERAL,
            title=title,
            body=body,
            recipient_ids=recipients_for(paths=[path], roles=merge_roles),
            ref=f"people.person:{held[0][0].pk}",
        )


def _flag_possible_duplicates(person: Person, household: Area) -> int:
    """Without an ID number, same name and phone in the same household may be the same person."""
    if person.id_hash or person.id_sealed:
        return 0
    others = (
        Person.objects.filter(
            name=person.name, phone=person.phone, residences__household=household, residences__is_current=True
        )
        .exclude(pk=person.pk)
        .values_list("pk", flat=True)
    )
    rows = [
        DuplicateCandidate(
            person=person, other_id=other, reason=_("Same name and phone in the same household, no ID number")
        )
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
    # A label no vocabulary knows (relation, residence, groups) does not refuse the person: the text is
    # kept in the note. Text over its limit is refused with the limit (people.cleaning).
    clean, errors = clean_person(data, keep_unknown_labels=True)
    if errors:
        raise ValidationError(errors)
    values = {**clean.person_fields(), "source": source}
    holder = _id_number_holder(acting_user, clean) if clean.id_hash else None
    try:
        with transaction.atomic():
            # Held for review, the number is kept sealed and masked but stays out of the unique index.
            person = Person.objects.create(**{**values, "id_hash": None} if holder else values)
    except IntegrityError:
        # Registered by someone else between our check and our insert: decide on what is there now.
        holder = _id_number_holder(acting_user, clean)
        if holder is None:
            raise
        person = Person.objects.create(**{**values, "id_hash": None})
    Residence.objects.create(
        person=person, household=household, relation=clean.relation, status=clean.status, moved_in=moved_in
    )
    _set_vulnerabilities(person, clean.vulnerabilities)
    flagged = _flag_possible_duplicates(person, household)
    if holder is not None:
        _hold_for_review(acting_user, person=person, holder=holder, household=household)
    audit_record(
        actor=acting_user,
        action="person.register",
        target=person,
        area_path=household.path,
        changes={
            "name": person.name,
            "household": household.pk,
            "id_number": person.id_masked,
            "source": source,
            "possible_duplicates": flagged,
        },
    )
    return person


_EDITABLE = (
    "name",
    "id_type",
    "id_number",
    "phone",
    "birth_date",
    "age",
    "sex",
    "vaccination",
    "returned_from",
    "returned_on",
    "note",
)


@transaction.atomic
def person_update(*, acting_user, person: Person, data: dict) -> Person:
    """Correct a person's details. Only the fields present in `data` change."""
    path = _require_person(acting_user, Perm.LEDGER_EDIT, person)
    unknown = set(data) - set(_EDITABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    current = {
        "name": person.name,
        "id_type": person.id_type,
        "phone": person.phone,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "vaccination": person.vaccination,
        "returned_from": person.returned_from,
        "returned_on": person.returned_on,
        "note": person.note,
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
    # A record holding its number for review (ADR 0008) keeps holding it while the number is unchanged.
    current_hash = person.id_hash or number_hash(person)
    holder = None
    if clean.id_hash and clean.id_hash != current_hash:
        holder = _id_number_holder(acting_user, clean, exclude_pk=person.pk)
    new_values = {
        "name": clean.name,
        "id_type": clean.id_type,
        "phone": clean.phone,
        "birth_date": clean.birth_date,
        "birth_date_estimated": clean.birth_date_estimated if "age" in data else person.birth_date_estimated,
        "sex": clean.sex,
        "vaccination": clean.vaccination,
        "returned_from": clean.returned_from,
        "returned_on": clean.returned_on,
        "note": clean.note,
    }
    changes = {f: (getattr(person, f), v) for f, v in new_values.items() if getattr(person, f) != v}
    if clean.id_hash != current_hash:
        sealed = clean.sealed_fields()
        changes["id_number"] = (person.id_masked, sealed["id_masked"])
        new_values.update(sealed, id_hash=None if holder else sealed["id_hash"])
    if not changes:
        return person
    for field, value in new_values.items():
        setattr(person, field, value)
    try:
        with transaction.atomic():
            person.save(update_fields=[*new_values, "updated_at"])
    except IntegrityError:
        # Registered by someone else between our check and our save: decide on what is there now.
        holder = _id_number_holder(acting_user, clean, exclude_pk=person.pk)
        if holder is None:
            raise
        person.id_hash = None
        person.save(update_fields=[*new_values, "updated_at"])
    audit_record(actor=acting_user, action="person.update", target=person, area_path=path, changes=changes)
    if holder is not None:
        home = person.residences.select_related("household").order_by("-is_current", "-id").first()
        _hold_for_review(acting_user, person=person, holder=holder, household=home.household)
    return person


@transaction.atomic
def person_reveal_id(*, acting_user, person: Person, reason: str = "") -> str:
    """The ID number in clear, for a role allowed to see it. Every reveal is recorded."""
    path = _require_person(acting_user, Perm.ID_REVEAL, person)
    reason = clean_text(reason, field="reason", max_length=200)
    if not person.id_sealed:
        return ""
    audit_record(
        actor=acting_user,
        action="person.reveal_id",
        target=person,
        area_path=path,
        changes={"id_number": person.id_masked, "reason": reason},
    )
    return crypto.unseal(person.id_sealed)


@transaction.atomic
def person_reveal_phone(*, acting_user, person: Person, reason: str = "") -> str:
    """The phone number in clear, to call the person (the missing list's tap-to-call), for a role that
    keeps the person's record (staff, building leaders). Every reveal is recorded, as for an ID."""
    path = _require_person(acting_user, Perm.LEDGER_EDIT, person)
    reason = clean_text(reason, field="reason", max_length=200)
    if not person.phone:
        return ""
    audit_record(
        actor=acting_user,
        action="person.reveal_phone",
        target=person,
        area_path=path,
        changes={"phone": mask_phone(person.phone), "reason": reason},
    )
    return person.phone


def _set_vulnerabilities(person: Person, tags: dict[str, dict]) -> None:
    Vulnerability.objects.bulk_create(
        [
            Vulnerability(person=person, tag=tag, due_date=d.get("due_date"), note=d.get("note", ""))
            for tag, d in tags.items()
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def person_set_vulnerabilities(*, acting_user, person: Person, tags: dict[str, dict]) -> Person:
    """Replace the person's vulnerable groups with `tags` ({tag: {due_date, note}})."""
    path = _require_person(acting_user, Perm.LEDGER_EDIT, person)
    clean, errors = clean_person(
        {
            "name": person.name,
            "id_type": "none",
            "vulnerabilities": [{"tag": tag, **detail} for tag, detail in tags.items()],
        }
    )
    if "vulnerabilities" in errors:
        raise ValidationError({"vulnerabilities": errors["vulnerabilities"]})
    old = sorted(person.vulnerabilities.values_list("tag", flat=True))
    person.vulnerabilities.all().delete()
    _set_vulnerabilities(person, clean.vulnerabilities)
    new = sorted(clean.vulnerabilities)
    if old != new:
        audit_record(
            actor=acting_user,
            action="person.vulnerabilities",
            target=person,
            area_path=path,
            changes={"vulnerabilities": (old, new)},
        )
    return person


def residence_move_to(
    *, acting_user, person: Person, household_id, relation: str, status: str, date: dt.date
) -> Residence:
    """A move as the person page's form names it, by the door's id. Someone who may not change the
    person's current household is refused first; then a door that is not one, or outside the areas
    where the user may change the ledger, is a ValidationError on `household`, as for none chosen."""
    current = person.residences.select_related("household").filter(is_current=True).first()
    if current:
        require(acting_user, Perm.LEDGER_EDIT, current.household.path)
    to_household = area_named(
        user=acting_user, pk=household_id, field="household", perm=Perm.LEDGER_EDIT, kind=AreaKind.HOUSEHOLD
    )
    return residence_move(
        acting_user=acting_user,
        person=person,
        to_household=to_household,
        relation=relation,
        status=status,
        date=date,
    )


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
    clean, errors = clean_person(
        {"name": person.name, "id_type": "none", "relation": relation, "status": status}
    )
    if errors.keys() & {"relation", "status"}:
        raise ValidationError({k: v for k, v in errors.items() if k in {"relation", "status"}})
    residence = Residence.objects.create(
        person=person, household=to_household, relation=clean.relation, status=clean.status, moved_in=date
    )
    audit_record(
        actor=acting_user,
        action="residence.move",
        target=person,
        area_path=to_household.path,
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
    reason = clean_text(reason, field="reason", max_length=200)
    Residence.objects.filter(pk=current.pk, is_current=True).update(is_current=False, moved_out=date)
    audit_record(
        actor=acting_user,
        action="residence.end",
        target=person,
        area_path=current.household.path,
        changes={"household": current.household_id, "date": date, "reason": reason},
    )


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
    keep_number, merge_number = keep.id_hash or number_hash(keep), merge.id_hash or number_hash(merge)
    if keep_number and merge_number and keep_number != merge_number:
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
        fill.update(
            id_type=merge.id_type, id_sealed=merge.id_sealed, id_hash=merge.id_hash, id_masked=merge.id_masked
        )
        Person.objects.filter(pk=merge.pk).update(id_hash=None)
    Person.objects.filter(pk=merge.pk).update(merged_into=keep)
    if fill:
        Person.objects.filter(pk=keep.pk).update(**fill)
    audit_record(
        actor=acting_user,
        action="person.merge",
        target=keep,
        area_path=keep_path,
        changes={
            "merged": merge.pk,
            "references_moved": moved,
            "references_left": left,
            "filled": sorted(fill),
        },
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
        audit_record(
            actor=acting_user,
            action="duplicate.dismiss",
            target=candidate,
            changes={"person": candidate.person_id, "other": candidate.other_id},
        )
