"""Browsing the area tree: an area's page, its risk status, adding buildings, the building map."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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
from firstline.web.views.common import breadcrumbs, error_dict, visible_area


@login_required
def area_detail(request, pk: int):
    area = visible_area(request, pk)
    if area.kind == AreaKind.HOUSEHOLD:
        return redirect("web:household", pk=area.pk)
    crumbs = breadcrumbs(request.user, area)
    children = list(selectors.area_children(user=request.user, area=area))
    residents = child_resident_counts(parent=area)
    households = selectors.child_household_counts(parent=area)
    for child in children:
        child.resident_count = residents.get(child.pk, 0)
        child.household_count = households.get(child.pk, 1 if child.kind == AreaKind.HOUSEHOLD else 0)
    return render(request, "web/areas/detail.html", {
        "area": area,
        "crumbs": crumbs,
        "effective_risk": selectors.area_effective_risk(area=area, ancestors=[c["area"] for c in crumbs]),
        "history": selectors.area_risk_history(user=request.user, area=area)[:10],
        "children": children,
        "total_residents": sum(residents.values()),
        "total_households": sum(households.values()),
        "can_risk": can(request.user, Perm.AREA_RISK, area.path),
        "can_add_building": area.kind == AreaKind.COMPOUND and can(request.user, Perm.AREA_EDIT, area.path),
        "add_kinds": _add_kinds(request.user, area),
        "can_edit": can(request.user, Perm.AREA_EDIT, area.path),
        "can_import": area.kind in IMPORT_KINDS and can(request.user, Perm.LEDGER_IMPORT, area.path),
        "can_poster": area.kind in SITE_KINDS and can(request.user, Perm.AREA_EDIT, area.path),
        "can_export": can(request.user, Perm.LEDGER_EXPORT, area.path),
        "risk_choices": RiskStatus.choices,
        "survey_lists": area.kind not in (AreaKind.HOUSEHOLD,) and area.kind not in ROOT_KINDS,
    })


@login_required
@require_POST
def area_set_risk(request, pk: int):
    area = visible_area(request, pk)
    try:
        services.area_set_risk(
            acting_user=request.user, area=area, status=request.POST.get("status", ""), reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The risk status of %(area)s is now %(status)s.") % {
            "area": area.name, "status": RiskStatus(request.POST["status"]).label})
    except (ValidationError, ValueError) as exc:
        errors = error_dict(exc) if isinstance(exc, ValidationError) else {"status": [_("Unknown status.")]}
        messages.error(request, " ".join(m for ms in errors.values() for m in ms))
    return redirect("web:area", pk=area.pk)


@login_required
@require_POST
def area_edit(request, pk: int):
    area = visible_area(request, pk)
    values = {"name": request.POST.get("name", ""), "note": request.POST.get("note", "")}
    if area.kind == AreaKind.BUILDING:
        values["has_lift"] = request.POST.get("has_lift") == "1"
        try:
            values["floors"] = int(request.POST.get("floors") or 0) or None
        except ValueError:
            values["floors"] = None
    try:
        services.area_update(acting_user=request.user, area=area, values=values)
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
    return redirect("web:area", pk=area.pk)


def _add_kinds(user, area) -> list[tuple[str, str]]:
    """What may be added inside `area` by the form of its page (buildings have their own form)."""
    if not can(user, Perm.AREA_EDIT, area.path):
        return []
    return [(kind, AreaKind(kind).label) for kind in KIND_ORDER
            if kind in CHILD_KINDS[AreaKind(area.kind)] and kind not in (AreaKind.BUILDING, AreaKind.UNIT)]


@login_required
@require_POST
def area_add(request, pk: int):
    """Add a place inside an area: a community or a village (with its groups and houses), a compound,
    a village group, or a house (a scattered house of a community, a village's house)."""
    parent = visible_area(request, pk)
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "")
    try:
        if kind == AreaKind.VILLAGE:
            made = services.village_create(
                acting_user=request.user, parent=parent, name=name, groups=int(request.POST.get("groups") or 0),
                houses_per_group=int(request.POST.get("houses_per_group") or 0))
        elif kind == AreaKind.HOUSEHOLD:
            made = services.area_create(acting_user=request.user, parent=parent, kind=kind, name=name, door=name)
        else:
            made = services.area_create(acting_user=request.user, parent=parent, kind=kind, name=name)
    except ValueError:
        messages.error(request, _("Groups and houses per group are whole numbers."))
        return redirect("web:area", pk=parent.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect("web:area", pk=parent.pk)
    messages.success(request, _("%(name)s was added.") % {"name": made.name})
    return redirect("web:area", pk=parent.pk)


@login_required
@require_POST
def building_add(request, pk: int):
    compound = visible_area(request, pk, kind=AreaKind.COMPOUND)
    try:
        building = services.building_create(
            acting_user=request.user, compound=compound, name=request.POST.get("name", ""),
            units=int(request.POST.get("units") or 0), floors=int(request.POST.get("floors") or 0),
            doors_per_floor=int(request.POST.get("doors_per_floor") or 0), has_lift=request.POST.get("has_lift") == "1",
        )
    except ValueError:
        messages.error(request, _("Units, floors and doors per floor are whole numbers."))
        return redirect("web:area", pk=compound.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect("web:area", pk=compound.pk)
    messages.success(request, _("%(name)s was added with its doors.") % {"name": building.name})
    return redirect("web:building_map", pk=building.pk)


@login_required
def building_map_page(request, pk: int):
    building = visible_area(request, pk)
    plan = building_map(user=request.user, building=building)
    legend = [
        (MapStatus.SEALED, _("Sealed")), (MapStatus.VULNERABLE, _("Vulnerable member")),
        (MapStatus.NOT_REACHED, _("Not reached")), (MapStatus.REGISTERED, _("Registered")), (MapStatus.EMPTY, _("Empty")),
    ]
    return render(request, "web/areas/building_map.html", {
        "building": building,
        "crumbs": breadcrumbs(request.user, building),
        "plan": plan,
        "legend": [(key, label, plan.totals.get(key, 0)) for key, label in legend],
        "doors": sum(plan.totals.values()),
    })
