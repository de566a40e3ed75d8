"""The ledger pages: what each role sees, what it may not, and how many queries a page costs."""

import pytest

from firstline.areas.models import RiskStatusChange
from firstline.common.audit import AuditEntry
from firstline.people.models import Person
from tests.conftest import household
from tests.factories.areas import BuildingFactory
from tests.factories.people import PersonFactory
from tests.factories.survey import SurveyVisitFactory
from tests.queries import assert_queries, queries

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


def _page(client, url: str) -> None:
    assert client.get(url).status_code == 200


def test_building_map_shows_every_door_coloured_by_status(client, world):
    PersonFactory(
        acting_user=world.staff,
        household=household(world.b1, "501", "Unit 2"),
        name="孕妇甲",
        vulnerabilities="孕妇",
        name_only=True,
    )
    client.force_login(world.leader)
    page = client.get(f"/areas/{world.b1.pk}/map/").content.decode()
    assert page.count('class="door map-') == 24
    assert page.count('class="door map-vulnerable"') == 1
    assert page.count('class="door map-not_reached"') == 23
    assert 'data-testid="count-vulnerable">1<' in page


def test_building_map_costs_the_same_queries_for_a_bigger_building(client, world):
    client.force_login(world.staff)
    with queries() as small:
        _page(client, f"/areas/{world.b1.pk}/map/")  # 24 doors
    big = BuildingFactory(
        acting_user=world.staff,
        compound=world.p1,
        name="大楼",
        units=4,
        floors=12,
        doors_per_floor=4,
        has_lift=True,
    )
    for door in ("101", "1204"):
        PersonFactory(
            acting_user=world.staff,
            household=household(big, door, "Unit 3"),
            name=f"住户{door}",
            name_only=True,
        )
    with assert_queries(small):
        _page(client, f"/areas/{big.pk}/map/")  # 192 doors


def test_household_page_costs_the_same_for_two_or_six_members(client, world):
    client.force_login(world.staff)
    two, six = household(world.b1, "101"), household(world.b1, "102")
    for i in range(2):
        PersonFactory(
            acting_user=world.staff, household=two, name=f"甲{i}", vulnerabilities="慢病", name_only=True
        )
    for i in range(6):
        PersonFactory(
            acting_user=world.staff, household=six, name=f"乙{i}", vulnerabilities="慢病", name_only=True
        )
    with queries() as two_members:
        _page(client, f"/households/{two.pk}/")
    with assert_queries(two_members):
        _page(client, f"/households/{six.pk}/")


def test_scope_refusals_answer_404(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True
    )
    cases = [
        (world.leader, f"/areas/{world.b3.pk}/"),
        (world.leader, f"/areas/{world.b9.pk}/map/"),
        (world.leader, f"/households/{household(world.b3, '101', None).pk}/"),
        (world.outsider, f"/areas/{world.p1.pk}/"),
        (world.outsider, f"/people/{person.pk}/"),
        (world.resident, f"/households/{household(world.b1, '102').pk}/"),
        (world.lab, f"/areas/{world.b1.pk}/map/"),
    ]
    for user, url in cases:
        client.force_login(user)
        assert client.get(url).status_code == 404, (user.username, url)
    client.force_login(world.resident)
    assert client.get(f"/households/{household(world.b1, '101').pk}/").status_code == 200


def test_add_member_with_messy_id_then_a_bad_one(client, world):
    door = household(world.b1, "201")
    client.force_login(world.staff)
    response = client.post(
        f"/households/{door.pk}/members/",
        {
            "name": "王芳",
            "id_type": "resident_id",
            "id_number": "１１０１０５１９４９１２３１００２ｘ",
            "relation": "head",
            "status": "resident",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/households/{door.pk}/").content.decode()
    assert "110***********002X" in page and ID not in page
    response = client.post(
        f"/households/{door.pk}/members/",
        {"name": "李", "id_type": "resident_id", "id_number": "110105194912310021"},
    )
    assert response.status_code == 422
    assert 'data-field="id_number">The check digit is wrong' in response.content.decode()
    assert Person.objects.count() == 1


def test_reveal_only_for_allowed_roles_and_audited(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", id_number=ID, phone=None
    )
    client.force_login(world.leader)
    assert "Reveal" not in client.get(f"/people/{person.pk}/").content.decode()
    assert client.post(f"/people/{person.pk}/reveal/").status_code == 403
    assert AuditEntry.objects.filter(action="person.reveal_id").count() == 0
    client.force_login(world.staff)
    response = client.post(f"/people/{person.pk}/reveal/", {"reason": "核对"})
    assert response.content.decode() == f'<code class="revealed" data-testid="revealed">{ID}</code>'
    assert AuditEntry.objects.filter(action="person.reveal_id", actor=world.staff).count() == 1


def test_risk_change_by_staff_and_refused_to_leader(client, world):
    client.force_login(world.leader)
    client.post(f"/areas/{world.b1.pk}/risk/", {"status": "sealed", "reason": "x"})
    assert RiskStatusChange.objects.count() == 0
    client.force_login(world.staff)
    client.post(f"/areas/{world.b1.pk}/risk/", {"status": "sealed", "reason": "阳性"})
    assert list(RiskStatusChange.objects.values_list("new_status", "reason")) == [("sealed", "阳性")]
    page = client.get(f"/areas/{world.b1.pk}/map/").content.decode()
    assert page.count('class="door map-sealed"') == 24


def test_search_by_name_id_phone_and_door(client, world):
    PersonFactory(
        acting_user=world.staff,
        household=household(world.b1, "501", "Unit 2"),
        name="王芳",
        id_number=ID,
        phone="13800138000",
    )
    client.force_login(world.leader)
    for query, taken in [
        ("王", "a name."),
        ("11010519491231002x", "an ID number (exact): 110***********002X."),
        ("138 0013 8000", "a phone number: 138****8000."),
        ("1-2-501", "a door."),
    ]:
        page = client.post("/search/", {"q": query}, follow=True).content.decode()
        assert f"Looked for {taken}" in page and "1 person found" in page, query
    client.force_login(world.outsider)
    assert "0 people found" in client.get("/search/", {"q": "王"}).content.decode()


def test_survey_lists(client, world):
    SurveyVisitFactory(acting_user=world.staff, household=household(world.b1, "101"), outcome="not_home")
    SurveyVisitFactory(acting_user=world.staff, household=household(world.b1, "102"), outcome="registered")
    client.force_login(world.volunteer)
    never = client.get(f"/areas/{world.b1.pk}/survey/", {"list": "never"}).content.decode()
    assert 'data-testid="total">23 entries' in never
    second = client.get(f"/areas/{world.b1.pk}/survey/", {"list": "second"}).content.decode()
    assert 'data-testid="total">1 entry' in second


def test_area_page_with_a_history_written_by_the_system(client, world):
    from firstline.demo.builder import set_risk

    set_risk(world.p1, "precaution", "全员核酸期间")  # as the demo loader writes it: no user
    client.force_login(world.staff)
    page = client.get(f"/areas/{world.p1.pk}/").content.decode()
    assert "全员核酸期间" in page and '<td data-label="Who">—</td>' in page


def test_list_pages_cost_the_same_queries_for_more_rows(client, world):
    client.force_login(world.staff)
    for door in ("101", "102"):
        PersonFactory(
            acting_user=world.staff,
            household=household(world.b1, door),
            name=f"王{door}",
            vulnerabilities="独居老人",
            name_only=True,
        )
    SurveyVisitFactory(acting_user=world.staff, household=household(world.b1, "101"), outcome="refused")
    few = {}
    for name in ("never", "second", "vulnerable"):
        with queries() as few[name]:
            _page(client, f"/areas/{world.b1.pk}/survey/?list={name}")
    with queries() as few_search:
        _page(client, "/search/?q=王")
    for door in ("201", "202", "301", "302", "401", "402"):
        PersonFactory(
            acting_user=world.staff,
            household=household(world.b1, door),
            name=f"王{door}",
            vulnerabilities="独居老人",
            name_only=True,
        )
        SurveyVisitFactory(acting_user=world.staff, household=household(world.b1, door), outcome="not_home")
    for name in ("never", "second", "vulnerable"):
        with assert_queries(few[name]):
            _page(client, f"/areas/{world.b1.pk}/survey/?list={name}")
    with assert_queries(few_search):
        _page(client, "/search/?q=王")


def test_door_search_does_not_confuse_building_1_with_building_11(client, world):
    big = BuildingFactory(
        acting_user=world.staff,
        compound=world.p1,
        name="11号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    PersonFactory(acting_user=world.staff, household=household(big, "101"), name="十一楼住户", name_only=True)
    PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="一楼住户", name_only=True
    )
    client.force_login(world.staff)
    page = client.get("/search/", {"q": "1-1-101"}).content.decode()
    assert "一楼住户" in page and "十一楼住户" not in page
    assert "十一楼住户" in client.get("/search/", {"q": "11号楼1单元101"}).content.decode()


def test_area_correction_form(client, world):
    client.force_login(world.staff)
    client.post(f"/areas/{world.b2.pk}/edit/", {"name": "2号楼", "note": "", "floors": "4", "has_lift": "1"})
    world.b2.refresh_from_db()
    assert (world.b2.floors, world.b2.has_lift) == (4, True)
    client.force_login(world.leader)
    assert 'id="edit-area"' not in client.get(f"/areas/{world.b2.pk}/").content.decode()
    client.post(f"/areas/{world.b2.pk}/edit/", {"name": "改名"})
    world.b2.refresh_from_db()
    assert world.b2.name == "2号楼"
