"""Registering a person by hand or through the API: an unknown label is kept, a long note refused."""

import pytest
from django.core.exceptions import ValidationError

from firstline.people import services
from tests.conftest import household

pytestmark = pytest.mark.django_db


def test_staff_and_api_registration_keep_an_unknown_relation_in_the_note(world):
    person = services.person_register(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        data={"name": "王五", "relation": "干儿子", "age": "30"},
    )
    assert (person.note, person.residences.get().relation) == ("relation：干儿子", "other")
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            acting_user=world.staff,
            household=household(world.b1, "101"),
            data={"name": "赵六", "note": "长" * 301},
        )
    assert caught.value.message_dict == {
        "note": ["At most 300 characters; this has 301. Shorten it and send it again."]
    }


def test_the_api_stores_a_person_with_an_unknown_relation_and_refuses_a_note_over_its_limit(world):
    from tests.api.conftest import ApiClient

    api = ApiClient()
    door = household(world.b1, "102")
    created = api.post(
        world.staff,
        "/people",
        {
            "household_id": door.pk,
            "name": "刘七",
            "relation": "干女儿",
            "status": "流动人口",
            "vulnerabilities": [{"tag": "孕妇(预产期2022-12-20)"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["note"], body["vulnerabilities"]) == (
        "relation：干女儿",
        [{"tag": "pregnant", "due_date": "2022-12-20", "note": ""}],
    )
    refused = api.post(world.staff, "/people", {"household_id": door.pk, "name": "刘八", "note": "长" * 301})
    assert (refused.status_code, refused.json()["errors"]) == (
        422,
        {"note": ["At most 300 characters."]},
    )  # the API's schema holds the same limit
