import io

import pytest
from openpyxl import load_workbook

from firstline.common.audit import AuditEntry
from firstline.people.models import Person
from firstline.registration import codes, services
from firstline.registration.models import PersonalCode
from tests.api.conftest import CLEAR_ID
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.imports.test_import import messy_xlsx

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_client():
    from tests.api.conftest import ApiClient

    return ApiClient()


def test_upload_and_follow_an_import(api_client, world):
    key = api_client.key_for(world.staff)
    response = api_client.client.post(
        "/api/v1/imports",
        {"area_id": world.p1.pk, "mode": "keep_valid", "file": _named(messy_xlsx(), "list.xlsx")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["created_count"], job["rejected_count"]) == ("done", 4, 4)
    assert [e["row"] for e in job["errors"]] == [6, 7, 8, 11]
    assert "110105194912310021" not in response.content.decode()
    assert api_client.get(world.outsider, f"/imports/{job['id']}").status_code == 404


def test_leader_cannot_import(api_client, world):
    key = api_client.key_for(world.leader)
    response = api_client.client.post(
        "/api/v1/imports",
        {"area_id": world.b1.pk, "file": _named(messy_xlsx(), "l.xlsx")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 403
    assert Person.objects.count() == 0


def test_export_masked_by_default_and_audited(api_client, world):
    PersonFactory(
        acting_user=world.staff,
        household=household(world.b1, "101"),
        name="甲",
        id_number=CLEAR_ID,
        phone=None,
    )
    response = api_client.get(world.staff, "/imports/export", area=world.p1.pk)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][3:6] == ("甲", "Resident ID card", "110***********002X")
    unmasked = api_client.get(world.staff, "/imports/export", area=world.p1.pk, unmasked="true")
    assert list(load_workbook(io.BytesIO(unmasked.content)).active.values)[1][5] == CLEAR_ID
    assert list(AuditEntry.objects.filter(action="ledger.export").values_list("changes", flat=True)) == [
        {"rows": 1, "unmasked": True},
        {"rows": 1, "unmasked": False},
    ]
    assert api_client.get(world.leader, "/imports/export", area=world.b1.pk).status_code == 403


def test_review_queue_accept_and_resolve_code(api_client, world):
    submission = services.registration_submit(
        compound=world.p1,
        household=household(world.b1, "301"),
        address_text="",
        contact_phone="13800138000",
        members=[{"name": "刘芳", "id_number": CLEAR_ID.lower()}],
        submission_key="a" * 24,
        client_ip="1.2.3.4",
    )
    pending = api_client.get(world.staff, "/registrations/pending").json()
    assert [p["id"] for p in pending] == [submission.pk]
    detail = api_client.get(world.staff, f"/registrations/{submission.pk}")
    assert (
        detail.json()["members"][0]["id_masked"] == "110***********002X"
        and CLEAR_ID not in detail.content.decode()
    )
    assert api_client.get(world.outsider, f"/registrations/{submission.pk}").status_code == 404
    accepted = api_client.post(
        world.staff, f"/registrations/{submission.pk}/accept", {"household_id": household(world.b1, "301").pk}
    )
    assert accepted.status_code == 200 and [p["name"] for p in accepted.json()] == ["刘芳"]
    assert (
        api_client.post(
            world.staff,
            f"/registrations/{submission.pk}/accept",
            {"household_id": household(world.b1, "301").pk},
        ).status_code
        == 409
    )
    payload = codes.payload_for(PersonalCode.objects.get().code)
    resolved = api_client.post(world.leader, "/registrations/codes/resolve", {"payload": payload})
    assert [p["name"] for p in resolved.json()] == ["刘芳"]
    assert (
        api_client.post(world.leader, "/registrations/codes/resolve", {"payload": payload + "x"}).status_code
        == 422
    )


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_patch_an_area(api_client, world):
    response = api_client.call(world.staff, "patch", f"/areas/{world.b1.pk}", {"floors": 7, "has_lift": True})
    assert response.status_code == 200 and (response.json()["floors"], response.json()["has_lift"]) == (
        7,
        True,
    )
    assert api_client.call(world.leader, "patch", f"/areas/{world.b1.pk}", {"name": "x"}).status_code == 403
    assert api_client.call(world.outsider, "patch", f"/areas/{world.b1.pk}", {"name": "x"}).status_code == 404
    refused = api_client.call(world.staff, "patch", f"/areas/{world.b1.pk}", {"door": "1"})
    assert refused.status_code == 422
    world.b1.refresh_from_db()
    assert (world.b1.name, world.b1.floors) == ("1号楼", 7)


def test_a_flood_held_past_the_quota_is_listed_with_its_senders_and_rejected_at_once(
    api_client, world, monkeypatch
):
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 2)
    door = household(world.b1, "301")
    sent = [
        services.registration_submit(
            compound=world.p1,
            household=door,
            address_text="",
            contact_phone="13800138000",
            members=[{"name": f"甲{i}", "id_type": "none", "age": "30"}],
            submission_key=f"flood-{i:020d}",
            client_ip="192.0.2.9" if i < 3 else "203.0.113.7",
        )
        for i in range(4)
    ]
    pending = api_client.get(world.staff, "/registrations/pending").json()
    assert [(p["id"], p["status"], p["sender"]) for p in pending] == [
        (sent[0].pk, "pending", sent[0].client_hash),
        (sent[1].pk, "pending", sent[0].client_hash),
        (sent[2].pk, "suspect", sent[0].client_hash),
        (sent[3].pk, "suspect", sent[3].client_hash),
    ]
    outsider = api_client.post(
        world.outsider, "/registrations/reject", {"senders": [sent[0].client_hash], "reason": "spam"}
    )
    assert (outsider.status_code, outsider.json()) == (200, {"rejected": 0})
    rejected = api_client.post(
        world.staff, "/registrations/reject", {"senders": [sent[0].client_hash], "reason": "垃圾提交"}
    )
    assert (rejected.status_code, rejected.json()) == (200, {"rejected": 3})
    assert [p["id"] for p in api_client.get(world.staff, "/registrations/pending").json()] == [sent[3].pk]
    assert (
        api_client.post(
            world.staff, "/registrations/reject", {"submission_ids": [sent[3].pk], "reason": ""}
        ).status_code
        == 422
    )
