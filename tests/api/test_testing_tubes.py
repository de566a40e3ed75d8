"""API: tubes of a round (list, one tube with its people, closing a tube early)."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.models import Sample, Tube
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def fill(world, residents, round_, point, tube, people):
    return scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )


def _tubes():
    return list(Tube.objects.order_by("pk").values_list("code", "filled", "status", "closed_at"))


def test_list_tubes_newest_first_by_status_in_a_fixed_number_of_queries(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    fill(world, residents, round_, point, "TG0000002", residents.b1[2:12])  # ten: closes itself
    url = f"/testing/rounds/{round_.pk}/tubes"
    api.get(world.volunteer, url)
    with assert_queries(4):  # token, grants, round, the page (with points and boxes)
        every = api.get(world.volunteer, url).json()
    with assert_queries(4):
        one = api.get(world.volunteer, url, limit=1).json()
    assert [(t["code"], t["filled"], t["status"], t["point_name"], t["result"]) for t in every["items"]] == [
        ("TG0000002", 10, "closed", "东门采样点", "pending"),
        ("TG0000001", 2, "open", "东门采样点", "pending"),
    ]
    assert (len(one["items"]), one["next_offset"]) == (1, 1)
    assert [t["code"] for t in api.get(world.staff, url, status="open").json()["items"]] == ["TG0000001"]
    assert api.get(world.staff, url, result="negative").json()["items"] == []
    bad = api.get(world.staff, url, status="full")
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["status"])


def test_a_tube_with_its_people_names_masked_outside_the_callers_ledger(api, world, residents, round_, point):
    now = timezone.now()
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            desk_scan(
                point,
                "TG0000001",
                residents.codes[person.pk],
                scanned_at=now - dt.timedelta(minutes=2 - index),
            )
            for index, person in enumerate([residents.b1[0], residents.outside])
        ],
    )
    body = api.get(world.staff, "/testing/tubes/tg0000001").json()
    assert (body["code"], body["filled"], body["capacity"], body["box_code"]) == ("TG0000001", 2, 10, None)
    assert [(p["name"], p["door"], p["purpose"], p["state"], p["out_of_scope"]) for p in body["people"]] == [
        ("居民11甲", "1号楼 Unit 1 101", "screening", "pending", False),
        ("外**人", "", "screening", "pending", True),
    ]
    assert [p["person_id"] for p in body["people"]] == [residents.b1[0].pk, residents.outside.pk]
    assert "id_number" not in body["people"][0]
    # A lab sees the tube and nobody in it; a leader does not see desk tubes of the compound.
    lab = api.get(world.lab, "/testing/tubes/TG0000001").json()
    assert (lab["code"], lab["people"]) == ("TG0000001", [])
    assert api.get(world.leader, "/testing/tubes/TG0000001").status_code == 404
    assert api.get(world.staff, "/testing/tubes/TG9999999").status_code == 404
    assert api.get(world.staff, "/testing/tubes/x").status_code == 404


def test_close_a_tube_early(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    url = f"/testing/rounds/{round_.pk}/tubes/tg0000001/close"
    closed = api.post(world.volunteer, url, {"client_id": str(uuid.uuid4())})
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["tube"]["status"], closed.json()["tube"]["filled"]) == (
        "stored",
        "closed",
        2,
    )
    again = api.post(world.volunteer, url, {})
    assert (again.json()["status"], again.json()["tube"]["status"]) == ("stored", "closed")
    late = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG0000001",
                person_code=residents.codes[residents.b1[2].pk],
                point_id=point.pk,
            )
        ],
    )
    assert late[0].code == "tube_closed"


def test_closing_a_tube_nobody_filled_is_refused_by_code(api, world, round_):
    answer = api.post(world.volunteer, f"/testing/rounds/{round_.pk}/tubes/TG0000077/close", {})
    assert (answer.json()["status"], answer.json()["code"], answer.json()["message"]) == (
        "refused",
        "tube_unknown",
        "No tube TG0000077 has been filled in this round.",
    )
    assert Tube.objects.count() == 0


def test_another_communitys_staff_get_404_and_change_nothing(api, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    before = (_tubes(), Sample.objects.count())
    assert api.get(world.outsider, "/testing/tubes/TG0000001").status_code == 404
    assert api.get(world.outsider, f"/testing/rounds/{round_.pk}/tubes").status_code == 404
    assert (
        api.post(world.outsider, f"/testing/rounds/{round_.pk}/tubes/TG0000001/close", {}).status_code == 404
    )
    assert (_tubes(), Sample.objects.count()) == before
