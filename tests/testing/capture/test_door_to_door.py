"""The door-to-door list: the doors owed a swab, floor by floor."""

import pytest

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.people.models import Vulnerability
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.capture.services import scans_record
from firstline.testing.coverage import selectors
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def test_the_door_to_door_list_keeps_sealed_immobile_and_resample_doors_floor_by_floor(
    world, residents, round_, point
):
    Vulnerability.objects.create(person=residents.b1[4], tag="mobility_impaired")  # 201甲
    area_set_risk(
        acting_user=world.staff,
        area=residents.b1[8].residences.get().household,
        status=RiskStatus.SEALED,
        reason="密接",
    )  # 301
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk])],
    )
    plan = capture_selectors.door_to_door_list(user=world.leader, round=round_, building=world.b1)
    unit1 = plan.stairwells[0]
    assert [(floor, [d.household.door for d in doors]) for floor, doors in unit1.floors] == [
        (2, ["201"]),
        (3, ["301"]),
    ]
    door_201 = unit1.floors[0][1][0]
    assert [(p.name, p.state, p.immobile) for p in door_201.people] == [
        ("居民21甲", "missing", True),
        ("居民21乙", "missing", False),
    ]
    sealed = unit1.floors[1][1][0]
    assert (sealed.sealed, sealed.capacity, sealed.per_household) == (True, 1, False)
    everyone = capture_selectors.door_to_door_list(
        user=world.leader, round=round_, building=world.b1, everyone=True
    )
    assert [d.household.door for _f, doors in everyone.stairwells[0].floors for d in doors] == [
        "101",
        "102",
        "201",
        "202",
        "301",
        "302",
    ]
    assert [p.state for p in everyone.stairwells[0].floors[0][1][0].people] == ["pending", "missing"]
    building_map = selectors.round_building(user=world.leader, round=round_, building=world.b1)
    assert building_map.totals == {"partial": 1, "missing": 5, "empty": 18}
