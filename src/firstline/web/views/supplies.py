"""Supplies pages: the warehouses with their stock bars, one warehouse (stock, the forms that move
it, the ledger paged), a stock-take, a sampling point's usage, donations with their thank-you
letter, and the resupply queue of the level above.

Views parse the form, call one selector or service, and render; errors go through `web.errors`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.selectors import area_get
from firstline.common.identity import mask_phone
from firstline.supplies import selectors, services
from firstline.supplies.export import ledger_export
from firstline.supplies.models import AdjustReason, Category, DonorKind, MovementKind, Unit, Warehouse
from firstline.testing.rounds.selectors import point_get
from firstline.web.errors import flash_errors, submit

LEDGER_PAGE = 50
# The forms of the warehouse page: action -> the kind it posts.
FORM_KINDS = {
    "receive": MovementKind.RECEIPT,
    "issue": MovementKind.ISSUE,
    "adjust": MovementKind.ADJUSTMENT,
}
ADJUST_REASONS = [
    (r.value, r.label)
    for r in (
        AdjustReason.LOST,
        AdjustReason.DAMAGED,
        AdjustReason.EXPIRED,
        AdjustReason.FOUND,
        AdjustReason.OTHER,
    )
]
COUNT_REASONS = [*ADJUST_REASONS[:4], (AdjustReason.MISCOUNTED.value, AdjustReason.MISCOUNTED.label)]


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 18 else None


def _item(value, field: str = "item"):
    item_id = _int(value)
    if item_id is None:
        raise ValidationError({field: _("Choose an item.")})
    return selectors.item_get(item_id)


def _open_warehouse(request):
    post = request.POST
    area_id, point_id = _int(post.get("area")), _int(post.get("sampling_point"))
    if area_id is None:
        raise ValidationError({"area": _("Choose the area the warehouse serves.")})
    return services.warehouse_create(
        acting_user=request.user,
        area=area_get(user=request.user, pk=area_id, perm=Perm.SUPPLY_VIEW),
        name=post.get("name", ""),
        location=post.get("location", ""),
        sampling_point=point_get(user=request.user, pk=point_id) if point_id else None,
    )


def _add_item(request):
    post = request.POST
    return services.item_create(
        acting_user=request.user,
        name=post.get("item_name", ""),
        unit=post.get("unit", ""),
        category=post.get("category", ""),
    )


@login_required
def warehouses(request):
    manage = selectors.supplies_work(request.user)
    errors, status = {}, 200
    if request.method == "POST" and request.POST.get("action") in ("warehouse", "item"):
        write = _open_warehouse if request.POST["action"] == "warehouse" else _add_item
        done = submit(lambda: write(request))
        if done:
            messages.success(request, _("Recorded."))
            return redirect("web:supplies_warehouses")
        errors, status = done.errors, done.status
    areas, points = selectors.areas_for_warehouses(request.user) if manage else ([], [])
    return render(
        request,
        "web/supplies/warehouses.html",
        {
            "warehouses": selectors.warehouses_with_stock(request.user),
            "may_donate": manage,
            "areas": areas,
            "points": points,
            "units": Unit.choices,
            "categories": Category.choices,
            "errors": errors,
            "values": request.POST,
            "open_form": request.POST.get("action", ""),
        },
        status=status,
    )


def _warehouse_context(request, warehouse: Warehouse, **extra) -> dict:
    page = Paginator(selectors.ledger_of(warehouse), LEDGER_PAGE).get_page(request.GET.get("page"))
    stock = selectors.stock_of(warehouse)
    can_manage = can(request.user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    return {
        "warehouse": warehouse,
        "stock": stock,
        "below": sum(1 for s in stock if s.below_minimum),
        "ledger": page,
        "can_manage": can_manage,
        "can_sample": warehouse.sampling_point_id is not None
        and can(request.user, Perm.TESTING_SAMPLE, warehouse.area.path),
        "items": list(selectors.items_all()) if can_manage else [],
        "targets": [w for w in selectors.warehouses_visible(request.user) if w.pk != warehouse.pk]
        if can_manage
        else [],
        "adjust_reasons": ADJUST_REASONS,
        "last_take": selectors.stock_takes_of(request.user, warehouse.pk).first(),
        "errors": {},
        "values": {},
        **extra,
    }


def _move(request, warehouse: Warehouse):
    action = request.POST.get("action", "")
    post = request.POST
    if action == "transfer":
        target_id = _int(post.get("target"))
        if target_id is None:
            raise ValidationError({"target": _("Choose the warehouse to transfer to.")})
        return services.stock_transfer(
            acting_user=request.user,
            source=warehouse,
            target=selectors.warehouse_get(request.user, target_id),
            item=_item(post.get("item")),
            quantity=post.get("quantity", ""),
            note=post.get("note", ""),
        )
    if action == "levels":
        return services.stock_levels_set(
            acting_user=request.user,
            warehouse=warehouse,
            item=_item(post.get("item")),
            minimum=post.get("minimum", "") or "0",
            target=post.get("target", "") or "0",
        )
    if action not in FORM_KINDS:
        raise ValidationError({"action": _("Choose what to record.")})
    quantity = post.get("quantity", "")
    if action == "adjust" and post.get("direction") == "down":
        quantity = f"-{quantity.strip()}"
    return services.stock_post(
        acting_user=request.user,
        warehouse=warehouse,
        item=_item(post.get("item")),
        kind=FORM_KINDS[action],
        quantity=quantity,
        reason=post.get("reason", "") if action == "adjust" else "",
        note=post.get("note", ""),
    )


@login_required
def warehouse(request, pk: int):
    store = selectors.warehouse_get(request.user, pk)
    if request.method == "POST":
        done = submit(lambda: _move(request, store), refused="general")
        if done:
            messages.success(request, _("Recorded."))
            return redirect("web:supplies_warehouse", pk=store.pk)
        context = _warehouse_context(
            request, store, errors=done.errors, values=request.POST, open_form=request.POST.get("action")
        )
        return render(request, "web/supplies/warehouse.html", context, status=done.status)
    return render(request, "web/supplies/warehouse.html", _warehouse_context(request, store))


@login_required
def ledger_xlsx(request, pk: int):
    store = selectors.warehouse_get(request.user, pk)
    data, _rows = ledger_export(acting_user=request.user, warehouse=store)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="stock-ledger-{store.pk}.xlsx"'
    return response


@login_required
def stock_take(request, pk: int):
    store = selectors.warehouse_get(request.user, pk)
    can_manage = can(request.user, Perm.SUPPLY_MANAGE, store.area.path)
    rows = selectors.stock_of(store)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        counts = [
            services.CountIn(
                s.item_id,
                request.POST.get(f"counted-{s.item_id}", ""),
                request.POST.get(f"reason-{s.item_id}", ""),
            )
            for s in rows
            if request.POST.get(f"counted-{s.item_id}", "").strip() != ""
        ]
        done = submit(
            lambda: services.stock_take_record(
                acting_user=request.user,
                warehouse=store,
                counts=counts,
                disinfected=request.POST.get("disinfected") == "1",
                note=request.POST.get("note", ""),
            ),
            refused="general",
        )
        if done:
            messages.success(request, _("Stock-take recorded."))
            return redirect("web:supplies_warehouse", pk=store.pk)
        errors, status = done.errors, done.status
    for stock in rows:
        stock.counted_value = (
            request.POST.get(f"counted-{stock.item_id}", "") if request.method == "POST" else ""
        )
        stock.reason_value = request.POST.get(f"reason-{stock.item_id}", "")
        stock.counted_error = errors.get(f"counted-{stock.item_id}", [])
        stock.reason_error = errors.get(f"reason-{stock.item_id}", [])
    return render(
        request,
        "web/supplies/stocktake.html",
        {
            "warehouse": store,
            "rows": rows,
            "reasons": COUNT_REASONS,
            "errors": errors,
            "can_manage": can_manage,
            "values": request.POST,
        },
        status=status,
    )


@login_required
def usage(request, pk: int):
    store = selectors.warehouse_get(request.user, pk)
    rows = selectors.stock_of(store)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        lines = [services.LineIn(s.item_id, request.POST.get(f"used-{s.item_id}", "")) for s in rows]
        done = submit(
            lambda: services.sampling_usage_report(
                acting_user=request.user, warehouse=store, lines=lines, note=request.POST.get("note", "")
            ),
            refused="general",
        )
        if done:
            messages.success(request, _("Usage recorded."))
            return redirect("web:supplies_warehouse", pk=store.pk)
        errors, status = done.errors, done.status
    for stock in rows:
        stock.used_value = request.POST.get(f"used-{stock.item_id}", "")
        stock.used_error = errors.get(f"used-{stock.item_id}", [])
    return render(
        request,
        "web/supplies/usage.html",
        {"warehouse": store, "rows": rows, "errors": errors, "values": request.POST},
        status=status,
    )


@login_required
def donations(request):
    manage = selectors.supplies_work(request.user)
    page = Paginator(selectors.donations_visible(request.user), 30).get_page(request.GET.get("page"))
    donors = list(selectors.donors_visible(request.user)[:500])
    for donor in donors:
        donor.phone_masked = mask_phone(donor.phone) if donor.phone else ""
    return render(
        request,
        "web/supplies/donations.html",
        {
            "donations": page,
            "donors": donors,
            "totals": selectors.donation_totals(request.user),
            "may_donate": manage,
        },
    )


def _donation_lines(post) -> list[services.LineIn]:
    lines = []
    for index in range(int(post.get("lines", "5") if str(post.get("lines", "5")).isdigit() else 5)):
        item_id, quantity = post.get(f"item-{index}", ""), post.get(f"quantity-{index}", "").strip()
        if not item_id and not quantity:
            continue
        if _int(item_id) is None:
            raise ValidationError({f"line-{index + 1}": _("Line %(n)s: choose the item.") % {"n": index + 1}})
        lines.append(services.LineIn(int(item_id), quantity))
    return lines


def _donation_write(request):
    post = request.POST
    warehouse_id = _int(post.get("warehouse"))
    if warehouse_id is None:
        raise ValidationError({"warehouse": _("Choose the warehouse that received it.")})
    store = selectors.warehouse_get(request.user, warehouse_id)
    lines = _donation_lines(post)
    donor_id = _int(post.get("donor"))
    if donor_id is not None:
        donor = selectors.donor_get(request.user, donor_id)
    else:
        donor = services.donor_create(
            acting_user=request.user,
            area=store.area,
            kind=post.get("donor_kind", ""),
            name=post.get("donor_name", ""),
            contact_person=post.get("contact_person", ""),
            phone=post.get("phone", ""),
        )
    return services.donation_receive(
        acting_user=request.user, donor=donor, warehouse=store, lines=lines, note=post.get("note", "")
    )


@login_required
def donation_add(request):
    selectors.supplies_work(request.user, Perm.SUPPLY_MANAGE)
    errors: dict = {}
    status = 200
    if request.method == "POST":

        def write():
            with transaction.atomic():  # a new donor and its first donation, or neither
                return _donation_write(request)

        done = submit(write, refused="general")
        if done:
            messages.success(request, _("Donation received; print the thank-you letter."))
            return redirect("web:supplies_donation_letter", pk=done.result.pk)
        errors, status = done.errors, done.status
    lines = [
        {
            "index": i,
            "item": request.POST.get(f"item-{i}", ""),
            "quantity": request.POST.get(f"quantity-{i}", ""),
            "error": errors.get(f"line-{i + 1}", []),
        }
        for i in range(5)
    ]
    return render(
        request,
        "web/supplies/donation_form.html",
        {
            "warehouses": list(
                selectors.warehouses_visible(request.user, Perm.SUPPLY_MANAGE).filter(is_active=True)
            ),
            "donors": list(selectors.donors_visible(request.user)[:500]),
            "items": list(selectors.items_all()),
            "kinds": DonorKind.choices,
            "lines": lines,
            "errors": errors,
            "values": request.POST,
        },
        status=status,
    )


@login_required
def donation_letter(request, pk: int):
    donation = selectors.donation_get(request.user, pk)
    return render(
        request, "web/supplies/letter.html", {"donation": donation, "area": donation.warehouse.area}
    )


@login_required
def resupply(request):
    return render(request, "web/supplies/resupply.html", selectors.resupply_queue(request.user))


@login_required
@require_POST
def resupply_act(request, pk: int):
    entry = selectors.resupply_get(request.user, pk)
    action = request.POST.get("action")
    writes = {
        "send": lambda: services.resupply_send(
            acting_user=request.user, request=entry, quantity=request.POST.get("quantity") or None
        ),
        "receive": lambda: services.resupply_receive(acting_user=request.user, request=entry),
        "cancel": lambda: services.resupply_cancel(
            acting_user=request.user, request=entry, note=request.POST.get("note", "")
        ),
    }
    if action not in writes:
        flash_errors(request, {"action": [_("Choose send, receive or cancel.")]})
        return redirect("web:supplies_resupply")
    done = submit(writes[action])
    if done:
        messages.success(request, _("Recorded."))
    else:
        flash_errors(request, done.errors)
    return redirect("web:supplies_resupply")
