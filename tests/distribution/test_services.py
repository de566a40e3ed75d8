"""Campaign services with exact numbers, on P1: 1号楼 (2 units × 12 doors, a building leader and a
unit leader for Unit 2), 2号楼 (12 doors, the same building leader), 3号楼 (4 doors, no leader)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from firstline.areas.models import Area, AreaKind
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.models import AuditEntry
from firstline.distribution import services
from firstline.distribution.models import Allocation, Batch, Campaign, Receipt, Share, ShareStatus
from firstline.distribution.selectors import campaign_reconciliation
from firstline.supplies.models import Stock, StockMovement
from tests.conftest import household
from tests.factories.distribution import lettuce_campaign

pytestmark = pytest.mark.django_db


def doors(building, unit="Unit 1"):
    parent = building if unit is None else Area.objects.get(parent=building, name=unit)
    return list(Area.objects.filter(parent=parent, kind=AreaKind.HOUSEHOLD).order_by("floor", "door"))


def stock(store):
    warehouse, item = store
    return Stock.objects.get(warehouse=warehouse, item=item).quantity


def test_allocation_per_stairwell_and_leader(world, campaign, unit_leader):
    rows = [
        (
            a.building.name,
            a.stairwell.name,
            a.batch.number,
            a.households,
            a.units,
            a.building_leader,
            a.unit_leader,
        )
        for a in Allocation.objects.filter(campaign=campaign).select_related(
            "building", "stairwell", "batch", "building_leader", "unit_leader"
        )
    ]
    assert rows == [
        ("1号楼", "Unit 1", 1, 12, Decimal("12.00"), world.leader, None),
        ("1号楼", "Unit 2", 1, 12, Decimal("12.00"), world.leader, unit_leader),
        ("2号楼", "Unit 1", 2, 12, Decimal("12.00"), world.leader, None),
        # 3号楼 has no units and no leader: its doors fall to the compound's staff.
        ("3号楼", "3号楼", 2, 4, Decimal("4.00"), None, None),
    ]
    assert Share.objects.filter(campaign=campaign).count() == 40
    entry = AuditEntry.objects.get(action="distribution.create")
    assert entry.changes == {
        "name": "爱心生菜",
        "rule": "household",
        "households": 40,
        "shares": "40",
        "batches": 2,
        "buildings": 3,
    }


def test_batches_cut_by_households_in_building_order(world, store):
    warehouse, item = store
    campaign = lettuce_campaign(
        acting_user=world.staff, warehouse=warehouse, item=item, scope=[world.p1], batch_count=2
    )
    by_batch = {
        b.number: sorted(set(b.allocations.values_list("building__name", flat=True)))
        for b in Batch.objects.filter(campaign=campaign)
    }
    assert by_batch == {1: ["1号楼"], 2: ["2号楼", "3号楼"]}


def test_a_building_left_out_of_the_batches_is_named(world, store):
    warehouse, item = store
    with pytest.raises(ValidationError) as error:
        lettuce_campaign(
            acting_user=world.staff, warehouse=warehouse, item=item, scope=[world.p1], batches=[[world.b1.pk]]
        )
    assert error.value.message_dict == {"batches": ["Put every building in a batch; missing: 2号楼、3号楼."]}
    assert Campaign.objects.count() == 0 and Share.objects.count() == 0


def test_a_leader_cannot_plan_and_nothing_is_written(world, store):
    warehouse, item = store
    with pytest.raises(PermissionDenied):
        lettuce_campaign(acting_user=world.leader, warehouse=warehouse, item=item, scope=[world.b1])
    assert Campaign.objects.count() == 0


def test_per_person_rule_counts_current_residents(world, store):
    from tests.factories.people import PersonFactory

    warehouse, item = store
    first, second = doors(world.b3, None)[:2]
    for name in ("甲", "乙", "丙"):
        PersonFactory(acting_user=world.staff, household=first, name=name, name_only=True)
    PersonFactory(acting_user=world.staff, household=second, name="丁", name_only=True)
    campaign = lettuce_campaign(
        acting_user=world.staff, warehouse=warehouse, item=item, scope=[world.b3], rule="person"
    )
    assert dict(Share.objects.filter(campaign=campaign).values_list("household_id", "units")) == {
        first.pk: Decimal("3.00"),
        second.pk: Decimal("1.00"),
    }


def test_confirmed_count_is_recorded_with_who_and_when(world, campaign, unit_leader):
    unit2 = Allocation.objects.select_related("stairwell").get(
        campaign=campaign, stairwell__name="Unit 2", building=world.b1
    )
    services.allocation_confirm(acting_user=unit_leader, allocation=unit2, households="11")
    unit2.refresh_from_db()
    assert (unit2.confirmed_households, unit2.confirmed_by, unit2.households) == (11, unit_leader, 12)
    assert AuditEntry.objects.get(action="distribution.confirm").changes == {
        "households": [None, 11],
        "ledger": 12,
    }
    unit1 = Allocation.objects.select_related("stairwell").get(
        campaign=campaign, stairwell__name="Unit 1", building=world.b1
    )
    with pytest.raises(PermissionDenied):  # the unit leader of Unit 2 is not Unit 1's
        services.allocation_confirm(acting_user=unit_leader, allocation=unit1, households=12)


def test_issue_a_batch_once_from_stock(world, campaign, store):
    first = Batch.objects.get(campaign=campaign, number=1)
    services.batch_issue(acting_user=world.staff, batch=first)
    assert stock(store) == Decimal("812.80")  # 1000 - 24 × 7.8
    movement = StockMovement.objects.get(kind="issue")
    assert (movement.quantity, movement.ref_type, movement.ref_id) == (
        Decimal("-187.20"),
        "distribution.batch",
        str(first.pk),
    )
    with pytest.raises(Conflict):
        services.batch_issue(acting_user=world.staff, batch=Batch.objects.get(pk=first.pk))
    assert stock(store) == Decimal("812.80")


def test_hand_over_needs_the_batch_issued_and_falls_to_staff_without_a_leader(world, campaign):
    services.batch_issue(acting_user=world.staff, batch=Batch.objects.get(campaign=campaign, number=1))
    with pytest.raises(Conflict) as error:
        services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b3)
    assert str(error.value) == "Issue batch 2 from stock before handing 3号楼 over."
    assert services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b1) == 2
    assert set(Allocation.objects.filter(building=world.b1).values_list("handed_to", flat=True)) == {
        world.leader.pk
    }
    services.batch_issue(acting_user=world.staff, batch=Batch.objects.get(campaign=campaign, number=2))
    services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b3)
    assert Allocation.objects.get(building=world.b3).handed_to == world.staff
    with pytest.raises(Conflict):
        services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b1)


def _ready(world, campaign):
    services.batch_issue(acting_user=world.staff, batch=Batch.objects.get(campaign=campaign, number=1))
    services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b1)


def test_a_second_share_to_the_same_household_is_refused(world, campaign):
    _ready(world, campaign)
    door = household(world.b1, "101")
    first = services.receipts_record(
        acting_user=world.leader,
        campaign=campaign,
        entries=[{"household": door.pk, "outcome": "delivered", "client_key": "a1"}],
    )
    assert (first["delivered"], first["rejected"]) == (1, [])
    # The same phone retrying the same request: nothing new.
    again = services.receipts_record(
        acting_user=world.leader,
        campaign=campaign,
        entries=[{"household": door.pk, "outcome": "delivered", "client_key": "a1"}],
    )
    assert (again["recorded"], again["replayed"], again["rejected"]) == (0, 1, [])
    # Another phone, another key: refused, the household already has its share.
    other = services.receipts_record(
        acting_user=world.staff,
        campaign=campaign,
        entries=[{"household": door.pk, "outcome": "delivered", "client_key": "b1"}],
    )
    assert other["rejected"] == [{"household": door.pk, "reason": "already_delivered"}]
    assert Receipt.objects.filter(household=door).count() == 1
    # A key used again for another door is not a retry: refused, nothing recorded.
    neighbour = household(world.b1, "102")
    reused = services.receipts_record(
        acting_user=world.leader,
        campaign=campaign,
        entries=[{"household": neighbour.pk, "outcome": "delivered", "client_key": "a1"}],
    )
    assert reused["rejected"] == [{"household": neighbour.pk, "reason": "client_key_reused"}]
    # And the database refuses it whatever path writes it.
    share = Share.objects.get(campaign=campaign, household=door)
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            campaign=campaign, share=share, household=door, outcome="delivered", recorded_at=timezone.now()
        )


def test_two_phones_racing_for_one_door_deliver_it_once(world, campaign, monkeypatch):
    """Phone B reads the door as due, then phone A's delivery commits, then B writes: the unique
    constraint refuses B's row, B reads again and reports the door as already delivered."""
    _ready(world, campaign)
    door, neighbour = household(world.b1, "101"), household(world.b1, "102")
    real = services._shares_of
    stale = real(campaign, {door.pk, neighbour.pk})  # what phone B read, before phone A committed
    services.receipts_record(
        acting_user=world.leader,
        campaign=campaign,
        entries=[{"household": door.pk, "outcome": "delivered", "client_key": "A"}],
    )
    calls = []

    def as_read_before_phone_a(campaign_, households):
        calls.append(1)
        if len(calls) == 1:
            return {k: v for k, v in stale.items() if k in households}
        return real(campaign_, households)

    monkeypatch.setattr(services, "_shares_of", as_read_before_phone_a)
    result = services.receipts_record(
        acting_user=world.staff,
        campaign=campaign,
        entries=[
            {"household": door.pk, "outcome": "delivered", "client_key": "B1"},
            {"household": neighbour.pk, "outcome": "delivered", "client_key": "B2"},
        ],
    )
    assert len(calls) == 2  # B's stale read, and B's read again after the database refused its row
    assert (result["delivered"], result["rejected"]) == (
        1,
        [{"household": door.pk, "reason": "already_delivered"}],
    )
    assert sorted(Receipt.objects.values_list("client_key", flat=True)) == ["A", "B2"]


def test_reconciliation_after_partial_deliveries_a_retry_and_returns(world, campaign, store):
    _ready(world, campaign)
    b1 = doors(world.b1, "Unit 1") + doors(world.b1, "Unit 2")
    entries = [{"household": d.pk, "outcome": "delivered", "client_key": f"k{d.pk}"} for d in b1[:20]]
    entries += [{"household": b1[20].pk, "outcome": "not_home", "client_key": "n1"}]
    entries += [{"household": b1[21].pk, "outcome": "not_home", "client_key": "n2"}]
    entries += [{"household": b1[22].pk, "outcome": "refused", "client_key": "r1"}]
    services.receipts_record(acting_user=world.leader, campaign=campaign, entries=entries)
    # A not-at-home door tried again in the evening.
    services.receipts_record(
        acting_user=world.leader,
        campaign=campaign,
        entries=[{"household": b1[20].pk, "outcome": "delivered", "client_key": "n1b"}],
    )
    before = campaign_reconciliation(campaign)
    (lettuce,) = before.items
    assert (lettuce.issued, lettuce.handed, lettuce.delivered, lettuce.returned, lettuce.with_leaders) == (
        Decimal("187.20"),
        Decimal("187.20"),
        Decimal("163.80"),
        Decimal("0.00"),
        Decimal("23.40"),
    )
    assert before.reconciled
    returned = services.shares_return(
        acting_user=world.staff, campaign=campaign, batch=Batch.objects.get(campaign=campaign, number=1)
    )
    assert returned == Decimal("3.00")  # 602 not at home, 603 refused, one door never tried
    assert stock(store) == Decimal("836.20")  # 1000 - 187.2 + 23.4
    after = campaign_reconciliation(campaign)
    (lettuce,) = after.items
    assert (
        lettuce.issued,
        lettuce.delivered,
        lettuce.returned,
        lettuce.with_leaders,
        lettuce.ledger_returned,
    ) == (Decimal("187.20"), Decimal("163.80"), Decimal("23.40"), Decimal("0.00"), Decimal("23.40"))
    assert after.reconciled
    b1_row = next(row for row in after.buildings if row.name == "1号楼")
    assert (b1_row.tally.due, b1_row.tally.delivered, b1_row.tally.percent) == (
        Decimal("24.00"),
        Decimal("21.00"),
        87,
    )
    assert [(b.number, t.due, t.delivered) for b, t in after.batches] == [
        (1, Decimal("24.00"), Decimal("21.00")),
        (2, Decimal("16.00"), Decimal("0.00")),
    ]
    assert Share.objects.filter(status=ShareStatus.RETURNED).count() == 3
    with pytest.raises(Conflict):
        services.shares_return(acting_user=world.staff, campaign=campaign)


def test_doors_not_handed_over_or_outside_are_refused_by_row(world, campaign):
    _ready(world, campaign)
    b2_door, b9_door = household(world.b2, "101"), household(world.b9, "101")
    result = services.receipts_record(
        acting_user=world.leader,
        campaign=campaign,
        entries=[
            {"household": b2_door.pk, "outcome": "delivered"},
            {"household": b9_door.pk, "outcome": "delivered"},
        ],
    )
    assert result["rejected"] == [
        {"household": b2_door.pk, "reason": "not_handed_over"},
        {"household": b9_door.pk, "reason": "not_in_campaign"},
    ]
    assert Receipt.objects.count() == 0
