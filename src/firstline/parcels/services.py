"""Writes for gate parcels: register at the gate, disinfect (in batches), deliver at the door, return
to the gate, and assign a split of the day's deliveries to volunteers.

Every function takes `acting_user`, checks PARCEL_HANDLE (DELIVERY_PLAN for assigning a split) on the
parcels' doors, changes state with a conditional UPDATE (so that two phones, two tabs or a replayed
request cannot deliver one parcel twice or before its hold ends) and writes its audit rows in the
same transaction.
"""

import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require, require_any, scope_q
from firstline.areas.models import SITE_KINDS, Area, AreaKind
from firstline.common.audit import audit_entry, audit_record, audit_records
from firstline.common.errors import Conflict, NotFound
from firstline.common.text import clean_text
from firstline.parcels.models import SENDABLE_STATES, DeliveryProof, Parcel, ParcelState, WeightClass
from firstline.parcels.selectors import compound_volunteers
from firstline.people.models import Residence
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode

PHOTO_MAX_BYTES = 300 * 1024
MAX_COUNT = 999
# Magic numbers of the image formats a phone's camera or the page's resizer sends.
_IMAGE_STARTS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def hold_minutes() -> int:
    """How long a disinfected parcel waits before it may go to the door (setting, 2 hours by default)."""
    return int(getattr(settings, "FIRSTLINE_PARCEL_HOLD_MINUTES", 120))


def time_left_words(left: dt.timedelta) -> str:
    """'1小时12分' / '1 h 12 min': the wait rounded up to the minute, so it never says 0 too early."""
    minutes = max(math.ceil(left.total_seconds() / 60), 1)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}


def household_of_code(payload: str, *, field: str = "code") -> int:
    """The household a scanned personal or family code belongs to (its id)."""
    try:
        code = codes.code_from_payload(payload)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    personal = (
        PersonalCode.objects.filter(code=code, revoked_at__isnull=True)
        .values_list("kind", "household_id", "person_id")
        .first()
    )
    if personal is None:
        raise ValidationError({field: _("This code was withdrawn; ask the resident for their new one.")})
    kind, household_id, person_id = personal
    if kind == CodeKind.FAMILY:
        return household_id
    home = (
        Residence.objects.filter(person_id=person_id, is_current=True)
        .order_by("-id")
        .values_list("household_id", flat=True)
        .first()
    )
    if home is None:
        raise ValidationError({field: _("This resident lives in no household now; choose the door instead.")})
    return home


def _photo(upload, *, field: str) -> ContentFile | None:
    if upload is None:
        return None
    data = upload.read()
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The photo is %(size)d KB; send one of at most %(limit)d KB.")
                % {"size": math.ceil(len(data) / 1024), "limit": PHOTO_MAX_BYTES // 1024}
            }
        )
    if not (data.startswith(_IMAGE_STARTS) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
        raise ValidationError({field: _("The photo must be a JPEG, PNG or WebP picture.")})
    return ContentFile(data, name="photo.jpg" if data.startswith(b"\xff\xd8") else "photo.png")


def _site_and_block(household: Area) -> tuple[Area, Area]:
    """The gate's site (compound or village; a community for scattered houses) and the block a
    courier walks to (the building, or the village group)."""
    parent = household.parent
    block = parent.parent if parent.kind == AreaKind.UNIT else parent
    ancestors = Area.objects.filter(
        path__in=household.ancestor_paths, kind__in=[*SITE_KINDS, AreaKind.COMMUNITY]
    ).order_by("-path")
    site = ancestors.first()
    return site, block


def _registered_with(client_key: str, household: Area) -> Parcel | None:
    earlier = Parcel.objects.filter(client_key=client_key).select_related("household").first()
    if earlier is not None and earlier.household_id != household.pk:
        raise Conflict(_("This form was already used for another door; register the parcel again."))
    return earlier


@transaction.atomic
def parcel_register(
    *,
    acting_user,
    description: str,
    count,
    weight_class: str = WeightClass.LIGHT,
    household: Area | None = None,
    code_payload: str = "",
    label_photo=None,
    client_key: str = "",
) -> Parcel:
    """Register a parcel that reached the gate, for a door chosen or a resident's code scanned.

    With a `client_key` (the desk form's, or an API client's) the same key registers once: a second
    tap or a retried request gets the parcel already registered, for the same door only."""
    if household is None and code_payload:
        household_id = household_of_code(code_payload)
        household = Area.objects.select_related("parent").filter(pk=household_id).first()
        if household is None:
            raise NotFound
    if household is None:
        raise ValidationError({"household": _("Choose the door, or scan the resident's code.")})
    require(acting_user, Perm.PARCEL_HANDLE, household.path)
    if household.kind != AreaKind.HOUSEHOLD:
        raise ValidationError({"household": _("A parcel is registered for one door.")})
    description = clean_text(description, field="description", max_length=100, required=True)
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ValidationError({"count": _("Say how many pieces, as a number.")}) from None
    if not 1 <= count <= MAX_COUNT:
        raise ValidationError({"count": _("The count is from 1 to %(max)d.") % {"max": MAX_COUNT}})
    if weight_class not in WeightClass.values:
        raise ValidationError({"weight_class": _("Choose light, medium or heavy.")})
    client_key = clean_text(client_key, field="client_key", max_length=64)
    if client_key:
        earlier = _registered_with(client_key, household)
        if earlier is not None:
            return earlier
    photo = _photo(label_photo, field="label_photo")
    site, block = _site_and_block(household)
    parcel = Parcel(
        compound=site,
        household=household,
        household_path=household.path,
        block=block,
        floor=household.floor or 1,
        description=description,
        count=count,
        weight_class=weight_class,
        registered_by=acting_user,
        client_key=client_key,
    )
    if photo is not None:
        parcel.label_photo.save(photo.name, photo, save=False)
    try:
        with transaction.atomic():  # two taps at once: the key's unique index lets one in
            parcel.save(force_insert=True)
    except IntegrityError:
        earlier = _registered_with(client_key, household) if client_key else None
        if earlier is None:
            raise
        return earlier
    audit_record(
        actor=acting_user,
        action="parcels.register",
        target=parcel,
        area_path=household.path,
        changes={"description": description, "count": count, "by_code": bool(code_payload)},
    )
    return parcel


def _in_scope(user, ids) -> list[Parcel]:
    return list(
        Parcel.objects.filter(scope_q(user, Perm.PARCEL_HANDLE, "household_path"), pk__in=list(ids)).only(
            "pk", "household_path", "state"
        )
    )


@transaction.atomic
def parcels_disinfect(*, acting_user, parcel_ids) -> int:
    """Record that these registered parcels were disinfected now, by the acting user: each is held
    from now for the configured time. Parcels already disinfected are left as they are; returns how
    many were disinfected now."""
    require_any(acting_user, Perm.PARCEL_HANDLE)
    ids = {int(pk) for pk in parcel_ids}
    if not ids:
        raise ValidationError({"parcels": _("Tick the parcels that were disinfected.")})
    found = _in_scope(acting_user, ids)
    if len(found) != len(ids):
        raise NotFound
    now = timezone.now()
    hold_until = now + dt.timedelta(minutes=hold_minutes())
    waiting = [p.pk for p in found if p.state == ParcelState.REGISTERED]
    done = Parcel.objects.filter(pk__in=waiting, state=ParcelState.REGISTERED).update(
        state=ParcelState.HOLDING, disinfected_at=now, disinfected_by=acting_user, hold_until=hold_until
    )
    changed = set(
        Parcel.objects.filter(pk__in=waiting, disinfected_at=now, disinfected_by=acting_user).values_list(
            "pk", flat=True
        )
    )
    audit_records(
        [
            audit_entry(
                actor=acting_user,
                action="parcels.disinfect",
                target_type="parcels.parcel",
                target_id=p.pk,
                area_path=p.household_path,
                changes={"hold_until": hold_until},
            )
            for p in found
            if p.pk in changed
        ]
    )
    return done


def _refusal(parcel: Parcel, now: dt.datetime) -> Exception:
    """Why a conditional UPDATE of a delivery changed nothing, read again from the row."""
    parcel.refresh_from_db(fields=["state", "hold_until", "delivered_at"])
    if parcel.state == ParcelState.DELIVERED:
        return Conflict(
            _("This parcel was already delivered at %(time)s.")
            % {"time": timezone.localtime(parcel.delivered_at).strftime("%H:%M")},
            code="already_delivered",
        )
    if parcel.state == ParcelState.REGISTERED:
        return Conflict(_("This parcel has not been disinfected yet."), code="not_disinfected")
    if parcel.hold_until and parcel.hold_until > now:
        return Conflict(
            _("Still on hold: wait %(left)s more (until %(time)s).")
            % {
                "left": time_left_words(parcel.hold_until - now),
                "time": timezone.localtime(parcel.hold_until).strftime("%H:%M"),
            },
            code="on_hold",
        )
    return Conflict(_("This parcel cannot be delivered now."), code="stale")


@transaction.atomic
def parcel_deliver(*, acting_user, parcel: Parcel, code_payload: str = "", photo=None) -> Parcel:
    """Confirm a parcel at the door: the resident's code scanned (it must be this household's) or a
    photo. Refused while the hold lasts, with the time left; a second confirmation changes nothing."""
    require(acting_user, Perm.PARCEL_HANDLE, parcel.household_path)
    now = timezone.now()
    parcel.refresh_from_db(fields=["state", "hold_until", "delivered_at"])
    if parcel.state == ParcelState.DELIVERED or parcel.hold_until is None or parcel.hold_until > now:
        # The courier hears of the hold before being asked for a proof; the UPDATE below still decides.
        raise _refusal(parcel, now)
    if code_payload:
        if household_of_code(code_payload) != parcel.household_id:
            raise ValidationError({"code": _("This code belongs to another household; check the door.")})
        proof = DeliveryProof.CODE
        picture = None
    else:
        picture = _photo(photo, field="photo")
        if picture is None:
            raise ValidationError({"code": _("Scan the resident's code or take a photo at the door.")})
        proof = DeliveryProof.PHOTO
    stored = ""
    if picture is not None:
        stored = Parcel._meta.get_field("door_photo").storage.save(
            f"doors/{now:%Y%m%d}/{parcel.pk}.jpg", picture
        )
    updated = Parcel.objects.filter(
        pk=parcel.pk, state__in=[*SENDABLE_STATES, ParcelState.OUT], hold_until__lte=now
    ).update(
        state=ParcelState.DELIVERED,
        delivered_at=now,
        delivered_by=acting_user,
        proof=proof,
        door_photo=stored,
    )
    if not updated:
        if stored:
            Parcel._meta.get_field("door_photo").storage.delete(stored)
        raise _refusal(parcel, now)
    audit_record(
        actor=acting_user,
        action="parcels.deliver",
        target=parcel,
        area_path=parcel.household_path,
        changes={"proof": proof},
    )
    parcel.refresh_from_db()
    return parcel


@transaction.atomic
def parcel_return(*, acting_user, parcel: Parcel, reason: str) -> Parcel:
    """Bring a parcel back to the gate (nobody home, wrong door): it can go out again later."""
    require(acting_user, Perm.PARCEL_HANDLE, parcel.household_path)
    reason = clean_text(reason, field="reason", max_length=200, required=True)
    if not Parcel.objects.filter(pk=parcel.pk, state__in=[ParcelState.OUT, ParcelState.HOLDING]).update(
        state=ParcelState.RETURNED, courier=None, returned_at=timezone.now(), return_reason=reason
    ):
        raise Conflict(
            _("Only a parcel waiting or out for delivery can be returned to the gate."), code="stale"
        )
    audit_record(
        actor=acting_user,
        action="parcels.return",
        target=parcel,
        area_path=parcel.household_path,
        changes={"reason": reason},
    )
    parcel.refresh_from_db()
    return parcel


@transaction.atomic
def delivery_split_assign(*, acting_user, compound: Area, assignment: dict[int, list[int]]) -> int:
    """Give each volunteer their parcels of a split (volunteer id -> parcel ids): each parcel goes out
    for delivery with its courier, if it is still deliverable and nobody took it meanwhile. Returns how
    many parcels were assigned."""
    require(acting_user, Perm.DELIVERY_PLAN, compound.path)
    allowed = {user.pk for user in compound_volunteers(compound=compound)}
    strangers = set(assignment) - allowed
    if strangers:
        raise ValidationError({"volunteers": _("Parcels go only to volunteers of this compound.")})
    now = timezone.now()
    entries = []
    for volunteer_id, parcel_ids in assignment.items():
        Parcel.objects.filter(
            compound=compound, pk__in=list(parcel_ids), state__in=SENDABLE_STATES, hold_until__lte=now
        ).update(state=ParcelState.OUT, courier_id=volunteer_id, assigned_at=now)
    taken = Parcel.objects.filter(compound=compound, state=ParcelState.OUT, assigned_at=now).values_list(
        "pk", "household_path", "courier_id"
    )
    entries = [
        audit_entry(
            actor=acting_user,
            action="parcels.assign",
            target_type="parcels.parcel",
            target_id=pk,
            area_path=path,
            changes={"courier": courier_id},
        )
        for pk, path, courier_id in taken
    ]
    audit_records(entries)
    return len(entries)
