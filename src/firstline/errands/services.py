"""Writes for help requests, their errand groups and neighbours' offers.

Each function takes `acting_user` (but the public ones: a resident's code or one-time link is the
key), checks the right with `require` on the household, writes in one transaction with an audit
row, and changes a state with a conditional UPDATE, so that two people acting at once never both
succeed. `requests_escalate` is the escalation pass of the task and of `errands_escalate`.
"""

import secrets
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.models import Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import can, require, scope_paths
from firstline.areas.models import BLOCK_KINDS, Area, AreaKind
from firstline.common.audit import audit_entry, audit_record, audit_records
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.paths import ancestor_paths, is_within
from firstline.common.text import clean_text
from firstline.errands.models import (
    BRANDED_CATEGORIES,
    OPEN_STATES,
    PENDING_STATES,
    ErrandGroup,
    HelpCategory,
    HelpChannel,
    HelpEvent,
    HelpEventKind,
    HelpOffer,
    HelpRequest,
    HelpState,
    OfferState,
)
from firstline.errands.urgency import Urgency, due_at, urgency_for_text
from firstline.notices.models import NoticeKind
from firstline.notices.selectors import recipients_for
from firstline.notices.services import notice_send
from firstline.people.models import Person, Residence
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode

# Who hears of a critical request at once: the leaders of its building and the community's staff.
CRITICAL_AUDIENCE = [Role.BUILDING_LEADER, Role.COMMUNITY_STAFF]
# Who hears of an overdue one: the level above the community (the street's coordinators).
ESCALATION_AUDIENCE = [Role.STREET_COORDINATOR]
# An escalation notice names this many requests (the most overdue first), then counts the others.
NOTICE_LINES = 30


def _rank(urgency: str, escalated: bool) -> int:
    return 0 if urgency == Urgency.CRITICAL or escalated else 1


def _event(request: HelpRequest, kind: str, *, author=None, text: str = "", at=None) -> HelpEvent:
    return HelpEvent.objects.create(
        request=request,
        kind=kind,
        text=text,
        author=author if author is not None and author.is_authenticated else None,
        at=at or timezone.now(),
    )


def _block_of(household: Area) -> Area | None:
    return (
        Area.objects.filter(path__in=ancestor_paths(household.path), kind__in=BLOCK_KINDS)
        .order_by("-path")
        .first()
    )


def _clean_fields(*, category: str, urgency: str, details: str, brand: str, maker: str) -> dict:
    errors = {}
    if category not in HelpCategory.values:
        errors["category"] = _("Choose what the help is for.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose critical, urgent or normal.")
    if errors:
        raise ValidationError(errors)
    details = clean_text(details, field="details", max_length=500, required=True, label=_("What is needed"))
    brand = clean_text(brand, field="brand", max_length=80)
    maker = clean_text(maker, field="maker", max_length=80)
    if category in BRANDED_CATEGORIES and not (brand and maker):
        # The stroke patient's medicine, the baby's formula: the brand and maker must match.
        raise ValidationError(
            {
                "brand" if not brand else "maker": _(
                    "For medicine and infant formula, give the brand and the maker: they must match."
                )
            }
        )
    if category not in BRANDED_CATEGORIES:
        brand = maker = ""
    return {
        "category": category,
        "urgency": urgency_for_text(urgency, f"{details} {brand}"),
        "details": details,
        "brand": brand,
        "maker": maker,
    }


def _notify_critical(*, acting_user, request: HelpRequest, household: Area) -> None:
    notice_send(
        acting_user=acting_user,
        area=household,
        kind=NoticeKind.GENERAL,
        title=_("Critical help request: %(category)s") % {"category": request.get_category_display()},
        body=_("Critical: %(details)s. Due by %(due)s.")
        % {
            "details": request.details,
            "due": timezone.localtime(request.due_at).strftime("%H:%M"),
        },
        recipient_ids=recipients_for(paths=[household.path], roles=CRITICAL_AUDIENCE),
        ref=f"errands.request:{request.pk}",
    )


def _create(
    *,
    acting_user,
    household: Area,
    person: Person | None,
    channel: str,
    fields: dict,
) -> HelpRequest:
    if household.kind != AreaKind.HOUSEHOLD:
        raise ValidationError({"household": _("Choose a door: help is asked for a household.")})
    if (
        person is not None
        and not Residence.objects.filter(person=person, household=household, is_current=True).exists()
    ):
        raise ValidationError(
            {"person": _("%(name)s does not live in this household.") % {"name": person.name}}
        )
    now = timezone.now()
    urgency = fields["urgency"]
    request = HelpRequest.objects.create(
        household=household,
        household_path=household.path,
        block=_block_of(household),
        person=person,
        channel=channel,
        asked_at=now,
        due_at=due_at(urgency=urgency, asked_at=now),
        rank=_rank(urgency, False),
        requested_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        confirm_token=secrets.token_urlsafe(18),
        **fields,
    )
    _event(request, HelpEventKind.ASKED, author=acting_user, text=request.details, at=now)
    audit_record(
        actor=acting_user,
        action="errands.request.create",
        target=request,
        area_path=household.path,
        changes={"category": request.category, "urgency": urgency, "channel": channel},
    )
    if urgency == Urgency.CRITICAL:
        _notify_critical(acting_user=acting_user, request=request, household=household)
    return request


@transaction.atomic
def request_create(
    *,
    acting_user,
    household: Area,
    category: str,
    urgency: str,
    details: str,
    brand: str = "",
    maker: str = "",
    person: Person | None = None,
    channel: str = HelpChannel.PHONE,
) -> HelpRequest:
    """Take a request for a household: staff on the phone, a building leader, or a resident signed
    in for their own door. The due time follows from the urgency (urgency.py); a critical one is
    told to the building's leaders and the community's staff at once."""
    require(acting_user, Perm.HELP_REQUEST, household.path)
    if channel not in HelpChannel.values or channel == HelpChannel.PUBLIC:
        raise ValidationError({"channel": _("Say how the request came in.")})
    fields = _clean_fields(category=category, urgency=urgency, details=details, brand=brand, maker=maker)
    return _create(
        acting_user=acting_user, household=household, person=person, channel=channel, fields=fields
    )


def household_by_code(*, compound: Area, code: str) -> tuple[Area, Person | None]:
    """The household (and person) behind a resident's printed code (the card's QR text or the code
    alone), if they live in `compound`; ValidationError {code} otherwise."""
    text = (code or "").strip()
    if text.startswith(codes.PREFIX + "."):
        text = codes.code_from_payload(text)
    found = (
        PersonalCode.objects.filter(code=text, revoked_at__isnull=True).select_related("household").first()
        if text
        else None
    )
    household, person = None, None
    if found is not None and found.kind == CodeKind.FAMILY:
        household = found.household
    elif found is not None:
        person = found.person
        residence = (
            Residence.objects.filter(person=person, is_current=True).select_related("household").first()
        )
        household = residence.household if residence else None
    if household is None or not is_within(household.path, [compound.path]):
        raise ValidationError(
            {"code": _("This code is not one of this compound's residents. Type the code on your card.")}
        )
    return household, person


@transaction.atomic
def request_create_public(
    *, compound: Area, code: str, category: str, urgency: str, details: str, brand: str = "", maker: str = ""
) -> HelpRequest:
    """A resident asks on the help page of their compound (the poster's QR code) with their code."""
    household, person = household_by_code(compound=compound, code=code)
    fields = _clean_fields(category=category, urgency=urgency, details=details, brand=brand, maker=maker)
    return _create(
        acting_user=None, household=household, person=person, channel=HelpChannel.PUBLIC, fields=fields
    )


def _change_state(request: HelpRequest, *, from_states, **values) -> None:
    """The conditional UPDATE of every transition: Conflict when someone else moved it first."""
    if not HelpRequest.objects.filter(pk=request.pk, state__in=from_states).update(**values):
        raise Conflict(
            _("This request has changed meanwhile (it is now %(state)s); reload the page.")
            % {"state": HelpRequest.objects.get(pk=request.pk).get_state_display()},
            code="stale_state",
        )
    for name, value in values.items():
        setattr(request, name, value)


_KEEP = object()


@transaction.atomic
def request_triage(
    *,
    acting_user,
    request: HelpRequest,
    category: str,
    urgency: str,
    brand: str | None = None,
    maker: str | None = None,
    person=_KEEP,
) -> HelpRequest:
    """Staff set the category and urgency (and, if given, the brand and maker, and for whom in the
    household: a person, or None for the whole household); the due time is counted again from when
    it was asked."""
    require(acting_user, Perm.HELP_MANAGE, request.household_path)
    fields = _clean_fields(
        category=category,
        urgency=urgency,
        details=request.details,
        brand=request.brand if brand is None else brand,
        maker=request.maker if maker is None else maker,
    )
    values = {}
    if person is not _KEEP:
        if (
            person is not None
            and not Residence.objects.filter(
                person=person, household_id=request.household_id, is_current=True
            ).exists()
        ):
            raise ValidationError(
                {"person": _("%(name)s does not live in this household.") % {"name": person.name}}
            )
        values["person"] = person
    old = {"category": request.category, "urgency": request.urgency}
    _change_state(
        request,
        from_states=OPEN_STATES,
        category=fields["category"],
        urgency=fields["urgency"],
        brand=fields["brand"],
        maker=fields["maker"],
        due_at=due_at(urgency=fields["urgency"], asked_at=request.asked_at),
        rank=_rank(fields["urgency"], request.escalated_at is not None),
        **values,
    )
    _event(
        request,
        HelpEventKind.TRIAGED,
        author=acting_user,
        text=f"{request.get_category_display()} · {request.get_urgency_display()}",
    )
    audit_record(
        actor=acting_user,
        action="errands.request.triage",
        target=request,
        area_path=request.household_path,
        changes={
            "category": (old["category"], request.category),
            "urgency": (old["urgency"], request.urgency),
        },
    )
    if fields["urgency"] == Urgency.CRITICAL and old["urgency"] != Urgency.CRITICAL:
        _notify_critical(acting_user=acting_user, request=request, household=request.household)
    return request


def _may_carry(user, request: HelpRequest) -> bool:
    return can(user, Perm.HELP_WORK, request.household_path)


@transaction.atomic
def request_assign(
    *, acting_user, request: HelpRequest, user=None, group: ErrandGroup | None = None
) -> HelpRequest:
    """Give the request to a volunteer or to an errand group (one of them); a volunteer may take an
    open request for themselves."""
    if (user is None) == (group is None):
        raise ValidationError({"assignee": _("Choose one volunteer or one errand group.")})
    taking = user is not None and user.pk == acting_user.pk
    require(acting_user, Perm.HELP_WORK if taking else Perm.HELP_MANAGE, request.household_path)
    if user is not None and not _may_carry(user, request):
        raise ValidationError(
            {"assignee": _("%(name)s does not work in this area.") % {"name": user.username}}
        )
    if group is not None and not is_within(request.household_path, [group.area_path]):
        raise ValidationError({"assignee": _("This errand group works in another area.")})
    _change_state(
        request,
        from_states=(HelpState.OPEN,) if taking else PENDING_STATES,
        state=HelpState.ASSIGNED,
        assigned_user=user,
        assigned_group=group,
    )
    who = user.get_full_name() or user.username if user is not None else group.name
    _event(request, HelpEventKind.ASSIGNED, author=acting_user, text=who)
    audit_record(
        actor=acting_user,
        action="errands.request.assign",
        target=request,
        area_path=request.household_path,
        changes={"user": user.pk if user else None, "group": group.pk if group else None},
    )
    return request


def _may_work(acting_user, request: HelpRequest) -> None:
    """Those who work help requests there, or the volunteer it is assigned to (or a member of its group)."""
    require(acting_user, Perm.HELP_WORK, request.household_path)


@transaction.atomic
def request_note(*, acting_user, request: HelpRequest, text: str) -> HelpEvent:
    """A progress note on the request's timeline ("bought at 老百姓大药房, on the way")."""
    _may_work(acting_user, request)
    text = clean_text(text, field="text", max_length=500, required=True, label=_("The note"))
    if request.state not in OPEN_STATES:
        raise Conflict(_("This request is closed; its timeline is kept as it is."), code="closed")
    event = _event(request, HelpEventKind.NOTE, author=acting_user, text=text)
    audit_record(
        actor=acting_user,
        action="errands.request.note",
        target=request,
        area_path=request.household_path,
        changes={"length": len(text)},
    )
    return event


@transaction.atomic
def request_done(*, acting_user, request: HelpRequest, text: str = "") -> HelpRequest:
    """The errand is carried out; it waits for the household's confirmation."""
    _may_work(acting_user, request)
    text = clean_text(text, field="text", max_length=500)
    now = timezone.now()
    _change_state(request, from_states=PENDING_STATES, state=HelpState.DONE, done_at=now)
    _event(request, HelpEventKind.DONE, author=acting_user, text=text, at=now)
    audit_record(
        actor=acting_user,
        action="errands.request.done",
        target=request,
        area_path=request.household_path,
        changes={"state": HelpState.DONE},
    )
    return request


def _clean_rating(rating) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": _("Give a rating from 1 to 5 stars.")})
    return value


def _confirm(*, acting_user, request: HelpRequest, rating, note: str, by_link: bool) -> HelpRequest:
    rating = _clean_rating(rating)
    note = clean_text(note, field="note", max_length=300)
    now = timezone.now()
    _change_state(
        request,
        from_states=(HelpState.ASSIGNED, HelpState.DONE),
        state=HelpState.CONFIRMED,
        confirmed_at=now,
        closed_at=now,
        rating=rating,
    )
    _event(request, HelpEventKind.CONFIRMED, author=acting_user, text=note, at=now)
    audit_record(
        actor=acting_user,
        action="errands.request.confirm",
        target=request,
        area_path=request.household_path,
        changes={"rating": rating, "by_link": by_link},
    )
    return request


@transaction.atomic
def request_confirm(*, acting_user, request: HelpRequest, rating, note: str = "") -> HelpRequest:
    """The household confirms the help arrived, with a rating of 1 to 5: only a resident of that
    household (their own page); staff pass the one-time link on instead."""
    households = Grant.objects.filter(user=acting_user, role=Role.RESIDENT, area_id=request.household_id)
    if not acting_user.is_authenticated or not households.exists():
        raise PermissionDenied(
            _("Only the household that asked may confirm that the help arrived."), code="household"
        )
    return _confirm(acting_user=acting_user, request=request, rating=rating, note=note, by_link=False)


@transaction.atomic
def request_confirm_by_link(*, token: str, rating, note: str = "") -> HelpRequest:
    """The household confirms from the one-time link it was given when it asked."""
    request = HelpRequest.objects.filter(confirm_token=token or "-").first()
    if request is None:
        raise NotFound
    return _confirm(acting_user=None, request=request, rating=rating, note=note, by_link=True)


@transaction.atomic
def request_cancel(*, acting_user, request: HelpRequest, reason: str) -> HelpRequest:
    """Cancel a request, saying why (solved by the family, a duplicate, moved away); staff, or the
    household itself from its own page."""
    own = Grant.objects.filter(user=acting_user, role=Role.RESIDENT, area_id=request.household_id).exists()
    if not own:
        require(acting_user, Perm.HELP_MANAGE, request.household_path)
    reason = clean_text(reason, field="reason", max_length=300, required=True, label=_("The reason"))
    now = timezone.now()
    _change_state(
        request, from_states=OPEN_STATES, state=HelpState.CANCELLED, cancel_reason=reason, closed_at=now
    )
    HelpOffer.objects.filter(request=request, state=OfferState.OFFERED).update(
        state=OfferState.DECLINED, decided_by=acting_user, decided_at=now
    )
    _event(request, HelpEventKind.CANCELLED, author=acting_user, text=reason, at=now)
    audit_record(
        actor=acting_user,
        action="errands.request.cancel",
        target=request,
        area_path=request.household_path,
        changes={"reason": reason},
    )
    return request


# Escalation -----------------------------------------------------------------------------------


def requests_escalate(*, now=None) -> list[HelpRequest]:
    """Escalate every overdue request not escalated yet, once: one conditional UPDATE marks them with
    this pass's stamp (a request escalated by a pass running at the same time is not matched again),
    the pass reads its own rows back, and one notice per community tells the level above. Returns
    the requests this pass escalated."""
    now = now or timezone.now()
    stamp = uuid.uuid4().hex
    with transaction.atomic():
        HelpRequest.objects.filter(
            state__in=PENDING_STATES, escalated_at__isnull=True, due_at__lt=now
        ).update(escalated_at=now, escalation_stamp=stamp, rank=0)
        escalated = list(
            HelpRequest.objects.filter(escalation_stamp=stamp)
            .only("pk", "household_id", "household_path", "due_at", "category", "details")
            .order_by("due_at", "id")
        )
        if not escalated:
            return []
        HelpEvent.objects.bulk_create(
            [HelpEvent(request=r, kind=HelpEventKind.ESCALATED, at=now) for r in escalated]
        )
        audit_records(
            [
                audit_entry(
                    actor=None,
                    action="errands.request.escalate",
                    target=r,
                    area_path=r.household_path,
                    changes={"overdue_minutes": int((now - r.due_at).total_seconds() // 60)},
                )
                for r in escalated
            ]
        )
        by_community = defaultdict(list)
        communities = {
            a.path: a
            for a in Area.objects.filter(
                path__in={p for r in escalated for p in ancestor_paths(r.household_path)},
                kind__in=[AreaKind.COMMUNITY, AreaKind.VILLAGE],
            )
        }
        for r in escalated:
            above = [p for p in ancestor_paths(r.household_path) if p in communities]
            by_community[above[0] if above else r.household_path].append(r)
        for path, rows in by_community.items():
            area = communities.get(path) or Area.objects.get(pk=rows[0].household_id)
            labels = dict(HelpCategory.choices)
            lines = [f"{labels[r.category]}: {r.details[:60]}" for r in rows[:NOTICE_LINES]]
            if len(rows) > NOTICE_LINES:
                lines.append(
                    _("… and %(n)d more: see the help request queue.") % {"n": len(rows) - NOTICE_LINES}
                )
            notice_send(
                acting_user=None,
                area=area,
                kind=NoticeKind.GENERAL,
                title=_("%(n)d help requests overdue in %(place)s") % {"n": len(rows), "place": area.name},
                body="\n".join(lines),
                recipient_ids=recipients_for(paths=[path], roles=ESCALATION_AUDIENCE),
                ref=f"errands.escalated:{stamp[:16]}",
            )
    return escalated


# Offers ----------------------------------------------------------------------------------------


def _of_building(user, request: HelpRequest) -> bool:
    """A resident whose door is in the request's building, or a volunteer or leader whose grant is in
    that building or covers it."""
    if request.block_id is None:
        return False
    block_path = request.block.path
    for role, path in Grant.objects.filter(user=user).values_list("role", "area__path"):
        if role == Role.RESIDENT and is_within(path, [block_path]):
            return True
        if role in (Role.VOLUNTEER, Role.BUILDING_LEADER) and (
            is_within(path, [block_path]) or is_within(block_path, [path])
        ):
            return True
    return False


@transaction.atomic
def offer_create(*, acting_user, request: HelpRequest, text: str) -> HelpOffer:
    """A neighbour of the same building offers to answer the request."""
    if not acting_user.is_authenticated or not _of_building(acting_user, request):
        raise PermissionDenied(
            _("Only a neighbour or volunteer of the same building may offer help."), code="building"
        )
    if request.household_id in Grant.objects.filter(user=acting_user, role=Role.RESIDENT).values_list(
        "area_id", flat=True
    ):
        raise ValidationError({"text": _("This is your own household's request.")})
    text = clean_text(text, field="text", max_length=300, required=True, label=_("The offer"))
    if request.state not in PENDING_STATES:
        raise Conflict(_("This request no longer needs help."), code="closed")
    try:
        with transaction.atomic():
            offer = HelpOffer.objects.create(request=request, offered_by=acting_user, text=text)
    except IntegrityError:
        raise Conflict(_("You have already offered; staff will answer."), code="offered") from None
    _event(request, HelpEventKind.OFFERED, author=acting_user, text=text)
    audit_record(
        actor=acting_user,
        action="errands.offer.create",
        target=offer,
        area_path=request.household_path,
        changes={"request": request.pk},
    )
    return offer


def _offer_step(offer: HelpOffer, *, from_state: str, to_state: str, acting_user, now) -> None:
    if not HelpOffer.objects.filter(pk=offer.pk, state=from_state).update(
        state=to_state, decided_by=acting_user, decided_at=now
    ):
        raise Conflict(_("This offer has changed meanwhile; reload the page."), code="stale_offer")
    offer.state, offer.decided_by, offer.decided_at = to_state, acting_user, now


@transaction.atomic
def offer_accept(*, acting_user, offer: HelpOffer) -> HelpOffer:
    """Staff accept a neighbour's offer: the request is assigned to the neighbour."""
    request = offer.request
    require(acting_user, Perm.HELP_MANAGE, request.household_path)
    now = timezone.now()
    try:
        with transaction.atomic():
            _offer_step(
                offer,
                from_state=OfferState.OFFERED,
                to_state=OfferState.ACCEPTED,
                acting_user=acting_user,
                now=now,
            )
    except IntegrityError:
        raise Conflict(_("Another offer was accepted for this request."), code="accepted") from None
    _change_state(
        request,
        from_states=PENDING_STATES,
        state=HelpState.ASSIGNED,
        assigned_user=offer.offered_by,
        assigned_group=None,
    )
    _event(request, HelpEventKind.OFFER_ACCEPTED, author=acting_user, text=offer.offered_by.username, at=now)
    audit_record(
        actor=acting_user,
        action="errands.offer.accept",
        target=offer,
        area_path=request.household_path,
        changes={"request": request.pk},
    )
    return offer


@transaction.atomic
def offer_decline(*, acting_user, offer: HelpOffer, reason: str = "") -> HelpOffer:
    request = offer.request
    require(acting_user, Perm.HELP_MANAGE, request.household_path)
    reason = clean_text(reason, field="reason", max_length=300)
    _offer_step(
        offer,
        from_state=OfferState.OFFERED,
        to_state=OfferState.DECLINED,
        acting_user=acting_user,
        now=timezone.now(),
    )
    _event(request, HelpEventKind.OFFER_DECLINED, author=acting_user, text=reason)
    audit_record(
        actor=acting_user,
        action="errands.offer.decline",
        target=offer,
        area_path=request.household_path,
        changes={"request": request.pk},
    )
    return offer


@transaction.atomic
def offer_unmatch(*, acting_user, offer: HelpOffer, reason: str = "") -> HelpOffer:
    """Undo an accepted offer: the request is open again, for someone else."""
    request = offer.request
    require(acting_user, Perm.HELP_MANAGE, request.household_path)
    reason = clean_text(reason, field="reason", max_length=300)
    now = timezone.now()
    _offer_step(
        offer, from_state=OfferState.ACCEPTED, to_state=OfferState.UNMATCHED, acting_user=acting_user, now=now
    )
    _change_state(
        request,
        from_states=(HelpState.ASSIGNED,),
        state=HelpState.OPEN,
        assigned_user=None,
        assigned_group=None,
    )
    _event(request, HelpEventKind.UNMATCHED, author=acting_user, text=reason, at=now)
    audit_record(
        actor=acting_user,
        action="errands.offer.unmatch",
        target=offer,
        area_path=request.household_path,
        changes={"request": request.pk},
    )
    return offer


# Errand groups ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *, acting_user, area: Area, name: str, phone: str = "", leader_phone: str = "", members=()
) -> ErrandGroup:
    """A named list of volunteers of the area (跑腿组), with the phone posted in its buildings."""
    require(acting_user, Perm.HELP_MANAGE, area.path)
    name = clean_text(name, field="name", max_length=60, required=True, label=_("The name"))
    phones = {}
    for field, value in (("phone", phone), ("leader_phone", leader_phone)):
        value = clean_text(value, field=field, max_length=20)
        if value and not value.replace("-", "").replace(" ", "").isdigit():
            raise ValidationError({field: _("A phone has digits only, e.g. 13800138000.")})
        phones[field] = value
    members = list(members)
    outside = [
        m.username
        for m in members
        if not any(
            is_within(p, [area.path]) or is_within(area.path, [p]) for p in scope_paths(m, Perm.HELP_WORK)
        )
    ]
    if outside:
        raise ValidationError(
            {"members": _("Not working in this area: %(names)s.") % {"names": ", ".join(outside)}}
        )
    try:
        with transaction.atomic():
            group = ErrandGroup.objects.create(area=area, area_path=area.path, name=name, **phones)
    except IntegrityError:
        raise ValidationError({"name": _("This area already has a group of that name.")}) from None
    group.members.set(members)
    audit_record(
        actor=acting_user,
        action="errands.group.create",
        target=group,
        area_path=area.path,
        changes={"name": name, "members": len(members)},
    )
    return group


__all__ = [
    "request_create",
    "request_create_public",
    "request_triage",
    "request_assign",
    "request_note",
    "request_done",
    "request_confirm",
    "request_confirm_by_link",
    "request_cancel",
    "requests_escalate",
    "offer_create",
    "offer_accept",
    "offer_decline",
    "offer_unmatch",
    "group_create",
]
