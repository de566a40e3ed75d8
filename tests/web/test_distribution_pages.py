"""The distribution pages: list, plan, the campaign with its bars, a leader's doors; query counts."""

import re

import pytest

from firstline.distribution import services
from firstline.distribution.models import Allocation, Batch, Campaign, Receipt, ShareStatus
from tests.conftest import household
from tests.distribution.conftest import campaign, store, unit_leader  # noqa: F401 (fixtures)
from tests.queries import assert_queries, queries

pytestmark = pytest.mark.django_db


def test_plan_a_campaign_by_the_form(client, world, store):  # noqa: F811
    warehouse, item = store
    client.force_login(world.staff)
    page = client.get("/distributions/new/").content.decode()
    assert "C1社区库房" in page and "P1小区" in page
    answer = client.post(
        "/distributions/new/",
        {
            "name": "爱心生菜",
            "warehouse": warehouse.pk,
            "item_1": item.pk,
            "quantity_1": "7.8",
            "rule": "household",
            "scope": [world.p1.pk],
            "order": "1号楼\n2号楼 3号楼",
        },
    )
    created = Campaign.objects.get()
    assert answer.status_code == 302 and answer.url == f"/distributions/{created.pk}/"
    assert [
        sorted(set(b.allocations.values_list("building__name", flat=True))) for b in Batch.objects.all()
    ] == [["1号楼"], ["2号楼", "3号楼"]]


def test_a_wrong_building_name_is_named_and_nothing_is_planned(client, world, store):  # noqa: F811
    warehouse, item = store
    client.force_login(world.staff)
    answer = client.post(
        "/distributions/new/",
        {
            "name": "生菜",
            "warehouse": warehouse.pk,
            "item_1": item.pk,
            "quantity_1": "7.8",
            "scope": [world.p1.pk],
            "order": "1号楼 8号楼",
        },
    )
    assert answer.status_code == 422
    assert "Line 1: no building 8号楼 in the chosen places." in answer.content.decode()
    assert Campaign.objects.count() == 0


def test_campaign_page_says_who_has_no_leader_and_reconciles(client, world, campaign):  # noqa: F811
    client.force_login(world.staff)
    page = client.get(f"/distributions/{campaign.pk}/").content.decode()
    assert page.count('data-testid="dist-building"') == 3
    assert page.count("No leader: the compound's staff hand it out") == 1
    assert 'data-testid="dist-reconciled">Reconciled' in page


def test_campaign_page_costs_the_same_for_more_buildings(client, world, campaign, store):  # noqa: F811
    client.force_login(world.staff)
    with queries() as few:
        client.get(f"/distributions/{campaign.pk}/")
    warehouse, item = store
    from tests.factories.distribution import lettuce_campaign

    bigger = lettuce_campaign(
        acting_user=world.staff, warehouse=warehouse, item=item, scope=[world.c1], batch_count=3
    )
    with assert_queries(few):
        client.get(f"/distributions/{bigger.pk}/")


def test_a_leader_marks_doors_with_one_thumb(client, world, campaign):  # noqa: F811
    services.batch_issue(acting_user=world.staff, batch=Batch.objects.get(campaign=campaign, number=1))
    services.building_handover(acting_user=world.staff, campaign=campaign, building=world.b1)
    client.force_login(world.leader)
    url = f"/distributions/{campaign.pk}/buildings/{world.b1.pk}/"
    with queries() as few:
        page = client.get(url).content.decode()
    assert page.count('data-testid="dist-door"') == 24 and "1380" not in page
    door = household(world.b1, "101")
    answer = client.post(
        url + "door/",
        {"household": door.pk, "outcome": "not_home", "client_key": "k1"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="dist-door-status">Not at home' in answer.content.decode()
    answer = client.post(
        url + "door/",
        {"household": door.pk, "outcome": "delivered", "client_key": "k2"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="dist-door-status">Delivered' in answer.content.decode()
    again = client.post(
        url + "door/",
        {"household": door.pk, "outcome": "delivered", "client_key": "k3"},
        HTTP_HX_REQUEST="true",
    )
    assert "This household already has its share." in again.content.decode()
    assert Receipt.objects.filter(household=door).count() == 2
    with assert_queries(few):
        client.get(url)
    # The count of Unit 1, corrected by the leader.
    unit1 = Allocation.objects.get(campaign=campaign, building=world.b1, stairwell__name="Unit 1")
    client.post(f"/distributions/{campaign.pk}/stairwells/{unit1.pk}/confirm/", {"households": "11"})
    unit1.refresh_from_db()
    assert (unit1.confirmed_households, unit1.confirmed_by) == (11, world.leader)
    assert campaign.shares.get(household=door).status == ShareStatus.DELIVERED


def test_export_is_a_workbook_and_audited(client, world, campaign):  # noqa: F811
    from io import BytesIO

    from openpyxl import load_workbook

    from firstline.common.models import AuditEntry

    client.force_login(world.staff)
    answer = client.post(f"/distributions/{campaign.pk}/export/")
    book = load_workbook(BytesIO(answer.content))
    rows = list(book["Buildings"].iter_rows(values_only=True))
    assert rows[1][:4] == ("1号楼", 1, "leader", 24) and rows[3][:4] == ("3号楼", 2, "compound staff", 4)
    assert AuditEntry.objects.filter(action="distribution.export").count() == 1


def test_a_fixed_list_pasted_as_a_property_manager_keeps_it(client, world, store):  # noqa: F811
    """The list rule from a pasted list: tabs or spaces, full-width digits, a door alone is one share;
    a line naming no door, or several, is refused with its line number and nothing is planned."""
    warehouse, item = store
    for door in ("101", "102", "201"):
        household(world.b1, door)
    household(world.b2, "101")  # more 101s in the compound: "101" alone names several doors
    client.force_login(world.staff)
    form = {
        "name": "困难户加发",
        "warehouse": warehouse.pk,
        "item_1": item.pk,
        "quantity_1": "5",
        "rule": "list",
        "scope": [world.p1.pk],
    }
    refused = client.post("/distributions/new/", {**form, "list": "1-1-101\t2\n101 1\n\n1-1-909 1\n"})
    page = refused.content.decode()
    assert re.findall(r'data-field="list">([^<]*)', page) == [
        "Line 2: “101” names 4 doors; write the building and unit, e.g. 3-2-603. "
        "Line 4: no door “1-1-909” in the places chosen."
    ]
    assert refused.status_code == 422
    assert Campaign.objects.count() == 0
    answer = client.post("/distributions/new/", {**form, "list": "1-1-101\t2\n1－1－102\n1号楼1单元201 3\n"})
    assert answer.status_code == 302
    planned = Campaign.objects.get()
    shares = {
        (s["household__door"], str(s["units"].normalize()))
        for s in planned.shares.values("household__door", "units")
    }
    assert shares == {("101", "2"), ("102", "1"), ("201", "3")}
