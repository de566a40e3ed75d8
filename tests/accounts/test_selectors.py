from firstline.accounts.models import Grant
from firstline.accounts.selectors import api_tokens_of, grants_managed_by
from firstline.accounts.services import api_token_create, api_token_revoke


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
