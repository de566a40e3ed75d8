"""API: boxes of tubes from the point to the lab — open, scan tubes in and out, pack, pick up, receive."""

import pytest

from firstline.testing.capture.services import scans_record
from firstline.testing.models import Box, BoxEvent, Tube
from firstline.testing.transport import services as transport
from tests.factories.accounts import UserFactory
from tests.factories.testing import BoxFactory
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def fill(world, residents, round_, point, tube, people):
    return scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )


def _boxes():
    return (
        list(Box.objects.order_by("pk").values_list("code", "status", "tube_count")),
        list(BoxEvent.objects.order_by("pk").values_list("box_id", "kind")),
        list(Tube.objects.order_by("pk").values_list("code", "status", "box_id", "received_at")),
    )


def test_a_box_from_the_point_to_the_lab(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    fill(world, residents, round_, point, "TG0000002", residents.b1[2:3])
    opened = api.post(
        world.volunteer, f"/testing/rounds/{round_.pk}/boxes", {"code": "box-001", "point_id": point.pk}
    )
    assert opened.status_code == 201, opened.content
    assert {
        k: opened.json()[k]
        for k in ("code", "status", "point_name", "tubes_in", "tube_count", "events", "tubes")
    } == {
        "code": "BOX-001",
        "status": "packing",
        "point_name": "东门采样点",
        "tubes_in": 0,
        "tube_count": None,
        "events": [],
        "tubes": [],
    }
    scanned = api.post(
        world.volunteer,
        "/testing/boxes/box-001/tubes",
        {"tube_codes": ["tg0000001", "ＴＧ0000002", "TG9999999"]},
    )
    assert scanned.json() == {
        "added": ["TG0000001", "TG0000002"],
        "already": [],
        "closed": ["TG0000001", "TG0000002"],
        "refused": [
            {"tube_code": "TG9999999", "message": "No tube TG9999999 has been filled in this round."}
        ],
    }
    assert api.call(world.volunteer, "delete", "/testing/boxes/BOX-001/tubes/tg0000002").status_code == 204
    packed = api.post(world.volunteer, "/testing/boxes/BOX-001/pack", {"counted": 1}).json()
    assert (packed["status"], packed["tube_count"], packed["tubes_in"]) == ("packed", 1, 1)
    assert (
        api.post(
            world.volunteer,
            "/testing/boxes/BOX-001/pickup",
            {"counted": 1, "courier_name": "王师傅", "courier_phone": "13912345678"},
        ).json()["status"]
        == "picked_up"
    )
    receipt = api.post(
        world.lab,
        "/testing/boxes/BOX-001/receive",
        {"tube_codes": ["TG0000001", "TG0000005"], "note": "冷链完好"},
    )
    assert receipt.status_code == 200, receipt.content
    body = receipt.json()
    assert (body["received"], body["missing"], body["unexpected"], body["box"]["status"]) == (
        1,
        [],
        ["TG0000005"],
        "received",
    )
    detail = api.get(world.staff, "/testing/boxes/box-001").json()
    assert [(e["kind"], e["by"], e["tube_count"], e["unexpected"], e["note"]) for e in detail["events"]] == [
        ("packed", "volunteer", 1, [], ""),
        ("picked_up", "volunteer", 1, [], ""),
        ("received", "lab", 1, ["TG0000005"], "冷链完好"),
    ]
    # The courier who took the box, the phone masked.
    assert [(e["courier_name"], e["courier_phone"]) for e in detail["events"]] == [
        ("", ""),
        ("王师傅", "139****5678"),
        ("", ""),
    ]
    assert [(t["code"], t["status"], t["received_at"] is not None) for t in detail["tubes"]] == [
        ("TG0000001", "closed", True)
    ]
    # The lab reads the box too (tubes, never people).
    assert api.get(world.lab, "/testing/boxes/BOX-001").json()["tubes_in"] == 1


def test_a_door_to_door_box_is_packed_for_a_building(api, world, round_):
    opened = api.post(
        world.staff, f"/testing/rounds/{round_.pk}/boxes", {"code": "D2D-0001", "area_id": world.b1.pk}
    )
    assert (opened.status_code, opened.json()["point_id"], opened.json()["point_name"]) == (201, None, "")
    assert Box.objects.get(code="D2D-0001").area_path == world.b1.path


def test_the_boxes_list_takes_a_fixed_number_of_queries(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001"],
        packed=True,
    )
    url = f"/testing/rounds/{round_.pk}/boxes"
    api.get(world.staff, url)
    with assert_queries(5):  # token, grants, round, boxes with counts, their hand-offs with who
        one = api.get(world.staff, url).json()
    for code in ("BOX-002", "BOX-003"):
        transport.box_open(acting_user=world.volunteer, round=round_, code=code, point=point)
    with assert_queries(5):
        three = api.get(world.staff, url).json()
    assert [
        (b["code"], b["status"], b["tubes_in"], [e["by"] for e in b["events"]]) for b in one["items"]
    ] == [("BOX-001", "packed", 1, ["volunteer"])]
    assert [b["code"] for b in three["items"]] == ["BOX-003", "BOX-002", "BOX-001"]
    assert [b["code"] for b in api.get(world.staff, url, status="packed").json()["items"]] == ["BOX-001"]


def test_faults_are_named_and_change_nothing(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001"])
    before = _boxes()
    url = f"/testing/rounds/{round_.pk}/boxes"
    bad_code = api.post(world.volunteer, url, {"code": "x", "point_id": point.pk})
    assert (bad_code.status_code, bad_code.json()["errors"]) == (
        422,
        {"code": ["'X' is not a box code: 4 to 40 letters, digits or dashes."]},
    )
    nowhere = api.post(world.volunteer, url, {"code": "BOX-009"})
    assert (nowhere.status_code, nowhere.json()["errors"]) == (
        422,
        {"point": ["Say where the box is packed: a sampling point or an area."]},
    )
    miscounted = api.post(world.volunteer, "/testing/boxes/BOX-001/pack", {"counted": 2})
    assert (miscounted.status_code, miscounted.json()["errors"]) == (
        422,
        {
            "counted": [
                "You counted 2 tubes, but 1 were scanned into box BOX-001. Scan the missing tubes or take "
                "out the extra ones, "
                "then count again."
            ]
        },
    )
    early = api.post(world.volunteer, "/testing/boxes/BOX-001/pickup", {})
    assert (early.status_code, early.json()["code"]) == (409, "box_not_packed")
    not_a_lab = api.post(world.volunteer, "/testing/boxes/BOX-001/receive", {"counted": 1})
    assert (not_a_lab.status_code, not_a_lab.json()["code"]) == (403, "testing.lab")
    leader = api.post(world.leader, url, {"code": "BOX-010", "area_id": world.b1.pk})
    assert (leader.status_code, leader.json()["code"]) == (403, "testing.transport")
    assert _boxes() == before


def test_another_communitys_people_get_404_and_change_nothing(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001"],
        packed=True,
    )
    before = _boxes()
    other_lab = UserFactory(username="other_lab", role="lab", area=world.c2)
    assert (
        api.post(
            world.outsider, f"/testing/rounds/{round_.pk}/boxes", {"code": "BOX-002", "point_id": point.pk}
        ).status_code
        == 404
    )
    assert api.get(world.outsider, "/testing/boxes/BOX-001").status_code == 404
    assert api.post(world.outsider, "/testing/boxes/BOX-001/pickup", {}).status_code == 404
    assert (
        api.post(world.outsider, "/testing/boxes/BOX-001/tubes", {"tube_codes": ["TG0000001"]}).status_code
        == 404
    )
    assert api.post(other_lab, "/testing/boxes/BOX-001/receive", {"counted": 1}).status_code == 404
    assert _boxes() == before
