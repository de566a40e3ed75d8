"""The scan endpoints: one scan from a desk, a batch from a device back online, retried."""

import uuid

import pytest

from firstline.testing.models import Sample

pytestmark = pytest.mark.django_db


def _body(point, code, tube="TG0000001", **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "tube_code": tube,
        "person_code": code,
        "point_id": point.pk,
        "desk": 1,
        **extra,
    }


def test_a_batch_retried_after_a_timeout_is_stored_once(api, world, residents, round_, point):
    batch = {"scans": [_body(point, residents.codes[p.pk]) for p in residents.b1[:3]]}
    first = api.post(world.volunteer, f"/testing/rounds/{round_.pk}/scans/batch", batch)
    assert first.status_code == 200, first.content
    assert (first.json()["stored"], first.json()["duplicates"], first.json()["refused"]) == (3, 0, 0)
    again = api.post(world.volunteer, f"/testing/rounds/{round_.pk}/scans/batch", batch)
    body = again.json()
    assert (body["stored"], body["duplicates"], body["refused"]) == (0, 3, 0)
    assert [o["client_id"] for o in body["outcomes"]] == [s["client_id"] for s in batch["scans"]]
    assert body["outcomes"][2]["tube"] == {
        "code": "TG0000001",
        "capacity": 10,
        "filled": 3,
        "status": "open",
        "places_left": 7,
        "per_household": False,
        "for_resample": False,
    }
    assert Sample.objects.count() == 3


def test_one_scan_answers_the_tube_and_the_person(api, world, residents, round_, point):
    response = api.post(
        world.volunteer,
        f"/testing/rounds/{round_.pk}/scans",
        _body(point, residents.codes[residents.b1[0].pk]),
    )
    body = response.json()
    assert body["status"] == "stored" and body["tube"]["places_left"] == 9
    assert [(p["name"], p["door"], p["purpose"]) for p in body["people"]] == [
        ("居民11甲", "1号楼 Unit 1 101", "screening")
    ]
    twice = api.post(
        world.volunteer,
        f"/testing/rounds/{round_.pk}/scans",
        _body(point, residents.codes[residents.b1[0].pk]),
    )
    assert (twice.json()["status"], twice.json()["code"]) == ("refused", "already_sampled")
    bad = api.post(
        world.volunteer, f"/testing/rounds/{round_.pk}/scans", {"client_id": "not-a-uuid", "tube_code": "TG1"}
    )
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["client_id"]
    hidden = api.post(
        world.outsider,
        f"/testing/rounds/{round_.pk}/scans",
        _body(point, residents.codes[residents.b1[1].pk]),
    )
    assert hidden.status_code == 404
    assert Sample.objects.count() == 1


def test_a_family_code_registers_each_member_once(api, world, residents, round_, point):
    body = _body(point, residents.family_code)
    first = api.post(world.volunteer, f"/testing/rounds/{round_.pk}/scans", body).json()
    assert (first["status"], [(p["name"], p["status"]) for p in first["people"]]) == (
        "stored",
        [("居民11甲", "stored"), ("居民11乙", "stored")],
    )
    again = api.post(world.volunteer, f"/testing/rounds/{round_.pk}/scans", body).json()
    assert (again["status"], [p["status"] for p in again["people"]]) == (
        "duplicate",
        ["duplicate", "duplicate"],
    )
    assert Sample.objects.count() == 2


def test_door_to_door_from_the_leaders_list(api, world, residents, round_):
    url = f"/testing/rounds/{round_.pk}/scans"
    listed = api.get(
        world.leader, f"/testing/rounds/{round_.pk}/door-to-door/{world.b2.pk}", everyone=True
    ).json()
    person_id = listed["stairwells"][0]["floors"][0]["doors"][0]["people"][0]["person_id"]
    at_door = api.post(
        world.leader,
        url,
        {
            "client_id": str(uuid.uuid4()),
            "tube_code": "DD0000001",
            "person_id": person_id,
            "door_to_door": True,
        },
    ).json()
    assert (at_door["status"], at_door["people"][0]["name"], at_door["people"][0]["door"]) == (
        "stored",
        "二号楼甲",
        "2号楼 Unit 1 101",
    )
    # Someone who is not on the leader's lists cannot be picked by id.
    stranger = api.post(
        world.leader,
        url,
        {
            "client_id": str(uuid.uuid4()),
            "tube_code": "DD0000001",
            "person_id": residents.outside.pk,
            "door_to_door": True,
        },
    ).json()
    assert (stranger["status"], stranger["code"]) == ("refused", "person_unknown")
    assert list(Sample.objects.values_list("person__name", "door_to_door")) == [("二号楼甲", True)]


def test_someone_from_outside_the_round_is_stored_and_flagged(api, world, residents, round_, point):
    body = api.post(
        world.staff, f"/testing/rounds/{round_.pk}/scans", _body(point, residents.codes[residents.outside.pk])
    ).json()
    # Sampled at the desk, flagged as outside the round; the staff of C1 may not read 9号楼's ledger: masked.
    assert (
        body["status"],
        body["people"][0]["out_of_scope"],
        body["people"][0]["name"],
        body["people"][0]["door"],
    ) == ("stored", True, "外**人", "")
