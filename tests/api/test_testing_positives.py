"""API: positive tubes, the re-sample tasks they open, and sealing their doors in one action."""

import uuid

import pytest

from firstline.areas.models import Area, RiskStatusChange
from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import ResampleTask
from firstline.testing.transport import services as transport
from tests.factories.testing import BoxFactory
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def positive_pool(world, residents, round_, point):
    """TG0000001 (the first ten of 1号楼) positive; TG0000002 (the other two and 2号楼) negative."""
    for code, people in (("TG0000001", residents.b1[:10]), ("TG0000002", residents.b1[10:] + residents.b2)):
        scans_record(
            acting_user=world.volunteer,
            round=round_,
            scans=[desk_scan(point, code, residents.codes[p.pk]) for p in people],
        )
    box = BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001", "TG0000002"],
        packed=True,
    )
    transport.box_receive(acting_user=world.lab, box=box, counted=2)
    results_report(
        acting_user=world.lab,
        source="api",
        results=[ResultIn("TG0000001", "阳性"), ResultIn("TG0000002", "阴性")],
    )


def _risks():
    return list(
        Area.objects.order_by("pk").values_list("pk", "risk_status")
    ), RiskStatusChange.objects.count()


def test_positive_tubes_with_each_persons_resample_state(api, world, residents, round_, positive_pool):
    scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(), tube_code="RS0000001", person_id=residents.b1[0].pk, door_to_door=True
            )
        ],
    )
    api.get(world.staff, f"/testing/rounds/{round_.pk}")
    with assert_queries(
        9
    ):  # token, grants, round, then tubes, samples, tasks, doors, rules, risks: not per person
        (tube,) = api.get(world.staff, f"/testing/rounds/{round_.pk}/positives").json()
    assert (tube["code"], tube["capacity"], tube["filled"], tube["point_name"]) == (
        "TG0000001",
        10,
        10,
        "东门采样点",
    )
    assert len(tube["people"]) == 10
    assert tube["people"][:2] == [
        {
            "person_id": residents.b1[0].pk,
            "name": "居民11甲",
            "household_id": residents.b1[0].residences.get().household_id,
            "door": "1号楼 Unit 1 101",
            "state": "pool_positive",
            "resample_task": "done",
            "resample_state": "pending",
            "risk": "normal",
        },
        {
            "person_id": residents.b1[1].pk,
            "name": "居民11乙",
            "household_id": residents.b1[1].residences.get().household_id,
            "door": "1号楼 Unit 1 101",
            "state": "pool_positive",
            "resample_task": "open",
            "resample_state": "",
            "risk": "normal",
        },
    ]


def test_resample_tasks_page_by_door_in_a_fixed_number_of_queries(
    api, world, residents, round_, positive_pool
):
    url = f"/testing/rounds/{round_.pk}/resample-tasks"
    api.get(world.leader, url)
    with assert_queries(6):  # token, grants, round, scope of the round, the page, door labels
        three = api.get(world.leader, url, limit=3).json()
    with assert_queries(6):
        every = api.get(world.leader, url).json()
    assert (
        [(t["name"], t["door"], t["status"], t["pool_tube"]) for t in three["items"]],
        three["next_offset"],
    ) == (
        [
            ("居民11甲", "1号楼 Unit 1 101", "open", "TG0000001"),
            ("居民11乙", "1号楼 Unit 1 101", "open", "TG0000001"),
            ("居民12甲", "1号楼 Unit 1 102", "open", "TG0000001"),
        ],
        3,
    )
    assert len(every["items"]) == 10
    scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(), tube_code="RS0000001", person_id=residents.b1[0].pk, door_to_door=True
            )
        ],
    )
    assert [t["name"] for t in api.get(world.leader, url, status="done").json()["items"]] == ["居民11甲"]
    assert len(api.get(world.leader, url, status="all").json()["items"]) == 10


def test_seal_the_units_of_a_positive_tube(api, world, residents, round_, positive_pool):
    answer = api.post(world.staff, "/testing/tubes/tg0000001/seal", {"level": "unit"})
    assert answer.status_code == 200, answer.content
    unit = residents.b1[0].residences.get().household.parent
    assert answer.json() == [{"id": unit.pk, "kind": "unit", "name": "Unit 1", "risk_status": "sealed"}]
    assert Area.objects.get(pk=unit.pk).risk_status == "sealed"


def test_faults_are_named_and_change_nothing(api, world, residents, round_, positive_pool):
    before = _risks()
    negative = api.post(world.staff, "/testing/tubes/TG0000002/seal", {"level": "building"})
    assert (negative.status_code, negative.json()["errors"]) == (
        422,
        {"__all__": ["Only the doors of a positive tube are sealed from here."]},
    )
    floor = api.post(world.staff, "/testing/tubes/TG0000001/seal", {"level": "floor"})
    assert (floor.status_code, list(floor.json()["errors"])) == (422, ["level"])
    volunteer = api.post(world.volunteer, "/testing/tubes/TG0000001/seal", {"level": "household"})
    assert (volunteer.status_code, volunteer.json()["code"]) == (403, "area.risk")
    status = api.get(world.staff, f"/testing/rounds/{round_.pk}/resample-tasks", status="lost")
    assert (status.status_code, list(status.json()["errors"])) == (422, ["status"])
    assert _risks() == before


def test_another_communitys_staff_get_404_and_change_nothing(api, world, round_, positive_pool):
    before = (_risks(), ResampleTask.objects.count())
    assert api.get(world.outsider, f"/testing/rounds/{round_.pk}/positives").status_code == 404
    assert api.get(world.outsider, f"/testing/rounds/{round_.pk}/resample-tasks").status_code == 404
    assert api.post(world.outsider, "/testing/tubes/TG0000001/seal", {"level": "building"}).status_code == 404
    assert api.get(world.lab, f"/testing/rounds/{round_.pk}/positives").status_code == 404
    assert (_risks(), ResampleTask.objects.count()) == before
