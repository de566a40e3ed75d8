"""Stock-takes, resupply requests, donations and a sampling point's usage, through the one ledger."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.supplies.models import (
    AdjustReason,
    DonationLine,
    DonorKind,
    MovementKind,
    ResupplyRequest,
    ResupplyStatus,
    Stock,
    StockMovement,
    StockTakeLine,
)
from firstline.supplies.services import (
    CountIn,
    LineIn,
    donation_receive,
    donor_create,
    resupply_cancel,
    resupply_receive,
    resupply_send,
    sampling_usage_report,
    stock_levels_set,
    stock_post,
    stock_take_record,
    upper_warehouse,
)
from tests.factories.supplies import item, warehouse
from tests.factories.testing import SamplingPointFactory


@pytest.fixture
def street_store(world):
    return warehouse(world.street, "大庆路街道物资库")


@pytest.fixture
def c1_store(world):
    return warehouse(world.c1, "C1社区库房")


def _qty(store, it) -> Decimal:
    return Stock.objects.get(warehouse=store, item=it).quantity


def receive(user, store, it, quantity):
    return stock_post(
        acting_user=user, warehouse=store, item=it, kind=MovementKind.RECEIPT, quantity=quantity
    )


def test_a_stock_take_posts_each_difference_with_its_reason_and_marks_disinfected(world, c1_store):
    oil, rice, flour = item("oil"), item("rice"), item("flour")
    receive(world.staff, c1_store, oil, 40)
    receive(world.staff, c1_store, rice, 60)
    receive(world.staff, c1_store, flour, 25)
    take = stock_take_record(
        acting_user=world.staff,
        warehouse=c1_store,
        counts=[
            CountIn(oil.pk, "38", AdjustReason.DAMAGED),
            CountIn(rice.pk, "60"),
            CountIn(flour.pk, "26", AdjustReason.FOUND),
        ],
        disinfected=True,
    )
    lines = {
        line.item.name: line for line in StockTakeLine.objects.filter(stock_take=take).select_related("item")
    }
    assert {
        name: (line.expected, line.counted, line.variance, line.reason) for name, line in lines.items()
    } == {
        "食用油": (Decimal("40"), Decimal("38"), Decimal("-2"), "damaged"),
        "大米": (Decimal("60"), Decimal("60"), Decimal("0"), ""),
        "面粉": (Decimal("25"), Decimal("26"), Decimal("1"), "found"),
    }
    assert lines["大米"].movement is None
    assert (lines["食用油"].movement.kind, lines["食用油"].movement.quantity) == ("stocktake", Decimal("-2"))
    assert (_qty(c1_store, oil), _qty(c1_store, rice), _qty(c1_store, flour)) == (38, 60, 26)
    assert take.disinfected is True
    assert (
        list(StockMovement.objects.filter(ref_type="supplies.stocktake").values_list("ref_id", flat=True))
        == [str(take.pk)] * 2
    )


def test_a_difference_without_a_reason_writes_nothing(world, c1_store):
    oil = item("oil")
    receive(world.staff, c1_store, oil, 40)
    with pytest.raises(ValidationError) as err:
        stock_take_record(acting_user=world.staff, warehouse=c1_store, counts=[CountIn(oil.pk, "35")])
    assert list(err.value.message_dict) == [f"reason-{oil.pk}"]
    assert "counted 35, expected 40" in err.value.message_dict[f"reason-{oil.pk}"][0]
    assert _qty(c1_store, oil) == 40 and StockMovement.objects.count() == 1


def test_going_below_the_minimum_raises_exactly_one_request_to_the_street(world, street_store, c1_store):
    masks = item("masks")
    receive(world.staff, c1_store, masks, 30)
    stock_levels_set(acting_user=world.staff, warehouse=c1_store, item=masks, minimum=10, target=50)
    assert ResupplyRequest.objects.count() == 0
    stock_post(acting_user=world.staff, warehouse=c1_store, item=masks, kind=MovementKind.ISSUE, quantity=22)
    stock_post(acting_user=world.staff, warehouse=c1_store, item=masks, kind=MovementKind.ISSUE, quantity=3)
    request = ResupplyRequest.objects.get()
    assert (request.warehouse, request.supplier, request.quantity, request.status) == (
        c1_store,
        street_store,
        Decimal("42"),  # 50 - 8, when it first went below
        "open",
    )
    assert AuditEntry.objects.filter(action="resupply.raise").count() == 1


def test_the_database_keeps_one_outstanding_request_per_warehouse_and_item(world, street_store, c1_store):
    masks = item("masks")
    ResupplyRequest.objects.create(
        warehouse=c1_store, supplier=street_store, item=masks, quantity=5, raised_at="2022-04-04T08:00Z"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ResupplyRequest.objects.create(
            warehouse=c1_store, supplier=street_store, item=masks, quantity=7, raised_at="2022-04-04T09:00Z"
        )


def test_send_then_receive_moves_the_stock_through_transit(world, street_store, c1_store):
    masks = item("masks")
    receive(world.coordinator, street_store, masks, 500)
    receive(world.staff, c1_store, masks, 12)
    stock_levels_set(acting_user=world.staff, warehouse=c1_store, item=masks, minimum=20, target=60)
    request = ResupplyRequest.objects.get()
    assert request.quantity == 48
    with pytest.raises(PermissionDenied):
        resupply_send(acting_user=world.staff, request=request)  # the community does not ship from the street
    resupply_send(acting_user=world.coordinator, request=request)
    assert _qty(street_store, masks) == 452 and _qty(c1_store, masks) == 12  # in transit
    with pytest.raises(Conflict):
        resupply_cancel(acting_user=world.staff, request=request)
    request = resupply_receive(acting_user=world.staff, request=request)
    assert request.status == ResupplyStatus.RECEIVED
    assert _qty(c1_store, masks) == 60
    kinds = list(
        StockMovement.objects.filter(ref_type="supplies.resupplyrequest")
        .order_by("pk")
        .values_list("kind", "quantity")
    )
    assert kinds == [("transfer_out", Decimal("-48")), ("transfer_in", Decimal("48"))]
    with pytest.raises(Conflict):
        resupply_receive(acting_user=world.staff, request=request)


def test_a_sampling_point_store_asks_its_community(world, c1_store):
    point = SamplingPointFactory(acting_user=world.staff, compound=world.p1, name="北门采样点")
    store = warehouse(world.p1, "北门采样点物资", sampling_point=point)
    assert upper_warehouse(store) == c1_store
    assert upper_warehouse(c1_store) is None


def test_the_seed_donation_of_lettuce_is_one_receipt_per_line(world, street_store):
    village = donor_create(
        acting_user=world.coordinator,
        area=world.street,
        kind=DonorKind.VILLAGE,
        name="新添堡村",
        contact_person="王支书",
        phone="13800138000",
    )
    lettuce, oil = item("lettuce"), item("oil")
    donation = donation_receive(
        acting_user=world.coordinator,
        donor=village,
        warehouse=street_store,
        lines=[LineIn(lettuce.pk, "120,000"), LineIn(oil.pk, "20")],
    )
    assert _qty(street_store, lettuce) == Decimal("120000")
    movements = StockMovement.objects.filter(ref_type="supplies.donation", ref_id=str(donation.pk))
    assert sorted(movements.values_list("kind", "quantity", "reason")) == [
        ("receipt", Decimal("20"), "donation"),
        ("receipt", Decimal("120000"), "donation"),
    ]
    assert DonationLine.objects.filter(donation=donation).count() == 2


def test_a_bad_donation_line_names_the_line_and_writes_nothing(world, street_store):
    village = donor_create(acting_user=world.coordinator, area=world.street, kind="village", name="新添堡村")
    with pytest.raises(ValidationError) as err:
        donation_receive(
            acting_user=world.coordinator,
            donor=village,
            warehouse=street_store,
            lines=[LineIn(item("lettuce").pk, "120000"), LineIn(item("oil").pk, "很多")],
        )
    assert list(err.value.message_dict) == ["line-2"]
    assert StockMovement.objects.count() == 0


def test_sampling_usage_is_issued_from_the_point_store_by_its_volunteer(world):
    point = SamplingPointFactory(acting_user=world.staff, compound=world.p1, name="北门采样点")
    store = warehouse(world.p1, "北门采样点物资", sampling_point=point)
    swabs, suits = item("swabs"), item("suits")
    receive(world.staff, store, swabs, 100)
    receive(world.staff, store, suits, 30)
    moved = sampling_usage_report(
        acting_user=world.volunteer, warehouse=store, lines=[LineIn(swabs.pk, "46"), LineIn(suits.pk, "6")]
    )
    assert [(m.kind, m.quantity, m.reason) for m in moved] == [
        ("issue", Decimal("-46"), "sampling"),
        ("issue", Decimal("-6"), "sampling"),
    ]
    assert (_qty(store, swabs), _qty(store, suits)) == (54, 24)
    with pytest.raises(PermissionDenied):
        stock_post(acting_user=world.volunteer, warehouse=store, item=swabs, kind="issue", quantity=1)


@pytest.mark.django_db(transaction=True)
def test_two_racing_issues_cannot_take_the_stock_below_zero(world, c1_store):
    """Two writers each see 10 and take 7: one goes through, the other is refused (the row lock on
    PostgreSQL, the CHECK constraint behind it on either database)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the constraint test above covers it")
    oil = item("oil")
    receive(world.staff, c1_store, oil, 10)
    results = []

    def take():
        try:
            stock_post(acting_user=world.staff, warehouse=c1_store, item=oil, kind="issue", quantity=7)
            results.append("ok")
        except ValidationError:
            results.append("short")
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "short"]
    assert _qty(c1_store, oil) == 3


def test_a_racing_bare_update_is_refused_by_the_check(world, c1_store):
    oil = item("oil")
    receive(world.staff, c1_store, oil, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(warehouse=c1_store, item=oil).update(quantity=F("quantity") - 11)
    assert _qty(c1_store, oil) == 10


def test_a_batch_posts_every_row_with_running_balances_and_one_audit_row(world, c1_store):
    from firstline.supplies.services import MoveIn, stock_post_batch

    oil, rice = item("oil"), item("rice")
    receive(world.staff, c1_store, oil, 40)
    receive(world.staff, c1_store, rice, 2)
    stock_levels_set(acting_user=world.staff, warehouse=c1_store, item=rice, minimum=1)
    stock_levels_set(acting_user=world.staff, warehouse=c1_store, item=rice, minimum=5)  # asks at once
    ResupplyRequest.objects.update(status="cancelled")
    audited = AuditEntry.objects.count()
    written = stock_post_batch(
        acting_user=world.staff,
        warehouse=c1_store,
        moves=[
            MoveIn(rice.pk, "receipt", "10"),
            MoveIn(oil.pk, "issue", "15"),
            MoveIn(rice.pk, "issue", "6"),
            MoveIn(oil.pk, "adjustment", "-1", reason="damaged"),
        ],
    )
    assert written == 4
    assert list(
        StockMovement.objects.filter(warehouse=c1_store)
        .order_by("pk")
        .values_list("item__name", "quantity", "balance_after")
    )[2:] == [
        ("大米", Decimal("10"), Decimal("12")),
        ("食用油", Decimal("-15"), Decimal("25")),
        ("大米", Decimal("-6"), Decimal("6")),
        ("食用油", Decimal("-1"), Decimal("24")),
    ]
    assert (_qty(c1_store, oil), _qty(c1_store, rice)) == (24, 6)
    assert ResupplyRequest.objects.filter(status="open").count() == 0  # 6 is not below 5
    assert AuditEntry.objects.count() - audited == 1  # the batch
    stock_post_batch(acting_user=world.staff, warehouse=c1_store, moves=[MoveIn(rice.pk, "issue", "2")])
    assert ResupplyRequest.objects.get(status="open").quantity == 6  # up to twice the minimum


def test_a_batch_row_that_overdraws_refuses_the_whole_batch_and_names_the_row(world, c1_store):
    from firstline.supplies.services import MoveIn, stock_post_batch

    oil = item("oil")
    receive(world.staff, c1_store, oil, 10)
    with pytest.raises(ValidationError) as err:
        stock_post_batch(
            acting_user=world.staff,
            warehouse=c1_store,
            moves=[MoveIn(oil.pk, "issue", "6"), MoveIn(oil.pk, "issue", "6")],
        )
    assert list(err.value.message_dict) == ["row-2"]
    assert _qty(c1_store, oil) == 10 and StockMovement.objects.count() == 1
