"""Supplies pages: the warehouse list and page with their bars and forms, the stock-take, a
donation received and its letter, the resupply queue, the ledger export; each list page's cost."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from firstline.common.models import AuditEntry
from firstline.supplies.models import MovementKind, ResupplyRequest, Stock, StockMovement, StockTake
from firstline.supplies.services import stock_levels_set, stock_post
from tests.factories.supplies import item, warehouse
from tests.queries import assert_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(world):
    street = warehouse(world.street, "大庆路街道物资库")
    c1 = warehouse(world.c1, "C1社区库房")
    for key, quantity in (("oil", 40), ("rice", 60), ("flour", 25), ("masks", 30)):
        stock_post(
            acting_user=world.staff,
            warehouse=c1,
            item=item(key),
            kind=MovementKind.RECEIPT,
            quantity=quantity,
        )
    stock_post(
        acting_user=world.coordinator, warehouse=street, item=item("masks"), kind="receipt", quantity=500
    )
    return street, c1


def _qty(store, key) -> Decimal:
    return Stock.objects.get(warehouse=store, item=item(key)).quantity


def test_warehouse_list_shows_bars_and_the_below_minimum_badge(client, world, stores):
    street, c1 = stores
    stock_levels_set(acting_user=world.staff, warehouse=c1, item=item("masks"), minimum=40, target=80)
    client.force_login(world.staff)
    page = client.get("/supplies/").content.decode()
    assert page.count('data-testid="warehouse-card"') == 1  # the street's store is above the community
    assert "1 below minimum" in page and page.count('class="stock-bar') == 4
    client.force_login(world.coordinator)
    assert client.get("/supplies/").content.decode().count('data-testid="warehouse-card"') == 2


def test_warehouse_list_costs_the_same_for_one_warehouse_or_three(client, world, stores):
    client.force_login(world.coordinator)
    client.get("/supplies/")
    with assert_queries(7) as few:  # 2 of them fill the forms: the areas, their sampling points
        client.get("/supplies/")
    for name in ("C2社区库房", "二号库"):
        store = warehouse(world.c2, name)
        stock_post(
            acting_user=world.coordinator, warehouse=store, item=item("rice"), kind="receipt", quantity=5
        )
    with assert_queries(few):
        client.get("/supplies/")


def test_warehouse_page_costs_a_fixed_number_of_queries_however_long_the_ledger(client, world, stores):
    _street, c1 = stores
    client.force_login(world.staff)
    with assert_queries(10) as few:
        client.get(f"/supplies/warehouses/{c1.pk}/")
    for _n in range(30):
        stock_post(acting_user=world.staff, warehouse=c1, item=item("rice"), kind="issue", quantity=1)
    with assert_queries(few):
        client.get(f"/supplies/warehouses/{c1.pk}/")


def test_receive_issue_adjust_and_transfer_from_the_warehouse_page(client, world, stores):
    street, c1 = stores
    client.force_login(world.coordinator)
    url = f"/supplies/warehouses/{c1.pk}/"
    oil = item("oil").pk
    assert client.post(url, {"action": "receive", "item": oil, "quantity": "10"}).status_code == 302
    assert client.post(url, {"action": "issue", "item": oil, "quantity": "5"}).status_code == 302
    assert (
        client.post(
            url, {"action": "adjust", "item": oil, "quantity": "2", "direction": "down", "reason": "damaged"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"action": "transfer", "item": oil, "quantity": "3", "target": street.pk}
        ).status_code
        == 302
    )
    assert _qty(c1, "oil") == 40 and _qty(street, "oil") == 3
    assert list(
        StockMovement.objects.filter(warehouse=c1, item=item("oil"))
        .order_by("pk")
        .values_list("kind", "quantity")
    ) == [
        ("receipt", Decimal("40")),
        ("receipt", Decimal("10")),
        ("issue", Decimal("-5")),
        ("adjustment", Decimal("-2")),
        ("transfer_out", Decimal("-3")),
    ]


def test_issuing_more_than_there_is_says_how_much_is_left(client, world, stores):
    _street, c1 = stores
    client.force_login(world.staff)
    response = client.post(
        f"/supplies/warehouses/{c1.pk}/", {"action": "issue", "item": item("oil").pk, "quantity": "41"}
    )
    assert response.status_code == 422
    assert "Only 40 drum of 食用油 left in C1社区库房; 41 cannot be taken." in response.content.decode()
    assert _qty(c1, "oil") == 40


def test_an_adjustment_without_a_reason_is_refused_beside_the_field(client, world, stores):
    _street, c1 = stores
    client.force_login(world.staff)
    response = client.post(
        f"/supplies/warehouses/{c1.pk}/",
        {"action": "adjust", "item": item("oil").pk, "quantity": "1", "direction": "down"},
    )
    assert response.status_code == 422 and 'data-field="reason"' in response.content.decode()


def test_a_leader_sees_no_forms_and_a_post_is_refused(client, world, stores):
    _street, c1 = stores
    client.force_login(world.leader)
    assert client.get(f"/supplies/warehouses/{c1.pk}/").status_code == 404  # above their buildings


def test_stock_take_with_a_variance_and_its_reason(client, world, stores):
    _street, c1 = stores
    client.force_login(world.staff)
    url = f"/supplies/warehouses/{c1.pk}/stock-take/"
    page = client.get(url).content.decode()
    assert page.count('data-testid="count-row"') == 4
    oil, rice = item("oil").pk, item("rice").pk
    refused = client.post(url, {f"counted-{oil}": "38", f"counted-{rice}": "60"})
    assert refused.status_code == 422
    assert "食用油: counted 38, expected 40. Say why they differ." in refused.content.decode()
    assert StockTake.objects.count() == 0
    done = client.post(
        url, {f"counted-{oil}": "38", f"reason-{oil}": "damaged", f"counted-{rice}": "60", "disinfected": "1"}
    )
    assert done.status_code == 302
    take = StockTake.objects.get()
    assert take.disinfected and _qty(c1, "oil") == 38
    assert "disinfected" in client.get(f"/supplies/warehouses/{c1.pk}/").content.decode()


def test_a_new_donor_and_donation_then_the_letter(client, world, stores):
    street, _c1 = stores
    client.force_login(world.coordinator)
    response = client.post(
        "/supplies/donations/new/",
        {
            "donor_name": "新添堡村",
            "donor_kind": "village",
            "contact_person": "王支书",
            "phone": "13800138000",
            "warehouse": street.pk,
            "lines": "5",
            "item-0": item("lettuce").pk,
            "quantity-0": "120,000",
        },
    )
    assert response.status_code == 302
    assert _qty(street, "lettuce") == Decimal("120000")
    letter = client.get(response["Location"]).content.decode()
    assert "感谢信" in letter and "新添堡村：" in letter and "生菜 120000 jin (斤)" in letter
    assert "S街道" in letter
    listing = client.get("/supplies/donations/").content.decode()
    assert "138****8000" in listing and "13800138000" not in listing


def test_a_bad_line_keeps_the_form_and_writes_no_donor(client, world, stores):
    street, _c1 = stores
    client.force_login(world.coordinator)
    response = client.post(
        "/supplies/donations/new/",
        {
            "donor_name": "某公司",
            "donor_kind": "firm",
            "warehouse": street.pk,
            "item-0": item("oil").pk,
            "quantity-0": "很多",
        },
    )
    assert response.status_code == 422 and 'data-field="line-1"' in response.content.decode()
    assert AuditEntry.objects.filter(action__startswith="donor.").count() == 0


def test_donations_list_costs_the_same_for_one_donation_or_three(client, world, stores):
    street, _c1 = stores
    client.force_login(world.coordinator)

    def give(name):
        client.post(
            "/supplies/donations/new/",
            {
                "donor_name": name,
                "donor_kind": "firm",
                "warehouse": street.pk,
                "item-0": item("oil").pk,
                "quantity-0": "5",
            },
        )

    give("一号公司")
    with assert_queries(9) as few:
        client.get("/supplies/donations/")
    give("二号公司")
    give("三号公司")
    with assert_queries(few):
        client.get("/supplies/donations/")


def test_resupply_queue_send_and_receive(client, world, stores):
    street, c1 = stores
    stock_levels_set(acting_user=world.staff, warehouse=c1, item=item("masks"), minimum=40, target=80)
    request = ResupplyRequest.objects.get()
    client.force_login(world.coordinator)
    page = client.get("/supplies/resupply/").content.decode()
    assert page.count('data-testid="resupply"') == 1 and "Send" in page
    client.post(f"/supplies/resupply/{request.pk}/", {"action": "send", "quantity": "50"})
    assert _qty(street, "masks") == 450
    client.force_login(world.staff)
    assert "Received (50)" in client.get("/supplies/resupply/").content.decode()
    client.post(f"/supplies/resupply/{request.pk}/", {"action": "receive"})
    assert _qty(c1, "masks") == 80
    request.refresh_from_db()
    assert request.status == "received"


def test_resupply_queue_costs_a_fixed_number_of_queries(client, world, stores):
    _street, c1 = stores
    stock_levels_set(acting_user=world.staff, warehouse=c1, item=item("masks"), minimum=40)
    client.force_login(world.coordinator)
    with assert_queries(4) as few:
        client.get("/supplies/resupply/")
    for key in ("oil", "rice"):
        stock_levels_set(acting_user=world.staff, warehouse=c1, item=item(key), minimum=100)
    assert ResupplyRequest.objects.count() == 3
    with assert_queries(few):
        client.get("/supplies/resupply/")


def test_the_ledger_export_is_a_workbook_and_an_audited_export(client, world, stores):
    _street, c1 = stores
    client.force_login(world.staff)
    response = client.get(f"/supplies/warehouses/{c1.pk}/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("When", "Item", "Unit", "Kind", "Quantity")
    assert [r[1:6] for r in rows[1:]] == [
        ("食用油", "drum", "Receipt", 40, 40),
        ("大米", "bag", "Receipt", 60, 60),
        ("面粉", "bag", "Receipt", 25, 25),
        ("口罩", "box", "Receipt", 30, 30),
    ]
    entry = AuditEntry.objects.get(action="stock.export")
    assert entry.changes == {"movements": 4}


def test_usage_form_at_a_sampling_point(client, world):
    from tests.factories.testing import SamplingPointFactory

    point = SamplingPointFactory(acting_user=world.staff, compound=world.p1, name="北门采样点")
    store = warehouse(world.p1, "北门采样点物资", sampling_point=point)
    for key, quantity in (("swabs", 100), ("tubes", 20), ("suits", 30)):
        stock_post(
            acting_user=world.staff, warehouse=store, item=item(key), kind="receipt", quantity=quantity
        )
    client.force_login(world.volunteer)
    assert "Report what was used" in client.get(f"/supplies/warehouses/{store.pk}/").content.decode()
    response = client.post(
        f"/supplies/warehouses/{store.pk}/usage/",
        {f"used-{item('swabs').pk}": "46", f"used-{item('suits').pk}": "6", f"used-{item('tubes').pk}": ""},
    )
    assert response.status_code == 302
    assert (_qty(store, "swabs"), _qty(store, "tubes"), _qty(store, "suits")) == (54, 20, 24)


def test_open_a_sampling_point_store_and_add_an_item(client, world):
    from firstline.supplies.models import Item, Warehouse
    from tests.factories.testing import SamplingPointFactory

    point = SamplingPointFactory(acting_user=world.staff, compound=world.p1, name="北门采样点")
    client.force_login(world.staff)
    page = client.get("/supplies/").content.decode()
    assert "北门采样点" in page and "S街道" not in page  # the street is above the community's staff
    done = client.post(
        "/supplies/",
        {"action": "warehouse", "area": world.p1.pk, "name": "北门采样点物资", "sampling_point": point.pk},
    )
    assert done.status_code == 302
    store = Warehouse.objects.get(name="北门采样点物资")
    assert (store.area, store.sampling_point, store.keeper) == (world.p1, point, world.staff)
    twice = client.post("/supplies/", {"action": "warehouse", "area": world.p1.pk, "name": "北门采样点物资"})
    assert twice.status_code == 422 and "already has a warehouse of this name" in twice.content.decode()
    assert (
        client.post(
            "/supplies/", {"action": "item", "item_name": "N95口罩", "unit": "box", "category": "protective"}
        ).status_code
        == 302
    )
    assert Item.objects.filter(name="N95口罩", unit="box", category="protective").count() == 1
    refused = client.post(
        "/supplies/", {"action": "item", "item_name": "N95口罩", "unit": "box", "category": "protective"}
    )
    assert refused.status_code == 422 and 'data-field="item_name"' in refused.content.decode()
