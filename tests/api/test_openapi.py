"""The committed docs/openapi.json is what the code generates now, and what the server serves."""

import json
from pathlib import Path

from django.test import Client

from firstline.demo.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_code():
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    assert committed == openapi_text(), (
        "docs/openapi.json is stale: the API changed but the committed schema did not. "
        "Run `make openapi` and commit docs/openapi.json."
    )


def test_the_served_schema_is_the_committed_one(world):
    client = Client()
    client.force_login(world.volunteer)  # the schema is for people signed in
    served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(openapi_text())


def test_no_schema_exposes_the_sealed_or_hashed_id_number():
    schemas = json.loads(openapi_text())["components"]["schemas"]
    fields = {name for schema in schemas.values() for name in schema.get("properties", {})}
    assert {"id_sealed", "id_hash"} & fields == set()
    assert [name for name, schema in schemas.items() if "id_number" in schema.get("properties", {})] == [
        "CorrectionIn",
        "PersonRegisterIn",
        "PersonUpdateIn",
        "RevealOut",
        "ScanItemIn",
    ]
