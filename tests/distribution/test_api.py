"""/api/v1/distributions: plan, allocation, counts, issue, hand-over, doors, return, reconciliation."""

import pytest

from firstline.distribution.models import Allocation, Campaign, Receipt
from firstline.supplies.models import Stock
from tests.api.conftest import ApiClient
from tests.conftest import household

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    return ApiClient()


def _create(api, world, store, **extra):
    warehouse, item = store
    body = {
        "name": "爱心生菜",
        "warehouse_id": warehouse.pk,
        "items": [{"item_id": item.pk, "per_share": "7.8"}],
        "scope_ids": [world.p1.pk],
        "batches": [[world.b1.pk], [world.b2.pk, world.b3.pk]],
        **extra,
    }
    return api.post(world.staff, "/distributions", body)


def test_the_lettuce_from_plan_to_reconciliation(api, world, store, unit_leader):
    answer = _create(api, world, store)
    assert answer.status_code == 201, answer.content
    campaign = answer.json()
    assert [(b["number"], b["status"]) for b in campaign["batches"]] == [(1, "planned"), (2, "planned")]
    cid = campaign["id"]
    rows = api.get(world.leader, f"/distributions/{cid}/allocation").json()
    assert [
        (r["building"], r["stairwell"], r["building_leader"], r["unit_leader"], r["households"]) for r in rows
    ] == [
        ("1号楼", "Unit 1", "leader", None, 12),
        ("1号楼", "Unit 2", "leader", "unitlead", 12),
        ("2号楼", "Unit 1", "leader", None, 12),
    ]  # the leader sees their buildings, not 3号楼
    unit2 = rows[1]["id"]
    confirmed = api.post(unit_leader, f"/distributions/{cid}/allocation/{unit2}/confirm", {"households": 11})
    assert (confirmed.json()["confirmed_households"], confirmed.json()["confirmed_by"]) == (11, "unitlead")
    assert api.post(world.leader, f"/distributions/{cid}/batches/1/issue").status_code == 403
    issued = api.post(world.staff, f"/distributions/{cid}/batches/1/issue")
    assert issued.json()["status"] == "issued"
    assert api.post(world.staff, f"/distributions/{cid}/batches/1/issue").status_code == 409
    assert api.post(world.staff, f"/distributions/{cid}/buildings/{world.b1.pk}/handover").json() == {
        "stairwells": 2
    }
    door, other = household(world.b1, "101"), household(world.b1, "102")
    body = {
        "receipts": [
            {"household": door.pk, "outcome": "delivered", "client_key": "p1-1"},
            {"household": other.pk, "outcome": "not_home", "client_key": "p1-2"},
        ]
    }
    first = api.post(world.leader, f"/distributions/{cid}/receipts", body).json()
    assert first == {
        "recorded": 2,
        "delivered": 1,
        "not_home": 1,
        "refused": 0,
        "replayed": 0,
        "rejected": [],
    }
    again = api.post(world.leader, f"/distributions/{cid}/receipts", body).json()
    assert (again["recorded"], again["replayed"]) == (0, 2)
    assert Receipt.objects.count() == 2
    returned = api.post(world.staff, f"/distributions/{cid}/return", {"batch": 1})
    assert returned.json() == {"shares": "23.00"}
    report = api.get(world.staff, f"/distributions/{cid}/reconciliation").json()
    (lettuce,) = report["items"]
    assert (
        lettuce["issued"],
        lettuce["handed"],
        lettuce["delivered"],
        lettuce["returned"],
        lettuce["with_leaders"],
    ) == ("187.20", "187.20", "7.80", "179.40", "0.00")
    assert report["reconciled"] is True and lettuce["ledger_issued"] == "187.20"
    assert [(b["name"], b["due"], b["delivered"]) for b in report["batches"]] == [
        ("1", "24.00", "1.00"),
        ("2", "16.00", "0.00"),
    ]
    assert str(Stock.objects.get().quantity) == "992.20"  # 1000 - 187.2 + 179.4


def test_refusals_name_the_field_and_write_nothing(api, world, store):
    answer = _create(api, world, store, batches=[[world.b1.pk]])
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"batches": ["Put every building in a batch; missing: 2号楼、3号楼."]}
    bad = _create(api, world, store, items=[{"item_id": store[1].pk, "per_share": "7.855"}])
    assert bad.json()["errors"] == {"items.1.quantity": ["Give the quantity to at most two decimal places."]}
    assert Campaign.objects.count() == 0 and Allocation.objects.count() == 0


def test_outsiders_do_not_see_the_campaign(api, world, store):
    cid = _create(api, world, store).json()["id"]
    assert api.get(world.outsider, f"/distributions/{cid}").status_code == 404
    assert api.get(world.outsider, "/distributions").json()["items"] == []
    assert [c["id"] for c in api.get(world.leader, "/distributions").json()["items"]] == [cid]
