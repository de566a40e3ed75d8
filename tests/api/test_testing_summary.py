"""API: a round's counts (GET /testing/rounds/{id}/summary), limited to what the caller may see."""

import pytest

from firstline.testing.capture.services import scans_record
from firstline.testing.coverage import services
from tests.factories.testing import BoxFactory
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(world, residents, round_, point):
    """Ten of 1号楼 in a full tube, packed; the other two in an open tube; one of 2号楼 exempt."""
    for code, people in (("TG0000001", residents.b1[:10]), ("TG0000002", residents.b1[10:])):
        scans_record(
            acting_user=world.volunteer,
            round=round_,
            scans=[desk_scan(point, code, residents.codes[p.pk]) for p in people],
        )
    BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001"],
        packed=True,
    )
    services.exemption_set(acting_user=world.staff, round=round_, person=residents.b2[0], reason="away")


def test_the_counts_of_the_round(api, world, round_, morning):
    url = f"/testing/rounds/{round_.pk}/summary"
    api.get(world.staff, url)
    # token, grants, round; the round's areas (read twice) and coverage; samples, tubes, boxes, tasks,
    # exemptions
    with assert_queries(11):
        body = api.get(world.staff, url).json()
    assert body == {
        "round_id": round_.pk,
        "expected": 14,
        "sampled": 12,
        "exempt": 1,
        "missing": 1,
        "percent": 92.9,
        "samples": 12,
        "tubes_open": 1,
        "tubes_closed": 1,
        "tubes_received": 0,
        "results": {"pending": 2},
        "boxes": {"packed": 1},
        "resample_open": 0,
        "resample_done": 0,
        "exemptions": 1,
    }


def test_a_leader_counts_the_people_of_their_buildings_and_the_tubes_holding_them(
    api, world, round_, morning
):
    body = api.get(world.leader, f"/testing/rounds/{round_.pk}/summary").json()
    assert (body["expected"], body["sampled"], body["exempt"], body["samples"]) == (14, 12, 1, 12)
    # The desk's tubes hold the leader's residents; the boxes were packed at the compound's point.
    assert (body["tubes_open"], body["tubes_closed"], body["results"], body["boxes"]) == (
        1,
        1,
        {"pending": 2},
        {},
    )


def test_other_communities_and_the_lab_get_404(api, world, round_, morning):
    for user in (world.outsider, world.lab, world.resident):
        answer = api.get(user, f"/testing/rounds/{round_.pk}/summary")
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
