"""Reads for coverage, always narrowed to the acting user's areas.

Coverage is the heart of mass testing: for any area and round, who was expected, who was sampled,
who is exempt and who is still missing, live while the round runs. It is counted in one grouped
query over the residents under the area (an index range scan by path), each checked against the
round's samples and exemptions by index. Also here: each person's state in a round and a building
door by door (read by the capture pages too), and the call-down plan.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths, work_scope
from firstline.areas.models import BLOCK_KINDS, INNER_STAIRWELLS, Area, AreaKind, RiskStatus
from firstline.areas.selectors import floor_rows, label_of_door
from firstline.common.errors import NotFound
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
from firstline.testing.messages import block_id, call_down_message, stairwell_labels
from firstline.testing.models import (
    Box,
    CallDown,
    Exemption,
    ResampleTask,
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
from firstline.testing.rounds.rules import RoundRules
from firstline.testing.rounds.selectors import rounds_visible
from firstline.testing.scope import require_area, round_paths_under, round_scope_paths, visible_paths
from firstline.testing.states import DoorStatus, PersonState

# --------------------------------------------------------------------------------------------
# Who a round expects, and its coverage


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
    paths = round_paths_under(user, round, area)
    children = (
        []
        if area.kind == AreaKind.HOUSEHOLD
        else list(Area.objects.filter(parent=area).order_by("sort_key", "path"))
    )
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
    outside = (
        Sample.objects.filter(round=round, out_of_scope=True)
        .filter(subtree_q(area.path, "tube__area_path"))
        .count()
    )
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
            f"SELECT COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) FROM "
            f"({inner}) AS t",  # noqa: S608
            params,
        )
        n, s, e = cursor.fetchone()
    return CoverageRow(round.area, n or 0, int(s or 0), int(e or 0))


def round_totals_by_area(*, user, round: Round, areas: list[Area]) -> list[CoverageRow]:
    """Coverage of each of `areas` (the parts of the round a user sees: a leader's buildings, a unit
    leader's unit) in one query, so that every figure on the round's page says what it counts."""
    rows = {a.pk: CoverageRow(a) for a in areas}
    parts, params = [], []
    visible = visible_paths(user=user, round=round) if areas else []
    for area in areas:
        paths = intersect_paths(visible, [area.path])
        if paths:
            inner, inner_params = _resident_flags_sql(round, paths, 0)
            parts.append(
                f"SELECT {int(area.pk)} AS area_id, sampled, exempt FROM ({inner}) AS t{int(area.pk)}"
            )  # noqa: S608
            params += inner_params
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT area_id, COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) "  # noqa: S608
                f"FROM ({' UNION ALL '.join(parts)}) AS u GROUP BY area_id",
                params,
            )
            for area_id, n, sampled, exempt in cursor.fetchall():
                row = rows[area_id]
                row.expected, row.sampled, row.exempt = n, int(sampled or 0), int(exempt or 0)
    return [rows[a.pk] for a in areas]


@dataclass
class RoundSummary:
    round: Round
    totals: CoverageRow
    # The round's areas (all of them, not only the user's part): to tell which rounds touch an area.
    scope_paths: list[str]
    # The user's part of the round when it is not all of it (a leader's buildings): what the figures count.
    parts: list[Area] = field(default_factory=list)


def round_summaries(*, user, limit: int = 20, area: Area | None = None) -> list[RoundSummary]:
    """The newest rounds the user sees (those testing some of `area`, if given), each with its
    coverage of the user's part: three queries whatever the number of rounds (the coverage of every
    round is one UNION ALL). Not found for a role that sees no rounds anywhere: the rounds page is
    not theirs."""
    work_scope(user, Perm.TESTING_VIEW)
    rounds = rounds_visible(user=user)
    if area is not None:
        tests_area = RoundArea.objects.filter(round=OuterRef("pk")).filter(
            subtree_q(area.path, "area__path") | Q(area__path__in=[*ancestor_paths(area.path), area.path])
        )
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
            parts.append(
                f"SELECT {int(round.pk)} AS round_id, sampled, exempt FROM ({inner}) AS t{int(round.pk)}"
            )  # noqa: S608
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
    partial = {
        r.pk: paths
        for r in rounds
        if (paths := intersect_paths(scope[r.pk], user_paths)) and sorted(paths) != sorted(scope[r.pk])
    }
    named = (
        {
            a.path: a
            for a in Area.objects.filter(path__in={p for ps in partial.values() for p in ps}).select_related(
                "parent"
            )
        }
        if partial
        else {}
    )
    return [
        RoundSummary(
            round=r,
            totals=CoverageRow(r.area, *counts.get(r.pk, (0, 0, 0))),
            scope_paths=sorted(scope[r.pk]),
            parts=[named[p] for p in sorted(partial.get(r.pk, [])) if p in named],
        )
        for r in rounds
    ]


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
        Exists(Sample.objects.filter(tube=OuterRef("pk")).filter(any_subtree_q(paths, "household_path")))
    )
    counts.samples = Sample.objects.filter(round=round).filter(any_subtree_q(paths, "household_path")).count()
    rows = (
        Tube.objects.filter(round=round)
        .filter(tube_scope)
        .annotate(received=Case(When(received_at__isnull=False, then=Value(1)), default=Value(0)))
        .values_list("status", "received", "result")
        .annotate(n=Count("id"))
    )
    for status, received, result, n in rows:
        if status == TubeStatus.OPEN:
            counts.tubes_open += n
        else:
            counts.tubes_closed += n
        counts.tubes_received += n if received else 0
        counts.results[result] = counts.results.get(result, 0) + n
    counts.boxes = dict(
        Box.objects.filter(round=round)
        .filter(any_subtree_q(scope_paths(user, Perm.TESTING_VIEW), "area_path"))
        .values_list("status")
        .annotate(n=Count("id"))
    )
    tasks = dict(
        ResampleTask.objects.filter(round=round)
        .filter(any_subtree_q(paths, "household_path"))
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts.resample_open = tasks.get(ResampleTask.Status.OPEN, 0)
    counts.resample_done = tasks.get(ResampleTask.Status.DONE, 0)
    counts.exemptions = (
        Exemption.objects.filter(round=round).filter(any_subtree_q(paths, "household_path")).count()
    )
    return counts


# --------------------------------------------------------------------------------------------
# Who is missing, who is exempt


def live_screening_q(round: Round) -> Exists:
    return Exists(
        Sample.objects.filter(
            round=round, person=OuterRef("person"), purpose=SamplePurpose.SCREENING
        ).exclude(state=SampleState.INVALID)
    )


def exempt_q(round: Round) -> Exists:
    return Exists(Exemption.objects.filter(round=round, person=OuterRef("person")))


@dataclass(frozen=True)
class MissingFilter:
    """What the call list is narrowed to: the vulnerable only, doors whose number holds `door`."""

    vulnerable: bool = False
    door: str = ""


def _missing_residences(round: Round, paths: list[str], only: MissingFilter | None) -> QuerySet[Residence]:
    rows = (
        expected_residences(round)
        .filter(any_subtree_q(paths, "household__path"))
        .filter(~live_screening_q(round), ~exempt_q(round))
    )
    if only and only.vulnerable:
        rows = rows.filter(Exists(Vulnerability.objects.filter(person=OuterRef("person"))))
    if only and only.door:
        rows = rows.filter(household__door__icontains=only.door)
    return rows


def round_missing(
    *,
    user,
    round: Round,
    area: Area,
    only: MissingFilter | None = None,
    within: str = "",
    stairwell_order: list[int] | None = None,
) -> QuerySet[Residence]:
    """Residents under `area` not yet sampled in `round` and not exempt, by building, unit and door
    (the stairwells in `stairwell_order` first, in that order: the call list puts the units with the
    most missing first); `within` narrows to one block's path."""
    paths = round_paths_under(user, round, area)
    rows = _missing_residences(round, paths, only)
    if within:
        rows = rows.filter(subtree_q(within, "household__path"))
    order = ["household__path", "person_id"]
    if stairwell_order:
        rank = Case(
            *[When(household__parent_id=pk, then=Value(i)) for i, pk in enumerate(stairwell_order)],
            default=Value(len(stairwell_order)),
        )
        rows = rows.annotate(stairwell_rank=rank)
        order = ["stairwell_rank", *order]
    return (
        rows.select_related("person", "household", "household__parent", "household__parent__parent")
        .prefetch_related(Prefetch("person__vulnerabilities", queryset=Vulnerability.objects.order_by("tag")))
        .order_by(*order)
    )


@dataclass(eq=False)
class MissingBlock:
    """A building (or a village) of the call list with how many are missing in it, and its
    stairwells (units, groups) each with theirs, the most missing first."""

    area: Area
    missing: int = 0
    stairwells: list[tuple[Area, int]] = field(default_factory=list)

    @property
    def stairwell_order(self) -> list[int]:
        return [well.pk for well, _n in self.stairwells]


def missing_blocks(
    *, user, round: Round, area: Area, only: MissingFilter | None = None
) -> list[MissingBlock]:
    """The blocks under `area` where someone is missing, the most missing first: two queries (the
    counts per stairwell, then the stairwells with their buildings) whatever the number of blocks."""
    paths = round_paths_under(user, round, area)
    counts = dict(
        _missing_residences(round, paths, only)
        .order_by()
        .values_list("household__parent_id")
        .annotate(n=Count("id"))
    )
    blocks: dict[int, MissingBlock] = {}
    for well in Area.objects.filter(pk__in=list(counts)).select_related("parent"):
        inner = well.kind in INNER_STAIRWELLS
        block = well.parent if inner else well
        entry = blocks.setdefault(block.pk, MissingBlock(area=block))
        entry.missing += counts[well.pk]
        if inner:
            entry.stairwells.append((well, counts[well.pk]))
    for entry in blocks.values():
        entry.stairwells.sort(key=lambda item: (-item[1], item[0].sort_key, item[0].path))
    return sorted(blocks.values(), key=lambda b: (-b.missing, b.area.sort_key, b.area.path))


def missing_person(*, user, round: Round, person_id) -> Residence:
    """One missing person's current residence, as a row of the call list shows it (put back after an
    exemption is undone): NotFound outside the user's areas."""
    try:
        residence = (
            expected_residences(round)
            .filter(person_id=int(person_id))
            .select_related("person", "household", "household__parent", "household__parent__parent")
            .prefetch_related(
                Prefetch("person__vulnerabilities", queryset=Vulnerability.objects.order_by("tag"))
            )
            .order_by("-id")
            .first()
        )
    except (TypeError, ValueError):
        raise NotFound from None
    if residence is None or not can(user, Perm.TESTING_VIEW, residence.household.path):
        raise NotFound
    return residence


def round_exempt(*, user, round: Round, area: Area) -> QuerySet[Exemption]:
    """Exemptions of people living under `area`, by door."""
    paths = round_paths_under(user, round, area)
    return (
        Exemption.objects.filter(round=round)
        .filter(any_subtree_q(paths, "household_path"))
        .select_related("person", "created_by")
        .order_by("household_path", "person_id")
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
# A building, door by door: each person's state in the round, the round's building map


# Which colour a door takes on the round's map: the worst state of its people wins.
_DOOR_ORDER = [
    PersonState.POSITIVE,
    PersonState.RESAMPLE,
    PersonState.RESAMPLED,
    PersonState.MISSING,
    PersonState.PENDING,
    PersonState.EXEMPT,
    PersonState.NEGATIVE,
]


@dataclass
class DoorPerson:
    person_id: int
    name: str
    age: int | None
    tags: list[str]
    state: PersonState
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
        return bool(pending) and (
            self.sealed or any(p.immobile or p.state == PersonState.RESAMPLE for p in pending)
        )

    @property
    def status(self) -> DoorStatus:
        if not self.people:
            return DoorStatus.EMPTY
        states = {p.state for p in self.people}
        if states <= {PersonState.NEGATIVE, PersonState.EXEMPT}:
            return DoorStatus.DONE
        if states <= {PersonState.NEGATIVE, PersonState.EXEMPT, PersonState.PENDING}:
            return DoorStatus.PENDING  # everyone sampled, results still to come
        for state in _DOOR_ORDER:
            if state in states:
                return (
                    DoorStatus.PARTIAL
                    if state == PersonState.MISSING and len(states) > 1
                    else DoorStatus(state)
                )
        return DoorStatus.DONE


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
    if building.kind not in BLOCK_KINDS:
        raise NotFound
    in_round = round_paths_under(user, round, building)
    nodes = list(
        Area.objects.filter(subtree_q(building.path)).exclude(pk=building.pk).order_by("sort_key", "path")
    )
    units = [n for n in nodes if n.kind in INNER_STAIRWELLS]
    households = [n for n in nodes if n.kind == AreaKind.HOUSEHOLD]
    residences = list(
        expected_residences(round)
        .filter(household__in=households)
        .filter(any_subtree_q(in_round, "household__path"))
        .select_related("person")
        .order_by("household_id", "person__birth_date", "person_id")
    )
    person_ids = [r.person_id for r in residences]
    samples, exempt, open_tasks = round_person_states(round, person_ids)
    tags: dict[int, list[str]] = defaultdict(list)
    for person_id, tag in (
        Vulnerability.objects.filter(person_id__in=person_ids).order_by("tag").values_list("person_id", "tag")
    ):
        tags[person_id].append(tag)
    rules = RoundRules(round)
    rules.load_risks_under([building.path])
    by_household: dict[int, list[Residence]] = defaultdict(list)
    for residence in residences:
        by_household[residence.household_id].append(residence)
    stairwell_of = {u.pk: u for u in units}
    by_parent: dict[int, dict[int, list[Door]]] = defaultdict(lambda: defaultdict(list))
    totals: dict[str, int] = defaultdict(int)
    for household in households:
        pooling = rules.for_path(household.path)
        well = stairwell_of.get(household.parent_id, building)
        label = label_of_door(
            door=household.door,
            name=household.name,
            parent_kind=well.kind,
            parent_name=well.name,
            grandparent_name=building.name,
        )
        door = Door(
            household=household,
            label=label,
            risk=pooling.risk,
            capacity=pooling.capacity,
            per_household=pooling.per_household,
        )
        for residence in by_household.get(household.pk, []):
            person = residence.person
            door.people.append(
                door_person(
                    person,
                    samples.get(person.pk, {}),
                    exempt.get(person.pk),
                    person.pk in open_tasks,
                    tags.get(person.pk, []),
                )
            )
        totals[door.status] += 1
        by_parent[household.parent_id][household.floor or 0].append(door)
    stairwells = [
        Stairwell(area=well, floors=floor_rows(well.kind, by_parent[well.pk], top_down=top_down))
        for well in [*units, *([building] if by_parent.get(building.pk) or not units else [])]
    ]
    return BuildingRound(building=building, stairwells=stairwells, totals=dict(totals))


def round_person_states(
    round: Round, person_ids
) -> tuple[dict[int, dict[str, tuple]], dict[int, str], set[int]]:
    """For these people in the round, in three queries: their live samples ({person: {purpose:
    (state, tube code)}}), their exemption reasons, and who awaits a single re-sample."""
    samples: dict[int, dict[str, tuple]] = defaultdict(dict)
    for person_id, purpose, state, tube in (
        Sample.objects.filter(round=round, person_id__in=person_ids)
        .exclude(state=SampleState.INVALID)
        .values_list("person_id", "purpose", "state", "tube__code")
    ):
        samples[person_id][purpose] = (state, tube)
    exempt = dict(
        Exemption.objects.filter(round=round, person_id__in=person_ids).values_list("person_id", "reason")
    )
    open_tasks = set(
        ResampleTask.objects.filter(
            round=round, person_id__in=person_ids, status=ResampleTask.Status.OPEN
        ).values_list("person_id", flat=True)
    )
    return samples, exempt, open_tasks


def door_person(
    person: Person, samples: dict[str, tuple], exemption: str | None, resample_open: bool, tags: list[str]
) -> DoorPerson:
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
    return DoorPerson(
        person_id=person.pk,
        name=person.name,
        age=person.age,
        tags=tags,
        state=state,
        tube=tube,
        exemption=exemption or "",
    )


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
    """What a point calls, in order: the units of its buildings (or a building without units), the
    groups of its village and then the village's houses in no group (the village itself)."""
    site = point.compound
    served = list(point.serves.all())
    if not served:
        served = list(Area.objects.filter(parent=site, kind__in=(AreaKind.BUILDING, AreaKind.VILLAGE_GROUP)))
        if (
            site.kind == AreaKind.VILLAGE
            and Area.objects.filter(parent=site, kind=AreaKind.HOUSEHOLD).exists()
        ):
            served.append(site)
    buildings = [a for a in served if a.kind == AreaKind.BUILDING]
    units: dict[int, list[Area]] = {b.pk: [] for b in buildings}
    for unit in Area.objects.filter(parent__in=buildings, kind=AreaKind.UNIT).order_by("sort_key", "path"):
        units[unit.parent_id].append(unit)
    stairwells = [a for a in served if a.kind in (AreaKind.UNIT, AreaKind.VILLAGE_GROUP, AreaKind.VILLAGE)]
    for building in buildings:
        stairwells += units.get(building.pk) or [building]
    blocks = {block_id(a) for a in stairwells}
    order = {b.pk: (b.sort_key, b.path) for b in Area.objects.filter(pk__in=blocks)}
    return sorted(
        stairwells,
        key=lambda a: (order.get(block_id(a), (0, "")), a.kind == AreaKind.VILLAGE, a.sort_key, a.path),
    )


def call_down_plan(
    *, user, round: Round, point: SamplingPoint, now: dt.datetime | None = None
) -> CallDownPlan:
    """Waves of stairwells for a point, sized so the queue stays under its cap and timed from the
    desks' throughput (measured over the last half hour once sampling has started). Stairwells
    already called are shown with what is left of them; sealed ones go to the door-to-door list."""
    require_area(user, point.compound)
    now = now or timezone.now()
    scope = round_scope_paths(round)
    stairwells = [s for s in _served_stairwells(point) if is_within(s.path, scope)]
    missing = _missing_by_stairwell(round, stairwells)
    rules = RoundRules(round)
    rules.load_risks([s.path for s in stairwells])
    called_calls = list(
        CallDown.objects.filter(round=round, point=point)
        .select_related("called_by")
        .prefetch_related("stairwells")
        .order_by("called_at", "id")
    )
    every = stairwells + [s for call in called_calls for s in call.stairwells.all()]
    # The buildings of every stairwell named on the page, in one query (labels say "3号楼2单元").
    buildings = {b.pk: b for b in Area.objects.filter(pk__in={block_id(s) for s in every})}
    planned = point.desks * point.per_desk_hour
    # Swabs taken in the last half hour (by the device's clock: an upload from a desk that was
    # offline counts when the swabs were taken, not when they arrived).
    recent = Sample.objects.filter(
        round=round, point=point, scanned_at__gte=now - dt.timedelta(minutes=30), scanned_at__lte=now
    ).count()
    measured = recent * 2 if recent >= 10 else None
    rate = measured or planned
    called_ids = {s.pk for call in called_calls for s in call.stairwells.all()}
    called = [
        CalledWave(
            call=c,
            labels=stairwell_labels(list(c.stairwells.all()), buildings),
            remaining=sum(missing.get(s.pk, 0) for s in c.stairwells.all()),
        )
        for c in called_calls
    ]
    busy_until = now
    for call in called_calls:
        busy_until = max(busy_until, call.called_at + dt.timedelta(hours=call.people_expected / rate))
    sealed = [
        s for s in stairwells if rules.effective_risk(s.path) == RiskStatus.SEALED and missing.get(s.pk)
    ]
    sealed_ids = {s.pk for s in sealed}
    fresh = [s for s in stairwells if s.pk not in called_ids and s.pk not in sealed_ids and missing.get(s.pk)]
    # Called at least half an hour ago and still not all down: call again, after the fresh ones.
    last_call = {}
    for call in called_calls:
        for s in call.stairwells.all():
            last_call[s.pk] = call.called_at
    recall = [
        s
        for s in stairwells
        if s.pk in called_ids
        and s.pk not in sealed_ids
        and missing.get(s.pk)
        and last_call[s.pk] <= now - dt.timedelta(minutes=30)
    ]
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
                waves.append(
                    Wave(
                        number=len(waves) + 1,
                        stairwells=current,
                        labels=stairwell_labels(current, buildings),
                        people=people,
                        starts_at=start,
                        ends_at=ends,
                        message=call_down_message(point=point, stairwells=current, buildings=buildings),
                        recall=is_recall,
                        after_closing=ends > closing,
                    )
                )
                start, current, people = ends, [], 0
            if stairwell is not None:
                current.append(stairwell)
                people += n
    return CallDownPlan(
        point=point,
        planned_rate=planned,
        measured_rate=measured,
        waves=waves,
        called=called,
        door_to_door=stairwell_labels(sealed, buildings),
    )


def _missing_by_stairwell(round: Round, stairwells: list[Area]) -> dict[int, int]:
    """People not yet sampled nor exempt, per stairwell (a unit, or a building without units): one
    grouped query with the outer joins of `_resident_flags_sql` (EXISTS per resident took 120 ms for
    the demo's compound; this takes a fifth of it)."""
    if not stairwells:
        return {}
    if round.status == RoundStatus.CLOSED:
        source = f"{RoundResident._meta.db_table} r JOIN areas_area h ON h.path = r.household_path"
        condition, source_params = "r.round_id = %s", [round.pk]
    else:
        source, condition, source_params = _expected_sql(round)
    where, params = subtree_sql([s.path for s in stairwells], "h.path")
    sql = (
        f"SELECT h.parent_id, COUNT(*) FROM {source} "  # noqa: S608
        "LEFT JOIN testing_sample s ON s.round_id = %s AND s.person_id = r.person_id "
        "AND s.purpose = 'screening' AND NOT (s.state = 'invalid') "
        "LEFT JOIN testing_exemption e ON e.round_id = %s AND e.person_id = r.person_id "
        f"WHERE {condition} AND {where} AND s.id IS NULL AND e.id IS NULL GROUP BY h.parent_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round.pk, round.pk, *source_params, *params])
        return {parent_id: n for parent_id, n in cursor.fetchall()}
