"""Reading warehouses and their stock, within the user's areas."""

from django.db.models import Count, Prefetch, Q, Sum

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter, scope_paths, work_scope
from firstline.areas.models import Area
from firstline.common.errors import NotFound
from firstline.common.paths import any_subtree_q, is_within
from firstline.supplies.models import (
    OUTSTANDING,
    WAREHOUSE_AREAS,
    Donation,
    DonationLine,
    Donor,
    Item,
    ResupplyRequest,
    Stock,
    StockMovement,
    StockTake,
    StockTakeLine,
    Warehouse,
)
from firstline.testing.models import SamplingPoint


def warehouses_visible(user, perm: str = Perm.SUPPLY_VIEW):
    """Warehouses of the areas where the user holds `perm` (or below them)."""
    return scope_filter(Warehouse.objects.select_related("area"), user, perm, field="area__path")


def warehouse_get(user, warehouse_id: int, perm: str = Perm.SUPPLY_VIEW) -> Warehouse:
    warehouse = warehouses_visible(user, perm).filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound
    return warehouse


def item_get(item_id: int) -> Item:
    """Items are a shared catalogue, not personal data: any signed-in user with a supply right reads them."""
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound
    return item


def stock_of(warehouse: Warehouse) -> list[Stock]:
    return list(
        Stock.objects.filter(warehouse=warehouse)
        .select_related("item")
        .order_by("item__category", "item__name")
    )


def items_all():
    return Item.objects.all()


def warehouses_with_stock(user) -> list[Warehouse]:
    """The warehouses the user may see, each with `stock_rows` (items with a balance or a minimum) and
    `below` (how many are under their minimum): two queries, however many warehouses."""
    warehouses = list(warehouses_visible(user).filter(is_active=True).select_related("sampling_point"))
    rows: dict[int, list[Stock]] = {w.pk: [] for w in warehouses}
    for stock in (
        Stock.objects.filter(warehouse_id__in=list(rows))
        .filter(Q(quantity__gt=0) | Q(minimum__gt=0))
        .select_related("item")
        .order_by("item__category", "item__name")
    ):
        rows[stock.warehouse_id].append(stock)
    for warehouse in warehouses:
        warehouse.stock_rows = rows[warehouse.pk]
        warehouse.below = sum(1 for s in warehouse.stock_rows if s.below_minimum)
    return warehouses


def ledger_of(warehouse: Warehouse, *, item_id: int | None = None):
    movements = StockMovement.objects.filter(warehouse=warehouse).select_related(
        "item", "counterpart", "moved_by"
    )
    if item_id:
        movements = movements.filter(item_id=item_id)
    return movements.order_by("-moved_at", "-id")


def ledger_visible(user):
    return StockMovement.objects.filter(warehouse__in=warehouses_visible(user).values("pk")).select_related(
        "item", "warehouse", "counterpart", "moved_by"
    )


def stock_visible(user, *, warehouse_id: int | None = None):
    stock = Stock.objects.filter(warehouse__in=warehouses_visible(user).values("pk")).select_related(
        "item", "warehouse"
    )
    if warehouse_id:
        stock = stock.filter(warehouse_id=warehouse_id)
    return stock.order_by("warehouse_id", "item__category", "item__name")


def stock_takes_of(user, warehouse_id: int | None = None):
    takes = StockTake.objects.filter(warehouse__in=warehouses_visible(user).values("pk")).select_related(
        "warehouse", "counted_by"
    )
    if warehouse_id:
        takes = takes.filter(warehouse_id=warehouse_id)
    return takes.prefetch_related(Prefetch("lines", StockTakeLine.objects.select_related("item")))


def resupply_visible(user, perm: str = Perm.SUPPLY_VIEW):
    """Requests of the user's warehouses and those asked of them (the upper level's queue)."""
    paths = scope_paths(user, perm)
    return (
        ResupplyRequest.objects.filter(
            any_subtree_q(paths, "warehouse__area__path") | any_subtree_q(paths, "supplier__area__path")
        )
        .select_related("warehouse__area", "supplier__area", "item", "shipment")
        .order_by("status", "-raised_at", "-id")
    )


def supplies_work(user, perm: str = Perm.SUPPLY_VIEW) -> bool:
    """NotFound unless the user has supplies work (`perm`) somewhere; whether they may also move stock."""
    work_scope(user, perm)
    return bool(scope_paths(user, Perm.SUPPLY_MANAGE))


def resupply_queue(user) -> dict[str, list[ResupplyRequest]]:
    """What the user's warehouses are asked to send ("asked", open first) and their own requests still
    outstanding ("ours"), each with what the user may do with it (`may_send`, `may_receive`,
    `may_cancel`: the services check again)."""
    view = work_scope(user, Perm.SUPPLY_VIEW)
    manage = scope_paths(user, Perm.SUPPLY_MANAGE)
    queue = list(resupply_visible(user).filter(status__in=OUTSTANDING)[:500])
    for entry in queue:
        supplier_path = entry.supplier.area.path if entry.supplier else None
        entry.may_send = (
            entry.status == "open" and supplier_path is not None and is_within(supplier_path, manage)
        )
        entry.may_receive = entry.status == "sent" and is_within(entry.warehouse.area.path, manage)
        entry.may_cancel = entry.status == "open" and (
            is_within(entry.warehouse.area.path, manage)
            or (supplier_path is not None and is_within(supplier_path, manage))
        )
    asked = [e for e in queue if e.supplier is not None and is_within(e.supplier.area.path, view)]
    return {"asked": asked, "ours": [e for e in queue if e not in asked]}


def resupply_get(user, request_id: int) -> ResupplyRequest:
    request = resupply_visible(user).filter(pk=request_id).first()
    if request is None:
        raise NotFound
    return request


def donors_visible(user):
    return scope_filter(Donor.objects.select_related("area"), user, Perm.SUPPLY_VIEW, field="area__path")


def donor_get(user, donor_id: int) -> Donor:
    donor = donors_visible(user).filter(pk=donor_id).first()
    if donor is None:
        raise NotFound
    return donor


def donations_visible(user):
    return (
        Donation.objects.filter(warehouse__in=warehouses_visible(user).values("pk"))
        .select_related("donor", "warehouse__area", "received_by")
        .prefetch_related(Prefetch("lines", DonationLine.objects.select_related("item")))
        .order_by("-received_at", "-id")
    )


def donation_get(user, donation_id: int) -> Donation:
    donation = donations_visible(user).filter(pk=donation_id).first()
    if donation is None:
        raise NotFound
    return donation


def donation_totals(user) -> dict[str, list[dict]]:
    """Totals per donor (how many donations) and per item (how much), over what the user may see."""
    lines = DonationLine.objects.filter(donation__in=donations_visible(user).values("pk"))
    by_item = list(
        lines.values("item__name", "item__unit")
        .annotate(total=Sum("quantity"))
        .order_by("-total", "item__name")
    )
    by_donor = list(
        lines.values("donation__donor__name", "donation__donor__kind", "item__name", "item__unit")
        .annotate(total=Sum("quantity"), donations=Count("donation", distinct=True))
        .order_by("donation__donor__name", "item__name")
    )
    return {"by_item": by_item, "by_donor": by_donor}


def areas_for_warehouses(user) -> list:
    """The streets, communities and compounds where the user may open a warehouse, with the sampling
    points of those compounds that have no store yet."""
    areas = list(
        scope_filter(Area.objects.filter(kind__in=WAREHOUSE_AREAS), user, Perm.SUPPLY_MANAGE).order_by(
            "path"
        )[:300]
    )
    points = list(
        SamplingPoint.objects.filter(compound__in=[a.pk for a in areas], store__isnull=True, is_active=True)
        .select_related("compound")
        .order_by("compound__path", "name")[:300]
    )
    return areas, points
