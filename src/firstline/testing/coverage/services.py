"""Writes for coverage: exemptions (why a person is not expected in a round) and call-downs (a wave
of stairwells called to a sampling point).

Each function takes `acting_user`, checks the right on the area it touches, writes in one
transaction and records an audit row.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import require
from firstline.areas.models import Area
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict
from firstline.common.paths import is_within
from firstline.common.text import clean_text
from firstline.notices.models import NoticeKind
from firstline.notices.selectors import recipients_for, residents_under
from firstline.notices.services import notice_send
from firstline.people.models import Person, Residence
from firstline.testing.messages import call_down_message
from firstline.testing.models import (
    CallDown,
    Exemption,
    ExemptionReason,
    Round,
    RoundArea,
    RoundStatus,
    SamplingPoint,
)
from firstline.testing.rounds.services import check_served


def _current_home(person: Person) -> Area | None:
    residence = Residence.objects.filter(person=person, is_current=True).select_related("household").first()
    return residence.household if residence else None


def exemption_check(*, acting_user, round: Round, person: Person, reason: str, note: str = "") -> tuple:
    """What `exemption_set` would refuse, checked without writing: the call list asks before it
    exempts, and asks only about an exemption that would be accepted. (household, clean note)."""
    home = _current_home(person)
    if home is None:
        raise ValidationError(_("%(name)s has no current household.") % {"name": person.name})
    require(acting_user, Perm.TESTING_EXEMPT, home.path)
    if reason not in ExemptionReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    note = clean_text(note, field="note", max_length=200)
    if reason == ExemptionReason.OTHER and not note:
        raise ValidationError({"note": _("Say what the other reason is.")})
    if round.status == RoundStatus.CLOSED:
        raise Conflict(_("The round is closed."), code="round_closed")
    if not is_within(
        home.path, list(RoundArea.objects.filter(round=round).values_list("area__path", flat=True))
    ):
        raise ValidationError(
            _("%(name)s does not live in the areas of %(round)s.")
            % {"name": person.name, "round": round.name}
        )
    return home, note


@transaction.atomic
def exemption_set(*, acting_user, round: Round, person: Person, reason: str, note: str = "") -> Exemption:
    """Say why a person is not sampled in this round (away, in hospital, an infant, tested elsewhere)."""
    home, note = exemption_check(
        acting_user=acting_user, round=round, person=person, reason=reason, note=note
    )
    existing = Exemption.objects.filter(round=round, person=person).first()
    if existing:
        old = (existing.reason, existing.note)
        Exemption.objects.filter(pk=existing.pk).update(reason=reason, note=note, household_path=home.path)
        existing.refresh_from_db()
        if old != (reason, note):
            audit_record(
                actor=acting_user,
                action="testing.exemption.update",
                target=existing,
                area_path=home.path,
                changes={"reason": (old[0], reason), "note": (old[1], note), "person": person.pk},
            )
        return existing
    try:
        with transaction.atomic():
            exemption = Exemption.objects.create(
                round=round,
                person=person,
                reason=reason,
                note=note,
                household_path=home.path,
                created_by=acting_user,
            )
    except IntegrityError:  # recorded by someone else a moment ago
        return Exemption.objects.get(round=round, person=person)
    audit_record(
        actor=acting_user,
        action="testing.exemption.create",
        target=exemption,
        area_path=home.path,
        changes={"reason": reason, "person": person.pk},
    )
    return exemption


@transaction.atomic
def exemption_remove(*, acting_user, exemption: Exemption) -> None:
    require(acting_user, Perm.TESTING_EXEMPT, exemption.household_path)
    if Round.objects.filter(pk=exemption.round_id, status=RoundStatus.CLOSED).exists():
        raise Conflict(_("The round is closed."), code="round_closed")
    if Exemption.objects.filter(pk=exemption.pk).delete()[0]:
        audit_record(
            actor=acting_user,
            action="testing.exemption.remove",
            target_type="testing.exemption",
            target_id=exemption.pk,
            area_path=exemption.household_path,
            changes={"person": exemption.person_id, "reason": exemption.reason},
        )


@transaction.atomic
def call_down_issue(
    *, acting_user, round: Round, point: SamplingPoint, stairwells: list[Area], people_expected: int = 0
) -> CallDown:
    """Call a wave of stairwells down to a point: the message to read out or paste into the building
    groups is written, kept, and sent to the building and unit leaders of those stairwells."""
    require(acting_user, Perm.TESTING_MANAGE, point.compound.path)
    if round.status != RoundStatus.OPEN:
        raise Conflict(_("Call-downs are for an open round."), code="round_not_open")
    if not stairwells:
        raise ValidationError({"stairwells": _("Choose at least one building or unit.")})
    check_served(point.compound, stairwells, field="stairwells")
    tested = list(RoundArea.objects.filter(round=round).values_list("area__path", flat=True))
    for area in stairwells:
        if not is_within(area.path, tested):
            raise ValidationError(
                {
                    "stairwells": _("%(name)s is not tested in %(round)s.")
                    % {"name": area.name, "round": round.name}
                }
            )
    message = call_down_message(point=point, stairwells=stairwells)
    call = CallDown.objects.create(
        round=round,
        point=point,
        message=message,
        people_expected=max(0, int(people_expected)),
        called_by=acting_user,
        called_at=timezone.now(),
    )
    call.stairwells.set(stairwells)
    notice_send(
        acting_user=acting_user,
        area=point.compound,
        kind=NoticeKind.CALL_DOWN,
        title=message.split("\n")[0][:200],
        body=message,
        # The stairwells' leaders paste it into the chat groups; their residents with an account read it too.
        recipient_ids=sorted(
            {
                *recipients_for(paths=[a.path for a in stairwells], roles=[Role.BUILDING_LEADER]),
                *residents_under(paths=[a.path for a in stairwells]),
            }
        ),
        ref=f"testing.calldown:{call.pk}",
    )
    audit_record(
        actor=acting_user,
        action="testing.calldown",
        target=call,
        area_path=point.compound.path,
        changes={"stairwells": [a.pk for a in stairwells], "people": call.people_expected},
    )
    return call
