"""The supplies API: reads scoped to the caller's areas, writes through the services (audited),
quantities as text, refusals that change nothing."""

from decimal import Decimal

import pytest

from firstline.common.models import AuditEntry
from firstline.supplies.models import MovementKind, ResupplyRequest, Stock, StockMovement
from firstline.supplies.services import stock_levels_set, stock_post
from tests.api.conftest import ApiClient
from tests.factories.supplies import item, warehouse
from tests.queries import assert_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def stores(world):
    street = warehouse(world.street, "大庆路街道物资库")
    c1 = warehouse(world.c1, "C1社区库房")
    c2 = warehouse(world.c2, "C2社区库房")
    stock_post(
        acting_user=world.staff, warehouse=c1, item=item("oil"), kind=MovementKind.RECEIPT, quantity=40
    )
    stock_post(
        acting_user=world.coordinator, warehouse=street, item=item("masks"), kind="receipt", quantity=500
    )
    return street, c1, c2


def test_warehouses_and_stock_are_scoped(api, world, stores):
    street, c1, c2 = stores
    assert [w["name"] for w in api.get(world.staff, "/supplies/warehouses").json()] == ["C1社区库房"]
    assert [w["name"] for w in api.get(world.coordinator, "/supplies/warehouses").json()] == [
        "大庆路街道物资库",
        "C1社区库房",
        "C2社区库房",
    ]
    assert api.get(world.staff, f"/supplies/warehouses/{c2.pk}/stock").status_code == 404
    stock = api.get(world.staff, f"/supplies/warehouses/{c1.pk}/stock").json()
    assert stock == [
        {
            "warehouse_id": c1.pk,
            "item_id": item("oil").pk,
            "item_name": "食用油",
            "unit": "drum",
            "quantity": "40",
            "minimum": "0",
            "target": "0",
            "below_minimum": False,
        }
    ]


def test_post_a_movement_and_page_the_ledger(api, world, stores):
    _street, c1, _c2 = stores
    oil = item("oil").pk
    answer = api.post(
        world.staff,
        f"/supplies/warehouses/{c1.pk}/movements",
        {"item_id": oil, "kind": "issue", "quantity": "12.5"},
    )
    assert answer.status_code == 201
    assert (answer.json()["quantity"], answer.json()["balance_after"]) == ("-12.5", "27.5")
    for _n in range(3):
        api.post(
            world.staff,
            f"/supplies/warehouses/{c1.pk}/movements",
            {"item_id": oil, "kind": "issue", "quantity": "1"},
        )
    with assert_queries(4):  # the token, the grants, the warehouse, one page
        page = api.get(world.staff, f"/supplies/warehouses/{c1.pk}/ledger", limit=2).json()
    assert [m["balance_after"] for m in page["items"]] == ["24.5", "25.5"] and page["next_offset"] == 2


def test_overdrawing_is_a_422_naming_the_quantity_and_writes_nothing(api, world, stores):
    _street, c1, _c2 = stores
    api.key_for(world.staff)  # the token is made (and audited) first
    audited = AuditEntry.objects.count()
    answer = api.post(
        world.staff,
        f"/supplies/warehouses/{c1.pk}/movements",
        {"item_id": item("oil").pk, "kind": "issue", "quantity": "41"},
    )
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["quantity"]
    assert AuditEntry.objects.count() == audited and StockMovement.objects.filter(warehouse=c1).count() == 1


def test_a_transfer_is_a_movement_kind_only_through_transfers(api, world, stores):
    street, c1, _c2 = stores
    body = {"item_id": item("oil").pk, "kind": "transfer_out", "quantity": "1"}
    assert api.post(world.staff, f"/supplies/warehouses/{c1.pk}/movements", body).status_code == 422
    answer = api.post(
        world.coordinator,
        "/supplies/transfers",
        {"source_id": c1.pk, "target_id": street.pk, "item_id": item("oil").pk, "quantity": "5"},
    )
    assert answer.status_code == 201
    assert (answer.json()["out"]["quantity"], answer.json()["into"]["quantity"]) == ("-5", "5")


def test_stock_take_through_the_api(api, world, stores):
    _street, c1, _c2 = stores
    oil = item("oil").pk
    refused = api.post(
        world.staff,
        f"/supplies/warehouses/{c1.pk}/stock-takes",
        {"counts": [{"item_id": oil, "counted": "39"}]},
    )
    assert refused.status_code == 422 and list(refused.json()["errors"]) == [f"reason-{oil}"]
    done = api.post(
        world.staff,
        f"/supplies/warehouses/{c1.pk}/stock-takes",
        {"counts": [{"item_id": oil, "counted": "39", "reason": "expired"}], "disinfected": True},
    )
    assert done.status_code == 201
    assert done.json()["lines"] == [
        {"item_id": oil, "expected": "40", "counted": "39", "variance": "-1", "reason": "expired"}
    ]
    assert Stock.objects.get(warehouse=c1, item_id=oil).quantity == 39


def test_donor_and_donation_with_the_phone_masked(api, world, stores):
    street, _c1, _c2 = stores
    donor = api.post(
        world.coordinator,
        "/supplies/donors",
        {"area_id": world.street.pk, "kind": "village", "name": "新添堡村", "phone": "13803520001"},
    ).json()
    assert donor["phone_masked"] == "138****0001" and "phone" not in donor
    answer = api.post(
        world.coordinator,
        "/supplies/donations",
        {
            "donor_id": donor["id"],
            "warehouse_id": street.pk,
            "lines": [{"item_id": item("lettuce").pk, "quantity": "120000"}],
        },
    )
    assert answer.status_code == 201
    assert answer.json()["lines"] == [
        {"item_id": item("lettuce").pk, "item_name": "生菜", "quantity": "120000"}
    ]
    assert api.get(world.staff, "/supplies/donations").json()["items"] == []  # the street's, not C1's


def test_resupply_send_receive_and_who_may(api, world, stores):
    street, c1, _c2 = stores
    stock_levels_set(acting_user=world.staff, warehouse=c1, item=item("masks"), minimum=10, target=30)
    request = ResupplyRequest.objects.get()
    listed = api.get(world.coordinator, "/supplies/resupply", status="open").json()["items"]
    assert [(r["warehouse_name"], r["item_name"], r["quantity"]) for r in listed] == [
        ("C1社区库房", "口罩", "30")
    ]
    assert api.post(world.staff, f"/supplies/resupply/{request.pk}/send", {}).status_code == 403
    assert api.post(world.outsider, f"/supplies/resupply/{request.pk}/send", {}).status_code == 404
    assert (
        api.post(world.coordinator, f"/supplies/resupply/{request.pk}/send", {"quantity": "25"}).json()[
            "status"
        ]
        == "sent"
    )
    assert api.post(world.staff, f"/supplies/resupply/{request.pk}/receive").json()["status"] == "received"
    assert Stock.objects.get(warehouse=c1, item=item("masks")).quantity == Decimal("25")
    assert Stock.objects.get(warehouse=street, item=item("masks")).quantity == Decimal("475")
    assert api.post(world.staff, f"/supplies/resupply/{request.pk}/cancel", {}).status_code == 409


def test_a_leader_reads_nothing_and_may_not_write(api, world, stores):
    _street, c1, _c2 = stores
    assert api.get(world.leader, "/supplies/warehouses").json() == []
    body = {"item_id": item("oil").pk, "kind": "receipt", "quantity": "1"}
    assert api.post(world.leader, f"/supplies/warehouses/{c1.pk}/movements", body).status_code == 404
