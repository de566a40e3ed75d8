"""API: the caller's own notices (GET /notices) and marking them read (POST /notices/read)."""

import pytest

from firstline.areas.models import Area
from firstline.followups.services import antigen_report
from firstline.notices.models import NoticeDelivery
from firstline.testing.coverage import services
from tests.conftest import household
from tests.queries import assert_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_notices(world, round_, point):
    """A call-down of 1号楼 Unit 1, then a positive antigen self-test at 1号楼 Unit 1 101."""
    services.call_down_issue(
        acting_user=world.staff,
        round=round_,
        point=point,
        stairwells=[Area.objects.get(parent=world.b1, name="Unit 1")],
        people_expected=12,
    )
    antigen_report(
        acting_user=world.resident,
        household=household(world.b1, "101"),
        result="positive",
        client_key="resident-form-0001",
    )


def _reads():
    return list(NoticeDelivery.objects.order_by("pk").values_list("user__username", "read_at"))


def test_read_ones_notices_and_mark_them_read(api, world, two_notices):
    api.get(world.leader, "/notices")
    with assert_queries(2):  # token, the page (deliveries with their notices and areas)
        inbox = api.get(world.leader, "/notices").json()
    with assert_queries(2):
        assert api.get(world.leader, "/notices", limit=1).json()["next_offset"] == 1
    assert [(n["kind"], n["title"], n["area_name"], n["read_at"]) for n in inbox["items"]] == [
        ("antigen_positive", "Positive at 1号楼 Unit 1 101", "101", None),
        (
            "call_down",
            "[Testing] Residents of 1号楼 Unit 1: please come down now to 东门采样点 (东门广场) for your "
            "test.",
            "P1小区",
            None,
        ),
    ]
    newest = inbox["items"][0]["id"]
    assert api.post(world.leader, "/notices/read", {"ids": [newest]}).json() == {"marked": 1}
    assert api.post(world.leader, "/notices/read", {"ids": [newest]}).json() == {"marked": 0}
    unread = api.get(world.leader, "/notices", unread="true").json()
    assert [n["kind"] for n in unread["items"]] == ["call_down"]


def test_faults_are_named_and_nobody_marks_anothers_notices(api, world, two_notices):
    before = _reads()
    bad = api.post(world.leader, "/notices/read", {"ids": "all"})
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["ids"])
    ids = list(NoticeDelivery.objects.filter(user=world.leader).values_list("notice_id", flat=True))
    assert api.post(world.outsider, "/notices/read", {"ids": ids}).json() == {"marked": 0}
    assert api.get(world.outsider, "/notices").json()["items"] == []
    assert _reads() == before
