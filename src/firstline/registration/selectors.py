"""Reads for self-registration: the review queue (masked), and resolving a scanned code."""

from django.db.models import QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_filter
from firstline.common import crypto
from firstline.common.errors import NotFound
from firstline.common.identity import IdType, mask_id_number, mask_phone, normalise_id_number
from firstline.people.models import Person, Residence
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode, SelfRegistration, SubmissionStatus
from firstline.registration.services import registration_members


def registrations_pending(*, user) -> QuerySet[SelfRegistration]:
    queryset = SelfRegistration.objects.filter(status=SubmissionStatus.PENDING).select_related(
        "compound", "household", "household__parent", "household__parent__parent")
    return scope_filter(queryset, user, Perm.REGISTRATION_REVIEW, "compound__path").order_by("created_at", "id")


def registration_get(*, user, pk: int) -> SelfRegistration:
    queryset = scope_filter(SelfRegistration.objects.select_related("compound", "household"), user,
                            Perm.REGISTRATION_REVIEW, "compound__path")
    try:
        return queryset.get(pk=pk)
    except (SelfRegistration.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def registration_members_masked(*, submission: SelfRegistration) -> list[dict]:
    """The members as submitted, ID numbers masked, each flagged if the number is already registered."""
    members = registration_members(submission)
    hashes = {}
    for member in members:
        try:
            number = normalise_id_number(member.get("id_type") or IdType.RESIDENT_ID, member.get("id_number"))
        except Exception:  # an invalid number shows masked as typed; review will refuse it
            number = ""
        hashes[id(member)] = crypto.lookup_hash(number) if number else None
    existing = dict(Person.objects.filter(id_hash__in=[h for h in hashes.values() if h]).values_list("id_hash", "pk"))
    shown = []
    for member in members:
        digest = hashes[id(member)]
        shown.append({
            **{k: v for k, v in member.items() if k not in ("id_number", "phone")},
            "id_masked": mask_id_number(str(member.get("id_number") or "").strip().upper()),
            "phone_masked": mask_phone(str(member.get("phone") or "")),
            "existing_person": existing.get(digest),
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

