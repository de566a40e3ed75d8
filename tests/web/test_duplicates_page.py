"""The possible-duplicates page: the open pairs of the user's areas, from the stored pairs (never a
pass over the whole ledger), paged by 50, at a constant number of queries."""

from itertools import combinations

import pytest

from firstline.people.models import DuplicateCandidate, DuplicateStatus
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.queries import assert_queries, queries

pytestmark = pytest.mark.django_db


def _people(world, building, n: int, prefix: str, staff):
    return [
        PersonFactory(
            acting_user=staff, household=household(building, "101"), name=f"{prefix}{i}", name_only=True
        )
        for i in range(n)
    ]


def _pair(a, b, **fields):
    return DuplicateCandidate.objects.create(person=a, other=b, reason="同名同电话", **fields)


def test_only_open_pairs_of_live_records_inside_the_areas(client, world):
    ours = _people(world, world.b1, 4, "甲", world.staff)
    theirs = _people(world, world.b9, 2, "乙", world.outsider)
    shown = _pair(ours[0], ours[1])
    _pair(ours[2], ours[3], status=DuplicateStatus.DISMISSED)
    _pair(theirs[0], theirs[1])
    _pair(ours[0], theirs[0])  # one record outside the staff's areas: not theirs to merge
    client.force_login(world.staff)
    page = client.get("/people/duplicates/").content.decode()
    assert page.count('class="card dup"') == 1 and f"/people/duplicates/{shown.pk}/" in page
    ours[1].merged_into = ours[2]
    ours[1].save(update_fields=["merged_into"])
    assert 'class="card dup"' not in client.get("/people/duplicates/").content.decode()


def test_pages_of_fifty_at_the_same_cost_for_one_pair_or_many(client, world):
    people = _people(world, world.b1, 11, "丙", world.staff)
    pairs = list(combinations(people, 2))  # 55
    _pair(*pairs[0])
    client.force_login(world.staff)
    with queries() as one:
        assert client.get("/people/duplicates/").status_code == 200
    for a, b in pairs[1:]:
        _pair(a, b)
    with assert_queries(one):
        first = client.get("/people/duplicates/").content.decode()
    assert first.count('class="card dup"') == 50 and 'rel="next"' in first
    second = client.get("/people/duplicates/", {"page": 2}).content.decode()
    assert second.count('class="card dup"') == 5 and 'rel="next"' not in second
