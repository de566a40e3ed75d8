"""Gate parcels in a given state, made through the services (so their audit rows exist too)."""

import datetime as dt

from django.utils import timezone

from firstline.parcels import services
from firstline.parcels.models import Parcel


def parcel(
    *, acting_user, household, description="2袋50斤的面粉", count=1, weight_class="light", state="registered"
) -> Parcel:
    """A parcel at `household`'s door: 'registered', 'holding' (hold not ended), 'deliverable' (hold
    ended: moved into the past in the row), 'delivered'."""
    made = services.parcel_register(
        acting_user=acting_user,
        household=household,
        description=description,
        count=count,
        weight_class=weight_class,
    )
    if state == "registered":
        return made
    services.parcels_disinfect(acting_user=acting_user, parcel_ids=[made.pk])
    if state in ("deliverable", "delivered"):
        hold_ended(made)
    if state == "delivered":
        services.parcel_deliver(acting_user=acting_user, parcel=made, photo=jpeg())
    made.refresh_from_db()
    return made


def hold_ended(parcel: Parcel, *, minutes_ago: int = 1) -> None:
    """Move the clock: the hold ended `minutes_ago` minutes ago (the row edited, as a test may)."""
    Parcel.objects.filter(pk=parcel.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=minutes_ago))


def jpeg(size: int = 200):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("door.jpg", b"\xff\xd8\xff\xe0" + b"0" * size, content_type="image/jpeg")
