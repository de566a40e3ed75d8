"""API: a round's XLSX export — masked by default, unmasked only with the reveal right, always audited."""

import io
import uuid

import pytest
from openpyxl import load_workbook

from firstline.common.models import AuditEntry
from firstline.testing.capture.services import ScanIn, scans_record
from tests.api.conftest import CLEAR_ID
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def sampled(world, residents, round_, point, wang):
    """王芳 sampled by her ID card (the fallback at the desk), with one neighbour from a personal code."""
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG0000001",
                id_number=CLEAR_ID.lower(),
                point_id=point.pk,
                desk=1,
            ),
            desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk]),
        ],
    )
    return wang


def _sheets(answer) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_export_is_masked_by_default_and_audited(api, world, round_, sampled):
    answer = api.get(world.staff, f"/testing/rounds/{round_.pk}/export.xlsx", area=world.b1.pk)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == XLSX
    assert (
        answer["Content-Disposition"] == f'attachment; filename="round-{round_.pk}-area-{world.b1.pk}.xlsx"'
    )
    sheets = _sheets(answer)
    assert list(sheets) == ["Samples", "Missing", "Exempt"]
    header, *rows = sheets["Samples"]
    assert header[:6] == ("Tube", "People in tube", "Name", "ID document", "ID number", "Phone")
    wang = next(row for row in rows if row[2] == "王芳")
    assert wang[:9] == (
        "TG0000001",
        2,
        "王芳",
        "Resident ID card",
        "110***********002X",
        "138****8000",
        "1号楼",
        "Unit 2",
        "501",
    )
    assert len(sheets["Missing"]) == 1 + 11  # the header, and the eleven of 1号楼 not sampled yet
    assert CLEAR_ID not in {cell for rows in sheets.values() for row in rows for cell in row}
    entry = AuditEntry.objects.get(action="testing.export")
    assert (entry.actor, entry.changes) == (
        world.staff,
        {"samples": 2, "unmasked": False, "area": world.b1.pk},
    )


def test_unmasked_for_staff_is_audited(api, world, round_, sampled):
    answer = api.get(
        world.staff, f"/testing/rounds/{round_.pk}/export.xlsx", area=world.b1.pk, unmasked="true"
    )
    assert answer.status_code == 200
    wang = next(row for row in _sheets(answer)["Samples"] if row[2] == "王芳")
    assert (wang[4], wang[5]) == (CLEAR_ID, "13800138000")
    assert AuditEntry.objects.get(action="testing.export").changes["unmasked"] is True


def test_refused_exports_write_nothing(api, world, round_, sampled):
    url = f"/testing/rounds/{round_.pk}/export.xlsx"
    leader = api.get(world.leader, url, area=world.b1.pk, unmasked="true")
    assert (leader.status_code, leader.json()["code"]) == (403, "testing.export")
    assert api.get(world.leader, url, area=world.b1.pk).status_code == 403
    bad = api.get(world.staff, url, area="b1")
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["area"])
    for user in (world.outsider, world.lab, world.resident):
        answer = api.get(user, url, area=world.b1.pk)
        assert answer.status_code == 404
        assert CLEAR_ID not in answer.content.decode()
    assert AuditEntry.objects.filter(action="testing.export").count() == 0
