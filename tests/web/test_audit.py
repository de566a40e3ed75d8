import re
from pathlib import Path

import pytest
from django.utils import translation

from firstline.common.models import AuditEntry
from firstline.people import services
from firstline.web.audit_words import SENTENCES, sentences
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.queries import assert_queries, queries
from tests.web import audit_changes

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"
SRC = Path(__file__).resolve().parents[2] / "src" / "firstline"


def test_staff_read_reveals_in_their_community_only(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="王小芳", id_number=ID, phone=None
    )
    services.person_reveal_id(acting_user=world.staff, person=person, reason="核对")
    other = PersonFactory(
        acting_user=world.outsider, household=household(world.b9, "101"), name="乙", name_only=True
    )
    services.person_update(acting_user=world.outsider, person=other, data={"phone": "13800138000"})
    client.force_login(world.staff)
    page = client.get("/audit/", {"action": "reveal"}).content.decode()
    assert page.count('data-action="person.reveal_id"') == 1 and page.count("<tr data-action") == 1
    assert "staff revealed the ID number of 王*芳 at 1号楼 Unit 1 101" in page and "Reason: 核对" in page
    assert ID not in page and "王小芳" not in page and "None" not in page and "person.reveal_id<" not in page
    everything = client.get("/audit/").content.decode()
    assert "person.update" not in everything  # the outsider's change in C2 is not C1's business
    client.force_login(world.outsider)
    page = client.get("/audit/").content.decode()
    assert page.count('data-action="person.') == 2
    assert "outsider corrected the details of 乙 at 9号楼 Unit 1 101" in page and "Changed: phone" in page
    assert "13800138000" not in page


def test_the_sentence_is_in_the_language_of_the_page(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="王芳", id_number=ID, phone=None
    )
    services.person_reveal_id(acting_user=world.staff, person=person, reason="核对")
    client.force_login(world.staff)
    try:
        page = client.get("/audit/", {"action": "reveal"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    finally:
        translation.activate("en")  # the request leaves its language active in this thread
    assert "staff 查看了 1号楼Unit 1101 王* 的证件号码" in page


def test_filters_by_who_and_by_days(client, world):
    PersonFactory(acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True)
    PersonFactory(
        acting_user=world.coordinator, household=household(world.b1, "102"), name="乙", name_only=True
    )
    AuditEntry.objects.filter(actor=world.coordinator).update(created_at="2022-04-01T09:00:00+08:00")
    client.force_login(world.staff)
    assert client.get("/audit/", {"actor": "staff"}).content.decode().count("<tr data-action") == 1
    old = client.get("/audit/", {"since": "2022-04-01", "until": "2022-04-01"}).content.decode()
    assert old.count("<tr data-action") == 1 and "coordinator registered 乙" in old
    assert "Nothing recorded that matches" in client.get("/audit/", {"actor": "nobody"}).content.decode()


def test_pages_of_fifty_without_counting_the_trail(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=world.staff,
            action="person.reveal_id",
            target_type="people.person",
            target_id=str(person.pk),
            area_path=person.residences.get().household.path,
            changes={"reason": "核对"},
        )
        for _ in range(55)
    )
    client.force_login(world.staff)
    first = client.get("/audit/", {"action": "reveal"}).content.decode()
    assert (
        first.count("<tr data-action") == 50 and 'rel="next"' in first and "action=reveal&amp;page=2" in first
    )
    second = client.get("/audit/", {"action": "reveal", "page": 2}).content.decode()
    assert second.count("<tr data-action") == 5 and 'rel="next"' not in second and 'rel="prev"' in second


def test_leaders_have_no_audit_page(client, world):
    client.force_login(world.leader)
    assert client.get("/audit/").status_code == 404


def test_audit_page_costs_the_same_queries_for_more_entries(client, world):
    client.force_login(world.staff)
    PersonFactory(acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True)
    with queries() as few:
        client.get("/audit/")
    for i in range(10):
        person = PersonFactory(
            acting_user=world.staff, household=household(world.b1, "102"), name=f"乙{i}", name_only=True
        )
        services.person_reveal_id(acting_user=world.staff, person=person, reason="核对")
    with assert_queries(few):
        client.get("/audit/")


def _recorded_actions() -> set[str]:
    """Every action a service records, read from the source."""
    actions = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit_record(" not in text and "audit_entry(" not in text:
            continue
        actions |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', text))
        for template in re.findall(r"action=f\"testing\.round\.\{'(\w+)' if .* else '(\w+)'\}\"", text):
            actions |= {f"testing.round.{word}" for word in template}
    return actions - {"store_true"}


def test_every_recorded_action_has_a_sentence_of_its_own():
    recorded = _recorded_actions()
    assert len(recorded) > 50 and "testing.round.open" in recorded and "person.reveal_id" in recorded
    assert sorted(recorded - set(SENTENCES)) == []


# What the services write into `changes`, action by action (the shapes of the audit_record calls).
CHANGES = {
    "person.reveal_id": {"id_number": "1101**********002X", "reason": "核对"},
    "person.reveal_phone": {"phone": "138****8000", "reason": ""},
    "person.register": {
        "name": "王小芳",
        "household": 1,
        "id_number": None,
        "source": "manual",
        "possible_duplicates": [],
    },
    "person.id_number_held": {"other": 2, "id_number": "1101**********002X", "household": 1},
    "person.update": {"phone": ["13800138000", "13900139000"], "name": ["王小芳", "王晓芳"]},
    "person.vulnerabilities": {"vulnerabilities": [[], ["elderly"]]},
    "person.merge": {"merged": 3, "references_moved": 2, "references_left": 0, "filled": []},
    "duplicate.dismiss": {"person": 1, "other": 2},
    "residence.move": {"household": [None, 1], "date": "2022-04-05"},
    "residence.end": {"household": 1, "date": "2022-04-05", "reason": ""},
    "visit.record": {"outcome": "not_home", "channel": "door"},
    "ledger.export": {"rows": 120, "unmasked": False},
    "import.upload": {"file": "居民.xlsx", "rows": 300, "mode": "add"},
    "import.start": {"mapping": {"0": "name"}},
    "import.refused": {"rejected_rows": 3},
    "import.done": {"people": 297, "households_created": 0, "file": "居民.xlsx"},
    "registration.accept": {"people": [1, 2], "linked_existing": []},
    "registration.reject": {"reason": "重复"},
    "registration.reject_many": {"submissions": [1, 2, 3], "reason": None},
    "code.issue": {"person": 1},
    "code.issue_family": {"members": [1, 2]},
    "code.revoke": {},
    "area.create": {"name": "1号楼", "kind": "building", "parent": 4},
    "area.update": {"name": ["1号楼", "一号楼"]},
    "area.risk": {"risk_status": ["normal", "sealed"], "reason": "阳性"},
    "area.public_token": {},
    "building.layout": {"units": 2, "floors": 6, "doors_per_floor": 2},
    "village.layout": {"groups": 3, "houses_per_group": 20},
    "demo.load": {"households": 3876, "residents": 8498, "users": 11},
    "grant.create": {"user": None, "role": "volunteer", "area": 1},
    "grant.revoke": {"user": None, "role": "volunteer", "area": 1},
    "user.create": {"username": "new", "role": "volunteer", "area": 1, "phone": ""},
    "user.unlock": {"user": None, "failures": 5},
    "api_token.create": {"user": None, "name": "lab", "prefix": "ab12"},
    "api_token.revoke": {"user": None, "name": "lab", "prefix": "ab12"},
    "testing.round.create": {"name": "4月5日全员核酸", "date": "2022-04-05", "scope": [1]},
    "testing.round.update": {"name": ["a", "b"]},
    "testing.round.open": {"status": ["planned", "open"]},
    "testing.round.close": {"status": ["open", "closed"], "expected": 8058},
    "testing.pooling": {"rules": [{}, {"default": 10}]},
    "testing.point.create": {"name": "东门", "opens_at": "07:00:00", "closes_at": "11:30:00", "serves": []},
    "testing.point.update": {"desks": [2, 3]},
    "testing.scans": {"scans": 137, "stored": 137, "refused": 0, "samples": 137, "tubes_closed": 13},
    "testing.calldown": {"stairwells": [1, 2], "people": 87},
    "testing.exemption.create": {"reason": "away", "person": 1},
    "testing.exemption.update": {"reason": ["away", "hospital"], "note": ["", "住院"], "person": 1},
    "testing.exemption.remove": {"person": 1, "reason": "away"},
    "testing.export": {"samples": 5000, "unmasked": True, "area": 1},
    "testing.box.open": {"code": "BOX020016", "point": None},
    "testing.box.add": {"tubes": ["DQ1", "DQ2"], "closed": []},
    "testing.box.remove": {"tube": "DQ1"},
    "testing.box.pack": {"tubes": 50},
    "testing.box.pickup": {},
    "testing.box.receive": {"received": 20, "missing": ["DQ3"], "unexpected": []},
    "testing.results": {"source": "api", "upload": None, "negative": 95, "positive": 1, "invalid": 0},
    "testing.results.upload": {"file": "results.csv", "rows": 96, "refused": 0},
    "testing.positive": {"person": 1},
    "testing.pool_positive": {"people": [1, 2, 3], "resample_tasks": 3},
    "testing.antigen": {"result": "positive", "person": None},
    "testing.followup.close": {"note": "已复核"},
}
for _module in audit_changes.modules():  # the later apps' shapes, one module each
    assert not set(CHANGES) & set(_module.CHANGES), sorted(set(CHANGES) & set(_module.CHANGES))
    CHANGES.update(_module.CHANGES)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_action_reads_as_a_sentence_with_its_details_in_words(world, language):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="王小芳", name_only=True
    )
    door = household(world.b1, "101")
    assert set(CHANGES) == set(SENTENCES)
    entries = []
    for action, changes in CHANGES.items():
        changes = {k: (person.pk if k == "person" and v == 1 else v) for k, v in changes.items()}
        changes = {k: (world.leader.pk if k == "user" else v) for k, v in changes.items()}
        target = ("people.person", person.pk) if action.startswith(("person.", "residence.")) else ("x.y", 1)
        entries.append(
            AuditEntry(
                actor=world.staff,
                action=action,
                target_type=target[0],
                target_id=str(target[1]),
                area_path=door.path,
                changes=changes,
            )
        )
    with translation.override(language), assert_queries(3):
        lines = sentences(entries)
    for line in lines:
        text = " ".join([line.sentence, *line.details])
        for raw in ("None", "{", "[", "'", "王小芳", "13800138000", "_", "%("):
            assert raw not in text, (line.entry.action, text)
        assert line.entry.action not in text
        # Who: every sentence but those of the system's own work (an import's outcome, the demo).
        if line.entry.action not in ("import.refused", "import.done", "demo.load"):
            assert "staff" in text, (line.entry.action, text)
        # Where: every sentence but those about accounts or records, not places.
        placeless = ("duplicate.dismiss", "user.unlock", "api_token.create", "api_token.revoke")
        assert "101" in text or line.entry.action in (*placeless, "testing.results.upload"), text
    by_action = {line.entry.action: line for line in lines}
    assert "王*芳" in by_action["person.reveal_id"].sentence
    assert "leader" in by_action["grant.create"].sentence
    if language == "en":
        assert (
            by_action["person.reveal_id"].sentence
            == "staff revealed the ID number of 王*芳 at 1号楼 Unit 1 101"
        )
        assert by_action["testing.antigen"].sentence.endswith(
            "someone in the household at 1号楼 Unit 1 101: Positive"
        )
    else:
        assert by_action["person.reveal_id"].sentence == "staff 查看了 1号楼Unit 1101 王*芳 的证件号码"
