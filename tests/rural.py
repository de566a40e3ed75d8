"""A county and a district beside the street of `tests.conftest.world`: the places of seeds 000 and 004.

    石楼县 (county, a root)
    └── 城关镇 (township)
        ├── 新添堡村 (village): 1组 and 2组 with 4 houses each (1号 … 4号), and 村委会 (the committee's
        │                   own house, in no group)
        └── 东关社区 (community): 东关小区 with one building, and 3 scattered houses (散居: 12号, 14号, 16号)
    离石区 (district, a root)
    └── 凤山街道 (street)
        ├── 龙翔苑社区 (community) ─ 龙翔苑小区 ─ 1号楼 (1 unit × 2 floors × 2 doors)
        └── 后瓦窑村 (village, in a street: a village committee among compounds): 1组 with 2 houses
    another district, 中阳区 (a root) ─ 宁乡街道 ─ 城北社区 ─ 城北小区 ─ 5号楼

Users: county (coordinator of 石楼县), district (coordinator of 离石区), village (the committee of
新添堡村), group_leader (building-leader role on 新添堡村 1组), dongguan (staff of 东关社区),
other_district (coordinator of 中阳区).
"""

from dataclasses import dataclass

import pytest
from django.utils import translation

from firstline.accounts.models import Grant
from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind
from firstline.areas.services import (
    AreaSpec,
    area_create_root,
    areas_bulk_create,
    building_create,
    village_create,
)


@dataclass
class Rural:
    county: Area
    township: Area
    village: Area
    group1: Area
    group2: Area
    committee_house: Area
    dongguan: Area
    dongguan_compound: Area
    scattered: list[Area]
    district: Area
    fengshan: Area
    longxiang: Area
    houwayao: Area
    other_district: Area
    county_user: object
    district_user: object
    village_user: object
    group_leader: object
    dongguan_user: object
    other_district_user: object


def _user(username: str, role: str, area: Area):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password="pass-for-tests-1")
    Grant.objects.create(user=user, role=role, area=area)
    return user


@pytest.fixture
def rural(db) -> Rural:
    county = area_create_root(name="石楼县", kind=AreaKind.COUNTY)
    builder = _user("rural-builder", Role.STREET_COORDINATOR, county)
    (township,) = areas_bulk_create(parent=county, specs=[AreaSpec(kind=AreaKind.TOWNSHIP, name="城关镇")])
    with translation.override("zh-hans"):  # the group names as the village writes them: 1组, 2组
        village = village_create(
            acting_user=builder, parent=township, name="新添堡村", groups=2, houses_per_group=4
        )
    (committee_house,) = areas_bulk_create(
        parent=village, specs=[AreaSpec(kind=AreaKind.HOUSEHOLD, name="村委会", door="村委会", sort_key=99)]
    )
    group1, group2 = Area.objects.filter(parent=village, kind=AreaKind.VILLAGE_GROUP).order_by("sort_key")
    (dongguan,) = areas_bulk_create(
        parent=township, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="东关社区")]
    )
    (dongguan_compound,) = areas_bulk_create(
        parent=dongguan, specs=[AreaSpec(kind=AreaKind.COMPOUND, name="东关小区")]
    )
    building_create(
        acting_user=builder,
        compound=dongguan_compound,
        name="1号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    scattered = areas_bulk_create(
        parent=dongguan,
        specs=[AreaSpec(kind=AreaKind.HOUSEHOLD, name=f"{n}号", door=f"{n}号") for n in (12, 14, 16)],
    )

    district = area_create_root(name="离石区", kind=AreaKind.DISTRICT)
    district_builder = _user("district-builder", Role.STREET_COORDINATOR, district)
    (fengshan,) = areas_bulk_create(parent=district, specs=[AreaSpec(kind=AreaKind.STREET, name="凤山街道")])
    (longxiang,) = areas_bulk_create(
        parent=fengshan, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="龙翔苑社区")]
    )
    (longxiang_compound,) = areas_bulk_create(
        parent=longxiang, specs=[AreaSpec(kind=AreaKind.COMPOUND, name="龙翔苑小区")]
    )
    building_create(
        acting_user=district_builder,
        compound=longxiang_compound,
        name="1号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    houwayao = village_create(
        acting_user=district_builder, parent=fengshan, name="后瓦窑村", groups=1, houses_per_group=2
    )

    other_district = area_create_root(name="中阳区", kind=AreaKind.DISTRICT)
    other_builder = _user("other-builder", Role.STREET_COORDINATOR, other_district)
    (ningxiang,) = areas_bulk_create(
        parent=other_district, specs=[AreaSpec(kind=AreaKind.STREET, name="宁乡街道")]
    )
    (chengbei,) = areas_bulk_create(
        parent=ningxiang, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="城北社区")]
    )
    (chengbei_compound,) = areas_bulk_create(
        parent=chengbei, specs=[AreaSpec(kind=AreaKind.COMPOUND, name="城北小区")]
    )
    building_create(
        acting_user=other_builder,
        compound=chengbei_compound,
        name="5号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    return Rural(
        county=county,
        township=township,
        village=village,
        group1=group1,
        group2=group2,
        committee_house=committee_house,
        dongguan=dongguan,
        dongguan_compound=dongguan_compound,
        scattered=scattered,
        district=district,
        fengshan=fengshan,
        longxiang=longxiang,
        houwayao=houwayao,
        other_district=other_district,
        county_user=_user("county", Role.STREET_COORDINATOR, county),
        district_user=_user("district", Role.STREET_COORDINATOR, district),
        village_user=_user("village", Role.COMMUNITY_STAFF, village),
        group_leader=_user("group-leader", Role.BUILDING_LEADER, group1),
        dongguan_user=_user("dongguan", Role.COMMUNITY_STAFF, dongguan),
        other_district_user=_user("other-district", Role.STREET_COORDINATOR, other_district),
    )


def house(village: Area, group_name: str | None, number: str) -> Area:
    """A village house: house(village, "1组", "3号"), or house(village, None, "村委会")."""
    if group_name is None:
        return Area.objects.get(kind=AreaKind.HOUSEHOLD, parent=village, door=number)
    return Area.objects.get(
        kind=AreaKind.HOUSEHOLD, parent__parent=village, parent__name=group_name, door=number
    )
