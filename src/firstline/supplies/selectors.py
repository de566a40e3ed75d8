"""Reading warehouses and their stock, within the user's areas."""

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter
from firstline.common.errors import NotFound
from firstline.supplies.models import Item, Stock, Warehouse


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
