import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from firstline.accounts.roles import Role
from firstline.areas.models import RiskStatus
from firstline.areas.services import area_public_token_ensure
from firstline.common.models import AuditEntry
from firstline.errands import services
from firstline.errands.models import HelpRequest
from firstline.registration.services import code_issue_for_person
from tests.conftest import household, make_user
from tests.factories.errands import help_request
from tests.factories.people import PersonFactory
from tests.queries import assert_queries, queries


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_puts_critical_and_overdue_on_top_in_a_constant_number_of_queries(world):
    door = household(world.b1, "101")
    normal = help_request(world.staff, door, "documents")
    late = help_request(world.staff, door, "formula")
    HelpRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    insulin = help_request(world.staff, door, "insulin")
    client = _client(world.staff)
    client.get("/errands/")
    with queries() as few:
        page = client.get("/errands/")
    body = page.content.decode()
    assert (
        body.index(f"/errands/{insulin.pk}/")
        < body.index(f"/errands/{late.pk}/")
        < body.index(f"/errands/{normal.pk}/")
    )
    assert body.count("help-overdue") == 1 and body.count(" help-top") == 1
    for kind in ("stroke", "pass", "documents", "formula", "documents", "documents"):
        help_request(world.staff, door, kind)
    with assert_queries(few):
        assert client.get("/errands/").status_code == 200


def test_filters_by_category_and_state(world):
    door = household(world.b1, "101")
    formula = help_request(world.staff, door, "formula")
    help_request(world.staff, door, "documents")
    body = _client(world.staff).get("/errands/?category=formula&state=open").content.decode()
    assert body.count('data-testid="help-row"') == 1 and f"/errands/{formula.pk}/" in body


def test_intake_by_a_typed_door_and_the_request_page(world):
    client = _client(world.staff)
    door = household(world.b1, "601", "Unit 2")
    door.risk_status = RiskStatus.SEALED
    door.save()
    typed = client.get(f"/errands/new/?site={world.p1.pk}&door_q=1-2-601")
    assert f'value="{door.pk}"' in typed.content.decode()
    made = client.post(
        "/errands/new/",
        {
            "site": world.p1.pk,
            "household": door.pk,
            "category": "medicine",
            "urgency": "urgent",
            "details": "胰岛素",
            "brand": "诺和锐",
            "maker": "诺和诺德",
        },
    )
    request = HelpRequest.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/errands/{request.pk}/"
    assert request.urgency == "critical"
    page = client.get(f"/errands/{request.pk}/").content.decode()
    assert 'data-testid="help-risk">Sealed<' in page.replace('badge sealed" ', "")
    assert "诺和锐" in page and "诺和诺德" in page


def test_intake_refuses_medicine_without_a_maker_naming_the_field(world):
    page = _client(world.staff).post(
        "/errands/new/",
        {
            "site": world.p1.pk,
            "household": household(world.b1, "101").pk,
            "category": "medicine",
            "urgency": "urgent",
            "details": "降压药",
            "brand": "络活喜",
        },
    )
    assert page.status_code == 422
    assert 'data-field="maker"' in page.content.decode()
    assert HelpRequest.objects.count() == 0


def test_the_public_page_asks_with_a_code_and_the_link_confirms_once(world):
    door = household(world.b1, "101")
    mother = PersonFactory(acting_user=world.staff, household=door, name="李梅", name_only=True)
    code = code_issue_for_person(acting_user=world.staff, person=mother).code
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    sent = Client().post(
        f"/help/{token}/",
        {
            "code": code,
            "category": "formula",
            "urgency": "urgent",
            "details": "奶粉",
            "brand": "飞鹤",
            "maker": "飞鹤乳业",
        },
    )
    request = HelpRequest.objects.get()
    assert f"/help/confirm/{request.confirm_token}/" in sent.content.decode()
    services.request_assign(acting_user=world.staff, request=request, user=world.volunteer)
    Client().post(f"/help/confirm/{request.confirm_token}/", {"rating": "4"})
    request.refresh_from_db()
    assert (request.state, request.rating) == ("confirmed", 4)
    assert AuditEntry.objects.get(action="errands.request.confirm").actor is None


def test_the_resident_asks_and_confirms_from_their_page(world):
    client = _client(world.resident)
    client.post("/help/mine/", {"category": "groceries", "urgency": "normal", "details": "不会网上买菜"})
    request = HelpRequest.objects.get()
    assert (request.household, request.channel) == (household(world.b1, "101"), "resident")
    services.request_assign(acting_user=world.staff, request=request, user=world.volunteer)
    client.post(f"/errands/{request.pk}/", {"action": "confirm", "rating": "5"})
    assert HelpRequest.objects.get().state == "confirmed"


def test_a_neighbours_offer_is_accepted_on_the_page(world):
    request = help_request(
        world.staff,
        household(world.b1, "101", "Unit 2"),
        "documents",
        category="groceries",
        details="80岁老人要蔬菜",
    )
    neighbour = make_user("n17", Role.RESIDENT, household(world.b1, "601", "Unit 2"))
    client = _client(neighbour)
    assert "80岁老人要蔬菜" in client.get("/help/mine/").content.decode()
    client.post("/help/mine/", {"action": "offer", "request": request.pk, "text": "我家有菜"})
    offer = request.offers.get()
    _client(world.staff).post(f"/errands/offers/{offer.pk}/", {"action": "accept"})
    request.refresh_from_db()
    assert (request.state, request.assigned_user) == ("assigned", neighbour)


def test_my_errands_lists_mine_and_my_groups(world):
    door = household(world.b1, "101")
    mine = help_request(world.staff, door, "documents")
    groups = help_request(world.staff, door, "formula")
    other = help_request(world.staff, door, "pass")
    group = services.group_create(
        acting_user=world.staff, area=world.p1, name="跑腿组", members=[world.volunteer]
    )
    services.request_assign(acting_user=world.staff, request=mine, user=world.volunteer)
    services.request_assign(acting_user=world.staff, request=groups, group=group)
    body = _client(world.volunteer).get("/errands/mine/").content.decode()
    assert body.count('data-testid="help-row"') == 2 and f"/errands/{other.pk}/" not in body


def test_the_export_is_a_workbook_and_audited(world):
    help_request(world.staff, household(world.b1, "101"), "stroke")
    response = _client(world.staff).post("/errands/export/")
    import io

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][2:7] == (
        "Medicine",
        "Urgent",
        "脑梗后遗症的药，吃完了，商标与厂家必须一致",
        "拜阿司匹灵",
        "拜耳医药保健有限公司",
    )
    assert AuditEntry.objects.get(action="errands.export").changes == {"rows": 1}


def test_the_poster_shows_the_groups_phones_and_the_help_qr(world):
    services.group_create(
        acting_user=world.staff,
        area=world.p1,
        name="P1跑腿组",
        phone="13912345678",
        leader_phone="13687654321",
    )
    body = _client(world.staff).get(f"/errands/poster/{world.b1.pk}/").content.decode()
    world.p1.refresh_from_db()
    assert "13912345678" in body and "13687654321" in body
    assert f"/help/{world.p1.public_token}/" in body and "<svg" in body


@pytest.mark.parametrize("path", ["/errands/", "/errands/mine/"])
def test_a_resident_has_no_queue(world, path):
    assert _client(world.resident).get(path).status_code == 404


def test_the_queue_filters_by_building_and_shows_a_sealed_door(world):
    sealed = household(world.b1, "101")
    sealed.risk_status = RiskStatus.SEALED
    sealed.save()
    in_b1 = help_request(world.staff, sealed, "insulin")
    help_request(world.staff, household(world.b2, "101", "Unit 1"), "documents")
    body = _client(world.staff).get(f"/errands/?block={world.b1.pk}").content.decode()
    assert body.count('data-testid="help-row"') == 1 and f"/errands/{in_b1.pk}/" in body
    assert '<span class="badge sealed">Sealed</span>' in body
    assert f"/errands/poster/{world.b1.pk}/" in body


def test_triage_names_the_person_in_quarantine(world):
    door = household(world.b1, "101")
    patient = PersonFactory(acting_user=world.staff, household=door, name="张建国", name_only=True)
    request = help_request(world.staff, door, "documents")
    _client(world.staff).post(
        f"/errands/{request.pk}/",
        {
            "action": "triage",
            "category": "medicine",
            "urgency": "urgent",
            "person": patient.pk,
            "brand": "诺和锐",
            "maker": "诺和诺德",
        },
    )
    request.refresh_from_db()
    assert (request.person, request.category, request.urgency, request.brand) == (
        patient,
        "medicine",
        "urgent",
        "诺和锐",
    )
