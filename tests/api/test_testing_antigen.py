"""API: antigen self-tests (POST/GET /testing/antigen) and the follow-ups a positive opens."""

import pytest

from firstline.followups.models import AntigenReport, FollowUp
from firstline.followups.services import antigen_report
from firstline.notices.models import NoticeDelivery
from tests.conftest import household
from tests.queries import assert_queries

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(AntigenReport.objects.order_by("pk").values_list("household_id", "result", "client_key")),
        list(FollowUp.objects.order_by("pk").values_list("status", "closing_note")),
        NoticeDelivery.objects.count(),
    )


def test_a_resident_reports_a_positive_once_and_staff_follow_it_up(api, world, residents):
    door = household(world.b1, "101")
    body = {
        "household_id": door.pk,
        "person_id": residents.b1[0].pk,
        "result": "positive",
        "note": "两道杠",
        "client_key": "form-0001-abcdef",
    }
    answer = api.post(world.resident, "/testing/antigen", body)
    assert answer.status_code == 201, answer.content
    report = dict(answer.json())
    report_id, _taken, _created = report.pop("id"), report.pop("taken_at"), report.pop("created_at")
    assert report == {
        "household_id": door.pk,
        "door": "1号楼 Unit 1 101",
        "person_id": residents.b1[0].pk,
        "name": "居民11甲",
        "result": "positive",
        "note": "两道杠",
        "reported_by": "resident",
    }
    assert (
        api.post(world.resident, "/testing/antigen", body).json()["id"] == report_id
    )  # sent twice, stored once
    assert AntigenReport.objects.count() == 1
    assert sorted(NoticeDelivery.objects.values_list("user__username", flat=True)) == ["leader", "staff"]
    follow_ups = api.get(world.staff, "/testing/follow-ups").json()
    assert [
        (f["door"], f["name"], f["reason"], f["status"], f["tube_code"]) for f in follow_ups["items"]
    ] == [("1号楼 Unit 1 101", "居民11甲", "antigen_positive", "open", "")]
    closed = api.post(
        world.staff, f"/testing/follow-ups/{follow_ups['items'][0]['id']}/close", {"note": "核酸单管阴性"}
    )
    assert (closed.json()["status"], closed.json()["closed_by"], closed.json()["closing_note"]) == (
        "closed",
        "staff",
        "核酸单管阴性",
    )
    assert api.get(world.staff, "/testing/follow-ups").json()["items"] == []
    assert [
        f["status"] for f in api.get(world.staff, "/testing/follow-ups", status="all").json()["items"]
    ] == ["closed"]
    twice = api.post(
        world.staff, f"/testing/follow-ups/{follow_ups['items'][0]['id']}/close", {"note": "再关"}
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "already_closed")


def test_reports_under_an_area_in_a_fixed_number_of_queries(api, world, residents):
    for index, door_no in enumerate(("101", "102", "201")):
        antigen_report(
            acting_user=world.leader,
            household=household(world.b1, door_no),
            result="negative",
            client_key=f"leader-form-{index:04d}",
        )
    api.get(world.leader, "/testing/antigen", area=world.b1.pk)
    with assert_queries(5):  # token, grants, area, the page, door labels
        one = api.get(world.leader, "/testing/antigen", area=world.b1.pk, limit=1).json()
    with assert_queries(5):
        every = api.get(world.leader, "/testing/antigen", area=world.b1.pk).json()
    assert (len(one["items"]), one["next_offset"]) == (1, 1)
    assert sorted(r["door"] for r in every["items"]) == [
        "1号楼 Unit 1 101",
        "1号楼 Unit 1 102",
        "1号楼 Unit 1 201",
    ]
    own = api.get(world.resident, "/testing/antigen", area=household(world.b1, "101").pk).json()
    assert [(r["door"], r["reported_by"]) for r in own["items"]] == [("1号楼 Unit 1 101", "leader")]
    assert api.get(world.leader, "/testing/follow-ups").json()["items"] == []  # follow-ups are staff work


def test_faults_are_named_and_change_nothing(api, world, residents):
    door = household(world.b1, "101")
    antigen_report(acting_user=world.staff, household=door, result="positive", client_key="staff-form-0001")
    before = _state()
    base = {"household_id": door.pk, "result": "negative", "client_key": "form-0002-abcdef"}
    cases = [
        ({**base, "result": "maybe"}, ["result"]),
        ({**base, "client_key": "abc"}, {"client_key": ["The form has no key; reload it and send again."]}),
        (
            {**base, "taken_at": "2030-01-01T08:00:00+08:00"},
            {"taken_at": ["A test cannot be in the future."]},
        ),
        (
            {**base, "taken_at": "2999-01-01T08:00:00+08:00"},
            {"taken_at": ["The year must be between 1900 and 2100."]},
        ),
        (
            {**base, "taken_at": "2022-04-01T08:00:00"},
            {"taken_at": ["Give the time zone, like 2022-04-04T06:30:00+08:00."]},
        ),
        (
            {**base, "taken_at": 1648771200},
            {"taken_at": ["A date or time written as text, like 2022-04-04 or 2022-04-04T06:30:00+08:00."]},
        ),
        ({**base, "household_id": world.b1.pk}, {"__all__": ["Antigen results are reported per household."]}),
        (
            {**base, "person_id": residents.b1[2].pk},
            {"person": ["居民12甲 does not live in this household."]},
        ),
    ]
    for body, errors in cases:
        answer = api.post(world.staff, "/testing/antigen", body)
        assert answer.status_code == 422, body
        assert (
            list(answer.json()["errors"]) if isinstance(errors, list) else answer.json()["errors"]
        ) == errors
    volunteer = api.post(world.volunteer, "/testing/antigen", base)
    assert (volunteer.status_code, volunteer.json()["code"]) == (403, "antigen.report")
    follow_up = FollowUp.objects.get()
    no_note = api.post(world.staff, f"/testing/follow-ups/{follow_up.pk}/close", {"note": " "})
    assert (no_note.status_code, no_note.json()["errors"]) == (
        422,
        {"note": ["Say how the follow-up ended."]},
    )
    assert _state() == before


def test_only_ones_own_household_and_community(api, world, residents):
    antigen_report(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        result="positive",
        client_key="staff-form-0001",
    )
    before = _state()
    neighbour = {
        "household_id": household(world.b1, "102").pk,
        "result": "negative",
        "client_key": "form-0003-abcdef",
    }
    assert api.post(world.resident, "/testing/antigen", neighbour).status_code == 404
    assert api.post(world.outsider, "/testing/antigen", neighbour).status_code == 404
    assert api.get(world.outsider, "/testing/antigen", area=world.b1.pk).status_code == 404
    assert api.get(world.resident, "/testing/antigen", area=household(world.b1, "102").pk).status_code == 404
    assert api.get(world.outsider, "/testing/follow-ups").json()["items"] == []
    assert (
        api.post(
            world.outsider, f"/testing/follow-ups/{FollowUp.objects.get().pk}/close", {"note": "x"}
        ).status_code
        == 404
    )
    assert _state() == before
