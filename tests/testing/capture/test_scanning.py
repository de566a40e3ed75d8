"""Registering samples: the desk, door to door, and batches from devices that were offline."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.common.models import AuditEntry
from firstline.people.services import person_register
from firstline.testing.capture.services import (
    CONFLICT,
    DUPLICATE,
    REFUSED,
    STORED,
    ScanIn,
    scans_record,
    tube_close,
)
from firstline.testing.models import Round, RoundStatus, Sample, Tube, TubeStatus
from firstline.testing.rounds import services
from tests.conftest import household
from tests.testing.fixtures import DAY, desk_scan

pytestmark = pytest.mark.django_db


def test_a_tube_fills_to_ten_closes_itself_and_refuses_the_eleventh(world, residents, round_, point):
    people = residents.b1 + residents.b2[:1]
    outcomes = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in people[:11]],
    )
    assert [o.status for o in outcomes] == [STORED] * 10 + [REFUSED]
    assert [o.tube.filled for o in outcomes[:10]] == list(range(1, 11))
    assert outcomes[9].tube.status == TubeStatus.CLOSED and outcomes[9].tube.places_left == 0
    assert outcomes[10].code == "tube_full"
    assert outcomes[10].message == "Tube TG0000001 is full (10 of 10). Scan a new tube."
    tube = Tube.objects.get(code="TG0000001")
    assert (tube.capacity, tube.filled, tube.status, tube.point_id, tube.desk) == (
        10,
        10,
        TubeStatus.CLOSED,
        point.pk,
        1,
    )
    assert Sample.objects.filter(tube=tube).count() == 10
    # The person refused goes into the next tube.
    again = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000002", residents.codes[people[10].pk])],
    )
    assert again[0].status == STORED and again[0].tube.filled == 1


def test_the_same_scan_sent_twice_and_a_retried_batch_are_stored_once(world, residents, round_, point):
    batch = [desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:4]]
    first = scans_record(acting_user=world.volunteer, round=round_, scans=batch)
    retried = scans_record(acting_user=world.volunteer, round=round_, scans=batch)
    assert [o.status for o in first] == [STORED] * 4
    assert [o.status for o in retried] == [DUPLICATE] * 4
    assert [o.client_id for o in retried] == [str(s.client_id) for s in batch]
    assert retried[3].tube.filled == 4
    assert Sample.objects.count() == 4
    assert Tube.objects.get(code="TG0000001").filled == 4
    # A batch that mixes old scans with new ones stores only the new.
    mixed = batch[2:] + [desk_scan(point, "TG0000001", residents.codes[residents.b1[4].pk])]
    assert [o.status for o in scans_record(acting_user=world.volunteer, round=round_, scans=mixed)] == [
        DUPLICATE,
        DUPLICATE,
        STORED,
    ]
    assert Tube.objects.get(code="TG0000001").filled == 5
    assert (
        AuditEntry.objects.filter(action="testing.scans").count() == 2
    )  # a batch of duplicates writes nothing


def test_a_person_scanned_again_in_the_round_is_refused_with_where_and_when(world, residents, round_, point):
    code = residents.codes[residents.b1[0].pk]
    scans_record(acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "TG0000001", code)])
    again = scans_record(
        acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "TG0000002", code)]
    )[0]
    assert again.status == REFUSED and again.code == "already_sampled"
    assert "tube TG0000001, 东门采样点" in again.message
    assert again.message.startswith("居***甲 was already sampled in this round")
    # In one batch too.
    other = residents.codes[residents.b1[1].pk]
    pair = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", other), desk_scan(point, "TG0000001", other)],
    )
    assert [o.status for o in pair] == [STORED, REFUSED]
    assert Sample.objects.count() == 2


def test_tube_codes_are_never_used_twice_and_closed_tubes_refuse(world, residents, round_, point):
    code = residents.codes
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, " tg-0000001 ", code[residents.b1[0].pk])],
    )
    closed = tube_close(acting_user=world.volunteer, round=round_, tube_code="TG-0000001")
    assert closed.status == STORED and closed.tube.status == TubeStatus.CLOSED and closed.tube.filled == 1
    refused = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG-0000001", code[residents.b1[1].pk])],
    )[0]
    assert (refused.code, refused.message) == ("tube_closed", "Tube TG-0000001 is closed. Scan a new tube.")
    second = services.round_create(
        acting_user=world.staff, area=world.c1, name="第二轮", date=DAY + dt.timedelta(days=1)
    )
    services.round_set_status(acting_user=world.staff, round=second, status=RoundStatus.OPEN)
    reused = scans_record(
        acting_user=world.volunteer,
        round=second,
        scans=[desk_scan(point, "TG-0000001", code[residents.b1[1].pk])],
    )[0]
    assert reused.code == "tube_used"
    bad = scans_record(
        acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "管子", code[residents.b1[1].pk])]
    )[0]
    assert bad.code == "tube_code"
    assert Sample.objects.count() == 1


def test_fallbacks_id_number_with_lowercase_x_and_a_family_code(world, residents, round_, point):
    door = household(world.b1, "501", "Unit 2")
    wang = person_register(
        acting_user=world.staff, household=door, data={"name": "王芳", "id_number": "11010519491231002X"}
    )
    by_id = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG1",
                id_number="１１０１０５１９４９１２３１００２ｘ",
                point_id=point.pk,
                desk=2,
            )
        ],
    )
    assert by_id[0].code == "tube_code"  # "TG1" is too short to be a tube code
    by_id = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG000001",
                id_number="１１０１０５１９４９１２３１００２ｘ",
                point_id=point.pk,
                desk=2,
            )
        ],
    )[0]
    assert by_id.status == STORED and by_id.people[0].person_id == wang.pk
    family = ScanIn(
        client_id=uuid.uuid4(), tube_code="TG000001", person_code=residents.family_code, point_id=point.pk
    )
    stored = scans_record(acting_user=world.volunteer, round=round_, scans=[family])[0]
    assert stored.status == STORED
    assert sorted(p.person_id for p in stored.people) == sorted(p.pk for p in residents.b1[:2])
    assert stored.tube.filled == 3
    again = scans_record(acting_user=world.volunteer, round=round_, scans=[family])[0]
    assert again.status == DUPLICATE and [p.status for p in again.people] == [DUPLICATE, DUPLICATE]
    assert Sample.objects.count() == 3
    unknown = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG000001",
                id_number="110105194912310021",
                point_id=point.pk,
            )
        ],
    )[0]
    assert (unknown.code, unknown.message) == (
        "id_number",
        "The check digit is wrong: the last character should be X. Check the number for a typo.",
    )
    nobody = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG000001",
                id_number="44052419500101001x",
                point_id=point.pk,
            )
        ],
    )[0]
    assert (nobody.code, nobody.message) == (
        "person_unknown",
        "No one registered has this code or ID number.",
    )
    forged = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG000001", residents.codes[residents.b1[3].pk][:-2] + "xx")],
    )[0]
    assert forged.code == "code_invalid"


def test_a_person_from_outside_the_round_is_stored_and_flagged_with_a_masked_name(
    world, residents, round_, point
):
    outcome = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000009", residents.codes[residents.outside.pk])],
    )[0]
    assert outcome.status == STORED
    assert outcome.people[0].out_of_scope is True
    assert (outcome.people[0].name, outcome.people[0].door) == ("外**人", "")  # not in the volunteer's ledger
    inside = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000009", residents.codes[residents.b1[0].pk])],
    )[0]
    assert (inside.people[0].name, inside.people[0].door, inside.people[0].out_of_scope) == (
        "居民11甲",
        "1号楼 Unit 1 101",
        False,
    )
    assert Sample.objects.get(person=residents.outside).out_of_scope is True


def test_sealed_and_per_household_rules_pick_the_tube(world, residents, round_, point):
    area_set_risk(acting_user=world.staff, area=world.b2, status=RiskStatus.SEALED, reason="密接")
    b2_code = residents.codes[residents.b2[0].pk]
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk])],
    )
    refused = scans_record(
        acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "TG0000001", b2_code)]
    )[0]
    assert refused.code == "needs_smaller_tube"
    assert (
        refused.message
        == "二**甲 lives in a sealed area: 1 to a tube there, this tube takes 10. Use a new tube."
    )
    single = scans_record(
        acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "TG0000002", b2_code)]
    )[0]
    assert (single.status, single.tube.capacity, single.tube.status) == (STORED, 1, TubeStatus.CLOSED)
    # One tube per household in B1, by a rule for that building.
    services.pooling_rules_set(
        acting_user=world.staff, round=round_, by_risk={}, by_area=[(world.b1, 10, True)]
    )
    a, b, c = residents.b1[2], residents.b1[3], residents.b1[4]  # a and b share door 102; c lives at 201
    pair = scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[
            ScanIn(client_id=uuid.uuid4(), tube_code="TG0000003", person_id=p.pk, door_to_door=True)
            for p in (a, b, c)
        ],
    )
    assert [o.status for o in pair] == [STORED, STORED, REFUSED]
    assert pair[2].code == "other_household"
    assert (
        pair[2].message
        == "Tube TG0000003 is for one household (1号楼 Unit 1 102). Scan a new tube for 居***甲."
    )
    tube = Tube.objects.get(code="TG0000003")
    assert (tube.per_household, tube.household_id, tube.door_to_door, tube.point_id) == (
        True,
        a.residences.get().household_id,
        True,
        None,
    )


def test_rights_round_status_and_places(world, residents, round_, point):
    code = residents.codes[residents.b1[0].pk]
    assert (
        scans_record(acting_user=world.lab, round=round_, scans=[desk_scan(point, "TG0000001", code)])[0].code
        == "not_allowed"
    )
    # A leader registers door to door in their own buildings, not elsewhere, and not by picking strangers from
    # a list.
    own = scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[ScanIn(client_id=uuid.uuid4(), tube_code="TG0000001", person_code=code, door_to_door=True)],
    )[0]
    assert own.status == STORED
    picked = scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG0000002",
                person_id=residents.outside.pk,
                door_to_door=True,
            )
        ],
    )[0]
    assert picked.code == "person_unknown"
    planned = services.round_create(acting_user=world.staff, area=world.c1, name="计划中", date=DAY)
    assert (
        scans_record(acting_user=world.volunteer, round=planned, scans=[desk_scan(point, "TG0000005", code)])[
            0
        ].code
        == "round_not_open"
    )
    nowhere = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[ScanIn(client_id=uuid.uuid4(), tube_code="TG0000005", person_code=code)],
    )[0]
    assert nowhere.code == "invalid"
    assert Sample.objects.count() == 1


def test_scans_made_while_open_are_accepted_after_the_round_closes(world, residents, round_, point):
    made_at = timezone.now() - dt.timedelta(minutes=30)
    services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now() - dt.timedelta(minutes=10))
    round_.refresh_from_db()
    late = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk], scanned_at=made_at),
            desk_scan(point, "TG0000001", residents.codes[residents.b1[1].pk]),
        ],
    )
    assert [o.status for o in late] == [STORED, REFUSED]
    assert late[1].code == "round_not_open"
    assert Sample.objects.get().scanned_at == made_at


def test_merging_two_records_both_sampled_in_the_round_keeps_one_sample_each_way(
    world, residents, round_, point
):
    from firstline.people.models import Person
    from firstline.people.services import person_merge

    a, b = residents.b1[0], residents.b1[1]
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            desk_scan(point, "TG0000001", residents.codes[a.pk]),
            desk_scan(point, "TG0000001", residents.codes[b.pk]),
        ],
    )
    kept = person_merge(acting_user=world.staff, keep=a, merge=b)
    assert list(Sample.objects.filter(person=kept).values_list("tube__code", flat=True)) == ["TG0000001"]
    assert Sample.objects.filter(person=b).count() == 1  # left on the merged record: nothing is lost
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    entry = AuditEntry.objects.get(action="person.merge")
    assert entry.changes["references_left"] == {
        "testing.sample.person": 1,
        "registration.personalcode.person": 1,
        "registration.personalcode_members.person": 1,
    }


def test_an_id_number_scanned_as_a_tube_or_reported_by_a_lab_is_never_kept_in_clear(
    world, residents, round_, point
):
    from firstline.testing.lab.services import ResultIn, results_report
    from firstline.testing.transport.services import box_open

    number = "11010519491231002X"
    refused = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, number.lower(), residents.codes[residents.b1[0].pk])],
    )[0]
    assert (refused.code, refused.message) == (
        "tube_code",
        "This is an ID number, not a tube code. Scan the tube's barcode.",
    )
    with pytest.raises(ValidationError) as error:
        box_open(acting_user=world.volunteer, round=round_, code=number, point=point)
    assert error.value.message_dict == {
        "code": ["'110***********002X' is not a box code: 4 to 40 letters, digits or dashes."]
    }
    (outcome,) = results_report(acting_user=world.lab, source="api", results=[ResultIn(number, "negative")])
    assert (outcome.tube_code, outcome.code) == ("110***********002X", "invalid")
    assert Tube.objects.count() == 0 and Sample.objects.count() == 0


def test_a_scan_id_used_again_for_another_person_is_a_conflict_the_device_keeps(
    world, residents, round_, point
):
    first = desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk])
    scans_record(acting_user=world.volunteer, round=round_, scans=[first])
    reused = ScanIn(
        client_id=first.client_id,
        tube_code="TG0000001",
        person_code=residents.codes[residents.b1[1].pk],
        point_id=point.pk,
        desk=1,
    )
    elsewhere = ScanIn(
        client_id=first.client_id,
        tube_code="TG0000002",
        person_code=residents.codes[residents.b1[0].pk],
        point_id=point.pk,
        desk=1,
    )
    outcomes = scans_record(acting_user=world.volunteer, round=round_, scans=[reused, elsewhere])
    assert [(o.status, o.code) for o in outcomes] == [
        (CONFLICT, "client_id_reused"),
        (CONFLICT, "client_id_reused"),
    ]
    assert outcomes[0].message == (
        "This scan's id was already used for another scan (tube TG0000001). Nothing was stored: "
        "send it again as a new scan."
    )
    # Nothing changed, and the second person, sent again under a new id, is stored.
    assert list(Sample.objects.values_list("person_id", flat=True)) == [residents.b1[0].pk]
    renewed = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG0000001",
                person_code=residents.codes[residents.b1[1].pk],
                point_id=point.pk,
                desk=1,
            )
        ],
    )
    assert renewed[0].status == STORED
    # The same scan sent again is still a plain duplicate.
    assert scans_record(acting_user=world.volunteer, round=round_, scans=[first])[0].status == DUPLICATE


def test_scan_times_are_kept_as_given_or_refused_with_the_reason(world, residents, round_, point):
    codes = [residents.codes[p.pk] for p in residents.b1[:4]]
    now = timezone.now()
    morning = timezone.make_aware(dt.datetime.combine(DAY, dt.time(7, 15)))
    scans = [
        desk_scan(point, "TG0000001", codes[0], scanned_at=morning),  # an offline desk uploading later
        desk_scan(point, "TG0000001", codes[1], scanned_at=dt.datetime(1999, 4, 4, 8, 0, tzinfo=dt.UTC)),
        desk_scan(point, "TG0000001", codes[2], scanned_at=now + dt.timedelta(hours=3)),
        desk_scan(
            point, "TG0000001", codes[3], scanned_at=now + dt.timedelta(minutes=4)
        ),  # a clock a little fast
    ]
    outcomes = scans_record(acting_user=world.volunteer, round=round_, scans=scans)
    assert [(o.status, o.code) for o in outcomes] == [
        (STORED, ""),
        (REFUSED, "scan_time"),
        (REFUSED, "scan_time"),
        (STORED, ""),
    ]
    assert outcomes[1].message == (
        "The scan is dated 1999-04-04 16:00, outside 第一轮全员核酸 (2022-04-04 00:00 to its end): "
        "check the device's clock and date."
    )
    later = timezone.localtime(now + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    assert outcomes[2].message == (
        f"The scan is dated {later}, later than now: check the device's clock and date, then send it again."
    )
    # Kept exactly as the device said, never set to the server's clock.
    assert sorted(Sample.objects.values_list("scanned_at", flat=True)) == [morning, scans[3].scanned_at]
    # After closing, a scan dated long after the round closed is refused as outside it.
    services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    Round.objects.filter(pk=round_.pk).update(closed_at=now - dt.timedelta(days=2))
    closed = Round.objects.get(pk=round_.pk)
    late = scans_record(
        acting_user=world.volunteer,
        round=closed,
        scans=[
            desk_scan(
                point,
                "TG0000002",
                residents.codes[residents.b1[5].pk],
                scanned_at=closed.closed_at + dt.timedelta(hours=13),
            )
        ],
    )
    assert (late[0].status, late[0].code) == (REFUSED, "scan_time")
    assert (
        late[0].message.startswith("The scan is dated ")
        and " outside 第一轮全员核酸 (2022-04-04 00:00 to " in late[0].message
    )


def test_a_resample_tube_refuses_screening_and_ids_from_a_family_retry_are_stable(
    world, residents, round_, point
):
    first = ScanIn(
        client_id=uuid.uuid4(), tube_code="TG0000001", person_code=residents.family_code, point_id=point.pk
    )
    a = scans_record(acting_user=world.volunteer, round=round_, scans=[first])[0]
    b = scans_record(acting_user=world.volunteer, round=round_, scans=[first])[0]
    assert [p.sample_id for p in a.people] == [p.sample_id for p in b.people]
    assert len({p.sample_id for p in a.people}) == 2
