"""Helpers for the API tests: a bearer-token client per test user."""

import json

import pytest
from django.test import Client

from firstline.accounts.services import api_token_create
from tests.conftest import household
from tests.factories.people import PersonFactory

CLEAR_ID = "11010519491231002X"


class ApiClient:
    """Calls /api/v1/ as a user, with a bearer token made for that user on first use."""

    def __init__(self):
        self.client = Client()
        self.keys: dict[int, str] = {}

    def key_for(self, user) -> str:
        if user.pk not in self.keys:
            _token, self.keys[user.pk] = api_token_create(acting_user=user, user=user, name="tests")
        return self.keys[user.pk]

    def call(self, user, method: str, path: str, body: dict | None = None, **query):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.key_for(user)}"} if user is not None else {}
        url = "/api/v1" + path
        if method == "get":
            return self.client.get(url, query, **headers)
        return getattr(self.client, method)(
            url, data=json.dumps(body or {}), content_type="application/json", **headers
        )

    def get(self, user, path, **query):
        return self.call(user, "get", path, **query)

    def post(self, user, path, body=None):
        return self.call(user, "post", path, body)

    def patch(self, user, path, body=None):
        return self.call(user, "patch", path, body)

    def put(self, user, path, body=None):
        return self.call(user, "put", path, body)


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient()


@pytest.fixture
def wang(world):
    """王芳, head of b1 Unit 2 door 501, with a resident ID number and a phone."""
    return PersonFactory(
        acting_user=world.staff,
        household=household(world.b1, "501", "Unit 2"),
        name="王芳",
        id_number=CLEAR_ID,
        phone="13800138000",
        relation="户主",
        vulnerabilities="独居老人",
    )
