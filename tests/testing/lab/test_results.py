"""What each lab result sets off: negative, invalid, positive single tubes and positive pools."""

import uuid

import pytest

from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.common.errors import PermissionDenied
from firstline.followups.models import FollowUp
from firstline.notices.models import Notice, NoticeDelivery
from firstline.testing.capture.services import DUPLICATE, REFUSED, STORED, ScanIn, scans_record
from firstline.testing.coverage import selectors
from firstline.testing.lab import selectors as lab_selectors
from firstline.testing.lab.services import ResultIn, positive_seal, results_report
from firstline.testing.models import Box, ResampleTask, ResultKind, Sample, SampleState, Tube, TubeResult
from firstline.testing.transport import services as transport
from tests.conftest import make_user
from tests.testing.fixtures import desk_scan, fill

pytestmark = pytest.mark.django_db


def boxed_and_received(world, round_, point, codes):
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=codes)
    transport.box_pack(acting_user=world.volunteer, box=box, counted=len(codes))
    transport.box_pick_up(acting_user=world.volunteer, box=box)
    return transport.box_receive(acting_user=world.lab, box=box, counted=len(codes))


def test_a_positive_pool_makes_resample_tasks_notifies_leaders_and_can_be_sealed(
    world, residents, round_, point
):
    make_user("unit_leader", "building_leader", Area.objects.get(parent=world.b1, name="Unit 1"))
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    fill(world, residents, round_, point, "TG0000002", residents.b1[10:] + residents.b2)
    boxed_and_received(world, round_, point, ["TG0000001", "TG0000002"])
    outcomes = results_report(
        acting_user=world.lab,
        source="upload",
        results=[
            ResultIn("TG0000001", "阳性", source_ref="lab.csv row 2"),
            ResultIn("TG0000002", " NEG ", source_ref="lab.csv row 3"),
        ],
    )
    assert [(o.status, o.result) for o in outcomes] == [(STORED, "positive"), (STORED, "negative")]
    assert set(Sample.objects.filter(tube__code="TG0000001").values_list("state", flat=True)) == {
        SampleState.POOL_POSITIVE
    }
    assert set(Sample.objects.filter(tube__code="TG0000002").values_list("state", flat=True)) == {
        SampleState.NEGATIVE
    }
    tasks = ResampleTask.objects.filter(round=round_, status=ResampleTask.Status.OPEN)
    assert sorted(tasks.values_list("person_id", flat=True)) == sorted(p.pk for p in residents.b1[:10])
    notice = Notice.objects.get(kind="pool_positive")
    assert notice.title == "Positive pool in 第一轮全员核酸: 10 people to re-sample"
    assert "1号楼 Unit 1 101, 1号楼 Unit 1 102, 1号楼 Unit 1 201" in notice.body
    recipients = sorted(NoticeDelivery.objects.filter(notice=notice).values_list("user__username", flat=True))
    assert recipients == ["leader", "staff", "unit_leader"]
    assert TubeResult.objects.get(tube__code="TG0000001").source_ref == "lab.csv row 2"
    # The same result again changes nothing; a different one is refused and nothing changes.
    again = results_report(
        acting_user=world.lab,
        source="api",
        results=[ResultIn("TG0000001", "positive"), ResultIn("TG0000002", "阳性")],
    )
    assert [o.status for o in again] == [DUPLICATE, REFUSED]
    assert again[1].code == "result_conflict"
    assert again[1].message.startswith("Tube TG0000002 was already reported negative (Lab file upload, ")
    assert ResampleTask.objects.count() == 10 and Notice.objects.count() == 1
    # Re-sample one person at the door: a single tube; a pooled tube is refused.
    person = residents.b1[0]
    pooled = scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[ScanIn(client_id=uuid.uuid4(), tube_code="TG0000002", person_id=person.pk, door_to_door=True)],
    )[0]
    assert pooled.code == "tube_closed"
    single = scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[ScanIn(client_id=uuid.uuid4(), tube_code="RS0000001", person_id=person.pk, door_to_door=True)],
    )[0]
    assert (single.status, single.people[0].purpose, single.tube.capacity, single.tube.status) == (
        STORED,
        "resample",
        1,
        "closed",
    )
    assert ResampleTask.objects.get(person=person).status == ResampleTask.Status.DONE
    # Two more re-sampled at their doors in one batch (the leader's upload after the stairwell):
    # each task points at that person's own single-tube sample.
    more = scans_record(
        acting_user=world.leader,
        round=round_,
        scans=[
            ScanIn(client_id=uuid.uuid4(), tube_code=f"RS000000{n}", person_id=p.pk, door_to_door=True)
            for n, p in ((2, residents.b1[1]), (3, residents.b1[2]))
        ],
    )
    assert [o.status for o in more] == [STORED, STORED]
    assert sorted(
        ResampleTask.objects.filter(status="done").values_list(
            "person_id", "resample__tube__code", "resample__person_id"
        )
    ) == [
        (person.pk, "RS0000001", person.pk),
        (residents.b1[1].pk, "RS0000002", residents.b1[1].pk),
        (residents.b1[2].pk, "RS0000003", residents.b1[2].pk),
    ]
    # Staff seal the units of the pool in one action.
    sealed = positive_seal(
        acting_user=world.staff, tube=Tube.objects.get(code="TG0000001"), level=AreaKind.UNIT
    )
    assert [(a.name, a.risk_status) for a in sealed] == [("Unit 1", RiskStatus.SEALED)]
    with pytest.raises(PermissionDenied):
        positive_seal(
            acting_user=world.volunteer, tube=Tube.objects.get(code="TG0000001"), level=AreaKind.BUILDING
        )


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
    assert (follow_up.person_id, follow_up.reason, follow_up.status) == (
        residents.b2[0].pk,
        "positive",
        "open",
    )
    assert Notice.objects.get(kind="positive").title == "Positive at 2号楼 Unit 1 101"
    assert Box.objects.get(code="BOX-002").events.get(kind="received").note == "Pick-up was not scanned."


def test_a_lab_only_reports_tubes_in_its_area_and_bad_rows_are_named(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    boxed_and_received(world, round_, point, ["TG0000001"])
    other_lab = make_user("other_lab", "lab", world.c2)
    unknown = results_report(
        acting_user=other_lab, source="api", results=[ResultIn("TG0000001", "negative")]
    )[0]
    assert (unknown.status, unknown.code) == (REFUSED, "tube_unknown")
    with pytest.raises(PermissionDenied):
        results_report(acting_user=world.staff, source="api", results=[ResultIn("TG0000001", "negative")])
    bad = results_report(
        acting_user=world.lab,
        source="api",
        results=[ResultIn("TG0000001", "maybe"), ResultIn("", "negative")],
    )
    assert [o.code for o in bad] == ["invalid", "invalid"]
    assert bad[0].message == "'maybe' is not a result: negative, positive or invalid (阴性, 阳性, 无效)."
    assert Tube.objects.get(code="TG0000001").result == ResultKind.PENDING


def test_leaders_see_the_positive_pools_and_tubes_of_their_residents_sampled_at_the_point(
    world, residents, round_, point
):
    from firstline.testing.lab.services import ResultIn, results_report
    from firstline.testing.transport import services as transport

    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in (residents.b1[0], residents.outside)
        ],
    )
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001"])
    transport.box_pack(acting_user=world.volunteer, box=box, counted=1)
    transport.box_receive(acting_user=world.lab, box=box, counted=1)
    results_report(acting_user=world.lab, source="api", results=[ResultIn("TG0000001", "positive")])
    (tube,) = lab_selectors.round_positives(user=world.leader, round=round_)
    assert [(p["person"].name, p["door"]) for p in tube.people] == [
        ("居民11甲", "1号楼 Unit 1 101"),
        ("外**人", ""),
    ]
    counts = selectors.round_counts(user=world.leader, round=round_)
    assert (counts.samples, counts.tubes_closed, counts.results) == (1, 1, {"positive": 1})
    # The other community's staff see the tube too: one of their residents is in it (the other is masked).
    (theirs,) = lab_selectors.round_positives(user=world.outsider, round=round_)
    assert [(p["person"].name, p["door"]) for p in theirs.people] == [
        ("居***甲", ""),
        ("外小区人", "9号楼 Unit 1 101"),
    ]
