"""Headers every answer carries: the Content-Security-Policy, Permissions-Policy, no caching of
personal data; and the page templates need nothing the policy forbids."""

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "firstline" / "web" / "templates"

POLICY = (
    "default-src 'self'; connect-src 'self'; script-src 'self'; object-src 'none'; style-src 'self'; "
    "font-src 'self'; frame-src 'none'; img-src 'self'; manifest-src 'self'; media-src 'self'; base-uri "
    "'none'; "
    "form-action 'self'; frame-ancestors 'none'; worker-src 'self'"
)


def _directives(value: str) -> list[str]:
    return sorted(part.strip() for part in value.split(";"))


def test_a_page_carries_the_policy_and_is_not_stored(world):
    client = Client()
    client.force_login(world.staff)
    page = client.get(f"/areas/{world.c1.pk}/")
    assert page.status_code == 200
    assert _directives(page["Content-Security-Policy"]) == _directives(POLICY)
    assert page["Permissions-Policy"] == (
        "accelerometer=(), autoplay=(), camera=(self), clipboard-write=(self), display-capture=(), "
        "fullscreen=(self), "
        "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    )
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Frame-Options"] == "DENY"


def test_api_answers_and_the_sign_in_page_are_not_stored(world):
    client = Client()
    client.force_login(world.staff)
    assert "no-store" in client.get("/api/v1/areas")["Cache-Control"]
    assert "no-store" in client.get(f"/api/v1/areas/{world.b9.pk}")["Cache-Control"]  # a 404 too
    assert "no-store" in Client().get("/login/")["Cache-Control"]


def test_the_service_worker_keeps_its_own_caching(world):
    answer = Client().get("/testing/sw.js")
    assert answer["Cache-Control"] == "no-cache"


def test_no_template_needs_unsafe_inline():
    """No inline script (JSON data blocks aside), no on...= handler, no style attribute, no javascript:
    URL.
    """
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES))
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{name}: {tag}")
        offenders += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+=", text)]
        offenders += [f"{name}: {m}" for m in re.findall(r"\sstyle=", text)]
        offenders += [f"{name}: {m}" for m in re.findall(r"javascript:", text)]
    assert offenders == []
