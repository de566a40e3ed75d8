"""API: distribution campaigns (发放) — plan, allocation per leader, counts, issue, hand-over, doors,
returns and the reconciliation."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from firstline.accounts.roles import Perm
from firstline.api.pagination import PageQuery, page_of
from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PageOut
from firstline.api.types import Id, IdParam, Int, Text
from firstline.areas.selectors import area_get
from firstline.distribution import selectors, services
from firstline.distribution.models import Rule
from firstline.people.models import VulnerabilityTag
from firstline.supplies.selectors import item_get, warehouse_get

router = Router(tags=["distribution"])

BatchNumber = Annotated[int, Field(ge=1, le=20)]
Quantity = Text(16, min_length=1, description="A quantity such as 7.8 (at most two decimal places).")


class ItemIn(Schema):
    item_id: Id
    per_share: Quantity = Field(description="How much of the item one share is, e.g. 7.8 (jin of lettuce).")


class ListRowIn(Schema):
    household_id: Id
    shares: Quantity = "1"


class CampaignIn(Schema):
    name: Text(100, min_length=1)
    warehouse_id: Id
    items: list[ItemIn] = Field(min_length=1, max_length=20)
    rule: Rule = Rule.HOUSEHOLD
    tags: list[VulnerabilityTag] = Field(default_factory=list, max_length=10)
    scope_ids: list[Id] = Field(
        min_length=1, max_length=200, description="Communities, compounds or buildings."
    )
    batches: list[list[Id]] | None = Field(
        None, max_length=20, description="Building ids batch by batch, in the order the leaders agreed."
    )
    batch_count: Int(1, 20) = 1
    fixed: list[ListRowIn] = Field(default_factory=list, max_length=200_000, description="For the list rule.")
    note: Text(300) = ""


class BatchOut(Schema):
    number: int
    status: str
    issued_at: dt.datetime | None


class CampaignOut(Schema):
    id: int
    name: str
    warehouse_id: int
    warehouse: str
    rule: Rule
    status: str
    created_at: dt.datetime
    batches: list[BatchOut]

    @staticmethod
    def resolve_warehouse(obj) -> str:
        return obj.warehouse.name

    @staticmethod
    def resolve_batches(obj) -> list:
        return list(obj.batches.all())


class CampaignPage(PageOut):
    items: list[CampaignOut]


class AllocationOut(Schema):
    id: int
    building_id: int
    building: str
    stairwell: str
    batch: int
    building_leader: str | None = Field(
        description="None: the building has no leader; the compound's staff hand it out."
    )
    unit_leader: str | None
    households: int
    shares: Decimal
    confirmed_households: int | None
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    handed_to: str | None
    handed_at: dt.datetime | None


def _allocation_out(a) -> dict:
    return {
        "id": a.pk,
        "building_id": a.building_id,
        "building": a.building.name,
        "stairwell": a.stairwell.name,
        "batch": a.batch.number,
        "building_leader": a.building_leader.username if a.building_leader_id else None,
        "unit_leader": a.unit_leader.username if a.unit_leader_id else None,
        "households": a.households,
        "shares": a.units,
        "confirmed_households": a.confirmed_households,
        "confirmed_by": a.confirmed_by.username if a.confirmed_by_id else None,
        "confirmed_at": a.confirmed_at,
        "handed_to": a.handed_to.username if a.handed_to_id else None,
        "handed_at": a.handed_at,
    }


class ConfirmIn(Schema):
    households: Int(0, 10000)


class HandoverOut(Schema):
    stairwells: int


class ReceiptIn(Schema):
    household: Id
    outcome: Literal["delivered", "not_home", "refused"]
    client_key: Text(64) = Field(
        "", description="The phone's key for this try: a retry records nothing twice."
    )


class ReceiptsIn(Schema):
    receipts: list[ReceiptIn] = Field(min_length=1, max_length=20_000)


class RejectedOut(Schema):
    household: int
    reason: Literal[
        "not_in_campaign", "not_handed_over", "already_delivered", "returned", "client_key_reused"
    ]


class ReceiptsOut(Schema):
    recorded: int
    delivered: int
    not_home: int
    refused: int
    replayed: int = Field(description="Tries already recorded under the same client key.")
    rejected: list[RejectedOut]


class ReturnIn(Schema):
    batch: Int(1, 20) | None = None
    building_id: Id | None = None


class ReturnOut(Schema):
    shares: Decimal


class StepsOut(Schema):
    due: Decimal
    issued: Decimal
    handed: Decimal
    delivered: Decimal
    returned: Decimal
    with_leaders: Decimal


class ItemTotalOut(StepsOut):
    item: str
    unit: str
    per_share: Decimal
    ledger_issued: Decimal
    ledger_returned: Decimal
    reconciled: bool


class PlaceTotalOut(StepsOut):
    name: str
    households: int
    delivered_households: int
    not_home: int
    refused: int


class ReconciliationOut(Schema):
    reconciled: bool
    items: list[ItemTotalOut]
    buildings: list[PlaceTotalOut]
    batches: list[PlaceTotalOut]


def _q(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _steps(tally) -> dict:
    return {
        "due": _q(tally.due),
        "issued": _q(tally.issued),
        "handed": _q(tally.handed),
        "delivered": _q(tally.delivered),
        "returned": _q(tally.returned),
        "with_leaders": _q(tally.with_leaders),
        "households": tally.households,
        "delivered_households": tally.delivered_households,
        "not_home": tally.not_home,
        "refused": tally.refused,
    }


@router.post("", response={201: CampaignOut, **WRITE_ERRORS}, summary="Plan a campaign and its shares")
def campaign_create(request: HttpRequest, payload: CampaignIn):
    user = request.user
    warehouse = warehouse_get(user, payload.warehouse_id, Perm.SUPPLY_MANAGE)
    items = [(item_get(row.item_id), row.per_share) for row in payload.items]
    scope = [area_get(user=user, pk=pk, perm=Perm.SUPPLY_MANAGE) for pk in payload.scope_ids]
    fixed = []
    if payload.fixed:
        doors = selectors.households_by_id(row.household_id for row in payload.fixed)
        for number, row in enumerate(payload.fixed, start=1):
            if row.household_id not in doors:
                raise ValidationError({f"fixed.{number}": _("No such household.")})
            fixed.append((doors[row.household_id], row.shares))
    campaign = services.campaign_create(
        acting_user=user,
        name=payload.name,
        warehouse=warehouse,
        items=items,
        rule=payload.rule,
        scope=scope,
        batches=payload.batches,
        batch_count=payload.batch_count,
        tags=list(payload.tags),
        fixed=fixed,
        note=payload.note,
    )
    return Status(201, campaign)


@router.get("", response={200: CampaignPage, **READ_ERRORS}, summary="Campaigns of the caller's areas")
def campaign_list(request: HttpRequest, query: Query[PageQuery]):
    rows = selectors.campaigns_visible(request.user).prefetch_related("batches")
    return page_of(rows, query)


@router.get("/{campaign_id}", response={200: CampaignOut, **READ_ERRORS}, summary="One campaign")
def campaign_detail(request: HttpRequest, campaign_id: IdParam):
    return selectors.campaign_get(request.user, campaign_id)


@router.get(
    "/{campaign_id}/allocation",
    response={200: list[AllocationOut], **READ_ERRORS},
    summary="What each building leader and unit leader receives, stairwell by stairwell",
)
def campaign_allocation(request: HttpRequest, campaign_id: IdParam):
    campaign = selectors.campaign_get(request.user, campaign_id)
    return [_allocation_out(a) for a in selectors.allocations_visible(request.user, campaign)]


@router.post(
    "/{campaign_id}/allocation/{allocation_id}/confirm",
    response={200: AllocationOut, **WRITE_ERRORS},
    summary="A leader confirms (or corrects) their stairwell's household count",
)
def allocation_confirm(
    request: HttpRequest, campaign_id: IdParam, allocation_id: IdParam, payload: ConfirmIn
):
    campaign = selectors.campaign_get(request.user, campaign_id)
    allocation = selectors.allocation_get(request.user, campaign, allocation_id, Perm.SUPPLY_VIEW)
    services.allocation_confirm(
        acting_user=request.user, allocation=allocation, households=payload.households
    )
    return _allocation_out(selectors.allocation_full(allocation.pk))


@router.post(
    "/{campaign_id}/batches/{number}/issue",
    response={200: BatchOut, **WRITE_ERRORS},
    summary="Issue a batch from the warehouse: one stock movement per item",
)
def batch_issue(request: HttpRequest, campaign_id: IdParam, number: BatchNumber):
    campaign = selectors.campaign_get(request.user, campaign_id)
    return services.batch_issue(acting_user=request.user, batch=selectors.batch_get(campaign, number))


@router.post(
    "/{campaign_id}/buildings/{building_id}/handover",
    response={200: HandoverOut, **WRITE_ERRORS},
    summary="Hand a building's issued shares to its leader",
)
def building_handover(request: HttpRequest, campaign_id: IdParam, building_id: IdParam):
    campaign = selectors.campaign_get(request.user, campaign_id)
    building = selectors.building_get(request.user, campaign, building_id, Perm.SUPPLY_VIEW)
    handed = services.building_handover(acting_user=request.user, campaign=campaign, building=building)
    return {"stairwells": handed}


@router.post(
    "/{campaign_id}/receipts",
    response={200: ReceiptsOut, **WRITE_ERRORS},
    summary="Record doors: delivered, not at home or refused (a list, retried safely with client keys)",
)
def receipts_record(request: HttpRequest, campaign_id: IdParam, payload: ReceiptsIn):
    campaign = selectors.campaign_get(request.user, campaign_id)
    return services.receipts_record(
        acting_user=request.user, campaign=campaign, entries=[row.dict() for row in payload.receipts]
    )


@router.post(
    "/{campaign_id}/return",
    response={200: ReturnOut, **WRITE_ERRORS},
    summary="Return undelivered shares (of a batch or a building, or all) to stock",
)
def shares_return(request: HttpRequest, campaign_id: IdParam, payload: ReturnIn):
    campaign = selectors.campaign_get(request.user, campaign_id)
    batch = selectors.batch_get(campaign, payload.batch) if payload.batch else None
    building = (
        selectors.building_get(request.user, campaign, payload.building_id, Perm.SUPPLY_VIEW)
        if payload.building_id
        else None
    )
    units = services.shares_return(
        acting_user=request.user, campaign=campaign, batch=batch, building=building
    )
    return {"shares": units}


@router.get(
    "/{campaign_id}/reconciliation",
    response={200: ReconciliationOut, **READ_ERRORS},
    summary="Issued = handed = delivered + returned + still with leaders, per item, building and batch",
)
def campaign_reconciliation(request: HttpRequest, campaign_id: IdParam):
    campaign = selectors.campaign_get(request.user, campaign_id)
    report = selectors.campaign_reconciliation(campaign)
    return {
        "reconciled": report.reconciled,
        "items": [
            {
                "item": i.name,
                "unit": i.unit,
                "per_share": i.per_unit,
                "due": (report.total.due * i.per_unit).quantize(Decimal("0.01")),
                "issued": i.issued,
                "handed": i.handed,
                "delivered": i.delivered,
                "returned": i.returned,
                "with_leaders": i.with_leaders,
                "ledger_issued": i.ledger_issued,
                "ledger_returned": i.ledger_returned,
                "reconciled": i.reconciled,
            }
            for i in report.items
        ],
        "buildings": [{"name": row.name, **_steps(row.tally)} for row in report.buildings],
        "batches": [{"name": str(batch.number), **_steps(tally)} for batch, tally in report.batches],
    }
