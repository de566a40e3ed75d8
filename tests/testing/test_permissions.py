"""The permission matrix of mass testing: every role × (a target inside its area, one outside) ×
every testing operation.

The expected answers are written out by hand from the product rules, not derived from
ROLE_PERMISSIONS, so that a change to the role table that breaks a rule fails here:

- street coordinator and community staff: manage rounds, points, pooling rules, call-downs,
  exemptions and exports, register samples and pack boxes, everywhere in their subtree; they are
  not a lab (they neither receive boxes nor report results);
- building leader: view; register samples door to door in their buildings (not at the compound's
  desks); exemptions in their buildings; antigen reports;
- volunteer: view; register samples at the points of their compound (and door to door there: the
  same right, `testing.sample`); pack and hand off boxes;
- lab: receive boxes and report results for the tubes of its area; nothing about people: no
  rounds list, no coverage, no missing list, no door-to-door list;
- resident: an antigen report for their own household only;
- outsider (community staff of C2): everything in C2, nothing in C1.

Each cell calls the service or selector. A refused write must leave the tables as they were; a
refused scan or result is answered per item (`refused` with a code) and stores nothing either.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind
from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create, building_create
from firstline.common.errors import NotFound, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.followups.models import AntigenReport, FollowUp
from firstline.followups.services import antigen_report
from firstline.notices.models import Notice, NoticeDelivery
from firstline.people.models import Person
from firstline.people.services import person_register
from firstline.registration import codes
from firstline.registration.services import code_issue_for_person
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.capture.services import REFUSED, STORED, ScanIn, scans_record
from firstline.testing.coverage import export, selectors
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import (
    Box,
    BoxEvent,
    CallDown,
    Exemption,
    PoolingRule,
    Round,
    RoundStatus,
    Sample,
    SamplingPoint,
    Tube,
    TubeResult,
)
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.rounds import services
from firstline.testing.transport import services as transport
from tests.conftest import household, make_user

DAY = dt.date(2022, 4, 4)

OK, DENIED, NOT_FOUND, EMPTY, REFUSED_ = "ok", "denied", "not_found", "empty", "refused"

OPERATIONS = (
    "list_rounds",
    "coverage",
    "missing_list",
    "door_to_door_list",
    "plan_round",
    "set_pooling",
    "open_point",
    "call_down",
    "exempt",
    "export",
    "sample_at_point",
    "sample_door_to_door",
    "pack_box",
    "receive_box",
    "report_result",
    "antigen_report",
)
READS = {"list_rounds", "coverage", "missing_list", "door_to_door_list"}

# The code a refused scan or result carries, by operation.
REFUSAL_CODE = {
    "sample_at_point": "not_allowed",
    "sample_door_to_door": "person_unknown",
    "report_result": "tube_unknown",
}

_ALL_STAFF = (OK, OK, OK, OK) + (OK,) * 6 + (OK, OK, OK, DENIED, DENIED, OK)
_NONE = (
    (EMPTY, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    + (DENIED,) * 6
    + (REFUSED_, REFUSED_, DENIED, DENIED, DENIED, DENIED)
)
_NO_PEOPLE = (EMPTY, NOT_FOUND, NOT_FOUND, NOT_FOUND) + (DENIED,) * 6 + (REFUSED_, REFUSED_, DENIED)

# role, where:     list   coverage  missing  d2d list | plan  pooling point  call  exempt export |
#                  at point  door to door  pack  receive  result  antigen
EXPECTED = {
    ("coordinator", "inside"): _ALL_STAFF,
    ("coordinator", "outside"): _NONE,
    ("staff", "inside"): _ALL_STAFF,
    ("staff", "outside"): _NONE,
    ("leader", "inside"): (
        OK,
        OK,
        OK,
        OK,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        OK,
        DENIED,
        REFUSED_,
        OK,
        DENIED,
        DENIED,
        DENIED,
        OK,
    ),
    # 3号楼 is in the leader's compound, not one of their buildings: the round is listed, nothing else.
    ("leader", "outside"): (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    + (DENIED,) * 6
    + (REFUSED_, REFUSED_, DENIED, DENIED, DENIED, DENIED),
    ("volunteer", "inside"): (
        OK,
        OK,
        OK,
        OK,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        OK,
        OK,
        OK,
        DENIED,
        DENIED,
        DENIED,
    ),
    ("volunteer", "outside"): _NONE,
    ("lab", "inside"): _NO_PEOPLE + (OK, OK, DENIED),
    ("lab", "outside"): _NO_PEOPLE + (DENIED, REFUSED_, DENIED),
    ("resident", "inside"): _NO_PEOPLE + (DENIED, DENIED, OK),
    ("resident", "outside"): _NONE,
    ("outsider", "inside"): _ALL_STAFF,
    ("outsider", "outside"): _NONE,
}

AUDIT_ACTION = {
    "plan_round": "testing.round.create",
    "set_pooling": "testing.pooling",
    "open_point": "testing.point.create",
    "call_down": "testing.calldown",
    "exempt": "testing.exemption.create",
    "export": "testing.export",
    "sample_at_point": "testing.scans",
    "sample_door_to_door": "testing.scans",
    "pack_box": "testing.box.pack",
    "receive_box": "testing.box.receive",
    "report_result": "testing.results",
    "antigen_report": "testing.antigen",
}

# role, where -> (building attribute or "elsewhere", door, stairwell name)
DOORS = {
    ("coordinator", "inside"): ("b1", "501", "Unit 2"),
    ("coordinator", "outside"): ("elsewhere", "101", "Unit 1"),
    ("staff", "inside"): ("b1", "501", "Unit 2"),
    ("staff", "outside"): ("b9", "101", "Unit 1"),
    ("leader", "inside"): ("b1", "501", "Unit 2"),
    ("leader", "outside"): ("b3", "101", None),
    ("volunteer", "inside"): ("b1", "501", "Unit 2"),
    ("volunteer", "outside"): ("b9", "101", "Unit 1"),
    ("lab", "inside"): ("b1", "501", "Unit 2"),
    ("lab", "outside"): ("elsewhere", "101", "Unit 1"),
    ("resident", "inside"): ("b1", "101", "Unit 1"),  # the resident's own door
    ("resident", "outside"): ("b1", "102", "Unit 1"),  # the neighbour across the landing
    ("outsider", "inside"): ("b9", "101", "Unit 1"),
    ("outsider", "outside"): ("b1", "501", "Unit 2"),
}


@dataclass
class Target:
    """A round over the target's compound (owned by its community), open, with a point and one
    person at the target door who has a personal code. `owner` and `lab` set it up."""

    building: Area
    door: Area
    neighbour: Area
    compound: Area
    round: Round
    point: SamplingPoint
    person: Person
    code: str
    owner: object
    lab: object


def _elsewhere():
    """A second street T with its own coordinator and lab: outside the whole world of S."""
    street = area_create_root(name="T街道")
    (community,) = areas_bulk_create(parent=street, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="T1社区")])
    (compound,) = areas_bulk_create(parent=community, specs=[AreaSpec(kind=AreaKind.COMPOUND, name="TP小区")])
    owner = make_user("t_coordinator", Role.STREET_COORDINATOR, street)
    building = building_create(
        acting_user=owner,
        compound=compound,
        name="T1号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    return building, owner, make_user("t_lab", Role.LAB, street)


def make_target(world, role: str, where: str) -> Target:
    building_name, door_no, stairwell = DOORS[(role, where)]
    if building_name == "elsewhere":
        building, owner, lab = _elsewhere()
    else:
        building, owner, lab = getattr(world, building_name), world.coordinator, world.lab
    compound = building.parent
    round = services.round_create(
        acting_user=owner, area=compound.parent, name="矩阵轮", date=DAY, scope=[compound]
    )
    round = services.round_set_status(acting_user=owner, round=round, status=RoundStatus.OPEN)
    point = services.sampling_point_create(
        acting_user=owner, compound=compound, values={"name": "矩阵采样点"}
    )
    door = household(building, door_no, stairwell)
    person = person_register(acting_user=owner, household=door, data={"name": "目标人"})
    code = codes.payload_for(code_issue_for_person(acting_user=owner, person=person).code)
    return Target(
        building=building,
        door=door,
        neighbour=household(building, "201", stairwell),
        compound=compound,
        round=round,
        point=point,
        person=person,
        code=code,
        owner=owner,
        lab=lab,
    )


def _filled_tube(target: Target, tube: str) -> None:
    """A tube with one neighbour in it, filled at the target's point by its owner."""
    neighbour = person_register(
        acting_user=target.owner, household=target.neighbour, data={"name": f"邻居{tube[-1]}"}
    )
    payload = codes.payload_for(code_issue_for_person(acting_user=target.owner, person=neighbour).code)
    (outcome,) = scans_record(
        acting_user=target.owner,
        round=target.round,
        scans=[ScanIn(client_id=uuid.uuid4(), tube_code=tube, person_code=payload, point_id=target.point.pk)],
    )
    assert outcome.status == STORED


def _box_on_its_way(target: Target, box_code: str, tube: str) -> Box:
    _filled_tube(target, tube)
    box = transport.box_open(acting_user=target.owner, round=target.round, code=box_code, point=target.point)
    transport.box_add_tubes(acting_user=target.owner, box=box, tube_codes=[tube])
    transport.box_pack(acting_user=target.owner, box=box, counted=1)
    return transport.box_pick_up(acting_user=target.owner, box=box)


def prepare(operation: str, target: Target) -> None:
    """What an operation needs that the target does not have yet, made before the snapshot."""
    if operation == "pack_box":
        _filled_tube(target, "PT0000001")
    elif operation == "receive_box":
        _box_on_its_way(target, "RB0000001", "RT0000001")
    elif operation == "report_result":
        box = _box_on_its_way(target, "RB0000002", "RR0000001")
        transport.box_receive(acting_user=target.lab, box=box, counted=1)


def run(operation: str, user, target: Target):
    """Perform one operation as `user`; returns what a check of success needs."""
    if operation == "list_rounds":
        return list(rounds_selectors.rounds_visible(user=user).values_list("pk", flat=True))
    if operation == "coverage":
        total = selectors.round_coverage(user=user, round=target.round, area=target.building).total
        return total.expected, total.missing
    if operation == "missing_list":
        return [
            r.person_id for r in selectors.round_missing(user=user, round=target.round, area=target.building)
        ]
    if operation == "door_to_door_list":
        plan = capture_selectors.door_to_door_list(
            user=user, round=target.round, building=target.building, everyone=True
        )
        return [p.person_id for door in plan.doors for p in door.people]
    if operation == "plan_round":
        return services.round_create(acting_user=user, area=target.compound, name="新一轮", date=DAY)
    if operation == "set_pooling":
        return services.pooling_rules_set(
            acting_user=user, round=target.round, by_risk={"normal": (20, False)}
        )
    if operation == "open_point":
        return services.sampling_point_create(
            acting_user=user, compound=target.compound, values={"name": "新采样点"}
        )
    if operation == "call_down":
        return coverage_services.call_down_issue(
            acting_user=user, round=target.round, point=target.point, stairwells=[target.building]
        )
    if operation == "exempt":
        return coverage_services.exemption_set(
            acting_user=user, round=target.round, person=target.person, reason="away"
        )
    if operation == "export":
        return export.round_export(acting_user=user, round=target.round, area=target.building)
    if operation == "sample_at_point":
        return scans_record(
            acting_user=user,
            round=target.round,
            scans=[
                ScanIn(
                    client_id=uuid.uuid4(),
                    tube_code="MX0000001",
                    person_code=target.code,
                    point_id=target.point.pk,
                )
            ],
        )[0]
    if operation == "sample_door_to_door":
        return scans_record(
            acting_user=user,
            round=target.round,
            scans=[
                ScanIn(
                    client_id=uuid.uuid4(),
                    tube_code="DD0000001",
                    person_id=target.person.pk,
                    door_to_door=True,
                )
            ],
        )[0]
    if operation == "pack_box":
        box = transport.box_open(acting_user=user, round=target.round, code="PK0000001", point=target.point)
        transport.box_add_tubes(acting_user=user, box=box, tube_codes=["PT0000001"])
        return transport.box_pack(acting_user=user, box=box, counted=1)
    if operation == "receive_box":
        return transport.box_receive(acting_user=user, box=Box.objects.get(code="RB0000001"), counted=1)
    if operation == "report_result":
        return results_report(acting_user=user, source="api", results=[ResultIn("RR0000001", "negative")])[0]
    if operation == "antigen_report":
        return antigen_report(
            acting_user=user, household=target.door, result="negative", client_key="matrix-form-0001"
        )
    raise AssertionError(operation)


def snapshot() -> dict:
    """Row counts and contents of every table a testing operation can write."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Sample,
                Tube,
                Box,
                BoxEvent,
                Exemption,
                TubeResult,
                CallDown,
                AntigenReport,
                Round,
                PoolingRule,
                SamplingPoint,
                FollowUp,
                Notice,
                NoticeDelivery,
                AuditEntry,
            )
        },
        "tubes": list(
            Tube.objects.order_by("pk").values_list(
                "code", "filled", "status", "box_id", "received_at", "result"
            )
        ),
        "boxes": list(Box.objects.order_by("pk").values_list("code", "status", "tube_count")),
        "rules": list(
            PoolingRule.objects.order_by("pk").values_list("round_id", "risk_status", "area_id", "capacity")
        ),
        "exemptions": list(Exemption.objects.order_by("pk").values_list("person_id", "reason", "note")),
        "last_audit": AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }


def assert_done(operation: str, result, user, target: Target, before: dict) -> None:
    """The allowed operation did exactly what it says."""
    if operation == "list_rounds":
        assert result == [target.round.pk]
    elif operation == "coverage":
        assert result == (1, 1)  # the target person, expected and not sampled yet
    elif operation in ("missing_list", "door_to_door_list"):
        assert result == [target.person.pk]
    elif operation == "plan_round":
        assert Round.objects.get(name="新一轮").area == target.compound
    elif operation == "set_pooling":
        assert PoolingRule.objects.get(round=target.round, risk_status="normal").capacity == 20
    elif operation == "open_point":
        assert SamplingPoint.objects.get(name="新采样点").compound == target.compound
    elif operation == "call_down":
        assert list(CallDown.objects.get(round=target.round).stairwells.all()) == [target.building]
    elif operation == "exempt":
        assert Exemption.objects.get(round=target.round, person=target.person).reason == "away"
    elif operation == "export":
        data, samples = result
        assert (data[:2], samples) == (b"PK", 0)
    elif operation in ("sample_at_point", "sample_door_to_door"):
        assert result.status == STORED
        sample = Sample.objects.get(person=target.person)
        assert (sample.round, sample.door_to_door) == (target.round, operation == "sample_door_to_door")
    elif operation == "pack_box":
        assert Box.objects.get(code="PK0000001").status == Box.Status.PACKED
    elif operation == "receive_box":
        assert Box.objects.get(code="RB0000001").status == Box.Status.RECEIVED
    elif operation == "report_result":
        assert (result.status, TubeResult.objects.get(tube__code="RR0000001").result) == (STORED, "negative")
    elif operation == "antigen_report":
        assert AntigenReport.objects.get(client_key="matrix-form-0001").household == target.door
    if operation not in READS:
        assert (
            AuditEntry.objects.filter(
                pk__gt=before["last_audit"], action=AUDIT_ACTION[operation], actor=user
            ).count()
            == 1
        )


CELLS = [
    pytest.param(role, where, operation, EXPECTED[(role, where)][index], id=f"{role}-{where}-{operation}")
    for (role, where) in EXPECTED
    for index, operation in enumerate(OPERATIONS)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "where", "operation", "expected"), CELLS)
def test_service_matrix(world, role, where, operation, expected):
    target = make_target(world, role, where)
    prepare(operation, target)
    user = getattr(world, role)
    before = snapshot()
    if expected == OK:
        assert_done(operation, run(operation, user, target), user, target, before)
    elif expected == EMPTY:
        assert run(operation, user, target) == []
    elif expected == REFUSED_:
        outcome = run(operation, user, target)
        assert (outcome.status, outcome.code) == (REFUSED, REFUSAL_CODE[operation])
        assert snapshot() == before, "a refused scan or result changed the database"
    else:
        with pytest.raises(PermissionDenied if expected == DENIED else NotFound):
            run(operation, user, target)
        assert snapshot() == before, "a refused operation changed the database"


def test_the_table_covers_every_role_and_operation():
    assert {role for role, _where in EXPECTED} == {
        "coordinator",
        "staff",
        "leader",
        "volunteer",
        "lab",
        "resident",
        "outsider",
    }
    assert all(len(answers) == len(OPERATIONS) for answers in EXPECTED.values())
    assert set(AUDIT_ACTION) == set(OPERATIONS) - READS
