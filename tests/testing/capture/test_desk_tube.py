"""What a desk is told of a tube it scans (`capture.selectors.desk_tube`, the page's
`web:testing_tube`): the server's count and state, so that a second phone or a closed, boxed or used
tube is never shown as a fresh one; and the shape a tube code must have to open a tube."""

import pytest
from django.core.exceptions import ValidationError

from firstline.testing.capture.selectors import desk_tube
from firstline.testing.capture.services import REFUSED, normalise_tube_code, scans_record
from tests.factories.testing import BoxFactory, RoundFactory
from tests.queries import at_most_queries
from tests.testing.fixtures import desk_scan, fill

pytestmark = pytest.mark.django_db


def test_a_tube_is_told_as_the_server_knows_it(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[10:12])
    fill(world, residents, round_, point, "TG0000002", residents.b1[:10])  # ten: full
    fill(world, residents, round_, point, "TG0000003", residents.b2)
    BoxFactory(
        round=round_, point=point, code="BOX-003", tubes=["TG0000003"], packed=True, acting_user=world.staff
    )
    with at_most_queries(4):
        open_tube = desk_tube(user=world.volunteer, round=round_, code=" tg0000001 ")
    assert open_tube.as_json() == {
        "code": "TG0000001",
        "state": "open",
        "capacity": 10,
        "filled": 2,
        "per_household": False,
        "household_id": None,
        "door": "",
        "for_resample": False,
        "box": "",
        "message": "",
    }
    assert desk_tube(user=world.volunteer, round=round_, code="TG0000002").state == "full"
    boxed = desk_tube(user=world.volunteer, round=round_, code="TG0000003")
    assert (boxed.state, boxed.filled, boxed.box) == ("boxed", 2, "BOX-003")
    assert desk_tube(user=world.volunteer, round=round_, code="TG0000099").as_json()["state"] == "new"


def test_a_tube_of_another_round_says_nothing_more_than_used(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:3])
    other = RoundFactory(area=world.c1, acting_user=world.staff)
    told = desk_tube(user=world.staff, round=other, code="TG0000001")
    assert told.as_json() == {
        "code": "TG0000001",
        "state": "other_round",
        "capacity": None,
        "filled": 0,
        "per_household": False,
        "household_id": None,
        "door": "",
        "for_resample": False,
        "box": "",
        "message": "",
    }


def test_only_text_shaped_like_a_tube_code_opens_a_tube(world, residents, round_, point):
    # A word, a short code, a personal code typed in, letters after digits, a doubled dash.
    for text in ("HELLO123", "TD-1", "FL1abc", "TG--0001", "44UG4l8zUag3DSoE", "ABCDEFG1234", "YL--D0001"):
        with pytest.raises(ValidationError) as caught:
            normalise_tube_code(text)
        assert caught.value.code == "tube_code"
        assert "up to 6 letters, then at least 4 digits" in caught.value.messages[0]
    assert normalise_tube_code("yl-0000001") == "YL-0000001"
    # A prefix split by a dash (a site's letter after the maker's), and digits grouped by dashes.
    assert normalise_tube_code("YL-D000001") == "YL-D000001"
    assert normalise_tube_code("TG-2022-0412") == "TG-2022-0412"
    [outcome] = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "HELLO123", residents.codes[residents.b1[0].pk])],
    )
    assert (outcome.status, outcome.code) == (REFUSED, "tube_code")


def test_the_desk_page_asks_about_a_tube_by_post_and_gets_json(client, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:3])
    client.force_login(world.volunteer)
    url = f"/testing/rounds/{round_.pk}/tube/"
    answer = client.post(url, {"code": "TG0000001"})
    assert answer.status_code == 200
    assert answer.json()["tube"]["filled"] == 3
    refused = client.post(url, {"code": "HELLO123"}).json()["tube"]
    assert (refused["state"], refused["message"]) == (
        "invalid",
        "'HELLO123' is not a tube code: up to 6 letters, then at least 4 digits (dashes allowed).",
    )
    assert client.get(url).status_code == 405
    client.force_login(world.outsider)
    assert client.post(url, {"code": "TG0000001"}).status_code == 404
