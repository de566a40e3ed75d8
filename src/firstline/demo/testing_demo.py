"""The demo's mass testing: yesterday's round done and negative, today's round half way through the
morning. Everything goes through the real services (rounds, points, scans, exemptions, boxes,
results, call-downs, antigen) but two shortcuts of a generator: everyone's personal code is made in
one bulk insert, as the builder makes the people themselves, and this morning's call-downs get the
time they were made at in the replayed morning.

- Personal codes for everyone in the compound (the residents registered in advance).
- Two sampling points (east gate for buildings 1–15, west gate for the rest), four and three desks.
- Yesterday: everyone sampled at the points except a few exempt, the sealed building door to door in
  single tubes, every box packed, carried and received, every tube negative; the round closed.
- Today: the first waves called down and sampled, the sealed building half done door to door, some
  people exempt (away, in hospital, infants); two boxes received at the lab, one on its way, one being
  packed; one pooled tube positive, so its people wait for a single re-sample at home and their
  leaders have been told; one household reported a positive antigen self-test.
"""

import datetime as dt
import uuid
from collections import defaultdict

from django.utils import timezone

from firstline.areas.models import Area, RiskStatus
from firstline.followups import services as followups_services
from firstline.people.models import Residence, VulnerabilityTag
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode
from firstline.testing.capture.services import CLOSE, ScanIn, scans_record
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import (
    CallDown,
    ExemptionReason,
    RoundStatus,
    SamplingPoint,
    TubeResult,
    TubeStatus,
)
from firstline.testing.rounds import services as rounds_services
from firstline.testing.rounds.rules import RoundRules
from firstline.testing.transport import services as transport_services


def _stairwells(building: Area, units: dict[int, list[Area]]) -> list[Area]:
    return units.get(building.pk) or [building]


class TestingDemo:
    def __init__(self, *, built, users: dict, small: bool):
        self.built = built
        self.users = users
        self.small = small
        self.compound = built.compound
        self.units: dict[int, list[Area]] = defaultdict(list)
        for unit in sorted(built.units, key=lambda u: (u.parent_id, u.sort_key)):
            self.units[unit.parent_id].append(unit)
        self.tube_serial = 0
        self.box_serial = 0
        residents = (
            Residence.objects.filter(household__in=built.households, is_current=True)
            .select_related("household", "person")
            .prefetch_related("person__vulnerabilities")
            .order_by("household__path", "person__birth_date")
        )
        self.by_stairwell: dict[int, list[Residence]] = defaultdict(list)
        for residence in residents:
            self.by_stairwell[residence.household.parent_id].append(residence)
        self.codes = self._issue_codes([r.person_id for rs in self.by_stairwell.values() for r in rs])

    def _issue_codes(self, person_ids: list[int]) -> dict[int, str]:
        """Everyone registered in advance and holds a personal code (一码通)."""
        made = PersonalCode.objects.bulk_create(
            [
                PersonalCode(
                    code=codes.new_code(), kind=CodeKind.PERSON, person_id=pk, created_by=self.users["shequ"]
                )
                for pk in person_ids
            ]
        )
        return {code.person_id: codes.payload_for(code.code) for code in made}

    def load(self) -> None:
        staff = self.users["shequ"]
        buildings = sorted(self.built.buildings, key=lambda b: b.sort_key)
        half = (len(buildings) + 1) // 2
        east = rounds_services.sampling_point_create(
            acting_user=staff,
            compound=self.compound,
            values={
                "name": "东门采样点",
                "location": "东门广场",
                "desks": 4,
                "per_desk_hour": 150,
                "queue_cap": 60,
                "opens_at": dt.time(6, 0),
                "closes_at": dt.time(12, 0),
            },
            serves=buildings[:half],
        )
        west = rounds_services.sampling_point_create(
            acting_user=staff,
            compound=self.compound,
            values={
                "name": "西门采样点",
                "location": "西门停车场",
                "desks": 3,
                "per_desk_hour": 120,
                "queue_cap": 45,
                "opens_at": dt.time(6, 0),
                "closes_at": dt.time(12, 0),
            },
            serves=buildings[half:],
        )
        today = timezone.localdate()
        yesterday = self._round(
            f"{today - dt.timedelta(days=1):%-m月%-d日}全员核酸", today - dt.timedelta(days=1)
        )
        self._sample_round(
            yesterday, [(east, buildings[:half]), (west, buildings[half:])], share=1.0, hours_ago=30
        )
        self._ship_and_result(yesterday, positive=False)
        rounds_services.round_set_status(acting_user=staff, round=yesterday, status=RoundStatus.CLOSED)
        current = self._round(f"{today:%-m月%-d日}全员核酸", today)
        # This morning: the first buildings of each point called down and sampled.
        done_east, done_west = (
            buildings[: max(1, half // 2)],
            buildings[half : half + max(1, (len(buildings) - half) * 2 // 5)],
        )
        done_buildings = done_east + done_west
        self._sample_round(current, [(east, done_east), (west, done_west)], share=0.93, hours_ago=3)
        self._called_this_morning(current, [(east, done_east), (west, done_west)], hours_ago=3)
        self._ship_and_result(current, positive=True)
        stairwells = [
            s for b in buildings[:half] if b not in done_buildings for s in _stairwells(b, self.units)
        ][:2]
        if stairwells:
            coverage_services.call_down_issue(
                acting_user=staff,
                round=current,
                point=east,
                stairwells=stairwells,
                people_expected=sum(len(self.by_stairwell[s.pk]) for s in stairwells),
            )
        self._antigen()

    def _round(self, name: str, date: dt.date):
        staff = self.users["shequ"]
        round = rounds_services.round_create(
            acting_user=staff, area=self.compound.parent, name=name, date=date, scope=[self.compound]
        )
        return rounds_services.round_set_status(acting_user=staff, round=round, status=RoundStatus.OPEN)

    def _tube_code(self) -> str:
        self.tube_serial += 1
        return f"DQ{timezone.localdate():%m%d}{self.tube_serial:06d}"

    def _sample_round(
        self, round, plan: list[tuple[SamplingPoint, list[Area]]], *, share: float, hours_ago: int
    ) -> None:
        """Everyone of the planned buildings at their point (but the exempt and a few not yet down),
        tubes filled by the round's rules; sealed stairwells door to door in single tubes."""
        volunteer, staff = self.users["zhiyuan"], self.users["shequ"]
        rules = RoundRules(round)
        started = timezone.now() - dt.timedelta(hours=hours_ago)
        scans: list[ScanIn] = []
        door_scans: list[ScanIn] = []
        exemptions = []
        for point, buildings in plan:
            # The points sample at the same time, and a point's desks each take a person every 9 seconds.
            clock, step = started, dt.timedelta(seconds=9 / point.desks)
            tube, capacity, filled, desk = None, 0, 0, 1
            for building in buildings:
                door_tube, door_filled = None, 0
                for stairwell in _stairwells(building, self.units):
                    pooling = rules.for_path(stairwell.path)
                    for index, residence in enumerate(self.by_stairwell[stairwell.pk]):
                        person = residence.person
                        age = person.age or 30
                        if age < 1:
                            exemptions.append((person, ExemptionReason.INFANT, ""))
                            continue
                        if index % 97 == 5:
                            exemptions.append((person, ExemptionReason.AWAY, "在外地，已报备"))
                            continue
                        if index % 89 == 7:
                            exemptions.append((person, ExemptionReason.HOSPITAL, "住院治疗"))
                            continue
                        if (index * 37 % 100) / 100 >= share:
                            continue  # not down yet
                        clock += step
                        if pooling.risk == RiskStatus.SEALED:  # single tubes at the door
                            door_scans.append(
                                ScanIn(
                                    client_id=uuid.uuid4(),
                                    tube_code=self._tube_code(),
                                    person_id=person.pk,
                                    door_to_door=True,
                                    scanned_at=clock,
                                )
                            )
                            continue
                        if VulnerabilityTag.MOBILITY_IMPAIRED in {
                            v.tag for v in person.vulnerabilities.all()
                        }:
                            # The immobile of a building share a tube, filled door to door.
                            if door_tube is None or door_filled >= pooling.capacity:
                                door_tube, door_filled = self._tube_code(), 0
                            door_scans.append(
                                ScanIn(
                                    client_id=uuid.uuid4(),
                                    tube_code=door_tube,
                                    person_id=person.pk,
                                    door_to_door=True,
                                    scanned_at=clock,
                                )
                            )
                            door_filled += 1
                            continue
                        if tube is None or filled >= capacity or capacity != pooling.capacity:
                            if tube is not None and filled < capacity:
                                scans.append(
                                    ScanIn(
                                        client_id=uuid.uuid4(),
                                        kind=CLOSE,
                                        tube_code=tube,
                                        point_id=point.pk,
                                        scanned_at=clock,
                                    )
                                )
                            tube, capacity, filled = self._tube_code(), pooling.capacity, 0
                            desk = desk % point.desks + 1
                        scans.append(
                            ScanIn(
                                client_id=uuid.uuid4(),
                                tube_code=tube,
                                person_code=self.codes[person.pk],
                                point_id=point.pk,
                                desk=desk,
                                scanned_at=clock,
                            )
                        )
                        filled += 1
                if door_tube is not None:
                    door_scans.append(
                        ScanIn(client_id=uuid.uuid4(), kind=CLOSE, tube_code=door_tube, scanned_at=clock)
                    )
            if tube is not None and filled < capacity:
                scans.append(
                    ScanIn(
                        client_id=uuid.uuid4(),
                        kind=CLOSE,
                        tube_code=tube,
                        point_id=point.pk,
                        scanned_at=clock,
                    )
                )
        for start in range(0, len(scans), 2000):
            scans_record(acting_user=volunteer, round=round, scans=scans[start : start + 2000])
        scans_record(acting_user=staff, round=round, scans=door_scans)
        for person, reason, note in exemptions:
            coverage_services.exemption_set(
                acting_user=staff, round=round, person=person, reason=reason, note=note
            )

    def _called_this_morning(
        self, round, plan: list[tuple[SamplingPoint, list[Area]]], *, hours_ago: int
    ) -> None:
        """The waves already called down this morning, a stairwell or two at a time, every ten minutes."""
        staff = self.users["shequ"]
        started = timezone.now() - dt.timedelta(hours=hours_ago)
        rules = RoundRules(round)
        for point, buildings in plan:
            stairwells = [
                s
                for b in buildings
                for s in _stairwells(b, self.units)
                if rules.effective_risk(s.path) != RiskStatus.SEALED
            ]
            for index in range(0, len(stairwells), 2):
                wave = stairwells[index : index + 2]
                call = coverage_services.call_down_issue(
                    acting_user=staff,
                    round=round,
                    point=point,
                    stairwells=wave,
                    people_expected=sum(len(self.by_stairwell[s.pk]) for s in wave),
                )
                # The demo replays the morning: the call happened then, not now.
                CallDown.objects.filter(pk=call.pk).update(
                    called_at=started + dt.timedelta(minutes=10 * index // 2)
                )

    def _ship_and_result(self, round, *, positive: bool) -> None:
        """Pack the closed tubes into boxes of 50 per point, carry them and receive them at the lab;
        the lab reports every tube of the received boxes (one pooled tube positive, if asked)."""
        volunteer, lab = self.users["zhiyuan"], self.users["jiance"]
        tubes = list(
            round.tubes.filter(status=TubeStatus.CLOSED)
            .order_by("point_id", "id")
            .values_list("code", "point_id")
        )
        groups: dict[int | None, list[str]] = defaultdict(list)
        for code, point_id in tubes:
            groups[point_id].append(code)  # door-to-door tubes (no point) travel together
        boxes = []
        for point_id, codes_ in groups.items():
            point = SamplingPoint.objects.get(pk=point_id) if point_id else None
            for start in range(0, len(codes_), 50):
                self.box_serial += 1
                box = transport_services.box_open(
                    acting_user=volunteer,
                    round=round,
                    code=f"BOX{round.pk:02d}{self.box_serial:04d}",
                    point=point,
                    area=None if point else self.compound,
                )
                transport_services.box_add_tubes(
                    acting_user=volunteer, box=box, tube_codes=codes_[start : start + 50]
                )
                boxes.append((box, len(codes_[start : start + 50])))
        # Today the last box is still being packed and the one before it is on its way.
        keep_packing = 1 if positive else 0
        on_the_way = 1 if positive else 0
        for index, (box, count) in enumerate(boxes):
            if index >= len(boxes) - keep_packing:
                continue
            transport_services.box_pack(acting_user=volunteer, box=box, counted=count)
            transport_services.box_pick_up(
                acting_user=volunteer,
                box=box,
                counted=count,
                courier_name="王师傅",
                courier_phone="13907550123",
            )
            if index >= len(boxes) - keep_packing - on_the_way:
                continue
            transport_services.box_receive(acting_user=lab, box=box, counted=count)
        received = list(
            round.tubes.filter(received_at__isnull=False)
            .order_by("id")
            .values_list("code", "capacity", "filled")
        )
        pooled = [code for code, capacity, filled in received if capacity > 1 and filled >= 5]
        positive_tube = pooled[len(pooled) // 2] if positive and pooled else None
        results_report(
            acting_user=lab,
            source=TubeResult.Source.API,
            results=[
                ResultIn(
                    tube_code=code,
                    result="positive" if code == positive_tube else "negative",
                    source_ref="LIS 导出",
                )
                for code, _capacity, _filled in received
            ],
        )

    def _antigen(self) -> None:
        """A household of the building leader's first building reports a positive antigen self-test."""
        leader = self.users["louzhang"]
        building = leader.grants.order_by("area__path").first().area
        stairwell = _stairwells(building, self.units)[-1]
        home = self.by_stairwell[stairwell.pk][-1].household
        followups_services.antigen_report(
            acting_user=leader,
            household=home,
            result="positive",
            client_key="demo-antigen-0001",
            note="居民自测两道杠，已居家",
        )


class VillageTestingDemo:
    """Today's round in 新添堡村, run by its committee: one sampling point at the committee (村委会),
    groups 1 and 2 called and mostly sampled there, group 3 called a few minutes ago, the rest to
    come. The village's people hold personal codes like the compound's."""

    def __init__(self, *, village, users: dict):
        self.village = village
        self.users = users

    def load(self) -> None:
        committee = self.users["cunwei"]
        today = timezone.localdate()
        round = rounds_services.round_create(
            acting_user=committee,
            area=self.village.village,
            name=f"{today:%-m月%-d日}新添堡村全员核酸",
            date=today,
            scope=[self.village.village],
        )
        round = rounds_services.round_set_status(acting_user=committee, round=round, status=RoundStatus.OPEN)
        point = rounds_services.sampling_point_create(
            acting_user=committee,
            compound=self.village.village,
            values={
                "name": "村委会采样点",
                "location": "村委会院内",
                "desks": 2,
                "per_desk_hour": 90,
                "queue_cap": 40,
                "opens_at": dt.time(7, 0),
                "closes_at": dt.time(11, 30),
            },
        )
        residents = list(
            Residence.objects.filter(household__path__startswith=self.village.village.path, is_current=True)
            .select_related("household")
            .order_by("household__path", "person_id")
        )
        made = PersonalCode.objects.bulk_create(
            [
                PersonalCode(
                    code=codes.new_code(), kind=CodeKind.PERSON, person_id=r.person_id, created_by=committee
                )
                for r in residents
            ]
        )
        code_of = {c.person_id: codes.payload_for(c.code) for c in made}
        first_groups = {g.pk for g in self.village.groups[:2]}
        started = timezone.now() - dt.timedelta(hours=2)
        scans, tube, filled = [], None, 0
        for index, residence in enumerate(r for r in residents if r.household.parent_id in first_groups):
            if index % 11 == 3:
                continue  # working in the fields, not back yet
            if tube is None or filled == 10:
                tube, filled = f"XT{today:%m%d}{len(scans) // 10 + 1:05d}", 0
            scans.append(
                ScanIn(
                    client_id=uuid.uuid4(),
                    tube_code=tube,
                    person_code=code_of[residence.person_id],
                    point_id=point.pk,
                    desk=1 + (len(scans) // 10) % 2,
                    scanned_at=started + dt.timedelta(seconds=40 * len(scans)),
                )
            )
            filled += 1
        if scans:
            scans_record(acting_user=committee, round=round, scans=scans)
        coverage_services.call_down_issue(
            acting_user=committee, round=round, point=point, stairwells=[self.village.groups[2]]
        )
