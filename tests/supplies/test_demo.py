"""The demo's supplies: the seed-000 lettuce in the street's store, the community's staples, a
sampling point's store after a session, one item below its minimum with its request."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from firstline.supplies.models import Donation, ResupplyRequest, Stock, StockTake

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_its_supplies():
    call_command("load_demo", "--small")
    held = {
        (s.warehouse.name, s.item.name): s.quantity
        for s in Stock.objects.select_related("warehouse", "item")
        if s.quantity
    }
    assert held[("大庆路街道物资库", "生菜")] == Decimal("91400")  # 120,000 less the 28,600 moved to 睿和社区
    assert held[("睿和社区库房", "食用油")] == 79 and held[("睿和社区库房", "口罩")] == 22
    donation = Donation.objects.select_related("donor").get()
    assert (donation.donor.name, donation.donor.kind) == ("新添堡村", "village")
    request = ResupplyRequest.objects.select_related("warehouse", "supplier", "item").get()
    assert (
        request.warehouse.name,
        request.supplier.name,
        request.item.name,
        request.quantity,
        request.status,
    ) == (
        "睿和社区库房",
        "大庆路街道物资库",
        "口罩",
        Decimal("78"),
        "open",
    )
    assert StockTake.objects.get().disinfected is True
    point_stock = {name: q for (w, name), q in held.items() if w.endswith("采样点物资") or "采样" in w}
    assert point_stock == {"采样拭子": 18, "采样管": 26, "防护服": 28, "口罩": 20}
