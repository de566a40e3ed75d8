"""Supplies (物资): items, warehouses and one stock ledger.

The balance of an item in a warehouse is a row (`Stock`) that the database keeps at zero or above
(a check constraint); every change to it is a `StockMovement` written in the same transaction, with
its kind, its reason and what caused it (a donation, a campaign, a stock-take).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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


# The kinds of place a warehouse serves.
WAREHOUSE_AREAS = ("street", "township", "community", "village", "compound")


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
    # What a resupply request fills up to (zero: twice the minimum).
    target = models.DecimalField(_("fill up to"), default=ZERO, **QUANTITY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["warehouse_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item"], name="supplies_stock_warehouse_item"),
            # Stock never goes negative: the database refuses it, whatever wrote the row.
            models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_stock_not_negative"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="supplies_stock_minimum_not_negative"),
            models.CheckConstraint(
                condition=Q(target=0) | Q(target__gte=F("minimum")),
                name="supplies_stock_target_gte_minimum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.item_id}: {self.quantity}"

    @property
    def below_minimum(self) -> bool:
        return self.minimum > 0 and self.quantity < self.minimum

    @property
    def fill_level(self) -> Decimal:
        return self.target if self.target > 0 else self.minimum * 2

    @property
    def bar_percent(self) -> int:
        """How full the bar is drawn: the fill level (or the quantity, when above it) is 100."""
        top = max(self.fill_level, self.quantity)
        return int(self.quantity * 100 / top) if top > 0 else 0

    @property
    def minimum_percent(self) -> int:
        top = max(self.fill_level, self.quantity)
        return int(self.minimum * 100 / top) if top > 0 else 0


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
    USED_AT_SAMPLING = "sampling", _("Used at sampling")
    RESUPPLY = "resupply", _("Resupply")
    DONATION = "donation", _("Donation")
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
            # The ledger page: a warehouse's movements newest first, read 50 at a time.
            models.Index(fields=["warehouse", "-moved_at", "-id"], name="supplies_ledger_page"),
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


class StockTake(models.Model):
    """A count of what a warehouse holds (盘点), item by item, and whether what is left was disinfected."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_takes")
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counted_at = models.DateTimeField(_("counted at"))
    disinfected = models.BooleanField(_("disinfected"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-counted_at", "-id"]

    def __str__(self) -> str:
        return f"stock-take {self.pk} of {self.warehouse_id}"


class StockTakeLine(models.Model):
    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    expected = models.DecimalField(_("expected"), **QUANTITY)
    counted = models.DecimalField(_("counted"), **QUANTITY)
    reason = models.CharField(
        _("reason"), max_length=16, choices=AdjustReason.choices, blank=True, default=""
    )
    movement = models.OneToOneField(
        StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["stock_take_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stock_take", "item"], name="supplies_stocktake_line_item"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="supplies_stocktake_counted_gte_0"),
            # A difference says why.
            models.CheckConstraint(
                condition=Q(counted=F("expected")) | ~Q(reason=""), name="supplies_stocktake_variance_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.counted} of {self.expected}"

    @property
    def variance(self) -> Decimal:
        return self.counted - self.expected


class ResupplyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


OUTSTANDING = (ResupplyStatus.OPEN, ResupplyStatus.SENT)


class ResupplyRequest(models.Model):
    """A warehouse below its minimum of an item asks the warehouse of the area above (community →
    street) for more. Raised by the ledger itself; one outstanding request per warehouse and item."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="resupply_requests")
    # The warehouse of the area above; empty when there is none yet (the request still shows).
    supplier = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="resupply_asked"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity wanted"), **QUANTITY)
    status = models.CharField(
        _("status"), max_length=10, choices=ResupplyStatus.choices, default=ResupplyStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised at"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipment = models.OneToOneField(
        StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    receipt = models.OneToOneField(
        StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "item"],
                condition=Q(status__in=["open", "sent"]),
                name="supplies_resupply_one_outstanding",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_resupply_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(shipment__isnull=False),
                name="supplies_resupply_sent_has_out",
            ),
        ]

    def __str__(self) -> str:
        return f"resupply {self.pk}: {self.item_id} to {self.warehouse_id} ({self.status})"


class DonorKind(models.TextChoices):
    VILLAGE = "village", _("Village")
    FIRM = "firm", _("Firm")
    RESIDENT = "resident", _("Resident")
    UNIT = "unit", _("Unit or organisation")


class Donor(models.Model):
    """Who gives: a village, a firm, a resident, a unit. Kept by the area that received from them."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=DonorKind.choices)
    name = models.CharField(_("name"), max_length=100)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="supplies_donor_area_name")]

    def __str__(self) -> str:
        return self.name


class Donation(models.Model):
    """What a donor gave, received into a warehouse; its lines are receipts of the ledger."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="donations")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"donation {self.pk} from {self.donor_id}"


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["donation_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_donation_line_positive"),
            models.UniqueConstraint(fields=["donation", "item"], name="supplies_donation_line_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.quantity}"
