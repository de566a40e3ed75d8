"""Who the API lets in: bearer tokens (made by the owner or the command line), and the browser session."""

import io

from django.core.management import call_command
from django.test import Client

from firstline.accounts.models import ApiToken
from firstline.accounts.services import api_token_revoke
from firstline.common.models import AuditEntry


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
    assert list(AuditEntry.objects.filter(target_type="accounts.apitoken").values_list("action", flat=True)
                .order_by("id")) == ["api_token.create", "api_token.revoke"]


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
    refused = client.post(f"/api/v1/areas/{world.b1.pk}/risk", {"status": "sealed", "reason": "case"},
                          content_type="application/json")
    assert refused.status_code == 403
    assert AuditEntry.objects.count() == before
    client.get("/login/")  # sets the CSRF cookie
    accepted = client.post(
        f"/api/v1/areas/{world.b1.pk}/risk", {"status": "sealed", "reason": "case"},
        content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 200
    assert accepted.json()["risk_status"] == "sealed"


def test_the_api_token_command_prints_a_working_key(world):
    out = io.StringIO()
    call_command("api_token", "volunteer", "--name", "district dashboard", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.volunteer)
    assert (token.name, token.prefix, token.key_hash) == ("district dashboard", key[:8], ApiToken.hash_key(key))
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor is None and entry.changes == {"user": world.volunteer.pk, "name": "district dashboard",
                                                     "prefix": key[:8]}
    answer = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert [area["name"] for area in answer.json()] == ["P1小区"]


def test_openapi_and_docs_are_served(db):
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "firstline API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/api/v1/openapi.json" in docs.content
