import pytest
from django.core.exceptions import ValidationError

from firstline.accounts.models import ApiToken, Grant
from firstline.accounts.roles import Role
from firstline.accounts.scope import can
from firstline.accounts.services import api_token_create, api_token_revoke, grant_create, grant_revoke
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.models import AuditEntry


def test_a_token_is_stored_hashed_and_shown_once(world):
    token, key = api_token_create(acting_user=world.leader, user=world.leader, name=" phone app ")
    assert token.name == "phone app" and token.prefix == key[:8]
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(key)).count() == 1
    assert key not in str(list(ApiToken.objects.values()))
    assert AuditEntry.objects.get(action="api_token.create").actor == world.leader


def test_nobody_makes_a_token_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        api_token_create(acting_user=world.coordinator, user=world.leader, name="x")
    with pytest.raises(ValidationError):
        api_token_create(acting_user=world.leader, user=world.leader, name="  ")
    assert ApiToken.objects.count() == 0 and AuditEntry.objects.filter(action="api_token.create").count() == 0


def test_a_manager_of_every_area_of_the_owner_may_revoke_others_may_not(world):
    token, _key = api_token_create(acting_user=world.leader, user=world.leader, name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(acting_user=world.outsider, token=token)
    with pytest.raises(PermissionDenied):
        api_token_revoke(acting_user=world.volunteer, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    api_token_revoke(acting_user=world.staff, token=token)
    api_token_revoke(acting_user=world.staff, token=token)  # twice: one audit row
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=world.staff).count() == 1


def test_grants_are_given_and_taken_inside_the_subtree_only(world):
    grant = grant_create(
        acting_user=world.staff, user=world.volunteer, role=Role.BUILDING_LEADER, area=world.b3
    )
    assert can(world.volunteer, "ledger.edit", world.b3.path)
    assert AuditEntry.objects.get(action="grant.create").changes == {
        "user": world.volunteer.pk,
        "role": "building_leader",
        "area": world.b3.pk,
    }
    with pytest.raises(Conflict):
        grant_create(acting_user=world.staff, user=world.volunteer, role=Role.BUILDING_LEADER, area=world.b3)
    before = (Grant.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        grant_create(acting_user=world.leader, user=world.volunteer, role=Role.VOLUNTEER, area=world.b1)
    with pytest.raises(PermissionDenied):
        grant_create(acting_user=world.outsider, user=world.volunteer, role=Role.VOLUNTEER, area=world.b1)
    with pytest.raises(PermissionDenied):
        grant_revoke(acting_user=world.outsider, grant=grant)
    with pytest.raises(ValidationError):
        grant_create(acting_user=world.staff, user=world.volunteer, role="king", area=world.b1)
    assert (Grant.objects.count(), AuditEntry.objects.count()) == before
    grant_revoke(acting_user=world.staff, grant=grant)
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert not can(world.volunteer, "ledger.edit", world.b3.path)
    assert AuditEntry.objects.filter(action="grant.revoke", actor=world.staff).count() == 1


def _failed_sign_ins(username: str, n: int, address: str = "203.0.113.7"):
    from django.test import Client

    for k in range(n):
        Client().post("/login/", {"username": username, "password": f"guess-{k}"}, REMOTE_ADDR=address)


def test_unlock_forgets_the_accounts_failures_everywhere_and_is_audited(world):
    from axes.models import AccessAttempt

    from firstline.accounts.selectors import users_locked_out
    from firstline.accounts.services import user_unlock

    _failed_sign_ins("leader", 6, "203.0.113.7")
    _failed_sign_ins("leader", 4, "198.51.100.20")
    _failed_sign_ins("staff", 3)
    assert [a.user for a in users_locked_out(user=world.staff)] == [world.leader]
    assert [a.user for a in users_locked_out(user=world.coordinator)] == [world.leader]
    assert user_unlock(acting_user=world.staff, user=world.leader) == 10
    assert user_unlock(acting_user=world.staff, user=world.leader) == 0  # twice: one audit row
    assert list(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == [3]  # staff's own
    assert AuditEntry.objects.filter(action="user.unlock").count() == 1
    assert users_locked_out(user=world.staff) == []


def test_unlock_outside_ones_scope_is_refused_and_changes_nothing(world):
    from axes.models import AccessAttempt

    from firstline.accounts.selectors import users_locked_out
    from firstline.accounts.services import user_unlock

    _failed_sign_ins("outsider", 10)
    assert users_locked_out(user=world.staff) == []
    for acting_user in (world.staff, world.leader, world.volunteer):
        with pytest.raises(PermissionDenied):
            user_unlock(acting_user=acting_user, user=world.outsider)
    assert AccessAttempt.objects.get().failures_since_start == 10
    assert not AuditEntry.objects.filter(action="user.unlock").exists()


def test_a_leaders_title_says_where_they_lead(world):
    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area

    unit = Area.objects.get(parent=world.b1, name="Unit 1")
    titles = [
        Grant(user=world.leader, role=Role.BUILDING_LEADER, area=area).title
        for area in (unit, world.b1, world.p1)
    ]
    assert titles == ["Unit leader", "Building leader", "Grid worker"]
    assert Grant(user=world.staff, role=Role.COMMUNITY_STAFF, area=world.c1).title == "Community staff"
