"""API: coverage, the missing list, and a building door by door (what an offline capture device downloads)."""

import pytest

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.people.models import Vulnerability
from firstline.testing.capture.services import scans_record
from firstline.testing.coverage import services
from tests.api.conftest import CLEAR_ID
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def sample(world, residents, round_, point, tube, people):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )


def test_coverage_under_an_area_and_each_of_its_children(api, world, residents, round_, point):
    sample(world, residents, round_, point, "TG0000001", residents.b1[:5] + [residents.outside])
    services.exemption_set(acting_user=world.leader, round=round_, person=residents.b1[5], reason="hospital")
    body = api.get(world.staff, f"/testing/rounds/{round_.pk}/coverage", area=world.p1.pk).json()
    assert body["total"] == {
        "area_id": world.p1.pk,
        "name": "P1小区",
        "kind": "compound",
        "expected": 14,
        "sampled": 5,
        "exempt": 1,
        "missing": 8,
        "percent": 42.9,
    }
    assert [
        (c["name"], c["expected"], c["sampled"], c["exempt"], c["missing"], c["percent"])
        for c in body["children"]
    ] == [("1号楼", 12, 5, 1, 6, 50.0), ("2号楼", 2, 0, 0, 2, 0.0), ("3号楼", 0, 0, 0, 0, 100.0)]
    assert (body["round_id"], body["outside"]) == (round_.pk, 1)
    # Left out, the area is the round's own (the community): the same people.
    whole = api.get(world.staff, f"/testing/rounds/{round_.pk}/coverage").json()
    assert (whole["total"]["name"], whole["total"]["expected"], [c["name"] for c in whole["children"]]) == (
        "C1社区",
        14,
        ["P1小区"],
    )
    leader = api.get(world.leader, f"/testing/rounds/{round_.pk}/coverage", area=world.b1.pk).json()
    assert (leader["total"]["missing"], [c["name"] for c in leader["children"]]) == (6, ["Unit 1", "Unit 2"])


def test_the_missing_list_masks_phones_and_never_shows_id_numbers(api, world, residents, round_, point, wang):
    sample(world, residents, round_, point, "TG0000001", residents.b1[:10])
    url = f"/testing/rounds/{round_.pk}/missing"
    api.get(world.leader, url, area=world.b1.pk)
    with assert_queries(7):  # token, grants, round, area, scope of the round, residents, their groups
        every = api.get(world.leader, url, area=world.b1.pk)
    with assert_queries(7):
        one = api.get(world.leader, url, area=world.b1.pk, limit=1).json()
    assert every.json()["items"] == [
        {
            "person_id": residents.b1[10].pk,
            "name": "居民32甲",
            "household_id": residents.b1[10].residences.get().household_id,
            "door": "1号楼 Unit 1 302",
            "building": "1号楼",
            "unit": "Unit 1",
            "floor": 3,
            "phone": "",
            "vulnerabilities": [],
        },
        {
            "person_id": residents.b1[11].pk,
            "name": "居民32乙",
            "household_id": residents.b1[11].residences.get().household_id,
            "door": "1号楼 Unit 1 302",
            "building": "1号楼",
            "unit": "Unit 1",
            "floor": 3,
            "phone": "",
            "vulnerabilities": [],
        },
        {
            "person_id": wang.pk,
            "name": "王芳",
            "household_id": wang.residences.get().household_id,
            "door": "1号楼 Unit 2 501",
            "building": "1号楼",
            "unit": "Unit 2",
            "floor": 5,
            "phone": "138****8000",
            "vulnerabilities": ["elderly_alone"],
        },
    ]
    assert (len(one["items"]), one["next_offset"]) == (1, 1)
    text = every.content.decode()
    assert CLEAR_ID not in text and wang.id_masked not in text and "13800138000" not in text


def test_a_building_door_by_door_for_the_round(api, world, residents, round_, point):
    sample(world, residents, round_, point, "TG0000001", residents.b1[:1])
    body = api.get(world.leader, f"/testing/rounds/{round_.pk}/buildings/{world.b1.pk}").json()
    assert body["building"] == {"id": world.b1.pk, "kind": "building", "name": "1号楼"}
    assert [(s["name"], [f["floor"] for f in s["floors"]]) for s in body["stairwells"]] == [
        ("Unit 1", [6, 5, 4, 3, 2, 1]),
        ("Unit 2", [6, 5, 4, 3, 2, 1]),
    ]
    door_101 = body["stairwells"][0]["floors"][-1]["doors"][0]
    assert {
        k: door_101[k]
        for k in ("door", "label", "risk", "capacity", "per_household", "sealed", "needs_visit", "status")
    } == {
        "door": "101",
        "label": "1号楼 Unit 1 101",
        "risk": "normal",
        "capacity": 10,
        "per_household": False,
        "sealed": False,
        "needs_visit": False,
        "status": "partial",
    }
    assert [(p["name"], p["state"], p["tube"], p["to_sample"]) for p in door_101["people"]] == [
        ("居民11甲", "pending", "TG0000001", False),
        ("居民11乙", "missing", "", True),
    ]
    assert body["totals"] == {"partial": 1, "missing": 5, "empty": 18}


@pytest.mark.parametrize("download", ["buildings", "door-to-door"])
def test_the_device_downloads_take_the_same_queries_for_any_building(api, world, residents, round_, download):
    api.get(world.leader, f"/testing/rounds/{round_.pk}")
    sizes = {}
    for building in (world.b1, world.b2):  # 24 doors and 12 people; 12 doors and 2 people
        with assert_queries(13):  # token, grants, round, building, then the map: never a query per door
            query = {"everyone": True} if download == "door-to-door" else {}
            body = api.get(
                world.leader, f"/testing/rounds/{round_.pk}/{download}/{building.pk}", **query
            ).json()
        sizes[building.name] = sum(
            len(d["people"]) for s in body["stairwells"] for f in s["floors"] for d in f["doors"]
        )
    assert sizes == {"1号楼": 12, "2号楼": 2}


def test_the_door_to_door_list_keeps_the_doors_owed_a_visit_bottom_up(api, world, residents, round_, point):
    Vulnerability.objects.create(person=residents.b1[4], tag="mobility_impaired")  # 201甲
    area_set_risk(
        acting_user=world.staff,
        area=residents.b1[8].residences.get().household,
        status=RiskStatus.SEALED,
        reason="密接",
    )
    url = f"/testing/rounds/{round_.pk}/door-to-door/{world.b1.pk}"
    body = api.get(world.leader, url).json()
    unit_1 = body["stairwells"][0]
    assert [
        (f["floor"], [(d["door"], d["sealed"], d["capacity"]) for d in f["doors"]]) for f in unit_1["floors"]
    ] == [(2, [("201", False, 10)]), (3, [("301", True, 1)])]
    assert [(p["name"], p["immobile"], p["tags"]) for p in unit_1["floors"][0]["doors"][0]["people"]] == [
        ("居民21甲", True, ["mobility_impaired"]),
        ("居民21乙", False, []),
    ]
    everyone = api.get(world.leader, url, everyone=True).json()
    assert [d["door"] for f in everyone["stairwells"][0]["floors"] for d in f["doors"]] == [
        "101",
        "102",
        "201",
        "202",
        "301",
        "302",
    ]


def test_faults_and_other_communities(api, world, residents, round_):
    base = f"/testing/rounds/{round_.pk}"
    bad = api.get(world.staff, f"{base}/coverage", area="abc")
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["area"])
    assert api.get(world.leader, f"{base}/coverage", area=world.p1.pk).status_code == 404
    unit = residents.b1[0].residences.get().household.parent
    assert api.get(world.staff, f"{base}/buildings/{unit.pk}").status_code == 404
    for user in (world.outsider, world.lab, world.resident):
        for path, query in (
            ("/coverage", {"area": world.b1.pk}),
            ("/missing", {"area": world.b1.pk}),
            (f"/buildings/{world.b1.pk}", {}),
            (f"/door-to-door/{world.b1.pk}", {}),
        ):
            assert api.get(user, base + path, **query).status_code == 404, (user, path)
