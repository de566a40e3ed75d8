import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.parcels import services
from firstline.parcels.models import Parcel
from firstline.parcels.selectors import parcel_board
from firstline.registration import codes
from firstline.registration.services import code_issue_for_person
from tests.conftest import household
from tests.factories.parcels import hold_ended, jpeg, parcel
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _photos(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_register_by_door_copies_the_block_and_floor(world):
    door = household(world.b1, "602", "Unit 2")
    made = services.parcel_register(
        acting_user=world.volunteer,
        household=door,
        description=" 1桶20斤的油 ",
        count="1",
        weight_class="heavy",
    )
    assert (made.description, made.count, made.state, made.block_id, made.floor) == (
        "1桶20斤的油",
        1,
        "registered",
        world.b1.pk,
        6,
    )
    assert made.compound_id == world.p1.pk
    entry = AuditEntry.objects.get(action="parcels.register")
    assert (entry.actor_id, entry.area_path, entry.changes) == (
        world.volunteer.pk,
        door.path,
        {"description": "1桶20斤的油", "count": 1, "by_code": False},
    )


def test_register_by_a_residents_code_finds_their_household(world):
    door = household(world.b2, "302", "Unit 1")
    person = PersonFactory(acting_user=world.staff, household=door, name="王芳", name_only=True)
    payload = codes.payload_for(code_issue_for_person(acting_user=world.staff, person=person).code)
    made = services.parcel_register(
        acting_user=world.volunteer, code_payload=payload, description="45个蔬菜包", count=45
    )
    assert (made.household_id, made.floor, made.count) == (door.pk, 3, 45)


def test_a_second_tap_with_the_forms_key_registers_nothing_new(world):
    door = household(world.b1, "301")
    first = services.parcel_register(
        acting_user=world.volunteer, household=door, description="1桶20斤的油", count=1, client_key="k-301"
    )
    again = services.parcel_register(
        acting_user=world.volunteer, household=door, description="1桶20斤的油", count=1, client_key="k-301"
    )
    assert again.pk == first.pk
    assert Parcel.objects.filter(household=door).count() == 1
    assert AuditEntry.objects.filter(action="parcels.register", area_path=door.path).count() == 1
    with pytest.raises(Conflict):  # the same form's key for another door is a mistake, said so
        services.parcel_register(
            acting_user=world.volunteer,
            household=household(world.b1, "302"),
            description="45个蔬菜包",
            count=1,
            client_key="k-301",
        )
    assert Parcel.objects.count() == 1


def test_register_refuses_bad_input_naming_the_field(world):
    door = household(world.b1, "101")
    with pytest.raises(ValidationError) as bad:
        services.parcel_register(acting_user=world.volunteer, household=door, description="", count=1)
    assert list(bad.value.message_dict) == ["description"]
    with pytest.raises(ValidationError) as bad:
        services.parcel_register(acting_user=world.volunteer, household=door, description="米", count=0)
    assert bad.value.message_dict == {"count": ["The count is from 1 to 999."]}
    with pytest.raises(ValidationError) as bad:
        services.parcel_register(
            acting_user=world.volunteer, code_payload="FL1.abc.xyz", description="米", count=1
        )
    assert list(bad.value.message_dict) == ["code"]
    assert Parcel.objects.count() == 0


def test_register_outside_ones_areas_is_refused_and_writes_nothing(world):
    with pytest.raises(PermissionDenied):
        services.parcel_register(
            acting_user=world.volunteer, household=household(world.b9, "101"), description="米", count=1
        )
    assert (Parcel.objects.count(), AuditEntry.objects.filter(action__startswith="parcels").count()) == (0, 0)


def test_a_photo_over_the_limit_is_refused_with_its_size(world):
    with pytest.raises(ValidationError) as bad:
        services.parcel_register(
            acting_user=world.volunteer,
            household=household(world.b1, "101"),
            description="米",
            count=1,
            label_photo=jpeg(400 * 1024),
        )
    assert bad.value.message_dict == {"label_photo": ["The photo is 401 KB; send one of at most 300 KB."]}


def test_disinfect_holds_for_the_setting_from_disinfection(world, settings):
    settings.FIRSTLINE_PARCEL_HOLD_MINUTES = 90
    door = household(world.b1, "101")
    first, second = (parcel(acting_user=world.volunteer, household=door) for _ in range(2))
    before = timezone.now()
    assert services.parcels_disinfect(acting_user=world.volunteer, parcel_ids=[first.pk, second.pk]) == 2
    assert services.parcels_disinfect(acting_user=world.volunteer, parcel_ids=[first.pk]) == 0
    first.refresh_from_db()
    assert first.state == "holding" and first.disinfected_by == world.volunteer
    assert first.hold_until - first.disinfected_at == dt.timedelta(minutes=90)
    assert first.disinfected_at >= before
    assert AuditEntry.objects.filter(action="parcels.disinfect").count() == 2


def test_disinfect_of_a_parcel_outside_ones_areas_is_not_found(world):
    other = parcel(acting_user=world.outsider, household=household(world.b9, "101"))
    mine = parcel(acting_user=world.volunteer, household=household(world.b1, "101"))
    with pytest.raises(NotFound):
        services.parcels_disinfect(acting_user=world.volunteer, parcel_ids=[mine.pk, other.pk])
    assert set(Parcel.objects.values_list("state", flat=True)) == {"registered"}


def test_delivery_before_the_hold_ends_is_refused_with_the_time_left(world):
    made = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="holding")
    Parcel.objects.filter(pk=made.pk).update(hold_until=timezone.now() + dt.timedelta(minutes=72))
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        services.parcel_deliver(acting_user=world.volunteer, parcel=made, photo=jpeg())
    assert "还需等待 1小时12分" in str(refused.value)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.parcel_deliver(acting_user=world.volunteer, parcel=made, photo=jpeg())
    assert str(refused.value).startswith("Still on hold: wait 1 h 12 min more (until ")
    made.refresh_from_db()
    assert (made.state, made.delivered_at, made.door_photo.name) == ("holding", None, "")


def test_time_left_is_rounded_up_to_the_minute():
    with translation.override("en"):
        assert services.time_left_words(dt.timedelta(minutes=71, seconds=1)) == "1 h 12 min"
        assert services.time_left_words(dt.timedelta(seconds=5)) == "1 min"
        assert services.time_left_words(dt.timedelta(hours=2)) == "2 h"


def test_delivery_by_the_residents_code_and_never_twice(world):
    door = household(world.b1, "101")
    person = PersonFactory(acting_user=world.staff, household=door, name="李强", name_only=True)
    payload = codes.payload_for(code_issue_for_person(acting_user=world.staff, person=person).code)
    made = parcel(acting_user=world.volunteer, household=door, state="deliverable")
    done = services.parcel_deliver(acting_user=world.volunteer, parcel=made, code_payload=payload)
    assert (done.state, done.proof, done.delivered_by) == ("delivered", "code", world.volunteer)
    with translation.override("en"), pytest.raises(Conflict) as twice:
        services.parcel_deliver(acting_user=world.leader, parcel=made, code_payload=payload)
    assert str(twice.value).startswith("This parcel was already delivered at ")
    assert AuditEntry.objects.filter(action="parcels.deliver").count() == 1


def test_a_code_of_another_household_is_refused(world):
    other = household(world.b1, "102")
    person = PersonFactory(acting_user=world.staff, household=other, name="赵敏", name_only=True)
    payload = codes.payload_for(code_issue_for_person(acting_user=world.staff, person=person).code)
    made = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="deliverable")
    with translation.override("en"), pytest.raises(ValidationError) as bad:
        services.parcel_deliver(acting_user=world.volunteer, parcel=made, code_payload=payload)
    assert bad.value.message_dict == {"code": ["This code belongs to another household; check the door."]}


@pytest.mark.django_db(transaction=True)
def test_two_phones_confirming_at_once_deliver_exactly_once(world):
    made = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="deliverable")
    answers = []

    def confirm(user):
        try:
            services.parcel_deliver(acting_user=user, parcel=Parcel.objects.get(pk=made.pk), photo=jpeg())
            answers.append("delivered")
        except Conflict:
            answers.append("conflict")
        finally:
            connection.close()

    if connection.vendor == "sqlite":  # one writer at a time: the second runs after the first
        confirm(world.volunteer)
        confirm(world.leader)
    else:
        phones = [threading.Thread(target=confirm, args=(u,)) for u in (world.volunteer, world.leader)]
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.join()
    assert sorted(answers) == ["conflict", "delivered"]
    assert AuditEntry.objects.filter(action="parcels.deliver").count() == 1


def test_return_to_the_gate_and_out_again(world):
    made = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="deliverable")
    back = services.parcel_return(acting_user=world.volunteer, parcel=made, reason="家中无人")
    assert (back.state, back.return_reason, back.courier) == ("returned", "家中无人", None)
    again = services.parcel_deliver(acting_user=world.volunteer, parcel=made, photo=jpeg())
    assert again.state == "delivered"


def test_a_parcel_older_than_a_day_undelivered_is_flagged(world):
    door = household(world.b1, "101")
    old, new = (parcel(acting_user=world.volunteer, household=door) for _ in range(2))
    Parcel.objects.filter(pk=old.pk).update(registered_at=timezone.now() - dt.timedelta(hours=24, minutes=1))
    old.refresh_from_db()
    assert (old.is_overdue(), new.is_overdue()) == (True, False)
    board = parcel_board(user=world.staff, site=world.p1)
    assert board.overdue == 1
    assert parcel_board(user=world.staff, site=world.p1, column="overdue").parcels == [old]
    hold_ended  # noqa: B018 (imported for the other tests)
