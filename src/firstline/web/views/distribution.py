"""Distribution campaigns (发放) on phones and desks: the list, planning one, the campaign with its
allocation and reconciliation bars, and a leader's page of doors, marked with one thumb."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import Area
from firstline.distribution import selectors, services
from firstline.distribution.export import campaign_export
from firstline.distribution.models import Rule, ShareStatus
from firstline.supplies.selectors import item_get, warehouse_get
from firstline.web.errors import flash_errors, submit

ITEM_ROWS = 3


@login_required
def distribution_list(request):
    campaigns = selectors.campaigns_page(request.user)
    return render(
        request,
        "web/distribution/list.html",
        {"campaigns": campaigns, "can_plan": selectors.may_plan(request.user)},
    )


def _batches_from_text(text: str, places: list[Area]) -> list[list[int]] | None:
    """One batch a line, buildings by name in the agreed order ('1号楼 2号楼')."""
    lines = [line.split() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return None
    names = selectors.buildings_by_name(places)
    batches = []
    for number, words in enumerate(lines, start=1):
        batch = []
        for word in words:
            found = names.get(word)
            if not found:
                raise ValidationError(
                    {
                        "order": _("Line %(line)s: no building %(name)s in the chosen places.")
                        % {"line": number, "name": word}
                    }
                )
            if len(found) > 1:
                raise ValidationError(
                    {
                        "order": _(
                            "Line %(line)s: two buildings are named %(name)s; plan one compound at a time."
                        )
                        % {"line": number, "name": word}
                    }
                )
            batch.append(found[0])
        batches.append(batch)
    return batches


@login_required
def distribution_new(request):
    warehouses, places, items = selectors.plan_choices(request.user)
    errors, status, data = {}, 200, request.POST if request.method == "POST" else {}
    if request.method == "POST":

        def write():
            warehouse_id = data.get("warehouse") or ""
            if not warehouse_id.isdigit():
                raise ValidationError({"warehouse": _("Choose the warehouse the shares come from.")})
            warehouse = warehouse_get(request.user, int(warehouse_id), Perm.SUPPLY_MANAGE)
            chosen_items = []
            for n in range(1, ITEM_ROWS + 1):
                item_id, quantity = data.get(f"item_{n}") or "", (data.get(f"quantity_{n}") or "").strip()
                if item_id.isdigit() and quantity:
                    chosen_items.append((item_get(int(item_id)), quantity))
                elif item_id.isdigit() or quantity:
                    raise ValidationError({f"item_{n}": _("Give both the item and its quantity per share.")})
            chosen = [p for p in places if str(p.pk) in data.getlist("scope")]
            batch_count = (data.get("batch_count") or "1").strip()
            if not batch_count.isdigit():
                raise ValidationError({"batch_count": _("Give the number of batches as a whole number.")})
            rule = data.get("rule") or Rule.HOUSEHOLD
            fixed = None
            if rule == Rule.LIST and chosen:
                fixed = selectors.fixed_list_from_text(
                    user=request.user, places=chosen, text=data.get("list", "")
                )
            return services.campaign_create(
                acting_user=request.user,
                name=data.get("name", ""),
                warehouse=warehouse,
                items=chosen_items,
                rule=rule,
                fixed=fixed,
                scope=chosen,
                batches=_batches_from_text(data.get("order", ""), chosen) if chosen else None,
                batch_count=int(batch_count),
                note=data.get("note", ""),
            )

        done = submit(write)
        if done:
            messages.success(request, _("The campaign is planned. Ask the leaders to confirm their counts."))
            return redirect("web:distribution_detail", done.result.pk)
        errors, status = done.errors, done.status
    return render(
        request,
        "web/distribution/new.html",
        {
            "warehouses": warehouses,
            "places": places,
            "items": items,
            "item_rows": range(1, ITEM_ROWS + 1),
            "rules": Rule.choices,
            "data": data,
            "chosen": set(data.getlist("scope")) if data else set(),
            "errors": errors,
            # The items' faults under the items ("items", "items.2.quantity", "item_3").
            "item_errors": [
                (key, texts)
                for key, texts in errors.items()
                if key == "items" or key.startswith(("items.", "item_"))
            ],
        },
        status=status,
    )


def _bar(due, delivered, returned) -> dict:
    """Widths (of 100) for a bar of delivered, returned and still open against due."""
    if not due:
        return {"delivered": 0, "returned": 0, "returned_at": 0}
    d = float(delivered * 100 / due)
    r = float(returned * 100 / due)
    return {"delivered": round(d, 2), "returned": round(r, 2), "returned_at": round(d, 2)}


@login_required
def distribution_detail(request, pk: int):
    campaign = selectors.campaign_get(request.user, pk)
    view = selectors.campaign_view(request.user, campaign)
    report = view.report
    for row in view.buildings:
        row.bar = _bar(row.tally.due, row.tally.delivered, row.tally.returned)
    batches = [
        (batch, tally, _bar(tally.due, tally.delivered, tally.returned)) for batch, tally in report.batches
    ]
    can_manage = can(request.user, Perm.SUPPLY_MANAGE, campaign.area.path)
    return render(
        request,
        "web/distribution/detail.html",
        {
            "campaign": campaign,
            "report": report,
            "whole": view.whole,
            "buildings": view.buildings,
            "batches": batches,
            "manage": can_manage,
            "total_bar": _bar(report.total.due, report.total.delivered, report.total.returned),
        },
    )


def _back(campaign_pk: int):
    return redirect("web:distribution_detail", campaign_pk)


@login_required
@require_POST
def distribution_issue(request, pk: int, number: int):
    campaign = selectors.campaign_get(request.user, pk)
    batch = selectors.batch_get(campaign, number)
    done = submit(lambda: services.batch_issue(acting_user=request.user, batch=batch))
    if done:
        messages.success(request, _("Batch %(number)s was issued from stock.") % {"number": number})
    else:
        flash_errors(request, done.errors)
    return _back(pk)


@login_required
@require_POST
def distribution_handover(request, pk: int, building_id: int):
    campaign = selectors.campaign_get(request.user, pk)
    building = selectors.building_get(request.user, campaign, building_id, Perm.SUPPLY_VIEW)
    done = submit(
        lambda: services.building_handover(acting_user=request.user, campaign=campaign, building=building)
    )
    if done:
        messages.success(request, _("%(building)s was handed over.") % {"building": building.name})
    else:
        flash_errors(request, done.errors)
    return _back(pk)


@login_required
@require_POST
def distribution_return(request, pk: int):
    campaign = selectors.campaign_get(request.user, pk)
    number = request.POST.get("batch") or ""
    batch = selectors.batch_get(campaign, int(number)) if number.isdigit() else None
    done = submit(lambda: services.shares_return(acting_user=request.user, campaign=campaign, batch=batch))
    if done:
        messages.success(request, _("The undelivered shares were returned to stock."))
    else:
        flash_errors(request, done.errors)
    return _back(pk)


@login_required
@require_POST
def distribution_export(request, pk: int):
    campaign = selectors.campaign_get(request.user, pk)
    data = campaign_export(acting_user=request.user, campaign=campaign)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="distribution-{campaign.pk}.xlsx"'
    return response


@login_required
def distribution_doors(request, pk: int, building_id: int):
    """A leader's page for one building: confirm the counts, then mark the doors."""
    campaign = selectors.campaign_get(request.user, pk)
    building = selectors.building_get(request.user, campaign, building_id)
    stairwells = [
        a
        for a in selectors.allocations_visible(request.user, campaign, Perm.SUPPLY_DELIVER)
        if a.building_id == building.pk
    ]
    doors = selectors.building_doors(campaign, building)
    for door in doors:
        door.key = uuid.uuid4().hex  # this page's try at the door: a resent form records it once
    counts = {s: sum(1 for d in doors if d.status == s) for s in ShareStatus.values}
    return render(
        request,
        "web/distribution/doors.html",
        {
            "campaign": campaign,
            "building": building,
            "stairwells": stairwells,
            "doors": doors,
            "counts": counts,
            "open_statuses": (ShareStatus.DUE, ShareStatus.NOT_HOME),
        },
    )


@login_required
@require_POST
def distribution_confirm(request, pk: int, allocation_id: int):
    campaign = selectors.campaign_get(request.user, pk)
    allocation = selectors.allocation_get(request.user, campaign, allocation_id, Perm.SUPPLY_VIEW)
    done = submit(
        lambda: services.allocation_confirm(
            acting_user=request.user, allocation=allocation, households=request.POST.get("households", "")
        )
    )
    if done:
        messages.success(
            request, _("The count of %(place)s was confirmed.") % {"place": allocation.stairwell.name}
        )
    else:
        flash_errors(request, done.errors)
    return redirect("web:distribution_doors", pk, allocation.building_id)


@login_required
@require_POST
def distribution_door(request, pk: int, building_id: int):
    """One door marked (htmx swaps its row; without script the page comes back)."""
    campaign = selectors.campaign_get(request.user, pk)
    building = selectors.building_get(request.user, campaign, building_id)
    household = request.POST.get("household") or ""
    entry = {
        "household": int(household) if household.isdigit() else 0,
        "outcome": request.POST.get("outcome"),
        "client_key": request.POST.get("client_key", ""),
    }
    done = submit(
        lambda: services.receipts_record(acting_user=request.user, campaign=campaign, entries=[entry])
    )
    reasons = {
        "already_delivered": _("This household already has its share."),
        "not_handed_over": _("This building's shares have not been handed over yet."),
        "not_in_campaign": _("This door is not yours in this campaign."),
        "returned": _("This share was returned to stock."),
        "client_key_reused": _(
            "This try was already used for another door; reload the page and mark it again."
        ),
    }
    if done:
        rejected = done.result["rejected"]
        error = reasons[rejected[0]["reason"]] if rejected else ""
    else:
        error = " ".join(text for texts in done.errors.values() for text in texts)
    if request.headers.get("HX-Request"):
        door = next(
            (d for d in selectors.building_doors(campaign, building) if d.household_id == entry["household"]),
            None,
        )
        if door is None:
            return HttpResponse(status=404)
        door.key = uuid.uuid4().hex
        return render(
            request,
            "web/distribution/_door.html",
            {
                "campaign": campaign,
                "building": building,
                "door": door,
                "error": error,
                "open_statuses": (ShareStatus.DUE, ShareStatus.NOT_HOME),
            },
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("web:distribution_doors", args=[pk, building.pk]) + f"#door-{entry['household']}")
