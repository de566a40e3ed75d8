"""The reconciliation of a campaign as an XLSX workbook (for the street's report), audited."""

import io

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.common.audit import audit_record
from firstline.distribution.models import Campaign
from firstline.distribution.selectors import campaign_reconciliation


@transaction.atomic
def campaign_export(*, acting_user, campaign: Campaign) -> bytes:
    """Three sheets: the items (issued, handed, delivered, returned, with leaders, the ledger's
    figures), the buildings and the batches. No name, no phone."""
    require(acting_user, Perm.SUPPLY_VIEW, campaign.area.path)
    report = campaign_reconciliation(campaign)
    book = Workbook(write_only=True)
    items = book.create_sheet(_("Items"))
    items.append(
        [
            _("Item"),
            _("Unit"),
            _("Per share"),
            _("Issued"),
            _("Handed to leaders"),
            _("Delivered"),
            _("Returned"),
            _("With leaders"),
            _("Ledger: issued"),
            _("Ledger: returned"),
            _("Reconciled"),
        ]
    )
    for row in report.items:
        items.append(
            [
                row.name,
                row.unit,
                float(row.per_unit),
                float(row.issued),
                float(row.handed),
                float(row.delivered),
                float(row.returned),
                float(row.with_leaders),
                float(row.ledger_issued),
                float(row.ledger_returned),
                _("yes") if row.reconciled else _("no"),
            ]
        )
    steps = [
        _("Households"),
        _("Shares due"),
        _("Issued"),
        _("Handed to leaders"),
        _("Delivered"),
        _("Returned"),
        _("With leaders"),
        _("Not at home"),
        _("Refused"),
    ]

    def figures(tally):
        return [
            tally.households,
            float(tally.due),
            float(tally.issued),
            float(tally.handed),
            float(tally.delivered),
            float(tally.returned),
            float(tally.with_leaders),
            tally.not_home,
            tally.refused,
        ]

    buildings = book.create_sheet(_("Buildings"))
    buildings.append([_("Building"), _("Batch"), _("Leader"), *steps])
    for row in report.buildings:
        buildings.append([row.name, row.batch, row.leader or _("compound staff"), *figures(row.tally)])
    batches = book.create_sheet(_("Batches"))
    batches.append([_("Batch"), _("Status"), *steps])
    for batch, tally in report.batches:
        batches.append([batch.number, str(batch.get_status_display()), *figures(tally)])
    out = io.BytesIO()
    book.save(out)
    audit_record(
        actor=acting_user,
        action="distribution.export",
        target=campaign,
        area_path=campaign.area.path,
        changes={"buildings": len(report.buildings)},
    )
    return out.getvalue()
