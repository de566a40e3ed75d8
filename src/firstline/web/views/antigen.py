"""Antigen self-tests (a household reports its result; a leader or staff member reports for a door)
and the follow-ups that positives open for staff. Also the testing section of the household page."""

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import area_get, area_roots_for, door_labels
from firstline.followups import selectors as followups_selectors
from firstline.followups import services as followups_services
from firstline.followups.models import AntigenReport, FollowUp
from firstline.people.selectors import household_members, query_is_private
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.web.errors import flash_errors, submit


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def antigen_form(request, household: Area, *, members=None, values=None, errors=None) -> dict:
    """What the antigen form of one household needs: its members, a fresh one-time key, defaults."""
    values = dict(values or {})
    values.setdefault("client_key", uuid.uuid4().hex)
    values.setdefault("taken_at", _now_local())
    if members is None:
        members = list(household_members(user=request.user, household=household))
    return {
        "household": household,
        "members": [r.person for r in members],
        "values": values,
        "errors": errors or {},
    }


def household_testing_context(request, household: Area, members: list) -> dict:
    """The testing section of the household page: each resident's state in the open rounds, the
    antigen form (for those who may report) and the household's latest antigen reports."""
    rounds = rounds_selectors.household_open_rounds(user=request.user, household=household)
    states = []
    for round in rounds:
        people = capture_selectors.household_testing(user=request.user, household=household, round=round)
        states.append({"round": round, "people": [(p, p.state.label) for p in people]})
    can_report = can(request.user, Perm.ANTIGEN_REPORT, household.path)
    return {
        "testing_rounds": states,
        # A resident reads their household's states but has no round page: the round is named, not linked.
        "can_open_round": can(request.user, Perm.TESTING_VIEW, household.path),
        "antigen": antigen_form(request, household, members=members) if can_report else None,
        "antigen_recent": list(followups_selectors.antigen_reports(user=request.user, area=household)[:5]),
        "antigen_results": AntigenReport.Result.choices,
    }


@login_required
def antigen_report(request):
    """A resident's form for their household; for a leader or staff member, finding the door first."""
    reach = followups_selectors.antigen_reach(user=request.user)
    if request.method == "POST":
        # The door finder posts, so that an ID number typed into it by mistake stays out of the
        # address (and the logs): a door comes back as a link; anything else finds no door.
        query = request.POST.get("q", "").strip()
        if query and not query_is_private(query):
            response = HttpResponseRedirect(f"{reverse('web:antigen_report')}?{urlencode({'q': query})}")
            response.status_code = 303
            return response
        return _page(
            request,
            forms=[antigen_form(request, h) for h in reach.own],
            reach=reach,
            notice=_("Find the household by its door, e.g. 1-2-501.") if query else "",
        )
    chosen = None
    if request.GET.get("household"):
        chosen = followups_selectors.antigen_household_get(user=request.user, pk=request.GET["household"])
    forms = [antigen_form(request, h) for h in ([chosen] if chosen else reach.own)]
    return _page(request, forms=forms, reach=reach)


def _page(request, *, forms, reach, status=200, notice=""):
    query = "" if request.method == "POST" else request.GET.get("q", "").strip()
    if query_is_private(query):
        query, notice = "", _("Find the household by its door, e.g. 1-2-501.")
    wider = reach.wider  # the user reports for more than their own doors
    found = (
        followups_selectors.antigen_household_find(user=request.user, query=query) if wider and query else []
    )
    for form in forms:
        form["recent"] = list(
            followups_selectors.antigen_reports(user=request.user, area=form["household"])[:5]
        )
    labels = door_labels(household_ids=[f["household"].pk for f in forms] + [h.pk for h in found])
    for form in forms:
        form["label"] = labels.get(form["household"].pk, form["household"].name)
    return render(
        request,
        "web/antigen/report.html",
        {
            "forms": forms,
            "wider": wider,
            "query": query,
            "notice": notice,
            "found": [(h, labels.get(h.pk, h.name)) for h in found],
            "areas": [
                a
                for a in area_roots_for(user=request.user, perm=Perm.ANTIGEN_REPORT)
                if a.kind != AreaKind.HOUSEHOLD
            ],
            "results": AntigenReport.Result.choices,
        },
        status=status,
    )


def _taken_at(raw: str) -> dt.datetime | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError({"taken_at": _("Give the day and time the test was taken.")}) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


@login_required
@require_POST
def antigen_household(request, pk: int):
    """Record a household's antigen result. The form's hidden key makes a second send store nothing."""
    household = area_get(user=request.user, pk=pk, kind=AreaKind.HOUSEHOLD)
    members = list(household_members(user=request.user, household=household))
    values = {
        key: request.POST.get(key, "") for key in ("result", "person", "taken_at", "note", "client_key")
    }

    def record():
        person = None
        if values["person"]:
            person = next((r.person for r in members if str(r.person_id) == values["person"]), None)
            if person is None:
                raise ValidationError({"person": _("Choose someone who lives in this household.")})
        return followups_services.antigen_report(
            acting_user=request.user,
            household=household,
            result=values["result"],
            client_key=values["client_key"],
            person=person,
            taken_at=_taken_at(values["taken_at"]),
            note=values["note"],
        )

    done = submit(record)
    if not done:
        form = antigen_form(request, household, members=members, values=values, errors=done.errors)
        return _page(
            request,
            forms=[form],
            reach=followups_selectors.antigen_reach(user=request.user),
            status=done.status,
        )
    report = done.result
    if report.result == AntigenReport.Result.POSITIVE:
        messages.warning(
            request,
            _(
                "The positive result was recorded. The building leaders and community staff of this door "
                "were told; "
                "stay at home, a staff member will call you."
            ),
        )
    else:
        messages.success(
            request, _("The result was recorded: %(result)s.") % {"result": report.get_result_display()}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:antigen_report") + f"?household={household.pk}"
    return redirect(target)


@login_required
def antigen_list(request, pk: int):
    """Antigen reports under an area, newest first; positives stand out."""
    area = area_get(user=request.user, pk=pk)
    reports = followups_selectors.antigen_reports(user=request.user, area=area)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    labels = door_labels(household_ids={r.household_id for r in page})
    return render(
        request,
        "web/antigen/list.html",
        {
            "area": area,
            "page": page,
            "rows": [(r, labels.get(r.household_id, r.household.name)) for r in page],
        },
    )


# --------------------------------------------------------------------------------------------
# Follow-ups


def _why(follow_up: FollowUp) -> str:
    if follow_up.reason == FollowUp.Reason.POSITIVE and follow_up.sample_id:
        return _("Positive single tube %(tube)s") % {"tube": follow_up.sample.tube.code}
    return follow_up.get_reason_display()


@login_required
def followups(request):
    """Open follow-ups with a closing form each; the latest closed ones below."""
    open_ones, closed = followups_selectors.follow_up_lists(user=request.user)
    labels = door_labels(household_ids={f.household_id for f in open_ones + closed})
    rows = lambda items: [(f, labels.get(f.household_id, f.household.name), _why(f)) for f in items]  # noqa: E731
    return render(request, "web/antigen/followups.html", {"open": rows(open_ones), "closed": rows(closed)})


@login_required
@require_POST
def followup_close(request, pk: int):
    follow_up = followups_selectors.follow_up_get(user=request.user, pk=pk)
    done = submit(
        lambda: followups_services.follow_up_close(
            acting_user=request.user, follow_up=follow_up, note=request.POST.get("note", "")
        )
    )
    if done:
        messages.success(request, _("The follow-up was closed."))
    else:
        flash_errors(request, done.errors)
    return redirect("web:followups")
