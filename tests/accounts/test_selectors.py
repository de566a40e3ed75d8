import pytest

from firstline.accounts.models import Grant
from firstline.accounts.roles import Perm
from firstline.accounts.scope import work_scope
from firstline.accounts.selectors import (
    api_token_get,
    api_tokens_of,
    audit_entries,
    grant_get,
    grants_managed_by,
    team_of,
)
from firstline.accounts.services import api_token_create, api_token_revoke
from firstline.common.errors import NotFound
from firstline.people.selectors import duplicate_queue, ledger_search
from firstline.registration.selectors import review_queue


def test_tokens_of_a_user_leave_out_the_revoked(world):
    kept, _key = api_token_create(acting_user=world.leader, user=world.leader, name="phone")
    gone, _key = api_token_create(acting_user=world.leader, user=world.leader, name="laptop")
    api_token_create(acting_user=world.staff, user=world.staff, name="staff's")
    api_token_revoke(acting_user=world.leader, token=gone)
    assert list(api_tokens_of(user=world.leader)) == [kept]
    assert list(api_tokens_of(user=world.leader, include_revoked=True)) == [gone, kept]


def test_grants_managed_by_stay_inside_the_managers_subtree(world):
    def seen(user):
        return [(g.user.username, g.role, g.area.name) for g in grants_managed_by(user=user)]

    assert seen(world.staff) == [
        ("staff", "community_staff", "C1社区"),
        ("volunteer", "volunteer", "P1小区"),
        ("leader", "building_leader", "1号楼"),
        ("resident", "resident", "101"),
        ("leader", "building_leader", "2号楼"),
    ]
    assert seen(world.outsider) == [("outsider", "community_staff", "C2社区")]
    assert seen(world.leader) == []
    assert len(seen(world.coordinator)) == Grant.objects.count()


def test_a_page_of_one_kind_of_work_does_not_exist_for_whom_has_none_of_it(world):
    """`work_scope` and the selectors behind such pages: NotFound for a role without that work
    anywhere, the roots of the work for the others."""
    assert work_scope(world.staff, Perm.USER_MANAGE) == [world.c1.path]
    for user, page in (
        (world.leader, team_of),
        (world.leader, audit_entries),
        (world.leader, duplicate_queue),
        (world.volunteer, review_queue),
        (world.lab, lambda user: ledger_search(user=user, query="王")),
    ):
        with pytest.raises(NotFound):
            page(user=user)
    assert team_of(user=world.staff).grants == list(grants_managed_by(user=world.staff))
    assert list(duplicate_queue(user=world.staff)) == []
    assert review_queue(user=world.staff).pending == []
    assert ledger_search(user=world.leader, query="").kind == "empty"


def test_one_grant_or_token_by_id_inside_what_one_manages_or_owns(world):
    volunteer_grant = Grant.objects.get(user=world.volunteer)
    assert grant_get(user=world.staff, pk=volunteer_grant.pk) == volunteer_grant
    with pytest.raises(NotFound):
        grant_get(user=world.outsider, pk=volunteer_grant.pk)
    token, _key = api_token_create(acting_user=world.leader, user=world.leader, name="phone")
    assert api_token_get(user=world.leader, pk=token.pk) == token
    for user, pk in ((world.staff, token.pk), (world.leader, "x")):
        with pytest.raises(NotFound):
            api_token_get(user=user, pk=pk)
