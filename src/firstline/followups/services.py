"""Writes for antigen self-tests reported by a household (or its building leader), and for the
follow-ups that a positive, antigen or single-tube, opens for staff.

Each function takes `acting_user` (but `follow_ups_open_for_positives`, a step of the lab's
results), checks the right on the household, writes in one transaction and records an audit row.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import require
from firstline.areas.models import Area, AreaKind
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict
from firstline.common.text import clean_text
from firstline.followups.messages import antigen_positive_message
from firstline.followups.models import AntigenReport, FollowUp
from firstline.notices.models import NoticeKind
from firstline.notices.selectors import recipients_for
from firstline.notices.services import notice_send
from firstline.people.models import Person, Residence

# Notices of positives go to the leaders of the doors and to the community's staff.
POSITIVE_AUDIENCE = [Role.BUILDING_LEADER, Role.COMMUNITY_STAFF]


@transaction.atomic
def antigen_report(
    *,
    acting_user,
    household: Area,
    result: str,
    client_key: str,
    person: Person | None = None,
    taken_at: dt.datetime | None = None,
    note: str = "",
) -> AntigenReport:
    """Record a household's antigen result. The same form sent twice (same key) is stored once; a
    positive opens a follow-up and tells the leaders and staff of that door."""
    require(acting_user, Perm.ANTIGEN_REPORT, household.path)
    if household.kind != AreaKind.HOUSEHOLD:
        raise ValidationError(_("Antigen results are reported per household."))
    if result not in AntigenReport.Result.values:
        raise ValidationError({"result": _("Choose negative, positive or invalid.")})
    client_key = (client_key or "").strip()
    if not 8 <= len(client_key) <= 64:
        raise ValidationError({"client_key": _("The form has no key; reload it and send again.")})
    existing = AntigenReport.objects.filter(client_key=client_key).first()
    if existing is not None:
        if existing.household_id != household.pk:
            raise Conflict(_("This form was already used for another household."), code="key_used")
        return existing
    if (
        person is not None
        and not Residence.objects.filter(person=person, household=household, is_current=True).exists()
    ):
        raise ValidationError(
            {"person": _("%(name)s does not live in this household.") % {"name": person.name}}
        )
    note = clean_text(note, field="note", max_length=200)
    now = timezone.now()
    taken_at = taken_at or now
    if timezone.is_naive(taken_at):
        raise ValidationError({"taken_at": _("The time must carry a time zone.")})
    if taken_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"taken_at": _("A test cannot be in the future.")})
    if taken_at < now - dt.timedelta(days=3):
        raise ValidationError({"taken_at": _("Report a test within three days of taking it.")})
    try:
        with transaction.atomic():
            report = AntigenReport.objects.create(
                household=household,
                person=person,
                result=result,
                taken_at=taken_at,
                note=note,
                client_key=client_key,
                reported_by=acting_user,
            )
    except IntegrityError:  # the same form, sent twice at once
        return AntigenReport.objects.get(client_key=client_key)
    audit_record(
        actor=acting_user,
        action="testing.antigen",
        target=report,
        area_path=household.path,
        changes={"result": result, "person": person.pk if person else None},
    )
    if result == AntigenReport.Result.POSITIVE:
        FollowUp.objects.create(
            household=household,
            household_path=household.path,
            person=person,
            reason=FollowUp.Reason.ANTIGEN_POSITIVE,
            antigen_report=report,
        )
        title, body = antigen_positive_message(household=household)
        notice_send(
            acting_user=acting_user,
            area=household,
            kind=NoticeKind.ANTIGEN_POSITIVE,
            title=title,
            body=body,
            recipient_ids=recipients_for(paths=[household.path], roles=POSITIVE_AUDIENCE),
            ref=f"testing.antigen:{report.pk}",
        )
    return report


@transaction.atomic
def follow_up_close(*, acting_user, follow_up: FollowUp, note: str) -> FollowUp:
    """Close a follow-up, saying how it ended (negative PCR, moved to quarantine, ...)."""
    require(acting_user, Perm.FOLLOWUP_MANAGE, follow_up.household_path)
    note = clean_text(note, field="note", max_length=300)
    if not note:
        raise ValidationError({"note": _("Say how the follow-up ended.")})
    if not FollowUp.objects.filter(pk=follow_up.pk, status=FollowUp.Status.OPEN).update(
        status=FollowUp.Status.CLOSED, closed_by=acting_user, closed_at=timezone.now(), closing_note=note
    ):
        raise Conflict(_("This follow-up is already closed."), code="already_closed")
    audit_record(
        actor=acting_user,
        action="testing.followup.close",
        target=follow_up,
        area_path=follow_up.household_path,
        changes={"note": note},
    )
    follow_up.refresh_from_db()
    return follow_up


def follow_ups_open_for_positives(*, samples) -> list[FollowUp]:
    """A follow-up for each person of these positive single-tube samples (testing's `Sample`s, each
    with a household). Called by the lab's results inside their transaction, which audits the positive."""
    return FollowUp.objects.bulk_create(
        [
            FollowUp(
                household_id=s.household_id,
                household_path=s.household_path,
                person_id=s.person_id,
                reason=FollowUp.Reason.POSITIVE,
                sample=s,
            )
            for s in samples
        ]
    )
