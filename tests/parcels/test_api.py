import base64
import datetime as dt

import pytest
from django.utils import timezone

from firstline.accounts.roles import Role
from firstline.parcels.models import Parcel
from tests.api.conftest import api  # noqa: F401 (the fixture)
from tests.conftest import household, make_user
from tests.factories.parcels import parcel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _photos(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_register_disinfect_and_the_board(api, world):  # noqa: F811
    door = household(world.b1, "101")
    answer = api.post(
        world.volunteer, "/parcels", {"household": door.pk, "description": "1袋50斤的大米", "count": 1}
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["description"], body["state"], body["floor"], body["overdue"]) == (
        "1袋50斤的大米",
        "registered",
        1,
        False,
    )
    assert api.post(world.volunteer, "/parcels/disinfect", {"ids": [body["id"]]}).json() == {"disinfected": 1}
    board = api.get(world.staff, "/parcels/board", site=world.p1.pk).json()
    assert board == {
        "site_id": world.p1.pk,
        "counts": {"registered": 0, "holding": 1, "deliverable": 0, "out": 0, "delivered": 0, "returned": 0},
        "overdue": 0,
    }
    listed = api.get(world.staff, "/parcels", site=world.p1.pk, state="holding").json()
    assert [p["id"] for p in listed["items"]] == [body["id"]]


def test_deliver_before_the_hold_ends_is_a_conflict_with_the_time_left(api, world):  # noqa: F811
    held = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="holding")
    Parcel.objects.filter(pk=held.pk).update(hold_until=timezone.now() + dt.timedelta(minutes=45))
    photo = base64.b64encode(b"\xff\xd8\xff\xe0" + b"0" * 100).decode()
    answer = api.post(world.volunteer, f"/parcels/{held.pk}/deliver", {"photo_base64": photo})
    assert answer.status_code == 409
    assert "45 min" in answer.json()["detail"]
    Parcel.objects.filter(pk=held.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    done = api.post(world.volunteer, f"/parcels/{held.pk}/deliver", {"photo_base64": photo})
    assert (done.status_code, done.json()["state"]) == (200, "delivered")
    again = api.post(world.leader, f"/parcels/{held.pk}/deliver", {"photo_base64": photo})
    assert again.status_code == 409


def test_queue_and_split_with_assignment(api, world):  # noqa: F811
    second = make_user("v2", Role.VOLUNTEER, world.p1)
    made = [
        parcel(acting_user=world.volunteer, household=household(world.b1, door), state="deliverable")
        for door in ("601", "602")
    ]
    queue = api.get(world.volunteer, "/parcels/queue", site=world.p1.pk).json()
    assert [(b["name"], b["deliverable"]) for b in queue["blocks"]] == [("1号楼", 2)]
    assert sorted(p["id"] for p in queue["parcels"]) == sorted(p.pk for p in made)
    refused = api.post(world.volunteer, "/parcels/split", {"site": world.p1.pk, "assign": True})
    assert refused.status_code == 403
    plan = api.post(world.staff, "/parcels/split", {"site": world.p1.pk, "assign": True}).json()
    # One job (unit 1, 6th floor, two doors, walk-up): 2×60 + 2×20 + 5×30 = 310, plus one building visit.
    assert (plan["makespan_seconds"], plan["lower_bound_seconds"], plan["assigned"]) == (490, 490, 2)
    assert {s["volunteer_id"] for s in plan["shares"]} == {world.volunteer.pk, second.pk}
    assert set(Parcel.objects.values_list("state", flat=True)) == {"out"}


def test_return_needs_a_reason(api, world):  # noqa: F811
    ready = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="deliverable")
    assert api.post(world.volunteer, f"/parcels/{ready.pk}/return", {"reason": ""}).status_code == 422
    back = api.post(world.volunteer, f"/parcels/{ready.pk}/return", {"reason": "家中无人"})
    assert (back.status_code, back.json()["state"], back.json()["shown_state"]) == (
        200,
        "returned",
        "returned",
    )
