"""Moving stock: every change to a balance is one ledger row, in the same transaction.

`stock_post` is the one door to the ledger: the warehouse app's receipts, issues, transfers,
adjustments and stock-takes, the donations and the distribution campaigns all go through it.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.common.audit import audit_record
from firstline.common.text import clean_text
from firstline.supplies.models import (
    INBOUND,
    OUTBOUND,
    QUANTITY,
    SIGNED,
    ZERO,
    AdjustReason,
    Item,
    MovementKind,
    Stock,
    StockMovement,
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
) -> StockMovement:
    """Add to or take from a balance. `quantity` is positive for every kind except an adjustment or a
    stock-take, which carry their sign. Taking more than there is raises a ValidationError that says
    how much is left; the database's check constraint refuses it as well, whatever path wrote it."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
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
    stock.refresh_from_db(fields=["quantity"])
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
                "quantity": str(delta),
                "balance": str(stock.quantity),
                "ref": f"{ref_type}#{ref_id}" if ref_type else "",
            },
        )
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


__all__ = [
    "INBOUND",
    "OUTBOUND",
    "SIGNED",
    "clean_quantity",
    "fmt_quantity",
    "stock_post",
    "stock_transfer",
]
