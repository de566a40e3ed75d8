"""A round's list for the health authority, as XLSX: masked by default, every export audited.

One sheet of samples (tube, person, door, when, where, result), one of the people still missing,
one of the exempt, limited to the part of the round the user may export. An unmasked export needs
the reveal permission too, and says so in its audit row.
"""

import io

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.areas.models import INNER_STAIRWELLS, Area
from firstline.common import crypto
from firstline.common.audit import audit_record
from firstline.common.identity import mask_name, mask_phone
from firstline.common.paths import any_subtree_q, intersect_paths, is_within, subtree_q
from firstline.testing.coverage.selectors import round_missing
from firstline.testing.models import Exemption, Round, Sample, SampleState
from firstline.testing.scope import round_scope_paths


def _place(household: Area | None) -> list[str]:
    if household is None:
        return ["", "", ""]
    stairwell = household.parent
    if stairwell.kind in INNER_STAIRWELLS:
        return [stairwell.parent.name, stairwell.name, household.door]
    return [stairwell.name, "", household.door]


def round_export(*, acting_user, round: Round, area: Area, unmasked: bool = False) -> tuple[bytes, int]:
    """The round under `area` as an XLSX workbook; returns (bytes, number of samples)."""
    require(acting_user, Perm.TESTING_EXPORT, area.path)
    if unmasked:
        require(acting_user, Perm.ID_REVEAL, area.path)
    paths = intersect_paths(round_scope_paths(round), [area.path])

    def number(person) -> str:
        return crypto.unseal(person.id_sealed) if unmasked and person.id_sealed else person.id_masked

    def phone(person) -> str:
        return person.phone if unmasked else mask_phone(person.phone)

    states = dict(SampleState.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Samples"))
    sheet.append(
        [
            _("Tube"),
            _("People in tube"),
            _("Name"),
            _("ID document"),
            _("ID number"),
            _("Phone"),
            _("Building"),
            _("Unit"),
            _("Door"),
            _("Sampled at"),
            _("Where"),
            _("Re-sample"),
            _("Result"),
            _("Outside the round"),
        ]
    )
    # The round's people living here, and the people from elsewhere sampled at this area's points
    # (listed, flagged, and only ever masked: their ledger belongs to another area).
    samples = (
        Sample.objects.filter(round=round)
        .filter(
            any_subtree_q(paths, "household_path")
            | (Q(out_of_scope=True) & subtree_q(area.path, "tube__area_path"))
        )
        .select_related(
            "person", "tube", "point", "household", "household__parent", "household__parent__parent"
        )
        .order_by("out_of_scope", "household_path", "scanned_at")
    )
    count = 0
    for sample in samples.iterator(chunk_size=2000):
        person = sample.person
        outsider = sample.out_of_scope and not is_within(sample.household_path, paths)
        sheet.append(
            [
                sample.tube.code,
                sample.tube.filled,
                mask_name(person.name) if outsider else person.name,
                person.get_id_type_display(),
                person.id_masked if outsider else number(person),
                mask_phone(person.phone) if outsider else phone(person),
                *(["", "", ""] if outsider else _place(sample.household)),
                timezone.localtime(sample.scanned_at).strftime("%Y-%m-%d %H:%M"),
                _("door to door") if sample.door_to_door else (sample.point.name if sample.point else ""),
                _("yes") if sample.purpose == "resample" else "",
                str(states.get(sample.state, sample.state)),
                _("yes") if sample.out_of_scope else "",
            ]
        )
        count += 1
    missing = book.create_sheet(_("Missing"))
    missing.append([_("Name"), _("ID number"), _("Phone"), _("Building"), _("Unit"), _("Door")])
    for residence in round_missing(user=acting_user, round=round, area=area).iterator(chunk_size=2000):
        missing.append(
            [
                residence.person.name,
                number(residence.person),
                phone(residence.person),
                *_place(residence.household),
            ]
        )
    exempt = book.create_sheet(_("Exempt"))
    exempt.append([_("Name"), _("ID number"), _("Reason"), _("Note")])
    for exemption in (
        Exemption.objects.filter(round=round)
        .filter(any_subtree_q(paths, "household_path"))
        .select_related("person")
        .order_by("household_path")
    ):
        exempt.append(
            [exemption.person.name, number(exemption.person), exemption.get_reason_display(), exemption.note]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action="testing.export",
            target=round,
            area_path=area.path,
            changes={"samples": count, "unmasked": unmasked, "area": area.pk},
        )
    return buffer.getvalue(), count
