"""Supplies records shaped like the seeds: the street's and a community's warehouses, the usual items."""

from firstline.supplies.models import Category, Item, Unit, Warehouse

ITEMS = {
    "lettuce": ("生菜", Unit.JIN, Category.VEGETABLES),
    "oil": ("食用油", Unit.DRUM, Category.GRAIN_OIL),
    "rice": ("大米", Unit.BAG, Category.GRAIN_OIL),
    "flour": ("面粉", Unit.BAG, Category.GRAIN_OIL),
    "masks": ("口罩", Unit.BOX, Category.PROTECTIVE),
    "swabs": ("采样拭子", Unit.PACK, Category.TESTING),
    "tubes": ("采样管", Unit.BOX, Category.TESTING),
    "suits": ("防护服", Unit.PIECE, Category.PROTECTIVE),
}


def item(key: str) -> Item:
    name, unit, category = ITEMS[key]
    return Item.objects.get_or_create(name=name, unit=unit, defaults={"category": category})[0]


def warehouse(area, name: str | None = None, **fields) -> Warehouse:
    return Warehouse.objects.create(area=area, name=name or f"{area.name}库房", **fields)
