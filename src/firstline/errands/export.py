"""The request log as XLSX (openpyxl), for the community's daily report: every request of the
caller's areas, with its door, category, urgency, times, assignee, state and rating. No phone and no
ID number; every export audited."""

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require_any
from firstline.areas.selectors import door_label
from firstline.common.audit import audit_record
from firstline.errands.selectors import requests_for_export


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@transaction.atomic
def request_log_export(*, acting_user) -> tuple[bytes, int]:
    require_any(acting_user, Perm.HELP_MANAGE)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Help requests")[:30])
    sheet.append(
        [
            _("No."),
            _("Door"),
            _("Category"),
            _("Urgency"),
            _("What is needed"),
            _("Brand"),
            _("Maker"),
            _("Asked at"),
            _("Due"),
            _("Escalated at"),
            _("Assigned to"),
            _("State"),
            _("Rating"),
            _("Reason"),
        ]
    )
    rows = 0
    for r in requests_for_export(user=acting_user).iterator(chunk_size=2000):
        assignee = (
            r.assigned_group.name
            if r.assigned_group_id
            else (r.assigned_user.username if r.assigned_user_id else "")
        )
        sheet.append(
            [
                r.pk,
                door_label(r.household),
                str(r.get_category_display()),
                str(r.get_urgency_display()),
                r.details,
                r.brand,
                r.maker,
                _when(r.asked_at),
                _when(r.due_at),
                _when(r.escalated_at),
                assignee,
                str(r.get_state_display()),
                r.rating or "",
                r.cancel_reason,
            ]
        )
        rows += 1
    out = io.BytesIO()
    book.save(out)
    audit_record(
        actor=acting_user, action="errands.export", target_type="errands.log", changes={"rows": rows}
    )
    return out.getvalue(), rows
