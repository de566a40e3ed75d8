"""Self-registration from the compound's QR code, its review, and personal codes."""

import pytest
from django.core.exceptions import ValidationError

from firstline.areas.models import Area
from firstline.areas.services import area_public_token_ensure
from firstline.common.audit import AuditEntry
from firstline.common.errors import Conflict, NotFound
from firstline.people.models import Person, Residence
from firstline.registration import codes, selectors, services
from firstline.registration.models import PersonalCode, SelfRegistration, SubmissionStatus
from firstline.survey.models import SurveyVisit
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.test_privacy_at_rest import _dump_database

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
MEMBERS = [
    {"name": "刘芳", "id_number": "11010519491231002x", "phone": "13800138000", "relation": "head"},
    {"name": "刘小宝", "id_type": "none", "age": "1", "relation": "child", "vulnerabilities": "infant"},
]


def _submit(world, key="k" * 24, members=MEMBERS, ip="10.0.0.1"):
    return services.registration_submit(
        compound=world.p1,
        household=household(world.b1, "301"),
        address_text="",
        contact_phone="13800138000",
        members=members,
        submission_key=key,
        client_ip=ip,
    )


def test_submission_is_sealed_and_stored_once(world):
    first = _submit(world)
    again = _submit(world)
    assert first.pk == again.pk and SelfRegistration.objects.count() == 1
    assert first.member_count == 2
    assert ID.encode() not in _dump_database() and ID.lower().encode() not in _dump_database()
    shown = selectors.registration_members_masked(user=world.staff, submission=first)
    assert [(m["name"], m["id_masked"]) for m in shown] == [("刘芳", "110***********002X"), ("刘小宝", "")]


def test_bad_members_are_named_and_nothing_stored(world):
    with pytest.raises(ValidationError) as caught:
        _submit(
            world, members=[{"name": "甲", "id_number": "110105194912310021"}, {"name": "", "phone": "12"}]
        )
    assert sorted(caught.value.message_dict) == ["member-0-id_number", "member-1-name", "member-1-phone"]
    assert SelfRegistration.objects.count() == 0


def test_rate_limit_per_client(world):
    for i in range(services.PER_CLIENT_PER_HOUR):
        _submit(world, key=f"key-{i:020d}")
    with pytest.raises(services.RateLimited):
        _submit(world, key="one-too-many-0000000000")
    assert SelfRegistration.objects.count() == services.PER_CLIENT_PER_HOUR
    _submit(world, key="another-place-000000000", ip="10.0.0.2")
    assert SelfRegistration.objects.count() == services.PER_CLIENT_PER_HOUR + 1


def test_accept_registers_issues_codes_and_records_a_visit(world):
    submission = _submit(world)
    door = household(world.b1, "301")
    people = services.registration_accept(acting_user=world.staff, submission=submission, household=door)
    assert [p.name for p in people] == ["刘芳", "刘小宝"]
    assert Residence.objects.filter(household=door, is_current=True).count() == 2
    assert PersonalCode.objects.filter(person__in=people, revoked_at__isnull=True).count() == 2
    assert SurveyVisit.objects.get(household=door).channel == "online"
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == (SubmissionStatus.ACCEPTED, world.staff)
    with pytest.raises(Conflict):
        services.registration_accept(acting_user=world.staff, submission=submission, household=door)
    assert Person.objects.count() == 2
    assert AuditEntry.objects.filter(action="registration.accept").count() == 1


def test_accepting_an_already_registered_number_links_instead_of_duplicating(world):
    existing = PersonFactory(
        acting_user=world.staff, household=household(world.b2, "101"), name="刘芳", id_number=ID, phone=None
    )
    people = services.registration_accept(
        acting_user=world.staff, submission=_submit(world), household=household(world.b1, "301")
    )
    assert people[0].pk == existing.pk
    assert Person.objects.filter(id_hash=existing.id_hash).count() == 1


def test_outsider_cannot_see_or_accept(world):
    submission = _submit(world)
    assert list(selectors.registrations_waiting(user=world.outsider)) == []
    with pytest.raises(NotFound):
        selectors.registration_get(user=world.outsider, pk=submission.pk)
    assert list(selectors.registrations_waiting(user=world.leader)) == []


def test_codes_resolve_and_refuse_forgeries(world):
    people = services.registration_accept(
        acting_user=world.staff, submission=_submit(world), household=household(world.b1, "301")
    )
    code = PersonalCode.objects.get(person=people[0])
    payload = codes.payload_for(code.code)
    assert selectors.code_resolve(user=world.leader, payload=payload) == [people[0]]
    with pytest.raises(ValidationError):
        selectors.code_resolve(user=world.leader, payload=payload[:-2] + "xx")
    with pytest.raises(NotFound):
        selectors.code_resolve(user=world.outsider, payload=payload)
    services.code_revoke(acting_user=world.staff, code=code)
    with pytest.raises(NotFound):
        selectors.code_resolve(user=world.leader, payload=payload)
    family = services.code_issue_family(
        acting_user=world.staff, household=household(world.b1, "301"), members=people
    )
    assert selectors.code_resolve(user=world.staff, payload=codes.payload_for(family.code)) == people


def test_public_page(client, world):
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    assert client.get("/r/no-such-token/").status_code == 404
    page = client.get(f"/r/{token}/")
    assert page.status_code == 200 and "P1小区" in page.content.decode()
    form = {
        "submission_key": "s" * 24,
        "household": household(world.b1, "301").pk,
        "contact_phone": "13800138000",
        "m-0-name": "刘芳",
        "m-0-id_type": "resident_id",
        "m-0-id_number": "11010519491231002x",
        "m-0-relation": "head",
    }
    assert client.post(f"/r/{token}/", form).status_code == 200
    assert client.post(f"/r/{token}/", form).status_code == 200
    assert SelfRegistration.objects.count() == 1
    bad = dict(form, submission_key="t" * 24, **{"m-0-id_number": "110105194912310021"})
    response = client.post(f"/r/{token}/", bad)
    assert response.status_code == 422 and 'data-field="member-0-id_number"' in response.content.decode()
    assert client.post(f"/r/{token}/", dict(form, submission_key="u" * 24, website="spam")).status_code == 200
    assert SelfRegistration.objects.count() == 1
    Area.objects.filter(pk=world.p1.pk).update(public_token=None)
    assert client.get(f"/r/{token}/").status_code == 404


def test_reviewer_corrects_a_number_and_leaves_a_member_out(world):
    submitted = [{"name": "刘芳", "id_number": ID, "relation": "head"}, {"name": "路人", "age": "30"}]
    submission = _submit(world, members=submitted)
    people = services.registration_accept(
        acting_user=world.staff,
        submission=submission,
        household=household(world.b1, "301"),
        corrections=[{"name": "刘 芳", "id_number": "", "phone": "13900139000"}, {"drop": True}],
    )
    assert [(p.name, p.id_masked, p.phone) for p in people] == [
        ("刘 芳", "110***********002X", "13900139000")
    ]
    assert Person.objects.count() == 1


def test_a_correction_that_is_wrong_is_refused_and_nothing_changes(world):
    submission = _submit(world)
    with pytest.raises(ValidationError) as caught:
        services.registration_accept(
            acting_user=world.staff,
            submission=submission,
            household=household(world.b1, "301"),
            corrections=[{"id_number": "110105194912310021"}],
        )
    assert list(caught.value.message_dict) == ["member-0-id_number"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING and Person.objects.count() == 0
