"""Lab export files with a column mapping, the round's XLSX for the health authority, antigen self-tests."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from firstline.common.errors import PermissionDenied
from firstline.testing.capture.services import scans_record
from firstline.testing.lab.files import results_upload
from firstline.testing.models import LabMapping, Sample, SampleState, TubeResult
from firstline.testing.transport import services as transport
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(world, residents, round_, point):
    """Two tubes filled, boxed, packed and received at the lab."""
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]]
        + [desk_scan(point, "TG0000002", residents.codes[p.pk]) for p in residents.b1[10:]],
    )
    box = transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-001", point=point)
    transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=["TG0000001", "TG0000002"])
    transport.box_pack(acting_user=world.volunteer, box=box, counted=2)
    transport.box_receive(acting_user=world.lab, box=box, counted=2)
    return box


def test_a_lab_csv_with_chinese_headers_and_a_bad_row_stores_the_good_rows(world, received):
    csv = (
        "检测机构：市第三人民医院\n"
        "序号,试管编码,检测结果,报告时间\n"
        "1,ｔｇ0000001,阴性,2022-04-04 18:30\n"
        ",,,\n"
        "2,TG0000002,maybe,2022-04-04 18:31\n"
        "3,TG0000404,阴性,2022/04/04 18:32\n"
        "4,TG0000002,阳性,yesterday\n"
    ).encode("gb18030")
    upload = results_upload(acting_user=world.lab, filename="三院结果.csv", data=csv, save_as="市三院")
    assert (upload.rows, upload.stored, upload.duplicates, upload.refused) == (4, 1, 0, 3)
    assert [(r["row"], r["tube"], r["code"]) for r in upload.report] == [
        (5, "TG0000002", "invalid"),
        (6, "TG0000404", "tube_unknown"),
        (7, "TG0000002", "invalid"),
    ]
    assert upload.report[2]["message"] == "'yesterday' is not a date (write 2022-04-01)."
    result = TubeResult.objects.get()
    assert (result.tube.code, result.result, result.source, result.source_ref) == (
        "TG0000001",
        "negative",
        "upload",
        "三院结果.csv row 3",
    )
    assert timezone.localtime(result.reported_at).strftime("%Y-%m-%d %H:%M") == "2022-04-04 18:30"
    assert LabMapping.objects.get(name="市三院").mapping == {
        "试管编码": "tube_code",
        "检测结果": "result",
        "报告时间": "reported_at",
    }
    # The same file again: the stored row is a duplicate, nothing changes.
    again = results_upload(acting_user=world.lab, filename="三院结果.csv", data=csv)
    assert (again.stored, again.duplicates, again.refused) == (0, 1, 3)
    assert TubeResult.objects.count() == 1


def test_an_xlsx_with_unknown_headers_needs_a_mapping(world, received):
    book = Workbook()
    book.active.append(["Barcode No.", "Outcome (qPCR)"])
    book.active.append(["TG0000002", "POS"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(ValidationError) as error:
        results_upload(acting_user=world.lab, filename="lab.xlsx", data=data.getvalue())
    assert error.value.message_dict == {"mapping": ["Say which column holds the tube code, result."]}
    upload = results_upload(
        acting_user=world.lab,
        filename="lab.xlsx",
        data=data.getvalue(),
        mapping={"Barcode No.": "tube_code", "Outcome (qPCR)": "result"},
    )
    assert (upload.stored, upload.refused) == (1, 0)
    assert TubeResult.objects.get().result == "positive"
    with pytest.raises(PermissionDenied):
        results_upload(acting_user=world.staff, filename="lab.xlsx", data=data.getvalue())


def test_results_reach_everyone_in_the_tube(world, received):
    results_upload(
        acting_user=world.lab,
        filename="r.csv",
        data="试管编码,检测结果\nTG0000001,阴性\nTG0000002,阳性\n".encode(),
    )
    assert sorted(Sample.objects.values_list("tube__code", "state").distinct()) == [
        ("TG0000001", SampleState.NEGATIVE),
        ("TG0000002", SampleState.POOL_POSITIVE),
    ]
