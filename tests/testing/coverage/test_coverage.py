"""Coverage, the missing and exempt lists, the door-to-door list and the call-down plan."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from firstline.areas.models import Area, RiskStatus
from firstline.areas.services import area_set_risk
from firstline.common.errors import Conflict, NotFound, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.notices.models import NoticeDelivery
from firstline.people.models import Vulnerability
from firstline.testing import selectors, services
from firstline.testing.models import CallDown, Exemption, ExemptionReason, RoundStatus
from firstline.testing.scanning import ScanIn, scans_record
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def test_coverage_counts_expected_sampled_exempt_and_missing_per_building(world, residents, round_, point):
    scans_record(acting_user=world.volunteer, round=round_,
                 scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:5]]
                 + [desk_scan(point, "TG0000002", residents.codes[residents.outside.pk])])
    services.exemption_set(acting_user=world.leader, round=round_, person=residents.b1[5], reason=ExemptionReason.HOSPITAL)
    coverage = selectors.round_coverage(user=world.staff, round=round_, area=world.p1)
    total = coverage.total
    assert (total.expected, total.sampled, total.exempt, total.missing, total.percent) == (14, 5, 1, 8, 42.9)
    assert [(c.area.name, c.expected, c.sampled, c.exempt, c.missing) for c in coverage.children] == [
        ("1号楼", 12, 5, 1, 6), ("2号楼", 2, 0, 0, 2), ("3号楼", 0, 0, 0, 0)]
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
    scans_record(acting_user=world.volunteer, round=round_,
                 scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]])
    services.exemption_set(acting_user=world.leader, round=round_, person=residents.b1[10], reason=ExemptionReason.AWAY,
                           note="在外地出差")
    missing = list(selectors.round_missing(user=world.leader, round=round_, area=world.b1))
    assert [r.person.name for r in missing] == ["居民32乙"]
    exempt = list(selectors.round_exempt(user=world.leader, round=round_, area=world.b1))
    assert [(e.person.name, e.reason, e.note) for e in exempt] == [("居民32甲", "away", "在外地出差")]
    with CaptureQueriesContext(connection) as queries:
        list(selectors.round_missing(user=world.staff, round=round_, area=world.p1))
    assert len(queries) == 3  # scope, residents, their vulnerable groups
    # Exemptions: the leader of the building may, a volunteer may not; "other" needs words.
    with pytest.raises(PermissionDenied):
        services.exemption_set(acting_user=world.volunteer, round=round_, person=residents.b1[11], reason=ExemptionReason.AWAY)
    with pytest.raises(ValidationError):
        services.exemption_set(acting_user=world.leader, round=round_, person=residents.b1[11], reason=ExemptionReason.OTHER)
    assert Exemption.objects.count() == 1


def test_the_door_to_door_list_keeps_sealed_immobile_and_resample_doors_floor_by_floor(world, residents, round_, point):
    Vulnerability.objects.create(person=residents.b1[4], tag="mobility_impaired")  # 201甲
    area_set_risk(acting_user=world.staff, area=residents.b1[8].residences.get().household, status=RiskStatus.SEALED, reason="密接")  # 301
    scans_record(acting_user=world.volunteer, round=round_, scans=[desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk])])
    plan = selectors.door_to_door_list(user=world.leader, round=round_, building=world.b1)
    unit1 = plan.stairwells[0]
    assert [(floor, [d.household.door for d in doors]) for floor, doors in unit1.floors] == [(2, ["201"]), (3, ["301"])]
    door_201 = unit1.floors[0][1][0]
    assert [(p.name, p.state, p.immobile) for p in door_201.people] == [("居民21甲", "missing", True), ("居民21乙", "missing", False)]
    sealed = unit1.floors[1][1][0]
    assert (sealed.sealed, sealed.capacity, sealed.per_household) == (True, 1, False)
    everyone = selectors.door_to_door_list(user=world.leader, round=round_, building=world.b1, everyone=True)
    assert [d.household.door for _f, doors in everyone.stairwells[0].floors for d in doors] == ["101", "102", "201", "202", "301", "302"]
    assert [p.state for p in everyone.stairwells[0].floors[0][1][0].people] == ["pending", "missing"]
    building_map = selectors.round_building(user=world.leader, round=round_, building=world.b1)
    assert building_map.totals == {"partial": 1, "missing": 5, "empty": 18}


def test_the_call_down_plan_makes_waves_under_the_queue_cap_and_calls_them(world, residents, round_, point):
    services.sampling_point_update(acting_user=world.staff, point=point, values={"queue_cap": 6, "desks": 1, "per_desk_hour": 60})
    area_set_risk(acting_user=world.staff, area=world.b2, status=RiskStatus.SEALED, reason="密接")
    now = timezone.make_aware(dt.datetime.combine(round_.date, dt.time(7, 0)))
    plan = selectors.call_down_plan(user=world.staff, round=round_, point=point, now=now)
    # 1号楼 Unit 1 holds all 12 residents (more than the cap: a wave of its own); Unit 2 and 3号楼 are empty.
    assert [(w.labels, w.people, f"{timezone.localtime(w.starts_at):%H:%M}", f"{timezone.localtime(w.ends_at):%H:%M}")
            for w in plan.waves] == [(["1号楼 Unit 1"], 12, "07:00", "07:12")]
    assert plan.door_to_door == ["2号楼 Unit 1"]
    assert plan.waves[0].after_closing is False
    late = selectors.call_down_plan(user=world.staff, round=round_, point=point,
                                    now=timezone.make_aware(dt.datetime.combine(round_.date, dt.time(11, 55))))
    assert [(f"{timezone.localtime(w.ends_at):%H:%M}", w.after_closing) for w in late.waves] == [("12:07", True)]
    assert plan.waves[0].message.startswith("[Testing] Residents of 1号楼 Unit 1: please come down now to 东门采样点 (东门广场)")
    unit1 = Area.objects.get(parent=world.b1, name="Unit 1")
    call = services.call_down_issue(acting_user=world.staff, round=round_, point=point, stairwells=[unit1], people_expected=12)
    assert NoticeDelivery.objects.filter(notice__kind="call_down").values_list("user__username", flat=True).get() == "leader"
    after = selectors.call_down_plan(user=world.staff, round=round_, point=point, now=call.called_at)
    assert after.waves == [] and [(c.labels, c.remaining) for c in after.called] == [(["1号楼 Unit 1"], 12)]
    # Half an hour later (ten sampled meanwhile), those still missing are called again.
    scans_record(acting_user=world.volunteer, round=round_,
                 scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]])
    later = selectors.call_down_plan(user=world.staff, round=round_, point=point, now=call.called_at + dt.timedelta(minutes=30))
    assert [(w.labels, w.people, w.recall) for w in later.waves] == [(["1号楼 Unit 1"], 2, True)]
    assert later.measured_rate == 20  # ten samples in the last half hour
    with pytest.raises(PermissionDenied):
        services.call_down_issue(acting_user=world.volunteer, round=round_, point=point, stairwells=[unit1])


def test_rounds_are_visible_where_they_touch_the_users_areas(world, round_):
    assert list(selectors.rounds_visible(user=world.leader)) == [round_]
    assert list(selectors.rounds_visible(user=world.coordinator)) == [round_]
    assert list(selectors.rounds_visible(user=world.outsider)) == []
    assert list(selectors.rounds_visible(user=world.resident)) == []
    with pytest.raises(NotFound):
        selectors.round_get(user=world.outsider, pk=round_.pk)
    with pytest.raises(PermissionDenied):
        services.round_create(acting_user=world.leader, area=world.b1, name="楼内", date=round_.date)
    with pytest.raises(ValidationError):
        services.round_create(acting_user=world.staff, area=world.c1, name="越界", date=round_.date, scope=[world.p2])


def test_a_resample_tube_refuses_screening_and_ids_from_a_family_retry_are_stable(world, residents, round_, point):
    first = ScanIn(client_id=uuid.uuid4(), tube_code="TG0000001", person_code=residents.family_code, point_id=point.pk)
    a = scans_record(acting_user=world.volunteer, round=round_, scans=[first])[0]
    b = scans_record(acting_user=world.volunteer, round=round_, scans=[first])[0]
    assert [p.sample_id for p in a.people] == [p.sample_id for p in b.people]
    assert len({p.sample_id for p in a.people}) == 2


def test_leaders_see_the_positive_pools_and_tubes_of_their_residents_sampled_at_the_point(world, residents, round_, point):
    from firstline.testing import transport
    from firstline.testing.results import ResultIn, results_report

    scans_record(acting_user=world.volunteer, round=round_, scans=[
        desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in (residents.b1[0], residents.outside)])
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001"])
    transport.box_pack(acting_user=world.volunteer, box=box, counted=1)
    transport.box_receive(acting_user=world.lab, box=box, counted=1)
    results_report(acting_user=world.lab, source="api", results=[ResultIn("TG0000001", "positive")])
    (tube,) = selectors.round_positives(user=world.leader, round=round_)
    assert [(p["person"].name, p["door"]) for p in tube.people] == [("居民11甲", "1号楼 Unit 1 101"), ("外**人", "")]
    counts = selectors.round_counts(user=world.leader, round=round_)
    assert (counts.samples, counts.tubes_closed, counts.results) == (1, 1, {"positive": 1})
    # The other community's staff see the tube too: one of their residents is in it (the other is masked).
    (theirs,) = selectors.round_positives(user=world.outsider, round=round_)
    assert [(p["person"].name, p["door"]) for p in theirs.people] == [("居***甲", ""), ("外小区人", "9号楼 Unit 1 101")]


def test_an_exemption_is_for_someone_living_in_the_round(world, residents, round_):
    with pytest.raises(ValidationError) as error:
        services.exemption_set(acting_user=world.coordinator, round=round_, person=residents.outside, reason=ExemptionReason.AWAY)
    assert error.value.messages == ["外小区人 does not live in the areas of 第一轮全员核酸."]


def test_a_round_window_without_a_time_zone_is_refused_with_the_field_named(world, round_):
    with pytest.raises(ValidationError) as error:
        services.round_create(acting_user=world.staff, area=world.c1, name="窗口", date=round_.date,
                              starts_at=dt.datetime(2022, 4, 4, 6, 0))
    assert error.value.message_dict == {"starts_at": ["The time must carry a time zone."]}
    with pytest.raises(ValidationError) as error:
        services.round_update(acting_user=world.staff, round=round_, values={"ends_at": dt.datetime(2022, 4, 4, 12, 0)})
    assert error.value.message_dict == {"ends_at": ["The time must carry a time zone."]}


def test_areas_the_round_does_not_test_are_not_found_and_writes_there_refused(world, residents, round_, point):
    other = services.round_create(acting_user=world.staff, area=world.c1, name="只测1号楼", date=round_.date, scope=[world.b1])
    services.round_set_status(acting_user=world.staff, round=other, status=RoundStatus.OPEN)
    for read in (selectors.round_coverage, selectors.round_missing, selectors.round_exempt):
        with pytest.raises(NotFound):
            read(user=world.staff, round=other, area=world.b2)
    with pytest.raises(NotFound):
        selectors.round_building(user=world.staff, round=other, building=world.b2)
    b2_unit = Area.objects.get(parent=world.b2)
    with pytest.raises(ValidationError) as error:
        services.call_down_issue(acting_user=world.staff, round=other, point=point, stairwells=[b2_unit])
    assert error.value.message_dict == {"stairwells": ["Unit 1 is not tested in 只测1号楼."]}
    exemption = services.exemption_set(acting_user=world.staff, round=round_, person=residents.b1[0], reason=ExemptionReason.AWAY)
    services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    with pytest.raises(Conflict):
        services.exemption_remove(acting_user=world.staff, exemption=exemption)
    assert Exemption.objects.count() == 1 and CallDown.objects.count() == 0


def _done_numbers(user, round, area):
    total = selectors.round_coverage(user=user, round=round, area=area).total
    return total.expected, total.sampled, total.exempt, total.missing


def test_people_who_arrive_while_a_round_is_open_are_expected_and_a_closed_round_never_changes(world, residents, round_, point):
    from firstline.people.services import person_register, residence_end
    from tests.conftest import household

    scans_record(acting_user=world.volunteer, round=round_,
                 scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]]
                 + [desk_scan(point, "TG0000002", residents.codes[p.pk]) for p in residents.b1[10:] + residents.b2])
    assert _done_numbers(world.staff, round_, world.p1) == (14, 14, 0, 0)
    # While the round is open, someone who moves in is expected (and missing) from that moment on.
    newcomer = person_register(acting_user=world.staff, household=household(world.b2, "201"), data={"name": "新搬来"})
    assert _done_numbers(world.staff, round_, world.p1) == (15, 14, 0, 1)
    services.exemption_set(acting_user=world.staff, round=round_, person=newcomer, reason=ExemptionReason.AWAY)
    closed = services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    assert AuditEntry.objects.get(action="testing.round.close").changes["expected"] == 15
    # After it closed: a list imported, someone moving in, someone leaving. The round stays as it was.
    person_register(acting_user=world.staff, household=household(world.b2, "202"), data={"name": "后来的人"})
    residence_end(acting_user=world.staff, person=residents.b1[0], date=timezone.localdate(), reason="搬走")
    assert _done_numbers(world.staff, closed, world.p1) == (15, 14, 1, 0)
    assert list(selectors.round_missing(user=world.staff, round=closed, area=world.p1)) == []
    assert [(c.area.name, c.expected, c.missing) for c in selectors.round_coverage(
        user=world.staff, round=closed, area=world.p1).children] == [("1号楼", 12, 0), ("2号楼", 3, 0), ("3号楼", 0, 0)]
    building = selectors.round_building(user=world.staff, round=closed, building=world.b1)
    assert sum(len(door.people) for door in building.doors) == 12
    # The rounds list reads the same figures.
    summary = next(s for s in selectors.round_summaries(user=world.staff) if s.round.pk == closed.pk)
    assert (summary.totals.expected, summary.totals.missing) == (15, 0)
