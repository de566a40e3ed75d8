"""Browsing the area tree: an area's page, its risk status, adding buildings, the building map."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas import selectors, services
from firstline.areas.models import CHILD_KINDS, KIND_ORDER, ROOT_KINDS, SITE_KINDS, AreaKind, RiskStatus
from firstline.imports.services import IMPORT_KINDS
from firstline.people.selectors import child_resident_counts
from firstline.survey.selectors import MapStatus, building_map
from firstline.web.errors import flash_errors, submit
from firstline.web.views.common import breadcrumbs, whole_number


@login_required
def area_detail(request, pk: int):
    area = selectors.area_get(user=request.user, pk=pk)
    if area.kind == AreaKind.HOUSEHOLD:
        return redirect("web:household", pk=area.pk)
    crumbs = breadcrumbs(request.user, area)
    children = list(selectors.area_children(user=request.user, area=area))
    residents = child_resident_counts(parent=area)
    households = selectors.child_household_counts(parent=area)
    for child in children:
        child.resident_count = residents.get(child.pk, 0)
        child.household_count = households.get(child.pk, 1 if child.kind == AreaKind.HOUSEHOLD else 0)
    return render(
        request,
        "web/areas/detail.html",
        {
            "area": area,
            "crumbs": crumbs,
            "effective_risk": selectors.area_effective_risk(area=area, ancestors=[c["area"] for c in crumbs]),
            "history": selectors.area_risk_history(user=request.user, area=area)[:10],
            "children": children,
            "total_residents": sum(residents.values()),
            "total_households": sum(households.values()),
            "can_risk": can(request.user, Perm.AREA_RISK, area.path),
            "can_add_building": area.kind == AreaKind.COMPOUND
            and can(request.user, Perm.AREA_EDIT, area.path),
            "can_add_inside": can(request.user, Perm.AREA_EDIT, area.path),
            "add_kinds": _add_kinds(area),
            "can_edit": can(request.user, Perm.AREA_EDIT, area.path),
            "can_import": area.kind in IMPORT_KINDS and can(request.user, Perm.LEDGER_IMPORT, area.path),
            "can_poster": area.kind in SITE_KINDS and can(request.user, Perm.AREA_EDIT, area.path),
            "can_export": can(request.user, Perm.LEDGER_EXPORT, area.path),
            "risk_choices": RiskStatus.choices,
            "survey_lists": area.kind not in (AreaKind.HOUSEHOLD,) and area.kind not in ROOT_KINDS,
        },
    )


@login_required
@require_POST
def area_set_risk(request, pk: int):
    area = selectors.area_get(user=request.user, pk=pk)
    done = submit(
        lambda: services.area_set_risk(
            acting_user=request.user,
            area=area,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    )
    if done:
        messages.success(
            request,
            _("The risk status of %(area)s is now %(status)s.")
            % {"area": area.name, "status": RiskStatus(done.result.risk_status).label},
        )
    else:
        flash_errors(request, done.errors)
    return redirect("web:area", pk=area.pk)


@login_required
@require_POST
def area_edit(request, pk: int):
    area = selectors.area_get(user=request.user, pk=pk)
    values = {"name": request.POST.get("name", ""), "note": request.POST.get("note", "")}
    if area.kind == AreaKind.BUILDING:
        values["has_lift"] = request.POST.get("has_lift") == "1"
        try:
            values["floors"] = int(request.POST.get("floors") or 0) or None
        except ValueError:
            values["floors"] = None
    done = submit(lambda: services.area_update(acting_user=request.user, area=area, values=values))
    if done:
        messages.success(request, _("Saved."))
    else:
        flash_errors(request, done.errors)
    return redirect("web:area", pk=area.pk)


def _add_kinds(area) -> list[tuple[str, str]]:
    """What may be added inside `area` by the form of its page (buildings have their own form)."""
    return [
        (kind, AreaKind(kind).label)
        for kind in KIND_ORDER
        if kind in CHILD_KINDS[AreaKind(area.kind)] and kind not in (AreaKind.BUILDING, AreaKind.UNIT)
    ]


@login_required
@require_POST
def area_add(request, pk: int):
    """Add a place inside an area: a community or a village (with its groups and houses), a compound,
    a village group, or a house (a scattered house of a community, a village's house)."""
    parent = selectors.area_get(user=request.user, pk=pk)
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "")
    whole = _("Groups and houses per group are whole numbers.")
    if kind == AreaKind.VILLAGE:
        done = submit(
            lambda: services.village_create(
                acting_user=request.user,
                parent=parent,
                name=name,
                groups=whole_number(request.POST.get("groups"), field="groups", message=whole),
                houses_per_group=whole_number(
                    request.POST.get("houses_per_group"), field="houses_per_group", message=whole
                ),
            )
        )
    elif kind == AreaKind.HOUSEHOLD:
        done = submit(
            lambda: services.area_create(
                acting_user=request.user, parent=parent, kind=kind, name=name, door=name
            )
        )
    else:
        done = submit(
            lambda: services.area_create(acting_user=request.user, parent=parent, kind=kind, name=name)
        )
    if done:
        messages.success(request, _("%(name)s was added.") % {"name": done.result.name})
    else:
        flash_errors(request, done.errors)
    return redirect("web:area", pk=parent.pk)


@login_required
@require_POST
def building_add(request, pk: int):
    compound = selectors.area_get(user=request.user, pk=pk, kind=AreaKind.COMPOUND)
    whole = _("Units, floors and doors per floor are whole numbers.")
    done = submit(
        lambda: services.building_create(
            acting_user=request.user,
            compound=compound,
            name=request.POST.get("name", ""),
            units=whole_number(request.POST.get("units"), field="units", message=whole),
            floors=whole_number(request.POST.get("floors"), field="floors", message=whole),
            doors_per_floor=whole_number(
                request.POST.get("doors_per_floor"), field="doors_per_floor", message=whole
            ),
            has_lift=request.POST.get("has_lift") == "1",
        )
    )
    if not done:
        flash_errors(request, done.errors)
        return redirect("web:area", pk=compound.pk)
    building = done.result
    messages.success(request, _("%(name)s was added with its doors.") % {"name": building.name})
    return redirect("web:building_map", pk=building.pk)


@login_required
def building_map_page(request, pk: int):
    building = selectors.area_get(user=request.user, pk=pk)
    plan = building_map(user=request.user, building=building)
    legend = [
        (MapStatus.SEALED, _("Sealed")),
        (MapStatus.VULNERABLE, _("Vulnerable member")),
        (MapStatus.NOT_REACHED, _("Not reached")),
        (MapStatus.REGISTERED, _("Registered")),
        (MapStatus.EMPTY, _("Empty")),
    ]
    return render(
        request,
        "web/areas/building_map.html",
        {
            "building": building,
            "crumbs": breadcrumbs(request.user, building),
            "plan": plan,
            "legend": [(key, label, plan.totals.get(key, 0)) for key, label in legend],
            "doors": sum(plan.totals.values()),
        },
    )
