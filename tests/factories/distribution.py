"""Records a distribution test needs: a warehouse with lettuce in stock, a campaign over a compound."""

from decimal import Decimal

from firstline.distribution.services import campaign_create
from firstline.supplies.models import Category, Item, MovementKind, Unit, Warehouse
from firstline.supplies.services import stock_post

LETTUCE_PER_SHARE = Decimal("7.8")


def lettuce_store(*, acting_user, area, jin="1000", name=None) -> tuple[Warehouse, Item]:
    """A warehouse of `area` holding `jin` of the village's lettuce (a receipt in the ledger)."""
    warehouse = Warehouse.objects.create(name=name or f"{area.name}库房", area=area)
    item, _ = Item.objects.get_or_create(
        name="生菜", unit=Unit.JIN, defaults={"category": Category.VEGETABLES}
    )
    stock_post(
        acting_user=acting_user,
        warehouse=warehouse,
        item=item,
        kind=MovementKind.RECEIPT,
        quantity=jin,
        note="新添堡村捐赠",
    )
    return warehouse, item


def lettuce_campaign(*, acting_user, warehouse, item, scope, batches=None, batch_count=1, **kwargs):
    return campaign_create(
        acting_user=acting_user,
        name="爱心生菜",
        warehouse=warehouse,
        items=[(item, LETTUCE_PER_SHARE)],
        scope=scope,
        batches=batches,
        batch_count=batch_count,
        **kwargs,
    )
