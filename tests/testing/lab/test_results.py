"""Boxes from the point to the lab, and what each lab result sets off."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.common.errors import Conflict, PermissionDenied
from firstline.notices.models import Notice, NoticeDelivery
from firstline.testing import transport
from firstline.testing.models import (
    Box,
    FollowUp,
    ResampleTask,
    ResultKind,
    Sample,
    SampleState,
    Tube,
    TubeResult,
)
from firstline.testing.results import ResultIn, positive_seal, results_report
from firstline.testing.scanning import DUPLICATE, REFUSED, STORED, ScanIn, scans_record
from tests.conftest import make_user
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def fill(world, residents, round_, point, tube, people):
    return scans_record(acting_user=world.volunteer, round=round_,
                        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people])


def boxed_and_received(world, round_, point, codes):
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=codes)
    transport.box_pack(acting_user=world.volunteer, box=box, counted=len(codes))
    transport.box_pick_up(acting_user=world.volunteer, box=box)
    return transport.box_receive(acting_user=world.lab, box=box, counted=len(codes))


def test_a_box_is_packed_only_when_the_count_matches_and_every_hand_off_is_recorded(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    fill(world, residents, round_, point, "TG0000002", residents.b1[10:])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="box-001", point=point)
    assert transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point) == box
    scan = transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001", "TG0000002", "TG0000001", "TG9999999"])
    assert (scan.added, scan.closed) == (["TG0000001", "TG0000002"], ["TG0000002"])  # the second tube was open at 2 of 10
    assert scan.refused == [("TG9999999", "No tube TG9999999 has been filled in this round.")]
    with pytest.raises(ValidationError) as error:
        transport.box_pack(acting_user=world.volunteer, box=box, counted=3)
    assert error.value.message_dict["counted"] == [
        "You counted 3 tubes, but 2 were scanned into box BOX-001. Scan the missing tubes or take out the extra ones, then count again."]
    with pytest.raises(Conflict):
        transport.box_pick_up(acting_user=world.volunteer, box=box)
    transport.box_pack(acting_user=world.volunteer, box=box, counted=2)
    other = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-002", point=point)
    assert transport.box_add_tubes(acting_user=world.volunteer, box=other, tube_codes=["TG0000001"]).refused == [
        ("TG0000001", "Tube TG0000001 is already in box BOX-001.")]
    with pytest.raises(PermissionDenied):
        transport.box_receive(acting_user=world.volunteer, box=box, counted=2)
    transport.box_pick_up(acting_user=world.volunteer, box=box)
    receipt = transport.box_receive(acting_user=world.lab, box=box, tube_codes=["tg0000001"])
    assert (receipt.received, receipt.missing, receipt.unexpected) == (1, ["TG0000002"], [])
    box.refresh_from_db()
    assert box.status == Box.Status.RECEIVED
    assert [(e.kind, e.by.username, e.tube_count) for e in box.events.all()] == [
        ("packed", "volunteer", 2), ("picked_up", "volunteer", 2), ("received", "lab", 1)]
    # The tube that never reached the lab cannot get a result.
    outcomes = results_report(acting_user=world.lab, source="api", results=[
        ResultIn("TG0000001", "阴性"), ResultIn("TG0000002", "negative")])
    assert [o.status for o in outcomes] == [STORED, REFUSED]
    assert outcomes[1].message == "Tube TG0000002 has not been received at the lab: receive its box first."
    assert set(Sample.objects.values_list("tube__code", "state")) == {("TG0000001", "negative"), ("TG0000002", "pending")}


def test_a_positive_pool_makes_resample_tasks_notifies_leaders_and_can_be_sealed(world, residents, round_, point):
    make_user("unit_leader", "building_leader", Area.objects.get(parent=world.b1, name="Unit 1"))
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    fill(world, residents, round_, point, "TG0000002", residents.b1[10:] + residents.b2)
    boxed_and_received(world, round_, point, ["TG0000001", "TG0000002"])
    outcomes = results_report(acting_user=world.lab, source="upload", results=[
        ResultIn("TG0000001", "阳性", source_ref="lab.csv row 2"), ResultIn("TG0000002", " NEG ", source_ref="lab.csv row 3")])
    assert [(o.status, o.result) for o in outcomes] == [(STORED, "positive"), (STORED, "negative")]
    assert set(Sample.objects.filter(tube__code="TG0000001").values_list("state", flat=True)) == {SampleState.POOL_POSITIVE}
    assert set(Sample.objects.filter(tube__code="TG0000002").values_list("state", flat=True)) == {SampleState.NEGATIVE}
    tasks = ResampleTask.objects.filter(round=round_, status=ResampleTask.Status.OPEN)
    assert sorted(tasks.values_list("person_id", flat=True)) == sorted(p.pk for p in residents.b1[:10])
    notice = Notice.objects.get(kind="pool_positive")
    assert notice.title == "Positive pool in 第一轮全员核酸: 10 people to re-sample"
    assert "1号楼 Unit 1 101, 1号楼 Unit 1 102, 1号楼 Unit 1 201" in notice.body
    recipients = sorted(NoticeDelivery.objects.filter(notice=notice).values_list("user__username", flat=True))
    assert recipients == ["leader", "staff", "unit_leader"]
    assert TubeResult.objects.get(tube__code="TG0000001").source_ref == "lab.csv row 2"
    # The same result again changes nothing; a different one is refused and nothing changes.
    again = results_report(acting_user=world.lab, source="api", results=[ResultIn("TG0000001", "positive"), ResultIn("TG0000002", "阳性")])
    assert [o.status for o in again] == [DUPLICATE, REFUSED]
    assert again[1].code == "result_conflict"
    assert again[1].message.startswith("Tube TG0000002 was already reported negative (Lab file upload, ")
    assert ResampleTask.objects.count() == 10 and Notice.objects.count() == 1
    # Re-sample one person at the door: a single tube; a pooled tube is refused.
    person = residents.b1[0]
    pooled = scans_record(acting_user=world.leader, round=round_, scans=[
        ScanIn(client_id=uuid.uuid4(), tube_code="TG0000002", person_id=person.pk, door_to_door=True)])[0]
    assert pooled.code == "tube_closed"
    single = scans_record(acting_user=world.leader, round=round_, scans=[
        ScanIn(client_id=uuid.uuid4(), tube_code="RS0000001", person_id=person.pk, door_to_door=True)])[0]
    assert (single.status, single.people[0].purpose, single.tube.capacity, single.tube.status) == (STORED, "resample", 1, "closed")
    assert ResampleTask.objects.get(person=person).status == ResampleTask.Status.DONE
    # Two more re-sampled at their doors in one batch (the leader's upload after the stairwell):
    # each task points at that person's own single-tube sample.
    more = scans_record(acting_user=world.leader, round=round_, scans=[
        ScanIn(client_id=uuid.uuid4(), tube_code=f"RS000000{n}", person_id=p.pk, door_to_door=True)
        for n, p in ((2, residents.b1[1]), (3, residents.b1[2]))])
    assert [o.status for o in more] == [STORED, STORED]
    assert sorted(ResampleTask.objects.filter(status="done").values_list("person_id", "resample__tube__code", "resample__person_id")) == [
        (person.pk, "RS0000001", person.pk), (residents.b1[1].pk, "RS0000002", residents.b1[1].pk),
        (residents.b1[2].pk, "RS0000003", residents.b1[2].pk)]
    # Staff seal the units of the pool in one action.
    sealed = positive_seal(acting_user=world.staff, tube=Tube.objects.get(code="TG0000001"), level=AreaKind.UNIT)
    assert [(a.name, a.risk_status) for a in sealed] == [("Unit 1", RiskStatus.SEALED)]
    with pytest.raises(PermissionDenied):
        positive_seal(acting_user=world.volunteer, tube=Tube.objects.get(code="TG0000001"), level=AreaKind.BUILDING)


def test_invalid_tubes_send_people_back_and_single_positives_open_follow_ups(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    boxed_and_received(world, round_, point, ["TG0000001"])
    results_report(acting_user=world.lab, source="manual", results=[ResultIn("TG0000001", "无效")])
    assert set(Sample.objects.values_list("state", flat=True)) == {SampleState.INVALID}
    again = fill(world, residents, round_, point, "TG0000003", residents.b1[:2])
    assert [o.status for o in again] == [STORED, STORED]  # back in the queue, sampled again
    # A single tube that is positive: a follow-up and a notice.
    from firstline.areas.services import area_set_risk

    area_set_risk(acting_user=world.staff, area=world.b2, status=RiskStatus.SEALED, reason="密接")
    fill(world, residents, round_, point, "TG0000004", residents.b2[:1])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-002", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000004"])
    transport.box_pack(acting_user=world.volunteer, box=box, counted=1)
    transport.box_receive(acting_user=world.lab, box=box, counted=1)
    results_report(acting_user=world.lab, source="api", results=[ResultIn("TG0000004", "positive")])
    follow_up = FollowUp.objects.get()
    assert (follow_up.person_id, follow_up.reason, follow_up.status) == (residents.b2[0].pk, "positive", "open")
    assert Notice.objects.get(kind="positive").title == "Positive at 2号楼 Unit 1 101"
    assert Box.objects.get(code="BOX-002").events.get(kind="received").note == "Pick-up was not scanned."


def test_a_lab_only_reports_tubes_in_its_area_and_bad_rows_are_named(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    boxed_and_received(world, round_, point, ["TG0000001"])
    other_lab = make_user("other_lab", "lab", world.c2)
    unknown = results_report(acting_user=other_lab, source="api", results=[ResultIn("TG0000001", "negative")])[0]
    assert (unknown.status, unknown.code) == (REFUSED, "tube_unknown")
    with pytest.raises(PermissionDenied):
        results_report(acting_user=world.staff, source="api", results=[ResultIn("TG0000001", "negative")])
    bad = results_report(acting_user=world.lab, source="api", results=[ResultIn("TG0000001", "maybe"), ResultIn("", "negative")])
    assert [o.code for o in bad] == ["invalid", "invalid"]
    assert bad[0].message == "'maybe' is not a result: negative, positive or invalid (阴性, 阳性, 无效)."
    assert Tube.objects.get(code="TG0000001").result == ResultKind.PENDING
