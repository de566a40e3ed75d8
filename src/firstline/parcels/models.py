"""Gate parcels (代收代送): residents' own purchases that reach only the compound's gate, registered
for a household, disinfected, held for a while, then carried to the door by a courier.

    registered → holding (disinfected; deliverable once its hold ends) → out for delivery
               → delivered, or returned to the gate (and then sent out again)

"Deliverable" is not a stored state: it is a holding parcel whose `hold_until` has passed, so that
the hold ends by the clock alone, with no task to run.
"""

import datetime as dt

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParcelState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    HOLDING = "holding", _("Disinfected, holding")
    OUT = "out", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned to the gate")


# States a parcel is still at the gate or on its way in.
OPEN_STATES = (ParcelState.REGISTERED, ParcelState.HOLDING, ParcelState.OUT, ParcelState.RETURNED)
# States from which a courier may take a parcel to the door (once the hold has ended).
SENDABLE_STATES = (ParcelState.HOLDING, ParcelState.RETURNED)
# A parcel still undelivered this long after it reached the gate is flagged on the board.
OVERDUE_AFTER = dt.timedelta(days=1)


class WeightClass(models.TextChoices):
    LIGHT = "light", _("Light (under 5 kg)")
    MEDIUM = "medium", _("Medium (5 to 15 kg)")
    HEAVY = "heavy", _("Heavy (over 15 kg)")


class DeliveryProof(models.TextChoices):
    CODE = "code", _("Resident's code scanned")
    PHOTO = "photo", _("Photo at the door")


def _photo_storage():
    # Photos are people's doors and labels: kept outside any public media folder, served by a view
    # that checks the scope.
    return FileSystemStorage(location=settings.VAR_DIR / "parcels")


class Parcel(models.Model):
    compound = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="parcels")
    # The household's path, copied so that scope is one range scan on this table.
    household_path = models.CharField(max_length=64)
    # Where a courier goes, copied from the door at registration: the block (a building, or a village
    # group) and the floor, so that the queue and the split group on this table alone.
    block = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    floor = models.SmallIntegerField(default=1)
    description = models.CharField(_("description"), max_length=100)
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    weight_class = models.CharField(
        _("weight"), max_length=8, choices=WeightClass.choices, default=WeightClass.LIGHT
    )
    label_photo = models.FileField(
        _("label photo"), storage=_photo_storage, upload_to="labels/%Y%m%d", blank=True
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ParcelState.choices, default=ParcelState.REGISTERED
    )
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disinfected_at = models.DateTimeField(null=True, blank=True)
    disinfected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hold_until = models.DateTimeField(null=True, blank=True)
    courier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proof = models.CharField(max_length=8, choices=DeliveryProof.choices, blank=True, default="")
    door_photo = models.FileField(storage=_photo_storage, upload_to="doors/%Y%m%d", blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    # The desk form's (or an API client's) key: a second tap or a retried request registers nothing new.
    client_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["household_path", "id"]
        indexes = [
            models.Index(fields=["compound", "state", "block", "floor"], name="parcel_compound_state"),
            models.Index(fields=["household", "registered_at"], name="parcel_household"),
            models.Index(fields=["compound", "registered_at"], name="parcel_compound_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="parcel_count_positive"),
            # Disinfected means a time and a hold's end; delivered means who and how.
            models.CheckConstraint(
                condition=Q(state="registered") | Q(disinfected_at__isnull=False, hold_until__isnull=False),
                name="parcel_disinfected_has_hold",
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False) & ~Q(proof=""),
                name="parcel_delivered_has_proof",
            ),
            models.CheckConstraint(
                condition=~Q(state="out") | Q(courier__isnull=False), name="parcel_out_has_courier"
            ),
            models.UniqueConstraint(
                fields=["client_key"], condition=~Q(client_key=""), name="parcel_client_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ×{self.count}"

    def is_deliverable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state in SENDABLE_STATES and self.hold_until is not None and self.hold_until <= now

    def is_overdue(self, now=None) -> bool:
        """Undelivered more than a day after it reached the gate."""
        now = now or timezone.now()
        return self.state in OPEN_STATES and now - self.registered_at > OVERDUE_AFTER

    @property
    def shown_state(self) -> str:
        """The board's column: a holding parcel whose hold ended is 'deliverable'."""
        if self.state in SENDABLE_STATES and self.hold_until and self.hold_until <= timezone.now():
            return "deliverable" if self.state == ParcelState.HOLDING else "returned"
        return self.state
