"""Supplies (物资): items, warehouses and one stock ledger.

The balance of an item in a warehouse is a row (`Stock`) that the database keeps at zero or above
(a check constraint); every change to it is a `StockMovement` written in the same transaction, with
its kind, its reason and what caused it (a donation, a campaign, a stock-take).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Quantities: whole or half units of 斤 and bags alike; 120,000 jin of lettuce fits many times over.
QUANTITY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class Unit(models.TextChoices):
    JIN = "jin", _("jin (斤)")
    KG = "kg", _("kg")
    BAG = "bag", _("bag")
    BOX = "box", _("box")
    DRUM = "drum", _("drum")
    PACK = "pack", _("pack")
    PIECE = "piece", _("piece")
    BOTTLE = "bottle", _("bottle")


class Category(models.TextChoices):
    VEGETABLES = "vegetables", _("Vegetables")
    GRAIN_OIL = "grain_oil", _("Grain and oil")
    MEAT_EGGS = "meat_eggs", _("Meat and eggs")
    DAILY = "daily", _("Daily necessities")
    MEDICINE = "medicine", _("Medicine")
    PROTECTIVE = "protective", _("Protective gear")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    TESTING = "testing", _("Testing consumables")
    WATER = "water", _("Water and drinks")
    OTHER = "other", _("Other")


class Item(models.Model):
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "name", "unit"]
        constraints = [models.UniqueConstraint(fields=["name", "unit"], name="supplies_item_name_unit")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_unit_display()})"


class Warehouse(models.Model):
    """A store of a street, a community or a compound, or a sampling point's own store."""

    name = models.CharField(_("name"), max_length=100)
    # The place it serves: its stock is read and moved by those granted there or above.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="warehouses")
    sampling_point = models.OneToOneField(
        "testing.SamplingPoint", null=True, blank=True, on_delete=models.PROTECT, related_name="store"
    )
    location = models.CharField(_("where"), max_length=200, blank=True, default="")
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area__path", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="supplies_warehouse_area_name")]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """What a warehouse holds of an item now, and the level below which it asks for more."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="stock")
    quantity = models.DecimalField(_("quantity"), default=ZERO, **QUANTITY)
    minimum = models.DecimalField(_("minimum level"), default=ZERO, **QUANTITY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["warehouse_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item"], name="supplies_stock_warehouse_item"),
            # Stock never goes negative: the database refuses it, whatever wrote the row.
            models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_stock_not_negative"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="supplies_stock_minimum_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.item_id}: {self.quantity}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    RETURN = "return", _("Returned to stock")
    ADJUSTMENT = "adjustment", _("Adjustment")
    STOCKTAKE = "stocktake", _("Stock-take")
    USAGE = "usage", _("Used")


# The sign a kind gives its quantity; adjustments and stock-takes carry their own sign.
INBOUND = (MovementKind.RECEIPT, MovementKind.TRANSFER_IN, MovementKind.RETURN)
OUTBOUND = (MovementKind.ISSUE, MovementKind.TRANSFER_OUT, MovementKind.USAGE)
SIGNED = (MovementKind.ADJUSTMENT, MovementKind.STOCKTAKE)


class AdjustReason(models.TextChoices):
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    EXPIRED = "expired", _("Expired")
    FOUND = "found", _("Found")
    MISCOUNTED = "miscounted", _("Miscounted")
    OTHER = "other", _("Other")


class StockMovement(models.Model):
    """One line of the stock ledger. Rows are never changed or deleted; a mistake is a new row."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    # Signed: a receipt adds, an issue takes away.
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    balance_after = models.DecimalField(_("balance after"), **QUANTITY)
    reason = models.CharField(
        _("reason"), max_length=16, choices=AdjustReason.choices, blank=True, default=""
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    # What caused it: "supplies.donation" 12, "distribution.campaign" 3, "supplies.stocktake" 5.
    ref_type = models.CharField(max_length=40, blank=True, default="")
    ref_id = models.CharField(max_length=40, blank=True, default="")
    # The other warehouse of a transfer.
    counterpart = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(_("when"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_at", "-id"]
        indexes = [
            models.Index(fields=["warehouse", "item", "moved_at"]),
            models.Index(fields=["ref_type", "ref_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="supplies_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="supplies_movement_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in INBOUND], quantity__gt=0)
                | Q(kind__in=[k.value for k in OUTBOUND], quantity__lt=0)
                | Q(kind__in=[k.value for k in SIGNED]),
                name="supplies_movement_sign_by_kind",
            ),
            # An adjustment says why.
            models.CheckConstraint(
                condition=~Q(kind=MovementKind.ADJUSTMENT) | ~Q(reason=""),
                name="supplies_adjustment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.item_id} at {self.warehouse_id}"
