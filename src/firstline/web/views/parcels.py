"""Gate parcels: the gate desk (register fast by door or code, disinfect several at once), the board
of every parcel's state, the courier's queue by building and floor with delivery confirmed by the
resident's code or a photo, the delivery split with a bar per volunteer, printable lists, and the
day's XLSX export."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.doors import door_pick, door_search, picker_site
from firstline.areas.models import Area
from firstline.areas.selectors import door_label
from firstline.parcels import selectors, services
from firstline.parcels.export import parcels_export
from firstline.parcels.models import WeightClass
from firstline.parcels.selectors import BOARD_COLUMNS
from firstline.web.errors import flash_errors, submit
from firstline.web.views.doors import door_picker

COLUMN_LABELS = {
    "registered": gettext_lazy("Registered"),
    "holding": gettext_lazy("Holding"),
    "deliverable": gettext_lazy("Deliverable"),
    "out": gettext_lazy("Out for delivery"),
    "delivered": gettext_lazy("Delivered today"),
    "returned": gettext_lazy("Returned to the gate"),
}
COLUMN_BADGES = {
    "registered": "badge-muted",
    "holding": "badge-info",
    "deliverable": "badge-ok",
    "out": "badge-warn",
    "delivered": "badge-ok",
    "returned": "badge-danger",
}


def _site(request):
    return selectors.parcel_site(user=request.user, pk=request.GET.get("site") or request.POST.get("site"))


def _chosen_household(request, site: Area) -> Area | None:
    """The door of the desk's form: picked, or typed ('3-2-603') and naming exactly one door."""
    pk = request.POST.get("household")
    if pk:
        return selectors.parcel_door(user=request.user, pk=pk)
    typed = request.POST.get("door_q", "").strip()
    if typed:
        found = door_search(user=request.user, within=site, query=typed, perm=Perm.PARCEL_HANDLE, limit=2)
        if len(found) == 1:
            return found[0]
        raise ValidationError(
            {"household": _("No single door is called “%(door)s”; pick it from the list.") % {"door": typed}}
        )
    return None


@login_required
def parcels_desk(request):
    site = _site(request)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST

        def write():
            household = _chosen_household(request, site)
            return services.parcel_register(
                acting_user=request.user,
                household=household,
                code_payload=request.POST.get("code", ""),
                description=request.POST.get("description", ""),
                count=request.POST.get("count", "1"),
                weight_class=request.POST.get("weight_class", WeightClass.LIGHT),
                label_photo=request.FILES.get("label_photo"),
                client_key=request.POST.get("client_key", ""),
            )

        done = submit(write)
        if done:
            parcel = done.result
            messages.success(
                request,
                _("Registered: %(what)s ×%(count)d for %(door)s.")
                % {"what": parcel.description, "count": parcel.count, "door": door_label(parcel.household)},
            )
            return redirect(f"{reverse('web:parcels_desk')}?site={site.pk}")
        errors = done.errors
    board = selectors.parcel_board(user=request.user, site=site, column="registered", rows=200)
    response = render(
        request,
        "web/parcels/desk.html",
        {
            "site": site,
            "sites": selectors.parcel_sites(user=request.user),
            "pick": door_picker(request, site, perm=Perm.PARCEL_HANDLE),
            "picker_url": reverse("web:parcels_doors", args=[site.pk]),
            "errors": errors,
            "values": values,
            "weights": WeightClass.choices,
            # One key a form: a second tap on "register" finds the parcel the first one registered.
            "client_key": values.get("client_key") or uuid.uuid4().hex,
            "waiting": [(p, door_label(p.household)) for p in board.parcels],
            "counts": board.counts,
        },
        status=422 if errors else 200,
    )
    return response


@login_required
def parcels_doors(request, pk: int):
    """The desk's door picker below its building choice, for htmx, in the user's areas for parcels
    (the ledger's own partial asks for the right to correct households, which volunteers lack)."""
    within = picker_site(user=request.user, pk=pk, perm=Perm.PARCEL_HANDLE)
    source = request.GET.get("door_from", "")
    pick = door_pick(
        user=request.user,
        within=within,
        perm=Perm.PARCEL_HANDLE,
        block=request.GET.get("door_block") if source != "q" else None,
        unit=request.GET.get("door_unit") if source != "q" else None,
        query=request.GET.get("door_q", "") if source == "q" else "",
    )
    return render(
        request,
        "web/_door_pick.html",
        {"pick": pick, "picker_url": reverse("web:parcels_doors", args=[within.pk])},
    )


@login_required
@require_POST
def parcels_disinfect(request):
    site = _site(request)
    ids = [pk for pk in request.POST.getlist("parcel") if pk.isdigit()]
    done = submit(lambda: services.parcels_disinfect(acting_user=request.user, parcel_ids=ids))
    if done:
        messages.success(
            request,
            _("%(count)d parcels disinfected; deliverable after %(minutes)d minutes.")
            % {"count": done.result, "minutes": services.hold_minutes()},
        )
    else:
        flash_errors(request, done.errors)
    return redirect(f"{reverse('web:parcels_desk')}?site={site.pk}")


@login_required
def parcels_board(request):
    site = _site(request)
    board = selectors.parcel_board(user=request.user, site=site, column=request.GET.get("state", ""))
    return render(
        request,
        "web/parcels/board.html",
        {
            "site": site,
            "sites": selectors.parcel_sites(user=request.user),
            "board": board,
            "columns": [
                (c, COLUMN_LABELS[c], board.counts.get(c, 0), COLUMN_BADGES[c]) for c in BOARD_COLUMNS
            ],
            "rows": [
                (p, door_label(p.household), p.shown_state, p.is_overdue(board.now)) for p in board.parcels
            ],
            "labels": COLUMN_LABELS,
            "can_plan": can(request.user, Perm.DELIVERY_PLAN, site.path),
        },
    )


def _left(parcel, now) -> str:
    if parcel.hold_until and parcel.hold_until > now:
        return services.time_left_words(parcel.hold_until - now)
    return ""


@login_required
def parcels_queue(request):
    site = _site(request)
    queue = selectors.courier_queue(user=request.user, site=site, block_id=request.GET.get("block"))
    # The parcel's address prefix is built once: reversing two URLs per parcel costs more than the rest.
    prefix = reverse("web:parcels_deliver", args=[0]).removesuffix("0/deliver/")
    wait = _("wait %(left)s")
    floors = [
        (
            floor,
            [
                (
                    p,
                    door_label(p.household),
                    wait % {"left": left} if (left := _left(p, queue.now)) else "",
                    f"{prefix}{p.pk}/",
                )
                for p in parcels
            ],
        )
        for floor, parcels in queue.floors
    ]
    return render(request, "web/parcels/queue.html", {"site": site, "queue": queue, "floors": floors})


def _back_to_queue(request, parcel):
    return redirect(f"{reverse('web:parcels_queue')}?site={parcel.compound_id}&block={parcel.block_id}")


@login_required
@require_POST
def parcels_deliver(request, pk: int):
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    done = submit(
        lambda: services.parcel_deliver(
            acting_user=request.user,
            parcel=parcel,
            code_payload=request.POST.get("code", ""),
            photo=request.FILES.get("photo"),
        )
    )
    if done:
        messages.success(request, _("Delivered to %(door)s.") % {"door": door_label(parcel.household)})
    else:
        flash_errors(request, done.errors)
    return _back_to_queue(request, parcel)


@login_required
@require_POST
def parcels_return(request, pk: int):
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    done = submit(
        lambda: services.parcel_return(
            acting_user=request.user, parcel=parcel, reason=request.POST.get("reason", "")
        )
    )
    if done:
        messages.success(request, _("Back at the gate: %(door)s.") % {"door": door_label(parcel.household)})
    else:
        flash_errors(request, done.errors)
    return _back_to_queue(request, parcel)


@login_required
def parcels_photo(request, pk: int, kind: str):
    """A parcel's label photo or its photo at the door, for those who handle that door's parcels
    (kept outside any public folder)."""
    data = selectors.parcel_photo(user=request.user, pk=pk, kind=kind)
    kind = (
        "image/jpeg"
        if data.startswith(b"\xff\xd8")
        else "image/png"
        if data.startswith(b"\x89PNG")
        else "image/webp"
    )
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _minutes(seconds: int) -> int:
    return -(-seconds // 60)


def _split_context(request, site, *, assigned: bool = False):
    if assigned:
        view = selectors.assigned_split(user=request.user, site=site)
    else:
        view = selectors.delivery_split(user=request.user, site=site, volunteer_ids=request.GET.getlist("v"))
    plan = view.plan
    widest = max([plan.makespan, plan.lower_bound, 1])
    shares = []
    for share in plan.shares:
        volunteer = view.volunteers[share.volunteer]
        stops = []
        for job in share.jobs:
            for pk in job.parcels:
                parcel = view.parcels[pk]
                stops.append((parcel, door_label(parcel.household)))
        shares.append(
            {
                "volunteer": volunteer,
                "name": volunteer.get_full_name() or volunteer.username,
                "minutes": _minutes(share.load),
                "percent": round(100 * share.load / widest),
                "stops": stops,
                "doors": sum(job.doors for job in share.jobs),
                "buildings": len(share.buildings),
            }
        )
    return {
        "site": site,
        "plan": plan,
        "shares": shares,
        "makespan": _minutes(plan.makespan),
        "bound": _minutes(plan.lower_bound),
        "bound_percent": round(100 * plan.lower_bound / widest),
        "parcels": len(view.parcels),
        "view": view,
        "assigned": assigned,
    }


@login_required
def parcels_split(request):
    site = _site(request)
    context = _split_context(request, site)
    if request.method == "POST":
        view = context["view"]
        done = submit(
            lambda: services.delivery_split_assign(
                acting_user=request.user, compound=site, assignment=view.assignment()
            )
        )
        if done:
            messages.success(
                request, _("%(count)d parcels given to their couriers.") % {"count": done.result}
            )
        else:
            flash_errors(request, done.errors)
        return redirect(f"{reverse('web:parcels_split')}?site={site.pk}")
    return render(request, "web/parcels/split.html", context)


@login_required
def parcels_split_print(request):
    site = _site(request)
    # After assigning, the lists of what each courier carries now; before, the plan proposed.
    assigned = request.GET.get("plan") != "1" and selectors.parcels_out_exist(site=site)
    return render(request, "web/parcels/split_print.html", _split_context(request, site, assigned=assigned))


@login_required
def parcels_export_day(request):
    site = _site(request)
    day = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else day
    except ValueError:
        pass
    data, _rows = parcels_export(acting_user=request.user, site=site, day=day)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="parcels-{day.isoformat()}.xlsx"'
    return response
