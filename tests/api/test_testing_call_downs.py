"""API: call-downs — the plan of waves for a point, and calling a wave down."""

import datetime as dt

import pytest

from firstline.areas.models import Area
from firstline.notices.models import Notice, NoticeDelivery
from firstline.testing.models import CallDown
from firstline.testing.rounds import services
from tests.conftest import household

pytestmark = pytest.mark.django_db

MESSAGE = (
    "[Testing] Residents of {where}: please come down now to 东门采样点 (东门广场) for your test.\n"
    "Bring your personal code, wear a mask and keep one metre apart."
)


def _unit(building, name="Unit 1"):
    return Area.objects.get(parent=building, name=name)


def _calls():
    return (
        list(CallDown.objects.values_list("pk", "people_expected")),
        Notice.objects.count(),
        NoticeDelivery.objects.count(),
    )


def test_the_plan_and_a_wave_called_down(api, world, residents, round_, point):
    url = f"/testing/rounds/{round_.pk}/call-downs"
    plan = api.get(world.staff, url, point=point.pk).json()
    assert (
        plan["point_id"],
        plan["point_name"],
        plan["planned_rate"],
        plan["measured_rate"],
        plan["rate"],
    ) == (point.pk, "东门采样点", 240, None, 240)
    assert (plan["called"], plan["door_to_door"]) == ([], [])
    (wave,) = plan["waves"]
    assert {k: wave[k] for k in ("number", "stairwell_ids", "labels", "people", "message", "recall")} == {
        "number": 1,
        "stairwell_ids": [_unit(world.b1).pk, _unit(world.b2).pk],
        "labels": ["1号楼 Unit 1", "2号楼 Unit 1"],
        "people": 14,
        "message": MESSAGE.format(where="1号楼 Unit 1, 2号楼 Unit 1"),
        "recall": False,
    }
    span = dt.datetime.fromisoformat(wave["ends_at"]) - dt.datetime.fromisoformat(wave["starts_at"])
    assert span == dt.timedelta(minutes=3, seconds=30)  # 14 people at 240 an hour
    called = api.post(
        world.staff, url, {"point_id": point.pk, "stairwell_ids": [_unit(world.b1).pk], "people_expected": 12}
    )
    assert called.status_code == 201, called.content
    body = called.json()
    assert (
        body["round_id"],
        body["point_id"],
        body["stairwell_ids"],
        body["people_expected"],
        body["called_by"],
    ) == (round_.pk, point.pk, [_unit(world.b1).pk], 12, "staff")
    assert body["message"] == MESSAGE.format(where="1号楼 Unit 1")
    assert sorted(
        NoticeDelivery.objects.filter(notice__kind="call_down").values_list("user__username", flat=True)
    ) == ["leader", "resident"]
    after = api.get(world.volunteer, url, point=point.pk).json()
    assert [(c["id"], c["labels"], c["remaining"], c["called_by"]) for c in after["called"]] == [
        (body["id"], ["1号楼 Unit 1"], 12, "staff")
    ]
    assert [w["labels"] for w in after["waves"]] == [["2号楼 Unit 1"]]


def test_faults_are_named_and_change_nothing(api, world, residents, round_, point):
    url = f"/testing/rounds/{round_.pk}/call-downs"
    before = _calls()
    empty = api.post(world.staff, url, {"point_id": point.pk, "stairwell_ids": []})
    assert (empty.status_code, empty.json()["errors"]) == (
        422,
        {"stairwell_ids": ["Choose at least one building or unit."]},
    )
    door = household(world.b1, "101")
    a_door = api.post(world.staff, url, {"point_id": point.pk, "stairwell_ids": [door.pk]})
    assert (a_door.status_code, a_door.json()["errors"]) == (
        422,
        {"stairwell_ids": ["101 is not a building or unit of P1小区."]},
    )
    planned = services.round_create(
        acting_user=world.staff, area=world.c1, name="第二轮", date=dt.date(2022, 4, 5)
    )
    not_open = api.post(
        world.staff,
        f"/testing/rounds/{planned.pk}/call-downs",
        {"point_id": point.pk, "stairwell_ids": [_unit(world.b1).pk]},
    )
    assert (not_open.status_code, not_open.json()["code"]) == (409, "round_not_open")
    volunteer = api.post(world.volunteer, url, {"point_id": point.pk, "stairwell_ids": [_unit(world.b1).pk]})
    assert (volunteer.status_code, volunteer.json()["code"]) == (403, "testing.manage")
    assert _calls() == before


def test_another_communitys_staff_get_404_and_change_nothing(api, world, residents, round_, point):
    url = f"/testing/rounds/{round_.pk}/call-downs"
    before = _calls()
    assert api.get(world.outsider, url, point=point.pk).status_code == 404
    assert (
        api.post(world.outsider, url, {"point_id": point.pk, "stairwell_ids": [world.b1.pk]}).status_code
        == 404
    )
    assert api.get(world.lab, url, point=point.pk).status_code == 404
    assert _calls() == before
