"""Reads for the "today" home of each role: what the day's work is, in a fixed number of queries.

- Staff: each open round's coverage of their part, its areas with the most missing, the next
  call-down wave of each sampling point, the positive pools still waiting for re-samples.
- Building and unit leaders: per building or unit they lead, who is still missing today.
- Volunteers: the desks where they register, and the buildings owed a visit door to door (sealed
  doors, people who cannot come down, re-samples).
- The lab: how many boxes are on their way.

Every figure is narrowed to the acting user's areas through the selectors of the steps it reads
(coverage, call-downs, capture, lab). This module sits above the steps it composes.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import scope_paths, user_grants
from firstline.areas.models import BLOCK_KINDS, INNER_STAIRWELLS, Area, RiskStatus
from firstline.common.paths import ancestor_paths, any_subtree_q, intersect_paths
from firstline.people.models import Vulnerability, VulnerabilityTag
from firstline.testing.capture.selectors import desk_points
from firstline.testing.coverage.selectors import (
    CoverageRow,
    _resident_flags_sql,
    call_down_plan,
    exempt_q,
    expected_residences,
    live_screening_q,
    round_coverage,
    round_totals,
)
from firstline.testing.lab.selectors import lab_boxes
from firstline.testing.models import Box, ResampleTask, Round, RoundStatus, SamplingPoint
from firstline.testing.rounds.selectors import points_for_round, rounds_visible
from firstline.testing.scope import round_scope_paths, visible_paths

# How much a home shows: enough for the morning, never the whole list (the linked pages have it).
ROUNDS_SHOWN = 3
AREAS_SHOWN = 6
POINTS_SHOWN = 4
BUILDINGS_SHOWN = 12


class HomeKind:
    STAFF = "staff"
    LEADER = "leader"
    VOLUNTEER = "volunteer"
    LAB = "lab"
    RESIDENT = "resident"


_ROLE_KIND = {
    Role.STREET_COORDINATOR: HomeKind.STAFF,
    Role.COMMUNITY_STAFF: HomeKind.STAFF,
    Role.BUILDING_LEADER: HomeKind.LEADER,
    Role.VOLUNTEER: HomeKind.VOLUNTEER,
    Role.LAB: HomeKind.LAB,
    Role.RESIDENT: HomeKind.RESIDENT,
}


def home_kinds(*, user) -> set[str]:
    """Which parts of the home the user's grants call for (none for a user without a grant)."""
    return {_ROLE_KIND[role] for role, _path in user_grants(user) if role in _ROLE_KIND}


def _open_rounds(user, perm: str = Perm.TESTING_VIEW, limit: int = ROUNDS_SHOWN) -> list[Round]:
    return list(
        rounds_visible(user=user, perm=perm).filter(status=RoundStatus.OPEN).order_by("-date", "-id")[:limit]
    )


# --------------------------------------------------------------------------------------------
# Staff


@dataclass
class NextWave:
    point: SamplingPoint
    labels: list[str]
    people: int
    starts_at: dt.datetime | None
    recall: bool = False
    called: int = 0  # waves already called at this point


@dataclass
class StaffRound:
    round: Round
    totals: CoverageRow
    # Per part of the round the user sees (a community, a compound): its children with the most missing.
    parts: list[tuple[CoverageRow, list[CoverageRow]]]
    waves: list[NextWave]
    positive_pools: int = 0
    positive_people: int = 0


def staff_today(*, user, now: dt.datetime | None = None) -> list[StaffRound]:
    """The open rounds the user manages, each with what the morning needs."""
    now = now or timezone.now()
    rows = []
    for round in _open_rounds(user, Perm.TESTING_MANAGE):
        paths = visible_paths(user=user, round=round)
        if not paths:
            continue
        parts = []
        areas = list(Area.objects.filter(path__in=paths).order_by("path")[: AREAS_SHOWN + 1])
        for area in areas[:AREAS_SHOWN]:
            coverage = round_coverage(user=user, round=round, area=area)
            worst = sorted((c for c in coverage.children if c.missing), key=lambda c: -c.missing)
            parts.append((coverage.total, worst[:AREAS_SHOWN]))
        if len(areas) > AREAS_SHOWN:
            totals = round_totals(user=user, round=round)
        else:  # the parts are the whole of what the user sees of the round
            totals = CoverageRow(
                round.area,
                *[sum(getattr(t, f) for t, _w in parts) for f in ("expected", "sampled", "exempt")],
            )
        waves = []
        for point in points_for_round(user=user, round=round, perm=Perm.TESTING_MANAGE)[:POINTS_SHOWN]:
            plan = call_down_plan(user=user, round=round, point=point, now=now)
            first = plan.waves[0] if plan.waves else None
            waves.append(
                NextWave(
                    point=point,
                    labels=first.labels if first else [],
                    people=first.people if first else 0,
                    starts_at=first.starts_at if first else None,
                    recall=first.recall if first else False,
                    called=len(plan.called),
                )
            )
        waiting = (
            ResampleTask.objects.filter(round=round, status=ResampleTask.Status.OPEN)
            .filter(any_subtree_q(paths, "household_path"))
            .aggregate(people=Count("id"), pools=Count("pool_sample__tube", distinct=True))
        )
        rows.append(
            StaffRound(
                round=round,
                totals=totals,
                parts=parts,
                waves=waves,
                positive_pools=waiting["pools"] or 0,
                positive_people=waiting["people"] or 0,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# Building and unit leaders


@dataclass
class LedArea:
    area: Area
    label: str  # "3号楼", "3号楼 2单元" (a unit names its building)
    row: CoverageRow | None = None  # None: the round does not test it


@dataclass
class LeaderRound:
    round: Round | None
    areas: list[LedArea] = field(default_factory=list)


def _led_label(area: Area) -> str:
    if area.kind in INNER_STAIRWELLS and area.parent is not None:
        return f"{area.parent.name} {area.name}"
    return area.name


def leader_today(*, user) -> LeaderRound:
    """Each building or unit the user leads, with who is missing in the newest open round: three
    queries after the scope, whatever the number of buildings."""
    led_paths = sorted({path for role, path in user_grants(user) if role == Role.BUILDING_LEADER})
    if not led_paths:
        return LeaderRound(round=None)
    areas = list(Area.objects.filter(path__in=led_paths).select_related("parent").order_by("path"))
    led = [LedArea(area=a, label=_led_label(a)) for a in areas]
    rounds = _open_rounds(user, limit=1)
    if not rounds:
        return LeaderRound(round=None, areas=led)
    round = rounds[0]
    paths = intersect_paths(round_scope_paths(round), scope_paths(user, Perm.TESTING_VIEW))
    paths = intersect_paths(paths, led_paths)
    counts: dict[str, list[int]] = {}
    if paths:
        width = max(len(p) for p in led_paths)
        inner, params = _resident_flags_sql(round, paths, width)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT prefix, COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) "  # noqa: S608
                f"FROM ({inner}) AS t GROUP BY prefix",
                params,
            )
            counts = {prefix: [n, int(s or 0), int(e or 0)] for prefix, n, s, e in cursor.fetchall()}
    for item in led:
        path = item.area.path
        if not any(path.startswith(p) or p.startswith(path) for p in paths):
            continue
        sums = [sum(c[i] for prefix, c in counts.items() if prefix.startswith(path)) for i in range(3)]
        item.row = CoverageRow(item.area, *sums)
    return LeaderRound(round=round, areas=led)


# --------------------------------------------------------------------------------------------
# Volunteers


@dataclass
class DoorTask:
    building: Area
    visit_people: int = 0  # not yet sampled, behind a sealed door or unable to come down
    resample: int = 0  # waiting for their single-tube re-sample


@dataclass
class VolunteerRound:
    round: Round
    desks: list[tuple[SamplingPoint, list[int]]]  # each point with its desk numbers
    door_to_door: bool
    tasks: list[DoorTask]


def _door_tasks(user, round: Round) -> tuple[bool, list[DoorTask]]:
    """The buildings owed a visit door to door, counted by set: sealed doors with someone missing,
    people who cannot come down and are missing, open re-sample tasks."""
    paths = intersect_paths(round_scope_paths(round), scope_paths(user, Perm.TESTING_SAMPLE))
    if not paths:
        return False, []
    above = {a for path in paths for a in ancestor_paths(path)}
    blocks = {
        b.path: b for b in Area.objects.filter(any_subtree_q(paths) | Q(path__in=above), kind__in=BLOCK_KINDS)
    }
    if not blocks:
        return True, []
    depths = sorted({len(p) for p in blocks})
    tasks: dict[str, DoorTask] = {}

    def task_of(home: str) -> DoorTask | None:
        path = next((home[:d] for d in depths if home[:d] in blocks), None)
        if path is None:
            return None
        return tasks.setdefault(path, DoorTask(building=blocks[path]))

    # Sealed places inside (or above) the user's areas: their missing people are sampled at the door.
    sealed = [
        p
        for p in Area.objects.filter(
            any_subtree_q(paths) | Q(path__in=above), risk_status=RiskStatus.SEALED
        ).values_list("path", flat=True)
    ]
    sealed = intersect_paths(sealed, paths) if sealed else []
    missing = expected_residences(round).filter(~live_screening_q(round), ~exempt_q(round))
    owed: dict[int, str] = {}
    if sealed:
        owed.update(
            missing.filter(any_subtree_q(sealed, "household__path")).values_list(
                "person_id", "household__path"
            )
        )
    immobile = Vulnerability.objects.filter(tag=VulnerabilityTag.MOBILITY_IMPAIRED).values("person_id")
    owed.update(
        missing.filter(any_subtree_q(paths, "household__path"), person_id__in=immobile).values_list(
            "person_id", "household__path"
        )
    )
    for home in owed.values():
        task = task_of(home)
        if task is not None:
            task.visit_people += 1
    for home, n in (
        ResampleTask.objects.filter(round=round, status=ResampleTask.Status.OPEN)
        .filter(any_subtree_q(paths, "household_path"))
        .values_list("household_path")
        .annotate(n=Count("id"))
    ):
        task = task_of(home or "")
        if task is not None:
            task.resample += n
    ordered = sorted(tasks.values(), key=lambda t: (-(t.visit_people + t.resample), t.building.path))
    return True, ordered[:BUILDINGS_SHOWN]


def volunteer_today(*, user) -> VolunteerRound | None:
    """The newest open round where the user registers samples: its desks and door-to-door tasks."""
    rounds = _open_rounds(user, Perm.TESTING_SAMPLE, limit=1)
    if not rounds:
        return None
    round = rounds[0]
    door_to_door, tasks = _door_tasks(user, round)
    return VolunteerRound(
        round=round,
        desks=[(p, list(range(1, p.desks + 1))) for p in desk_points(user=user, round=round)],
        door_to_door=door_to_door,
        tasks=tasks,
    )


# --------------------------------------------------------------------------------------------
# The lab


def lab_today(*, user) -> int:
    """How many boxes are on their way to the user's lab (packed or picked up)."""
    return (
        lab_boxes(user=user).filter(status__in=(Box.Status.PACKED, Box.Status.PICKED_UP)).count()
        if scope_paths(user, Perm.TESTING_LAB)
        else 0
    )
