import pytest
from django.contrib.auth import get_user_model

from firstline.accounts.models import ApiToken, Grant
from firstline.common.audit import AuditEntry

pytestmark = pytest.mark.django_db


def test_staff_signs_up_a_building_leader(client, world):
    client.force_login(world.staff)
    response = client.post(
        "/team/",
        {
            "username": "lou3",
            "full_name": "王楼长",
            "password": "a-long-pass-2022",
            "role": "building_leader",
            "area": world.b1.pk,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="lou3")
    assert list(Grant.objects.filter(user=user).values_list("role", "area")) == [
        ("building_leader", world.b1.pk)
    ]
    assert AuditEntry.objects.filter(action="user.create", actor=world.staff).count() == 1
    page = client.get("/team/").content.decode()
    assert "lou3" in page and "王楼长" in page


def test_grant_outside_own_area_is_refused_and_changes_nothing(client, world):
    client.force_login(world.staff)
    users_before = get_user_model().objects.count()
    response = client.post(
        "/team/",
        {
            "username": "x1",
            "password": "a-long-pass-2022",
            "role": "volunteer",
            "area": world.b9.pk,
        },
    )
    assert response.status_code == 422
    assert "Choose an area." in response.content.decode()
    assert get_user_model().objects.count() == users_before


def test_leader_has_no_team_page(client, world):
    client.force_login(world.leader)
    assert client.get("/team/").status_code == 404


def test_weak_password_is_named(client, world):
    client.force_login(world.staff)
    response = client.post(
        "/team/", {"username": "lou4", "password": "123", "role": "volunteer", "area": world.p1.pk}
    )
    assert response.status_code == 422
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="lou4").exists()


def test_withdraw_a_grant(client, world):
    client.force_login(world.staff)
    grant = Grant.objects.get(user=world.volunteer)
    assert client.post(f"/team/grants/{grant.pk}/withdraw/").status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    outsider_grant = Grant.objects.get(user=world.outsider)
    assert client.post(f"/team/grants/{outsider_grant.pk}/withdraw/").status_code == 404
    assert Grant.objects.filter(pk=outsider_grant.pk).exists()


def test_profile_makes_a_token_shown_once(client, world):
    client.force_login(world.leader)
    page = client.post("/me/", {"name": "楼长助手"}).content.decode()
    token = ApiToken.objects.get(user=world.leader)
    assert token.name == "楼长助手"
    assert 'id="new-token"' in page
    assert 'id="new-token"' not in client.get("/me/").content.decode()
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
