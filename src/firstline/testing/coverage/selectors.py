"""Reads for mass testing, always narrowed to the acting user's areas.

Coverage is the heart of it: for any area and round, who was expected, who was sampled, who is
exempt and who is still missing, live while the round runs. It is counted in one grouped query
over the residents under the area (an index range scan by path), each checked against the round's
samples and exemptions by index.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, TextChoices, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths
from firstline.areas.models import RISK_SEVERITY, Area, AreaKind, RiskStatus
from firstline.areas.selectors import door_labels, label_of_door
from firstline.common.errors import NotFound
from firstline.common.identity import mask_name
from firstline.common.paths import (
    SEGMENT_WIDTH,
    ancestor_paths,
    any_subtree_q,
    intersect_paths,
    is_within,
    subtree_q,
    subtree_sql,
)
from firstline.people.models import Person, Residence, Vulnerability, VulnerabilityTag
from firstline.people.selectors import person_search
from firstline.testing.messages import call_down_message, stairwell_labels
from firstline.testing.models import (
    AntigenReport,
    Box,
    BoxEvent,
    CallDown,
    Exemption,
    FollowUp,
    LabMapping,
    PoolingRule,
    ResampleTask,
    ResultKind,
    ResultUpload,
    Round,
    RoundArea,
    RoundResident,
    RoundStatus,
    Sample,
    SamplePurpose,
    SampleState,
    SamplingPoint,
    Tube,
    TubeStatus,
)
from firstline.testing.rules import RoundRules

# --------------------------------------------------------------------------------------------
# Rounds and points


def rounds_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[Round]:
    """Rounds over any part of the user's areas: owned inside them, or owned above them."""
    roots = scope_paths(user, perm)
    if not roots:
        return Round.objects.none()
    above = set(roots) | {a for root in roots for a in ancestor_paths(root)}
    return Round.objects.filter(any_subtree_q(roots, "area__path") | Q(area__path__in=above)).select_related("area")


def round_get(*, user, pk, perm: str = Perm.TESTING_VIEW) -> Round:
    """One round, if it touches the user's areas (the rule of `rounds_visible`, checked on the row:
    a desk asks for its round with every scan, and a look-up by key is the cheapest query there is)."""
    try:
        round = Round.objects.select_related("area").get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    owner = round.area.path
    if not any(root.startswith(owner) or owner.startswith(root) for root in scope_paths(user, perm)):
        raise NotFound
    return round


def round_scope_paths(round: Round) -> list[str]:
    return list(RoundArea.objects.filter(round=round).values_list("area__path", flat=True))


def round_scope_areas(round: Round) -> list[Area]:
    return [ra.area for ra in RoundArea.objects.filter(round=round).select_related("area").order_by("area__path")]


def visible_paths(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> list[str]:
    """The parts of the round's areas that the user may see."""
    return intersect_paths(round_scope_paths(round), scope_paths(user, perm))


def points_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[SamplingPoint]:
    """Sampling points of compounds inside the user's areas (or above them: a leader sees the
    points their buildings are called down to)."""
    roots = scope_paths(user, perm)
    above = {a for root in roots for a in ancestor_paths(root)}
    return SamplingPoint.objects.filter(
        any_subtree_q(roots, "compound__path") | Q(compound__path__in=above)
    ).select_related("compound")


def points_for_round(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> QuerySet[SamplingPoint]:
    """The active points that serve the round's areas and that the user may see."""
    scope = round_scope_paths(round)
    above = {a for path in scope for a in ancestor_paths(path)}
    return (
        points_visible(user=user, perm=perm)
        .filter(is_active=True)
        .filter(any_subtree_q(scope, "compound__path") | Q(compound__path__in=above))
        .order_by("compound__path", "name")
    )


def point_get(*, user, pk, perm: str = Perm.TESTING_VIEW) -> SamplingPoint:
    try:
        return points_visible(user=user, perm=perm).get(pk=pk)
    except (SamplingPoint.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


# --------------------------------------------------------------------------------------------
# Coverage


@dataclass
class CoverageRow:
    area: Area
    expected: int = 0
    sampled: int = 0
    exempt: int = 0

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.sampled - self.exempt)

    @property
    def done(self) -> int:
        return self.sampled + self.exempt

    @property
    def percent(self) -> float:
        """Sampled or exempt, of those expected (100 when nobody is expected)."""
        return 100.0 if not self.expected else round(100.0 * self.done / self.expected, 1)


@dataclass
class Coverage:
    round: Round
    area: Area
    total: CoverageRow
    children: list[CoverageRow]
    # Samples taken from people who live outside the round's areas, at points under this area.
    outside: int = 0


def _require_area(user, area: Area, perm: str = Perm.TESTING_VIEW) -> None:
    if not can(user, perm, area.path):
        raise NotFound


def _round_paths_under(user, round: Round, area: Area) -> list[str]:
    """The round's areas under (or above) `area`, which the user may view; NotFound if the area is
    not theirs or the round does not test it."""
    _require_area(user, area)
    paths = intersect_paths(round_scope_paths(round), [area.path])
    if not paths:
        raise NotFound
    return paths


def expected_residences(round: Round) -> QuerySet[Residence]:
    """Who the round expects (ADR 0009): while it is planned or open, everyone living now in its
    areas (someone who moves in is expected from that day); once it is closed, those who lived there
    when it closed, whatever happened since."""
    if round.status == RoundStatus.CLOSED:
        return Residence.objects.filter(round_expectations__round=round)
    return Residence.objects.filter(is_current=True)


def _expected_sql(round: Round) -> tuple[str, str, list]:
    """The FROM clause (aliases r for the residence, its person as r.person_id, and hp for the
    household's path) and the WHERE condition of `expected_residences`, for hand-written SQL."""
    if round.status == RoundStatus.CLOSED:
        return (f"{RoundResident._meta.db_table} r", "r.round_id = %s", [round.pk])
    return ("people_residence r JOIN areas_area h ON h.id = r.household_id", "r.is_current", [])


def _resident_flags_sql(round: Round, paths: list[str], prefix_width: int) -> tuple[str, list]:
    """Per current resident under `paths`: the path prefix to group by, sampled, exempt.

    Outer joins rather than EXISTS per resident: a person has at most one live screening sample and
    one exemption per round (both are unique constraints), so no resident is counted twice, and
    PostgreSQL plans hash joins at a cost it does not JIT-compile (with EXISTS it estimated millions
    and spent ~0.9 s compiling a query that runs in 0.1 s, at 100,000 residents; bench_testing.py)."""
    source, condition, source_params = _expected_sql(round)
    path = "r.household_path" if round.status == RoundStatus.CLOSED else "h.path"
    where, params = subtree_sql(paths, path)
    sql = (
        f"SELECT substr({path}, 1, {int(prefix_width)}) AS prefix, "
        "CASE WHEN s.id IS NULL THEN 0 ELSE 1 END AS sampled, "
        "CASE WHEN e.id IS NULL THEN 0 ELSE 1 END AS exempt "
        f"FROM {source} "
        "LEFT JOIN testing_sample s ON s.round_id = %s AND s.person_id = r.person_id "
        "AND s.purpose = 'screening' AND NOT (s.state = 'invalid') "
        "LEFT JOIN testing_exemption e ON e.round_id = %s AND e.person_id = r.person_id "
        f"WHERE {condition} AND {where}"
    )
    return sql, [round.pk, round.pk, *source_params, *params]


def round_coverage(*, user, round: Round, area: Area) -> Coverage:
    """Expected, sampled, exempt and missing under `area` (and for each of its children) in `round`."""
    paths = _round_paths_under(user, round, area)
    children = [] if area.kind == AreaKind.HOUSEHOLD else list(Area.objects.filter(parent=area).order_by("sort_key", "path"))
    width = len(area.path) + (SEGMENT_WIDTH if children else 0)
    inner, params = _resident_flags_sql(round, paths, width)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT prefix, COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) "  # noqa: S608
            f"FROM ({inner}) AS t GROUP BY prefix",
            params,
        )
        counts = {prefix: [n, int(s or 0), int(e or 0)] for prefix, n, s, e in cursor.fetchall()}
    rows = []
    for child in children:
        expected, sampled, exempt = counts.get(child.path, [0, 0, 0])
        rows.append(CoverageRow(child, expected, sampled, exempt))
    total = CoverageRow(area, *[sum(c[i] for c in counts.values()) for i in range(3)])
    outside = Sample.objects.filter(round=round, out_of_scope=True).filter(subtree_q(area.path, "tube__area_path")).count()
    return Coverage(round=round, area=area, total=total, children=rows, outside=outside)


def round_totals(*, user, round: Round) -> CoverageRow:
    """Coverage of everything of the round the user may see (the round's page header)."""
    paths = visible_paths(user=user, round=round)
    row = CoverageRow(round.area)
    if not paths:
        return row
    inner, params = _resident_flags_sql(round, paths, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) FROM ({inner}) AS t",  # noqa: S608
            params,
        )
        n, s, e = cursor.fetchone()
    return CoverageRow(round.area, n or 0, int(s or 0), int(e or 0))


@dataclass
class RoundCounts:
    samples: int = 0
    tubes_open: int = 0
    tubes_closed: int = 0
    tubes_received: int = 0
    results: dict[str, int] = field(default_factory=dict)
    boxes: dict[str, int] = field(default_factory=dict)
    resample_open: int = 0
    resample_done: int = 0
    exemptions: int = 0


def round_counts(*, user, round: Round) -> RoundCounts:
    """Samples, tubes by state and result, boxes, re-samples: what the round's page and the daily
    report show, limited to where the user may look."""
    paths = visible_paths(user=user, round=round)
    counts = RoundCounts()
    if not paths:
        return counts
    # Tubes filled in the user's areas, or holding someone who lives there (a leader's residents
    # sampled at the compound's point).
    tube_scope = any_subtree_q(scope_paths(user, Perm.TESTING_VIEW), "area_path") | Q(
        Exists(Sample.objects.filter(tube=OuterRef("pk")).filter(any_subtree_q(paths, "household_path"))))
    counts.samples = Sample.objects.filter(round=round).filter(any_subtree_q(paths, "household_path")).count()
    rows = (
        Tube.objects.filter(round=round).filter(tube_scope)
        .annotate(received=Case(When(received_at__isnull=False, then=Value(1)), default=Value(0)))
        .values_list("status", "received", "result").annotate(n=Count("id"))
    )
    for status, received, result, n in rows:
        if status == TubeStatus.OPEN:
            counts.tubes_open += n
        else:
            counts.tubes_closed += n
        counts.tubes_received += n if received else 0
        counts.results[result] = counts.results.get(result, 0) + n
    counts.boxes = dict(Box.objects.filter(round=round).filter(any_subtree_q(scope_paths(user, Perm.TESTING_VIEW), "area_path"))
                        .values_list("status").annotate(n=Count("id")))
    tasks = dict(ResampleTask.objects.filter(round=round).filter(any_subtree_q(paths, "household_path"))
                 .values_list("status").annotate(n=Count("id")))
    counts.resample_open = tasks.get(ResampleTask.Status.OPEN, 0)
    counts.resample_done = tasks.get(ResampleTask.Status.DONE, 0)
    counts.exemptions = Exemption.objects.filter(round=round).filter(any_subtree_q(paths, "household_path")).count()
    return counts


# --------------------------------------------------------------------------------------------
# Who is missing, who is exempt


def _live_screening_q(round: Round) -> Exists:
    return Exists(Sample.objects.filter(round=round, person=OuterRef("person"), purpose=SamplePurpose.SCREENING)
                  .exclude(state=SampleState.INVALID))


def _exempt_q(round: Round) -> Exists:
    return Exists(Exemption.objects.filter(round=round, person=OuterRef("person")))


def round_missing(*, user, round: Round, area: Area) -> QuerySet[Residence]:
    """Residents under `area` not yet sampled in `round` and not exempt, by building, unit and door."""
    paths = _round_paths_under(user, round, area)
    return (
        expected_residences(round)
        .filter(any_subtree_q(paths, "household__path"))
        .filter(~_live_screening_q(round), ~_exempt_q(round))
        .select_related("person", "household", "household__parent", "household__parent__parent")
        .prefetch_related(Prefetch("person__vulnerabilities", queryset=Vulnerability.objects.order_by("tag")))
        .order_by("household__path", "person_id")
    )


def round_exempt(*, user, round: Round, area: Area) -> QuerySet[Exemption]:
    """Exemptions of people living under `area`, by door."""
    paths = _round_paths_under(user, round, area)
    return (
        Exemption.objects.filter(round=round).filter(any_subtree_q(paths, "household_path"))
        .select_related("person", "created_by").order_by("household_path", "person_id")
    )


def exemption_get(*, user, pk) -> Exemption:
    try:
        exemption = Exemption.objects.select_related("person", "round").get(pk=pk)
    except (Exemption.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    if not can(user, Perm.TESTING_VIEW, exemption.household_path):
        raise NotFound
    return exemption


# --------------------------------------------------------------------------------------------
# A building, door by door: the door-to-door list and the round's building map


class PersonState(TextChoices):
    """A person's state in a round, derived from their samples, exemption and re-sample task."""

    MISSING = "missing", gettext_lazy("Not sampled yet")
    EXEMPT = "exempt", gettext_lazy("Exempt")
    PENDING = "pending", gettext_lazy("Sampled, waiting for the lab")
    NEGATIVE = "negative", gettext_lazy("Negative")
    RESAMPLE = "resample", gettext_lazy("Pool positive: stay home for a single re-sample")
    RESAMPLED = "resampled", gettext_lazy("Re-sampled, waiting for the lab")
    POSITIVE = "positive", gettext_lazy("Positive")


# Which colour a door takes on the round's map: the worst state of its people wins.
_DOOR_ORDER = [PersonState.POSITIVE, PersonState.RESAMPLE, PersonState.RESAMPLED, PersonState.MISSING,
               PersonState.PENDING, PersonState.EXEMPT, PersonState.NEGATIVE]


@dataclass
class DoorPerson:
    person_id: int
    name: str
    age: int | None
    tags: list[str]
    state: str
    tube: str = ""
    exemption: str = ""

    @property
    def immobile(self) -> bool:
        return VulnerabilityTag.MOBILITY_IMPAIRED in self.tags

    @property
    def to_sample(self) -> bool:
        return self.state in (PersonState.MISSING, PersonState.RESAMPLE)


@dataclass
class Door:
    household: Area
    label: str
    risk: str
    capacity: int
    per_household: bool
    people: list[DoorPerson] = field(default_factory=list)

    @property
    def sealed(self) -> bool:
        return self.risk == RiskStatus.SEALED

    @property
    def to_sample(self) -> list[DoorPerson]:
        return [p for p in self.people if p.to_sample]

    @property
    def needs_visit(self) -> bool:
        """Someone here is owed a swab at the door: sealed, immobile, or a re-sample."""
        pending = self.to_sample
        return bool(pending) and (self.sealed or any(p.immobile or p.state == PersonState.RESAMPLE for p in pending))

    @property
    def status(self) -> str:
        if not self.people:
            return "empty"
        states = {p.state for p in self.people}
        if states <= {PersonState.NEGATIVE, PersonState.EXEMPT}:
            return "done"
        if states <= {PersonState.NEGATIVE, PersonState.EXEMPT, PersonState.PENDING}:
            return "pending"  # everyone sampled, results still to come
        for state in _DOOR_ORDER:
            if state in states:
                return "partial" if state == PersonState.MISSING and len(states) > 1 else state
        return "done"


@dataclass
class Stairwell:
    area: Area
    floors: list[tuple[int, list[Door]]]


@dataclass
class BuildingRound:
    building: Area
    stairwells: list[Stairwell]
    totals: dict[str, int]

    @property
    def doors(self) -> list[Door]:
        return [door for well in self.stairwells for _floor, doors in well.floors for door in doors]


def round_building(*, user, round: Round, building: Area, top_down: bool = True) -> BuildingRound:
    """Every door of a building with each resident's state in the round: the door-to-door list and
    the round's building map are both read from this, in a fixed number of queries whatever the
    building's size."""
    if building.kind != AreaKind.BUILDING:
        raise NotFound
    in_round = _round_paths_under(user, round, building)
    nodes = list(Area.objects.filter(subtree_q(building.path)).exclude(pk=building.pk).order_by("sort_key", "path"))
    units = [n for n in nodes if n.kind == AreaKind.UNIT]
    households = [n for n in nodes if n.kind == AreaKind.HOUSEHOLD]
    residences = list(
        expected_residences(round).filter(household__in=households).filter(any_subtree_q(in_round, "household__path"))
        .select_related("person").order_by("household_id", "person__birth_date", "person_id")
    )
    person_ids = [r.person_id for r in residences]
    samples, exempt, open_tasks = _round_states(round, person_ids)
    tags: dict[int, list[str]] = defaultdict(list)
    for person_id, tag in Vulnerability.objects.filter(person_id__in=person_ids).order_by("tag").values_list("person_id", "tag"):
        tags[person_id].append(tag)
    rules = RoundRules(round)
    rules.load_risks_under([building.path])
    by_household: dict[int, list[Residence]] = defaultdict(list)
    for residence in residences:
        by_household[residence.household_id].append(residence)
    stairwell_names = {u.pk: u.name for u in units}
    by_parent: dict[int, dict[int, list[Door]]] = defaultdict(lambda: defaultdict(list))
    totals: dict[str, int] = defaultdict(int)
    for household in households:
        pooling = rules.for_path(household.path)
        in_unit = household.parent_id in stairwell_names
        label = label_of_door(door=household.door, name=household.name, parent_kind=AreaKind.UNIT if in_unit else AreaKind.BUILDING,
                              parent_name=stairwell_names[household.parent_id] if in_unit else building.name,
                              grandparent_name=building.name)
        door = Door(household=household, label=label, risk=pooling.risk,
                    capacity=pooling.capacity, per_household=pooling.per_household)
        for residence in by_household.get(household.pk, []):
            person = residence.person
            door.people.append(_door_person(person, samples.get(person.pk, {}), exempt.get(person.pk), person.pk in open_tasks,
                                            tags.get(person.pk, [])))
        totals[door.status] += 1
        by_parent[household.parent_id][household.floor or 0].append(door)
    stairwells = [
        Stairwell(area=well, floors=sorted(by_parent[well.pk].items(), reverse=top_down))
        for well in (units or [building])
    ]
    return BuildingRound(building=building, stairwells=stairwells, totals=dict(totals))


def _round_states(round: Round, person_ids) -> tuple[dict[int, dict[str, tuple]], dict[int, str], set[int]]:
    """For these people in the round, in three queries: their live samples ({person: {purpose:
    (state, tube code)}}), their exemption reasons, and who awaits a single re-sample."""
    samples: dict[int, dict[str, tuple]] = defaultdict(dict)
    for person_id, purpose, state, tube in Sample.objects.filter(round=round, person_id__in=person_ids).exclude(
        state=SampleState.INVALID
    ).values_list("person_id", "purpose", "state", "tube__code"):
        samples[person_id][purpose] = (state, tube)
    exempt = dict(Exemption.objects.filter(round=round, person_id__in=person_ids).values_list("person_id", "reason"))
    open_tasks = set(ResampleTask.objects.filter(round=round, person_id__in=person_ids, status=ResampleTask.Status.OPEN)
                     .values_list("person_id", flat=True))
    return samples, exempt, open_tasks


def _door_person(person: Person, samples: dict[str, tuple], exemption: str | None, resample_open: bool, tags: list[str]) -> DoorPerson:
    screening = samples.get(SamplePurpose.SCREENING)
    resample = samples.get(SamplePurpose.RESAMPLE)
    tube = ""
    if resample and resample[0] == SampleState.POSITIVE or screening and screening[0] == SampleState.POSITIVE:
        state = PersonState.POSITIVE
    elif resample:
        state = {SampleState.NEGATIVE: PersonState.NEGATIVE}.get(resample[0], PersonState.RESAMPLED)
        tube = resample[1]
    elif resample_open or (screening and screening[0] == SampleState.POOL_POSITIVE):
        state = PersonState.RESAMPLE
    elif screening:
        state = PersonState.NEGATIVE if screening[0] == SampleState.NEGATIVE else PersonState.PENDING
        tube = screening[1]
    elif exemption:
        state = PersonState.EXEMPT
    else:
        state = PersonState.MISSING
    return DoorPerson(person_id=person.pk, name=person.name, age=person.age, tags=tags, state=state, tube=tube,
                      exemption=exemption or "")


def door_to_door_list(*, user, round: Round, building: Area, everyone: bool = False) -> BuildingRound:
    """The building floor by floor, bottom up, keeping the doors where someone is owed a swab
    (all of them with `everyone`; else those that need a visit: sealed, immobile, re-sample)."""
    plan = round_building(user=user, round=round, building=building, top_down=False)
    for well in plan.stairwells:
        well.floors = [
            (floor, kept) for floor, doors in well.floors
            if (kept := [d for d in doors if d.to_sample and (everyone or d.needs_visit)])
        ]
    return plan


# --------------------------------------------------------------------------------------------
# Call-downs: waves of stairwells per sampling point


@dataclass
class Wave:
    number: int
    stairwells: list[Area]
    labels: list[str]
    people: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    message: str
    recall: bool = False
    # The wave would still be queuing when the point closes: more desks, or another day.
    after_closing: bool = False


@dataclass
class CalledWave:
    call: CallDown
    labels: list[str]
    remaining: int


@dataclass
class CallDownPlan:
    point: SamplingPoint
    planned_rate: int
    measured_rate: int | None
    waves: list[Wave]
    called: list[CalledWave]
    door_to_door: list[str]

    @property
    def rate(self) -> int:
        return self.measured_rate or self.planned_rate


def _served_stairwells(point: SamplingPoint) -> list[Area]:
    served = list(point.serves.all())
    if not served:
        served = list(Area.objects.filter(parent=point.compound, kind=AreaKind.BUILDING))
    buildings = [a for a in served if a.kind == AreaKind.BUILDING]
    units: dict[int, list[Area]] = {b.pk: [] for b in buildings}
    for unit in Area.objects.filter(parent__in=buildings, kind=AreaKind.UNIT).order_by("sort_key", "path"):
        units[unit.parent_id].append(unit)
    stairwells = [a for a in served if a.kind == AreaKind.UNIT]
    for building in buildings:
        stairwells += units.get(building.pk) or [building]
    parents = {a.parent_id for a in stairwells if a.kind == AreaKind.UNIT}
    order = {b.pk: (b.sort_key, b.path) for b in Area.objects.filter(pk__in=parents | {b.pk for b in buildings})}
    return sorted(stairwells, key=lambda a: (order.get(a.pk if a.kind == AreaKind.BUILDING else a.parent_id, (0, "")), a.sort_key, a.path))


def call_down_plan(*, user, round: Round, point: SamplingPoint, now: dt.datetime | None = None) -> CallDownPlan:
    """Waves of stairwells for a point, sized so the queue stays under its cap and timed from the
    desks' throughput (measured over the last half hour once sampling has started). Stairwells
    already called are shown with what is left of them; sealed ones go to the door-to-door list."""
    _require_area(user, point.compound)
    now = now or timezone.now()
    scope = round_scope_paths(round)
    stairwells = [s for s in _served_stairwells(point) if is_within(s.path, scope)]
    missing = _missing_by_stairwell(round, stairwells)
    rules = RoundRules(round)
    rules.load_risks([s.path for s in stairwells])
    called_calls = list(CallDown.objects.filter(round=round, point=point).select_related("called_by")
                        .prefetch_related("stairwells").order_by("called_at", "id"))
    every = stairwells + [s for call in called_calls for s in call.stairwells.all()]
    # The buildings of every stairwell named on the page, in one query (labels say "3号楼2单元").
    buildings = {b.pk: b for b in Area.objects.filter(pk__in={s.pk if s.kind == AreaKind.BUILDING else s.parent_id for s in every})}
    planned = point.desks * point.per_desk_hour
    # Swabs taken in the last half hour (by the device's clock: an upload from a desk that was
    # offline counts when the swabs were taken, not when they arrived).
    recent = Sample.objects.filter(round=round, point=point, scanned_at__gte=now - dt.timedelta(minutes=30),
                                   scanned_at__lte=now).count()
    measured = recent * 2 if recent >= 10 else None
    rate = measured or planned
    called_ids = {s.pk for call in called_calls for s in call.stairwells.all()}
    called = [CalledWave(call=c, labels=stairwell_labels(list(c.stairwells.all()), buildings),
                         remaining=sum(missing.get(s.pk, 0) for s in c.stairwells.all())) for c in called_calls]
    busy_until = now
    for call in called_calls:
        busy_until = max(busy_until, call.called_at + dt.timedelta(hours=call.people_expected / rate))
    sealed = [s for s in stairwells if rules.effective_risk(s.path) == RiskStatus.SEALED and missing.get(s.pk)]
    sealed_ids = {s.pk for s in sealed}
    fresh = [s for s in stairwells if s.pk not in called_ids and s.pk not in sealed_ids and missing.get(s.pk)]
    # Called at least half an hour ago and still not all down: call again, after the fresh ones.
    last_call = {}
    for call in called_calls:
        for s in call.stairwells.all():
            last_call[s.pk] = call.called_at
    recall = [s for s in stairwells if s.pk in called_ids and s.pk not in sealed_ids and missing.get(s.pk)
              and last_call[s.pk] <= now - dt.timedelta(minutes=30)]
    opening = timezone.make_aware(dt.datetime.combine(round.date, point.opens_at))
    closing = timezone.make_aware(dt.datetime.combine(round.date, point.closes_at))
    start = max(busy_until, opening)
    waves: list[Wave] = []
    for group, is_recall in ((fresh, False), (recall, True)):
        current: list[Area] = []
        people = 0
        for stairwell in group + [None]:
            n = missing.get(stairwell.pk, 0) if stairwell else 0
            if current and (stairwell is None or people + n > point.queue_cap):
                ends = start + dt.timedelta(hours=people / rate)
                waves.append(Wave(number=len(waves) + 1, stairwells=current, labels=stairwell_labels(current, buildings),
                                  people=people, starts_at=start, ends_at=ends,
                                  message=call_down_message(point=point, stairwells=current, buildings=buildings), recall=is_recall,
                                  after_closing=ends > closing))
                start, current, people = ends, [], 0
            if stairwell is not None:
                current.append(stairwell)
                people += n
    return CallDownPlan(point=point, planned_rate=planned, measured_rate=measured, waves=waves, called=called,
                        door_to_door=stairwell_labels(sealed, buildings))


def _missing_by_stairwell(round: Round, stairwells: list[Area]) -> dict[int, int]:
    """People not yet sampled nor exempt, per stairwell (a unit, or a building without units)."""
    if not stairwells:
        return {}
    rows = (
        expected_residences(round).filter(any_subtree_q([s.path for s in stairwells], "household__path"))
        .filter(~_live_screening_q(round), ~_exempt_q(round))
        .values("household__parent_id").annotate(n=Count("id"))
    )
    return {row["household__parent_id"]: row["n"] for row in rows}


# --------------------------------------------------------------------------------------------
# Tubes, boxes, positives


def tubes_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[Tube]:
    return Tube.objects.filter(any_subtree_q(scope_paths(user, perm), "area_path"))


def round_tubes(*, user, round: Round, status: str = "", result: str = "") -> QuerySet[Tube]:
    queryset = tubes_visible(user=user).filter(round=round).select_related("point", "box")
    if status:
        queryset = queryset.filter(status=status)
    if result:
        queryset = queryset.filter(result=result)
    return queryset.order_by("-opened_at", "-id")


def tube_get(*, user, code: str, perm: str = Perm.TESTING_VIEW) -> Tube:
    try:
        return tubes_visible(user=user, perm=perm).select_related("round", "point", "box").get(code=code)
    except Tube.DoesNotExist:
        raise NotFound from None


def tube_samples(*, user, tube: Tube) -> QuerySet[Sample]:
    """The people in a tube (for those who may see the ledger where the tube was filled)."""
    if not can(user, Perm.TESTING_VIEW, tube.area_path):
        raise NotFound
    return Sample.objects.filter(tube=tube).select_related("person", "household").order_by("scanned_at", "pk")


def boxes_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[Box]:
    return Box.objects.filter(any_subtree_q(scope_paths(user, perm), "area_path")).select_related("point", "round")


def round_boxes(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> QuerySet[Box]:
    return (boxes_visible(user=user, perm=perm).filter(round=round)
            .annotate(tubes_in=Count("tubes")).prefetch_related("events").order_by("-created_at", "-id"))


def box_get(*, user, code: str = "", pk=None, perm: str = Perm.TESTING_VIEW) -> Box:
    try:
        queryset = boxes_visible(user=user, perm=perm)
        return queryset.get(pk=pk) if pk is not None else queryset.get(code=code)
    except (Box.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def box_tubes(*, box: Box) -> QuerySet[Tube]:
    return Tube.objects.filter(box=box).order_by("boxed_at", "id")


def lab_boxes(*, user, status: str = "") -> QuerySet[Box]:
    """Boxes a lab may receive (or has received), newest first, with their tube counts."""
    queryset = boxes_visible(user=user, perm=Perm.TESTING_LAB).exclude(status=Box.Status.PACKING)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(
        tubes_in=Count("tubes"), tubes_resulted=Count("tubes", filter=~Q(tubes__result=ResultKind.PENDING))
    ).order_by("-created_at", "-id")


@dataclass
class PositiveTube:
    tube: Tube
    people: list[dict]


def round_positives(*, user, round: Round) -> list[PositiveTube]:
    """Positive tubes of the round with each person's re-sample state and their doors' risk status."""
    paths = scope_paths(user, Perm.TESTING_VIEW)
    # A tube is shown where it was filled, and to the leaders of the doors of the people in it.
    holds_ours = Exists(Sample.objects.filter(tube=OuterRef("pk")).filter(any_subtree_q(paths, "household_path")))
    tubes = list(Tube.objects.filter(round=round, result=ResultKind.POSITIVE)
                 .filter(any_subtree_q(paths, "area_path") | Q(holds_ours))
                 .select_related("point").order_by("-id"))
    samples = list(Sample.objects.filter(tube__in=tubes).select_related("person").order_by("household_path", "person_id"))
    ledger = scope_paths(user, Perm.LEDGER_VIEW)
    person_ids = [s.person_id for s in samples]
    tasks = {t.person_id: t for t in ResampleTask.objects.filter(round=round, person_id__in=person_ids)
             .select_related("resample__tube").order_by("id")}
    labels = door_labels(household_ids={s.household_id for s in samples if s.household_id})
    rules = RoundRules(round)
    rules.load_risks([s.household_path for s in samples])
    by_tube = defaultdict(list)
    for sample in samples:
        task = tasks.get(sample.person_id)
        if not (sample.household_path and is_within(sample.household_path, ledger)):
            # Someone from a door the user does not look after: counted, not named.
            sample.person.name = mask_name(sample.person.name)
            sample.household_id = None
        by_tube[sample.tube_id].append({
            "sample": sample, "person": sample.person, "door": labels.get(sample.household_id, ""),
            "household_id": sample.household_id, "task": task,
            "resample_state": task.resample.state if task and task.resample else "",
            "risk": rules.effective_risk(sample.household_path) if sample.household_path else "",
        })
    return [PositiveTube(tube=t, people=by_tube.get(t.pk, [])) for t in tubes]


def resample_tasks(*, user, round: Round, status: str = ResampleTask.Status.OPEN) -> QuerySet[ResampleTask]:
    paths = visible_paths(user=user, round=round)
    queryset = ResampleTask.objects.filter(round=round).filter(any_subtree_q(paths, "household_path"))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("person", "household", "pool_sample__tube").order_by("household_path", "id")


# --------------------------------------------------------------------------------------------
# A person's and a household's testing


def person_samples(*, user, person: Person) -> QuerySet[Sample]:
    """The person's samples taken while they lived where the user may read the ledger (someone who
    moved away shows their swabs from here, not those from their new home), newest round first."""
    return (Sample.objects.filter(person=person).filter(any_subtree_q(scope_paths(user, Perm.LEDGER_VIEW), "household_path"))
            .select_related("round", "tube", "point").order_by("-round__date", "-scanned_at"))


def household_testing(*, user, household: Area, round: Round) -> list[DoorPerson]:
    """Each resident's state in the round (the household page)."""
    if not can(user, Perm.LEDGER_VIEW, household.path):
        raise NotFound
    residences = list(expected_residences(round).filter(household=household).select_related("person"))
    ids = [r.person_id for r in residences]
    samples, exempt, tasks = _round_states(round, ids)
    return [_door_person(r.person, samples.get(r.person_id, {}), exempt.get(r.person_id), r.person_id in tasks, [])
            for r in residences]


# --------------------------------------------------------------------------------------------
# Antigen self-tests and follow-ups


def antigen_reports(*, user, area: Area) -> QuerySet[AntigenReport]:
    if not can(user, Perm.LEDGER_VIEW, area.path):
        raise NotFound
    return (AntigenReport.objects.filter(subtree_q(area.path, "household__path"))
            .select_related("household", "person", "reported_by").order_by("-taken_at", "-id"))


def follow_ups(*, user, status: str = FollowUp.Status.OPEN) -> QuerySet[FollowUp]:
    queryset = FollowUp.objects.filter(any_subtree_q(scope_paths(user, Perm.FOLLOWUP_MANAGE), "household_path"))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("household", "person", "antigen_report", "sample__tube").order_by("-created_at", "-id")


def follow_up_get(*, user, pk) -> FollowUp:
    try:
        return follow_ups(user=user, status="").get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise NotFound from None



# --------------------------------------------------------------------------------------------
# The staff pages of a round: the rounds list, pooling rules, area pickers, re-samples by building


@dataclass
class RoundSummary:
    round: Round
    totals: CoverageRow
    # The round's areas (all of them, not only the user's part): to tell which rounds touch an area.
    scope_paths: list[str]


def round_summaries(*, user, limit: int = 20, area: Area | None = None) -> list[RoundSummary]:
    """The newest rounds the user sees (those testing some of `area`, if given), each with its
    coverage of the user's part: three queries whatever the number of rounds (the coverage of every
    round is one UNION ALL)."""
    rounds = rounds_visible(user=user)
    if area is not None:
        tests_area = RoundArea.objects.filter(round=OuterRef("pk")).filter(
            subtree_q(area.path, "area__path") | Q(area__path__in=[*ancestor_paths(area.path), area.path]))
        rounds = rounds.filter(Exists(tests_area))
    rounds = list(rounds.order_by("-date", "-id")[:limit])
    if not rounds:
        return []
    scope: dict[int, list[str]] = defaultdict(list)
    for round_id, path in RoundArea.objects.filter(round__in=rounds).values_list("round_id", "area__path"):
        scope[round_id].append(path)
    user_paths = scope_paths(user, Perm.TESTING_VIEW)
    parts, params = [], []
    for round in rounds:
        paths = intersect_paths(scope[round.pk], user_paths)
        if paths:
            inner, inner_params = _resident_flags_sql(round, paths, 0)
            parts.append(f"SELECT {int(round.pk)} AS round_id, sampled, exempt FROM ({inner}) AS t{int(round.pk)}")  # noqa: S608
            params += inner_params
    counts: dict[int, tuple[int, int, int]] = {}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT round_id, COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) "  # noqa: S608
                f"FROM ({' UNION ALL '.join(parts)}) AS u GROUP BY round_id",
                params,
            )
            counts = {round_id: (n, int(s or 0), int(e or 0)) for round_id, n, s, e in cursor.fetchall()}
    return [RoundSummary(round=r, totals=CoverageRow(r.area, *counts.get(r.pk, (0, 0, 0))), scope_paths=sorted(scope[r.pk]))
            for r in rounds]


def round_pooling_rules(*, round: Round) -> list[PoolingRule]:
    """The round's pooling rules: by risk status first (most severe first), then those set for an
    area, by path."""
    rules = list(PoolingRule.objects.filter(round=round).select_related("area"))
    return sorted(rules, key=lambda r: (1, r.area.path, 0) if r.area_id else (0, "", -RISK_SEVERITY[RiskStatus(r.risk_status)]))


def round_areas_of_kind(
    *, user, round: Round, kinds: list[str], perm: str = Perm.TESTING_VIEW, above: bool = False, limit: int = 2000
) -> list[Area]:
    """Areas of these kinds inside the round's areas (and, with `above`, their ancestors: the compound
    of a tested building) where the user holds `perm`, by path: the pickers of the round's page."""
    roots = scope_paths(user, perm)
    scope = round_scope_paths(round)
    if not roots or not scope:
        return []
    where = any_subtree_q(scope)
    if above:
        where |= Q(path__in={a for path in scope for a in ancestor_paths(path)})
    return list(Area.objects.filter(where).filter(any_subtree_q(roots)).filter(kind__in=kinds)
                .select_related("parent").order_by("path")[:limit])


@dataclass
class BuildingTasks:
    building: Area | None
    tasks: list[ResampleTask]


def resample_tasks_by_building(*, user, round: Round) -> list[BuildingTasks]:
    """The open re-sample tasks the user sees, grouped by building (two queries after the scope)."""
    tasks = list(resample_tasks(user=user, round=round))
    prefixes = {p for t in tasks if t.household_path for p in ancestor_paths(t.household_path)}
    buildings = {b.path: b for b in Area.objects.filter(path__in=prefixes, kind=AreaKind.BUILDING)} if prefixes else {}
    grouped: dict[str, BuildingTasks] = {}
    for task in tasks:
        path = next((p for p in ancestor_paths(task.household_path or "") if p in buildings), "")
        grouped.setdefault(path, BuildingTasks(building=buildings.get(path), tasks=[])).tasks.append(task)
    return [grouped[path] for path in sorted(grouped)]


# --------------------------------------------------------------------------------------------
# The transport, lab, antigen and notices pages


def round_boxes_trail(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> QuerySet[Box]:
    """The round's boxes with their tube counts and hand-offs (who and when), in three queries."""
    events = BoxEvent.objects.select_related("by").order_by("at", "id")
    return round_boxes(user=user, round=round, perm=perm).prefetch_related(None).prefetch_related(
        Prefetch("events", queryset=events))


def box_events(*, box: Box) -> QuerySet[BoxEvent]:
    """A box's hand-offs, oldest first, with who did each."""
    return BoxEvent.objects.filter(box=box).select_related("by").order_by("at", "id")


def result_uploads(*, user, limit: int = 20) -> QuerySet[ResultUpload]:
    """The lab files this user uploaded, newest first (an upload belongs to no area: only its uploader reads it)."""
    if not scope_paths(user, Perm.TESTING_LAB):
        return ResultUpload.objects.none()
    return ResultUpload.objects.filter(uploaded_by=user).order_by("-uploaded_at", "-id")[:limit]


def result_upload_get(*, user, pk) -> ResultUpload:
    if not scope_paths(user, Perm.TESTING_LAB):
        raise NotFound
    try:
        return ResultUpload.objects.get(pk=pk, uploaded_by=user)
    except (ResultUpload.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def lab_mapping_names(*, user) -> list[str]:
    """Names of the saved lab column mappings (labs' names), for a lab user to pick from."""
    if not scope_paths(user, Perm.TESTING_LAB):
        return []
    return list(LabMapping.objects.order_by("name").values_list("name", flat=True))


def household_open_rounds(*, user, household: Area) -> list[Round]:
    """The open rounds whose areas include this household (its page shows each resident's state in them)."""
    if not can(user, Perm.LEDGER_VIEW, household.path):
        raise NotFound
    paths = [*ancestor_paths(household.path), household.path]
    ids = RoundArea.objects.filter(area__path__in=paths, round__status=RoundStatus.OPEN).values("round_id")
    return list(Round.objects.filter(pk__in=ids).order_by("-date", "-id"))


def antigen_households(*, user) -> list[Area]:
    """The households the user reports antigen results for by a grant on the door itself (a resident)."""
    paths = scope_paths(user, Perm.ANTIGEN_REPORT)
    households = Area.objects.filter(path__in=paths, kind=AreaKind.HOUSEHOLD).select_related("parent", "parent__parent")
    return sorted(households, key=lambda h: h.path)


_DIGITS = re.compile(r"\d+")


def antigen_household_find(*, user, query: str, limit: int = 20) -> list[Area]:
    """Doors under the user's antigen scope matching '1-2-501', '1号楼2单元501', '3号楼101' or '501'."""
    numbers = _DIGITS.findall(query or "")
    if not numbers or len(numbers) > 3:
        return []
    queryset = (Area.objects.filter(kind=AreaKind.HOUSEHOLD, door=numbers[-1])
                .filter(any_subtree_q(scope_paths(user, Perm.ANTIGEN_REPORT), "path")))
    if len(numbers) >= 2:
        building = numbers[0]
        buildings = [f"{building}号楼", f"{building}栋", f"{building}幢", f"{building}号", building, f"Building {building}"]
        if len(numbers) == 3:
            unit = numbers[1]
            queryset = queryset.filter(parent__name__in=[f"{unit}单元", f"Unit {unit}", unit],
                                       parent__parent__name__in=buildings)
        else:
            queryset = queryset.filter(Q(parent__name__in=buildings, parent__kind=AreaKind.BUILDING)
                                       | Q(parent__parent__name__in=buildings))
    return list(queryset.select_related("parent", "parent__parent").order_by("path")[:limit])



# --------------------------------------------------------------------------------------------
# A tube and its people (the JSON API's tube page)


@dataclass
class TubePerson:
    sample_id: str
    person_id: int
    name: str
    door: str
    purpose: str
    state: str
    scanned_at: dt.datetime
    out_of_scope: bool


def tube_with_people(*, user, code: str) -> tuple[Tube, list[TubePerson]]:
    """A tube by its code and who is in it. Names and doors are shown where the user may read the
    household's ledger and masked elsewhere; a lab sees the tube alone, never its people."""
    try:
        tube = tube_get(user=user, code=code)
    except NotFound:
        return tube_get(user=user, code=code, perm=Perm.TESTING_LAB), []
    samples = list(tube_samples(user=user, tube=tube))
    ledger = scope_paths(user, Perm.LEDGER_VIEW)
    labels = door_labels(household_ids={s.household_id for s in samples if s.household_id})
    people = []
    for sample in samples:
        visible = bool(sample.household_path) and is_within(sample.household_path, ledger)
        people.append(TubePerson(
            sample_id=str(sample.pk), person_id=sample.person_id,
            name=sample.person.name if visible else mask_name(sample.person.name),
            door=labels.get(sample.household_id, "") if visible else "", purpose=sample.purpose, state=sample.state,
            scanned_at=sample.scanned_at, out_of_scope=sample.out_of_scope,
        ))
    return tube, people


# --------------------------------------------------------------------------------------------
# Capture: the buildings of the door-to-door list, and finding a person at the desk


@dataclass
class BuildingOwed:
    """A building where the user registers door to door, with who is owed a swab there."""

    building: Area
    doors: int = 0  # doors where someone is missing or waits for a re-sample
    people: int = 0
    visit_doors: int = 0  # of those, the doors of the door-to-door list (sealed, immobile, re-sample)
    visit_people: int = 0
    resample: int = 0  # people waiting for their single-tube re-sample


def door_to_door_buildings(*, user, round: Round) -> list[BuildingOwed]:
    """Every building of the round where the user may register samples, each with the doors and
    people owed a swab, counted exactly as `door_to_door_list` counts them, in a fixed number of queries
    whatever the number of buildings."""
    paths = intersect_paths(round_scope_paths(round), scope_paths(user, Perm.TESTING_SAMPLE))
    if not paths:
        return []
    buildings = sorted(Area.objects.filter(any_subtree_q(paths), kind=AreaKind.BUILDING),
                       key=lambda b: (b.path[:-SEGMENT_WIDTH], b.sort_key, b.path))
    if not buildings:
        return []
    rows = {b.path: BuildingOwed(building=b) for b in buildings}
    building_depths = sorted({len(b.path) for b in buildings})
    residents = expected_residences(round).filter(any_subtree_q(paths, "household__path"))
    residences = list(residents.select_related("person", "household").only(
        "household__path", "person__name", "person__birth_date").order_by("household_id", "person_id"))
    person_ids = residents.values("person_id")
    samples, exempt, open_tasks = _round_states(round, person_ids)
    immobile = set(Vulnerability.objects.filter(person_id__in=person_ids, tag=VulnerabilityTag.MOBILITY_IMPAIRED)
                   .values_list("person_id", flat=True))
    rules = RoundRules(round)
    rules.load_risks_under(paths)
    doors: dict[int, tuple[BuildingOwed, Door]] = {}
    for residence in residences:
        home = residence.household.path
        building = next((rows[home[:depth]] for depth in building_depths if home[:depth] in rows), None)
        if building is None:
            continue
        if residence.household_id not in doors:
            doors[residence.household_id] = (building, Door(household=residence.household, label="",
                                                            risk=rules.effective_risk(home), capacity=0, per_household=False))
        door = doors[residence.household_id][1]
        person = residence.person
        tags = [VulnerabilityTag.MOBILITY_IMPAIRED] if person.pk in immobile else []
        door.people.append(_door_person(person, samples.get(person.pk, {}), exempt.get(person.pk), person.pk in open_tasks, tags))
    for row, door in doors.values():
        owed = door.to_sample
        if not owed:
            continue
        row.doors += 1
        row.people += len(owed)
        row.resample += sum(1 for p in owed if p.state == PersonState.RESAMPLE)
        if door.needs_visit:
            row.visit_doors += 1
            row.visit_people += len(owed)
    return list(rows.values())


@dataclass
class FoundPerson:
    """A person found at the desk or at the door, with their state in the round."""

    person: Person
    door: str
    state: str
    tube: str
    in_round: bool  # lives inside the round's areas (others are stored and flagged)


def capture_person_search(*, user, round: Round, query: str, limit: int = 10) -> tuple[str, list[FoundPerson]]:
    """People the user may register in `round`, found by ID number, name or door as the search page
    finds them, with their state in the round, in a fixed number of queries."""
    kind, found = person_search(user=user, query=query, limit=limit)
    people = list(found)
    if not people:
        return kind, []
    sample_paths = scope_paths(user, Perm.TESTING_SAMPLE)
    homes = {person_id: (household_id, path) for person_id, household_id, path in Residence.objects.filter(
        person__in=people, is_current=True).values_list("person_id", "household_id", "household__path")}
    people = [p for p in people if p.pk in homes and is_within(homes[p.pk][1], sample_paths)]
    ids = [p.pk for p in people]
    samples, exempt, open_tasks = _round_states(round, ids)
    labels = door_labels(household_ids={homes[pk][0] for pk in ids})
    round_paths = round_scope_paths(round)
    results = []
    for person in people:
        state = _door_person(person, samples.get(person.pk, {}), exempt.get(person.pk), person.pk in open_tasks, [])
        household_id, path = homes[person.pk]
        results.append(FoundPerson(person=person, door=labels.get(household_id, ""), state=state.state, tube=state.tube,
                                   in_round=is_within(path, round_paths)))
    return kind, results
