"""The day's parcels of a site as an XLSX workbook (openpyxl), audited: for the gate's daily sheet."""

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.areas.models import Area
from firstline.areas.selectors import door_label
from firstline.common.audit import audit_record
from firstline.parcels.selectors import day_parcels


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def parcels_export(*, acting_user, site: Area, day: dt.date) -> tuple[bytes, int]:
    """(workbook bytes, rows): the parcels registered that day and those still open. No names, no phones."""
    require(acting_user, Perm.PARCEL_HANDLE, site.path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Parcels"))
    sheet.append(
        [
            _("Door"),
            _("Description"),
            _("Count"),
            _("Weight"),
            _("State"),
            _("Registered"),
            _("Disinfected"),
            _("Hold ends"),
            _("Courier"),
            _("Delivered"),
            _("Proof"),
        ]
    )
    rows = 0
    for parcel in day_parcels(user=acting_user, site=site, day=day):
        sheet.append(
            [
                door_label(parcel.household),
                parcel.description,
                parcel.count,
                str(parcel.get_weight_class_display()),
                str(parcel.get_state_display()),
                _time(parcel.registered_at),
                _time(parcel.disinfected_at),
                _time(parcel.hold_until),
                parcel.courier.get_full_name() or parcel.courier.username if parcel.courier else "",
                _time(parcel.delivered_at),
                str(parcel.get_proof_display()) if parcel.proof else "",
            ]
        )
        rows += 1
    out = io.BytesIO()
    book.save(out)
    audit_record(
        actor=acting_user,
        action="parcels.export",
        target=site,
        area_path=site.path,
        changes={"day": day.isoformat(), "rows": rows},
    )
    return out.getvalue(), rows
