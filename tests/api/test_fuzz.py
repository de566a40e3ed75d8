"""schemathesis fuzzes every operation of the committed OpenAPI schema (docs/openapi.json), as
community staff and as a building leader, on a world with a round, a point, residents and codes.

Every check schemathesis has runs (no server error, status codes, content types, headers and bodies
that conform to the schema, schema-violating input refused, authentication not ignored, undeclared
methods answered 405) except one: `positive_data_acceptance`, which expects every schema-valid
request to succeed, while business rules rightly refuse many (a door above a building's top floor,
a round that ends before it starts), each with a 422 that names the field.

The number of examples is bounded (FIRSTLINE_FUZZ_EXAMPLES, 25 by default) so that CI fuzzes every
operation in a few minutes; set it higher to fuzz harder by hand. A route added later is in the
committed schema (tests/api/test_openapi.py keeps it current), so it is fuzzed too.
"""

import os
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from firstline.accounts.services import api_token_create

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("FIRSTLINE_FUZZ_EXAMPLES", "25"))
# CI fuzzes the same examples every run (a red build is reproducible); FIRSTLINE_FUZZ_RANDOM=1 explores.
DERANDOMIZE = os.environ.get("FIRSTLINE_FUZZ_RANDOM", "") != "1"

schema = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.json")
schema.config.update(base_url="http://testserver")
schema.app = get_wsgi_application()

EXCLUDED = [positive_data_acceptance]


@pytest.fixture
def in_test_transaction():
    """Requests go through the real WSGI application, which closes the database connection when a
    request ends; inside a test that would close the test's own transaction (as Django's test
    client avoids too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world, residents, round_, point, settings, in_test_transaction):
    # schemathesis sends wrong tokens on purpose (ignored_auth): the guessing throttle must not
    # turn its later requests into 429s.
    settings.FIRSTLINE_TOKEN_FAILURE_LIMIT = 1_000_000
    return {
        who: api_token_create(acting_user=getattr(world, who), user=getattr(world, who), name="fuzz")[1]
        for who in ("staff", "leader")
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@pytest.mark.parametrize("who", ["staff", "leader"])
def test_every_operation_holds_under_fuzzing(case, who, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, excluded_checks=EXCLUDED)
