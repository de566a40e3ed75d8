"""API: sampling points (GET/POST /testing/points, PATCH /testing/points/{id}, GET
/testing/rounds/{id}/points).
"""

import pytest

from firstline.common.models import AuditEntry
from firstline.testing.models import SamplingPoint
from firstline.testing.rounds import services
from tests.queries import assert_queries

pytestmark = pytest.mark.django_db


def _points():
    return list(
        SamplingPoint.objects.order_by("pk").values_list(
            "name", "desks", "opens_at", "closes_at", "is_active"
        )
    )


def test_open_a_point_serving_two_buildings(api, world, point):
    answer = api.post(
        world.staff,
        "/testing/points",
        {
            "compound_id": world.p1.pk,
            "name": "西门采样点",
            "location": "西门",
            "desks": 3,
            "opens_at": "05:30",
            "closes_at": "11:00",
            "serves": [world.b2.pk, world.b1.pk],
        },
    )
    assert answer.status_code == 201, answer.content
    body = dict(answer.json())
    point_id = body.pop("id")
    assert body == {
        "compound_id": world.p1.pk,
        "compound_name": "P1小区",
        "name": "西门采样点",
        "location": "西门",
        "desks": 3,
        "opens_at": "05:30:00",
        "closes_at": "11:00:00",
        "per_desk_hour": 120,
        "queue_cap": 40,
        "is_active": True,
        "serves": sorted([world.b1.pk, world.b2.pk]),
    }
    entry = AuditEntry.objects.get(action="testing.point.create", target_id=str(point_id))
    assert (entry.actor, entry.changes["serves"]) == (world.staff, [world.b2.pk, world.b1.pk])


def test_list_and_filter_points_in_a_fixed_number_of_queries(api, world, point):
    api.get(world.leader, "/testing/points")  # the token's first use is noted once
    with assert_queries(4):  # token, grants, points, what they serve
        one = api.get(world.leader, "/testing/points").json()
    services.sampling_point_create(
        acting_user=world.staff, compound=world.p1, values={"name": "北门采样点"}, serves=[world.b3]
    )
    services.sampling_point_create(
        acting_user=world.staff, compound=world.p1, values={"name": "南门采样点"}, serves=[world.b1]
    )
    with assert_queries(4):
        three = api.get(world.leader, "/testing/points").json()
    assert [p["name"] for p in one] == ["东门采样点"]
    assert [(p["name"], p["serves"]) for p in three] == [
        ("东门采样点", []),
        ("北门采样点", [world.b3.pk]),
        ("南门采样点", [world.b1.pk]),
    ]
    assert api.get(world.staff, "/testing/points", compound=world.p2.pk).json() == []
    assert api.get(world.outsider, "/testing/points").json() == []


def test_change_a_point_and_the_rounds_points(api, world, round_, point):
    answer = api.patch(world.staff, f"/testing/points/{point.pk}", {"desks": 4, "serves": [world.b3.pk]})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["desks"], answer.json()["serves"], answer.json()["name"]) == (
        4,
        [world.b3.pk],
        "东门采样点",
    )
    assert [p["name"] for p in api.get(world.volunteer, f"/testing/rounds/{round_.pk}/points").json()] == [
        "东门采样点"
    ]
    api.patch(world.staff, f"/testing/points/{point.pk}", {"is_active": False})
    assert api.get(world.volunteer, f"/testing/rounds/{round_.pk}/points").json() == []


def test_faults_are_named_and_change_nothing(api, world, point):
    before = _points()
    cases = [
        ({"compound_id": world.p1.pk, "name": "西门", "desks": 0}, {"desks": ["At least 1."]}),
        ({"compound_id": world.p1.pk, "name": "西门", "desks": True}, {"desks": ["A whole number."]}),
        (
            {"compound_id": world.p1.pk, "name": "西门", "closes_at": "12:22:06+16:53"},
            {"closes_at": ["A time of day is local time: write it without a zone, like 06:30."]},
        ),
        ({"compound_id": world.p1.pk, "name": "门" * 101}, {"name": ["At most 100 characters."]}),
        (
            {"compound_id": world.p1.pk, "name": "西门", "opens_at": "12:00", "closes_at": "06:00"},
            {"closes_at": ["The point must close after it opens."]},
        ),
        ({"compound_id": world.p1.pk, "name": "东门采样点"}, {"name": ["东门采样点 already exists here."]}),
        (
            {"compound_id": world.b1.pk, "name": "楼下"},
            {"compound": ["A sampling point belongs to a compound or a village."]},
        ),
    ]
    for body, errors in cases:
        answer = api.post(world.staff, "/testing/points", body)
        assert (answer.status_code, answer.json()["errors"]) == (422, errors)
    served = api.post(
        world.coordinator,
        "/testing/points",
        {"compound_id": world.p1.pk, "name": "西门", "serves": [world.b9.pk]},
    )
    assert (served.status_code, served.json()["errors"]) == (
        422,
        {"serves": ["9号楼 is not a building or unit of P1小区."]},
    )
    patched = api.patch(world.staff, f"/testing/points/{point.pk}", {"desks": 51, "name": "改名"})
    assert (patched.status_code, patched.json()["errors"]) == (422, {"desks": ["At most 50."]})
    assert _points() == before
    assert AuditEntry.objects.filter(action__startswith="testing.point", actor=world.coordinator).count() == 0


def test_another_communitys_staff_cannot_touch_the_points(api, world, point):
    before = _points()
    assert (
        api.post(world.outsider, "/testing/points", {"compound_id": world.p1.pk, "name": "外来"}).status_code
        == 404
    )
    assert api.patch(world.outsider, f"/testing/points/{point.pk}", {"desks": 5}).status_code == 404
    volunteer = api.patch(world.volunteer, f"/testing/points/{point.pk}", {"desks": 5})
    assert (volunteer.status_code, volunteer.json()["code"]) == (403, "testing.manage")
    assert _points() == before
