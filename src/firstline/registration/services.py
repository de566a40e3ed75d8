"""Self-registration (网上征集信息): the public submission, its review, and personal codes.

A resident's submission is stored sealed (ID numbers included) and waits for community staff, who
accept it (people are registered through people.services, so every rule and audit applies) or
reject it. Accepted people get personal codes.
"""

import datetime as dt
import ipaddress
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.models import Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import require, require_any, scope_filter
from firstline.areas.models import Area, AreaKind
from firstline.common import crypto
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict, NotFound
from firstline.common.identity import normalise_phone
from firstline.common.text import clean_text
from firstline.people.cleaning import clean_person
from firstline.people.models import Person, Residence, Source
from firstline.people.selectors import household_members, people_by_number
from firstline.people.services import person_register
from firstline.registration import codes
from firstline.registration.models import (
    WAITING,
    CodeKind,
    PersonalCode,
    SelfRegistration,
    SubmissionQuota,
    SubmissionStatus,
)
from firstline.survey.models import Channel, Outcome
from firstline.survey.services import visit_record

MAX_MEMBERS = 15
PER_CLIENT_PER_HOUR = 10
PER_COMPOUND_PER_HOUR = 500
MEMBER_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "phone",
    "birth_date",
    "age",
    "sex",
    "relation",
    "vaccination",
    "vulnerabilities",
    "due_date",
)


class RateLimited(Exception):
    """Too many submissions from one client: nothing was stored."""


def client_fingerprint(ip_address: str) -> str:
    """The keyed hash a client is counted by. An IPv6 client holds a whole /64 (one home or phone
    gets one), so it is counted by that network, or it could take a new address for every form."""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return crypto.lookup_hash("ip:unknown")
    if address.version == 6:
        return crypto.lookup_hash("ip:" + str(ipaddress.ip_network(f"{address}/64", strict=False)))
    return crypto.lookup_hash("ip:" + str(address))


def _hour_of(moment) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _take_place(key: str, hour: dt.datetime, limit: int) -> int | None:
    """Take one of the `limit` places of `key` in this hour: the number of the place taken (1 for
    the first of the hour), or None when none is left. The row is made if it is missing
    (insert-or-ignore), then taken by a conditional UPDATE: concurrent takers queue on the row and
    each sees the count the one before it left, so the limit holds exactly."""
    SubmissionQuota.objects.bulk_create([SubmissionQuota(key=key, hour=hour, used=0)], ignore_conflicts=True)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(SubmissionQuota._meta.db_table)} SET {quote('used')} = {quote('used')} + 1 "  # noqa: S608
            f"WHERE {quote('key')} = %s AND {quote('hour')} = %s AND {quote('used')} < %s RETURNING "
            f"{quote('used')}",
            [key, connection.ops.adapt_datetimefield_value(hour), limit],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _clean_members(members: list[dict]) -> tuple[list[dict], dict[str, str]]:
    errors: dict[str, str] = {}
    kept = []
    if not members:
        errors["members"] = _("Enter at least one person.")
    if len(members) > MAX_MEMBERS:
        errors["members"] = _("At most %(n)d people in one household form.") % {"n": MAX_MEMBERS}
    for index, raw in enumerate(members[:MAX_MEMBERS]):
        values = {k: v for k, v in raw.items() if k in MEMBER_FIELDS and v not in (None, "", [])}
        _clean, member_errors = clean_person(values)
        for field, message in member_errors.items():
            errors[f"member-{index}-{field}"] = message
        kept.append({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()})
    return kept, errors


def registration_submit(
    *,
    compound: Area,
    household: Area | None,
    address_text: str,
    contact_phone: str,
    members: list[dict],
    submission_key: str,
    client_ip: str,
) -> SelfRegistration:
    """Store a resident's submission for review. The same form sent twice is stored once.

    RateLimited when the client has sent its hourly share already; past the compound's hourly quota
    the form is stored as SUSPECT instead of being refused."""
    submission_key = (submission_key or "")[:64]
    existing = SelfRegistration.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    if len(submission_key) < 16:
        raise ValidationError(_("The form has expired; reload the page."))
    if household is not None and not (
        household.kind == AreaKind.HOUSEHOLD and household.path.startswith(compound.path)
    ):
        raise ValidationError({"household": _("Choose a door of this compound.")})
    address_text = clean_text(address_text, field="address_text", max_length=100)
    if household is None and not address_text:
        raise ValidationError({"household": _("Choose your door, or write your address.")})
    errors: dict[str, str] = {}
    try:
        phone = normalise_phone(contact_phone)
    except ValidationError as exc:
        errors["contact_phone"] = " ".join(exc.messages)
        phone = ""
    if not phone and "contact_phone" not in errors:
        errors["contact_phone"] = _("Leave a phone number so that the community can call you back.")
    kept, member_errors = _clean_members(members)
    errors.update(member_errors)
    if errors:
        raise ValidationError(errors)
    fingerprint = client_fingerprint(client_ip)
    hour = _hour_of(timezone.now())
    try:
        with transaction.atomic():
            # Places are taken in the transaction that stores the form: a form that is not stored
            # (refused, or the same form sent twice) gives its places back.
            if _take_place(f"client:{fingerprint}", hour, PER_CLIENT_PER_HOUR) is None:
                raise RateLimited
            # Past the compound's quota a form is still stored, held apart: a flood must not shut
            # the residents who come after it out of their own compound's form (ADR 0008).
            place = _take_place(f"compound:{compound.pk}", hour, PER_COMPOUND_PER_HOUR)
            if place == 1:
                # The compound's first form of the hour clears the counts of hours long gone (the
                # hour just past is left to the forms still finishing in it).
                SubmissionQuota.objects.filter(hour__lt=hour - dt.timedelta(hours=1)).delete()
            return SelfRegistration.objects.create(
                compound=compound,
                household=household,
                address_text=address_text,
                contact_phone=phone,
                payload_sealed=crypto.seal(json.dumps(kept, ensure_ascii=False)),
                member_count=len(kept),
                submission_key=submission_key,
                client_hash=fingerprint,
                status=SubmissionStatus.PENDING if place is not None else SubmissionStatus.SUSPECT,
            )
    except IntegrityError:
        return SelfRegistration.objects.get(submission_key=submission_key)


def registration_members(submission: SelfRegistration) -> list[dict]:
    """The submitted members, decrypted in memory (callers mask before showing)."""
    return json.loads(crypto.unseal(submission.payload_sealed))


def apply_corrections(members: list[dict], corrections: list[dict]) -> list[dict]:
    """The submitted members with the reviewer's corrections: a filled field replaces the submitted
    one (an empty ID number field keeps the submitted number), and `drop` leaves a member out."""
    corrected = []
    for index, member in enumerate(members):
        change = corrections[index] if index < len(corrections) else {}
        if change.get("drop"):
            continue
        corrected.append(
            {**member, **{k: v for k, v in change.items() if k in MEMBER_FIELDS and v not in ("", None)}}
        )
    return corrected


@transaction.atomic
def registration_accept(
    *, acting_user, submission: SelfRegistration, household: Area, corrections: list[dict] | None = None
) -> list[Person]:
    """Register the household's members (with the reviewer's corrections), issue their codes."""
    require(acting_user, Perm.REGISTRATION_REVIEW, submission.compound.path)
    require(acting_user, Perm.LEDGER_EDIT, household.path)
    if household.kind != AreaKind.HOUSEHOLD or not household.path.startswith(submission.compound.path):
        raise ValidationError({"household": _("Choose a door of this compound.")})
    members = apply_corrections(registration_members(submission), corrections or [])
    kept, errors = _clean_members(members)
    if errors:
        raise ValidationError(errors)
    # Conditional update: a second reviewer accepting the same submission changes nothing.
    claimed = SelfRegistration.objects.filter(pk=submission.pk, status__in=WAITING).update(
        status=SubmissionStatus.ACCEPTED,
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
        household=household,
    )
    if not claimed:
        raise Conflict(_("Someone has already reviewed this submission."), code="already_reviewed")
    people = []
    linked = 0
    cleaned = [clean_person(values)[0] for values in kept]
    known = people_by_number(user=acting_user, digests=[c.id_hash for c in cleaned], perm=Perm.LEDGER_EDIT)
    for values, clean in zip(kept, cleaned, strict=True):
        # A number registered inside the reviewer's areas links to that record; one registered
        # outside them is registered here like a new one, which person_register holds for review
        # (ADR 0008): the reviewer is not told that it exists.
        existing = known.get(clean.id_hash) if clean.id_hash else None
        if existing is not None:
            # Already registered: link the submission to the record instead of making a second one.
            if not Residence.objects.filter(person=existing, is_current=True).exists():
                Residence.objects.create(
                    person=existing, household=household, relation=clean.relation, status=clean.status
                )
            people.append(existing)
            linked += 1
            continue
        people.append(
            person_register(
                acting_user=acting_user, household=household, data=values, source=Source.SELF_REGISTRATION
            )
        )
    for person in people:
        code_issue_for_person(acting_user=acting_user, person=person, audited=False)
    visit_record(
        acting_user=acting_user,
        household=household,
        outcome=Outcome.REGISTERED,
        channel=Channel.ONLINE,
        note=_("Self-registration #%(n)d") % {"n": submission.pk},
    )
    audit_record(
        actor=acting_user,
        action="registration.accept",
        target=submission,
        area_path=household.path,
        changes={"people": [p.pk for p in people], "linked_existing": linked},
    )
    submission.refresh_from_db()
    return people


@transaction.atomic
def registration_reject(*, acting_user, submission: SelfRegistration, reason: str) -> None:
    require(acting_user, Perm.REGISTRATION_REVIEW, submission.compound.path)
    reason = clean_text(reason, field="reason", max_length=300)
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the resident can be told.")})
    if not SelfRegistration.objects.filter(pk=submission.pk, status__in=WAITING).update(
        status=SubmissionStatus.REJECTED,
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
        review_note=reason,
    ):
        raise Conflict(_("Someone has already reviewed this submission."), code="already_reviewed")
    audit_record(
        actor=acting_user,
        action="registration.reject",
        target=submission,
        area_path=submission.compound.path,
        changes={"reason": reason},
    )


@transaction.atomic
def registrations_reject_many(
    *, acting_user, submission_ids: list[int] = (), senders: list[str] = (), reason: str
) -> int:
    """Reject, in one statement, the waiting submissions named, and every waiting submission of the
    named senders (their client hash) — a flood's junk; returns how many were rejected.
    Submissions outside the reviewer's compounds are not touched (nor told apart from none)."""
    require_any(acting_user, Perm.REGISTRATION_REVIEW)
    reason = clean_text(reason, field="reason", max_length=300)
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the resident can be told.")})
    chosen = Q(pk__in=[int(pk) for pk in submission_ids]) | Q(client_hash__in=[str(s) for s in senders])
    # Locked on PostgreSQL, and SQLite's transactions take the write lock when they begin: the rows
    # read are exactly the rows the conditional UPDATE rejects, so the audit rows name them right.
    waiting = scope_filter(
        SelfRegistration.objects.select_for_update().filter(chosen, status__in=WAITING),
        acting_user,
        Perm.REGISTRATION_REVIEW,
        "compound__path",
    )
    by_compound: dict[tuple[int, str], list[int]] = {}
    for pk, compound_id, path in waiting.values_list("pk", "compound_id", "compound__path").order_by("pk"):
        by_compound.setdefault((compound_id, path), []).append(pk)
    ids = [pk for pks in by_compound.values() for pk in pks]
    rejected = SelfRegistration.objects.filter(pk__in=ids, status__in=WAITING).update(
        status=SubmissionStatus.REJECTED,
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
        review_note=reason,
    )
    for (compound_id, path), pks in by_compound.items():
        audit_record(
            actor=acting_user,
            action="registration.reject_many",
            target_type="areas.area",
            target_id=compound_id,
            area_path=path,
            changes={"submissions": pks, "reason": reason},
        )
    return rejected


def _person_path(person: Person) -> str:
    residence = person.residences.filter(is_current=True).select_related("household").first()
    return residence.household.path if residence else ""


def code_issue_for_person(*, acting_user, person: Person, audited: bool = True) -> PersonalCode:
    """The person's live code (made if there is none)."""
    path = _person_path(person)
    require(acting_user, Perm.LEDGER_EDIT, path)
    return _person_code_ensure(acting_user=acting_user, person=person, path=path, audited=audited)


def _person_code_ensure(*, acting_user, person: Person, path: str, audited: bool = True) -> PersonalCode:
    live = PersonalCode.objects.filter(person=person, kind=CodeKind.PERSON, revoked_at__isnull=True).first()
    if live:
        return live
    try:
        with transaction.atomic():
            code = PersonalCode.objects.create(
                code=codes.new_code(), kind=CodeKind.PERSON, person=person, created_by=acting_user
            )
    except IntegrityError:
        return PersonalCode.objects.get(person=person, kind=CodeKind.PERSON, revoked_at__isnull=True)
    if audited:
        audit_record(
            actor=acting_user, action="code.issue", target=code, area_path=path, changes={"person": person.pk}
        )
    return code


@transaction.atomic
def code_issue_family(*, acting_user, household: Area, members: list[Person]) -> PersonalCode:
    """One family code that carries several members (the elderly, children) of one household."""
    require(acting_user, Perm.LEDGER_EDIT, household.path)
    return _family_code_issue(acting_user=acting_user, household=household, members=members)


def _family_code_issue(*, acting_user, household: Area, members: list[Person]) -> PersonalCode:
    living_here = set(
        Residence.objects.filter(household=household, is_current=True).values_list("person_id", flat=True)
    )
    if not members or any(m.pk not in living_here for m in members):
        raise ValidationError(_("A family code carries members of this household only."))
    code = PersonalCode.objects.create(
        code=codes.new_code(), kind=CodeKind.FAMILY, household=household, created_by=acting_user
    )
    code.members.set(members)
    audit_record(
        actor=acting_user,
        action="code.issue_family",
        target=code,
        area_path=household.path,
        changes={"members": [m.pk for m in members]},
    )
    return code


def family_code_ensure(*, acting_user, household: Area) -> PersonalCode | None:
    """The household's live family code, made for its current members if there is none (None for a
    household where nobody lives now)."""
    require(acting_user, Perm.LEDGER_EDIT, household.path)
    live = PersonalCode.objects.filter(
        household=household, kind=CodeKind.FAMILY, revoked_at__isnull=True
    ).first()
    if live is not None:
        return live
    members = [r.person for r in household_members(user=acting_user, household=household)]
    return (
        code_issue_family(acting_user=acting_user, household=household, members=members) if members else None
    )


@transaction.atomic
def code_revoke(*, acting_user, code: PersonalCode) -> None:
    path = code.household.path if code.household_id else _person_path(code.person)
    require(acting_user, Perm.LEDGER_EDIT, path)
    if PersonalCode.objects.filter(pk=code.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        audit_record(actor=acting_user, action="code.revoke", target=code, area_path=path)


# A resident's own codes: the page a resident shows at the desk (web/views/resident.py).


@dataclass(frozen=True)
class ResidentMember:
    residence: Residence
    payload: str  # the signed QR payload of the member's personal code

    @property
    def person(self) -> Person:
        return self.residence.person


@dataclass(frozen=True)
class ResidentHome:
    household: Area
    members: list[ResidentMember]
    family_payload: str  # "" when nobody lives there
    family_names: list[str]


def resident_households(*, user) -> list[Area]:
    """The doors the user holds a resident's grant on (a resident's own household), in path order."""
    if user is None or not user.is_authenticated:
        return []
    ids = Grant.objects.filter(user=user, role=Role.RESIDENT, area__kind=AreaKind.HOUSEHOLD).values("area_id")
    return list(Area.objects.filter(pk__in=ids).select_related("parent", "parent__parent").order_by("path"))


def resident_homes(*, acting_user) -> list[ResidentHome]:
    """Each of the resident's households with its current members and their personal codes, and the
    family code: the same signed codes the desk scans, made on first sight as a staff member's card
    would make them. NotFound for a user who is nobody's resident (the page is not theirs)."""
    households = resident_households(user=acting_user)
    if not households:
        raise NotFound
    return [_resident_home(acting_user, household) for household in households]


def _resident_home(acting_user, household: Area) -> ResidentHome:
    residences = list(household_members(user=acting_user, household=household))
    people = [r.person for r in residences]
    live = {
        c.person_id: c
        for c in PersonalCode.objects.filter(person__in=people, kind=CodeKind.PERSON, revoked_at__isnull=True)
    }
    members = []
    for residence in residences:
        code = live.get(residence.person_id) or _person_code_ensure(
            acting_user=acting_user, person=residence.person, path=household.path
        )
        members.append(ResidentMember(residence=residence, payload=codes.payload_for(code.code)))
    family = (
        PersonalCode.objects.filter(household=household, kind=CodeKind.FAMILY, revoked_at__isnull=True)
        .prefetch_related("members")
        .first()
    )
    if family is None and people:
        family = _family_code_issue(acting_user=acting_user, household=household, members=people)
    return ResidentHome(
        household=household,
        members=members,
        family_payload=codes.payload_for(family.code) if family else "",
        family_names=[p.name for p in family.members.all()] if family else [],
    )


def resident_home_get(*, acting_user, household_id) -> ResidentHome:
    """One of the resident's own households (its codes): NotFound for any other door."""
    for household in resident_households(user=acting_user):
        if str(household.pk) == str(household_id):
            return _resident_home(acting_user, household)
    raise NotFound


def resident_member_get(*, acting_user, person_id) -> tuple[ResidentHome, ResidentMember]:
    """A member of one of the resident's own households, with their code: NotFound for anyone else."""
    for household in resident_households(user=acting_user):
        if Residence.objects.filter(household=household, person_id=person_id, is_current=True).exists():
            home = _resident_home(acting_user, household)
            for member in home.members:
                if str(member.person.pk) == str(person_id):
                    return home, member
    raise NotFound
