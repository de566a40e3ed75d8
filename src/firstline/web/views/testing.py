"""The staff pages of a testing round: the rounds, a round with its pooling rules and sampling points,
live coverage down to the round's building map, the missing and exempt lists, call-downs, positives
and sealing, the export and the tubes.

Each view parses its input, calls one selector or service with `acting_user=request.user`, and
renders. Outside the user's areas every page answers 404 (the selectors say NotFound); a write the
user may not make is refused (the services say PermissionDenied): `web.errors` maps both.
"""

import datetime as dt
import hashlib
import json
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import BLOCK_KINDS, INNER_STAIRWELLS, SITE_KINDS, AreaKind, RiskStatus
from firstline.areas.selectors import area_ancestors, area_get, areas_visible, door_label
from firstline.common.identity import mask_name, mask_phone
from firstline.common.paths import subtree_q
from firstline.people.models import VulnerabilityTag
from firstline.people.selectors import person_get
from firstline.testing import scope as testing_scope
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.coverage import selectors as coverage_selectors
from firstline.testing.coverage import services as coverage_services
from firstline.testing.coverage.export import round_export
from firstline.testing.coverage.selectors import MissingFilter
from firstline.testing.lab import selectors as lab_selectors
from firstline.testing.lab.services import SEAL_LEVELS, positive_seal
from firstline.testing.models import (
    TUBE_CAPACITIES,
    Box,
    ExemptionReason,
    ResampleTask,
    ResultKind,
    RoundStatus,
    SampleState,
    TubeStatus,
)
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.rounds import services as rounds_services
from firstline.testing.rounds.services import SERVED_KINDS
from firstline.testing.states import DoorStatus, PersonState
from firstline.web.errors import flash_errors, submit

ROUNDS_SHOWN = 20
MISSING_PAGE = 50
EXEMPT_SHOWN = 500
TUBES_PAGE = 50
CHANGED_EVENT = "exemptions-changed"


# --------------------------------------------------------------------------------------------
# Small shared pieces


def _round(request, pk, perm: str = Perm.TESTING_VIEW):
    return rounds_selectors.round_get(user=request.user, pk=pk, perm=perm)


def _area(request, pk, perm: str = Perm.TESTING_VIEW, kind: str | None = None):
    return area_get(user=request.user, pk=pk, perm=perm, kind=kind)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _bar(row) -> dict:
    """Widths and starts (percent, as text with a dot) of the sampled, exempt and missing parts of a
    row, drawn as SVG rectangles (the Content-Security-Policy allows no style attribute)."""
    if not row.expected:
        return {
            "sampled": "0",
            "exempt": "0",
            "missing": "0",
            "exempt_at": "0",
            "missing_at": "0",
            "done": "",
            "expected": 0,
        }
    sampled = 100.0 * row.sampled / row.expected
    exempt = 100.0 * row.exempt / row.expected
    missing = max(0.0, 100.0 - sampled - exempt)
    return {
        "sampled": f"{sampled:.1f}",
        "exempt": f"{exempt:.1f}",
        "missing": f"{missing:.1f}",
        "exempt_at": f"{sampled:.1f}",
        "missing_at": f"{sampled + exempt:.1f}",
        "done": f"{row.percent:.0f}",
        "expected": row.expected,
    }


def _parse_date(raw: str, field: str, errors: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        errors[field] = [_("A date such as 2022-04-04.")]
        return None


def _parse_moment(raw: str, field: str, errors: dict) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        errors[field] = [_("A date and time such as 2022-04-04 06:00.")]
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _testing_crumbs(user, area) -> list[dict]:
    """The round, then the area's ancestors, each linked to its coverage when the user may see it."""
    return [{"area": a, "link": can(user, Perm.TESTING_VIEW, a.path)} for a in area_ancestors(area=area)]


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# --------------------------------------------------------------------------------------------
# 1. The rounds


def _plan_choices(user) -> tuple[list, list]:
    """(owner areas, areas to test) for the plan form, each with its indent under the top one."""
    owners, areas = rounds_selectors.round_plan_areas(user=user)
    top = min((a.depth for a in areas), default=0)
    indents = {a.pk: "\u00a0\u00a0" * (a.depth - top) for a in areas}
    return [(a, indents[a.pk]) for a in owners], [(a, indents[a.pk]) for a in areas]


def _rounds_page(request, *, errors=None, values=None, status=200):
    focus = _area(request, request.GET["area"]) if request.GET.get("area") else None
    summaries = coverage_selectors.round_summaries(user=request.user, limit=ROUNDS_SHOWN, area=focus)
    owners, options = _plan_choices(request.user)
    chosen = set(values.getlist("scope")) if values is not None else set()
    return render(
        request,
        "web/testing/rounds.html",
        {
            "rows": [
                {"summary": s, "bar": _bar(s.totals), "label": _totals_label(s.parts)} for s in summaries
            ],
            "focus": focus,
            "can_plan": bool(owners),
            "owners": owners,
            "scope_options": [(a, indent, str(a.pk) in chosen) for a, indent in options],
            "errors": errors or {},
            "values": values or {},
            "shown": ROUNDS_SHOWN,
        },
        status=status,
    )


def _round_window(post) -> dict:
    """The plan form's date and window, parsed: a fault is a ValidationError on each field at fault."""
    errors: dict[str, list[str]] = {}
    window = {
        "date": _parse_date(post.get("date", ""), "date", errors),
        "starts_at": _parse_moment(post.get("starts_at", ""), "starts_at", errors),
        "ends_at": _parse_moment(post.get("ends_at", ""), "ends_at", errors),
    }
    if errors:
        raise ValidationError(errors)
    return window


@login_required
def round_list(request):
    if request.method != "POST":
        return _rounds_page(request)
    post = request.POST
    # Planning is offered on a page that those who may not plan see too: the refusal is the form's.
    done = submit(
        lambda: rounds_services.round_plan(
            acting_user=request.user,
            area_id=post.get("area"),
            scope_ids=post.getlist("scope"),
            name=post.get("name", ""),
            note=post.get("note", ""),
            **_round_window(post),
        ),
        refused="general",
    )
    if not done:
        return _rounds_page(request, errors=done.errors, values=post, status=done.status)
    round = done.result
    messages.success(
        request, _("%(name)s is planned. Set its rules and points, then open it.") % {"name": round.name}
    )
    return redirect("web:testing_round", pk=round.pk)


# --------------------------------------------------------------------------------------------
# 2. A round


def _rule_rows(rules, values) -> tuple[list[dict], list[dict]]:
    """The pooling form's rows: one per risk status, then the overrides for areas."""
    by_risk = {r.risk_status: r for r in rules if not r.area_id}
    risk_rows = []
    for risk, label in RiskStatus.choices:
        rule = by_risk.get(risk)
        if values is not None:
            capacity = values.get(f"capacity_{risk}", "")
            per_household = values.get(f"per_household_{risk}") == "1"
        else:
            capacity = str(rule.capacity) if rule else ""
            per_household = bool(rule and rule.per_household)
        risk_rows.append({"risk": risk, "label": label, "capacity": capacity, "per_household": per_household})
    overrides = [
        {
            "area_id": str(r.area_id),
            "area": r.area,
            "capacity": str(r.capacity),
            "per_household": r.per_household,
        }
        for r in rules
        if r.area_id
    ]
    if values is not None:
        overrides = []
        for index in range(_override_count(values)):
            area_id = values.get(f"override-{index}-area", "")
            if area_id and not values.get(f"override-{index}-remove"):
                overrides.append(
                    {
                        "area_id": area_id,
                        "capacity": values.get(f"override-{index}-capacity", ""),
                        "per_household": values.get(f"override-{index}-per_household") == "1",
                    }
                )
    return risk_rows, overrides


def _override_count(post) -> int:
    try:
        return max(0, min(500, int(post.get("override_count", "0"))))
    except ValueError:
        return 0


def _round_page(
    request,
    round,
    *,
    pooling_errors=None,
    pooling_values=None,
    point_errors=None,
    point_values=None,
    status=200,
):
    user = request.user
    can_manage = can(user, Perm.TESTING_MANAGE, round.area.path)
    totals = coverage_selectors.round_totals(user=user, round=round)
    visible = testing_scope.visible_paths(user=user, round=round)
    parts = (
        list(
            areas_visible(user=user, perm=Perm.TESTING_VIEW)
            .filter(path__in=visible)
            .select_related("parent")
            .order_by("path")
        )
        if visible
        else []
    )
    part_rows = coverage_selectors.round_totals_by_area(user=user, round=round, areas=parts)
    rules = rounds_selectors.round_pooling_rules(round=round)
    risk_rows, overrides = _rule_rows(rules, pooling_values)
    pooling_errors = pooling_errors or {}
    for row in risk_rows:
        row["errors"] = pooling_errors.get(f"capacity_{row['risk']}", [])
    counts = coverage_selectors.round_counts(user=user, round=round)
    points = list(rounds_selectors.points_for_round(user=user, round=round).prefetch_related("serves"))
    manageable = (
        rounds_selectors.round_areas_of_kind(
            user=user, round=round, perm=Perm.TESTING_MANAGE, above=True, kinds=[*SITE_KINDS, *SERVED_KINDS]
        )
        if can_manage
        else []
    )
    chosen_serves = set(point_values.getlist("serves")) if point_values is not None else set()
    can_export_parts = [a for a in parts if can(user, Perm.TESTING_EXPORT, a.path)]
    return render(
        request,
        "web/testing/round.html",
        {
            "round": round,
            "can_manage": can_manage,
            "totals": totals,
            "bar": _bar(totals),
            "counts": counts,
            "results": [(value, label, counts.results.get(value, 0)) for value, label in ResultKind.choices],
            "boxes": [(value, label, counts.boxes.get(value, 0)) for value, label in Box.Status.choices],
            "parts": parts,
            "part_rows": [
                {"row": row, "bar": _bar(row), "label": _part_label(row.area)} for row in part_rows
            ],
            "totals_label": _totals_label(parts),
            "risk_rows": risk_rows,
            "overrides": overrides,
            "override_rows": overrides + [{"area_id": "", "capacity": "10", "per_household": False}],
            "override_areas": [
                a
                for a in manageable
                if a.path.startswith(round.area.path) and any(a.path.startswith(p) for p in visible)
            ],
            "capacities": TUBE_CAPACITIES,
            "pooling_errors": pooling_errors,
            "override_errors": [
                m
                for key in ("area", "capacity", "risk_status", "general")
                for m in pooling_errors.get(key, [])
            ],
            "points": [
                {
                    "point": p,
                    "desks": range(1, p.desks + 1),
                    "can_edit": can(user, Perm.TESTING_MANAGE, p.compound.path),
                }
                for p in points
            ],
            "compounds": [a for a in manageable if a.kind in SITE_KINDS],
            "serve_options": [
                (a, str(a.pk) in chosen_serves)
                for a in manageable
                if a.kind in SERVED_KINDS and a.kind != AreaKind.VILLAGE
            ],
            "point_errors": point_errors or {},
            "point_values": point_values or {},
            "exports": can_export_parts,
            "can_reveal": any(can(user, Perm.ID_REVEAL, a.path) for a in parts),
            "statuses": RoundStatus,
            # A volunteer's work first (the desks and door to door, at the top of the page).
            "my_desks": (
                []
                if can_manage
                else [
                    (p, range(1, p.desks + 1)) for p in capture_selectors.desk_points(user=user, round=round)
                ]
            ),
            "my_door_to_door": not can_manage
            and capture_selectors.samples_door_to_door(user=user, round=round),
        },
        status=status,
    )


def _part_label(area) -> str:
    """A part of a round as its leader says it: 3号楼, 12号楼1单元 (a unit names its building)."""
    if area.kind in INNER_STAIRWELLS and area.parent_id:
        sep = "" if (get_language() or "").startswith("zh") else " "
        return f"{area.parent.name}{sep}{area.name}"
    return area.name


def _totals_label(parts) -> str:
    """What the round's header figures count: the one part the user sees, or all of theirs."""
    if not parts:
        return ""
    names = ", ".join(_part_label(a) for a in parts)
    if len(parts) == 1:
        return _("Figures for %(name)s") % {"name": names}
    if all(a.kind == AreaKind.BUILDING for a in parts):
        return ngettext(
            "Figures for your %(n)s building: %(names)s",
            "Figures for your %(n)s buildings: %(names)s",
            len(parts),
        ) % {"n": len(parts), "names": names}
    return ngettext(
        "Figures for your %(n)s area: %(names)s", "Figures for your %(n)s areas: %(names)s", len(parts)
    ) % {"n": len(parts), "names": names}


@login_required
def round_detail(request, pk: int):
    return _round_page(request, _round(request, pk))


@login_required
@require_POST
def round_status(request, pk: int):
    round = _round(request, pk)
    status = request.POST.get("status", "")
    done = submit(
        lambda: rounds_services.round_set_status(acting_user=request.user, round=round, status=status)
    )
    if done:
        messages.success(
            request,
            _("%(name)s is now %(status)s.")
            % {"name": round.name, "status": RoundStatus(status).label.lower()},
        )
    else:
        flash_errors(request, done.errors)
    return redirect("web:testing_round", pk=round.pk)


@login_required
@require_POST
def pooling(request, pk: int):
    round = _round(request, pk)
    post = request.POST
    by_risk = {
        risk: (post.get(f"capacity_{risk}", ""), post.get(f"per_household_{risk}") == "1")
        for risk in RiskStatus.values
    }
    rows = []
    for index in range(_override_count(post)):
        area_id = post.get(f"override-{index}-area", "")
        if area_id and not post.get(f"override-{index}-remove"):
            rows.append(
                (
                    area_id,
                    post.get(f"override-{index}-capacity", ""),
                    post.get(f"override-{index}-per_household") == "1",
                )
            )
    done = submit(
        lambda: rounds_services.pooling_rules_save(
            acting_user=request.user, round=round, by_risk=by_risk, by_area_id=rows
        )
    )
    if not done:
        return _round_page(
            request, round, pooling_errors=done.errors, pooling_values=post, status=done.status
        )
    messages.success(request, _("The pooling rules were saved. New tubes follow them."))
    return redirect(reverse("web:testing_round", args=[round.pk]) + "#pooling")


_POINT_INPUTS = ("name", "location", "desks", "opens_at", "closes_at", "per_desk_hour", "queue_cap")


def _point_values(post) -> dict:
    return {field: post.get(field, "") for field in _POINT_INPUTS if field in post}


@login_required
@require_POST
def points(request, pk: int):
    round = _round(request, pk)
    post = request.POST
    done = submit(
        lambda: rounds_services.sampling_point_create(
            acting_user=request.user,
            compound=rounds_selectors.point_compound_named(user=request.user, pk=post.get("compound")),
            values=_point_values(post),
            serves=rounds_selectors.areas_chosen(user=request.user, ids=post.getlist("serves")),
        )
    )
    if not done:
        return _round_page(request, round, point_errors=done.errors, point_values=post, status=done.status)
    point = done.result
    messages.success(request, _("%(name)s was added.") % {"name": point.name})
    return redirect(reverse("web:testing_round", args=[round.pk]) + "#points")


@login_required
def point_edit(request, pk: int):
    point = rounds_selectors.point_get(user=request.user, pk=pk, perm=Perm.TESTING_MANAGE)
    round_pk = request.POST.get("round") or request.GET.get("round") or ""
    round = rounds_selectors.round_named(user=request.user, pk=round_pk) if round_pk.isdigit() else None
    errors, values, status = {}, None, 200
    if request.method == "POST":
        post = request.POST
        done = submit(
            lambda: rounds_services.sampling_point_update(
                acting_user=request.user,
                point=point,
                values={**_point_values(post), "is_active": post.get("is_active") == "1"},
                serves=rounds_selectors.areas_chosen(user=request.user, ids=post.getlist("serves")),
            )
        )
        errors, status = done.errors, done.status
        if done:
            messages.success(request, _("%(name)s was saved.") % {"name": point.name})
            if round is not None:
                return redirect(reverse("web:testing_round", args=[round.pk]) + "#points")
            return redirect("web:testing_point_edit", pk=point.pk)
        values = post
        point.refresh_from_db()
    served = {str(a.pk) for a in point.serves.all()} if values is None else set(values.getlist("serves"))
    options = (
        areas_visible(user=request.user, perm=Perm.TESTING_MANAGE)
        .filter(
            subtree_q(point.compound.path),
            kind__in=[AreaKind.BUILDING, AreaKind.UNIT, AreaKind.VILLAGE_GROUP],
        )
        .select_related("parent")
        .order_by("path")
    )
    return render(
        request,
        "web/testing/point.html",
        {
            "point": point,
            "round": round,
            "errors": errors,
            "values": values,
            "serve_options": [(a, str(a.pk) in served) for a in options[:2000]],
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------
# 3. Coverage, live


def _coverage_rows(coverage) -> list[dict]:
    return [{"row": row, "bar": _bar(row)} for row in coverage.children]


def _map_doors(plan) -> dict[str, int]:
    """Give each door its colour on the map and count them for the legend."""
    counts = dict.fromkeys(DoorStatus, 0)
    for door in plan.doors:
        status = door.status
        door.colour = status
        door.done_count = sum(p.state not in (PersonState.MISSING, PersonState.RESAMPLE) for p in door.people)
        counts[status] = counts.get(status, 0) + 1
    return counts


@login_required
def coverage(request, pk: int, area_pk: int):
    round = _round(request, pk)
    area = _area(request, area_pk)
    cover = coverage_selectors.round_coverage(user=request.user, round=round, area=area)
    part = request.GET.get("part", "") if _is_htmx(request) else ""
    context = {"round": round, "area": area, "coverage": cover, "bar": _bar(cover.total)}
    if part == "totals":
        return render(request, "web/testing/_totals_body.html", context)
    if area.kind in BLOCK_KINDS:
        plan = coverage_selectors.round_building(user=request.user, round=round, building=area)
        counts = _map_doors(plan)
        context.update(
            {"plan": plan, "legend": [(status, status.label, counts[status]) for status in DoorStatus]}
        )
    else:
        context["rows"] = _coverage_rows(cover)
    if part == "live":
        return render(request, "web/testing/_coverage_live_body.html", context)
    context.update(
        {
            "crumbs": _testing_crumbs(request.user, area),
            "can_export": can(request.user, Perm.TESTING_EXPORT, area.path),
            "can_reveal": can(request.user, Perm.ID_REVEAL, area.path),
        }
    )
    if area.kind in BLOCK_KINDS:
        context.update(
            {**_missing_context(request, round, area), **_exempt_list_context(request, round, area)}
        )
    return render(request, "web/testing/coverage.html", context)


# --------------------------------------------------------------------------------------------
# 4. Who is missing (the call list), who is exempt


def _tag_labels() -> dict[str, str]:
    return dict(VulnerabilityTag.choices)


def _missing_filter(data) -> MissingFilter:
    return MissingFilter(vulnerable=data.get("vulnerable") == "1", door=(data.get("door") or "").strip()[:20])


def _filter_query(only: MissingFilter) -> str:
    """The filter as a query string, for the links and lazy loads of the list."""
    return urlencode(
        [(k, v) for k, v in (("vulnerable", "1" if only.vulnerable else ""), ("door", only.door)) if v]
    )


def _entry(residence, tags: dict, user) -> dict:
    """A person of the call list: masked phone and name (the name shown in full to those who know
    their doors; the masked one in confirmations and toasts), the door's label, vulnerable groups."""
    person = residence.person
    vulnerabilities = list(person.vulnerabilities.all())
    age = person.age
    return {
        "person": person,
        "age": age,
        "aged": "" if age is None else _("aged %(n)s") % {"n": age},
        "masked": mask_name(person.name),
        "phone_masked": mask_phone(person.phone),
        "door": door_label(residence.household),
        "tags": [tags.get(v.tag, v.tag) for v in vulnerabilities],
        "immobile": any(v.tag == VulnerabilityTag.MOBILITY_IMPAIRED for v in vulnerabilities),
        "can_exempt": can(user, Perm.TESTING_EXEMPT, residence.household.path),
        "can_call": can(user, Perm.LEDGER_EDIT, residence.household.path),
    }


def _group_missing(residences, user, counts: dict[int, int]) -> list[dict]:
    """One block's residences (in the list's order) grouped stairwell → door."""
    tags = _tag_labels()
    wells: OrderedDict[int, dict] = OrderedDict()
    for residence in residences:
        household = residence.household
        parent = household.parent
        unit = parent if parent.kind in INNER_STAIRWELLS else None
        well = wells.setdefault(
            unit.pk if unit else 0,
            {"unit": unit, "missing": counts.get(parent.pk, 0), "doors": OrderedDict()},
        )
        door = well["doors"].setdefault(household.pk, {"household": household, "people": []})
        door["people"].append(_entry(residence, tags, user))
    return [{**w, "doors": list(w["doors"].values())} for w in wells.values()]


def _chosen_block(blocks, raw, *, strict: bool = False):
    """The block asked for (by id), else (unless `strict`) the one with the most missing."""
    for block in blocks:
        if str(block.area.pk) == str(raw or ""):
            return block
    return blocks[0] if blocks and not strict else None


def _block_context(request, round, area, block, only: MissingFilter) -> dict:
    """One block's people, a page at a time (one query more tells whether there is a next page)."""
    if block is None:
        return {"block": None, "groups": [], "next_page": None}
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    residences = coverage_selectors.round_missing(
        user=request.user,
        round=round,
        area=area,
        only=only,
        within=block.area.path,
        stairwell_order=block.stairwell_order,
    )
    start = (number - 1) * MISSING_PAGE
    rows = list(residences[start : start + MISSING_PAGE + 1])
    return {
        "block": block,
        "groups": _group_missing(
            rows[:MISSING_PAGE], request.user, dict((w.pk, n) for w, n in block.stairwells)
        ),
        "next_page": number + 1 if len(rows) > MISSING_PAGE else None,
    }


def _list_context(round, area, only: MissingFilter) -> dict:
    return {
        "round": round,
        "area": area,
        "only": only,
        "query": _filter_query(only),
        "reasons": ExemptionReason.choices,
        "round_open": round.status != RoundStatus.CLOSED,
        "missing_url": reverse("web:testing_missing", args=[round.pk, area.pk]),
        "exempt_label": _("Exempt…"),
        # Reversed once for the whole list: a row's address is the prefix, its id, the suffix.
        "phone_url": reverse("web:person_phone", args=[0]).split("/0/"),
    }


def _exempt_rows(user, exempt: list) -> list:
    for exemption in exempt:
        exemption.can_remove = can(user, Perm.TESTING_EXEMPT, exemption.household_path)
    return exempt


def _missing_context(request, round, area) -> dict:
    """The call list: the blocks by most missing, the first (or the chosen one) with its people."""
    only = _missing_filter(request.GET)
    blocks = coverage_selectors.missing_blocks(user=request.user, round=round, area=area, only=only)
    chosen = _chosen_block(blocks, request.GET.get("block"))
    return {
        **_list_context(round, area, only),
        "blocks": [chosen] if chosen and request.GET.get("block") else blocks,
        "all_blocks": blocks,
        "missing_count": sum(b.missing for b in blocks),
        "chosen": chosen,
        **_block_context(request, round, area, chosen, only),
        "can_exempt_any": can(request.user, Perm.TESTING_EXEMPT, area.path),
    }


def _exempt_list_context(request, round, area) -> dict:
    exempt = list(
        coverage_selectors.round_exempt(user=request.user, round=round, area=area)[: EXEMPT_SHOWN + 1]
    )
    return {
        "round": round,
        "area": area,
        "exempt": _exempt_rows(request.user, exempt[:EXEMPT_SHOWN]),
        "exempt_more": len(exempt) > EXEMPT_SHOWN,
        "missing_url": reverse("web:testing_missing", args=[round.pk, area.pk]),
    }


@login_required
def missing(request, pk: int, area_pk: int):
    round = _round(request, pk)
    area = _area(request, area_pk)
    part = request.GET.get("part", "") if _is_htmx(request) else ""
    if part == "exempt":
        return render(
            request, "web/testing/_exempt_list_body.html", _exempt_list_context(request, round, area)
        )
    if part in ("row", "choose"):
        residence = coverage_selectors.missing_person(
            user=request.user, round=round, person_id=request.GET.get("person")
        )
        return _person_row(request, round, area, residence, state=part)
    if part == "block":
        only = _missing_filter(request.GET)
        blocks = coverage_selectors.missing_blocks(user=request.user, round=round, area=area, only=only)
        block = _chosen_block(blocks, request.GET.get("block"), strict=True)
        return render(
            request,
            "web/testing/_missing_block.html",
            {**_list_context(round, area, only), **_block_context(request, round, area, block, only)},
        )
    cover = coverage_selectors.round_coverage(user=request.user, round=round, area=area)
    return render(
        request,
        "web/testing/missing.html",
        {
            "coverage": cover,
            "bar": _bar(cover.total),
            "crumbs": _testing_crumbs(request.user, area),
            **_missing_context(request, round, area),
        },
    )


def _counts_context(request, round, area, only: MissingFilter, residence) -> dict:
    """The figures the call list shows, for the out-of-band swap after an exemption or its undo:
    the area's totals, the list's count and each block's (the person's block too, at 0)."""
    cover = coverage_selectors.round_coverage(user=request.user, round=round, area=area)
    blocks = coverage_selectors.missing_blocks(user=request.user, round=round, area=area, only=only)
    parent = residence.household.parent
    home = parent.parent if parent.kind in INNER_STAIRWELLS else parent
    if all(b.area.pk != home.pk for b in blocks):
        blocks.append(coverage_selectors.MissingBlock(area=home))
    return {
        "coverage": cover,
        "bar": _bar(cover.total),
        "blocks": blocks,
        "missing_count": sum(b.missing for b in blocks),
    }


def _person_row(
    request, round, area, residence, *, state="row", errors=None, values=None, status=200, extra=None
):
    """A row of the call list in one of its states: `row` (name, phone, 免检…), `choose` (the
    reason, nothing chosen), `confirm` (the person and the reason said back), `gone` (exempted:
    the row leaves the list, the counts come out of band)."""
    only = _missing_filter(values if values is not None else request.GET)
    return render(
        request,
        "web/testing/_missing_person.html",
        {
            **_list_context(round, area, only),
            "entry": _entry(residence, _tag_labels(), request.user),
            "state": state,
            "errors": errors or {},
            "values": values or {},
            "reason_label": dict(ExemptionReason.choices).get((values or {}).get("reason", ""), ""),
            **(extra or {}),
        },
        status=status,
    )


def _toast(response, text: str, *, undo_url: str = "", kind: str = "ok") -> None:
    toast = {"text": text, "kind": kind}
    if undo_url:
        toast.update({"undo_url": undo_url, "undo_label": _("Undo")})
    response["HX-Trigger"] = json.dumps({"toast": toast})
    # After the swap: the lists that refresh on it (and sync their requests) must not cut this one.
    response["HX-Trigger-After-Swap"] = CHANGED_EVENT


def _htmx_exemption(request, round):
    """The call list's exemption, in two steps: the reason is checked and said back with the person
    (nothing written), then confirmed; the row leaves the list and a toast offers the undo."""
    post = request.POST
    area = _area(request, post.get("area"))
    residence = coverage_selectors.missing_person(
        user=request.user, round=round, person_id=post.get("person")
    )
    person = residence.person
    reason, note = post.get("reason", ""), post.get("note", "")
    if post.get("confirm") != "1":
        done = submit(
            lambda: coverage_services.exemption_check(
                acting_user=request.user, round=round, person=person, reason=reason, note=note
            ),
            refused="general",
        )
        state = "confirm" if done else "choose"
        return _person_row(
            request, round, area, residence, state=state, errors=done.errors, values=post, status=done.status
        )
    done = submit(
        lambda: coverage_services.exemption_set(
            acting_user=request.user, round=round, person=person, reason=reason, note=note
        ),
        refused="general",
    )
    if not done:
        return _person_row(
            request,
            round,
            area,
            residence,
            state="choose",
            errors=done.errors,
            values=post,
            status=done.status,
        )
    only = _missing_filter(post)
    response = _person_row(
        request,
        round,
        area,
        residence,
        state="gone",
        values=post,
        extra={"oob": _counts_context(request, round, area, only, residence)},
    )
    query = urlencode(
        [
            ("area", area.pk),
            *[(k, v) for k, v in (("vulnerable", "1" if only.vulnerable else ""), ("door", only.door)) if v],
        ]
    )
    _toast(
        response,
        _("%(name)s is exempt: %(reason)s.")
        % {"name": mask_name(person.name), "reason": done.result.get_reason_display()},
        undo_url=reverse("web:testing_exempt_remove", args=[done.result.pk]) + "?" + query,
    )
    return response


@login_required
@require_POST
def exemption_set(request, pk: int):
    round = _round(request, pk)
    if _is_htmx(request) and request.POST.get("area"):
        return _htmx_exemption(request, round)
    person = person_get(user=request.user, pk=request.POST.get("person"), perm=Perm.TESTING_VIEW)
    back = _safe_next(request, reverse("web:testing_round", args=[round.pk]))
    reason, note = request.POST.get("reason", ""), request.POST.get("note", "")
    done = submit(
        lambda: coverage_services.exemption_set(
            acting_user=request.user, round=round, person=person, reason=reason, note=note
        )
    )
    if done:
        messages.success(
            request,
            _("%(name)s is exempt: %(reason)s.")
            % {"name": person.name, "reason": done.result.get_reason_display()},
        )
    else:
        flash_errors(request, done.errors)
    return redirect(back)


@login_required
@require_POST
def exemption_remove(request, pk: int):
    exemption = coverage_selectors.exemption_get(user=request.user, pk=pk)
    back = _safe_next(request, reverse("web:testing_round", args=[exemption.round_id]))
    done = submit(
        lambda: coverage_services.exemption_remove(acting_user=request.user, exemption=exemption),
        refused="general" if _is_htmx(request) else None,
    )
    if _is_htmx(request):
        if not done:
            response = HttpResponse(
                " ".join(text for texts in done.errors.values() for text in texts), status=done.status
            )
            _toast(response, " ".join(text for texts in done.errors.values() for text in texts), kind="error")
            return response
        area_pk = request.POST.get("area") or request.GET.get("area")
        masked = mask_name(exemption.person.name)
        if area_pk:
            # Put the person back in the call list where they were, with the counts.
            round, area = exemption.round, _area(request, area_pk)
            residence = coverage_selectors.missing_person(
                user=request.user, round=round, person_id=exemption.person_id
            )
            only = _missing_filter(request.GET if request.GET.get("area") else request.POST)
            response = render(
                request,
                "web/testing/_missing_restored.html",
                {
                    **_list_context(round, area, only),
                    "entry": _entry(residence, _tag_labels(), request.user),
                    "state": "row",
                    "errors": {},
                    "values": {},
                    "restored": True,
                    "oob": _counts_context(request, round, area, only, residence),
                },
            )
        else:
            response = HttpResponse("")
        _toast(response, _("%(name)s is expected again.") % {"name": masked})
        return response
    if not done:
        flash_errors(request, done.errors)
        return redirect(back)
    messages.success(request, _("%(name)s is expected again.") % {"name": exemption.person.name})
    return redirect(back)


# --------------------------------------------------------------------------------------------
# 5. Call-downs


@login_required
def calldowns(request, pk: int, point_pk: int):
    round = _round(request, pk)
    point = rounds_selectors.point_get(user=request.user, pk=point_pk)
    here = reverse("web:testing_calldowns", args=[round.pk, point.pk])
    if request.method == "POST":
        ids = request.POST.getlist("stairwell")
        try:
            people = max(0, int(request.POST.get("people") or 0))
        except ValueError:
            people = 0
        done = submit(
            lambda: coverage_services.call_down_issue(
                acting_user=request.user,
                round=round,
                point=point,
                people_expected=people,
                stairwells=rounds_selectors.areas_chosen(user=request.user, ids=ids),
            )
        )
        if done:
            messages.success(
                request,
                _("Called at %(time)s. The building leaders have the message.")
                % {"time": timezone.localtime(done.result.called_at).strftime("%H:%M")},
            )
        else:
            flash_errors(request, done.errors)
        return redirect(here)
    plan = coverage_selectors.call_down_plan(user=request.user, round=round, point=point)
    context = {
        "round": round,
        "point": point,
        "plan": plan,
        "here": here,
        "can_call": can(request.user, Perm.TESTING_MANAGE, point.compound.path)
        and round.status == RoundStatus.OPEN,
    }
    context["shape"] = _plan_shape(plan)
    if _is_htmx(request) and request.GET.get("part") in ("plan", "figures"):
        # The live refresh sends figures only, each to its place (out of band): the waves stay as
        # they were drawn, with the buttons under the worker's thumb. When the waves themselves
        # changed, a line says so and offers to reload.
        context["changed"] = request.GET.get("shape", context["shape"]) != context["shape"]
        context["now"] = timezone.localtime()
        return render(request, "web/testing/_calldown_figures.html", context)
    return render(request, "web/testing/calldowns.html", context)


def _plan_shape(plan) -> str:
    """What the call-down page draws, in one word: its waves, the calls made, the sealed stairwells."""
    parts = [
        ";".join(",".join(str(s.pk) for s in wave.stairwells) for wave in plan.waves),
        ",".join(str(c.call.pk) for c in plan.called),
        ",".join(plan.door_to_door),
    ]
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:12]


# --------------------------------------------------------------------------------------------
# 6. Positives and sealing


@login_required
def positives(request, pk: int):
    round = _round(request, pk)
    tubes = lab_selectors.round_positives(user=request.user, round=round)
    risks = dict(RiskStatus.choices)
    states = dict(SampleState.choices)
    task_states = dict(ResampleTask.Status.choices)
    rows = []
    for item in tubes:
        people = [
            {
                **person,
                "risk_label": risks.get(person["risk"], ""),
                "task_label": task_states.get(person["task"].status, "") if person["task"] else "",
                "resample_label": states.get(person["resample_state"], "")
                if person["resample_state"]
                else "",
            }
            for person in item.people
        ]
        rows.append(
            {
                "tube": item.tube,
                "people": people,
                "can_seal": can(request.user, Perm.AREA_RISK, item.tube.area_path),
            }
        )
    return render(
        request,
        "web/testing/positives.html",
        {
            "round": round,
            "rows": rows,
            "levels": [
                (level, label)
                for level, label in (
                    (AreaKind.HOUSEHOLD, _("Seal households")),
                    (AreaKind.UNIT, _("Seal units")),
                    (AreaKind.BUILDING, _("Seal buildings")),
                )
                if level in SEAL_LEVELS
            ],
            "by_building": lab_selectors.resample_tasks_by_building(user=request.user, round=round),
        },
    )


@login_required
@require_POST
def seal(request, pk: int):
    tube = capture_selectors.tube_get(user=request.user, pk=pk)
    done = submit(
        lambda: positive_seal(acting_user=request.user, tube=tube, level=request.POST.get("level", ""))
    )
    if done:
        messages.success(request, _("Sealed: %(areas)s.") % {"areas": ", ".join(a.name for a in done.result)})
    else:
        flash_errors(request, done.errors)
    return redirect("web:testing_positives", pk=tube.round_id)


# --------------------------------------------------------------------------------------------
# 7. Export, 8. tubes


@login_required
def export(request, pk: int, area_pk: int):
    round = _round(request, pk)
    area = _area(request, area_pk)
    unmasked = request.GET.get("unmasked") == "1"
    data, _count = round_export(acting_user=request.user, round=round, area=area, unmasked=unmasked)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    suffix = "-unmasked" if unmasked else ""
    response["Content-Disposition"] = f'attachment; filename="round-{round.pk}-area-{area.pk}{suffix}.xlsx"'
    return response


@login_required
def tubes(request, pk: int):
    round = _round(request, pk)
    status = request.GET.get("status", "")
    status = status if status in TubeStatus.values else ""
    result = request.GET.get("result", "")
    result = result if result in ResultKind.values else ""
    rows = capture_selectors.round_tubes(user=request.user, round=round, status=status, result=result)
    page = Paginator(rows, TUBES_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("result", result)) if v)
    return render(
        request,
        "web/testing/tubes.html",
        {
            "round": round,
            "page": page,
            "status": status,
            "result": result,
            "query": query,
            "statuses": TubeStatus.choices,
            "results": ResultKind.choices,
        },
    )
