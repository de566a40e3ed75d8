"""Moving stock: every change to a balance is one ledger row, in the same transaction.

`stock_post` is the one door to the ledger: the warehouse app's receipts, issues, transfers,
adjustments and stock-takes, the donations and the distribution campaigns all go through it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, require, require_any
from firstline.common.audit import audit_record
from firstline.common.errors import Conflict, NotFound
from firstline.common.identity import normalise_phone
from firstline.common.text import clean_text
from firstline.supplies.models import (
    INBOUND,
    OUTBOUND,
    OUTSTANDING,
    QUANTITY,
    SIGNED,
    WAREHOUSE_AREAS,
    ZERO,
    AdjustReason,
    Category,
    Donation,
    DonationLine,
    Donor,
    DonorKind,
    Item,
    MovementKind,
    ResupplyRequest,
    ResupplyStatus,
    Stock,
    StockMovement,
    StockTake,
    StockTakeLine,
    Unit,
    Warehouse,
)

_LIMIT = Decimal(10) ** (QUANTITY["max_digits"] - QUANTITY["decimal_places"])
_STEP = Decimal(1).scaleb(-QUANTITY["decimal_places"])


def clean_quantity(value, *, field: str = "quantity", allow_negative: bool = False) -> Decimal:
    """A quantity as a Decimal of at most two places; a clear error names the field otherwise."""
    try:
        quantity = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give the quantity as a number, such as 50 or 12.5.")}) from None
    if not quantity.is_finite():
        raise ValidationError({field: _("Give the quantity as a number, such as 50 or 12.5.")})
    if quantity != quantity.quantize(_STEP):
        raise ValidationError({field: _("Give the quantity to at most two decimal places.")})
    if abs(quantity) >= _LIMIT:
        raise ValidationError({field: _("This quantity is too large.")})
    if quantity == 0 or (quantity < 0 and not allow_negative):
        raise ValidationError({field: _("The quantity must be more than zero.")})
    return quantity.quantize(_STEP)


def fmt_quantity(quantity: Decimal) -> str:
    """50.00 → "50", 12.50 → "12.5"."""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def short_of(stock_quantity: Decimal, item: Item, warehouse: Warehouse, wanted: Decimal) -> ValidationError:
    return ValidationError(
        {
            "quantity": _(
                "Only %(left)s %(unit)s of %(item)s left in %(warehouse)s; %(wanted)s cannot be taken. "
                "Record the receipt first, or take less."
            )
            % {
                "left": fmt_quantity(stock_quantity),
                "unit": item.get_unit_display(),
                "item": item.name,
                "warehouse": warehouse.name,
                "wanted": fmt_quantity(wanted),
            }
        }
    )


@transaction.atomic
def stock_post(
    *,
    acting_user,
    warehouse: Warehouse,
    item: Item,
    kind: str,
    quantity,
    reason: str = "",
    note: str = "",
    ref_type: str = "",
    ref_id="",
    counterpart: Warehouse | None = None,
    moved_at: dt.datetime | None = None,
    audit: bool = True,
    perm: str = Perm.SUPPLY_MANAGE,
) -> StockMovement:
    """Add to or take from a balance. `quantity` is positive for every kind except an adjustment or a
    stock-take, which carry their sign. Taking more than there is raises a ValidationError that says
    how much is left; the database's check constraint refuses it as well, whatever path wrote it.

    A movement that leaves the balance below the warehouse's minimum of the item raises a resupply
    request to the warehouse above (one outstanding per warehouse and item). `perm` is the right the
    caller needs there: a sampling point's volunteers report what they used with their own."""
    require(acting_user, perm, warehouse.area.path)
    if kind not in MovementKind.values:
        raise ValidationError({"kind": _("Unknown kind of movement.")})
    delta = clean_quantity(quantity, allow_negative=kind in SIGNED)
    if kind in OUTBOUND:
        delta = -delta
    if kind == MovementKind.ADJUSTMENT and reason not in AdjustReason.values:
        raise ValidationError(
            {"reason": _("Say why the stock is adjusted: lost, damaged, expired or found.")}
        )
    if reason and reason not in AdjustReason.values:
        raise ValidationError({"reason": _("Unknown reason.")})
    if kind in (MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT) and counterpart is None:
        raise ValidationError({"counterpart": _("A transfer names the other warehouse.")})
    note = clean_text(note, field="note", max_length=300)
    moved_at = moved_at or timezone.now()
    stock, _created = Stock.objects.select_for_update().get_or_create(warehouse=warehouse, item=item)
    if stock.quantity + delta < ZERO:
        raise short_of(stock.quantity, item, warehouse, -delta)
    try:
        with transaction.atomic():
            Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + delta)
    except IntegrityError:  # a concurrent writer got there first (the row lock makes this rare)
        stock.refresh_from_db()
        raise short_of(stock.quantity, item, warehouse, -delta) from None
    stock.refresh_from_db(fields=["quantity", "minimum", "target"])
    movement = StockMovement.objects.create(
        warehouse=warehouse,
        item=item,
        kind=kind,
        quantity=delta,
        balance_after=stock.quantity,
        reason=reason,
        note=note,
        ref_type=ref_type,
        ref_id=str(ref_id or ""),
        counterpart=counterpart,
        moved_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        moved_at=moved_at,
    )
    if audit:
        audit_record(
            actor=acting_user,
            action=f"stock.{kind}",
            target=movement,
            area_path=warehouse.area.path,
            changes={
                "item": item.pk,
                "item_name": item.name,
                "quantity": str(delta),
                "balance": str(stock.quantity),
                "ref": f"{ref_type}#{ref_id}" if ref_type else "",
            },
        )
    if delta < ZERO and stock.below_minimum:
        resupply_raise(acting_user=acting_user, stock=stock, warehouse=warehouse, item=item)
    return movement


@transaction.atomic
def stock_transfer(
    *,
    acting_user,
    source: Warehouse,
    target: Warehouse,
    item: Item,
    quantity,
    note: str = "",
    moved_at: dt.datetime | None = None,
) -> tuple[StockMovement, StockMovement]:
    """Move stock between two warehouses: both rows or neither."""
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another warehouse to transfer to.")})
    require(acting_user, Perm.SUPPLY_MANAGE, target.area.path)
    out = stock_post(
        acting_user=acting_user,
        warehouse=source,
        item=item,
        kind=MovementKind.TRANSFER_OUT,
        quantity=quantity,
        note=note,
        counterpart=target,
        moved_at=moved_at,
    )
    into = stock_post(
        acting_user=acting_user,
        warehouse=target,
        item=item,
        kind=MovementKind.TRANSFER_IN,
        quantity=quantity,
        note=note,
        counterpart=source,
        moved_at=moved_at,
        ref_type="supplies.stockmovement",
        ref_id=out.pk,
    )
    return out, into


@dataclass(frozen=True)
class MoveIn:
    """One movement of a batch: as `stock_post` takes it (the warehouse is the batch's)."""

    item_id: int
    kind: str
    quantity: object
    reason: str = ""
    note: str = ""
    ref_type: str = ""
    ref_id: str = ""


@transaction.atomic
def stock_post_batch(
    *, acting_user, warehouse: Warehouse, moves: list[MoveIn], moved_at: dt.datetime | None = None
) -> int:
    """Many movements of one warehouse at once (a day's issues of a campaign, a device's backlog):
    the same rules as `stock_post`, on sets — one locked read of the balances, one UPDATE per item,
    one INSERT of the ledger rows and one of their audit rows. All or nothing: a row that would take
    a balance below zero refuses the whole batch and names the row. Transfers go through
    `stock_transfer`. Returns the number of movements written."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    if not moves:
        return 0
    moved_at = moved_at or timezone.now()
    items = Item.objects.in_bulk({m.item_id for m in moves})
    stocks = {
        s.item_id: s
        for s in Stock.objects.select_for_update().filter(warehouse=warehouse, item_id__in=list(items))
    }
    missing = [Stock(warehouse=warehouse, item_id=item_id) for item_id in items if item_id not in stocks]
    if missing:
        Stock.objects.bulk_create(missing, ignore_conflicts=True)
        stocks = {
            s.item_id: s
            for s in Stock.objects.select_for_update().filter(warehouse=warehouse, item_id__in=list(items))
        }
    balance = {item_id: stock.quantity for item_id, stock in stocks.items()}
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    rows: list[StockMovement] = []
    for number, move in enumerate(moves, start=1):
        field = f"row-{number}"
        item = items.get(move.item_id)
        if item is None:
            raise ValidationError({field: _("Row %(n)s: unknown item.") % {"n": number}})
        if move.kind not in MovementKind.values or move.kind in (
            MovementKind.TRANSFER_IN,
            MovementKind.TRANSFER_OUT,
        ):
            raise ValidationError({field: _("Row %(n)s: unknown kind of movement.") % {"n": number}})
        delta = clean_quantity(move.quantity, field=field, allow_negative=move.kind in SIGNED)
        if move.kind in OUTBOUND:
            delta = -delta
        if (move.kind == MovementKind.ADJUSTMENT and move.reason not in AdjustReason.values) or (
            move.reason and move.reason not in AdjustReason.values
        ):
            raise ValidationError({field: _("Row %(n)s: say why the stock is adjusted.") % {"n": number}})
        if balance[item.pk] + delta < ZERO:
            raise ValidationError(
                {
                    field: [
                        _("Row %(n)s:") % {"n": number},
                        *short_of(balance[item.pk], item, warehouse, -delta).messages,
                    ]
                }
            )
        balance[item.pk] += delta
        rows.append(
            StockMovement(
                warehouse=warehouse,
                item=item,
                kind=move.kind,
                quantity=delta,
                balance_after=balance[item.pk],
                reason=move.reason,
                note=clean_text(move.note, field=field, max_length=300),
                ref_type=move.ref_type,
                ref_id=str(move.ref_id or ""),
                moved_by=user,
                moved_at=moved_at,
            )
        )
    for item_id, stock in stocks.items():
        change = balance[item_id] - stock.quantity
        if change:
            Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + change)
    StockMovement.objects.bulk_create(rows, batch_size=2000)
    audit_record(
        actor=acting_user,
        action="stock.batch",
        target=warehouse,
        area_path=warehouse.area.path,
        changes={"movements": len(rows), "items": len({r.item_id for r in rows})},
    )
    for item_id, stock in stocks.items():
        taken = balance[item_id] < stock.quantity
        stock.quantity = balance[item_id]
        if taken and stock.below_minimum:
            resupply_raise(acting_user=acting_user, stock=stock, warehouse=warehouse, item=items[item_id])
    return len(rows)


def upper_warehouse(warehouse: Warehouse) -> Warehouse | None:
    """The warehouse of the nearest area above this one's (a community's → its street's; a sampling
    point's store → its community's), not another sampling point's store."""
    paths = list(warehouse.area.ancestor_paths)
    if warehouse.sampling_point_id is not None:
        paths = [*paths, warehouse.area.path]
    candidates = (
        Warehouse.objects.filter(area__path__in=paths, is_active=True, sampling_point__isnull=True)
        .exclude(pk=warehouse.pk)
        .select_related("area")
        .order_by("-area__path", "pk")
    )
    return candidates.first()


def resupply_raise(*, acting_user, stock: Stock, warehouse: Warehouse, item: Item) -> ResupplyRequest | None:
    """Ask for the item up to the fill level, unless a request is already outstanding: the partial
    unique index decides between two movements that cross the minimum at once."""
    wanted = stock.fill_level - stock.quantity
    if wanted <= ZERO:
        return None
    if ResupplyRequest.objects.filter(warehouse=warehouse, item=item, status__in=OUTSTANDING).exists():
        return None
    try:
        with transaction.atomic():
            request = ResupplyRequest.objects.create(
                warehouse=warehouse,
                supplier=upper_warehouse(warehouse),
                item=item,
                quantity=wanted,
                raised_at=timezone.now(),
                raised_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
            )
    except IntegrityError:
        return None
    audit_record(
        actor=acting_user,
        action="resupply.raise",
        target=request,
        area_path=warehouse.area.path,
        changes={
            "item": item.pk,
            "item_name": item.name,
            "quantity": str(wanted),
            "balance": str(stock.quantity),
        },
    )
    return request


# -- minimum levels -----------------------------------------------------------------------------


@transaction.atomic
def stock_levels_set(*, acting_user, warehouse: Warehouse, item: Item, minimum, target=0) -> Stock:
    """The level below which the warehouse asks for more of the item, and what it fills up to."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    minimum = ZERO if str(minimum).strip() in ("", "0") else clean_quantity(minimum, field="minimum")
    target = ZERO if str(target).strip() in ("", "0") else clean_quantity(target, field="target")
    if target and target < minimum:
        raise ValidationError({"target": _("Fill up to at least the minimum level.")})
    stock, _created = Stock.objects.select_for_update().get_or_create(warehouse=warehouse, item=item)
    old = (str(stock.minimum), str(stock.target))
    stock.minimum, stock.target = minimum, target
    stock.save(update_fields=["minimum", "target", "updated_at"])
    audit_record(
        actor=acting_user,
        action="stock.levels",
        target=stock,
        area_path=warehouse.area.path,
        changes={
            "item": item.pk,
            "item_name": item.name,
            "minimum": [old[0], str(minimum)],
            "target": [old[1], str(target)],
        },
    )
    if stock.below_minimum:
        resupply_raise(acting_user=acting_user, stock=stock, warehouse=warehouse, item=item)
    return stock


# -- stock-takes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountIn:
    item_id: int
    counted: object
    reason: str = ""


@transaction.atomic
def stock_take_record(
    *,
    acting_user,
    warehouse: Warehouse,
    counts: list[CountIn],
    disinfected: bool = False,
    note: str = "",
    counted_at: dt.datetime | None = None,
) -> StockTake:
    """Counted against expected, item by item; each difference, with its reason, is one stock-take
    movement of the ledger, all in this transaction. The expected figure is the balance when the
    count is recorded (the stock rows are locked meanwhile)."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    if not counts:
        raise ValidationError({"counts": _("Count at least one item.")})
    note = clean_text(note, field="note", max_length=300)
    counted_at = counted_at or timezone.now()
    items = Item.objects.in_bulk([c.item_id for c in counts])
    balances = {
        s.item_id: s
        for s in Stock.objects.select_for_update().filter(warehouse=warehouse, item_id__in=list(items))
    }
    errors: dict[str, list[str]] = {}
    lines: list[tuple[Item, Decimal, Decimal, str]] = []
    seen: set[int] = set()
    for row in counts:
        item = items.get(row.item_id)
        field = f"counted-{row.item_id}"
        if item is None or row.item_id in seen:
            errors.setdefault(field, []).append(_("Unknown or repeated item."))
            continue
        seen.add(row.item_id)
        text = str(row.counted).strip()
        try:
            counted = ZERO if text in ("0", "0.0", "0.00") else clean_quantity(text, field=field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        stock = balances.get(item.pk)
        expected = stock.quantity if stock else ZERO
        reason = row.reason or ""
        if counted != expected and reason not in AdjustReason.values:
            errors.setdefault(f"reason-{item.pk}", []).append(
                _("%(item)s: counted %(counted)s, expected %(expected)s. Say why they differ.")
                % {"item": item.name, "counted": fmt_quantity(counted), "expected": fmt_quantity(expected)}
            )
            continue
        lines.append((item, expected, counted, reason if counted != expected else ""))
    if errors:
        raise ValidationError(errors)
    take = StockTake.objects.create(
        warehouse=warehouse,
        counted_by=acting_user if acting_user.is_authenticated else None,
        counted_at=counted_at,
        disinfected=disinfected,
        note=note,
    )
    made = []
    for item, expected, counted, reason in lines:
        movement = None
        if counted != expected:
            movement = stock_post(
                acting_user=acting_user,
                warehouse=warehouse,
                item=item,
                kind=MovementKind.STOCKTAKE,
                quantity=counted - expected,
                reason=reason,
                ref_type="supplies.stocktake",
                ref_id=take.pk,
                moved_at=counted_at,
            )
        made.append(
            StockTakeLine(
                stock_take=take,
                item=item,
                expected=expected,
                counted=counted,
                reason=reason,
                movement=movement,
            )
        )
    StockTakeLine.objects.bulk_create(made)
    audit_record(
        actor=acting_user,
        action="stocktake.record",
        target=take,
        area_path=warehouse.area.path,
        changes={
            "items": len(made),
            "differences": sum(1 for line in made if line.movement is not None),
            "disinfected": disinfected,
        },
    )
    return take


# -- resupply -----------------------------------------------------------------------------------


def _resupply_locked(request_id: int) -> ResupplyRequest:
    request = (
        ResupplyRequest.objects.select_for_update(of=("self",))
        .select_related("warehouse__area", "supplier__area", "item")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound
    return request


def _resupply_move(request: ResupplyRequest, old: str, new: str, **fields) -> None:
    """A conditional UPDATE: a stale status (someone sent or cancelled it meanwhile) is a Conflict."""
    changed = ResupplyRequest.objects.filter(pk=request.pk, status=old).update(status=new, **fields)
    if not changed:
        raise Conflict(_("This request was changed meanwhile; reload the page."))
    request.status = new
    for name, value in fields.items():
        setattr(request, name, value)


@transaction.atomic
def resupply_send(*, acting_user, request: ResupplyRequest, quantity=None) -> ResupplyRequest:
    """The upper warehouse ships: a transfer out of it, in transit until the requester receives it."""
    request = _resupply_locked(request.pk)
    if request.supplier is None:
        raise ValidationError({"supplier": _("No warehouse above this one: receive the stock directly.")})
    require(acting_user, Perm.SUPPLY_MANAGE, request.supplier.area.path)
    if request.status != ResupplyStatus.OPEN:
        raise Conflict(_("This request is no longer open."))
    quantity = request.quantity if quantity in (None, "") else clean_quantity(quantity)
    shipment = stock_post(
        acting_user=acting_user,
        warehouse=request.supplier,
        item=request.item,
        kind=MovementKind.TRANSFER_OUT,
        quantity=quantity,
        reason=AdjustReason.RESUPPLY,
        counterpart=request.warehouse,
        ref_type="supplies.resupplyrequest",
        ref_id=request.pk,
    )
    _resupply_move(
        request,
        ResupplyStatus.OPEN,
        ResupplyStatus.SENT,
        shipment=shipment,
        sent_at=timezone.now(),
        quantity=quantity,
    )
    audit_record(
        actor=acting_user,
        action="resupply.send",
        target=request,
        area_path=request.supplier.area.path,
        changes={
            "status": ["open", "sent"],
            "item": request.item_id,
            "item_name": request.item.name,
            "quantity": str(quantity),
        },
    )
    return request


@transaction.atomic
def resupply_receive(*, acting_user, request: ResupplyRequest) -> ResupplyRequest:
    """The requester takes the shipment in: the transfer's second half."""
    request = _resupply_locked(request.pk)
    require(acting_user, Perm.SUPPLY_MANAGE, request.warehouse.area.path)
    if request.status != ResupplyStatus.SENT:
        raise Conflict(_("Only a request that was sent can be received."))
    receipt = stock_post(
        acting_user=acting_user,
        warehouse=request.warehouse,
        item=request.item,
        kind=MovementKind.TRANSFER_IN,
        quantity=-request.shipment.quantity,
        reason=AdjustReason.RESUPPLY,
        counterpart=request.supplier,
        ref_type="supplies.resupplyrequest",
        ref_id=request.pk,
    )
    _resupply_move(
        request, ResupplyStatus.SENT, ResupplyStatus.RECEIVED, receipt=receipt, received_at=timezone.now()
    )
    audit_record(
        actor=acting_user,
        action="resupply.receive",
        target=request,
        area_path=request.warehouse.area.path,
        changes={
            "status": ["sent", "received"],
            "item": request.item_id,
            "item_name": request.item.name,
            "quantity": str(receipt.quantity),
        },
    )
    return request


@transaction.atomic
def resupply_cancel(*, acting_user, request: ResupplyRequest, note: str = "") -> ResupplyRequest:
    """Withdraw an open request (by either side); a sent one is received, not cancelled."""
    request = _resupply_locked(request.pk)
    paths = [request.warehouse.area.path] + ([request.supplier.area.path] if request.supplier else [])
    if not any(can(acting_user, Perm.SUPPLY_MANAGE, path) for path in paths):
        require(acting_user, Perm.SUPPLY_MANAGE, request.warehouse.area.path)
    if request.status != ResupplyStatus.OPEN:
        raise Conflict(_("Only an open request can be cancelled."))
    note = clean_text(note, field="note", max_length=300)
    _resupply_move(request, ResupplyStatus.OPEN, ResupplyStatus.CANCELLED, note=note)
    audit_record(
        actor=acting_user,
        action="resupply.cancel",
        target=request,
        area_path=request.warehouse.area.path,
        changes={"status": ["open", "cancelled"], "item": request.item_id, "item_name": request.item.name},
    )
    return request


# -- donations ----------------------------------------------------------------------------------


@transaction.atomic
def donor_create(
    *, acting_user, area, kind: str, name: str, contact_person: str = "", phone: str = ""
) -> Donor:
    require(acting_user, Perm.SUPPLY_MANAGE, area.path)
    if kind not in DonorKind.values:
        raise ValidationError({"kind": _("Choose the kind of donor: village, firm, resident or unit.")})
    name = clean_text(name, field="name", max_length=100, required=True)
    contact_person = clean_text(contact_person, field="contact_person", max_length=60)
    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    if Donor.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("This donor is already on the list; choose it instead.")})
    donor = Donor.objects.create(area=area, kind=kind, name=name, contact_person=contact_person, phone=phone)
    audit_record(
        actor=acting_user, action="donor.create", target=donor, area_path=area.path, changes={"kind": kind}
    )
    return donor


@dataclass(frozen=True)
class LineIn:
    item_id: int
    quantity: object


@transaction.atomic
def donation_receive(
    *,
    acting_user,
    donor: Donor,
    warehouse: Warehouse,
    lines: list[LineIn],
    note: str = "",
    received_at: dt.datetime | None = None,
) -> Donation:
    """A donation taken into a warehouse: one receipt of the ledger per line, the donation its ref."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    if not lines:
        raise ValidationError({"lines": _("Add at least one item and its quantity.")})
    note = clean_text(note, field="note", max_length=300)
    items = Item.objects.in_bulk([line.item_id for line in lines])
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[Item, Decimal]] = []
    for number, line in enumerate(lines, start=1):
        item = items.get(line.item_id)
        if item is None or any(item == seen for seen, _q in cleaned):
            errors[f"line-{number}"] = [_("Line %(n)s: unknown or repeated item.") % {"n": number}]
            continue
        try:
            cleaned.append((item, clean_quantity(line.quantity, field=f"line-{number}")))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    donation = Donation.objects.create(
        donor=donor,
        warehouse=warehouse,
        received_by=acting_user if acting_user.is_authenticated else None,
        received_at=received_at,
        note=note,
    )
    rows = []
    for item, quantity in cleaned:
        movement = stock_post(
            acting_user=acting_user,
            warehouse=warehouse,
            item=item,
            kind=MovementKind.RECEIPT,
            quantity=quantity,
            reason=AdjustReason.DONATION,
            ref_type="supplies.donation",
            ref_id=donation.pk,
            moved_at=received_at,
        )
        rows.append(DonationLine(donation=donation, item=item, quantity=quantity, movement=movement))
    DonationLine.objects.bulk_create(rows)
    audit_record(
        actor=acting_user,
        action="donation.receive",
        target=donation,
        area_path=warehouse.area.path,
        changes={"donor": donor.pk, "lines": len(rows)},
    )
    return donation


# -- a sampling point's usage -------------------------------------------------------------------


@transaction.atomic
def sampling_usage_report(
    *, acting_user, warehouse: Warehouse, lines: list[LineIn], note: str = ""
) -> list[StockMovement]:
    """What a sampling point used in a session (swabs, tubes, protective suits): issues from its
    store, reason "used at sampling", reported by those who sample there."""
    if warehouse.sampling_point_id is None:
        raise ValidationError({"warehouse": _("This is not a sampling point's store.")})
    require(acting_user, Perm.TESTING_SAMPLE, warehouse.area.path)
    lines = [line for line in lines if str(line.quantity).strip() not in ("", "0")]
    if not lines:
        raise ValidationError({"lines": _("Enter what was used of at least one item.")})
    items = Item.objects.in_bulk([line.item_id for line in lines])
    movements = []
    for line in lines:
        item = items.get(line.item_id)
        if item is None:
            raise ValidationError({f"used-{line.item_id}": _("Unknown item.")})
        movements.append(
            stock_post(
                acting_user=acting_user,
                warehouse=warehouse,
                item=item,
                kind=MovementKind.ISSUE,
                quantity=clean_quantity(line.quantity, field=f"used-{line.item_id}"),
                reason=AdjustReason.USED_AT_SAMPLING,
                note=note,
                ref_type="testing.samplingpoint",
                ref_id=warehouse.sampling_point_id,
                perm=Perm.TESTING_SAMPLE,
            )
        )
    return movements


# -- the catalogue and the warehouses ------------------------------------------------------------


@transaction.atomic
def item_create(*, acting_user, name: str, unit: str, category: str = Category.OTHER) -> Item:
    """A new item of the shared catalogue (the same name in another unit is another item)."""
    require_any(acting_user, Perm.SUPPLY_MANAGE)
    name = clean_text(name, field="name", max_length=60, required=True)
    if unit not in Unit.values:
        raise ValidationError({"unit": _("Choose the unit: jin, bag, box, drum, pack, piece.")})
    if category not in Category.values:
        raise ValidationError({"category": _("Choose the category.")})
    if Item.objects.filter(name=name, unit=unit).exists():
        raise ValidationError({"name": _("This item is already in the catalogue in this unit.")})
    item = Item.objects.create(name=name, unit=unit, category=category)
    audit_record(
        actor=acting_user, action="item.create", target=item, changes={"item_name": name, "unit": unit}
    )
    return item


@transaction.atomic
def warehouse_create(*, acting_user, area, name: str, location: str = "", sampling_point=None) -> Warehouse:
    """A store of a street, a community (a village) or a compound; a sampling point's store is in its
    compound."""
    require(acting_user, Perm.SUPPLY_MANAGE, area.path)
    if area.kind not in WAREHOUSE_AREAS:
        raise ValidationError({"area": _("A warehouse belongs to a street, a community or a compound.")})
    name = clean_text(name, field="name", max_length=100, required=True)
    location = clean_text(location, field="location", max_length=200)
    if sampling_point is not None and sampling_point.compound_id != area.pk:
        raise ValidationError({"sampling_point": _("A sampling point's store is in the point's compound.")})
    if Warehouse.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("This area already has a warehouse of this name.")})
    if sampling_point is not None and Warehouse.objects.filter(sampling_point=sampling_point).exists():
        raise ValidationError({"sampling_point": _("This sampling point already has its store.")})
    warehouse = Warehouse.objects.create(
        area=area, name=name, location=location, sampling_point=sampling_point, keeper=acting_user
    )
    audit_record(
        actor=acting_user,
        action="warehouse.create",
        target=warehouse,
        area_path=area.path,
        changes={"sampling_point": sampling_point is not None},
    )
    return warehouse


__all__ = [
    "INBOUND",
    "OUTBOUND",
    "SIGNED",
    "clean_quantity",
    "fmt_quantity",
    "stock_post",
    "stock_transfer",
]
