"""The round's XLSX for the health authority: masked by default, audited."""

import io

import pytest
from openpyxl import load_workbook

from firstline.common.errors import PermissionDenied
from firstline.common.models import AuditEntry
from firstline.people.services import person_register
from firstline.testing.capture.services import scans_record
from firstline.testing.coverage.export import round_export
from firstline.testing.models import Sample
from tests.conftest import household
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def test_the_round_export_is_masked_by_default_and_audited(world, residents, round_, point):
    wang = person_register(
        acting_user=world.staff,
        household=household(world.b1, "501", "Unit 2"),
        data={"name": "王芳", "id_number": "11010519491231002X", "phone": "13800138000"},
    )
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", id_number="11010519491231002x")],
    )
    data, count = round_export(acting_user=world.staff, round=round_, area=world.p1)
    assert count == 1
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Samples", "Missing", "Exempt"]
    sample = [c.value for c in list(book["Samples"].iter_rows())[1]]
    assert sample[:9] == [
        "TG0000001",
        1,
        "王芳",
        "Resident ID card",
        "110***********002X",
        "138****8000",
        "1号楼",
        "Unit 2",
        "501",
    ]
    assert len(list(book["Missing"].iter_rows())) == 1 + 14  # header + everyone else in P1
    unmasked, _ = round_export(acting_user=world.staff, round=round_, area=world.p1, unmasked=True)
    assert (
        list(load_workbook(io.BytesIO(unmasked))["Samples"].iter_rows(values_only=True))[1][4]
        == "11010519491231002X"
    )
    with pytest.raises(PermissionDenied):
        round_export(acting_user=world.leader, round=round_, area=world.b1)
    assert list(AuditEntry.objects.filter(action="testing.export").values_list("changes", flat=True)) == [
        {"samples": 1, "unmasked": True, "area": world.p1.pk},
        {"samples": 1, "unmasked": False, "area": world.p1.pk},
    ]
    assert Sample.objects.get().person == wang
