import pytest
from django.test import Client

from firstline.errands.models import HelpOffer, HelpRequest
from tests.conftest import household
from tests.factories.errands import help_request


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_intake_triage_assign_note_done_confirm(world):
    door = household(world.b1, "101")
    staff = _client(world.staff)
    made = staff.post(
        "/api/v1/errands/requests",
        {
            "household_id": door.pk,
            "category": "formula",
            "urgency": "urgent",
            "details": "一段奶粉900克",
            "brand": "飞鹤星飞帆",
            "maker": "飞鹤乳业",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert (
        staff.post(
            f"/api/v1/errands/requests/{pk}/triage",
            {"category": "formula", "urgency": "critical"},
            content_type="application/json",
        ).json()["urgency"]
        == "critical"
    )
    assert (
        staff.post(
            f"/api/v1/errands/requests/{pk}/assign",
            {"user_id": world.volunteer.pk},
            content_type="application/json",
        ).json()["state"]
        == "assigned"
    )
    volunteer = _client(world.volunteer)
    assert (
        volunteer.post(
            f"/api/v1/errands/requests/{pk}/notes", {"text": "买到了"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        volunteer.post(f"/api/v1/errands/requests/{pk}/done", {}, content_type="application/json").json()[
            "state"
        ]
        == "done"
    )
    refused = staff.post(
        f"/api/v1/errands/requests/{pk}/confirm", {"rating": 5}, content_type="application/json"
    )
    assert refused.status_code == 403
    confirmed = _client(world.resident).post(
        f"/api/v1/errands/requests/{pk}/confirm", {"rating": 5}, content_type="application/json"
    )
    assert (confirmed.status_code, confirmed.json()["state"], confirmed.json()["rating"]) == (
        200,
        "confirmed",
        5,
    )


def test_the_queue_puts_critical_first_and_hides_other_areas(world):
    door = household(world.b1, "101")
    normal = help_request(world.staff, door, "documents")
    critical = help_request(world.staff, door, "insulin")
    help_request(world.outsider, household(world.b9, "101"), "documents")
    rows = _client(world.staff).get("/api/v1/errands/requests").json()
    assert [r["id"] for r in rows["items"]] == [critical.pk, normal.pk]
    assert rows["next_offset"] is None
    assert _client(world.staff).get("/api/v1/errands/requests?limit=1").json()["next_offset"] == 1


def test_an_offer_is_accepted_and_unmatched(world):
    request = help_request(world.staff, household(world.b1, "101"), "documents")
    made = _client(world.volunteer).post(
        f"/api/v1/errands/requests/{request.pk}/offers", {"text": "我顺路"}, content_type="application/json"
    )
    assert made.status_code == 201
    offer = made.json()["id"]
    staff = _client(world.staff)
    assert staff.post(f"/api/v1/errands/offers/{offer}/accept").json()["state"] == "accepted"
    assert (
        staff.post(f"/api/v1/errands/offers/{offer}/unmatch", {}, content_type="application/json").json()[
            "state"
        ]
        == "unmatched"
    )
    assert HelpRequest.objects.get(pk=request.pk).state == "open"


def test_groups_are_made_and_listed(world):
    staff = _client(world.staff)
    made = staff.post(
        "/api/v1/errands/groups",
        {
            "area_id": world.p1.pk,
            "name": "跑腿组",
            "phone": "13800138000",
            "member_ids": [world.volunteer.pk],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert staff.get("/api/v1/errands/groups").json() == [
        {
            "id": made.json()["id"],
            "area_id": world.p1.pk,
            "name": "跑腿组",
            "phone": "13800138000",
            "member_ids": [world.volunteer.pk],
        }
    ]
    assert _client(world.outsider).get("/api/v1/errands/groups").json() == []


@pytest.mark.parametrize("user", ["leader", "volunteer"])
def test_leaders_and_volunteers_cannot_decline_offers(world, user):
    request = help_request(world.staff, household(world.b1, "101"), "documents")
    offer = (
        _client(world.volunteer)
        .post(
            f"/api/v1/errands/requests/{request.pk}/offers", {"text": "我来"}, content_type="application/json"
        )
        .json()["id"]
    )
    assert (
        _client(getattr(world, user))
        .post(f"/api/v1/errands/offers/{offer}/decline", {}, content_type="application/json")
        .status_code
        == 403
    )
    assert HelpOffer.objects.get(pk=offer).state == "offered"
