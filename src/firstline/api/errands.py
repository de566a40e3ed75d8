"""API: help requests (跑腿/求助) — intake, the queue, triage, assignment, progress notes, done, the
household's confirmation, cancel; neighbours' offers; errand groups. Every write goes through
errands.services, which checks the caller's rights on the household."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from firstline.accounts.roles import Perm
from firstline.api.pagination import PageQuery
from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PageOut
from firstline.api.types import Id, Int, Text
from firstline.areas.selectors import area_get
from firstline.common.errors import NotFound
from firstline.errands import selectors, services
from firstline.errands.models import HelpCategory, HelpChannel, HelpState, OfferState
from firstline.errands.urgency import Urgency
from firstline.people.selectors import person_get

router = Router(tags=["errands"])


class RequestOut(Schema):
    id: int
    household_id: int
    person_id: int | None
    category: HelpCategory
    urgency: Urgency
    details: str
    brand: str
    maker: str
    channel: HelpChannel
    state: HelpState
    asked_at: dt.datetime
    due_at: dt.datetime
    escalated_at: dt.datetime | None
    assigned_user_id: int | None
    assigned_group_id: int | None
    rating: int | None
    cancel_reason: str


class RequestPage(PageOut):
    items: list[RequestOut]


class RequestQuery(PageQuery):
    state: HelpState | None = Field(None, description="One state; every open one when left out.")
    category: HelpCategory | None = None
    block_id: int | None = Field(None, ge=1, description="The building (or village) of the doors.")


class RequestIn(Schema):
    household_id: Id
    person_id: Id | None = None
    category: HelpCategory
    urgency: Urgency
    details: Text(500, min_length=1)
    brand: Text(80) = ""
    maker: Text(80) = ""
    channel: HelpChannel = HelpChannel.PHONE


class TriageIn(Schema):
    category: HelpCategory
    urgency: Urgency
    brand: Text(80) | None = Field(None, description="Left out: kept as it is.")
    maker: Text(80) | None = Field(None, description="Left out: kept as it is.")
    person_id: Id | None = Field(None, description="For whom in the household; left out: kept as it is.")


class AssignIn(Schema):
    user_id: Id | None = None
    group_id: Id | None = None


class NoteIn(Schema):
    text: Text(500, min_length=1)


class DoneIn(Schema):
    text: Text(500) = ""


class ConfirmIn(Schema):
    rating: Int(1, 5, "From 1 to 5 stars.")
    note: Text(300) = ""


class ReasonIn(Schema):
    reason: Text(300) = ""


class CancelIn(Schema):
    reason: Text(300, min_length=1)


class OfferIn(Schema):
    text: Text(300, min_length=1)


class OfferOut(Schema):
    id: int
    request_id: int
    offered_by_id: int
    text: str
    state: OfferState
    created_at: dt.datetime


class GroupIn(Schema):
    area_id: Id
    name: Text(60, min_length=1)
    phone: Text(20) = ""
    member_ids: list[Id] = Field([], max_length=200)


class GroupOut(Schema):
    id: int
    area_id: int
    name: str
    phone: str
    member_ids: list[int]

    @staticmethod
    def resolve_member_ids(obj) -> list[int]:
        return sorted(m.pk for m in obj.members.all())


@router.get(
    "/requests", response={200: RequestPage, **READ_ERRORS}, summary="The queue: critical and overdue first"
)
def request_list(request: HttpRequest, query: Query[RequestQuery]):
    size = query.limit
    filters = selectors.QueueFilter(
        state=query.state or "", category=query.category or "", block_id=query.block_id
    )
    rows, more = selectors.request_queue(user=request.user, filters=filters, offset=query.offset, size=size)
    return {
        "items": rows,
        "limit": size,
        "offset": query.offset,
        "next_offset": query.offset + size if more else None,
    }


@router.post(
    "/requests", response={201: RequestOut, **WRITE_ERRORS}, summary="Take a help request for a household"
)
def request_create(request: HttpRequest, payload: RequestIn):
    household = area_get(user=request.user, pk=payload.household_id, perm=Perm.HELP_REQUEST)
    person = person_get(user=request.user, pk=payload.person_id) if payload.person_id else None
    return 201, services.request_create(
        acting_user=request.user,
        household=household,
        person=person,
        category=payload.category,
        urgency=payload.urgency,
        details=payload.details,
        brand=payload.brand,
        maker=payload.maker,
        channel=payload.channel,
    )


@router.get("/requests/{int:request_id}", response={200: RequestOut, **READ_ERRORS}, summary="One request")
def request_detail(request: HttpRequest, request_id: int):
    return selectors.request_get(user=request.user, pk=request_id)


@router.post(
    "/requests/{int:request_id}/triage",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Set category and urgency",
)
def request_triage(request: HttpRequest, request_id: int, payload: TriageIn):
    found = selectors.request_get(user=request.user, pk=request_id)
    extra = {}
    if payload.person_id:
        extra["person"] = person_get(user=request.user, pk=payload.person_id)
    return services.request_triage(
        acting_user=request.user,
        request=found,
        category=payload.category,
        urgency=payload.urgency,
        brand=payload.brand,
        maker=payload.maker,
        **extra,
    )


@router.post(
    "/requests/{int:request_id}/assign",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Give it to a volunteer or a group",
)
def request_assign(request: HttpRequest, request_id: int, payload: AssignIn):
    found = selectors.request_get(user=request.user, pk=request_id)
    user = group = None
    if payload.user_id:
        user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
        if user is None:
            raise NotFound
    if payload.group_id:
        group = selectors.groups_visible(user=request.user).filter(pk=payload.group_id).first()
        if group is None:
            raise NotFound
    return services.request_assign(acting_user=request.user, request=found, user=user, group=group)


@router.post(
    "/requests/{int:request_id}/notes", response={201: dict, **WRITE_ERRORS}, summary="Add a progress note"
)
def request_note(request: HttpRequest, request_id: int, payload: NoteIn):
    found = selectors.request_get(user=request.user, pk=request_id)
    event = services.request_note(acting_user=request.user, request=found, text=payload.text)
    return 201, {"id": event.pk, "at": event.at.isoformat()}


@router.post(
    "/requests/{int:request_id}/done",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Mark the errand done",
)
def request_done(request: HttpRequest, request_id: int, payload: DoneIn):
    found = selectors.request_get(user=request.user, pk=request_id)
    return services.request_done(acting_user=request.user, request=found, text=payload.text)


@router.post(
    "/requests/{int:request_id}/confirm",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="The household confirms and rates",
)
def request_confirm(request: HttpRequest, request_id: int, payload: ConfirmIn):
    found = selectors.request_get(user=request.user, pk=request_id, perm=Perm.HELP_REQUEST)
    return services.request_confirm(
        acting_user=request.user, request=found, rating=payload.rating, note=payload.note
    )


@router.post(
    "/requests/{int:request_id}/cancel",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Cancel, saying why",
)
def request_cancel(request: HttpRequest, request_id: int, payload: CancelIn):
    found = selectors.request_get(user=request.user, pk=request_id, perm=Perm.HELP_REQUEST)
    return services.request_cancel(acting_user=request.user, request=found, reason=payload.reason)


@router.post(
    "/requests/{int:request_id}/offers",
    response={201: OfferOut, **WRITE_ERRORS},
    summary="A neighbour offers help",
)
def offer_create(request: HttpRequest, request_id: int, payload: OfferIn):
    found = selectors.request_get(user=request.user, pk=request_id, perm=Perm.HELP_REQUEST)
    return 201, services.offer_create(acting_user=request.user, request=found, text=payload.text)


@router.post(
    "/offers/{int:offer_id}/accept", response={200: OfferOut, **WRITE_ERRORS}, summary="Accept an offer"
)
def offer_accept(request: HttpRequest, offer_id: int):
    return services.offer_accept(
        acting_user=request.user, offer=selectors.offer_get(user=request.user, pk=offer_id)
    )


@router.post(
    "/offers/{int:offer_id}/decline", response={200: OfferOut, **WRITE_ERRORS}, summary="Decline an offer"
)
def offer_decline(request: HttpRequest, offer_id: int, payload: ReasonIn):
    offer = selectors.offer_get(user=request.user, pk=offer_id)
    return services.offer_decline(acting_user=request.user, offer=offer, reason=payload.reason)


@router.post(
    "/offers/{int:offer_id}/unmatch",
    response={200: OfferOut, **WRITE_ERRORS},
    summary="Undo an accepted offer",
)
def offer_unmatch(request: HttpRequest, offer_id: int, payload: ReasonIn):
    offer = selectors.offer_get(user=request.user, pk=offer_id)
    return services.offer_unmatch(acting_user=request.user, offer=offer, reason=payload.reason)


@router.get(
    "/groups", response={200: list[GroupOut], **READ_ERRORS}, summary="Errand groups of the caller's areas"
)
def group_list(request: HttpRequest):
    return list(selectors.groups_visible(user=request.user)[:500])


@router.post("/groups", response={201: GroupOut, **WRITE_ERRORS}, summary="Make an errand group")
def group_create(request: HttpRequest, payload: GroupIn):
    area = area_get(user=request.user, pk=payload.area_id, perm=Perm.HELP_MANAGE)
    members = list(get_user_model().objects.filter(pk__in=payload.member_ids, is_active=True))
    if len(members) != len(set(payload.member_ids)):
        raise NotFound
    return 201, services.group_create(
        acting_user=request.user, area=area, name=payload.name, phone=payload.phone, members=members
    )
