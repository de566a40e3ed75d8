"""Importing a village committee's roster (村民花名册): groups, house numbers and landmark houses."""

import io

import pytest
from openpyxl import Workbook

from firstline.areas.models import Area, AreaKind
from firstline.common.identity import resident_id_check_digit
from firstline.common.places import group_key, split_rural_address
from firstline.imports import services
from firstline.imports.models import ImportStatus
from firstline.people.models import Residence
from tests.rural import house

pytestmark = pytest.mark.django_db(transaction=True)


def _id(n: int, sex: str = "男") -> str:
    """A valid number of 石楼县 (141126) whose sex digit agrees with the roster's 性别."""
    first17 = f"141126{1950 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 100:02d}{1 if sex == '男' else 2}"
    return first17 + resident_id_check_digit(first17)


def _book(rows, merges=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _run(user, area, data: bytes, filename: str = "花名册.xlsx"):
    job = services.import_upload(acting_user=user, area=area, filename=filename, data=data)
    services.import_start(acting_user=user, job=job, mapping=job.mapping)
    job.refresh_from_db()
    return job


def test_group_names_and_rural_addresses_are_read_as_villages_write_them():
    assert [group_key(g) for g in ("3组", "三组", "第3村民小组", "3队", "Group 3", "3", "十二组")] == [
        "3",
        "3",
        "3",
        "3",
        "3",
        "3",
        "12",
    ]
    assert split_rural_address("石楼县城关镇新添堡村三组15号", ("新添堡村",)) == ("3", "15")
    assert split_rural_address("2组7户") == ("2", "7")
    assert split_rural_address("新添堡村15号", ("新添堡村",)) == ("", "15")
    assert split_rural_address("新添堡村村委会后院", ("新添堡村", "城关镇")) == ("", "村委会后院")


def test_a_roster_by_group_and_house_number_places_everyone_and_adds_the_houses_it_names(rural):
    """Titles above the header; the group merged over its households and the house number over its
    members; groups written 一组 / 2组; a new house 5号 in group 2 is added to the tree; a group the
    village has not got is refused by its column, naming the group and what to do."""
    data = _book(
        [
            ["新添堡村村民花名册"],
            ["填报：村委会  2022年4月"],
            ["组别", "门牌号", "姓名", "性别", "与户主关系", "身份证号码", "联系电话", "备注"],
            ["一组", "1号", "王大山", "男", "户主", _id(1, "男"), "13934561201", ""],  # row 4
            [None, None, "李桂兰", "女", "妻子", _id(2, "女"), "", ""],  # row 5: merged group and door
            [
                None,
                "3",
                "王小军",
                "男",
                "户主",
                _id(3, "男"),
                "13934561203",
                "在外务工",
            ],  # row 6: merged group
            [
                "2组",
                "5号",
                "赵有田",
                "男",
                "户主",
                _id(4, "男"),
                "15234561204",
                "新建房",
            ],  # row 7: a new house
            [None, None, "赵小花", "女", "女儿", _id(5, "女"), "", ""],  # row 8
            ["7组", "2号", "钱多多", "男", "户主", _id(6, "男"), "13834561206", ""],  # row 9: no group 7
        ],
        merges=["A4:A6", "B4:B5", "A7:A8", "B7:B8"],
    )
    job = _run(rural.village_user, rural.village, data)
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created_count == 5
    assert [(e["row"], e["column"]) for e in job.errors] == [(9, "组别")]
    assert "7组" in job.errors[0]["message"] and "新添堡村" in job.errors[0]["message"]
    at = {
        r.person.name: r.household for r in Residence.objects.filter(is_current=True).select_related("person")
    }
    assert at["王大山"] == at["李桂兰"] == house(rural.village, "1组", "1号")
    assert at["王小军"] == house(rural.village, "1组", "3号")
    new_house = house(rural.village, "2组", "5号")
    assert at["赵有田"] == at["赵小花"] == new_house and new_house.floor is None
    assert job.households_created == 1


def test_one_address_column_with_the_village_name_and_a_landmark_house(rural):
    """A street office's list for the village: one 住址 column, the places above written in front;
    a house known by a landmark (村委会后院) is a house of the village in no group, never a refusal."""
    data = _book(
        [
            ["姓名", "身份证号", "手机号", "住址"],
            ["孙老汉", _id(11), "13934561211", "石楼县城关镇新添堡村二组2号"],
            ["周婆婆", _id(12), "", "新添堡村村委会后院"],
            ["吴会计", _id(13), "13934561213", "新添堡村村委会"],
        ]
    )
    job = _run(rural.village_user, rural.village, data, filename="名单.xlsx")
    assert job.status == ImportStatus.DONE and job.errors == [], job.errors
    at = {
        r.person.name: r.household for r in Residence.objects.filter(is_current=True).select_related("person")
    }
    assert at["孙老汉"] == house(rural.village, "2组", "2号")
    assert at["周婆婆"] == house(rural.village, None, "村委会后院")
    assert at["吴会计"] == rural.committee_house
    assert Area.objects.filter(parent=rural.village, kind=AreaKind.HOUSEHOLD).count() == 2


def test_a_group_leader_imports_into_their_group_only(rural):
    data = _book([["门牌号", "姓名", "身份证号"], ["4号", "郑二", _id(21)]])
    job = _run(rural.village_user, rural.group1, data)
    assert job.status == ImportStatus.DONE and job.created_count == 1
    assert Residence.objects.get(person__name="郑二").household == house(rural.village, "1组", "4号")
