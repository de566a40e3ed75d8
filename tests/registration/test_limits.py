"""Self-registration limits (ADR 0008): per client a refusal that holds under concurrency, per
compound a quota past which forms are held apart instead of refused, and the client's address taken
through trusted proxies only."""

import datetime as dt
import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client, override_settings
from freezegun import freeze_time

from firstline.areas.services import area_public_token_ensure
from firstline.common.audit import AuditEntry
from firstline.common.errors import PermissionDenied
from firstline.registration import selectors, services
from firstline.registration.models import SelfRegistration, SubmissionQuota, SubmissionStatus
from tests.conftest import household

pytestmark = pytest.mark.django_db

# Real resident ID numbers of the test world's shape (valid check digits), one per household form.
NUMBERS = ["11010519491231002X", "110101199003074477", "44052419500101001X", "310104198507210016"]


def _members(i: int) -> list[dict]:
    return [{"name": f"住户{i}", "id_number": NUMBERS[i % len(NUMBERS)], "relation": "head"}]


def _submit(world, i: int, ip: str, door: str = "301"):
    return services.registration_submit(
        compound=world.p1,
        household=household(world.b1, door),
        address_text="",
        contact_phone="13800138000",
        members=_members(i),
        submission_key=f"form-{i:04d}-{ip}-0000000000",
        client_ip=ip,
    )


def _form(world, key: str, door: str = "301") -> dict:
    return {
        "submission_key": key,
        "household": household(world.b1, door).pk,
        "contact_phone": "13800138000",
        "m-0-name": "刘芳",
        "m-0-id_type": "resident_id",
        "m-0-id_number": "11010519491231002x",
        "m-0-relation": "head",
    }


def test_the_client_limit_refuses_the_eleventh_form_and_stores_nothing(world):
    for i in range(services.PER_CLIENT_PER_HOUR):
        _submit(world, i, "203.0.113.7")
    with pytest.raises(services.RateLimited):
        _submit(world, 99, "203.0.113.7")
    assert SelfRegistration.objects.count() == 10
    # The refused form took no place of the compound's quota.
    assert dict(SubmissionQuota.objects.values_list("key", "used"))[f"compound:{world.p1.pk}"] == 10
    assert _submit(world, 100, "203.0.113.8").status == SubmissionStatus.PENDING


def test_an_ipv6_client_is_counted_by_its_64_network(world):
    for i in range(services.PER_CLIENT_PER_HOUR):
        _submit(world, i, f"2001:db8:5:7::{i + 1:x}")
    with pytest.raises(services.RateLimited):
        _submit(world, 99, "2001:db8:5:7:aaaa::1")
    assert _submit(world, 100, "2001:db8:5:8::1").status == SubmissionStatus.PENDING


def test_the_same_form_sent_again_takes_no_second_place(world):
    first = _submit(world, 1, "203.0.113.7")
    assert _submit(world, 1, "203.0.113.7").pk == first.pk
    assert sorted(SubmissionQuota.objects.values_list("used", flat=True)) == [1, 1]


def test_past_the_compound_quota_forms_are_held_not_refused(world, monkeypatch):
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 3)
    stored = [_submit(world, i, f"198.51.100.{i + 1}") for i in range(5)]
    assert [s.status for s in stored] == ["pending", "pending", "pending", "suspect", "suspect"]
    # P2's residents are not held because P1 is flooded.
    other = services.registration_submit(
        compound=world.p2,
        household=household(world.b9, "101"),
        address_text="",
        contact_phone="13900139000",
        members=_members(1),
        submission_key="p2-form-000000000000",
        client_ip="198.51.100.99",
    )
    assert other.status == SubmissionStatus.PENDING


def test_a_new_hour_starts_with_every_place_free_and_forgets_old_hours(world, monkeypatch):
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 2)
    with freeze_time("2022-04-04 09:59:00+08:00"):
        statuses = [_submit(world, i, "203.0.113.7").status for i in range(3)]
    assert statuses == ["pending", "pending", "suspect"]
    with freeze_time("2022-04-04 10:00:00+08:00"):
        assert _submit(world, 10, "203.0.113.7").status == SubmissionStatus.PENDING
    assert SubmissionQuota.objects.count() == 4  # two keys, two hours: the hour just past is kept
    with freeze_time("2022-04-04 12:30:00+08:00"):
        assert _submit(world, 20, "203.0.113.7").status == SubmissionStatus.PENDING
    assert sorted((q.hour, q.used) for q in SubmissionQuota.objects.all()) == [
        (dt.datetime(2022, 4, 4, 4, 0, tzinfo=dt.UTC), 1),
        (dt.datetime(2022, 4, 4, 4, 0, tzinfo=dt.UTC), 1),
    ]


def test_a_held_form_is_answered_like_any_other(client, world, monkeypatch):
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 1)
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    first = client.post(f"/r/{token}/", _form(world, "a" * 24), REMOTE_ADDR="203.0.113.7")
    held = client.post(f"/r/{token}/", _form(world, "b" * 24), REMOTE_ADDR="203.0.113.8")
    assert (first.status_code, held.status_code) == (200, 200)
    pending, suspect = SelfRegistration.objects.order_by("pk")
    assert (pending.status, suspect.status) == (SubmissionStatus.PENDING, SubmissionStatus.SUSPECT)
    assert _without_reference(held, suspect.pk) == _without_reference(first, pending.pk)


def _without_reference(response, pk: int) -> str:
    page = response.content.decode()
    reference = f'data-testid="reference">{pk}<'
    assert page.count(reference) == 1
    # The CSRF token differs from response to response whatever the form's fate.
    return re.sub(
        r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', "", page.replace(reference, "REF")
    )


@override_settings(FIRSTLINE_TRUSTED_PROXIES=["10.1.0.0/16"])
def test_behind_a_trusted_proxy_each_resident_is_counted_by_their_own_address(client, world):
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    for i in range(services.PER_CLIENT_PER_HOUR):
        assert (
            client.post(
                f"/r/{token}/",
                _form(world, f"first-{i:020d}"),
                REMOTE_ADDR="10.1.0.2",
                HTTP_X_FORWARDED_FOR="203.0.113.7",
            ).status_code
            == 200
        )
    limited = client.post(
        f"/r/{token}/",
        _form(world, "first-one-too-many-000"),
        REMOTE_ADDR="10.1.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert limited.status_code == 429
    # The neighbour behind the same proxy is not refused for what the first resident sent.
    assert (
        client.post(
            f"/r/{token}/",
            _form(world, "neighbour-000000000000"),
            REMOTE_ADDR="10.1.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.8",
        ).status_code
        == 200
    )
    assert (
        SelfRegistration.objects.filter(client_hash=services.client_fingerprint("203.0.113.8")).count() == 1
    )


def test_a_forwarded_header_from_an_untrusted_client_is_ignored(client, world):
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    answers = [
        client.post(
            f"/r/{token}/",
            _form(world, f"forged-{i:020d}"),
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(services.PER_CLIENT_PER_HOUR + 1)
    ]
    assert answers == [200] * 10 + [429]
    assert set(SelfRegistration.objects.values_list("client_hash", flat=True)) == {
        services.client_fingerprint("203.0.113.7")
    }


def _post_concurrently(url: str, forms: list[tuple[dict, str]]) -> list[int]:
    barrier = threading.Barrier(len(forms))
    answers: list[int] = []

    def post(form: dict, address: str) -> None:
        try:
            barrier.wait()
            answers.append(Client().post(url, form, REMOTE_ADDR=address).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_forms_from_one_address_store_exactly_ten(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs on PostgreSQL (CI runs it there)")
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    answers = _post_concurrently(
        f"/r/{token}/", [(_form(world, f"together-{i:020d}"), "203.0.113.7") for i in range(20)]
    )
    assert answers == [200] * 10 + [429] * 10
    assert SelfRegistration.objects.count() == 10
    assert SubmissionQuota.objects.get(key=f"client:{services.client_fingerprint('203.0.113.7')}").used == 10


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_forms_past_the_compound_quota_hold_exactly_the_surplus(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs on PostgreSQL (CI runs it there)")
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 12)
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    forms = [(_form(world, f"flood-{i:020d}"), f"198.51.100.{i + 1}") for i in range(20)]
    assert _post_concurrently(f"/r/{token}/", forms) == [200] * 20
    assert (
        sorted(SelfRegistration.objects.values_list("status", flat=True))
        == ["pending"] * 12 + ["suspect"] * 8
    )


def _flood(world, monkeypatch) -> tuple[list[SelfRegistration], list[SelfRegistration]]:
    """Three junk senders, four forms each, then two residents: past a quota of 10 the last are held."""
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 10)
    junk = [_submit(world, i, f"192.0.2.{1 + i // 4}", door="102") for i in range(12)]
    genuine = [_submit(world, 50, "203.0.113.7", door="301"), _submit(world, 51, "203.0.113.8", door="302")]
    return junk, genuine


def test_the_queue_shows_held_forms_apart_with_their_senders(client, world, monkeypatch):
    junk, genuine = _flood(world, monkeypatch)
    client.force_login(world.staff)
    page = client.get("/registrations/")
    assert ([s.pk for s in page.context["pending"]], [s.pk for s in page.context["suspect"]]) == (
        [s.pk for s in junk[:10]],
        [s.pk for s in junk[10:]] + [s.pk for s in genuine],
    )
    assert [(s.client_hash, s.waiting) for s in page.context["senders"]] == [
        (services.client_fingerprint(f"192.0.2.{n}"), 4) for n in (1, 2, 3)
    ]
    html = page.content.decode()
    assert html.count('name="sender"') == 3 and html.count('name="submission"') == 14
    held = client.get(f"/registrations/{genuine[0].pk}/").content.decode()
    assert 'data-testid="held"' in held
    assert 'data-testid="held"' not in client.get(f"/registrations/{junk[0].pk}/").content.decode()


def test_staff_reject_a_floods_senders_at_once_and_keep_the_residents(client, world, monkeypatch):
    junk, genuine = _flood(world, monkeypatch)
    client.force_login(world.staff)
    senders = [services.client_fingerprint(f"192.0.2.{n}") for n in (1, 2, 3)]
    answer = client.post("/registrations/", {"sender": senders, "reason": "批量垃圾提交"})
    assert answer.status_code == 302
    assert list(
        SelfRegistration.objects.filter(status__in=["pending", "suspect"]).values_list("pk", flat=True)
    ) == [g.pk for g in genuine]
    assert (
        SelfRegistration.objects.filter(status=SubmissionStatus.REJECTED, review_note="批量垃圾提交").count()
        == 12
    )
    entry = AuditEntry.objects.get(action="registration.reject_many")
    assert (entry.target_id, entry.changes) == (
        str(world.p1.pk),
        {"submissions": [j.pk for j in junk], "reason": "批量垃圾提交"},
    )
    # A genuine resident's held form is accepted as usual.
    people = services.registration_accept(
        acting_user=world.staff, submission=genuine[0], household=household(world.b1, "301")
    )
    assert [p.name for p in people] == ["住户50"]


def test_rejecting_many_needs_a_reason_and_touches_nothing_outside_the_reviewers_compounds(
    client, world, monkeypatch
):
    junk, _genuine = _flood(world, monkeypatch)
    client.force_login(world.staff)
    assert client.post("/registrations/", {"submission": [junk[0].pk], "reason": " "}).status_code == 422
    assert (
        services.registrations_reject_many(
            acting_user=world.outsider,
            submission_ids=[j.pk for j in junk],
            senders=[junk[0].client_hash],
            reason="spam",
        )
        == 0
    )
    # A role that never reviews forms is told so (and nothing is rejected).
    with pytest.raises(PermissionDenied, match="Your role does not allow you to review self-registrations."):
        services.registrations_reject_many(
            acting_user=world.leader, submission_ids=[junk[0].pk], reason="spam"
        )
    assert SelfRegistration.objects.filter(status=SubmissionStatus.REJECTED).count() == 0
    assert AuditEntry.objects.filter(action="registration.reject_many").count() == 0


def test_accepting_or_rejecting_one_held_form_works_like_a_pending_one(world, monkeypatch):
    junk, genuine = _flood(world, monkeypatch)
    services.registration_reject(acting_user=world.staff, submission=junk[11], reason="假门牌")
    assert SelfRegistration.objects.get(pk=junk[11].pk).status == SubmissionStatus.REJECTED
    assert [s.pk for s in selectors.registrations_waiting(user=world.staff)] == [j.pk for j in junk[:11]] + [
        g.pk for g in genuine
    ]


def test_the_queue_costs_the_same_queries_for_a_flood(client, world, monkeypatch):
    from tests.queries import assert_queries, queries

    client.force_login(world.staff)
    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 2)
    for i in range(3):
        _submit(world, i, f"192.0.2.{i % 2 + 1}")

    def queue_page() -> None:
        assert client.get("/registrations/").status_code == 200

    with queries() as few:
        queue_page()
    for i in range(3, 20):
        _submit(world, i, f"192.0.2.{i % 5 + 1}")
    with assert_queries(few):
        queue_page()
