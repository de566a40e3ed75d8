"""Writes for rounds: a round and its scope (planned → open → closed; closing records who it
expected), its pooling rules, and the sampling points of compounds.

Each function takes `acting_user`, checks the right on the area it touches, writes in one
transaction and records an audit row.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require, scope_filter, scope_paths, work_scope
from firstline.areas.models import SITE_KINDS, Area, AreaKind, RiskStatus
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.paths import collapse_paths, is_within, subtree_sql
from firstline.common.text import clean_text
from firstline.people.models import Residence
from firstline.testing.models import (
    TUBE_CAPACITIES,
    PoolingRule,
    Round,
    RoundArea,
    RoundResident,
    RoundStatus,
    SamplingPoint,
)
from firstline.testing.rounds.rules import DEFAULT_RULES


def _check_window(values: dict) -> None:
    """The start and end of a round's window, when given, carry a time zone (no guessing)."""
    for field in ("starts_at", "ends_at"):
        if values.get(field) is not None and timezone.is_naive(values[field]):
            raise ValidationError({field: _("The time must carry a time zone.")})


# A round's date: from the first rounds of 2020 (with room for older drills) to a year ahead.
EARLIEST_ROUND = dt.date(2000, 1, 1)


def _check_date(date: dt.date | None) -> None:
    if date is None:
        raise ValidationError({"date": _("The date is missing.")})
    latest = timezone.localdate() + dt.timedelta(days=366)
    if not EARLIEST_ROUND <= date <= latest:
        raise ValidationError(
            {
                "date": _("A round's date is between %(first)s and %(last)s.")
                % {"first": EARLIEST_ROUND.isoformat(), "last": latest.isoformat()}
            }
        )


def _check_scope_areas(area: Area, scope: list[Area]) -> list[Area]:
    scope = scope or [area]
    for item in scope:
        if not is_within(item.path, [area.path]):
            raise ValidationError(
                {"scope": _("%(name)s is not inside %(area)s.") % {"name": item.name, "area": area.name}}
            )
    # Keep only the top areas: a building inside a listed compound adds nothing.
    tops = set(collapse_paths([item.path for item in scope]))
    return sorted({item.path: item for item in scope if item.path in tops}.values(), key=lambda a: a.path)


@transaction.atomic
def round_create(
    *,
    acting_user,
    area: Area,
    name: str,
    date: dt.date,
    scope: list[Area] | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    note: str = "",
) -> Round:
    """A new round (planned) owned by `area`, testing everyone under the `scope` areas (default: all of
    it).
    """
    require(acting_user, Perm.TESTING_MANAGE, area.path)
    name = clean_text(name, field="name", max_length=100)
    if not name:
        raise ValidationError({"name": _("The name is missing.")})
    note = clean_text(note, field="note", max_length=300)
    _check_date(date)
    if area.kind == AreaKind.HOUSEHOLD:
        raise ValidationError({"area": _("A round covers at least a building.")})
    _check_window({"starts_at": starts_at, "ends_at": ends_at})
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The round must end after it starts.")})
    kept = _check_scope_areas(area, scope or [])
    round = Round.objects.create(
        area=area,
        name=name,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        created_by=acting_user,
    )
    RoundArea.objects.bulk_create([RoundArea(round=round, area=item) for item in kept])
    PoolingRule.objects.bulk_create(
        [
            PoolingRule(round=round, risk_status=risk, capacity=capacity, per_household=per_household)
            for risk, (capacity, per_household) in DEFAULT_RULES.items()
        ]
    )
    audit_record(
        actor=acting_user,
        action="testing.round.create",
        target=round,
        area_path=area.path,
        changes={"name": round.name, "date": date, "scope": [a.pk for a in kept]},
    )
    return round


def round_plan(
    *,
    acting_user,
    area_id,
    scope_ids: list,
    name: str,
    date: dt.date,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    note: str = "",
) -> Round:
    """`round_create` from the plan form's ids: not found for a role that sees no rounds, refused for
    one that sees them but plans none, then the owner area and the areas to test, each among those
    the user plans in (absent, not a number or not theirs, it is the field's error)."""
    if not scope_paths(acting_user, Perm.TESTING_MANAGE):
        work_scope(acting_user, Perm.TESTING_VIEW)
        raise PermissionDenied(_("You may not plan testing rounds."), code=Perm.TESTING_MANAGE)
    errors = {}
    plannable = scope_filter(Area.objects.all(), acting_user, Perm.TESTING_MANAGE)
    area = plannable.filter(pk=area_id).first() if str(area_id or "").isdigit() else None
    if area is None:
        errors["area"] = _("Choose the area the round belongs to.")
    wanted = {value for value in scope_ids if str(value).isdigit()}
    scope = list(plannable.filter(pk__in=wanted)) if wanted else []
    if len(scope) != len(wanted):
        errors["scope"] = _("Some of the areas chosen are not yours to test.")
    if errors:
        raise ValidationError(errors)
    return round_create(
        acting_user=acting_user,
        area=area,
        name=name,
        date=date,
        scope=scope,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )


@transaction.atomic
def round_update(*, acting_user, round: Round, values: dict, scope: list[Area] | None = None) -> Round:
    """Correct a round: name, date, window, note; its scope while it is not closed."""
    require(acting_user, Perm.TESTING_MANAGE, round.area.path)
    allowed = {"name", "date", "starts_at", "ends_at", "note"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "name" in values:
        values["name"] = clean_text(values["name"], field="name", max_length=100)
        if not values["name"]:
            raise ValidationError({"name": _("The name is missing.")})
    if "date" in values:
        if not values["date"]:
            raise ValidationError({"date": _("The date is missing.")})
        _check_date(values["date"])
    if "note" in values:
        values["note"] = clean_text(values["note"], field="note", max_length=300)
    _check_window(values)
    changes = {
        field: (getattr(round, field), new) for field, new in values.items() if getattr(round, field) != new
    }
    for field, (_old, new) in changes.items():
        setattr(round, field, new)
    if round.starts_at and round.ends_at and round.ends_at <= round.starts_at:
        raise ValidationError({"ends_at": _("The round must end after it starts.")})
    if changes:
        round.save(update_fields=list(changes))
    if scope is not None:
        if round.status == RoundStatus.CLOSED:
            raise Conflict(_("The round is closed; its areas can no longer change."), code="round_closed")
        kept = _check_scope_areas(round.area, scope)
        before = sorted(RoundArea.objects.filter(round=round).values_list("area_id", flat=True))
        after = sorted(a.pk for a in kept)
        if before != after:
            RoundArea.objects.filter(round=round).delete()
            RoundArea.objects.bulk_create([RoundArea(round=round, area=item) for item in kept])
            changes["scope"] = (before, after)
    if changes:
        audit_record(
            actor=acting_user,
            action="testing.round.update",
            target=round,
            area_path=round.area.path,
            changes=changes,
        )
    return round


_NEXT_STATUS = {RoundStatus.OPEN: RoundStatus.PLANNED, RoundStatus.CLOSED: RoundStatus.OPEN}


@transaction.atomic
def round_set_status(*, acting_user, round: Round, status: str) -> Round:
    """Open a planned round (sampling may start) or close an open one (late uploads of scans made
    while it was open are still accepted)."""
    require(acting_user, Perm.TESTING_MANAGE, round.area.path)
    if status not in _NEXT_STATUS:
        raise ValidationError({"status": _("A round can only be opened or closed.")})
    now = timezone.now()
    stamp = {"opened_at": now} if status == RoundStatus.OPEN else {"closed_at": now}
    if not Round.objects.filter(pk=round.pk, status=_NEXT_STATUS[status]).update(status=status, **stamp):
        current = Round.objects.values_list("status", flat=True).get(pk=round.pk)
        if current == status:
            return round
        message = (
            _("The round is %(status)s; it cannot be opened.")
            if status == RoundStatus.OPEN
            else _("The round is %(status)s; it cannot be closed.")
        )
        raise Conflict(message % {"status": RoundStatus(current).label}, code="round_status")
    old = round.status
    round.refresh_from_db()
    changes = {"status": (old, status)}
    if status == RoundStatus.CLOSED:
        changes["expected"] = _record_residents_at_close(round)
    audit_record(
        actor=acting_user,
        action=f"testing.round.{'open' if status == RoundStatus.OPEN else 'close'}",
        target=round,
        area_path=round.area.path,
        changes=changes,
    )
    return round


def _record_residents_at_close(round: Round) -> int:
    """Who the round expected, fixed as it closes: everyone living now in its areas, in one
    INSERT … SELECT (a street's round is a million rows). Returns how many."""
    where, params = subtree_sql(
        list(RoundArea.objects.filter(round=round).values_list("area__path", flat=True)), "h.path"
    )
    table, residence, area = RoundResident._meta.db_table, Residence._meta.db_table, Area._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, residence_id, person_id, household_path) "  # noqa: S608
            f"SELECT %s, r.id, r.person_id, h.path FROM {residence} r JOIN {area} h ON h.id = r.household_id "
            f"WHERE r.is_current AND {where}",
            [round.pk, *params],
        )
        return cursor.rowcount


def _check_capacity(capacity, field: str) -> int:
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if capacity not in TUBE_CAPACITIES:
        raise ValidationError({field: _("A tube takes 1, 5, 10 or 20 people.")})
    return capacity


@transaction.atomic
def pooling_rules_set(
    *,
    acting_user,
    round: Round,
    by_risk: dict[str, tuple[int, bool]],
    by_area: list[tuple[Area, int, bool]] | None = None,
) -> list[PoolingRule]:
    """Replace the round's pooling rules. New tubes follow them; tubes already opened keep theirs."""
    require(acting_user, Perm.TESTING_MANAGE, round.area.path)
    if round.status == RoundStatus.CLOSED:
        raise Conflict(_("The round is closed; its rules can no longer change."), code="round_closed")
    rows = []
    for risk, (capacity, per_household) in by_risk.items():
        if risk not in RiskStatus.values:
            raise ValidationError({"risk_status": _("Unknown risk status: %(s)s") % {"s": risk}})
        rows.append(
            PoolingRule(
                round=round,
                risk_status=risk,
                capacity=_check_capacity(capacity, f"capacity_{risk}"),
                per_household=bool(per_household),
            )
        )
    seen = set()
    for area, capacity, per_household in by_area or []:
        if not is_within(area.path, [round.area.path]):
            raise ValidationError(
                {"area": _("%(name)s is not inside %(area)s.") % {"name": area.name, "area": round.area.name}}
            )
        if area.pk in seen:
            raise ValidationError({"area": _("%(name)s has two rules.") % {"name": area.name}})
        seen.add(area.pk)
        rows.append(
            PoolingRule(
                round=round,
                area=area,
                capacity=_check_capacity(capacity, "capacity"),
                per_household=bool(per_household),
            )
        )
    before = {
        (r.area_id or r.risk_status): [r.capacity, r.per_household]
        for r in PoolingRule.objects.filter(round=round)
    }
    PoolingRule.objects.filter(round=round).delete()
    # Risk statuses not given keep their default.
    given = {r.risk_status for r in rows if not r.area_id}
    rows += [
        PoolingRule(round=round, risk_status=risk, capacity=c, per_household=h)
        for risk, (c, h) in DEFAULT_RULES.items()
        if risk not in given
    ]
    created = PoolingRule.objects.bulk_create(rows)
    after = {(r.area_id or r.risk_status): [r.capacity, r.per_household] for r in created}
    audit_record(
        actor=acting_user,
        action="testing.pooling",
        target=round,
        area_path=round.area.path,
        changes={"rules": (before, after)} if before != after else {},
    )
    return created


def pooling_rules_save(
    *,
    acting_user,
    round: Round,
    by_risk: dict[str, tuple[int, bool]],
    by_area_id: list[tuple[str, object, bool]],
) -> list[PoolingRule]:
    """`pooling_rules_set` from the pooling form: refused first for one who may not change the rules,
    then each rule's area by id among those the user manages (else the field's error)."""
    require(acting_user, Perm.TESTING_MANAGE, round.area.path)
    wanted = [area_id for area_id, _capacity, _per_household in by_area_id if str(area_id).isdigit()]
    areas = {
        str(a.pk): a
        for a in scope_filter(Area.objects.filter(pk__in=wanted), acting_user, Perm.TESTING_MANAGE)
    }
    if any(str(area_id) not in areas for area_id, _capacity, _per_household in by_area_id):
        raise ValidationError({"area": _("Choose an area of this round.")})
    return pooling_rules_set(
        acting_user=acting_user,
        round=round,
        by_risk=by_risk,
        by_area=[
            (areas[str(area_id)], capacity, per_household) for area_id, capacity, per_household in by_area_id
        ],
    )


_POINT_FIELDS = (
    "name",
    "location",
    "desks",
    "opens_at",
    "closes_at",
    "per_desk_hour",
    "queue_cap",
    "is_active",
)


def _clean_point(values: dict) -> dict:
    clean = {}
    errors = {}
    for field in _POINT_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field in ("name", "location"):
            try:
                value = clean_text(value, field=field, max_length=100 if field == "name" else 200)
            except ValidationError as exc:
                errors.update({f: m[0] for f, m in exc.message_dict.items()})
                continue
            if field == "name" and not value:
                errors[field] = _("The name is missing.")
        elif field in ("desks", "per_desk_hour", "queue_cap"):
            limits = {"desks": (1, 50), "per_desk_hour": (10, 600), "queue_cap": (5, 1000)}[field]
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if not limits[0] <= value <= limits[1]:
                errors[field] = _("A whole number from %(low)d to %(high)d.") % {
                    "low": limits[0],
                    "high": limits[1],
                }
        elif field in ("opens_at", "closes_at"):
            if isinstance(value, str):
                try:
                    value = dt.time.fromisoformat(value.strip())
                except ValueError:
                    errors[field] = _("A time such as 06:00.")
            if isinstance(value, dt.time) and value.tzinfo is not None:
                errors[field] = _("A time of day is local time: write it without a zone, like 06:30.")
            elif value is not None and not isinstance(value, dt.time) and field not in errors:
                errors[field] = _("A time such as 06:00.")
        elif field == "is_active":
            value = bool(value)
        clean[field] = value
    if (
        not errors
        and clean.get("opens_at")
        and clean.get("closes_at")
        and clean["closes_at"] <= clean["opens_at"]
    ):
        errors["closes_at"] = _("The point must close after it opens.")
    if errors:
        raise ValidationError(errors)
    return clean


# What a point may serve and a call-down call.
SERVED_KINDS = (AreaKind.BUILDING, AreaKind.UNIT, AreaKind.VILLAGE_GROUP, AreaKind.VILLAGE)


def check_served(compound: Area, serves: list[Area], *, field: str = "serves") -> None:
    """Each area is a building or a unit of the compound, or a group of the village, or the village
    itself for its houses in no group (a point serves them; a call-down calls them)."""
    for area in serves:
        inside = is_within(area.path, [compound.path])
        if (
            not inside
            or area.kind not in SERVED_KINDS
            or (area.kind == AreaKind.VILLAGE and area.pk != compound.pk)
        ):
            raise ValidationError(
                {
                    field: _("%(name)s is not a building or unit of %(compound)s.")
                    % {"name": area.name, "compound": compound.name}
                }
            )


@transaction.atomic
def sampling_point_create(
    *, acting_user, compound: Area, values: dict, serves: list[Area] | None = None
) -> SamplingPoint:
    require(acting_user, Perm.TESTING_MANAGE, compound.path)
    if compound.kind not in SITE_KINDS:
        raise ValidationError({"compound": _("A sampling point belongs to a compound or a village.")})
    clean = _clean_point({"name": "", **values})
    check_served(compound, serves or [])
    try:
        with transaction.atomic():
            point = SamplingPoint.objects.create(compound=compound, **clean)
    except IntegrityError:
        raise ValidationError(
            {"name": _("%(name)s already exists here.") % {"name": clean["name"]}}
        ) from None
    if serves:
        point.serves.set(serves)
    audit_record(
        actor=acting_user,
        action="testing.point.create",
        target=point,
        area_path=compound.path,
        changes={**clean, "serves": [a.pk for a in serves or []]},
    )
    return point


@transaction.atomic
def sampling_point_update(
    *, acting_user, point: SamplingPoint, values: dict, serves: list[Area] | None = None
) -> SamplingPoint:
    require(acting_user, Perm.TESTING_MANAGE, point.compound.path)
    clean = _clean_point(values)
    merged = {f: clean.get(f, getattr(point, f)) for f in ("opens_at", "closes_at")}
    if merged["closes_at"] <= merged["opens_at"]:
        raise ValidationError({"closes_at": _("The point must close after it opens.")})
    changes = {f: (getattr(point, f), v) for f, v in clean.items() if getattr(point, f) != v}
    for field, (_old, new) in changes.items():
        setattr(point, field, new)
    if changes:
        try:
            with transaction.atomic():
                point.save(update_fields=list(changes))
        except IntegrityError:
            raise ValidationError(
                {"name": _("%(name)s already exists here.") % {"name": clean["name"]}}
            ) from None
    if serves is not None:
        check_served(point.compound, serves)
        before = sorted(point.serves.values_list("pk", flat=True))
        if before != sorted(a.pk for a in serves):
            point.serves.set(serves)
            changes["serves"] = (before, sorted(a.pk for a in serves))
    if changes:
        audit_record(
            actor=acting_user,
            action="testing.point.update",
            target=point,
            area_path=point.compound.path,
            changes=changes,
        )
    return point
