"""The demo community's lettuce (seed 000): 新添堡村 gave 120,000 jin to 大庆路街道, one share per
household; 睿和新城's share goes out through its building and unit leaders in 3 batches, and is in
progress: batch 1 handed over and mostly delivered (a few doors not at home), batch 2 issued from
stock, batch 3 still planned. Every building has its leader and every unit its unit leader (30 and
71 in the full compound), who confirmed their counts first."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from firstline.accounts.models import Grant
from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind
from firstline.distribution.models import Allocation, Batch, Share
from firstline.distribution.services import (
    allocation_confirm,
    batch_issue,
    building_handover,
    campaign_create,
    receipts_record,
)
from firstline.supplies.models import Category, Item, Unit, Warehouse

PER_SHARE = Decimal("7.8")  # a bag of lettuce, about 7.8 jin


class DistributionDemo:
    def __init__(
        self, *, street: Area, community: Area, compound: Area, users: dict, password: str, small: bool
    ):
        self.street, self.community, self.compound, self.small = street, community, compound, small
        self.users, self.password = users, password

    def load(self):
        staff = self.users["shequ"]
        if not self.small:
            self._leaders()
        lettuce, _ = Item.objects.get_or_create(
            name="生菜", unit=Unit.JIN, defaults={"category": Category.VEGETABLES, "note": "新添堡村捐赠"}
        )
        # The supplies demo received the village's 120,000 jin at the street and moved the compound's
        # share to the community's store: the campaign hands it out from there.
        ruihe_store = Warehouse.objects.get(area=self.community)
        campaign = campaign_create(
            acting_user=staff,
            name="新添堡村爱心生菜 每户一份",
            warehouse=ruihe_store,
            items=[(lettuce, PER_SHARE)],
            scope=[self.compound],
            batch_count=3,
            note="楼长、单元长先核定户数，按商定次序分3批发放",
        )
        allocations = list(
            Allocation.objects.filter(campaign=campaign)
            .select_related("stairwell", "batch", "building_leader", "unit_leader")
            .order_by("position")
        )
        batches = list(Batch.objects.filter(campaign=campaign).select_related("campaign").order_by("number"))
        # The leaders of batches 1 and 2 confirmed their counts; one unit has two empty flats.
        for index, allocation in enumerate(a for a in allocations if a.batch.number <= 2):
            leader = allocation.unit_leader or allocation.building_leader or staff
            count = allocation.households - (2 if index == 1 else 0)
            allocation_confirm(acting_user=leader, allocation=allocation, households=count)
        batch_issue(acting_user=staff, batch=batches[0])
        if len(batches) > 1:
            batch_issue(acting_user=staff, batch=batches[1])
        first = [a for a in allocations if a.batch_id == batches[0].pk]
        for building_id in dict.fromkeys(a.building_id for a in first):
            building_handover(acting_user=staff, campaign=campaign, building=Area.objects.get(pk=building_id))
        # Batch 1's doors: nearly all delivered, every 17th not at home, every 41st refused.
        for allocation in first:
            leader = allocation.unit_leader or allocation.building_leader or staff
            doors = list(
                Share.objects.filter(allocation=allocation)
                .order_by("household__floor", "household__door")
                .values_list("household_id", flat=True)
            )
            entries = []
            for n, household in enumerate(doors, start=1):
                outcome = "refused" if n % 41 == 0 else "not_home" if n % 17 == 0 else "delivered"
                entries.append(
                    {"household": household, "outcome": outcome, "client_key": f"demo-{household}"}
                )
            receipts_record(acting_user=leader, campaign=campaign, entries=entries)
        return campaign

    def _leaders(self):
        """A building leader (楼长) for every building and a unit leader (单元长) for every unit without
        one (the full compound: 30 and 71); the small demo keeps its few logins."""
        users_model = get_user_model()
        places = list(
            Area.objects.filter(
                parent__in=Area.objects.filter(parent=self.compound, kind=AreaKind.BUILDING),
                kind=AreaKind.UNIT,
            )
        ) + list(Area.objects.filter(parent=self.compound, kind=AreaKind.BUILDING))
        led = set(
            Grant.objects.filter(role=Role.BUILDING_LEADER, area__in=places).values_list("area_id", flat=True)
        )
        password = make_password(self.password)  # hashed once for all of them
        wanted = []
        buildings = {a.pk: a for a in places if a.kind == AreaKind.BUILDING}
        for area in sorted(places, key=lambda a: a.path):
            if area.pk in led:
                continue
            if area.kind == AreaKind.BUILDING:
                username, title = f"lz{len(wanted) + 1:03d}", f"楼长 {area.name}"
            else:
                username, title = (
                    f"dy{len(wanted) + 1:03d}",
                    f"单元长 {buildings[area.parent_id].name}{area.name}",
                )
            wanted.append((area, users_model(username=username, first_name=title, password=password)))
        users_model.objects.bulk_create([user for _area, user in wanted])
        made = {
            u.username: u for u in users_model.objects.filter(username__in=[u.username for _a, u in wanted])
        }
        Grant.objects.bulk_create(
            Grant(user=made[user.username], role=Role.BUILDING_LEADER, area=area) for area, user in wanted
        )
