"""The survey lists of an area: never reached, second visit due, vulnerable people by door."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.selectors import area_get
from firstline.people.models import VulnerabilityTag
from firstline.survey import selectors
from firstline.survey.models import Channel, Outcome
from firstline.web.views.common import breadcrumbs

LISTS = {
    "never": _("Households never reached"),
    "second": _("Households due a second visit"),
    "vulnerable": _("Vulnerable people"),
}


@login_required
def survey_list(request, pk: int):
    area = area_get(user=request.user, pk=pk)
    which = request.GET.get("list") if request.GET.get("list") in LISTS else "never"
    tag = request.GET.get("tag") if request.GET.get("tag") in VulnerabilityTag.values else None
    if which == "never":
        rows = selectors.households_never_reached(user=request.user, area=area)
    elif which == "second":
        rows = selectors.households_due_second_visit(user=request.user, area=area)
    else:
        rows = selectors.vulnerable_by_stairwell(user=request.user, area=area, tag=tag)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "web/survey/list.html",
        {
            "area": area,
            "crumbs": breadcrumbs(request.user, area),
            "which": which,
            "title": LISTS[which],
            "lists": LISTS,
            "page": page,
            "tag": tag,
            "tags": VulnerabilityTag.choices,
            "can_visit": can(request.user, Perm.VISIT_RECORD, area.path),
            "outcomes": Outcome.choices,
            "channels": Channel.choices,
        },
    )
