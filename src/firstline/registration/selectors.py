"""Reads for self-registration: the review queue (masked), and resolving a scanned code."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_filter, work_scope
from firstline.areas.models import Area, AreaKind
from firstline.common import crypto
from firstline.common.errors import NotFound
from firstline.common.identity import IdType, mask_id_number, mask_phone, normalise_id_number
from firstline.common.paths import subtree_q
from firstline.people.models import Person, Residence
from firstline.people.selectors import people_by_number
from firstline.registration import codes
from firstline.registration.models import WAITING, CodeKind, PersonalCode, SelfRegistration, SubmissionStatus
from firstline.registration.services import registration_members


def registrations_waiting(*, user) -> QuerySet[SelfRegistration]:
    """Submissions waiting for review (pending, and suspect: sent past the compound's hourly quota),
    each flagged if its contact phone is the phone of someone living in the compound now."""
    known_phone = Residence.objects.filter(
        is_current=True,
        person__phone=OuterRef("contact_phone"),
        household__path__startswith=OuterRef("compound__path"),
    )
    queryset = (
        SelfRegistration.objects.filter(status__in=WAITING)
        .select_related(
            "compound",
            "household",
            "household__parent",
            "household__parent__parent",
        )
        .annotate(phone_known=Exists(known_phone))
    )
    return scope_filter(queryset, user, Perm.REGISTRATION_REVIEW, "compound__path").order_by(
        "created_at", "id"
    )


@dataclass(frozen=True)
class Sender:
    """A client that sent several of the waiting submissions of a compound."""

    compound_id: int
    client_hash: str
    waiting: int
    first_at: dt.datetime
    last_at: dt.datetime

    @property
    def label(self) -> str:
        return self.client_hash[:8]


def registration_senders(*, user, min_waiting: int = 2) -> list[Sender]:
    """The clients with at least `min_waiting` submissions waiting in one compound, most first, in
    one grouped query: a flood's senders, whose forms a reviewer rejects at once."""
    rows = (
        scope_filter(
            SelfRegistration.objects.filter(status__in=WAITING),
            user,
            Perm.REGISTRATION_REVIEW,
            "compound__path",
        )
        .values("compound_id", "client_hash")
        .annotate(waiting=Count("id"), first_at=Min("created_at"), last_at=Max("created_at"))
        .filter(waiting__gte=min_waiting)
        .order_by("-waiting", "first_at")
    )
    return [Sender(**row) for row in rows]


@dataclass(frozen=True)
class ReviewQueue:
    """The review queue of a reviewer, read when first shown: the forms waiting (within the hourly
    quota, and held past it), each with how many its sender has waiting, and the senders of many."""

    user: object
    rows: int

    @cached_property
    def senders(self) -> list[Sender]:
        return registration_senders(user=self.user)

    @cached_property
    def waiting(self) -> list[SelfRegistration]:
        waiting = list(registrations_waiting(user=self.user)[: self.rows])
        counts = {(s.compound_id, s.client_hash): s.waiting for s in self.senders}
        for submission in waiting:
            submission.sender_waiting = counts.get((submission.compound_id, submission.client_hash), 1)
        return waiting

    @property
    def pending(self) -> list[SelfRegistration]:
        return [s for s in self.waiting if s.status == SubmissionStatus.PENDING]

    @property
    def suspect(self) -> list[SelfRegistration]:
        return [s for s in self.waiting if s.status == SubmissionStatus.SUSPECT]


def review_queue(*, user, rows: int = 500) -> ReviewQueue:
    """The review queue; NotFound for someone who reviews no compound's forms anywhere."""
    work_scope(user, Perm.REGISTRATION_REVIEW)
    return ReviewQueue(user=user, rows=rows)


def registration_get(*, user, pk: int) -> SelfRegistration:
    queryset = scope_filter(
        SelfRegistration.objects.select_related("compound", "household"),
        user,
        Perm.REGISTRATION_REVIEW,
        "compound__path",
    )
    try:
        return queryset.get(pk=pk)
    except (SelfRegistration.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def registration_members_masked(*, user, submission: SelfRegistration) -> list[dict]:
    """The members as submitted, ID numbers masked, each with the record inside the reviewer's areas
    that already carries the number, if any (one outside them is not told apart from none)."""
    members = registration_members(submission)
    hashes = {}
    for member in members:
        try:
            number = normalise_id_number(member.get("id_type") or IdType.RESIDENT_ID, member.get("id_number"))
        except Exception:  # an invalid number shows masked as typed; review will refuse it
            number = ""
        hashes[id(member)] = crypto.lookup_hash(number) if number else None
    known = people_by_number(user=user, digests=[h for h in hashes.values() if h])
    shown = []
    for member in members:
        person = known.get(hashes[id(member)])
        shown.append(
            {
                **{k: v for k, v in member.items() if k not in ("id_number", "phone")},
                "id_masked": mask_id_number(str(member.get("id_number") or "").strip().upper()),
                "phone_masked": mask_phone(str(member.get("phone") or "")),
                "existing_person": person.pk if person else None,
            }
        )
    return shown


def code_resolve(*, user, payload: str) -> list[Person]:
    """The person (or the family's members) behind a scanned code, within the user's scope."""
    code_text = codes.code_from_payload(payload)
    code = (
        PersonalCode.objects.filter(code=code_text, revoked_at__isnull=True)
        .select_related("person", "household")
        .first()
    )
    if code is None:
        raise NotFound
    people = [code.person] if code.kind == CodeKind.PERSON else list(code.members.order_by("pk"))
    homes = dict(
        Residence.objects.filter(person__in=people, is_current=True).values_list(
            "person_id", "household__path"
        )
    )
    visible = [p for p in people if homes.get(p.pk) and can(user, Perm.LEDGER_VIEW, homes[p.pk])]
    if not visible:
        raise NotFound
    return visible


# The public form behind a compound's QR code (`areas.selectors.compound_by_public_token`): no user,
# the token is the key to one compound.


def public_buildings(*, compound: Area) -> list[Area]:
    """What the public form lists first: a compound's buildings, or a village's groups and then the
    village itself when it has houses in no group (named so on the form)."""
    blocks = list(
        Area.objects.filter(parent=compound, kind__in=(AreaKind.BUILDING, AreaKind.VILLAGE_GROUP)).order_by(
            "sort_key", "path"
        )
    )
    if (
        compound.kind == AreaKind.VILLAGE
        and Area.objects.filter(parent=compound, kind=AreaKind.HOUSEHOLD).exists()
    ):
        blocks.append(compound)
    return blocks


def public_doors(*, compound: Area, building_id) -> tuple[Area | None, list[Area]]:
    """A building of the compound, or a group of the village, or the village for its houses in no
    group (None for any other id), and its doors, by path."""
    try:
        pk = int(building_id or 0)
    except (ValueError, TypeError):
        return None, []
    if compound.kind == AreaKind.VILLAGE and pk == compound.pk:
        return compound, list(
            Area.objects.filter(parent=compound, kind=AreaKind.HOUSEHOLD)
            .select_related("parent")
            .order_by("sort_key", "path")
        )
    building = Area.objects.filter(
        pk=pk, parent=compound, kind__in=(AreaKind.BUILDING, AreaKind.VILLAGE_GROUP)
    ).first()
    if building is None:
        return None, []
    doors = (
        Area.objects.filter(subtree_q(building.path), kind=AreaKind.HOUSEHOLD)
        .select_related("parent")
        .order_by("sort_key", "path")
        if building.kind == AreaKind.VILLAGE_GROUP
        else Area.objects.filter(subtree_q(building.path), kind=AreaKind.HOUSEHOLD)
        .select_related("parent")
        .order_by("path")
    )
    return building, list(doors)


def public_door(*, compound: Area, pk) -> Area | None:
    """The door a resident chose on the public form: None if none was chosen, a ValidationError if
    the id is not a door of this compound."""
    if not pk:
        return None
    try:
        door = Area.objects.filter(
            pk=int(pk), kind=AreaKind.HOUSEHOLD, path__startswith=compound.path
        ).first()
    except (ValueError, TypeError):
        door = None
    if door is None:
        raise ValidationError({"household": _("Choose a door of this compound.")})
    return door
