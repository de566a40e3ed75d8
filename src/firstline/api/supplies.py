"""API: supplies (物资) — items, warehouses and their stock, the one ledger (paged), posting a
movement, transfers, minimum levels, stock-takes, donors and donations, resupply requests (list,
send, receive, cancel) and a sampling point's usage.

Quantities travel as text ("120000", "12.5"): a decimal of at most two places, never a float.
Every write goes through a service that checks the caller's rights on the warehouse's area and
writes its audit row; errors are mapped once in `api/root.py`.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from firstline.accounts.roles import Perm
from firstline.api.pagination import PageQuery, page_of
from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PageOut
from firstline.api.types import Flag, Id, IdParam, Text
from firstline.areas.selectors import area_get
from firstline.common.identity import mask_phone
from firstline.supplies import selectors, services
from firstline.supplies.models import (
    AdjustReason,
    Category,
    DonorKind,
    MovementKind,
    ResupplyStatus,
    Unit,
)
from firstline.testing.rounds.selectors import point_get

router = Router(tags=["supplies"])

Quantity = Text(20, min_length=1, description='A quantity as text: "120000", "12.5" (two places at most).')
Signed = Text(21, min_length=1, description='A signed quantity as text for an adjustment: "-2", "5".')


def _q(value: Decimal) -> str:
    return services.fmt_quantity(value)


class ItemOut(Schema):
    id: int
    name: str
    unit: Unit
    category: Category


class StockOut(Schema):
    warehouse_id: int
    item_id: int
    item_name: str
    unit: Unit
    quantity: str
    minimum: str
    target: str
    below_minimum: bool

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.item.unit

    @staticmethod
    def resolve_quantity(obj) -> str:
        return _q(obj.quantity)

    @staticmethod
    def resolve_minimum(obj) -> str:
        return _q(obj.minimum)

    @staticmethod
    def resolve_target(obj) -> str:
        return _q(obj.target)


class WarehouseOut(Schema):
    id: int
    name: str
    area_id: int
    area_name: str
    sampling_point_id: int | None
    location: str
    below_minimum: int = Field(description="How many items are under their minimum level.")

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_below_minimum(obj) -> int:
        return obj.below


class MovementOut(Schema):
    id: int
    warehouse_id: int
    item_id: int
    item_name: str
    kind: MovementKind
    quantity: str = Field(description="Signed: a receipt adds, an issue takes away.")
    balance_after: str
    reason: str
    note: str
    ref_type: str
    ref_id: str
    counterpart_id: int | None
    moved_at: dt.datetime

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_quantity(obj) -> str:
        return _q(obj.quantity)

    @staticmethod
    def resolve_balance_after(obj) -> str:
        return _q(obj.balance_after)


class MovementPage(PageOut):
    items: list[MovementOut]


class LedgerQuery(PageQuery):
    item_id: IdParam | None = Field(None, description="Only this item's movements.")


class MovementIn(Schema):
    item_id: Id
    kind: MovementKind = Field(
        description="receipt, issue, return or adjustment (transfers: POST /transfers)."
    )
    quantity: Signed
    reason: AdjustReason | None = Field(None, description="Required for an adjustment.")
    note: Text(300) = ""


class TransferIn(Schema):
    source_id: Id
    target_id: Id
    item_id: Id
    quantity: Quantity
    note: Text(300) = ""


class TransferOut(Schema):
    out: MovementOut
    into: MovementOut


class LevelsIn(Schema):
    item_id: Id
    minimum: Quantity
    target: Quantity = "0"


class CountIn(Schema):
    item_id: Id
    counted: Quantity
    reason: AdjustReason | None = None


class StockTakeIn(Schema):
    counts: list[CountIn] = Field(min_length=1, max_length=500)
    disinfected: Flag = False
    note: Text(300) = ""


class StockTakeLineOut(Schema):
    item_id: int
    expected: str
    counted: str
    variance: str
    reason: str

    @staticmethod
    def resolve_expected(obj) -> str:
        return _q(obj.expected)

    @staticmethod
    def resolve_counted(obj) -> str:
        return _q(obj.counted)

    @staticmethod
    def resolve_variance(obj) -> str:
        return _q(obj.variance)


class StockTakeOut(Schema):
    id: int
    warehouse_id: int
    counted_at: dt.datetime
    disinfected: bool
    note: str
    lines: list[StockTakeLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class StockTakePage(PageOut):
    items: list[StockTakeOut]


class DonorOut(Schema):
    id: int
    kind: DonorKind
    name: str
    contact_person: str
    phone_masked: str

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


class DonorIn(Schema):
    area_id: Id
    kind: DonorKind
    name: Text(100, min_length=1)
    contact_person: Text(60) = ""
    phone: Text(20) = ""


class LineIn(Schema):
    item_id: Id
    quantity: Quantity


class DonationIn(Schema):
    donor_id: Id
    warehouse_id: Id
    lines: list[LineIn] = Field(min_length=1, max_length=100)
    note: Text(300) = ""


class DonationLineOut(Schema):
    item_id: int
    item_name: str
    quantity: str

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_quantity(obj) -> str:
        return _q(obj.quantity)


class DonationOut(Schema):
    id: int
    donor_id: int
    donor_name: str
    warehouse_id: int
    received_at: dt.datetime
    note: str
    lines: list[DonationLineOut]

    @staticmethod
    def resolve_donor_name(obj) -> str:
        return obj.donor.name

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class DonationPage(PageOut):
    items: list[DonationOut]


class ResupplyOut(Schema):
    id: int
    warehouse_id: int
    warehouse_name: str
    supplier_id: int | None
    item_id: int
    item_name: str
    quantity: str
    status: ResupplyStatus
    raised_at: dt.datetime
    sent_at: dt.datetime | None
    received_at: dt.datetime | None

    @staticmethod
    def resolve_warehouse_name(obj) -> str:
        return obj.warehouse.name

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_quantity(obj) -> str:
        return _q(obj.quantity)


class ResupplyPage(PageOut):
    items: list[ResupplyOut]


class ResupplyQuery(PageQuery):
    status: ResupplyStatus | None = None


class ResupplySendIn(Schema):
    quantity: Quantity | None = Field(None, description="What is sent; the quantity asked for when left out.")


class CancelIn(Schema):
    note: Text(300) = ""


class UsageIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    note: Text(300) = ""


class ItemIn(Schema):
    name: Text(60, min_length=1)
    unit: Unit
    category: Category = Category.OTHER


class WarehouseIn(Schema):
    area_id: Id = Field(description="The street, community, village or compound it serves.")
    name: Text(100, min_length=1)
    location: Text(200) = ""
    sampling_point_id: Id | None = Field(None, description="For a sampling point's own store.")


# --------------------------------------------------------------------------------------------- reads


@router.get("/items", response={200: list[ItemOut], **READ_ERRORS}, summary="The catalogue of items")
def item_list(request: HttpRequest):
    return list(selectors.items_all())


@router.get(
    "/warehouses",
    response={200: list[WarehouseOut], **READ_ERRORS},
    summary="Warehouses in the caller's areas",
)
def warehouse_list(request: HttpRequest):
    return selectors.warehouses_with_stock(request.user)


@router.get(
    "/warehouses/{warehouse_id}/stock",
    response={200: list[StockOut], **READ_ERRORS},
    summary="A warehouse's stock with its minimum levels",
)
def stock_list(request: HttpRequest, warehouse_id: IdParam):
    warehouse = selectors.warehouse_get(request.user, warehouse_id)
    return selectors.stock_of(warehouse)


@router.get(
    "/warehouses/{warehouse_id}/ledger",
    response={200: MovementPage, **READ_ERRORS},
    summary="A warehouse's ledger, newest first",
)
def ledger(request: HttpRequest, warehouse_id: IdParam, query: Query[LedgerQuery]):
    warehouse = selectors.warehouse_get(request.user, warehouse_id)
    return page_of(selectors.ledger_of(warehouse, item_id=query.item_id), query)


@router.get(
    "/warehouses/{warehouse_id}/stock-takes",
    response={200: StockTakePage, **READ_ERRORS},
    summary="A warehouse's stock-takes, newest first",
)
def stock_take_list(request: HttpRequest, warehouse_id: IdParam, query: Query[PageQuery]):
    selectors.warehouse_get(request.user, warehouse_id)
    return page_of(selectors.stock_takes_of(request.user, warehouse_id), query)


@router.get("/donors", response={200: list[DonorOut], **READ_ERRORS}, summary="Donors (phones masked)")
def donor_list(request: HttpRequest):
    return list(selectors.donors_visible(request.user)[:1000])


@router.get("/donations", response={200: DonationPage, **READ_ERRORS}, summary="Donations, newest first")
def donation_list(request: HttpRequest, query: Query[PageQuery]):
    return page_of(selectors.donations_visible(request.user), query)


@router.get(
    "/resupply",
    response={200: ResupplyPage, **READ_ERRORS},
    summary="Resupply requests of the caller's warehouses and those asked of them",
)
def resupply_list(request: HttpRequest, query: Query[ResupplyQuery]):
    requests = selectors.resupply_visible(request.user)
    if query.status:
        requests = requests.filter(status=query.status)
    return page_of(requests, query)


# -------------------------------------------------------------------------------------------- writes


@router.post("/items", response={201: ItemOut, **WRITE_ERRORS}, summary="Add an item to the catalogue")
def item_create(request: HttpRequest, payload: ItemIn):
    return Status(
        201,
        services.item_create(
            acting_user=request.user, name=payload.name, unit=payload.unit, category=payload.category
        ),
    )


@router.post("/warehouses", response={201: WarehouseOut, **WRITE_ERRORS}, summary="Open a warehouse")
def warehouse_create(request: HttpRequest, payload: WarehouseIn):
    area = area_get(user=request.user, pk=payload.area_id, perm=Perm.SUPPLY_VIEW)
    point = None
    if payload.sampling_point_id is not None:
        point = point_get(user=request.user, pk=payload.sampling_point_id)
    store = services.warehouse_create(
        acting_user=request.user,
        area=area,
        name=payload.name,
        location=payload.location,
        sampling_point=point,
    )
    store.below = 0
    return Status(201, store)


@router.post(
    "/warehouses/{warehouse_id}/movements",
    response={201: MovementOut, **WRITE_ERRORS},
    summary="Post a receipt, issue, return or adjustment",
)
def movement_post(request: HttpRequest, warehouse_id: IdParam, payload: MovementIn):
    warehouse = selectors.warehouse_get(request.user, warehouse_id)
    if payload.kind in (MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT):
        raise ValidationError({"kind": "Post a transfer with POST /supplies/transfers."})
    movement = services.stock_post(
        acting_user=request.user,
        warehouse=warehouse,
        item=selectors.item_get(payload.item_id),
        kind=payload.kind,
        quantity=payload.quantity,
        reason=payload.reason or "",
        note=payload.note,
    )
    return Status(201, movement)


@router.post(
    "/transfers", response={201: TransferOut, **WRITE_ERRORS}, summary="Move stock between warehouses"
)
def transfer(request: HttpRequest, payload: TransferIn):
    out, into = services.stock_transfer(
        acting_user=request.user,
        source=selectors.warehouse_get(request.user, payload.source_id),
        target=selectors.warehouse_get(request.user, payload.target_id),
        item=selectors.item_get(payload.item_id),
        quantity=payload.quantity,
        note=payload.note,
    )
    return Status(201, {"out": out, "into": into})


@router.put(
    "/warehouses/{warehouse_id}/levels",
    response={200: StockOut, **WRITE_ERRORS},
    summary="Set an item's minimum level and what a resupply fills up to",
)
def levels_set(request: HttpRequest, warehouse_id: IdParam, payload: LevelsIn):
    return services.stock_levels_set(
        acting_user=request.user,
        warehouse=selectors.warehouse_get(request.user, warehouse_id),
        item=selectors.item_get(payload.item_id),
        minimum=payload.minimum,
        target=payload.target,
    )


@router.post(
    "/warehouses/{warehouse_id}/stock-takes",
    response={201: StockTakeOut, **WRITE_ERRORS},
    summary="Record a stock-take: each difference is posted with its reason",
)
def stock_take(request: HttpRequest, warehouse_id: IdParam, payload: StockTakeIn):
    take = services.stock_take_record(
        acting_user=request.user,
        warehouse=selectors.warehouse_get(request.user, warehouse_id),
        counts=[services.CountIn(c.item_id, c.counted, c.reason or "") for c in payload.counts],
        disinfected=payload.disinfected,
        note=payload.note,
    )
    return Status(201, take)


@router.post(
    "/warehouses/{warehouse_id}/usage",
    response={201: list[MovementOut], **WRITE_ERRORS},
    summary="A sampling point's usage at the end of a session",
)
def usage_report(request: HttpRequest, warehouse_id: IdParam, payload: UsageIn):
    movements = services.sampling_usage_report(
        acting_user=request.user,
        warehouse=selectors.warehouse_get(request.user, warehouse_id),
        lines=[services.LineIn(line.item_id, line.quantity) for line in payload.lines],
        note=payload.note,
    )
    return Status(201, movements)


@router.post("/donors", response={201: DonorOut, **WRITE_ERRORS}, summary="Add a donor")
def donor_create(request: HttpRequest, payload: DonorIn):
    donor = services.donor_create(
        acting_user=request.user,
        area=area_get(user=request.user, pk=payload.area_id, perm=Perm.SUPPLY_VIEW),
        kind=payload.kind,
        name=payload.name,
        contact_person=payload.contact_person,
        phone=payload.phone,
    )
    return Status(201, donor)


@router.post(
    "/donations", response={201: DonationOut, **WRITE_ERRORS}, summary="Receive a donation into a warehouse"
)
def donation_receive(request: HttpRequest, payload: DonationIn):
    donation = services.donation_receive(
        acting_user=request.user,
        donor=selectors.donor_get(request.user, payload.donor_id),
        warehouse=selectors.warehouse_get(request.user, payload.warehouse_id),
        lines=[services.LineIn(line.item_id, line.quantity) for line in payload.lines],
        note=payload.note,
    )
    return Status(201, selectors.donation_get(request.user, donation.pk))


@router.post(
    "/resupply/{request_id}/send",
    response={200: ResupplyOut, **WRITE_ERRORS},
    summary="Ship a resupply request from the upper warehouse",
)
def resupply_send(request: HttpRequest, request_id: IdParam, payload: ResupplySendIn):
    return services.resupply_send(
        acting_user=request.user,
        request=selectors.resupply_get(request.user, request_id),
        quantity=payload.quantity,
    )


@router.post(
    "/resupply/{request_id}/receive",
    response={200: ResupplyOut, **WRITE_ERRORS},
    summary="Take a sent resupply into the requesting warehouse",
)
def resupply_receive(request: HttpRequest, request_id: IdParam):
    return services.resupply_receive(
        acting_user=request.user, request=selectors.resupply_get(request.user, request_id)
    )


@router.post(
    "/resupply/{request_id}/cancel",
    response={200: ResupplyOut, **WRITE_ERRORS},
    summary="Withdraw an open resupply request",
)
def resupply_cancel(request: HttpRequest, request_id: IdParam, payload: CancelIn):
    return services.resupply_cancel(
        acting_user=request.user, request=selectors.resupply_get(request.user, request_id), note=payload.note
    )
