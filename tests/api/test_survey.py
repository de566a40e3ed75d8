"""API: survey visits and the lists that follow from them."""

import pytest

from firstline.common.models import AuditEntry
from firstline.survey.models import SurveyVisit
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.factories.survey import SurveyVisitFactory
from tests.queries import assert_queries


def test_record_a_visit(world, api):
    door = household(world.b1, "301", "Unit 1")
    answer = api.post(
        world.volunteer, "/visits", {"household_id": door.pk, "outcome": "not_home", "note": "贴了通知"}
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["household_id"], body["outcome"], body["channel"], body["visited_by"], body["note"]) == (
        door.pk,
        "not_home",
        "door",
        "volunteer",
        "贴了通知",
    )
    visit = SurveyVisit.objects.get()
    assert AuditEntry.objects.get(action="visit.record").target_id == str(visit.pk)


def test_visit_faults_are_named(world, api):
    door = household(world.b1, "301", "Unit 1")
    bad_outcome = api.post(world.staff, "/visits", {"household_id": door.pk, "outcome": "maybe"})
    assert bad_outcome.status_code == 422 and list(bad_outcome.json()["errors"]) == ["outcome"]
    future = api.post(
        world.staff,
        "/visits",
        {"household_id": door.pk, "outcome": "registered", "visited_at": "2999-01-01T08:00:00+08:00"},
    )
    assert future.status_code == 422 and list(future.json()["errors"]) == ["visited_at"]
    not_a_door = api.post(world.staff, "/visits", {"household_id": world.b1.pk, "outcome": "registered"})
    assert not_a_door.status_code == 404
    assert SurveyVisit.objects.count() == 0


def test_never_reached_and_second_visit(world, api):
    doors = [household(world.b3, d, None) for d in ("101", "102", "201", "202")]
    SurveyVisitFactory(acting_user=world.staff, household=doors[0], outcome="registered")
    SurveyVisitFactory(acting_user=world.staff, household=doors[1], outcome="not_home")
    SurveyVisitFactory(acting_user=world.staff, household=doors[1], outcome="refused")
    never = api.get(world.volunteer, "/visits/never-reached", area=world.b3.pk).json()
    assert [(h["door"], h["attempts"], h["unit"], h["building"]) for h in never["items"]] == [
        ("102", 2, None, "3号楼"),
        ("201", 0, None, "3号楼"),
        ("202", 0, None, "3号楼"),
    ]
    second = api.get(world.volunteer, "/visits/second-visit", area=world.b3.pk).json()
    assert [h["door"] for h in second["items"]] == ["102"]
    in_units = api.get(world.volunteer, "/visits/never-reached", area=world.b2.pk, limit=1).json()
    assert ([(h["door"], h["unit"], h["building"]) for h in in_units["items"]], in_units["next_offset"]) == (
        [("101", "Unit 1", "2号楼")],
        1,
    )
    assert api.get(world.leader, "/visits/never-reached", area=world.b3.pk).status_code == 404


def test_vulnerable_people_by_group(world, api):
    PersonFactory(
        acting_user=world.staff,
        household=household(world.b2, "201"),
        name="赵奶奶",
        age="82",
        vulnerabilities="独居老人",
        name_only=True,
    )
    PersonFactory(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        name="钱女士",
        phone="13700137000",
        vulnerabilities=[{"tag": "孕妇", "due_date": "2022-05-01"}],
        id_number=None,
    )
    PersonFactory(
        acting_user=world.outsider,
        household=household(world.b9, "101"),
        name="孙先生",
        vulnerabilities="透析",
        name_only=True,
    )
    everyone = api.get(world.staff, "/visits/vulnerable", area=world.p1.pk).json()
    assert [(v["name"], v["tag"], v["household_name"]) for v in everyone["items"]] == [
        ("钱女士", "pregnant", "101"),
        ("赵奶奶", "elderly_alone", "201"),
    ]
    assert everyone["items"][0]["due_date"] == "2022-05-01" and everyone["items"][0]["phone"] == "13700137000"
    pregnant = api.get(world.staff, "/visits/vulnerable", area=world.p1.pk, tag="pregnant").json()
    assert [v["name"] for v in pregnant["items"]] == ["钱女士"]
    unknown = api.get(world.staff, "/visits/vulnerable", area=world.p1.pk, tag="vip")
    assert unknown.status_code == 422 and list(unknown.json()["errors"]) == ["tag"]
    missing = api.get(world.staff, "/visits/vulnerable")
    assert missing.status_code == 422 and list(missing.json()["errors"]) == ["area"]


@pytest.mark.parametrize("limit", [2, 500])
def test_lists_take_the_same_queries_for_any_page_size(world, api, limit):
    for door in ("101", "102", "201"):
        PersonFactory(
            acting_user=world.staff,
            household=household(world.b2, door),
            name=f"{door}号",
            vulnerabilities="低保",
            name_only=True,
        )
    api.get(world.staff, f"/areas/{world.b2.pk}")  # the token's first use is noted (then once a minute)
    with assert_queries(4):
        never = api.get(world.staff, "/visits/never-reached", area=world.b2.pk, limit=limit)
    with assert_queries(4):
        vulnerable = api.get(world.staff, "/visits/vulnerable", area=world.b2.pk, limit=limit)
    assert len(never.json()["items"]) == min(limit, 12)
    assert len(vulnerable.json()["items"]) == min(limit, 3)
