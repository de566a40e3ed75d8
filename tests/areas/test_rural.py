"""The seeds' places in the tree: a county's villages, a district's streets, scattered houses."""

import pytest
from django.core.exceptions import ValidationError

from firstline.accounts.models import Grant
from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import area_roots_for, areas_visible, door_labels
from firstline.areas.services import (
    AreaSpec,
    area_create,
    area_create_root,
    areas_bulk_create,
    building_create,
)
from firstline.common.errors import NotFound
from firstline.survey.selectors import building_map
from tests.rural import house

pytestmark = pytest.mark.django_db


def _names(user, kind):
    return set(areas_visible(user=user).filter(kind=kind).values_list("name", flat=True))


def test_a_district_coordinator_sees_every_street_below_and_no_other_district(rural):
    assert _names(rural.district_user, AreaKind.STREET) == {"凤山街道"}
    assert _names(rural.district_user, AreaKind.VILLAGE) == {"后瓦窑村"}
    assert _names(rural.district_user, AreaKind.COMPOUND) == {"龙翔苑小区"}
    assert [a.name for a in area_roots_for(user=rural.district_user)] == ["离石区"]
    assert _names(rural.other_district_user, AreaKind.STREET) == {"宁乡街道"}
    assert (
        not areas_visible(user=rural.other_district_user)
        .filter(path__startswith=rural.district.path)
        .exists()
    )


def test_a_village_leader_sees_only_their_village_and_a_group_leader_only_their_group(rural):
    village = areas_visible(user=rural.village_user)
    assert set(village.filter(kind=AreaKind.HOUSEHOLD).values_list("parent__name", flat=True)) == {
        "1组",
        "2组",
        "新添堡村",
    }
    assert not village.filter(pk__in=[rural.dongguan.pk, rural.township.pk]).exists()
    group = areas_visible(user=rural.group_leader).filter(kind=AreaKind.HOUSEHOLD)
    assert group.count() == 4 and set(group.values_list("parent", flat=True)) == {rural.group1.pk}


def test_titles_say_what_people_are_called_where_they_work(rural):
    titles = {g.user.username: g.title for g in Grant.objects.select_related("area", "user")}
    assert titles["group-leader"] == "Village group leader"
    assert titles["village"] == "Village committee"
    assert titles["district"] == "District coordinator"
    assert titles["county"] == "County coordinator"
    assert titles["dongguan"] == "Community staff"


def test_the_tree_takes_the_seeds_places_and_refuses_the_impossible(rural, world):
    with pytest.raises(ValidationError):
        areas_bulk_create(parent=rural.village, specs=[AreaSpec(kind=AreaKind.BUILDING, name="1号楼")])
    with pytest.raises(ValidationError):
        areas_bulk_create(parent=rural.group1, specs=[AreaSpec(kind=AreaKind.VILLAGE_GROUP, name="3组")])
    with pytest.raises(ValidationError):
        area_create_root(name="某小区", kind=AreaKind.COMPOUND)
    with pytest.raises(ValidationError):
        building_create(
            acting_user=rural.county_user,
            compound=rural.village,
            name="1号楼",
            units=1,
            floors=2,
            doors_per_floor=2,
            has_lift=False,
        )
    # A scattered house is added to a community by hand, as its staff know it.
    added = area_create(
        acting_user=rural.dongguan_user,
        parent=rural.dongguan,
        kind=AreaKind.HOUSEHOLD,
        name="18号",
        door="18号",
    )
    assert added.parent == rural.dongguan and added.path.startswith(rural.dongguan.path)
    # A city above districts and counties: 昆山市 sends volunteers to its districts and towns.
    city = area_create_root(name="昆山市", kind=AreaKind.CITY)
    (district,) = areas_bulk_create(parent=city, specs=[AreaSpec(kind=AreaKind.DISTRICT, name="开发区")])
    (town,) = areas_bulk_create(parent=district, specs=[AreaSpec(kind=AreaKind.TOWNSHIP, name="周市镇")])
    assert len(town.path) == 18 and Area.objects.get(pk=town.pk).parent.parent == city


def test_a_village_map_shows_houses_by_group_in_rows_and_the_houses_in_no_group(rural):
    plan = building_map(user=rural.village_user, building=rural.village)
    assert [s.area.name for s in plan.stairwells] == ["1组", "2组", "新添堡村"]
    first = plan.stairwells[0]
    assert [(floor, [d.household.door for d in doors]) for floor, doors in first.floors] == [
        (0, ["1号", "2号", "3号", "4号"])
    ]
    assert [d.household for _f, doors in plan.stairwells[2].floors for d in doors] == [rural.committee_house]
    assert sum(plan.totals.values()) == 9
    with pytest.raises(NotFound):
        building_map(user=rural.group_leader, building=rural.village)
    with pytest.raises(NotFound):
        building_map(user=rural.village_user, building=rural.group1)


def test_labels_of_village_houses_and_scattered_houses(rural):
    from django.utils import translation

    with translation.override("zh-hans"):
        labels = door_labels(
            household_ids=[
                house(rural.village, "1组", "3号").pk,
                rural.committee_house.pk,
                rural.scattered[0].pk,
            ]
        )
    assert sorted(labels.values()) == sorted(["1组3号", "村委会", "12号"])
