"""Reads for self-registration: the review queue (masked), and resolving a scanned code."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_filter
from firstline.common import crypto
from firstline.common.errors import NotFound
from firstline.common.identity import IdType, mask_id_number, mask_phone, normalise_id_number
from firstline.people.models import Person, Residence
from firstline.people.selectors import people_by_number
from firstline.registration import codes
from firstline.registration.models import WAITING, CodeKind, PersonalCode, SelfRegistration
from firstline.registration.services import registration_members


def registrations_waiting(*, user) -> QuerySet[SelfRegistration]:
    """Submissions waiting for review (pending, and suspect: sent past the compound's hourly quota),
    each flagged if its contact phone is the phone of someone living in the compound now."""
    known_phone = Residence.objects.filter(
        is_current=True, person__phone=OuterRef("contact_phone"),
        household__path__startswith=OuterRef("compound__path"),
    )
    queryset = SelfRegistration.objects.filter(status__in=WAITING).select_related(
        "compound", "household", "household__parent", "household__parent__parent",
    ).annotate(phone_known=Exists(known_phone))
    return scope_filter(queryset, user, Perm.REGISTRATION_REVIEW, "compound__path").order_by("created_at", "id")


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
        scope_filter(SelfRegistration.objects.filter(status__in=WAITING), user, Perm.REGISTRATION_REVIEW, "compound__path")
        .values("compound_id", "client_hash")
        .annotate(waiting=Count("id"), first_at=Min("created_at"), last_at=Max("created_at"))
        .filter(waiting__gte=min_waiting)
        .order_by("-waiting", "first_at")
    )
    return [Sender(**row) for row in rows]


def registration_get(*, user, pk: int) -> SelfRegistration:
    queryset = scope_filter(SelfRegistration.objects.select_related("compound", "household"), user,
                            Perm.REGISTRATION_REVIEW, "compound__path")
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
        shown.append({
            **{k: v for k, v in member.items() if k not in ("id_number", "phone")},
            "id_masked": mask_id_number(str(member.get("id_number") or "").strip().upper()),
            "phone_masked": mask_phone(str(member.get("phone") or "")),
            "existing_person": person.pk if person else None,
        })
    return shown


def code_resolve(*, user, payload: str) -> list[Person]:
    """The person (or the family's members) behind a scanned code, within the user's scope."""
    code_text = codes.code_from_payload(payload)
    code = PersonalCode.objects.filter(code=code_text, revoked_at__isnull=True).select_related("person", "household").first()
    if code is None:
        raise NotFound
    people = [code.person] if code.kind == CodeKind.PERSON else list(code.members.all())
    homes = dict(Residence.objects.filter(person__in=people, is_current=True).values_list("person_id", "household__path"))
    visible = [p for p in people if homes.get(p.pk) and can(user, Perm.LEDGER_VIEW, homes[p.pk])]
    if not visible:
        raise NotFound
    return visible

