"""API: a round's detail and corrections (PATCH /testing/rounds/{id})."""

import datetime as dt

import pytest

from firstline.common.models import AuditEntry
from firstline.testing.models import Round, RoundArea

pytestmark = pytest.mark.django_db


def _state(round_id):
    round = Round.objects.get(pk=round_id)
    areas = sorted(RoundArea.objects.filter(round=round).values_list("area_id", flat=True))
    return (round.name, round.date.isoformat(), round.starts_at, round.ends_at, round.note, areas)


def test_the_detail_names_the_rounds_areas(api, world, round_):
    body = api.get(world.leader, f"/testing/rounds/{round_.pk}").json()
    assert (body["name"], body["status"], body["area_id"]) == ("第一轮全员核酸", "open", world.c1.pk)
    assert body["scope"] == [{"id": world.p1.pk, "kind": "compound", "name": "P1小区"}]


def test_patch_changes_only_the_fields_sent_and_is_audited(api, world, round_):
    answer = api.patch(
        world.staff,
        f"/testing/rounds/{round_.pk}",
        {
            "name": " 第一轮（补采） ",
            "starts_at": "2022-04-04T06:00:00+08:00",
            "ends_at": "2022-04-04T12:00:00+08:00",
            "scope": [world.b1.pk, world.b2.pk],
        },
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["name"], body["date"], body["note"]) == ("第一轮（补采）", "2022-04-04", "")
    window = [dt.datetime.fromisoformat(body[k].replace("Z", "+00:00")) for k in ("starts_at", "ends_at")]
    assert window == [dt.datetime(2022, 4, 3, 22, tzinfo=dt.UTC), dt.datetime(2022, 4, 4, 4, tzinfo=dt.UTC)]
    assert [a["name"] for a in body["scope"]] == ["1号楼", "2号楼"]
    entry = AuditEntry.objects.get(action="testing.round.update")
    assert (entry.actor, sorted(entry.changes)) == (world.staff, ["ends_at", "name", "scope", "starts_at"])
    assert entry.changes["name"] == ["第一轮全员核酸", "第一轮（补采）"]
    # Clearing the window, and a field left out stays as it was.
    cleared = api.patch(
        world.staff, f"/testing/rounds/{round_.pk}", {"starts_at": None, "ends_at": None}
    ).json()
    assert (cleared["starts_at"], cleared["ends_at"], cleared["name"]) == (None, None, "第一轮（补采）")


def test_faults_are_named_and_change_nothing(api, world, round_):
    before = _state(round_.pk)
    no_name = api.patch(world.staff, f"/testing/rounds/{round_.pk}", {"name": "  "})
    assert (no_name.status_code, no_name.json()["errors"]) == (422, {"name": ["The name is missing."]})
    backwards = api.patch(
        world.staff,
        f"/testing/rounds/{round_.pk}",
        {"starts_at": "2022-04-04T12:00:00+08:00", "ends_at": "2022-04-04T06:00:00+08:00"},
    )
    assert (backwards.status_code, backwards.json()["errors"]) == (
        422,
        {"ends_at": ["The round must end after it starts."]},
    )
    # The coordinator sees 9号楼, but it is not inside the round's community.
    outside = api.patch(world.coordinator, f"/testing/rounds/{round_.pk}", {"scope": [world.b9.pk]})
    assert (outside.status_code, outside.json()["errors"]) == (
        422,
        {"scope": ["9号楼 is not inside C1社区."]},
    )
    null_date = api.patch(world.staff, f"/testing/rounds/{round_.pk}", {"date": None})
    assert (null_date.status_code, list(null_date.json()["errors"])) == (422, ["date"])
    assert _state(round_.pk) == before
    assert AuditEntry.objects.filter(action="testing.round.update").count() == 0


def test_only_managers_of_the_round_may_correct_it(api, world, round_):
    before = _state(round_.pk)
    hidden = api.patch(world.outsider, f"/testing/rounds/{round_.pk}", {"name": "改名"})
    assert hidden.status_code == 404
    assert api.get(world.outsider, f"/testing/rounds/{round_.pk}").status_code == 404
    leader = api.patch(world.leader, f"/testing/rounds/{round_.pk}", {"name": "改名"})
    assert (leader.status_code, leader.json()["code"]) == (403, "testing.manage")
    assert api.get(world.lab, f"/testing/rounds/{round_.pk}").status_code == 404
    assert _state(round_.pk) == before
