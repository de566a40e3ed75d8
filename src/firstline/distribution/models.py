"""Distribution campaigns (发放): shares of a warehouse's stock handed out door by door.

A campaign gives each household in its scope a share (`Share`, one per household: a unique
constraint), worked out by a rule (per household, per person, per vulnerable member or a fixed
list). The households are grouped by stairwell (`Allocation`: a unit, or a building without units),
each with its building's leader and its unit leader, who confirm their counts; the buildings are
handed out in batches (`Batch`) in the order the leaders agreed. A batch is issued from stock
(one ledger row per item), handed to the building leaders, and each door's outcome is a `Receipt`;
a household is delivered at most once per campaign (a partial unique constraint), whichever phone
tried first. Undelivered shares go back to stock.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from firstline.supplies.models import QUANTITY


class Rule(models.TextChoices):
    HOUSEHOLD = "household", _("Per household")
    PERSON = "person", _("Per person")
    VULNERABLE = "vulnerable", _("Per vulnerable member")
    LIST = "list", _("Fixed list of households")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=100)
    warehouse = models.ForeignKey("supplies.Warehouse", on_delete=models.PROTECT, related_name="campaigns")
    # The warehouse's place: the campaign is read and run by those granted there or above.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="campaigns")
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices, default=Rule.HOUSEHOLD)
    # For the vulnerable rule: the groups counted (empty: any group).
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignArea(models.Model):
    """One place of the campaign's scope: a community, a compound or a building."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scope")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="distribution_scope_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.area_id}"


class CampaignItem(models.Model):
    """An item of the campaign and how much of it one unit of a share is (a bag of lettuce: 7.8 斤)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("supplies.Item", on_delete=models.PROTECT, related_name="+")
    per_unit = models.DecimalField(_("per share"), **QUANTITY)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="distribution_item_once"),
            models.CheckConstraint(condition=Q(per_unit__gt=0), name="distribution_item_per_unit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.item_id} × {self.per_unit}"


class BatchStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ISSUED = "issued", _("Issued from stock")
    CLOSED = "closed", _("Closed")


class Batch(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("batch"))
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.PLANNED)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="distribution_batch_number")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.number}"


class Allocation(models.Model):
    """A stairwell's part of a campaign: its households, its leaders, their confirmed count and the
    hand-over of its shares."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allocations")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="allocations")
    building = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    stairwell = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    # The order of hand-out inside the campaign (building by building, unit by unit).
    position = models.PositiveIntegerField(default=0)
    # Null: the building has no leader; its shares fall to the compound's staff.
    building_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    units = models.DecimalField(_("shares"), default=Decimal(0), **QUANTITY)
    confirmed_households = models.PositiveIntegerField(_("confirmed households"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    handed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "stairwell"], name="distribution_allocation_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.stairwell_id}"


class ShareStatus(models.TextChoices):
    DUE = "due", _("Due")
    DELIVERED = "delivered", _("Delivered")
    NOT_HOME = "not_home", _("Not at home")
    REFUSED = "refused", _("Refused")
    RETURNED = "returned", _("Returned to stock")


# What a leader records at a door.
OUTCOMES = (ShareStatus.DELIVERED, ShareStatus.NOT_HOME, ShareStatus.REFUSED)
# Shares still with a leader after hand-over: they may be delivered, or returned.
OPEN_STATUSES = (ShareStatus.DUE, ShareStatus.NOT_HOME, ShareStatus.REFUSED)


class Share(models.Model):
    """What one household is due: `units` times each item's per-share quantity."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shares")
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="shares")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="shares")
    household = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    units = models.DecimalField(_("shares"), **QUANTITY)
    status = models.CharField(max_length=16, choices=ShareStatus.choices, default=ShareStatus.DUE)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="distribution_share_once"),
            models.CheckConstraint(condition=Q(units__gt=0), name="distribution_share_positive"),
        ]
        indexes = [models.Index(fields=["campaign", "batch", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.household_id} {self.status}"


class Receipt(models.Model):
    """One try at a door, from a leader's phone. Rows are kept: a not-at-home and the later
    delivery are two rows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="receipts")
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="receipts")
    household = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=ShareStatus.choices)
    # The phone's own key for this try: a retry of the same request records nothing twice.
    client_key = models.CharField(max_length=64, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # The second share to the same household: refused by the database, whichever phone is second.
            models.UniqueConstraint(
                fields=["campaign", "household"],
                condition=Q(outcome="delivered"),
                name="distribution_delivered_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "client_key"],
                condition=~Q(client_key=""),
                name="distribution_receipt_client_key",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["delivered", "not_home", "refused"]),
                name="distribution_receipt_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.household_id} {self.outcome}"
