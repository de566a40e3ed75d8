"""Help request pages: the queue, intake, a request with its timeline and actions, the volunteer's
errands, errand groups, the export, the building's poster; the public help page by code, the
one-time confirmation and the resident's own requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.doors import picker_site
from firstline.areas.models import BLOCK_KINDS, AreaKind
from firstline.areas.selectors import (
    area_effective_risk,
    area_get,
    area_named,
    compound_by_public_token,
    door_label,
)
from firstline.areas.services import area_public_token_ensure
from firstline.common.identity import mask_phone
from firstline.errands import export, selectors, services
from firstline.errands.models import BRANDED_CATEGORIES, HelpCategory, HelpRequest, HelpState
from firstline.errands.urgency import Urgency, due_minutes
from firstline.people.selectors import person_get
from firstline.registration import codes
from firstline.web.errors import flash_errors, submit
from firstline.web.views.doors import door_picker

PAGE = 50


def _choices() -> dict:
    return {
        "categories": HelpCategory.choices,
        "urgencies": [(v, label, due_minutes(v) // 60) for v, label in Urgency.choices],
        "states": HelpState.choices,
        "branded": sorted(BRANDED_CATEGORIES),
    }


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
def queue(request):
    filters = selectors.QueueFilter(
        state=request.GET.get("state", "") if request.GET.get("state") in HelpState.values else "",
        category=request.GET.get("category", "")
        if request.GET.get("category") in HelpCategory.values
        else "",
        block_id=_int(request.GET.get("block")),
    )
    page = max(_int(request.GET.get("page")) or 1, 1)
    rows, more = selectors.request_queue(
        user=request.user, filters=filters, offset=(page - 1) * PAGE, size=PAGE
    )
    now = timezone.now()
    return render(
        request,
        "web/errands/queue.html",
        {
            "rows": [
                (r, door_label(r.household), selectors.is_overdue(r, now), selectors.door_risk(r.household))
                for r in rows
            ],
            "filters": filters,
            "blocks": selectors.queue_blocks(user=request.user),
            "page": page,
            "more": more,
            "manage": selectors.manages_any(user=request.user),
            **_choices(),
        },
    )


def _fields(post) -> dict:
    return {
        "category": post.get("category", ""),
        "urgency": post.get("urgency", ""),
        "details": post.get("details", ""),
        "brand": post.get("brand", ""),
        "maker": post.get("maker", ""),
    }


@login_required
def new(request):
    """Intake by staff on the phone or by a building leader: the door from the picker or typed."""
    selectors.intake_scope(user=request.user)
    site_id = _int(request.GET.get("site") or request.POST.get("site"))
    within = picker_site(user=request.user, pk=site_id, perm=Perm.HELP_REQUEST) if site_id else None
    errors, status = {}, 200
    if within is None:
        sites = selectors.intake_sites(user=request.user)
        if len(sites) == 1:
            within = sites[0]
        else:
            return render(request, "web/errands/sites.html", {"sites": sites})
    if request.method == "POST":

        def create():
            household = area_named(
                user=request.user,
                pk=request.POST.get("household"),
                field="household",
                perm=Perm.HELP_REQUEST,
                kind=AreaKind.HOUSEHOLD,
            )
            person_id = _int(request.POST.get("person"))
            person = person_get(user=request.user, pk=person_id) if person_id else None
            return services.request_create(
                acting_user=request.user,
                household=household,
                person=person,
                channel=selectors.intake_channel(user=request.user, household=household),
                **_fields(request.POST),
            )

        done = submit(create)
        if done:
            messages.success(
                request,
                _("Request taken. Due by %(due)s.")
                % {"due": timezone.localtime(done.result.due_at).strftime("%H:%M")},
            )
            return redirect("web:errands_request", pk=done.result.pk)
        errors, status = done.errors, done.status
    return render(
        request,
        "web/errands/new.html",
        {
            "pick": door_picker(request, within, perm=Perm.HELP_REQUEST),
            "site": within,
            "errors": errors,
            "values": request.POST,
            **_choices(),
        },
        status=status,
    )


def _act(request, found: HelpRequest):
    action = request.POST.get("action", "")
    user = request.user
    if action == "triage":
        person_id = _int(request.POST.get("person"))
        return services.request_triage(
            acting_user=user,
            request=found,
            category=request.POST.get("category", ""),
            urgency=request.POST.get("urgency", ""),
            brand=request.POST.get("brand"),
            maker=request.POST.get("maker"),
            person=person_get(user=user, pk=person_id) if person_id else None,
        )
    if action == "take":
        return services.request_assign(acting_user=user, request=found, user=user)
    if action == "assign":
        worker, group = selectors.assignee_named(target=request.POST.get("assignee", ""))
        return services.request_assign(acting_user=user, request=found, user=worker, group=group)
    if action == "note":
        return services.request_note(acting_user=user, request=found, text=request.POST.get("text", ""))
    if action == "done":
        return services.request_done(acting_user=user, request=found, text=request.POST.get("text", ""))
    if action == "cancel":
        return services.request_cancel(acting_user=user, request=found, reason=request.POST.get("reason", ""))
    if action == "offer":
        return services.offer_create(acting_user=user, request=found, text=request.POST.get("text", ""))
    if action == "confirm":
        return services.request_confirm(
            acting_user=user,
            request=found,
            rating=request.POST.get("rating"),
            note=request.POST.get("note", ""),
        )
    from django.core.exceptions import ValidationError

    raise ValidationError(_("Choose what to do."))


@login_required
def detail(request, pk: int):
    found = selectors.request_get(user=request.user, pk=pk, perm=Perm.HELP_REQUEST)
    errors, status = {}, 200
    if request.method == "POST":
        done = submit(lambda: _act(request, found))
        if done:
            messages.success(request, _("Saved."))
            return redirect("web:errands_request", pk=found.pk)
        errors, status = done.errors, done.status
        found = selectors.request_get(user=request.user, pk=pk, perm=Perm.HELP_REQUEST)
    can_manage = can(request.user, Perm.HELP_MANAGE, found.household_path)
    can_work = can(request.user, Perm.HELP_WORK, found.household_path)
    return render(
        request,
        "web/errands/request.html",
        {
            "r": found,
            "door": door_label(found.household),
            "risk": area_effective_risk(area=found.household),
            "overdue": selectors.is_overdue(found),
            "timeline": selectors.request_timeline(request=found),
            "offers": selectors.request_offers(request=found),
            "groups": selectors.groups_for_request(request=found) if can_manage else [],
            "workers": selectors.workers_for(request=found) if can_manage else [],
            "members": selectors.household_members(household=found.household) if can_manage else [],
            "manage": can_manage,
            "work": can_work,
            "confirm_url": request.build_absolute_uri(
                reverse("web:errands_confirm", args=[found.confirm_token])
            )
            if can_manage and found.is_open
            else "",
            "errors": errors,
            **_choices(),
        },
        status=status,
    )


@login_required
def offer(request, pk: int):
    """Staff accept, decline or unmatch a neighbour's offer (POST only)."""
    found = selectors.offer_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("web:errands_request", pk=found.request_id)
    action = request.POST.get("action")
    step = {
        "accept": services.offer_accept,
        "decline": services.offer_decline,
        "unmatch": services.offer_unmatch,
    }.get(action)

    def run():
        if step is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Choose accept, decline or unmatch."))
        if action == "accept":
            return step(acting_user=request.user, offer=found)
        return step(acting_user=request.user, offer=found, reason=request.POST.get("reason", ""))

    done = submit(run)
    if not done:
        flash_errors(request, done.errors)
    return redirect("web:errands_request", pk=found.request_id)


@login_required
def mine(request):
    """The volunteer's errands: what they (or their groups) carry, most urgent first."""
    rows = selectors.my_errands_page(user=request.user)
    now = timezone.now()
    return render(
        request,
        "web/errands/mine.html",
        {
            "rows": [
                (r, door_label(r.household), selectors.is_overdue(r, now), selectors.door_risk(r.household))
                for r in rows
            ]
        },
    )


@login_required
def groups(request):
    selectors.manage_scope(user=request.user)
    errors, status = {}, 200
    if request.method == "POST":

        def create():
            area = area_named(
                user=request.user, pk=request.POST.get("area"), field="area", perm=Perm.HELP_MANAGE
            )
            ids = [_int(v) for v in request.POST.getlist("members") if _int(v)]
            return services.group_create(
                acting_user=request.user,
                area=area,
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                leader_phone=request.POST.get("leader_phone", ""),
                members=selectors.active_users(ids=ids),
            )

        done = submit(create)
        if done:
            messages.success(request, _("Group made."))
            return redirect("web:errands_groups")
        errors, status = done.errors, done.status
    return render(
        request,
        "web/errands/groups.html",
        {
            "groups": [
                (g, mask_phone(g.phone))
                for g in selectors.groups_visible(user=request.user).select_related("area")[:200]
            ],
            "areas": selectors.group_areas(user=request.user),
            "volunteers": selectors.volunteers_under(user=request.user),
            "errors": errors,
            "values": request.POST,
        },
        status=status,
    )


@login_required
def export_log(request):
    selectors.manage_scope(user=request.user)
    if request.method != "POST":
        return render(request, "web/errands/export.html")
    data, _rows = export.request_log_export(acting_user=request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="help-requests.xlsx"'
    return response


@login_required
def poster(request, pk: int):
    """A building's A4 poster: the errand group's and the leader's phones (their own, posted on
    purpose) and the QR code of the compound's help page."""
    building = area_get(user=request.user, pk=pk, kind=BLOCK_KINDS, perm=Perm.HELP_MANAGE)
    site = selectors.site_of(area=building)
    token = area_public_token_ensure(acting_user=request.user, compound=site)
    url = request.build_absolute_uri(reverse("web:errands_public", args=[token]))
    return render(
        request,
        "web/errands/poster.html",
        {
            "building": building,
            "site": site,
            "groups": selectors.groups_over(area=building),
            "leaders": selectors.leaders_of(area=building),
            "url": url,
            "qr": codes.qr_svg(url, scale=8),
        },
    )


# Public pages ----------------------------------------------------------------------------------


def public_help(request, token: str):
    """The help page behind the poster's QR code: the resident's code says who asks."""
    compound = compound_by_public_token(token=token)
    errors, status = {}, 200
    if request.method == "POST":
        if request.POST.get("website"):  # the honeypot
            return render(
                request, "web/errands/public_thanks.html", {"compound": compound, "confirm_url": ""}
            )
        done = submit(
            lambda: services.request_create_public(
                compound=compound, code=request.POST.get("code", ""), **_fields(request.POST)
            )
        )
        if done:
            confirm_url = request.build_absolute_uri(
                reverse("web:errands_confirm", args=[done.result.confirm_token])
            )
            return render(
                request,
                "web/errands/public_thanks.html",
                {"compound": compound, "r": done.result, "confirm_url": confirm_url},
            )
        errors, status = done.errors, done.status
    return render(
        request,
        "web/errands/public.html",
        {"compound": compound, "errors": errors, "values": request.POST, **_choices()},
        status=status,
    )


def confirm(request, token: str):
    """The household's one-time link: say the help arrived and rate it."""
    found = selectors.request_by_token(token=token)
    errors, status = {}, 200
    if request.method == "POST":
        done = submit(
            lambda: services.request_confirm_by_link(
                token=token, rating=request.POST.get("rating"), note=request.POST.get("note", "")
            )
        )
        if done:
            found = done.result
        else:
            errors, status = done.errors, done.status
    return render(
        request,
        "web/errands/confirm.html",
        {"r": found, "errors": errors, "stars": range(1, 6)},
        status=status,
    )


@login_required
def resident(request):
    """A signed-in resident's help: ask for their household, see their requests, confirm and rate."""
    homes = selectors.resident_homes(user=request.user)
    home = next((h for h in homes if h.pk == _int(request.POST.get("household"))), homes[0])
    errors, status = {}, 200
    neighbours = selectors.neighbours_requests(user=request.user, households=homes)
    if request.method == "POST" and request.POST.get("action") == "offer":
        wanted = selectors.neighbour_request(requests=neighbours, pk=request.POST.get("request"))
        done = submit(
            lambda: services.offer_create(
                acting_user=request.user, request=wanted, text=request.POST.get("text", "")
            )
        )
        if done:
            messages.success(request, _("Thank you: staff will call you about your offer."))
        else:
            flash_errors(request, done.errors)
        return redirect("web:errands_resident")
    if request.method == "POST":
        done = submit(
            lambda: services.request_create(
                acting_user=request.user, household=home, channel="resident", **_fields(request.POST)
            )
        )
        if done:
            messages.success(
                request,
                _("Your request is sent. Due by %(due)s.")
                % {"due": timezone.localtime(done.result.due_at).strftime("%H:%M")},
            )
            return redirect("web:errands_resident")
        errors, status = done.errors, done.status
    return render(
        request,
        "web/errands/resident.html",
        {
            "home": home,
            "door": door_label(home),
            "requests": selectors.household_requests(household=home),
            "neighbours": neighbours,
            "errors": errors,
            "values": request.POST,
            "stars": range(1, 6),
            **_choices(),
        },
        status=status,
    )
