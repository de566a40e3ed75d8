"""The start page: the day's work of the signed-in user, one tap from sign-in.

Each role gets its part (a user with several roles gets each of them): staff the open rounds'
coverage, the next call-down wave and the positives waiting; building and unit leaders who is
missing in each of their buildings; volunteers their desk (remembered on the device by today.js)
and the door-to-door tasks; the lab the box-receive scan. Every part is one selector of
`testing.today`; the notices and the user's areas close the page.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from firstline.accounts.scope import resident_only
from firstline.areas.selectors import area_roots_for
from firstline.followups.selectors import antigen_households
from firstline.notices.selectors import notices_for, unread_count
from firstline.testing import today
from firstline.testing.today import HomeKind
from firstline.web.views.resident import resident_home


def _common(request) -> dict:
    return {
        "roots": area_roots_for(user=request.user),
        # Notices: the unread count and the latest few; residents get the antigen entry up front.
        "unread_notices": unread_count(user=request.user),
        "latest_notices": list(notices_for(user=request.user)[:3]),
        "antigen_doors": antigen_households(user=request.user),
    }


@login_required
def home(request):
    if resident_only(request.user):
        return resident_home(request)
    user = request.user
    kinds = today.home_kinds(user=user)
    if kinds <= {HomeKind.RESIDENT}:
        # A user with no grant yet: the notices and a word on whom to ask.
        return render(request, "web/home.html", _common(request))
    context = _common(request)
    context.update(
        {
            "kinds": kinds,
            "staff": today.staff_today(user=user) if HomeKind.STAFF in kinds else [],
            "leader": today.leader_today(user=user) if HomeKind.LEADER in kinds else None,
            "volunteer": today.volunteer_today(user=user) if HomeKind.VOLUNTEER in kinds else None,
            "lab_on_the_way": today.lab_today(user=user) if HomeKind.LAB in kinds else None,
        }
    )
    return render(request, "web/home.html", context)
