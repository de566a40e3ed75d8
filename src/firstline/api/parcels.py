"""API: gate parcels — register at the gate, the board, disinfect in batches, deliver at the door,
return to the gate, the courier's queue, and the split of the day's deliveries (computed, and
assigned on request)."""

import base64
import binascii
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from firstline.accounts.roles import Perm
from firstline.api.pagination import PageQuery, page_of
from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PageOut
from firstline.api.types import Id, IdParam
from firstline.areas.selectors import area_get
from firstline.parcels import selectors, services
from firstline.parcels.models import ParcelState, WeightClass

router = Router(tags=["parcels"])


class ParcelOut(Schema):
    id: int
    household_id: int
    block_id: int
    floor: int
    description: str
    count: int
    weight_class: WeightClass
    state: ParcelState
    shown_state: str = Field(
        description="The board's column: `deliverable` for a holding parcel whose hold ended."
    )
    registered_at: dt.datetime
    disinfected_at: dt.datetime | None
    hold_until: dt.datetime | None
    courier_id: int | None
    delivered_at: dt.datetime | None
    overdue: bool = Field(description="Undelivered more than a day after it reached the gate.")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()


class ParcelPage(PageOut):
    items: list[ParcelOut]


class ParcelQuery(PageQuery):
    site: IdParam | None = Field(None, description="The compound or village; the caller's first by default.")
    state: str = Field(
        "",
        description="A board column: registered, holding, deliverable, out, delivered, "
        "returned, overdue; every open parcel when empty.",
    )


class RegisterIn(Schema):
    household: Id | None = Field(None, description="The door's household id; or `code`.")
    code: str = Field("", max_length=200, description="A resident's scanned personal or family code.")
    description: str = Field(max_length=200, description="What it is: '2袋50斤的面粉'.")
    count: int = 1
    weight_class: WeightClass = WeightClass.LIGHT
    client_key: str = Field(
        "",
        max_length=64,
        description="The client's key for this parcel: a retried request registers it once.",
    )


class BoardOut(Schema):
    site_id: int
    counts: dict[str, int]
    overdue: int


class IdsIn(Schema):
    ids: list[Id] = Field(max_length=500)


class DisinfectOut(Schema):
    disinfected: int = Field(description="Parcels disinfected now (those done before are not counted).")


class DeliverIn(Schema):
    code: str = Field("", max_length=200, description="The resident's code, scanned at the door.")
    photo_base64: str = Field("", max_length=450_000, description="Or a JPEG/PNG photo at the door, base64.")


class ReturnIn(Schema):
    reason: str = Field(max_length=300)


class QueueBlockOut(Schema):
    block_id: int
    name: str
    deliverable: int
    holding: int
    mine: int


class QueueOut(Schema):
    site_id: int
    blocks: list[QueueBlockOut]
    block_id: int | None
    parcels: list[ParcelOut]


class SplitIn(Schema):
    site: Id
    volunteers: list[Id] = Field(
        default_factory=list, description="Some of the site's volunteers; all when empty."
    )
    assign: bool = Field(False, description="Also give each volunteer their parcels (out for delivery).")


class ShareOut(Schema):
    volunteer_id: int
    load_seconds: int
    parcel_ids: list[int]


class SplitOut(Schema):
    makespan_seconds: int
    lower_bound_seconds: int
    shares: list[ShareOut]
    assigned: int


def _upload(text: str):
    if not text:
        return None
    try:
        return io.BytesIO(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise ValidationError({"photo_base64": "The photo is not valid base64."}) from None


@router.post("", response={201: ParcelOut, **WRITE_ERRORS}, summary="Register a parcel at the gate")
def parcel_register(request: HttpRequest, payload: RegisterIn):
    household = (
        area_get(user=request.user, pk=payload.household, perm=Perm.PARCEL_HANDLE)
        if payload.household
        else None
    )
    return Status(
        201,
        services.parcel_register(
            acting_user=request.user,
            household=household,
            code_payload=payload.code,
            description=payload.description,
            count=payload.count,
            weight_class=payload.weight_class,
            client_key=payload.client_key,
        ),
    )


@router.get("", response={200: ParcelPage, **READ_ERRORS}, summary="A site's parcels, by board column")
def parcel_list(request: HttpRequest, query: Query[ParcelQuery]):
    site = selectors.parcel_site(user=request.user, pk=query.site)
    board = selectors.parcel_board(
        user=request.user, site=site, column=query.state, rows=query.offset + query.limit + 1
    )
    return page_of(board.parcels, query)


@router.get("/board", response={200: BoardOut, **READ_ERRORS}, summary="Counts of a site's parcels per state")
def parcel_board(request: HttpRequest, site: IdParam | None = None):
    board = selectors.parcel_board(
        user=request.user, site=selectors.parcel_site(user=request.user, pk=site), rows=0
    )
    return {"site_id": board.site.pk, "counts": board.counts, "overdue": board.overdue}


@router.post("/disinfect", response={200: DisinfectOut, **WRITE_ERRORS}, summary="Record parcels disinfected")
def parcels_disinfect(request: HttpRequest, payload: IdsIn):
    return {"disinfected": services.parcels_disinfect(acting_user=request.user, parcel_ids=payload.ids)}


@router.post(
    "/{parcel_id}/deliver", response={200: ParcelOut, **WRITE_ERRORS}, summary="Confirm a parcel at the door"
)
def parcel_deliver(request: HttpRequest, parcel_id: IdParam, payload: DeliverIn):
    parcel = selectors.parcel_get(user=request.user, pk=parcel_id)
    return services.parcel_deliver(
        acting_user=request.user,
        parcel=parcel,
        code_payload=payload.code,
        photo=_upload(payload.photo_base64),
    )


@router.post(
    "/{parcel_id}/return", response={200: ParcelOut, **WRITE_ERRORS}, summary="Return a parcel to the gate"
)
def parcel_return(request: HttpRequest, parcel_id: IdParam, payload: ReturnIn):
    parcel = selectors.parcel_get(user=request.user, pk=parcel_id)
    return services.parcel_return(acting_user=request.user, parcel=parcel, reason=payload.reason)


@router.get(
    "/queue", response={200: QueueOut, **READ_ERRORS}, summary="A courier's queue by building and floor"
)
def courier_queue(request: HttpRequest, site: IdParam | None = None, block: IdParam | None = None):
    queue = selectors.courier_queue(
        user=request.user, site=selectors.parcel_site(user=request.user, pk=site), block_id=block
    )
    return {
        "site_id": queue.site.pk,
        "blocks": [
            {
                "block_id": b.block.pk,
                "name": b.block.name,
                "deliverable": b.deliverable,
                "holding": b.holding,
                "mine": b.mine,
            }
            for b in queue.blocks
        ],
        "block_id": queue.block.pk if queue.block else None,
        "parcels": [p for _floor, parcels in queue.floors for p in parcels],
    }


@router.post(
    "/split",
    response={200: SplitOut, **WRITE_ERRORS},
    summary="Split the deliverable parcels among volunteers",
)
def delivery_split(request: HttpRequest, payload: SplitIn):
    site = selectors.parcel_site(user=request.user, pk=payload.site)
    view = selectors.delivery_split(user=request.user, site=site, volunteer_ids=payload.volunteers)
    assigned = 0
    if payload.assign:
        assigned = services.delivery_split_assign(
            acting_user=request.user, compound=site, assignment=view.assignment()
        )
    return {
        "makespan_seconds": view.plan.makespan,
        "lower_bound_seconds": view.plan.lower_bound,
        "shares": [
            {
                "volunteer_id": s.volunteer,
                "load_seconds": s.load,
                "parcel_ids": [pk for j in s.jobs for pk in j.parcels],
            }
            for s in view.plan.shares
        ],
        "assigned": assigned,
    }
