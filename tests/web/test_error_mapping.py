"""The pages' one error mapping (web.errors): a refusal is the 403 page, a record outside one's areas
the 404, a form's fault the form again with the fault beside its field (422), a conflict the form
with its message (409); and in each case nothing was changed."""

import pytest
from django.contrib.auth import get_user_model

from firstline.accounts.models import Grant
from firstline.areas.models import RiskStatusChange
from firstline.areas.services import area_public_token_ensure
from firstline.people import services
from firstline.people.models import Person, Residence
from firstline.registration.models import SelfRegistration
from tests.conftest import household

pytestmark = pytest.mark.django_db


def test_a_refused_form_write_is_the_403_page_and_changes_nothing(client, world):
    door = household(world.b1, "201")
    client.force_login(world.volunteer)
    response = client.post(f"/households/{door.pk}/members/", {"name": "新成员", "relation": "child"})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="forbidden"' in page
    assert '<p role="alert">Your role does not allow you to correct people and households.</p>' in page
    assert Person.objects.count() == 0


def test_a_form_fault_is_the_form_again_and_a_small_forms_fault_a_message(client, world):
    client.force_login(world.staff)
    response = client.post(f"/areas/{world.b1.pk}/risk/", {"status": "sealed", "reason": ""}, follow=True)
    assert response.redirect_chain == [(f"/areas/{world.b1.pk}/", 302)]
    assert "Say why the status changes." in response.content.decode()
    response = client.post(f"/areas/{world.b1.pk}/risk/", {"status": "melted", "reason": "x"}, follow=True)
    assert "Unknown status." in response.content.decode()
    response = client.post(
        f"/areas/{world.p1.pk}/buildings/", {"name": "新楼", "units": "two", "floors": "2"}, follow=True
    )
    assert "Units, floors and doors per floor are whole numbers." in response.content.decode()
    assert RiskStatusChange.objects.count() == 0
    assert not world.p1.children.filter(name="新楼").exists()


def test_a_move_to_a_door_outside_ones_areas_reads_as_no_door_chosen(client, world):
    person = services.person_register(
        acting_user=world.staff, household=household(world.b1, "101"), data={"name": "甲"}
    )
    client.force_login(world.leader)  # 1号楼 and 2号楼
    for target in (household(world.b3, "101", None).pk, household(world.b9, "101").pk, "abc", ""):
        response = client.post(f"/people/{person.pk}/move/", {"household": target, "date": "2022-04-05"})
        assert response.status_code == 422, target
        assert 'data-testid="forbidden"' not in response.content.decode()
        assert "Choose the household." in response.content.decode()
    response = client.post(
        f"/people/{person.pk}/move/", {"household": household(world.b2, "101").pk, "date": "5 April"}
    )
    assert response.status_code == 422
    assert "&#x27;5 April&#x27; is not a date (write 2022-04-01)." in response.content.decode()
    assert list(Residence.objects.filter(person=person).values_list("household", "is_current")) == [
        (household(world.b1, "101").pk, True)
    ]


def test_the_doors_to_move_to_are_those_the_user_may_correct(client, world):
    person = services.person_register(
        acting_user=world.staff, household=household(world.b1, "101"), data={"name": "甲"}
    )
    client.force_login(world.leader)
    page = client.get(f"/people/{person.pk}/").content.decode()
    # The picker offers the leader's buildings (then their doors: tests/web/test_door_picker.py).
    assert f'<option value="{world.b2.pk}">2号楼</option>' in page
    assert f'<option value="{world.b3.pk}">' not in page
    client.force_login(world.staff)
    assert (
        f'<option value="{world.b3.pk}">3号楼</option>'
        in client.get(f"/people/{person.pk}/").content.decode()
    )


def test_the_public_form_takes_only_a_door_of_its_compound(client, world):
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    for door in (household(world.b9, "101").pk, "abc"):
        response = client.post(
            f"/r/{token}/",
            {
                "submission_key": f"key-{door}-0123456789abcdef",
                "household": door,
                "contact_phone": "13800138000",
                "m-0-name": "刘芳",
            },
        )
        assert response.status_code == 422, door
        assert "Choose a door of this compound." in response.content.decode()
    assert SelfRegistration.objects.count() == 0


def test_a_conflict_is_the_form_again_with_its_message_at_409(client, world):
    client.force_login(world.staff)
    grants = list(Grant.objects.values_list("user", "role", "area"))
    response = client.post(
        "/team/", {"existing": "1", "username": "volunteer", "role": "volunteer", "area": world.p1.pk}
    )
    assert response.status_code == 409
    assert "This person already holds this role here." in response.content.decode()
    assert list(Grant.objects.values_list("user", "role", "area")) == grants
    assert get_user_model().objects.filter(username="volunteer").count() == 1


def test_a_revoked_token_revoked_again_changes_nothing(client, world):
    from firstline.accounts.services import api_token_create

    token, _key = api_token_create(acting_user=world.leader, user=world.leader, name="楼长助手")
    client.force_login(world.leader)
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    revoked_at = token.revoked_at
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
