"""API: the household ledger. ID numbers leave the server in clear only through the audited reveal."""

import pytest

from firstline.common.models import AuditEntry
from firstline.people.models import Person, Residence, Vulnerability
from tests.api.conftest import CLEAR_ID
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.queries import assert_queries


def register(api, user, door, **fields):
    return api.post(user, "/people", {"household_id": door.pk, **fields})


def test_register_cleans_the_raw_values_and_audits(world, api):
    door = household(world.b1, "502", "Unit 2")
    answer = register(
        api,
        world.leader,
        door,
        name=" 李 娜 ",
        id_number="11010519491231002x",
        phone="+86 139 0013 9000",
        relation="户主",
        vulnerabilities=[{"tag": "孕妇", "due_date": "2022-06-01"}],
        moved_in="2020-01-01",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["name"], body["id_masked"], body["phone"], body["sex"]) == (
        "李 娜",
        "110***********002X",
        "13900139000",
        "F",
    )
    assert (
        body["residences"][0]["household_id"] == door.pk and body["residences"][0]["moved_in"] == "2020-01-01"
    )
    assert body["vulnerabilities"] == [{"tag": "pregnant", "due_date": "2022-06-01", "note": ""}]
    assert CLEAR_ID not in answer.content.decode()
    entry = AuditEntry.objects.get(action="person.register")
    assert (entry.actor, entry.changes["id_number"]) == (world.leader, "110***********002X")


def test_faults_come_back_by_field(world, api):
    door = household(world.b1, "502", "Unit 2")
    answer = register(api, world.staff, door, name="", id_number="110105194912310021", phone="123")
    assert answer.status_code == 422
    body = answer.json()
    assert set(body["errors"]) == {"name", "id_number", "phone"}
    assert body["errors"]["id_number"] == [
        "The check digit is wrong: the last character should be X. Check the number for a typo."
    ]
    assert "110105194912310021" not in answer.content.decode()
    schema_fault = register(
        api, world.staff, door, name="甲", id_number=110105194912310021, birth_date="soon"
    )
    assert schema_fault.status_code == 422
    assert set(schema_fault.json()["errors"]) == {"id_number", "birth_date"}
    assert "110105194912310021" not in schema_fault.content.decode()
    assert Person.objects.count() == 0


def test_a_taken_id_number_is_a_conflict(world, api, wang):
    answer = register(api, world.staff, household(world.b2, "101"), name="假王芳", id_number=CLEAR_ID.lower())
    assert answer.status_code == 409
    assert answer.json()["code"] == "id_number_taken" and answer.json()["person_id"] == wang.pk
    assert CLEAR_ID not in answer.content.decode()
    # Someone who cannot see the existing record learns nothing about it: the record is registered as
    # for a new number, holding the number for review (tests/people/test_id_number_oracle.py).
    hidden = register(api, world.outsider, household(world.b9, "101"), name="假王芳", id_number=CLEAR_ID)
    assert hidden.status_code == 201 and "王芳" not in hidden.content.decode().replace("假王芳", "")


def test_the_clear_id_number_is_in_no_answer_but_the_reveal(world, api, wang):
    door = household(world.b1, "501", "Unit 2")
    answers = [
        api.get(world.staff, "/people/search", q="王芳"),
        api.post(world.staff, "/people/search", {"q": CLEAR_ID}),
        api.post(world.staff, "/people/search", {"q": "13800138000"}),
        api.get(world.staff, f"/people/{wang.pk}"),
        api.get(world.staff, f"/people/households/{door.pk}/members"),
        api.patch(world.staff, f"/people/{wang.pk}", {"note": "独居"}),
        api.get(world.staff, "/visits/vulnerable", area=world.c1.pk),
        api.get(world.staff, f"/areas/{world.b1.pk}/map"),
    ]
    assert [a.status_code for a in answers] == [200] * 8
    assert [a.json()["items"][0]["id"] for a in answers[:3]] == [wang.pk] * 3
    assert answers[1].json()["query_kind"] == "id_number"
    for answer in answers:
        text = answer.content.decode()
        assert CLEAR_ID not in text and CLEAR_ID.lower() not in text
    assert ["110***********002X" in a.content.decode() for a in answers] == [True] * 6 + [False] * 2
    revealed = api.post(world.staff, f"/people/{wang.pk}/reveal-id", {"reason": "核对身份"})
    assert (revealed.status_code, revealed.json()) == (200, {"id_number": CLEAR_ID})
    entry = AuditEntry.objects.get(action="person.reveal_id")
    assert (entry.actor, entry.changes) == (
        world.staff,
        {"id_number": "110***********002X", "reason": "核对身份"},
    )
    assert CLEAR_ID not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_leaders_may_not_reveal(world, api, wang):
    answer = api.post(world.leader, f"/people/{wang.pk}/reveal-id", {})
    assert answer.status_code == 403
    assert CLEAR_ID not in answer.content.decode()
    assert AuditEntry.objects.filter(action="person.reveal_id").count() == 0


def test_update_changes_only_the_fields_sent(world, api, wang):
    answer = api.patch(world.leader, f"/people/{wang.pk}", {"phone": "139 0013 9000", "vaccination": "两针"})
    assert answer.status_code == 200
    assert (answer.json()["phone"], answer.json()["vaccination"], answer.json()["id_masked"]) == (
        "13900139000",
        "two_doses",
        "110***********002X",
    )
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {"phone": ["13800138000", "13900139000"], "vaccination": ["unknown", "two_doses"]}
    bad = api.patch(world.leader, f"/people/{wang.pk}", {"sex": "M"})
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["sex"]


def test_set_vulnerabilities_replaces_the_list(world, api, wang):
    answer = api.put(
        world.leader,
        f"/people/{wang.pk}/vulnerabilities",
        {"vulnerabilities": [{"tag": "mobility_impaired"}, {"tag": "慢病", "note": "insulin"}]},
    )
    assert answer.status_code == 200
    assert sorted(Vulnerability.objects.filter(person=wang).values_list("tag", flat=True)) == [
        "chronic_medication",
        "mobility_impaired",
    ]
    assert AuditEntry.objects.get(action="person.vulnerabilities").changes == {
        "vulnerabilities": [["elderly_alone"], ["chronic_medication", "mobility_impaired"]]
    }
    bad = api.put(world.leader, f"/people/{wang.pk}/vulnerabilities", {"vulnerabilities": [{"tag": "vip"}]})
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["vulnerabilities"]


def test_move_and_end_residence(world, api, wang):
    target = household(world.b2, "301")
    moved = api.post(
        world.leader,
        f"/people/{wang.pk}/move",
        {"household_id": target.pk, "relation": "parent", "date": "2022-04-02"},
    )
    assert moved.status_code == 201
    assert (moved.json()["household_id"], moved.json()["relation"], moved.json()["is_current"]) == (
        target.pk,
        "parent",
        True,
    )
    assert AuditEntry.objects.filter(action="residence.move", actor=world.leader).count() == 1
    outside = api.post(
        world.leader,
        f"/people/{wang.pk}/move",
        {"household_id": household(world.b3, "101", None).pk, "date": "2022-04-03"},
    )
    assert outside.status_code == 404
    ended = api.post(
        world.leader, f"/people/{wang.pk}/end-residence", {"date": "2022-04-05", "reason": "搬走"}
    )
    assert (ended.status_code, ended.content) == (204, b"")
    assert Residence.objects.filter(person=wang, is_current=True).count() == 0
    assert AuditEntry.objects.filter(action="residence.end", actor=world.leader).count() == 1
    # Still on the ledger, with the history.
    detail = api.get(world.leader, f"/people/{wang.pk}").json()
    # Sorted here: people.selectors.person_detail orders past residences by moved_in, whose NULLs
    # sort differently on SQLite and PostgreSQL.
    assert sorted((r["moved_out"], r["household_id"]) for r in detail["residences"]) == [
        ("2022-04-02", household(world.b1, "501", "Unit 2").pk),
        ("2022-04-05", target.pk),
    ]


def test_merge_two_records_of_one_person(world, api, wang):
    door = household(world.b1, "501", "Unit 2")
    twin = PersonFactory(
        acting_user=world.staff, household=door, name="王芳", phone="13800138000", id_number=None
    )
    refused = api.post(world.leader, "/people/merge", {"keep_id": wang.pk, "merge_id": twin.pk})
    assert refused.status_code == 403
    answer = api.post(world.staff, "/people/merge", {"keep_id": wang.pk, "merge_id": twin.pk})
    assert answer.status_code == 200 and answer.json()["id"] == wang.pk
    assert Person.objects.get(pk=twin.pk).merged_into_id == wang.pk
    assert AuditEntry.objects.filter(action="person.merge", actor=world.staff).count() == 1
    assert api.get(world.staff, f"/people/{twin.pk}").status_code == 404  # merged records are gone from view


def test_members_of_a_household(world, api, wang):
    door = household(world.b1, "501", "Unit 2")
    PersonFactory(
        acting_user=world.staff, household=door, name="王小明", relation="孙子", age="5", name_only=True
    )
    answer = api.get(world.volunteer, f"/people/households/{door.pk}/members").json()
    # The order is the selector's (people.selectors.household_members); the API passes it through.
    assert sorted((m["person"]["name"], m["relation"], m["vulnerabilities"]) for m in answer) == [
        ("王小明", "grandchild", []),
        ("王芳", "head", ["elderly_alone"]),
    ]
    assert (
        api.get(world.volunteer, f"/people/households/{world.b1.pk}/members").status_code == 404
    )  # not a door


@pytest.mark.parametrize("limit", [2, 500])
def test_search_takes_the_same_queries_for_any_page_size(world, api, limit):
    door = household(world.b2, "101")
    for n in range(6):
        PersonFactory(acting_user=world.staff, household=door, name=f"张{n}", name_only=True)
    api.key_for(world.staff)
    with assert_queries(4):
        answer = api.get(world.staff, "/people/search", q="张", limit=limit)
    assert [p["name"] for p in answer.json()["items"]] == ["张0", "张1", "张2", "张3", "张4", "张5"][:limit]
    assert answer.json()["next_offset"] == (2 if limit == 2 else None)


@pytest.mark.parametrize("members", [1, 6])
def test_members_take_the_same_queries_for_any_household_size(world, api, members):
    door = household(world.b2, "101")
    for n in range(members):
        PersonFactory(
            acting_user=world.staff, household=door, name=f"张{n}", vulnerabilities="低保", name_only=True
        )
    api.key_for(world.staff)
    with assert_queries(6):
        answer = api.get(world.staff, f"/people/households/{door.pk}/members")
    assert len(answer.json()) == members


def test_search_needs_a_query_and_reads_doors(world, api, wang):
    missing = api.get(world.staff, "/people/search")
    assert missing.status_code == 422 and list(missing.json()["errors"]) == ["q"]
    by_door = api.get(world.staff, "/people/search", q="1号楼2单元501").json()
    assert (by_door["query_kind"], [p["id"] for p in by_door["items"]]) == ("door", [wang.pk])
    assert api.get(world.outsider, "/people/search", q="王芳").json()["items"] == []
    by_post = api.post(world.staff, "/people/search", {"q": "王芳", "limit": 1}).json()
    assert (by_post["query_kind"], [p["id"] for p in by_post["items"]], by_post["next_offset"]) == (
        "name",
        [wang.pk],
        None,
    )


def test_an_id_number_or_a_phone_in_the_address_is_refused_without_being_repeated(world, api, wang):
    for query in (CLEAR_ID, CLEAR_ID[:17], "13800138000", "110105 1949"):
        refused = api.get(world.staff, "/people/search", q=query)
        assert (refused.status_code, refused.json()) == (
            422,
            {
                "detail": "Invalid input.",
                "code": "invalid",
                "errors": {
                    "q": [
                        "An ID number or a phone number goes in the body of POST /api/v1/people/search, "
                        "never in the address."
                    ]
                },
            },
        )
    # Doors and names may go into a link.
    assert api.get(world.staff, "/people/search", q="1-2-501").json()["query_kind"] == "door"
