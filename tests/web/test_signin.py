"""Signing in under attack: wrong passwords lock the account, and a client address, each at its own limit.

Limits of production (settings): 10 failures for an account, 50 for an address, 15 minutes.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone

from firstline.common.models import AuditEntry
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-for-tests-1"
CLEAR_ID = "11010519491231002X"


def _sign_in(client, username, password, address="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(world):
    client = Client()
    answers = [_sign_in(client, "staff", f"guess-{n}") for n in range(30)]
    assert [a.status_code for a in answers] == [200] * 9 + [429] * 21
    locked = _sign_in(client, "staff", PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    page = locked.content.decode()
    assert "Signing in is paused" in page
    assert "You can try again 15 minutes after the last wrong password." in page
    assert "ask the staff who manage your account" in page
    assert "_auth_user_id" not in client.session
    # From another network the account is locked all the same: it is the account that was guessed.
    assert _sign_in(Client(), "staff", PASSWORD, address="198.51.100.20").status_code == 429
    # Another account from the same address still signs in: 30 failures are under the address's 50.
    assert _sign_in(Client(), "volunteer", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(world):
    client = Client()
    for n in range(10):
        _sign_in(client, "staff", f"guess-{n}")
    assert _sign_in(client, "staff", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _sign_in(client, "staff", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked_at_its_own_limit(world):
    """A sampling point's desks share an address: a few typos each lock nobody, fifty lock the address."""
    usernames = [UserFactory(username=f"desk{n}").username for n in range(10)]
    client = Client()
    answers = [
        _sign_in(client, name, f"typo-{k}") for k in range(5) for name in usernames
    ]  # 5 each, 50 in all
    assert [a.status_code for a in answers] == [200] * 49 + [429]
    assert _sign_in(Client(), "volunteer", PASSWORD).status_code == 429
    # Elsewhere, those accounts (5 failures each, under the account's 10) sign in.
    assert _sign_in(Client(), usernames[0], PASSWORD, address="198.51.100.20").status_code == 302


@override_settings(FIRSTLINE_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_trusted_proxy_the_resident_address_counts(world):
    client = Client()
    for n in range(50):
        client.post(
            "/login/",
            {"username": f"nobody{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    other = client.post(
        "/login/",
        {"username": "volunteer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302


def test_what_was_typed_as_a_username_is_not_stored_in_clear(world):
    client = Client()
    _sign_in(client, CLEAR_ID, "x")
    _sign_in(client, "staff", "x")
    stored = list(AccessAttempt.objects.values("username", "post_data", "get_data"))
    assert CLEAR_ID not in str(stored) and "staff" not in str(stored)
    assert [row["username"][:2] for row in stored] == ["u:", "u:"]


def test_staff_unlock_an_account_of_their_area_on_the_team_page(world):
    for n in range(10):
        _sign_in(Client(), "volunteer", f"guess-{n}")
    manager = Client()
    manager.force_login(world.staff)
    page = manager.get("/team/").content.decode()
    assert 'data-testid="locked-accounts"' in page and "volunteer" in page
    answer = manager.post(f"/team/users/{world.volunteer.pk}/unlock/")
    assert answer.status_code == 302
    assert AccessAttempt.objects.count() == 0
    entry = AuditEntry.objects.get(action="user.unlock")
    assert (entry.actor, entry.target_id, entry.area_path, entry.changes) == (
        world.staff,
        str(world.volunteer.pk),
        world.p1.path,
        {"user": world.volunteer.pk, "failures": 10},
    )
    assert _sign_in(Client(), "volunteer", PASSWORD).status_code == 302
    assert 'data-testid="locked-accounts"' not in manager.get("/team/").content.decode()


def test_an_account_outside_ones_area_cannot_be_unlocked(world):
    for n in range(10):
        _sign_in(Client(), "outsider", f"guess-{n}")
    manager = Client()
    manager.force_login(world.staff)
    assert "outsider" not in manager.get("/team/").content.decode()
    assert manager.post(f"/team/users/{world.outsider.pk}/unlock/").status_code == 404
    assert AccessAttempt.objects.get().failures_since_start == 10
    assert not AuditEntry.objects.filter(action="user.unlock").exists()
    leader = Client()
    leader.force_login(world.leader)
    assert leader.post(f"/team/users/{world.volunteer.pk}/unlock/").status_code == 404
