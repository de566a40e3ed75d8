"""The search page keeps ID numbers and phones out of addresses: the box posts, a name or a door comes
back as a link, anything that may be an ID number as a short-lived key into the user's session."""

import pytest
from django.contrib.sessions.models import Session
from freezegun import freeze_time

from firstline.people.selectors import query_is_private
from tests.conftest import household
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


@pytest.fixture
def wang(world):
    return PersonFactory(
        acting_user=world.staff,
        household=household(world.b1, "501", "Unit 2"),
        name="王芳",
        id_number=ID,
        phone="13800138000",
    )


@pytest.mark.parametrize(
    ("query", "private"),
    [
        ("王芳", False),
        ("1-2-501", False),
        ("3号楼2单元501", False),
        ("12号楼1201室", False),
        ("王芳1990", False),
        (ID, True),
        (ID.lower(), True),
        (ID[:17], True),
        ("110105", True),
        ("１１０１０５１９４９", True),
        ("110105-19491231-002X", True),
        ("110105-19491231002", True),
        ("138 0013 8000", True),
        ("E12345678", True),
    ],
)
def test_what_counts_as_a_private_query(query, private):
    assert query_is_private(query) is private


def test_a_name_search_comes_back_as_a_link_to_share(client, world, wang):
    client.force_login(world.staff)
    answer = client.post("/search/", {"q": "王芳"})
    assert (answer.status_code, answer["Location"]) == (303, "/search/?q=%E7%8E%8B%E8%8A%B3")
    page = client.get(answer["Location"]).content.decode()
    assert "Looked for a name." in page and 'value="王芳"' in page and "1 person found" in page


def test_an_id_number_search_comes_back_as_a_key_and_reads_again_until_it_expires(client, world, wang):
    client.force_login(world.staff)
    with freeze_time("2022-04-04 09:00:00+08:00"):
        answer = client.post("/search/", {"q": ID.lower()})
        location = answer["Location"]
    assert (
        answer.status_code == 303
        and location.startswith("/search/?k=")
        and len(location) == len("/search/?k=") + 12
    )
    assert not any(part in location for part in (ID, ID.lower(), ID[:17], ID[:6]))
    for minutes in (0, 29):  # the page itself, then a refresh or the back button later on
        with freeze_time(f"2022-04-04 09:{minutes:02d}:00+08:00"):
            page = client.get(location).content.decode()
        assert "Looked for an ID number (exact): 110***********002X." in page and "1 person found" in page
        assert ID not in page and ID.lower() not in page and 'name="q" value=""' in page
    with freeze_time("2022-04-04 09:31:00+08:00"):
        expired = client.get(location).content.decode()
    assert "This search is no longer kept. Search again." in expired and "王芳" not in expired
    # The session keeps the query sealed.
    assert all(
        ID not in row.session_data and ID not in str(row.get_decoded()) for row in Session.objects.all()
    )


def test_a_key_reads_nothing_in_another_session(client, world, wang):
    from django.test import Client

    client.force_login(world.staff)
    location = client.post("/search/", {"q": ID})["Location"]
    other = Client()
    other.force_login(world.staff)
    page = other.get(location).content.decode()
    assert "This search is no longer kept. Search again." in page and "王芳" not in page


def test_a_phone_search_is_private_too(client, world, wang):
    client.force_login(world.staff)
    answer = client.post("/search/", {"q": "138 0013 8000"})
    assert answer["Location"].startswith("/search/?k=")
    page = client.get(answer["Location"]).content.decode()
    assert "Looked for a phone number: 138****8000." in page and "1 person found" in page


def test_an_id_number_typed_into_the_address_is_not_searched_nor_repeated(client, world, wang):
    client.force_login(world.staff)
    answer = client.get("/search/", {"q": ID})
    assert (answer.status_code, answer["Location"]) == (303, "/search/")
    page = client.get("/search/").content.decode()
    assert ID not in page and "王芳" not in page
    assert (
        "ID numbers and phone numbers are searched from the box, so that they stay out of addresses." in page
    )


def test_the_antigen_door_finder_posts_too(client, world):
    client.force_login(world.staff)
    door = client.post("/antigen/", {"q": "1-1-201"})
    assert (door.status_code, door["Location"]) == (303, "/antigen/?q=1-1-201")
    number = client.post("/antigen/", {"q": ID})
    assert number.status_code == 200 and ID not in number.content.decode()
    assert "Find the household by its door, e.g. 1-2-501." in number.content.decode()
