"""The start page: where the signed-in user works."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from firstline.accounts.scope import resident_only
from firstline.areas.selectors import area_roots_for
from firstline.followups.selectors import antigen_households
from firstline.notices.selectors import notices_for, unread_count
from firstline.web.views.resident import resident_home


@login_required
def home(request):
    if resident_only(request.user):
        return resident_home(request)
    return render(
        request,
        "web/home.html",
        {
            "roots": area_roots_for(user=request.user),
            # Notices: the unread count and the latest few; residents get the antigen entry up front.
            "unread_notices": unread_count(user=request.user),
            "latest_notices": list(notices_for(user=request.user)[:3]),
            "antigen_doors": antigen_households(user=request.user),
        },
    )
