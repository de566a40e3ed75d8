"""Coverage, the missing and exempt lists, the door-to-door list and the call-down plan."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstline.areas.models import Area, RiskStatus
from firstline.areas.services import area_set_risk
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.notices.models import NoticeDelivery
from firstline.testing.capture.services import scans_record
from firstline.testing.coverage import selectors
from firstline.testing.coverage import services as coverage_services
from firstline.testing.models import CallDown, Exemption, ExemptionReason, RoundStatus
from firstline.testing.rounds import services
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def test_coverage_counts_expected_sampled_exempt_and_missing_per_building(world, residents, round_, point):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:5]]
        + [desk_scan(point, "TG0000002", residents.codes[residents.outside.pk])],
    )
    coverage_services.exemption_set(
        acting_user=world.leader, round=round_, person=residents.b1[5], reason=ExemptionReason.HOSPITAL
    )
    coverage = selectors.round_coverage(user=world.staff, round=round_, area=world.p1)
    total = coverage.total
    assert (total.expected, total.sampled, total.exempt, total.missing, total.percent) == (14, 5, 1, 8, 42.9)
    assert [(c.area.name, c.expected, c.sampled, c.exempt, c.missing) for c in coverage.children] == [
        ("1号楼", 12, 5, 1, 6),
        ("2号楼", 2, 0, 0, 2),
        ("3号楼", 0, 0, 0, 0),
    ]
    assert coverage.outside == 1
    # The community above the round's compound, and the street: the same people.
    assert selectors.round_coverage(user=world.coordinator, round=round_, area=world.c1).total.expected == 14
    # A leader sees their buildings; nobody sees another community's coverage.
    assert selectors.round_coverage(user=world.leader, round=round_, area=world.b1).total.missing == 6
    with pytest.raises(NotFound):
        selectors.round_coverage(user=world.leader, round=round_, area=world.p1)
    with pytest.raises(NotFound):
        selectors.round_coverage(user=world.outsider, round=round_, area=world.p1)
    totals = selectors.round_totals(user=world.leader, round=round_)
    assert (totals.expected, totals.done) == (14, 6)  # both of the leader's buildings


def test_missing_and_exempt_lists_by_door(world, residents, round_, point):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]],
    )
    coverage_services.exemption_set(
        acting_user=world.leader,
        round=round_,
        person=residents.b1[10],
        reason=ExemptionReason.AWAY,
        note="在外地出差",
    )
    missing = list(selectors.round_missing(user=world.leader, round=round_, area=world.b1))
    assert [r.person.name for r in missing] == ["居民32乙"]
    exempt = list(selectors.round_exempt(user=world.leader, round=round_, area=world.b1))
    assert [(e.person.name, e.reason, e.note) for e in exempt] == [("居民32甲", "away", "在外地出差")]
    with assert_queries(3):  # scope, residents, their vulnerable groups
        list(selectors.round_missing(user=world.staff, round=round_, area=world.p1))
    # Exemptions: the leader of the building may, a volunteer may not; "other" needs words.
    with pytest.raises(PermissionDenied):
        coverage_services.exemption_set(
            acting_user=world.volunteer, round=round_, person=residents.b1[11], reason=ExemptionReason.AWAY
        )
    with pytest.raises(ValidationError):
        coverage_services.exemption_set(
            acting_user=world.leader, round=round_, person=residents.b1[11], reason=ExemptionReason.OTHER
        )
    assert Exemption.objects.count() == 1


def test_the_call_down_plan_makes_waves_under_the_queue_cap_and_calls_them(world, residents, round_, point):
    services.sampling_point_update(
        acting_user=world.staff, point=point, values={"queue_cap": 6, "desks": 1, "per_desk_hour": 60}
    )
    area_set_risk(acting_user=world.staff, area=world.b2, status=RiskStatus.SEALED, reason="密接")
    now = timezone.make_aware(dt.datetime.combine(round_.date, dt.time(7, 0)))
    plan = selectors.call_down_plan(user=world.staff, round=round_, point=point, now=now)
    # 1号楼 Unit 1 holds all 12 residents (more than the cap: a wave of its own); Unit 2 and 3号楼 are empty.
    assert [
        (
            w.labels,
            w.people,
            f"{timezone.localtime(w.starts_at):%H:%M}",
            f"{timezone.localtime(w.ends_at):%H:%M}",
        )
        for w in plan.waves
    ] == [(["1号楼 Unit 1"], 12, "07:00", "07:12")]
    assert plan.door_to_door == ["2号楼 Unit 1"]
    assert plan.waves[0].after_closing is False
    late = selectors.call_down_plan(
        user=world.staff,
        round=round_,
        point=point,
        now=timezone.make_aware(dt.datetime.combine(round_.date, dt.time(11, 55))),
    )
    assert [(f"{timezone.localtime(w.ends_at):%H:%M}", w.after_closing) for w in late.waves] == [
        ("12:07", True)
    ]
    assert plan.waves[0].message.startswith(
        "[Testing] Residents of 1号楼 Unit 1: please come down now to 东门采样点 (东门广场)"
    )
    unit1 = Area.objects.get(parent=world.b1, name="Unit 1")
    call = coverage_services.call_down_issue(
        acting_user=world.staff, round=round_, point=point, stairwells=[unit1], people_expected=12
    )
    # The stairwell's leader pastes it into the chat group; its resident with an account reads it too.
    assert sorted(
        NoticeDelivery.objects.filter(notice__kind="call_down").values_list("user__username", flat=True)
    ) == ["leader", "resident"]
    after = selectors.call_down_plan(user=world.staff, round=round_, point=point, now=call.called_at)
    assert after.waves == [] and [(c.labels, c.remaining) for c in after.called] == [(["1号楼 Unit 1"], 12)]
    # Half an hour later (ten sampled meanwhile), those still missing are called again.
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]],
    )
    later = selectors.call_down_plan(
        user=world.staff, round=round_, point=point, now=call.called_at + dt.timedelta(minutes=30)
    )
    assert [(w.labels, w.people, w.recall) for w in later.waves] == [(["1号楼 Unit 1"], 2, True)]
    assert later.measured_rate == 20  # ten samples in the last half hour
    with pytest.raises(PermissionDenied):
        coverage_services.call_down_issue(
            acting_user=world.volunteer, round=round_, point=point, stairwells=[unit1]
        )


def test_an_exemption_is_for_someone_living_in_the_round(world, residents, round_):
    with pytest.raises(ValidationError) as error:
        coverage_services.exemption_set(
            acting_user=world.coordinator, round=round_, person=residents.outside, reason=ExemptionReason.AWAY
        )
    assert error.value.messages == ["外小区人 does not live in the areas of 第一轮全员核酸."]


def test_areas_the_round_does_not_test_are_not_found_and_writes_there_refused(
    world, residents, round_, point
):
    other = services.round_create(
        acting_user=world.staff, area=world.c1, name="只测1号楼", date=round_.date, scope=[world.b1]
    )
    services.round_set_status(acting_user=world.staff, round=other, status=RoundStatus.OPEN)
    for read in (selectors.round_coverage, selectors.round_missing, selectors.round_exempt):
        with pytest.raises(NotFound):
            read(user=world.staff, round=other, area=world.b2)
    with pytest.raises(NotFound):
        selectors.round_building(user=world.staff, round=other, building=world.b2)
    b2_unit = Area.objects.get(parent=world.b2)
    with pytest.raises(ValidationError) as error:
        coverage_services.call_down_issue(
            acting_user=world.staff, round=other, point=point, stairwells=[b2_unit]
        )
    assert error.value.message_dict == {"stairwells": ["Unit 1 is not tested in 只测1号楼."]}
    exemption = coverage_services.exemption_set(
        acting_user=world.staff, round=round_, person=residents.b1[0], reason=ExemptionReason.AWAY
    )
    services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    with pytest.raises(Conflict):
        coverage_services.exemption_remove(acting_user=world.staff, exemption=exemption)
    assert Exemption.objects.count() == 1 and CallDown.objects.count() == 0


def _done_numbers(user, round, area):
    total = selectors.round_coverage(user=user, round=round, area=area).total
    return total.expected, total.sampled, total.exempt, total.missing


def test_people_who_arrive_while_a_round_is_open_are_expected_and_a_closed_round_never_changes(
    world, residents, round_, point
):
    from firstline.people.services import person_register, residence_end
    from tests.conftest import household

    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]]
        + [desk_scan(point, "TG0000002", residents.codes[p.pk]) for p in residents.b1[10:] + residents.b2],
    )
    assert _done_numbers(world.staff, round_, world.p1) == (14, 14, 0, 0)
    # While the round is open, someone who moves in is expected (and missing) from that moment on.
    newcomer = person_register(
        acting_user=world.staff, household=household(world.b2, "201"), data={"name": "新搬来"}
    )
    assert _done_numbers(world.staff, round_, world.p1) == (15, 14, 0, 1)
    coverage_services.exemption_set(
        acting_user=world.staff, round=round_, person=newcomer, reason=ExemptionReason.AWAY
    )
    closed = services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    assert AuditEntry.objects.get(action="testing.round.close").changes["expected"] == 15
    # After it closed: a list imported, someone moving in, someone leaving. The round stays as it was.
    person_register(acting_user=world.staff, household=household(world.b2, "202"), data={"name": "后来的人"})
    residence_end(acting_user=world.staff, person=residents.b1[0], date=timezone.localdate(), reason="搬走")
    assert _done_numbers(world.staff, closed, world.p1) == (15, 14, 1, 0)
    assert list(selectors.round_missing(user=world.staff, round=closed, area=world.p1)) == []
    assert [
        (c.area.name, c.expected, c.missing)
        for c in selectors.round_coverage(user=world.staff, round=closed, area=world.p1).children
    ] == [("1号楼", 12, 0), ("2号楼", 3, 0), ("3号楼", 0, 0)]
    building = selectors.round_building(user=world.staff, round=closed, building=world.b1)
    assert sum(len(door.people) for door in building.doors) == 12
    # The rounds list reads the same figures.
    summary = next(s for s in selectors.round_summaries(user=world.staff) if s.round.pk == closed.pk)
    assert (summary.totals.expected, summary.totals.missing) == (15, 0)
