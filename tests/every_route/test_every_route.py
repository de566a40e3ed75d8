"""Every page and every API operation, called by every role with records inside and outside its
areas: the answer must be the one written in `expected.py`, and a refused call changes nothing.

A route nobody listed fails here: the URL patterns of the site and the operations of the API are
enumerated, and each must have its rows (a page: GET and POST; an operation: its method) in
`expected.py`, with a way to call it in `routes.py`. So a route added later cannot go out without
someone writing down who may use it, and the answers for each role are checked on every run.
"""

import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from firstline.accounts.services import api_token_create
from firstline.api.root import api
from firstline.common.models import AuditEntry
from tests.every_route.expected import EXPECTED, ROLES
from tests.every_route.routes import API_CALLS, WEB_PATHS, WEB_POSTS
from tests.every_route.world import build_sides

pytestmark = pytest.mark.django_db

REFUSALS = {"401", "403", "404", "302L"}


def _web_routes() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                if inner == "api":
                    continue  # the API's operations are listed from its schema
                yield from walk(pattern.url_patterns, inner or "")
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    continue  # the API's catch-all (root.not_found), answered in JSON for any method
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def _api_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items() for method in item
    }


def test_every_route_is_in_the_matrix():
    web = _web_routes()
    assert sorted(web - set(WEB_PATHS)) == [], "pages with no way to call them in routes.py"
    assert sorted(set(WEB_PATHS) - web) == [], "routes.py names pages that do not exist"
    operations = _api_operations()
    assert sorted(operations - set(API_CALLS)) == [], "API operations with no way to call them in routes.py"
    assert sorted(set(API_CALLS) - operations) == [], "routes.py names API operations that do not exist"
    rows = {f"{name} {method}" for name in web for method in ("GET", "POST")} | {
        f"{m} {p}" for m, p in operations
    }
    assert sorted(rows - set(EXPECTED)) == [], "routes with no row of expected answers"
    assert sorted(set(EXPECTED) - rows) == [], "expected answers for routes that do not exist"


def _answer(response) -> str:
    if response.status_code == 302 and "/login/" in response.get("Location", ""):
        return "302L"
    return str(response.status_code)


def _call_page(client, name: str, method: str, side):
    path = WEB_PATHS[name](side)
    if method == "GET":
        return client.get(path)
    return client.post(path, WEB_POSTS[name](side) if name in WEB_POSTS else {})


def _call_api(client, method: str, template: str, side, key: str | None):
    path, body = API_CALLS[(method, template)](side)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if body is not None and any(hasattr(value, "read") for value in body.values()):
        return client.post(path, body, **headers)  # a multipart upload
    if method == "GET":
        return client.get(path, **headers)
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json", **headers)


def test_every_route_answers_each_role_as_written_and_refusals_change_nothing(world, settings):
    settings.FIRSTLINE_TOKEN_FAILURE_LIMIT = 1_000_000  # anonymous calls are not a guessing attack here
    sides = build_sides(world)
    keys = {
        role: api_token_create(acting_user=getattr(world, role), user=getattr(world, role), name="matrix")[1]
        for role in ROLES
        if role != "anonymous"
    }
    wrong = []
    for row, expected in EXPECTED.items():
        first, rest = row.split(" ", 1)
        for role in ROLES:
            for where in ("in", "out"):
                want = expected[f"{role}:{where}"]
                with transaction.atomic():
                    client = Client()  # a fresh one each time: one call may sign out, another may lock
                    if role != "anonymous":
                        client.force_login(getattr(world, role))
                    audited = AuditEntry.objects.count()
                    if first in ("GET", "POST", "PATCH", "PUT", "DELETE"):
                        response = _call_api(client, first, rest, sides[where], keys.get(role))
                    else:
                        response = _call_page(client, first, rest, sides[where])
                    got = _answer(response)
                    changed = AuditEntry.objects.count() != audited
                    transaction.set_rollback(True)
                if got != want:
                    wrong.append(f"{row} as {role} ({where}): {got}, expected {want}")
                elif got in REFUSALS and changed:
                    wrong.append(f"{row} as {role} ({where}): refused with {got} but wrote an audit row")
    assert wrong == []
