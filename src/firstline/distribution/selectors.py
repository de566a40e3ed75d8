"""Reading campaigns within the user's areas: their allocation per building and leader, the doors
of a building, and the reconciliation of stock, hand-over and doors."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_filter, scope_paths, work_scope
from firstline.areas.doors import doors_by_text
from firstline.areas.models import Area, AreaKind
from firstline.common.errors import NotFound
from firstline.common.paths import any_subtree_q
from firstline.distribution.models import (
    Allocation,
    Batch,
    BatchStatus,
    Campaign,
    CampaignItem,
    Share,
    ShareStatus,
)
from firstline.distribution.services import REF_BATCH, REF_RETURN
from firstline.supplies.models import Item, MovementKind, StockMovement
from firstline.supplies.selectors import warehouses_visible

ZERO = Decimal(0)


def campaigns_visible(user, perm: str = Perm.SUPPLY_VIEW):
    """Campaigns planned where the user holds `perm`, or serving a place inside the user's areas
    (a building leader sees the street's lettuce campaign for their buildings)."""
    paths = scope_paths(user, perm)
    if not paths:
        return Campaign.objects.none()
    inside = any_subtree_q(paths, "area__path")
    serving = Q(
        pk__in=Allocation.objects.filter(any_subtree_q(paths, "stairwell__path")).values("campaign_id")
    )
    return Campaign.objects.filter(inside | serving).select_related("warehouse", "area").distinct()


def campaigns_page(user, rows: int = 100) -> list[Campaign]:
    """The list page's campaigns, with their batches; NotFound for someone who holds the view of
    supplies nowhere (the page of this work does not exist for them)."""
    work_scope(user, Perm.SUPPLY_VIEW)
    return list(campaigns_visible(user).prefetch_related("batches")[:rows])


def may_plan(user) -> bool:
    """Whether the user manages supplies anywhere (the list then offers to plan a campaign)."""
    return bool(scope_paths(user, Perm.SUPPLY_MANAGE))


def plan_choices(user) -> tuple[list, list[Area], list[Item]]:
    """What the planning form offers: the active warehouses, the communities and compounds inside
    the user's areas for managing supplies, and the items; NotFound for someone who manages supplies
    nowhere."""
    work_scope(user, Perm.SUPPLY_MANAGE)
    warehouses = list(warehouses_visible(user, Perm.SUPPLY_MANAGE).filter(is_active=True)[:200])
    places = list(
        scope_filter(
            Area.objects.filter(kind__in=(AreaKind.COMMUNITY, AreaKind.COMPOUND)), user, Perm.SUPPLY_MANAGE
        ).order_by("path")[:300]
    )
    return warehouses, places, list(Item.objects.all()[:300])


def buildings_by_name(places: list[Area]) -> dict[str, list[int]]:
    """The ids of the buildings inside the chosen places, by name (two may share one)."""
    names: dict[str, list[int]] = {}
    for pk, name in Area.objects.filter(
        any_subtree_q([p.path for p in places]), kind=AreaKind.BUILDING
    ).values_list("pk", "name"):
        names.setdefault(name, []).append(pk)
    return names


def campaign_get(user, campaign_id: int, perm: str = Perm.SUPPLY_VIEW) -> Campaign:
    campaign = campaigns_visible(user, perm).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound
    return campaign


def campaign_items(campaign: Campaign) -> list[CampaignItem]:
    return list(campaign.items.select_related("item"))


def batch_get(campaign: Campaign, number: int) -> Batch:
    batch = Batch.objects.filter(campaign=campaign, number=number).first()
    if batch is None:
        raise NotFound
    batch.campaign = campaign
    return batch


def allocation_get(
    user, campaign: Campaign, allocation_id: int, perm: str = Perm.SUPPLY_DELIVER
) -> Allocation:
    allocation = (
        scope_filter(
            Allocation.objects.select_related("stairwell", "building"), user, perm, field="stairwell__path"
        )
        .filter(campaign=campaign, pk=allocation_id)
        .first()
    )
    if allocation is None:
        raise NotFound
    return allocation


def building_get(user, campaign: Campaign, building_id: int, perm: str = Perm.SUPPLY_DELIVER) -> Area:
    """A building of the campaign inside the user's areas for `perm`."""
    building = scope_filter(Area.objects.filter(pk=building_id), user, perm).first()
    if building is None or not Allocation.objects.filter(campaign=campaign, building=building).exists():
        raise NotFound
    return building


@dataclass
class Tally:
    """Shares (in units) at each step, for a building, a batch or the whole campaign."""

    due: Decimal = ZERO
    households: int = 0
    issued: Decimal = ZERO
    handed: Decimal = ZERO
    delivered: Decimal = ZERO
    returned: Decimal = ZERO
    delivered_households: int = 0
    not_home: int = 0
    refused: int = 0

    @property
    def with_leaders(self) -> Decimal:
        return self.handed - self.delivered - self.returned

    @property
    def percent(self) -> int:
        return int(self.delivered * 100 / self.due) if self.due else 0

    def add(self, other: "Tally") -> None:
        for name in (
            "due",
            "households",
            "issued",
            "handed",
            "delivered",
            "returned",
            "delivered_households",
            "not_home",
            "refused",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class BuildingRow:
    building_id: int
    name: str
    batch: int
    leader: str
    tally: Tally
    stairwells: list = field(default_factory=list)
    handed: bool = False
    confirmed: int = 0


@dataclass
class ItemTotal:
    name: str
    unit: str
    per_unit: Decimal
    issued: Decimal
    handed: Decimal
    delivered: Decimal
    returned: Decimal
    with_leaders: Decimal
    ledger_issued: Decimal
    ledger_returned: Decimal

    @property
    def reconciled(self) -> bool:
        return (
            self.issued == self.ledger_issued
            and self.returned == self.ledger_returned
            and self.issued >= self.handed
            and self.handed == self.delivered + self.returned + self.with_leaders
        )


@dataclass
class Reconciliation:
    total: Tally
    buildings: list[BuildingRow]
    batches: list[tuple[Batch, Tally]]
    items: list[ItemTotal]

    @property
    def reconciled(self) -> bool:
        return all(item.reconciled for item in self.items)


def campaign_reconciliation(campaign: Campaign) -> Reconciliation:
    """Every step's totals, per building and per batch, from one aggregate over the shares, the
    allocation rows, and the ledger's rows of the campaign (five queries whatever its size)."""
    batches = list(Batch.objects.filter(campaign=campaign).order_by("number"))
    issued_batches = {b.pk for b in batches if b.status != BatchStatus.PLANNED}
    number_of = {b.pk: b.number for b in batches}
    allocations = list(
        Allocation.objects.filter(campaign=campaign)
        .select_related(
            "building", "stairwell", "building_leader", "unit_leader", "handed_to", "confirmed_by"
        )
        .order_by("position")
    )
    groups = (
        Share.objects.filter(campaign=campaign)
        .values("allocation_id", "status")
        .annotate(units=Sum("units"), n=Count("id"))
    )
    per_allocation: dict[int, Tally] = defaultdict(Tally)
    handed_allocations = {a.pk for a in allocations if a.handed_at}
    batch_of = {a.pk: a.batch_id for a in allocations}
    for row in groups:
        tally = per_allocation[row["allocation_id"]]
        units, count = row["units"] or ZERO, row["n"]
        tally.due += units
        tally.households += count
        if batch_of[row["allocation_id"]] in issued_batches:
            tally.issued += units
        if row["allocation_id"] in handed_allocations:
            tally.handed += units
        if row["status"] == ShareStatus.DELIVERED:
            tally.delivered += units
            tally.delivered_households += count
        elif row["status"] == ShareStatus.RETURNED:
            tally.returned += units
        elif row["status"] == ShareStatus.NOT_HOME:
            tally.not_home += count
        elif row["status"] == ShareStatus.REFUSED:
            tally.refused += count
    buildings: dict[int, BuildingRow] = {}
    per_batch: dict[int, Tally] = defaultdict(Tally)
    total = Tally()
    for allocation in allocations:
        tally = per_allocation[allocation.pk]
        row = buildings.get(allocation.building_id)
        if row is None:
            leader = allocation.building_leader.username if allocation.building_leader_id else ""
            row = buildings[allocation.building_id] = BuildingRow(
                building_id=allocation.building_id,
                name=allocation.building.name,
                batch=number_of[allocation.batch_id],
                leader=leader,
                tally=Tally(),
            )
        row.tally.add(tally)
        row.stairwells.append((allocation, tally))
        row.handed = row.handed or bool(allocation.handed_at)
        row.confirmed += 1 if allocation.confirmed_at else 0
        per_batch[allocation.batch_id].add(tally)
        total.add(tally)
    items = []
    ledger = defaultdict(lambda: ZERO)
    for item_id, kind, quantity in (
        StockMovement.objects.filter(
            Q(ref_type=REF_BATCH, ref_id__in=[str(b.pk) for b in batches], kind=MovementKind.ISSUE)
            | Q(ref_type=REF_RETURN, ref_id=str(campaign.pk), kind=MovementKind.RETURN),
            warehouse_id=campaign.warehouse_id,
        )
        .values("item_id", "kind")
        .annotate(q=Sum("quantity"))
        .values_list("item_id", "kind", "q")
    ):
        ledger[(item_id, kind)] = abs(Decimal(quantity)).quantize(Decimal("0.01"))
    for campaign_item in campaign_items(campaign):
        per = campaign_item.per_unit

        def times(units, per=per):
            return (units * per).quantize(Decimal("0.01"))

        items.append(
            ItemTotal(
                name=campaign_item.item.name,
                unit=campaign_item.item.get_unit_display(),
                per_unit=per,
                issued=times(total.issued),
                handed=times(total.handed),
                delivered=times(total.delivered),
                returned=times(total.returned),
                with_leaders=times(total.with_leaders),
                ledger_issued=ledger[(campaign_item.item_id, MovementKind.ISSUE)],
                ledger_returned=ledger[(campaign_item.item_id, MovementKind.RETURN)],
            )
        )
    return Reconciliation(
        total=total,
        buildings=list(buildings.values()),
        batches=[(b, per_batch[b.pk]) for b in batches],
        items=items,
    )


@dataclass
class CampaignView:
    """The campaign's page as the user may see it: the whole reconciliation where they hold the view
    of supplies on its area, otherwise only the buildings of their own stairwells."""

    report: Reconciliation
    whole: bool
    buildings: list[BuildingRow]


def campaign_view(user, campaign: Campaign) -> CampaignView:
    """The reconciliation narrowed to what the user may see; each row's `mine` says whether the user
    hands out there (and so has its doors page)."""
    whole = can(user, Perm.SUPPLY_VIEW, campaign.area.path)
    report = campaign_reconciliation(campaign)
    mine = {a.building_id for a in allocations_visible(user, campaign, Perm.SUPPLY_DELIVER)}
    buildings = [row for row in report.buildings if whole or row.building_id in mine]
    for row in buildings:
        row.mine = row.building_id in mine
    return CampaignView(report=report, whole=whole, buildings=buildings)


@dataclass
class Door:
    household_id: int
    floor: int | None
    door: str
    unit: str
    status: str
    units: Decimal
    handed: bool

    @property
    def status_label(self) -> str:
        return str(ShareStatus(self.status).label)


def building_doors(campaign: Campaign, building: Area) -> list[Door]:
    """The doors of a building in the campaign, unit → floor → door, in one query (no phone, no name)."""
    rows = (
        Share.objects.filter(campaign=campaign, allocation__building=building)
        .order_by("allocation__position", "household__floor", "household__door", "household__path")
        .values_list(
            "household_id",
            "household__floor",
            "household__door",
            "household__name",
            "allocation__stairwell__name",
            "allocation__stairwell_id",
            "status",
            "units",
            "allocation__handed_at",
        )
    )
    return [
        Door(
            household_id=pk,
            floor=floor,
            door=door or name,
            unit=unit if stairwell_id != building.pk else "",
            status=status,
            units=units,
            handed=handed_at is not None,
        )
        for pk, floor, door, name, unit, stairwell_id, status, units, handed_at in rows
    ]


def buildings_for_user(user, campaign: Campaign) -> list[Allocation]:
    """The stairwells of the campaign the user may hand out to (a leader's own buildings; staff: all
    of theirs), with their leaders, in hand-out order."""
    return list(
        scope_filter(
            Allocation.objects.filter(campaign=campaign).select_related(
                "building", "stairwell", "batch", "building_leader", "unit_leader", "confirmed_by"
            ),
            user,
            Perm.SUPPLY_DELIVER,
            field="stairwell__path",
        ).order_by("position")
    )


def households_by_id(ids) -> dict[int, Area]:
    """Households by id, for a fixed list (the campaign then checks that each is in its places)."""
    from firstline.common.bulk import in_values

    return {
        a.pk: a for a in Area.objects.filter(pk__in=in_values(Area, "id", set(ids)), kind=AreaKind.HOUSEHOLD)
    }


def allocations_visible(user, campaign: Campaign, perm: str = Perm.SUPPLY_VIEW) -> list[Allocation]:
    """The campaign's stairwells inside the user's areas, in hand-out order, with their people."""
    return list(
        scope_filter(
            Allocation.objects.filter(campaign=campaign).select_related(
                "building",
                "stairwell",
                "batch",
                "building_leader",
                "unit_leader",
                "confirmed_by",
                "handed_to",
            ),
            user,
            perm,
            field="stairwell__path",
        ).order_by("position")
    )


def allocation_full(allocation_id: int) -> Allocation:
    return Allocation.objects.select_related(
        "building", "stairwell", "batch", "building_leader", "unit_leader", "confirmed_by", "handed_to"
    ).get(pk=allocation_id)


MAX_LIST_LINES = 5_000


def fixed_list_from_text(*, user, places: list[Area], text: str) -> list[tuple[Area, str]]:
    """The list rule's households from a pasted list, one door and its shares a line
    ('3-2-603 2'; a line with the door alone is one share), resolved in one query within the chosen
    places. A line that names no door, or several, is refused with its number and what to write."""
    lines = [(number, line.strip()) for number, line in enumerate((text or "").splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise ValidationError({"list": _("Paste the list: one door and its shares a line, e.g. 3-2-603 2.")})
    if len(lines) > MAX_LIST_LINES:
        raise ValidationError(
            {
                "list": _("The list has %(n)s lines; at most %(max)s at a time.")
                % {"n": len(lines), "max": MAX_LIST_LINES}
            }
        )
    rows = []
    for number, line in lines:
        door, _space, shares = line.replace("\t", " ").rpartition(" ")
        if not door:
            door, shares = shares, "1"
        rows.append((number, door.strip(), shares.strip()))
    found = doors_by_text(
        user=user, within=places, texts=[door for _n, door, _s in rows], perm=Perm.SUPPLY_MANAGE
    )
    faults, fixed = [], []
    for number, door, shares in rows:
        doors = found.get(door, [])
        if len(doors) != 1:
            message = (
                _("Line %(line)s: no door “%(door)s” in the places chosen.")
                if not doors
                else _(
                    "Line %(line)s: “%(door)s” names %(n)s doors; write the building and unit, e.g. 3-2-603."
                )
            )
            faults.append(message % {"line": number, "door": door, "n": len(doors)})
            continue
        fixed.append((doors[0], shares))
    if faults:
        shown = faults[:20]
        if len(faults) > len(shown):
            shown.append(_("…and %(n)s more lines like these.") % {"n": len(faults) - len(shown)})
        raise ValidationError({"list": shown})
    return fixed
