"""API: exemptions of a round (GET/POST /testing/rounds/{id}/exemptions, DELETE /testing/exemptions/{id})."""

import pytest

from firstline.common.models import AuditEntry
from firstline.testing.coverage import services
from firstline.testing.models import Exemption
from tests.queries import assert_queries

pytestmark = pytest.mark.django_db


def _exemptions():
    return list(Exemption.objects.order_by("pk").values_list("person_id", "reason", "note"))


def test_record_change_list_and_remove_an_exemption(api, world, residents, round_):
    person = residents.b1[0]
    answer = api.post(
        world.leader,
        f"/testing/rounds/{round_.pk}/exemptions",
        {"person_id": person.pk, "reason": "hospital"},
    )
    assert answer.status_code == 201, answer.content
    body = dict(answer.json())
    exemption_id, _created_at = body.pop("id"), body.pop("created_at")
    assert body == {
        "round_id": round_.pk,
        "person_id": person.pk,
        "name": "居民11甲",
        "reason": "hospital",
        "note": "",
        "created_by": "leader",
    }
    again = api.post(
        world.leader,
        f"/testing/rounds/{round_.pk}/exemptions",
        {"person_id": person.pk, "reason": "away", "note": "在外地出差"},
    ).json()
    assert (again["id"], again["reason"], again["note"]) == (exemption_id, "away", "在外地出差")
    listed = api.get(world.leader, f"/testing/rounds/{round_.pk}/exemptions", area=world.b1.pk).json()
    assert ([(e["name"], e["reason"]) for e in listed["items"]], listed["next_offset"]) == (
        [("居民11甲", "away")],
        None,
    )
    assert (
        api.get(world.staff, f"/testing/rounds/{round_.pk}/exemptions").json()["items"][0]["id"]
        == exemption_id
    )
    removed = api.call(world.leader, "delete", f"/testing/exemptions/{exemption_id}")
    assert removed.status_code == 204
    assert _exemptions() == []
    assert list(
        AuditEntry.objects.filter(action__startswith="testing.exemption")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["testing.exemption.create", "testing.exemption.update", "testing.exemption.remove"]


def test_the_list_pages_in_a_fixed_number_of_queries(api, world, residents, round_):
    for person in residents.b1[:3]:
        services.exemption_set(acting_user=world.staff, round=round_, person=person, reason="away")
    url = f"/testing/rounds/{round_.pk}/exemptions"
    api.get(world.staff, url, area=world.p1.pk)
    with assert_queries(6):  # token, grants, round, area, scope of the round, the page
        first = api.get(world.staff, url, area=world.p1.pk, limit=1).json()
    with assert_queries(6):
        every = api.get(world.staff, url, area=world.p1.pk, limit=500).json()
    assert ([e["name"] for e in first["items"]], first["next_offset"]) == (["居民11甲"], 1)
    assert [e["name"] for e in every["items"]] == ["居民11甲", "居民11乙", "居民12甲"]


def test_faults_are_named_and_change_nothing(api, world, residents, round_):
    services.exemption_set(acting_user=world.staff, round=round_, person=residents.b1[1], reason="infant")
    before = _exemptions()
    url = f"/testing/rounds/{round_.pk}/exemptions"
    other = api.post(world.leader, url, {"person_id": residents.b1[0].pk, "reason": "other"})
    assert (other.status_code, other.json()["errors"]) == (422, {"note": ["Say what the other reason is."]})
    unknown = api.post(world.leader, url, {"person_id": residents.b1[0].pk, "reason": "vacation"})
    assert (unknown.status_code, list(unknown.json()["errors"])) == (422, ["reason"])
    volunteer = api.post(world.volunteer, url, {"person_id": residents.b1[0].pk, "reason": "away"})
    assert (volunteer.status_code, volunteer.json()["code"]) == (403, "testing.exempt")
    exemption = Exemption.objects.get()
    assert api.call(world.volunteer, "delete", f"/testing/exemptions/{exemption.pk}").status_code == 403
    assert _exemptions() == before


def test_another_communitys_staff_get_404_and_change_nothing(api, world, residents, round_):
    exemption = services.exemption_set(
        acting_user=world.staff, round=round_, person=residents.b1[1], reason="infant"
    )
    before = _exemptions()
    url = f"/testing/rounds/{round_.pk}/exemptions"
    assert (
        api.post(world.outsider, url, {"person_id": residents.b1[0].pk, "reason": "away"}).status_code == 404
    )
    assert api.get(world.outsider, url).status_code == 404
    assert api.call(world.outsider, "delete", f"/testing/exemptions/{exemption.pk}").status_code == 404
    # A leader may not exempt someone outside their buildings: the person is not even found.
    outside = api.post(world.leader, url, {"person_id": residents.outside.pk, "reason": "away"})
    assert outside.status_code == 404
    assert _exemptions() == before
