"""Transport of tubes (转运): boxes packed at the point, handed to a transporter, received at the lab.

Every hand-off is scanned with who and when. A box is packed only when the tubes scanned into it
match the count made by hand; the lab receives it by count, or tube by tube, and any tube that did
not arrive is named. A tube the lab never received cannot be given a result (see `testing.lab.services`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require, scope_paths
from firstline.areas.models import Area
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.identity import mask_phone, normalise_phone
from firstline.common.paths import is_within
from firstline.common.text import clean_text
from firstline.testing.capture.services import code_shown, normalise_code
from firstline.testing.models import Box, BoxEvent, Round, RoundStatus, SamplingPoint, Tube, TubeStatus
from firstline.testing.rounds.selectors import points_for_round


def _box_code(raw: str) -> str:
    try:
        return normalise_code(raw)
    except ValidationError:
        raise ValidationError(
            {
                "code": _("'%(code)s' is not a box code: 4 to 40 letters, digits or dashes.")
                % {"code": code_shown(raw)}
            }
        ) from None


@transaction.atomic
def box_open(
    *, acting_user, round: Round, code: str, point: SamplingPoint | None = None, area: Area | None = None
) -> Box:
    """Start packing a box at a point (or, door to door, for an area such as a building).
    Opening the same box again at the same place returns it."""
    place = point.compound if point else area
    if place is None:
        raise ValidationError({"point": _("Say where the box is packed: a sampling point or an area.")})
    require(acting_user, Perm.TESTING_TRANSPORT, place.path)
    if round.status == RoundStatus.PLANNED:
        raise Conflict(_("%(round)s is not open yet.") % {"round": round.name}, code="round_not_open")
    code = _box_code(code)
    existing = Box.objects.filter(code=code).first()
    if existing is not None:
        if (
            existing.round_id == round.pk
            and existing.area_path == place.path
            and existing.status == Box.Status.PACKING
        ):
            return existing
        raise Conflict(_("Box code %(code)s is already in use.") % {"code": code}, code="box_used")
    try:
        with transaction.atomic():
            box = Box.objects.create(
                round=round, code=code, point=point, area_path=place.path, created_by=acting_user
            )
    except IntegrityError:
        raise Conflict(_("Box code %(code)s is already in use.") % {"code": code}, code="box_used") from None
    audit_record(
        actor=acting_user,
        action="testing.box.open",
        target=box,
        area_path=place.path,
        changes={"code": code, "point": point.pk if point else None},
    )
    return box


def box_open_at_point(*, acting_user, round: Round, code: str, point_id) -> Box:
    """`box_open` from the boxes page's form: refused for one who packs at none of the round's
    points, then the point by id among those (else the field's error)."""
    points = list(points_for_round(user=acting_user, round=round, perm=Perm.TESTING_TRANSPORT))
    if not points:
        raise PermissionDenied(_("You may not pack boxes here."), code=Perm.TESTING_TRANSPORT)
    point = next((p for p in points if str(p.pk) == str(point_id)), None)
    if point is None:
        raise ValidationError({"point": _("Choose the sampling point where the box is packed.")})
    return box_open(acting_user=acting_user, round=round, code=code, point=point)


@dataclass
class BoxScan:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def box_add_tubes(*, acting_user, box: Box, tube_codes: list[str]) -> BoxScan:
    """Scan tubes into a box being packed. A tube still open is closed as it goes in (and said so)."""
    require(acting_user, Perm.TESTING_TRANSPORT, box.area_path)
    box = Box.objects.select_for_update().get(pk=box.pk)
    if box.status != Box.Status.PACKING:
        raise Conflict(_("Box %(code)s is already packed.") % {"code": box.code}, code="box_packed")
    result = BoxScan()
    wanted = []
    for raw in tube_codes:
        try:
            wanted.append(normalise_code(raw))
        except ValidationError as exc:
            result.refused.append((code_shown(raw), exc.messages[0]))
    allowed = scope_paths(acting_user, Perm.TESTING_TRANSPORT)
    tubes = {
        t.code: t
        for t in Tube.objects.select_for_update(of=("self",)).filter(code__in=wanted).select_related("box")
    }
    now = timezone.now()
    add, close = [], []
    for code in dict.fromkeys(wanted):
        tube = tubes.get(code)
        if tube is None or tube.round_id != box.round_id or not is_within(tube.area_path, allowed):
            result.refused.append(
                (code, _("No tube %(tube)s has been filled in this round.") % {"tube": code})
            )
        elif tube.box_id == box.pk:
            result.already.append(code)
        elif tube.box_id:
            result.refused.append(
                (code, _("Tube %(tube)s is already in box %(box)s.") % {"tube": code, "box": tube.box.code})
            )
        elif tube.filled == 0:
            result.refused.append((code, _("Tube %(tube)s is empty.") % {"tube": code}))
        else:
            add.append(tube.pk)
            result.added.append(code)
            if tube.status == TubeStatus.OPEN:
                close.append(tube.pk)
                result.closed.append(code)
    if close:
        Tube.objects.filter(pk__in=close, status=TubeStatus.OPEN).update(
            status=TubeStatus.CLOSED, closed_at=now
        )
    if add:
        Tube.objects.filter(pk__in=add, box__isnull=True).update(box=box, boxed_at=now)
        audit_record(
            actor=acting_user,
            action="testing.box.add",
            target=box,
            area_path=box.area_path,
            changes={"tubes": result.added, "closed": result.closed},
        )
    return result


@transaction.atomic
def box_remove_tube(*, acting_user, box: Box, tube_code: str) -> None:
    """Take a tube out of a box still being packed (scanned into the wrong box)."""
    require(acting_user, Perm.TESTING_TRANSPORT, box.area_path)
    code = normalise_code(tube_code)
    if not Box.objects.filter(pk=box.pk, status=Box.Status.PACKING).exists():
        raise Conflict(_("Box %(code)s is already packed.") % {"code": box.code}, code="box_packed")
    if Tube.objects.filter(box=box, code=code).update(box=None, boxed_at=None):
        audit_record(
            actor=acting_user,
            action="testing.box.remove",
            target=box,
            area_path=box.area_path,
            changes={"tube": code},
        )


def _event(box: Box, kind: str, user, **fields) -> BoxEvent:
    try:
        with transaction.atomic():
            return BoxEvent.objects.create(box=box, kind=kind, by=user, at=timezone.now(), **fields)
    except IntegrityError:
        already = {
            BoxEvent.Kind.PACKED: _("Box %(code)s was already packed."),
            BoxEvent.Kind.PICKED_UP: _("Box %(code)s was already picked up."),
            BoxEvent.Kind.RECEIVED: _("Box %(code)s was already received."),
        }[kind]
        raise Conflict(already % {"code": box.code}, code="box_handed") from None


@transaction.atomic
def box_pack(*, acting_user, box: Box, counted: int) -> Box:
    """Seal the box: the tubes counted by hand must match the tubes scanned into it."""
    require(acting_user, Perm.TESTING_TRANSPORT, box.area_path)
    box = Box.objects.select_for_update().get(pk=box.pk)
    if box.status != Box.Status.PACKING:
        raise Conflict(_("Box %(code)s is already packed.") % {"code": box.code}, code="box_packed")
    scanned = Tube.objects.filter(box=box).count()
    if scanned == 0:
        raise ValidationError({"counted": _("Box %(code)s has no tubes.") % {"code": box.code}})
    if counted != scanned:
        raise ValidationError(
            {
                "counted": _(
                    "You counted %(counted)d tubes, but %(scanned)d were scanned into box %(code)s. Scan "
                    "the missing tubes "
                    "or take out the extra ones, then count again."
                )
                % {"counted": counted, "scanned": scanned, "code": box.code}
            }
        )
    Box.objects.filter(pk=box.pk).update(status=Box.Status.PACKED, tube_count=scanned)
    _event(box, BoxEvent.Kind.PACKED, acting_user, tube_count=scanned)
    audit_record(
        actor=acting_user,
        action="testing.box.pack",
        target=box,
        area_path=box.area_path,
        changes={"tubes": scanned},
    )
    box.refresh_from_db()
    return box


@transaction.atomic
def box_pick_up(
    *,
    acting_user,
    box: Box,
    counted: int | None = None,
    courier_name: str = "",
    courier_phone: str = "",
    require_courier: bool = False,
) -> Box:
    """A transporter (the courier) takes the packed box from the point: the hand-off records who took
    it, by name and phone as they give them (the phone kept whole, shown and audited masked), and who
    handed it over (`acting_user`). A page that hands boxes over asks for the courier's name
    (`require_courier`)."""
    require(acting_user, Perm.TESTING_TRANSPORT, box.area_path)
    courier_name = clean_text(
        courier_name,
        field="courier_name",
        max_length=60,
        required=require_courier,
        label=_("The courier's name"),
    )
    try:
        courier_phone = normalise_phone(courier_phone)
    except ValidationError as error:
        raise ValidationError({"courier_phone": error.messages}) from None
    box = Box.objects.select_for_update().get(pk=box.pk)
    if box.status != Box.Status.PACKED:
        if box.status == Box.Status.PACKING:
            raise Conflict(_("Box %(code)s is not packed yet.") % {"code": box.code}, code="box_not_packed")
        raise Conflict(_("Box %(code)s was already picked up.") % {"code": box.code}, code="box_handed")
    if counted is not None and counted != box.tube_count:
        raise ValidationError(
            {
                "counted": _("Box %(code)s was packed with %(n)d tubes, not %(m)d.")
                % {"code": box.code, "n": box.tube_count, "m": counted}
            }
        )
    Box.objects.filter(pk=box.pk).update(status=Box.Status.PICKED_UP)
    _event(
        box,
        BoxEvent.Kind.PICKED_UP,
        acting_user,
        tube_count=box.tube_count,
        courier_name=courier_name,
        courier_phone=courier_phone,
    )
    audit_record(
        actor=acting_user,
        action="testing.box.pickup",
        target=box,
        area_path=box.area_path,
        changes=(
            {"courier": courier_name, "courier_phone": mask_phone(courier_phone)} if courier_name else None
        ),
    )
    box.refresh_from_db()
    return box


@dataclass
class Receipt:
    box: Box
    received: int
    missing: list[str]
    unexpected: list[str]


@transaction.atomic
def box_receive(
    *, acting_user, box: Box, counted: int | None = None, tube_codes: list[str] | None = None, note: str = ""
) -> Receipt:
    """The lab takes the box in: by a count that matches, or tube by tube (then any tube not in the
    box, or in it unexpectedly, is named). Only tubes received here can be given a result."""
    require(acting_user, Perm.TESTING_LAB, box.area_path)
    box = Box.objects.select_for_update().get(pk=box.pk)
    if box.status == Box.Status.RECEIVED:
        raise Conflict(_("Box %(code)s was already received.") % {"code": box.code}, code="box_handed")
    if box.status == Box.Status.PACKING:
        raise Conflict(_("Box %(code)s is not packed yet.") % {"code": box.code}, code="box_not_packed")
    in_box = dict(Tube.objects.filter(box=box).values_list("code", "pk"))
    note = clean_text(note, field="note", max_length=200)
    notes = [note] if note else []
    if box.status == Box.Status.PACKED:
        notes.append(_("Pick-up was not scanned."))
    if tube_codes is not None:
        seen = []
        for raw in tube_codes:
            try:
                seen.append(normalise_code(raw))
            except ValidationError:
                seen.append(code_shown(raw))
        seen = list(dict.fromkeys(seen))
        missing = sorted(set(in_box) - set(seen))
        unexpected = sorted(set(seen) - set(in_box))
        arrived = [in_box[c] for c in seen if c in in_box]
    else:
        if counted is None:
            raise ValidationError(
                {"counted": _("Give the number of tubes in the box, or scan them one by one.")}
            )
        if counted != len(in_box):
            raise ValidationError(
                {
                    "counted": _(
                        "Box %(code)s should hold %(n)d tubes, you counted %(m)d: scan its tubes one by one "
                        "to find which."
                    )
                    % {"code": box.code, "n": len(in_box), "m": counted}
                }
            )
        missing, unexpected, arrived = [], [], list(in_box.values())
    now = timezone.now()
    Tube.objects.filter(pk__in=arrived, received_at__isnull=True).update(received_at=now)
    Box.objects.filter(pk=box.pk).update(status=Box.Status.RECEIVED)
    _event(
        box,
        BoxEvent.Kind.RECEIVED,
        acting_user,
        tube_count=len(arrived),
        missing=missing,
        unexpected=unexpected,
        note=" ".join(notes),
    )
    audit_record(
        actor=acting_user,
        action="testing.box.receive",
        target=box,
        area_path=box.area_path,
        changes={"received": len(arrived), "missing": missing, "unexpected": unexpected},
    )
    box.refresh_from_db()
    return Receipt(box=box, received=len(arrived), missing=missing, unexpected=unexpected)
