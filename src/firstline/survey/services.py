"""Recording survey visits."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.areas.models import Area, AreaKind
from firstline.common.audit import audit_record
from firstline.common.text import clean_text
from firstline.survey.models import Channel, Outcome, SurveyVisit


@transaction.atomic
def visit_record(
    *,
    acting_user,
    household: Area,
    outcome: str,
    channel: str = Channel.DOOR,
    note: str = "",
    visited_at: dt.datetime | None = None,
) -> SurveyVisit:
    require(acting_user, Perm.VISIT_RECORD, household.path)
    if household.kind != AreaKind.HOUSEHOLD:
        raise ValidationError(_("Visits are recorded per household."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    note = clean_text(note, field="note", max_length=300)
    visited_at = visited_at or timezone.now()
    if timezone.is_naive(visited_at):
        raise ValidationError({"visited_at": _("The time must carry a time zone.")})
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("A visit cannot be in the future.")})
    visit = SurveyVisit.objects.create(
        household=household,
        outcome=outcome,
        channel=channel,
        note=note,
        visited_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        visited_at=visited_at,
    )
    audit_record(
        actor=acting_user,
        action="visit.record",
        target=visit,
        area_path=household.path,
        changes={"outcome": outcome, "channel": channel},
    )
    return visit
