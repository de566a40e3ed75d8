"""API: a round's pooling rules (GET/PUT /testing/rounds/{id}/pooling), and new tubes following them."""

import uuid

import pytest

from firstline.testing.models import PoolingRule

pytestmark = pytest.mark.django_db

DEFAULTS = [
    {"risk_status": "sealed", "capacity": 1, "per_household": False},
    {"risk_status": "controlled", "capacity": 10, "per_household": False},
    {"risk_status": "precaution", "capacity": 20, "per_household": False},
    {"risk_status": "normal", "capacity": 10, "per_household": False},
]


def _rules(round_):
    return sorted(
        PoolingRule.objects.filter(round=round_).values_list(
            "pk", "risk_status", "area_id", "capacity", "per_household"
        )
    )


def test_the_defaults_by_risk_status(api, world, round_):
    assert api.get(world.volunteer, f"/testing/rounds/{round_.pk}/pooling").json() == {
        "by_risk": DEFAULTS,
        "by_area": [],
    }


def test_replace_the_rules_and_new_tubes_follow_them(api, world, residents, round_, point):
    answer = api.put(
        world.staff,
        f"/testing/rounds/{round_.pk}/pooling",
        {
            "by_risk": [
                {"risk_status": "sealed", "capacity": 1, "per_household": True},
                {"risk_status": "normal", "capacity": 20},
            ],
            "by_area": [{"area_id": world.b1.pk, "capacity": 5}],
        },
    )
    assert answer.status_code == 200, answer.content
    expected = {
        "by_risk": [
            {"risk_status": "sealed", "capacity": 1, "per_household": True},
            DEFAULTS[1],
            DEFAULTS[2],
            {"risk_status": "normal", "capacity": 20, "per_household": False},
        ],
        "by_area": [
            {
                "area_id": world.b1.pk,
                "area_name": "1号楼",
                "area_kind": "building",
                "capacity": 5,
                "per_household": False,
            }
        ],
    }
    assert answer.json() == expected
    assert api.get(world.leader, f"/testing/rounds/{round_.pk}/pooling").json() == expected
    scan = {
        "client_id": str(uuid.uuid4()),
        "tube_code": "TG0000001",
        "person_code": residents.codes[residents.b1[0].pk],
        "point_id": point.pk,
    }
    tube = api.post(world.volunteer, f"/testing/rounds/{round_.pk}/scans", scan).json()["tube"]
    assert (tube["capacity"], tube["places_left"]) == (5, 4)


def test_faults_are_named_and_change_nothing(api, world, round_):
    before = _rules(round_)
    seven = api.put(
        world.staff,
        f"/testing/rounds/{round_.pk}/pooling",
        {"by_risk": [{"risk_status": "normal", "capacity": 7}]},
    )
    assert (seven.status_code, seven.json()["errors"]) == (
        422,
        {"by_risk.0.capacity": ["Must be one of 1, 5, 10, 20."]},
    )
    twice = api.put(
        world.staff,
        f"/testing/rounds/{round_.pk}/pooling",
        {"by_area": [{"area_id": world.b1.pk, "capacity": 5}, {"area_id": world.b1.pk, "capacity": 1}]},
    )
    assert (twice.status_code, twice.json()["errors"]) == (422, {"area": ["1号楼 has two rules."]})
    outside = api.put(
        world.coordinator,
        f"/testing/rounds/{round_.pk}/pooling",
        {"by_area": [{"area_id": world.b9.pk, "capacity": 1}]},
    )
    assert (outside.status_code, outside.json()["errors"]) == (422, {"area": ["9号楼 is not inside C1社区."]})
    unknown = api.put(
        world.staff,
        f"/testing/rounds/{round_.pk}/pooling",
        {"by_risk": [{"risk_status": "red", "capacity": 1}]},
    )
    assert (unknown.status_code, list(unknown.json()["errors"])) == (422, ["by_risk.0.risk_status"])
    sealed_twice = api.put(
        world.staff,
        f"/testing/rounds/{round_.pk}/pooling",
        {"by_risk": [{"risk_status": "sealed", "capacity": 1}, {"risk_status": "sealed", "capacity": 5}]},
    )
    assert (sealed_twice.status_code, sealed_twice.json()["errors"]) == (
        422,
        {"by_risk": ["Give one rule per risk status."]},
    )
    assert _rules(round_) == before


def test_only_managers_of_the_round_may_change_the_rules(api, world, round_):
    before = _rules(round_)
    body = {"by_risk": [{"risk_status": "normal", "capacity": 20}]}
    assert api.get(world.outsider, f"/testing/rounds/{round_.pk}/pooling").status_code == 404
    assert api.put(world.outsider, f"/testing/rounds/{round_.pk}/pooling", body).status_code == 404
    assert api.put(world.volunteer, f"/testing/rounds/{round_.pk}/pooling", body).status_code == 403
    assert _rules(round_) == before
