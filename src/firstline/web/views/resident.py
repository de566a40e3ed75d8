"""A resident's own page: their household, each member's personal code and the family code (the
same signed codes the desk scans), each member's latest result, the antigen report and their notices;
and a code alone on the screen, to hold up to the desk's scanner."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from firstline.areas.selectors import door_labels
from firstline.common.identity import mask_name, mask_phone
from firstline.notices.selectors import notices_for, unread_count
from firstline.registration import codes
from firstline.registration import services as registration_services
from firstline.testing.capture import selectors as capture_selectors
from firstline.web.views.notices import with_links

# A sample's state as a badge of the design system (web/static/firstline/firstline.css).
STATE_BADGES = {
    "negative": "badge-ok",
    "pending": "badge-info",
    "pool_positive": "badge-danger",
    "positive": "badge-danger",
    "invalid": "badge-warn",
}


def _code_title(name: str, door: str) -> str:
    return _("Personal code of %(name)s, %(door)s") % {"name": mask_name(name), "door": door}


def _family_title(door: str) -> str:
    return _("Family code of %(door)s") % {"door": door}


@login_required
def resident_home(request):
    homes = registration_services.resident_homes(acting_user=request.user)
    labels = door_labels(household_ids=[h.household.pk for h in homes])
    latest = capture_selectors.latest_samples(
        user=request.user, people=[m.person for h in homes for m in h.members]
    )
    shown = []
    for home in homes:
        door = labels.get(home.household.pk, home.household.name)
        members = []
        for member in home.members:
            person = member.person
            sample = latest.get(person.pk)
            members.append(
                {
                    "person": person,
                    "residence": member.residence,
                    "phone_masked": mask_phone(person.phone),
                    "qr": codes.qr_svg_screen(member.payload, title=_code_title(person.name, door)),
                    "sample": sample,
                    "badge": STATE_BADGES.get(sample.state, "badge-muted") if sample else "",
                }
            )
        shown.append(
            {
                "household": home.household,
                "door": door,
                "members": members,
                "family_qr": codes.qr_svg_screen(home.family_payload, title=_family_title(door))
                if home.family_payload
                else "",
                "family_names": "、".join(home.family_names),
            }
        )
    return render(
        request,
        "web/resident/home.html",
        {
            "homes": shown,
            "unread_notices": unread_count(user=request.user),
            "latest_notices": with_links(request.user, list(notices_for(user=request.user)[:5])),
        },
    )


@login_required
def resident_code(request, pk: int):
    """One member's personal code alone on the screen."""
    home, member = registration_services.resident_member_get(acting_user=request.user, person_id=pk)
    door = door_labels(household_ids=[home.household.pk]).get(home.household.pk, home.household.name)
    return render(
        request,
        "web/resident/code.html",
        {
            "qr": codes.qr_svg_screen(member.payload, title=_code_title(member.person.name, door)),
            "name": mask_name(member.person.name),
            "door": door,
            "kind": _("Personal code"),
        },
    )


@login_required
def resident_family_code(request, pk: int):
    """The household's family code alone on the screen."""
    home = registration_services.resident_home_get(acting_user=request.user, household_id=pk)
    door = door_labels(household_ids=[home.household.pk]).get(home.household.pk, home.household.name)
    return render(
        request,
        "web/resident/code.html",
        {
            "qr": codes.qr_svg_screen(home.family_payload, title=_family_title(door))
            if home.family_payload
            else "",
            "name": "、".join(mask_name(n) for n in home.family_names),
            "door": door,
            "kind": _("Family code"),
        },
    )
