"""Reads for the survey: the building map, who has never been reached, who needs a second visit."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import BLOCK_KINDS, RISK_SEVERITY, Area, AreaKind, RiskStatus
from firstline.areas.selectors import area_ancestors, area_effective_risk, floor_rows
from firstline.common.errors import NotFound
from firstline.common.paths import subtree_q
from firstline.people.models import Residence, Vulnerability
from firstline.survey.models import REACHED, SurveyVisit


def _require_view(user, area: Area) -> None:
    if not can(user, Perm.LEDGER_VIEW, area.path):
        raise NotFound


def household_visits(*, user, household: Area, limit: int = 20) -> QuerySet[SurveyVisit]:
    """The latest visits to a household, newest first, with who made them."""
    _require_view(user, household)
    return SurveyVisit.objects.filter(household=household).select_related("visited_by")[:limit]


def households_in(*, area: Area) -> QuerySet[Area]:
    return Area.objects.filter(subtree_q(area.path), kind=AreaKind.HOUSEHOLD)


def _reached_q() -> Exists:
    return Exists(SurveyVisit.objects.filter(household=OuterRef("pk"), outcome__in=REACHED))


def _attempted_q() -> Exists:
    return Exists(SurveyVisit.objects.filter(household=OuterRef("pk")))


def households_never_reached(*, user, area: Area) -> QuerySet[Area]:
    """Households under `area` where no attempt has yet registered anyone: 不漏一户."""
    _require_view(user, area)
    return (
        households_in(area=area)
        .filter(~_reached_q())
        .annotate(attempts=Count("visits"))
        .select_related("parent", "parent__parent")
        .order_by("path")
    )


def households_due_second_visit(*, user, area: Area) -> QuerySet[Area]:
    """Tried at least once (not home, refused, notice posted) and still not reached."""
    return households_never_reached(user=user, area=area).filter(_attempted_q())


class MapStatus:
    SEALED = "sealed"
    VULNERABLE = "vulnerable"
    NOT_REACHED = "not_reached"
    REGISTERED = "registered"
    EMPTY = "empty"


@dataclass
class MapDoor:
    household: Area
    residents: int = 0
    reached: bool = False
    attempts: int = 0
    tags: list[str] = field(default_factory=list)
    risk: str = RiskStatus.NORMAL

    @property
    def status(self) -> str:
        if self.risk == RiskStatus.SEALED:
            return MapStatus.SEALED
        if self.tags:
            return MapStatus.VULNERABLE
        if not self.reached:
            return MapStatus.NOT_REACHED
        return MapStatus.REGISTERED if self.residents else MapStatus.EMPTY


@dataclass
class MapStairwell:
    area: Area
    floors: list[tuple[int, list[MapDoor]]]


@dataclass
class BuildingMap:
    building: Area
    stairwells: list[MapStairwell]
    totals: dict[str, int]
    residents: int


def building_map(*, user, building: Area) -> BuildingMap:
    """Every door of a building by unit and floor (top floor first), or every house of a village by
    group, in five queries."""
    _require_view(user, building)
    if building.kind not in BLOCK_KINDS:
        raise NotFound
    building_risk = area_effective_risk(area=building, ancestors=area_ancestors(area=building))
    nodes = list(
        Area.objects.filter(subtree_q(building.path)).exclude(pk=building.pk).order_by("sort_key", "path")
    )
    units = [n for n in nodes if n.kind in (AreaKind.UNIT, AreaKind.VILLAGE_GROUP)]
    households = [n for n in nodes if n.kind == AreaKind.HOUSEHOLD]
    residents = dict(
        Residence.objects.filter(subtree_q(building.path, "household__path"), is_current=True)
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    tags: dict[int, set[str]] = defaultdict(set)
    current_here = Q(person__residences__is_current=True) & subtree_q(
        building.path, "person__residences__household__path"
    )
    for household_id, tag in Vulnerability.objects.filter(current_here).values_list(
        "person__residences__household_id", "tag"
    ):
        tags[household_id].add(tag)
    visit_rows = (
        SurveyVisit.objects.filter(subtree_q(building.path, "household__path"))
        .values("household_id")
        .annotate(attempts=Count("id"), reached=Count("id", filter=Q(outcome__in=REACHED)))
    )
    visits = {row["household_id"]: row for row in visit_rows}
    unit_risk = {u.pk: u.risk_status for u in units}
    severity = lambda s: RISK_SEVERITY[RiskStatus(s)]  # noqa: E731
    by_parent: dict[int, dict[int, list[MapDoor]]] = defaultdict(lambda: defaultdict(list))
    totals: dict[str, int] = defaultdict(int)
    for household in households:
        risk = max(
            [building_risk, unit_risk.get(household.parent_id, RiskStatus.NORMAL), household.risk_status],
            key=severity,
        )
        visit = visits.get(household.pk, {})
        door = MapDoor(
            household=household,
            residents=residents.get(household.pk, 0),
            reached=bool(visit.get("reached")),
            attempts=visit.get("attempts", 0),
            tags=sorted(tags.get(household.pk, ())),
            risk=risk,
        )
        totals[door.status] += 1
        by_parent[household.parent_id][household.floor or 0].append(door)
    stairwells = [
        MapStairwell(area=stairwell, floors=floor_rows(stairwell.kind, by_parent[stairwell.pk]))
        for stairwell in [*units, *([building] if by_parent.get(building.pk) or not units else [])]
    ]
    return BuildingMap(
        building=building, stairwells=stairwells, totals=dict(totals), residents=sum(residents.values())
    )


def vulnerable_by_stairwell(*, user, area: Area, tag: str | None = None) -> QuerySet[Vulnerability]:
    """People of each vulnerable group under `area`, ordered by building, unit and door."""
    _require_view(user, area)
    queryset = Vulnerability.objects.filter(
        Q(person__residences__is_current=True) & subtree_q(area.path, "person__residences__household__path")
    )
    if tag:
        queryset = queryset.filter(tag=tag)
    return (
        queryset.select_related("person")
        .values(
            "tag",
            "due_date",
            "person_id",
            "person__name",
            "person__birth_date",
            "person__phone",
            "person__residences__household_id",
            "person__residences__household__name",
            "person__residences__household__path",
        )
        .order_by("person__residences__household__path", "tag")
    )
