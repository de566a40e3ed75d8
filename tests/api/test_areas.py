"""API: the area tree."""

from firstline.areas.models import Area, AreaKind, RiskStatusChange
from firstline.common.models import AuditEntry
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.factories.survey import SurveyVisitFactory
from tests.queries import assert_queries


def test_roots_are_where_each_users_scope_starts(world, api):
    assert [a["name"] for a in api.get(world.coordinator, "/areas").json()] == ["S街道"]
    assert [a["name"] for a in api.get(world.leader, "/areas").json()] == ["1号楼", "2号楼"]
    assert api.get(world.lab, "/areas").json() == []


def test_detail_carries_ancestors_and_the_effective_risk(world, api):
    world.b1.risk_status = "controlled"
    world.b1.save(update_fields=["risk_status"])
    door = household(world.b1, "501", "Unit 2")
    answer = api.get(world.leader, f"/areas/{door.pk}").json()
    assert answer["kind"] == "household" and answer["door"] == "501" and answer["floor"] == 5
    assert [a["name"] for a in answer["ancestors"]] == ["S街道", "C1社区", "P1小区", "1号楼", "Unit 2"]
    assert (answer["risk_status"], answer["effective_risk"]) == ("normal", "controlled")
    assert api.get(world.leader, f"/areas/{world.b3.pk}").status_code == 404


def test_children_count_their_residents_and_page(world, api, wang):
    PersonFactory(acting_user=world.staff, household=household(world.b2, "101"), name="甲", name_only=True)
    PersonFactory(acting_user=world.staff, household=household(world.b2, "102"), name="乙", name_only=True)
    answer = api.get(world.staff, f"/areas/{world.p1.pk}/children").json()
    assert [(c["name"], c["residents"]) for c in answer["items"]] == [
        ("1号楼", 1),
        ("2号楼", 2),
        ("3号楼", 0),
    ]
    assert answer["next_offset"] is None
    first = api.get(world.staff, f"/areas/{world.p1.pk}/children", limit=2).json()
    assert ([c["name"] for c in first["items"]], first["next_offset"]) == (["1号楼", "2号楼"], 2)
    rest = api.get(world.staff, f"/areas/{world.p1.pk}/children", limit=2, offset=2).json()
    assert ([c["name"] for c in rest["items"]], rest["next_offset"]) == (["3号楼"], None)


def test_children_take_the_same_queries_for_any_page_size(world, api):
    unit = household(world.b1, "101").parent
    api.get(world.staff, f"/areas/{unit.pk}")  # the token's first use is noted (then once a minute)
    with assert_queries(6):
        small = api.get(world.staff, f"/areas/{unit.pk}/children", limit=2)
    with assert_queries(6):
        large = api.get(world.staff, f"/areas/{unit.pk}/children", limit=500)
    assert (len(small.json()["items"]), len(large.json()["items"])) == (2, 12)


def test_limit_above_500_is_refused_by_name(world, api):
    answer = api.get(world.staff, f"/areas/{world.p1.pk}/children", limit=501)
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["limit"]


def test_create_a_child_area(world, api):
    answer = api.post(world.staff, f"/areas/{world.c1.pk}/children", {"kind": "compound", "name": "P3小区"})
    assert answer.status_code == 201
    created = Area.objects.get(pk=answer.json()["id"])
    assert (created.parent, created.kind, created.name) == (world.c1, "compound", "P3小区")
    assert (
        AuditEntry.objects.filter(action="area.create", actor=world.staff, target_id=str(created.pk)).count()
        == 1
    )
    duplicate = api.post(
        world.staff, f"/areas/{world.c1.pk}/children", {"kind": "compound", "name": "P3小区"}
    )
    assert duplicate.status_code == 422 and list(duplicate.json()["errors"]) == ["name"]
    wrong_kind = api.post(world.staff, f"/areas/{world.c1.pk}/children", {"kind": "castle", "name": "x"})
    assert wrong_kind.status_code == 422 and list(wrong_kind.json()["errors"]) == ["kind"]


def test_add_a_building_with_its_doors(world, api):
    answer = api.post(
        world.staff,
        f"/areas/{world.p1.pk}/buildings",
        {"name": "5号楼", "units": 2, "floors": 3, "doors_per_floor": 2, "has_lift": True},
    )
    assert answer.status_code == 201
    building = Area.objects.get(pk=answer.json()["id"])
    assert (building.has_lift, building.floors) == (True, 3)
    assert Area.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=building.path).count() == 12
    assert AuditEntry.objects.filter(action="building.layout", actor=world.staff).count() == 1
    refused = api.post(
        world.leader,
        f"/areas/{world.p1.pk}/buildings",
        {"name": "6号楼", "units": 1, "floors": 1, "doors_per_floor": 1, "has_lift": False},
    )
    assert refused.status_code == 404  # P1 is above the leader's buildings
    too_tall = api.post(
        world.staff,
        f"/areas/{world.p1.pk}/buildings",
        {"name": "7号楼", "units": 1, "floors": 99, "doors_per_floor": 1, "has_lift": False},
    )
    assert (too_tall.status_code, too_tall.json()["errors"]) == (422, {"floors": ["At most 60."]})


def test_risk_status_changes_keep_their_history(world, api):
    answer = api.post(world.staff, f"/areas/{world.b1.pk}/risk", {"status": "sealed", "reason": "阳性病例"})
    assert answer.status_code == 200 and answer.json()["risk_status"] == "sealed"
    api.post(world.coordinator, f"/areas/{world.b1.pk}/risk", {"status": "controlled", "reason": "7天无新增"})
    assert AuditEntry.objects.filter(action="area.risk").count() == 2
    history = api.get(world.leader, f"/areas/{world.b1.pk}/risk-history").json()
    assert [(h["old_status"], h["new_status"], h["reason"], h["changed_by"]) for h in history["items"]] == [
        ("sealed", "controlled", "7天无新增", "coordinator"),
        ("normal", "sealed", "阳性病例", "staff"),
    ]
    no_reason = api.post(world.staff, f"/areas/{world.b1.pk}/risk", {"status": "normal", "reason": " "})
    assert no_reason.status_code == 422 and list(no_reason.json()["errors"]) == ["reason"]
    assert RiskStatusChange.objects.count() == 2


def test_building_map(world, api, wang):
    door = household(world.b3, "101", None)
    SurveyVisitFactory(acting_user=world.staff, household=door, outcome="not_home")
    answer = api.get(world.volunteer, f"/areas/{world.b3.pk}/map").json()
    assert answer["building"]["name"] == "3号楼"
    assert answer["totals"] == {"not_reached": 4}
    (stairwell,) = answer["stairwells"]
    assert [floor["floor"] for floor in stairwell["floors"]] == [2, 1]
    assert [(d["door"], d["attempts"], d["status"]) for d in stairwell["floors"][1]["doors"]] == [
        ("101", 1, "not_reached"),
        ("102", 0, "not_reached"),
    ]
    b1_map = api.get(world.volunteer, f"/areas/{world.b1.pk}/map").json()
    assert (b1_map["residents"], b1_map["totals"]["vulnerable"]) == (1, 1)
    assert api.get(world.volunteer, f"/areas/{world.p1.pk}/map").status_code == 404  # not a building
    assert api.get(world.volunteer, f"/areas/{world.b9.pk}/map").status_code == 404
