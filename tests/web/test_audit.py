import pytest

from firstline.people import services
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.queries import assert_queries, queries

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


def test_staff_read_reveals_in_their_community_only(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", id_number=ID, phone=None
    )
    services.person_reveal_id(acting_user=world.staff, person=person, reason="核对")
    other = PersonFactory(
        acting_user=world.outsider, household=household(world.b9, "101"), name="乙", name_only=True
    )
    services.person_update(acting_user=world.outsider, person=other, data={"phone": "13800138000"})
    client.force_login(world.staff)
    page = client.get("/audit/", {"action": "person.reveal_id"}).content.decode()
    assert page.count("<code>person.reveal_id</code>") == 1 and "staff" in page and ID not in page
    everything = client.get("/audit/").content.decode()
    assert "person.update" not in everything  # the outsider's change in C2 is not C1's business
    client.force_login(world.outsider)
    assert client.get("/audit/").content.decode().count("<code>person.") == 2


def test_leaders_have_no_audit_page(client, world):
    client.force_login(world.leader)
    assert client.get("/audit/").status_code == 404


def test_audit_page_costs_the_same_queries_for_more_entries(client, world):
    client.force_login(world.staff)
    PersonFactory(acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True)
    with queries() as few:
        client.get("/audit/")
    for i in range(10):
        PersonFactory(
            acting_user=world.staff, household=household(world.b1, "102"), name=f"乙{i}", name_only=True
        )
    with assert_queries(few):
        client.get("/audit/")
