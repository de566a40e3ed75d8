"""Boxes from the point to the lab: packed by count, picked up, received, every hand-off recorded."""

import pytest
from django.core.exceptions import ValidationError

from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.testing.capture.services import REFUSED, STORED
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import Box, Sample
from firstline.testing.transport import services as transport
from tests.testing.fixtures import fill

pytestmark = pytest.mark.django_db


def test_a_box_is_packed_only_when_the_count_matches_and_every_hand_off_is_recorded(
    world, residents, round_, point
):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    fill(world, residents, round_, point, "TG0000002", residents.b1[10:])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="box-001", point=point)
    assert transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point) == box
    scan = transport.box_add_tubes(
        acting_user=world.volunteer, box=box, tube_codes=["TG0000001", "TG0000002", "TG0000001", "TG9999999"]
    )
    assert (scan.added, scan.closed) == (
        ["TG0000001", "TG0000002"],
        ["TG0000002"],
    )  # the second tube was open at 2 of 10
    assert scan.refused == [("TG9999999", "No tube TG9999999 has been filled in this round.")]
    with pytest.raises(ValidationError) as error:
        transport.box_pack(acting_user=world.volunteer, box=box, counted=3)
    assert error.value.message_dict["counted"] == [
        "You counted 3 tubes, but 2 were scanned into box BOX-001. Scan the missing tubes or take out the "
        "extra ones, then count again."
    ]
    with pytest.raises(Conflict):
        transport.box_pick_up(acting_user=world.volunteer, box=box)
    transport.box_pack(acting_user=world.volunteer, box=box, counted=2)
    other = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-002", point=point)
    assert transport.box_add_tubes(
        acting_user=world.volunteer, box=other, tube_codes=["TG0000001"]
    ).refused == [("TG0000001", "Tube TG0000001 is already in box BOX-001.")]
    with pytest.raises(PermissionDenied):
        transport.box_receive(acting_user=world.volunteer, box=box, counted=2)
    transport.box_pick_up(acting_user=world.volunteer, box=box)
    receipt = transport.box_receive(acting_user=world.lab, box=box, tube_codes=["tg0000001"])
    assert (receipt.received, receipt.missing, receipt.unexpected) == (1, ["TG0000002"], [])
    box.refresh_from_db()
    assert box.status == Box.Status.RECEIVED
    assert [(e.kind, e.by.username, e.tube_count) for e in box.events.all()] == [
        ("packed", "volunteer", 2),
        ("picked_up", "volunteer", 2),
        ("received", "lab", 1),
    ]
    # The tube that never reached the lab cannot get a result.
    outcomes = results_report(
        acting_user=world.lab,
        source="api",
        results=[ResultIn("TG0000001", "阴性"), ResultIn("TG0000002", "negative")],
    )
    assert [o.status for o in outcomes] == [STORED, REFUSED]
    assert outcomes[1].message == "Tube TG0000002 has not been received at the lab: receive its box first."
    assert set(Sample.objects.values_list("tube__code", "state")) == {
        ("TG0000001", "negative"),
        ("TG0000002", "pending"),
    }


def test_a_pick_up_records_the_courier_who_took_the_box(world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001"])
    transport.box_pack(acting_user=world.volunteer, box=box, counted=1)
    with pytest.raises(ValidationError) as error:
        transport.box_pick_up(acting_user=world.volunteer, box=box, require_courier=True)
    assert error.value.message_dict == {"courier_name": ["The courier's name is missing."]}
    with pytest.raises(ValidationError) as error:
        transport.box_pick_up(
            acting_user=world.volunteer, box=box, courier_name="王师傅", courier_phone="12345"
        )
    assert list(error.value.message_dict) == ["courier_phone"]
    box.refresh_from_db()
    assert box.status == Box.Status.PACKED  # nothing was written
    transport.box_pick_up(
        acting_user=world.volunteer, box=box, courier_name=" 王师傅 ", courier_phone="+86 139-1234-5678"
    )
    event = box.events.get(kind="picked_up")
    assert (event.courier_name, event.courier_phone, event.courier_phone_masked, event.by.username) == (
        "王师傅",
        "13912345678",
        "139****5678",
        "volunteer",
    )
    entry = AuditEntry.objects.get(action="testing.box.pickup")
    assert entry.changes == {"courier": "王师傅", "courier_phone": "139****5678"}
