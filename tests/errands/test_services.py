import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from firstline.accounts.roles import Role
from firstline.areas.models import RiskStatus
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.errands import services
from firstline.errands.models import HelpEvent, HelpOffer, HelpRequest, HelpState
from firstline.errands.tasks import escalate_overdue
from firstline.notices.models import Notice, NoticeDelivery
from tests.conftest import household, make_user
from tests.factories.errands import help_request
from tests.factories.people import PersonFactory

T0 = dt.datetime(2022, 4, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def at_nine(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: T0)
    return T0


def _later(monkeypatch, minutes):
    monkeypatch.setattr(timezone, "now", lambda: T0 + dt.timedelta(minutes=minutes))


def test_due_times_follow_urgency_exactly(world, at_nine):
    door = household(world.b1, "101")
    urgent = help_request(world.staff, door, "formula")
    normal = help_request(world.staff, door, "documents")
    passed = help_request(world.staff, door, "pass", urgency="critical")
    assert urgent.due_at == T0 + dt.timedelta(hours=4)
    assert normal.due_at == T0 + dt.timedelta(hours=24)
    assert passed.due_at == T0 + dt.timedelta(hours=1)
    assert (urgent.rank, normal.rank, passed.rank) == (1, 1, 0)


def test_insulin_is_critical_whatever_was_chosen_and_staff_are_told(world, at_nine):
    door = household(world.b1, "102")
    insulin = help_request(world.leader, door, "insulin", channel="leader")
    assert (insulin.urgency, insulin.due_at, insulin.rank) == ("critical", T0 + dt.timedelta(hours=1), 0)
    notice = Notice.objects.get(ref=f"errands.request:{insulin.pk}")
    assert set(NoticeDelivery.objects.filter(notice=notice).values_list("user__username", flat=True)) == {
        "staff",
        "leader",
    }


@override_settings(FIRSTLINE_HELP_DUE_MINUTES={"urgent": 120})
def test_a_deployment_sets_its_own_due_times(world, at_nine):
    assert help_request(world.staff, household(world.b1, "101")).due_at == T0 + dt.timedelta(hours=2)


def test_triage_counts_the_due_time_from_when_it_was_asked(world, at_nine, monkeypatch):
    request = help_request(world.staff, household(world.b1, "101"), "documents")
    _later(monkeypatch, 30)
    services.request_triage(acting_user=world.staff, request=request, category="documents", urgency="urgent")
    request.refresh_from_db()
    assert (request.urgency, request.due_at) == ("urgent", T0 + dt.timedelta(hours=4))
    entry = AuditEntry.objects.get(action="errands.request.triage")
    assert entry.changes == {"category": ["documents", "documents"], "urgency": ["normal", "urgent"]}


def test_medicine_needs_brand_and_maker(world):
    with pytest.raises(ValidationError) as caught:
        help_request(world.staff, household(world.b1, "101"), "stroke", maker="")
    assert caught.value.message_dict == {
        "maker": ["For medicine and infant formula, give the brand and the maker: they must match."]
    }
    assert HelpRequest.objects.count() == 0


def test_a_leader_cannot_triage_and_nothing_changes(world):
    request = help_request(world.staff, household(world.b1, "101"), "documents")
    with pytest.raises(PermissionDenied):
        services.request_triage(
            acting_user=world.leader, request=request, category="other", urgency="critical"
        )
    request.refresh_from_db()
    assert (request.category, request.urgency) == ("documents", "normal")


def test_the_whole_way_from_phone_to_confirmation_with_the_one_time_link(world, at_nine, monkeypatch):
    door = household(world.b1, "101")
    request = help_request(world.staff, door, "stroke")
    services.request_assign(acting_user=world.staff, request=request, user=world.volunteer)
    services.request_note(acting_user=world.volunteer, request=request, text="老百姓大药房有货，正在买")
    services.request_done(acting_user=world.volunteer, request=request, text="已送到门口")
    services.request_confirm_by_link(token=request.confirm_token, rating=5, note="谢谢")
    request.refresh_from_db()
    assert (request.state, request.rating) == (HelpState.CONFIRMED, 5)
    assert list(request.events.values_list("kind", flat=True)) == [
        "asked",
        "assigned",
        "note",
        "done",
        "confirmed",
    ]
    with pytest.raises(Conflict):  # the link works once
        services.request_confirm_by_link(token=request.confirm_token, rating=1)
    assert HelpRequest.objects.get(pk=request.pk).rating == 5


@pytest.mark.parametrize("kind", ["formula", "pass", "documents"])
def test_the_seeds_requests_reach_the_households_confirmation(world, kind):
    door = household(world.b1, "101")
    request = help_request(world.leader, door, kind, channel="leader")
    services.request_assign(acting_user=world.volunteer, request=request, user=world.volunteer)
    services.request_done(acting_user=world.volunteer, request=request)
    services.request_confirm(acting_user=world.resident, request=request, rating=4)
    assert HelpRequest.objects.get(pk=request.pk).state == HelpState.CONFIRMED


def test_only_the_household_confirms(world):
    request = help_request(world.staff, household(world.b1, "102"), "formula")
    services.request_assign(acting_user=world.staff, request=request, user=world.volunteer)
    for user in (world.resident, world.staff, world.volunteer):  # the resident lives at 101
        with pytest.raises(PermissionDenied):
            services.request_confirm(acting_user=user, request=request, rating=5)
    assert HelpRequest.objects.get(pk=request.pk).state == HelpState.ASSIGNED


def test_a_rating_is_one_to_five(world):
    request = help_request(world.staff, household(world.b1, "101"))
    services.request_assign(acting_user=world.staff, request=request, user=world.volunteer)
    with pytest.raises(ValidationError) as caught:
        services.request_confirm(acting_user=world.resident, request=request, rating=6)
    assert caught.value.message_dict == {"rating": ["Give a rating from 1 to 5 stars."]}


def test_a_quarantined_person_must_live_at_the_door(world):
    door = household(world.b1, "102")
    door.risk_status = RiskStatus.SEALED
    door.save()
    other = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "201"), name="王五", name_only=True
    )
    with pytest.raises(ValidationError) as caught:
        help_request(world.staff, door, "insulin", person=other)
    assert caught.value.message_dict == {"person": ["王五 does not live in this household."]}


def test_cancel_needs_a_reason_and_closes(world):
    request = help_request(world.staff, household(world.b1, "101"))
    with pytest.raises(ValidationError):
        services.request_cancel(acting_user=world.staff, request=request, reason=" ")
    services.request_cancel(acting_user=world.staff, request=request, reason="家属已买到")
    request.refresh_from_db()
    assert (request.state, request.cancel_reason) == (HelpState.CANCELLED, "家属已买到")
    with pytest.raises(Conflict):
        services.request_done(acting_user=world.staff, request=request)


def test_escalation_happens_once_when_the_pass_runs_twice(world, at_nine, monkeypatch):
    door = household(world.b1, "101")
    insulin = help_request(world.staff, door, "insulin")
    formula = help_request(world.staff, door, "formula")
    done = help_request(world.staff, door, "documents", urgency="critical")
    services.request_assign(acting_user=world.staff, request=done, user=world.volunteer)
    services.request_done(acting_user=world.staff, request=done)
    _later(monkeypatch, 61)
    first = services.requests_escalate()
    assert [r.pk for r in first] == [
        insulin.pk
    ]  # the formula is due at 13:00; a done one waits for the household
    assert services.requests_escalate() == []
    escalate_overdue.call()
    assert HelpEvent.objects.filter(kind="escalated").count() == 1
    assert AuditEntry.objects.filter(action="errands.request.escalate").count() == 1
    notice = Notice.objects.get(ref__startswith="errands.escalated:")
    assert list(notice.deliveries.values_list("user__username", flat=True)) == ["builder", "coordinator"]
    assert notice.area == world.c1
    _later(monkeypatch, 241)
    call_command("errands_escalate", stdout=open("/dev/null", "w"))
    formula.refresh_from_db()
    assert (formula.rank, formula.escalated_at) == (0, T0 + dt.timedelta(minutes=241))
    assert HelpEvent.objects.filter(kind="escalated").count() == 2


@pytest.mark.django_db(transaction=True)
def test_escalation_happens_once_when_two_passes_run_at_once(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two passes cannot overlap there")
    from tests.conftest import World  # noqa: F401 - the world is built by hand below
    from tests.factories.areas import BuildingFactory, CommunityFactory, CompoundFactory, StreetFactory

    street = StreetFactory(name="并发街道")
    builder = make_user("c_builder", Role.STREET_COORDINATOR, street)
    compound = CompoundFactory(parent=CommunityFactory(parent=street, name="并发社区"), name="并发小区")
    building = BuildingFactory(
        acting_user=builder, compound=compound, name="1号楼", units=1, floors=2, doors_per_floor=2
    )
    door = household(building, "101")
    past = timezone.now() - dt.timedelta(hours=30)
    for _ in range(40):
        help_request(builder, door, "documents")
    HelpRequest.objects.update(due_at=past)
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(len(services.requests_escalate()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 40
    assert HelpEvent.objects.filter(kind="escalated").count() == 40


def test_a_neighbour_of_the_same_building_offers_and_staff_accept_then_unmatch(world):
    elder = household(world.b1, "101", "Unit 2")
    request = help_request(
        world.staff, elder, "documents", category="groceries", details="80岁老人不会网上买菜"
    )
    neighbour = make_user("neighbour17", Role.RESIDENT, household(world.b1, "601", "Unit 2"))
    offer = services.offer_create(acting_user=neighbour, request=request, text="我家菜多，送一袋给奶奶")
    services.offer_accept(acting_user=world.staff, offer=offer)
    request.refresh_from_db()
    assert (request.state, request.assigned_user) == (HelpState.ASSIGNED, neighbour)
    services.offer_unmatch(acting_user=world.staff, offer=offer, reason="邻居被隔离了")
    request.refresh_from_db()
    assert (request.state, request.assigned_user, HelpOffer.objects.get().state) == (
        HelpState.OPEN,
        None,
        "unmatched",
    )
    assert list(
        AuditEntry.objects.filter(action__startswith="errands.offer")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "errands.offer.create",
        "errands.offer.accept",
        "errands.offer.unmatch",
    ]


def test_an_offer_only_from_the_same_building(world):
    request = help_request(world.staff, household(world.b1, "101"), "documents")
    other_building = make_user("far", Role.RESIDENT, household(world.b2, "101", "Unit 1"))
    with pytest.raises(PermissionDenied):
        services.offer_create(acting_user=other_building, request=request, text="我来")
    assert HelpOffer.objects.count() == 0


def test_a_second_accepted_offer_is_refused(world):
    request = help_request(world.staff, household(world.b1, "101"), "documents")
    a = services.offer_create(acting_user=world.volunteer, request=request, text="我去")
    b = services.offer_create(acting_user=world.leader, request=request, text="我也可以")
    services.offer_accept(acting_user=world.staff, offer=a)
    with pytest.raises(Conflict):
        services.offer_accept(acting_user=world.staff, offer=b)
    assert HelpOffer.objects.get(pk=b.pk).state == "offered"


def test_the_public_page_takes_a_residents_code(world):
    from firstline.registration.services import code_issue_for_person

    door = household(world.b1, "101")
    mother = PersonFactory(acting_user=world.staff, household=door, name="李梅", name_only=True)
    code = code_issue_for_person(acting_user=world.staff, person=mother).code
    request = services.request_create_public(
        compound=world.p1,
        code=code,
        category="formula",
        urgency="urgent",
        details="奶粉",
        brand="飞鹤",
        maker="飞鹤乳业",
    )
    assert (request.household, request.person, request.channel) == (door, mother, "public")
    with pytest.raises(ValidationError) as caught:
        services.request_create_public(
            compound=world.p2, code=code, category="other", urgency="normal", details="x"
        )
    assert list(caught.value.message_dict) == ["code"]
