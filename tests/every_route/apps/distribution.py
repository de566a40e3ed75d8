"""Distribution's rows of the every-route matrix: campaign pages and /api/v1/distributions.

Staff and the coordinator plan, issue, hand over, return and export; a leader (1号楼 and 2号楼)
sees the campaigns serving their buildings, confirms counts and marks doors there, but issues,
hands over, returns and exports nothing (403 inside, 404 outside); a volunteer of P1 holds the
supply rights of a leader on the compound; the lab, a resident and anonymous have none."""

import uuid

from firstline.distribution.models import Allocation, Batch
from firstline.distribution.services import batch_issue, building_handover
from firstline.supplies.models import Category, Item, MovementKind, Unit, Warehouse
from firstline.supplies.services import stock_post
from tests.factories.distribution import lettuce_campaign


def build(side, *, world, staff, tag) -> dict:
    """Three campaigns of the side's compound: one planned, one issued, one handed over (the side's
    building first, in batch 1)."""
    warehouse = Warehouse.objects.create(name=f"{tag}库房", area=side.community)
    item, _ = Item.objects.get_or_create(
        name="生菜", unit=Unit.JIN, defaults={"category": Category.VEGETABLES}
    )
    stock_post(acting_user=staff, warehouse=warehouse, item=item, kind=MovementKind.RECEIPT, quantity="10000")
    campaigns = [
        lettuce_campaign(acting_user=staff, warehouse=warehouse, item=item, scope=[side.building])
        for _ in range(3)
    ]
    planned, issued, running = campaigns
    for campaign in (issued, running):
        batch_issue(acting_user=staff, batch=Batch.objects.select_related("campaign").get(campaign=campaign))
    building_handover(acting_user=staff, campaign=running, building=side.building)
    return {
        "dist_warehouse": warehouse,
        "dist_item": item,
        "dist_planned": planned,
        "dist_issued": issued,
        "dist_running": running,
        "dist_stairwell": Allocation.objects.filter(campaign=running).order_by("position").first(),
    }


def _door(s) -> dict:
    return {"household": s.household.pk, "outcome": "delivered", "client_key": uuid.uuid4().hex}


WEB_PATHS = {
    "web:distribution_list": lambda s: "/distributions/",
    "web:distribution_new": lambda s: "/distributions/new/",
    "web:distribution_detail": lambda s: f"/distributions/{s.dist_running.pk}/",
    "web:distribution_issue": lambda s: f"/distributions/{s.dist_planned.pk}/batches/1/issue/",
    "web:distribution_handover": lambda s: (
        f"/distributions/{s.dist_issued.pk}/buildings/{s.building.pk}/handover/"
    ),
    "web:distribution_return": lambda s: f"/distributions/{s.dist_running.pk}/return/",
    "web:distribution_export": lambda s: f"/distributions/{s.dist_running.pk}/export/",
    "web:distribution_doors": lambda s: f"/distributions/{s.dist_running.pk}/buildings/{s.building.pk}/",
    "web:distribution_door": lambda s: f"/distributions/{s.dist_running.pk}/buildings/{s.building.pk}/door/",
    "web:distribution_confirm": lambda s: (
        f"/distributions/{s.dist_running.pk}/stairwells/{s.dist_stairwell.pk}/confirm/"
    ),
}

WEB_POSTS = {
    "web:distribution_new": lambda s: {
        "name": "新发放",
        "warehouse": s.dist_warehouse.pk,
        "item_1": s.dist_item.pk,
        "quantity_1": "7.8",
        "scope": [s.compound.pk],
    },
    "web:distribution_door": _door,
    "web:distribution_confirm": lambda s: {"households": "5"},
}

API_CALLS = {
    ("POST", "/api/v1/distributions"): lambda s: (
        "/api/v1/distributions",
        {
            "name": "新发放",
            "warehouse_id": s.dist_warehouse.pk,
            "items": [{"item_id": s.dist_item.pk, "per_share": "7.8"}],
            "scope_ids": [s.building.pk],
        },
    ),
    ("GET", "/api/v1/distributions"): lambda s: ("/api/v1/distributions", None),
    ("GET", "/api/v1/distributions/{campaign_id}"): lambda s: (
        f"/api/v1/distributions/{s.dist_running.pk}",
        None,
    ),
    ("GET", "/api/v1/distributions/{campaign_id}/allocation"): lambda s: (
        f"/api/v1/distributions/{s.dist_running.pk}/allocation",
        None,
    ),
    ("POST", "/api/v1/distributions/{campaign_id}/allocation/{allocation_id}/confirm"): lambda s: (
        f"/api/v1/distributions/{s.dist_running.pk}/allocation/{s.dist_stairwell.pk}/confirm",
        {"households": 5},
    ),
    ("POST", "/api/v1/distributions/{campaign_id}/batches/{number}/issue"): lambda s: (
        f"/api/v1/distributions/{s.dist_planned.pk}/batches/1/issue",
        {},
    ),
    ("POST", "/api/v1/distributions/{campaign_id}/buildings/{building_id}/handover"): lambda s: (
        f"/api/v1/distributions/{s.dist_issued.pk}/buildings/{s.building.pk}/handover",
        {},
    ),
    ("POST", "/api/v1/distributions/{campaign_id}/receipts"): lambda s: (
        f"/api/v1/distributions/{s.dist_running.pk}/receipts",
        {"receipts": [_door(s)]},
    ),
    ("POST", "/api/v1/distributions/{campaign_id}/return"): lambda s: (
        f"/api/v1/distributions/{s.dist_running.pk}/return",
        {},
    ),
    ("GET", "/api/v1/distributions/{campaign_id}/reconciliation"): lambda s: (
        f"/api/v1/distributions/{s.dist_running.pk}/reconciliation",
        None,
    ),
}

# route: coordinator | staff | leader | volunteer | lab | resident | outsider | anonymous
EXPECTED = {
    "web:distribution_list GET": (
        "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L"
    ),
    "web:distribution_list POST": (
        "200 200 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 200 200 | 302L 302L"
    ),
    "web:distribution_new GET": (
        "200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 200 200 | 302L 302L"
    ),
    "web:distribution_new POST": (
        "302 302 | 302 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 302 | 302L 302L"
    ),
    "web:distribution_detail GET": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L"
    ),
    "web:distribution_detail POST": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L"
    ),
    "web:distribution_issue GET": (
        "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L"
    ),
    "web:distribution_issue POST": (
        "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L"
    ),
    "web:distribution_handover GET": (
        "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L"
    ),
    "web:distribution_handover POST": (
        "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L"
    ),
    "web:distribution_return GET": (
        "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L"
    ),
    "web:distribution_return POST": (
        "302 302 | 302 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 302 | 302L 302L"
    ),
    "web:distribution_export GET": (
        "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L"
    ),
    "web:distribution_export POST": (
        "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 302L 302L"
    ),
    "web:distribution_doors GET": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L"
    ),
    "web:distribution_doors POST": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 302L 302L"
    ),
    "web:distribution_door GET": (
        "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L"
    ),
    "web:distribution_door POST": (
        "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L"
    ),
    "web:distribution_confirm GET": (
        "405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 302L 302L"
    ),
    "web:distribution_confirm POST": (
        "302 302 | 302 404 | 302 404 | 302 404 | 404 404 | 404 404 | 404 302 | 302L 302L"
    ),
    "POST /api/v1/distributions": (
        "201 201 | 201 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 201 | 401 401"
    ),
    "GET /api/v1/distributions": (
        "200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 401 401"
    ),
    "GET /api/v1/distributions/{campaign_id}": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "GET /api/v1/distributions/{campaign_id}/allocation": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "POST /api/v1/distributions/{campaign_id}/allocation/{allocation_id}/confirm": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "POST /api/v1/distributions/{campaign_id}/batches/{number}/issue": (
        "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "POST /api/v1/distributions/{campaign_id}/buildings/{building_id}/handover": (
        "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "POST /api/v1/distributions/{campaign_id}/receipts": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "POST /api/v1/distributions/{campaign_id}/return": (
        "200 200 | 200 404 | 403 404 | 403 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
    "GET /api/v1/distributions/{campaign_id}/reconciliation": (
        "200 200 | 200 404 | 200 404 | 200 404 | 404 404 | 404 404 | 404 200 | 401 401"
    ),
}
