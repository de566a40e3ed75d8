import pytest
from django.core.exceptions import ValidationError

from firstline.common.audit import AuditEntry
from firstline.common.errors import Conflict, PermissionDenied
from firstline.people import services
from firstline.people.models import DuplicateCandidate, Person, Residence
from tests.conftest import household

ID = "11010519491231002X"


def test_register_seals_the_id_and_audits(world):
    door = household(world.b1, "501", "Unit 2")
    person = services.person_register(
        acting_user=world.staff,
        household=door,
        data={
            "name": " 王 芳 ",
            "id_number": "11010519491231002x",
            "phone": "+86 13800138000",
            "relation": "户主",
        },
    )
    assert person.name == "王 芳"
    assert person.id_masked == "110***********002X"
    assert ID.encode() not in bytes(person.id_sealed)
    assert person.sex == "F" and person.birth_date.isoformat() == "1949-12-31"
    assert Residence.objects.get(person=person, is_current=True).household == door
    entry = AuditEntry.objects.get(action="person.register")
    assert entry.actor == world.staff and entry.changes["id_number"] == "110***********002X"


def test_same_id_number_cannot_be_registered_twice(world):
    services.person_register(
        acting_user=world.staff, household=household(world.b1, "101"), data={"name": "甲", "id_number": ID}
    )
    with pytest.raises(Conflict) as caught:
        services.person_register(
            acting_user=world.staff,
            household=household(world.b2, "101"),
            data={"name": "乙", "id_number": ID.lower()},
        )
    assert caught.value.code == "id_number_taken"
    assert Person.objects.count() == 1


def test_leader_cannot_register_outside_their_buildings(world):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.person_register(
            acting_user=world.leader, household=household(world.b3, "101", None), data={"name": "丙"}
        )
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == before


def test_bad_fields_are_named(world):
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            acting_user=world.staff,
            household=household(world.b1, "101"),
            data={"name": "", "id_number": "110105194912310021", "phone": "123"},
        )
    assert set(caught.value.message_dict) == {"name", "id_number", "phone"}


def test_possible_duplicates_without_id_are_flagged_and_merge_keeps_references(world):
    door = household(world.b1, "102")
    first = services.person_register(
        acting_user=world.staff, household=door, data={"name": "李娜", "phone": "13900139000"}
    )
    second = services.person_register(
        acting_user=world.staff,
        household=door,
        data={"name": "李娜", "phone": "13900139000", "vulnerabilities": "孕妇"},
    )
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person, candidate.other) == (second, first)
    kept = services.person_merge(acting_user=world.staff, keep=first, merge=second)
    second.refresh_from_db()
    assert second.merged_into == kept
    assert list(kept.vulnerabilities.values_list("tag", flat=True)) == ["pregnant"]
    assert Residence.objects.filter(person=kept, is_current=True).count() == 1
    assert Residence.objects.filter(person=second).count() == 0


def test_reveal_is_audited_and_refused_to_leaders(world):
    person = services.person_register(
        acting_user=world.staff, household=household(world.b1, "101"), data={"name": "甲", "id_number": ID}
    )
    assert services.person_reveal_id(acting_user=world.staff, person=person, reason="核对") == ID
    assert AuditEntry.objects.filter(action="person.reveal_id", actor=world.staff).count() == 1
    with pytest.raises(PermissionDenied):
        services.person_reveal_id(acting_user=world.leader, person=person)
    assert AuditEntry.objects.filter(action="person.reveal_id").count() == 1


def test_update_changes_only_given_fields_and_audits_masked_ids(world):
    person = services.person_register(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        data={"name": "甲", "id_number": ID, "phone": "13800138000"},
    )
    services.person_update(acting_user=world.leader, person=person, data={"phone": "139 0013 9000"})
    person.refresh_from_db()
    assert (person.phone, person.id_masked, person.name) == ("13900139000", "110***********002X", "甲")
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {"phone": ["13800138000", "13900139000"]}
    services.person_update(
        acting_user=world.staff, person=person, data={"id_type": "passport", "id_number": "e1234567"}
    )
    entry = AuditEntry.objects.filter(action="person.update").first()
    assert entry.changes["id_number"] == ["110***********002X", "E***4567"]


def test_move_keeps_history_and_checks_both_households(world):
    person = services.person_register(
        acting_user=world.staff, household=household(world.b1, "101"), data={"name": "甲"}
    )
    import datetime as dt

    services.residence_move(
        acting_user=world.staff,
        person=person,
        to_household=household(world.b2, "301"),
        relation="head",
        status="tenant",
        date=dt.date(2022, 4, 1),
    )
    rows = list(
        Residence.objects.filter(person=person)
        .order_by("id")
        .values_list("household__door", "is_current", "moved_out", "status")
    )
    assert rows == [("101", False, dt.date(2022, 4, 1), "resident"), ("301", True, None, "tenant")]
    with pytest.raises(PermissionDenied):
        services.residence_move(
            acting_user=world.leader,
            person=person,
            to_household=household(world.b3, "101", None),
            relation="head",
            status="resident",
            date=dt.date(2022, 4, 2),
        )
    assert Residence.objects.filter(person=person).count() == 2


def test_vulnerabilities_replace_and_validate(world):
    import datetime as dt

    person = services.person_register(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        data={"name": "甲", "vulnerabilities": "独居老人,慢病"},
    )
    assert sorted(person.vulnerabilities.values_list("tag", flat=True)) == [
        "chronic_medication",
        "elderly_alone",
    ]
    services.person_set_vulnerabilities(
        acting_user=world.staff, person=person, tags={"pregnant": {"due_date": dt.date(2022, 5, 1)}}
    )
    assert list(person.vulnerabilities.values_list("tag", "due_date")) == [("pregnant", dt.date(2022, 5, 1))]
    with pytest.raises(ValidationError):
        services.person_set_vulnerabilities(acting_user=world.staff, person=person, tags={"astronaut": {}})
    assert person.vulnerabilities.count() == 1


def test_age_without_birth_date_is_estimated(world):
    person = services.person_register(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        data={"name": "乙", "age": "８０岁", "id_type": "无"},
    )
    assert person.birth_date_estimated is True and person.age in (79, 80)


def test_update_of_a_person_of_unknown_sex_without_id(world):
    person = services.person_register(
        acting_user=world.staff, household=household(world.b1, "101"), data={"name": "无证"}
    )
    assert person.sex == "U"
    services.person_update(acting_user=world.staff, person=person, data={"phone": "13800138000"})
    person.refresh_from_db()
    assert (person.sex, person.phone) == ("U", "13800138000")
