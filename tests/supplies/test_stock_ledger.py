"""The stock ledger's core: one door (`stock_post`), a balance the database keeps at zero or above."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from firstline.common.errors import PermissionDenied
from firstline.supplies.models import Item, MovementKind, Stock, StockMovement, Unit, Warehouse
from firstline.supplies.services import clean_quantity, stock_post, stock_transfer


@pytest.fixture
def store(world):
    return Warehouse.objects.create(name="C1社区库房", area=world.c1)


@pytest.fixture
def lettuce(db):
    return Item.objects.create(name="生菜", unit=Unit.JIN, category="vegetables")


def test_receipt_issue_and_the_balance_after_each(world, store, lettuce):
    stock_post(
        acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.RECEIPT, quantity="1,200"
    )
    out = stock_post(
        acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.ISSUE, quantity="7.5"
    )
    assert out.quantity == Decimal("-7.50") and out.balance_after == Decimal("1192.50")
    assert Stock.objects.get(warehouse=store, item=lettuce).quantity == Decimal("1192.50")


def test_taking_more_than_there_is_says_how_much_is_left_and_writes_nothing(world, store, lettuce):
    stock_post(acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.RECEIPT, quantity=10)
    with pytest.raises(ValidationError) as err:
        stock_post(
            acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.ISSUE, quantity=11
        )
    assert "10" in str(err.value) and "生菜" in str(err.value)
    assert StockMovement.objects.count() == 1
    assert Stock.objects.get(warehouse=store, item=lettuce).quantity == 10


def test_the_database_refuses_a_negative_balance_whatever_writes_it(world, store, lettuce):
    stock_post(acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.RECEIPT, quantity=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(warehouse=store).update(quantity=Decimal("-1"))


def test_an_adjustment_needs_a_reason_and_carries_its_sign(world, store, lettuce):
    stock_post(acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.RECEIPT, quantity=30)
    with pytest.raises(ValidationError):
        stock_post(
            acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.ADJUSTMENT, quantity=-2
        )
    m = stock_post(
        acting_user=world.staff,
        warehouse=store,
        item=lettuce,
        kind=MovementKind.ADJUSTMENT,
        quantity=-2,
        reason="damaged",
    )
    assert m.balance_after == 28


def test_a_transfer_is_two_rows_or_none(world, store, lettuce):
    other = Warehouse.objects.create(name="P1小区仓库", area=world.p1)
    stock_post(acting_user=world.staff, warehouse=store, item=lettuce, kind=MovementKind.RECEIPT, quantity=5)
    with pytest.raises(ValidationError):
        stock_transfer(acting_user=world.staff, source=store, target=other, item=lettuce, quantity=6)
    assert StockMovement.objects.count() == 1
    stock_transfer(acting_user=world.staff, source=store, target=other, item=lettuce, quantity=5)
    assert (
        Stock.objects.get(warehouse=other).quantity == 5 and Stock.objects.get(warehouse=store).quantity == 0
    )


def test_outside_ones_areas_or_without_the_right_nothing_moves(world, store, lettuce):
    for user in (world.outsider, world.volunteer, world.resident):
        with pytest.raises(PermissionDenied):
            stock_post(acting_user=user, warehouse=store, item=lettuce, kind=MovementKind.RECEIPT, quantity=1)
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("text", ["abc", "0", "-3", "1.234", "1e20", "NaN", "inf", ""])
def test_quantities_that_are_not_quantities_are_refused_by_name(text):
    with pytest.raises(ValidationError) as err:
        clean_quantity(text)
    assert "quantity" in err.value.message_dict
