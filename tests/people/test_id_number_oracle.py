"""No ID-number oracle (ADR 0008): outside a user's areas, a registered number is answered exactly as
a number nobody carries, by every door the user has — registering, correcting, scanning, searching,
reviewing a self-registration. The real conflict goes to the staff whose areas cover both records.

The world: 王芳 is registered in 9号楼 (compound P2, community C2) with NUMBER. The building leader
of 1号楼 and 2号楼 (P1, C1), the staff of C1 and the volunteer of P1 may not see her; the street
coordinator sees both communities.
"""

import json
import uuid

import pytest

from firstline.common.audit import AuditEntry
from firstline.common.errors import Conflict
from firstline.notices.models import NoticeDelivery
from firstline.people import selectors, services
from firstline.people.models import DuplicateCandidate, DuplicateStatus, Person
from firstline.registration import codes
from firstline.registration import selectors as registration_selectors
from firstline.registration import services as registration_services
from firstline.testing.capture.services import REFUSED, STORED, ScanIn, scans_record
from tests.conftest import household
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db

NUMBER = "11010519491231002X"
FREE_NUMBER = "110101199003074477"  # registered by no one


@pytest.fixture
def api(db):
    from tests.api.conftest import ApiClient

    return ApiClient()


@pytest.fixture
def wang(world) -> Person:
    return services.person_register(
        acting_user=world.outsider,
        household=household(world.b9, "101"),
        data={"name": "王芳", "id_number": NUMBER, "phone": "13800138000"},
    )


def _register(user, door, number=NUMBER, name="王芳"):
    return services.person_register(
        acting_user=user, household=door, data={"name": name, "id_number": number}
    )


def test_a_number_registered_outside_the_leaders_areas_registers_as_a_new_one_held_for_review(world, wang):
    door = household(world.b1, "101")
    held = _register(world.leader, door)
    assert (held.id_masked, held.id_hash, Person.objects.filter(id_hash=wang.id_hash).get()) == (
        "110***********002X",
        None,
        wang,
    )
    assert held.id_sealed is not None and selectors.number_hash(held) == wang.id_hash
    assert list(DuplicateCandidate.objects.values_list("person", "other", "status")) == [
        (held.pk, wang.pk, "open")
    ]
    # The register row, which the leader's colleagues in C1 read, is the one any new person gets.
    entry = AuditEntry.objects.get(action="person.register", target_id=str(held.pk))
    assert (entry.area_path, entry.changes) == (
        door.path,
        {
            "name": "王芳",
            "household": door.pk,
            "id_number": "110***********002X",
            "source": "manual",
            "possible_duplicates": 0,
        },
    )
    # The hold is written at the street, the area above both records, for its staff only.
    hold = AuditEntry.objects.get(action="person.id_number_held")
    assert (hold.area_path, hold.changes) == (
        world.street.path,
        {"other": wang.pk, "id_number": "110***********002X", "household": door.pk},
    )
    # Delivered to the street's coordinators (the world's builder is one), not to C1's or C2's staff.
    assert sorted(NoticeDelivery.objects.values_list("user__username", flat=True)) == [
        "builder",
        "coordinator",
    ]
    delivered = NoticeDelivery.objects.select_related("notice").first()
    assert (delivered.notice.area_id, delivered.notice.title) == (
        world.street.pk,
        "Two records carry one ID number",
    )
    assert delivered.notice.body == (
        "Someone registered at 1号楼 Unit 1 101 carries an ID number that is already registered at 9号楼 "
        "Unit 1 101. "
        "Check the pair under Possible duplicates: merge them if it is one person who moved, or correct the "
        "wrong number."
    )
    assert "王芳" not in delivered.notice.body and NUMBER not in delivered.notice.body


def test_the_pair_is_shown_only_to_staff_who_see_both_records(world, wang):
    held = _register(world.leader, household(world.b1, "101"))
    assert [(c.person_id, c.other_id) for c in selectors.duplicates_open(user=world.coordinator)] == [
        (held.pk, wang.pk)
    ]
    for user in (world.staff, world.outsider, world.leader):
        assert list(selectors.duplicates_open(user=user)) == []
    assert (
        AuditEntry.objects.filter(action="person.id_number_held")
        .filter(area_path__startswith=world.c1.path)
        .count()
        == 0
    )


def test_a_user_who_sees_both_records_gets_the_real_conflict(world):
    in_b2 = _register(world.staff, household(world.b2, "101"))
    with pytest.raises(Conflict) as caught:
        _register(world.leader, household(world.b1, "101"))  # the leader sees 2号楼 too
    assert (caught.value.code, caught.value.details, str(caught.value)) == (
        "id_number_taken",
        {"person_id": in_b2.pk},
        f"This ID number is already registered as 王芳 (#{in_b2.pk}).",
    )
    with pytest.raises(Conflict) as caught:
        _register(world.coordinator, household(world.b9, "101"))
    assert caught.value.details == {"person_id": in_b2.pk}
    assert Person.objects.count() == 1 and DuplicateCandidate.objects.count() == 0


def test_to_the_leader_the_held_record_carries_its_number_like_any_other(world, wang):
    held = _register(world.leader, household(world.b1, "101"))
    # Found by its number,
    kind, found = selectors.person_search(user=world.leader, query=NUMBER.lower())
    assert (kind, list(found)) == ("id_number", [held])
    # a second record with the number is the usual conflict, naming the held one,
    with pytest.raises(Conflict) as caught:
        _register(world.leader, household(world.b2, "102"), name="王芳二")
    assert caught.value.details == {"person_id": held.pk}
    # corrections leave it holding its number,
    services.person_update(
        acting_user=world.leader, person=held, data={"name": "王 芳", "id_number": NUMBER.lower()}
    )
    held.refresh_from_db()
    assert (held.name, held.id_hash, held.id_masked, selectors.number_hash(held)) == (
        "王 芳",
        None,
        "110***********002X",
        wang.id_hash,
    )
    # and door to door, its number scans as this person.
    outcome = scans_record(
        acting_user=world.leader,
        round=_round(world),
        scans=[ScanIn(client_id=uuid.uuid4(), tube_code="DD0000001", id_number=NUMBER, door_to_door=True)],
    )[0]
    assert (outcome.status, outcome.people[0].person_id) == (STORED, held.pk)


def test_correcting_a_number_to_one_registered_outside_holds_it_for_review(world, wang):
    person = services.person_register(
        acting_user=world.leader, household=household(world.b1, "102"), data={"name": "王芳"}
    )
    updated = services.person_update(
        acting_user=world.leader,
        person=person,
        data={"id_type": "resident_id", "id_number": NUMBER, "sex": "F"},
    )
    assert (updated.id_hash, updated.id_masked) == (None, "110***********002X")
    assert list(DuplicateCandidate.objects.values_list("person", "other")) == [(person.pk, wang.pk)]
    # The update's audit row is the one a free number gives.
    assert AuditEntry.objects.get(action="person.update").changes == {
        "id_type": ["none", "resident_id"],
        "birth_date": [None, "1949-12-31"],
        "sex": ["U", "F"],
        "id_number": ["", "110***********002X"],
    }


def test_staff_who_see_both_merge_the_pair_into_the_record_that_lives_here(world, wang):
    held = _register(world.leader, household(world.b1, "101"))
    kept = services.person_merge(acting_user=world.coordinator, keep=held, merge=wang)
    assert (kept.pk, kept.id_hash, kept.id_masked) == (held.pk, wang.id_hash, "110***********002X")
    wang.refresh_from_db()
    assert (wang.merged_into_id, wang.id_hash) == (held.pk, None)
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    assert selectors.id_number_holders(digests=[kept.id_hash]) == {kept.id_hash: [held.pk]}


def _round(world):
    from firstline.testing.models import RoundStatus
    from firstline.testing.rounds import services as testing_services
    from tests.testing.fixtures import DAY

    created = testing_services.round_create(
        acting_user=world.coordinator, area=world.street, name="全街道", date=DAY
    )
    return testing_services.round_set_status(
        acting_user=world.coordinator, round=created, status=RoundStatus.OPEN
    )


def _same_outcome(first, second) -> None:
    """Two scan outcomes that differ only in the id the device gave the scan."""
    assert first.status == second.status == REFUSED
    assert (first.code, first.message, first.tube, first.people) == (
        second.code,
        second.message,
        second.tube,
        second.people,
    )


def test_scans_of_people_outside_the_users_areas_are_answered_as_scans_of_no_one(world, wang):
    round_ = _round(world)
    from firstline.registration.services import code_issue_for_person
    from firstline.testing.rounds import services as testing_services

    point = testing_services.sampling_point_create(
        acting_user=world.staff,
        compound=world.p1,
        values={"name": "东门采样点", "desks": 1, "location": "东门"},
    )
    wang_code = codes.payload_for(code_issue_for_person(acting_user=world.outsider, person=wang).code)
    never_issued = codes.payload_for(codes.new_code())  # signed, so it passes the signature check
    door = dict(tube_code="DD0000001", door_to_door=True)

    def scan(user, **fields):
        return scans_record(acting_user=user, round=round_, scans=[ScanIn(client_id=uuid.uuid4(), **fields)])[
            0
        ]

    # The leader door to door: her ID number, her code, her id, as a number, a code, an id nobody has.
    _same_outcome(
        scan(world.leader, id_number=NUMBER, **door), scan(world.leader, id_number=FREE_NUMBER, **door)
    )
    _same_outcome(
        scan(world.leader, person_code=wang_code, **door),
        scan(world.leader, person_code=never_issued, **door),
    )
    _same_outcome(scan(world.leader, person_id=wang.pk, **door), scan(world.leader, person_id=10**9, **door))
    refused = scan(world.leader, id_number=NUMBER, **door)
    assert (refused.code, refused.message) == (
        "person_unknown",
        "No one registered has this code or ID number.",
    )
    # The desk at P1: her ID number typed in is answered as no one's.
    desk = dict(tube_code="TG0000001", point_id=point.pk, desk=1)
    _same_outcome(
        scan(world.volunteer, id_number=NUMBER, **desk), scan(world.volunteer, id_number=FREE_NUMBER, **desk)
    )
    # Her personal code shown at the desk cannot be guessed: she is sampled, flagged, her name masked.
    shown = scans_record(
        acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "TG0000002", wang_code)]
    )[0]
    assert (shown.status, shown.people[0].name, shown.people[0].door) == (STORED, "王*", "")
    # The coordinator, whose street holds 9号楼, samples her by number door to door.
    assert (
        scan(world.coordinator, id_number=NUMBER, tube_code="DD0000009", door_to_door=True)
        .people[0]
        .person_id
        == wang.pk
    )


def test_the_api_answers_a_number_registered_outside_as_a_number_nobody_carries(world, api):
    door = household(world.b1, "101")
    body = {"household_id": door.pk, "name": "王芳", "id_number": NUMBER.lower()}
    wang = services.person_register(
        acting_user=world.outsider,
        household=household(world.b9, "101"),
        data={"name": "王芳", "id_number": NUMBER},
    )
    held = api.post(world.leader, "/people", body)
    # The same request when nobody carries the number.
    Person.objects.filter(pk__in=[held.json()["id"], wang.pk]).delete()
    fresh = api.post(world.leader, "/people", body)
    assert (held.status_code, fresh.status_code) == (201, 201)
    assert _without_ids(held) == _without_ids(fresh)
    assert NUMBER not in held.content.decode()


def _without_ids(response) -> str:
    def strip(value):
        if isinstance(value, dict):
            return {k: ("<id>" if k in ("id", "person_id") else strip(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(response.json()), sort_keys=True, ensure_ascii=False)


def test_the_api_scans_of_people_outside_are_answered_as_scans_of_no_one(world, wang, api):
    round_ = _round(world)
    url = f"/testing/rounds/{round_.pk}/scans"

    def scan(number):
        client_id = str(uuid.uuid4())
        answer = api.post(
            world.leader,
            url,
            {"client_id": client_id, "tube_code": "DD0000001", "id_number": number, "door_to_door": True},
        )
        return answer.status_code, answer.content.decode().replace(client_id, "<client id>")

    assert scan(NUMBER) == scan(FREE_NUMBER)
    assert scan(NUMBER)[0] == 200


def test_reviewing_a_self_registration_does_not_tell_a_number_registered_outside(world, wang):
    inside = _register(world.staff, household(world.b2, "101"), number=FREE_NUMBER, name="李娜")
    submission = registration_services.registration_submit(
        compound=world.p1,
        household=household(world.b1, "301"),
        address_text="",
        contact_phone="13800138000",
        members=[{"name": "王芳", "id_number": NUMBER}, {"name": "李娜", "id_number": FREE_NUMBER}],
        submission_key="review-0000000000000000",
        client_ip="203.0.113.7",
    )
    shown = registration_selectors.registration_members_masked(user=world.staff, submission=submission)
    assert [(m["name"], m["existing_person"]) for m in shown] == [("王芳", None), ("李娜", inside.pk)]
    people = registration_services.registration_accept(
        acting_user=world.staff, submission=submission, household=household(world.b1, "301")
    )
    assert people[1] == inside  # registered inside C1: linked
    assert people[0] != wang and (people[0].id_hash, people[0].id_masked) == (None, "110***********002X")
    assert list(DuplicateCandidate.objects.values_list("person", "other")) == [(people[0].pk, wang.pk)]
    assert AuditEntry.objects.get(action="registration.accept").changes["linked_existing"] == 1


def test_holding_many_numbers_for_review_takes_the_same_queries_as_one(world):
    """An import may hold hundreds: the pairs, their audit rows and the notices are written on sets."""
    from tests.conftest import household
    from tests.queries import assert_queries, queries

    holder = services.person_register(
        acting_user=world.outsider, household=household(world.b9, "101"), data={"name": "外社区"}
    )

    def to_hold(count: int, door: str) -> list:
        home = household(world.b1, door)
        people = [Person.objects.create(name=f"暂存{door}{i}") for i in range(count)]
        return [(p, holder.pk, home) for p in people]

    one = to_hold(1, "101")
    with queries() as holding_one:
        services.people_hold_for_review(acting_user=world.staff, held=one)
    six = to_hold(6, "102")
    with assert_queries(holding_one):
        services.people_hold_for_review(acting_user=world.staff, held=six)
    assert DuplicateCandidate.objects.filter(other=holder).count() == 7
    assert AuditEntry.objects.filter(action="person.id_number_held").count() == 7
