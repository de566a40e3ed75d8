"""Antigen self-tests and the follow-ups a positive opens; the notice it sends, in the deployment's
language.
"""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstline.common.errors import Conflict, PermissionDenied
from firstline.followups import services as antigen
from firstline.followups.models import AntigenReport, FollowUp
from firstline.notices.models import NoticeDelivery
from tests.conftest import household

pytestmark = pytest.mark.django_db


def test_an_antigen_positive_opens_a_follow_up_once_and_tells_the_leader(world, residents):
    door = household(world.b1, "101", "Unit 1")
    key = str(uuid.uuid4())
    report = antigen.antigen_report(
        acting_user=world.resident,
        household=door,
        result="positive",
        client_key=key,
        person=residents.b1[0],
        note="两道杠",
    )
    again = antigen.antigen_report(
        acting_user=world.resident, household=door, result="positive", client_key=key
    )
    assert again == report and AntigenReport.objects.count() == 1
    follow_up = FollowUp.objects.get()
    assert (follow_up.reason, follow_up.person_id, follow_up.household_id) == (
        "antigen_positive",
        residents.b1[0].pk,
        door.pk,
    )
    assert sorted(NoticeDelivery.objects.values_list("user__username", flat=True)) == ["leader", "staff"]
    with pytest.raises(PermissionDenied):  # a resident reports for their own door only
        antigen.antigen_report(
            acting_user=world.resident,
            household=household(world.b1, "102", "Unit 1"),
            result="negative",
            client_key=str(uuid.uuid4()),
        )
    with pytest.raises(ValidationError):
        antigen.antigen_report(
            acting_user=world.resident,
            household=door,
            result="negative",
            client_key=str(uuid.uuid4()),
            taken_at=timezone.now() + dt.timedelta(hours=2),
        )
    with pytest.raises(ValidationError):  # someone of another door
        antigen.antigen_report(
            acting_user=world.leader,
            household=door,
            result="negative",
            client_key=str(uuid.uuid4()),
            person=residents.b1[3],
        )
    with pytest.raises(PermissionDenied):
        antigen.follow_up_close(acting_user=world.leader, follow_up=follow_up, note="复核阴性")
    closed = antigen.follow_up_close(acting_user=world.staff, follow_up=follow_up, note="单管核酸阴性")
    assert (closed.status, closed.closing_note, closed.closed_by) == ("closed", "单管核酸阴性", world.staff)
    with pytest.raises(Conflict):
        antigen.follow_up_close(acting_user=world.staff, follow_up=follow_up, note="again")


def test_notices_are_written_wholly_in_the_deployment_language_whatever_the_page_language(
    world, residents, settings
):
    from django.utils import translation

    from firstline.notices.models import Notice

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        antigen.antigen_report(
            acting_user=world.resident,
            household=household(world.b1, "101", "Unit 1"),
            result="positive",
            client_key=str(uuid.uuid4()),
        )
    notice = Notice.objects.get()
    assert (notice.title, notice.body) == (
        "1号楼Unit 1101 出现阳性",
        "1号楼Unit 1101 报告抗原自测阳性。请立即跟进：该户居家不外出，工作人员会来电。",
    )
