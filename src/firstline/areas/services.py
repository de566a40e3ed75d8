"""Writes on the area tree. Each takes the acting user, checks scope and writes an audit row."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.areas.models import (
    CHILD_KINDS,
    KIND_ORDER,
    ROOT_KINDS,
    Area,
    AreaKind,
    RiskStatus,
    RiskStatusChange,
)
from firstline.common.audit import audit_record
from firstline.common.paths import segment
from firstline.common.text import clean_text


def _reserve_segments(parent: Area | None, count: int) -> int:
    """Reserve `count` consecutive child segments under `parent`; returns the first.

    A conditional F() update takes the row lock on both databases, so two concurrent inserts under
    the same parent can never be handed the same segment.
    """
    if parent is None:
        last = (
            Area.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
        )
        return (int(last) + 1) if last else 1
    Area.objects.filter(pk=parent.pk).update(next_child_seq=F("next_child_seq") + count)
    return Area.objects.values_list("next_child_seq", flat=True).get(pk=parent.pk) - count


@dataclass(frozen=True)
class AreaSpec:
    kind: str
    name: str
    sort_key: int = 0
    has_lift: bool | None = None
    floors: int | None = None
    floor: int | None = None
    door: str = ""


def areas_bulk_create(*, parent: Area, specs: list[AreaSpec], batch_size: int = 2000) -> list[Area]:
    """Create many children of one parent in one reservation and a few INSERTs. Callers check scope."""
    allowed = CHILD_KINDS[AreaKind(parent.kind)]
    for spec in specs:
        if spec.kind not in allowed:
            child = AreaKind(spec.kind).label if spec.kind in AreaKind.values else spec.kind or "—"
            raise ValidationError(
                _("A %(child)s cannot be placed under a %(parent)s: inside it you may add %(allowed)s.")
                % {
                    "child": str(child).lower(),
                    "parent": str(AreaKind(parent.kind).label).lower(),
                    "allowed": ", ".join(str(AreaKind(k).label).lower() for k in KIND_ORDER if k in allowed)
                    or "—",
                }
            )
    first = _reserve_segments(parent, len(specs))
    rows = [
        Area(
            parent=parent,
            kind=spec.kind,
            name=spec.name,
            path=parent.path + segment(first + i),
            sort_key=spec.sort_key or (first + i),
            has_lift=spec.has_lift,
            floors=spec.floors,
            floor=spec.floor,
            door=spec.door,
        )
        for i, spec in enumerate(specs)
    ]
    return Area.objects.bulk_create(rows, batch_size=batch_size)


@transaction.atomic
def area_create_root(*, name: str, kind: str = AreaKind.STREET) -> Area:
    """A new top of a tree (a city, district, county, street or township). Only the command line
    makes roots; it is audited as the system."""
    if kind not in ROOT_KINDS:
        raise ValidationError({"kind": _("A tree starts at a city, district, county, street or township.")})
    area = Area.objects.create(kind=kind, name=name, path=segment(_reserve_segments(None, 1)))
    audit_record(actor=None, action="area.create", target=area, area_path=area.path, changes={"name": name})
    return area


def _check_stairwell_shape(parent: Area, kind: str, fields: dict) -> None:
    """A building holds its doors either in units or directly, never both; a door's floor is one of
    its building's floors."""
    if parent.kind == AreaKind.BUILDING:
        kinds = set(Area.objects.filter(parent=parent).values_list("kind", flat=True).distinct())
        if kind == AreaKind.HOUSEHOLD and AreaKind.UNIT in kinds:
            raise ValidationError(
                {
                    "kind": _("%(building)s has units: add the door under one of its units.")
                    % {"building": parent.name}
                }
            )
        if kind == AreaKind.UNIT and AreaKind.HOUSEHOLD in kinds:
            raise ValidationError(
                {
                    "kind": _("%(building)s has its doors directly under it, without units.")
                    % {"building": parent.name}
                }
            )
    if kind == AreaKind.HOUSEHOLD and fields.get("floor") is not None:
        building = parent if parent.kind == AreaKind.BUILDING else parent.parent
        if (
            building is not None
            and building.kind == AreaKind.BUILDING
            and building.floors
            and fields["floor"] > building.floors
        ):
            raise ValidationError(
                {
                    "floor": _("%(building)s has %(n)d floors: floor %(floor)d is not one of them.")
                    % {"building": building.name, "n": building.floors, "floor": fields["floor"]}
                }
            )


@transaction.atomic
def area_create(*, acting_user, parent: Area, kind: str, name: str, **fields) -> Area:
    require(acting_user, Perm.AREA_EDIT, parent.path)
    name = clean_text(name, field="name", max_length=100)
    if not name:
        raise ValidationError({"name": _("The name is missing.")})
    if "door" in fields:
        fields["door"] = clean_text(fields["door"], field="door", max_length=20)
    if Area.objects.filter(parent=parent, name=name).exists():
        raise ValidationError({"name": _("%(name)s already exists here.") % {"name": name}})
    _check_stairwell_shape(parent, kind, fields)
    (area,) = areas_bulk_create(parent=parent, specs=[AreaSpec(kind=kind, name=name, **fields)])
    audit_record(
        actor=acting_user,
        action="area.create",
        target=area,
        area_path=area.path,
        changes={"name": name, "kind": kind, "parent": parent.pk},
    )
    return area


def household_door_name(floor: int, number: int) -> str:
    return f"{floor}{number:02d}"


def house_number_name(number: int) -> str:
    """A village house or a scattered house: '15号' (the door by which the village knows it)."""
    return f"{number}号"


@transaction.atomic
def village_create(*, acting_user, parent: Area, name: str, groups: int, houses_per_group: int) -> Area:
    """A village with its groups (1组, 2组, …) and houses numbered in each group (1号, 2号, …), as a
    village committee lists them; houses outside any group are added one by one under the village."""
    require(acting_user, Perm.AREA_EDIT, parent.path)
    if parent.kind not in (AreaKind.STREET, AreaKind.TOWNSHIP):
        raise ValidationError(_("Villages belong to a township or a street."))
    if not (0 <= groups <= 60 and 0 <= houses_per_group <= 500):
        raise ValidationError(_("Groups 0–60, houses per group 0–500."))
    village = area_create(acting_user=acting_user, parent=parent, kind=AreaKind.VILLAGE, name=name)
    made = areas_bulk_create(
        parent=village,
        specs=[
            AreaSpec(kind=AreaKind.VILLAGE_GROUP, name=_("Group %(n)d") % {"n": n}, sort_key=n)
            for n in range(1, groups + 1)
        ],
    )
    for group in made:
        areas_bulk_create(
            parent=group,
            specs=[
                AreaSpec(
                    kind=AreaKind.HOUSEHOLD, name=house_number_name(n), door=house_number_name(n), sort_key=n
                )
                for n in range(1, houses_per_group + 1)
            ],
        )
    audit_record(
        actor=acting_user,
        action="village.layout",
        target=village,
        area_path=village.path,
        changes={"groups": groups, "houses_per_group": houses_per_group},
    )
    return village


@transaction.atomic
def building_create(
    *,
    acting_user,
    compound: Area,
    name: str,
    units: int,
    floors: int,
    doors_per_floor: int,
    has_lift: bool,
) -> Area:
    """A building with its units and every household door, as a community sets one up."""
    require(acting_user, Perm.AREA_EDIT, compound.path)
    if compound.kind != AreaKind.COMPOUND:
        raise ValidationError(_("Buildings belong to a compound."))
    if not (0 <= units <= 20 and 1 <= floors <= 60 and 1 <= doors_per_floor <= 20):
        raise ValidationError(_("Units 0–20, floors 1–60, doors per floor 1–20."))
    building = area_create(
        acting_user=acting_user,
        parent=compound,
        kind=AreaKind.BUILDING,
        name=name,
        has_lift=has_lift,
        floors=floors,
    )
    stairwells = (
        areas_bulk_create(
            parent=building,
            specs=[
                AreaSpec(kind=AreaKind.UNIT, name=_("Unit %(n)d") % {"n": n}) for n in range(1, units + 1)
            ],
        )
        if units
        else [building]
    )
    for stairwell in stairwells:
        doors = [
            AreaSpec(
                kind=AreaKind.HOUSEHOLD,
                name=household_door_name(f, d),
                floor=f,
                door=household_door_name(f, d),
            )
            for f in range(1, floors + 1)
            for d in range(1, doors_per_floor + 1)
        ]
        areas_bulk_create(parent=stairwell, specs=doors)
    audit_record(
        actor=acting_user,
        action="building.layout",
        target=building,
        area_path=building.path,
        changes={"units": units, "floors": floors, "doors_per_floor": doors_per_floor},
    )
    return building


@transaction.atomic
def area_set_risk(*, acting_user, area: Area, status: str, reason: str) -> Area:
    """Change the risk status; the history keeps who, when and why."""
    require(acting_user, Perm.AREA_RISK, area.path)
    if status not in RiskStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    status = RiskStatus(status)
    reason = clean_text(reason, field="reason", max_length=300)
    if not reason:
        raise ValidationError({"reason": _("Say why the status changes.")})
    old = Area.objects.values_list("risk_status", flat=True).get(pk=area.pk)
    if old == status:
        return area
    # Conditional update: a concurrent change of the same area loses instead of writing a false history.
    if not Area.objects.filter(pk=area.pk, risk_status=old).update(risk_status=status):
        raise ValidationError(_("The status was changed by someone else just now; reload and try again."))
    RiskStatusChange.objects.create(
        area=area, old_status=old, new_status=status, reason=reason, changed_by=acting_user
    )
    audit_record(
        actor=acting_user,
        action="area.risk",
        target=area,
        area_path=area.path,
        changes={"risk_status": (old, status), "reason": reason},
    )
    area.risk_status = status
    return area


def area_public_token_ensure(*, acting_user, compound: Area) -> str:
    """The token for the compound's self-registration QR code, made on first request."""
    import secrets

    require(acting_user, Perm.AREA_EDIT, compound.path)
    if compound.public_token:
        return compound.public_token
    token = secrets.token_urlsafe(12)
    with transaction.atomic():
        updated = Area.objects.filter(pk=compound.pk, public_token__isnull=True).update(public_token=token)
        if updated:
            audit_record(
                actor=acting_user, action="area.public_token", target=compound, area_path=compound.path
            )
    compound.refresh_from_db(fields=["public_token"])
    return compound.public_token


_EDITABLE_BY_KIND = {
    AreaKind.BUILDING: {"name", "has_lift", "floors", "note"},
    AreaKind.HOUSEHOLD: {"name", "floor", "door", "note"},
}


@transaction.atomic
def area_update(*, acting_user, area: Area, values: dict) -> Area:
    """Correct an area: its name and note; a building's lift and floors; a door's floor and number."""
    require(acting_user, Perm.AREA_EDIT, area.path)
    editable = _EDITABLE_BY_KIND.get(AreaKind(area.kind), {"name", "note"})
    unknown = set(values) - editable
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "note" in values:
        values["note"] = clean_text(values["note"], field="note", max_length=200)
    if "door" in values:
        values["door"] = clean_text(values["door"], field="door", max_length=20)
    if "name" in values:
        values["name"] = clean_text(values["name"], field="name", max_length=100)
        if not values["name"]:
            raise ValidationError({"name": _("The name is missing.")})
        if Area.objects.filter(parent_id=area.parent_id, name=values["name"]).exclude(pk=area.pk).exists():
            raise ValidationError({"name": _("%(name)s already exists here.") % {"name": values["name"]}})
    if values.get("floors") is not None and not 1 <= int(values["floors"]) <= 60:
        raise ValidationError({"floors": _("Units 0–20, floors 1–60, doors per floor 1–20.")})
    changes = {
        field: (getattr(area, field), new) for field, new in values.items() if getattr(area, field) != new
    }
    if not changes:
        return area
    for field, (_old, new) in changes.items():
        setattr(area, field, new)
    area.save(update_fields=list(changes))
    audit_record(actor=acting_user, action="area.update", target=area, area_path=area.path, changes=changes)
    return area
