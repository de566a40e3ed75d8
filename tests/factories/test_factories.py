"""Each factory makes an object the real services and cleaners accept, with the values they compute."""

import re

import pytest

from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import can
from firstline.areas.models import Area, AreaKind
from firstline.common import crypto
from firstline.common.identity import (
    IdType,
    birth_date_from_resident_id,
    normalise_id_number,
    normalise_phone,
    read_id_number,
    sex_from_resident_id,
)
from firstline.common.models import AuditEntry
from firstline.common.paths import SEGMENT_WIDTH
from firstline.notices.models import NoticeDelivery
from firstline.people.cleaning import clean_person
from firstline.people.models import Residence
from firstline.registration import codes
from firstline.registration.services import registration_members
from firstline.survey.models import Outcome
from firstline.testing.models import Box, RoundStatus, SampleState, TubeStatus
from tests.factories.accounts import TEST_PASSWORD, GrantFactory, UserFactory
from tests.factories.areas import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    HouseholdFactory,
    StreetFactory,
    compound_of,
    doors_of,
)
from tests.factories.identity import chinese_name, mobile_number, resident_id_number
from tests.factories.notices import NoticeFactory
from tests.factories.people import PersonFactory, ResidenceFactory
from tests.factories.registration import PersonalCodeFactory, SelfRegistrationFactory
from tests.factories.survey import SurveyVisitFactory
from tests.factories.testing import BoxFactory, RoundFactory, SampleFactory, SamplingPointFactory, TubeFactory

pytestmark = pytest.mark.django_db


def _is_child(child: Area, parent: Area) -> bool:
    return (
        child.parent_id == parent.pk
        and len(child.path) == len(parent.path) + SEGMENT_WIDTH
        and child.path.startswith(parent.path)
    )


# --------------------------------------------------------------------------------------------
# The data: names, ID numbers, phones


@pytest.mark.parametrize("n", [0, 1, 2, 7, 99, 26_999, 27_000, 27_001, 1_000_000, 13_000_000])
def test_id_numbers_pass_the_resident_id_rules(n):
    number = resident_id_number(n)
    assert normalise_id_number(IdType.RESIDENT_ID, number) == number
    assert read_id_number(number) == (number, "")
    assert 1940 <= birth_date_from_resident_id(number).year <= 2013
    assert sex_from_resident_id(number) == ("M" if n % 2 else "F")


def test_id_numbers_phones_and_names_differ_over_a_large_range():
    numbers = [resident_id_number(n) for n in range(0, 60_000)]
    assert len(set(numbers)) == 60_000
    phones = [mobile_number(n) for n in range(0, 60_000)]
    assert len(set(phones)) == 60_000
    assert len({chinese_name(n) for n in range(560)}) == 560


@pytest.mark.parametrize("n", [0, 5, 123_456, 99_999_999])
def test_phones_are_mainland_mobiles(n):
    phone = mobile_number(n)
    assert re.fullmatch(r"1[3-9]\d{9}", phone)
    assert normalise_phone(phone) == phone


# --------------------------------------------------------------------------------------------
# Areas


def test_the_tree_has_the_paths_the_services_give():
    street = StreetFactory()
    community = CommunityFactory(parent=street)
    compound = CompoundFactory(parent=community)
    assert (street.kind, community.kind, compound.kind) == (
        AreaKind.STREET,
        AreaKind.COMMUNITY,
        AreaKind.COMPOUND,
    )
    assert street.parent_id is None and len(street.path) == SEGMENT_WIDTH
    assert _is_child(community, street) and _is_child(compound, community)
    assert AuditEntry.objects.get(action="area.create").target_id == str(street.pk)


def test_a_building_has_every_door_with_consistent_paths():
    building = BuildingFactory(units=2, floors=3, doors_per_floor=2, has_lift=True)
    assert (building.kind, building.floors, building.has_lift) == (AreaKind.BUILDING, 3, True)
    units = list(Area.objects.filter(parent=building).order_by("path"))
    assert [u.name for u in units] == ["Unit 1", "Unit 2"] and all(_is_child(u, building) for u in units)
    doors = doors_of(building)
    assert len(doors) == 12
    for unit in units:
        in_unit = [d for d in doors if d.parent_id == unit.pk]
        assert [d.door for d in in_unit] == ["101", "102", "201", "202", "301", "302"]
        assert all(_is_child(d, unit) and d.kind == AreaKind.HOUSEHOLD and d.name == d.door for d in in_unit)
        assert [d.floor for d in in_unit] == [1, 1, 2, 2, 3, 3]
    assert len({d.path for d in doors}) == 12
    assert (
        Area.objects.get(pk=building.pk).next_child_seq == 3
    )  # the segments handed out, as the service keeps them
    assert AuditEntry.objects.filter(action="building.layout", target_id=str(building.pk)).count() == 1


def test_a_building_without_units_holds_its_doors():
    building = BuildingFactory(units=0, floors=2, doors_per_floor=1)
    assert [(d.door, d.parent_id) for d in doors_of(building)] == [("101", building.pk), ("201", building.pk)]


def test_a_household_is_the_door_of_a_new_building():
    door = HouseholdFactory()
    assert door.kind == AreaKind.HOUSEHOLD and door.door == "101" and door.floor == 1
    assert compound_of(door).kind == AreaKind.COMPOUND


def test_areas_are_never_built_without_their_service():
    with pytest.raises(TypeError):
        BuildingFactory.build()


# --------------------------------------------------------------------------------------------
# Accounts


def test_a_user_signs_in_and_holds_the_role_given():
    compound = CompoundFactory()
    user = UserFactory(role=Role.VOLUNTEER, area=compound)
    assert user.check_password(TEST_PASSWORD)
    assert list(user.grants.values_list("role", "area")) == [(Role.VOLUNTEER, compound.pk)]
    assert can(user, Perm.TESTING_SAMPLE, compound.path) and not can(user, Perm.LEDGER_EDIT, compound.path)
    assert UserFactory().grants.count() == 0


def test_a_grant_is_seen_at_once_by_its_user():
    user = UserFactory()
    building = BuildingFactory()
    assert not can(user, Perm.LEDGER_VIEW, building.path)
    GrantFactory(user=user, role=Role.BUILDING_LEADER, area=building)
    assert can(user, Perm.LEDGER_EDIT, doors_of(building)[0].path)


# --------------------------------------------------------------------------------------------
# People


def test_a_person_is_cleaned_sealed_and_living_in_their_household():
    door = HouseholdFactory()
    person = PersonFactory(household=door, relation="户主")
    number = crypto.unseal(person.id_sealed)
    assert number == person.id_number_in_clear
    clean, errors = clean_person({"name": person.name, "id_number": number, "phone": person.phone})
    assert errors == {}
    assert (clean.id_hash, clean.sex, clean.birth_date) == (person.id_hash, person.sex, person.birth_date)
    residence = Residence.objects.get(person=person)
    assert (residence.household, residence.is_current, residence.relation) == (door, True, "head")
    assert AuditEntry.objects.get(action="person.register").target_id == str(person.pk)


def test_a_batch_of_fifty_people_has_no_duplicate_id_number_or_phone():
    door = HouseholdFactory()
    people = PersonFactory.create_batch(50, household=door)
    numbers = [crypto.unseal(p.id_sealed) for p in people]
    assert len(set(numbers)) == 50 and len({p.id_hash for p in people}) == 50
    assert len({p.phone for p in people}) == 50
    assert all(normalise_id_number(IdType.RESIDENT_ID, n) == n for n in numbers)


def test_a_person_with_a_name_only():
    person = PersonFactory(name_only=True, name="王小明", age="5")
    assert (person.name, person.id_sealed, person.id_hash, person.id_masked, person.phone) == (
        "王小明",
        None,
        None,
        "",
        "",
    )
    assert person.birth_date_estimated is True


def test_a_residence_moves_the_person():
    person = PersonFactory()
    first = Residence.objects.get(person=person)
    residence = ResidenceFactory(person=person)
    first.refresh_from_db()
    assert (first.is_current, first.moved_out) == (False, residence.moved_in)
    assert residence.is_current and residence.household.kind == AreaKind.HOUSEHOLD
    assert Residence.objects.filter(person=person, is_current=True).get() == residence


# --------------------------------------------------------------------------------------------
# Survey, registration, notices


def test_a_visit_is_recorded_and_audited():
    visit = SurveyVisitFactory(outcome=Outcome.REGISTERED)
    assert visit.household.kind == AreaKind.HOUSEHOLD and visit.visited_by.username == "builder"
    assert AuditEntry.objects.filter(action="visit.record", target_id=str(visit.pk)).count() == 1


def test_a_self_registration_holds_members_the_cleaner_accepts():
    submission = SelfRegistrationFactory()
    assert submission.status == "pending" and submission.member_count == 1
    assert submission.compound == compound_of(submission.household)
    (member,) = registration_members(submission)
    assert clean_person(member)[1] == {}


def test_a_personal_code_is_signed():
    code = PersonalCodeFactory()
    assert codes.code_from_payload(codes.payload_for(code.code)) == code.code
    assert code.person.residences.get().is_current


def test_a_notice_reaches_its_recipients():
    leader, staff = UserFactory(), UserFactory()
    notice = NoticeFactory(recipients=[leader, staff])
    assert sorted(NoticeDelivery.objects.filter(notice=notice).values_list("user_id", flat=True)) == sorted(
        [leader.pk, staff.pk]
    )


# --------------------------------------------------------------------------------------------
# Mass testing


def test_a_round_is_open_over_its_area():
    round = RoundFactory()
    assert round.status == RoundStatus.OPEN and round.area.kind == AreaKind.COMPOUND
    assert list(round.scope.values_list("area", flat=True)) == [round.area.pk]
    assert RoundFactory(status=RoundStatus.PLANNED).status == RoundStatus.PLANNED
    assert RoundFactory(status=RoundStatus.CLOSED).status == RoundStatus.CLOSED


def test_a_sample_is_a_scan_into_a_pooled_tube():
    sample = SampleFactory()
    home = sample.person.residences.get(is_current=True).household
    assert (sample.state, sample.out_of_scope, sample.household, sample.household_path) == (
        SampleState.PENDING,
        False,
        home,
        home.path,
    )
    assert sample.point.compound == compound_of(home)
    assert (sample.tube.filled, sample.tube.capacity, sample.tube.status) == (1, 10, TubeStatus.OPEN)


def test_a_tube_holds_the_people_scanned_into_it():
    round = RoundFactory()
    point = SamplingPointFactory(compound=round.area)
    tube = TubeFactory(round=round, point=point, size=10)
    assert (tube.filled, tube.status, tube.point) == (10, TubeStatus.CLOSED, point)  # full: closed
    assert tube.samples.count() == 10


def test_a_box_is_packed_with_its_tubes():
    tube = TubeFactory(size=2)
    box = BoxFactory(round=tube.round, point=tube.point, tubes=[tube.code], packed=True)
    assert (box.status, box.tube_count) == (Box.Status.PACKED, 1)
    tube.refresh_from_db()
    assert tube.box == box
