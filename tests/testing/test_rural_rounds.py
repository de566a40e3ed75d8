"""A round in the country: a village sampled at its committee, covered and called down by group,
scattered houses of a community in coverage, a district coordinator over their streets only."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from firstline.areas.models import Area, AreaKind
from firstline.common.errors import NotFound
from firstline.notices.models import NoticeDelivery
from firstline.people.services import person_register
from firstline.registration import codes
from firstline.registration.services import code_issue_for_person
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.coverage import selectors
from firstline.testing.coverage import services as coverage_services
from firstline.testing.models import RoundStatus
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.rounds import services
from tests.rural import house

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 4, 12)


def _people(rural):
    """Two people in each house of 1组 (8), one in 2组 1号, one at the committee, two in scattered
    12号, one in 东关小区's building. Returns {name: (person, personal code)}."""
    placed = {}

    def add(user, door, name):
        person = person_register(acting_user=user, household=door, data={"name": name})
        placed[name] = (
            person,
            codes.payload_for(code_issue_for_person(acting_user=user, person=person).code),
        )

    for n in range(1, 5):
        add(rural.village_user, house(rural.village, "1组", f"{n}号"), f"一组{n}号甲")
        add(rural.village_user, house(rural.village, "1组", f"{n}号"), f"一组{n}号乙")
    add(rural.village_user, house(rural.village, "2组", "1号"), "二组1号甲")
    add(rural.village_user, rural.committee_house, "村委会值守")
    add(rural.dongguan_user, rural.scattered[0], "散居甲")
    add(rural.dongguan_user, rural.scattered[0], "散居乙")
    door = Area.objects.filter(
        kind=AreaKind.HOUSEHOLD, path__startswith=rural.dongguan_compound.path
    ).order_by("path")[0]
    add(rural.dongguan_user, door, "东关小区甲")
    return placed


@pytest.fixture
def country_round(rural):
    round = services.round_create(
        acting_user=rural.county_user,
        area=rural.township,
        name="城关镇全员核酸",
        date=DAY,
        scope=[rural.village, rural.dongguan],
    )
    return services.round_set_status(acting_user=rural.county_user, round=round, status=RoundStatus.OPEN)


@pytest.fixture
def committee_point(rural):
    return services.sampling_point_create(
        acting_user=rural.village_user,
        compound=rural.village,
        values={"name": "村委会采样点", "desks": 1, "location": "村委会院内"},
    )


def _scan(point, tube, code):
    return ScanIn(client_id=uuid.uuid4(), tube_code=tube, person_code=code, point_id=point.pk, desk=1)


def test_a_village_is_sampled_at_its_committee_and_covered_by_group(rural, country_round, committee_point):
    people = _people(rural)
    outcome = scans_record(
        acting_user=rural.village_user,
        round=country_round,
        scans=[
            _scan(committee_point, "TV0000001", people[name][1])
            for name in ("一组1号甲", "一组1号乙", "一组2号甲", "村委会值守")
        ],
    )
    assert [r.status for r in outcome] == ["stored"] * 4
    coverage = selectors.round_coverage(user=rural.village_user, round=country_round, area=rural.village)
    assert [(row.area.name, row.expected, row.sampled, row.missing) for row in coverage.children] == [
        ("1组", 8, 3, 5),
        ("2组", 1, 0, 1),
        ("村委会", 1, 1, 0),
    ]
    assert (coverage.total.expected, coverage.total.sampled) == (10, 4)
    # The group leader sees their group, not the village; the village's committee not the township.
    group = selectors.round_coverage(user=rural.group_leader, round=country_round, area=rural.group1)
    assert (group.total.expected, group.total.missing) == (8, 5)
    with pytest.raises(NotFound):
        selectors.round_coverage(user=rural.group_leader, round=country_round, area=rural.village)
    with pytest.raises(NotFound):
        selectors.round_coverage(user=rural.village_user, round=country_round, area=rural.township)


def test_scattered_houses_of_a_community_are_in_its_coverage(rural, country_round):
    _people(rural)
    coverage = selectors.round_coverage(user=rural.dongguan_user, round=country_round, area=rural.dongguan)
    rows = {row.area.name: row.expected for row in coverage.children}
    assert rows == {"东关小区": 1, "12号": 2, "14号": 0, "16号": 0}
    assert coverage.total.expected == 3
    township = selectors.round_coverage(user=rural.county_user, round=country_round, area=rural.township)
    assert {row.area.name: row.expected for row in township.children} == {"新添堡村": 10, "东关社区": 3}


def test_a_village_is_called_down_by_group_to_its_committee(rural, country_round, committee_point):
    people = _people(rural)
    scans_record(
        acting_user=rural.village_user,
        round=country_round,
        scans=[_scan(committee_point, "TV0000001", people["二组1号甲"][1])],
    )
    now = timezone.make_aware(dt.datetime.combine(DAY, dt.time(7, 0)))
    plan = selectors.call_down_plan(
        user=rural.village_user, round=country_round, point=committee_point, now=now
    )
    # One wave under the queue cap: group 1 (8 still to sample) and the committee's house, which is
    # in no group (1); group 2's only resident is sampled already.
    assert [(w.labels, w.people) for w in plan.waves] == [
        (["新添堡村 1组", "新添堡村, houses in no group"], 9)
    ]
    first = plan.waves[0]
    assert first.message.startswith(
        "[Testing] Villagers of 新添堡村 1组, 新添堡村, houses in no group: please come now"
    )
    assert "村委会采样点 (村委会院内)" in first.message and "come down" not in first.message
    call = coverage_services.call_down_issue(
        acting_user=rural.village_user,
        round=country_round,
        point=committee_point,
        stairwells=[rural.group1],
        people_expected=8,
    )
    assert set(
        NoticeDelivery.objects.filter(notice__kind="call_down").values_list("user__username", flat=True)
    ) == {"group-leader"}
    after = selectors.call_down_plan(
        user=rural.village_user, round=country_round, point=committee_point, now=call.called_at
    )
    assert [c.labels for c in after.called] == [["新添堡村 1组"]]


def test_a_village_is_sampled_house_by_house_by_group(rural, country_round):
    _people(rural)
    plan = selectors.round_building(user=rural.village_user, round=country_round, building=rural.village)
    assert [s.area.name for s in plan.stairwells][:2] == ["1组", "2组"]
    doors = [d for s in plan.stairwells for _f, floor in s.floors for d in floor]
    assert len(doors) == 9 and sum(len(d.people) for d in doors) == 10
    leader = capture_selectors.door_to_door_buildings(user=rural.group_leader, round=country_round)
    assert [b.building.name for b in leader] == ["新添堡村"]


def test_a_district_coordinator_sees_the_rounds_of_their_streets_and_no_other_district(rural):
    round = services.round_create(
        acting_user=rural.district_user,
        area=rural.fengshan,
        name="凤山街道第一轮",
        date=DAY,
        scope=[rural.longxiang, rural.houwayao],
    )
    assert list(rounds_selectors.rounds_visible(user=rural.district_user)) == [round]
    assert not rounds_selectors.rounds_visible(user=rural.other_district_user).exists()
    assert not rounds_selectors.rounds_visible(user=rural.county_user).exists()


def test_the_desk_finds_a_village_house_by_group_and_number(rural, country_round):
    _people(rural)
    kind, found = capture_selectors.capture_person_search(
        user=rural.village_user, round=country_round, query="1组2号"
    )
    assert kind == "door" and sorted(f.person.name for f in found) == sorted(["一组2号甲", "一组2号乙"])
    assert {f.door for f in found} == {
        "1组 2号"
    }  # the group, then the house (English pages join with a space)
    # Written as the village says it: 一组2号, 第1组2号.
    for typed in ("一组2号", "第1组2号"):
        assert (
            len(
                capture_selectors.capture_person_search(
                    user=rural.village_user, round=country_round, query=typed
                )[1]
            )
            == 2
        ), typed
    # The group leader of group 2 finds nobody of group 1.
    assert (
        capture_selectors.capture_person_search(user=rural.group_leader, round=country_round, query="2组1号")[
            1
        ]
        == []
    )
