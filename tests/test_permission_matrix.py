"""The permission matrix: every role × (a target inside its area, one outside) × every ledger operation.

The expected answers are written out by hand from the product rules, not derived from
ROLE_PERMISSIONS, so that a change to the role table that breaks a rule fails here:

- street coordinator and community staff: everything in their subtree;
- building leader: view, correct, move, record visits; no ID reveal, risk status, area edit or merge;
- volunteer: view and record visits only;
- lab: nothing in the ledger;
- resident: view their own household only;
- outsider (community staff of C2): everything in C2, nothing in C1.

Each cell calls the service or selector; a refused write must leave every table as it was. A subset
of cells goes through the HTTP API as well, where an out-of-scope target is a 404 (its existence is
not confirmed) and a visible target the role may not change is a 403.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind, RiskStatusChange
from firstline.areas.services import area_set_risk, building_create
from firstline.common.errors import NotFound, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.people import selectors as people_selectors
from firstline.people import services as people_services
from firstline.people.models import DuplicateCandidate, Person, Residence, Vulnerability
from firstline.survey.models import SurveyVisit
from firstline.survey.services import visit_record
from tests.api.conftest import ApiClient
from tests.conftest import household
from tests.factories.accounts import UserFactory
from tests.factories.areas import BuildingFactory, CommunityFactory, CompoundFactory, StreetFactory
from tests.factories.people import PersonFactory

CLEAR_ID = "11010519491231002X"
NAME = "目标人"

OK, DENIED, NOT_FOUND, EMPTY = "ok", "denied", "not_found", "empty"

OPERATIONS = (
    "view_household_members",
    "view_person",
    "search",
    "register_person",
    "update_person",
    "reveal_id",
    "set_vulnerabilities",
    "move_residence",
    "record_visit",
    "change_risk_status",
    "add_building",
    "merge",
)

READS = {"view_household_members", "view_person", "search"}

_ALL = (OK,) * 12
_NONE = (NOT_FOUND, NOT_FOUND, EMPTY) + (DENIED,) * 9

# role, where: members, person, search, register, update, reveal, vulnerab., move, visit, risk, building,
# merge
EXPECTED = {
    ("coordinator", "inside"): _ALL,
    ("coordinator", "outside"): _NONE,
    ("staff", "inside"): _ALL,
    ("staff", "outside"): _NONE,
    ("leader", "inside"): (OK, OK, OK, OK, OK, DENIED, OK, OK, OK, DENIED, DENIED, DENIED),
    ("leader", "outside"): _NONE,
    ("volunteer", "inside"): (OK, OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, DENIED),
    ("volunteer", "outside"): _NONE,
    ("lab", "inside"): _NONE,
    ("lab", "outside"): _NONE,
    ("resident", "inside"): (
        OK,
        OK,
        OK,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
        DENIED,
    ),
    ("resident", "outside"): _NONE,
    ("outsider", "inside"): _ALL,
    ("outsider", "outside"): _NONE,
}

AUDIT_ACTION = {
    "register_person": "person.register",
    "update_person": "person.update",
    "reveal_id": "person.reveal_id",
    "set_vulnerabilities": "person.vulnerabilities",
    "move_residence": "residence.move",
    "record_visit": "visit.record",
    "change_risk_status": "area.risk",
    "add_building": "building.layout",
    "merge": "person.merge",
}


@dataclass
class Target:
    household: Area
    neighbour: Area  # another door of the same stairwell, where a move goes
    compound: Area
    person: Person  # lives in `household`, with an ID number and a phone
    twin: Person  # the same person registered a second time without an ID number


def _elsewhere(world):
    """A second street T, outside the whole world of S: the coordinator's and lab's outside."""
    street = StreetFactory(name="T街道")
    community = CommunityFactory(parent=street, name="T1社区")
    compound = CompoundFactory(parent=community, name="TP小区")
    t_coordinator = UserFactory(username="t_coordinator", role=Role.STREET_COORDINATOR, area=street)
    building = BuildingFactory(
        acting_user=t_coordinator,
        compound=compound,
        name="T1号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    return building, t_coordinator


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


def make_target(world, role: str, where: str) -> Target:
    building_name, door, stairwell = DOORS[(role, where)]
    if building_name == "elsewhere":
        building, registrar = _elsewhere(world)
    else:
        building, registrar = getattr(world, building_name), world.coordinator
    target_door = household(building, door, stairwell)
    person = PersonFactory(
        acting_user=registrar,
        household=target_door,
        name=NAME,
        id_number=CLEAR_ID,
        phone="13800138000",
        relation="户主",
    )
    twin = PersonFactory(
        acting_user=registrar, household=target_door, name=NAME, phone="13800138000", id_number=None
    )
    compound = building.parent
    return Target(
        household=target_door,
        neighbour=household(building, "201", stairwell),
        compound=compound,
        person=person,
        twin=twin,
    )


def snapshot() -> dict:
    """Row counts and contents of every table a ledger operation can write."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Person,
                Residence,
                Vulnerability,
                SurveyVisit,
                Area,
                RiskStatusChange,
                AuditEntry,
                DuplicateCandidate,
            )
        },
        "people": list(
            Person.objects.order_by("pk").values_list(
                "name", "phone", "id_hash", "id_masked", "merged_into", "updated_at"
            )
        ),
        "residences": list(
            Residence.objects.order_by("pk").values_list("person", "household", "is_current", "moved_out")
        ),
        "vulnerabilities": list(Vulnerability.objects.order_by("pk").values_list("person", "tag")),
        "areas": list(Area.objects.order_by("pk").values_list("path", "name", "risk_status")),
        "last_audit": AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }


def run(operation: str, user, target: Target):
    """Perform one operation as `user`; returns what a check of success needs."""
    today = dt.date(2022, 4, 2)
    if operation == "view_household_members":
        members = people_selectors.household_members(user=user, household=target.household)
        return sorted(residence.person_id for residence in members)
    if operation == "view_person":
        return people_selectors.person_detail(user=user, pk=target.person.pk).pk
    if operation == "search":
        _kind, found = people_selectors.person_search(user=user, query=NAME)
        return [person.pk for person in found]
    if operation == "register_person":
        return people_services.person_register(
            acting_user=user, household=target.household, data={"name": "新住户"}
        )
    if operation == "update_person":
        return people_services.person_update(
            acting_user=user, person=target.person, data={"phone": "13900139000"}
        )
    if operation == "reveal_id":
        return people_services.person_reveal_id(acting_user=user, person=target.person, reason="核对")
    if operation == "set_vulnerabilities":
        return people_services.person_set_vulnerabilities(
            acting_user=user, person=target.person, tags={"pregnant": {}}
        )
    if operation == "move_residence":
        return people_services.residence_move(
            acting_user=user,
            person=target.person,
            to_household=target.neighbour,
            relation="head",
            status="resident",
            date=today,
        )
    if operation == "record_visit":
        return visit_record(acting_user=user, household=target.household, outcome="registered")
    if operation == "change_risk_status":
        return area_set_risk(acting_user=user, area=target.household, status="sealed", reason="密接")
    if operation == "add_building":
        return building_create(
            acting_user=user,
            compound=target.compound,
            name="新楼",
            units=1,
            floors=1,
            doors_per_floor=1,
            has_lift=False,
        )
    if operation == "merge":
        return people_services.person_merge(acting_user=user, keep=target.person, merge=target.twin)
    raise AssertionError(operation)


def audit_since(snap: dict, action: str, user) -> int:
    """Audit rows of `action` by `user` written after the snapshot `snap`."""
    return AuditEntry.objects.filter(pk__gt=snap["last_audit"], action=action, actor=user).count()


def assert_done(operation: str, result, user, target: Target, before: dict) -> None:
    """The allowed operation did exactly what it says."""
    if operation == "view_household_members":
        assert result == sorted([target.person.pk, target.twin.pk])
    elif operation == "view_person":
        assert result == target.person.pk
    elif operation == "search":
        assert result == [target.person.pk, target.twin.pk]
    elif operation == "register_person":
        assert Residence.objects.get(person=result, is_current=True).household == target.household
    elif operation == "update_person":
        assert Person.objects.get(pk=target.person.pk).phone == "13900139000"
    elif operation == "reveal_id":
        assert result == CLEAR_ID
    elif operation == "set_vulnerabilities":
        assert list(Vulnerability.objects.filter(person=target.person).values_list("tag", flat=True)) == [
            "pregnant"
        ]
    elif operation == "move_residence":
        assert Residence.objects.get(person=target.person, is_current=True).household == target.neighbour
    elif operation == "record_visit":
        assert SurveyVisit.objects.get(household=target.household).visited_by == user
    elif operation == "change_risk_status":
        assert Area.objects.get(pk=target.household.pk).risk_status == "sealed"
    elif operation == "add_building":
        assert Area.objects.filter(parent=target.compound, name="新楼", kind=AreaKind.BUILDING).count() == 1
    elif operation == "merge":
        assert Person.objects.get(pk=target.twin.pk).merged_into_id == target.person.pk
    if operation not in READS:
        assert audit_since(before, AUDIT_ACTION[operation], user) == 1


CELLS = [
    pytest.param(role, where, operation, EXPECTED[(role, where)][index], id=f"{role}-{where}-{operation}")
    for (role, where) in EXPECTED
    for index, operation in enumerate(OPERATIONS)
]


@pytest.mark.parametrize(("role", "where", "operation", "expected"), CELLS)
def test_service_matrix(world, role, where, operation, expected):
    target = make_target(world, role, where)
    user = getattr(world, role)
    before = snapshot()
    if expected == OK:
        assert_done(operation, run(operation, user, target), user, target, before)
    elif expected == EMPTY:
        assert run(operation, user, target) == []
    else:
        with pytest.raises(PermissionDenied if expected == DENIED else NotFound):
            run(operation, user, target)
        assert snapshot() == before, "a refused operation changed the database"


def test_the_table_covers_every_role_of_the_world(world):
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


# --- the same rules through the HTTP API, for a representative subset ---------------------------------

API_OPERATIONS = (
    "view_household_members",
    "view_person",
    "search",
    "register_person",
    "update_person",
    "reveal_id",
    "record_visit",
    "change_risk_status",
    "add_building",
    "merge",
)

_API_NONE = (404, 404, 0, 404, 404, 404, 404, 404, 404, 404)

# role, where: members, person, search (items found), register, update, reveal, visit, risk, building, merge
API_EXPECTED = {
    ("coordinator", "inside"): (200, 200, 2, 201, 200, 200, 201, 200, 201, 200),
    ("coordinator", "outside"): _API_NONE,
    ("staff", "inside"): (200, 200, 2, 201, 200, 200, 201, 200, 201, 200),
    ("staff", "outside"): _API_NONE,
    # The leader's scope starts at their buildings: the compound above them is not even visible.
    ("leader", "inside"): (200, 200, 2, 201, 200, 403, 201, 403, 404, 403),
    ("leader", "outside"): _API_NONE,
    ("volunteer", "inside"): (200, 200, 2, 403, 403, 403, 201, 403, 403, 403),
    ("volunteer", "outside"): _API_NONE,
    ("lab", "inside"): _API_NONE,
    ("lab", "outside"): _API_NONE,
    ("resident", "inside"): (200, 200, 2, 403, 403, 403, 403, 403, 404, 403),
    ("resident", "outside"): _API_NONE,
    ("outsider", "inside"): (200, 200, 2, 201, 200, 200, 201, 200, 201, 200),
    ("outsider", "outside"): _API_NONE,
}


def call_api(api: ApiClient, operation: str, user, target: Target):
    if operation == "view_household_members":
        return api.get(user, f"/people/households/{target.household.pk}/members")
    if operation == "view_person":
        return api.get(user, f"/people/{target.person.pk}")
    if operation == "search":
        return api.get(user, "/people/search", q=NAME)
    if operation == "register_person":
        return api.post(user, "/people", {"household_id": target.household.pk, "name": "新住户"})
    if operation == "update_person":
        return api.patch(user, f"/people/{target.person.pk}", {"phone": "13900139000"})
    if operation == "reveal_id":
        return api.post(user, f"/people/{target.person.pk}/reveal-id", {"reason": "核对"})
    if operation == "record_visit":
        return api.post(user, "/visits", {"household_id": target.household.pk, "outcome": "registered"})
    if operation == "change_risk_status":
        return api.post(user, f"/areas/{target.household.pk}/risk", {"status": "sealed", "reason": "密接"})
    if operation == "add_building":
        return api.post(
            user,
            f"/areas/{target.compound.pk}/buildings",
            {"name": "新楼", "units": 1, "floors": 1, "doors_per_floor": 1, "has_lift": False},
        )
    if operation == "merge":
        return api.post(user, "/people/merge", {"keep_id": target.person.pk, "merge_id": target.twin.pk})
    raise AssertionError(operation)


API_CELLS = [
    pytest.param(role, where, operation, API_EXPECTED[(role, where)][index], id=f"{role}-{where}-{operation}")
    for (role, where) in API_EXPECTED
    for index, operation in enumerate(API_OPERATIONS)
]


@pytest.mark.parametrize(("role", "where", "operation", "expected"), API_CELLS)
def test_api_matrix(world, role, where, operation, expected):
    target = make_target(world, role, where)
    user = getattr(world, role)
    api = ApiClient()
    api.key_for(user)  # the token (and its audit row) exists before the snapshot
    before = snapshot()
    answer = call_api(api, operation, user, target)
    if operation == "search":
        assert answer.status_code == 200
        assert [item["id"] for item in answer.json()["items"]] == [target.person.pk, target.twin.pk][
            :expected
        ]
        assert CLEAR_ID not in answer.content.decode()
        return
    assert answer.status_code == expected, answer.content
    text = answer.content.decode()
    if operation == "reveal_id" and expected == 200:
        assert answer.json() == {"id_number": CLEAR_ID}
    else:
        assert CLEAR_ID not in text, "the ID number appeared in clear"
    if expected >= 400:
        assert snapshot() == before, "a refused call changed the database"
        return
    results = {
        "view_household_members": lambda: sorted(member["person"]["id"] for member in answer.json()),
        "view_person": lambda: answer.json()["id"],
        "register_person": lambda: Person.objects.get(pk=answer.json()["id"]),
        "reveal_id": lambda: answer.json()["id_number"],
    }
    assert_done(operation, results.get(operation, lambda: None)(), user, target, before)
