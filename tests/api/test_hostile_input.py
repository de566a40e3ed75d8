"""What a fuzzer and a careless integration send, answered with a clear 4xx that names the fault.

Each case was a 500, a silent cut or a wrong answer before (issue 7's trial of the API): ids and
offsets past 64 bits, a time with a zone on SQLite, a negative sort key against a CHECK constraint,
a body that is not a JSON object, booleans where ids belong, years like 0330, unknown parameters
ignored, non-numeric path ids answered with the pages' HTML 404.
"""

import uuid

import pytest

from firstline.areas.models import Area
from firstline.common.models import AuditEntry
from firstline.notices.models import NoticeDelivery
from firstline.survey.models import SurveyVisit
from firstline.testing.models import Round, SamplingPoint
from tests.conftest import household

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"  # 20 digits: past a signed 64-bit integer
JUST_PAST = str(2**63)


def _errors(response) -> tuple[int, dict]:
    return response.status_code, response.json().get("errors", response.json())


def test_ids_and_offsets_past_64_bits_are_refused_not_crashed(api, world, round_):
    assert _errors(api.get(world.staff, "/areas/" + JUST_PAST)) == (
        422,
        {"area_id": [f"At most {2**63 - 1}."]},
    )
    assert api.get(world.staff, "/areas/" + BIG).status_code == 422
    assert _errors(api.get(world.staff, f"/areas/{world.p1.pk}/children", offset=JUST_PAST)) == (
        422,
        {"offset": ["At most 1000000000."]},
    )
    assert _errors(api.get(world.staff, "/testing/points", compound=BIG)) == (
        422,
        {"compound": [f"At most {2**63 - 1}."]},
    )
    scan = {
        "client_id": str(uuid.uuid4()),
        "tube_code": "TG0000001",
        "person_code": "FL1.x.y",
        "point_id": int(BIG),
    }
    assert _errors(api.post(world.staff, f"/testing/rounds/{round_.pk}/scans", scan)) == (
        422,
        {"point_id": [f"At most {2**63 - 1}."]},
    )


def test_a_path_id_that_is_not_a_number_is_the_apis_own_json_404(api, world):
    for path in (
        "/api/v1/areas/abc",
        "/api/v1/areas/-1",
        "/api/v1/people/null%2Cnull",
        "/api/v1/no-such-thing",
    ):
        response = api.client.get(path, HTTP_AUTHORIZATION=f"Bearer {api.key_for(world.staff)}")
        assert (response.status_code, response["Content-Type"], response.json()) == (
            404,
            "application/json",
            {"detail": "Not found.", "code": "not_found"},
        )
    posted = api.client.post(
        "/api/v1/areas/abc/risk", {}, HTTP_AUTHORIZATION=f"Bearer {api.key_for(world.staff)}"
    )
    assert (posted.status_code, posted.json()["code"]) == (404, "not_found")


def test_times_with_a_zone_negative_sort_keys_and_bad_bodies_are_422_or_400(api, world, point):
    before = list(SamplingPoint.objects.values_list("pk", "opens_at", "closes_at"))
    assert _errors(
        api.patch(world.staff, f"/testing/points/{point.pk}", {"closes_at": "12:22:06+16:53"})
    ) == (422, {"closes_at": ["A time of day is local time: write it without a zone, like 06:30."]})
    assert list(SamplingPoint.objects.values_list("pk", "opens_at", "closes_at")) == before
    assert _errors(
        api.post(
            world.staff,
            f"/areas/{world.p1.pk}/children",
            {"kind": "building", "name": "4号楼", "sort_key": -1},
        )
    ) == (422, {"sort_key": ["At least 0."]})
    for body in ("[null, null]", '"text"', "7", "{not json"):
        response = api.client.generic(
            "PATCH",
            f"/api/v1/testing/points/{point.pk}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {api.key_for(world.staff)}",
        )
        assert (response.status_code, response.json()["detail"]) == (400, "Cannot parse request body"), body
    assert list(SamplingPoint.objects.values_list("pk", "opens_at", "closes_at")) == before


def test_booleans_are_not_ids_and_numbers_are_not_dates(api, world, round_):
    assert _errors(api.post(world.staff, "/notices/read", {"ids": [False]})) == (
        422,
        {"ids.0": ["A whole number."]},
    )
    assert NoticeDelivery.objects.filter(read_at__isnull=False).count() == 0
    visit = {"household_id": household(world.b1, "101").pk, "outcome": "registered", "visited_at": 0}
    assert _errors(api.post(world.staff, "/visits", visit)) == (
        422,
        {"visited_at": ["A date or time written as text, like 2022-04-04 or 2022-04-04T06:30:00+08:00."]},
    )
    assert _errors(api.post(world.staff, "/visits", {**visit, "household_id": True, "visited_at": None})) == (
        422,
        {"household_id": ["A whole number."]},
    )
    assert SurveyVisit.objects.count() == 0


def test_dates_from_another_era_and_doors_that_cannot_be_are_refused(api, world):
    old = api.post(
        world.staff, "/testing/rounds", {"area_id": world.c1.pk, "name": "古代", "date": "0330-09-19"}
    )
    assert _errors(old) == (422, {"date": ["The year must be between 1900 and 2100."]})
    far = api.post(
        world.staff, "/testing/rounds", {"area_id": world.c1.pk, "name": "太远", "date": "2099-01-01"}
    )
    assert far.status_code == 422 and list(far.json()["errors"]) == ["date"]
    assert far.json()["errors"]["date"][0].startswith("A round's date is between 2000-01-01 and ")
    assert Round.objects.count() == 0
    # 1号楼 has units: a door goes under one of them, not under the building.
    under_building = api.post(
        world.staff, f"/areas/{world.b1.pk}/children", {"kind": "household", "name": "999", "door": "999"}
    )
    assert _errors(under_building) == (
        422,
        {"kind": ["1号楼 has units: add the door under one of its units."]},
    )
    unit = Area.objects.get(parent=world.b1, name="Unit 1")
    too_high = api.post(
        world.staff,
        f"/areas/{unit.pk}/children",
        {"kind": "household", "name": "1501", "door": "1501", "floor": 15},
    )
    assert _errors(too_high) == (422, {"floor": ["1号楼 has 6 floors: floor 15 is not one of them."]})
    assert not Area.objects.filter(name__in=["999", "1501"]).exists()


def test_over_a_limit_is_a_422_naming_the_limit_never_a_silent_cut(api, world):
    door = household(world.b1, "101")
    long_note = api.post(
        world.staff, "/visits", {"household_id": door.pk, "outcome": "registered", "note": "长" * 100_000}
    )
    assert _errors(long_note) == (422, {"note": ["At most 300 characters."]})
    assert SurveyVisit.objects.count() == 0
    # The same limit holds where the domain is called without the API's schema (a page, a command).
    from django.core.exceptions import ValidationError

    from firstline.survey.services import visit_record

    with pytest.raises(ValidationError) as refused:
        visit_record(acting_user=world.staff, household=door, outcome="registered", note="长" * 301)
    assert refused.value.message_dict == {
        "note": ["At most 300 characters; this has 301. Shorten it and send it again."]
    }


def test_unknown_query_parameters_are_refused_by_name(api, world, round_):
    response = api.get(world.staff, f"/testing/rounds/{round_.pk}/coverage", area_id=world.b1.pk)
    assert _errors(response) == (422, {"area_id": ["This operation has no parameter area_id."]})
    assert _errors(api.get(world.staff, "/imports/export", area_id=world.p1.pk)) == (
        422,
        {"area_id": ["This operation has no parameter area_id."]},
    )
    # The same query with the parameter's real name answers for that building only.
    assert (
        api.get(world.staff, f"/testing/rounds/{round_.pk}/coverage", area=world.b1.pk).json()["total"][
            "name"
        ]
        == "1号楼"
    )


def test_an_undeclared_method_is_405_and_nothing_is_audited(api, world):
    key = api.key_for(world.staff)
    before = AuditEntry.objects.count()
    response = api.client.generic("TRACE", "/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405
    assert AuditEntry.objects.count() == before
