"""Who the API lets in: bearer tokens (made by the owner or the command line), and the browser session."""

import io

from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from firstline.accounts.models import ApiToken, ApiTokenFailure
from firstline.accounts.services import api_token_failure_record, api_token_revoke
from firstline.common.models import AuditEntry
from tests.queries import assert_queries


def test_a_bearer_token_acts_as_its_user(world, api):
    answer = api.get(world.staff, "/areas")
    assert answer.status_code == 200
    assert [area["name"] for area in answer.json()] == ["C1社区"]
    assert ApiToken.objects.get(user=world.staff).last_used_at is not None


def test_a_revoked_token_is_refused(world, api):
    assert api.get(world.staff, "/areas").status_code == 200
    token = ApiToken.objects.get(user=world.staff)
    api_token_revoke(acting_user=world.staff, token=token)
    answer = api.get(world.staff, "/areas")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Unauthorized"}
    assert list(
        AuditEntry.objects.filter(target_type="accounts.apitoken")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["api_token.create", "api_token.revoke"]


def test_no_or_unknown_credentials_are_refused(world):
    client = Client()
    assert client.get("/api/v1/areas").status_code == 401
    assert client.get("/api/v1/areas", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_an_inactive_users_token_is_refused(world, api):
    assert api.get(world.staff, "/areas").status_code == 200
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    assert api.get(world.staff, "/areas").status_code == 401


def test_the_browser_session_reads_and_writes_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    assert client.get(f"/api/v1/areas/{world.c1.pk}").json()["name"] == "C1社区"
    before = AuditEntry.objects.count()
    refused = client.post(
        f"/api/v1/areas/{world.b1.pk}/risk",
        {"status": "sealed", "reason": "case"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert AuditEntry.objects.count() == before
    client.get("/login/")  # sets the CSRF cookie
    accepted = client.post(
        f"/api/v1/areas/{world.b1.pk}/risk",
        {"status": "sealed", "reason": "case"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 200
    assert accepted.json()["risk_status"] == "sealed"


def test_the_api_token_command_prints_a_working_key(world):
    out = io.StringIO()
    call_command("api_token", "volunteer", "--name", "district dashboard", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.volunteer)
    assert (token.name, token.prefix, token.key_hash) == (
        "district dashboard",
        key[:8],
        ApiToken.hash_key(key),
    )
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor is None and entry.changes == {
        "user": world.volunteer.pk,
        "name": "district dashboard",
        "prefix": key[:8],
    }
    answer = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert [area["name"] for area in answer.json()] == ["P1小区"]


def test_openapi_and_docs_are_for_people_signed_in(world):
    client = Client()
    assert client.get("/api/v1/openapi.json")["Location"] == "/login/?next=/api/v1/openapi.json"
    assert client.get("/api/v1/docs")["Location"] == "/login/?next=/api/v1/docs"
    client.force_login(world.volunteer)
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "firstline API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/api/v1/openapi.json" in docs.content
    # Swagger UI from our own static files (the policy allows no CDN), its icons as data: images.
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content and b"cdn." not in docs.content
    assert "img-src 'self' data:" in docs["Content-Security-Policy"]


def _wrong_token(client, n: int, address: str = "203.0.113.7"):
    return client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer wrong-guess-{n}", REMOTE_ADDR=address)


@override_settings(FIRSTLINE_TOKEN_FAILURE_LIMIT=5)
def test_a_client_guessing_tokens_is_throttled_with_retry_after(world, api):
    client = Client()
    answers = [_wrong_token(client, n) for n in range(8)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 401, 429, 429, 429]
    refused = answers[-1]
    window = settings.FIRSTLINE_TOKEN_FAILURE_WINDOW.total_seconds()
    assert 1 <= int(refused["Retry-After"]) <= window
    assert refused.json() == {
        "detail": "Too many wrong API tokens from this address.",
        "code": "too_many_wrong_tokens",
        "retry_after": int(refused["Retry-After"]),
    }
    assert list(ApiTokenFailure.objects.values_list("client_address", "failures")) == [("203.0.113.7", 6)]
    # Another address is counted on its own; a valid token is taken even from the throttled one.
    assert _wrong_token(client, 9, address="198.51.100.20").status_code == 401
    key = api.key_for(world.staff)
    valid = client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="203.0.113.7")
    assert valid.status_code == 200


def test_a_valid_token_costs_no_query_for_the_throttle(world, api):
    key = api.key_for(world.staff)
    client = Client()
    assert client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200  # notes its use
    # The token with its user, the user's grants, the areas: nothing more.
    with assert_queries(3):
        assert client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert ApiTokenFailure.objects.count() == 0


@override_settings(FIRSTLINE_TOKEN_FAILURE_LIMIT=3, FIRSTLINE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(world):
    client = Client()

    def guess(forwarded_for: str):
        return client.get(
            "/api/v1/areas",
            HTTP_AUTHORIZATION="Bearer nope",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    assert [guess("198.51.100.1").status_code for _ in range(4)] == [401, 401, 401, 429]
    # A client behind the same proxy, and one that forges the header in front of it, are others.
    assert guess("198.51.100.2").status_code == 401
    assert guess("198.51.100.1, 198.51.100.3").status_code == 401
    assert sorted(ApiTokenFailure.objects.values_list("client_address", "failures")) == [
        ("198.51.100.1", 4),
        ("198.51.100.2", 1),
        ("198.51.100.3", 1),
    ]


def test_windows_that_ended_are_forgotten(world):
    earlier = timezone.now() - 2 * settings.FIRSTLINE_TOKEN_FAILURE_WINDOW
    assert api_token_failure_record(client_address="203.0.113.7", now=earlier) is None
    assert api_token_failure_record(client_address="203.0.113.8") is None
    assert list(ApiTokenFailure.objects.values_list("client_address", flat=True)) == ["203.0.113.8"]
