"""Exporting the ledger of an area to XLSX: masked by default, every export audited.

Exports are the exception, not the workflow: they exist for the health authority's forms. An
unmasked export needs both the export and the reveal permission, and says so in its audit row.
"""

import io

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.areas.models import INNER_STAIRWELLS, Area
from firstline.common import crypto
from firstline.common.audit import audit_record
from firstline.common.identity import mask_phone
from firstline.common.paths import subtree_q
from firstline.people.models import Residence, Vulnerability, VulnerabilityTag


def ledger_export(*, acting_user, area: Area, unmasked: bool = False) -> tuple[bytes, int]:
    """The residents under `area` as an XLSX workbook; returns (bytes, row count)."""
    require(acting_user, Perm.LEDGER_EXPORT, area.path)
    if unmasked:
        require(acting_user, Perm.ID_REVEAL, area.path)
    residences = (
        Residence.objects.filter(subtree_q(area.path, "household__path"), is_current=True)
        .select_related("person", "household", "household__parent", "household__parent__parent")
        .order_by("household__path", "id")
    )
    labels = dict(VulnerabilityTag.choices)
    tags: dict[int, list[str]] = {}
    current_here = Q(person__residences__is_current=True) & subtree_q(
        area.path, "person__residences__household__path"
    )
    for person_id, tag in Vulnerability.objects.filter(current_here).values_list("person_id", "tag"):
        tags.setdefault(person_id, []).append(str(labels.get(tag, tag)))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(area.name[:30] or "ledger")
    sheet.append(
        [
            _("Building"),
            _("Unit"),
            _("Door"),
            _("Name"),
            _("ID document"),
            _("ID number"),
            _("Phone"),
            _("Birth date"),
            _("Sex"),
            _("Relation"),
            _("Lives here as"),
            _("Vaccination"),
            _("Needs"),
        ]
    )
    rows = 0
    for residence in residences.iterator(chunk_size=2000):
        person, household = residence.person, residence.household
        stairwell = household.parent
        building = stairwell.parent if stairwell.kind in INNER_STAIRWELLS else stairwell
        number = crypto.unseal(person.id_sealed) if unmasked and person.id_sealed else person.id_masked
        sheet.append(
            [
                building.name,
                stairwell.name if stairwell.kind in INNER_STAIRWELLS else "",
                household.door,
                person.name,
                person.get_id_type_display(),
                number,
                person.phone if unmasked else mask_phone(person.phone),
                person.birth_date.isoformat() if person.birth_date else "",
                person.get_sex_display(),
                residence.get_relation_display(),
                residence.get_status_display(),
                person.get_vaccination_display(),
                "、".join(tags.get(person.pk, [])),
            ]
        )
        rows += 1
    buffer = io.BytesIO()
    book.save(buffer)
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action="ledger.export",
            target=area,
            area_path=area.path,
            changes={"rows": rows, "unmasked": unmasked},
        )
    return buffer.getvalue(), rows
