"""The demo's supplies, shaped like the seeds: the street's store with the lettuce the village of
新添堡 gave (120,000 jin, seed 000), the community's store with oil, rice, flour and masks (seed 001),
the store of the compound's sampling point with swabs, tubes and protective suits and the usage of
a session (seed 003), one item below its minimum with the resupply request it raised, and a
stock-take by the storekeeper that counted and disinfected what was left (seed 001)."""

import datetime as dt

from django.utils import timezone

from firstline.supplies.models import AdjustReason, Category, DonorKind, Item, MovementKind, Unit, Warehouse
from firstline.supplies.services import (
    CountIn,
    LineIn,
    donation_receive,
    donor_create,
    sampling_usage_report,
    stock_levels_set,
    stock_post,
    stock_take_record,
    stock_transfer,
)
from firstline.testing.models import SamplingPoint

ITEMS = [
    ("生菜", Unit.JIN, Category.VEGETABLES),
    ("食用油", Unit.DRUM, Category.GRAIN_OIL),
    ("大米", Unit.BAG, Category.GRAIN_OIL),
    ("面粉", Unit.BAG, Category.GRAIN_OIL),
    ("口罩", Unit.BOX, Category.PROTECTIVE),
    ("消毒液", Unit.DRUM, Category.DISINFECTANT),
    ("采样拭子", Unit.PACK, Category.TESTING),
    ("采样管", Unit.BOX, Category.TESTING),
    ("防护服", Unit.PIECE, Category.PROTECTIVE),
]


class SuppliesDemo:
    def __init__(self, *, street, community, compound, users: dict):
        self.street, self.community, self.compound = street, community, compound
        self.coordinator = users["jiedao"]
        self.staff = users["shequ"]
        self.volunteer = users["zhiyuan"]

    def load(self) -> None:
        items = {
            name: Item.objects.get_or_create(name=name, unit=unit, defaults={"category": category})[0]
            for name, unit, category in ITEMS
        }
        street_store = Warehouse.objects.create(
            area=self.street,
            name=f"{self.street.name}物资库",
            location="街道办一楼车库",
            keeper=self.coordinator,
        )
        store = Warehouse.objects.create(
            area=self.community, name=f"{self.community.name}库房", location="社区活动室", keeper=self.staff
        )
        day = timezone.now() - dt.timedelta(days=3)
        village = donor_create(
            acting_user=self.coordinator,
            area=self.street,
            kind=DonorKind.VILLAGE,
            name="新添堡村",
            contact_person="张书记",
            phone="13803520001",
        )
        donation_receive(
            acting_user=self.coordinator,
            donor=village,
            warehouse=street_store,
            lines=[LineIn(items["生菜"].pk, "120000")],
            note="每户一份",
            received_at=day,
        )
        for name, quantity in (("口罩", "400"), ("消毒液", "60"), ("大米", "300")):
            stock_post(
                acting_user=self.coordinator,
                warehouse=street_store,
                item=items[name],
                kind=MovementKind.RECEIPT,
                quantity=quantity,
                moved_at=day,
            )
        # The compound's community takes its share of the lettuce (seed 000: 27,300+ jin for 3,500+
        # households); the distribution demo hands it out through the building leaders.
        stock_transfer(
            acting_user=self.coordinator,
            source=street_store,
            target=store,
            item=items["生菜"],
            quantity="28600",
            note=f"{self.compound.name} 每户一份",
        )
        for name, quantity in (("食用油", "80"), ("大米", "120"), ("面粉", "100"), ("口罩", "50")):
            stock_post(
                acting_user=self.staff,
                warehouse=store,
                item=items[name],
                kind=MovementKind.RECEIPT,
                quantity=quantity,
                moved_at=day,
            )
        for name, minimum, target in (("食用油", 20, 80), ("大米", 30, 120), ("面粉", 20, 100)):
            stock_levels_set(
                acting_user=self.staff, warehouse=store, item=items[name], minimum=minimum, target=target
            )
        stock_levels_set(acting_user=self.staff, warehouse=store, item=items["口罩"], minimum=30, target=100)
        # Masks handed to the building leaders: below the minimum, a request to the street is raised.
        stock_post(
            acting_user=self.staff,
            warehouse=store,
            item=items["口罩"],
            kind=MovementKind.ISSUE,
            quantity="28",
            note="发给楼长",
        )
        stock_take_record(
            acting_user=self.staff,
            warehouse=store,
            counts=[
                CountIn(items["食用油"].pk, "79", AdjustReason.DAMAGED),
                CountIn(items["大米"].pk, "120"),
                CountIn(items["面粉"].pk, "100"),
            ],
            disinfected=True,
            note="姜华 清点并消毒剩余物资",
        )
        point = SamplingPoint.objects.filter(compound=self.compound).order_by("pk").first()
        if point is None:
            return
        point_store = Warehouse.objects.create(
            area=self.compound, name=f"{point.name}物资", sampling_point=point, location=point.location
        )
        for name, quantity in (("采样拭子", "50"), ("采样管", "30"), ("防护服", "40"), ("口罩", "20")):
            stock_post(
                acting_user=self.staff,
                warehouse=point_store,
                item=items[name],
                kind=MovementKind.RECEIPT,
                quantity=quantity,
            )
            stock_levels_set(acting_user=self.staff, warehouse=point_store, item=items[name], minimum=5)
        sampling_usage_report(
            acting_user=self.volunteer,
            warehouse=point_store,
            lines=[
                LineIn(items["采样拭子"].pk, "32"),
                LineIn(items["采样管"].pk, "4"),
                LineIn(items["防护服"].pk, "12"),
            ],
            note="上午场",
        )
