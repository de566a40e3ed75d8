"""A real property manager's list of 3,000 rows: every person stored but those whose data is wrong.

The list (tests/imports/property_list.py) has merged and blank household cells, grandchildren,
floating population, chronic medication, pregnancies with due dates, passports and permits, and
the mistakes real files carry. Before these rules the import stored 388 of this list's 3,000 people.
"""

import datetime as dt
import json

import pytest

from firstline.areas.models import Area, AreaKind
from firstline.areas.services import AreaSpec, areas_bulk_create
from firstline.common import crypto
from firstline.imports import services
from firstline.imports.models import ImportJob, ImportStatus
from firstline.people.models import Person, Residence, Vulnerability
from tests.factories.areas import BuildingFactory
from tests.imports.property_list import HEADER, property_list

pytestmark = pytest.mark.django_db(transaction=True)

SPREADSHEET = (
    "Excel turned this ID number into a number and lost its last digits. Format the ID column as text "
    "(文本), "
    "type or paste the numbers again, and export again; the number cannot be recovered from this file."
)


def compound_of_14_buildings(world) -> Area:
    """睿和新城: 14 walk-up buildings of 3 units and 6 floors, set up with 2 doors a floor (the list has
    4).
    """
    (compound,) = areas_bulk_create(
        parent=world.c1, specs=[AreaSpec(kind=AreaKind.COMPOUND, name="睿和新城")]
    )
    for number in range(1, 15):
        BuildingFactory(
            acting_user=world.coordinator,
            compound=compound,
            name=f"{number}号楼",
            units=3,
            floors=6,
            doors_per_floor=2,
            has_lift=False,
        )
    return compound


def run(world, compound, data: bytes) -> ImportJob:
    job = services.import_upload(
        acting_user=world.staff, area=compound, filename="睿和新城居民名单.xlsx", data=data
    )
    services.import_start(acting_user=world.staff, job=job, mapping=job.mapping)
    job.refresh_from_db()
    return job


def person_of(planted, row: int) -> Person:
    return Person.objects.get(id_hash=crypto.lookup_hash(planted.numbers[row]))


@pytest.fixture
def imported(world):
    compound = compound_of_14_buildings(world)
    made = property_list()
    return run(world, compound, made.data), made.planted, compound


def test_every_person_is_stored_but_the_wrong_rows_and_each_refusal_says_why(imported):
    job, planted, _compound = imported
    assert job.status == ImportStatus.DONE
    assert job.mapping == {
        header: field
        for header, field in zip(
            HEADER[1:],
            [
                "building",
                "unit",
                "door",
                "name",
                "sex",
                "relation",
                "id_type",
                "id_number",
                "phone",
                "status",
                "vaccination",
                "vulnerabilities",
                "note",
            ],
            strict=True,
        )
    }
    assert (job.total_rows, job.blank_rows, job.place_rows, job.filled_rows) == (3031, 24, 7, 2993)
    assert (job.created_count, job.rejected_count, job.duplicate_count, job.households_created) == (
        2938,
        62,
        3,
        490,
    )
    assert (job.error_count, job.warning_count, job.warned_count) == (62, 26, 26)
    assert Person.objects.filter(import_job=job).count() == 2938
    # Exactly the rows planted as wrong are refused, and exactly the odd ones warned.
    assert {(e["row"], e["field"]) for e in job.errors} == planted.refused
    assert {(w["row"], w["field"]) for w in job.warnings} == planted.warned
    columns = {
        "id_number": "证件号码",
        "door": "房号",
        "phone": "联系电话",
        "relation": "与户主关系",
        "status": "人员类型",
        "vaccination": "疫苗接种",
        "vulnerabilities": "特殊人群",
        "note": "备注",
    }
    assert {(e["field"], e["column"]) for e in job.errors + job.warnings} <= set(columns.items())
    assert (planted.people_rows, planted.blank_rows, planted.place_rows, planted.filled_rows) == (
        3000,
        24,
        7,
        2993,
    )

    # Each refusal says what is wrong and what to do.
    message = {(e["row"], e["field"]): e["message"] for e in job.errors}
    kinds = planted.rows_by_kind
    assert {message[(row, "id_number")] for row in kinds["numeric_cell"] + kinds["scientific"]} == {
        SPREADSHEET
    }
    assert (len(kinds["numeric_cell"]), len(kinds["scientific"]), len(kinds["trailing_zeros"])) == (27, 6, 2)
    assert {message[(row, "id_number")] for row in kinds["trailing_zeros"]} == {
        "This number ends in 000 and its check digit is wrong: Excel most likely stored it as a number and "
        "lost its "
        "last digits. Format the ID column as text (文本), type or paste the numbers again, and export again."
    }
    assert message[(kinds["check_digit"][0], "id_number")] == (
        "The check digit is wrong: the last character should be 0. Check the number for a typo."
    )
    first_door, *_rest = kinds["door_above_top_floor"]
    assert message[(first_door, "door")] == (
        "2号楼 has 6 floors; door 1502 would be on floor 15. Check the door number (or the building's "
        "number of floors)."
    )
    assert len(kinds["door_above_top_floor"]) == 9  # three households, every member refused
    second_head, after_it = kinds["head_without_door"]
    assert message[(second_head, "door")] == (
        "The door (room number) is missing. This row is a head of household (户主), so it starts a "
        "household of its own "
        "and the door above was not carried down: write its door."
    )
    assert message[(after_it, "door")] == message[(second_head, "door")]
    duplicate = kinds["same_id_as_row_above"][0]
    assert message[(duplicate, "id_number")] == f"Same ID number as row {duplicate - 1}."
    # The report never holds an ID number in clear, not even the first 15 digits Excel kept.
    report = json.dumps(job.errors + job.warnings, ensure_ascii=False)
    assert not [
        row for row in kinds["numeric_cell"] + kinds["check_digit"] if planted.numbers[row][:15] in report
    ]


def test_each_warning_names_the_value_and_the_person_keeps_it_and_documents_are_told(imported):
    job, planted, _compound = imported
    kinds = planted.rows_by_kind
    warning = {(w["row"], w["field"]): w for w in job.warnings}
    relation_row = kinds["unknown_relation"][0]
    assert warning[(relation_row, "relation")] == {
        "row": relation_row,
        "field": "relation",
        "column": "与户主关系",
        "value": "表舅",
        "message": "'表舅' is not a value firstline knows for relation: stored as Other, and the text is "
        "kept in the note.",
    }
    cousin = person_of(planted, relation_row)
    assert (cousin.note, cousin.residences.get().relation) == ("与户主关系：表舅", "other")
    assert person_of(planted, kinds["unknown_status"][0]).note == "人员类型：户在人不在"
    assert person_of(planted, kinds["unknown_vaccination"][0]).note == "疫苗接种：已接种"
    member = person_of(planted, kinds["unknown_need"][0])
    assert (member.note, member.vulnerabilities.count()) == ("特殊人群：党员", 0)
    long_note = person_of(planted, kinds["long_note"][0])
    assert (len(long_note.note), long_note.note[-1], long_note.note[:13]) == (
        300,
        "…",
        "长期在外地务工,春节返回。",
    )
    assert warning[(kinds["long_note"][0], "note")]["message"] == (
        "403 characters, and this field holds 300: the first 299 were kept, ending in '…'. The whole text "
        "is still in "
        "your file."
    )
    taiwan = Person.objects.get(id_type="taiwan_permit", id_masked="1***0065")
    assert taiwan.name and warning[(kinds["taiwan_by_shape"][0], "id_number")]["message"] == (
        "Read as a Taiwan permit by its shape (digits only). If it is another document, say which in the "
        "ID-type "
        "column (证件类型) or the note."
    )

    # Documents are told by their column, their note or their shape.
    assert sorted(Person.objects.filter(import_job=job).values_list("id_type", flat=True).distinct()) == [
        "hk_macau_permit",
        "none",
        "passport",
        "resident_id",
        "taiwan_permit",
    ]
    counts = {
        t: Person.objects.filter(import_job=job, id_type=t).count()
        for t in ("passport", "hk_macau_permit", "taiwan_permit", "none")
    }
    assert counts == {"passport": 60, "hk_macau_permit": 30, "taiwan_permit": 6, "none": 6}
    assert set(
        Person.objects.filter(
            id_masked__in=["E****0061", "E****0060", "X***0062", "H****0063", "M******0064"]
        ).values_list("id_masked", "id_type")
    ) == {
        ("E****0060", "passport"),
        ("E****0061", "passport"),
        ("X***0062", "passport"),
        ("H****0063", "hk_macau_permit"),
        ("M******0064", "hk_macau_permit"),
    }


def test_households_are_whole_whether_merged_or_written_once_and_keep_their_needs(imported):
    job, planted, compound = imported

    def doors(household: int) -> set[tuple[str, str, str]]:
        homes = [person_of(planted, row).residences.get().household for row in planted.households[household]]
        return {(home.door, home.parent.name, home.parent.parent.name) for home in homes}

    # 1号楼 merges its cells; 2号楼 writes them on the first member's row only, under a section row.
    assert (planted.households[0], doors(0)) == ([4, 5, 6], {("101", "Unit 1", "1号楼")})
    assert (planted.households[72], doors(72)) == ([223, 224], {("101", "Unit 1", "2号楼")})
    assert (len(planted.households[95]), doors(95)) == (
        5,
        {("604", "Unit 1", "2号楼")},
    )  # a new door, made once
    assert Residence.objects.filter(person__import_job=job, relation="grandchild").count() == 625
    assert Residence.objects.filter(person__import_job=job, relation="helper").count() == 123
    assert Residence.objects.filter(person__import_job=job, status="temporary").count() == 1470
    # No door was made above a building's top floor.
    assert (
        Area.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=compound.path, floor__gt=6).count() == 0
    )

    # Vulnerable groups keep what they carry.
    groups = Vulnerability.objects.filter(person__import_job=job)
    assert groups.filter(tag="pregnant", due_date="2022-12-20").count() == 38
    assert (
        list(groups.filter(tag="pregnant", due_date=None).values_list("note", flat=True))
        == ["预产期2022-13-45"] * 2
    )
    assert set(groups.filter(tag="infant").values_list("note", flat=True)) == {"8个月"}
    assert groups.filter(tag="mobility_impaired", note="轮椅").count() == 40
    assert groups.filter(tag="chronic_medication").count() == 104
    assert groups.filter(tag="chronic_medication", note="高血压；糖尿病").count() == 32
    apart = person_of(planted, planted.rows_by_kind["pregnant_due_date_apart"][0])
    assert list(apart.vulnerabilities.values_list("tag", "due_date")) == [("pregnant", dt.date(2022, 12, 20))]
