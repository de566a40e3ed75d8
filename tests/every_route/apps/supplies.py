"""Supplies rows of the every-route matrix: warehouses of C1 and C2 (each asks the street's store
for masks, and has rice on the way from it), a sampling point's store in P1 and P2, a donor and a
donation received into each community's store.

Who: staff and the coordinator run their warehouses; the coordinator alone ships from the street's
store; a leader's buildings hold no warehouse (their lists are empty, a record 404); a volunteer sees
the store of their compound's sampling point and reports what it used, and nothing else; a lab or a
resident has no supplies work (the pages are 404, the API's lists empty).
"""

from firstline.supplies.models import MovementKind, ResupplyRequest, Warehouse
from firstline.supplies.services import (
    LineIn,
    donation_receive,
    donor_create,
    resupply_send,
    stock_levels_set,
    stock_post,
)
from tests.factories.supplies import item


def build(side, *, world, staff, tag) -> dict:
    street, _new = Warehouse.objects.get_or_create(area=world.street, name="S街道物资库")
    coordinator = world.coordinator
    oil, masks, rice, swabs = item("oil"), item("masks"), item("rice"), item("swabs")
    for it in (masks, rice):
        stock_post(
            acting_user=coordinator, warehouse=street, item=it, kind=MovementKind.RECEIPT, quantity=100
        )
    store = Warehouse.objects.create(area=side.community, name=f"{tag}社区库房")
    for it, quantity in ((oil, 40), (masks, 12), (rice, 5)):
        stock_post(acting_user=staff, warehouse=store, item=it, kind=MovementKind.RECEIPT, quantity=quantity)
    stock_levels_set(acting_user=staff, warehouse=store, item=masks, minimum=20, target=60)
    stock_levels_set(acting_user=staff, warehouse=store, item=rice, minimum=10, target=30)
    open_request = ResupplyRequest.objects.get(warehouse=store, item=masks)
    sent_request = resupply_send(
        acting_user=coordinator, request=ResupplyRequest.objects.get(warehouse=store, item=rice)
    )
    point_store = Warehouse.objects.create(
        area=side.compound, name=f"{tag}采样点物资", sampling_point=side.point
    )
    stock_post(acting_user=staff, warehouse=point_store, item=swabs, kind=MovementKind.RECEIPT, quantity=100)
    donor = donor_create(
        acting_user=staff, area=side.community, kind="firm", name=f"{tag}超市", phone="13800138000"
    )
    donation = donation_receive(acting_user=staff, donor=donor, warehouse=store, lines=[LineIn(oil.pk, "20")])
    return {
        "store": store,
        "point_store": point_store,
        "open_request": open_request,
        "sent_request": sent_request,
        "donor": donor,
        "donation": donation,
        "oil": oil,
        "swabs": swabs,
    }


WEB_PATHS = {
    "web:supplies_warehouses": lambda s: "/supplies/",
    "web:supplies_warehouse": lambda s: f"/supplies/warehouses/{s.store.pk}/",
    "web:supplies_ledger_export": lambda s: f"/supplies/warehouses/{s.store.pk}/ledger.xlsx",
    "web:supplies_stocktake": lambda s: f"/supplies/warehouses/{s.store.pk}/stock-take/",
    "web:supplies_usage": lambda s: f"/supplies/warehouses/{s.point_store.pk}/usage/",
    "web:supplies_donations": lambda s: "/supplies/donations/",
    "web:supplies_donation_add": lambda s: "/supplies/donations/new/",
    "web:supplies_donation_letter": lambda s: f"/supplies/donations/{s.donation.pk}/letter/",
    "web:supplies_resupply": lambda s: "/supplies/resupply/",
    "web:supplies_resupply_act": lambda s: f"/supplies/resupply/{s.open_request.pk}/",
}

WEB_POSTS = {
    "web:supplies_warehouses": lambda s: {"action": "warehouse", "area": s.compound.pk, "name": "小区物资点"},
    "web:supplies_warehouse": lambda s: {"action": "receive", "item": s.oil.pk, "quantity": "5"},
    "web:supplies_stocktake": lambda s: {f"counted-{s.oil.pk}": "58", f"reason-{s.oil.pk}": "found"},
    "web:supplies_usage": lambda s: {f"used-{s.swabs.pk}": "3"},
    "web:supplies_donation_add": lambda s: {
        "donor": s.donor.pk,
        "warehouse": s.store.pk,
        "item-0": s.oil.pk,
        "quantity-0": "10",
    },
    "web:supplies_resupply_act": lambda s: {"action": "cancel"},
}

_W = "/api/v1/supplies/warehouses/{warehouse_id}"
API_CALLS = {
    ("GET", "/api/v1/supplies/items"): lambda s: ("/api/v1/supplies/items", None),
    ("GET", "/api/v1/supplies/warehouses"): lambda s: ("/api/v1/supplies/warehouses", None),
    ("POST", "/api/v1/supplies/items"): lambda s: (
        "/api/v1/supplies/items",
        {"name": "84消毒液", "unit": "bottle", "category": "disinfectant"},
    ),
    ("POST", "/api/v1/supplies/warehouses"): lambda s: (
        "/api/v1/supplies/warehouses",
        {"area_id": s.compound.pk, "name": "小区物资点"},
    ),
    ("GET", f"{_W}/stock"): lambda s: (f"/api/v1/supplies/warehouses/{s.store.pk}/stock", None),
    ("GET", f"{_W}/ledger"): lambda s: (f"/api/v1/supplies/warehouses/{s.store.pk}/ledger", None),
    ("GET", f"{_W}/stock-takes"): lambda s: (f"/api/v1/supplies/warehouses/{s.store.pk}/stock-takes", None),
    ("POST", f"{_W}/movements"): lambda s: (
        f"/api/v1/supplies/warehouses/{s.store.pk}/movements",
        {"item_id": s.oil.pk, "kind": "issue", "quantity": "5"},
    ),
    ("PUT", f"{_W}/levels"): lambda s: (
        f"/api/v1/supplies/warehouses/{s.store.pk}/levels",
        {"item_id": s.oil.pk, "minimum": "10"},
    ),
    ("POST", f"{_W}/stock-takes"): lambda s: (
        f"/api/v1/supplies/warehouses/{s.store.pk}/stock-takes",
        {"counts": [{"item_id": s.oil.pk, "counted": "59", "reason": "found"}], "disinfected": True},
    ),
    ("POST", f"{_W}/usage"): lambda s: (
        f"/api/v1/supplies/warehouses/{s.point_store.pk}/usage",
        {"lines": [{"item_id": s.swabs.pk, "quantity": "3"}]},
    ),
    ("POST", "/api/v1/supplies/transfers"): lambda s: (
        "/api/v1/supplies/transfers",
        {"source_id": s.store.pk, "target_id": s.point_store.pk, "item_id": s.oil.pk, "quantity": "2"},
    ),
    ("GET", "/api/v1/supplies/donors"): lambda s: ("/api/v1/supplies/donors", None),
    ("POST", "/api/v1/supplies/donors"): lambda s: (
        "/api/v1/supplies/donors",
        {"area_id": s.community.pk, "kind": "resident", "name": "热心居民"},
    ),
    ("GET", "/api/v1/supplies/donations"): lambda s: ("/api/v1/supplies/donations", None),
    ("POST", "/api/v1/supplies/donations"): lambda s: (
        "/api/v1/supplies/donations",
        {
            "donor_id": s.donor.pk,
            "warehouse_id": s.store.pk,
            "lines": [{"item_id": s.oil.pk, "quantity": "10"}],
        },
    ),
    ("GET", "/api/v1/supplies/resupply"): lambda s: ("/api/v1/supplies/resupply", None),
    ("POST", "/api/v1/supplies/resupply/{request_id}/send"): lambda s: (
        f"/api/v1/supplies/resupply/{s.open_request.pk}/send",
        {},
    ),
    ("POST", "/api/v1/supplies/resupply/{request_id}/receive"): lambda s: (
        f"/api/v1/supplies/resupply/{s.sent_request.pk}/receive",
        None,
    ),
    ("POST", "/api/v1/supplies/resupply/{request_id}/cancel"): lambda s: (
        f"/api/v1/supplies/resupply/{s.open_request.pk}/cancel",
        {},
    ),
}

# route: coordinator | staff | leader | volunteer | lab | resident | outsider | anonymous
EXPECTED = {
    "web:supplies_warehouses POST": "302 302 | 302 404 | 404 404 | 403 404 | "
    "404 404 | 404 404 | 404 302 | 302L 302L",
    "POST /api/v1/supplies/items": "201 201 | 201 201 | 403 403 | 403 403 | "
    "403 403 | 403 403 | 201 201 | 401 401",
    "POST /api/v1/supplies/warehouses": "201 201 | 201 404 | 404 404 | 403 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "web:supplies_warehouses GET": "200 200 | 200 200 | 200 200 | 200 200 | "
    "404 404 | 404 404 | 200 200 | 302L 302L",
    "web:supplies_warehouse GET": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_warehouse POST": "302 302 | 302 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 302 | 302L 302L",
    "web:supplies_ledger_export GET": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_ledger_export POST": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_stocktake GET": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_stocktake POST": "302 302 | 302 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 302 | 302L 302L",
    "web:supplies_usage GET": "200 200 | 200 404 | 404 404 | 200 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_usage POST": "302 302 | 302 404 | 404 404 | 302 404 | "
    "404 404 | 404 404 | 404 302 | 302L 302L",
    "web:supplies_donations GET": "200 200 | 200 200 | 200 200 | 200 200 | "
    "404 404 | 404 404 | 200 200 | 302L 302L",
    "web:supplies_donations POST": "200 200 | 200 200 | 200 200 | 200 200 | "
    "404 404 | 404 404 | 200 200 | 302L 302L",
    "web:supplies_donation_add GET": "200 200 | 200 200 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 200 200 | 302L 302L",
    "web:supplies_donation_add POST": "302 302 | 302 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 302 | 302L 302L",
    "web:supplies_donation_letter GET": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_donation_letter POST": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 302L 302L",
    "web:supplies_resupply GET": "200 200 | 200 200 | 200 200 | 200 200 | "
    "404 404 | 404 404 | 200 200 | 302L 302L",
    "web:supplies_resupply POST": "200 200 | 200 200 | 200 200 | 200 200 | "
    "404 404 | 404 404 | 200 200 | 302L 302L",
    "web:supplies_resupply_act GET": "405 405 | 405 405 | 405 405 | 405 405 | "
    "405 405 | 405 405 | 405 405 | 302L 302L",
    "web:supplies_resupply_act POST": "302 302 | 302 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 302 | 302L 302L",
    "GET /api/v1/supplies/items": "200 200 | 200 200 | 200 200 | 200 200 | "
    "200 200 | 200 200 | 200 200 | 401 401",
    "GET /api/v1/supplies/warehouses": "200 200 | 200 200 | 200 200 | 200 200 | "
    "200 200 | 200 200 | 200 200 | 401 401",
    "GET /api/v1/supplies/warehouses/{warehouse_id}/stock": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 401 401",
    "GET /api/v1/supplies/warehouses/{warehouse_id}/ledger": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 401 401",
    "GET /api/v1/supplies/warehouses/{warehouse_id}/stock-takes": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 401 401",
    "POST /api/v1/supplies/warehouses/{warehouse_id}/movements": "201 201 | 201 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "PUT /api/v1/supplies/warehouses/{warehouse_id}/levels": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 401 401",
    "POST /api/v1/supplies/warehouses/{warehouse_id}/stock-takes": "201 201 | 201 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "POST /api/v1/supplies/warehouses/{warehouse_id}/usage": "201 201 | 201 404 | 404 404 | 201 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "POST /api/v1/supplies/transfers": "201 201 | 201 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "GET /api/v1/supplies/donors": "200 200 | 200 200 | 200 200 | 200 200 | "
    "200 200 | 200 200 | 200 200 | 401 401",
    "POST /api/v1/supplies/donors": "201 201 | 201 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "GET /api/v1/supplies/donations": "200 200 | 200 200 | 200 200 | 200 200 | "
    "200 200 | 200 200 | 200 200 | 401 401",
    "POST /api/v1/supplies/donations": "201 201 | 201 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 201 | 401 401",
    "GET /api/v1/supplies/resupply": "200 200 | 200 200 | 200 200 | 200 200 | "
    "200 200 | 200 200 | 200 200 | 401 401",
    "POST /api/v1/supplies/resupply/{request_id}/send": "200 200 | 403 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 403 | 401 401",
    "POST /api/v1/supplies/resupply/{request_id}/receive": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 401 401",
    "POST /api/v1/supplies/resupply/{request_id}/cancel": "200 200 | 200 404 | 404 404 | 404 404 | "
    "404 404 | 404 404 | 404 200 | 401 401",
}
