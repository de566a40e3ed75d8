"""Reads for capture (the desk and door to door): finding a person to register with their state in
the round, the buildings and doors owed a swab, and the tubes that capture fills.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths
from firstline.areas.models import BLOCK_KINDS, Area
from firstline.areas.selectors import door_labels
from firstline.common.errors import NotFound
from firstline.common.identity import mask_name
from firstline.common.paths import SEGMENT_WIDTH, ancestor_paths, any_subtree_q, intersect_paths, is_within
from firstline.people.models import Person, Residence, Vulnerability, VulnerabilityTag
from firstline.people.selectors import person_search
from firstline.testing.capture.services import normalise_tube_code
from firstline.testing.coverage.selectors import (
    BuildingRound,
    Door,
    DoorPerson,
    door_person,
    expected_residences,
    round_building,
    round_person_states,
)
from firstline.testing.models import Round, Sample, SamplingPoint, Tube, TubeStatus
from firstline.testing.rounds.rules import RoundRules
from firstline.testing.rounds.selectors import points_for_round
from firstline.testing.scope import round_scope_paths, visible_paths
from firstline.testing.states import PersonState

# --------------------------------------------------------------------------------------------
# The desk


def desk_points(*, user, round: Round) -> list[SamplingPoint]:
    """The round's points where the user registers samples: a point may be seen by a leader of a
    building of its compound, but registering there needs the right on the compound."""
    return [
        point
        for point in points_for_round(user=user, round=round, perm=Perm.TESTING_SAMPLE)
        if can(user, Perm.TESTING_SAMPLE, point.compound.path)
    ]


def desk_point_get(*, user, round: Round, pk) -> SamplingPoint:
    """One of `desk_points`; any other point is not found."""
    point = next((p for p in desk_points(user=user, round=round) if str(p.pk) == str(pk)), None)
    if point is None:
        raise NotFound
    return point


def samples_door_to_door(*, user, round: Round) -> bool:
    """Whether the user registers door to door somewhere in the round's areas."""
    return bool(intersect_paths(round_scope_paths(round), scope_paths(user, Perm.TESTING_SAMPLE)))


# --------------------------------------------------------------------------------------------
# The door-to-door list and the buildings it covers


def door_to_door_list(*, user, round: Round, building: Area, everyone: bool = False) -> BuildingRound:
    """The building floor by floor, bottom up, keeping the doors where someone is owed a swab
    (all of them with `everyone`; else those that need a visit: sealed, immobile, re-sample)."""
    plan = round_building(user=user, round=round, building=building, top_down=False)
    for well in plan.stairwells:
        well.floors = [
            (floor, kept)
            for floor, doors in well.floors
            if (kept := [d for d in doors if d.to_sample and (everyone or d.needs_visit)])
        ]
    return plan


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
    # The blocks (buildings, villages) inside the user's areas, and the block above a unit or a
    # village group the user holds (a unit leader's building, a group leader's village).
    above = {a for path in paths for a in ancestor_paths(path)}
    buildings = sorted(
        Area.objects.filter(any_subtree_q(paths) | Q(path__in=above), kind__in=BLOCK_KINDS),
        key=lambda b: (b.path[:-SEGMENT_WIDTH], b.sort_key, b.path),
    )
    if not buildings:
        return []
    rows = {b.path: BuildingOwed(building=b) for b in buildings}
    building_depths = sorted({len(b.path) for b in buildings})
    residents = expected_residences(round).filter(any_subtree_q(paths, "household__path"))
    residences = list(
        residents.select_related("person", "household")
        .only("household__path", "person__name", "person__birth_date")
        .order_by("household_id", "person_id")
    )
    person_ids = residents.values("person_id")
    samples, exempt, open_tasks = round_person_states(round, person_ids)
    immobile = set(
        Vulnerability.objects.filter(
            person_id__in=person_ids, tag=VulnerabilityTag.MOBILITY_IMPAIRED
        ).values_list("person_id", flat=True)
    )
    rules = RoundRules(round)
    rules.load_risks_under(paths)
    doors: dict[int, tuple[BuildingOwed, Door]] = {}
    for residence in residences:
        home = residence.household.path
        building = next((rows[home[:depth]] for depth in building_depths if home[:depth] in rows), None)
        if building is None:
            continue
        if residence.household_id not in doors:
            doors[residence.household_id] = (
                building,
                Door(
                    household=residence.household,
                    label="",
                    risk=rules.effective_risk(home),
                    capacity=0,
                    per_household=False,
                ),
            )
        door = doors[residence.household_id][1]
        person = residence.person
        tags = [VulnerabilityTag.MOBILITY_IMPAIRED] if person.pk in immobile else []
        door.people.append(
            door_person(
                person, samples.get(person.pk, {}), exempt.get(person.pk), person.pk in open_tasks, tags
            )
        )
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


# --------------------------------------------------------------------------------------------
# Finding a person at the desk, and a household's state in a round


@dataclass
class FoundPerson:
    """A person found at the desk or at the door, with their state in the round."""

    person: Person
    door: str
    state: PersonState
    tube: str
    in_round: bool  # lives inside the round's areas (others are stored and flagged)


def capture_person_search(
    *, user, round: Round, query: str, limit: int = 10
) -> tuple[str, list[FoundPerson]]:
    """People the user may register in `round`, found by ID number, name or door as the search page
    finds them, with their state in the round, in a fixed number of queries."""
    kind, found = person_search(user=user, query=query, limit=limit)
    people = list(found)
    if not people:
        return kind, []
    sample_paths = scope_paths(user, Perm.TESTING_SAMPLE)
    homes = {
        person_id: (household_id, path)
        for person_id, household_id, path in Residence.objects.filter(
            person__in=people, is_current=True
        ).values_list("person_id", "household_id", "household__path")
    }
    people = [p for p in people if p.pk in homes and is_within(homes[p.pk][1], sample_paths)]
    ids = [p.pk for p in people]
    samples, exempt, open_tasks = round_person_states(round, ids)
    labels = door_labels(household_ids={homes[pk][0] for pk in ids})
    round_paths = round_scope_paths(round)
    results = []
    for person in people:
        state = door_person(
            person, samples.get(person.pk, {}), exempt.get(person.pk), person.pk in open_tasks, []
        )
        household_id, path = homes[person.pk]
        results.append(
            FoundPerson(
                person=person,
                door=labels.get(household_id, ""),
                state=state.state,
                tube=state.tube,
                in_round=is_within(path, round_paths),
            )
        )
    return kind, results


def household_testing(*, user, household: Area, round: Round) -> list[DoorPerson]:
    """Each resident's state in the round (the household page)."""
    if not can(user, Perm.LEDGER_VIEW, household.path):
        raise NotFound
    residences = list(expected_residences(round).filter(household=household).select_related("person"))
    ids = [r.person_id for r in residences]
    samples, exempt, tasks = round_person_states(round, ids)
    return [
        door_person(r.person, samples.get(r.person_id, {}), exempt.get(r.person_id), r.person_id in tasks, [])
        for r in residences
    ]


def person_samples(*, user, person: Person) -> QuerySet[Sample]:
    """The person's samples taken while they lived where the user may read the ledger (someone who
    moved away shows their swabs from here, not those from their new home), newest round first."""
    return (
        Sample.objects.filter(person=person)
        .filter(any_subtree_q(scope_paths(user, Perm.LEDGER_VIEW), "household_path"))
        .select_related("round", "tube", "point")
        .order_by("-round__date", "-scanned_at")
    )


def latest_samples(*, user, people: list[Person]) -> dict[int, Sample]:
    """Each person's latest sample (its round and its own result), among those taken where the user
    reads the ledger: one query for a household's members (a resident's page)."""
    latest: dict[int, Sample] = {}
    rows = (
        Sample.objects.filter(person__in=people)
        .filter(any_subtree_q(scope_paths(user, Perm.LEDGER_VIEW), "household_path"))
        .select_related("round")
        .order_by("person_id", "-round__date", "-scanned_at")
    )
    for sample in rows:
        latest.setdefault(sample.person_id, sample)
    return latest


# --------------------------------------------------------------------------------------------
# The tube a desk scanned, as the server knows it


@dataclass
class DeskTube:
    """What a capture page is told of a tube code it scanned, so that a second phone picking up a
    tube sees its real count, and a closed, boxed or used tube is never shown as ready: `state` is
    "new" (never filled: the first person decides its size), "open", "full", "closed" (closed with
    room left), "boxed" (packed into a transport box or further on), or "other_round" (the code was
    used in another round: nothing more is said of it), or "invalid" (no tube code: `message` says why)."""

    code: str
    state: str
    capacity: int | None = None
    filled: int = 0
    per_household: bool = False
    household_id: int | None = None
    door: str = ""
    for_resample: bool = False
    box: str = ""
    message: str = ""

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "state": self.state,
            "capacity": self.capacity,
            "filled": self.filled,
            "per_household": self.per_household,
            "household_id": self.household_id,
            "door": self.door,
            "for_resample": self.for_resample,
            "box": self.box,
            "message": self.message,
        }


def desk_tube(*, user, round: Round, code: str) -> DeskTube:
    """A tube code scanned at a desk or a door, read as the scan API reads it (`normalise_tube_code`'s
    rule: anything else is told as "invalid", with the words of the refusal) and answered as a scan
    into it would be: the count and size of a tube of this round wherever it was filled (a scan into
    it is refused or taken on those alone), its household's door only where the user may read that
    household. One query, two for a household tube's door."""
    if not visible_paths(user=user, round=round, perm=Perm.TESTING_SAMPLE):
        raise NotFound
    try:
        value = normalise_tube_code(code)
    except ValidationError as error:
        return DeskTube(code="", state="invalid", message=error.messages[0])
    tube = (
        Tube.objects.filter(code=value)
        .select_related("box", "household")
        .only(
            "code",
            "round_id",
            "capacity",
            "filled",
            "status",
            "per_household",
            "household_id",
            "household__path",
            "for_resample",
            "box__code",
            "boxed_at",
            "received_at",
        )
        .first()
    )
    if tube is None:
        return DeskTube(code=value, state="new")
    if tube.round_id != round.pk:
        return DeskTube(code=value, state="other_round")
    if tube.box_id or tube.boxed_at or tube.received_at:
        state = "boxed"
    elif tube.status == TubeStatus.OPEN:
        state = "open"
    else:
        state = "full" if tube.filled >= tube.capacity else "closed"
    door = ""
    if tube.household_id and tube.household and can(user, Perm.LEDGER_VIEW, tube.household.path):
        door = door_labels(household_ids={tube.household_id}).get(tube.household_id, "")
    return DeskTube(
        code=value,
        state=state,
        capacity=tube.capacity,
        filled=tube.filled,
        per_household=tube.per_household,
        household_id=tube.household_id,
        door=door,
        for_resample=tube.for_resample,
        box=tube.box.code if tube.box_id else "",
    )


# Tubes and who is in them


def tubes_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[Tube]:
    return Tube.objects.filter(any_subtree_q(scope_paths(user, perm), "area_path"))


def round_tubes(*, user, round: Round, status: str = "", result: str = "") -> QuerySet[Tube]:
    queryset = tubes_visible(user=user).filter(round=round).select_related("point", "box")
    if status:
        queryset = queryset.filter(status=status)
    if result:
        queryset = queryset.filter(result=result)
    return queryset.order_by("-opened_at", "-id")


def tube_get(*, user, code: str = "", pk=None, perm: str = Perm.TESTING_VIEW) -> Tube:
    """A tube by its code (or its id), among those filled in the user's areas."""
    queryset = tubes_visible(user=user, perm=perm).select_related("round", "point", "box")
    try:
        return queryset.get(pk=pk) if pk is not None else queryset.get(code=code)
    except (Tube.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def tube_samples(*, user, tube: Tube) -> QuerySet[Sample]:
    """The people in a tube (for those who may see the ledger where the tube was filled)."""
    if not can(user, Perm.TESTING_VIEW, tube.area_path):
        raise NotFound
    return Sample.objects.filter(tube=tube).select_related("person", "household").order_by("scanned_at", "pk")


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
        people.append(
            TubePerson(
                sample_id=str(sample.pk),
                person_id=sample.person_id,
                name=sample.person.name if visible else mask_name(sample.person.name),
                door=labels.get(sample.household_id, "") if visible else "",
                purpose=sample.purpose,
                state=sample.state,
                scanned_at=sample.scanned_at,
                out_of_scope=sample.out_of_scope,
            )
        )
    return tube, people
