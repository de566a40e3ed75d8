"""The query-count helper: exact counts, limits, comparisons with an earlier run, and what a failure says."""

import pytest

from firstline.areas.models import Area
from tests.queries import assert_queries, at_most_queries, queries

pytestmark = pytest.mark.django_db


def _two_queries():
    list(Area.objects.filter(name="甲"))
    Area.objects.filter(name="乙").count()


def test_the_count_of_a_block():
    with queries() as counted:
        _two_queries()
    assert len(counted) == 2 and 'WHERE "areas_area"."name" = ' in counted.statements[0]
    with assert_queries(2):
        _two_queries()
    with assert_queries(counted):
        _two_queries()
    with at_most_queries(2):
        _two_queries()


def test_a_wrong_count_lists_the_statements_numbered():
    with pytest.raises(AssertionError) as caught, assert_queries(1):
        _two_queries()
    message = str(caught.value)
    assert message.startswith("Expected 1 queries, 2 ran:\n  1. SELECT ")
    assert "\n  2. SELECT COUNT(*)" in message


def test_more_than_an_earlier_run_lists_both():
    with queries() as earlier:
        Area.objects.count()
    with pytest.raises(AssertionError) as caught, assert_queries(earlier):
        _two_queries()
    assert "Expected 1 queries, 2 ran:" in str(caught.value)
    assert "The earlier run's 1:\n  1. SELECT COUNT(*)" in str(caught.value)


def test_over_a_limit_fails():
    with pytest.raises(AssertionError) as caught, at_most_queries(1):
        _two_queries()
    assert str(caught.value).startswith("Expected at most 1 queries, 2 ran:")
