"""A warehouse's stock ledger as XLSX, for the street's forms and the storekeeper's binder; audited
as an export. No person is in it but who moved the stock (their user name)."""

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.common.audit import audit_record
from firstline.supplies.models import AdjustReason, MovementKind, StockMovement, Warehouse


def ledger_export(*, acting_user, warehouse: Warehouse) -> tuple[bytes, int]:
    """Every movement of the warehouse, oldest first; returns (bytes, row count)."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    kinds, reasons = dict(MovementKind.choices), dict(AdjustReason.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Stock ledger"))
    sheet.append(
        [
            _("When"),
            _("Item"),
            _("Unit"),
            _("Kind"),
            _("Quantity"),
            _("Balance after"),
            _("Reason"),
            _("Other warehouse"),
            _("Note"),
            _("Moved by"),
        ]
    )
    rows = 0
    movements = (
        StockMovement.objects.filter(warehouse=warehouse)
        .select_related("item", "counterpart", "moved_by")
        .order_by("moved_at", "id")
    )
    for movement in movements.iterator(chunk_size=2000):
        sheet.append(
            [
                timezone.localtime(movement.moved_at).strftime("%Y-%m-%d %H:%M"),
                movement.item.name,
                movement.item.get_unit_display(),
                str(kinds.get(movement.kind, movement.kind)),
                float(movement.quantity),
                float(movement.balance_after),
                str(reasons.get(movement.reason, "")) if movement.reason else "",
                movement.counterpart.name if movement.counterpart else "",
                movement.note,
                movement.moved_by.username if movement.moved_by else "",
            ]
        )
        rows += 1
    buffer = io.BytesIO()
    book.save(buffer)
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action="stock.export",
            target=warehouse,
            area_path=warehouse.area.path,
            changes={"movements": rows},
        )
    return buffer.getvalue(), rows
