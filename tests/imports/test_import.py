"""Importing a messy resident list as property managers keep them."""

import io

import pytest
from openpyxl import Workbook

from firstline.common.audit import AuditEntry
from firstline.common.errors import PermissionDenied
from firstline.imports import services
from firstline.imports.models import ColumnMapping, ImportJob, ImportMode, ImportStatus
from firstline.people import services as people_services
from firstline.people.models import Person, Residence, Vulnerability
from tests.conftest import household
from tests.test_privacy_at_rest import _dump_database

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_1 = "11010519491231002X"
GOOD_2 = "140213198507150018"  # check digit computed in the test below
REGISTERED = "140213196001010015"


def _fix(first17: str) -> str:
    from firstline.common.identity import resident_id_check_digit

    return first17 + resident_id_check_digit(first17)


def messy_xlsx() -> bytes:
    """Titles above the header, Chinese headers, merged building cells, full-width digits, x, spaces."""
    book = Workbook()
    sheet = book.active
    sheet.append(["睿和新城居民信息登记表"])
    sheet.append(["填表日期：2022年11月9日"])
    sheet.append(["楼号", "单元", "房号", "姓名", "身份证号", "联系电话", "与户主关系", "特殊人群"])
    rows = [
        [
            "1号楼",
            "1",
            "501",
            "王 芳",
            "１１０１０５１９４９１２３１００２ｘ",
            "138 0013 8000",
            "户主",
            "孕妇",
        ],  # row 4: good
        [
            None,
            "1",
            "501",
            "李强",
            _fix("14021319850715001"),
            "+86 13900139000",
            "配偶",
            "",
        ],  # row 5: merged building
        [
            "1号楼",
            "2",
            "602",
            "赵敏",
            "110105194912310021",
            "13700137000",
            "户主",
            "",
        ],  # row 6: bad check digit
        [
            "8号楼",
            "1",
            "101",
            "钱七",
            _fix("14021319900101002"),
            "13600136000",
            "户主",
            "",
        ],  # row 7: unknown building
        [
            "2号楼",
            "1",
            "301",
            "孙八",
            "11010519491231002X",
            "13500135000",
            "户主",
            "",
        ],  # row 8: same ID as row 4
        [
            "2号楼",
            "1",
            "302",
            "周九",
            _fix("14021319600101001"),
            "13400134000",
            "户主",
            "",
        ],  # row 9: already registered
        [
            "3号楼",
            "",
            "201",
            "吴十",
            "",
            "13300133000",
            "户主",
            "独居老人",
        ],  # row 10: building without units, no ID
        ["2号楼", "1", "303", "郑一", _fix("14021320000101003"), "abc", "户主", ""],  # row 11: bad phone
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A4:A5")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _run(
    world, data: bytes, filename: str = "list.xlsx", mode: str = ImportMode.KEEP_VALID, area=None
) -> ImportJob:
    job = services.import_upload(
        acting_user=world.staff, area=area or world.p1, filename=filename, data=data, mode=mode
    )
    assert job.status == ImportStatus.DRAFT
    services.import_start(acting_user=world.staff, job=job, mapping=job.mapping)
    job.refresh_from_db()
    return job


def test_messy_xlsx_is_mapped_and_reported_by_row_and_field(world):
    registered = people_services.person_register(  # inside the importer's community: "already registered"
        acting_user=world.coordinator,
        household=household(world.b2, "101"),
        data={"name": "已登记", "id_number": _fix("14021319600101001")},
    )
    job = _run(world, messy_xlsx())
    assert job.mapping == {
        "楼号": "building",
        "单元": "unit",
        "房号": "door",
        "姓名": "name",
        "身份证号": "id_number",
        "联系电话": "phone",
        "与户主关系": "relation",
        "特殊人群": "vulnerabilities",
    }
    assert job.status == ImportStatus.DONE
    assert [(e["row"], e["field"]) for e in job.errors] == [
        (6, "id_number"),
        (7, "building"),
        (8, "id_number"),
        (9, "id_number"),
        (11, "phone"),
    ]
    messages = {e["row"]: e["message"] for e in job.errors}
    assert (
        messages[6]
        == "The check digit is wrong: the last character should be X. Check the number for a typo."
    )
    assert messages[7] == "There is no building '8号楼' in P1小区."
    assert messages[8] == "Same ID number as row 4."
    assert messages[9] == f"Already registered ({registered.id_masked})."
    assert job.errors[4] == {
        "row": 11,
        "field": "phone",
        "column": "联系电话",
        "message": "'abc' is not a phone number: a mobile has 11 digits starting with 1.",
    }
    assert (job.created_count, job.rejected_count, job.duplicate_count, job.households_created) == (
        3,
        5,
        2,
        0,
    )
    wang = Person.objects.get(name="王 芳")
    assert (wang.id_masked, wang.phone, wang.sex) == ("110***********002X", "13800138000", "F")
    assert Residence.objects.get(person=wang).household == household(world.b1, "501")
    assert Residence.objects.get(person__name="李强").household == household(world.b1, "501")
    assert Residence.objects.get(person__name="吴十").household == household(world.b3, "201", None)
    assert sorted(Vulnerability.objects.values_list("person__name", "tag")) == [
        ("吴十", "elderly_alone"),
        ("王 芳", "pregnant"),
    ]
    assert job.file_sealed is None
    assert AuditEntry.objects.filter(action="import.done").get().changes["people"] == 3


def test_all_or_nothing_writes_nothing(world):
    before = Person.objects.count()
    job = _run(world, messy_xlsx(), mode=ImportMode.ALL_OR_NOTHING)
    assert job.status == ImportStatus.REFUSED and job.created_count == 0
    assert Person.objects.count() == before


def test_the_same_file_twice_adds_nothing_the_second_time(world):
    first = _run(world, messy_xlsx())
    people = Person.objects.count()
    second = _run(world, messy_xlsx())
    assert Person.objects.count() == people
    # Those with ID numbers are "already registered"; the one without is found by door, name and phone.
    assert (first.created_count, second.created_count, second.duplicate_count) == (4, 0, 5)
    assert {
        "row": 10,
        "field": "name",
        "column": "姓名",
        "message": "Already registered at this door (same name and phone).",
    } in second.errors


def test_gbk_csv_with_one_address_column_and_new_doors(world):
    text = "姓名,证件号码,手机,住址\n张三,{},13800138000,2号楼1单元105\n李四,,13900139000,1-2-602\n".format(
        _fix("14021319700101001")
    )
    job = _run(world, text.encode("gb18030"), filename="名单.csv")
    assert job.errors == []
    assert job.created_count == 2 and job.households_created == 1
    new_door = Residence.objects.get(person__name="张三").household
    assert (new_door.door, new_door.floor, new_door.parent.parent_id) == ("105", 1, world.b2.pk)


def test_no_id_number_rests_in_clear_after_an_import(world):
    _run(world, messy_xlsx())
    dump = _dump_database()
    for number in (GOOD_1, _fix("14021319850715001"), "110105194912310021"):
        assert number.encode() not in dump


def test_import_refused_to_a_leader_creates_no_job(world):
    with pytest.raises(PermissionDenied):
        services.import_upload(acting_user=world.leader, area=world.b1, filename="x.xlsx", data=messy_xlsx())
    assert ImportJob.objects.count() == 0


def test_saved_mapping_is_offered_next_time(world):
    job = services.import_upload(
        acting_user=world.staff, area=world.p1, filename="list.xlsx", data=messy_xlsx()
    )
    mapping = dict(job.mapping, 特殊人群="")
    services.import_start(acting_user=world.staff, job=job, mapping=mapping, save_as="物业名单")
    saved = ColumnMapping.objects.get(name="物业名单")
    assert "特殊人群" not in saved.mapping
    again = services.import_upload(
        acting_user=world.staff,
        area=world.p1,
        filename="list.xlsx",
        data=messy_xlsx(),
        mapping_name="物业名单",
    )
    assert again.mapping["姓名"] == "name"


def test_an_address_column_is_carried_to_members_but_not_to_a_new_head(world):
    text = "姓名,住址,与户主关系\n张三,2号楼1单元105,户主\n李四,,配偶\n王五,,户主\n"
    job = _run(world, text.encode("utf-8"), filename="名单.csv")
    assert (job.created_count, job.filled_rows) == (2, 1)
    assert job.errors == [
        {
            "row": 4,
            "field": "door",
            "column": "住址",
            "message": (
                "The door (room number) is missing. This row is a head of household (户主), so it starts a "
                "household of its "
                "own and the door above was not carried down: write its door."
            ),
        }
    ]
    assert (
        Residence.objects.get(person__name="李四").household
        == Residence.objects.get(person__name="张三").household
    )


def test_a_name_over_its_limit_is_refused_with_the_limit_not_cut(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.import_upload(
            acting_user=world.staff, area=world.p1, filename="名" * 200 + ".xlsx", data=messy_xlsx()
        )
    assert caught.value.message_dict == {
        "file": [
            "The file's name has 205 characters, and at most 200 are kept: rename the file and upload it "
            "again."
        ]
    }
    job = services.import_upload(
        acting_user=world.staff, area=world.p1, filename="list.xlsx", data=messy_xlsx()
    )
    with pytest.raises(ValidationError) as caught:
        services.import_start(acting_user=world.staff, job=job, mapping=job.mapping, save_as="物" * 101)
    assert caught.value.message_dict == {
        "save_as": ["At most 100 characters; this has 101. Shorten it and send it again."]
    }
    job.refresh_from_db()
    assert (job.status, ColumnMapping.objects.count(), ImportJob.objects.count()) == (
        ImportStatus.DRAFT,
        0,
        1,
    )


def test_a_number_registered_outside_the_importers_areas_is_stored_held_and_the_report_says_nothing(world):
    """No ID-number oracle (ADR 0008): the importer learns nothing of a record they may not see."""
    from firstline.common.models import AuditEntry
    from firstline.notices.models import Notice
    from firstline.people.models import DuplicateCandidate, Person

    number = _fix("14021319600101001")
    elsewhere = people_services.person_register(
        acting_user=world.outsider,
        household=household(world.b9, "101"),
        data={"name": "外社区", "id_number": number},
    )
    data = (
        f"楼号,单元,房号,姓名,身份证号\n1号楼,1,101,本社区,{number}\n"
        f"1号楼,1,102,另一人,{_fix('14021319700101002')}\n"
    )
    job = _run(world, data.encode(), filename="list.csv")
    assert (job.status, job.created_count, job.rejected_count, job.duplicate_count, job.errors) == (
        ImportStatus.DONE,
        2,
        0,
        0,
        [],
    )
    held = Person.objects.get(name="本社区")
    assert (held.id_hash, held.id_masked, bool(held.id_sealed)) == (None, elsewhere.id_masked, True)
    assert list(DuplicateCandidate.objects.values_list("person_id", "other_id")) == [(held.pk, elsewhere.pk)]
    entry = AuditEntry.objects.get(action="person.id_number_held")
    assert (entry.area_path, entry.changes["other"]) == (world.street.path, elsewhere.pk)
    notice = Notice.objects.get(title="Two records carry one ID number")
    assert (notice.area_id, notice.body) == (
        world.street.pk,
        (
            "Someone registered at 1号楼 Unit 1 101 carries an ID number that is already registered at "
            "9号楼 Unit 1 101. "
            "Check the pair under Possible duplicates: merge them if it is one person who moved, or correct "
            "the wrong number."
        ),
    )
    assert number not in notice.body and number not in str(entry.changes)
